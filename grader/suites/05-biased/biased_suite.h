/* biased_suite.h - what the files of the chapter-5 suite share: the steps
 * and sections of the chapter; the probe, a small test object whose
 * deallocator records when and how often it died; real threads; and the
 * explorer, which runs small programs of two or three threads through
 * every interleaving of their atomic operations (up to a bound).
 */
#ifndef BIASED_SUITE_H
#define BIASED_SUITE_H

#include <pthread.h>

#include "pmlab.h"
#include "pmtest.h"

#define STEP1 "Step 1: Owner and count"
#define STEP2 "Step 2: Increments"
#define STEP3 "Step 3: Decrements on the owner"
#define STEP4 "Step 4: Decrements from other threads"
#define STEP5 "Step 5: The merge queue"
#define STEP6 "Step 6: Threads come and go"

#define SECTION1 "chapters/05-biased.md#step-1-owner-and-count"
#define SECTION2 "chapters/05-biased.md#step-2-increments"
#define SECTION3 "chapters/05-biased.md#step-3-decrements-on-the-owner"
#define SECTION4 "chapters/05-biased.md#step-4-decrements-from-other-threads"
#define SECTION5 "chapters/05-biased.md#step-5-the-merge-queue"
#define SECTION6 "chapters/05-biased.md#step-6-threads-come-and-go"

/* Under ThreadSanitizer every atomic operation costs some microseconds:
 * the stress tests run fewer rounds there (the interleavings it checks do
 * not need millions). */
#if defined(__SANITIZE_THREAD__)
#define PM_ROUNDS(n) ((n) / 20)
#else
#define PM_ROUNDS(n) (n)
#endif

/* ---- the probe ----------------------------------------------------------
 * A registered object (allocated from the C library, so any thread may free
 * it) whose deallocator counts its calls and marks it dead.  Its memory is
 * kept until the end of the test, so a late access reads a dead probe
 * instead of crashing, and the test can say what happened. */
typedef struct {
    PmObject_HEAD
    int id;
    int dead; /* set by the deallocator (atomically) */
    int frees; /* calls of the deallocator (atomically) */
    long value; /* payload that threads read while they hold a reference */
} ProbeObject;

extern PmTypeObject Probe_Type;
/* Called from the probe's deallocator (when set): the explorer's checks. */
extern void (*probe_dealloc_hook)(ProbeObject *p);

/* A new probe, owned by the calling thread, count 1. */
ProbeObject *probe_new(int id);
int probe_frees(ProbeObject *p);
int probe_dead(ProbeObject *p);
/* The raw fields, read without going through your functions. */
uintptr_t raw_tid(PmObject *op);
uint32_t raw_local(PmObject *op);
Pm_ssize_t raw_shared(PmObject *op);
Pm_ssize_t raw_count(PmObject *op); /* local + (shared >> 2) */
/* "tid=T1 local=1 shared=4|QUEUED" style text; names[] maps thread ids. */
const char *shared_state_name(Pm_ssize_t shared);
void describe_fields(char *buf, size_t n, PmObject *op);

/* ---- each step graded on its own ----------------------------------------
 * A test grades one step, and needs of the learner's file only that step
 * and the ones before it.  What it needs of a later step is given: the
 * reference's own functions, linked in a second time under other names
 * (the Makefile renames _Pm_x to _PmRef_x, Pm_x to PmRef_x), on the same
 * header fields and the same merge queue as the learner's.  (Not the
 * reference's thread id, ownership test, increments or new references:
 * those read its own _Pm_ThreadId, and the objects carry the learner's.)
 *
 * grade_step(K), first thing in a test of Step K, says which.  Then:
 *   - threads (run_on_thread, run_threads, workers, the explorer, and the
 *     test's own thread through thread_enter/thread_leave) are registered
 *     by the harness before Step 6, through PmThreadState_Bind/Delete (the
 *     learner's _Pm_brc_init_thread/_Pm_brc_remove_thread) from Step 6 on;
 *   - drop_ref() is Pm_DecRef from Step 4 on; before, the parts of it that
 *     belong to later steps are the reference's.
 * A test that never calls grade_step uses the learner's for everything. */
void grade_step(int step);
int graded_step(void);
void thread_enter(void);
void thread_leave(void);
void drop_ref(PmObject *op);

/* The reference's, renamed (see above). */
void _PmRef_MergeZeroLocalRefcount(PmObject *op);
void _PmRef_DecRefShared(PmObject *op);
void _PmRef_brc_remove_thread(void);

/* ---- real threads -------------------------------------------------------
 * Run fn(arg) on a new thread that enters (thread_enter) before and leaves
 * (thread_leave) after, and wait for it. */
void run_on_thread(void (*fn)(void *), void *arg);
/* Start n threads running fn(i, arg) for i = 0..n-1, all entered, released
 * together by a barrier; wait for all. */
void run_threads(int n, void (*fn)(int i, void *arg), void *arg);
/* A thread that stays alive (entered) until told to leave, running jobs. */
typedef struct Worker Worker;
Worker *worker_start(void);
void worker_do(Worker *w, void (*fn)(void *), void *arg); /* run on w, wait */
void worker_stop(Worker *w); /* leave + join */

/* Is any bucket lock of the merge queue held right now? */
int any_bucket_locked(void);

/* ---- the explorer ------------------------------------------------------- */
#define X_MAX_THREADS 3
#define X_MAX_OBJECTS 3

typedef struct {
    const char *name; /* what the program does, for the report */
    int nthreads;
    int nobjects;
    /* Runs on thread t before the interleaving, threads in order 0, 1, ...:
     * create objects (x_new), take references (x_take). */
    void (*setup)(int t);
    /* The interleaved part of thread t.  After it, the thread leaves
     * (thread_leave), interleaved too. */
    void (*body)(int t);
    /* After every thread has left: expected frees (0 or 1) and, for
     * objects alive, the expected count. */
    int expect_freed[X_MAX_OBJECTS];
    Pm_ssize_t expect_count[X_MAX_OBJECTS];
    int preemptions; /* the bound K: schedules with at most K preemptions */
    int step; /* the step it grades (grade_step) */
} XProgram;

/* Helpers for setup and body: object k, created / incref'd / decref'd by
 * the calling simulated thread; the explorer counts who holds what. */
void x_new(int k);
PmObject *x_obj(int k);
void x_take(int k);
void x_drop(int k); /* drop_ref */
void x_give(int k, int to_thread); /* hand one held reference to another thread */

/* Enumerate every schedule of prog with at most prog->preemptions
 * preemptions; on a failure, fail the test with the shortest failing
 * schedule, step by step, and draw it. */
void explore(const char *test, const XProgram *prog);

/* Check's timeout for an explorer test (pm_set_timeout), in seconds before
 * CK_TIMEOUT_MULTIPLIER.  The search grows with every switch point a run
 * takes: the reference's largest program needs about 2 s alone (3 s in a
 * grade beside another test), and a correct solution that takes a lock
 * once more, several times that; like every test, it also has
 * PM_CPU_SECONDS of CPU time.  A search that has found a failing schedule
 * reports it at 60% of either; one that has not goes on to the end. */
#define PM_EXPLORER_TIMEOUT 20.0

#endif /* BIASED_SUITE_H */
