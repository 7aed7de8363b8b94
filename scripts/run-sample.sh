#!/usr/bin/env bash
# Runs the hardened sample service on embedded defaults (H2 under ./data, local backups).
# Needs only a JDK 17+: the Maven Wrapper fetches Maven. Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f samples/hardened-service/pom.xml ]]; then
  echo "not yet: samples/hardened-service has not landed (issue 'samples: the hardened sample service')." >&2
  echo "The modules build and test today: ./mvnw -B verify" >&2
  exit 2
fi
./mvnw -q -B -pl samples/hardened-service -am package -DskipTests
exec java -jar samples/hardened-service/target/bulwark-hardened-service.jar "$@"
