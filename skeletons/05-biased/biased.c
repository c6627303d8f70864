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
#include "pmlab.h"

#ifndef Pm_GIL_DISABLED
#error \
    "chapter 5 is the free-threaded build: compile with -DPm_GIL_DISABLED (make grade CH=05 does)"
#endif

/* ---- Step 1: Owner and count (CPython: Include/object.h, refcount.h) ---- */

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
}

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
}

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
}

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
}

/* ---- Step 2: Increments (CPython: Py_INCREF, _Py_IsImmortal) ---- */

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
}

/* Make op immortal: unowned (ob_tid = 0), ob_ref_local = UINT32_MAX,
 * ob_ref_shared = 0.
 *
 * CPython: _Py_SetImmortalUntracked. */
void _Pm_SetImmortal(PmObject *op)
{
    /* TODO: chapters/05-biased.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("_Pm_SetImmortal", "chapters/05-biased.md, Step 2");
}

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
}

/* ---- Step 3: Decrements on the owner (Py_DECREF, _Py_MergeZeroLocalRefcount) ---- */

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
}

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
}

/* ---- Step 4: Decrements from other threads (_Py_DecRefShared) ---- */

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
}

/* ---- Step 5: The merge queue (Python/brc.c) ---- */

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
}

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
}

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
}

/* ---- Step 6: Threads come and go (_Py_brc_init_thread, _Py_brc_remove_thread) ---- */

/* Register the calling thread: set its state's tid to _Pm_ThreadId() and
 * link the state into its bucket's list, under the bucket's lock.
 *
 * CPython: _Py_brc_init_thread. */
void _Pm_brc_init_thread(void)
{
    /* TODO: chapters/05-biased.md, Step 6 */
    _Pm_Unimplemented("_Pm_brc_init_thread", "chapters/05-biased.md, Step 6");
}

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
}
