/* listobject.c - list: a growable array of strong references.
 *
 * Given here: creation, indexing, insert, clear, resizing (with CPython
 * 3.11's over-allocation), repr, comparison and the collector's hooks.
 * Append, item assignment, pop and deallocation are chapter 1's.
 */
#include <string.h>
#include "../pm_core.h"

PmObject *PmList_New(Pm_ssize_t size)
{
    if (size < 0) {
        PmErr_SetString(PmExc_ValueError, "negative list size");
        return NULL;
    }
    PmListObject *op = PmObject_GC_New(PmListObject, &PmList_Type);
    if (op == NULL)
        return NULL;
    op->ob_item = NULL;
    if (size > 0) {
        op->ob_item = PmMem_Calloc((size_t)size, sizeof(PmObject *));
        if (op->ob_item == NULL) {
            Pm_DECREF(op);
            return PmErr_NoMemory();
        }
    }
    Pm_SET_SIZE(op, size);
    op->allocated = size;
    PmObject_GC_Track(op);
    return (PmObject *)op;
}

PmObject *PmList_GetItem(PmObject *op, Pm_ssize_t i)
{
    if (!PmList_Check(op)) {
        PmErr_SetString(PmExc_TypeError, "PmList_GetItem: not a list");
        return NULL;
    }
    if (i < 0 || i >= Pm_SIZE(op)) {
        PmErr_SetString(PmExc_IndexError, "list index out of range");
        return NULL;
    }
    return PmList_GET_ITEM(op, i);
}

/* CPython 3.11's list_resize: if the new size fits and uses at least half
 * the room, only ob_size changes.  Otherwise reallocate with room for about
 * 1/8 more (plus 6, rounded down to a multiple of 4), so that a run of
 * appends costs amortised O(1): 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ... */
int _PmList_Resize(PmListObject *self, Pm_ssize_t newsize)
{
    Pm_ssize_t allocated = self->allocated;
    if (allocated >= newsize && newsize >= (allocated >> 1)) {
        Pm_SET_SIZE(self, newsize);
        return 0;
    }
    size_t new_allocated = ((size_t)newsize + ((size_t)newsize >> 3) + 6) & ~(size_t)3;
    /* Don't overallocate much when growing far past the current size. */
    if (newsize - Pm_SIZE(self) > (Pm_ssize_t)(new_allocated - (size_t)newsize))
        new_allocated = ((size_t)newsize + 3) & ~(size_t)3;
    if (newsize == 0)
        new_allocated = 0;
    PmObject **items;
    if (new_allocated == 0) {
        PmMem_Free(self->ob_item);
        items = NULL;
    } else {
        items = PmMem_Realloc(self->ob_item, new_allocated * sizeof(PmObject *));
        if (items == NULL) {
            PmErr_NoMemory();
            return -1;
        }
    }
    self->ob_item = items;
    Pm_SET_SIZE(self, newsize);
    self->allocated = (Pm_ssize_t)new_allocated;
    return 0;
}

/* list.insert(where, item): borrows item.  An index past either end is
 * clamped to that end, as Python does. */
int PmList_Insert(PmObject *op, Pm_ssize_t where, PmObject *item)
{
    if (!PmList_Check(op)) {
        PmErr_SetString(PmExc_TypeError, "PmList_Insert: not a list");
        return -1;
    }
    PmListObject *self = (PmListObject *)op;
    Pm_ssize_t n = Pm_SIZE(self);
    if (_PmList_Resize(self, n + 1) < 0)
        return -1;
    if (where < 0) {
        where += n;
        if (where < 0)
            where = 0;
    }
    if (where > n)
        where = n;
    memmove(&self->ob_item[where + 1], &self->ob_item[where],
            (size_t)(n - where) * sizeof(PmObject *));
    self->ob_item[where] = Pm_NewRef(item);
    return 0;
}

/* list.clear(), and the list's tp_clear.  The list is made empty before any
 * item is released: releasing one may run code (a deallocator) that looks
 * at this list again, and it must find a consistent, empty list. */
int _PmList_Clear(PmObject *op)
{
    PmListObject *self = (PmListObject *)op;
    PmObject **items = self->ob_item;
    if (items == NULL)
        return 0;
    Pm_ssize_t i = Pm_SIZE(self);
    Pm_SET_SIZE(self, 0);
    self->ob_item = NULL;
    self->allocated = 0;
    while (--i >= 0)
        Pm_XDECREF(items[i]);
    PmMem_Free(items);
    return 0;
}

static PmObject *list_repr(PmObject *op)
{
    if (Pm_SIZE(op) == 0)
        return PmUnicode_FromString("[]");
    int r = _Pm_ReprEnter(op);
    if (r != 0)
        return r > 0 ? PmUnicode_FromString("[...]") : NULL;
    PmBuf b;
    _PmBuf_Init(&b);
    _PmBuf_Puts(&b, "[");
    for (Pm_ssize_t i = 0; i < Pm_SIZE(op); i++) {
        if (i > 0)
            _PmBuf_Puts(&b, ", ");
        if (_PmObject_AppendRepr(&b, PmList_GET_ITEM(op, i)) < 0) {
            _Pm_ReprLeave(op);
            _PmBuf_Release(&b);
            return NULL;
        }
    }
    _PmBuf_Puts(&b, "]");
    _Pm_ReprLeave(op);
    return _PmBuf_Finish(&b);
}

/* Lists and tuples compare item by item: the first pair that differs
 * decides; if one runs out first, the shorter is smaller. */
int _PmSequence_RichCompare(PmObject *const *vitems, Pm_ssize_t vn, PmObject *const *witems,
                            Pm_ssize_t wn, int op, int *result)
{
    if (vn != wn && (op == Pm_EQ || op == Pm_NE)) {
        *result = op == Pm_NE;
        return 0;
    }
    Pm_ssize_t i;
    for (i = 0; i < vn && i < wn; i++) {
        int k = PmObject_RichCompareBool(vitems[i], witems[i], Pm_EQ);
        if (k < 0)
            return -1;
        if (!k)
            break;
    }
    if (i >= vn || i >= wn) {
        switch (op) {
        case Pm_LT: *result = vn < wn; break;
        case Pm_LE: *result = vn <= wn; break;
        case Pm_EQ: *result = vn == wn; break;
        case Pm_NE: *result = vn != wn; break;
        case Pm_GT: *result = vn > wn; break;
        default: *result = vn >= wn; break;
        }
        return 0;
    }
    if (op == Pm_EQ || op == Pm_NE) {
        *result = op == Pm_NE;
        return 0;
    }
    int k = PmObject_RichCompareBool(vitems[i], witems[i], op);
    if (k < 0)
        return -1;
    *result = k;
    return 0;
}

static PmObject *list_richcompare(PmObject *v, PmObject *w, int op)
{
    int result;
    if (_PmSequence_RichCompare(((PmListObject *)v)->ob_item, Pm_SIZE(v),
                                ((PmListObject *)w)->ob_item, Pm_SIZE(w), op, &result) < 0)
        return NULL;
    return _PmBool_FromCompare(result);
}

static int list_traverse(PmObject *op, visitproc visit, void *arg)
{
    for (Pm_ssize_t i = Pm_SIZE(op); --i >= 0;) {
        PmObject *item = PmList_GET_ITEM(op, i);
        if (item != NULL) {
            int r = visit(item, arg);
            if (r != 0)
                return r;
        }
    }
    return 0;
}

PmTypeObject PmList_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "list",
    .tp_basicsize = sizeof(PmListObject),
    .tp_dealloc = list_dealloc,
    .tp_repr = list_repr,
    .tp_richcompare = list_richcompare,
    .tp_flags = Pm_TPFLAGS_HAVE_GC | Pm_TPFLAGS_BASETYPE | Pm_TPFLAGS_LIST_SUBCLASS,
    .tp_traverse = list_traverse,
    .tp_clear = _PmList_Clear,
    .tp_iter = _PmListIter_New,
    .tp_free = PmObject_GC_Del,
    .tp_methods = _PmList_Methods,
};

/* ---- the methods a scenario calls (CPython's list_methods) ------------------ */

int _PmList_Extend(PmObject *list, PmObject *iterable)
{
    PmObject *it, *x;
    if (PmList_Check(iterable) || PmTuple_Check(iterable)) {
        /* read by index up to the size at the start: a.extend(a) doubles a */
        Pm_ssize_t n = Pm_SIZE(iterable);
        for (Pm_ssize_t i = 0; i < n; i++) {
            x = PmList_Check(iterable) ? PmList_GET_ITEM(iterable, i)
                                       : PmTuple_GET_ITEM(iterable, i);
            if (PmList_Append(list, x) < 0)
                return -1;
        }
        return 0;
    }
    if ((it = PmObject_GetIter(iterable)) == NULL)
        return -1;
    while ((x = PmIter_Next(it)) != NULL) {
        int r = PmList_Append(list, x);
        Pm_DECREF(x);
        if (r < 0)
            break;
    }
    Pm_DECREF(it);
    return PmErr_Occurred() ? -1 : 0;
}

PmObject *_PmList_AsTuple(PmObject *list)
{
    PmObject *t = PmTuple_New(Pm_SIZE(list));
    for (Pm_ssize_t i = 0; t != NULL && i < Pm_SIZE(list); i++)
        PmTuple_SET_ITEM(t, i, Pm_NewRef(PmList_GET_ITEM(list, i)));
    return t;
}

static void reverse_items(PmObject **v, Pm_ssize_t n)
{
    for (Pm_ssize_t i = 0; v != NULL && i < n / 2; i++) {
        PmObject *t = v[i];
        v[i] = v[n - 1 - i];
        v[n - 1 - i] = t;
    }
}

/* CPython's list.sort on fewer than 64 items, which are all a scenario
 * sorts: count_run finds the leading ascending (or strictly descending,
 * then reversed) run, binary insertion adds the rest.  Only `<` is used,
 * in the same order, so the same pair fails when items cannot be compared.
 * Longer lists take the same path: stable and correct, but not CPython's
 * merges.  keys[i] decides the place of values[i] (values NULL: keys are
 * the values). */
static int sort_items(PmObject **keys, PmObject **values, Pm_ssize_t n)
{
    Pm_ssize_t run = 1;
    int lt = 0, descending = n > 1 ? PmObject_RichCompareBool(keys[1], keys[0], Pm_LT) : 0;
    if (descending < 0)
        return -1;
    if (n > 1)
        for (run = 2; run < n && (lt = PmObject_RichCompareBool(keys[run], keys[run - 1], Pm_LT)) ==
                                     descending;)
            run++;
    if (lt < 0)
        return -1;
    if (descending) {
        reverse_items(keys, run);
        reverse_items(values, run);
    }
    for (Pm_ssize_t start = run; start < n; start++) {
        PmObject *pivot = keys[start], *value = values ? values[start] : NULL;
        Pm_ssize_t l = 0, r = start;
        while (l < r) {
            Pm_ssize_t p = l + ((r - l) >> 1);
            if ((lt = PmObject_RichCompareBool(pivot, keys[p], Pm_LT)) < 0)
                return -1;
            if (lt)
                r = p;
            else
                l = p + 1;
        }
        memmove(&keys[l + 1], &keys[l], (size_t)(start - l) * sizeof *keys);
        keys[l] = pivot;
        if (values != NULL) {
            memmove(&values[l + 1], &values[l], (size_t)(start - l) * sizeof *values);
            values[l] = value;
        }
    }
    return 0;
}

int _PmList_Sort(PmObject *list, PmObject *key, int reverse)
{
    Pm_ssize_t n = Pm_SIZE(list), done = 0;
    PmObject **items = ((PmListObject *)list)->ob_item, **keys = items;
    int r = -1;
    if (key != NULL && n > 0) {
        if ((keys = PmMem_Malloc((size_t)n * sizeof *keys)) == NULL) {
            PmErr_NoMemory();
            return -1;
        }
        for (; done < n; done++)
            if ((keys[done] = _PmObject_CallOne(key, items[done])) == NULL)
                goto fail;
    }
    /* reversing before and after keeps equal items in their order */
    if (reverse) {
        reverse_items(keys, n);
        reverse_items(key ? items : NULL, n);
    }
    r = sort_items(keys, key ? items : NULL, n);
    if (reverse) {
        reverse_items(keys, n);
        reverse_items(key ? items : NULL, n);
    }
fail:
    if (keys != items) {
        while (done-- > 0)
            Pm_DECREF(keys[done]);
        PmMem_Free(keys);
    }
    return r;
}

static PmObject *none_or_null(int r)
{
    return r < 0 ? NULL : Pm_NewRef(Pm_None);
}

static PmObject *list_append(PmObject *self, const PmCallArgs *a)
{
    return none_or_null(PmList_Append(self, a->args[0]));
}

static PmObject *list_extend(PmObject *self, const PmCallArgs *a)
{
    return none_or_null(_PmList_Extend(self, a->args[0]));
}

static PmObject *list_clear(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    return none_or_null(_PmList_Clear(self));
}

static PmObject *list_copy(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    PmObject *l = PmList_New(0);
    if (l != NULL && _PmList_Extend(l, self) < 0)
        Pm_CLEAR(l);
    return l;
}

static PmObject *list_reverse(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    reverse_items(((PmListObject *)self)->ob_item, Pm_SIZE(self));
    Pm_RETURN_NONE;
}

static PmObject *list_sort(PmObject *self, const PmCallArgs *a)
{
    int reverse = a->kw[1] != NULL ? PmObject_IsTrue(a->kw[1]) : 0;
    return none_or_null(
        reverse < 0 ? -1 : _PmList_Sort(self, a->kw[0] == Pm_None ? NULL : a->kw[0], reverse));
}

static PmObject *list_count(PmObject *self, const PmCallArgs *a)
{
    Pm_ssize_t n;
    if (_PmSequence_Find(((PmListObject *)self)->ob_item, Pm_SIZE(self), a->args[0], 0,
                         Pm_SIZE(self), &n) == -2)
        return NULL;
    return PmLong_FromLongLong(n);
}

static PmObject *list_index(PmObject *self, const PmCallArgs *a)
{
    Pm_ssize_t i = _PmSequence_Index(((PmListObject *)self)->ob_item, Pm_SIZE(self), a);
    PmObject *r = i == -1 ? PmObject_Repr(a->args[0]) : NULL;
    if (r != NULL)
        PmErr_Format(PmExc_ValueError, "%s is not in list", PmUnicode_AsUTF8(r));
    Pm_XDECREF(r);
    return i < 0 ? NULL : PmLong_FromLongLong(i);
}

/* The index argument of insert and pop. */
static int index_arg(PmObject *op, long long *i)
{
    if (PmLong_Check(op)) {
        *i = PmLong_AsLongLong(op);
        return 0;
    }
    PmErr_Format(PmExc_TypeError, "'%s' object cannot be interpreted as an integer",
                 Pm_TYPE(op)->tp_name);
    return -1;
}

static PmObject *list_insert(PmObject *self, const PmCallArgs *a)
{
    long long i, n = Pm_SIZE(self);
    if (index_arg(a->args[0], &i) < 0)
        return NULL;
    if (i < 0)
        i = i + n < 0 ? 0 : i + n;
    return none_or_null(PmList_Insert(self, (Pm_ssize_t)(i > n ? n : i), a->args[1]));
}

static PmObject *list_pop(PmObject *self, const PmCallArgs *a)
{
    long long i = -1, n = Pm_SIZE(self);
    if (a->nargs == 1 && index_arg(a->args[0], &i) < 0)
        return NULL;
    if (i < 0)
        i += n;
    if (n == 0 || i < 0 || i >= n) {
        PmErr_SetString(PmExc_IndexError,
                        n == 0 ? "pop from empty list" : "pop index out of range");
        return NULL;
    }
    return _PmList_Pop(self, (Pm_ssize_t)i);
}

static PmObject *list_remove(PmObject *self, const PmCallArgs *a)
{
    Pm_ssize_t i = _PmSequence_Find(((PmListObject *)self)->ob_item, Pm_SIZE(self), a->args[0], 0,
                                    Pm_SIZE(self), NULL);
    PmObject *removed = i >= 0 ? _PmList_Pop(self, i) : NULL;
    if (i == -1)
        PmErr_SetString(PmExc_ValueError, "list.remove(x): x not in list");
    Pm_XDECREF(removed);
    return removed == NULL ? NULL : Pm_NewRef(Pm_None);
}

const PmMethodDef _PmList_Methods[] = {
    {"append", list_append, 1, 1, NULL},      {"clear", list_clear, 0, 0, NULL},
    {"copy", list_copy, 0, 0, NULL},          {"count", list_count, 1, 1, NULL},
    {"extend", list_extend, 1, 1, NULL},      {"index", list_index, 1, 3, NULL},
    {"insert", list_insert, 2, 2, NULL},      {"pop", list_pop, 0, 1, NULL},
    {"remove", list_remove, 1, 1, NULL},      {"reverse", list_reverse, 0, 0, NULL},
    {"sort", list_sort, 0, 0, "key reverse"}, {0},
};
