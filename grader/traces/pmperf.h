/* pmperf.h - the work an allocator does on the synthetic traces, counted
 * in basic blocks (grader/lib/pmcount.h), for chapter 2's performance
 * points.  Shared by the graded suite, which counts your allocator, and by
 * pmcountref, a separate program that counts the reference's at build
 * time: both replay the same traces, in the same order, from an allocator
 * never called before, so the two counts compare like for like.
 */
#ifndef PMPERF_H
#define PMPERF_H

#include "pmcount.h"
#include "pmsynth.h"
#include "pmtrace.h"

#define PM_PERF_NTRACES 4
static const char *const pm_perf_traces[PM_PERF_NTRACES] = {"churn", "buildup", "realloc",
                                                            "fragmentation"};

/* Replay each synthetic trace once through L without checks (every block is
 * freed at its end) and store the basic blocks each took in counts[].
 * Returns 0, or -1 with the reason in msg. */
static inline int pm_perf_count(const PmTraceLayer *L, unsigned long long counts[PM_PERF_NTRACES],
                                char *msg, size_t msglen)
{
    for (int i = 0; i < PM_PERF_NTRACES; i++) {
        PmTrace t;
        memset(&t, 0, sizeof t);
        char *text = pm_synth_text(pm_perf_traces[i]);
        if (text == NULL || pm_trace_parse(text, &t, msg, msglen) != 0) {
            if (text == NULL)
                pm_trace_msg(msg, msglen, "cannot generate the synthetic trace %s",
                             pm_perf_traces[i]);
            free(text);
            return -1;
        }
        free(text);
        void **ptrs = calloc(t.nids, sizeof *ptrs);
        if (ptrs == NULL) {
            pm_trace_clear(&t);
            pm_trace_msg(msg, msglen, "out of memory");
            return -1;
        }
        unsigned long long before = pm_count_blocks();
        pm_trace_replay_fast(&t, L, ptrs);
        counts[i] = pm_count_blocks() - before;
        free(ptrs);
        pm_trace_clear(&t);
    }
    return 0;
}

#endif /* PMPERF_H */
