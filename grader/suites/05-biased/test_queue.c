/* test_queue.c - chapter 5, steps 5 and 6: merging, the merge queue, and
 * threads that come and go (with the tests of _Pm_DecRefShared's queueing,
 * which Step 4 writes and only a merge queue can take).  Unit tests drive one path at a time; stress
 * tests hand hundreds of thousands of objects between real threads.
 */
#include <sched.h>
#include <stdlib.h>

#include "biased_suite.h"

#define FIELDS(op) (describe_fields(fields, sizeof fields, (PmObject *)(op)), fields)

static void do_decref(void *op)
{
    Pm_DecRef(op);
}

/* A probe made on another thread with count 2 (one for the maker, one
 * handed to us); the maker drops its own before it exits, if asked. */
typedef struct {
    ProbeObject *p;
    int keep;
} Made;

static void make_two(void *arg)
{
    Made *m = arg;
    m->p = probe_new(3);
    Pm_IncRef((PmObject *)m->p);
    if (!m->keep)
        Pm_DecRef((PmObject *)m->p);
}

static int locked_at_dealloc;
static void note_locks(ProbeObject *p)
{
    (void)p;
    if (any_bucket_locked())
        locked_at_dealloc = 1;
}

/* ---- Step 5: The merge queue ---- */

START_TEST(explicit_merge_adds_both_counts_and_extra)
{
    grade_step(5);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_ref_local = 3;
    op->ob_ref_shared = _Pm_REF_SHARED(-1, _Pm_REF_QUEUED);
    Pm_ssize_t n = _Pm_ExplicitMergeRefcount(op, -1);
    ck_assert_msg(n == 1,
                  "local 3 + shared -1 + extra -1 is 1; _Pm_ExplicitMergeRefcount "
                  "returned %zd",
                  n);
    ck_assert_msg(raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED),
                  "the merged count goes into ob_ref_shared with state MERGED: (1 << 2) | 3; "
                  "it has %s",
                  FIELDS(op));
    ck_assert_msg(probe_frees(p) == 0,
                  "_Pm_ExplicitMergeRefcount only merges: its caller deallocates at 0");
}
END_TEST

START_TEST(explicit_merge_leaves_the_object_unowned)
{
    grade_step(5);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Pm_IncRef(op);
    Pm_ssize_t n = _Pm_ExplicitMergeRefcount(op, 0);
    ck_assert_msg(n == 2 && raw_local(op) == 0 && raw_tid(op) == 0,
                  "after merging, ob_ref_local and ob_tid are 0 and the count (2) is all in "
                  "ob_ref_shared; it returned %zd and has %s",
                  n, FIELDS(op));
    Pm_IncRef(op);
    ck_assert_msg(raw_shared(op) == _Pm_REF_SHARED(3, _Pm_REF_MERGED) && raw_local(op) == 0,
                  "a merged object has no owner: even its creator's Pm_IncRef goes to the "
                  "shared count; it has %s",
                  FIELDS(op));
}
END_TEST

START_TEST(queueing_a_merged_object_just_decrefs)
{
    grade_step(5);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_tid = 0;
    op->ob_ref_local = 0;
    op->ob_ref_shared = _Pm_REF_SHARED(2, _Pm_REF_MERGED);
    _Pm_brc_queue_object(op);
    ck_assert_msg(raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED) && probe_frees(p) == 0,
                  "ob_tid 0 means the owner merged meanwhile: _Pm_brc_queue_object should just "
                  "Pm_DecRef (count 2 -> 1); it has %s",
                  FIELDS(op));
}
END_TEST

START_TEST(shared_decref_at_zero_queues_without_subtracting)
{
    grade_step(5);
    char fields[256];
    thread_enter(); /* this thread is a registered owner */
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Pm_IncRef(op); /* local 2: ours and one we hand over */
    run_on_thread(do_decref, op); /* the other thread drops the handed one */
    struct _Pm_brc_thread_state *me = _Pm_brc_thread_state_get();
    ck_assert_msg(raw_shared(op) == _Pm_REF_QUEUED && raw_local(op) == 2,
                  "a shared Pm_DecRef that finds ob_ref_shared 0 should set it to QUEUED (2) "
                  "without subtracting, and queue the object to its owner; it has %s",
                  FIELDS(op));
    ck_assert_msg(me->objects_to_merge.head != NULL && me->eval_breaker,
                  "the object should be on the owner's objects_to_merge, and the owner asked "
                  "to merge (_Pm_set_eval_breaker_bit)");
    ck_assert_msg(probe_frees(p) == 0, "the object was deallocated, but the owner holds it");
    _Pm_HandlePending();
    ck_assert_msg(raw_tid(op) == 0 && raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED),
                  "merging the queue should leave count 1 (2 local + 0 shared - the queue's 1), "
                  "MERGED and unowned; it has %s",
                  FIELDS(op));
    Pm_DecRef(op);
    ck_assert_msg(probe_frees(p) == 1,
                  "the last reference should deallocate it once; it was "
                  "deallocated %d time(s)",
                  probe_frees(p));
    thread_leave();
}
END_TEST

START_TEST(maybe_weakref_state_queues_too)
{
    grade_step(5);
    char fields[256];
    thread_enter();
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_ref_local = 2;
    op->ob_ref_shared = _Pm_REF_MAYBE_WEAKREF;
    run_on_thread(do_decref, op);
    ck_assert_msg(raw_shared(op) == _Pm_REF_QUEUED,
                  "ob_ref_shared == MAYBE_WEAKREF (1) is a shared count of 0, not queued, not "
                  "merged: a shared Pm_DecRef should queue it (state QUEUED); it has %s",
                  FIELDS(op));
    _Pm_HandlePending();
    Pm_DecRef(op);
    thread_leave();
}
END_TEST

START_TEST(queueing_to_an_exited_owner_merges_at_once)
{
    grade_step(5);
    char fields[256];
    Made m = {NULL, 1};
    run_on_thread(make_two, &m); /* the maker exits holding one reference */
    PmObject *op = (PmObject *)m.p;
    locked_at_dealloc = 0;
    probe_dealloc_hook = note_locks;
    Pm_DecRef(op); /* shared 0: queued, but nobody owns the queue */
    ck_assert_msg(raw_tid(op) == 0 && raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED) &&
                      probe_frees(m.p) == 0,
                  "the owner has exited, so _Pm_brc_queue_object should merge at once with "
                  "extra -1: 2 + 0 - 1 = 1, MERGED, unowned; it has %s",
                  FIELDS(op));
    Made m2 = {NULL, 0};
    run_on_thread(make_two, &m2); /* the maker exits without its reference */
    Pm_DecRef((PmObject *)m2.p);
    ck_assert_msg(probe_frees(m2.p) == 1,
                  "when the merge gives 0, the queueing thread deallocates; the object was "
                  "deallocated %d time(s) (%s)",
                  probe_frees(m2.p), FIELDS(m2.p));
    ck_assert_msg(!locked_at_dealloc,
                  "the object was deallocated while a bucket lock was held: unlock first (a "
                  "deallocator may queue other objects to the same bucket)");
    probe_dealloc_hook = NULL;
}
END_TEST

START_TEST(owner_merges_its_queue_at_a_safe_point)
{
    grade_step(5);
    char fields[256];
    thread_enter();
    ProbeObject *p = probe_new(1), *q = probe_new(2);
    Pm_IncRef((PmObject *)p);
    Pm_IncRef((PmObject *)q);
    run_on_thread(do_decref, p);
    run_on_thread(do_decref, q);
    Pm_DecRef((PmObject *)q); /* q: local 1, queued, true count 1 (the queue's) */
    locked_at_dealloc = 0;
    probe_dealloc_hook = note_locks;
    _Pm_HandlePending();
    probe_dealloc_hook = NULL;
    ck_assert_msg(probe_frees(q) == 1,
                  "q was queued and its owner then dropped its own reference: merging with -1 "
                  "gives 0, so _Pm_brc_merge_refcounts deallocates it; it was deallocated %d "
                  "time(s) (%s)",
                  probe_frees(q), FIELDS(q));
    ck_assert_msg(!locked_at_dealloc,
                  "q was deallocated while a bucket lock was held: move the queue to "
                  "local_objects_to_merge under the lock, merge outside it");
    ck_assert_msg(probe_frees(p) == 0 &&
                      raw_shared((PmObject *)p) == _Pm_REF_SHARED(1, _Pm_REF_MERGED) &&
                      raw_tid((PmObject *)p) == 0,
                  "p (local 2, queued) merges to 2 + 0 - 1 = 1: MERGED, unowned, alive; it "
                  "has %s",
                  FIELDS(p));
    ck_assert_msg(_Pm_brc_thread_state_get()->objects_to_merge.head == NULL &&
                      _Pm_brc_thread_state_get()->local_objects_to_merge.head == NULL,
                  "after merging, both of the owner's stacks should be empty");
    Pm_DecRef((PmObject *)p);
    thread_leave();
}
END_TEST

/* The owner makes objects and hands one reference of each to consumers,
 * which read it and drop it; the owner drops its own and merges at safe
 * points.  Every object must die exactly once, never while in use. */
#define RING 1024
typedef struct {
    ProbeObject **objs;
    long n;
    long next_take; /* consumers claim objects in order */
    long published; /* the owner has handed over objs[0..published) */
    int errors;
} Handoff;

static void owner_hands_over(Handoff *h)
{
    for (long k = 0; k < h->n; k++) {
        ProbeObject *p = probe_new((int)(k % 1000));
        p->value = 1000 + p->id;
        Pm_IncRef((PmObject *)p); /* the consumer's reference */
        h->objs[k] = p;
        __atomic_store_n(&h->published, k + 1, __ATOMIC_RELEASE);
        Pm_DecRef((PmObject *)p); /* ours */
        if (k % 64 == 0)
            _Pm_HandlePending();
        while (k - __atomic_load_n(&h->next_take, __ATOMIC_ACQUIRE) > RING) {
            _Pm_HandlePending();
            sched_yield();
        }
    }
}

static void consumer_drops(Handoff *h)
{
    for (;;) {
        long k = __atomic_fetch_add(&h->next_take, 1, __ATOMIC_ACQ_REL);
        if (k >= h->n)
            return;
        while (__atomic_load_n(&h->published, __ATOMIC_ACQUIRE) <= k)
            sched_yield();
        ProbeObject *p = h->objs[k];
        if (p->value != 1000 + p->id || probe_dead(p))
            __atomic_store_n(&h->errors, 1, __ATOMIC_RELAXED);
        Pm_DecRef((PmObject *)p);
    }
}

static void handoff_role(int i, void *arg)
{
    if (i == 0)
        owner_hands_over(arg);
    else
        consumer_drops(arg);
}

START_TEST(objects_handed_to_other_threads_die_once)
{
    grade_step(5);
    char fields[256];
    Handoff h = {NULL, PM_ROUNDS(200000), 0, 0, 0};
    h.objs = calloc((size_t)h.n, sizeof *h.objs);
    ck_assert_msg(h.objs != NULL, "out of memory");
    run_threads(3, handoff_role, &h);
    ck_assert_msg(h.errors == 0,
                  "a consumer found an object dead while it still held a reference to it");
    for (long k = 0; k < h.n; k++)
        if (probe_frees(h.objs[k]) != 1)
            ck_abort_msg("object %ld of %ld, made by one thread and dropped by another, was "
                         "deallocated %d time(s), not once (%s)",
                         k, h.n, probe_frees(h.objs[k]), FIELDS(h.objs[k]));
    free(h.objs);
}
END_TEST

/* ---- Step 6: Threads come and go ---- */

static int in_bucket(uintptr_t tid)
{
    struct _Pm_brc_bucket *b = &_Pm_brc.table[tid % _Pm_BRC_NUM_BUCKETS];
    for (struct _Pm_brc_thread_state *ts = b->head; ts != NULL; ts = ts->bucket_next)
        if (ts->tid == tid)
            return 1;
    return 0;
}

typedef struct {
    uintptr_t tid;
    int registered, state_tid_ok;
} Reg;

static void check_registered(void *arg)
{
    Reg *r = arg;
    r->tid = _Pm_ThreadId();
    r->registered = in_bucket(r->tid);
    r->state_tid_ok = _Pm_brc_thread_state_get()->tid == r->tid;
}

START_TEST(init_thread_links_the_thread_into_its_bucket)
{
    grade_step(6);
    Reg r = {0, 0, 0};
    run_on_thread(check_registered, &r);
    ck_assert_msg(r.registered,
                  "after _Pm_brc_init_thread, the thread's state should be in the list of "
                  "bucket tid %% _Pm_BRC_NUM_BUCKETS, with its tid");
    ck_assert_msg(r.state_tid_ok,
                  "_Pm_brc_init_thread should set the thread state's tid to _Pm_ThreadId()");
}
END_TEST

START_TEST(remove_thread_unlinks_it)
{
    grade_step(6);
    Reg r = {0, 0, 0};
    run_on_thread(check_registered, &r);
    ck_assert_msg(!in_bucket(r.tid),
                  "a thread that has left (_Pm_brc_remove_thread) is still in its bucket: "
                  "objects queued to it would never be merged");
    PmThreadState_Bind();
    PmThreadState_Delete();
    ck_assert_msg(_Pm_brc_thread_state_get()->tid == 0 && !in_bucket(_Pm_ThreadId()),
                  "after _Pm_brc_remove_thread the state's tid should be 0 and the thread gone "
                  "from its bucket");
}
END_TEST

typedef struct {
    Worker *w;
    ProbeObject *p;
} Pair;

static void make_on_worker(void *arg)
{
    Pair *pr = arg;
    pr->p = probe_new(5);
    Pm_IncRef((PmObject *)pr->p); /* local 2: the worker's and ours */
}

START_TEST(remove_thread_drains_its_queue)
{
    grade_step(6);
    char fields[256];
    Pair pr = {worker_start(), NULL};
    worker_do(pr.w, make_on_worker, &pr);
    Pm_DecRef((PmObject *)pr.p); /* queued to the worker, which is alive */
    ck_assert_msg(raw_shared((PmObject *)pr.p) == _Pm_REF_QUEUED,
                  "the object should be queued to its (living) owner; it has %s", FIELDS(pr.p));
    worker_stop(pr.w); /* leaves holding its reference: merges first */
    PmObject *op = (PmObject *)pr.p;
    ck_assert_msg(raw_tid(op) == 0 && raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED),
                  "an exiting thread must merge what was queued to it: local 2 + 0 - 1 = 1, "
                  "MERGED; it has %s",
                  FIELDS(op));
}
END_TEST

/* Thread i makes n objects and publishes them; after a barrier each
 * thread drops the objects of thread i + 1 and leaves at once: some
 * owners are gone (the object is abandoned and merged on the spot), some
 * are still there (queued, and merged as they leave). */
typedef struct {
    ProbeObject **objs[4];
    long n;
    pthread_barrier_t barrier;
    int errors;
} Churn;

static void churn(int i, void *arg)
{
    Churn *c = arg;
    for (long k = 0; k < c->n; k++) {
        ProbeObject *p = probe_new((int)(k % 1000));
        Pm_IncRef((PmObject *)p);
        c->objs[i][k] = p;
    }
    pthread_barrier_wait(&c->barrier);
    for (long k = 0; k < c->n; k++)
        Pm_DecRef((PmObject *)c->objs[i][k]); /* our own */
    if (i % 2 == 0)
        _Pm_HandlePending();
    ProbeObject **theirs = c->objs[(i + 1) % 4];
    for (long k = 0; k < c->n; k++) {
        if (probe_dead(theirs[k]))
            __atomic_store_n(&c->errors, 1, __ATOMIC_RELAXED);
        Pm_DecRef((PmObject *)theirs[k]);
    }
}

START_TEST(threads_leave_while_others_drop_their_objects)
{
    grade_step(6);
    char fields[256];
    Churn c;
    c.n = PM_ROUNDS(100000);
    c.errors = 0;
    for (int i = 0; i < 4; i++) {
        c.objs[i] = calloc((size_t)c.n, sizeof(ProbeObject *));
        ck_assert_msg(c.objs[i] != NULL, "out of memory");
    }
    pthread_barrier_init(&c.barrier, NULL, 4);
    run_threads(4, churn, &c);
    pthread_barrier_destroy(&c.barrier);
    ck_assert_msg(c.errors == 0, "an object died while another thread still held it");
    for (int i = 0; i < 4; i++) {
        for (long k = 0; k < c.n; k++)
            if (probe_frees(c.objs[i][k]) != 1)
                ck_abort_msg("object %ld of thread %d, dropped by its owner and by a thread "
                             "that then left, was deallocated %d time(s), not once (%s)",
                             k, i, probe_frees(c.objs[i][k]), FIELDS(c.objs[i][k]));
        free(c.objs[i]);
    }
}
END_TEST

static void make_many(void *arg)
{
    ProbeObject **objs = arg;
    for (long k = 0; objs[k] == NULL; k++)
        objs[k] = probe_new((int)(k % 1000)); /* handed over: the maker keeps none */
}

START_TEST(abandoned_objects_are_merged_by_whoever_queues_them)
{
    grade_step(6);
    char fields[256];
    long n = PM_ROUNDS(200000);
    ProbeObject **objs = calloc((size_t)n + 1, sizeof *objs);
    ck_assert_msg(objs != NULL, "out of memory");
    objs[n] = (ProbeObject *)1; /* end marker */
    run_on_thread(make_many, objs);
    for (long k = 0; k < n; k++) {
        Pm_DecRef((PmObject *)objs[k]);
        if (probe_frees(objs[k]) != 1)
            ck_abort_msg("object %ld: its owner has left, so dropping its last reference here "
                         "should merge and deallocate it at once; it was deallocated %d "
                         "time(s) (%s)",
                         k, probe_frees(objs[k]), FIELDS(objs[k]));
    }
    free(objs);
}
END_TEST

void register_queue(PmSuite *s)
{
    PM_ADD(s, explicit_merge_adds_both_counts_and_extra, 2, STEP5,
           "_Pm_ExplicitMergeRefcount: local + shared + extra, MERGED",
           "new shared = _Pm_REF_SHARED(local + (shared >> 2) + extra, _Pm_REF_MERGED), in a "
           "CAS loop; return the count.",
           SECTION5);
    PM_ADD(s, explicit_merge_leaves_the_object_unowned, 2, STEP5,
           "After a merge: ob_ref_local 0, ob_tid 0",
           "Read ob_ref_local, then store 0 into ob_ref_local and ob_tid before the CAS.",
           SECTION5);
    PM_ADD(s, shared_decref_at_zero_queues_without_subtracting, 3, STEP5,
           "Shared count 0: mark QUEUED, do not subtract, queue to the owner",
           "_Pm_DecRefShared (Step 4): the queue now holds the reference you did not "
           "subtract; _Pm_brc_queue_object hands it over.",
           SECTION5);
    PM_ADD(s, maybe_weakref_state_queues_too, 1, STEP5,
           "MAYBE_WEAKREF with count 0 is queued like 0",
           "_Pm_DecRefShared (Step 4): should_queue = (shared == 0 || shared == "
           "_Pm_REF_MAYBE_WEAKREF).",
           SECTION5);
    PM_ADD(s, queueing_a_merged_object_just_decrefs, 1, STEP5,
           "Queueing an unowned object: a plain Pm_DecRef",
           "Load ob_tid (sequentially consistent): 0 means the owner merged meanwhile.", SECTION5);
    PM_ADD(s, queueing_to_an_exited_owner_merges_at_once, 3, STEP5,
           "Owner gone: merge with -1 at once, deallocate outside the lock",
           "The owner has left when no thread state in its bucket has the object's ob_tid: "
           "_Pm_ExplicitMergeRefcount(op, -1), unlock, then _Pm_Dealloc if it returned 0.",
           SECTION5);
    PM_ADD(s, owner_merges_its_queue_at_a_safe_point, 3, STEP5,
           "The owner merges its queue with -1 each, outside the lock",
           "_Pm_brc_merge_refcounts: _PmObjectStack_Merge under the lock, then pop, merge "
           "with -1, deallocate at 0.",
           SECTION5);
    PM_ADD(s, objects_handed_to_other_threads_die_once, 4, STEP5,
           "200,000 objects handed from an owner to 2 threads: each freed once",
           "Every reference a non-owner drops at shared 0 travels through the queue; the "
           "owner's merge subtracts it.",
           SECTION5);
    PM_ADD(s, init_thread_links_the_thread_into_its_bucket, 2, STEP6,
           "A new thread is registered in its bucket",
           "_Pm_brc_init_thread: tid = _Pm_ThreadId(), link the state into "
           "_Pm_brc.table[tid % _Pm_BRC_NUM_BUCKETS] under its lock.",
           SECTION6);
    PM_ADD(s, remove_thread_unlinks_it, 1, STEP6, "A leaving thread is unlinked, its tid cleared",
           "Unlink the state from its bucket's list under the lock; set tid to 0.", SECTION6);
    PM_ADD(s, remove_thread_drains_its_queue, 3, STEP6,
           "A leaving thread merges everything queued to it",
           "Merge local_objects_to_merge, then under the lock: empty -> unlink; not empty -> "
           "move to local and go round again.",
           SECTION6);
    PM_ADD(s, abandoned_objects_are_merged_by_whoever_queues_them, 3, STEP6,
           "200,000 objects of a thread that left: merged and freed by the dropper",
           "Nobody is registered under their ob_tid any more: the queueing thread merges.",
           SECTION6);
    PM_ADD(s, threads_leave_while_others_drop_their_objects, 4, STEP6,
           "4 threads leave while others drop their objects: each freed once",
           "An object queued to a thread between its last merge and its unlinking is never "
           "merged: check and unlink in one critical section.",
           SECTION6);
}
