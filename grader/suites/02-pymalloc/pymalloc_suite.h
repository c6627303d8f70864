/* pymalloc_suite.h - what the files of chapter 2's graded suite share: the
 * chapter's sections, and small views of the allocator's state.
 */
#ifndef PYMALLOC_SUITE_H
#define PYMALLOC_SUITE_H

#include "pmtest.h"
#include "pm_obmalloc.h"
#include "../../traces/pmtrace.h"

#define SECTION1 "chapters/02-pymalloc.md#step-1-size-classes"
#define SECTION2 "chapters/02-pymalloc.md#step-2-pools"
#define SECTION3 "chapters/02-pymalloc.md#step-3-arenas"
#define SECTION4 "chapters/02-pymalloc.md#step-4-freeing"
#define SECTION5 "chapters/02-pymalloc.md#step-5-returning-arenas-to-the-os"
#define SECTION6 "chapters/02-pymalloc.md#step-6-realloc"
#define SECTION7 "chapters/02-pymalloc.md#step-7-the-heap-checker-and-the-statistics"

#define STEP1 "Step 1: Size classes"
#define STEP2 "Step 2: Pools"
#define STEP3 "Step 3: Arenas"
#define STEP4 "Step 4: Freeing"
#define STEP5 "Step 5: Returning arenas to the OS"
#define STEP6 "Step 6: Realloc"
#define STEP7 "Step 7: The heap checker and the statistics"

/* The heap checker the tests of Steps 1 to 6 and the trace replays use in
 * place of yours: the reference's _PmObject_CheckHeap, linked in a second
 * time under another name (the Makefile's GIVEN_RULE), reading your heap's
 * state, _PmObmalloc_state.  0 if the heap is sound; -1 with the first
 * broken invariant in why. */
int _PmRef__PmObject_CheckHeap(char *why, size_t whylen);
static inline int pm_grader_check_heap(char *why, size_t whylen)
{
    return _PmRef__PmObject_CheckHeap(why, whylen);
}

/* The deterministic arena allocator every test installs (test_units.c). */
extern PmTraceArenas pm_test_arenas;
void install_arenas(size_t misalign);

/* What a test of an early step is given in place of a later step's work
 * (given_steps.c; in a handout, compiled only:
 * prebuilt/02-pymalloc/suite-<variant>.o), after install_arenas: an arena
 * on usable_arenas, as new_arena (Step 3) makes it, for the tests of Step 2; that arena and one
 * used pool per size class, carved in full, as allocate_from_new_pool and
 * pymalloc_pool_extend (Step 2) leave a pool, for the tests of Step 1. */
void pm_given_an_arena(void);
void pm_given_a_pool_per_class(void);

/* A failing check first draws your heap.  Every ck_assert* and ck_abort*
 * of this suite's files expands to _ck_assert_failed, redirected here to
 * pm_fail_with_arenas (heap_picture.c): it draws the arenas and pools
 * into $PMLAB_ARTIFACTS/<test>.svg, in a child process so that a broken
 * heap can cost the picture but never the message, then fails the test as
 * Check would. */
void pm_fail_with_arenas(const char *file, int line, const char *expr, const char *msg, ...)
    __attribute__((format(printf, 4, 5), noreturn));
#define _ck_assert_failed pm_fail_with_arenas

/* And every check that passes goes through pm_mark_point (heap_picture.c),
 * which counts how often each check was reached: a failing check records
 * where it was ("test_units.c:695:3", its third time), and the grader runs
 * the test on the reference with PMLAB_DRAW_AT set to that record, so that
 * the reference draws its heap when it passes the same check the same time
 * (or, if it never gets there, when the test ends). */
void pm_mark_point(const char *file, int line);
#define _mark_point pm_mark_point

/* Registration of each file's tests. */
void register_unit_tests(PmSuite *s);
void register_trace_tests(PmSuite *s);

#endif /* PYMALLOC_SUITE_H */
