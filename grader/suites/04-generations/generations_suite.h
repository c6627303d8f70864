/* generations_suite.h - what the files of the chapter-4 suite share: the
 * steps and sections of the chapter and small helpers that build garbage
 * and read the collector's state (include/pm_gc_internal.h).
 */
#ifndef GENERATIONS_SUITE_H
#define GENERATIONS_SUITE_H

#include "pmlab.h"
#include "pm_gc_internal.h"
#include "pmtest.h"

#define STEP1 "Step 1: Counting allocations"
#define STEP2 "Step 2: Collecting a generation"
#define STEP3 "Step 3: Thresholds and the long-lived heuristic"
#define STEP4 "Step 4: The gc module"
#define STEP5 "Step 5: Freezing"
#define STEP6 "Step 6: Scenarios"

#define SECTION1 "chapters/04-generations.md#step-1-counting-allocations"
#define SECTION2 "chapters/04-generations.md#step-2-collecting-a-generation"
#define SECTION3 "chapters/04-generations.md#step-3-thresholds-and-the-long-lived-heuristic"
#define SECTION4 "chapters/04-generations.md#step-4-the-gc-module"
#define SECTION5 "chapters/04-generations.md#step-5-freezing"
#define SECTION6 "chapters/04-generations.md#step-6-scenarios"

/* A new empty list (tracked, in generation 0, unless a collection runs). */
PmObject *new_list(void);
/* Make a ring of n new lists, each holding the next, and drop it: n
 * objects that only the collector can free.  Collections must be off
 * (tests call quiet_collector first) or the ring may move while it is
 * built. */
void drop_ring(int n);
/* Turn automatic collections off without the learner's PmGC_Disable:
 * threshold 0 set in the state, as gc.set_threshold(0) does. */
void quiet_collector(void);
/* A known state without the code under test: whatever is tracked moves to
 * generation 2, every count and both long-lived counters are zero, and no
 * collection runs by itself (quiet_collector). */
void settle(void);
/* For a test of Step 1, which comes before gc_collect_main (Step 2): the
 * collection PmRuntime_Fini runs after the test is the grader's own (the
 * reference chapter 3's steps on every generation), not gc_collect_main. */
void tear_down_without_step_2(void);
/* Objects in a generation list (3 = the permanent generation). */
Pm_ssize_t gen_size(int generation);

/* Each file of the suite registers its own tests. */
void register_counting_tests(PmSuite *s); /* step 1 */
void register_collecting_tests(PmSuite *s); /* step 2 */
void register_threshold_tests(PmSuite *s); /* step 3 */
void register_link_collection_tests(PmSuite *s); /* step 3, in test_counting.c */
void register_module_tests(PmSuite *s); /* steps 4 and 5 */
void register_step2_log_tests(PmSuite *s); /* step 2's test of the log */
void register_log_tests(PmSuite *s); /* step 6: the logs of collections */

#endif /* GENERATIONS_SUITE_H */
