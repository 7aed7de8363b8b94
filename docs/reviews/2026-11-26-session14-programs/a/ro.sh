#!/bin/bash
# A1: BACKUP_CDS_DIR is an existing owner-only directory on a read-only mount (e.g. systemd ProtectHome=read-only)
set -u
d=/work/review-2026-11-26b/a
rm -rf $d/store $d/cdsro; mkdir -m 0700 $d/cdsro
mount --bind $d/cdsro $d/cdsro && mount -o remount,bind,ro $d/cdsro
BACKUP_SOURCE_DIR=$d/src BACKUP_DIR=$d/store BACKUP_CDS_DIR=$d/cdsro BACKUP_LOG_LEVEL=warn /work/wt-backup/scripts/backup.sh backup
echo "backup.sh rc=$?"; ls $d/store 2>&1
