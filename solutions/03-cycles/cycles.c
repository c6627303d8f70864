#ifndef PM_SKELETON
/* cycles.c - chapter 3, the reference solution: tracking containers, the
 * dict's traversal, and the gc_refs algorithm that finds unreachable cycles,
 * following CPython 3.11's Modules/gcmodule.c (same step names, same order).
 *
 * The design, before the code
 * ---------------------------
 * Every tracked container sits in a circular, doubly linked list threaded
 * through the PmGC_Head in front of it (a generation; chapter 4 decides
 * which).  A collection hands this chapter one list, "young", and asks which
 * of its objects are garbage:
 *   1. update_refs      gc_refs = ob_refcnt for every young object
 *   2. subtract_refs    minus one for every reference from another young object
 *                       -> gc_refs > 0 means "referenced from outside young"
 *   3. move_unreachable everything reachable from those objects stays in young,
 *                       the rest moves to `unreachable`
 *   4. untrack_tuples   tuples that can never be part of a cycle leave
 *   5. delete_garbage   tp_clear breaks the cycles; refcounting frees them
 *
 * While a collection runs, _gc_prev does not hold a pointer: its upper bits
 * hold gc_refs (shifted by _PmGC_PREV_SHIFT) and bit 1 (COLLECTING) marks the
 * objects being collected, so young is singly linked until move_unreachable
 * restores the prev pointers.  Inside move_unreachable, bit 0 of _gc_next
 * (NEXT_MASK_UNREACHABLE) marks objects that tentatively moved to unreachable.
 * The helpers that read and write these bits are in pm_gc_internal.h.
 */
#else /* PM_SKELETON */
/* cycles.c - chapter 3, your layer: tracking containers, the dict's
 * traversal, and the gc_refs algorithm that finds unreachable cycles, as
 * CPython 3.11's Modules/gcmodule.c does it (same step names, same order).
 *
 * This is the only file you edit.  Every function below is called by the
 * runtime or by chapter 4's collector; until you write it, it stops the
 * test that reached it and names the step of chapters/03-cycles.md to read.
 * Work through the steps in order: `make grade CH=03` shows which tests
 * each step turns green.
 *
 * The design, before the code
 * ---------------------------
 * Every tracked container sits in a circular, doubly linked list threaded
 * through the PmGC_Head in front of it (a generation; chapter 4 decides
 * which).  A collection hands this chapter one list, "young", and asks which
 * of its objects are garbage:
 *   1. update_refs      gc_refs = ob_refcnt for every young object
 *   2. subtract_refs    minus one for every reference from another young object
 *                       -> gc_refs > 0 means "referenced from outside young"
 *   3. move_unreachable everything reachable from those objects stays in young,
 *                       the rest moves to `unreachable`
 *   4. untrack_tuples   tuples that can never be part of a cycle leave
 *   5. delete_garbage   tp_clear breaks the cycles; refcounting frees them
 *
 * While a collection runs, _gc_prev does not hold a pointer: its upper bits
 * hold gc_refs (shifted by _PmGC_PREV_SHIFT) and bit 1 (COLLECTING) marks the
 * objects being collected, so young is singly linked until move_unreachable
 * restores the prev pointers.  Inside move_unreachable, bit 0 of _gc_next
 * (NEXT_MASK_UNREACHABLE) marks objects that tentatively moved to unreachable.
 * The helpers that read and write these bits, and the list functions, are
 * given in pm_gc_internal.h: use them rather than the raw fields.
 */
#endif /* PM_SKELETON */
#include "pmlab.h"
#include "pm_gc_internal.h"

/* ---- Step 1: Tracking (CPython: PyObject_GC_Track, PyObject_GC_UnTrack) -- */

#ifndef PM_SKELETON
/* Link op at the end of generation 0.  Tracking an object twice is a bug in
 * the caller and aborts, as in CPython's debug builds. */
void PmObject_GC_Track(void *op_raw)
{
    PmObject *op = _PmObject_CAST(op_raw);
    PmGC_Head *gc = AS_GC(op);

    if (gc->_gc_next != 0)
        _PmGC_Fatal(op, "object already tracked by the garbage collector");
    if (gc->_gc_prev & PREV_MASK_COLLECTING)
        _PmGC_Fatal(op, "object is in generation which is garbage collected");
    gc_list_append(gc, GEN_HEAD(0));
#else /* PM_SKELETON */
/* Link op at the end of generation 0 (GEN_HEAD(0), gc_list_append).  op's
 * header is AS_GC(op).
 *
 * CPython: PyObject_GC_Track.  Pitfall: tracking an object twice corrupts
 * two lists at once; if op is already tracked (_gc_next != 0), or carries
 * PREV_MASK_COLLECTING, report it with _PmGC_Fatal instead. */
void PmObject_GC_Track(void *op)
{
    /* TODO: chapters/03-cycles.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("PmObject_GC_Track", "chapters/03-cycles.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Unlink op from its generation.  Safe on an untracked object.  Clears the
 * COLLECTING bit too, so an object that dies during delete_garbage leaves
 * the unreachable list cleanly. */
void PmObject_GC_UnTrack(void *op_raw)
{
    PmGC_Head *gc = AS_GC(op_raw);

    if (gc->_gc_next == 0)
        return;
    gc_list_remove(gc);
    gc->_gc_prev &= _PmGC_PREV_MASK_FINALIZED;
#else /* PM_SKELETON */
/* Unlink op from whatever list holds it (gc_list_remove).  Safe on an
 * untracked object: then it does nothing.
 *
 * CPython: PyObject_GC_UnTrack.  Pitfall: an object may be untracked while
 * a collection examines it (its deallocator runs inside delete_garbage):
 * clear every bit of _gc_prev except _PmGC_PREV_MASK_FINALIZED, so no
 * stale COLLECTING bit or gc_refs is left behind. */
void PmObject_GC_UnTrack(void *op)
{
    /* TODO: chapters/03-cycles.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("PmObject_GC_UnTrack", "chapters/03-cycles.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* gc.is_tracked(op): only GC objects have a header to look at. */
int PmObject_GC_IsTracked(PmObject *op)
{
    return _PmObject_IS_GC(op) && AS_GC(op)->_gc_next != 0;
#else /* PM_SKELETON */
/* gc.is_tracked(op): 1 if op is tracked, else 0.
 *
 * CPython: PyObject_GC_IsTracked.  Pitfall: only GC objects have a header
 * in front of them (_PmObject_IS_GC); for an int, AS_GC points into
 * someone else's memory. */
int PmObject_GC_IsTracked(PmObject *op)
{
    /* TODO: chapters/03-cycles.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("PmObject_GC_IsTracked", "chapters/03-cycles.md, Step 1");
#endif /* PM_SKELETON */
}

/* ---- Step 2: Traversal (CPython: Objects/dictobject.c) ------------------- */

#ifndef PM_SKELETON
/* Call visit on every key and value of the dict, stopping at (and
 * returning) the first nonzero result.  Deleted entries have NULL keys. */
int dict_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmDictObject *mp = (PmDictObject *)op;
    for (Pm_ssize_t i = 0; i < mp->ma_nentries; i++) {
        PmDictEntry *ep = &mp->ma_entries[i];
        if (ep->me_key == NULL)
            continue;
        int r = visit(ep->me_key, arg);
        if (r == 0)
            r = visit(ep->me_value, arg);
        if (r != 0)
            return r;
    }
    return 0;
#else /* PM_SKELETON */
/* Call visit(obj, arg) on every key and every value the dict holds, in
 * entry order; stop at the first nonzero result and return it; 0 when all
 * were visited.
 *
 * CPython: dict_traverse.  Pitfall: deleted entries stay in ma_entries with
 * a NULL key (and value); skip them, never visit NULL. */
int dict_traverse(PmObject *op, visitproc visit, void *arg)
{
    /* TODO: chapters/03-cycles.md, Step 2 */
    (void)op;
    (void)visit;
    (void)arg;
    _Pm_Unimplemented("dict_traverse", "chapters/03-cycles.md, Step 2");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Drop every reference the dict holds: this is what breaks a cycle through
 * a dict.  PmDict_Clear empties the table before releasing the entries. */
int dict_tp_clear(PmObject *op)
{
    return PmDict_Clear(op);
#else /* PM_SKELETON */
/* Drop every reference the dict holds, which is what breaks a cycle through
 * it; return 0.
 *
 * CPython: dict_tp_clear, which calls PyDict_Clear.  Pitfall: releasing a
 * reference can run any deallocator, which may look at this very dict: it
 * must be empty and consistent before the first Pm_DECREF (PmDict_Clear,
 * given, takes care of that). */
int dict_tp_clear(PmObject *op)
{
    /* TODO: chapters/03-cycles.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("dict_tp_clear", "chapters/03-cycles.md, Step 2");
#endif /* PM_SKELETON */
}

/* ---- Step 3: update_refs and subtract_refs -------------------------------- */

#ifndef PM_SKELETON
/* After this, every object in containers has gc_refs = its reference count
 * (> 0) and the COLLECTING bit; the list is singly linked (_gc_prev holds
 * gc_refs). */
void update_refs(PmGC_Head *containers)
{
    for (PmGC_Head *gc = GC_NEXT(containers); gc != containers; gc = GC_NEXT(gc)) {
        gc_reset_refs(gc, Pm_REFCNT(FROM_GC(gc)));
        /* A tracked object with count 0 should have been deallocated already:
         * a deallocator left it tracked, or a count went wrong. */
        if (gc_get_refs(gc) == 0)
            _PmGC_Fatal(FROM_GC(gc), "tracked object with reference count 0 (update_refs)");
    }
#else /* PM_SKELETON */
/* After this, every object in containers has gc_refs = its reference count
 * and the COLLECTING bit (gc_reset_refs).
 *
 * CPython: update_refs.  Pitfall: gc_reset_refs overwrites the prev pointer,
 * so from here on walk the list forward only (GC_NEXT).  A tracked object
 * with count 0 means a deallocator forgot to untrack: _PmGC_Fatal. */
void update_refs(PmGC_Head *containers)
{
    /* TODO: chapters/03-cycles.md, Step 3 */
    (void)containers;
    _Pm_Unimplemented("update_refs", "chapters/03-cycles.md, Step 3");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* subtract_refs' visitor: one reference from inside the collected set.  Only
 * objects of the generations being collected matter; they are the ones with
 * the COLLECTING bit. */
static int visit_decref(PmObject *op, void *parent)
{
    (void)parent;
    if (_PmObject_IS_GC(op) && gc_is_collecting(AS_GC(op)))
        gc_decref(AS_GC(op));
    return 0;
}

/* After this, gc_refs >= 0 for every object in containers, and it counts the
 * references from outside the set: gc_refs > 0 means directly reachable
 * from outside, so not garbage. */
void subtract_refs(PmGC_Head *containers)
{
    for (PmGC_Head *gc = GC_NEXT(containers); gc != containers; gc = GC_NEXT(gc)) {
        PmObject *op = FROM_GC(gc);
        (void)Pm_TYPE(op)->tp_traverse(op, visit_decref, op);
    }
#else /* PM_SKELETON */
/* After this, each object's gc_refs counts only the references from
 * outside containers: traverse every object (its type's tp_traverse) with
 * a visitor of your own, visit_decref, that calls gc_decref on each GC
 * object it is shown.
 *
 * CPython: subtract_refs and visit_decref.  Pitfall: the visitor is also
 * shown objects outside containers (older generations, untracked objects,
 * ints): only those with the COLLECTING bit may be decremented. */
void subtract_refs(PmGC_Head *containers)
{
    /* TODO: chapters/03-cycles.md, Step 3 */
    (void)containers;
    _Pm_Unimplemented("subtract_refs", "chapters/03-cycles.md, Step 3");
#endif /* PM_SKELETON */
}

/* ---- Step 4: move_unreachable --------------------------------------------- */

#ifndef PM_SKELETON
/* move_unreachable's visitor: op is referenced by an object known to be
 * reachable, so op is reachable too. */
static int visit_reachable(PmObject *op, void *arg)
{
    PmGC_Head *reachable = arg;

    if (!_PmObject_IS_GC(op))
        return 0;
    PmGC_Head *gc = AS_GC(op);
    /* Objects of other generations, and objects already scanned ("to the
     * left" of move_unreachable's position), have no COLLECTING bit. */
    if (!gc_is_collecting(gc))
        return 0;

    if (gc->_gc_next & NEXT_MASK_UNREACHABLE) {
        /* It had gc_refs 0 when move_unreachable reached it, but it is
         * reachable after all: unlink it from unreachable by hand (the list
         * functions don't understand the mask) and put it back at the end of
         * young, where the scan will reach it again. */
        PmGC_Head *prev = GC_PREV(gc);
        PmGC_Head *next = (PmGC_Head *)(gc->_gc_next & ~NEXT_MASK_UNREACHABLE);
        prev->_gc_next = gc->_gc_next; /* keeps NEXT_MASK_UNREACHABLE */
        _PmGCHead_SET_PREV(next, prev);

        gc_list_append(gc, reachable);
        gc_set_refs(gc, 1);
    } else if (gc_get_refs(gc) == 0) {
        /* Still ahead of the scan in young: tell the scan it is reachable. */
        gc_set_refs(gc, 1);
    } else if (gc_get_refs(gc) < 0) {
        _PmGC_Fatal(op, "refcount is too small (visit_reachable)");
    }
    /* gc_refs > 0: ahead of the scan in young, which will traverse it. */
    return 0;
#else /* PM_SKELETON */
/* After this, young holds exactly the objects reachable from those with
 * gc_refs > 0, doubly linked again and without the COLLECTING bit;
 * unreachable holds the rest, still COLLECTING, with NEXT_MASK_UNREACHABLE
 * in every _gc_next.  One pass along young: an object with gc_refs > 0 is
 * traversed with a visitor of your own, visit_reachable (arg: young), and
 * stays; one with gc_refs == 0 moves to the end of unreachable, maybe for
 * good.  visit_reachable gives gc_refs 1 to an object ahead of the scan, and
 * brings an object already moved to unreachable back to the end of young.
 *
 * CPython: move_unreachable and visit_reachable.  Pitfalls: young is singly
 * linked while you walk it (keep the last object kept, and restore each
 * _gc_prev as you go); the list functions don't understand the mask, so
 * moving in and out of unreachable is done by hand; read the next object
 * only after the traversal, which may append to young. */
void move_unreachable(PmGC_Head *young, PmGC_Head *unreachable)
{
    /* TODO: chapters/03-cycles.md, Step 4 */
    (void)young;
    (void)unreachable;
    _Pm_Unimplemented("move_unreachable", "chapters/03-cycles.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* After this, young holds exactly the objects reachable (directly or
 * indirectly) from outside the original young, without the COLLECTING bit,
 * doubly linked again.  unreachable holds the rest, still COLLECTING, with
 * NEXT_MASK_UNREACHABLE set in every _gc_next (so it is not yet a normal
 * list: clear_unreachable_mask makes it one).
 *
 * One pass, no recursion, no extra memory: an object with gc_refs > 0 is
 * traversed, which may bring objects back from unreachable to the end of
 * young; an object with gc_refs == 0 moves to unreachable, maybe for good. */
void move_unreachable(PmGC_Head *young, PmGC_Head *unreachable)
{
    PmGC_Head *prev = young; /* last object kept in young: restores _gc_prev */
    PmGC_Head *gc = GC_NEXT(young);

    /* Invariant: everything to the left of gc in young is reachable and was
     * scanned; everything from the original young to the left of gc that is
     * not in young is in unreachable, with NEXT_MASK_UNREACHABLE. */
    while (gc != young) {
        if (gc_get_refs(gc)) {
            PmObject *op = FROM_GC(gc);
            /* visit_reachable may append to young, changing gc->_gc_next when
             * gc is the last object: read the next object only afterwards. */
            (void)Pm_TYPE(op)->tp_traverse(op, visit_reachable, young);
            _PmGCHead_SET_PREV(gc, prev);
            gc_clear_collecting(gc);
            prev = gc;
        } else {
            /* Maybe unreachable: assume so for now.  young is singly linked
             * here, so only prev's next pointer needs fixing. */
            prev->_gc_next = gc->_gc_next;

            PmGC_Head *last = GC_PREV(unreachable);
            /* Every object in unreachable carries the mask, so set it
             * unconditionally; this also marks the head's next pointer when
             * last is the head, repaired below. */
            last->_gc_next = NEXT_MASK_UNREACHABLE | (uintptr_t)gc;
            _PmGCHead_SET_PREV(gc, last);
            gc->_gc_next = NEXT_MASK_UNREACHABLE | (uintptr_t)unreachable;
            unreachable->_gc_prev = (uintptr_t)gc;
        }
        gc = (PmGC_Head *)prev->_gc_next;
    }
    young->_gc_prev = (uintptr_t)prev;
    unreachable->_gc_next &= ~NEXT_MASK_UNREACHABLE;
}

/* Steps 3 and 4 together.  After this, base holds what is reachable from
 * outside it and unreachable (initialised here) the rest, with the mask
 * still set. */
void deduce_unreachable(PmGC_Head *base, PmGC_Head *unreachable)
{
    update_refs(base);
    subtract_refs(base);
    gc_list_init(unreachable);
    move_unreachable(base, unreachable);
#else /* PM_SKELETON */
/* Steps 3 and 4 in order: update_refs, subtract_refs, then initialise
 * unreachable (gc_list_init) and move_unreachable.
 *
 * CPython: deduce_unreachable.  Pitfall: unreachable is a local list head
 * of the caller, full of garbage until you initialise it. */
void deduce_unreachable(PmGC_Head *base, PmGC_Head *unreachable)
{
    /* TODO: chapters/03-cycles.md, Step 4 */
    (void)base;
    (void)unreachable;
    _Pm_Unimplemented("deduce_unreachable", "chapters/03-cycles.md, Step 4");
#endif /* PM_SKELETON */
}

/* ---- Step 5: Untracking tuples -------------------------------------------- */

#ifndef PM_SKELETON
/* After this, no tuple in head holds only untracked objects.  A tuple of
 * tuples may need several collections: an inner tuple met later in the list
 * is untracked too late for the outer one. */
void untrack_tuples(PmGC_Head *head)
{
    PmGC_Head *next, *gc = GC_NEXT(head);
    while (gc != head) {
        PmObject *op = FROM_GC(gc);
        next = GC_NEXT(gc);
        if (PmTuple_Check(op))
            _PmTuple_MaybeUntrack(op);
        gc = next;
    }
#else /* PM_SKELETON */
/* After this, no tuple in head holds only untracked objects: call the given
 * _PmTuple_MaybeUntrack on every tuple (PmTuple_Check) of head.
 *
 * CPython: untrack_tuples.  Pitfall: untracking removes the tuple from
 * head; read the next object before you untrack the current one. */
void untrack_tuples(PmGC_Head *head)
{
    /* TODO: chapters/03-cycles.md, Step 5 */
    (void)head;
    _Pm_Unimplemented("untrack_tuples", "chapters/03-cycles.md, Step 5");
#endif /* PM_SKELETON */
}

/* ---- Step 6: delete_garbage ----------------------------------------------- */

#ifndef PM_SKELETON
/* After this, collectable is empty: every object was freed by refcounting
 * once tp_clear broke its cycle, or, if something still holds it, moved to
 * old without the COLLECTING bit. */
void delete_garbage(PmGC_Head *collectable, PmGC_Head *old)
{
    while (!gc_list_is_empty(collectable)) {
        PmGC_Head *gc = GC_NEXT(collectable);
        PmObject *op = FROM_GC(gc);

        if (Pm_REFCNT(op) <= 0)
            _PmGC_Fatal(op, "refcount is too small (delete_garbage)");
        inquiry clear = Pm_TYPE(op)->tp_clear;
        if (clear != NULL) {
            /* Hold op while its own tp_clear may drop the last reference. */
            Pm_INCREF(op);
            (void)clear(op);
            Pm_DECREF(op);
        }
        if (GC_NEXT(collectable) == gc) {
            /* Still alive (e.g. no tp_clear): move it on; it may die later. */
            gc_clear_collecting(gc);
            gc_list_move(gc, old);
        }
    }
#else /* PM_SKELETON */
/* After this, collectable is empty: take its first object again and again,
 * call its type's tp_clear (if it has one) while holding a reference to it;
 * once the cycle is broken, refcounting frees the object and its
 * deallocator unlinks it.  An object still first in the list survived:
 * clear its COLLECTING bit and move it to old (gc_list_move).
 *
 * CPython: delete_garbage.  Pitfalls: tp_clear can free op and any object
 * after it in the list, so never keep a pointer to "the next one"; a
 * count <= 0 here means the counts are wrong: _PmGC_Fatal. */
void delete_garbage(PmGC_Head *collectable, PmGC_Head *old)
{
    /* TODO: chapters/03-cycles.md, Step 6 */
    (void)collectable;
    (void)old;
    _Pm_Unimplemented("delete_garbage", "chapters/03-cycles.md, Step 6");
#endif /* PM_SKELETON */
}
