# a helper process gets OOM-killed at once; the program itself then just runs past its time limit
import os, time
pid = os.fork()
if pid == 0:
    b = []
    while True:
        b.append(bytearray(8 << 20))
st = os.waitpid(pid, 0)[1]
print('helper ended:', os.waitstatus_to_exitcode(st), flush=True)
time.sleep(600)
