/* rangeobject.c - range(start, stop, step) and its iterator.  Neither holds
 * a reference to another object, so neither is a GC object (as in CPython).
 */
#include "../pm_core.h"

typedef struct {
    PmObject_HEAD
    long long start, stop, step;
    long long length;
} PmRangeObject;

typedef struct {
    PmObject_HEAD
    long long next, step, remaining;
} PmRangeIterObject;

/* Number of items: ceil((stop - start) / step), at least 0.  Computed in
 * unsigned arithmetic so huge spans cannot overflow. */
static long long range_length(long long start, long long stop, long long step)
{
    unsigned long long span;
    if (step > 0 && start < stop)
        span = (unsigned long long)stop - (unsigned long long)start;
    else if (step < 0 && start > stop)
        span = (unsigned long long)start - (unsigned long long)stop;
    else
        return 0;
    unsigned long long ustep = step > 0 ? (unsigned long long)step : -(unsigned long long)step;
    unsigned long long n = (span - 1) / ustep + 1;
    return n > (unsigned long long)INT64_MAX ? -1 : (long long)n;
}

PmObject *PmRange_New(long long start, long long stop, long long step)
{
    if (step == 0) {
        PmErr_SetString(PmExc_ValueError, "range() arg 3 must not be zero");
        return NULL;
    }
    long long length = range_length(start, stop, step);
    if (length < 0) {
        PmErr_SetString(PmExc_OverflowError, "Python int too large to convert to C ssize_t");
        return NULL;
    }
    PmRangeObject *r = PmObject_New(PmRangeObject, &PmRange_Type);
    if (r == NULL)
        return NULL;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->length = length;
    return (PmObject *)r;
}

int _PmRange_Length(PmObject *op, long long *len)
{
    *len = ((PmRangeObject *)op)->length;
    return 0;
}

PmObject *_PmRange_Item(PmObject *op, long long i)
{
    PmRangeObject *r = (PmRangeObject *)op;
    if (i < 0)
        i += r->length;
    if (i < 0 || i >= r->length) {
        PmErr_SetString(PmExc_IndexError, "range object index out of range");
        return NULL;
    }
    return PmLong_FromLongLong(r->start + i * r->step);
}

static PmObject *range_repr(PmObject *op)
{
    PmRangeObject *r = (PmRangeObject *)op;
    if (r->step == 1)
        return PmUnicode_FromFormat("range(%lld, %lld)", r->start, r->stop);
    return PmUnicode_FromFormat("range(%lld, %lld, %lld)", r->start, r->stop, r->step);
}

/* Ranges are equal when they produce the same numbers. */
static int range_equal(PmRangeObject *a, PmRangeObject *b)
{
    if (a->length != b->length)
        return 0;
    if (a->length == 0)
        return 1;
    if (a->start != b->start)
        return 0;
    return a->length == 1 || a->step == b->step;
}

static PmObject *range_richcompare(PmObject *v, PmObject *w, int op)
{
    if (op != Pm_EQ && op != Pm_NE)
        return _PmObject_NotOrderable(v, w, op);
    int eq = range_equal((PmRangeObject *)v, (PmRangeObject *)w);
    return _PmBool_FromCompare(op == Pm_EQ ? eq : !eq);
}

/* Equal ranges hash alike: hash what range_equal looks at. */
static Pm_hash_t range_hash(PmObject *op)
{
    PmRangeObject *r = (PmRangeObject *)op;
    uint64_t h = (uint64_t)r->length * 1000003ULL;
    if (r->length > 0)
        h ^= (uint64_t)r->start * 0x9E3779B97F4A7C15ULL;
    if (r->length > 1)
        h ^= (uint64_t)r->step * 0xC2B2AE3D27D4EB4FULL;
    Pm_hash_t x = (Pm_hash_t)h;
    return x == -1 ? -2 : x;
}

static void range_dealloc(PmObject *op)
{
    Pm_TYPE(op)->tp_free(op);
}

PmObject *_PmRangeIter_New(PmObject *op)
{
    PmRangeObject *r = (PmRangeObject *)op;
    PmRangeIterObject *it = PmObject_New(PmRangeIterObject, &PmRangeIter_Type);
    if (it == NULL)
        return NULL;
    it->next = r->start;
    it->step = r->step;
    it->remaining = r->length;
    return (PmObject *)it;
}

static PmObject *rangeiter_next(PmObject *op)
{
    PmRangeIterObject *it = (PmRangeIterObject *)op;
    if (it->remaining <= 0)
        return NULL;
    long long v = it->next;
    it->remaining--;
    /* Unsigned addition: the step past the last value may overflow. */
    it->next = (long long)((unsigned long long)v + (unsigned long long)it->step);
    return PmLong_FromLongLong(v);
}

PmTypeObject PmRange_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "range",
    .tp_basicsize = sizeof(PmRangeObject),
    .tp_dealloc = range_dealloc,
    .tp_repr = range_repr,
    .tp_hash = range_hash,
    .tp_richcompare = range_richcompare,
    .tp_iter = _PmRangeIter_New,
    .tp_free = PmObject_Free,
};

PmTypeObject PmRangeIter_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "range_iterator",
    .tp_basicsize = sizeof(PmRangeIterObject),
    .tp_dealloc = range_dealloc,
    .tp_hash = _Pm_HashPointer,
    .tp_iter = _PmObject_SelfIter,
    .tp_iternext = rangeiter_next,
    .tp_free = PmObject_Free,
};
