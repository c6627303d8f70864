/* pmtest.h - how a graded suite declares its tests (Check underneath).
 *
 * A suite is one C program per chapter (grader/suites/NN-slug/).  It defines
 *
 *     void pm_register(PmSuite *s);
 *
 * which adds every test with its points, step, title, hint and the chapter
 * section to read.  The shared main() in pmtest.c does the rest:
 *
 *     suite --list                 the manifest, as JSON, on stdout
 *     suite --run NAME [--xml F]   run one test (Check fork mode, timeout,
 *                                  resource limits set before it runs)
 *     suite --run-all [--xml F]    every test, one Check run
 *
 * Environment: CK_FORK=no runs without fork (make debug); PMLAB_ARTIFACTS is
 * the folder where failing scenario tests leave their heap pictures and a
 * divergence.json for the grader; PMLAB_ROOT is the repository (scenarios
 * are found relative to it).
 */
#ifndef PMTEST_H
#define PMTEST_H

#include <check.h>
#include <stdio.h>

typedef struct PmSuite PmSuite;

/* A unit test is written with Check's START_TEST/END_TEST and ck_assert_*;
 * messages say what was expected and what happened:
 *     ck_assert_msg(Pm_REFCNT(x) == 2,
 *         "after PmList_Append the item should have 2 references "
 *         "(yours and the list's), it has %zd", Pm_REFCNT(x));
 * The fixture around every test calls PmRuntime_Init() before and
 * PmRuntime_Fini() after, in the test's own process.
 * Check records every ck_assert that passes: inside a loop of a million
 * steps, test with `if` and call ck_abort_msg on failure instead, or the
 * record outgrows the file-size limit. */

/* Register a test that must pass. */
void pm_add_test(PmSuite *s, const char *name, const TTest *test, int points, const char *step,
                 const char *title, const char *hint, const char *section);
/* Register a test that passes only if the code under test kills the process
 * with this signal (for example SIGABRT from _Pm_NegativeRefcount). */
void pm_add_signal_test(PmSuite *s, const char *name, const TTest *test, int signal, int points,
                        const char *step, const char *title, const char *hint, const char *section);
/* Register a scenario: grader/scenarios/<chapter>/<stem>.py is run on the
 * linked layers; its output must equal <stem>.out (recorded from CPython),
 * and once the module is torn down and collected, no object and no reference
 * may be left over.  On the first differing line the test writes the heap
 * picture of this build to $PMLAB_ARTIFACTS/<name>.svg and
 * $PMLAB_ARTIFACTS/<name>.json = {"scenario", "line", "output_line",
 * "expected", "got"}, so the grader can draw the reference beside it. */
void pm_add_scenario(PmSuite *s, const char *stem, int points, const char *step, const char *hint,
                     const char *section);

/* The same from a folder of its own (an instructor's hidden scenarios):
 * dir/<stem>.py and dir/<stem>.out. */
void pm_add_scenario_in(PmSuite *s, const char *dir, const char *stem, int points, const char *step,
                        const char *hint, const char *section);

/* Hidden tests: an instructor's own tests, kept out of the handout
 * (hidden/NN-slug/ in the instructor's repository; make grade HIDDEN=dir).
 * Their test_*.c files are written like a public suite's and register with
 * the same macros, from a function register_<name>_tests(PmSuite *) for
 * each test_<name>.c; a generated pm_register_hidden calls them after
 * pm_register, and every test added from there is hidden.  A hidden test
 * is shown to the learner only as a count ("hidden tests: 7 of 9 passed");
 * in Gradescope's results.json it carries the visibility after_due_date,
 * which pm_set_visibility changes ("hidden", "after_due_date",
 * "after_published" or "visible") for a hidden test registered before. */
extern void pm_register_hidden(PmSuite *s) __attribute__((weak));
void pm_set_visibility(PmSuite *s, const char *name, const char *visibility);
/* Tests that are the same code under the sanitizers (chapter 2's
 * performance tests differ only in the threshold they compare the work
 * counter with, and the counter is left out of the sanitizer build): the
 * grader's sanitizer phase runs the first of a group that passed and gives
 * its verdict to the others.  Call it after registering the test. */
void pm_set_sanitizer_group(PmSuite *s, const char *name, const char *group);
/* A test that needs longer than the chapter's UNIT_TIMEOUT when it is
 * right (chapter 5's explorer, whose search grows with every switch point
 * a correct solution may add): Check's timeout for it, in seconds, before
 * CK_TIMEOUT_MULTIPLIER.  The manifest (--list) gives every test's timeout,
 * and the grader waits for it.  Call it after registering the test. */
void pm_set_timeout(PmSuite *s, const char *name, double seconds);
/* Every scenario of dir (its stems, NULL-terminated), one point each, under
 * the step of the chapter's public scenarios. */
void pm_add_hidden_scenarios(PmSuite *s, const char *dir, const char *const stems[]);

#define PM_ADD(s, fn, points, step, title, hint, section) \
    pm_add_test((s), #fn, (fn), (points), (step), (title), (hint), (section))
#define PM_ADD_SIGNAL(s, fn, sig, points, step, title, hint, section) \
    pm_add_signal_test((s), #fn, (fn), (sig), (points), (step), (title), (hint), (section))

/* The chapter slug of this suite, e.g. "01-refcount" (defined by the suite). */
extern const char pm_chapter[];
/* A suite that defines this as 0 runs its tests without PmRuntime_Init and
 * PmRuntime_Fini around them (chapter 2 tests the allocator from a clean
 * state, before any object exists).  Suites that leave it undefined get
 * the runtime. */
extern const int pm_needs_runtime __attribute__((weak));
void pm_register(PmSuite *s);

/* Optional, per suite: the deallocators the learner writes, by the type
 * they free, ending with {NULL}.  When a scenario leaks, it runs again with
 * these watched, and the message names the one that freed a container
 * without releasing what it held (not the scenario's own step). */
struct _pmtypeobject;
typedef struct {
    struct _pmtypeobject *type;
    const char *function; /* "list_dealloc" */
    const char *section; /* "chapters/01-refcount.md, Step 5" */
} PmDeallocOwner;
extern const PmDeallocOwner pm_dealloc_owners[] __attribute__((weak));

/* Helpers for tests. */
/* Run a scenario given as source text; output captured into a malloc'd
 * string (*out, caller frees).  Returns the PmRunStatus. */
int pm_run_source(const char *source, char **out);
/* Live objects and total references now (after a full collection). */
void pm_heap_counts(long *live, long *refs);

/* For a failing test: draw a picture into $PMLAB_ARTIFACTS/<test>.svg (the
 * grader's report shows it under the failure) by calling draw(path, arg)
 * in a child process given a few seconds, so that a broken heap can cost
 * the picture but never the test's own message.  Does nothing when
 * PMLAB_ARTIFACTS is not set. */
void pm_draw_failure(const char *test, int (*draw)(const char *path, void *arg), void *arg);

#endif /* PMTEST_H */
