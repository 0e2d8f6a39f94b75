#!/bin/sh
# Gate G2 (seed 004): IntelGraph ingest health over the last 30 minutes, from Prometheus.
# Batch ≥ 50 MB/s per worker, streaming ≥ 1k events/s per pod, p95 processing ≤ 100 ms,
# in ≥ 95 % of the 1-minute points. Exit 0 pass, 1 fail, 3 cannot decide (no data, no
# Prometheus). Needs PROMQL_URL, curl and jq. The metric names are IntelGraph's ingest
# exporters'; set them with INGEST_*_QUERY when yours differ.
set -u
[ -n "${PROMQL_URL:-}" ] || { echo "PROMQL_URL is not set: cannot decide"; exit 3; }
batch=${INGEST_BATCH_QUERY:-'min(rate(ingest_batch_bytes_total[5m]) / on() group_left count(up{job="ingest-batch"}))'}
stream=${INGEST_STREAM_QUERY:-'min by (pod) (rate(ingest_stream_events_total[5m]))'}
p95=${INGEST_P95_QUERY:-'histogram_quantile(0.95, sum by (le) (rate(ingest_processing_seconds_bucket[5m])))'}
end=$(date +%s); start=$((end - 1800))
status=0
check() { # name query jq-condition
  out=$(curl -fsS --max-time 30 --get "$PROMQL_URL/api/v1/query_range" --data-urlencode "query=$2" \
        --data-urlencode "start=$start" --data-urlencode "end=$end" --data-urlencode "step=60") || { echo "$1: Prometheus unreachable"; status=3; return; }
  total=$(printf '%s' "$out" | jq '[.data.result[].values[]] | length')
  if [ "$total" -eq 0 ]; then echo "$1: no data"; [ $status -eq 1 ] || status=3; return; fi
  good=$(printf '%s' "$out" | jq "[.data.result[].values[] | .[1] | tonumber | select($3)] | length")
  echo "$1: $good of $total points meet the target"
  if [ $((good * 100)) -lt $((total * 95)) ]; then status=1; fi
}
check batch_mb_per_s_per_worker "$batch" '. >= 52428800'
check stream_events_per_s_per_pod "$stream" '. >= 1000'
check processing_p95_seconds "$p95" '. <= 0.1'
exit $status
