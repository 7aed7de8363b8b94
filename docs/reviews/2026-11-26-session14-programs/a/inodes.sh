#!/bin/bash
# A3: no free inode (or quota) in the cache filesystem: mktemp itself fails
set -u
d=/work/review-2026-11-26b/a
rm -rf $d/store; mkdir -p $d/cdsino
mount -t tmpfs -o size=1m,nr_inodes=1,mode=0700 tmpfs $d/cdsino
BACKUP_SOURCE_DIR=$d/src BACKUP_DIR=$d/store BACKUP_CDS_DIR=$d/cdsino BACKUP_LOG_LEVEL=warn /work/wt-backup/scripts/backup.sh backup
echo "backup.sh rc=$?"; ls $d/store 2>&1
