#!/usr/bin/env bash
# Release checks (docs/RELEASING.md). Every subcommand exits non-zero, saying why, on a failure.
#   scripts/release.sh modules
#       the published modules' folders (bom and every reactor module whose pom does not set
#       maven.deploy.skip), one a line
#   scripts/release.sh set-version VERSION
#       writes VERSION instead of the current version in every pom (project, parent and the
#       bulwark.version properties of the BOM consumer)
#   scripts/release.sh reproducible
#       after a build of this tree (./mvnw verify or package): builds the published modules again
#       from a copy of the tree at another path and compares every published file (jar, sources,
#       javadoc, SBOM) byte for byte with the first build's
#   scripts/release.sh dry-run [VERSION]
#       in a copy of the tree: sets VERSION (default: the current one without -SNAPSHOT), makes a
#       throwaway passphrase-less GPG key, runs ./mvnw -Prelease deploy (signs, stages locally),
#       then `check`s the staging directory, left in target/release-dry-run/staging
#   scripts/release.sh check STAGING_DIR VERSION
#       checks a staging directory laid out as Maven Central expects: for every published module
#       a pom, and for a jar module jar, sources, javadoc and SBOM; each file with a .asc that
#       gpg --verify accepts and .md5/.sha1 that match; the POM metadata Central requires
#   scripts/release.sh bundle STAGING_DIR ZIP
#       zips a checked staging directory for upload to the Central Portal (no maven-metadata.xml)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
GROUP_PATH=dev/bulwark

log() { printf '[release] %s\n' "$*"; }
die() { printf '[release] FAILED: %s\n' "$*" >&2; exit 1; }

published_modules() {
  echo bom
  local m
  for m in $(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml); do
    [[ $m == bom ]] && continue
    grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$m/pom.xml" || echo "$m"
  done
}

project_version() { # the root pom's version (it has no parent: its first <version>)
  sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml
}

artifact_id() { # the module's own artifactId (not its parent's)
  awk '/<parent>/{p=1} /<\/parent>/{p=0; next} !p && /<artifactId>/{sub(/.*<artifactId>/, ""); sub(/<\/artifactId>.*/, ""); print; exit}' "$1/pom.xml"
}

# A copy of the work tree (tracked and untracked-but-not-ignored files, no target/) in $1.
copy_tree() {
  mkdir -p "$1"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard \
      | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$1"
  else # not a git checkout: everything but build output
    tar --exclude=./target --exclude='./*/target' --exclude='./*/*/target' --exclude=./data -cf - . | tar -xf - -C "$1"
  fi || die "could not copy the work tree to $1"
}

mvn_published() { # mvn_published DIR ARGS...: builds the published modules (and what they need) in DIR
  local dir=$1; shift
  local list; list=$(published_modules | paste -sd, -)
  (cd "$dir" && ./mvnw -B -q -pl "$list" -am -Dmaven.test.skip=true -Dspotbugs.skip=true -Djacoco.skip=true "$@")
}

# The files a published module's build leaves in target/ and publishes.
published_files() { # published_files MODULE_DIR
  (cd "$1/target" 2>/dev/null && ls -1 ./*.jar bom.json bom.xml 2>/dev/null | sed 's:^\./::')
}

jar_diff() { # jar_diff A B: the entries of two jars that differ (name, time, CRC, size), at most 20
  python3 - "$1" "$2" <<'PY'
import sys, zipfile
def entries(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: (i.date_time, f"{i.CRC:08x}", i.file_size) for i in z.infolist()}
a, b = entries(sys.argv[1]), entries(sys.argv[2])
lines = []
for name in sorted(set(a) | set(b)):
    if a.get(name) != b.get(name):
        lines.append(f"[release]     {name}: first {a.get(name, 'absent')}, second {b.get(name, 'absent')}")
if not lines:
    lines.append("[release]     same entries, times and CRCs: the zip structure (order, extra fields) differs")
print("\n".join(lines[:20] + ([f"[release]     ... {len(lines) - 20} more"] if len(lines) > 20 else [])))
PY
}

cmd_reproducible() {
  local m f missing=0 differ=0 same=0
  for m in $(published_modules); do
    [[ -f $m/target/bom.json ]] || { log "$m/target has no build: run ./mvnw -B verify (or package) first"; missing=1; }
  done
  ((missing)) && die "no first build to compare with"
  local work; work=$(mktemp -d /tmp/bulwark-rebuild.XXXXXX)
  log "second build of the published modules in $work (another path, empty target/)"
  copy_tree "$work"
  mvn_published "$work" package >"$work.log" 2>&1 || { tail -40 "$work.log" >&2; die "second build failed (log: $work.log)"; }
  for m in $(published_modules); do
    local first second
    first=$(published_files "$m"); second=$(published_files "$work/$m")
    [[ "$first" == "$second" ]] || { log "$m: different sets of files: [$first] vs [$second]"; differ=1; continue; }
    for f in $first; do
      if cmp -s "$m/target/$f" "$work/$m/target/$f"; then
        same=$((same + 1)); printf '[release]   identical  %s  %s/target/%s\n' "$(sha256sum <"$m/target/$f" | cut -c1-16)" "$m" "$f"
      else
        differ=1; log "  DIFFERS   $m/target/$f"
        if [[ $f == *.jar ]]; then jar_diff "$m/target/$f" "$work/$m/target/$f"; else diff "$m/target/$f" "$work/$m/target/$f" | head -20; fi
      fi
    done
  done
  ((differ)) && die "the build is not reproducible: the files above differ between two builds of the same sources (second build kept in $work; locally, a jar left by an earlier build with other settings also differs: ./mvnw clean first)"
  ((same > 0)) || die "no published file found to compare"
  rm -rf "$work" "$work.log"
  log "reproducible: $same published files byte-identical between two builds"
}

cmd_check() {
  local staging=${1:?usage: release.sh check STAGING_DIR VERSION} version=${2:?usage: release.sh check STAGING_DIR VERSION}
  [[ -d $staging/$GROUP_PATH ]] || die "$staging/$GROUP_PATH does not exist: nothing staged"
  local problems=() m a dir f n=0
  expect() { # expect FILE: the file, its signature (verified) and its checksums (matching)
    local file=$1
    if [[ ! -f $file ]]; then problems+=("missing ${file#"$staging"/}"); return; fi
    if [[ ! -f $file.asc ]]; then problems+=("missing ${file#"$staging"/}.asc")
    elif ! gpg --batch --quiet --verify "$file.asc" "$file" 2>/dev/null; then problems+=("signature does not verify (gpg --verify): ${file#"$staging"/}.asc"); fi
    local alg sum
    for alg in md5 sha1; do
      if [[ ! -f $file.$alg ]]; then problems+=("missing ${file#"$staging"/}.$alg"); continue; fi
      sum=$("${alg}sum" <"$file" | cut -d' ' -f1)
      [[ $(tr -d ' \n' <"$file.$alg") == "$sum" ]] || problems+=("wrong ${file#"$staging"/}.$alg")
    done
    n=$((n + 1))
  }
  local expected=(bulwark-parent)
  expect "$staging/$GROUP_PATH/bulwark-parent/$version/bulwark-parent-$version.pom"
  for m in $(published_modules); do
    a=$(artifact_id "$m"); expected+=("$a")
    dir="$staging/$GROUP_PATH/$a/$version"
    expect "$dir/$a-$version.pom"
    expect "$dir/$a-$version-cyclonedx.json"
    expect "$dir/$a-$version-cyclonedx.xml"
    if [[ -d $m/src/main/java ]]; then
      expect "$dir/$a-$version.jar"
      expect "$dir/$a-$version-sources.jar"
      expect "$dir/$a-$version-javadoc.jar"
    fi
  done
  # Nothing staged that is not published (samples, coverage, test-support).
  for dir in "$staging/$GROUP_PATH"/*/; do
    a=$(basename "$dir")
    [[ " ${expected[*]} " == *" $a "* ]] || problems+=("staged but not a published module: $a")
  done
  # Files with a version in their name must carry the release version.
  while IFS= read -r f; do problems+=("not the release version $version: ${f#"$staging"/}"); done \
    < <(find "$staging/$GROUP_PATH" -type f -name "*SNAPSHOT*")
  # The POM metadata Maven Central requires, on each published pom with its parent applied.
  local pom_list=()
  for m in $(published_modules); do
    a=$(artifact_id "$m"); pom_list+=("$staging/$GROUP_PATH/$a/$version/$a-$version.pom")
  done
  local meta
  meta=$(python3 - "$staging/$GROUP_PATH/bulwark-parent/$version/bulwark-parent-$version.pom" "${pom_list[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
def load(path):
    return ET.parse(path).getroot()
parent = load(sys.argv[1])
def field(pom, path):
    el = pom.find(path, ns)
    if el is None and pom.find("m:parent", ns) is not None:
        el = parent.find(path, ns)  # inherited from bulwark-parent
    return "" if el is None else "".join(el.itertext()).strip()
required = {
    "name": "m:name", "description": "m:description", "url": "m:url",
    "licenses": "m:licenses/m:license/m:name", "license url": "m:licenses/m:license/m:url",
    "scm url": "m:scm/m:url", "scm connection": "m:scm/m:connection",
    "developers": "m:developers/m:developer/m:name",
}
bad = 0
for path in sys.argv[1:]:
    pom = load(path)
    missing = [k for k, p in required.items() if not field(pom, p)]
    if missing:
        bad = 1
        print(f"{path.rsplit('/', 1)[-1]} lacks {', '.join(missing)}")
sys.exit(bad)
PY
) || problems+=("POM metadata: $meta")
  if ((${#problems[@]})); then
    for f in "${problems[@]}"; do printf '[release]   %s\n' "$f" >&2; done
    die "${#problems[@]} problem(s) in the staging directory $staging"
  fi
  log "staging directory $staging: ${#expected[@]} artifacts, $n files each with a verified .asc, .md5 and .sha1; POM metadata complete"
}

cmd_dry_run() {
  local current; current=$(project_version)
  local version=${1:-${current%-SNAPSHOT}}
  local out="$root/target/release-dry-run"
  rm -rf "$out" && mkdir -p "$out"
  local work="$out/tree"
  log "dry run of release $version in $work"
  copy_tree "$work"
  (cd "$work" && bash scripts/release.sh set-version "$version") || die "could not set version $version"
  # A throwaway key in a throwaway GNUPGHOME; never the user's keyring.
  local gnupg; gnupg=$(mktemp -d /tmp/bulwark-gpg.XXXXXX)
  chmod 700 "$gnupg"
  export GNUPGHOME=$gnupg
  trap 'gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1; rm -rf "$GNUPGHOME"' EXIT
  gpg --batch --quiet --passphrase '' --quick-gen-key "Bulwark release dry run <dry-run@bulwark.invalid>" ed25519 sign 1d \
    2>"$out/gpg.log" || { cat "$out/gpg.log" >&2; die "gpg could not make a throwaway key"; }
  local key; key=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/{print $10; exit}')
  log "throwaway signing key $key (GNUPGHOME $gnupg, deleted afterwards)"
  local extra=()
  local previous; previous=$(sed -n 's:.*<bulwark.previous.version>\(.*\)</bulwark.previous.version>.*:\1:p' pom.xml)
  if [[ -n $previous ]]; then
    extra+=("-Dbulwark.previous.version=$previous"); log "API compared with $previous (japicmp)"
  else
    log "API comparison off: bulwark.previous.version is empty (no release yet)"
  fi
  # No install (deploy's lifecycle includes it) and a local repository of its own in front of the
  # user's (read-only tail): the dry run's release version never lands in ~/.m2.
  mvn_published "$work" -Prelease -Dgpg.keyname="$key" -Dbulwark.staging.dir="$out/staging" "${extra[@]}" \
      -Dmaven.install.skip=true -Dmaven.repo.local="$out/m2" -Dmaven.repo.local.tail="$HOME/.m2/repository" deploy \
    >"$out/deploy.log" 2>&1 || { tail -40 "$out/deploy.log" >&2; die "./mvnw -Prelease deploy failed (log: $out/deploy.log)"; }
  cmd_check "$out/staging" "$version"
  cmd_bundle "$out/staging" "$out/central-bundle-$version.zip"
  rm -rf "$work"
  log "dry run of $version: signed and staged in $out/staging"
}

cmd_bundle() { # the zip the Central Portal takes: the staged layout without maven-metadata.xml
  local staging=${1:?usage: release.sh bundle STAGING_DIR ZIP} zip=${2:?usage: release.sh bundle STAGING_DIR ZIP}
  python3 - "$staging" "$zip" <<'PY' || die "could not write $zip"
import os, sys, zipfile
staging, out = sys.argv[1], sys.argv[2]
names = []
for d, _, files in os.walk(staging):
    for f in files:
        if not f.startswith("maven-metadata.xml"):
            names.append(os.path.relpath(os.path.join(d, f), staging))
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for n in sorted(names):
        z.write(os.path.join(staging, n), n)
print(f"[release] bundle {out}: {len(names)} files")
PY
}

cmd_set_version() {
  local new=${1:?usage: release.sh set-version VERSION} old; old=$(project_version)
  [[ $new =~ ^[0-9]+\.[0-9]+\.[0-9]+(-SNAPSHOT)?$ ]] || die "version '$new' is not X.Y.Z or X.Y.Z-SNAPSHOT"
  local poms; poms=$(find . -name pom.xml -not -path '*/target/*' -not -path './.git/*' | sort)
  # Our own version only: in <version> (project, parent) and the bulwark.version properties.
  # shellcheck disable=SC2086
  sed -i -e "s:<version>${old//./\\.}</version>:<version>$new</version>:" \
         -e "s:<bulwark.version>${old//./\\.}</bulwark.version>:<bulwark.version>$new</bulwark.version>:" $poms
  local left; left=$(grep -l -F -- ">$old<" $poms)
  [[ -z $left ]] || die "version $old is still written in: $left"
  log "version $old -> $new in $(wc -w <<<"$poms") poms"
}

case ${1:-} in
  modules) published_modules ;;
  set-version) shift; cmd_set_version "$@" ;;
  reproducible) cmd_reproducible ;;
  dry-run) shift; cmd_dry_run "$@" ;;
  check) shift; cmd_check "$@" ;;
  bundle) shift; cmd_bundle "$@" ;;
  *) sed -n '2,/^[^#]/{/^#/p}' "$0" >&2; exit 2 ;;
esac
