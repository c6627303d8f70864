#ifndef PM_SKELETON
/* biased.c - chapter 5, the reference solution: biased reference counting.
 * The thread that creates an object owns it and counts in ob_ref_local
 * without atomic read-modify-write; every other thread counts atomically in
 * ob_ref_shared; when the two must be reconciled, the counts are merged and
 * the object stops being owned.  CPython: Include/refcount.h,
 * Objects/object.c, Python/brc.c (3.13+, built with --disable-gil).
 */
#else /* PM_SKELETON */
/* biased.c - chapter 5, your layer: biased reference counting, the counting
 * of CPython's free-threaded build.  The thread that creates an object owns
 * it and counts in ob_ref_local without atomic read-modify-write; every
 * other thread counts atomically in ob_ref_shared; when the two must be
 * reconciled, the counts are merged and the object stops being owned.
 *
 * This is the only file you edit.  It is built with -DPm_GIL_DISABLED, the
 * free-threaded object header (include/pm_biased.h is your contract: read
 * it first).  Every function below is called by the runtime or the grader;
 * until you write it, it stops the test that reached it and names the step
 * of chapters/05-biased.md to read.  Work through the steps in order:
 * `make grade CH=05` shows which tests each step turns green.
 *
 * One rule for the whole file: read and write ob_tid, ob_ref_local and
 * ob_ref_shared only through the _Pm_atomic_* wrappers of pm_biased.h.
 * The grader's explorer switches threads at those calls to try every
 * interleaving, and ThreadSanitizer reports a plain access that races.
 */
#endif /* PM_SKELETON */
#include "pmlab.h"

#ifndef Pm_GIL_DISABLED
#error \
    "chapter 5 is the free-threaded build: compile with -DPm_GIL_DISABLED (make grade CH=05 does)"
#endif

/* ---- Step 1: Owner and count (CPython: Include/object.h, refcount.h) ---- */

#ifndef PM_SKELETON
/* The address of a thread-local variable: unique among running threads, and
 * the same every time one thread asks.  CPython reads the thread pointer
 * register (%fs:0 on x86-64 Linux), which is the same idea in one instruction. */
static _Thread_local char thread_marker;

uintptr_t _Pm_ThreadId(void)
{
    return (uintptr_t)&thread_marker;
#else /* PM_SKELETON */
/* Return a number unique to the calling thread among the running threads,
 * the same on every call from that thread, and never 0 (0 means "unowned").
 *
 * CPython: _Py_ThreadId, which reads the thread pointer register: an address
 * unique to the thread.  Portable C11 gets the same from the address of a
 * _Thread_local variable.  Pitfall: this runs on every Pm_IncRef, so it must
 * cost no more than a load: gettid(), a system call, is too slow for the tests. */
uintptr_t _Pm_ThreadId(void)
{
    /* TODO: chapters/05-biased.md, Step 1 */
    _Pm_Unimplemented("_Pm_ThreadId", "chapters/05-biased.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
int _Pm_IsOwnedByCurrentThread(PmObject *op)
{
    return _Pm_atomic_load_uintptr_relaxed(&op->ob_tid) == _Pm_ThreadId();
#else /* PM_SKELETON */
/* Return 1 if the calling thread owns op: ob_tid, read with
 * _Pm_atomic_load_uintptr_relaxed, equals _Pm_ThreadId().
 *
 * CPython: _Py_IsOwnedByCurrentThread.  Pitfall: another thread may be
 * clearing ob_tid as you read it; a plain read is a data race. */
int _Pm_IsOwnedByCurrentThread(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("_Pm_IsOwnedByCurrentThread", "chapters/05-biased.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Either half alone means nothing: the shared half may be negative while
 * the local half holds the references it is missing. */
Pm_ssize_t _Pm_REFCNT(PmObject *op)
{
    uint32_t local = _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    if (local == _Pm_IMMORTAL_REFCNT_LOCAL) {
        return (Pm_ssize_t)_Pm_IMMORTAL_REFCNT_LOCAL;
    }
    Pm_ssize_t shared = _Pm_atomic_load_ssize_relaxed(&op->ob_ref_shared);
    return (Pm_ssize_t)local + (shared >> _Pm_REF_SHARED_SHIFT);
#else /* PM_SKELETON */
/* Return the true count: ob_ref_local + (ob_ref_shared >> 2), both read
 * with relaxed loads.  For an immortal object (ob_ref_local == UINT32_MAX)
 * return UINT32_MAX.
 *
 * CPython: _Py_REFCNT (Py_REFCNT).  Pitfall: the shared half can be
 * negative (its flags in the low two bits): shift the signed value, do not
 * mask it as unsigned. */
Pm_ssize_t _Pm_REFCNT(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("_Pm_REFCNT", "chapters/05-biased.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* A new object belongs to the thread that made it: its one reference is
 * local, nothing is shared (CPython's new_reference). */
void _Pm_NewReferenceNoTotal(PmObject *op)
{
    op->ob_flags = 0;
    op->ob_mutex = 0;
    op->ob_gc_bits = 0;
    _Pm_atomic_store_uintptr_relaxed(&op->ob_tid, _Pm_ThreadId());
    _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, 1);
    _Pm_atomic_store_ssize_relaxed(&op->ob_ref_shared, 0);
#else /* PM_SKELETON */
/* A new object: the calling thread owns it (ob_tid = _Pm_ThreadId()), its
 * one reference is local (ob_ref_local = 1), nothing is shared
 * (ob_ref_shared = 0), and ob_flags, ob_mutex, ob_gc_bits are 0.  The runtime
 * calls this from _Pm_NewReference for every object it creates, from
 * start-up on: every test needs it, so write it first (with _Pm_ThreadId).
 *
 * CPython: new_reference in Objects/object.c.  Use the relaxed store
 * wrappers for the three counting fields. */
void _Pm_NewReferenceNoTotal(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("_Pm_NewReferenceNoTotal", "chapters/05-biased.md, Step 1");
#endif /* PM_SKELETON */
}

/* ---- Step 2: Increments (CPython: Py_INCREF, _Py_IsImmortal) ---- */

#ifndef PM_SKELETON
int _Pm_IsImmortal(PmObject *op)
{
    return _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local) == _Pm_IMMORTAL_REFCNT_LOCAL;
#else /* PM_SKELETON */
/* Return 1 if op is immortal: ob_ref_local == UINT32_MAX (relaxed load).
 *
 * CPython: _Py_IsImmortal in the free-threaded build.  Pitfall: the default
 * build's test (the sign of the low 32 bits) is on a field this header does
 * not have; here immortality lives in ob_ref_local alone. */
int _Pm_IsImmortal(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("_Pm_IsImmortal", "chapters/05-biased.md, Step 2");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Unowned, with a local count no thread ever changes (CPython's
 * _Py_SetImmortalUntracked). */
void _Pm_SetImmortal(PmObject *op)
{
    _Pm_atomic_store_uintptr_relaxed(&op->ob_tid, _Pm_UNOWNED_TID);
    _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, _Pm_IMMORTAL_REFCNT_LOCAL);
    _Pm_atomic_store_ssize_relaxed(&op->ob_ref_shared, 0);
#else /* PM_SKELETON */
/* Make op immortal: unowned (ob_tid = 0), ob_ref_local = UINT32_MAX,
 * ob_ref_shared = 0.
 *
 * CPython: _Py_SetImmortalUntracked. */
void _Pm_SetImmortal(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("_Pm_SetImmortal", "chapters/05-biased.md, Step 2");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* CPython's Py_INCREF and Py_DECREF are inlined into every caller; these
 * are functions, so the compiler is told which path is the common one (the
 * owner's, not immortal) and lays it out straight, with no taken branch:
 * on x86-64 that halves what the owner's path costs over the plain count
 * (make bench). */
void Pm_IncRef(PmObject *op)
{
    uint32_t local = _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    uint32_t new_local = local + 1;
    if (__builtin_expect(new_local == 0, 0)) {
        return; /* local was UINT32_MAX: immortal */
    }
    if (__builtin_expect(_Pm_IsOwnedByCurrentThread(op), 1)) {
        /* Only the owner writes ob_ref_local, so load + store cannot lose
         * an update; the store is atomic only so that other threads may
         * read the field (the immortal test) without a data race. */
        _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, new_local);
    } else {
        _Pm_atomic_add_ssize(&op->ob_ref_shared, 1 << _Pm_REF_SHARED_SHIFT);
    }
    _Pm_INC_REFTOTAL();
#else /* PM_SKELETON */
/* Add one strong reference, and one to _Pm_RefTotal (_Pm_INC_REFTOTAL()),
 * except for immortal objects, which nothing changes.
 *   - the owner: load ob_ref_local (relaxed) and store it + 1 (relaxed):
 *     no atomic read-modify-write, because no other thread writes it;
 *   - any other thread: _Pm_atomic_add_ssize(&op->ob_ref_shared, 1 << 2).
 *
 * CPython: Py_INCREF in Include/refcount.h.  Pitfall: the shared count is
 * shifted by _Pm_REF_SHARED_SHIFT; adding 1 would change its state bits. */
void Pm_IncRef(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("Pm_IncRef", "chapters/05-biased.md, Step 2");
#endif /* PM_SKELETON */
}

/* ---- Step 3: Decrements on the owner (Py_DECREF, _Py_MergeZeroLocalRefcount) ---- */

#ifndef PM_SKELETON
void Pm_DecRef(PmObject *op)
{
    uint32_t local = _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    if (__builtin_expect(local == _Pm_IMMORTAL_REFCNT_LOCAL, 0)) {
        return;
    }
    _Pm_DEC_REFTOTAL();
    if (__builtin_expect(_Pm_IsOwnedByCurrentThread(op), 1)) {
        if (local == 0) {
            /* An owner never counts below 0: at 0 it gives up ownership.
             * (A debugging check; CPython's Py_DECREF has none here.) */
            _Pm_NegativeRefcount(op);
        }
        local--;
        _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, local);
        if (local == 0) {
            _Pm_MergeZeroLocalRefcount(op);
        }
    } else {
        _Pm_DecRefShared(op);
    }
#else /* PM_SKELETON */
/* Drop one strong reference, and one from _Pm_RefTotal
 * (_Pm_DEC_REFTOTAL()); immortal objects are left alone.
 *   - the owner: store ob_ref_local - 1 (relaxed); at 0, call
 *     _Pm_MergeZeroLocalRefcount(op);
 *   - any other thread: _Pm_DecRefShared(op) (Step 4).
 *
 * CPython: Py_DECREF in Include/refcount.h.  Pitfall: once you call
 * _Pm_MergeZeroLocalRefcount or _Pm_DecRefShared, op may be freed: do not
 * read it again. */
void Pm_DecRef(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 3 */
    (void)op;
    _Pm_Unimplemented("Pm_DecRef", "chapters/05-biased.md, Step 3");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void _Pm_MergeZeroLocalRefcount(PmObject *op)
{
    /* Acquire: if other threads dropped their references, their last uses
     * of the object happen before what we do next (maybe free it). */
    Pm_ssize_t shared = _Pm_atomic_load_ssize_acquire(&op->ob_ref_shared);
    if (shared == 0) {
        _Pm_Dealloc(op); /* nobody else ever counted it */
        return;
    }
    /* Give up ownership first: once the state says MERGED, another thread
     * may free the object, and must never find it still owned (gh-121794:
     * ob_tid == 0 implies the counts are merged). */
    _Pm_atomic_store_uintptr_relaxed(&op->ob_tid, _Pm_UNOWNED_TID);
    Pm_ssize_t new_shared;
    do {
        new_shared = (shared & ~(Pm_ssize_t)_Pm_REF_SHARED_FLAG_MASK) | _Pm_REF_MERGED;
    } while (!_Pm_atomic_compare_exchange_ssize(&op->ob_ref_shared, &shared, new_shared));
    /* After this, the shared field is the whole count: the local one is 0. */
    if (new_shared == _Pm_REF_MERGED) {
        _Pm_Dealloc(op);
    }
#else /* PM_SKELETON */
/* The owner's local count just reached 0.  Load ob_ref_shared with
 * _Pm_atomic_load_ssize_acquire.  If it is 0 (no count, no state),
 * nobody else holds a reference: _Pm_Dealloc(op).  Otherwise give up
 * ownership: store ob_tid = 0 (relaxed) *first*, then, in a CAS loop, set
 * the state bits to _Pm_REF_MERGED keeping the count.  If the value you
 * stored is exactly _Pm_REF_MERGED (count 0), _Pm_Dealloc(op).
 *
 * CPython: _Py_MergeZeroLocalRefcount in Objects/object.c.  Pitfalls: once
 * the state says MERGED another thread may free op, so ob_tid must already
 * be 0; and a CAS that fails has reloaded `shared` for you: recompute from
 * it, do not retry with the old value. */
void _Pm_MergeZeroLocalRefcount(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 3 */
    (void)op;
    _Pm_Unimplemented("_Pm_MergeZeroLocalRefcount", "chapters/05-biased.md, Step 3");
#endif /* PM_SKELETON */
}

/* ---- Step 4: Decrements from other threads (_Py_DecRefShared) ---- */

#ifndef PM_SKELETON
void _Pm_DecRefShared(PmObject *op)
{
    int should_queue;
    Pm_ssize_t new_shared;
    Pm_ssize_t shared = _Pm_atomic_load_ssize_relaxed(&op->ob_ref_shared);
    do {
        /* Shared count 0, not queued, not merged: this reference was
         * counted locally by the owner.  Do not subtract; hand it to the
         * owner's queue, which merges and subtracts it there. */
        should_queue = (shared == 0 || shared == _Pm_REF_MAYBE_WEAKREF);
        if (should_queue) {
            new_shared = _Pm_REF_QUEUED;
        } else {
            new_shared = shared - (1 << _Pm_REF_SHARED_SHIFT); /* may go negative */
        }
    } while (!_Pm_atomic_compare_exchange_ssize(&op->ob_ref_shared, &shared, new_shared));

    if (should_queue) {
        _Pm_brc_queue_object(op);
    } else if (new_shared == _Pm_REF_MERGED) {
        _Pm_Dealloc(op); /* merged and zero: we dropped the last reference */
    }
#else /* PM_SKELETON */
/* A thread that does not own op drops a reference.  Load ob_ref_shared
 * (relaxed), then loop on _Pm_atomic_compare_exchange_ssize:
 *   - if it is exactly 0 or _Pm_REF_MAYBE_WEAKREF (count 0, neither queued
 *     nor merged), the reference you drop was counted by the owner: store
 *     _Pm_REF_QUEUED *without* subtracting; after the loop, hand the object
 *     (and that reference) to _Pm_brc_queue_object(op);
 *   - otherwise subtract 1 << 2; the count may go negative, that is fine;
 *     after the loop, if the new value is exactly _Pm_REF_MERGED (merged,
 *     count 0), _Pm_Dealloc(op).
 *
 * CPython: _Py_DecRefShared (_Py_DecRefSharedIsDead) in Objects/object.c.
 * Pitfall: a negative count is not dead: only MERGED with count 0 is.
 * The queueing branch needs _Pm_brc_queue_object, which you write in
 * Step 5: the two tests of that branch are graded there. */
void _Pm_DecRefShared(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 4 */
    (void)op;
    _Pm_Unimplemented("_Pm_DecRefShared", "chapters/05-biased.md, Step 4");
#endif /* PM_SKELETON */
}

/* ---- Step 5: The merge queue (Python/brc.c) ---- */

#ifndef PM_SKELETON
Pm_ssize_t _Pm_ExplicitMergeRefcount(PmObject *op, Pm_ssize_t extra)
{
    /* The local count is read and cleared before the CAS that publishes the
     * merged count (gh-119999): after the CAS, another thread may free op. */
    Pm_ssize_t local = (Pm_ssize_t)_Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, 0);
    _Pm_atomic_store_uintptr_relaxed(&op->ob_tid, _Pm_UNOWNED_TID);

    Pm_ssize_t refcnt, new_shared;
    Pm_ssize_t shared = _Pm_atomic_load_ssize_relaxed(&op->ob_ref_shared);
    do {
        refcnt = (shared >> _Pm_REF_SHARED_SHIFT) + local + extra;
        new_shared = _Pm_REF_SHARED(refcnt, _Pm_REF_MERGED);
    } while (!_Pm_atomic_compare_exchange_ssize(&op->ob_ref_shared, &shared, new_shared));
    return refcnt;
#else /* PM_SKELETON */
/* Merge op's two counts into one.  Read ob_ref_local, then store 0 into
 * ob_ref_local and ob_tid (relaxed), then CAS ob_ref_shared to
 * _Pm_REF_SHARED(local + (shared >> 2) + extra, _Pm_REF_MERGED).  Return
 * that merged count (local + shared + extra).
 *
 * CPython: _Py_ExplicitMergeRefcount in Objects/object.c.  Pitfall: clear
 * the local fields before the CAS: after it, another thread may free op. */
Pm_ssize_t _Pm_ExplicitMergeRefcount(PmObject *op, Pm_ssize_t extra)
{
    /* TODO: chapters/05-biased.md, Step 5 */
    (void)op;
    (void)extra;
    _Pm_Unimplemented("_Pm_ExplicitMergeRefcount", "chapters/05-biased.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
static struct _Pm_brc_bucket *get_bucket(uintptr_t tid)
{
    return &_Pm_brc.table[tid % _Pm_BRC_NUM_BUCKETS];
#else /* PM_SKELETON */
/* Hand op to its owner to merge; you own one reference to it (the one
 * _Pm_DecRefShared did not subtract), and give it away here.
 *   1. tid = _Pm_atomic_load_uintptr(&op->ob_tid).  If 0, the owner merged
 *      meanwhile: just Pm_DecRef(op) and return.
 *   2. Lock the bucket _Pm_brc.table[tid % _Pm_BRC_NUM_BUCKETS] and look
 *      for the thread state with that tid in its list.
 *   3. None: the owner has exited.  Merge now with extra = -1 (the
 *      reference you hold), unlock, and if the result is 0, _Pm_Dealloc(op).
 *   4. Found: _PmObjectStack_Push onto its objects_to_merge, call
 *      _Pm_set_eval_breaker_bit on it, unlock.  If the push fails (-1, no
 *      memory), unlock and Pm_FatalError: CPython stops every thread there
 *      and merges at once, which this runtime cannot do to the owner.
 *
 * CPython: _Py_brc_queue_object.  Pitfall: never deallocate while holding
 * the bucket lock: a deallocator may release other objects and queue them
 * to the same bucket. */
void _Pm_brc_queue_object(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 5 */
    (void)op;
    _Pm_Unimplemented("_Pm_brc_queue_object", "chapters/05-biased.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Call with the bucket's lock held. */
static struct _Pm_brc_thread_state *find_thread_state(struct _Pm_brc_bucket *bucket, uintptr_t tid)
{
    for (struct _Pm_brc_thread_state *ts = bucket->head; ts != NULL; ts = ts->bucket_next) {
        if (ts->tid == tid) {
            return ts;
        }
    }
    return NULL;
}

void _Pm_brc_queue_object(PmObject *op)
{
    uintptr_t tid = _Pm_atomic_load_uintptr(&op->ob_tid);
    if (tid == _Pm_UNOWNED_TID) {
        /* The owner merged meanwhile: the reference we hold is now an
         * ordinary shared one. */
        Pm_DecRef(op);
        return;
    }
    struct _Pm_brc_bucket *bucket = get_bucket(tid);
    PmMutex_Lock(&bucket->mutex);
    struct _Pm_brc_thread_state *owner = find_thread_state(bucket, tid);
    if (owner == NULL) {
        /* The owner has exited: nobody else will merge, so we do, taking
         * back the reference the queue would have held. */
        Pm_ssize_t refcnt = _Pm_ExplicitMergeRefcount(op, -1);
        PmMutex_Unlock(&bucket->mutex);
        if (refcnt == 0) {
            _Pm_Dealloc(op); /* outside the lock: a deallocator may queue */
        }
        return;
    }
    if (_PmObjectStack_Push(&owner->objects_to_merge, op) < 0) {
        /* No memory for the queue.  CPython stops the world here and
         * merges; we cannot stop the owner, so we die loudly. */
        PmMutex_Unlock(&bucket->mutex);
        Pm_FatalError("_Pm_brc_queue_object: out of memory for the merge queue");
    }
    _Pm_set_eval_breaker_bit(owner);
    PmMutex_Unlock(&bucket->mutex);
}

/* Merge and release every object of the stack; may deallocate. */
static void merge_queued_objects(_PmObjectStack *to_merge)
{
    PmObject *op;
    while ((op = _PmObjectStack_Pop(to_merge)) != NULL) {
        /* -1: the queue's reference, which _Pm_DecRefShared did not subtract. */
        if (_Pm_ExplicitMergeRefcount(op, -1) == 0) {
            _Pm_Dealloc(op);
        }
    }
}

void _Pm_brc_merge_refcounts(void)
{
    struct _Pm_brc_thread_state *brc = _Pm_brc_thread_state_get();
    struct _Pm_brc_bucket *bucket = get_bucket(brc->tid);
    PmMutex_Lock(&bucket->mutex);
    _PmObjectStack_Merge(&brc->local_objects_to_merge, &brc->objects_to_merge);
    PmMutex_Unlock(&bucket->mutex);
    merge_queued_objects(&brc->local_objects_to_merge);
#else /* PM_SKELETON */
/* The calling thread (an owner, at a safe point) merges what others queued
 * to it.  Its state is _Pm_brc_thread_state_get().  Under its bucket's
 * lock, move objects_to_merge into local_objects_to_merge
 * (_PmObjectStack_Merge); unlock; then pop each object, merge it with
 * extra = -1 (the queue's reference), and _Pm_Dealloc it if that gives 0.
 *
 * CPython: _Py_brc_merge_refcounts.  Pitfall: merging may free objects,
 * and freeing runs deallocators: do it outside the lock. */
void _Pm_brc_merge_refcounts(void)
{
    /* TODO: chapters/05-biased.md, Step 5 */
    _Pm_Unimplemented("_Pm_brc_merge_refcounts", "chapters/05-biased.md, Step 5");
#endif /* PM_SKELETON */
}

/* ---- Step 6: Threads come and go (_Py_brc_init_thread, _Py_brc_remove_thread) ---- */

#ifndef PM_SKELETON
void _Pm_brc_init_thread(void)
{
    struct _Pm_brc_thread_state *brc = _Pm_brc_thread_state_get();
    uintptr_t tid = _Pm_ThreadId();
    struct _Pm_brc_bucket *bucket = get_bucket(tid);
    PmMutex_Lock(&bucket->mutex);
    brc->tid = tid;
    brc->bucket_next = bucket->head;
    bucket->head = brc;
    PmMutex_Unlock(&bucket->mutex);
#else /* PM_SKELETON */
/* Register the calling thread: set its state's tid to _Pm_ThreadId() and
 * link the state into its bucket's list, under the bucket's lock.
 *
 * CPython: _Py_brc_init_thread. */
void _Pm_brc_init_thread(void)
{
    /* TODO: chapters/05-biased.md, Step 6 */
    _Pm_Unimplemented("_Pm_brc_init_thread", "chapters/05-biased.md, Step 6");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void _Pm_brc_remove_thread(void)
{
    struct _Pm_brc_thread_state *brc = _Pm_brc_thread_state_get();
    if (brc->tid == 0) {
        return; /* never registered */
    }
    struct _Pm_brc_bucket *bucket = get_bucket(brc->tid);
    /* Merging may deallocate, and a deallocator may queue more objects to
     * us, so drain until the queue is empty *and* we leave the table in the
     * same critical section: nothing can be queued to us after that. */
    for (;;) {
        merge_queued_objects(&brc->local_objects_to_merge);
        PmMutex_Lock(&bucket->mutex);
        if (brc->objects_to_merge.head == NULL) {
            struct _Pm_brc_thread_state **link = &bucket->head;
            while (*link != brc) {
                link = &(*link)->bucket_next;
            }
            *link = brc->bucket_next;
            PmMutex_Unlock(&bucket->mutex);
            break;
        }
        _PmObjectStack_Merge(&brc->local_objects_to_merge, &brc->objects_to_merge);
        PmMutex_Unlock(&bucket->mutex);
    }
    /* After this, our objects are abandoned: whoever queues one merges it. */
    brc->tid = 0;
    brc->bucket_next = NULL;
#else /* PM_SKELETON */
/* The calling thread is leaving (a thread that never registered has tid 0:
 * return).  Merge everything queued to it, then, under the bucket lock,
 * look again: if objects_to_merge is empty, unlink the state from the
 * bucket in that same critical section and stop; if not, move them to
 * local_objects_to_merge, unlock, merge them, and look again.  Finally set
 * tid to 0.
 *
 * CPython: _Py_brc_remove_thread.  Pitfall: between "the queue is empty"
 * and "I am unlinked" another thread may queue an object to you, unless
 * both happen under the lock: then nobody ever merges it. */
void _Pm_brc_remove_thread(void)
{
    /* TODO: chapters/05-biased.md, Step 6 */
    _Pm_Unimplemented("_Pm_brc_remove_thread", "chapters/05-biased.md, Step 6");
#endif /* PM_SKELETON */
}
