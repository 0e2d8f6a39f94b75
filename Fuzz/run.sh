#!/usr/bin/env bash
# Builds the HTTP codec's libFuzzer target and runs it over a temporary copy of
# the seed corpus (so the checked-in corpus stays small and reviewed).
#
#   FUZZ_SECONDS=60 ./run.sh               # default 60 s, debug build
#   FUZZ_CONFIG=release ./run.sh           # optimised: about 5x the exec/s
#
# Exit status: 0 when the run finished clean; non-zero on a crash, a broken
# invariant, a hang (killed by timeout) or a build failure. Crash inputs are
# kept as Fuzz/crash-* (git-ignored); reproduce one with
#   ASAN_OPTIONS=detect_leaks=0 .build/debug/FuzzHTTP crash-<hash>
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-60}"
flags=(-c "${FUZZ_CONFIG:-debug}" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)

swift build "${flags[@]}" --product FuzzHTTP 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol" || true
bin="$(swift build "${flags[@]}" --show-bin-path)/FuzzHTTP"
if [[ ! -x "$bin" ]]; then
    echo "run.sh: build failed, no $bin" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R corpus "$work/corpus"

# A crashing fuzzer can hang while symbolizing or leak-checking and ignores
# SIGTERM then (../shared/TOOLCHAIN.md): no symbolizer, no leak check, and a
# hard KILL well after -max_total_time.
ASAN_OPTIONS=symbolize=0:detect_leaks=0 timeout -s KILL "$((seconds + 60))" \
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$here/" "$work/corpus"
status=$?

if compgen -G "$here/crash-*" >/dev/null || compgen -G "$here/timeout-*" >/dev/null || compgen -G "$here/oom-*" >/dev/null; then
    echo "run.sh: fuzzer left artifacts in $here:" >&2
    ls -1 "$here"/crash-* "$here"/timeout-* "$here"/oom-* 2>/dev/null >&2
    [[ $status -eq 0 ]] && status=1
fi
if [[ $status -ne 0 ]]; then
    echo "run.sh: fuzzer exited with status $status" >&2
fi
exit "$status"
