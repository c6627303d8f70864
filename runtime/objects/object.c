/* object.c - the registry of live objects (CPython's Py_TRACE_REFS
 * "refchain"), object allocation, fatal reference-count reports, and the
 * generic object protocol: repr, str, hash, comparison, truth, attributes.
 *
 * Every object allocated by the runtime is linked into the registry from
 * birth (_Pm_NewReference) to death (_Pm_ForgetReference, called by
 * _Pm_Dealloc).  The grader counts it; heap pictures walk it.  Only the
 * build of `make bench` leaves it out (Pm_NO_TRACE_REFS, pm_object.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../pm_core.h"

Pm_ssize_t _Pm_RefTotal;
int _Pm_log_alloc;
#ifdef Pm_GIL_DISABLED
_Thread_local Pm_ssize_t _Pm_RefTotal_thread;
/* In the free-threaded build any thread may create or free an object: the
 * registry is one list, so it is changed under one lock. */
#include <pthread.h>
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
#define REGISTRY_LOCK() pthread_mutex_lock(&registry_lock)
#define REGISTRY_UNLOCK() pthread_mutex_unlock(&registry_lock)
#else
#define REGISTRY_LOCK() ((void)0)
#define REGISTRY_UNLOCK() ((void)0)
#endif

#ifndef Pm_NO_TRACE_REFS
/* ---- a set of object addresses (open addressing, linear probing) -------
 * The registry's list answers "which objects live?" in order; this set
 * answers "is this address a live object?" in O(1), which heap pictures ask
 * for every reference they draw (a reference to a freed object is a bug to
 * show, not memory to read).  The set of registered objects is built from
 * the list when it is first asked for after a change, not kept up to date
 * on every allocation: pictures are rare, allocations are not. */
typedef struct {
    PmObject **slots; /* NULL = empty */
    size_t mask; /* slots has mask + 1 entries (a power of two) */
    size_t used; /* entries */
} PtrSet;

static size_t ptr_hash(PmObject *op)
{
    uintptr_t x = (uintptr_t)op >> 4; /* objects are 16-byte aligned */
    x ^= x >> 17;
    x *= (uintptr_t)0x9E3779B97F4A7C15ULL;
    return (size_t)(x ^ (x >> 29));
}

static void ptrset_free(PtrSet *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static int ptrset_contains(const PtrSet *s, PmObject *op)
{
    if (s->slots == NULL)
        return 0;
    for (size_t i = ptr_hash(op) & s->mask;; i = (i + 1) & s->mask) {
        if (s->slots[i] == op)
            return 1;
        if (s->slots[i] == NULL)
            return 0;
    }
}

static void ptrset_add(PtrSet *s, PmObject *op);

/* Rebuild with room for four times the entries. */
static void ptrset_grow(PtrSet *s)
{
    PtrSet old = *s;
    size_t size = 64;
    while (size < old.used * 4)
        size <<= 1;
    s->slots = calloc(size, sizeof(PmObject *));
    if (s->slots == NULL)
        Pm_FatalError("out of memory for the registry of live objects");
    s->mask = size - 1;
    s->used = 0;
    for (size_t i = 0; old.slots != NULL && i <= old.mask; i++)
        if (old.slots[i] != NULL)
            ptrset_add(s, old.slots[i]);
    free(old.slots);
}

static void ptrset_add(PtrSet *s, PmObject *op)
{
    if (s->slots == NULL || (s->used + 1) * 2 > s->mask + 1)
        ptrset_grow(s);
    size_t i = ptr_hash(op) & s->mask;
    while (s->slots[i] != NULL)
        i = (i + 1) & s->mask;
    s->slots[i] = op;
    s->used++;
}

/* ---- the registry -------------------------------------------------------- */

/* The list is circular through a sentinel: refchain._ob_next is the oldest
 * object, refchain._ob_prev the newest. */
static PmObject refchain = {._ob_next = &refchain, ._ob_prev = &refchain};
static PtrSet registered; /* the objects in refchain, as of registered_at */
static PtrSet permanent; /* outside refchain but alive for good */
static Pm_ssize_t live_objects;
static uint64_t registry_changes; /* objects linked or unlinked so far */
static uint64_t registered_at = UINT64_MAX;

void _PmRegistry_Init(void)
{
    refchain._ob_next = refchain._ob_prev = &refchain;
    ptrset_free(&registered);
    registered_at = UINT64_MAX;
    ptrset_free(&permanent);
    live_objects = 0;
    _Pm_RefTotal = 0;
#ifdef Pm_GIL_DISABLED
    _Pm_RefTotal_thread = 0;
#endif
}

void _PmRegistry_Fini(void)
{
    ptrset_free(&registered);
    registered_at = UINT64_MAX;
    ptrset_free(&permanent);
}

void _Pm_AddPermanent(PmObject *op)
{
    if (!ptrset_contains(&permanent, op))
        ptrset_add(&permanent, op);
}

void _Pm_NewReference(PmObject *op)
{
#ifdef Pm_GIL_DISABLED
    _Pm_NewReferenceNoTotal(op); /* chapter 5: owned by this thread */
#else
    Pm_SET_REFCNT(op, 1);
#endif
    _Pm_INC_REFTOTAL();
    REGISTRY_LOCK();
    op->_ob_prev = refchain._ob_prev;
    op->_ob_next = &refchain;
    refchain._ob_prev->_ob_next = op;
    refchain._ob_prev = op;
    registry_changes++;
    live_objects++;
    REGISTRY_UNLOCK();
    if (_Pm_log_alloc)
        fprintf(stderr, "alloc %s %p\n", Pm_TYPE(op)->tp_name, (void *)op);
}

void _Pm_ForgetReference(PmObject *op)
{
    /* A registered object is linked both ways; _Pm_ForgetReference leaves
     * NULL links behind, so a second call finds them. */
    REGISTRY_LOCK();
    if (op->_ob_next == NULL || op->_ob_prev == NULL || op->_ob_prev->_ob_next != op) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "_Pm_ForgetReference: object at %p is not in the registry of live objects "
                 "(it was probably freed twice)",
                 (void *)op);
        REGISTRY_UNLOCK();
        Pm_FatalError(msg);
    }
    if (_Pm_log_alloc)
        fprintf(stderr, "free %s %p\n", Pm_TYPE(op)->tp_name, (void *)op);
    op->_ob_next->_ob_prev = op->_ob_prev;
    op->_ob_prev->_ob_next = op->_ob_next;
    op->_ob_next = op->_ob_prev = NULL;
    registry_changes++;
    live_objects--;
    REGISTRY_UNLOCK();
}

#else /* Pm_NO_TRACE_REFS */
/* ---- no registry -----------------------------------------------------------
 * Built with Pm_NO_TRACE_REFS (only `make bench` is), the object header has
 * no registry links, as in CPython's release builds: objects are counted,
 * not linked, so nothing can list them, and what needs the list stops. */
static Pm_ssize_t live_objects;

void _PmRegistry_Init(void)
{
    live_objects = 0;
    _Pm_RefTotal = 0;
#ifdef Pm_GIL_DISABLED
    _Pm_RefTotal_thread = 0;
#endif
}

void _PmRegistry_Fini(void) {}

void _Pm_AddPermanent(PmObject *op)
{
    (void)op;
}

void _Pm_NewReference(PmObject *op)
{
#ifdef Pm_GIL_DISABLED
    _Pm_NewReferenceNoTotal(op);
#else
    Pm_SET_REFCNT(op, 1);
#endif
    _Pm_INC_REFTOTAL();
    REGISTRY_LOCK();
    live_objects++;
    REGISTRY_UNLOCK();
    if (_Pm_log_alloc)
        fprintf(stderr, "alloc %s %p\n", Pm_TYPE(op)->tp_name, (void *)op);
}

void _Pm_ForgetReference(PmObject *op)
{
    if (_Pm_log_alloc)
        fprintf(stderr, "free %s %p\n", Pm_TYPE(op)->tp_name, (void *)op);
    REGISTRY_LOCK();
    live_objects--;
    REGISTRY_UNLOCK();
}
#endif /* Pm_NO_TRACE_REFS */

Pm_ssize_t _Pm_GetRefTotal(void)
{
#ifdef Pm_GIL_DISABLED
    return __atomic_load_n(&_Pm_RefTotal, __ATOMIC_RELAXED) + _Pm_RefTotal_thread;
#else
    return _Pm_RefTotal;
#endif
}

Pm_ssize_t _Pm_GetLiveObjects(void)
{
    return live_objects;
}

#ifndef Pm_NO_TRACE_REFS
int _Pm_IsRegistered(PmObject *op)
{
    if (registered_at != registry_changes) {
        ptrset_free(&registered);
        for (PmObject *p = refchain._ob_next; p != &refchain; p = p->_ob_next)
            ptrset_add(&registered, p);
        registered_at = registry_changes;
    }
    return ptrset_contains(&registered, op) || ptrset_contains(&permanent, op);
}

int _Pm_ForEachLive(int (*visit)(PmObject *op, void *arg), void *arg)
{
    /* Read the successor first: visit may free the object it is given. */
    for (PmObject *op = refchain._ob_next, *next; op != &refchain; op = next) {
        next = op->_ob_next;
        int r = visit(op, arg);
        if (r != 0)
            return r;
    }
    return 0;
}

#else /* Pm_NO_TRACE_REFS */
int _Pm_IsRegistered(PmObject *op)
{
    (void)op;
    Pm_FatalError(
        "_Pm_IsRegistered: built without the registry of live objects (Pm_NO_TRACE_REFS)");
}

int _Pm_ForEachLive(int (*visit)(PmObject *op, void *arg), void *arg)
{
    (void)visit;
    (void)arg;
    Pm_FatalError("_Pm_ForEachLive: built without the registry of live objects (Pm_NO_TRACE_REFS)");
}
#endif /* Pm_NO_TRACE_REFS */

void _Pm_NegativeRefcount(PmObject *op)
{
    fflush(stdout);
    fprintf(stderr, "Fatal Python error: _Pm_NegativeRefcount: object has negative ref count\n");
    fprintf(stderr, "object type: %s, address: %p, refcount: %zd\n", Pm_TYPE(op)->tp_name,
            (void *)op, (Pm_ssize_t)Pm_REFCNT(op));
    fflush(stderr);
    abort();
}

void _Pm_Unimplemented(const char *function, const char *where)
{
    fflush(stdout);
    fprintf(stderr, "pmlab: not yet written: %s (read %s)\n", function, where);
    fflush(stderr);
    abort();
}

/* ---- allocation of non-GC objects ---------------------------------------- */

PmObject *_PmObject_New(PmTypeObject *tp)
{
    PmObject *op = PmObject_Malloc((size_t)tp->tp_basicsize);
    if (op == NULL)
        return PmErr_NoMemory();
    memset(op, 0, (size_t)tp->tp_basicsize);
    Pm_SET_TYPE(op, tp);
    _Pm_NewReference(op);
    return op;
}

PmVarObject *_PmObject_NewVar(PmTypeObject *tp, Pm_ssize_t nitems)
{
    size_t size = (size_t)tp->tp_basicsize + (size_t)nitems * (size_t)tp->tp_itemsize;
    PmVarObject *op = PmObject_Malloc(size);
    if (op == NULL) {
        PmErr_NoMemory();
        return NULL;
    }
    memset(op, 0, size);
    Pm_SET_TYPE(op, tp);
    Pm_SET_SIZE(op, nitems);
    _Pm_NewReference((PmObject *)op);
    return op;
}

/* ---- recursion guards ----------------------------------------------------- */

/* Objects whose repr is being built, innermost last (CPython keeps the same
 * list per thread, in Py_ReprEnter). */
static PmObject **repr_stack;
static Pm_ssize_t repr_depth, repr_capacity;

int _Pm_ReprEnter(PmObject *op)
{
    for (Pm_ssize_t i = 0; i < repr_depth; i++)
        if (repr_stack[i] == op)
            return 1;
    if (repr_depth == repr_capacity) {
        Pm_ssize_t cap = repr_capacity ? 2 * repr_capacity : 16;
        PmObject **stack = PmMem_Realloc(repr_stack, (size_t)cap * sizeof *stack);
        if (stack == NULL) {
            PmErr_NoMemory();
            return -1;
        }
        repr_stack = stack;
        repr_capacity = cap;
    }
    repr_stack[repr_depth++] = op;
    return 0;
}

void _Pm_ReprLeave(PmObject *op)
{
    if (repr_depth > 0 && repr_stack[repr_depth - 1] == op)
        repr_depth--;
    if (repr_depth == 0) {
        PmMem_Free(repr_stack);
        repr_stack = NULL;
        repr_capacity = 0;
    }
}

/* CPython's default recursion limit.  Deeply nested containers raise
 * RecursionError here, as in CPython, instead of overflowing the C stack. */
#define PM_RECURSION_LIMIT 1000
static int recursion_depth;

int _Pm_EnterRecursiveCall(const char *where)
{
    if (++recursion_depth > PM_RECURSION_LIMIT) {
        recursion_depth--;
        PmErr_Format(PmExc_RecursionError, "maximum recursion depth exceeded%s", where);
        return -1;
    }
    return 0;
}

void _Pm_LeaveRecursiveCall(void)
{
    recursion_depth--;
}

/* ---- repr and str ----------------------------------------------------------- */

PmObject *PmObject_Repr(PmObject *op)
{
    PmTypeObject *tp = Pm_TYPE(op);
    if (tp->tp_repr == NULL)
        return PmUnicode_FromFormat("<%s object at %p>", tp->tp_name, (void *)op);
    if (_Pm_EnterRecursiveCall(" while getting the repr of an object"))
        return NULL;
    PmObject *res = tp->tp_repr(op);
    _Pm_LeaveRecursiveCall();
    return res;
}

PmObject *PmObject_Str(PmObject *op)
{
    if (PmUnicode_Check(op))
        return Pm_NewRef(op);
    return Pm_TYPE(op)->tp_str != NULL ? Pm_TYPE(op)->tp_str(op) : PmObject_Repr(op);
}

int _PmObject_AppendRepr(PmBuf *b, PmObject *op)
{
    PmObject *r = PmObject_Repr(op);
    if (r == NULL)
        return -1;
    _PmBuf_Append(b, PmUnicode_AsUTF8(r), (size_t)Pm_SIZE(r));
    Pm_DECREF(r);
    return 0;
}

/* ---- hash ----------------------------------------------------------------------- */

/* Objects compared by identity hash by address (CPython's _Py_HashPointer:
 * the low 4 bits are always zero, so rotate them away). */
Pm_hash_t _Pm_HashPointer(PmObject *op)
{
    uintptr_t y = (uintptr_t)op;
    y = (y >> 4) | (y << (8 * sizeof(y) - 4));
    Pm_hash_t x = (Pm_hash_t)y;
    return x == -1 ? -2 : x;
}

Pm_hash_t PmObject_Hash(PmObject *op)
{
    PmTypeObject *tp = Pm_TYPE(op);
    if (tp->tp_hash == NULL) {
        PmErr_Format(PmExc_TypeError, "unhashable type: '%s'", tp->tp_name);
        return -1;
    }
    return tp->tp_hash(op);
}

/* ---- comparison ----------------------------------------------------------------- */

static const char *const opstrings[] = {"<", "<=", "==", "!=", ">", ">="};

PmObject *_PmObject_NotOrderable(PmObject *v, PmObject *w, int op)
{
    PmErr_Format(PmExc_TypeError, "'%s' not supported between instances of '%s' and '%s'",
                 opstrings[op], Pm_TYPE(v)->tp_name, Pm_TYPE(w)->tp_name);
    return NULL;
}

/* The built-in types compare only with their own kind (int and bool count as
 * one kind), so a type's tp_richcompare is called with two operands of its
 * type and never needs CPython's NotImplemented.  Other pairs are equal only
 * if identical, and have no order. */
PmObject *PmObject_RichCompare(PmObject *v, PmObject *w, int op)
{
    PmTypeObject *tv = Pm_TYPE(v);
    int same_kind = tv == Pm_TYPE(w) || (PmLong_Check(v) && PmLong_Check(w));
    if (same_kind && tv->tp_richcompare != NULL) {
        if (_Pm_EnterRecursiveCall(" in comparison"))
            return NULL;
        PmObject *res = tv->tp_richcompare(v, w, op);
        _Pm_LeaveRecursiveCall();
        return res;
    }
    if (op == Pm_EQ)
        return Pm_NewRef(v == w ? Pm_True : Pm_False);
    if (op == Pm_NE)
        return Pm_NewRef(v != w ? Pm_True : Pm_False);
    return _PmObject_NotOrderable(v, w, op);
}

int PmObject_RichCompareBool(PmObject *v, PmObject *w, int op)
{
    /* Identity implies equality, as in CPython (containers rely on it). */
    if (v == w) {
        if (op == Pm_EQ)
            return 1;
        if (op == Pm_NE)
            return 0;
    }
    PmObject *res = PmObject_RichCompare(v, w, op);
    if (res == NULL)
        return -1;
    int ok = PmObject_IsTrue(res);
    Pm_DECREF(res);
    return ok;
}

/* ---- truth ---------------------------------------------------------------------- */

int PmObject_IsTrue(PmObject *op)
{
    if (op == Pm_True)
        return 1;
    if (op == Pm_False || op == Pm_None)
        return 0;
    if (PmLong_Check(op))
        return ((PmLongObject *)op)->ob_ival != 0;
    if (PmUnicode_Check(op) || PmTuple_Check(op) || PmList_Check(op))
        return Pm_SIZE(op) != 0;
    if (PmDict_Check(op))
        return ((PmDictObject *)op)->ma_used != 0;
    if (_PmDictView_Check(op))
        return PmObject_Length(op) != 0;
    if (Pm_IS_TYPE(op, &PmRange_Type)) {
        long long n;
        _PmRange_Length(op, &n);
        return n != 0;
    }
    return 1;
}

/* ---- attributes ----------------------------------------------------------------- */

static int is_heap_type(PmObject *op)
{
    return PmType_Check(op) && PmType_HasFeature((PmTypeObject *)op, Pm_TPFLAGS_HEAPTYPE);
}

static PmObject *no_attribute(PmObject *op, const char *name)
{
    if (PmType_Check(op))
        PmErr_Format(PmExc_AttributeError, "type object '%s' has no attribute '%s'",
                     ((PmTypeObject *)op)->tp_name, name);
    else
        PmErr_Format(PmExc_AttributeError, "'%s' object has no attribute '%s'",
                     Pm_TYPE(op)->tp_name, name);
    return NULL;
}

/* Instances look in their own attributes first, then in their class;
 * classes look in their own dict. */
PmObject *PmObject_GetAttrString(PmObject *op, const char *name)
{
    PmObject *res = NULL;
    if (PmInstance_Check(op)) {
        res =
            _PmDict_GetItemBytes(((PmInstanceObject *)op)->ob_dict, name, (Pm_ssize_t)strlen(name));
        if (res == NULL)
            res = _PmType_Lookup(Pm_TYPE(op), name);
    } else if (is_heap_type(op)) {
        res = _PmType_Lookup((PmTypeObject *)op, name);
    }
    if (res == NULL)
        return no_attribute(op, name);
    return Pm_NewRef(res);
}

int PmObject_SetAttrString(PmObject *op, const char *name, PmObject *value)
{
    PmObject *dict;
    if (PmInstance_Check(op)) {
        dict = ((PmInstanceObject *)op)->ob_dict;
    } else if (is_heap_type(op)) {
        dict = ((PmTypeObject *)op)->tp_dict;
    } else if (PmType_Check(op)) {
        PmErr_Format(PmExc_TypeError, "cannot set '%s' attribute of immutable type '%s'", name,
                     ((PmTypeObject *)op)->tp_name);
        return -1;
    } else {
        no_attribute(op, name);
        return -1;
    }
    /* Attribute names are interned, as CPython interns identifiers: every
     * instance's table shares one immortal key per name. */
    PmObject *key = PmUnicode_InternFromString(name);
    if (key == NULL)
        return -1;
    if (value != NULL)
        return PmDict_SetItem(dict, key, value);
    if (!PmDict_Contains(dict, key)) {
        no_attribute(op, name);
        return -1;
    }
    return PmDict_DelItem(dict, key);
}

/* ---- GC-ness -------------------------------------------------------------------- */

int _PmObject_IsGC(PmObject *op)
{
    return _PmObject_IS_GC(op);
}

int _PmObject_GC_MayBeTracked(PmObject *op)
{
    if (!_PmObject_IsGC(op))
        return 0;
    if (PmTuple_Check(op))
        return PmObject_GC_IsTracked(op);
    return 1;
}

/* ---- labels for pictures and logs ----------------------------------------------- */

static void label_count(char *buf, size_t size, const char *kind, Pm_ssize_t n)
{
    snprintf(buf, size, "%s (%zd item%s)", kind, n, n == 1 ? "" : "s");
}

/* Never allocates an object: pictures must not change the heap they draw. */
void _PmObject_ShortLabel(PmObject *op, char *buf, size_t size)
{
    enum { MAX_TEXT = 24 };
    PmTypeObject *tp = Pm_TYPE(op);
    if (size == 0)
        return;
    if (op == Pm_None) {
        snprintf(buf, size, "None");
    } else if (PmBool_Check(op)) {
        snprintf(buf, size, "bool %s", op == Pm_True ? "True" : "False");
    } else if (PmLong_Check(op)) {
        snprintf(buf, size, "int %lld", ((PmLongObject *)op)->ob_ival);
    } else if (PmUnicode_Check(op)) {
        const char *s = PmUnicode_AsUTF8(op);
        Pm_ssize_t n = Pm_SIZE(op), cut = 0;
        while (cut < n && cut < MAX_TEXT)
            cut += _PmUnicode_SeqLen((unsigned char)s[cut]);
        if (cut > n)
            cut = n;
        PmBuf b;
        _PmBuf_Init(&b);
        _PmUnicode_AppendRepr(&b, s, cut);
        if (b.failed)
            snprintf(buf, size, "str");
        else if (cut < n) /* 'text...': the closing quote stays last */
            snprintf(buf, size, "str %.*s...%c", (int)b.len - 1, b.data, b.data[b.len - 1]);
        else
            snprintf(buf, size, "str %s", b.data);
        _PmBuf_Release(&b);
    } else if (PmList_Check(op)) {
        label_count(buf, size, "list", Pm_SIZE(op));
    } else if (PmTuple_Check(op)) {
        label_count(buf, size, "tuple", Pm_SIZE(op));
    } else if (PmDict_Check(op)) {
        label_count(buf, size, ((PmDictObject *)op)->ma_managed ? "attributes" : "dict",
                    ((PmDictObject *)op)->ma_used);
    } else if (Pm_IS_TYPE(op, &PmRange_Type)) {
        long long n;
        _PmRange_Length(op, &n);
        snprintf(buf, size, "range (%lld items)", n);
    } else if (PmType_Check(op)) {
        snprintf(buf, size, "class %s", ((PmTypeObject *)op)->tp_name);
    } else if (PmInstance_Check(op)) {
        snprintf(buf, size, "%s instance", tp->tp_name);
    } else {
        snprintf(buf, size, "%s", tp->tp_name);
    }
}
