/* test_counting.c - chapter 5, steps 1 to 4: the owner, the true count,
 * increments, and decrements on the owner and from other threads.  Unit
 * tests craft a state and check the fields; stress tests run real threads
 * for millions of operations and check every count at the end.
 */
#include <stdlib.h>

#include "biased_suite.h"

/* ---- helpers: do one thing on another thread ---- */
static void do_incref(void *op)
{
    Pm_IncRef(op);
}
static void do_decref(void *op)
{
    Pm_DecRef(op);
}
static void do_drop(void *op)
{
    drop_ref(op);
}

typedef struct {
    uintptr_t id;
    int owned;
    PmObject *op;
} Seen;

static void see_id(void *arg)
{
    Seen *s = arg;
    s->id = _Pm_ThreadId();
    if (s->op != NULL)
        s->owned = _Pm_IsOwnedByCurrentThread(s->op);
}

static void make_probe(void *arg)
{
    *(ProbeObject **)arg = probe_new(7);
}

#define FIELDS(op) (describe_fields(fields, sizeof fields, (PmObject *)(op)), fields)

/* ---- Step 1: Owner and count ---- */

START_TEST(thread_id_is_stable_and_not_zero)
{
    grade_step(1);
    uintptr_t a = _Pm_ThreadId(), b = _Pm_ThreadId();
    ck_assert_msg(a != 0, "_Pm_ThreadId() returned 0, which means \"no owner\"");
    ck_assert_msg(a == b,
                  "_Pm_ThreadId() should return the same value on every call from "
                  "one thread; it returned %#lx, then %#lx",
                  (unsigned long)a, (unsigned long)b);
}
END_TEST

static void two_ids(int i, void *arg)
{
    __atomic_store_n(&((uintptr_t *)arg)[i], _Pm_ThreadId(), __ATOMIC_SEQ_CST);
    /* stay alive until both have asked */
    for (int spin = 0;
         spin < 1000000 && __atomic_load_n(&((uintptr_t *)arg)[1 - i], __ATOMIC_SEQ_CST) == 0;
         spin++)
        ;
}

START_TEST(thread_ids_differ_between_threads)
{
    grade_step(1);
    uintptr_t ids[2] = {0, 0};
    run_threads(2, two_ids, ids);
    Seen other = {0, 0, NULL};
    run_on_thread(see_id, &other);
    ck_assert_msg(ids[0] != ids[1],
                  "two threads running at the same time got the same _Pm_ThreadId() (%#lx): "
                  "the id must be unique to the thread (the address of a _Thread_local "
                  "variable is)",
                  (unsigned long)ids[0]);
    ck_assert_msg(other.id != _Pm_ThreadId(),
                  "another thread got the same _Pm_ThreadId() as the main thread (%#lx)",
                  (unsigned long)other.id);
}
END_TEST

START_TEST(new_object_is_owned_by_its_creator)
{
    grade_step(1);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    ck_assert_msg(raw_tid(op) == _Pm_ThreadId() && raw_local(op) == 1 && raw_shared(op) == 0,
                  "a new object should be owned by the thread that made it (ob_tid == "
                  "_Pm_ThreadId()), with ob_ref_local 1 and ob_ref_shared 0; it has %s",
                  FIELDS(op));
    ck_assert_msg(op->ob_flags == 0 && op->ob_mutex == 0 && op->ob_gc_bits == 0,
                  "a new object's ob_flags, ob_mutex and ob_gc_bits should be 0");
    ck_assert_msg(_Pm_IsOwnedByCurrentThread(op) == 1,
                  "_Pm_IsOwnedByCurrentThread should say 1 for an object this thread made");
    drop_ref(op);
}
END_TEST

START_TEST(object_made_by_another_thread_is_not_owned_here)
{
    grade_step(1);
    char fields[256];
    ProbeObject *p = NULL;
    run_on_thread(make_probe, &p);
    ck_assert_msg(raw_tid((PmObject *)p) != 0 && raw_tid((PmObject *)p) != _Pm_ThreadId(),
                  "an object made by another thread should carry that thread's id; it has %s",
                  FIELDS(p));
    ck_assert_msg(_Pm_IsOwnedByCurrentThread((PmObject *)p) == 0,
                  "_Pm_IsOwnedByCurrentThread should say 0 here for an object another thread "
                  "made; it says %d",
                  _Pm_IsOwnedByCurrentThread((PmObject *)p));
}
END_TEST

START_TEST(true_count_adds_local_and_shifted_shared)
{
    grade_step(1);
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_ref_local = 3;
    op->ob_ref_shared = _Pm_REF_SHARED(2, _Pm_REF_MERGED);
    ck_assert_msg(_Pm_REFCNT(op) == 5,
                  "local 3 and shared (2 << 2) | MERGED is a count of 5; _Pm_REFCNT says %zd",
                  _Pm_REFCNT(op));
    op->ob_ref_shared = _Pm_REF_SHARED(-2, _Pm_REF_QUEUED);
    ck_assert_msg(_Pm_REFCNT(op) == 1,
                  "local 3 and a shared count of -2 (state QUEUED) is a count of 1; _Pm_REFCNT "
                  "says %zd (shift the signed value: ((-2 << 2) | 2) >> 2 is -2)",
                  _Pm_REFCNT(op));
    op->ob_ref_local = 1;
    op->ob_ref_shared = 0;
    drop_ref(op);
}
END_TEST

START_TEST(true_count_of_an_immortal_is_uint32_max)
{
    grade_step(1);
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_ref_local = UINT32_MAX;
    op->ob_ref_shared = _Pm_REF_SHARED(5, 0);
    ck_assert_msg(_Pm_REFCNT(op) == (Pm_ssize_t)UINT32_MAX,
                  "an immortal object's count reads as UINT32_MAX whatever the shared field "
                  "holds; _Pm_REFCNT says %zd",
                  _Pm_REFCNT(op));
    op->ob_ref_local = 1;
    op->ob_ref_shared = 0;
    drop_ref(op);
}
END_TEST

/* ---- Step 2: Increments ---- */

START_TEST(owner_incref_counts_locally)
{
    grade_step(2);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Pm_IncRef(op);
    Pm_IncRef(op);
    ck_assert_msg(raw_local(op) == 3 && raw_shared(op) == 0,
                  "two Pm_IncRef by the owner should make ob_ref_local 3 and leave "
                  "ob_ref_shared 0; it has %s",
                  FIELDS(op));
    drop_ref(op);
    drop_ref(op);
    drop_ref(op);
}
END_TEST

START_TEST(other_thread_incref_counts_in_shared)
{
    grade_step(2);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    run_on_thread(do_incref, op);
    ck_assert_msg(raw_local(op) == 1 && raw_shared(op) == (1 << _Pm_REF_SHARED_SHIFT),
                  "a Pm_IncRef from a thread that does not own the object should add 1 << 2 "
                  "to ob_ref_shared and leave ob_ref_local alone; it has %s",
                  FIELDS(op));
    ck_assert_msg(raw_tid(op) == _Pm_ThreadId(), "it should still be owned by this thread");
}
END_TEST

START_TEST(immortal_objects_are_never_counted)
{
    grade_step(2);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    _Pm_SetImmortal(op);
    Pm_ssize_t total = _Pm_GetRefTotal();
    ck_assert_msg(_Pm_IsImmortal(op), "_Pm_IsImmortal should say 1 after _Pm_SetImmortal");
    for (int i = 0; i < 3; i++)
        Pm_IncRef(op);
    run_on_thread(do_incref, op);
    ck_assert_msg(raw_local(op) == UINT32_MAX && raw_shared(op) == 0 && probe_frees(p) == 0,
                  "Pm_IncRef, from any thread, should leave an immortal object alone; it has %s "
                  "and was deallocated %d time(s)",
                  FIELDS(op), probe_frees(p));
    ck_assert_msg(_Pm_GetRefTotal() == total,
                  "references to an immortal object are not counted in _Pm_RefTotal (%zd), "
                  "it is now %zd",
                  total, _Pm_GetRefTotal());
    ProbeObject *q = probe_new(2);
    ck_assert_msg(!_Pm_IsImmortal((PmObject *)q), "_Pm_IsImmortal says 1 for a new object");
    drop_ref((PmObject *)q);
}
END_TEST

START_TEST(set_immortal_gives_up_the_owner)
{
    grade_step(2);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    run_on_thread(do_incref, op);
    _Pm_SetImmortal(op);
    ck_assert_msg(raw_tid(op) == 0 && raw_local(op) == UINT32_MAX && raw_shared(op) == 0,
                  "an immortal object is unowned (ob_tid 0), ob_ref_local UINT32_MAX, "
                  "ob_ref_shared 0; it has %s",
                  FIELDS(op));
}
END_TEST

static void incref_moves_total(void *arg)
{
    Pm_ssize_t *moved = arg;
    Pm_ssize_t before = _Pm_GetRefTotal();
    Pm_IncRef((PmObject *)(intptr_t)moved[1]);
    moved[0] = _Pm_GetRefTotal() - before;
}

START_TEST(incref_moves_reftotal_by_one)
{
    grade_step(2);
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Pm_ssize_t before = _Pm_GetRefTotal();
    Pm_IncRef(op);
    ck_assert_msg(_Pm_GetRefTotal() == before + 1,
                  "the owner's Pm_IncRef should add 1 to _Pm_RefTotal (_Pm_INC_REFTOTAL()); "
                  "it moved by %zd",
                  _Pm_GetRefTotal() - before);
    Pm_ssize_t moved[2] = {0, (Pm_ssize_t)(intptr_t)op};
    run_on_thread(incref_moves_total, moved);
    ck_assert_msg(moved[0] == 1,
                  "another thread's Pm_IncRef should add 1 to _Pm_RefTotal too; it moved by %zd",
                  moved[0]);
}
END_TEST

typedef struct {
    PmObject *op;
    long rounds;
} Load;

static void many_increfs(int i, void *arg)
{
    Load *l = arg;
    (void)i;
    for (long r = 0; r < l->rounds; r++)
        Pm_IncRef(l->op);
}

START_TEST(increfs_from_many_threads_lose_nothing)
{
    grade_step(2);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Load l = {op, PM_ROUNDS(1000000)};
    run_threads(4, many_increfs, &l);
    Pm_ssize_t want = 4 * l.rounds, shared = raw_shared(op);
    /* What the fields say went wrong: the likeliest first. */
    const char *why =
        raw_local(op) != 1
            ? "threads that do not own the object changed ob_ref_local: the ownership test sent "
              "them down the owner's path (see _Pm_IsOwnedByCurrentThread)"
        : shared == want ? "each increment added 1 to ob_ref_shared, whose count sits above the "
                           "two state bits: add 1 << _Pm_REF_SHARED_SHIFT"
        : (shared >> _Pm_REF_SHARED_SHIFT) < want
            ? "increments were lost: two threads read the same value and wrote back the same "
              "sum; use _Pm_atomic_add_ssize"
        : (shared >> _Pm_REF_SHARED_SHIFT) > want
            ? "there are more increments than were made: add exactly 1 << "
              "_Pm_REF_SHARED_SHIFT, once per Pm_IncRef"
            : "the state bits changed: an increment adds to the count above them and leaves "
              "them as they were";
    ck_assert_msg(raw_local(op) == 1 && (shared >> _Pm_REF_SHARED_SHIFT) == want &&
                      (shared & _Pm_REF_SHARED_FLAG_MASK) == 0,
                  "4 threads made %ld Pm_IncRef each on an object they do not own: the shared "
                  "count should be %zd (ob_ref_shared = %zd << 2, state INIT) and the local one "
                  "1; it has %s.  So %s.",
                  l.rounds, want, want, FIELDS(op), why);
}
END_TEST

/* The owner counts while three other threads do: nothing may be lost on
 * either side, and the object stays alive throughout.  The test grades
 * Step 2, the increments: its decrements are drop_ref's. */
typedef struct {
    PmObject *op;
    long rounds;
    int errors;
} Mixed;

static void mixed_pairs(int i, void *arg)
{
    Mixed *m = arg;
    PmObject *op = m->op;
    if (i == 0) {
        /* thread 0 made the object: it is the owner */
        return;
    }
    for (long r = 0; r < m->rounds; r++) {
        Pm_IncRef(op);
        if (__atomic_load_n(&((ProbeObject *)op)->dead, __ATOMIC_RELAXED))
            __atomic_store_n(&m->errors, 1, __ATOMIC_RELAXED);
        drop_ref(op);
    }
}

static void owner_pairs(void *arg)
{
    Mixed *m = arg;
    for (long r = 0; r < m->rounds; r++) {
        Pm_IncRef(m->op);
        Pm_IncRef(m->op);
        drop_ref(m->op);
        drop_ref(m->op);
    }
}

typedef struct {
    Mixed *m;
    pthread_t others[3];
} OwnerRun;

static void *other_main(void *arg)
{
    thread_enter();
    mixed_pairs(1, arg);
    thread_leave();
    return NULL;
}

static void owner_and_others(void *arg)
{
    Mixed *m = arg;
    m->op = (PmObject *)probe_new(1);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, other_main, m);
    owner_pairs(m);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
}

START_TEST(owner_and_other_threads_count_at_once)
{
    grade_step(2);
    char fields[256];
    Mixed m = {NULL, PM_ROUNDS(1000000), 0};
    run_on_thread(owner_and_others, &m);
    PmObject *op = m.op;
    ck_assert_msg(m.errors == 0, "the object was deallocated while threads still held references");
    ck_assert_msg(probe_frees((ProbeObject *)op) == 0 && raw_count(op) == 1,
                  "the owner made %ld pairs of Pm_IncRef/Pm_DecRef while 3 other threads made "
                  "%ld pairs each: the object should be alive with count 1; it has %s and was "
                  "deallocated %d time(s)",
                  m.rounds, m.rounds, FIELDS(op), probe_frees((ProbeObject *)op));
    ck_assert_msg(raw_local(op) == 1,
                  "the owner's count should be back to 1 (it has %u): the owner's increments "
                  "and decrements go to ob_ref_local",
                  raw_local(op));
    drop_ref(op); /* the owner has exited: this thread merges it */
    ck_assert_msg(probe_frees((ProbeObject *)op) == 1,
                  "after its last reference was dropped the object should be deallocated "
                  "once; it was %d time(s) (%s)",
                  probe_frees((ProbeObject *)op), FIELDS(op));
}
END_TEST

/* ---- Step 3: Decrements on the owner ---- */

START_TEST(owner_decref_to_zero_deallocates_once)
{
    grade_step(3);
    ProbeObject *p = probe_new(1);
    Pm_IncRef((PmObject *)p);
    Pm_DecRef((PmObject *)p);
    ck_assert_msg(probe_frees(p) == 0, "the object still had a reference, but was deallocated");
    Pm_DecRef((PmObject *)p);
    ck_assert_msg(probe_frees(p) == 1,
                  "the owner dropped the last reference of an object nobody else counted: it "
                  "should be deallocated once, it was %d time(s)",
                  probe_frees(p));
}
END_TEST

START_TEST(owner_decref_keeps_an_object_others_reference)
{
    grade_step(3);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    run_on_thread(do_incref, op); /* another thread's reference: shared 1 */
    Pm_DecRef(op); /* the owner's: local 0 */
    ck_assert_msg(probe_frees(p) == 0,
                  "the owner dropped its last local reference, but another thread still holds "
                  "one: the object must stay alive (it was deallocated)");
    ck_assert_msg(raw_tid(op) == 0 && raw_local(op) == 0 &&
                      raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED),
                  "with its local count at 0 and a shared count of 1, the owner should give "
                  "up ownership (ob_tid 0) and mark the count MERGED: ob_ref_shared == (1 << 2) "
                  "| 3; it has %s",
                  FIELDS(op));
    run_on_thread(do_drop, op);
    ck_assert_msg(probe_frees(p) == 1,
                  "the last reference, dropped by another thread, should deallocate the merged "
                  "object once; it was deallocated %d time(s) (%s)",
                  probe_frees(p), FIELDS(op));
}
END_TEST

START_TEST(owner_decref_leaves_the_shared_count_alone)
{
    grade_step(3);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Pm_IncRef(op);
    run_on_thread(do_incref, op);
    Pm_DecRef(op);
    ck_assert_msg(raw_local(op) == 1 && raw_shared(op) == (1 << _Pm_REF_SHARED_SHIFT) &&
                      raw_tid(op) == _Pm_ThreadId(),
                  "the owner's Pm_DecRef from local 2 should only make it 1, still owned, "
                  "shared untouched; it has %s",
                  FIELDS(op));
}
END_TEST

START_TEST(owner_decref_merges_a_negative_shared_count)
{
    grade_step(3);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    /* local 3, shared -1 (queued): the true count is 2 */
    op->ob_ref_local = 3;
    op->ob_ref_shared = _Pm_REF_SHARED(-1, _Pm_REF_QUEUED);
    Pm_DecRef(op);
    Pm_DecRef(op);
    ck_assert_msg(probe_frees(p) == 0 && raw_local(op) == 1,
                  "two owner decrefs from local 3 "
                  "leave 1 and the object alive; it has %s",
                  FIELDS(op));
    Pm_DecRef(op);
    ck_assert_msg(probe_frees(p) == 0,
                  "local 0 with a shared count of -1 is a true count of -1: that is not a "
                  "deallocation (the queue holds the missing reference); the object was freed");
    ck_assert_msg(raw_tid(op) == 0 && raw_shared(op) == _Pm_REF_SHARED(-1, _Pm_REF_MERGED),
                  "the owner should give up ownership and mark the count MERGED, keeping "
                  "-1; it has %s",
                  FIELDS(op));
}
END_TEST

START_TEST(decref_leaves_immortal_objects_alone)
{
    grade_step(3);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    _Pm_SetImmortal(op);
    Pm_ssize_t total = _Pm_GetRefTotal();
    for (int i = 0; i < 3; i++) {
        Pm_IncRef(op);
        Pm_DecRef(op);
        Pm_DecRef(op);
    }
    run_on_thread(do_decref, op);
    run_on_thread(do_decref, op);
    ck_assert_msg(raw_local(op) == UINT32_MAX && raw_shared(op) == 0 && probe_frees(p) == 0,
                  "Pm_DecRef, from any thread, should leave an immortal object alone; it has %s "
                  "and was deallocated %d time(s)",
                  FIELDS(op), probe_frees(p));
    ck_assert_msg(_Pm_GetRefTotal() == total,
                  "references to an immortal object are not counted in _Pm_RefTotal (%zd), "
                  "it is now %zd",
                  total, _Pm_GetRefTotal());
}
END_TEST

START_TEST(decref_takes_one_from_reftotal)
{
    grade_step(3);
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    Pm_IncRef(op);
    Pm_ssize_t before = _Pm_GetRefTotal();
    Pm_DecRef(op);
    ck_assert_msg(_Pm_GetRefTotal() == before - 1,
                  "Pm_DecRef should take 1 from _Pm_RefTotal (_Pm_DEC_REFTOTAL()); it moved by "
                  "%zd",
                  _Pm_GetRefTotal() - before);
}
END_TEST

/* ---- Step 4: Decrements from other threads ---- */

START_TEST(shared_decref_subtracts_four)
{
    grade_step(4);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    run_on_thread(do_incref, op);
    run_on_thread(do_incref, op);
    run_on_thread(do_decref, op);
    ck_assert_msg(raw_shared(op) == (1 << _Pm_REF_SHARED_SHIFT) && raw_local(op) == 1,
                  "two shared Pm_IncRef and one shared Pm_DecRef leave ob_ref_shared at 1 << 2; "
                  "it has %s",
                  FIELDS(op));
}
END_TEST

START_TEST(shared_decref_of_a_queued_object_goes_negative)
{
    grade_step(4);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_ref_local = 3;
    op->ob_ref_shared = _Pm_REF_QUEUED;
    run_on_thread(do_decref, op);
    ck_assert_msg(probe_frees(p) == 0,
                  "a negative shared count is not a dead object: the owner still counts 3 "
                  "locally.  The object was deallocated");
    ck_assert_msg(raw_shared(op) == _Pm_REF_SHARED(-1, _Pm_REF_QUEUED) && raw_local(op) == 3 &&
                      raw_tid(op) == _Pm_ThreadId(),
                  "a shared Pm_DecRef on a QUEUED object with shared count 0 subtracts: the "
                  "count becomes -1, still QUEUED, still owned; it has %s",
                  FIELDS(op));
}
END_TEST

START_TEST(last_shared_decref_of_a_merged_object_frees_it)
{
    grade_step(4);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_tid = 0;
    op->ob_ref_local = 0;
    op->ob_ref_shared = _Pm_REF_SHARED(2, _Pm_REF_MERGED);
    Pm_DecRef(op);
    ck_assert_msg(probe_frees(p) == 0 && raw_shared(op) == _Pm_REF_SHARED(1, _Pm_REF_MERGED),
                  "a merged object with count 2 loses one: count 1, still MERGED, alive; it "
                  "has %s",
                  FIELDS(op));
    Pm_DecRef(op);
    ck_assert_msg(probe_frees(p) == 1,
                  "the decrement that leaves exactly MERGED (count 0) deallocates; the object "
                  "was deallocated %d time(s) (%s)",
                  probe_frees(p), FIELDS(op));
}
END_TEST

START_TEST(queued_object_at_zero_is_not_freed)
{
    grade_step(4);
    char fields[256];
    ProbeObject *p = probe_new(1);
    PmObject *op = (PmObject *)p;
    op->ob_ref_shared = _Pm_REF_SHARED(1, _Pm_REF_QUEUED);
    run_on_thread(do_decref, op);
    ck_assert_msg(probe_frees(p) == 0 && raw_shared(op) == _Pm_REF_QUEUED,
                  "shared count 0 in state QUEUED is not dead: only MERGED with count 0 is.  "
                  "Expected ob_ref_shared == QUEUED and the object alive; it has %s and was "
                  "deallocated %d time(s)",
                  FIELDS(op), probe_frees(p));
}
END_TEST

/* Three threads drop their references to merged objects, all at once:
 * each object must be deallocated exactly once, by whoever dropped last. */
typedef struct {
    ProbeObject **objs;
    long n;
    int errors;
} Batch;

static void drop_all(int i, void *arg)
{
    Batch *b = arg;
    (void)i;
    for (long k = 0; k < b->n; k++) {
        ProbeObject *p = b->objs[k];
        if (__atomic_load_n(&p->value, __ATOMIC_RELAXED) != 1000 + p->id || probe_dead(p))
            __atomic_store_n(&b->errors, 1, __ATOMIC_RELAXED);
        Pm_DecRef((PmObject *)p);
    }
}

START_TEST(merged_objects_dropped_by_three_threads_die_once)
{
    grade_step(4);
    char fields[256];
    long n = PM_ROUNDS(200000);
    ProbeObject **objs = calloc((size_t)n, sizeof *objs);
    ck_assert_msg(objs != NULL, "out of memory");
    for (long k = 0; k < n; k++) {
        objs[k] = probe_new((int)(k % 1000));
        objs[k]->value = 1000 + objs[k]->id;
        /* three references, merged (as _Pm_ExplicitMergeRefcount leaves them) */
        PmObject *op = (PmObject *)objs[k];
        op->ob_tid = 0;
        op->ob_ref_local = 0;
        op->ob_ref_shared = _Pm_REF_SHARED(3, _Pm_REF_MERGED);
    }
    Batch b = {objs, n, 0};
    run_threads(3, drop_all, &b);
    ck_assert_msg(b.errors == 0, "a thread found an object dead while it still held a reference");
    for (long k = 0; k < n; k++)
        if (probe_frees(objs[k]) != 1)
            ck_abort_msg("object %ld of %ld, dropped by 3 threads at once, was deallocated %d "
                         "time(s), not once (%s)",
                         k, n, probe_frees(objs[k]), FIELDS(objs[k]));
    free(objs);
}
END_TEST

void register_counting(PmSuite *s)
{
    PM_ADD(s, thread_id_is_stable_and_not_zero, 2, STEP1,
           "_Pm_ThreadId is the same on every call, and never 0",
           "Return the address of a _Thread_local variable.", SECTION1);
    PM_ADD(s, thread_ids_differ_between_threads, 2, STEP1, "Two threads never share an id",
           "A static or global variable has one address for every thread; a _Thread_local "
           "one has one per thread.",
           SECTION1);
    PM_ADD(s, new_object_is_owned_by_its_creator, 3, STEP1,
           "A new object belongs to the thread that made it",
           "_Pm_NewReferenceNoTotal sets ob_tid to _Pm_ThreadId(), ob_ref_local to 1 and "
           "ob_ref_shared to 0, with the relaxed store wrappers.",
           SECTION1);
    PM_ADD(s, object_made_by_another_thread_is_not_owned_here, 2, STEP1,
           "Only the creating thread owns an object",
           "_Pm_IsOwnedByCurrentThread compares ob_tid (relaxed load) with _Pm_ThreadId().",
           SECTION1);
    PM_ADD(s, true_count_adds_local_and_shifted_shared, 3, STEP1,
           "The true count is local plus shared shifted right by 2",
           "Shift the signed ob_ref_shared right by _Pm_REF_SHARED_SHIFT: the low two bits "
           "are a state, and the count may be negative.",
           SECTION1);
    PM_ADD(s, true_count_of_an_immortal_is_uint32_max, 1, STEP1,
           "An immortal object's count reads as UINT32_MAX",
           "Test ob_ref_local == UINT32_MAX first.", SECTION1);
    PM_ADD(
        s, owner_incref_counts_locally, 2, STEP2, "The owner's Pm_IncRef adds to ob_ref_local only",
        "If _Pm_IsOwnedByCurrentThread, load ob_ref_local and store it + 1 (relaxed).", SECTION2);
    PM_ADD(s, other_thread_incref_counts_in_shared, 2, STEP2,
           "Another thread's Pm_IncRef adds 1 << 2 to ob_ref_shared",
           "_Pm_atomic_add_ssize(&op->ob_ref_shared, 1 << _Pm_REF_SHARED_SHIFT).", SECTION2);
    PM_ADD(s, immortal_objects_are_never_counted, 2, STEP2,
           "Immortal objects: Pm_IncRef counts nothing, from any thread",
           "Test ob_ref_local == UINT32_MAX before anything else in Pm_IncRef.", SECTION2);
    PM_ADD(s, set_immortal_gives_up_the_owner, 1, STEP2,
           "_Pm_SetImmortal: unowned, local UINT32_MAX, shared 0",
           "Store all three fields with the relaxed wrappers.", SECTION2);
    PM_ADD(s, incref_moves_reftotal_by_one, 1, STEP2,
           "Pm_IncRef adds one to _Pm_RefTotal, from any thread",
           "Call _Pm_INC_REFTOTAL() on both paths, not for immortals.", SECTION2);
    PM_ADD(s, increfs_from_many_threads_lose_nothing, 3, STEP2,
           "4 threads x 1,000,000 shared increments: none lost",
           "A plain += on ob_ref_shared is a load and a store: two threads can both load the "
           "same value.  Use _Pm_atomic_add_ssize.",
           SECTION2);
    PM_ADD(s, owner_and_other_threads_count_at_once, 4, STEP2,
           "The owner and 3 other threads count at once: every count exact",
           "The owner writes only ob_ref_local, the others only ob_ref_shared; each through "
           "its wrapper.",
           SECTION2);
    PM_ADD(s, owner_decref_to_zero_deallocates_once, 2, STEP3,
           "The owner's last reference, nothing shared: deallocated once",
           "At local 0 call _Pm_MergeZeroLocalRefcount; with ob_ref_shared 0 it calls "
           "_Pm_Dealloc.",
           SECTION3);
    PM_ADD(s, owner_decref_keeps_an_object_others_reference, 3, STEP3,
           "Local count 0 but shared references: unowned, MERGED, alive",
           "Store ob_tid = 0, then CAS the state bits to _Pm_REF_MERGED; deallocate only if "
           "the result is exactly _Pm_REF_MERGED.",
           SECTION3);
    PM_ADD(s, owner_decref_leaves_the_shared_count_alone, 2, STEP3,
           "The owner's Pm_DecRef touches only ob_ref_local",
           "Relaxed load, relaxed store of local - 1.", SECTION3);
    PM_ADD(s, owner_decref_merges_a_negative_shared_count, 2, STEP3,
           "A negative shared count is merged, not freed",
           "Keep the count bits when you set the state: (shared & ~3) | _Pm_REF_MERGED.", SECTION3);
    PM_ADD(s, decref_leaves_immortal_objects_alone, 1, STEP3,
           "Immortal objects: Pm_DecRef changes nothing, from any thread",
           "Test ob_ref_local == UINT32_MAX before anything else in Pm_DecRef, before the "
           "ownership test.",
           SECTION3);
    PM_ADD(s, decref_takes_one_from_reftotal, 1, STEP3, "Pm_DecRef takes one from _Pm_RefTotal",
           "Call _Pm_DEC_REFTOTAL() once per decrement, on both paths, not for immortals.",
           SECTION3);
    PM_ADD(s, shared_decref_subtracts_four, 2, STEP4, "Another thread's Pm_DecRef subtracts 1 << 2",
           "_Pm_DecRefShared: a CAS loop that stores shared - (1 << 2).", SECTION4);
    PM_ADD(s, shared_decref_of_a_queued_object_goes_negative, 3, STEP4,
           "The shared count may go negative, and that is not death",
           "Only 0 and MAYBE_WEAKREF are queued; anything else is decremented, even below "
           "zero; only exactly MERGED deallocates.",
           SECTION4);
    PM_ADD(s, last_shared_decref_of_a_merged_object_frees_it, 2, STEP4,
           "Merged, count 1, one more decrement: deallocated once",
           "After the CAS, if the value you stored is exactly _Pm_REF_MERGED, _Pm_Dealloc.",
           SECTION4);
    PM_ADD(s, queued_object_at_zero_is_not_freed, 2, STEP4, "QUEUED with count 0 is not dead",
           "Compare the whole new value with _Pm_REF_MERGED, not the count with 0.", SECTION4);
    PM_ADD(s, merged_objects_dropped_by_three_threads_die_once, 4, STEP4,
           "200,000 merged objects dropped by 3 threads at once: each freed once",
           "When the CAS fails it has loaded the current value into `shared`: compute the new "
           "value from that, inside the loop.",
           SECTION4);
}
