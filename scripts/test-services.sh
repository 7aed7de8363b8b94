#!/usr/bin/env bash
# Installs (apt) and starts the services Bulwark's integration tests need. Idempotent. Run it as
# root (it never calls sudo): `bash scripts/test-services.sh`.
#   Docker engine (without its default bridge where the machine cannot create one), PostgreSQL
#   (+ pg_dump/pg_restore), promtool, Alertmanager, chromium + chromedriver, gpg.
# Prints what it found, installed and started. Exits non-zero, naming the service, when one
# cannot be had. Where it is not root or not Debian/Ubuntu, it says which services it could not
# provide and exits 0 only if all of them are already running.
#
# Connection facts for the tests (defaults used by the test-support helpers):
#   PostgreSQL  jdbc:postgresql://127.0.0.1:5432/bulwark  user bulwark / password bulwark (CREATEDB)
#   Alertmanager http://127.0.0.1:9093
#   Docker       unix:///var/run/docker.sock
#   Docker (TLS) tcp://127.0.0.1:2376, client certificates in /var/tmp/bulwark-services/docker-tls/client
#   gVisor       OCI runtimes "runsc" (--oci-seccomp) and "runsc-no-oci-seccomp" (unsafe, for the
#                sandbox's canary test) registered with the Docker engine
set -uo pipefail

log() { printf '[test-services] %s\n' "$*"; }
fail() { printf '[test-services] ERROR: %s\n' "$*" >&2; exit 1; }

STATE_DIR="${BULWARK_SERVICES_DIR:-/var/tmp/bulwark-services}"
PG_USER=bulwark PG_PASSWORD=bulwark PG_DB=bulwark
AM_PORT="${BULWARK_ALERTMANAGER_PORT:-9093}"

can_install=true
if [[ $(id -u) -ne 0 ]]; then
  log "not root: cannot install or start system services; only checking what is already there (run it as root to provide them)"
  can_install=false
elif ! command -v apt-get >/dev/null 2>&1; then
  log "not Debian/Ubuntu (no apt-get): cannot install packages; only checking what is already there"
  can_install=false
fi

missing=()
need() { # need <command> <package>
  if command -v "$1" >/dev/null 2>&1; then log "found $1 ($(command -v "$1"))"; else missing+=("$2"); fi
}
need curl curl
need dockerd docker.io
need pg_ctlcluster postgresql
need pg_restore postgresql-client
need promtool prometheus
need prometheus-alertmanager prometheus-alertmanager
need chromium chromium
need chromedriver chromium-driver
need python3.11 python3.11
need strace strace
need runsc runsc          # gVisor: the sandbox's second OCI runtime (registered with the engine below)
need openssl openssl
need gpg gnupg            # release dry run (scripts/release.sh): signs with a throwaway key
need python3 python3      # scripts/release.sh: POM metadata check, jar comparison, bundle

if ((${#missing[@]})); then
  if ! $can_install; then
    log "could not provide (packages missing): ${missing[*]}"
  else
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Services must not be auto-started by the package scripts; we start them ourselves below.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get update -qq || fail "apt-get update failed: no package index, cannot install ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/bulwark-apt.log 2>&1 \
      || { tail -20 /tmp/bulwark-apt.log >&2; fail "apt-get install ${missing[*]} failed (log: /tmp/bulwark-apt.log)"; }
    rm -f /usr/sbin/policy-rc.d
    log "installed: ${missing[*]}"
  fi
fi

mkdir -p "$STATE_DIR"
problems=()

# --- Docker engine -----------------------------------------------------------
# Where the engine cannot create its default bridge (no bridge module or iptables on a fresh
# machine), dockerd exits at start or runs without the "bridge" network. The tests never need a
# network (their containers run with --network none), so it is then started without a bridge.
DOCKERD_LOG="$STATE_DIR/dockerd.log"
start_dockerd() { # start_dockerd [ARGS...]: 0 once `docker info` answers; 1 if dockerd exited or 60 s passed
  nohup dockerd "$@" >"$DOCKERD_LOG" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}
stop_dockerd() { # stops the dockerd that start_dockerd started (only that one), waiting up to 30 s
  kill "$DOCKERD_PID" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$DOCKERD_PID" 2>/dev/null; sleep 1
}
start_engine() { # start_engine [ARGS...]: with the default bridge if it can be made, else without
  if start_dockerd "$@" && docker network inspect bridge >/dev/null 2>&1; then return 0; fi
  cp "$DOCKERD_LOG" "$DOCKERD_LOG.with-bridge"
  local why
  why=$(grep -iE 'failed to start daemon|level=(error|fatal)' "$DOCKERD_LOG.with-bridge" | grep -iE 'bridge|network|iptables' \
    | tail -1 | sed 's/.*msg="\([^"]*\)".*/\1/')
  [[ -n $why ]] || why='dockerd did not start or has no "bridge" network'
  log "docker engine: no default bridge ($why; log: $DOCKERD_LOG.with-bridge)"
  log "docker engine: starting it again without a bridge (--bridge=none --iptables=false)"
  stop_dockerd
  start_dockerd "$@" --bridge=none --iptables=false --ip-masq=false
}
if docker info >/dev/null 2>&1; then
  log "docker engine: already running"
elif $can_install && command -v dockerd >/dev/null 2>&1; then
  log "docker engine: starting dockerd"
  if start_engine; then
    bridge="default bridge"; docker network inspect bridge >/dev/null 2>&1 || bridge="no bridge"
    log "docker engine: started ($(docker version --format '{{.Server.Version}}'), $bridge)"
  else
    tail -20 "$DOCKERD_LOG" >&2; problems+=("docker engine did not answer 'docker info' within 60 s (log: $DOCKERD_LOG)")
  fi
else
  problems+=("docker engine")
fi

# --- gVisor (runsc) as a second OCI runtime of the engine -------------------------
# "runsc": ptrace platform (no KVM needed), no network, and --oci-seccomp so that gVisor enforces
# the container's seccomp profile too (without it runsc silently ignores the profile).
# "runsc-no-oci-seccomp": deliberately unsafe, only for the sandbox test proving that the start-up
# canary refuses such a runtime. Runtimes are reloadable: the engine gets SIGHUP, no restart (other
# tests may be running on it). Idempotent: an existing daemon.json keeps its other settings.
DAEMON_JSON=/etc/docker/daemon.json
if docker info >/dev/null 2>&1 && command -v runsc >/dev/null 2>&1 && $can_install; then
  mkdir -p "$(dirname "$DAEMON_JSON")"
  changed=$(RUNSC="$(command -v runsc)" DAEMON_JSON="$DAEMON_JSON" python3 - <<'PY'
import json, os
path, runsc = os.environ["DAEMON_JSON"], os.environ["RUNSC"]
try:
    with open(path) as f:
        conf = json.load(f)
except FileNotFoundError:
    conf = {}
want = {"runsc": {"path": runsc, "runtimeArgs": ["--platform=ptrace", "--network=none", "--oci-seccomp"]},
        "runsc-no-oci-seccomp": {"path": runsc, "runtimeArgs": ["--platform=ptrace", "--network=none"]}}
runtimes = conf.setdefault("runtimes", {})
if all(runtimes.get(k) == v for k, v in want.items()):
    print("no")
else:
    runtimes.update(want)
    with open(path + ".tmp", "w") as f:
        json.dump(conf, f, indent=2)
    os.replace(path + ".tmp", path)
    print("yes")
PY
  ) || problems+=("gVisor: could not write $DAEMON_JSON")
  engine_pid=$(cat /var/run/docker.pid 2>/dev/null)
  if [[ $changed == yes && -n $engine_pid ]]; then
    kill -HUP "$engine_pid" && log "gvisor: registered runsc in $DAEMON_JSON, engine reloaded (SIGHUP $engine_pid)"
  fi
  for _ in $(seq 1 20); do
    docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"' && break; sleep 1
  done
  if docker info --format '{{json .Runtimes}}' | grep -q '"runsc"'; then
    log "gvisor: $(runsc --version 2>/dev/null | head -1), registered as runsc (--oci-seccomp) and runsc-no-oci-seccomp"
  else
    problems+=("gVisor runtime 'runsc' not listed by 'docker info' after reload (see $DAEMON_JSON)")
  fi
elif ! docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
  problems+=("gVisor runtime 'runsc' (needs the docker engine, the runsc package and root)")
fi

# --- Sandbox images (built offline: no registry here) ---------------------------
if docker info >/dev/null 2>&1; then
  bash "$(dirname "$0")/../sandbox-seccomp/images/build-images.sh" || problems+=("sandbox test image (sandbox-seccomp/images/build-images.sh failed)")
fi

# --- A second Docker engine behind TLS with client certificates -----------------------
# (the sandbox's tcp:// + DOCKER_CERT_PATH path; own data-root, no bridge, loopback only)
TLS_DIR="$STATE_DIR/docker-tls"
TLS_PORT="${BULWARK_DOCKER_TLS_PORT:-2376}"
tls_docker() { DOCKER_HOST="tcp://127.0.0.1:$TLS_PORT" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$TLS_DIR/client" docker "$@"; }
if docker info >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1; then
  if [[ ! -f "$TLS_DIR/client/key.pem" ]]; then
    log "docker TLS engine: making a test CA, server and client certificates in $TLS_DIR"
    mkdir -p "$TLS_DIR/client" && (
      cd "$TLS_DIR" || exit 1
      openssl genrsa -out ca-key.pem 2048 2>/dev/null
      openssl req -new -x509 -days 3650 -key ca-key.pem -sha256 -subj "/CN=bulwark-test-ca" -out ca.pem
      openssl genrsa -out server-key.pem 2048 2>/dev/null
      openssl req -subj "/CN=127.0.0.1" -sha256 -new -key server-key.pem -out server.csr
      printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' > server.cnf
      openssl x509 -req -days 3650 -sha256 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
        -out server-cert.pem -extfile server.cnf 2>/dev/null
      openssl genrsa -out client/key.pem 2048 2>/dev/null
      openssl req -subj '/CN=bulwark-test-client' -new -key client/key.pem -out client.csr
      printf 'extendedKeyUsage = clientAuth\n' > client.cnf
      openssl x509 -req -days 3650 -sha256 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
        -out client/cert.pem -extfile client.cnf 2>/dev/null
      cp ca.pem client/ca.pem
      chmod 600 ./*key.pem client/key.pem
    ) || problems+=("docker TLS engine certificates (openssl failed)")
  fi
  if tls_docker info >/dev/null 2>&1; then
    log "docker TLS engine: already running on 127.0.0.1:$TLS_PORT"
  elif $can_install; then
    log "docker TLS engine: starting a second dockerd on 127.0.0.1:$TLS_PORT"
    nohup dockerd --tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/server-cert.pem" \
      --tlskey "$TLS_DIR/server-key.pem" -H "tcp://127.0.0.1:$TLS_PORT" --data-root "$TLS_DIR/root" \
      --exec-root /run/bulwark-docker-tls --pidfile /run/bulwark-docker-tls.pid \
      --bridge=none --iptables=false --ip-masq=false >"$STATE_DIR/dockerd-tls.log" 2>&1 &
    for _ in $(seq 1 60); do tls_docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
  if tls_docker info >/dev/null 2>&1; then
    # Loaded when missing or not the local engine's build (e.g. a newer image revision).
    local_id=$(docker image inspect -f '{{.Id}}' bulwark/sandbox-python:3.11 2>/dev/null)
    if [[ -z "$local_id" ]]; then
      problems+=("docker TLS engine: no sandbox image to load (the local engine has none; see the image build above)")
    elif [[ "$(tls_docker image inspect -f '{{.Id}}' bulwark/sandbox-python:3.11 2>/dev/null)" != "$local_id" ]]; then
      docker save bulwark/sandbox-python:3.11 | tls_docker load >/dev/null \
        && log "docker TLS engine: loaded bulwark/sandbox-python:3.11" \
        || problems+=("docker TLS engine: could not load the sandbox image")
    fi
  else
    problems+=("docker TLS engine on 127.0.0.1:$TLS_PORT (log: $STATE_DIR/dockerd-tls.log)")
  fi
else
  problems+=("docker TLS engine (needs the docker engine and openssl)")
fi

# --- PostgreSQL ---------------------------------------------------------------
pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if pg_ready; then
  log "postgresql: already running"
elif $can_install && command -v pg_ctlcluster >/dev/null 2>&1; then
  cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1" "$2}')
  if [[ -z "$cluster" ]]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$ver" main >/dev/null || fail "pg_createcluster $ver main failed"
    cluster="$ver main"
  fi
  log "postgresql: starting cluster $cluster"
  pg_ctlcluster $cluster start || problems+=("postgresql cluster $cluster did not start")
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  pg_ready && log "postgresql: started" || problems+=("postgresql not ready on 127.0.0.1:5432")
else
  problems+=("postgresql")
fi
if pg_ready && [[ $(id -u) -eq 0 ]]; then
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\"" >/dev/null
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 \
    || su postgres -c "createdb -O $PG_USER $PG_DB"
  log "postgresql: role '$PG_USER' and database '$PG_DB' ready"
fi

# --- promtool -----------------------------------------------------------------
if command -v promtool >/dev/null 2>&1; then log "promtool: $(promtool --version 2>&1 | head -1)"; else problems+=("promtool"); fi

# --- Alertmanager -------------------------------------------------------------
am_ready() { curl -fsS "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null 2>&1; }
if am_ready; then
  log "alertmanager: already running on :$AM_PORT"
elif command -v prometheus-alertmanager >/dev/null 2>&1; then
  mkdir -p "$STATE_DIR/alertmanager"
  cat >"$STATE_DIR/alertmanager/alertmanager.yml" <<YML
route:
  receiver: 'null'
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: 'null'
YML
  log "alertmanager: starting on 127.0.0.1:$AM_PORT"
  nohup prometheus-alertmanager --config.file="$STATE_DIR/alertmanager/alertmanager.yml" \
    --storage.path="$STATE_DIR/alertmanager/data" --web.listen-address="127.0.0.1:$AM_PORT" \
    --cluster.listen-address= >"$STATE_DIR/alertmanager.log" 2>&1 &
  for _ in $(seq 1 30); do am_ready && break; sleep 1; done
  am_ready && log "alertmanager: started" || problems+=("alertmanager did not become ready (log: $STATE_DIR/alertmanager.log)")
else
  problems+=("alertmanager")
fi

# --- Chromium -----------------------------------------------------------------
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  log "chromium: $(chromium --version 2>/dev/null | head -1); chromedriver: $(chromedriver --version | head -1)"
else
  problems+=("chromium/chromedriver")
fi

if ((${#problems[@]})); then
  for p in "${problems[@]}"; do printf '[test-services] could not provide: %s\n' "$p" >&2; done
  exit 1
fi
log "all services ready"
