/* biased.c - chapter 5, the reference solution: biased reference counting.
 * The thread that creates an object owns it and counts in ob_ref_local
 * without atomic read-modify-write; every other thread counts atomically in
 * ob_ref_shared; when the two must be reconciled, the counts are merged and
 * the object stops being owned.  CPython: Include/refcount.h,
 * Objects/object.c, Python/brc.c (3.13+, built with --disable-gil).
 */
#include "pmlab.h"

#ifndef Pm_GIL_DISABLED
#error "chapter 5 is the free-threaded build: compile with -DPm_GIL_DISABLED (make grade CH=05 does)"
#endif

/* ---- Step 1: Owner and count (CPython: Include/object.h, refcount.h) ---- */

/* The address of a thread-local variable: unique among running threads, and
 * the same every time one thread asks.  CPython reads the thread pointer
 * register (%fs:0 on x86-64 Linux), which is the same idea in one instruction. */
static _Thread_local char thread_marker;

uintptr_t _Pm_ThreadId(void)
{
    return (uintptr_t)&thread_marker;
}

int _Pm_IsOwnedByCurrentThread(PmObject *op)
{
    return _Pm_atomic_load_uintptr_relaxed(&op->ob_tid) == _Pm_ThreadId();
}

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
}

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
}

/* ---- Step 2: Increments (CPython: Py_INCREF, _Py_IsImmortal) ---- */

int _Pm_IsImmortal(PmObject *op)
{
    return _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local) == _Pm_IMMORTAL_REFCNT_LOCAL;
}

/* Unowned, with a local count no thread ever changes (CPython's
 * _Py_SetImmortalUntracked). */
void _Pm_SetImmortal(PmObject *op)
{
    _Pm_atomic_store_uintptr_relaxed(&op->ob_tid, _Pm_UNOWNED_TID);
    _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, _Pm_IMMORTAL_REFCNT_LOCAL);
    _Pm_atomic_store_ssize_relaxed(&op->ob_ref_shared, 0);
}

void Pm_IncRef(PmObject *op)
{
    uint32_t local = _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    uint32_t new_local = local + 1;
    if (new_local == 0) {
        return; /* local was UINT32_MAX: immortal */
    }
    if (_Pm_IsOwnedByCurrentThread(op)) {
        /* Only the owner writes ob_ref_local, so load + store cannot lose
         * an update; the store is atomic only so that other threads may
         * read the field (the immortal test) without a data race. */
        _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, new_local);
    }
    else {
        _Pm_atomic_add_ssize(&op->ob_ref_shared, 1 << _Pm_REF_SHARED_SHIFT);
    }
    _Pm_INC_REFTOTAL();
}

/* ---- Step 3: Decrements on the owner (Py_DECREF, _Py_MergeZeroLocalRefcount) ---- */

void Pm_DecRef(PmObject *op)
{
    uint32_t local = _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    if (local == _Pm_IMMORTAL_REFCNT_LOCAL) {
        return;
    }
    _Pm_DEC_REFTOTAL();
    if (_Pm_IsOwnedByCurrentThread(op)) {
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
    }
    else {
        _Pm_DecRefShared(op);
    }
}

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
}

/* ---- Step 4: Decrements from other threads (_Py_DecRefShared) ---- */

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
        }
        else {
            new_shared = shared - (1 << _Pm_REF_SHARED_SHIFT); /* may go negative */
        }
    } while (!_Pm_atomic_compare_exchange_ssize(&op->ob_ref_shared, &shared, new_shared));

    if (should_queue) {
        _Pm_brc_queue_object(op);
    }
    else if (new_shared == _Pm_REF_MERGED) {
        _Pm_Dealloc(op); /* merged and zero: we dropped the last reference */
    }
}

/* ---- Step 5: The merge queue (Python/brc.c) ---- */

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
}

static struct _Pm_brc_bucket *get_bucket(uintptr_t tid)
{
    return &_Pm_brc.table[tid % _Pm_BRC_NUM_BUCKETS];
}

/* Call with the bucket's lock held. */
static struct _Pm_brc_thread_state *find_thread_state(struct _Pm_brc_bucket *bucket,
                                                      uintptr_t tid)
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
}

/* ---- Step 6: Threads come and go (_Py_brc_init_thread, _Py_brc_remove_thread) ---- */

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
}

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
}
