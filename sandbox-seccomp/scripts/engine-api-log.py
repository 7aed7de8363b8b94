#!/usr/bin/env python3
"""Logs the engine API calls a caller makes: a relay on a Unix socket in front of /var/run/docker.sock.

    sandbox-seccomp/scripts/engine-api-log.py LOGFILE [SOCKET]     (default SOCKET /tmp/bulwark-engine-log.sock)
    SANDBOX_DOCKER_HOST=unix://SOCKET <the caller, e.g. EngineCpuHarness>

Every HTTP request line sent to the engine is appended to LOGFILE with its time; the streams
themselves (attach, stats) pass through untouched, half-closes included. Stop it with kill <pid>.
"""
import os, re, socket, sys, threading, time
P = sys.argv[2] if len(sys.argv) > 2 else '/tmp/bulwark-engine-log.sock'
if os.path.exists(P): os.unlink(P)
srv = socket.socket(socket.AF_UNIX); srv.bind(P); os.chmod(P, 0o600)  # the engine is root: only this user may reach it through the relay; srv.listen(256)
log = open(sys.argv[1], 'a', buffering=1)
REQ = re.compile(rb'(?:^|\r\n)((?:GET|POST|DELETE|PUT|HEAD) /[^ \r\n]* HTTP/1\.[01])')
def pump(a, b, watch):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            if watch:
                for m in REQ.finditer(d[:4096]):
                    log.write('%.6f %s\n' % (time.time(), m.group(1).decode('latin1')))
            b.sendall(d)
    except OSError: pass
    finally:
        try: b.shutdown(socket.SHUT_WR)
        except OSError: pass
while True:
    c, _ = srv.accept()
    e = socket.socket(socket.AF_UNIX); e.connect('/var/run/docker.sock')
    threading.Thread(target=pump, args=(c, e, True), daemon=True).start()
    threading.Thread(target=pump, args=(e, c, False), daemon=True).start()
