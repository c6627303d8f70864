/* abstract.c - the operations the interpreter applies to any object:
 * subscripting (x[i], x[i] = v, del x[i]), len(), iteration.  Each checks
 * the kind of object and raises the TypeError CPython raises for the others.
 */
#include "../pm_core.h"

Pm_ssize_t _Pm_NormalizeIndex(long long i, Pm_ssize_t n)
{
    if (i < 0)
        i += n;
    return (i < 0 || i >= n) ? -1 : (Pm_ssize_t)i;
}

/* The index a sequence subscript names, or -1 with the error set. */
static int sequence_index(PmObject *seq, PmObject *key, Pm_ssize_t len, const char *what,
                          Pm_ssize_t *index)
{
    if (!PmLong_Check(key)) {
        PmErr_Format(PmExc_TypeError, "%s indices must be integers or slices, not %s",
                     Pm_TYPE(seq)->tp_name, Pm_TYPE(key)->tp_name);
        return -1;
    }
    *index = _Pm_NormalizeIndex(PmLong_AsLongLong(key), len);
    if (*index < 0) {
        PmErr_Format(PmExc_IndexError, "%s index out of range", what);
        return -1;
    }
    return 0;
}

/* KeyError's message is the repr of the key, as Python prints it. */
static void key_error(PmObject *key)
{
    PmObject *r = PmObject_Repr(key);
    if (r == NULL)
        return;
    PmErr_SetString(PmExc_KeyError, PmUnicode_AsUTF8(r));
    Pm_DECREF(r);
}

PmObject *PmObject_GetItem(PmObject *op, PmObject *key)
{
    Pm_ssize_t i;
    if (PmDict_Check(op)) {
        Pm_hash_t hash = PmObject_Hash(key);
        if (hash == -1)
            return NULL;
        PmDictEntry *ep = _PmDict_FindEntry((PmDictObject *)op, key, hash);
        if (ep == NULL) {
            if (!PmErr_Occurred())
                key_error(key);
            return NULL;
        }
        return Pm_NewRef(ep->me_value);
    }
    if (PmList_Check(op)) {
        if (sequence_index(op, key, Pm_SIZE(op), "list", &i) < 0)
            return NULL;
        return Pm_NewRef(PmList_GET_ITEM(op, i));
    }
    if (PmTuple_Check(op)) {
        if (sequence_index(op, key, Pm_SIZE(op), "tuple", &i) < 0)
            return NULL;
        return Pm_NewRef(PmTuple_GET_ITEM(op, i));
    }
    if (PmUnicode_Check(op)) {
        const char *s = PmUnicode_AsUTF8(op);
        Pm_ssize_t n = Pm_SIZE(op);
        if (sequence_index(op, key, _PmUnicode_CodePoints(s, n), "string", &i) < 0)
            return NULL;
        Pm_ssize_t at = _PmUnicode_ByteOffset(s, n, i);
        Pm_ssize_t len = _PmUnicode_SeqLen((unsigned char)s[at]);
        return PmUnicode_FromStringAndSize(s + at, len < n - at ? len : n - at);
    }
    if (Pm_IS_TYPE(op, &PmRange_Type)) {
        if (!PmLong_Check(key)) {
            PmErr_Format(PmExc_TypeError, "range indices must be integers or slices, not %s",
                         Pm_TYPE(key)->tp_name);
            return NULL;
        }
        return _PmRange_Item(op, PmLong_AsLongLong(key));
    }
    PmErr_Format(PmExc_TypeError, "'%s' object is not subscriptable", Pm_TYPE(op)->tp_name);
    return NULL;
}

int PmObject_SetItem(PmObject *op, PmObject *key, PmObject *value)
{
    if (PmDict_Check(op))
        return PmDict_SetItem(op, key, value);
    if (PmList_Check(op)) {
        Pm_ssize_t i;
        if (sequence_index(op, key, Pm_SIZE(op), "list assignment", &i) < 0)
            return -1;
        /* PmList_SetItem steals its item; the caller keeps its own. */
        return PmList_SetItem(op, i, Pm_NewRef(value));
    }
    PmErr_Format(PmExc_TypeError, "'%s' object does not support item assignment",
                 Pm_TYPE(op)->tp_name);
    return -1;
}

int PmObject_DelItem(PmObject *op, PmObject *key)
{
    if (PmDict_Check(op)) {
        int has = PmDict_Contains(op, key);
        if (has < 0)
            return -1;
        if (!has) {
            key_error(key);
            return -1;
        }
        return PmDict_DelItem(op, key);
    }
    if (PmList_Check(op)) {
        Pm_ssize_t i;
        if (sequence_index(op, key, Pm_SIZE(op), "list assignment", &i) < 0)
            return -1;
        PmObject *item = _PmList_Pop(op, i);
        if (item == NULL)
            return -1;
        Pm_DECREF(item);
        return 0;
    }
    PmErr_Format(PmExc_TypeError, "'%s' object does not support item deletion",
                 Pm_TYPE(op)->tp_name);
    return -1;
}

Pm_ssize_t PmObject_Length(PmObject *op)
{
    if (PmList_Check(op) || PmTuple_Check(op))
        return Pm_SIZE(op);
    if (PmUnicode_Check(op))
        return _PmUnicode_CodePoints(PmUnicode_AsUTF8(op), Pm_SIZE(op));
    if (PmDict_Check(op))
        return ((PmDictObject *)op)->ma_used;
    if (_PmDictView_Check(op))
        return ((PmDictObject *)_PmDictView_Dict(op))->ma_used;
    if (Pm_IS_TYPE(op, &PmRange_Type)) {
        long long n;
        _PmRange_Length(op, &n);
        return (Pm_ssize_t)n;
    }
    PmErr_Format(PmExc_TypeError, "object of type '%s' has no len()", Pm_TYPE(op)->tp_name);
    return -1;
}

PmObject *PmObject_GetIter(PmObject *op)
{
    getiterfunc f = Pm_TYPE(op)->tp_iter;
    if (f == NULL) {
        PmErr_Format(PmExc_TypeError, "'%s' object is not iterable", Pm_TYPE(op)->tp_name);
        return NULL;
    }
    return f(op);
}

PmObject *PmIter_Next(PmObject *iter)
{
    iternextfunc f = Pm_TYPE(iter)->tp_iternext;
    if (f == NULL) {
        PmErr_Format(PmExc_TypeError, "'%s' object is not an iterator", Pm_TYPE(iter)->tp_name);
        return NULL;
    }
    return f(iter);
}
