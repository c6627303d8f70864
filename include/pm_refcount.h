/* pm_refcount.h - the contract of chapter 1: reference counting.
 *
 * Everything declared in the "you write" block below is implemented in
 * skeletons/01-refcount/refcount.c (yours) and solutions/01-refcount/refcount.c
 * (the reference).  The runtime calls only these declarations, so either side
 * can be linked.  CPython's counterparts: Include/refcount.h (Py_INCREF,
 * Py_DECREF, immortality), Objects/object.c (_Py_Dealloc, the trashcan),
 * Objects/listobject.c, Objects/dictobject.c, Objects/tupleobject.c,
 * Objects/typeobject.c (subtype_dealloc).
 */
#ifndef PM_REFCOUNT_H
#define PM_REFCOUNT_H

#include "pm_object.h"

/* ---- Immortal objects (PEP 683, as in 3.12 and 3.13 on 64-bit) ----------
 * An immortal object's count is UINT32_MAX in its low 32 bits; Pm_IncRef
 * never moves it and Pm_DecRef never frees it.  The test is the sign of the
 * low half: (int32_t)ob_refcnt < 0.  (3.14 starts immortals at 3 << 30 and
 * treats anything >= 1 << 31 as immortal; chapter 1 explains why.) */
#define _Pm_IMMORTAL_REFCNT ((Pm_ssize_t)UINT32_MAX)

/* ---- The thread state the trashcan lives in ------------------------------ */
typedef struct _pmthreadstate {
    int trash_delete_nesting; /* deallocators currently on the C stack */
    PmObject *trash_delete_later; /* objects whose deallocation was deferred,
                                      chained through their GC header's _gc_prev */
} PmThreadState;

PmThreadState *PmThreadState_Get(void); /* given (runtime) */

/* Deallocators nest at most this deep before the trashcan defers the rest. */
#define _PmTrash_UNWIND_LEVEL 50

/* ======================= you write (chapter 1) ========================== */

/* Step 1: counting.  See chapters/01-refcount.md, "Step 1".  In the
 * free-threaded build (-DPm_GIL_DISABLED) Pm_IncRef, Pm_DecRef and the two
 * functions of Step 2 come from chapter 5 (pm_biased.h); _Pm_Dealloc stays. */
void Pm_IncRef(PmObject *op); /* add one strong reference */
void Pm_DecRef(PmObject *op); /* drop one; at zero, _Pm_Dealloc(op) */
void _Pm_Dealloc(PmObject *op); /* forget the object, call tp_dealloc */

/* Step 2: immortal objects. */
int _Pm_IsImmortal(PmObject *op);
void _Pm_SetImmortal(PmObject *op);

/* Step 3: ownership in lists.  Append and SetItem follow CPython's rules:
 * PmList_Append borrows `item` (it takes a new reference of its own);
 * PmList_SetItem steals `item` and releases the old one safely;
 * _PmList_Pop hands the list's reference to the caller (a new reference). */
int PmList_Append(PmObject *list, PmObject *item);
int PmList_SetItem(PmObject *list, Pm_ssize_t i, PmObject *item);
PmObject *_PmList_Pop(PmObject *list, Pm_ssize_t i);

/* Step 4: ownership in dicts.  Both borrow their arguments. */
int PmDict_SetItem(PmObject *dict, PmObject *key, PmObject *value);
int PmDict_DelItem(PmObject *dict, PmObject *key);

/* Step 5: deallocators release everything their object owns. */
void tuple_dealloc(PmObject *op);
void list_dealloc(PmObject *op);
void dict_dealloc(PmObject *op);
void subtype_dealloc(PmObject *op); /* instances of `class Name: pass` */

/* Step 6: the trashcan (3.11-3.12 design, Objects/object.c). */
int _PmTrash_begin(PmThreadState *tstate, PmObject *op);
void _PmTrash_end(PmThreadState *tstate);
void _PmTrash_thread_deposit_object(PmThreadState *tstate, PmObject *op);
void _PmTrash_thread_destroy_chain(PmThreadState *tstate);

/* ======================= given (runtime) ================================ */

/* Total of all strong references (CPython debug builds' _Py_RefTotal).
 * Pm_IncRef adds one, Pm_DecRef removes one, never for immortal objects. */
#ifdef Pm_GIL_DISABLED
/* Free-threaded build: each thread counts its own share (as CPython's
 * tstate->reftotal), added to _Pm_RefTotal when the thread is deleted;
 * _Pm_GetRefTotal() returns both for the calling thread. */
extern Pm_ssize_t _Pm_RefTotal;
extern _Thread_local Pm_ssize_t _Pm_RefTotal_thread;
#define _Pm_INC_REFTOTAL() (_Pm_RefTotal_thread++)
#define _Pm_DEC_REFTOTAL() (_Pm_RefTotal_thread--)
#else
extern Pm_ssize_t _Pm_RefTotal;
#define _Pm_INC_REFTOTAL() (_Pm_RefTotal++)
#define _Pm_DEC_REFTOTAL() (_Pm_RefTotal--)
#endif

/* Called by Pm_DecRef when a count goes below zero: reports the object
 * (type, address) on stderr and aborts.  Never returns. */
void _Pm_NegativeRefcount(PmObject *op) __attribute__((noreturn));

/* Take a dying object out of the registry of live objects (Py_TRACE_REFS). */
void _Pm_ForgetReference(PmObject *op);

/* A fresh object: count 1, linked into the registry, counted in RefTotal. */
void _Pm_NewReference(PmObject *op);

/* Skeletons call this in place of code not yet written: it says which
 * function and where to read, then aborts the test. */
void _Pm_Unimplemented(const char *function, const char *where) __attribute__((noreturn));

/* ---- Macros over the functions above (CPython's names) ------------------ */
#define Pm_INCREF(op) Pm_IncRef(_PmObject_CAST(op))
#define Pm_DECREF(op) Pm_DecRef(_PmObject_CAST(op))

static inline void Pm_XINCREF(PmObject *op)
{
    if (op != NULL)
        Pm_IncRef(op);
}
static inline void Pm_XDECREF(PmObject *op)
{
    if (op != NULL)
        Pm_DecRef(op);
}
#define Pm_XINCREF(op) Pm_XINCREF(_PmObject_CAST(op))
#define Pm_XDECREF(op) Pm_XDECREF(_PmObject_CAST(op))

static inline PmObject *Pm_NewRef(PmObject *op)
{
    Pm_IncRef(op);
    return op;
}
static inline PmObject *Pm_XNewRef(PmObject *op)
{
    Pm_XINCREF(op);
    return op;
}
#define Pm_NewRef(op) Pm_NewRef(_PmObject_CAST(op))
#define Pm_XNewRef(op) Pm_XNewRef(_PmObject_CAST(op))

/* Pm_CLEAR: set the slot to NULL *before* dropping the reference, so that a
 * deallocator that looks at the slot never sees a dead object. */
#define Pm_CLEAR(op)                                 \
    do {                                             \
        PmObject **_pm_tmp_ptr = (PmObject **)&(op); \
        PmObject *_pm_tmp = *_pm_tmp_ptr;            \
        if (_pm_tmp != NULL) {                       \
            *_pm_tmp_ptr = NULL;                     \
            Pm_DecRef(_pm_tmp);                      \
        }                                            \
    } while (0)

/* Pm_SETREF / Pm_XSETREF: store the new value first, then release the old. */
#define Pm_SETREF(dst, src)                           \
    do {                                              \
        PmObject **_pm_tmp_dst = (PmObject **)&(dst); \
        PmObject *_pm_tmp_old = *_pm_tmp_dst;         \
        *_pm_tmp_dst = _PmObject_CAST(src);           \
        Pm_DecRef(_pm_tmp_old);                       \
    } while (0)
#define Pm_XSETREF(dst, src)                          \
    do {                                              \
        PmObject **_pm_tmp_dst = (PmObject **)&(dst); \
        PmObject *_pm_tmp_old = *_pm_tmp_dst;         \
        *_pm_tmp_dst = _PmObject_CAST(src);           \
        Pm_XDECREF(_pm_tmp_old);                      \
    } while (0)

/* The trashcan around a container's deallocator (3.11 shape):
 *
 *     static void list_dealloc(PmObject *op) {
 *         PmObject_GC_UnTrack(op);
 *         Pm_TRASHCAN_BEGIN(op, list_dealloc)
 *         ... release the items, free the object ...
 *         Pm_TRASHCAN_END
 *     }
 *
 * When too many deallocators are already on the C stack, _PmTrash_begin
 * deposits the object for later and the body is skipped. */
#define Pm_TRASHCAN_BEGIN(op, dealloc)                        \
    do {                                                      \
        PmThreadState *_pm_tstate = PmThreadState_Get();      \
        (void)(dealloc);                                      \
        if (_PmTrash_begin(_pm_tstate, _PmObject_CAST(op))) { \
            break;                                            \
        }
#define Pm_TRASHCAN_END       \
    _PmTrash_end(_pm_tstate); \
    }                         \
    while (0)                 \
        ;

#endif /* PM_REFCOUNT_H */
