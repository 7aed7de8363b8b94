import os, sys, time, select, _signal as signal
end = time.monotonic() + float(sys.argv[1])
c = sys.argv[2:]
_p0 = sys.path[:]
sys.path[:] = [x for x in sys.path if x]
import _ctypes
sys.path[:] = _p0
class _I(_ctypes._SimpleCData): _type_ = 'i'
class _F(_ctypes.CFuncPtr): _flags_, _restype_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO, _I
class _L: _handle = _ctypes.dlopen(None)
prctl = _F(('prctl', _L))
if prctl(4, 0, 0, 0, 0) != 0:
    sys.stderr.write('bulwark sandbox: the seccomp profile refuses prctl(PR_SET_DUMPABLE, 0), which the' ' in-container deadline needs; allow prctl with argument 0 equal to 4 (SANDBOX_PROFILE)\n')
    sys.stderr.flush()
    os._exit(126)
r, w = os.pipe()
os.set_blocking(w, False)
signal.set_wakeup_fd(w)
signal.signal(signal.SIGCHLD, lambda *a: None)
pid = os.fork()
if pid != 0:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    p = select.poll()
    p.register(r, select.POLLIN)
    while True:
        for _ in range(1024):
            got, status = os.waitpid(-1, os.WNOHANG)
            if got == pid:
                code = os.waitstatus_to_exitcode(status)
                os._exit(code if code >= 0 else 128 - code)
            if not got:
                break
        left = end - time.monotonic()
        if left <= 0:
            os._exit(137)
        if p.poll(max(1, min(left * 1000, 1000))):
            os.read(r, 512)
signal.set_wakeup_fd(-1)
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
os.close(r); os.close(w)
prctl(4, 1, 0, 0, 0)
if c[0] == 'python3' and len(c) > 2 and c[1] == '-c':
    sys.argv = ['-c'] + c[3:]
    main, wrapper = type(sys)('__main__'), sys.modules['__main__']
    main.__builtins__, main.__loader__ = __builtins__, __loader__
    sys.modules['__main__'] = main
    exec(compile(c[2], '<string>', 'exec'), main.__dict__)
elif c[0] == 'python3' and len(c) > 1 and not c[1].startswith('-'):
    if sys.path and sys.path[0] == '':
        del sys.path[0]
    import runpy, pkgutil
    if not os.path.exists(c[1]):
        sys.stderr.write("python3: can't open file %r: [Errno 2] No such file or directory\n" % os.path.abspath(c[1]))
        sys.stderr.flush()
        os._exit(2)
    sys.argv = c[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(c[1])))
    runpy.run_path(c[1], run_name='__main__')
else:
    try:
        os.execvp(c[0], c)
    except OSError as e:
        sys.stderr.write('bulwark sandbox: cannot run %s: %s\n' % (c[0], e.strerror))
        os._exit(127)
