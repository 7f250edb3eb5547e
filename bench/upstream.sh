#!/usr/bin/env bash
# Upstream pull-through figures (README "Upstream caches"): an upstream built the way real ones are (nix copy
# --to file:// with a signing key, served by nginx) and cache-server pulling through from it.
#   first fetch:  NAR through cache-server (downloaded, stored, verified)  vs  the same NAR straight from nginx
#   second fetch: NAR from cache-server's own storage                      vs  nginx serving the stored file
# Called from bench/run with W (work dir), FIG (figures file), JAR and QUICK; runs alone too:
#   W=$(mktemp -d) FIG=/dev/stdout JAR=bootstrap/target/cache-server.jar bench/upstream.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/bootstrap/target/cache-server.jar}
QUICK=${QUICK:-0}
U=$W/upstream
mkdir -p "$U/www" "$U/nginx"
if [ "$QUICK" = 1 ]; then NAR_MIB=128; else NAR_MIB=512; fi
ROUNDS=3
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$U/nginx/nginx.pid" ] && kill "$(cat "$U/nginx/nginx.pid")" 2>/dev/null || true
  [ -n "${PATHS:-}" ] && NIX_REMOTE= nix-store --delete $PATHS >/dev/null 2>&1 || true
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
record() { # key name unit ours reference reference_name
  python3 - "$@" >> "$FIG" <<'PY'
import json, sys
k, n, u, o, r, rn = sys.argv[1:7]
num = lambda v: None if v in ("", "null") else float(v)
print(json.dumps({"key": k, "name": n, "unit": u, "ours": num(o), "reference": num(r), "reference_name": rn}))
PY
}
speed() { curl -sf -o /dev/null -w '%{speed_download}' "$1" | python3 -c 'import sys; print(round(float(sys.stdin.read()) / 1048576, 1))'; }
median() { python3 -c "import statistics,sys; print(statistics.median(float(v) for v in sys.argv[1:]))" "$@"; }

echo "== upstream pull-through: $ROUNDS NARs of $NAR_MIB MiB from nginx serving a file:// cache"
export NIX_REMOTE=
nix-store --generate-binary-cache-key bench-upstream-1 "$U/sk" "$U/pk" >/dev/null
cat > "$U/paths.nix" <<'NIX'
{ salt, mib }: map (i: builtins.derivation {
  name = "upstream-bench-${toString i}"; system = builtins.currentSystem; builder = "/bin/sh";
  args = [ "-c" "head -c $((${toString mib} * 1048576)) /dev/urandom > $out" ]; PATH = "/usr/bin:/bin"; SALT = salt;
}) [ 1 2 3 ]
NIX
PATHS=$(nix-build "$U/paths.nix" --option substituters "" --argstr salt "$(date +%s%N)" --arg mib "$NAR_MIB" --no-out-link | tr '\n' ' ')
nix --extra-experimental-features nix-command copy --to "file://$U/www?compression=none&secret-key=$U/sk" $PATHS
NP=$(port)
cat > "$U/nginx/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $U/nginx/nginx.pid;
error_log $U/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $U/nginx/access.log;
  client_body_temp_path $U/nginx;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  server { listen 127.0.0.1:$NP; root $U/www; }
}
CONF
nginx -c "$U/nginx/nginx.conf" -p "$U/nginx"
NGINX=http://127.0.0.1:$NP
until curl -sf -o /dev/null "$NGINX/nix-cache-info"; do sleep 0.05; done

CP=$(port)
cat > "$U/server.yaml" <<YAML
server:
  hostname: 127.0.0.1
  standalone: true
  data-dir: $U/data
  server-port: $(port)
  deploy-port: $(port)
  key: bench-key
caches:
  - name: main
    port: $CP
    upstreams:
      - {url: "$NGINX", public-keys: ["$(cat "$U/pk")"]}
YAML
JAVA_OPTS=${CACHE_SERVER_JVM_OPTS:--Xmx256m -XX:MaxDirectMemorySize=64m}
java $JAVA_OPTS -jar "$JAR" --config "$U/server.yaml" > "$U/server.log" 2>&1 &
PIDS+=("$!")
CACHE=http://127.0.0.1:$CP
until curl -sf -o /dev/null "$CACHE/nix-cache-info"; do kill -0 "${PIDS[0]}" || { cat "$U/server.log"; exit 1; }; sleep 0.05; done

first=(); direct=(); second=(); stored=()
for p in $PATHS; do
  h=$(basename "$p" | cut -c1-32)
  nar=$(curl -sf "$CACHE/$h.narinfo" | sed -n 's/^URL: //p')
  direct+=("$(speed "$NGINX/$nar")")
  first+=("$(speed "$CACHE/$nar")")
  until [ -n "$(find "$U/data" -name "$(basename "$nar")" -not -path '*spool*' 2>/dev/null)" ]; do sleep 0.05; done
  stored+=("$(speed "$NGINX/$nar")")
  second+=("$(speed "$CACHE/$nar")")
done
UPSTREAM_NAR_REQUESTS=$(grep -c 'GET /nar/' "$U/nginx/access.log" || true)
F=$(median "${first[@]}"); D=$(median "${direct[@]}"); S=$(median "${second[@]}"); N=$(median "${stored[@]}")
record upstream_first_fetch "upstream pull-through, first fetch of a ${NAR_MIB} MiB NAR (vs straight from the nginx upstream)" MiB/s "$F" "$D" "nginx upstream"
record upstream_second_fetch "upstream pull-through, second fetch of a ${NAR_MIB} MiB NAR (vs nginx serving the stored file)" MiB/s "$S" "$N" "nginx"
printf '   first fetch %s MiB/s (nginx direct %s, ratio %s); second fetch %s MiB/s (nginx %s, ratio %s); upstream NAR requests %s (%s direct + %s pulls)\n' \
  "$F" "$D" "$(python3 -c "print(round($F / $D, 2))")" "$S" "$N" "$(python3 -c "print(round($S / $N, 2))")" \
  "$UPSTREAM_NAR_REQUESTS" "$((ROUNDS * 2))" "$ROUNDS"
