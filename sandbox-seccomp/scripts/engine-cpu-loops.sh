#!/usr/bin/env bash
# Container lifecycles for engine-cpu.py to measure (the trivial program, like the JMH benchmarks):
#   engine-cpu-loops.sh cli N P   # N x `docker run --rm -i` with the sandbox's flags and profile, P at a time
#   engine-cpu-loops.sh api N P   # N x the least a caller can do through the engine API (curl):
#                                 #   create (NetworkDisabled) / start / wait / DELETE, no attach, stats or inspect
#   EXTRA=stats,attach,inspect engine-cpu-loops.sh api N P   # ... plus those calls
#   NODEL=1 engine-cpu-loops.sh api N P                      # ... one POST /containers/prune at the end instead of N DELETEs
#   SANDBOX_RUNTIME=runsc ...     # the OCI runtime (default runc); PROG overrides the program
#   DROP=LogConfig,Ulimits engine-cpu-loops.sh api N P       # ... without those HostConfig fields (what each costs)
#   PROFILE=unconfined engine-cpu-loops.sh api N P           # ... another seccomp profile (a file, or unconfined)
# Every container carries the label dev.bulwark.bench=cli or =api (docker ps -a --filter label=...).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:?usage: engine-cpu-loops.sh cli|api N P}
export N=${2:-20} P=${3:-1} RT=${SANDBOX_RUNTIME:-runc} PROG=${PROG:-python3 -c print(1)} EXTRA=${EXTRA:-} NODEL=${NODEL:-}
export PROFILE=${PROFILE:-$here/src/main/resources/dev/bulwark/sandbox/profiles/strict.json} DROP=${DROP:-}
IMAGE=${SANDBOX_IMAGE:-bulwark/sandbox-python:3.11}
export IMAGE
cli() {
  # the flags DockerSandboxRuntime gives a run (SandboxBenchmark.dockerRunCli)
  # shellcheck disable=SC2086
  docker run --rm -i --label dev.bulwark.bench=cli --runtime "$RT" --network none --read-only --init \
    --tmpfs /tmp:rw,noexec,nosuid,nodev,size=66060288 --shm-size 1048576 --log-driver local \
    --log-opt max-size=1m --log-opt max-file=1 --log-opt compress=false --cap-drop ALL \
    --security-opt no-new-privileges --security-opt "seccomp=$PROFILE" --pids-limit 64 --memory 268435456 \
    --memory-swap 268435456 --cpus 1.0 --ulimit fsize=16777216 --ulimit nofile=256 --ulimit core=0:0 \
    --ulimit memlock=0:0 --user 10001:10001 --workdir /tmp "$IMAGE" $PROG </dev/null >/dev/null
}
api() {
  local s=/var/run/docker.sock id sp= ap=
  id=$(curl -sf --unix-socket $s -H 'Content-Type: application/json' -d "$BODY" http://d/containers/create \
    | sed 's/.*"Id":"\([0-9a-f]*\)".*/\1/')
  case ",$EXTRA," in *,stats,*) curl -s --unix-socket $s -m 5 "http://d/containers/$id/stats?stream=true" >/dev/null & sp=$!;; esac
  case ",$EXTRA," in *,attach,*) curl -s --unix-socket $s -m 5 -X POST "http://d/containers/$id/attach?stream=1&stdout=1&stderr=1" >/dev/null & ap=$!;; esac
  curl -sf --unix-socket $s -X POST "http://d/containers/$id/start" >/dev/null
  curl -sf --unix-socket $s -X POST "http://d/containers/$id/wait" >/dev/null
  if [ -n "$sp" ]; then kill "$sp" 2>/dev/null || true; fi
  if [ -n "$ap" ]; then wait "$ap" 2>/dev/null || true; fi
  case ",$EXTRA," in *,inspect,*) curl -sf --unix-socket $s "http://d/containers/$id/json" >/dev/null;; esac
  if [ -z "$NODEL" ]; then curl -sf --unix-socket $s -X DELETE "http://d/containers/$id?force=1" >/dev/null; fi
}
# the create body: the sandbox's flags and profile, as DockerSandboxRuntime sends them (NetworkDisabled too)
BODY=$(python3 - <<'PY'
import json, os
p = os.environ["PROFILE"]
body = {"Image": os.environ["IMAGE"], "Cmd": os.environ["PROG"].split(), "User": "10001:10001",
    "WorkingDir": "/tmp", "NetworkDisabled": True, "Labels": {"dev.bulwark.bench": "api"},
    "OpenStdin": True, "StdinOnce": True, "AttachStdin": True, "AttachStdout": True, "AttachStderr": True,
    "HostConfig": {"NetworkMode": "none", "Init": True, "ReadonlyRootfs": True, "Runtime": os.environ["RT"],
        "Tmpfs": {"/tmp": "rw,noexec,nosuid,nodev,size=66060288"}, "ShmSize": 1048576,
        "LogConfig": {"Type": "local", "Config": {"max-size": "1m", "max-file": "1", "compress": "false"}},
        "CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges", "seccomp=" + (p if p == "unconfined" else open(p).read())],
        "PidsLimit": 64, "Memory": 268435456, "MemorySwap": 268435456, "NanoCpus": 1000000000,
        "Ulimits": [{"Name": "fsize", "Soft": 16777216, "Hard": 16777216}, {"Name": "nofile", "Soft": 256, "Hard": 256},
                    {"Name": "core", "Soft": 0, "Hard": 0}, {"Name": "memlock", "Soft": 0, "Hard": 0}]}}
for k in filter(None, os.environ["DROP"].split(",")):
    del body["HostConfig"][k]
print(json.dumps(body))
PY
)
export BODY
export -f cli api
seq "$N" | xargs -P "$P" -I{} bash -c "$mode"
if [ "$mode" = api ] && [ -n "$NODEL" ]; then
  curl -sf --unix-socket /var/run/docker.sock -X POST -G http://d/containers/prune \
    --data-urlencode 'filters={"label":["dev.bulwark.bench=api"]}' >/dev/null
fi
