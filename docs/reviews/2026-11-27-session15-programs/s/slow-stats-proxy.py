#!/usr/bin/env python3
"""Review 2026-11-27: a Unix-socket proxy in front of the Docker engine that answers /stats calls
STATS_DELAY seconds late (an engine whose stats are slow: busy runsc sandbox, loaded dockerd);
everything else, including the hijacked attach stream, is relayed unchanged."""
import os, socket, sys, threading, time
LISTEN, UPSTREAM = sys.argv[1], "/var/run/docker.sock"
DELAY = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0

def pipe(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
    except OSError:
        pass
    finally:
        try: dst.shutdown(socket.SHUT_WR)
        except OSError: pass

def handle(c):
    first = c.recv(65536, socket.MSG_PEEK)
    if b"/stats" in first.split(b"\r\n", 1)[0]:
        sys.stderr.write("proxy: delaying %s by %.0f s\n" % (first.split(b"\r\n", 1)[0].decode(), DELAY)); sys.stderr.flush()
        time.sleep(DELAY)
    u = socket.socket(socket.AF_UNIX); u.connect(UPSTREAM)
    t = threading.Thread(target=pipe, args=(u, c), daemon=True); t.start()
    pipe(c, u); t.join()
    c.close(); u.close()

if os.path.exists(LISTEN): os.unlink(LISTEN)
s = socket.socket(socket.AF_UNIX); s.bind(LISTEN); s.listen(64)
while True:
    c, _ = s.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
