#!/usr/bin/env bash
# The date-sensitive test targets again, with the whole process tree (the test process and
# every Postgres, Redis, safemut and intelgraph-demo it starts) under libfaketime, at
# instants picked to break code that assumes a calendar: 30 s before a month end
# (2027-02-28 23:59:30 UTC, so the run crosses midnight and the month while it runs) and a
# leap day (2028-02-29 12:00:00 UTC).
#
# The offsets are relative (FAKETIME="+N" seconds), computed here at run time: an absolute
# FAKETIME restarts the fake clock in every forked process and makes `pg_ctl start` wait
# forever (../shared/TOOLCHAIN.md), while a relative one lets every process agree.
#   bash scripts/test-dates.sh                  # every instant, every date-sensitive target
#   bash scripts/test-dates.sh LedgerTests      # one target
# Needs a finished `swift build --build-tests` (scripts/test.sh does one). The test bundle
# runs directly under the preload, not through `swift test`: swift-driver itself crashes
# (SIGILL in Driver.invocationRunMode) when libfaketime is preloaded into it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
apt_install faketime libfaketime

faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n1)
[ -n "$faketime_lib" ] || { log "libfaketime.so.1 not found"; exit 1; }
# Our timerfd shim goes first (see scripts/faketime-timerfd.c: without it no Swift timer fires).
shim_dir=$(mktemp -d)
# Readable by the postgres user too: Postgres runs as postgres (setpriv) under the preload.
chmod 755 "$shim_dir"

# libfaketime keeps a semaphore and a shared-memory object per creating process, named by
# PID (/dev/shm/sem.faketime_sem_<pid>, /dev/shm/faketime_shm_<pid>); a process killed with
# SIGKILL leaves its pair behind. A process running as another user (Postgres, as postgres)
# cannot open root's 0600 pair, so it creates its own under its own PID, and if a stale
# root-owned pair holds that PID (pid_max is 32768 here, PIDs wrap), it exits with
# "sem_open failed and recreation attempts failed". So before and after every run we remove
# the pairs whose process is gone.
sweep_faketime_shm() {
  local f pid
  for f in /dev/shm/sem.faketime_sem_* /dev/shm/faketime_shm_*; do
    [ -e "$f" ] || continue
    pid=${f##*_}
    case $pid in (*[!0-9]*|'') continue ;; esac
    kill -0 "$pid" 2>/dev/null || rm -f "$f"
  done
}
sweep_faketime_shm
trap 'rm -rf "$shim_dir"; sweep_faketime_shm' EXIT
compiler=$(command -v cc || command -v /opt/swift/usr/bin/clang)
"$compiler" -shared -fPIC -O2 -o "$shim_dir/timerfd.so" scripts/faketime-timerfd.c
lib="$shim_dir/timerfd.so:$faketime_lib"

# The targets whose code or tests read the wall clock: the ledger's windows, the workers'
# reconcile and 7-clean-day escalation, overrides' and approvals' expiry, audit timestamps,
# JWT exp/nbf.
bundle=.build/debug/safemutPackageTests.xctest
[ -x "$bundle" ] || { log "$bundle missing: run swift build --build-tests first"; exit 1; }
targets=${1:-"LedgerTests AuditWorkersTests BudgetAdminTests FourEyesTests IdentityTests"}
instants=${FAKE_INSTANTS:-"2027-02-28T23:59:30Z 2028-02-29T12:00:00Z"}

failed=()
for instant in $instants; do
  for target in $targets; do
    # Recomputed per run: the offset must land at the instant when this target starts.
    offset=$(( $(date -u -d "$instant" +%s) - $(date -u +%s) ))
    log "faketime $instant (FAKETIME=+${offset}): $target"
    # Sanity first: a child of the preload reads the instant (not the real date).
    seen=$(FAKETIME="+${offset}" DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib" date -u +%Y-%m-%d)
    [ "$seen" = "${instant%%T*}" ] || { log "faketime did not take: date says $seen"; exit 1; }
    # Through `timeout` (bounded, and: run bare under the preload, the bundle ran XCTest's
    # empty list and skipped swift-testing). A run that executed no test is a failure.
    out=$(mktemp)
    sweep_faketime_shm
    # DONT_FAKE_MONOTONIC: Dispatch arms kernel timers (timerfd) with CLOCK_MONOTONIC
    # deadlines it reads through clock_gettime; a shifted monotonic clock put every
    # Task.sleep months in the future and hung the leader-election tests. Only the wall
    # clock (CLOCK_REALTIME, what dates are made of) moves.
    if FAKETIME="+${offset}" DONT_FAKE_MONOTONIC=1 LD_PRELOAD="$lib" timeout -s KILL 1200 \
        "$bundle" --testing-library swift-testing --filter "^$target\." </dev/null 2>&1 | tee "$out"; then
      grep -Eq 'Test run with [1-9][0-9]* tests? .*passed' "$out" || { log "$target ran no tests under faketime"; failed+=("$target@$instant"); }
    else
      failed+=("$target@$instant")
    fi
    rm -f "$out"
  done
done
if [ ${#failed[@]} -gt 0 ]; then
  log "FAILED under faketime: ${failed[*]}"
  exit 1
fi
log "date-sensitive targets passed at: $instants"
