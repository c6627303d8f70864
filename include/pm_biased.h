/* pm_biased.h - the contract of chapter 5: biased reference counting, the
 * counting layer of the free-threaded build (PEP 703; CPython 3.13+ built
 * with --disable-gil, which defines Py_GIL_DISABLED).
 *
 * This header exists only in that build (-DPm_GIL_DISABLED; `make grade
 * CH=05` builds it for you).  There the object header has no ob_refcnt:
 *
 *     ob_tid        the owning thread (_Pm_ThreadId() of its creator); 0 once
 *                   the counts are merged and nobody owns it any more
 *     ob_ref_local  the owner's count, a uint32_t changed without atomic
 *                   read-modify-write; UINT32_MAX marks an immortal object
 *     ob_ref_shared everyone else's count, atomic, shifted left by 2; the low
 *                   two bits are the state below.  It may go negative.
 *
 * The true count is ob_ref_local + (ob_ref_shared >> 2).  The states of
 * ob_ref_shared only move up, and an object is deallocated only from
 * _Pm_REF_SHARED_INIT (by its owner, shared count 0) or _Pm_REF_MERGED
 * (by whoever brings the merged count to 0).
 *
 * Everything declared in the "you write" block is implemented in
 * skeletons/05-biased/biased.c (yours) and solutions/05-biased/biased.c
 * (the reference).  CPython's counterparts: Include/object.h (_Py_ThreadId,
 * _Py_IsOwnedByCurrentThread), Include/refcount.h (Py_INCREF, Py_DECREF,
 * _Py_REFCNT), Objects/object.c (_Py_DecRefShared,
 * _Py_MergeZeroLocalRefcount, _Py_ExplicitMergeRefcount, new_reference),
 * Python/brc.c and Include/internal/pycore_brc.h (the merge queue).
 */
#ifndef PM_BIASED_H
#define PM_BIASED_H

#ifndef Pm_GIL_DISABLED
#error "pm_biased.h is the free-threaded build's contract: compile with -DPm_GIL_DISABLED"
#endif

#include <pthread.h>
#include <stdint.h>
#include "pm_object.h"

/* ---- The states of ob_ref_shared (Include/refcount.h) ------------------- */
#define _Pm_REF_SHARED_INIT 0x0 /* the default: owned, never merged */
#define _Pm_REF_MAYBE_WEAKREF 0x1 /* (CPython: weakrefs may try-incref it) */
#define _Pm_REF_QUEUED 0x2 /* queued to its owner, who will merge it */
#define _Pm_REF_MERGED 0x3 /* merged: unowned, the shared field is the count */
/* (refcnt << 2) + flags, written as a product: the count may be negative,
 * and shifting a negative value left is undefined in C. */
#define _Pm_REF_SHARED(refcnt, flags) \
    ((Pm_ssize_t)(refcnt) * ((Pm_ssize_t)1 << _Pm_REF_SHARED_SHIFT) + (flags))
#define _Pm_IMMORTAL_REFCNT_LOCAL UINT32_MAX
#define _Pm_UNOWNED_TID 0

/* ======================= given: atomic wrappers ==========================
 * Every read and write of ob_tid, ob_ref_local and ob_ref_shared goes
 * through one of these, never through a plain `op->field` (CPython's code
 * goes through Include/cpython/pyatomic.h the same way).  Two reasons:
 *   - the C memory model: a plain access racing with another thread's access
 *     is a data race, undefined behaviour, and ThreadSanitizer reports it;
 *   - the grader's explorer runs your functions in small programs of two or
 *     three threads and switches threads at every call of these wrappers,
 *     trying every interleaving (up to its bound).  Code that skips them
 *     hides its steps from the explorer (but not from ThreadSanitizer).
 * The memory order each use needs is stated where your functions are
 * declared below.  "relaxed": atomic, no ordering; "acquire": later reads
 * see what the releasing thread wrote before; the unsuffixed ones are
 * sequentially consistent (CPython's default). */
typedef enum {
    _Pm_ATOMIC_LOAD,
    _Pm_ATOMIC_STORE,
    _Pm_ATOMIC_ADD,
    _Pm_ATOMIC_CAS,
    _Pm_MUTEX_LOCK,
} _Pm_AtomicKind;

/* NULL except while the grader's explorer runs: then every wrapper first
 * calls it, and the explorer decides which thread takes the next step. */
extern void (*_Pm_atomic_hook)(_Pm_AtomicKind kind, const void *addr);
#ifdef Pm_ATOMIC_NO_HOOK
/* Built without the explorer (make bench): the wrappers are bare atomics,
 * as CPython's are. */
#define _Pm_ATOMIC_POINT(kind, addr) ((void)(kind), (void)(addr))
#else
#define _Pm_ATOMIC_POINT(kind, addr)                       \
    do {                                                   \
        if (__builtin_expect(_Pm_atomic_hook != NULL, 0))  \
            _Pm_atomic_hook((kind), (const void *)(addr)); \
    } while (0)
#endif

static inline uintptr_t _Pm_atomic_load_uintptr_relaxed(const uintptr_t *p)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_LOAD, p);
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline uintptr_t _Pm_atomic_load_uintptr(const uintptr_t *p)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_LOAD, p);
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}
static inline void _Pm_atomic_store_uintptr_relaxed(uintptr_t *p, uintptr_t v)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_STORE, p);
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
static inline uint32_t _Pm_atomic_load_uint32_relaxed(const uint32_t *p)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_LOAD, p);
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline void _Pm_atomic_store_uint32_relaxed(uint32_t *p, uint32_t v)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_STORE, p);
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
static inline Pm_ssize_t _Pm_atomic_load_ssize_relaxed(const Pm_ssize_t *p)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_LOAD, p);
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
static inline Pm_ssize_t _Pm_atomic_load_ssize_acquire(const Pm_ssize_t *p)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_LOAD, p);
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
static inline void _Pm_atomic_store_ssize_relaxed(Pm_ssize_t *p, Pm_ssize_t v)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_STORE, p);
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
/* *p += v in one indivisible step; returns the old value. */
static inline Pm_ssize_t _Pm_atomic_add_ssize(Pm_ssize_t *p, Pm_ssize_t v)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_ADD, p);
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
/* If *p == *expected, store desired and return 1.  Otherwise copy the
 * current *p into *expected and return 0: the caller's loop recomputes
 * from that fresh value and tries again. */
static inline int _Pm_atomic_compare_exchange_ssize(Pm_ssize_t *p, Pm_ssize_t *expected,
                                                    Pm_ssize_t desired)
{
    _Pm_ATOMIC_POINT(_Pm_ATOMIC_CAS, p);
    return __atomic_compare_exchange_n(p, expected, desired, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* ======================= given: locks, stacks, threads ================= */

/* A mutex (CPython's PyMutex).  Lock and unlock are switch points of the
 * explorer too.  Never call code that may deallocate while holding one: a
 * deallocator may queue another object, and that takes a bucket lock. */
typedef struct {
    pthread_mutex_t m;
    int held; /* explorer bookkeeping */
} PmMutex;
#define PmMutex_INIT                 \
    {                                \
        PTHREAD_MUTEX_INITIALIZER, 0 \
    }
void PmMutex_Lock(PmMutex *m);
void PmMutex_Unlock(PmMutex *m);

/* A stack of objects, in chunks allocated from the C library (CPython's
 * _PyObjectStack, Include/internal/pycore_object_stack.h).  Not
 * thread-safe: guard it with a lock when two threads may touch it. */
typedef struct _PmObjectStackChunk _PmObjectStackChunk;
typedef struct {
    _PmObjectStackChunk *head;
} _PmObjectStack;
int _PmObjectStack_Push(_PmObjectStack *stack, PmObject *op); /* 0, or -1: no memory */
PmObject *_PmObjectStack_Pop(_PmObjectStack *stack); /* NULL when empty */
void _PmObjectStack_Merge(_PmObjectStack *dst, _PmObjectStack *src); /* move all; src empty */

/* The merge queue's state (Include/internal/pycore_brc.h).  Each thread
 * has one _Pm_brc_thread_state; the registered ones are linked in a fixed
 * table of buckets keyed by thread id (tid % _Pm_BRC_NUM_BUCKETS), each
 * bucket with its own lock.  objects_to_merge is guarded by the bucket's
 * lock; local_objects_to_merge and tid belong to the thread alone. */
#define _Pm_BRC_NUM_BUCKETS 257
struct _Pm_brc_thread_state {
    struct _Pm_brc_thread_state *bucket_next; /* next thread in its bucket */
    uintptr_t tid; /* 0 until registered */
    _PmObjectStack objects_to_merge; /* pushed by other threads */
    _PmObjectStack local_objects_to_merge; /* being merged by this thread */
    int eval_breaker; /* "you have objects to merge" */
};
struct _Pm_brc_bucket {
    PmMutex mutex;
    struct _Pm_brc_thread_state *head;
};
struct _Pm_brc_state {
    struct _Pm_brc_bucket table[_Pm_BRC_NUM_BUCKETS];
};
extern struct _Pm_brc_state _Pm_brc; /* the interpreter's table */
struct _Pm_brc_thread_state *_Pm_brc_thread_state_get(void); /* this thread's */

/* Ask the owner to merge at its next safe point (CPython sets
 * _PY_EVAL_EXPLICIT_MERGE_BIT in the owner's eval breaker). */
void _Pm_set_eval_breaker_bit(struct _Pm_brc_thread_state *owner);
/* A safe point: if this thread was asked to merge, clear the request and
 * call _Pm_brc_merge_refcounts() (CPython's _Py_HandlePending). */
void _Pm_HandlePending(void);

/* A thread's life (CPython: bind_tstate and tstate_delete_common in
 * Python/pystate.c).  Bind calls _Pm_brc_init_thread(); Delete calls
 * _Pm_brc_remove_thread() and adds the thread's share of _Pm_RefTotal to
 * the process's.  A thread that never binds still counts correctly: objects
 * queued to it are merged at once, as for a thread that has exited. */
void PmThreadState_Bind(void);
void PmThreadState_Delete(void);

/* ======================= you write (chapter 5) ========================== */

/* Step 1: owner and count.  See chapters/05-biased.md, "Step 1". */
uintptr_t _Pm_ThreadId(void); /* an address unique to this thread */
int _Pm_IsOwnedByCurrentThread(PmObject *op); /* ob_tid (relaxed) == _Pm_ThreadId() */
Pm_ssize_t _Pm_REFCNT(PmObject *op); /* local + (shared >> 2), relaxed loads */
void _Pm_NewReferenceNoTotal(PmObject *op); /* owned by this thread, local 1, shared 0 */

/* Step 2: increments (Pm_IncRef is declared in pm_refcount.h).
 *   immortal: ob_ref_local == UINT32_MAX (relaxed load): nothing changes;
 *   owner:    relaxed load and relaxed store of ob_ref_local, no RMW;
 *   others:   _Pm_atomic_add_ssize(&ob_ref_shared, 1 << 2).
 * _Pm_IsImmortal and _Pm_SetImmortal (pm_refcount.h) work on ob_ref_local. */

/* Step 3: decrements on the owner (Pm_DecRef is declared in pm_refcount.h).
 * The owner stores local - 1 (relaxed); at 0 it calls this.  Load the
 * shared field with acquire; all zero: deallocate.  Otherwise give up
 * ownership (ob_tid = 0, relaxed) *before* CAS-ing the state to MERGED;
 * deallocate if what is left is exactly _Pm_REF_MERGED (count 0). */
void _Pm_MergeZeroLocalRefcount(PmObject *op);

/* Step 4: decrements from other threads.  A CAS loop on ob_ref_shared
 * (relaxed first load): when it holds exactly 0 or _Pm_REF_MAYBE_WEAKREF,
 * store _Pm_REF_QUEUED *without* subtracting (the queue now holds that
 * reference) and then queue the object; otherwise subtract 1 << 2, which
 * may go negative; if the result is exactly _Pm_REF_MERGED, deallocate. */
void _Pm_DecRefShared(PmObject *op);

/* Step 5: the merge queue (Python/brc.c). */
/* Merge the counts: local + (shared >> 2) + extra becomes the shared count
 * with state MERGED; ob_ref_local and ob_tid become 0 (relaxed stores,
 * before the CAS loop).  Returns the merged count.  Not for immortals. */
Pm_ssize_t _Pm_ExplicitMergeRefcount(PmObject *op, Pm_ssize_t extra);
/* Steals a reference (the one _Pm_DecRefShared did not subtract).  Load
 * ob_tid (sequentially consistent): 0 means the owner merged meanwhile, so
 * just Pm_DecRef.  Otherwise, under the owner's bucket lock: owner not
 * registered (exited) -> merge with -1 and, after unlocking, deallocate at
 * 0; else push onto its objects_to_merge and _Pm_set_eval_breaker_bit. */
void _Pm_brc_queue_object(PmObject *op);
/* The calling thread merges its queue: move objects_to_merge to
 * local_objects_to_merge under the bucket lock, then, outside the lock,
 * merge each with -1 (the queue's reference) and deallocate at 0. */
void _Pm_brc_merge_refcounts(void);

/* Step 6: threads come and go. */
/* Register the calling thread: tid = _Pm_ThreadId(), linked into its bucket
 * under the bucket's lock. */
void _Pm_brc_init_thread(void);
/* Before leaving: merge everything queued, until, under the bucket lock,
 * the queue is found empty and the thread unlinked in the same critical
 * section.  From then on its objects are abandoned: whoever queues one
 * finds no owner and merges it on the spot. */
void _Pm_brc_remove_thread(void);

#endif /* PM_BIASED_H */
