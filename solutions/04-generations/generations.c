#ifndef PM_SKELETON
/* generations.c - chapter 4, the reference solution: counting allocations,
 * collecting one generation at a time, the thresholds and the long-lived
 * heuristic, and the gc module's functions, following CPython 3.11's
 * Modules/gcmodule.c.
 *
 * The design, before the code
 * ---------------------------
 * Every tracked container sits in one of four lists: generations 0, 1, 2
 * and the permanent generation (gc.freeze()).  New objects are tracked into
 * generation 0; objects that survive a collection move one generation older.
 * Most objects die young, so most collections need to look only at the
 * young generations:
 *   - generation 0 is collected when allocations minus deallocations of GC
 *     objects pass threshold 0 (700);
 *   - generation i > 0 when generation i-1 was collected more than
 *     threshold i (10) times since generation i was last collected;
 *   - generation 2 (a full collection) only when, besides, the objects that
 *     reached it since the last full collection are at least a quarter of
 *     those that survived it.
 * A collection of generation g merges generations 0..g into one list, finds
 * its garbage with chapter 3's steps, and merges the survivors into g+1.
 *
 * Not in this subset: finalizers (__del__, tp_finalize, PEP 442), legacy
 * tp_del finalizers (gc.garbage), weak references and resurrection.  Here
 * nothing is ever "uncollectable", and CPython's steps
 * move_legacy_finalizers, handle_weakrefs, finalize_garbage and
 * handle_resurrected_objects have nothing to do.
 */
#else /* PM_SKELETON */
/* generations.c - chapter 4, your layer: counting allocations, collecting
 * one generation at a time, the thresholds and the long-lived heuristic,
 * and the gc module's functions, as CPython 3.11's Modules/gcmodule.c.
 *
 * This is the only file you edit.  Every function below is called by the
 * runtime or by the interpreter's gc module; until you write it, it stops
 * the test that reached it and names the step of chapters/04-generations.md
 * to read.  Work through the steps in order: `make grade CH=04` shows which
 * tests each step turns green.
 *
 * The design, before the code
 * ---------------------------
 * Every tracked container sits in one of four lists: generations 0, 1, 2
 * and the permanent generation (gc.freeze()).  New objects are tracked into
 * generation 0; objects that survive a collection move one generation older.
 * Most objects die young, so most collections need to look only at the
 * young generations:
 *   - generation 0 is collected when allocations minus deallocations of GC
 *     objects pass threshold 0 (700);
 *   - generation i > 0 when generation i-1 was collected more than
 *     threshold i (10) times since generation i was last collected;
 *   - generation 2 (a full collection) only when, besides, the objects that
 *     reached it since the last full collection are at least a quarter of
 *     those that survived it.
 * A collection of generation g merges generations 0..g into one list, finds
 * its garbage with chapter 3's steps, and merges the survivors into g+1.
 * The state is _PmGC_state, the lists are GEN_HEAD(n) and
 * _PmGC_state.permanent_generation.head (pm_gc_internal.h).
 *
 * Not in this subset: finalizers (__del__, tp_finalize, PEP 442), legacy
 * tp_del finalizers (gc.garbage), weak references and resurrection.  Here
 * nothing is ever "uncollectable".
 */
#endif /* PM_SKELETON */
#include "pmlab.h"
#include "pm_gc_internal.h"

/* ---- Step 1: Counting allocations ----------------------------------------- */

#ifndef PM_SKELETON
/* Count one new GC object in generation 0 and collect if the count went past
 * threshold 0 (CPython 3.11's _PyObject_GC_Link).  Never while a collection
 * runs, nor with an exception set: a collection runs arbitrary tp_clear
 * code, which must not see the caller's half-finished state. */
void _PmObject_GC_Link(PmObject *op)
{
    struct gc_generation *gen0 = &_PmGC_state.generations[0];

    (void)op;
    gen0->count++;
    if (gen0->count > gen0->threshold && _PmGC_state.enabled && gen0->threshold &&
        !_PmGC_state.collecting && !PmErr_Occurred()) {
        _PmGC_state.collecting = 1;
        (void)collect_generations();
        _PmGC_state.collecting = 0;
    }
#else /* PM_SKELETON */
/* A new GC object op was allocated (the runtime calls this from
 * _PmObject_GC_New): add one to generation 0's count, and when the count
 * passes threshold 0, collect (collect_generations) with
 * _PmGC_state.collecting set around it.  collect_generations is Step 3's:
 * the tests of this step keep threshold 0 at 0, and the two tests of the
 * collection started here are graded with Step 3.
 *
 * CPython: _PyObject_GC_Link.  Pitfall: never collect while a collection
 * runs (collecting), when the collector is disabled, when threshold 0 is 0
 * (automatic collection off), or with an exception set (PmErr_Occurred):
 * the allocating code is half-way through something. */
void _PmObject_GC_Link(PmObject *op)
{
    /* TODO: chapters/04-generations.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("_PmObject_GC_Link", "chapters/04-generations.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Free the memory of a GC object (its tp_free).  An object still tracked
 * is unlinked first.  Generation 0's count goes down while positive: the
 * count is allocations minus deallocations. */
void PmObject_GC_Del(void *op)
{
    PmGC_Head *g = AS_GC(op);

    if (g->_gc_next != 0)
        gc_list_remove(g);
    if (_PmGC_state.generations[0].count > 0)
        _PmGC_state.generations[0].count--;
    PmObject_Free(g);
#else /* PM_SKELETON */
/* Free the memory of a GC object (its type's tp_free): unlink it if it is
 * still tracked, take one off generation 0's count, and PmObject_Free the
 * block, which starts at the header.
 *
 * CPython: PyObject_GC_Del.  Pitfalls: the block starts at AS_GC(op), not
 * at op; the count is allocations minus deallocations and never goes
 * below 0 (objects allocated before a collection reset it die after). */
void PmObject_GC_Del(void *op)
{
    /* TODO: chapters/04-generations.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("PmObject_GC_Del", "chapters/04-generations.md, Step 1");
#endif /* PM_SKELETON */
}

/* ---- Step 2: Collecting a generation -------------------------------------- */

#ifndef PM_SKELETON
/* After this, no dict in head holds only objects that cannot be tracked.
 * Done in full collections only, to avoid quadratic work while a program
 * builds many dicts (CPython issue #14775). */
void untrack_dicts(PmGC_Head *head)
{
    PmGC_Head *next, *gc = GC_NEXT(head);
    while (gc != head) {
        PmObject *op = FROM_GC(gc);
        next = GC_NEXT(gc);
        if (PmDict_Check(op))
            _PmDict_MaybeUntrack(op);
        gc = next;
    }
#else /* PM_SKELETON */
/* After this, no dict in head holds only objects that cannot be tracked:
 * call the given _PmDict_MaybeUntrack on every dict (PmDict_Check).
 *
 * CPython: untrack_dicts.  Pitfall: untracking removes the dict from head;
 * read the next object first. */
void untrack_dicts(PmGC_Head *head)
{
    /* TODO: chapters/04-generations.md, Step 2 */
    (void)head;
    _Pm_Unimplemented("untrack_dicts", "chapters/04-generations.md, Step 2");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* The count of generation+1 went up by one, the counts of generations
 * 0..generation are 0: a collection of `generation` starts. */
static void update_counts(int generation)
{
    if (generation + 1 < NUM_GENERATIONS)
        _PmGC_state.generations[generation + 1].count += 1;
    for (int i = 0; i <= generation; i++)
        _PmGC_state.generations[i].count = 0;
}

/* Collect generation `generation` and every younger one.  Returns what
 * gc.collect() returns: unreachable objects found, n + m where m were
 * collected and n were uncollectable (always 0 without finalizers).
 * After this, the survivors are in generation+1 (or stay in the oldest),
 * the counts are updated (update_counts) and so are the generation's
 * stats. */
Pm_ssize_t gc_collect_main(int generation)
{
    Pm_ssize_t m = 0; /* objects collected */
    Pm_ssize_t n = 0; /* unreachable objects that could not be collected */
    PmGC_Head unreachable;

    _PmGC_LogStart(generation);
    update_counts(generation);

    /* Merge the younger generations into the one being collected. */
    for (int i = 0; i < generation; i++)
        gc_list_merge(GEN_HEAD(i), GEN_HEAD(generation));

    PmGC_Head *young = GEN_HEAD(generation); /* the generation we examine */
    PmGC_Head *old = generation < NUM_GENERATIONS - 1 ? GEN_HEAD(generation + 1) : young;

    _PmGC_state.collecting_generation = generation;
    _PmGC_state.unreachable = &unreachable;

    deduce_unreachable(young, &unreachable);

    untrack_tuples(young);
    /* Move the reachable objects to the next generation. */
    if (young != old) {
        if (generation == NUM_GENERATIONS - 2)
            _PmGC_state.long_lived_pending += gc_list_size(young);
        gc_list_merge(young, old);
    } else {
        /* Dicts are untracked in full collections only (issue #14775). */
        untrack_dicts(young);
        _PmGC_state.long_lived_pending = 0;
        _PmGC_state.long_lived_total = gc_list_size(young);
    }

    /* CPython moves objects with legacy finalizers out of unreachable here,
     * clears weak references, runs tp_finalize and takes back resurrected
     * objects; none of those exist in this subset.  What remains is to make
     * unreachable a normal list. */
    clear_unreachable_mask(&unreachable);

    /* tp_clear breaks the cycles; refcounting frees the objects. */
    m += gc_list_size(&unreachable);
    delete_garbage(&unreachable, old);

    _PmGC_state.unreachable = NULL;
    _PmGC_LogDone(m, n);

    PmGC_GenerationStats *stats = &_PmGC_state.generation_stats[generation];
    stats->collections++;
    stats->collected += m;
    stats->uncollectable += n;
    return n + m;
#else /* PM_SKELETON */
/* Collect `generation` and every younger one; return the number of
 * unreachable objects found.  In order: _PmGC_LogStart; counts (generation
 * + 1's count goes up by one, counts 0..generation become 0); merge the
 * younger generations into this one (young); set
 * _PmGC_state.collecting_generation and .unreachable; deduce_unreachable;
 * untrack_tuples(young); survivors merge into generation + 1, adding their
 * number to long_lived_pending when generation + 1 is the oldest, or, in a
 * full collection, untrack_dicts(young) and long_lived_total = their number,
 * long_lived_pending = 0; clear_unreachable_mask; count the unreachable
 * objects, delete_garbage(unreachable, old); .unreachable = NULL;
 * _PmGC_LogDone; the generation's stats.
 *
 * CPython: gc_collect_main.  Pitfalls: the unreachable list is a local
 * PmGC_Head; count it before delete_garbage empties it; the oldest
 * generation has no older one: its survivors stay (old = young). */
Pm_ssize_t gc_collect_main(int generation)
{
    /* TODO: chapters/04-generations.md, Step 2 */
    (void)generation;
    _Pm_Unimplemented("gc_collect_main", "chapters/04-generations.md, Step 2");
#endif /* PM_SKELETON */
}

/* ---- Step 3: Thresholds and the long-lived heuristic ---------------------- */

#ifndef PM_SKELETON
/* Collect the oldest generation whose count exceeds its threshold (with the
 * younger ones).  A full collection also needs long_lived_pending to be at
 * least a quarter of long_lived_total: full collections cost time in
 * proportion to all long-lived objects, and this keeps their total cost
 * linear while a program builds a large structure (issue #4074; Martin von
 * Loewis's 25% rule).  Returns what that collection found, or 0. */
Pm_ssize_t collect_generations(void)
{
    for (int i = NUM_GENERATIONS - 1; i >= 0; i--) {
        if (_PmGC_state.generations[i].count > _PmGC_state.generations[i].threshold) {
            if (i == NUM_GENERATIONS - 1 &&
                _PmGC_state.long_lived_pending < _PmGC_state.long_lived_total / 4)
                continue;
            return gc_collect_main(i);
        }
    }
    return 0;
#else /* PM_SKELETON */
/* Collect the oldest generation whose count exceeds its threshold, and
 * return what gc_collect_main returned (0 if none).
 *
 * CPython 3.11: gc_collect_generations (named collect_generations up to
 * 3.8).  Pitfall: a full collection (the oldest generation) also needs
 * long_lived_pending >= long_lived_total / 4; otherwise look at the next
 * younger generation instead. */
Pm_ssize_t collect_generations(void)
{
    /* TODO: chapters/04-generations.md, Step 3 */
    _Pm_Unimplemented("collect_generations", "chapters/04-generations.md, Step 3");
#endif /* PM_SKELETON */
}

/* ---- Step 4: The gc module ------------------------------------------------ */

#ifndef PM_SKELETON
/* gc.collect(generation): ValueError for a generation out of range; 0 if a
 * collection is already running. */
Pm_ssize_t PmGC_CollectGeneration(int generation)
{
    if (generation < 0 || generation >= NUM_GENERATIONS) {
        PmErr_SetString(PmExc_ValueError, "invalid generation");
        return -1;
    }
    if (_PmGC_state.collecting)
        return 0;
    _PmGC_state.collecting = 1;
    Pm_ssize_t n = gc_collect_main(generation);
    _PmGC_state.collecting = 0;
    return n;
#else /* PM_SKELETON */
/* gc.collect(generation): collect it with collecting set around the call.
 * A generation outside 0..2: ValueError "invalid generation", return -1.
 *
 * CPython: gc_collect_impl.  Pitfall: a collection already running (a
 * tp_clear calling gc.collect()) must not start another: return 0. */
Pm_ssize_t PmGC_CollectGeneration(int generation)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)generation;
    _Pm_Unimplemented("PmGC_CollectGeneration", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
Pm_ssize_t PmGC_Collect(void)
{
    return PmGC_CollectGeneration(NUM_GENERATIONS - 1);
#else /* PM_SKELETON */
/* gc.collect(): a full collection. */
Pm_ssize_t PmGC_Collect(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_Collect", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
int PmGC_Enable(void)
{
    int old = _PmGC_state.enabled;
    _PmGC_state.enabled = 1;
    return old;
#else /* PM_SKELETON */
/* gc.enable(): returns the previous state (CPython: gc_enable_impl). */
int PmGC_Enable(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_Enable", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
int PmGC_Disable(void)
{
    int old = _PmGC_state.enabled;
    _PmGC_state.enabled = 0;
    return old;
#else /* PM_SKELETON */
/* gc.disable(): returns the previous state (CPython: gc_disable_impl).
 * Only automatic collection stops; gc.collect() still collects. */
int PmGC_Disable(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_Disable", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
int PmGC_IsEnabled(void)
{
    return _PmGC_state.enabled;
#else /* PM_SKELETON */
/* gc.isenabled() (CPython: gc_isenabled_impl). */
int PmGC_IsEnabled(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_IsEnabled", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = _PmGC_state.generations[i].count;
#else /* PM_SKELETON */
/* gc.get_count(): the three generations' counts (CPython: gc_get_count_impl). */
void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS])
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)out;
    _Pm_Unimplemented("PmGC_GetCount", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = _PmGC_state.generations[i].threshold;
#else /* PM_SKELETON */
/* gc.get_threshold() (CPython: gc_get_threshold_impl). */
void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS])
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)out;
    _Pm_Unimplemented("PmGC_GetThreshold", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* gc.set_threshold(t0[, t1[, t2]]): the first n thresholds; threshold 0 = 0
 * turns automatic collection off. */
void PmGC_SetThreshold(const int *thresholds, int n)
{
    for (int i = 0; i < n && i < NUM_GENERATIONS; i++)
        _PmGC_state.generations[i].threshold = thresholds[i];
#else /* PM_SKELETON */
/* gc.set_threshold(t0[, t1[, t2]]): set the first n thresholds.
 *
 * CPython: gc_set_threshold.  Pitfall: n may be smaller than 3; the others
 * keep their values.  Threshold 0 = 0 turns automatic collection off. */
void PmGC_SetThreshold(const int *thresholds, int n)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)thresholds;
    (void)n;
    _Pm_Unimplemented("PmGC_SetThreshold", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = _PmGC_state.generation_stats[i];
#else /* PM_SKELETON */
/* gc.get_stats(): each generation's collections, collected and
 * uncollectable (CPython: gc_get_stats_impl). */
void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS])
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)out;
    _Pm_Unimplemented("PmGC_GetStats", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
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

/* gc.get_objects(generation): a new list of the tracked objects of that
 * generation, or of generations 0..2 for -1 (never the permanent one, nor
 * the returned list itself).  NULL with ValueError for a bad generation. */
PmObject *PmGC_GetObjects(int generation)
{
    if (generation >= NUM_GENERATIONS) {
        PmErr_Format(PmExc_ValueError,
                     "generation parameter must be less than the number of "
                     "available generations (%i)",
                     NUM_GENERATIONS);
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
#else /* PM_SKELETON */
/* gc.get_objects(generation): a new list (PmList_New, PmList_Append) of the
 * tracked objects of that generation, or of generations 0..2 for -1.
 * NULL with ValueError for generation >= 3 ("generation parameter must be
 * less than the number of available generations (3)") or < -1
 * ("generation parameter cannot be negative").
 *
 * CPython: gc_get_objects_impl and append_objects.  Pitfalls: the new list
 * is itself tracked in generation 0: leave it out (op != the list), or it
 * contains itself; allocate it before the walk, since a GC allocation may
 * collect (appending only reallocates the item array, and never does); on
 * an error, release the list. */
PmObject *PmGC_GetObjects(int generation)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)generation;
    _Pm_Unimplemented("PmGC_GetObjects", "chapters/04-generations.md, Step 4");
#endif /* PM_SKELETON */
}

/* ---- Step 5: Freezing ----------------------------------------------------- */

#ifndef PM_SKELETON
/* gc.freeze(): move every tracked object to the permanent generation, which
 * no collection looks at, and zero the counts. */
void PmGC_Freeze(void)
{
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        gc_list_merge(GEN_HEAD(i), &_PmGC_state.permanent_generation.head);
        _PmGC_state.generations[i].count = 0;
    }
#else /* PM_SKELETON */
/* gc.freeze(): merge every generation into the permanent one, generation 0
 * first as CPython does, and set every generation's count to 0.
 *
 * CPython: gc_freeze_impl.  Pitfall: no collection looks at the permanent
 * generation, so nothing there is ever freed by the collector. */
void PmGC_Freeze(void)
{
    /* TODO: chapters/04-generations.md, Step 5 */
    _Pm_Unimplemented("PmGC_Freeze", "chapters/04-generations.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* gc.unfreeze(): the permanent generation goes back into the oldest. */
void PmGC_Unfreeze(void)
{
    gc_list_merge(&_PmGC_state.permanent_generation.head, GEN_HEAD(NUM_GENERATIONS - 1));
#else /* PM_SKELETON */
/* gc.unfreeze(): the permanent generation goes back into the oldest one
 * (CPython: gc_unfreeze_impl). */
void PmGC_Unfreeze(void)
{
    /* TODO: chapters/04-generations.md, Step 5 */
    _Pm_Unimplemented("PmGC_Unfreeze", "chapters/04-generations.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
Pm_ssize_t PmGC_GetFreezeCount(void)
{
    return gc_list_size(&_PmGC_state.permanent_generation.head);
#else /* PM_SKELETON */
/* gc.get_freeze_count(): the size of the permanent generation
 * (CPython: gc_get_freeze_count_impl). */
Pm_ssize_t PmGC_GetFreezeCount(void)
{
    /* TODO: chapters/04-generations.md, Step 5 */
    _Pm_Unimplemented("PmGC_GetFreezeCount", "chapters/04-generations.md, Step 5");
#endif /* PM_SKELETON */
}
