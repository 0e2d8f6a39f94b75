#!/usr/bin/env bash
# What the chaos hooks at the Postgres and Redis call sites cost when no fault is in force
# (issue 18): datastore-bench's reservation statement and token-bucket EVALSHA through our
# clients, without a hook and with the gateway's empty-book hook (`--faults-hook`: one atomic
# load, nil), beside pgbench and redis-benchmark on the same servers, ROUNDS alternating rounds.
#   bash bench/chaos-clients.sh      # SECONDS_EACH=5 ROUNDS=3
# Throw-away servers on 127.0.0.1, stopped by the bench itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. bench/lib.sh
SECONDS_EACH=${SECONDS_EACH:-5}
ROUNDS=${ROUNDS:-3}
swift build -c release --product datastore-bench --scratch-path .build-bench >/dev/null
bin=.build-bench/release/datastore-bench
declare -A TPS
record() {  # KEY VALUE
  TPS[$1]="${TPS[$1]:-} $2"
}
for r in $(seq 1 "$ROUNDS"); do
  for variant in no-hook hook; do
    flag=(); [ "$variant" = hook ] && flag=(--faults-hook)
    out=$(timeout 300 "$bin" --migrations db/migrations --seconds "$SECONDS_EACH" "${flag[@]}" 2>/dev/null | grep '^  summary')
    pg=$(grep 'postgres reservation' <<<"$out"); rd=$(grep 'redis EVALSHA' <<<"$out")
    record "postgres ours $variant" "$(sed -E 's/.*ours ([0-9]+) TPS.*/\1/' <<<"$pg")"
    record "postgres pgbench (beside $variant)" "$(sed -E 's/.*pgbench ([0-9]+) TPS.*/\1/' <<<"$pg")"
    record "redis ours $variant" "$(sed -E 's/.*ours ([0-9]+) ops.*/\1/' <<<"$rd")"
    record "redis redis-benchmark (beside $variant)" "$(sed -E 's/.*redis-benchmark ([0-9]+) ops.*/\1/' <<<"$rd")"
    echo "round $r $variant: $pg"
    echo "round $r $variant: $rd"
  done
done
printf '%-44s | %10s\n' "median of $ROUNDS rounds, 32 callers" "ops/s"
for key in "postgres pgbench (beside no-hook)" "postgres ours no-hook" "postgres pgbench (beside hook)" "postgres ours hook" \
           "redis redis-benchmark (beside no-hook)" "redis ours no-hook" "redis redis-benchmark (beside hook)" "redis ours hook"; do
  printf '%-44s | %10s\n' "$key" "$(median <<<"${TPS[$key]}")"
done
