/* pm_gc.h - the contracts of chapters 3 (finding cycles) and 4
 * (generations): the cycle collector, as CPython 3.11's Modules/gcmodule.c
 * builds it (Include/objimpl.h, Include/internal/pycore_gc.h).
 *
 * Chapter 3 is written in skeletons/03-cycles/cycles.c, chapter 4 in
 * skeletons/04-generations/generations.c (references in solutions/).  The
 * state they share, the list helpers and the allocation of GC objects are
 * given: include/pm_gc_internal.h and runtime/core/gc.c.
 */
#ifndef PM_GC_H
#define PM_GC_H

#include "pm_object.h"

#define PmGC_NUM_GENERATIONS 3

/* ==================== given (runtime/core/gc.c) ========================= */

/* Allocation of objects whose type has Pm_TPFLAGS_HAVE_GC: the PmGC_Head is
 * allocated in front of the object, zeroed (untracked); the object is
 * counted by _PmObject_GC_Link (chapter 4).  New objects are not tracked. */
PmObject *_PmObject_GC_New(PmTypeObject *tp);
PmVarObject *_PmObject_GC_NewVar(PmTypeObject *tp, Pm_ssize_t nitems);
#define PmObject_GC_New(type, tp) ((type *)_PmObject_GC_New(tp))
#define PmObject_GC_NewVar(type, tp, n) ((type *)_PmObject_GC_NewVar((tp), (n)))

/* The gc module's statistics per generation (gc.get_stats()). */
typedef struct {
    Pm_ssize_t collections, collected, uncollectable;
} PmGC_GenerationStats;

/* Debug switches (clox's STRESS_GC and LOG_GC): collect generation 0 at
 * every allocation of a GC object; log every collection on stderr. */
extern int _PmGC_stress;
extern int _PmGC_log;

/* Reset every generation list (objects still alive become untracked),
 * counts, stats and thresholds; PmRuntime_Init and PmRuntime_Fini call them. */
void _PmGC_Init(void);
void _PmGC_Fini(void);
/* The generation holding op: 0..2, 3 = permanent (gc.freeze()), -1 if op
 * is not tracked.  Mid-collection, an object of the unreachable list answers
 * the generation being collected.  Costs a walk along op's list. */
int _PmGC_GenerationOf(PmObject *op);
/* op's gc_refs while a collection examines it (COLLECTING set), else -1. */
Pm_ssize_t _PmGC_GetRefs(PmObject *op);

/* ======================= you write: chapter 3, finding cycles ============ */

/* Step 1: Tracking.  Link a container into generation 0 / unlink it. */
void PmObject_GC_Track(void *op); /* aborts if op is already tracked */
void PmObject_GC_UnTrack(void *op); /* safe if op is not tracked */
int PmObject_GC_IsTracked(PmObject *op); /* gc.is_tracked() */

/* Step 2: Traversal.  The dict type's tp_traverse and tp_clear. */
int dict_traverse(PmObject *op, visitproc visit, void *arg);
int dict_tp_clear(PmObject *op);

/* Step 3: update_refs and subtract_refs.
 * After update_refs: every object in containers has gc_refs = its refcount
 * and the COLLECTING flag.  After subtract_refs: gc_refs = the references
 * from outside containers. */
void update_refs(PmGC_Head *containers);
void subtract_refs(PmGC_Head *containers);

/* Step 4: move_unreachable.  Afterwards young holds exactly what is
 * reachable from the objects with gc_refs > 0; the rest is in unreachable
 * (flagged NEXT_MASK_UNREACHABLE).  deduce_unreachable runs steps 3 and 4. */
void move_unreachable(PmGC_Head *young, PmGC_Head *unreachable);
void deduce_unreachable(PmGC_Head *base, PmGC_Head *unreachable);

/* Step 5: Untracking tuples: a tuple holding nothing that may be tracked
 * is untracked (it can never be part of a cycle). */
void untrack_tuples(PmGC_Head *head);

/* Step 6: delete_garbage: tp_clear every collectable object (holding a
 * reference to it meanwhile); what survives is moved to old. */
void delete_garbage(PmGC_Head *collectable, PmGC_Head *old);

/* ======================= you write: chapter 4, generations =============== */

/* Step 1: Counting allocations.  _PmObject_GC_Link counts a new GC object
 * in generation 0 and collects when the count passes threshold 0;
 * PmObject_GC_Del frees a GC object's memory and counts it out. */
void _PmObject_GC_Link(PmObject *op);
void PmObject_GC_Del(void *op);

/* Step 2: Collecting a generation.  gc_collect_main collects generation
 * `generation` with every younger one, promotes the survivors, keeps the
 * counts and statistics, and returns the number of unreachable objects
 * found.  untrack_dicts is its full-collection helper. */
Pm_ssize_t gc_collect_main(int generation);
void untrack_dicts(PmGC_Head *head);

/* Step 3: Thresholds and the long-lived heuristic: the oldest generation
 * whose count passed its threshold, full collections only when enough new
 * long-lived objects piled up.  Returns what gc_collect_main returned. */
Pm_ssize_t collect_generations(void);

/* Step 4: The gc module. */
Pm_ssize_t PmGC_CollectGeneration(int generation); /* gc.collect(generation) */
Pm_ssize_t PmGC_Collect(void); /* gc.collect() */
int PmGC_Enable(void); /* each returns the previous state */
int PmGC_Disable(void);
int PmGC_IsEnabled(void);
void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS]);
void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS]);
void PmGC_SetThreshold(const int *thresholds, int n);
void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS]);
PmObject *PmGC_GetObjects(int generation); /* a new list; -1 = all generations */

/* Step 5: Freezing (gc.freeze, 3.7): move everything into the permanent
 * generation, which no collection looks at. */
void PmGC_Freeze(void);
void PmGC_Unfreeze(void);
Pm_ssize_t PmGC_GetFreezeCount(void);

#endif /* PM_GC_H */
