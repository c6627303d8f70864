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
#include "pmlab.h"
#include "pm_gc_internal.h"

/* ---- Step 1: Counting allocations ----------------------------------------- */

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
}

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
}

/* ---- Step 2: Collecting a generation -------------------------------------- */

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
}

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
    }
    else {
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
}

/* ---- Step 3: Thresholds and the long-lived heuristic ---------------------- */

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
}

/* ---- Step 4: The gc module ------------------------------------------------ */

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
}

Pm_ssize_t PmGC_Collect(void)
{
    return PmGC_CollectGeneration(NUM_GENERATIONS - 1);
}

int PmGC_Enable(void)
{
    int old = _PmGC_state.enabled;
    _PmGC_state.enabled = 1;
    return old;
}

int PmGC_Disable(void)
{
    int old = _PmGC_state.enabled;
    _PmGC_state.enabled = 0;
    return old;
}

int PmGC_IsEnabled(void)
{
    return _PmGC_state.enabled;
}

void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = _PmGC_state.generations[i].count;
}

void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = _PmGC_state.generations[i].threshold;
}

/* gc.set_threshold(t0[, t1[, t2]]): the first n thresholds; threshold 0 = 0
 * turns automatic collection off. */
void PmGC_SetThreshold(const int *thresholds, int n)
{
    for (int i = 0; i < n && i < NUM_GENERATIONS; i++)
        _PmGC_state.generations[i].threshold = thresholds[i];
}

void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = _PmGC_state.generation_stats[i];
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

/* ---- Step 5: Freezing ----------------------------------------------------- */

/* gc.freeze(): move every tracked object to the permanent generation, which
 * no collection looks at, and zero the counts. */
void PmGC_Freeze(void)
{
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        gc_list_merge(GEN_HEAD(i), &_PmGC_state.permanent_generation.head);
        _PmGC_state.generations[i].count = 0;
    }
}

/* gc.unfreeze(): the permanent generation goes back into the oldest. */
void PmGC_Unfreeze(void)
{
    gc_list_merge(&_PmGC_state.permanent_generation.head, GEN_HEAD(NUM_GENERATIONS - 1));
}

Pm_ssize_t PmGC_GetFreezeCount(void)
{
    return gc_list_size(&_PmGC_state.permanent_generation.head);
}
