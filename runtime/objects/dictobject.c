/* dictobject.c - dict: CPython's compact, insertion-ordered hash table.
 *
 * ma_entries holds (hash, key, value) in insertion order; ma_indices is the
 * hash table proper, mapping probe slots to entry numbers.  A deleted entry
 * keeps its place (key and value NULL) and its slot in the index becomes
 * DKIX_DUMMY, so probe chains through it stay intact.  Given here: the table
 * machinery and everything but PmDict_SetItem, PmDict_DelItem and
 * dict_dealloc, which are chapter 1's.
 */
#include <string.h>
#include "../pm_core.h"

#define DKIX_EMPTY (-1) /* slot never used: a probe chain ends here */
#define DKIX_DUMMY (-2) /* slot whose entry was deleted: keep probing */
#define PERTURB_SHIFT 5
#define PM_DICT_MINSIZE 8

/* Two thirds of the index slots may hold entries (CPython's USABLE_FRACTION). */
static Pm_ssize_t usable_fraction(Pm_ssize_t size)
{
    return (size << 1) / 3;
}

PmObject *PmDict_New(void)
{
    PmDictObject *mp = PmObject_GC_New(PmDictObject, &PmDict_Type);
    if (mp == NULL)
        return NULL;
    /* No storage until the first insertion, as CPython's empty dicts share
     * one empty table. */
    mp->ma_used = mp->ma_nentries = mp->ma_allocated = 0;
    mp->ma_entries = NULL;
    mp->ma_mask = 0;
    mp->ma_indices = NULL;
    mp->ma_managed = 0;
    return (PmObject *)mp;
}

/* CPython's probe sequence: start at hash & mask, then i = 5*i + perturb + 1
 * with perturb shifted down each step, so every bit of the hash is used and
 * every slot is eventually visited. */
#define FOR_EACH_PROBE(mp, hash, i, perturb)                                           \
    for (size_t perturb = (size_t)(hash), i = (size_t)(hash) & (size_t)(mp)->ma_mask;; \
         perturb >>= PERTURB_SHIFT, i = (i * 5 + perturb + 1) & (size_t)(mp)->ma_mask)

PmDictEntry *_PmDict_FindEntry(PmDictObject *mp, PmObject *key, Pm_hash_t hash)
{
    if (mp->ma_indices == NULL)
        return NULL;
    FOR_EACH_PROBE(mp, hash, i, perturb)
    {
        Pm_ssize_t ix = mp->ma_indices[i];
        if (ix == DKIX_EMPTY)
            return NULL;
        if (ix >= 0) {
            PmDictEntry *ep = &mp->ma_entries[ix];
            if (ep->me_key == key)
                return ep;
            if (ep->me_hash == hash) {
                int eq = PmObject_RichCompareBool(ep->me_key, key, Pm_EQ);
                if (eq < 0)
                    return NULL;
                if (eq)
                    return ep;
            }
        }
    }
}

/* The first slot on key's probe chain that holds no live entry. */
static size_t find_empty_slot(PmDictObject *mp, Pm_hash_t hash)
{
    FOR_EACH_PROBE(mp, hash, i, perturb)
    {
        if (mp->ma_indices[i] < 0)
            return i;
    }
}

/* Rebuild the table with room for at least minused live entries: the live
 * entries move, compacted and still in order, to a fresh entries array, and
 * the index is filled again.  Deleted entries disappear here. */
static int dict_resize(PmDictObject *mp, Pm_ssize_t minused)
{
    Pm_ssize_t size = PM_DICT_MINSIZE;
    while (size < minused)
        size <<= 1;
    Pm_ssize_t allocated = usable_fraction(size);
    PmDictEntry *entries = PmMem_Malloc((size_t)allocated * sizeof(PmDictEntry));
    Pm_ssize_t *indices = PmMem_Malloc((size_t)size * sizeof(Pm_ssize_t));
    if (entries == NULL || indices == NULL) {
        PmMem_Free(entries);
        PmMem_Free(indices);
        PmErr_NoMemory();
        return -1;
    }
    for (Pm_ssize_t i = 0; i < size; i++)
        indices[i] = DKIX_EMPTY;
    Pm_ssize_t n = 0;
    for (Pm_ssize_t i = 0; i < mp->ma_nentries; i++)
        if (mp->ma_entries[i].me_key != NULL)
            entries[n++] = mp->ma_entries[i];
    PmMem_Free(mp->ma_entries);
    PmMem_Free(mp->ma_indices);
    mp->ma_entries = entries;
    mp->ma_indices = indices;
    mp->ma_allocated = allocated;
    mp->ma_mask = size - 1;
    mp->ma_nentries = n;
    for (Pm_ssize_t ix = 0; ix < n; ix++)
        mp->ma_indices[find_empty_slot(mp, entries[ix].me_hash)] = ix;
    return 0;
}

/* CPython 3.11's MAINTAIN_TRACKING: a dict starts untracked and becomes
 * tracked the first time it stores something that could be part of a
 * cycle.  An instance's attribute table is never tracked itself: its
 * instance reports the references (see type_traverse in typeobject.c). */
void _PmDict_MaintainTracking(PmDictObject *mp, PmObject *key, PmObject *value)
{
    if (mp->ma_managed || PmObject_GC_IsTracked((PmObject *)mp))
        return;
    if (_PmObject_GC_MayBeTracked(key) || _PmObject_GC_MayBeTracked(value))
        PmObject_GC_Track(mp);
}

/* Steals key and value, also on failure.  When the entries array is full
 * the table grows to fit three times the live entries (GROWTH_RATE). */
int _PmDict_InsertNew(PmDictObject *mp, PmObject *key, Pm_hash_t hash, PmObject *value)
{
    _PmDict_MaintainTracking(mp, key, value);
    if (mp->ma_nentries >= mp->ma_allocated && dict_resize(mp, mp->ma_used * 3) < 0) {
        Pm_DECREF(value);
        Pm_DECREF(key);
        return -1;
    }
    Pm_ssize_t ix = mp->ma_nentries++;
    PmDictEntry *ep = &mp->ma_entries[ix];
    ep->me_hash = hash;
    ep->me_key = key;
    ep->me_value = value;
    mp->ma_indices[find_empty_slot(mp, hash)] = ix;
    mp->ma_used++;
    return 0;
}

void _PmDict_RemoveEntry(PmDictObject *mp, PmDictEntry *ep, PmObject **key, PmObject **value)
{
    Pm_ssize_t ix = ep - mp->ma_entries;
    FOR_EACH_PROBE(mp, ep->me_hash, i, perturb)
    {
        if (mp->ma_indices[i] == ix) {
            mp->ma_indices[i] = DKIX_DUMMY;
            break;
        }
    }
    *key = ep->me_key;
    *value = ep->me_value;
    ep->me_key = NULL;
    ep->me_value = NULL;
    mp->ma_used--;
}

void _PmDict_FreeStorage(PmDictObject *mp)
{
    PmMem_Free(mp->ma_entries);
    PmMem_Free(mp->ma_indices);
    mp->ma_entries = NULL;
    mp->ma_indices = NULL;
    mp->ma_allocated = mp->ma_nentries = mp->ma_used = mp->ma_mask = 0;
}

PmObject *PmDict_GetItem(PmObject *op, PmObject *key)
{
    if (!PmDict_Check(op))
        return NULL;
    /* "No error" means none: a failed hash or comparison is forgotten, as
     * CPython's PyDict_GetItem forgets it. */
    int had_error = PmErr_Occurred();
    Pm_hash_t hash = PmObject_Hash(key);
    PmDictEntry *ep = hash == -1 ? NULL : _PmDict_FindEntry((PmDictObject *)op, key, hash);
    if (!had_error && PmErr_Occurred())
        PmErr_Clear();
    return ep ? ep->me_value : NULL;
}

/* Look a str key up by its text, without making a str object. */
PmObject *_PmDict_GetItemBytes(PmObject *op, const char *key, Pm_ssize_t n)
{
    PmDictObject *mp = (PmDictObject *)op;
    if (mp->ma_indices == NULL)
        return NULL;
    Pm_hash_t hash = _PmUnicode_HashBytes(key, n);
    FOR_EACH_PROBE(mp, hash, i, perturb)
    {
        Pm_ssize_t ix = mp->ma_indices[i];
        if (ix == DKIX_EMPTY)
            return NULL;
        if (ix >= 0) {
            PmDictEntry *ep = &mp->ma_entries[ix];
            if (ep->me_hash == hash && PmUnicode_Check(ep->me_key) && Pm_SIZE(ep->me_key) == n &&
                memcmp(PmUnicode_AsUTF8(ep->me_key), key, (size_t)n) == 0)
                return ep->me_value;
        }
    }
}

PmObject *PmDict_GetItemString(PmObject *op, const char *key)
{
    return _PmDict_GetItemBytes(op, key, (Pm_ssize_t)strlen(key));
}

/* The key is interned, as CPython's PyDict_SetItemString interns it. */
int PmDict_SetItemString(PmObject *op, const char *key, PmObject *value)
{
    PmObject *k = PmUnicode_InternFromString(key);
    if (k == NULL)
        return -1;
    return PmDict_SetItem(op, k, value);
}

int PmDict_Contains(PmObject *op, PmObject *key)
{
    Pm_hash_t hash = PmObject_Hash(key);
    if (hash == -1)
        return -1;
    PmDictEntry *ep = _PmDict_FindEntry((PmDictObject *)op, key, hash);
    if (ep == NULL && PmErr_Occurred())
        return -1;
    return ep != NULL;
}

/* dict.clear(), which the dict's tp_clear (dict_tp_clear) calls too.  The
 * dict is emptied first and the old entries released afterwards, so a
 * deallocator that runs meanwhile sees an empty, consistent dict. */
int PmDict_Clear(PmObject *op)
{
    PmDictObject *mp = (PmDictObject *)op;
    PmDictEntry *entries = mp->ma_entries;
    Pm_ssize_t n = mp->ma_nentries;
    Pm_ssize_t *indices = mp->ma_indices;
    if (entries == NULL && indices == NULL)
        return 0;
    mp->ma_entries = NULL;
    mp->ma_indices = NULL;
    mp->ma_allocated = mp->ma_nentries = mp->ma_used = mp->ma_mask = 0;
    for (Pm_ssize_t i = 0; i < n; i++) {
        Pm_XDECREF(entries[i].me_value);
        Pm_XDECREF(entries[i].me_key);
    }
    PmMem_Free(entries);
    PmMem_Free(indices);
    return 0;
}

Pm_ssize_t PmDict_Size(PmObject *op)
{
    if (!PmDict_Check(op)) {
        PmErr_SetString(PmExc_TypeError, "PmDict_Size: not a dict");
        return -1;
    }
    return ((PmDictObject *)op)->ma_used;
}

int PmDict_Next(PmObject *op, Pm_ssize_t *pos, PmObject **key, PmObject **value)
{
    PmDictObject *mp = (PmDictObject *)op;
    Pm_ssize_t i = *pos;
    while (i < mp->ma_nentries && mp->ma_entries[i].me_key == NULL)
        i++;
    if (i >= mp->ma_nentries)
        return 0;
    *pos = i + 1;
    if (key != NULL)
        *key = mp->ma_entries[i].me_key;
    if (value != NULL)
        *value = mp->ma_entries[i].me_value;
    return 1;
}

static PmObject *dict_repr(PmObject *op)
{
    PmDictObject *mp = (PmDictObject *)op;
    if (mp->ma_used == 0)
        return PmUnicode_FromString("{}");
    int r = _Pm_ReprEnter(op);
    if (r != 0)
        return r > 0 ? PmUnicode_FromString("{...}") : NULL;
    PmBuf b;
    _PmBuf_Init(&b);
    _PmBuf_Puts(&b, "{");
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    int first = 1;
    while (PmDict_Next(op, &pos, &key, &value)) {
        if (!first)
            _PmBuf_Puts(&b, ", ");
        first = 0;
        if (_PmObject_AppendRepr(&b, key) < 0)
            goto error;
        _PmBuf_Puts(&b, ": ");
        if (_PmObject_AppendRepr(&b, value) < 0)
            goto error;
    }
    _PmBuf_Puts(&b, "}");
    _Pm_ReprLeave(op);
    return _PmBuf_Finish(&b);
error:
    _Pm_ReprLeave(op);
    _PmBuf_Release(&b);
    return NULL;
}

/* Dicts are equal when they have the same keys, each with equal values.
 * They have no order. */
static PmObject *dict_richcompare(PmObject *v, PmObject *w, int op)
{
    if (op != Pm_EQ && op != Pm_NE)
        return _PmObject_NotOrderable(v, w, op);
    PmDictObject *a = (PmDictObject *)v, *b = (PmDictObject *)w;
    int equal = a->ma_used == b->ma_used;
    for (Pm_ssize_t i = 0; equal && i < a->ma_nentries; i++) {
        PmDictEntry *ep = &a->ma_entries[i];
        if (ep->me_key == NULL)
            continue;
        PmDictEntry *other = _PmDict_FindEntry(b, ep->me_key, ep->me_hash);
        if (other == NULL) {
            if (PmErr_Occurred())
                return NULL;
            equal = 0;
            break;
        }
        int k = PmObject_RichCompareBool(ep->me_value, other->me_value, Pm_EQ);
        if (k < 0)
            return NULL;
        equal = k;
    }
    return _PmBool_FromCompare(op == Pm_EQ ? equal : !equal);
}

/* The dict's tp_traverse and tp_clear, dict_traverse and dict_tp_clear, are
 * chapter 3's (pm_gc.h). */
PmTypeObject PmDict_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "dict",
    .tp_basicsize = sizeof(PmDictObject),
    .tp_dealloc = dict_dealloc,
    .tp_repr = dict_repr,
    .tp_richcompare = dict_richcompare,
    .tp_flags = Pm_TPFLAGS_HAVE_GC | Pm_TPFLAGS_BASETYPE | Pm_TPFLAGS_DICT_SUBCLASS,
    .tp_traverse = dict_traverse,
    .tp_clear = dict_tp_clear,
    .tp_iter = _PmDictIter_New,
    .tp_free = PmObject_GC_Del,
    .tp_methods = _PmDict_Methods,
};

/* ---- dict views: keys(), values(), items() ------------------------------------ */

enum { VIEW_KEYS, VIEW_VALUES, VIEW_ITEMS };

typedef struct {
    PmObject_HEAD
    PmObject *dv_dict;
} PmDictViewObject;

typedef struct {
    PmObject_HEAD
    PmObject *di_dict; /* NULL once exhausted */
    Pm_ssize_t di_pos;
    Pm_ssize_t di_used; /* the dict's size when iteration started */
    PmObject *di_result; /* items: the (key, value) tuple handed out last,
                            reused when nobody else holds it (CPython does
                            the same, so the pair keeps its items alive
                            until the next step) */
} PmDictViewIterObject;

static PmTypeObject PmDictViewIterKey_Type, PmDictViewIterValue_Type, PmDictViewIterItem_Type;

static int view_kind(PmObject *op)
{
    PmTypeObject *tp = Pm_TYPE(op);
    if (tp == &PmDictKeys_Type || tp == &PmDictViewIterKey_Type)
        return VIEW_KEYS;
    if (tp == &PmDictValues_Type || tp == &PmDictViewIterValue_Type)
        return VIEW_VALUES;
    if (tp == &PmDictItems_Type || tp == &PmDictViewIterItem_Type)
        return VIEW_ITEMS;
    return -1;
}

int _PmDictView_Check(PmObject *op)
{
    PmTypeObject *tp = Pm_TYPE(op);
    return tp == &PmDictKeys_Type || tp == &PmDictValues_Type || tp == &PmDictItems_Type;
}

static PmObject *view_new(PmObject *dict, int kind)
{
    static PmTypeObject *const types[] = {&PmDictKeys_Type, &PmDictValues_Type, &PmDictItems_Type};
    PmDictViewObject *v = PmObject_GC_New(PmDictViewObject, types[kind]);
    if (v == NULL)
        return NULL;
    v->dv_dict = Pm_NewRef(dict);
    PmObject_GC_Track(v);
    return (PmObject *)v;
}

static void view_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
    Pm_CLEAR(((PmDictViewObject *)op)->dv_dict);
    Pm_TYPE(op)->tp_free(op);
}

static int view_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmObject *d = ((PmDictViewObject *)op)->dv_dict;
    return d != NULL ? visit(d, arg) : 0;
}

static int view_clear(PmObject *op)
{
    Pm_CLEAR(((PmDictViewObject *)op)->dv_dict);
    return 0;
}

static PmObject *item_pair(PmObject *key, PmObject *value)
{
    return PmTuple_Pack(2, key, value);
}

/* dict_keys(['a', 'b']), as CPython prints a view. */
static PmObject *view_repr(PmObject *op)
{
    PmObject *dict = ((PmDictViewObject *)op)->dv_dict;
    int kind = view_kind(op);
    int r = _Pm_ReprEnter(op);
    if (r != 0)
        return r > 0 ? PmUnicode_FromString("...") : NULL;
    PmBuf b;
    _PmBuf_Init(&b);
    _PmBuf_Printf(&b, "%s([", Pm_TYPE(op)->tp_name);
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    int first = 1;
    while (PmDict_Next(dict, &pos, &key, &value)) {
        if (!first)
            _PmBuf_Puts(&b, ", ");
        first = 0;
        PmObject *shown = kind == VIEW_KEYS     ? Pm_NewRef(key)
                          : kind == VIEW_VALUES ? Pm_NewRef(value)
                                                : item_pair(key, value);
        if (shown == NULL || _PmObject_AppendRepr(&b, shown) < 0) {
            Pm_XDECREF(shown);
            _PmBuf_Release(&b);
            _Pm_ReprLeave(op);
            return NULL;
        }
        Pm_DECREF(shown);
    }
    _PmBuf_Puts(&b, "])");
    _Pm_ReprLeave(op);
    return _PmBuf_Finish(&b);
}

static PmObject *view_iter(PmObject *op)
{
    static PmTypeObject *const types[] = {&PmDictViewIterKey_Type, &PmDictViewIterValue_Type,
                                          &PmDictViewIterItem_Type};
    PmObject *dict = ((PmDictViewObject *)op)->dv_dict;
    PmDictViewIterObject *it = PmObject_GC_New(PmDictViewIterObject, types[view_kind(op)]);
    if (it == NULL)
        return NULL;
    it->di_dict = Pm_NewRef(dict);
    it->di_pos = 0;
    it->di_used = PmDict_Size(dict);
    it->di_result = NULL;
    if (view_kind(op) == VIEW_ITEMS &&
        (it->di_result = PmTuple_Pack(2, Pm_None, Pm_None)) == NULL) {
        Pm_DECREF(it);
        return NULL;
    }
    PmObject_GC_Track(it);
    return (PmObject *)it;
}

static int viewiter_clear(PmObject *op)
{
    Pm_CLEAR(((PmDictViewIterObject *)op)->di_dict);
    Pm_CLEAR(((PmDictViewIterObject *)op)->di_result);
    return 0;
}

static void viewiter_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
    viewiter_clear(op);
    Pm_TYPE(op)->tp_free(op);
}

static int viewiter_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmDictViewIterObject *it = (PmDictViewIterObject *)op;
    int r = 0;
    if (it->di_dict != NULL)
        r = visit(it->di_dict, arg);
    if (r == 0 && it->di_result != NULL)
        r = visit(it->di_result, arg);
    return r;
}

static PmObject *viewiter_next(PmObject *op)
{
    PmDictViewIterObject *it = (PmDictViewIterObject *)op;
    PmObject *key, *value;
    if (it->di_dict == NULL)
        return NULL;
    if (PmDict_Size(it->di_dict) != it->di_used) {
        PmErr_SetString(PmExc_RuntimeError, "dictionary changed size during iteration");
        it->di_used = -1; /* stay broken, as CPython's iterator does */
        return NULL;
    }
    if (!PmDict_Next(it->di_dict, &it->di_pos, &key, &value)) {
        Pm_CLEAR(it->di_dict);
        return NULL;
    }
    switch (view_kind(op)) {
    case VIEW_KEYS: return Pm_NewRef(key);
    case VIEW_VALUES: return Pm_NewRef(value);
    default: break;
    }
    PmObject *result = it->di_result;
    if (Pm_REFCNT(result) != 1)
        return item_pair(key, value);
    PmObject *oldkey = PmTuple_GET_ITEM(result, 0), *oldvalue = PmTuple_GET_ITEM(result, 1);
    PmTuple_SET_ITEM(result, 0, Pm_NewRef(key));
    PmTuple_SET_ITEM(result, 1, Pm_NewRef(value));
    Pm_INCREF(result);
    Pm_DECREF(oldkey);
    Pm_DECREF(oldvalue);
    /* the collector may have untracked the pair; it holds new items now */
    if (!PmObject_GC_IsTracked(result))
        PmObject_GC_Track(result);
    return result;
}

static PmObject *viewiter_self(PmObject *op)
{
    return Pm_NewRef(op);
}

#define VIEW_TYPE(var, name)                      \
    PmTypeObject var = {                          \
        _PmType_HEAD_INIT,                        \
        .tp_name = name,                          \
        .tp_basicsize = sizeof(PmDictViewObject), \
        .tp_dealloc = view_dealloc,               \
        .tp_repr = view_repr,                     \
        .tp_flags = Pm_TPFLAGS_HAVE_GC,           \
        .tp_traverse = view_traverse,             \
        .tp_clear = view_clear,                   \
        .tp_iter = view_iter,                     \
        .tp_free = PmObject_GC_Del,               \
    }
VIEW_TYPE(PmDictKeys_Type, "dict_keys");
VIEW_TYPE(PmDictValues_Type, "dict_values");
VIEW_TYPE(PmDictItems_Type, "dict_items");

#define VIEWITER_TYPE(var, name)                      \
    static PmTypeObject var = {                       \
        _PmType_HEAD_INIT,                            \
        .tp_name = name,                              \
        .tp_basicsize = sizeof(PmDictViewIterObject), \
        .tp_dealloc = viewiter_dealloc,               \
        .tp_flags = Pm_TPFLAGS_HAVE_GC,               \
        .tp_traverse = viewiter_traverse,             \
        .tp_clear = viewiter_clear,                   \
        .tp_iter = viewiter_self,                     \
        .tp_iternext = viewiter_next,                 \
        .tp_free = PmObject_GC_Del,                   \
    }
VIEWITER_TYPE(PmDictViewIterKey_Type, "dict_keyiterator");
VIEWITER_TYPE(PmDictViewIterValue_Type, "dict_valueiterator");
VIEWITER_TYPE(PmDictViewIterItem_Type, "dict_itemiterator");

PmObject *_PmDictView_Dict(PmObject *op)
{
    return ((PmDictViewObject *)op)->dv_dict;
}

/* d.update(other): a dict, or pairs; then keywords. */
int _PmDict_Update(PmObject *d, PmObject *other, char *const *kwnames, PmObject *const *kwvalues,
                   int nkw)
{
    if (other != NULL && PmDict_Check(other)) {
        Pm_ssize_t pos = 0;
        PmObject *k, *v;
        while (PmDict_Next(other, &pos, &k, &v))
            if (PmDict_SetItem(d, k, v) < 0)
                return -1;
    } else if (other != NULL) {
        PmObject *it = PmObject_GetIter(other), *pair;
        if (it == NULL)
            return -1;
        for (Pm_ssize_t i = 0; (pair = PmIter_Next(it)) != NULL; i++) {
            int bad = !(PmList_Check(pair) || PmTuple_Check(pair));
            if (bad || Pm_SIZE(pair) != 2) {
                if (bad)
                    PmErr_Format(
                        PmExc_TypeError,
                        "cannot convert dictionary update sequence element #%zd to a sequence", i);
                else
                    PmErr_Format(
                        PmExc_ValueError,
                        "dictionary update sequence element #%zd has length %zd; 2 is required", i,
                        Pm_SIZE(pair));
                Pm_DECREF(pair);
                break;
            }
            PmObject *k = PmList_Check(pair) ? PmList_GET_ITEM(pair, 0) : PmTuple_GET_ITEM(pair, 0);
            PmObject *v = PmList_Check(pair) ? PmList_GET_ITEM(pair, 1) : PmTuple_GET_ITEM(pair, 1);
            int r = PmDict_SetItem(d, k, v);
            Pm_DECREF(pair);
            if (r < 0)
                break;
        }
        Pm_DECREF(it);
        if (PmErr_Occurred())
            return -1;
    }
    for (int i = 0; i < nkw; i++)
        if (PmDict_SetItemString(d, kwnames[i], kwvalues[i]) < 0)
            return -1;
    return 0;
}

/* ---- the methods a scenario calls (CPython's dict_methods) ------------------ */

static PmObject *dict_keys(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    return view_new(self, VIEW_KEYS);
}

static PmObject *dict_values(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    return view_new(self, VIEW_VALUES);
}

static PmObject *dict_items(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    return view_new(self, VIEW_ITEMS);
}

static PmObject *dict_clear(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    if (PmDict_Clear(self) < 0)
        return NULL;
    Pm_RETURN_NONE;
}

static PmObject *dict_copy(PmObject *self, const PmCallArgs *Pm_UNUSED(a))
{
    PmObject *d = PmDict_New();
    if (d != NULL && _PmDict_Update(d, self, NULL, NULL, 0) < 0)
        Pm_CLEAR(d);
    return d;
}

static PmObject *dict_update(PmObject *self, const PmCallArgs *a)
{
    if (_PmDict_Update(self, a->nargs ? a->args[0] : NULL, a->kwnames, a->kwvalues, a->nkw) < 0)
        return NULL;
    Pm_RETURN_NONE;
}

/* get, pop and setdefault: find the key; pop removes it, setdefault stores
 * the default when it is missing. */
static PmObject *lookup(PmObject *self, const PmCallArgs *a, int what)
{
    PmObject *key = a->args[0], *dflt = a->nargs == 2 ? a->args[1] : NULL, *found;
    if (PmObject_Hash(key) == -1)
        return NULL;
    if ((found = PmDict_GetItem(self, key)) != NULL) {
        Pm_INCREF(found);
        if (what == 'p' && PmDict_DelItem(self, key) < 0)
            Pm_CLEAR(found);
        return found;
    }
    if (PmErr_Occurred())
        return NULL;
    if (what == 'p' && dflt == NULL) {
        PmObject *r = PmObject_Repr(key);
        if (r != NULL)
            PmErr_SetString(PmExc_KeyError, PmUnicode_AsUTF8(r));
        Pm_XDECREF(r);
        return NULL;
    }
    dflt = dflt ? dflt : Pm_None;
    if (what == 's' && PmDict_SetItem(self, key, dflt) < 0)
        return NULL;
    return Pm_NewRef(dflt);
}

static PmObject *dict_get(PmObject *self, const PmCallArgs *a)
{
    return lookup(self, a, 'g');
}
static PmObject *dict_pop(PmObject *self, const PmCallArgs *a)
{
    return lookup(self, a, 'p');
}
static PmObject *dict_setdefault(PmObject *self, const PmCallArgs *a)
{
    return lookup(self, a, 's');
}

const PmMethodDef _PmDict_Methods[] = {
    {"clear", dict_clear, 0, 0, NULL},
    {"copy", dict_copy, 0, 0, NULL},
    {"get", dict_get, 1, 2, NULL},
    {"items", dict_items, 0, 0, NULL},
    {"keys", dict_keys, 0, 0, NULL},
    {"pop", dict_pop, 1, 2, NULL},
    {"setdefault", dict_setdefault, 1, 2, NULL},
    {"update", dict_update, 0, 1, "*"},
    {"values", dict_values, 0, 0, NULL},
    {0},
};
