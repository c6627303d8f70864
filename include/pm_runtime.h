/* pm_runtime.h - the runtime around the layers (given code, runtime/):
 * start-up and tear-down, errors, the registry of live objects, the scenario
 * interpreter, and heap pictures.  Read it to know who calls your layer.
 */
#ifndef PM_RUNTIME_H
#define PM_RUNTIME_H

#include <stdio.h>
#include "pm_object.h"

/* ---- lifecycle ---- */
/* Create the singletons (None, True, False, small ints, interned strings),
 * immortal from the start (their counts are set directly: start-up calls
 * no chapter code, so it works on an unfinished skeleton; in the
 * free-threaded build, every new object goes through chapter 5's
 * _Pm_NewReferenceNoTotal first), and reset the counters and the collector.  Safe to call again after PmRuntime_Fini. */
void PmRuntime_Init(void);
/* Collect, then free what the runtime itself holds. */
void PmRuntime_Fini(void);
/* The collection PmRuntime_Fini starts with: gc_collect_main (chapter 4,
 * Step 2) of the oldest generation.  A graded test of an earlier step may
 * point it at a collection of the grader's own, so that it tears down with
 * only the steps it tests written; PmRuntime_Init puts gc_collect_main
 * back. */
extern Pm_ssize_t (*_PmRuntime_FiniCollect)(int generation);

/* Newer CPython defaults where a scenario could see them:
 * 0 = behave as CPython 3.11 (the default), 1 = as 3.13 (gen-0 threshold
 * 2000).  Set before PmRuntime_Init; PMLAB_PYTHON=3.13 in the environment
 * sets it too. */
extern int _Pm_newer_defaults;

/* ---- errors (a single pending exception, as CPython's) ---- */
/* Exception kinds, named after the Python classes they print as. */
typedef enum {
    PmExc_None = 0,
    PmExc_TypeError,
    PmExc_ValueError,
    PmExc_IndexError,
    PmExc_KeyError,
    PmExc_NameError,
    PmExc_AttributeError,
    PmExc_ZeroDivisionError,
    PmExc_OverflowError,
    PmExc_MemoryError,
    PmExc_SyntaxError,
    PmExc_NotImplementedError, /* outside the supported subset */
    PmExc_RuntimeError,
    PmExc_RecursionError, /* nesting deeper than the recursion limit */
    PmExc_AssertionError,
} PmExcKind;

void PmErr_SetString(PmExcKind kind, const char *message);
/* PmErr_Format returns NULL, as CPython's PyErr_Format, so that a caller can
 * `return PmErr_Format(...);`. */
PmObject *PmErr_Format(PmExcKind kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
PmObject *PmErr_NoMemory(void); /* sets MemoryError, returns NULL */
int PmErr_Occurred(void); /* the pending kind, 0 if none */
const char *PmErr_Message(void); /* the pending message ("" if none) */
const char *PmErr_KindName(PmExcKind kind); /* "TypeError", ... */
void PmErr_Clear(void);

/* Print "Fatal Python error: <msg>" and the object, then abort(). */
void Pm_FatalError(const char *msg) __attribute__((noreturn));

/* ---- the registry of live objects (Py_TRACE_REFS) ---- */
Pm_ssize_t _Pm_GetRefTotal(void);
Pm_ssize_t _Pm_GetLiveObjects(void); /* objects in the registry */
int _Pm_IsRegistered(PmObject *op); /* is op a live object? */
/* Visit every live object, oldest first; stop early if visit returns != 0. */
int _Pm_ForEachLive(int (*visit)(PmObject *op, void *arg), void *arg);
/* Log every allocation and deallocation on stderr (clox's LOG_GC switch). */
extern int _Pm_log_alloc;

/* ---- the scenario interpreter ---- */
typedef struct {
    FILE *out; /* where print() writes; NULL = stdout */
    FILE *err; /* tracebacks and errors; NULL = stderr */
    long stop_after_output; /* stop once this many lines were printed (0 = never) */
    const char *heap_svg; /* if set: draw the heap here when stopping or at the end */
    const char *heap_dot; /* if set: also write the graph as DOT text */
    int keep_globals; /* 1: don't clear the module at the end */
} PmRunOptions;

typedef enum {
    PmRun_OK = 0, /* ran to the end (or to stop_after_output) */
    PmRun_Error = 1, /* a Python exception escaped: traceback printed */
    PmRun_Unsupported = 2, /* outside the subset: file, line and construct named */
    PmRun_IOError = 3, /* could not read the file */
} PmRunStatus;

typedef struct {
    PmRunStatus status;
    long lines_printed; /* output lines written */
    int last_line; /* scenario line of the last statement started */
    char message[512]; /* for errors: "file:line: what" */
} PmRunResult;

/* Run a scenario file on whatever layers are linked.  The runtime must be
 * initialised.  At the end the module's names are deleted (unless
 * keep_globals), as CPython does when a module is torn down. */
PmRunStatus PmRun_File(const char *path, const PmRunOptions *opt, PmRunResult *res);
PmRunStatus PmRun_String(const char *filename, const char *source, const PmRunOptions *opt,
                         PmRunResult *res);
/* The module namespace of the scenario now running (or kept); borrowed. */
PmObject *PmRun_Globals(void);
/* Delete the module's names (what keep_globals postponed). */
void PmRun_ClearGlobals(void);

/* ---- heap pictures (Graphviz cgraph/gvc) ---- */
typedef struct {
    const char *title; /* graph label, e.g. "yours, after line 7" */
    PmObject *roots; /* a dict of names -> objects drawn as roots (borrowed), or NULL */
    int show_immortal; /* draw None/True/False/small ints (default: as small leaves) */
    int show_gc; /* show gc_refs and generation on tracked objects */
    int max_nodes; /* 0 = default (200); the rest summarised in one node */
    /* If set: draw only the objects born after this baseline, every one of
     * them, containers or not (what a scenario left behind: the leak). */
    const struct PmHeapBaseline *since;
} PmHeapDrawOptions;

/* The objects alive now, to be left out of a later picture (opt.since).
 * NULL if memory ran out.  Free it with PmHeap_FreeBaseline. */
typedef struct PmHeapBaseline PmHeapBaseline;
PmHeapBaseline *PmHeap_TakeBaseline(void);
void PmHeap_FreeBaseline(PmHeapBaseline *baseline);

/* Draw the live heap: every registered object reachable from the roots, and
 * every live object that nothing reachable refers to (drawn as "leaked").
 * Edges come from tp_traverse; a reference to a freed object is drawn as a
 * red "freed" node.  format is "svg", "dot" or "png".  0 on success. */
int PmHeap_Render(const char *path, const char *format, const PmHeapDrawOptions *opt);

#endif /* PM_RUNTIME_H */
