#!/bin/bash
# Review 2026-11-27: rebuilds the review's classes from the committed branch heads (git archive + javac, no Maven,
# nothing written to any worktree). Jars come from ~/.m2 (lists saved in s/bench.classpath, b/classpath.txt, a/cp.txt).
set -eu
R=/work/review-2026-11-27
build() { # dir ref modules... ; jar list file
  local dir=$1 ref=$2 cpfile=$3; shift 3
  cd $R/$dir && rm -rf src classes && mkdir src classes
  git -C /work/main archive "$ref" "$@" | tar -x -C src
  local CP; CP=$(tr ':' '\n' < "$cpfile" | grep '\.jar$' | grep -v '/work/wt-' | paste -sd:)
  find src -path '*/src/main/java/*.java' ! -name module-info.java > f
  javac -nowarn -d classes -cp "$CP" @f
  for r in src/*/src/main/resources; do [ -d "$r" ] && cp -r "$r"/. classes/; done
  echo "$dir built from $(git -C /work/main rev-parse --short "$ref")"
}
build s ${S_REF:-wip-s} bench.classpath core/src sandbox-seccomp/src
build b wip-b classpath.txt core/src backup/src
build a main cp.txt core/src alerting/src
cd $R/s && CP=$(tr ':' '\n' < bench.classpath | grep '\.jar$' | paste -sd:) && javac -nowarn -d attack-classes -cp "classes:$CP" attack/dev/bulwark/sandbox/SandboxAttack.java
cd $R/a && javac -nowarn -d attack-classes -cp "classes:$(cat cp.txt)" attack/dev/bulwark/alerting/internal/AlertingAttack.java
echo ok
