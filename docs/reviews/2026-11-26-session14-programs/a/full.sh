#!/bin/bash
# A2: BACKUP_CDS_DIR on a nearly full filesystem (256 KiB tmpfs): the archive cannot be written at JVM exit.
# Shows every java invocation of backup.sh (PS4 trace) and its exit code.
set -u
d=/work/review-2026-11-26b/a
rm -rf $d/store; mkdir -p $d/cdsfull
mount -t tmpfs -o size=256k,mode=0700 tmpfs $d/cdsfull
BACKUP_SOURCE_DIR=$d/src BACKUP_DIR=$d/store BACKUP_CDS_DIR=$d/cdsfull BACKUP_LOG_LEVEL=warn \
  bash -x /work/wt-backup/scripts/backup.sh backup 2>&1 | grep -E '^\+* *(java|wait|exit|rc=|exec|mktemp|tmp=)|^[^+]' | cut -c1-200
echo "backup.sh rc=${PIPESTATUS[0]}"; ls $d/store 2>&1
