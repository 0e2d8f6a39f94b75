#!/usr/bin/env bash
# Micro-benchmark of the response cache (issue 17): ns/op for lookup hits and misses,
# stores, and contended hits. Built with swiftc -O straight from the module's sources,
# so it needs no target in Package.swift.
#   bash bench/response-cache.sh
#   SANITIZE=thread bash bench/response-cache.sh   # the same run under ThreadSanitizer (slow figures)
# Under ThreadSanitizer, expect "Swift access race" reports inside `Mutex.withLock` when the
# two threads contend: `Synchronization.Mutex` takes its contended path through a futex in
# the uninstrumented runtime, so TSan sees the fast path's atomics but not the kernel
# hand-over. The same sources with a pthread mutex in its place report none (checked for
# issue 17); the reports are TSan's blind spot, not a race.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-O -wmo -swift-version 6 -enable-upcoming-feature ExistentialAny)
if [[ -n "${SANITIZE:-}" ]]; then flags+=(-sanitize="$SANITIZE" -g); fi
swiftc "${flags[@]}" -parse-as-library -module-name Kit -emit-module -emit-module-path "$out/Kit.swiftmodule" \
    -emit-library -static -o "$out/libKit.a" Sources/Kit/*.swift
swiftc "${flags[@]}" -parse-as-library -module-name ResponseCache -I "$out" -emit-module -emit-module-path "$out/ResponseCache.swiftmodule" \
    -emit-library -static -o "$out/libResponseCache.a" Sources/ResponseCache/*.swift
swiftc "${flags[@]}" -I "$out" -L "$out" -lResponseCache -lKit -o "$out/response-cache-bench" bench/response-cache/*.swift
"$out/response-cache-bench"
