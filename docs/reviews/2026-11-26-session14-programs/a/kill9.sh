#!/bin/bash
# C: kill -9 of backup.sh during the first (archive-making) backup: what is left behind
set -u
d=/work/review-2026-11-26b/a
rm -rf $d/store $d/cdsk; mkdir -m 0700 $d/cdsk
BACKUP_SOURCE_DIR=$d/src BACKUP_DIR=$d/store BACKUP_CDS_DIR=$d/cdsk BACKUP_LOG_LEVEL=warn /work/wt-backup/scripts/backup.sh backup &
sh_pid=$!
# wait until the archive-making JVM (child of the script) is running
for i in $(seq 100); do c=$(pgrep -P $sh_pid -f BackupCli) && break; sleep 0.1; done
kill -9 $sh_pid; echo "killed script $sh_pid; orphaned JVM child: $c"
while kill -0 $c 2>/dev/null; do sleep 0.2; done
echo "after the orphan finished:"; ls -la $d/cdsk; ls $d/store
