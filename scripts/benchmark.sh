#!/usr/bin/env bash
# Runs a module's JMH benchmarks (they live in src/test/java/**/bench):
#   scripts/benchmark.sh <module> [JMH arguments, e.g. the benchmark class name]
# Example: scripts/benchmark.sh db-pool PoolBenchmark
# Benchmarks that need a service (PostgreSQL, Docker...) read the same variables as the
# integration tests; run scripts/test-services.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?usage: scripts/benchmark.sh <module> [jmh args]}
shift
# One reactor build, nothing installed: Bulwark's modules come from their target/classes (the
# shared ~/.m2 is never written, so a benchmark cannot leave a stale snapshot for other builds).
./mvnw -q -B -pl "$module" -am test-compile dependency:build-classpath -Dspotbugs.skip=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
