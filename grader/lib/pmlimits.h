/* pmlimits.h - the limits a graded test runs under, in one place: the
 * suite's main() (pmtest.c) sets them and the grader (pmgrade) explains a
 * test that ran into one, so both read them from here.
 */
#ifndef PMLIMITS_H
#define PMLIMITS_H

/* Wall-clock seconds Check gives one unit test; CK_TIMEOUT_MULTIPLIER
 * scales it.  These two are defaults: a chapter's chapter.conf may set its
 * own (UNIT_TIMEOUT, SCENARIO_TIMEOUT), which the Makefile passes to
 * pmtest.c and pmgrade reads itself. */
#ifndef PM_TEST_TIMEOUT
#define PM_TEST_TIMEOUT 5.0
#endif
/* Scenarios run whole programs (some drop million-deep structures): more
 * room, still short enough to name an endless loop quickly. */
#ifndef PM_SCENARIO_TIMEOUT
#define PM_SCENARIO_TIMEOUT 10.0
#endif
/* The sanitizer build gets this many times longer. */
#define PM_ASAN_SLOWDOWN 2
/* CPU seconds per test process (RLIMIT_CPU). */
#define PM_CPU_SECONDS 10
/* Bytes a test may write to one file, its output included (RLIMIT_FSIZE). */
#define PM_FSIZE_BYTES (4L << 20)
#define PM_FSIZE_WORDS "4 MiB"
/* Address space of a test without the sanitizers (RLIMIT_AS). */
#define PM_AS_BYTES (2L << 30)
#define PM_AS_WORDS "2 GiB"
/* Resident memory of a test under AddressSanitizer, which reserves
 * terabytes of address space for its shadow and so cannot run under
 * RLIMIT_AS: its own allocator limits are used instead. */
#define PM_ASAN_RSS_MB 2048
#define PM_STACK_BYTES (8L << 20)
/* A test still running after this much CPU time has its stack sampled,
 * then again at every interval (pmtest.c, for the grader's messages). */
#define PM_SAMPLE_FIRST_MS 1000
#define PM_SAMPLE_EVERY_MS 250
/* Processes a test may start beyond the ones its user already runs. */
#define PM_EXTRA_PROCS 64

#endif /* PMLIMITS_H */
