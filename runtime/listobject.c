/* listobject.c - list: a growable array of strong references.
 *
 * Given here: creation, indexing, insert, clear, resizing (with CPython
 * 3.11's over-allocation), repr, comparison and the collector's hooks.
 * Append, item assignment, pop and deallocation are chapter 1's.
 */
#include <string.h>
#include "pm_core.h"

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
};
