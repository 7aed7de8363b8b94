# Watches every java process's memory maps for a given inode (the attacker's archive); prints a hit.
import os, sys, time
ino = sys.argv[1]; deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            with open(f'/proc/{pid}/maps') as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 6 and parts[4] == ino and parts[5].endswith('.jsa'):
                        print(f'HIT pid {pid} maps attacker inode {ino}: {line.strip()}'); sys.exit(0)
        except OSError:
            pass
    time.sleep(0.002)
print('no hit'); sys.exit(1)
