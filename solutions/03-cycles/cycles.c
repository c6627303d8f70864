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
#include "pmlab.h"
#include "pm_gc_internal.h"

/* ---- Step 1: Tracking (CPython: PyObject_GC_Track, PyObject_GC_UnTrack) -- */

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
}

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
}

/* gc.is_tracked(op): only GC objects have a header to look at. */
int PmObject_GC_IsTracked(PmObject *op)
{
    return _PmObject_IS_GC(op) && AS_GC(op)->_gc_next != 0;
}

/* ---- Step 2: Traversal (CPython: Objects/dictobject.c) ------------------- */

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
}

/* Drop every reference the dict holds: this is what breaks a cycle through
 * a dict.  PmDict_Clear empties the table before releasing the entries. */
int dict_tp_clear(PmObject *op)
{
    return PmDict_Clear(op);
}

/* ---- Step 3: update_refs and subtract_refs -------------------------------- */

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
}

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
}

/* ---- Step 4: move_unreachable --------------------------------------------- */

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
    }
    else if (gc_get_refs(gc) == 0) {
        /* Still ahead of the scan in young: tell the scan it is reachable. */
        gc_set_refs(gc, 1);
    }
    else if (gc_get_refs(gc) < 0) {
        _PmGC_Fatal(op, "refcount is too small (visit_reachable)");
    }
    /* gc_refs > 0: ahead of the scan in young, which will traverse it. */
    return 0;
}

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
        }
        else {
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
}

/* ---- Step 5: Untracking tuples -------------------------------------------- */

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
}

/* ---- Step 6: delete_garbage ----------------------------------------------- */

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
}
