/* longobject.c - int (64-bit values), bool, and None.
 *
 * The small ints -5..256 are created once by PmRuntime_Init and are
 * immortal, as in CPython 3.12+.  True, False and None are static objects
 * with an immortal count from the start: no code runs to create them.
 */
#include <stdio.h>
#include "../pm_core.h"

/* ---- int ------------------------------------------------------------------- */

static PmLongObject *small_ints[_PM_NSMALLNEGINTS + _PM_NSMALLPOSINTS];

static int is_small(long long v)
{
    return v >= -_PM_NSMALLNEGINTS && v < _PM_NSMALLPOSINTS;
}

/* Allocate each small int as any int is allocated (so it sits in the
 * registry, part of the baseline every count starts from), then make it
 * immortal.  Its birth is not counted in _Pm_RefTotal: references to
 * immortal objects are never counted. */
void _PmLong_Init(void)
{
    for (long long v = -_PM_NSMALLNEGINTS; v < _PM_NSMALLPOSINTS; v++) {
        PmLongObject *op = PmObject_New(PmLongObject, &PmLong_Type);
        if (op == NULL)
            Pm_FatalError("PmRuntime_Init: out of memory creating the small ints");
        op->ob_ival = v;
        Pm_SET_REFCNT(op, _Pm_IMMORTAL_REFCNT);
        _Pm_DEC_REFTOTAL();
        small_ints[v + _PM_NSMALLNEGINTS] = op;
    }
}

void _PmLong_Fini(void)
{
    for (int i = 0; i < _PM_NSMALLNEGINTS + _PM_NSMALLPOSINTS; i++) {
        if (small_ints[i] != NULL) {
            _Pm_ForgetReference((PmObject *)small_ints[i]);
            PmObject_Free(small_ints[i]);
            small_ints[i] = NULL;
        }
    }
}

PmObject *PmLong_FromLongLong(long long v)
{
    if (is_small(v) && small_ints[v + _PM_NSMALLNEGINTS] != NULL)
        return (PmObject *)small_ints[v + _PM_NSMALLNEGINTS];
    PmLongObject *op = PmObject_New(PmLongObject, &PmLong_Type);
    if (op == NULL)
        return NULL;
    op->ob_ival = v;
    return (PmObject *)op;
}

long long PmLong_AsLongLong(PmObject *op)
{
    if (!PmLong_Check(op)) {
        PmErr_Format(PmExc_TypeError, "an integer is required (got type %s)", Pm_TYPE(op)->tp_name);
        return -1;
    }
    return ((PmLongObject *)op)->ob_ival;
}

static PmObject *long_repr(PmObject *op)
{
    return PmUnicode_FromFormat("%lld", ((PmLongObject *)op)->ob_ival);
}

/* CPython's hash of an int: the value modulo the Mersenne prime 2**61 - 1,
 * with the sign kept; -1 is reserved for errors and becomes -2. */
#define PM_HASH_MODULUS (((uint64_t)1 << 61) - 1)

static Pm_hash_t long_hash(PmObject *op)
{
    long long v = ((PmLongObject *)op)->ob_ival;
    uint64_t magnitude = v < 0 ? -(uint64_t)v : (uint64_t)v;
    Pm_hash_t x = (Pm_hash_t)(magnitude % PM_HASH_MODULUS);
    if (v < 0)
        x = -x;
    return x == -1 ? -2 : x;
}

PmObject *_PmBool_FromCompare(int result)
{
    return Pm_NewRef(result ? Pm_True : Pm_False);
}

/* Called for two ints (bool included). */
static PmObject *long_richcompare(PmObject *v, PmObject *w, int op)
{
    long long a = ((PmLongObject *)v)->ob_ival, b = ((PmLongObject *)w)->ob_ival;
    switch (op) {
    case Pm_LT: return _PmBool_FromCompare(a < b);
    case Pm_LE: return _PmBool_FromCompare(a <= b);
    case Pm_EQ: return _PmBool_FromCompare(a == b);
    case Pm_NE: return _PmBool_FromCompare(a != b);
    case Pm_GT: return _PmBool_FromCompare(a > b);
    default: return _PmBool_FromCompare(a >= b);
    }
}

/* A cached small int is immortal: reaching its deallocator means some code
 * dropped a reference it did not own and ignored immortality. */
static void long_dealloc(PmObject *op)
{
    long long v = ((PmLongObject *)op)->ob_ival;
    if (is_small(v) && (PmObject *)small_ints[v + _PM_NSMALLNEGINTS] == op)
        Pm_FatalError("deallocating a cached small int: an immortal object's count reached zero");
    Pm_TYPE(op)->tp_free(op);
}

PmTypeObject PmLong_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "int",
    .tp_basicsize = sizeof(PmLongObject),
    .tp_dealloc = long_dealloc,
    .tp_repr = long_repr,
    .tp_hash = long_hash,
    .tp_richcompare = long_richcompare,
    .tp_flags = Pm_TPFLAGS_BASETYPE | Pm_TPFLAGS_LONG_SUBCLASS,
    .tp_free = PmObject_Free,
};

/* ---- bool --------------------------------------------------------------------- */

static PmObject *bool_repr(PmObject *op)
{
    return PmUnicode_FromString(op == Pm_True ? "True" : "False");
}

static void bool_dealloc(PmObject *op)
{
    (void)op;
    Pm_FatalError("deallocating True or False: an immortal object's count reached zero");
}

PmTypeObject PmBool_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "bool",
    .tp_basicsize = sizeof(PmLongObject),
    .tp_dealloc = bool_dealloc,
    .tp_repr = bool_repr,
    .tp_hash = long_hash,
    .tp_richcompare = long_richcompare,
    .tp_flags = Pm_TPFLAGS_LONG_SUBCLASS,
};

PmLongObject _Pm_FalseStruct = {
    .ob_base = _PmObject_HEAD_IMMORTAL(&PmBool_Type),
    .ob_ival = 0,
};
PmLongObject _Pm_TrueStruct = {
    .ob_base = _PmObject_HEAD_IMMORTAL(&PmBool_Type),
    .ob_ival = 1,
};

PmObject *PmBool_FromLong(long v)
{
    return Pm_NewRef(v ? Pm_True : Pm_False);
}

/* ---- None ------------------------------------------------------------------------ */

static PmObject *none_repr(PmObject *op)
{
    (void)op;
    return PmUnicode_FromString("None");
}

static void none_dealloc(PmObject *op)
{
    (void)op;
    Pm_FatalError("deallocating None: an immortal object's count reached zero");
}

static Pm_hash_t none_hash(PmObject *op)
{
    return _Pm_HashPointer(op);
}

PmTypeObject PmNone_Type = {
    _PmType_HEAD_INIT,          .tp_name = "NoneType", .tp_basicsize = sizeof(PmObject),
    .tp_dealloc = none_dealloc, .tp_repr = none_repr,  .tp_hash = none_hash,
};

PmObject _Pm_NoneStruct = _PmObject_HEAD_IMMORTAL(&PmNone_Type);
