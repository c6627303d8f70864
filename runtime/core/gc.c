/* gc.c - the given part of the cycle collector: its state, the allocation
 * of GC objects, and the small helpers chapters 3 (finding cycles) and 4
 * (generations) build on (CPython 3.11: Modules/gcmodule.c).
 *
 * The collector itself is the learner's: tracking, traversal and the gc_refs
 * algorithm in skeletons/03-cycles/cycles.c, generations, thresholds and the
 * gc module in skeletons/04-generations/generations.c.  Both see the state
 * and the list helpers through include/pm_gc_internal.h.
 */
#include <stdio.h>

#include "pmlab.h"
#include "pm_gc_internal.h"

PmGCState _PmGC_state = {
    /* The same state _PmGC_Init sets, so that objects can be tracked even
     * before the runtime starts (a list head points at itself when empty). */
    .enabled = 1,
#define GEN_INIT(n, threshold)                         \
    {                                                  \
        {(uintptr_t)&_PmGC_state.generations[n].head,  \
         (uintptr_t)&_PmGC_state.generations[n].head}, \
            threshold, 0                               \
    }
    .generations = {GEN_INIT(0, 700), GEN_INIT(1, 10), GEN_INIT(2, 10)},
#undef GEN_INIT
    .permanent_generation = {{(uintptr_t)&_PmGC_state.permanent_generation.head,
                              (uintptr_t)&_PmGC_state.permanent_generation.head},
                             0,
                             0},
};

int _PmGC_stress = 0;
int _PmGC_log = 0;

void _PmGC_Fatal(PmObject *op, const char *msg)
{
    char line[256];
    snprintf(line, sizeof line, "gc: %s: <%s object at %p>", msg,
             Pm_TYPE(op) != NULL ? Pm_TYPE(op)->tp_name : "?", (void *)op);
    Pm_FatalError(line);
}

/* ---- allocation ----------------------------------------------------------- */

/* Allocate size bytes of object with a zeroed GC header in front, set its
 * type, count 1 and registration, and count it in generation 0
 * (_PmObject_GC_Link, which may collect).  Under _PmGC_stress every new GC
 * object runs a generation-0 collection too.  The object is not tracked.
 * NULL with MemoryError set if memory ran out. */
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
    _PmObject_GC_Link(op);
    if (_PmGC_stress && _PmGC_state.enabled && !_PmGC_state.collecting && !PmErr_Occurred()) {
        _PmGC_state.collecting = 1;
        (void)gc_collect_main(0);
        _PmGC_state.collecting = 0;
    }
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
    if (itemsize != 0 &&
        (size_t)nitems > ((size_t)PTRDIFF_MAX - (size_t)tp->tp_basicsize) / itemsize)
        return (PmVarObject *)PmErr_NoMemory();
    size_t size = (size_t)tp->tp_basicsize + (size_t)nitems * itemsize;
    size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    PmVarObject *op = (PmVarObject *)gc_alloc(tp, size);
    if (op != NULL)
        Pm_SET_SIZE(op, nitems);
    return op;
}

/* ---- helpers of the collection ------------------------------------------ */

void clear_unreachable_mask(PmGC_Head *unreachable)
{
    PmGC_Head *gc, *next;
    for (gc = GC_NEXT(unreachable); gc != unreachable; gc = next) {
        gc->_gc_next &= ~NEXT_MASK_UNREACHABLE;
        next = (PmGC_Head *)gc->_gc_next;
    }
}

void _PmTuple_MaybeUntrack(PmObject *op)
{
    if (!PmTuple_Check(op) || !PmObject_GC_IsTracked(op))
        return;
    for (Pm_ssize_t i = 0; i < PmTuple_GET_SIZE(op); i++) {
        PmObject *elt = PmTuple_GET_ITEM(op, i);
        if (elt == NULL || _PmObject_GC_MayBeTracked(elt))
            return;
    }
    PmObject_GC_UnTrack(op);
}

void _PmDict_MaybeUntrack(PmObject *op)
{
    if (!PmDict_Check(op) || !PmObject_GC_IsTracked(op))
        return;
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    while (PmDict_Next(op, &pos, &key, &value)) {
        if (_PmObject_GC_MayBeTracked(value) || _PmObject_GC_MayBeTracked(key))
            return;
    }
    PmObject_GC_UnTrack(op);
}

void _PmGC_LogStart(int generation)
{
    if (!_PmGC_log)
        return;
    fprintf(stderr, "gc: collecting generation %d...\n", generation);
    fprintf(stderr, "gc: objects in each generation:");
    for (int i = 0; i < NUM_GENERATIONS; i++)
        fprintf(stderr, " %zd", gc_list_size(GEN_HEAD(i)));
    fprintf(stderr, "\ngc: objects in permanent generation: %zd\n",
            gc_list_size(&_PmGC_state.permanent_generation.head));
}

void _PmGC_LogDone(Pm_ssize_t collected, Pm_ssize_t uncollectable)
{
    if (!_PmGC_log)
        return;
    fprintf(stderr, "gc: done, %zd unreachable, %zd uncollectable\n", collected + uncollectable,
            uncollectable);
}

/* ---- for the runtime, the pictures and the tests -------------------------- */

/* Which list holds op: 0..2, 3 for the permanent generation, -1 if op is not
 * tracked.  Walks forward to the list head, so it costs the length of the
 * list; meant for pictures and tests.  During a collection, an object of
 * the generations being collected answers that generation, also from the
 * unreachable list. */
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
        if (gc == &_PmGC_state.permanent_generation.head)
            return NUM_GENERATIONS;
        if (_PmGC_state.unreachable != NULL && gc == _PmGC_state.unreachable)
            return _PmGC_state.collecting_generation;
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
    /* Once move_unreachable has moved an object to the unreachable list,
     * its _gc_prev is a pointer again (the COLLECTING bit stays): it has
     * no gc_refs to show. */
    PmGC_Head *g = AS_GC(op);
    if (g->_gc_next & NEXT_MASK_UNREACHABLE)
        return -1;
    PmGC_Head *unreachable = _PmGC_state.unreachable;
    /* (Its links may still carry NEXT_MASK_UNREACHABLE: mask it off.) */
    if (unreachable != NULL)
        for (PmGC_Head *u = unreachable;;) {
            u = (PmGC_Head *)(u->_gc_next & ~NEXT_MASK_UNREACHABLE);
            if (u == unreachable || u == NULL)
                break;
            if (u == g)
                return -1;
        }
    return gc_get_refs(g);
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

/* Empty every list (objects still alive from a previous run become
 * untracked), zero counts and stats, and set the default thresholds:
 * (700, 10, 10) as in CPython 3.11, or (2000, 10, 10) as in 3.13 when
 * _Pm_newer_defaults is set. */
void _PmGC_Init(void)
{
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        gc_list_detach_all(GEN_HEAD(i));
        _PmGC_state.generations[i].count = 0;
        _PmGC_state.generation_stats[i] = (PmGC_GenerationStats){0, 0, 0};
    }
    gc_list_detach_all(&_PmGC_state.permanent_generation.head);
    _PmGC_state.permanent_generation.count = 0;
    _PmGC_state.permanent_generation.threshold = 0;

    _PmGC_state.generations[0].threshold = _Pm_newer_defaults ? 2000 : 700;
    _PmGC_state.generations[1].threshold = 10;
    _PmGC_state.generations[2].threshold = 10;
    _PmGC_state.enabled = 1;
    _PmGC_state.collecting = 0;
    _PmGC_state.long_lived_total = 0;
    _PmGC_state.long_lived_pending = 0;
    _PmGC_state.collecting_generation = 0;
    _PmGC_state.unreachable = NULL;
}

/* Forget every tracked object (they become untracked; nothing is freed) and
 * reset the state, as _PmGC_Init does. */
void _PmGC_Fini(void)
{
    _PmGC_Init();
}
