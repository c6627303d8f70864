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
#include "pmlab.h"
#include "pm_gc_internal.h"

/* ---- Step 1: Counting allocations ----------------------------------------- */

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
}

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
}

/* ---- Step 2: Collecting a generation -------------------------------------- */

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
}

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
}

/* ---- Step 3: Thresholds and the long-lived heuristic ---------------------- */

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
}

/* ---- Step 4: The gc module ------------------------------------------------ */

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
}

/* gc.collect(): a full collection. */
Pm_ssize_t PmGC_Collect(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_Collect", "chapters/04-generations.md, Step 4");
}

/* gc.enable(): returns the previous state (CPython: gc_enable_impl). */
int PmGC_Enable(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_Enable", "chapters/04-generations.md, Step 4");
}

/* gc.disable(): returns the previous state (CPython: gc_disable_impl).
 * Only automatic collection stops; gc.collect() still collects. */
int PmGC_Disable(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_Disable", "chapters/04-generations.md, Step 4");
}

/* gc.isenabled() (CPython: gc_isenabled_impl). */
int PmGC_IsEnabled(void)
{
    /* TODO: chapters/04-generations.md, Step 4 */
    _Pm_Unimplemented("PmGC_IsEnabled", "chapters/04-generations.md, Step 4");
}

/* gc.get_count(): the three generations' counts (CPython: gc_get_count_impl). */
void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS])
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)out;
    _Pm_Unimplemented("PmGC_GetCount", "chapters/04-generations.md, Step 4");
}

/* gc.get_threshold() (CPython: gc_get_threshold_impl). */
void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS])
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)out;
    _Pm_Unimplemented("PmGC_GetThreshold", "chapters/04-generations.md, Step 4");
}

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
}

/* gc.get_stats(): each generation's collections, collected and
 * uncollectable (CPython: gc_get_stats_impl). */
void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS])
{
    /* TODO: chapters/04-generations.md, Step 4 */
    (void)out;
    _Pm_Unimplemented("PmGC_GetStats", "chapters/04-generations.md, Step 4");
}

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
}

/* ---- Step 5: Freezing ----------------------------------------------------- */

/* gc.freeze(): merge every generation into the permanent one, generation 0
 * first as CPython does, and set every generation's count to 0.
 *
 * CPython: gc_freeze_impl.  Pitfall: no collection looks at the permanent
 * generation, so nothing there is ever freed by the collector. */
void PmGC_Freeze(void)
{
    /* TODO: chapters/04-generations.md, Step 5 */
    _Pm_Unimplemented("PmGC_Freeze", "chapters/04-generations.md, Step 5");
}

/* gc.unfreeze(): the permanent generation goes back into the oldest one
 * (CPython: gc_unfreeze_impl). */
void PmGC_Unfreeze(void)
{
    /* TODO: chapters/04-generations.md, Step 5 */
    _Pm_Unimplemented("PmGC_Unfreeze", "chapters/04-generations.md, Step 5");
}

/* gc.get_freeze_count(): the size of the permanent generation
 * (CPython: gc_get_freeze_count_impl). */
Pm_ssize_t PmGC_GetFreezeCount(void)
{
    /* TODO: chapters/04-generations.md, Step 5 */
    _Pm_Unimplemented("PmGC_GetFreezeCount", "chapters/04-generations.md, Step 5");
}
