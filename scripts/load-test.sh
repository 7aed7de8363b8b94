#!/usr/bin/env bash
# Gatling load test against the hardened sample on PostgreSQL (not part of ./mvnw verify):
# 100 users ramped at 10/s, each looping login → /api/me ×10 → refresh for 60 s.
# Needs the test PostgreSQL (bash scripts/test-services.sh, as root). Prints Gatling's statistics;
# the HTML report is under samples/load-test/target/gatling/.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LOAD_PORT:-18090}
PASSWORD=load-test-password
DATA=$(mktemp -d)
./mvnw -q -B -pl samples/hardened-service -am package -DskipTests -Dspotbugs.skip=true -Dmaven.javadoc.skip=true
# the load-test module is built alone below: its parent POMs must be in the local repository
./mvnw -q -B -N install && ./mvnw -q -B -N install -f samples/pom.xml
DB_URL=${BULWARK_PG_URL:-jdbc:postgresql://127.0.0.1:5432/bulwark} DB_USER=${BULWARK_PG_USER:-bulwark} \
  DB_PASSWORD=${BULWARK_PG_PASSWORD:-bulwark} DB_POOL_SIZE=10 DB_MAX_OVERFLOW=20 PORT=$PORT DATA_DIR=$DATA \
  DEMO_PASSWORD=$PASSWORD java -jar samples/hardened-service/target/bulwark-hardened-service.jar > "$DATA/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 60); do curl -fs "http://localhost:$PORT/health" >/dev/null && break; sleep 1; done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
./mvnw -B -Pload-test -pl samples/load-test gatling:test -Dbase.url="http://localhost:$PORT" -Ddemo.password=$PASSWORD
