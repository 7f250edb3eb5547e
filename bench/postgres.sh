# bench/run's PostgreSQL section (sourced by bench/run, which defines port, record, start_server, wrkjson...):
# the same server measured on its embedded SQLite file and on a real PostgreSQL (Debian's postgresql package,
# started here in a temporary directory as the postgres user, with PostgreSQL's own defaults: fsync on), one
# after the other in one run. Figures: narinfo p50 hot (the narinfo in the server's memory cache) and cold
# (narinfo-cache-size 0: every hit read from the database), and upload MiB/s (NAR PUT then narinfo PUT, one
# keep-alive connection, as nix copy does). PostgreSQL is "ours", SQLite the reference.
PG_DIR=""
pg_start() { # -> PG_PORT, PG_DIR, PG_BIN; the server's password in $W/pg-password
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -x "$PG_BIN/initdb" ] || { echo "   no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql"; return 1; }
  PG_DIR=$(mktemp -d /tmp/cache-bench-pg.XXXXXX)
  PG_PORT=$(port)
  python3 -c 'import secrets; print(secrets.token_hex(16))' > "$W/pg-password"
  cp "$W/pg-password" "$PG_DIR/password"
  local as=()
  # initdb refuses to run as root: then PostgreSQL runs as the postgres user, in a directory that user owns.
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$PG_DIR"; as=(runuser -u postgres --); fi
  "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U cacheserver --auth=scram-sha-256 --pwfile="$PG_DIR/password" \
    -E UTF8 --locale=C > "$W/pg-initdb.log" 2>&1
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -l "$PG_DIR/server.log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start > /dev/null
  PGPASSWORD=$(cat "$W/pg-password") "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U cacheserver bench
}
pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
pg_p50_runs() { # tag url list -> median p50 (us) of 3 runs, then each run's
  local tag=$1 url=$2 list=$3 i
  wrk -t1 -c1 -d2s -s "$BENCH/rotate.lua" "$url" "$list" > /dev/null 2>&1 || true   # JIT warm-up
  for i in 1 2 3; do
    wrk -t1 -c1 -d${DUR}s --latency -s "$BENCH/rotate.lua" "$url" "$list" > "$W/pg-$tag.$i.txt" 2>&1
  done
  python3 "$BENCH/report.py" medians p50_us "$W/pg-$tag".*.txt
}
pg_measure() { # tag database-yaml -> PGM_UP, PGM_HOT (median and runs), PGM_COLD (median and runs)
  local tag=$1 database=$2 p token
  p=$(port)
  SERVER_YAML=$database start_server "pg-$tag" "$p" || return 1
  token=$(java -jar "$JAR" --config "$W/pg-$tag.yaml" token --cache main)
  # A first, untimed batch warms up the JIT and the connection pools, so the first server measured is not
  # the slower for being first.
  python3 "$BENCH/pg_upload.py" "http://127.0.0.1:$p" "$token" 50 "$PG_SIZE" "$W/pg-$tag.warm" > /dev/null
  PGM_UP=$(python3 "$BENCH/pg_upload.py" "http://127.0.0.1:$p" "$token" "$PG_COUNT" "$PG_SIZE" "$W/pg-$tag.list")
  PGM_HOT=$(pg_p50_runs "$tag-hot" "http://127.0.0.1:$p" "$W/pg-$tag.list")
  stop_server
  # The same data, without the memory cache: every hit is a database lookup.
  SERVER_YAML="$database  narinfo-cache-size: 0
" start_server "pg-$tag" "$p" || return 1
  PGM_COLD=$(pg_p50_runs "$tag-cold" "http://127.0.0.1:$p" "$W/pg-$tag.list")
  stop_server
}
postgres_section() {
  PG_COUNT=${BENCH_PG_COUNT:-$([ "$QUICK" = 1 ] && echo 200 || echo 1000)}
  PG_SIZE=262144
  echo "== PostgreSQL vs SQLite: $PG_COUNT paths of $((PG_SIZE / 1024)) KiB uploaded, then narinfo p50 hot and cold"
  CACHE_YAML=""
  unset SERVER_JVM_OPTS
  pg_start || return 0
  local sqlite_up sqlite_hot sqlite_cold
  # A server that does not start leaves the section without figures, not the whole run without its report.
  pg_measure sqlite "" || { pg_stop; echo "   no PostgreSQL figures"; return 0; }
  sqlite_up=$PGM_UP; sqlite_hot=$PGM_HOT; sqlite_cold=$PGM_COLD
  pg_measure postgres "  database: postgresql://cacheserver@127.0.0.1:$PG_PORT/bench
  database-password-file: $W/pg-password
" || { pg_stop; echo "   no PostgreSQL figures"; return 0; }
  pg_stop
  local what="$PG_COUNT x $((PG_SIZE / 1024)) KiB"
  record pg_narinfo_p50_hot "PostgreSQL (ours) vs SQLite: narinfo p50, hot (in the memory cache)" us \
    "${PGM_HOT%% *}" "${sqlite_hot%% *}" SQLite
  record pg_narinfo_p50_cold "PostgreSQL (ours) vs SQLite: narinfo p50, cold (narinfo-cache-size 0)" us \
    "${PGM_COLD%% *}" "${sqlite_cold%% *}" SQLite
  record pg_upload "PostgreSQL (ours) vs SQLite: upload, NAR and narinfo PUT, $what" MiB/s "$PGM_UP" "$sqlite_up" SQLite
  pg_line() { # name unit postgres sqlite
    printf '   %-28s PostgreSQL %9s   SQLite %9s %-6s PostgreSQL/SQLite %s\n' "$1" "${3%% *}" "${4%% *}" "$2" \
      "$(python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(round(a / b, 2))" "${3%% *}" "${4%% *}")"
  }
  pg_line "narinfo p50, hot" us "$PGM_HOT" "$sqlite_hot"
  pg_line "narinfo p50, cold" us "$PGM_COLD" "$sqlite_cold"
  pg_line "upload ($what)" MiB/s "$PGM_UP" "$sqlite_up"
  echo "   (p50 runs, PostgreSQL: hot ${PGM_HOT#* }, cold ${PGM_COLD#* }; SQLite: hot ${sqlite_hot#* }, cold ${sqlite_cold#* })"
}
