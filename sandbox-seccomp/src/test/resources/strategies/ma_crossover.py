"""Moving-average crossover backtest: long when the fast average is above the slow one.

Reads prices.csv (date,close) from the work dir, writes a JSON result to stdout:
{"trades": n, "pnl": x, "final_position": 0|1}. Parameters from stdin: "fast slow".
"""
import csv
import json
import sys


def main():
    fast, slow = (int(x) for x in sys.stdin.read().split())
    with open("prices.csv", newline="") as f:
        closes = [float(row["close"]) for row in csv.DictReader(f)]
    position, entry, pnl, trades = 0, 0.0, 0.0, 0
    for i in range(slow, len(closes) + 1):
        window = closes[:i]
        fast_ma = sum(window[-fast:]) / fast
        slow_ma = sum(window[-slow:]) / slow
        price = window[-1]
        if fast_ma > slow_ma and position == 0:
            position, entry, trades = 1, price, trades + 1
        elif fast_ma < slow_ma and position == 1:
            position, pnl, trades = 0, pnl + price - entry, trades + 1
    if position == 1:
        pnl += closes[-1] - entry
    print(json.dumps({"trades": trades, "pnl": round(pnl, 6), "final_position": position}))


if __name__ == "__main__":
    main()
