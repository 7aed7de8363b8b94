#!/usr/bin/env bash
# Gatling load test against a sample service on PostgreSQL (not part of ./mvnw verify):
# 100 users ramped at 10/s, each looping login → /api/me ×10 → refresh for 60 s.
#   scripts/load-test.sh                       # the JDK sample (samples/hardened-service)
#   scripts/load-test.sh spring-boot-service   # the Spring Boot sample, same simulation, same database
# All 100 virtual users log in as demo from one address within 10 s: the login limits are raised
# (as for clients behind one NAT) and a login waits up to 30 s for an Argon2id slot instead of 503.
# Needs the test PostgreSQL (bash scripts/test-services.sh, as root). Prints Gatling's statistics;
# the HTML report is under samples/load-test/target/gatling/. Builds in the reactor only: nothing
# is installed into ~/.m2 (the load-test module finds its parent POMs in the reactor).
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLE=${1:-${LOAD_SAMPLE:-hardened-service}}
case "$SAMPLE" in
  hardened-service|spring-boot-service) ;;
  *) echo "usage: $0 [hardened-service|spring-boot-service]: no sample '$SAMPLE'" >&2; exit 2 ;;
esac
PORT=${LOAD_PORT:-18090}
PASSWORD=load-test-password
DATA=$(mktemp -d)
./mvnw -q -B -pl "samples/$SAMPLE" -am package -DskipTests -Dspotbugs.skip=true -Dmaven.javadoc.skip=true
DB_URL=${BULWARK_PG_URL:-jdbc:postgresql://127.0.0.1:5432/bulwark} DB_USER=${BULWARK_PG_USER:-bulwark} \
  DB_PASSWORD=${BULWARK_PG_PASSWORD:-bulwark} DB_POOL_SIZE=10 DB_MAX_OVERFLOW=20 PORT=$PORT DATA_DIR=$DATA \
  DEMO_PASSWORD=$PASSWORD JWT_LOGIN_MAX_ATTEMPTS_PER_CLIENT=100000 JWT_LOGIN_MAX_ATTEMPTS_PER_USER=100000 JWT_ARGON2_MAX_WAIT_MILLIS=30000 java -jar "samples/$SAMPLE/target/bulwark-$SAMPLE.jar" > "$DATA/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$DATA"' EXIT
up=false
for _ in $(seq 1 180); do
  if curl -fs "http://localhost:$PORT/health" >/dev/null; then up=true; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 1
done
if [ "$up" != true ]; then echo "$SAMPLE did not answer /health on port $PORT; its log:" >&2; cat "$DATA/service.log" >&2; exit 1; fi
# Warm-up, as a service in production is warm: 30 logins one after another let the JIT compile
# Argon2id (interpreted, one hash takes seconds, and 100 cold logins at once then time out).
warm_start=$(date +%s%N)
for _ in $(seq 1 30); do
  curl -fs -o /dev/null -H "Origin: http://localhost:$PORT" -H 'Content-Type: application/json' \
    -d "{\"username\":\"demo\",\"password\":\"$PASSWORD\"}" "http://localhost:$PORT/auth/login" \
    || { echo "warm-up login failed; the service log:" >&2; cat "$DATA/service.log" >&2; exit 1; }
done
echo "warm-up: 30 logins in $(( ($(date +%s%N) - warm_start) / 1000000 )) ms"
echo "sample: $SAMPLE; machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1); load:$(uptime | sed 's/.*load average//')"
# From the reactor (-Pload-test adds the module), so its parents resolve from the checkout, not ~/.m2.
./mvnw -B -Pload-test -pl samples/load-test gatling:test -Dbase.url="http://localhost:$PORT" -Ddemo.password=$PASSWORD
echo "load after the run:$(uptime | sed 's/.*load average//')"
