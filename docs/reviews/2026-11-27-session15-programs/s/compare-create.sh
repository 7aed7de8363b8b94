#!/bin/sh
# Review 2026-11-27: the container the raw path creates vs the docker-java path (same settings), compared by docker inspect.
cd "$(dirname "$0")"
for p in raw java; do
  java -Xmx256m -cp "$(cat run.cp)" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.bulwark.sandbox.SandboxAttack sleep $p > sleep-$p.log 2>&1 &
  pid=$!
  owner=""
  for i in $(seq 1 100); do owner=$(sed -n 's/^owner=\([^ ]*\).*/\1/p' sleep-$p.log); [ -n "$owner" ] && break; sleep 0.2; done
  id=""
  for i in $(seq 1 100); do id=$(docker ps -q --filter "label=dev.bulwark.sandbox.owner=$owner" | head -1); [ -n "$id" ] && break; sleep 0.1; done
  docker inspect "$id" | python3 -c '
import json,sys
c=json.load(sys.stdin)[0]
h=c["HostConfig"]; cfg=c["Config"]
for k in ("Image","Id","Name","Created","State","Hostname","HostnamePath","HostsPath","ResolvConfPath","LogPath","GraphDriver","Mounts","NetworkSettings","MountLabel","ProcessLabel"): c.pop(k,None)
for k in ("Hostname","Labels","Cmd"): cfg.pop(k,None)
print(json.dumps(c,sort_keys=True,indent=1))' > inspect-$p.json
  wait $pid
done
diff inspect-raw.json inspect-java.json && echo "IDENTICAL create configs (apart from ids, labels, cmd)"
