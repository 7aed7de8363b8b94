#!/bin/bash
# D: an installed archive damaged after the fact (power loss after the un-fsynced rename, bit rot):
# truncated to half, zero-filled, and random bytes in the middle. Does the next run still work?
set -u
d=/work/review-2026-11-26b/d
rm -rf $d/src $d/store $d/cds; mkdir -p $d/src; echo hi > $d/src/a.txt
export BACKUP_SOURCE_DIR=$d/src BACKUP_DIR=$d/store BACKUP_CDS_DIR=$d/cds BACKUP_LOG_LEVEL=warn
/work/wt-backup/scripts/backup.sh backup >/dev/null 2>&1
f=$(ls $d/cds/cli-*.jsa); size=$(stat -c %s $f); cp $f $d/good.jsa
for kind in ${KINDS:-truncated zeroed empty middle}; do
  cp $d/good.jsa $f.new && chmod 0600 $f.new
  case $kind in
    truncated) truncate -s $((size / 2)) $f.new ;;
    empty) truncate -s 0 $f.new ;;
    zeroed) truncate -s 0 $f.new; truncate -s $size $f.new ;;
    middle) dd if=/dev/urandom of=$f.new bs=4096 seek=$((size / 8192)) count=64 conv=notrunc 2>/dev/null ;;
  esac
  chmod 0400 $f.new; mv -f $f.new $f
  out=$(timeout -k 5 60 /work/wt-backup/scripts/backup.sh list 2>&1); rc=$?  # 124/137: hung, cut by timeout
  echo "$kind archive: backup.sh list rc=$rc; $(echo "$out" | grep -v '^20' | head -3 | tr '\n' ' ' | cut -c1-300)"
done
