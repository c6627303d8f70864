/* typeobject.c - `type`, `object`, the heap types made by `class Name: pass`
 * and their instances.
 *
 * A heap type is an ordinary refcounted, tracked object: its instances each
 * own a reference to it (as in CPython), its class attributes live in
 * tp_dict.  An instance keeps its attributes in ob_dict, a "managed" dict
 * that belongs to the instance alone: the dict is never tracked, and the
 * instance reports the attributes to the collector itself, as CPython 3.11
 * does for the attribute values it stores outside any dict.  Deallocating an
 * instance (subtype_dealloc) is chapter 1's.
 */
#include <string.h>
#include "../pm_core.h"

/* ---- instances --------------------------------------------------------------- */

static int instance_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmDictObject *attrs = (PmDictObject *)((PmInstanceObject *)op)->ob_dict;
    for (Pm_ssize_t i = 0; attrs != NULL && i < attrs->ma_nentries; i++) {
        PmDictEntry *ep = &attrs->ma_entries[i];
        if (ep->me_key == NULL)
            continue;
        int r = visit(ep->me_key, arg);
        if (r == 0)
            r = visit(ep->me_value, arg);
        if (r != 0)
            return r;
    }
    return visit((PmObject *)Pm_TYPE(op), arg);
}

/* Drop the attributes (they may form cycles); the reference to the class
 * stays until the instance is deallocated. */
static int instance_clear(PmObject *op)
{
    PmObject *attrs = ((PmInstanceObject *)op)->ob_dict;
    return attrs != NULL ? PmDict_Clear(attrs) : 0;
}

static PmObject *instance_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<__main__.%s object at %p>", Pm_TYPE(op)->tp_name, (void *)op);
}

/* The instance owns a reference to its class and a fresh attribute table;
 * it is tracked from birth, as every instance of a heap type is. */
PmObject *PmType_GenericAlloc(PmTypeObject *type)
{
    PmInstanceObject *obj = (PmInstanceObject *)_PmObject_GC_New(type);
    if (obj == NULL)
        return NULL;
    obj->ob_dict = NULL;
    Pm_INCREF(type);
    PmObject *attrs = PmDict_New();
    if (attrs == NULL) {
        Pm_DECREF(obj);
        return NULL;
    }
    ((PmDictObject *)attrs)->ma_managed = 1;
    obj->ob_dict = attrs;
    PmObject_GC_Track(obj);
    return (PmObject *)obj;
}

/* ---- heap types ------------------------------------------------------------------ */

PmObject *PmType_NewClass(const char *name)
{
    PmObject *ht_name = PmUnicode_FromString(name);
    if (ht_name == NULL)
        return NULL;
    PmObject *dict = PmDict_New();
    if (dict == NULL) {
        Pm_DECREF(ht_name);
        return NULL;
    }
    PmTypeObject *type = (PmTypeObject *)_PmObject_GC_New(&PmType_Type);
    if (type == NULL) {
        Pm_DECREF(dict);
        Pm_DECREF(ht_name);
        return NULL;
    }
    Pm_SET_SIZE(type, 0);
    type->ht_name = ht_name;
    type->tp_name = PmUnicode_AsUTF8(ht_name);
    type->tp_basicsize = sizeof(PmInstanceObject);
    type->tp_itemsize = 0;
    type->tp_dealloc = subtype_dealloc;
    type->tp_repr = instance_repr;
    type->tp_hash = _Pm_HashPointer;
    type->tp_richcompare = NULL;
    type->tp_flags = Pm_TPFLAGS_HEAPTYPE | Pm_TPFLAGS_HAVE_GC | Pm_TPFLAGS_BASETYPE;
    type->tp_traverse = instance_traverse;
    type->tp_clear = instance_clear;
    type->tp_iter = NULL;
    type->tp_iternext = NULL;
    type->tp_dict = dict;
    type->tp_free = PmObject_GC_Del;
    PmObject_GC_Track(type);
    return (PmObject *)type;
}

PmObject *_PmType_Lookup(PmTypeObject *type, const char *name)
{
    if (type->tp_dict == NULL)
        return NULL;
    return _PmDict_GetItemBytes(type->tp_dict, name, (Pm_ssize_t)strlen(name));
}

static PmObject *type_repr(PmObject *op)
{
    PmTypeObject *type = (PmTypeObject *)op;
    if (PmType_HasFeature(type, Pm_TPFLAGS_HEAPTYPE))
        return PmUnicode_FromFormat("<class '__main__.%s'>", type->tp_name);
    return PmUnicode_FromFormat("<class '%s'>", type->tp_name);
}

/* A heap type refers to its attributes and its name.  (Static types are
 * never traversed: they are not GC objects, see _PmObject_IsGC.) */
static int type_traverse(PmObject *op, visitproc visit, void *arg)
{
    PmTypeObject *type = (PmTypeObject *)op;
    int r = 0;
    if (type->tp_dict != NULL)
        r = visit(type->tp_dict, arg);
    if (r == 0 && type->ht_name != NULL)
        r = visit(type->ht_name, arg);
    return r;
}

/* Break cycles through the class attributes (CPython's type_clear empties
 * tp_dict the same way); the dict object itself stays until type_dealloc. */
static int type_clear(PmObject *op)
{
    PmTypeObject *type = (PmTypeObject *)op;
    return type->tp_dict != NULL ? PmDict_Clear(type->tp_dict) : 0;
}

/* Only heap types die; a static type reaching here had its count broken. */
static void type_dealloc(PmObject *op)
{
    PmTypeObject *type = (PmTypeObject *)op;
    if (!PmType_HasFeature(type, Pm_TPFLAGS_HEAPTYPE))
        Pm_FatalError(
            "type_dealloc: deallocating a static type: an immortal object's count reached zero");
    PmObject_GC_UnTrack(op);
    Pm_CLEAR(type->tp_dict);
    type->tp_name = "(freed class)";
    Pm_CLEAR(type->ht_name);
    type->tp_free(op);
}

PmTypeObject PmType_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "type",
    .tp_basicsize = sizeof(PmTypeObject),
    .tp_dealloc = type_dealloc,
    .tp_repr = type_repr,
    .tp_hash = _Pm_HashPointer,
    .tp_flags = Pm_TPFLAGS_HAVE_GC | Pm_TPFLAGS_BASETYPE | Pm_TPFLAGS_TYPE_SUBCLASS,
    .tp_traverse = type_traverse,
    .tp_clear = type_clear,
    .tp_free = PmObject_GC_Del,
};

/* ---- object ------------------------------------------------------------------------ */

static void object_dealloc(PmObject *op)
{
    Pm_TYPE(op)->tp_free(op);
}

PmTypeObject PmBaseObject_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "object",
    .tp_basicsize = sizeof(PmObject),
    .tp_dealloc = object_dealloc,
    .tp_hash = _Pm_HashPointer,
    .tp_flags = Pm_TPFLAGS_BASETYPE,
    .tp_free = PmObject_Free,
};

/* The static objects are alive for the runtime's whole life; the registry
 * does not list them, but _Pm_IsRegistered must know them. */
void _PmType_InitStatic(void)
{
    static PmTypeObject *const static_types[] = {
        &PmType_Type,      &PmBaseObject_Type,  &PmLong_Type,        &PmBool_Type,
        &PmNone_Type,      &PmUnicode_Type,     &PmTuple_Type,       &PmList_Type,
        &PmDict_Type,      &PmRange_Type,       &PmListIter_Type,    &PmTupleIter_Type,
        &PmRangeIter_Type, &PmDictIterKey_Type, &PmUnicodeIter_Type,
    };
    for (size_t i = 0; i < sizeof static_types / sizeof static_types[0]; i++)
        _Pm_AddPermanent((PmObject *)static_types[i]);
    _Pm_AddPermanent(Pm_None);
    _Pm_AddPermanent(Pm_True);
    _Pm_AddPermanent(Pm_False);
}
