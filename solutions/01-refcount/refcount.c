/* refcount.c - chapter 1, the reference solution: counting, immortal objects,
 * who owns what in lists and dicts, the deallocators that release it, and the
 * trashcan that keeps a long chain of deallocations off the C stack.
 */
#include <string.h>

#include "pmlab.h"

/* ---- Step 1: Counting (CPython: Include/refcount.h, Objects/object.c) ---- */

/* In the free-threaded build, chapter 5 counts (skeletons/05-biased). */
#ifndef Pm_GIL_DISABLED
/* Add one strong reference.  Immortal objects are left alone (see Step 2):
 * their count is not a count, so neither is their share of _Pm_RefTotal. */
void Pm_IncRef(PmObject *op)
{
    /* Saturating add on the low 32 bits, as 3.12's Py_INCREF: an immortal
     * count is 0xFFFFFFFF there, so cur + 1 wraps to 0 and nothing is stored. */
    uint32_t cur = op->ob_refcnt_split[0];
    uint32_t new = cur + 1;
    if (new == 0) {
        return;
    }
    op->ob_refcnt_split[0] = new;
    _Pm_INC_REFTOTAL();
}

/* Drop one strong reference; the last one deallocates the object.  A count
 * that was already 0 means someone released a reference they did not own. */
void Pm_DecRef(PmObject *op)
{
    if (_Pm_IsImmortal(op)) {
        return;
    }
    _Pm_DEC_REFTOTAL();
    if (--op->ob_refcnt != 0) {
        if (op->ob_refcnt < 0) {
            _Pm_NegativeRefcount(op);
        }
    }
    else {
        _Pm_Dealloc(op);
    }
}
#endif

/* The count reached zero: take the object out of the registry of live
 * objects, then let its type release what it owns and free its memory. */
void _Pm_Dealloc(PmObject *op)
{
    destructor dealloc = Pm_TYPE(op)->tp_dealloc;
    _Pm_ForgetReference(op);
    (*dealloc)(op);
}

/* ---- Step 2: Immortal objects (PEP 683; CPython 3.12 Include/refcount.h) ---- */

/* In the free-threaded build, chapter 5 counts (skeletons/05-biased). */
#ifndef Pm_GIL_DISABLED
/* An object is immortal when the low 32 bits of its count, read as signed,
 * are negative: 0xFFFFFFFF is, and no real count ever gets that high. */
int _Pm_IsImmortal(PmObject *op)
{
    return (int32_t)op->ob_refcnt < 0;
}

/* From now on op lives until the process ends: Pm_IncRef saturates and
 * Pm_DecRef returns early, whatever code does with it. */
void _Pm_SetImmortal(PmObject *op)
{
    op->ob_refcnt = _Pm_IMMORTAL_REFCNT;
}
#endif

/* ---- Step 3: Ownership in lists (CPython: Objects/listobject.c) ---- */

/* 0 <= i < limit, in one unsigned comparison (CPython's valid_index). */
static inline int valid_index(Pm_ssize_t i, Pm_ssize_t limit)
{
    return (size_t)i < (size_t)limit;
}

/* list.append(item).  The caller keeps its reference; the list takes a new
 * one of its own (CPython's app1). */
int PmList_Append(PmObject *op, PmObject *newitem)
{
    PmListObject *self = (PmListObject *)op;
    Pm_ssize_t n = Pm_SIZE(self);
    if (_PmList_Resize(self, n + 1) < 0) {
        return -1;
    }
    PmList_SET_ITEM(self, n, Pm_NewRef(newitem));
    return 0;
}

/* list[i] = newitem.  Steals newitem: the caller's reference becomes the
 * list's, even on error (then it is released here, so it never leaks). */
int PmList_SetItem(PmObject *op, Pm_ssize_t i, PmObject *newitem)
{
    if (!valid_index(i, Pm_SIZE(op))) {
        Pm_XDECREF(newitem);
        PmErr_SetString(PmExc_IndexError, "list assignment index out of range");
        return -1;
    }
    /* Store first, release second: the old item's deallocator may run code
     * that reads this very slot, and it must find the new item there. */
    Pm_XSETREF(((PmListObject *)op)->ob_item[i], newitem);
    return 0;
}

/* list.pop(i): take the item out and hand the list's reference to the
 * caller, who now owns it.  The count does not change (CPython's
 * list_pop_impl). */
PmObject *_PmList_Pop(PmObject *op, Pm_ssize_t index)
{
    PmListObject *self = (PmListObject *)op;
    Pm_ssize_t n = Pm_SIZE(self);
    if (n == 0) {
        PmErr_SetString(PmExc_IndexError, "pop from empty list");
        return NULL;
    }
    if (index < 0) {
        index += n;
    }
    if (!valid_index(index, n)) {
        PmErr_SetString(PmExc_IndexError, "pop index out of range");
        return NULL;
    }
    PmObject *v = self->ob_item[index];
    memmove(&self->ob_item[index], &self->ob_item[index + 1],
            (size_t)(n - index - 1) * sizeof(PmObject *));
    if (_PmList_Resize(self, n - 1) < 0) {
        /* The list keeps its items: put v back where it was. */
        memmove(&self->ob_item[index + 1], &self->ob_item[index],
                (size_t)(n - index - 1) * sizeof(PmObject *));
        self->ob_item[index] = v;
        return NULL;
    }
    return v;
}

/* ---- Step 4: Ownership in dicts (CPython: Objects/dictobject.c) ---- */

/* dict[key] = value.  Borrows both: the dict takes references of its own. */
int PmDict_SetItem(PmObject *op, PmObject *key, PmObject *value)
{
    PmDictObject *mp = (PmDictObject *)op;
    Pm_hash_t hash = PmObject_Hash(key);
    if (hash == -1) {
        return -1;
    }
    PmDictEntry *ep = _PmDict_FindEntry(mp, key, hash);
    if (ep == NULL) {
        Pm_INCREF(key);
        Pm_INCREF(value);
        return _PmDict_InsertNew(mp, key, hash, value);
    }
    /* The key is already there and keeps its entry (and its key object);
     * only the value changes: store the new one, then release the old one,
     * whose deallocator may look into this dict (insertdict, issue #22653). */
    _PmDict_MaintainTracking(mp, key, value);
    Pm_INCREF(value);
    Pm_SETREF(ep->me_value, value);
    return 0;
}

/* del dict[key].  A missing key raises KeyError, whose message is the repr
 * of the key, as Python prints it. */
int PmDict_DelItem(PmObject *op, PmObject *key)
{
    PmDictObject *mp = (PmDictObject *)op;
    Pm_hash_t hash = PmObject_Hash(key);
    if (hash == -1) {
        return -1;
    }
    PmDictEntry *ep = _PmDict_FindEntry(mp, key, hash);
    if (ep == NULL) {
        PmObject *repr = PmObject_Repr(key);
        if (repr != NULL) {
            PmErr_SetString(PmExc_KeyError, PmUnicode_AsUTF8(repr));
            Pm_DECREF(repr);
        }
        return -1;
    }
    PmObject *old_key, *old_value;
    /* The entry leaves the table before its references are dropped, so a
     * deallocator that looks up this dict never finds a dying object. */
    _PmDict_RemoveEntry(mp, ep, &old_key, &old_value);
    Pm_DECREF(old_key);
    Pm_DECREF(old_value);
    return 0;
}

/* ---- Step 5: Deallocators, wrapped in the trashcan of Step 6 ----
 * Each one is called with a count of zero and an object already forgotten by
 * the registry.  It untracks the object first (the collector must never see
 * a half-destroyed container), releases every reference the object owns, and
 * frees the memory with the type's tp_free. */

/* CPython's tupledealloc. */
void tuple_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
    Pm_TRASHCAN_BEGIN(op, tuple_dealloc)
    Pm_ssize_t i = Pm_SIZE(op);
    while (--i >= 0) {
        Pm_XDECREF(PmTuple_GET_ITEM(op, i));
    }
    Pm_TYPE(op)->tp_free(op);
    Pm_TRASHCAN_END
}

/* CPython's list_dealloc.  Items are released last to first, as CPython
 * does; then the item array, then the list itself. */
void list_dealloc(PmObject *op)
{
    PmListObject *self = (PmListObject *)op;
    PmObject_GC_UnTrack(op);
    Pm_TRASHCAN_BEGIN(op, list_dealloc)
    if (self->ob_item != NULL) {
        Pm_ssize_t i = Pm_SIZE(self);
        while (--i >= 0) {
            Pm_XDECREF(self->ob_item[i]);
        }
        PmMem_Free(self->ob_item);
    }
    Pm_TYPE(op)->tp_free(op);
    Pm_TRASHCAN_END
}

/* CPython's dict_dealloc.  Deleted entries hold NULL key and value. */
void dict_dealloc(PmObject *op)
{
    PmDictObject *mp = (PmDictObject *)op;
    PmObject_GC_UnTrack(op);
    Pm_TRASHCAN_BEGIN(op, dict_dealloc)
    for (Pm_ssize_t i = 0; i < mp->ma_nentries; i++) {
        Pm_XDECREF(mp->ma_entries[i].me_key);
        Pm_XDECREF(mp->ma_entries[i].me_value);
    }
    _PmDict_FreeStorage(mp);
    Pm_TYPE(op)->tp_free(op);
    Pm_TRASHCAN_END
}

/* CPython's subtype_dealloc, for instances of `class Name: pass`.  Every
 * instance owns a reference to its class; the class is released last,
 * after the instance's memory is gone, because freeing that memory
 * (tp_free) is found through the class. */
void subtype_dealloc(PmObject *op)
{
    PmTypeObject *type = Pm_TYPE(op);
    PmObject_GC_UnTrack(op);
    Pm_TRASHCAN_BEGIN(op, subtype_dealloc)
    Pm_CLEAR(((PmInstanceObject *)op)->ob_dict);
    type->tp_free(op);
    Pm_DECREF(type);
    Pm_TRASHCAN_END
}

/* ---- Step 6: The trashcan (CPython 3.11 Objects/object.c) ----
 * Dropping the head of a long chain (a = [a], a million times) calls one
 * deallocator inside another, a million deep, and the C stack overflows.
 * The trashcan counts the deallocators on the stack; past
 * _PmTrash_UNWIND_LEVEL it puts the object on a list instead, and the
 * outermost deallocator empties that list once the stack has unwound. */

/* Called by Pm_TRASHCAN_BEGIN.  Returns 1 if op was deferred (the caller
 * skips its body), 0 if the deallocator may run now. */
int _PmTrash_begin(PmThreadState *tstate, PmObject *op)
{
    if (tstate->trash_delete_nesting >= _PmTrash_UNWIND_LEVEL) {
        _PmTrash_thread_deposit_object(tstate, op);
        return 1;
    }
    ++tstate->trash_delete_nesting;
    return 0;
}

/* Called by Pm_TRASHCAN_END.  The outermost deallocator, on its way out,
 * destroys whatever was deferred while it ran. */
void _PmTrash_end(PmThreadState *tstate)
{
    --tstate->trash_delete_nesting;
    if (tstate->trash_delete_later != NULL && tstate->trash_delete_nesting <= 0) {
        _PmTrash_thread_destroy_chain(tstate);
    }
}

/* Defer op.  It is untracked (its deallocator untracked it), so its GC
 * header's _gc_prev is free to link it to the next deferred object. */
void _PmTrash_thread_deposit_object(PmThreadState *tstate, PmObject *op)
{
    _PmGCHead_SET_PREV(_Pm_AS_GC(op), (PmGC_Head *)tstate->trash_delete_later);
    tstate->trash_delete_later = op;
}

/* Run the deallocator of every deferred object, including those deferred
 * while this loop runs.  The nesting is raised by one around the loop, so
 * the deallocators called here cannot start a second destroy_chain below
 * this one (CPython's comment on this function tells of the crash). */
void _PmTrash_thread_destroy_chain(PmThreadState *tstate)
{
    ++tstate->trash_delete_nesting;
    while (tstate->trash_delete_later != NULL) {
        PmObject *op = tstate->trash_delete_later;
        destructor dealloc = Pm_TYPE(op)->tp_dealloc;
        tstate->trash_delete_later = (PmObject *)_PmGCHead_PREV(_Pm_AS_GC(op));
        (*dealloc)(op);
    }
    --tstate->trash_delete_nesting;
}
