/* pm_gc.h - the cycle collector's interface (CPython's Include/objimpl.h,
 * Include/internal/pycore_gc.h, Modules/gcmodule.c).
 *
 * Chapters 3 (finding cycles) and 4 (generations) will hand these to the
 * learner; until then the runtime ships a collector that follows CPython
 * 3.11's Modules/gcmodule.c, so that scenarios calling gc.collect() print
 * what CPython prints.
 */
#ifndef PM_GC_H
#define PM_GC_H

#include "pm_object.h"

#define PmGC_NUM_GENERATIONS 3

/* Allocation of objects whose type has Pm_TPFLAGS_HAVE_GC: the PmGC_Head is
 * allocated in front of the object.  New objects are not yet tracked. */
PmObject *_PmObject_GC_New(PmTypeObject *tp);
PmVarObject *_PmObject_GC_NewVar(PmTypeObject *tp, Pm_ssize_t nitems);
#define PmObject_GC_New(type, tp) ((type *)_PmObject_GC_New(tp))
#define PmObject_GC_NewVar(type, tp, n) ((type *)_PmObject_GC_NewVar((tp), (n)))

void PmObject_GC_Track(void *op);   /* link into generation 0 */
void PmObject_GC_UnTrack(void *op); /* unlink; safe if already untracked */
void PmObject_GC_Del(void *op);     /* free the memory of a GC object */
int PmObject_GC_IsTracked(PmObject *op);

/* Collect a generation and all younger ones; returns what gc.collect()
 * returns: the number of unreachable objects found (collected plus
 * uncollectable). */
Pm_ssize_t PmGC_CollectGeneration(int generation);
Pm_ssize_t PmGC_Collect(void); /* full collection, gc.collect() */

/* The gc module's state, as Python code sees it. */
typedef struct {
    Pm_ssize_t collections, collected, uncollectable;
} PmGC_GenerationStats;

int PmGC_Enable(void);   /* returns the previous state */
int PmGC_Disable(void);
int PmGC_IsEnabled(void);
void PmGC_GetCount(Pm_ssize_t out[PmGC_NUM_GENERATIONS]);
void PmGC_GetThreshold(int out[PmGC_NUM_GENERATIONS]);
void PmGC_SetThreshold(const int *thresholds, int n);
void PmGC_GetStats(PmGC_GenerationStats out[PmGC_NUM_GENERATIONS]);
void PmGC_Freeze(void);
void PmGC_Unfreeze(void);
Pm_ssize_t PmGC_GetFreezeCount(void);
/* gc.get_objects(generation): a new list (generation -1 = all). */
PmObject *PmGC_GetObjects(int generation);

/* Debug switches (clox's STRESS_GC and LOG_GC): collect on every allocation
 * of a tracked object; log every collection on stderr. */
extern int _PmGC_stress;
extern int _PmGC_log;

/* ---- runtime internal: called by the runtime and the heap pictures ---- */
/* Reset every generation list (objects still alive become untracked),
 * counts, stats and thresholds; PmRuntime_Init and PmRuntime_Fini call them. */
void _PmGC_Init(void);
void _PmGC_Fini(void);
/* The generation holding op: 0..2, 3 = permanent (gc.freeze()), -1 if op is
 * not tracked.  Costs a walk along op's list. */
int _PmGC_GenerationOf(PmObject *op);
/* op's gc_refs while a collection examines it, -1 at any other time. */
Pm_ssize_t _PmGC_GetRefs(PmObject *op);

#endif /* PM_GC_H */
