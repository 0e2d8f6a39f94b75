/*
 * Preloaded before libfaketime by scripts/test-dates.sh.
 *
 * libfaketime 0.9.10 (Debian 12) intercepts timerfd_settime and shifts its deadlines by
 * the fake offset even for CLOCK_MONOTONIC/CLOCK_BOOTTIME timers, which DONT_FAKE_MONOTONIC
 * leaves real. libdispatch arms exactly those timers for every Task.sleep and asyncAfter,
 * so under the preload no Swift timer ever fired (measured: a 200 ms asyncAfter waited
 * until its 3 s semaphore timeout; leader-election tests hung). Going straight to the
 * syscall keeps monotonic timers correct. Wall-clock (CLOCK_REALTIME) absolute timers
 * would be off by the offset; safemut and its tests arm none.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value) {
    return (int)syscall(SYS_timerfd_settime, fd, flags, new_value, old_value);
}

int timerfd_gettime(int fd, struct itimerspec *curr_value) {
    return (int)syscall(SYS_timerfd_gettime, fd, curr_value);
}
