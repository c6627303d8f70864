/* gc.c - the cycle collector: generations of tracked containers and the
 * gc_refs algorithm that finds unreachable cycles, following CPython 3.11's
 * Modules/gcmodule.c step by step (same step names, same order, same counts).
 *
 * The design, before the code
 * ---------------------------
 * Every tracked container sits in one of four circular, doubly linked lists
 * threaded through the PmGC_Head in front of it: generations 0, 1, 2 and the
 * permanent generation (gc.freeze()).  New objects are tracked into
 * generation 0; objects that survive a collection move one generation older.
 *
 * A collection of generation g looks only at generations 0..g ("young"):
 *   1. update_refs      gc_refs = ob_refcnt for every young object
 *   2. subtract_refs    minus one for every reference from another young object
 *                       -> gc_refs > 0 means "referenced from outside young"
 *   3. move_unreachable everything reachable from those objects stays in young,
 *                       the rest moves to `unreachable`
 *   4. untrack_tuples, untrack_dicts (full collections only)
 *   5. survivors are merged into generation g+1
 *   6. delete_garbage   tp_clear breaks the cycles; refcounting frees them
 *
 * While a collection runs, _gc_prev does not hold a pointer: its upper bits
 * hold gc_refs (shifted by _PmGC_PREV_SHIFT) and bit 1 (COLLECTING) marks the
 * objects being collected, so young is singly linked until move_unreachable
 * restores the prev pointers.  Inside move_unreachable, bit 0 of _gc_next
 * (NEXT_MASK_UNREACHABLE) marks objects that tentatively moved to unreachable.
 *
 * Not in this subset: finalizers (__del__, tp_finalize, PEP 442), legacy
 * tp_del finalizers (gc.garbage), weak references and resurrection.  They are
 * a later chapter; here nothing is ever "uncollectable", and the steps
 * move_legacy_finalizers, handle_weakrefs, finalize_garbage and
 * handle_resurrected_objects have nothing to do.
 */
#include <stdio.h>
#include <string.h>

#include "pmlab.h"

#define NUM_GENERATIONS PmGC_NUM_GENERATIONS

#define PREV_MASK_COLLECTING _PmGC_PREV_MASK_COLLECTING
#define NEXT_MASK_UNREACHABLE _PmGC_NEXT_MASK_UNREACHABLE

#define AS_GC(o) _Pm_AS_GC(o)
#define FROM_GC(g) _Pm_FROM_GC(g)
#define GC_NEXT _PmGCHead_NEXT
#define GC_PREV _PmGCHead_PREV

struct gc_generation {
    PmGC_Head head;
    int threshold; /* collection threshold */
    int count;     /* gen 0: allocations minus deallocations of GC objects;
                      gen i > 0: collections of gen i-1 since gen i was last
                      collected */
};

static struct {
    int enabled;
    int collecting; /* a collection is running: never start another */
    struct gc_generation generations[NUM_GENERATIONS];
    struct gc_generation permanent_generation;
    PmGC_GenerationStats generation_stats[NUM_GENERATIONS];
    /* The long-lived heuristic (see collect_generations). */
    Pm_ssize_t long_lived_total;   /* survivors of the last full collection */
    Pm_ssize_t long_lived_pending; /* objects that reached gen 2 since then */
    /* During a collection: the generation collected and the unreachable
     * list, so that _PmGC_GenerationOf can answer mid-collection. */
    int collecting_generation;
    PmGC_Head *unreachable;
} gcstate = {
    /* The same state _PmGC_Init sets, so that objects can be tracked even
     * before the runtime starts (a list head points at itself when empty). */
    .enabled = 1,
#define GEN_INIT(n, threshold) \
    {{(uintptr_t)&gcstate.generations[n].head, (uintptr_t)&gcstate.generations[n].head}, threshold, 0}
    .generations = {GEN_INIT(0, 700), GEN_INIT(1, 10), GEN_INIT(2, 10)},
#undef GEN_INIT
    .permanent_generation = {{(uintptr_t)&gcstate.permanent_generation.head,
                              (uintptr_t)&gcstate.permanent_generation.head}, 0, 0},
};

#define GEN_HEAD(n) (&gcstate.generations[n].head)

int _PmGC_stress = 0;
int _PmGC_log = 0;

/* ---- gc_refs and flag bits in _gc_prev ---------------------------------- */

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

/* Report a broken invariant with the object that broke it, then abort. */
static void gc_fatal(PmObject *op, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, "gc: %s: <%s object at %p>", what,
             Pm_TYPE(op) != NULL ? Pm_TYPE(op)->tp_name : "?", (void *)op);
    Pm_FatalError(msg);
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
static void gc_list_move(PmGC_Head *node, PmGC_Head *list)
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
static void gc_list_merge(PmGC_Head *from, PmGC_Head *to)
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

static Pm_ssize_t gc_list_size(PmGC_Head *list)
{
    Pm_ssize_t n = 0;
    for (PmGC_Head *gc = GC_NEXT(list); gc != list; gc = GC_NEXT(gc))
        n++;
    return n;
}

/* Append the objects of a GC list to a list object, except that list
 * itself.  0 if all went well, -1 on error (exception set). */
static int append_objects(PmObject *py_list, PmGC_Head *gc_list)
{
    for (PmGC_Head *gc = GC_NEXT(gc_list); gc != gc_list; gc = GC_NEXT(gc)) {
        PmObject *op = FROM_GC(gc);
        if (op != py_list && PmList_Append(py_list, op) < 0)
            return -1;
    }
    return 0;
}

/* Make every object of list untracked without touching the objects' memory
 * beyond their headers, and empty the list.  Used when the runtime starts
 * again while objects from a previous run are still alive (leaked): their
 * headers must not point at list heads that are about to be reset. */
static void gc_list_detach_all(PmGC_Head *list)
{
    PmGC_Head *gc = GC_NEXT(list);
    while (gc != list) {
        PmGC_Head *next = GC_NEXT(gc);
        gc->_gc_next = 0;
        gc->_gc_prev &= _PmGC_PREV_MASK_FINALIZED;
        gc = next;
    }
    gc_list_init(list);
}

/* ---- allocation and tracking -------------------------------------------- */

static Pm_ssize_t collect_generations(void);
static Pm_ssize_t gc_collect_main(int generation);

/* Count one new GC object in generation 0 and collect if the count went past
 * threshold 0 (CPython 3.11's _PyObject_GC_Link).  Under _PmGC_stress every
 * new GC object runs a generation-0 collection. */
static void gc_link(void)
{
    struct gc_generation *gen0 = &gcstate.generations[0];

    gen0->count++;
    if (gen0->count > gen0->threshold && gcstate.enabled && gen0->threshold &&
        !gcstate.collecting && !PmErr_Occurred()) {
        gcstate.collecting = 1;
        collect_generations();
        gcstate.collecting = 0;
    }
    else if (_PmGC_stress && gcstate.enabled && !gcstate.collecting && !PmErr_Occurred()) {
        gcstate.collecting = 1;
        gc_collect_main(0);
        gcstate.collecting = 0;
    }
}

/* Allocate size bytes of object with a zeroed GC header in front, set its
 * type, count 1 and registration.  The object is not tracked.  NULL with
 * MemoryError set if memory ran out. */
static PmObject *gc_alloc(PmTypeObject *tp, size_t size)
{
    if (size > (size_t)PTRDIFF_MAX - sizeof(PmGC_Head))
        return PmErr_NoMemory();
    PmGC_Head *g = PmObject_Malloc(sizeof(PmGC_Head) + size);
    if (g == NULL)
        return PmErr_NoMemory();
    g->_gc_next = 0;
    g->_gc_prev = 0;
    PmObject *op = FROM_GC(g);
    Pm_SET_TYPE(op, tp);
    _Pm_NewReference(op);
    gc_link();
    return op;
}

/* A new, untracked object of a fixed-size GC type (tp_basicsize bytes).
 * The body past the header is not initialised, as in CPython; a heap type's
 * own reference is the caller's business (PmType_GenericAlloc). */
PmObject *_PmObject_GC_New(PmTypeObject *tp)
{
    return gc_alloc(tp, (size_t)tp->tp_basicsize);
}

/* A new, untracked var-sized GC object with room for nitems items:
 * tp_basicsize + nitems * tp_itemsize, rounded up to a pointer's size as
 * CPython's _PyObject_VAR_SIZE does; ob_size is set to nitems. */
PmVarObject *_PmObject_GC_NewVar(PmTypeObject *tp, Pm_ssize_t nitems)
{
    if (nitems < 0) {
        PmErr_SetString(PmExc_RuntimeError, "bad argument to internal function");
        return NULL;
    }
    size_t itemsize = (size_t)tp->tp_itemsize;
    if (itemsize != 0 && (size_t)nitems > ((size_t)PTRDIFF_MAX - (size_t)tp->tp_basicsize) / itemsize)
        return (PmVarObject *)PmErr_NoMemory();
    size_t size = (size_t)tp->tp_basicsize + (size_t)nitems * itemsize;
    size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    PmVarObject *op = (PmVarObject *)gc_alloc(tp, size);
    if (op != NULL)
        Pm_SET_SIZE(op, nitems);
    return op;
}

/* Link op at the end of generation 0.  Tracking an object twice is a bug in
 * the caller and aborts, as in CPython's debug builds. */
void PmObject_GC_Track(void *op_raw)
{
    PmObject *op = _PmObject_CAST(op_raw);
    PmGC_Head *gc = AS_GC(op);

    if (gc->_gc_next != 0)
        gc_fatal(op, "object already tracked by the garbage collector");
    if (gc->_gc_prev & PREV_MASK_COLLECTING)
        gc_fatal(op, "object is in generation which is garbage collected");
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

int PmObject_GC_IsTracked(PmObject *op)
{
    return _PmObject_IS_GC(op) && AS_GC(op)->_gc_next != 0;
}

/* Free the memory of a GC object (its tp_free).  An object still tracked
 * is unlinked first.  Generation 0's count goes down while positive: the
 * count is allocations minus deallocations. */
void PmObject_GC_Del(void *op)
{
    PmGC_Head *g = AS_GC(op);

    if (g->_gc_next != 0)
        gc_list_remove(g);
    if (gcstate.generations[0].count > 0)
        gcstate.generations[0].count--;
    PmObject_Free(g);
}

/* ---- step 1: update_refs ------------------------------------------------
 * After this, every object in containers has gc_refs = its reference count
 * (> 0) and the COLLECTING bit; the list is singly linked (_gc_prev holds
 * gc_refs). */
static void update_refs(PmGC_Head *containers)
{
    for (PmGC_Head *gc = GC_NEXT(containers); gc != containers; gc = GC_NEXT(gc)) {
        gc_reset_refs(gc, Pm_REFCNT(FROM_GC(gc)));
        /* A tracked object with count 0 should have been deallocated already:
         * a deallocator left it tracked, or a count went wrong. */
        if (gc_get_refs(gc) == 0)
            gc_fatal(FROM_GC(gc), "tracked object with reference count 0 (update_refs)");
    }
}

/* subtract_refs' visitor: one reference from inside the collected set. */
static int visit_decref(PmObject *op, void *parent)
{
    (void)parent;
    if (_PmObject_IS_GC(op)) {
        PmGC_Head *gc = AS_GC(op);
        /* Only objects of the generations being collected matter; they are
         * the ones with the COLLECTING bit. */
        if (gc_is_collecting(gc))
            gc_decref(gc);
    }
    return 0;
}

/* ---- step 2: subtract_refs ----------------------------------------------
 * After this, gc_refs >= 0 for every object in containers, and it counts the
 * references from outside the set: gc_refs > 0 means directly reachable
 * from outside, so not garbage. */
static void subtract_refs(PmGC_Head *containers)
{
    for (PmGC_Head *gc = GC_NEXT(containers); gc != containers; gc = GC_NEXT(gc)) {
        PmObject *op = FROM_GC(gc);
        (void)Pm_TYPE(op)->tp_traverse(op, visit_decref, op);
    }
}

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
        gc_fatal(op, "refcount is too small (visit_reachable)");
    }
    /* gc_refs > 0: ahead of the scan in young, which will traverse it. */
    return 0;
}

/* ---- step 3: move_unreachable -------------------------------------------
 * After this, young holds exactly the objects reachable (directly or
 * indirectly) from outside the original young, without the COLLECTING bit,
 * doubly linked again.  unreachable holds the rest, still COLLECTING, with
 * NEXT_MASK_UNREACHABLE set in every _gc_next (so it is not yet a normal
 * list: clear_unreachable_mask makes it one).
 *
 * One pass, no recursion, no extra memory: an object with gc_refs > 0 is
 * traversed, which may bring objects back from unreachable to the end of
 * young; an object with gc_refs == 0 moves to unreachable, maybe for good. */
static void move_unreachable(PmGC_Head *young, PmGC_Head *unreachable)
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

/* After this, unreachable is a normal doubly linked list again (no
 * NEXT_MASK_UNREACHABLE); its objects keep the COLLECTING bit.  In CPython
 * move_legacy_finalizers does this on its way. */
static void clear_unreachable_mask(PmGC_Head *unreachable)
{
    PmGC_Head *gc, *next;
    for (gc = GC_NEXT(unreachable); gc != unreachable; gc = next) {
        gc->_gc_next &= ~NEXT_MASK_UNREACHABLE;
        next = (PmGC_Head *)gc->_gc_next;
    }
}

/* Steps 1-3 together.  After this, base holds what is reachable from outside
 * it and unreachable (initialised here) the rest, with the mask still set. */
static void deduce_unreachable(PmGC_Head *base, PmGC_Head *unreachable)
{
    update_refs(base);
    subtract_refs(base);
    gc_list_init(unreachable);
    move_unreachable(base, unreachable);
}

/* ---- step 4: untracking containers that cannot be part of a cycle ------- */

/* Could op be tracked now or later?  Non-GC objects never; a tuple only if
 * it is tracked now (tuples are immutable); other containers always.
 * CPython's _PyObject_GC_MAY_BE_TRACKED. */
static int gc_may_be_tracked(PmObject *op)
{
    if (!_PmObject_IS_GC(op))
        return 0;
    if (PmTuple_Check(op))
        return PmObject_GC_IsTracked(op);
    return 1;
}

/* Untrack a tuple whose items are all atoms or untracked tuples: it can
 * never be part of a cycle.  A tuple with NULL items is still being built. */
static void _PmTuple_MaybeUntrack(PmObject *op)
{
    if (!PmTuple_Check(op) || !PmObject_GC_IsTracked(op))
        return;
    for (Pm_ssize_t i = 0; i < PmTuple_GET_SIZE(op); i++) {
        PmObject *elt = PmTuple_GET_ITEM(op, i);
        if (elt == NULL || gc_may_be_tracked(elt))
            return;
    }
    PmObject_GC_UnTrack(op);
}

/* Untrack a dict none of whose keys and values may be tracked.  It will be
 * tracked again when a container is stored in it (_PmDict_MaintainTracking). */
static void _PmDict_MaybeUntrack(PmObject *op)
{
    if (!PmDict_Check(op) || !PmObject_GC_IsTracked(op))
        return;
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    while (PmDict_Next(op, &pos, &key, &value)) {
        if (gc_may_be_tracked(value) || gc_may_be_tracked(key))
            return;
    }
    PmObject_GC_UnTrack(op);
}

/* After this, no tuple in head holds only untracked objects.  A tuple of
 * tuples may need several collections: an inner tuple met later in the list
 * is untracked too late for the outer one. */
static void untrack_tuples(PmGC_Head *head)
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

/* After this, no dict in head holds only objects that cannot be tracked.
 * Done in full collections only, to avoid quadratic work while a program
 * builds many dicts (CPython issue #14775). */
static void untrack_dicts(PmGC_Head *head)
{
    PmGC_Head *next, *gc = GC_NEXT(head);
    while (gc != head) {
        PmObject *op = FROM_GC(gc);
        next = GC_NEXT(gc);
        if (PmDict_Check(op))
            _PmDict_MaybeUntrack(op);
        gc = next;
    }
}

/* ---- step 6: delete_garbage ---------------------------------------------
 * After this, collectable is empty: every object was freed by refcounting
 * once tp_clear broke its cycle, or, if something still holds it, moved to
 * old without the COLLECTING bit. */
static void delete_garbage(PmGC_Head *collectable, PmGC_Head *old)
{
    while (!gc_list_is_empty(collectable)) {
        PmGC_Head *gc = GC_NEXT(collectable);
        PmObject *op = FROM_GC(gc);

        if (Pm_REFCNT(op) <= 0)
            gc_fatal(op, "refcount is too small (delete_garbage)");
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

/* _PmGC_log's per-generation line, as CPython's DEBUG_STATS prints it. */
static void show_stats_each_generations(void)
{
    fprintf(stderr, "gc: objects in each generation:");
    for (int i = 0; i < NUM_GENERATIONS; i++)
        fprintf(stderr, " %zd", gc_list_size(GEN_HEAD(i)));
    fprintf(stderr, "\ngc: objects in permanent generation: %zd\n",
            gc_list_size(&gcstate.permanent_generation.head));
}

/* ---- the collection -----------------------------------------------------
 * Collect generation `generation` and every younger one.  Returns what
 * gc.collect() returns: unreachable objects found, n + m where m were
 * collected and n were uncollectable (always 0 without finalizers).
 * After this, the survivors are in generation+1 (or stay in the oldest),
 * counts of generations 0..generation are 0 and generation+1's count went
 * up by one, and the generation's stats are updated. */
static Pm_ssize_t gc_collect_main(int generation)
{
    Pm_ssize_t m = 0; /* objects collected */
    Pm_ssize_t n = 0; /* unreachable objects that could not be collected */
    PmGC_Head *young; /* the generation we are examining */
    PmGC_Head *old;   /* the next older generation */
    PmGC_Head unreachable;

    if (_PmGC_log) {
        fprintf(stderr, "gc: collecting generation %d...\n", generation);
        show_stats_each_generations();
    }

    /* Update the collection and allocation counters. */
    if (generation + 1 < NUM_GENERATIONS)
        gcstate.generations[generation + 1].count += 1;
    for (int i = 0; i <= generation; i++)
        gcstate.generations[i].count = 0;

    /* Merge the younger generations into the one being collected. */
    for (int i = 0; i < generation; i++)
        gc_list_merge(GEN_HEAD(i), GEN_HEAD(generation));

    young = GEN_HEAD(generation);
    old = generation < NUM_GENERATIONS - 1 ? GEN_HEAD(generation + 1) : young;

    gcstate.collecting_generation = generation;
    gcstate.unreachable = &unreachable;

    deduce_unreachable(young, &unreachable);

    untrack_tuples(young);
    /* Move the reachable objects to the next generation. */
    if (young != old) {
        if (generation == NUM_GENERATIONS - 2)
            gcstate.long_lived_pending += gc_list_size(young);
        gc_list_merge(young, old);
    }
    else {
        /* Dicts are untracked in full collections only (issue #14775). */
        untrack_dicts(young);
        gcstate.long_lived_pending = 0;
        gcstate.long_lived_total = gc_list_size(young);
    }

    /* CPython moves objects with legacy finalizers out of unreachable here,
     * clears weak references, runs tp_finalize and takes back resurrected
     * objects; none of those exist in this subset.  What remains is to make
     * unreachable a normal list. */
    clear_unreachable_mask(&unreachable);

    /* tp_clear breaks the cycles; refcounting frees the objects. */
    m += gc_list_size(&unreachable);
    delete_garbage(&unreachable, old);

    gcstate.unreachable = NULL;

    if (_PmGC_log) {
        /* CPython also prints the elapsed time; left out so logs compare. */
        fprintf(stderr, "gc: done, %zd unreachable, %zd uncollectable\n", n + m, n);
    }

    PmGC_GenerationStats *stats = &gcstate.generation_stats[generation];
    stats->collections++;
    stats->collected += m;
    stats->uncollectable += n;
    return n + m;
}

/* Collect the oldest generation whose count exceeds its threshold (with the
 * younger ones).  A full collection also needs long_lived_pending to be at
 * least a quarter of long_lived_total: full collections cost time in
 * proportion to all long-lived objects, and this keeps their total cost
 * linear while a program builds a large structure (issue #4074; Martin von
 * Loewis's 25% rule).  Returns what that collection found, or 0. */
static Pm_ssize_t collect_generations(void)
{
    for (int i = NUM_GENERATIONS - 1; i >= 0; i--) {
        if (gcstate.generations[i].count > gcstate.generations[i].threshold) {
            if (i == NUM_GENERATIONS - 1 &&
                gcstate.long_lived_pending < gcstate.long_lived_total / 4)
                continue;
            return gc_collect_main(i);
        }
    }
    return 0;
}

/* ---- the gc module's surface -------------------------------------------- */

/* gc.collect(generation): ValueError for a generation out of range; 0 if a
 * collection is already running. */
Pm_ssize_t PmGC_CollectGeneration(int generation)
{
    if (generation < 0 || generation >= NUM_GENERATIONS) {
        PmErr_SetString(PmExc_ValueError, "invalid generation");
        return -1;
    }
    if (gcstate.collecting)
        return 0;
    gcstate.collecting = 1;
    Pm_ssize_t n = gc_collect_main(generation);
    gcstate.collecting = 0;
    return n;
}

Pm_ssize_t PmGC_Collect(void)
{
    return PmGC_CollectGeneration(NUM_GENERATIONS - 1);
}

int PmGC_Enable(void)
{
    int old = gcstate.enabled;
    gcstate.enabled = 1;
    return old;
}

int PmGC_Disable(void)
{
    int old = gcstate.enabled;
    gcstate.enabled = 0;
    return old;
}

int PmGC_IsEnabled(void)
{
    return gcstate.enabled;
}

void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = gcstate.generations[i].count;
}

void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = gcstate.generations[i].threshold;
}

/* gc.set_threshold(t0[, t1[, t2]]): the first n thresholds; threshold 0 = 0
 * turns automatic collection off. */
void PmGC_SetThreshold(const int *thresholds, int n)
{
    for (int i = 0; i < n && i < NUM_GENERATIONS; i++)
        gcstate.generations[i].threshold = thresholds[i];
}

void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = gcstate.generation_stats[i];
}

/* gc.freeze(): move every tracked object to the permanent generation, which
 * no collection looks at, and zero the counts. */
void PmGC_Freeze(void)
{
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        gc_list_merge(GEN_HEAD(i), &gcstate.permanent_generation.head);
        gcstate.generations[i].count = 0;
    }
}

/* gc.unfreeze(): the permanent generation goes back into the oldest. */
void PmGC_Unfreeze(void)
{
    gc_list_merge(&gcstate.permanent_generation.head, GEN_HEAD(NUM_GENERATIONS - 1));
}

Pm_ssize_t PmGC_GetFreezeCount(void)
{
    return gc_list_size(&gcstate.permanent_generation.head);
}

/* gc.get_objects(generation): a new list of the tracked objects of that
 * generation, or of generations 0..2 for -1 (never the permanent one, nor
 * the returned list itself).  NULL with ValueError for a bad generation. */
PmObject *PmGC_GetObjects(int generation)
{
    if (generation >= NUM_GENERATIONS) {
        PmErr_Format(PmExc_ValueError,
                     "generation parameter must be less than the number of "
                     "available generations (%i)", NUM_GENERATIONS);
        return NULL;
    }
    if (generation < -1) {
        PmErr_SetString(PmExc_ValueError, "generation parameter cannot be negative");
        return NULL;
    }
    PmObject *result = PmList_New(0);
    if (result == NULL)
        return NULL;
    int first = generation == -1 ? 0 : generation;
    int last = generation == -1 ? NUM_GENERATIONS - 1 : generation;
    for (int i = first; i <= last; i++) {
        if (append_objects(result, GEN_HEAD(i)) < 0) {
            Pm_DECREF(result);
            return NULL;
        }
    }
    return result;
}

/* ---- runtime internal ---------------------------------------------------- */

/* Which list holds op: 0..2, 3 for the permanent generation, -1 if op is not
 * tracked.  Walks forward to the list head, so it costs the length of the
 * list; meant for pictures and tests.  During a collection, an object of
 * the generations being collected answers that generation. */
int _PmGC_GenerationOf(PmObject *op)
{
    if (!_PmObject_IS_GC(op) || AS_GC(op)->_gc_next == 0)
        return -1;
    PmGC_Head *gc = AS_GC(op);
    for (;;) {
        gc = (PmGC_Head *)(gc->_gc_next & ~NEXT_MASK_UNREACHABLE);
        for (int i = 0; i < NUM_GENERATIONS; i++)
            if (gc == GEN_HEAD(i))
                return i;
        if (gc == &gcstate.permanent_generation.head)
            return NUM_GENERATIONS;
        if (gcstate.unreachable != NULL && gc == gcstate.unreachable)
            return gcstate.collecting_generation;
        if (gc == AS_GC(op)) /* a list we don't know: can't happen */
            return -1;
    }
}

/* gc_refs of op while a collection is examining it (COLLECTING set), else
 * -1: between collections _gc_prev holds a pointer, not a count. */
Pm_ssize_t _PmGC_GetRefs(PmObject *op)
{
    if (!_PmObject_IS_GC(op) || !gc_is_collecting(AS_GC(op)))
        return -1;
    return gc_get_refs(AS_GC(op));
}

/* Empty every list (objects still alive from a previous run become
 * untracked), zero counts and stats, and set the default thresholds:
 * (700, 10, 10) as in CPython 3.11, or (2000, 10, 10) as in 3.13 when
 * _Pm_newer_defaults is set. */
void _PmGC_Init(void)
{
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        gc_list_detach_all(GEN_HEAD(i));
        gc_list_init(GEN_HEAD(i));
        gcstate.generations[i].count = 0;
        gcstate.generation_stats[i] = (PmGC_GenerationStats){0, 0, 0};
    }
    gc_list_detach_all(&gcstate.permanent_generation.head);
    gc_list_init(&gcstate.permanent_generation.head);
    gcstate.permanent_generation.count = 0;
    gcstate.permanent_generation.threshold = 0;

    gcstate.generations[0].threshold = _Pm_newer_defaults ? 2000 : 700;
    gcstate.generations[1].threshold = 10;
    gcstate.generations[2].threshold = 10;
    gcstate.enabled = 1;
    gcstate.collecting = 0;
    gcstate.long_lived_total = 0;
    gcstate.long_lived_pending = 0;
    gcstate.collecting_generation = 0;
    gcstate.unreachable = NULL;
}

/* Forget every tracked object (they become untracked; nothing is freed) and
 * reset the state, as _PmGC_Init does. */
void _PmGC_Fini(void)
{
    _PmGC_Init();
}
