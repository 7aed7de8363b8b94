#!/usr/bin/env bash
# Builds the sandbox's test images offline (there is no registry here): a root file system made
# from the host's Debian python3.11 (binary, standard library and every shared library they load,
# found with ldd) and `docker import`-ed. Idempotent: an existing image is kept unless --force.
#   images/build-images.sh [--force]
# Results: bulwark/sandbox-python:3.11  (python3 at /usr/bin/python3, user 10001 'sandbox' in /etc/passwd)
#          bulwark/sandbox-jvm:17       (the host's OpenJDK 17 at /usr/lib/jvm/java-17-openjdk-amd64, java on PATH)
set -euo pipefail
force=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
if [[ "${BULWARK_SKIP_JVM_IMAGE:-}" != "true" ]]; then
  bash "$here/build-jvm-image.sh" "$force"
fi
IMAGE=bulwark/sandbox-python:3.11
# Bumped when the image's content changes: an image of an older revision is rebuilt without --force.
REVISION=2
have=$(docker image inspect -f '{{index .Config.Labels "dev.bulwark.image.revision"}}' "$IMAGE" 2>/dev/null || true)
if [[ "$have" == "$REVISION" && "$force" != "--force" ]]; then
  echo "[images] $IMAGE (revision $REVISION) already present"; exit 0
fi
PY=/usr/bin/python3.11
[[ -x $PY ]] || { echo "[images] $PY missing: apt-get install python3.11-minimal libpython3.11-stdlib" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
copy() { # copy a file (following symlinks) to the same path in the root fs
  local f=$1
  mkdir -p "$root$(dirname "$f")"
  cp -L "$f" "$root$f"
}
libs_of() { ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\s*\/lib/{print $1}' ; }
copy "$PY"
mkdir -p "$root/usr/bin" && ln -sf python3.11 "$root/usr/bin/python3"
mkdir -p "$root/usr/lib" && cp -a /usr/lib/python3.11 "$root/usr/lib/"
rm -rf "$root/usr/lib/python3.11/test" "$root/usr/lib/python3.11/idlelib" "$root/usr/lib/python3.11/tkinter" \
       "$root/usr/lib/python3.11/ensurepip" "$root/usr/lib/python3.11/lib2to3"
find "$root/usr/lib/python3.11" -name '__pycache__' -prune -exec rm -rf {} +
# The standard library's byte code, compiled by the image's own interpreter (revision 2): the root
# file system is read-only, so without it every run compiles each module it imports from source
# (`encodings` alone: ~9 ms of every interpreter start). -s/-p: tracebacks name /usr/lib/..., not $root.
"$PY" -m compileall -q -j 0 -s "$root" -p / "$root/usr/lib/python3.11" >/dev/null
{ libs_of "$PY"; for so in /usr/lib/python3.11/lib-dynload/*.so; do libs_of "$so"; done; } | sort -u | while read -r lib; do
  copy "$lib"
done
# the dynamic loader
for ld in /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do [[ -e $ld ]] && copy "$ld"; done
mkdir -p "$root/etc" "$root/tmp" "$root/work" "$root/proc" "$root/dev" "$root/sys"
echo 'root:x:0:0:root:/root:/nonexistent' > "$root/etc/passwd"
echo 'sandbox:x:10001:10001:sandbox:/work:/nonexistent' >> "$root/etc/passwd"
printf 'root:x:0:\nsandbox:x:10001:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/bin:/bin' --change 'WORKDIR /work' \
    --change "LABEL dev.bulwark.image.revision=$REVISION" - "$IMAGE" >/dev/null
echo "[images] built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE") bytes)"
