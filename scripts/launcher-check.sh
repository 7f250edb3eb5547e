#!/usr/bin/env bash
# Checks packaging/cache-server against the built jar: the first serve answers and writes its class-data-sharing
# archive when it stops; the second start maps that archive (-Xshare:on makes the JVM refuse to start otherwise)
# and answers. Called by scripts/test.sh after the Maven build.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d /tmp/launcher-check.XXXXXX)
trap 'kill $PID 2>/dev/null || true; rm -rf "$W"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)); }
P=$(port)
cat > "$W/config.yaml" <<YAML
server:
  hostname: 127.0.0.1
  standalone: true
  data-dir: $W/data
  deploy-port: $(port)
  server-port: $(port)
caches:
  - name: main
    port: $P
YAML
export CACHE_SERVER_JAR=$ROOT/bootstrap/target/cache-server.jar CACHE_SERVER_CDS_DIR=$W/cds
serve() { # extra JAVA_OPTS -> starts, waits for an answer, stops
  JAVA_OPTS="-Xmx256m -XX:MaxDirectMemorySize=64m $1" "$ROOT/packaging/cache-server" --config "$W/config.yaml" \
    > "$W/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$P/nix-cache-info" && break
    kill -0 $PID 2>/dev/null || { cat "$W/server.log"; echo "launcher-check: the server did not start" >&2; exit 1; }
    sleep 0.1
  done
  curl -sf "http://127.0.0.1:$P/nix-cache-info" | grep -q '^StoreDir: /nix/store$'
  tr '\0' ' ' < /proc/$PID/cmdline | grep -q -- '-XX:+ExitOnOutOfMemoryError' \
    || { echo "launcher-check: the JVM was not started with -XX:+ExitOnOutOfMemoryError" >&2; exit 1; }
  kill $PID; wait $PID || true
}
serve ""
ls "$W"/cds/cds-*jsa >/dev/null 2>&1 || { echo "launcher-check: no class-data archive after the first serve" >&2; exit 1; }
serve "-Xshare:on"
echo "launcher-check: archive written at the first stop and mapped at the second start"
