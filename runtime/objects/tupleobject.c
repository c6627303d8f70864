/* tupleobject.c - tuple: a fixed-size array of strong references.
 *
 * As in CPython 3.11, every new tuple is tracked by the collector (the
 * collector untracks it later if it cannot be part of a cycle), except the
 * empty tuple, a single shared object.  Releasing a tuple's items is
 * tuple_dealloc's job: chapter 1.
 */
#include <stdarg.h>
#include "../pm_core.h"

static PmTupleObject *empty_tuple;

/* The empty tuple is made once, at start-up, immortal and never tracked. */
void _PmTuple_Init(void)
{
    empty_tuple = PmObject_GC_NewVar(PmTupleObject, &PmTuple_Type, 0);
    if (empty_tuple == NULL)
        Pm_FatalError("PmRuntime_Init: out of memory creating the empty tuple");
    Pm_SET_REFCNT(empty_tuple, _Pm_IMMORTAL_REFCNT);
    _Pm_DEC_REFTOTAL();
}

void _PmTuple_Fini(void)
{
    if (empty_tuple != NULL) {
        _Pm_ForgetReference((PmObject *)empty_tuple);
        PmObject_GC_Del(empty_tuple);
        empty_tuple = NULL;
    }
}

PmObject *PmTuple_New(Pm_ssize_t size)
{
    if (size < 0) {
        PmErr_SetString(PmExc_ValueError, "negative tuple size");
        return NULL;
    }
    if (size == 0 && empty_tuple != NULL)
        return Pm_NewRef((PmObject *)empty_tuple);
    PmTupleObject *op = PmObject_GC_NewVar(PmTupleObject, &PmTuple_Type, size);
    if (op == NULL)
        return NULL;
    for (Pm_ssize_t i = 0; i < size; i++)
        op->ob_item[i] = NULL;
    PmObject_GC_Track(op);
    return (PmObject *)op;
}

PmObject *PmTuple_GetItem(PmObject *op, Pm_ssize_t i)
{
    if (!PmTuple_Check(op)) {
        PmErr_SetString(PmExc_TypeError, "PmTuple_GetItem: not a tuple");
        return NULL;
    }
    if (i < 0 || i >= Pm_SIZE(op)) {
        PmErr_SetString(PmExc_IndexError, "tuple index out of range");
        return NULL;
    }
    return PmTuple_GET_ITEM(op, i);
}

/* Steals item, even on failure (as CPython's PyTuple_SetItem does). */
int PmTuple_SetItem(PmObject *op, Pm_ssize_t i, PmObject *item)
{
    if (!PmTuple_Check(op)) {
        Pm_XDECREF(item);
        PmErr_SetString(PmExc_TypeError, "PmTuple_SetItem: not a tuple");
        return -1;
    }
    if (i < 0 || i >= Pm_SIZE(op)) {
        Pm_XDECREF(item);
        PmErr_SetString(PmExc_IndexError, "tuple assignment index out of range");
        return -1;
    }
    Pm_XSETREF(((PmTupleObject *)op)->ob_item[i], item);
    return 0;
}

PmObject *PmTuple_Pack(Pm_ssize_t n, ...)
{
    PmObject *t = PmTuple_New(n);
    if (t == NULL)
        return NULL;
    va_list ap;
    va_start(ap, n);
    for (Pm_ssize_t i = 0; i < n; i++)
        PmTuple_SET_ITEM(t, i, Pm_NewRef(va_arg(ap, PmObject *)));
    va_end(ap);
    return t;
}

static PmObject *tuple_repr(PmObject *op)
{
    Pm_ssize_t n = Pm_SIZE(op);
    if (n == 0)
        return PmUnicode_FromString("()");
    int r = _Pm_ReprEnter(op);
    if (r != 0)
        return r > 0 ? PmUnicode_FromString("(...)") : NULL;
    PmBuf b;
    _PmBuf_Init(&b);
    _PmBuf_Puts(&b, "(");
    for (Pm_ssize_t i = 0; i < n; i++) {
        if (i > 0)
            _PmBuf_Puts(&b, ", ");
        if (_PmObject_AppendRepr(&b, PmTuple_GET_ITEM(op, i)) < 0) {
            _Pm_ReprLeave(op);
            _PmBuf_Release(&b);
            return NULL;
        }
    }
    _PmBuf_Puts(&b, n == 1 ? ",)" : ")");
    _Pm_ReprLeave(op);
    return _PmBuf_Finish(&b);
}

/* CPython's tuplehash (3.8+): xxHash's mixing over the items' hashes. */
static Pm_hash_t tuple_hash(PmObject *op)
{
    const uint64_t prime1 = 11400714785074694791ULL, prime2 = 14029467366897019727ULL,
                   prime5 = 2870177450012600261ULL;
    Pm_ssize_t n = Pm_SIZE(op);
    uint64_t acc = prime5;
    for (Pm_ssize_t i = 0; i < n; i++) {
        Pm_hash_t lane = PmObject_Hash(PmTuple_GET_ITEM(op, i));
        if (lane == -1)
            return -1;
        acc += (uint64_t)lane * prime2;
        acc = (acc << 31) | (acc >> 33);
        acc *= prime1;
    }
    acc += (uint64_t)n ^ (prime5 ^ 3527539UL);
    if (acc == (uint64_t)-1)
        return 1546275796;
    return (Pm_hash_t)acc;
}

static PmObject *tuple_richcompare(PmObject *v, PmObject *w, int op)
{
    int result;
    if (_PmSequence_RichCompare(((PmTupleObject *)v)->ob_item, Pm_SIZE(v),
                                ((PmTupleObject *)w)->ob_item, Pm_SIZE(w), op, &result) < 0)
        return NULL;
    return _PmBool_FromCompare(result);
}

static int tuple_traverse(PmObject *op, visitproc visit, void *arg)
{
    for (Pm_ssize_t i = Pm_SIZE(op); --i >= 0;) {
        PmObject *item = PmTuple_GET_ITEM(op, i);
        if (item != NULL) {
            int r = visit(item, arg);
            if (r != 0)
                return r;
        }
    }
    return 0;
}

PmTypeObject PmTuple_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "tuple",
    .tp_basicsize = offsetof(PmTupleObject, ob_item),
    .tp_itemsize = sizeof(PmObject *),
    .tp_dealloc = tuple_dealloc,
    .tp_repr = tuple_repr,
    .tp_hash = tuple_hash,
    .tp_richcompare = tuple_richcompare,
    .tp_flags = Pm_TPFLAGS_HAVE_GC | Pm_TPFLAGS_BASETYPE | Pm_TPFLAGS_TUPLE_SUBCLASS,
    .tp_traverse = tuple_traverse,
    .tp_iter = _PmTupleIter_New,
    .tp_free = PmObject_GC_Del,
    .tp_methods = _PmTuple_Methods,
};

/* ---- the methods a scenario calls (CPython's tuple_methods) ----------------- */

Pm_ssize_t _PmSlice_Adjust(Pm_ssize_t n, long long *start, long long *stop, long long step)
{
    long long *bound[2] = {start, stop};
    for (int i = 0; i < 2; i++) {
        if (*bound[i] < 0 && (*bound[i] += n) < 0)
            *bound[i] = step < 0 ? -1 : 0;
        else if (*bound[i] >= n)
            *bound[i] = step < 0 ? n - 1 : n;
    }
    if (step < 0)
        return *stop < *start ? (Pm_ssize_t)((*start - *stop - 1) / -step + 1) : 0;
    return *start < *stop ? (Pm_ssize_t)((*stop - *start - 1) / step + 1) : 0;
}

Pm_ssize_t _PmSequence_Find(PmObject *const *items, Pm_ssize_t n, PmObject *x, Pm_ssize_t start,
                            Pm_ssize_t stop, Pm_ssize_t *count)
{
    Pm_ssize_t found = 0;
    for (Pm_ssize_t i = start; i < stop && i < n; i++) {
        PmObject *item = Pm_NewRef(items[i]); /* the comparison must not lose it */
        int r = PmObject_RichCompareBool(item, x, Pm_EQ);
        Pm_DECREF(item);
        if (r < 0)
            return -2;
        if (r > 0 && count == NULL)
            return i;
        found += r;
    }
    if (count != NULL)
        *count = found;
    return -1;
}

/* seq.index(x[, start[, stop]]) for lists and tuples: -1 if absent, -2 on
 * error (the caller raises its own ValueError). */
Pm_ssize_t _PmSequence_Index(PmObject *const *items, Pm_ssize_t n, const PmCallArgs *a)
{
    long long bound[2] = {0, n};
    for (int i = 1; i < a->nargs; i++) {
        if (!PmLong_Check(a->args[i])) {
            PmErr_SetString(PmExc_TypeError,
                            "slice indices must be integers or have an __index__ method");
            return -2;
        }
        bound[i - 1] = PmLong_AsLongLong(a->args[i]);
        if (bound[i - 1] < 0 && (bound[i - 1] += n) < 0)
            bound[i - 1] = 0;
    }
    return _PmSequence_Find(items, n, a->args[0], (Pm_ssize_t)bound[0],
                            bound[1] < n ? (Pm_ssize_t)bound[1] : n, NULL);
}

static PmObject *tuple_index(PmObject *self, const PmCallArgs *a)
{
    Pm_ssize_t i = _PmSequence_Index(((PmTupleObject *)self)->ob_item, Pm_SIZE(self), a);
    if (i == -1)
        PmErr_SetString(PmExc_ValueError, "tuple.index(x): x not in tuple");
    return i < 0 ? NULL : PmLong_FromLongLong(i);
}

static PmObject *tuple_count(PmObject *self, const PmCallArgs *a)
{
    Pm_ssize_t n;
    if (_PmSequence_Find(((PmTupleObject *)self)->ob_item, Pm_SIZE(self), a->args[0], 0,
                         Pm_SIZE(self), &n) == -2)
        return NULL;
    return PmLong_FromLongLong(n);
}

const PmMethodDef _PmTuple_Methods[] = {
    {"count", tuple_count, 1, 1, NULL},
    {"index", tuple_index, 1, 3, NULL},
    {0},
};
