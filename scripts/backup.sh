#!/usr/bin/env bash
# Backup command line for cron and operators (see docs/DISASTER_RECOVERY.md and backup/README.md).
#   scripts/backup.sh backup | list | verify | test-restore | restore | prune | drill | keygen
# Configured by environment: DB_URL, DB_USER, DB_PASSWORD (or BACKUP_SOURCE_DIR) and BACKUP_*.
# Builds the backup module on first use (needs only a JDK: Maven comes through ./mvnw).
# Exit codes: 0 ok, 1 failed, 2 usage/configuration error, 3 another backup is running.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
classes="$root/backup/target/classes"
cp_file="$root/backup/target/classpath.txt"
if [[ ! -f "$cp_file" || ! -f "$classes/dev/bulwark/backup/cli/BackupCli.class" ]]; then
  echo "backup.sh: building the backup module (first use)..." >&2
  (cd "$root" && ./mvnw -B -q -pl backup -am package -DskipTests -Dspotbugs.skip=true \
      -Dmaven.javadoc.skip=true -Djacoco.skip=true -Denforcer.skip=true) >&2
fi
# JVM flags (measured, backup/README.md "Where the time goes"): the serial collector, so no GC
# threads compete with pg_dump and zstd on a small machine. C2 stays on (no TieredStopAtLevel=1):
# SHA-256 and AES-GCM need its intrinsics, and C1-only cost more in hashing than it saved in JIT.
# The JDK's AES-GCM (Tink) gets its AES-CTR and GHASH intrinsics only once C2 has compiled the
# cipher's callers, which a short run with 1 MiB segments never reaches (GHASH then runs as plain
# Java, ~35 MB/s): compiling com.sun.crypto.provider after 1/1000 of the usual invocations does.
default_opts="-Xmx256m -XX:+UseSerialGC -XX:CompileCommand=quiet"
default_opts+=" -XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.*::*,0.001"
set -f # the options are split on spaces below, never expanded as file names
# shellcheck disable=SC2086
exec java ${BACKUP_JAVA_OPTS:-$default_opts} -Dbulwark.backup.cli.name=scripts/backup.sh -Dorg.slf4j.simpleLogger.defaultLogLevel="${BACKUP_LOG_LEVEL:-info}" \
  -Dorg.slf4j.simpleLogger.logFile=System.err \
  -cp "$classes:$(cat "$cp_file")" dev.bulwark.backup.cli.BackupCli "$@"
