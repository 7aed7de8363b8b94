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
# CompileThresholdScaling=5: the start-up code (class loading, pgjdbc's SCRAM) stays interpreted or
# in C1 instead of keeping C2 busy, while the stream's loops still reach C2 (about -0.6 CPU-s).
default_opts="-Xmx256m -XX:+UseSerialGC -XX:CompileThresholdScaling=5 -XX:CompileCommand=quiet"
default_opts+=" -XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.*::*,0.001"
# slf4j's provider named rather than looked up: its ServiceLoader opens every jar of the class path
default_opts+=" -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider -Dslf4j.internal.verbosity=WARN"
set -f # the options are split on spaces below, never expanded as file names
# shellcheck disable=SC2086
opts=(${BACKUP_JAVA_OPTS:-$default_opts} -Dbulwark.backup.cli.name=scripts/backup.sh
  -Dorg.slf4j.simpleLogger.defaultLogLevel="${BACKUP_LOG_LEVEL:-info}" -Dorg.slf4j.simpleLogger.logFile=System.err)
set +f
cp="$classes:$(cat "$cp_file")"

# Application class-data sharing (AppCDS; backup/README.md "Where the CPU goes"), OPT-IN: the
# classes a backup loads (Jackson, pgjdbc, zstd-jni, ours) are parsed, verified and laid out once
# into an archive that later runs map, which saves about 0.5 CPU-s of every run's start. Set
# BACKUP_CDS_DIR to a directory to turn it on. The archive is made by the first `backup` run
# (-XX:ArchiveClassesAtExit), named after the JVM and the size and time of every jar on the class
# path (a rebuilt jar or another JDK gets a new archive), and used only when the directory and the
# file belong to this user, nobody else can write them, and every directory above is owned by root
# or this user and not writable by others (or sticky, like /tmp) — the archive is code the JVM
# loads. Anything amiss and the run goes on without it (review 2026-11-26b, B1-B6).
cds_dir=${BACKUP_CDS_DIR:-off}
archive="" make_archive=""
jar=$(compgen -G "$root/backup/target/bulwark-backup-*.jar" | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' | head -1 || true)
# CDS archives classes from jars only: use the module's jar when it is not older than its classes
if [[ $cds_dir != off && -n $jar && -z $(find "$classes" -type f -newer "$jar" -print -quit 2>/dev/null) ]]; then
  cp="$jar:$(cat "$cp_file")"
  owner_only() { [[ -O $1 && ! -L $1 && -z $(find "$1" -maxdepth 0 -perm /022 2>/dev/null) ]]; }
  # no link anywhere in the path, and no directory above that someone else could rename things in
  safe_above() {
    local d u m
    [[ $1 == /* && $(readlink -f "$1" 2>/dev/null) == "$1" ]] || return 1
    d=${1%/*}
    while [[ -n $d ]]; do
      read -r u m < <(stat -c '%u %a' "$d" 2>/dev/null) || return 1
      [[ $u == 0 || $u == "$EUID" ]] || return 1
      (( (8#$m & 8#022) == 0 || (8#$m & 8#1000) != 0 )) || return 1
      d=${d%/*}
    done
  }
  if (umask 077 && mkdir -p "$cds_dir") 2>/dev/null && owner_only "$cds_dir" && safe_above "$cds_dir"; then
    find "$cds_dir" -maxdepth 1 -name '.cli-*.jsa.tmp' -mmin +60 -delete 2>/dev/null || true
    java_bin=$(readlink -f "$(command -v java)" 2>/dev/null || true)
    key=$( { echo "$java_bin ${opts[*]}"; IFS=: read -ra entries <<<"$cp"; stat -L -c '%n %s %Y' "$java_bin" "${entries[@]}"; } 2>/dev/null |
      sha256sum | cut -c1-16)
    if [[ -f $cds_dir/cli-$key.jsa ]]; then
      owner_only "$cds_dir/cli-$key.jsa" && archive="$cds_dir/cli-$key.jsa"
    elif [[ ${1:-} == backup && $(df -Pk "$cds_dir" 2>/dev/null | awk 'NR == 2 {print $4}') -ge 131072 ]]; then
      # (at least 128 MiB free: a JVM that cannot write its archive at exit fails the run)
      make_archive="$cds_dir/cli-$key.jsa"
    fi
  fi
fi
main=(-cp "$cp" dev.bulwark.backup.cli.BackupCli "$@")
if [[ -n $archive ]]; then
  exec java "${opts[@]}" -XX:SharedArchiveFile="$archive" -XX:+VerifySharedSpaces -Xlog:cds=off,class+path=off "${main[@]}"
elif [[ -z $make_archive ]]; then
  exec java "${opts[@]}" "${main[@]}"
fi
# First backup with this jar and JVM: run it while writing the archive, then move it into place.
tmp=$(mktemp "$cds_dir/.cli-XXXXXX.jsa.tmp" 2>/dev/null) || exec java "${opts[@]}" "${main[@]}"
# options that rule out archiving (-Xshare:off in BACKUP_JAVA_OPTS) stop the JVM: then go on without
if ! java "${opts[@]}" -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds=off,cds+dynamic=off -version >/dev/null 2>&1; then
  rm -f "$tmp"
  exec java "${opts[@]}" "${main[@]}"
fi
java "${opts[@]}" -XX:ArchiveClassesAtExit="$tmp" -Xlog:cds=off,cds+dynamic=off "${main[@]}" 0<&0 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT HUP
rc=0
while true; do
  wait "$child" && rc=0 || rc=$?
  kill -0 "$child" 2>/dev/null || break
done
# installed only when complete and loadable: a truncated archive (a full disk) would crash the JVM
if [[ $rc -eq 0 && -s $tmp ]] && chmod 0400 "$tmp" && sync "$tmp" &&
  java "${opts[@]}" -XX:SharedArchiveFile="$tmp" -Xshare:on -cp "$cp" -version >/dev/null 2>&1 &&
  mv -f "$tmp" "$make_archive"; then
  find "$cds_dir" -maxdepth 1 -name 'cli-*.jsa' ! -name "${make_archive##*/}" -delete 2>/dev/null || true
else
  rm -f "$tmp"
fi
exit "$rc"
