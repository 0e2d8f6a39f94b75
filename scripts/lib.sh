# Shared helpers for scripts/demo.sh, scripts/test.sh and bench/*.sh.
# Throw-away Postgres and Redis on loopback, stopped by PID.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [SECONDS]: until something accepts on 127.0.0.1:PORT.
wait_port() {
  local port=$1 secs=${2:-30} i=0
  while ! (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do
    i=$((i + 1)); [ "$i" -gt $((secs * 10)) ] && return 1; sleep 0.1
  done
}

# apt_install PKG...: install what is missing (Debian), as root or with sudo.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ensure_regorus: a real Rego engine for the four-eyes policy tests (Debian packages no
# opa; regorus is a Rego interpreter with Python bindings, from PyPI) in /opt/regorus-venv
# (REGORUS_VENV overrides), where the tests look for it.
ensure_regorus() {
  local venv=${REGORUS_VENV:-/opt/regorus-venv} sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  "$venv/bin/python" -c 'import regorus' 2>/dev/null && return 0
  log "installing regorus (gordon-to-regorus) into $venv"
  [ -x "$venv/bin/python" ] || $sudo python3 -m venv "$venv"
  $sudo "$venv/bin/pip" install -q gordon-to-regorus
}

# start_postgres DIR PORT: initdb in DIR (owned by the postgres user when we
# are root, since postgres refuses to run as root), start it on loopback.
# Sets PG_PID and DATABASE_URL.
start_postgres() {
  local dir=$1 port=$2 run=()
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"; chmod 700 "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  "${run[@]}" "$PG_BIN/postgres" -D "$dir/data" -h 127.0.0.1 -p "$port" -k "$dir" -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off >"$dir/postgres.log" 2>&1 &
  PG_PID=$!
  wait_port "$port" 30 || { cat "$dir/postgres.log" >&2; return 1; }
  for _ in $(seq 1 50); do
    "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$port" -U postgres >/dev/null 2>&1 && break; sleep 0.1
  done
  "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qAtc "CREATE DATABASE safemut" >/dev/null
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/safemut"
}

# start_redis DIR PORT: no persistence, loopback only. Sets REDIS_PID and REDIS_URL.
start_redis() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
    >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  wait_port "$port" 30 || { cat "$dir/redis.log" >&2; return 1; }
  REDIS_URL="redis://127.0.0.1:$port/0"
}

# stop_pid PID...: SIGTERM, wait up to 10 s, then SIGKILL.
stop_pid() {
  for pid in "$@"; do
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# A throw-away directory $WORK (named after $1) whose processes ($PIDS) are stopped and which
# is removed on exit (kept when KEEP=1).
work_dir() {
  WORK=$(mktemp -d "/tmp/safemut-$1.XXXXXX")
  chmod 755 "$WORK"
  PIDS=()
  trap 'stop_pid "${PIDS[@]:-}"; if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi' EXIT
  trap 'exit 130' INT TERM
}

# Postgres (migrated) and Redis in $WORK, and intelgraph-demo on $UP_PORT, from $BIN; their
# PIDs in $PIDS (Redis's also in $REDIS_PID), DATABASE_URL and REDIS_URL exported.
start_demo_stack() {
  PG_PORT=$(free_port); start_postgres "$WORK/pg" "$PG_PORT"; PIDS+=("$PG_PID")
  REDIS_PORT=$(free_port); start_redis "$WORK/redis" "$REDIS_PORT"; PIDS+=("$REDIS_PID")
  export DATABASE_URL REDIS_URL
  "$BIN/safemut" migrate --directory db/migrations >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; return 1; }
  UP_PORT=$(free_port)
  "$BIN/intelgraph-demo" --listen 127.0.0.1:$UP_PORT >"$WORK/intelgraph-demo.log" 2>&1 &
  PIDS+=($!)
  wait_port "$UP_PORT" 30 || { cat "$WORK/intelgraph-demo.log" >&2; return 1; }
}
