/* refcount_suite.h - what the files of the chapter-1 suite share: the steps
 * and sections of the chapter, and the "witness", a small test type whose
 * deallocator records every call, so a test can see exactly when (and how
 * often) an object died and what the world looked like at that moment.
 */
#ifndef REFCOUNT_SUITE_H
#define REFCOUNT_SUITE_H

#include "pmlab.h"
#include "pmtest.h"

#define STEP1 "Step 1: Counting"
#define STEP2 "Step 2: Immortal objects"
#define STEP3 "Step 3: Ownership in lists"
#define STEP4 "Step 4: Ownership in dicts"
#define STEP5 "Step 5: Deallocators"
#define STEP6 "Step 6: The trashcan"
#define STEP7 "Step 7: Scenarios"

#define SECTION1 "chapters/01-refcount.md#step-1-counting"
#define SECTION2 "chapters/01-refcount.md#step-2-immortal-objects"
#define SECTION3 "chapters/01-refcount.md#step-3-ownership-in-lists"
#define SECTION4 "chapters/01-refcount.md#step-4-ownership-in-dicts"
#define SECTION5 "chapters/01-refcount.md#step-5-deallocators"
#define SECTION6 "chapters/01-refcount.md#step-6-the-trashcan"
#define SECTION7 "chapters/01-refcount.md#step-7-scenarios"

/* A witness: not a container, not tracked, hashable by its id.  Its
 * deallocator counts the call (in total and per id), runs the test's hook,
 * if any, and frees the object. */
typedef struct {
    PmObject_HEAD
    int id;
} WitnessObject;

#define WITNESS_MAX_ID 64

extern PmTypeObject Witness_Type;
extern long witness_deallocs; /* every witness */
extern int witness_dealloc_count[WITNESS_MAX_ID]; /* per id */
/* Called by the deallocator before the memory is freed. */
extern void (*witness_on_dealloc)(WitnessObject *w);

/* Forget what earlier tests recorded (tests may share a process under
 * CK_FORK=no): counters to zero, no hook. */
void witness_reset(void);

/* Check records every ck_assert it passes (in a file capped by the
 * resource limits), so code that runs in long loops checks with a plain if
 * and calls ck_abort_msg only on failure. */

/* A new witness with count 1.  Ids outside 0..WITNESS_MAX_ID-1 are counted
 * only in witness_deallocs. */
PmObject *witness_new(int id);

/* Each file of the suite registers its own tests. */
void register_counting_tests(PmSuite *s); /* steps 1 and 2 */
void register_ownership_tests(PmSuite *s); /* steps 3 and 4 */
void register_dealloc_tests(PmSuite *s); /* steps 5 and 6 */

#endif /* REFCOUNT_SUITE_H */
