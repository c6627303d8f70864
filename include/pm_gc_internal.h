/* pm_gc_internal.h - what chapters 3 and 4 share with the runtime: the
 * collector's state, the list helpers over PmGC_Head, and gc_refs kept in
 * _gc_prev during a collection (CPython: Include/internal/pycore_gc.h and
 * the top of Modules/gcmodule.c).  All of it is given; runtime/core/gc.c
 * defines the state and the functions declared at the end.
 */
#ifndef PM_GC_INTERNAL_H
#define PM_GC_INTERNAL_H

#include "pm_object.h"
#include "pm_gc.h"

#define NUM_GENERATIONS PmGC_NUM_GENERATIONS

/* Bits of the header (see PmGC_Head in pm_object.h). */
#define PREV_MASK_COLLECTING _PmGC_PREV_MASK_COLLECTING
#define NEXT_MASK_UNREACHABLE _PmGC_NEXT_MASK_UNREACHABLE

#define AS_GC(o) _Pm_AS_GC(o)
#define FROM_GC(g) _Pm_FROM_GC(g)
#define GC_NEXT _PmGCHead_NEXT
#define GC_PREV _PmGCHead_PREV

/* One generation: a circular, doubly linked list of tracked objects threaded
 * through their headers (CPython: struct gc_generation). */
struct gc_generation {
    PmGC_Head head;
    int threshold; /* collection threshold */
    int count; /* gen 0: allocations minus deallocations of GC objects;
                      gen i > 0: collections of gen i-1 since gen i was last
                      collected */
};

/* The collector's state (CPython: struct _gc_runtime_state). */
typedef struct {
    int enabled;
    int collecting; /* a collection is running: never start another */
    struct gc_generation generations[NUM_GENERATIONS];
    struct gc_generation permanent_generation; /* gc.freeze() */
    PmGC_GenerationStats generation_stats[NUM_GENERATIONS];
    /* The long-lived heuristic (see collect_generations). */
    Pm_ssize_t long_lived_total; /* survivors of the last full collection */
    Pm_ssize_t long_lived_pending; /* objects that reached gen 2 since then */
    /* Set by gc_collect_main while it runs, unreachable back to NULL when it
     * ends: the generation collected and its unreachable list, so that
     * _PmGC_GenerationOf (and the heap pictures) can answer mid-collection. */
    int collecting_generation;
    PmGC_Head *unreachable;
} PmGCState;

extern PmGCState _PmGC_state;

/* The list head of generation n (CPython: GEN_HEAD(gcstate, n)). */
#define GEN_HEAD(n) (&_PmGC_state.generations[n].head)

/* ---- gc_refs and flag bits in _gc_prev ----------------------------------
 * During a collection, _gc_prev of a collected object holds gc_refs in its
 * upper bits and COLLECTING in bit 1 instead of a pointer. */

static inline int gc_is_collecting(PmGC_Head *g)
{
    return (g->_gc_prev & PREV_MASK_COLLECTING) != 0;
}

static inline void gc_clear_collecting(PmGC_Head *g)
{
    g->_gc_prev &= ~PREV_MASK_COLLECTING;
}

static inline Pm_ssize_t gc_get_refs(PmGC_Head *g)
{
    return (Pm_ssize_t)(g->_gc_prev >> _PmGC_PREV_SHIFT);
}

static inline void gc_set_refs(PmGC_Head *g, Pm_ssize_t refs)
{
    g->_gc_prev = (g->_gc_prev & ~_PmGC_PREV_MASK) | ((uintptr_t)refs << _PmGC_PREV_SHIFT);
}

/* Start a collection on g: gc_refs = refs, COLLECTING set, FINALIZED kept. */
static inline void gc_reset_refs(PmGC_Head *g, Pm_ssize_t refs)
{
    g->_gc_prev = (g->_gc_prev & _PmGC_PREV_MASK_FINALIZED) | PREV_MASK_COLLECTING |
                  ((uintptr_t)refs << _PmGC_PREV_SHIFT);
}

static inline void gc_decref(PmGC_Head *g)
{
    g->_gc_prev -= (uintptr_t)1 << _PmGC_PREV_SHIFT;
}

/* ---- list functions ------------------------------------------------------
 * A list head is a PmGC_Head that belongs to no object.  Heads never carry
 * flag bits, so their fields can be read as plain pointers. */

static inline void gc_list_init(PmGC_Head *list)
{
    list->_gc_prev = (uintptr_t)list;
    list->_gc_next = (uintptr_t)list;
}

static inline int gc_list_is_empty(PmGC_Head *list)
{
    return list->_gc_next == (uintptr_t)list;
}

/* Append node at the end of list. */
static inline void gc_list_append(PmGC_Head *node, PmGC_Head *list)
{
    PmGC_Head *last = (PmGC_Head *)list->_gc_prev;

    _PmGCHead_SET_PREV(node, last);
    _PmGCHead_SET_NEXT(last, node);
    _PmGCHead_SET_NEXT(node, list);
    list->_gc_prev = (uintptr_t)node;
}

/* Unlink node from its list; afterwards it is untracked (_gc_next == 0). */
static inline void gc_list_remove(PmGC_Head *node)
{
    PmGC_Head *prev = GC_PREV(node);
    PmGC_Head *next = GC_NEXT(node);

    _PmGCHead_SET_NEXT(prev, next);
    _PmGCHead_SET_PREV(next, prev);
    node->_gc_next = 0;
}

/* Move node from whatever list it is in to the end of list. */
static inline void gc_list_move(PmGC_Head *node, PmGC_Head *list)
{
    PmGC_Head *from_prev = GC_PREV(node);
    PmGC_Head *from_next = GC_NEXT(node);
    _PmGCHead_SET_NEXT(from_prev, from_next);
    _PmGCHead_SET_PREV(from_next, from_prev);

    PmGC_Head *to_prev = (PmGC_Head *)list->_gc_prev;
    _PmGCHead_SET_PREV(node, to_prev);
    _PmGCHead_SET_NEXT(to_prev, node);
    list->_gc_prev = (uintptr_t)node;
    _PmGCHead_SET_NEXT(node, list);
}

/* Append list `from` onto list `to`; afterwards `from` is empty. */
static inline void gc_list_merge(PmGC_Head *from, PmGC_Head *to)
{
    if (!gc_list_is_empty(from)) {
        PmGC_Head *to_tail = GC_PREV(to);
        PmGC_Head *from_head = GC_NEXT(from);
        PmGC_Head *from_tail = GC_PREV(from);

        _PmGCHead_SET_NEXT(to_tail, from_head);
        _PmGCHead_SET_PREV(from_head, to_tail);
        _PmGCHead_SET_NEXT(from_tail, to);
        _PmGCHead_SET_PREV(to, from_tail);
    }
    gc_list_init(from);
}

static inline Pm_ssize_t gc_list_size(PmGC_Head *list)
{
    Pm_ssize_t n = 0;
    for (PmGC_Head *gc = GC_NEXT(list); gc != list; gc = GC_NEXT(gc))
        n++;
    return n;
}

/* ---- given functions (runtime/core/gc.c, runtime/objects/object.c) ------- */

/* After this, unreachable is a normal doubly linked list again (no
 * NEXT_MASK_UNREACHABLE); its objects keep the COLLECTING bit.  In CPython
 * move_legacy_finalizers does this on its way; here gc_collect_main calls it
 * between move_unreachable and delete_garbage. */
void clear_unreachable_mask(PmGC_Head *unreachable);

/* Could op be tracked now or later?  Non-GC objects never; a tuple only if
 * it is tracked now (tuples are immutable); other containers always.
 * CPython: _PyObject_GC_MAY_BE_TRACKED.  Defined in runtime/objects/object.c. */
int _PmObject_GC_MayBeTracked(PmObject *op);

/* Untrack a tuple whose items are all atoms or untracked tuples: it can
 * never be part of a cycle.  A tuple with NULL items is still being built
 * and stays tracked.  CPython: _PyTuple_MaybeUntrack (Objects/tupleobject.c). */
void _PmTuple_MaybeUntrack(PmObject *op);

/* Untrack a dict none of whose keys and values may be tracked.  It is
 * tracked again when a container is stored in it (_PmDict_MaintainTracking).
 * CPython: _PyDict_MaybeUntrack (Objects/dictobject.c). */
void _PmDict_MaybeUntrack(PmObject *op);

/* Report a broken invariant with the object that broke it, then abort
 * (CPython: _PyObject_ASSERT_FAILED_MSG). */
void _PmGC_Fatal(PmObject *op, const char *msg) __attribute__((noreturn));

/* Under _PmGC_log, the lines CPython's DEBUG_STATS prints at the start and
 * the end of a collection (without the elapsed time, so logs compare);
 * nothing otherwise. */
void _PmGC_LogStart(int generation);
void _PmGC_LogDone(Pm_ssize_t collected, Pm_ssize_t uncollectable);

#endif /* PM_GC_INTERNAL_H */
