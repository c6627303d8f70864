/* pm_core.h - helpers shared by the runtime's object files (not part of any
 * layer's contract): a growable text buffer for reprs, the repr recursion
 * guard, UTF-8 walking, and the per-type hooks object.c dispatches to.
 */
#ifndef PM_CORE_H
#define PM_CORE_H

#include <stdarg.h>
#include "pmlab.h"

/* The header of a static, immortal object (None, True, False, the built-in
 * types), for either object layout. */
#ifdef Pm_GIL_DISABLED
#define _PmObject_HEAD_IMMORTAL(type)                 \
    {                                                 \
        .ob_ref_local = UINT32_MAX, .ob_type = (type) \
    }
#else
#define _PmObject_HEAD_IMMORTAL(type)                       \
    {                                                       \
        .ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = (type) \
    }
#endif
/* The head of a static type object. */
#define _PmType_HEAD_INIT                                \
    {                                                    \
        .ob_base = _PmObject_HEAD_IMMORTAL(&PmType_Type) \
    }

/* A growable, NUL-terminated byte buffer.  Reprs are built here and turned
 * into one str at the end, so no temporary str objects are created. */
typedef struct {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: the text is incomplete */
} PmBuf;

void _PmBuf_Init(PmBuf *b);
void _PmBuf_Append(PmBuf *b, const char *s, size_t n);
void _PmBuf_Puts(PmBuf *b, const char *s);
void _PmBuf_Printf(PmBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the text over as a new str (NULL with MemoryError if anything failed);
 * the buffer is released either way. */
PmObject *_PmBuf_Finish(PmBuf *b);
void _PmBuf_Release(PmBuf *b);

/* Append repr(s) for UTF-8 text s of n bytes, quoted as CPython quotes it. */
void _PmUnicode_AppendRepr(PmBuf *b, const char *s, Pm_ssize_t n);
/* Number of code points in n bytes of UTF-8; byte offset of code point i. */
Pm_ssize_t _PmUnicode_CodePoints(const char *s, Pm_ssize_t n);
Pm_ssize_t _PmUnicode_ByteOffset(const char *s, Pm_ssize_t n, Pm_ssize_t index);
/* Length in bytes of the UTF-8 sequence starting with byte c. */
Pm_ssize_t _PmUnicode_SeqLen(unsigned char c);
/* The hash of n bytes of text, as str objects cache it in ob_shash. */
Pm_hash_t _PmUnicode_HashBytes(const char *s, Pm_ssize_t n);

/* Append repr(op) to b (used by the container reprs); -1 on error. */
int _PmObject_AppendRepr(PmBuf *b, PmObject *op);

/* CPython's Py_ReprEnter / Py_ReprLeave: 1 if op's repr is already being
 * built further up the C stack (print "[...]"), 0 if not (then call Leave
 * when done), -1 on error. */
int _Pm_ReprEnter(PmObject *op);
void _Pm_ReprLeave(PmObject *op);

/* Deep recursion guard for repr and comparisons (CPython's
 * Py_EnterRecursiveCall): -1 with RecursionError past the limit. */
int _Pm_EnterRecursiveCall(const char *where);
void _Pm_LeaveRecursiveCall(void);

/* An index into a sequence of length n, negative counted from the end;
 * -1 if out of range. */
Pm_ssize_t _Pm_NormalizeIndex(long long i, Pm_ssize_t n);

/* Objects the runtime keeps alive for its whole life (None, True, False, the
 * static types, interned strings) are outside the registry; _Pm_IsRegistered
 * still answers yes for them through this set. */
void _Pm_AddPermanent(PmObject *op);

/* Per-file start-up and tear-down, called by PmRuntime_Init / _Fini. */
void _PmLong_Init(void);
void _PmLong_Fini(void);
void _PmUnicode_Fini(void);
void _PmTuple_Init(void);
void _PmTuple_Fini(void);
void _PmType_InitStatic(void);
void _PmRegistry_Init(void);
void _PmRegistry_Fini(void);

/* Lookups used across files. */
PmObject *_PmDict_GetItemBytes(PmObject *dict, const char *key, Pm_ssize_t n); /* borrowed */
int _PmRange_Length(PmObject *op, long long *len);
PmObject *_PmRange_Item(PmObject *op, long long i);
PmObject *_PmType_Lookup(PmTypeObject *type, const char *name); /* borrowed */
/* Compare two sequences of items as Python compares lists and tuples:
 * *result is the answer to `v op w`; 0, or -1 on error. */
int _PmSequence_RichCompare(PmObject *const *vitems, Pm_ssize_t vn, PmObject *const *witems,
                            Pm_ssize_t wn, int op, int *result);

/* Identity hash of an address (CPython's _Py_HashPointer). */
Pm_hash_t _Pm_HashPointer(PmObject *op);
/* Raise TypeError "'<' not supported between instances of ..."; NULL. */
PmObject *_PmObject_NotOrderable(PmObject *v, PmObject *w, int op);
/* Pm_True or Pm_False, as a new reference. */
PmObject *_PmBool_FromCompare(int result);

/* The types' tp_iter: a new iterator over the object (iterobject.c). */
PmObject *_PmListIter_New(PmObject *list);
PmObject *_PmTupleIter_New(PmObject *tuple);
PmObject *_PmDictIter_New(PmObject *dict);
PmObject *_PmUnicodeIter_New(PmObject *str);
PmObject *_PmRangeIter_New(PmObject *range);
/* An iterator's tp_iter: itself. */
PmObject *_PmObject_SelfIter(PmObject *op);

/* Objects that may start or stop being tracked (CPython's
 * _PyObject_GC_MAY_BE_TRACKED): GC objects, except tuples not yet tracked. */
int _PmObject_GC_MayBeTracked(PmObject *op);

/* Lay out a picture built with cgraph, render it to path ("svg", "dot" or
 * "png") and close the graph; 0 on success (heapviz.c).  Every picture of
 * the runtime goes through here, so the process has one Graphviz context. */
struct Agraph_s;
int _PmGraphviz_Render(struct Agraph_s *g, const char *format, const char *path);

/* ---- methods a scenario calls (CPython's PyMethodDef and tp_methods) ---- */

/* The arguments of one call: positional, then keywords.  kw[i] is the
 * value of the i-th keyword the method's ml_keywords names (NULL if not
 * given); the raw keyword lists are for methods that take any keyword. */
typedef struct {
    PmObject *const *args;
    int nargs;
    char *const *kwnames;
    PmObject *const *kwvalues;
    int nkw;
    PmObject *kw[4];
} PmCallArgs;

typedef PmObject *(*PmCFunction)(PmObject *self, const PmCallArgs *a);

/* One method or built-in function.  The caller checks the number of
 * positional arguments (ml_min..ml_max, -1: no limit) and the keywords
 * (ml_keywords: NULL for none, "*" for any, else the names allowed,
 * space-separated), raising CPython's TypeError, before ml_meth runs.
 * Tables end with a {0} entry. */
typedef struct PmMethodDef {
    const char *ml_name;
    PmCFunction ml_meth;
    signed char ml_min, ml_max;
    const char *ml_keywords;
} PmMethodDef;

/* Call callable(arg) (the interpreter's, for sort's and min's key=). */
PmObject *_PmObject_CallOne(PmObject *callable, PmObject *arg);
/* `a + b` on the subset's types (sum() uses it). */
PmObject *_PmNumber_Add(PmObject *a, PmObject *b);
/* Append every item of iterable to list; 0 or -1. */
int _PmList_Extend(PmObject *list, PmObject *iterable);
/* Sort list in place, stably, comparing with < as CPython's list.sort;
 * key may be NULL. 0 or -1. */
int _PmList_Sort(PmObject *list, PmObject *key, int reverse);
/* A new tuple holding the items of list. */
PmObject *_PmList_AsTuple(PmObject *list);
/* d.update(other, **kw): other a dict, pairs, or NULL; 0 or -1. */
int _PmDict_Update(PmObject *d, PmObject *other, char *const *kwnames, PmObject *const *kwvalues,
                   int nkw);
/* list.index / tuple.index / .count over n items: the index of the first
 * item == x in [start, stop) (-1 if none) or, with count != NULL, how many;
 * -2 on error. */
Pm_ssize_t _PmSequence_Find(PmObject *const *items, Pm_ssize_t n, PmObject *x, Pm_ssize_t start,
                            Pm_ssize_t stop, Pm_ssize_t *count);
Pm_ssize_t _PmSequence_Index(PmObject *const *items, Pm_ssize_t n, const PmCallArgs *a);
/* Clamp a slice bound as CPython's PySlice_AdjustIndices does. */
Pm_ssize_t _PmSlice_Adjust(Pm_ssize_t n, long long *start, long long *stop, long long step);
/* Dict views (dictobject.c): is op one?  its dict (borrowed). */
int _PmDictView_Check(PmObject *op);
extern PmTypeObject PmDictKeys_Type, PmDictValues_Type, PmDictItems_Type;
PmObject *_PmDictView_Dict(PmObject *op);

/* Exceptions as objects (exceptions.c): the class named name (a kind's,
 * or a base: LookupError, ArithmeticError, Exception, BaseException;
 * borrowed, NULL if none); does an exception of this kind match `except
 * cls` (a class or a tuple of them; -1 with TypeError if cls is neither);
 * a new exception object holding str(e). */
PmObject *_PmExc_Lookup(const char *name);
int _PmErr_GivenExceptionMatches(PmObject *cls, PmExcKind kind);
PmObject *_PmErr_NewException(PmExcKind kind, const char *message);

/* Mark a parameter a function must take but does not use (CPython's Py_UNUSED). */
#define Pm_UNUSED(name) _unused_##name __attribute__((unused))

extern const PmMethodDef _PmList_Methods[], _PmTuple_Methods[], _PmDict_Methods[];

#endif /* PM_CORE_H */
