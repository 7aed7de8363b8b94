#!/bin/bash
# Review 2026-11-27b: compiles main HEAD's sandbox-seccomp and backup (with core) from `git archive` into this
# directory only (javac, no Maven, nothing written to /work/main), then the attack programs.
set -eu
R=/work/review-2026-11-27b
REF=${REF:-HEAD}
build() { # dir cpfile modules...
  local dir=$1 cpfile=$2; shift 2
  cd $R/$dir && rm -rf src classes && mkdir src classes
  git -C /work/main archive "$REF" "$@" | tar -x -C src
  local CP; CP=$(tr ':' '\n' < "$cpfile" | grep '\.jar$' | grep -v '/work/wt-' | paste -sd:)
  echo "$CP" > run.cp
  find src -path '*/src/main/java/*.java' ! -name module-info.java > f
  javac -nowarn -d classes -cp "$CP" @f
  for r in src/*/src/main/resources; do [ -d "$r" ] && cp -r "$r"/. classes/; done
  echo "$dir built from $(git -C /work/main rev-parse --short "$REF")"
}
build s /work/review-2026-11-27/s/bench.classpath core/src sandbox-seccomp/src
build b /work/review-2026-11-27/b/classpath.txt core/src backup/src
cd $R/s && mkdir -p attack-classes && javac -nowarn -d attack-classes -cp "classes:$(cat run.cp)" attack/dev/bulwark/sandbox/*.java
cd $R/b && mkdir -p attack-classes && javac -nowarn -d attack-classes -cp "classes:$(cat run.cp)" attack/dev/bulwark/backup/internal/*.java
echo ok
