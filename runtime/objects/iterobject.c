/* iterobject.c - the iterators `for` loops use: over lists, tuples, dict
 * keys, str and range.
 *
 * As in CPython, an iterator over a container holds a strong reference to
 * it until exhausted (so sys.getrefcount(x) inside `for item in x` counts
 * the iterator), and is itself a tracked GC object: it could be part of a
 * cycle.  The range iterator holds only numbers and is not a GC object.
 */
#include "../pm_core.h"

PmObject *_PmObject_SelfIter(PmObject *op)
{
    return Pm_NewRef(op);
}

/* ---- sequence iterators (list, tuple, str) ------------------------------- */

typedef struct {
    PmObject_HEAD
    Pm_ssize_t it_index; /* next item (for str: next byte offset) */
    PmObject *it_seq; /* strong reference; NULL once exhausted */
} PmSeqIterObject;

static PmObject *seqiter_new(PmTypeObject *tp, PmObject *seq)
{
    PmSeqIterObject *it = PmObject_GC_New(PmSeqIterObject, tp);
    if (it == NULL)
        return NULL;
    it->it_index = 0;
    it->it_seq = Pm_NewRef(seq);
    PmObject_GC_Track(it);
    return (PmObject *)it;
}

PmObject *_PmListIter_New(PmObject *list)
{
    return seqiter_new(&PmListIter_Type, list);
}

PmObject *_PmTupleIter_New(PmObject *tuple)
{
    return seqiter_new(&PmTupleIter_Type, tuple);
}

PmObject *_PmUnicodeIter_New(PmObject *str)
{
    return seqiter_new(&PmUnicodeIter_Type, str);
}

static void seqiter_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
    Pm_XDECREF(((PmSeqIterObject *)op)->it_seq);
    Pm_TYPE(op)->tp_free(op);
}

static int seqiter_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmObject *seq = ((PmSeqIterObject *)op)->it_seq;
    return seq != NULL ? visit(seq, arg) : 0;
}

/* The sequence is released as soon as the iterator runs out, not when the
 * iterator dies: a finished loop no longer keeps its list alive. */
static PmObject *listiter_next(PmObject *op)
{
    PmSeqIterObject *it = (PmSeqIterObject *)op;
    if (it->it_seq == NULL)
        return NULL;
    if (it->it_index < Pm_SIZE(it->it_seq))
        return Pm_NewRef(PmList_GET_ITEM(it->it_seq, it->it_index++));
    Pm_CLEAR(it->it_seq);
    return NULL;
}

static PmObject *tupleiter_next(PmObject *op)
{
    PmSeqIterObject *it = (PmSeqIterObject *)op;
    if (it->it_seq == NULL)
        return NULL;
    if (it->it_index < Pm_SIZE(it->it_seq))
        return Pm_NewRef(PmTuple_GET_ITEM(it->it_seq, it->it_index++));
    Pm_CLEAR(it->it_seq);
    return NULL;
}

/* One code point at a time: it_index is a byte offset into the UTF-8. */
static PmObject *unicodeiter_next(PmObject *op)
{
    PmSeqIterObject *it = (PmSeqIterObject *)op;
    if (it->it_seq == NULL)
        return NULL;
    Pm_ssize_t n = Pm_SIZE(it->it_seq);
    if (it->it_index < n) {
        const char *s = PmUnicode_AsUTF8(it->it_seq) + it->it_index;
        Pm_ssize_t len = _PmUnicode_SeqLen((unsigned char)*s);
        if (len > n - it->it_index)
            len = n - it->it_index;
        it->it_index += len;
        return PmUnicode_FromStringAndSize(s, len);
    }
    Pm_CLEAR(it->it_seq);
    return NULL;
}

#define SEQITER_TYPE(var, name, next)            \
    PmTypeObject var = {                         \
        _PmType_HEAD_INIT,                       \
        .tp_name = name,                         \
        .tp_basicsize = sizeof(PmSeqIterObject), \
        .tp_dealloc = seqiter_dealloc,           \
        .tp_hash = _Pm_HashPointer,              \
        .tp_flags = Pm_TPFLAGS_HAVE_GC,          \
        .tp_traverse = seqiter_traverse,         \
        .tp_iter = _PmObject_SelfIter,           \
        .tp_iternext = next,                     \
        .tp_free = PmObject_GC_Del,              \
    }

SEQITER_TYPE(PmListIter_Type, "list_iterator", listiter_next);
SEQITER_TYPE(PmTupleIter_Type, "tuple_iterator", tupleiter_next);
SEQITER_TYPE(PmUnicodeIter_Type, "str_iterator", unicodeiter_next);

/* ---- dict key iterator -------------------------------------------------------- */

typedef struct {
    PmObject_HEAD
    PmObject *di_dict; /* strong reference; NULL once exhausted */
    Pm_ssize_t di_used; /* the dict's size when iteration began */
    Pm_ssize_t di_pos; /* next entry to look at */
} PmDictIterObject;

PmObject *_PmDictIter_New(PmObject *dict)
{
    PmDictIterObject *di = PmObject_GC_New(PmDictIterObject, &PmDictIterKey_Type);
    if (di == NULL)
        return NULL;
    di->di_dict = Pm_NewRef(dict);
    di->di_used = ((PmDictObject *)dict)->ma_used;
    di->di_pos = 0;
    PmObject_GC_Track(di);
    return (PmObject *)di;
}

static void dictiter_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
    Pm_XDECREF(((PmDictIterObject *)op)->di_dict);
    Pm_TYPE(op)->tp_free(op);
}

static int dictiter_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmObject *d = ((PmDictIterObject *)op)->di_dict;
    return d != NULL ? visit(d, arg) : 0;
}

/* Adding or removing keys during iteration is an error, as in Python. */
static PmObject *dictiter_next(PmObject *op)
{
    PmDictIterObject *di = (PmDictIterObject *)op;
    PmObject *key;
    if (di->di_dict == NULL)
        return NULL;
    if (di->di_used != ((PmDictObject *)di->di_dict)->ma_used) {
        PmErr_SetString(PmExc_RuntimeError, "dictionary changed size during iteration");
        di->di_used = -1; /* stay broken, as CPython does */
        return NULL;
    }
    if (PmDict_Next(di->di_dict, &di->di_pos, &key, NULL))
        return Pm_NewRef(key);
    Pm_CLEAR(di->di_dict);
    return NULL;
}

PmTypeObject PmDictIterKey_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "dict_keyiterator",
    .tp_basicsize = sizeof(PmDictIterObject),
    .tp_dealloc = dictiter_dealloc,
    .tp_hash = _Pm_HashPointer,
    .tp_flags = Pm_TPFLAGS_HAVE_GC,
    .tp_traverse = dictiter_traverse,
    .tp_iter = _PmObject_SelfIter,
    .tp_iternext = dictiter_next,
    .tp_free = PmObject_GC_Del,
};
