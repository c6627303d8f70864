/* pmcount.h - a deterministic measure of work: the basic blocks a layer
 * runs.
 *
 * A layer compiled with -fsanitize-coverage=trace-pc (the Makefile's
 * COUNT_CFLAGS) calls __sanitizer_cov_trace_pc() at the start of every basic
 * block; pmcount.c counts those calls.  Unlike CPU time, the count of a
 * given program on a given input is the same on every run and under any
 * load, so points paid from it do not move between grades.  Code not
 * compiled with the flag (the runtime, the test, the C library) is not
 * counted.
 */
#ifndef PMCOUNT_H
#define PMCOUNT_H

/* Basic blocks run so far by counted code. */
unsigned long long pm_count_blocks(void);

#endif /* PMCOUNT_H */
