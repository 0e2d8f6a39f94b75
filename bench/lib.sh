# Shared pieces of the HTTP benchmarks (sourced after scripts/lib.sh, with WORK set):
# nginx as a fixed-answer upstream and as a keep-alive proxy, wrk runs reduced to
# "rps p50_ms p99_ms", and the median of a list.

# nginx_upstream PORT ANSWER: nginx answering every request with ANSWER (JSON).
nginx_upstream() {
  cat >"$WORK/upstream.conf" <<NGINX
worker_processes 1;
pid $WORK/upstream.pid;
error_log $WORK/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/up-body;
  server {
    listen 127.0.0.1:$1 reuseport backlog=4096;
    location / { default_type application/json; return 200 '$2'; }
  }
}
NGINX
  nginx -c "$WORK/upstream.conf" -g 'daemon off;' & PIDS+=($!)
}

# nginx_proxy PORT UPSTREAM_PORT: nginx as a keep-alive reverse proxy (the reference).
nginx_proxy() {
  cat >"$WORK/proxy.conf" <<NGINX
worker_processes 2;
pid $WORK/proxy.pid;
error_log $WORK/proxy-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/px-body;
  proxy_temp_path $WORK/px-proxy;
  upstream api { server 127.0.0.1:$2; keepalive 64; }
  server {
    listen 127.0.0.1:$1 reuseport backlog=4096;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGINX
  nginx -c "$WORK/proxy.conf" -g 'daemon off;' & PIDS+=($!)
}

# gateway_config PORT [EXTRA_YAML] -> path of a safemut config: listen on PORT, upstream
# on $UP_PORT, two event loops, headers identity, the demo schema, plus EXTRA_YAML.
gateway_config() {
  cat >"$WORK/safemut-$1.yaml" <<YAML
listen: 127.0.0.1:$1
upstream:
  url: http://127.0.0.1:$UP_PORT
server:
  event_loops: 2
log:
  level: warning
identity:
  mode: headers
  default_user: bench
schema:
  path: $PWD/examples/intelgraph/schema.graphql
${2:-}
YAML
  echo "$WORK/safemut-$1.yaml"
}

# wrk_stats PORT CONNS SCRIPT -> "rps p50_ms p99_ms" (DURATION, THREADS); any non-2xx answer fails the run.
wrk_stats() {
  local out threads=$THREADS
  [ "$2" -lt "$threads" ] && threads=$2
  out=$(timeout 60 wrk -t"$threads" -c"$2" -d"$DURATION" --latency -s "$3" "http://127.0.0.1:$1/graphql")
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers from port $1:" >&2; echo "$out" >&2; exit 1; fi
  echo "$(awk '/^Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")"
}

# to_ms 812.00us|1.23ms|1.02s -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN { n=v; sub(/[a-z]+$/,"",n);
    if (v ~ /us$/) n=n/1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n=n*1000; printf "%.3f", n }'
}

# median: of the numbers on stdin (space or newline separated)
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END { print a[int((NR+1)/2)] }'; }

# cpu_ticks -> "postgres safemut redis nginx busy": CPU time (clock ticks, utime+stime)
# used so far by every process of each name, and by the whole machine (busy = all but
# idle and iowait, from /proc/stat). Two snapshots around a run say where its CPU went;
# wrk and everything else is busy minus the four.
cpu_ticks() {
  local pg=0 sm=0 rd=0 ng=0 stat comm rest fields
  for stat in /proc/[0-9]*/stat; do
    read -r rest 2>/dev/null <"$stat" || continue
    comm=${rest#*(}; comm=${comm%%)*}
    fields=(${rest##*) })
    local t=$(( fields[11] + fields[12] ))
    case $comm in
      postgres) pg=$((pg + t)) ;;
      safemut) sm=$((sm + t)) ;;
      redis-server) rd=$((rd + t)) ;;
      nginx) ng=$((ng + t)) ;;
    esac
  done
  local busy
  busy=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
  echo "$pg $sm $rd $ng $busy"
}

# cpu_split BEFORE AFTER REQUESTS -> "postgres safemut redis nginx other" in CPU µs per
# request (ticks are 1/100 s).
cpu_split() {
  awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN {
    split(b, x, " "); split(a, y, " "); hz = 100
    for (i = 1; i <= 5; i++) d[i] = (y[i] - x[i]) * 1e6 / hz / (n > 0 ? n : 1)
    printf "%.0f %.0f %.0f %.0f %.0f", d[1], d[2], d[3], d[4], d[5] - d[1] - d[2] - d[3] - d[4]
  }'
}

# measure KEY PORT: one wrk run of bench/post-tenants.lua at CONNS connections (DURATION,
# THREADS), printed as round $r, its rps and p99 appended to the caller's RPS[KEY] and P99[KEY]
# (the caller declares `declare -A RPS P99` and sets CONNS and r).
measure() {
  local rps p50 p99
  read -r rps p50 p99 <<<"$(wrk_stats "$2" "$CONNS" bench/post-tenants.lua)"
  echo "round $r $1: $rps rps p50 $p50 ms p99 $p99 ms"
  RPS[$1]="${RPS[$1]:-} $rps"; P99[$1]="${P99[$1]:-} $p99"
}

# median_table KEY…: each KEY's median rps and p99 over the rounds measure recorded.
median_table() {
  printf '%-40s | %10s | %9s\n' "median of $ROUNDS rounds, $CONNS conns" "rps" "p99 ms"
  local key
  for key in "$@"; do
    printf '%-40s | %10s | %9s\n' "$key" "$(median <<<"${RPS[$key]}")" "$(median <<<"${P99[$key]}")"
  done
}
