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
#include "pmlab.h"
#include "pm_gc_internal.h"

/* ---- Step 1: Tracking (CPython: PyObject_GC_Track, PyObject_GC_UnTrack) -- */

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
}

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
}

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
}

/* ---- Step 2: Traversal (CPython: Objects/dictobject.c) ------------------- */

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
}

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
}

/* ---- Step 3: update_refs and subtract_refs -------------------------------- */

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
}

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
}

/* ---- Step 4: move_unreachable --------------------------------------------- */

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
}

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
}

/* ---- Step 5: Untracking tuples -------------------------------------------- */

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
}

/* ---- Step 6: delete_garbage ----------------------------------------------- */

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
}
