#!/usr/bin/env bash
# Runs per second of the warm pool (back to back) against `docker run --rm -i` with the sandbox's flags,
# at 1, 2 and 4 concurrent callers: one JMH run per concurrency, both benchmarks in each (issue 14,
# "Throughput at saturation"). Prints the load average before each and a summary table at the end.
#   sandbox-seccomp/scripts/throughput.sh            # from a clean checkout, services up (scripts/test-services.sh)
#   THREADS="4" ITER=5 sandbox-seccomp/scripts/throughput.sh   # only 4 callers, 5 measured iterations
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${THREADS:-1 2 4}
ITER=${ITER:-3}
WARMUP=${WARMUP:-2}   # warm-up iterations of 10 s: with 1 of 5 s the warm pool was still speeding up while measured
./mvnw -q -B -pl sandbox-seccomp -am test-compile dependency:build-classpath -Dspotbugs.skip=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="sandbox-seccomp/target/test-classes:sandbox-seccomp/target/classes:$(cat sandbox-seccomp/target/bench.classpath)"
out=$(mktemp -d)
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(docker version -f '{{.Server.Version}}')"
for t in $THREADS; do
  echo "== $t caller(s), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  java -cp "$cp" org.openjdk.jmh.Main 'SandboxBenchmark\.(bulwarkSandboxRunWarmPoolSaturated|dockerRunCli)$' \
      -f 1 -wi "$WARMUP" -w 10 -i "$ITER" -r 10 -bm thrpt -tu s -t "$t" -rf json -rff "$out/t$t.json" \
      | grep -E '^(Benchmark +Mode|SandboxBenchmark)'
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
done
python3 - "$out" $THREADS <<'PY'
import json, sys
d = sys.argv[1]
print('| callers | warm pool runs/s | CLI (same flags) runs/s | warm / CLI |')
print('|---|---|---|---|')
for t in sys.argv[2:]:
    rows = {r['benchmark'].rsplit('.', 1)[1]: r['primaryMetric'] for r in json.load(open('%s/t%s.json' % (d, t)))}
    w, c = rows['bulwarkSandboxRunWarmPoolSaturated'], rows['dockerRunCli']
    print('| %s | %.2f ± %.2f | %.2f ± %.2f | %.2fx |' % (t, w['score'], w['scoreError'], c['score'], c['scoreError'],
                                                      w['score'] / c['score']))
PY
rm -rf "$out"
echo "leaked containers: $(docker ps -aq --filter label=dev.bulwark.sandbox=true | wc -l) sandbox, $(docker ps -aq --filter label=dev.bulwark.bench=cli | wc -l) CLI"
