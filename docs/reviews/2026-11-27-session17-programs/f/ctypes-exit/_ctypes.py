raise SystemExit(99)
