#!/usr/bin/env bash
# Builds bulwark/sandbox-jvm:17 offline: the host's Debian OpenJDK 17 (java launcher, lib/ with the
# modules image, conf/, every shared library they load, found with ldd) in a root file system that
# is `docker import`-ed. Same user layout as the Python image (uid 10001 'sandbox', /work, /tmp).
#   images/build-jvm-image.sh [--force]
set -euo pipefail
IMAGE=bulwark/sandbox-jvm:17
JDK=/usr/lib/jvm/java-17-openjdk-amd64
if docker image inspect "$IMAGE" >/dev/null 2>&1 && [[ "${1:-}" != "--force" ]]; then
  echo "[images] $IMAGE already present"; exit 0
fi
[[ -x $JDK/bin/java ]] || { echo "[images] $JDK/bin/java missing: apt-get install openjdk-17-jdk-headless" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
copy() { local f=$1; mkdir -p "$root$(dirname "$f")"; cp -L "$f" "$root$f"; }
libs_of() { ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' ; }
mkdir -p "$root$JDK/bin"
cp -L "$JDK/bin/java" "$root$JDK/bin/java"
cp -L "$JDK/release" "$root$JDK/release"
# lib/ and conf/ with symlinks (into /etc/java-17-openjdk) resolved; no sources, no debug data
(cd "$JDK" && tar -ch --exclude='src.zip' --exclude='*.debuginfo' lib conf) | tar -C "$root$JDK" -x
{ libs_of "$JDK/bin/java"; find "$JDK/lib" -name '*.so' | while read -r so; do libs_of "$so"; done; } \
  | sort -u | grep -v "^$JDK" | while read -r lib; do copy "$lib"; done
for ld in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do [[ -e $ld ]] && copy "$ld"; done
mkdir -p "$root/usr/bin" && ln -sf "$JDK/bin/java" "$root/usr/bin/java"
mkdir -p "$root/etc" "$root/tmp" "$root/work" "$root/proc" "$root/dev" "$root/sys"
echo 'root:x:0:0:root:/root:/nonexistent' > "$root/etc/passwd"
echo 'sandbox:x:10001:10001:sandbox:/work:/nonexistent' >> "$root/etc/passwd"
printf 'root:x:0:\nsandbox:x:10001:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/bin:/bin' --change "ENV JAVA_HOME=$JDK" \
  --change 'WORKDIR /work' - "$IMAGE" >/dev/null
echo "[images] built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE") bytes)"
