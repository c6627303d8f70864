#ifndef PM_SKELETON
/* refcount.c - chapter 1, the reference solution: counting, immortal objects,
 * who owns what in lists and dicts, the deallocators that release it, and the
 * trashcan that keeps a long chain of deallocations off the C stack.
 */
#else /* PM_SKELETON */
/* refcount.c - chapter 1, your layer: counting, immortal objects, who owns
 * what in lists and dicts, the deallocators that release it, and the
 * trashcan that keeps a long chain of deallocations off the C stack.
 *
 * This is the only file you edit.  Every function below is called by the
 * runtime; until you write it, it stops the test that reached it and names
 * the step of chapters/01-refcount.md to read.  Work through the steps in
 * order: `make grade CH=01` shows which tests each step turns green.
 */
#endif /* PM_SKELETON */
#include <string.h>

#include "pmlab.h"

/* ---- Step 1: Counting (CPython: Include/refcount.h, Objects/object.c) ---- */

/* In the free-threaded build, chapter 5 counts (skeletons/05-biased). */
#ifndef Pm_GIL_DISABLED
#ifndef PM_SKELETON
/* Add one strong reference.  Immortal objects are left alone (see Step 2):
 * their count is not a count, so neither is their share of _Pm_RefTotal. */
void Pm_IncRef(PmObject *op)
{
#ifdef PM_BEFORE_STEP_2 /* Step 1's version: every object is counted */
    op->ob_refcnt++;
#else
    /* Saturating add on the low 32 bits, as 3.12's Py_INCREF: an immortal
     * count is 0xFFFFFFFF there, so cur + 1 wraps to 0 and nothing is stored. */
    uint32_t cur = op->ob_refcnt_split[0];
    uint32_t new = cur + 1;
    if (new == 0) {
        return;
    }
    op->ob_refcnt_split[0] = new;
#endif /* PM_BEFORE_STEP_2 */
    _Pm_INC_REFTOTAL();
#else /* PM_SKELETON */
/* Add one strong reference to op, and add one to _Pm_RefTotal
 * (_Pm_INC_REFTOTAL()).
 *
 * CPython: Py_INCREF.  Start with the plain version (op->ob_refcnt++); in
 * Step 2 you make it leave immortal objects alone: neither the count nor
 * _Pm_RefTotal may move for them. */
void Pm_IncRef(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 1 (then Step 2) */
    (void)op;
    _Pm_Unimplemented("Pm_IncRef", "chapters/01-refcount.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Drop one strong reference; the last one deallocates the object.  A count
 * that was already 0 means someone released a reference they did not own. */
void Pm_DecRef(PmObject *op)
{
#ifndef PM_BEFORE_STEP_2 /* Step 2 adds: immortal objects are left alone */
    if (_Pm_IsImmortal(op)) {
        return;
    }
#endif /* PM_BEFORE_STEP_2 */
    _Pm_DEC_REFTOTAL();
    if (--op->ob_refcnt != 0) {
        if (op->ob_refcnt < 0) {
            _Pm_NegativeRefcount(op);
        }
    } else {
        _Pm_Dealloc(op);
    }
#else /* PM_SKELETON */
/* Drop one strong reference: subtract one from the count and from
 * _Pm_RefTotal (_Pm_DEC_REFTOTAL()).  When the count reaches zero, call
 * _Pm_Dealloc(op).  When it goes below zero, the caller released a
 * reference it did not own: call _Pm_NegativeRefcount(op), which reports
 * the object and aborts.
 *
 * CPython: Py_DECREF.  Pitfall: after _Pm_Dealloc the object is gone; do not
 * read op again.  In Step 2, immortal objects are left alone here too. */
void Pm_DecRef(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 1 (then Step 2) */
    (void)op;
    _Pm_Unimplemented("Pm_DecRef", "chapters/01-refcount.md, Step 1");
#endif /* PM_SKELETON */
}
#endif

#ifndef PM_SKELETON
/* The count reached zero: take the object out of the registry of live
 * objects, then let its type release what it owns and free its memory. */
void _Pm_Dealloc(PmObject *op)
{
    destructor dealloc = Pm_TYPE(op)->tp_dealloc;
    _Pm_ForgetReference(op);
    (*dealloc)(op);
#else /* PM_SKELETON */
/* The count reached zero.  Take the object out of the registry of live
 * objects (_Pm_ForgetReference), then call its type's tp_dealloc, which
 * releases what the object owns and frees its memory.
 *
 * CPython: _Py_Dealloc in Objects/object.c.  Pitfall: read the deallocator
 * from the type before anything else happens to op. */
void _Pm_Dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 1 */
    (void)op;
    _Pm_Unimplemented("_Pm_Dealloc", "chapters/01-refcount.md, Step 1");
#endif /* PM_SKELETON */
}

/* ---- Step 2: Immortal objects (PEP 683; CPython 3.12 Include/refcount.h) ---- */

/* In the free-threaded build, chapter 5 counts (skeletons/05-biased). */
#ifndef Pm_GIL_DISABLED
#ifndef PM_SKELETON
/* An object is immortal when the low 32 bits of its count, read as signed,
 * are negative: 0xFFFFFFFF is, and no real count ever gets that high. */
int _Pm_IsImmortal(PmObject *op)
{
    return (int32_t)op->ob_refcnt < 0;
#else /* PM_SKELETON */
/* Return 1 if op is immortal.  An immortal count is _Pm_IMMORTAL_REFCNT
 * (0xFFFFFFFF); the test CPython uses is the sign of the low 32 bits of the
 * count, read as a signed 32-bit number.
 *
 * CPython: _Py_IsImmortal.  Pitfall: comparing the whole 64-bit count with
 * the constant breaks as soon as anything nudges the count. */
int _Pm_IsImmortal(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("_Pm_IsImmortal", "chapters/01-refcount.md, Step 2");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* From now on op lives until the process ends: Pm_IncRef saturates and
 * Pm_DecRef returns early, whatever code does with it. */
void _Pm_SetImmortal(PmObject *op)
{
    op->ob_refcnt = _Pm_IMMORTAL_REFCNT;
#else /* PM_SKELETON */
/* Make op immortal: set its count to _Pm_IMMORTAL_REFCNT.  (None, True,
 * False, the small ints and interned strings are created with that count
 * already; the tests call this on objects of their own.)
 *
 * CPython: _Py_SetImmortal (Include/internal/pycore_object.h, 3.12).  Then
 * revisit Pm_IncRef and Pm_DecRef: CPython's Py_INCREF adds one to the low
 * 32 bits (op->ob_refcnt_split[0]) and stores nothing if that wraps to 0. */
void _Pm_SetImmortal(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 2 */
    (void)op;
    _Pm_Unimplemented("_Pm_SetImmortal", "chapters/01-refcount.md, Step 2");
#endif /* PM_SKELETON */
}
#endif

/* ---- Step 3: Ownership in lists (CPython: Objects/listobject.c) ---- */

#ifndef PM_SKELETON
/* 0 <= i < limit, in one unsigned comparison (CPython's valid_index). */
static inline int valid_index(Pm_ssize_t i, Pm_ssize_t limit)
{
    return (size_t)i < (size_t)limit;
#else /* PM_SKELETON */
/* list.append(newitem).  The caller keeps its reference: the list takes a
 * new one of its own.  Grow the list by one with _PmList_Resize (given; it
 * returns -1 with MemoryError set if it cannot), then store the item in the
 * last slot (PmList_SET_ITEM).  Return 0, or -1 on error.
 *
 * CPython: PyList_Append and app1.  Pitfall: storing the pointer without
 * taking a reference; the list then frees an item it never owned. */
int PmList_Append(PmObject *list, PmObject *newitem)
{
    /* TODO: chapters/01-refcount.md, Step 3 */
    (void)list;
    (void)newitem;
    _Pm_Unimplemented("PmList_Append", "chapters/01-refcount.md, Step 3");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
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
#else /* PM_SKELETON */
/* list[i] = newitem.  This function *steals* newitem: the caller's
 * reference becomes the list's, so no new reference is taken.  The item
 * that was in the slot loses the list's reference.  If i is not in
 * 0 <= i < len(list), set IndexError "list assignment index out of range"
 * (PmErr_SetString) and return -1, after releasing newitem: it was handed
 * over, and nobody else will release it.  Return 0 on success.
 *
 * CPython: PyList_SetItem, which uses Py_XSETREF.  Pitfall: releasing the
 * old item before storing the new one.  The old item's deallocator may read
 * this slot, and would find a dead object there. */
int PmList_SetItem(PmObject *list, Pm_ssize_t i, PmObject *newitem)
{
    /* TODO: chapters/01-refcount.md, Step 3 */
    (void)list;
    (void)i;
    (void)newitem;
    _Pm_Unimplemented("PmList_SetItem", "chapters/01-refcount.md, Step 3");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
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
#else /* PM_SKELETON */
/* list.pop(index): remove the item at index and return it.  A negative
 * index counts from the end.  Errors: IndexError "pop from empty list", or
 * "pop index out of range"; return NULL.  Shift the later items down one
 * slot, then shrink the list with _PmList_Resize.
 *
 * CPython: list_pop_impl.  The list's reference passes to the caller, so
 * the item's count does not change: no incref, no decref.  Pitfall: a
 * decref here frees an item the caller is about to use. */
PmObject *_PmList_Pop(PmObject *list, Pm_ssize_t index)
{
    /* TODO: chapters/01-refcount.md, Step 3 */
    (void)list;
    (void)index;
    _Pm_Unimplemented("_PmList_Pop", "chapters/01-refcount.md, Step 3");
#endif /* PM_SKELETON */
}

/* ---- Step 4: Ownership in dicts (CPython: Objects/dictobject.c) ---- */

#ifndef PM_SKELETON
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
#else /* PM_SKELETON */
/* dict[key] = value.  Borrows both arguments.  Compute the hash with
 * PmObject_Hash (-1 means an error is already set: return -1), then look
 * the key up with _PmDict_FindEntry (given).
 *   - New key: take a reference to key and to value and pass them to
 *     _PmDict_InsertNew (given), which steals both.
 *   - Existing key: the entry keeps its key; store a new reference to value
 *     in ep->me_value, call _PmDict_MaintainTracking, and release the old
 *     value after the new one is stored (Pm_SETREF has that shape).
 *
 * CPython: PyDict_SetItem and insertdict.  Pitfall: forgetting to release
 * the replaced value leaks it; releasing it before storing lets its
 * deallocator see a dead value in the dict. */
int PmDict_SetItem(PmObject *dict, PmObject *key, PmObject *value)
{
    /* TODO: chapters/01-refcount.md, Step 4 */
    (void)dict;
    (void)key;
    (void)value;
    _Pm_Unimplemented("PmDict_SetItem", "chapters/01-refcount.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
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
#else /* PM_SKELETON */
/* del dict[key].  Borrows key.  Hash it and find the entry as above.  If
 * the key is absent, set KeyError whose message is the repr of the key
 * (PmObject_Repr, PmUnicode_AsUTF8; 'a' for the str a) and return -1.
 * Otherwise take the entry out with _PmDict_RemoveEntry (given), which
 * hands you the entry's key and value: release both, then return 0.
 *
 * CPython: PyDict_DelItem and delitem_common.  Pitfall: the dict owned two
 * references, one to the key and one to the value; both must go. */
int PmDict_DelItem(PmObject *dict, PmObject *key)
{
    /* TODO: chapters/01-refcount.md, Step 4 */
    (void)dict;
    (void)key;
    _Pm_Unimplemented("PmDict_DelItem", "chapters/01-refcount.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* ---- Step 5: Deallocators, wrapped in the trashcan of Step 6 ----
 * Each one is called with a count of zero and an object already forgotten by
 * the registry.  It untracks the object first (the collector must never see
 * a half-destroyed container), releases every reference the object owns, and
 * frees the memory with the type's tp_free. */

/* CPython's tupledealloc. */
void tuple_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
#ifndef PM_BEFORE_STEP_6 /* Step 6 adds the trashcan around the body */
    Pm_TRASHCAN_BEGIN(op, tuple_dealloc)
#endif /* PM_BEFORE_STEP_6 */
    Pm_ssize_t i = Pm_SIZE(op);
    while (--i >= 0) {
        Pm_XDECREF(PmTuple_GET_ITEM(op, i));
    }
    Pm_TYPE(op)->tp_free(op);
#ifndef PM_BEFORE_STEP_6
    Pm_TRASHCAN_END
#endif /* PM_BEFORE_STEP_6 */
#else /* PM_SKELETON */
/* ---- Step 5: Deallocators ----
 * Each deallocator is called by _Pm_Dealloc with a count of zero.  In order:
 * untrack the object (PmObject_GC_UnTrack), release every reference it owns,
 * free any storage it owns, and free the object with Pm_TYPE(op)->tp_free(op).
 * In Step 6 you wrap everything after the untrack in Pm_TRASHCAN_BEGIN(op,
 * name_of_this_function) ... Pm_TRASHCAN_END (pm_refcount.h shows the shape). */

/* A tuple owns its Pm_SIZE(op) items (PmTuple_GET_ITEM); some may be NULL
 * in a tuple still being built.  CPython: tupledealloc. */
void tuple_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("tuple_dealloc", "chapters/01-refcount.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* CPython's list_dealloc.  Items are released last to first, as CPython
 * does; then the item array, then the list itself. */
void list_dealloc(PmObject *op)
{
    PmListObject *self = (PmListObject *)op;
    PmObject_GC_UnTrack(op);
#ifndef PM_BEFORE_STEP_6 /* Step 6 adds the trashcan around the body */
    Pm_TRASHCAN_BEGIN(op, list_dealloc)
#endif /* PM_BEFORE_STEP_6 */
    if (self->ob_item != NULL) {
        Pm_ssize_t i = Pm_SIZE(self);
        while (--i >= 0) {
            Pm_XDECREF(self->ob_item[i]);
        }
        PmMem_Free(self->ob_item);
    }
    Pm_TYPE(op)->tp_free(op);
#ifndef PM_BEFORE_STEP_6
    Pm_TRASHCAN_END
#endif /* PM_BEFORE_STEP_6 */
#else /* PM_SKELETON */
/* A list owns its Pm_SIZE(op) items and the item array ob_item, which came
 * from the mem domain (free it with PmMem_Free; it may be NULL for an empty
 * list).  CPython: list_dealloc, which releases the items last to first. */
void list_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("list_dealloc", "chapters/01-refcount.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* CPython's dict_dealloc.  Deleted entries hold NULL key and value. */
void dict_dealloc(PmObject *op)
{
    PmDictObject *mp = (PmDictObject *)op;
    PmObject_GC_UnTrack(op);
#ifndef PM_BEFORE_STEP_6 /* Step 6 adds the trashcan around the body */
    Pm_TRASHCAN_BEGIN(op, dict_dealloc)
#endif /* PM_BEFORE_STEP_6 */
    for (Pm_ssize_t i = 0; i < mp->ma_nentries; i++) {
        Pm_XDECREF(mp->ma_entries[i].me_key);
        Pm_XDECREF(mp->ma_entries[i].me_value);
    }
    _PmDict_FreeStorage(mp);
    Pm_TYPE(op)->tp_free(op);
#ifndef PM_BEFORE_STEP_6
    Pm_TRASHCAN_END
#endif /* PM_BEFORE_STEP_6 */
#else /* PM_SKELETON */
/* A dict owns the key and value of each of its ma_nentries entries
 * (ma_entries[i].me_key, .me_value; both NULL for a deleted entry) and its
 * tables, freed with _PmDict_FreeStorage after the references are released.
 * CPython: dict_dealloc. */
void dict_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("dict_dealloc", "chapters/01-refcount.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* CPython's subtype_dealloc, for instances of `class Name: pass`.  Every
 * instance owns a reference to its class; the class is released last,
 * after the instance's memory is gone, because freeing that memory
 * (tp_free) is found through the class. */
void subtype_dealloc(PmObject *op)
{
    PmTypeObject *type = Pm_TYPE(op);
    PmObject_GC_UnTrack(op);
#ifndef PM_BEFORE_STEP_6 /* Step 6 adds the trashcan around the body */
    Pm_TRASHCAN_BEGIN(op, subtype_dealloc)
#endif /* PM_BEFORE_STEP_6 */
    Pm_CLEAR(((PmInstanceObject *)op)->ob_dict);
    type->tp_free(op);
    Pm_DECREF(type);
#ifndef PM_BEFORE_STEP_6
    Pm_TRASHCAN_END
#endif /* PM_BEFORE_STEP_6 */
#else /* PM_SKELETON */
/* An instance of `class Name: pass` owns its attribute dict (ob_dict, may be
 * NULL) and a reference to its class, Pm_TYPE(op).  CPython: subtype_dealloc.
 * Pitfall: the class must outlive the instance's memory.  Remember the type
 * first, free the instance through it, and release the type last. */
void subtype_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("subtype_dealloc", "chapters/01-refcount.md, Step 5");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
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
#else /* PM_SKELETON */
/* ---- Step 6: The trashcan (CPython 3.11 Objects/object.c) ----
 * Dropping the head of a long chain (a = [a], a million times) calls one
 * deallocator inside another, a million deep, and the C stack overflows.
 * The trashcan counts deallocators on the stack in
 * tstate->trash_delete_nesting; past _PmTrash_UNWIND_LEVEL it defers the
 * object to tstate->trash_delete_later, and the outermost deallocator
 * destroys the deferred objects once the stack has unwound. */

/* Called by Pm_TRASHCAN_BEGIN.  If the nesting has reached
 * _PmTrash_UNWIND_LEVEL, deposit op and return 1 (the deallocator then skips
 * its body).  Otherwise count one more deallocator on the stack and return 0.
 * CPython: _PyTrash_begin. */
int _PmTrash_begin(PmThreadState *tstate, PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 6 */
    (void)tstate;
    (void)op;
    _Pm_Unimplemented("_PmTrash_begin", "chapters/01-refcount.md, Step 6");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Called by Pm_TRASHCAN_END.  The outermost deallocator, on its way out,
 * destroys whatever was deferred while it ran. */
void _PmTrash_end(PmThreadState *tstate)
{
    --tstate->trash_delete_nesting;
    if (tstate->trash_delete_later != NULL && tstate->trash_delete_nesting <= 0) {
        _PmTrash_thread_destroy_chain(tstate);
    }
#else /* PM_SKELETON */
/* Called by Pm_TRASHCAN_END.  Count one deallocator fewer; if that was the
 * outermost one and objects were deferred, destroy them now.
 * CPython: _PyTrash_end. */
void _PmTrash_end(PmThreadState *tstate)
{
    /* TODO: chapters/01-refcount.md, Step 6 */
    (void)tstate;
    _Pm_Unimplemented("_PmTrash_end", "chapters/01-refcount.md, Step 6");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Defer op.  It is untracked (its deallocator untracked it), so its GC
 * header's _gc_prev is free to link it to the next deferred object. */
void _PmTrash_thread_deposit_object(PmThreadState *tstate, PmObject *op)
{
    _PmGCHead_SET_PREV(_Pm_AS_GC(op), (PmGC_Head *)tstate->trash_delete_later);
    tstate->trash_delete_later = op;
#else /* PM_SKELETON */
/* Push op on the deferred list.  The list costs no memory: op is untracked,
 * so its GC header's _gc_prev is free to point at the next deferred object
 * (_PmGCHead_SET_PREV(_Pm_AS_GC(op), ...)).
 * CPython: _PyTrash_thread_deposit_object. */
void _PmTrash_thread_deposit_object(PmThreadState *tstate, PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 6 */
    (void)tstate;
    (void)op;
    _Pm_Unimplemented("_PmTrash_thread_deposit_object", "chapters/01-refcount.md, Step 6");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
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
#else /* PM_SKELETON */
/* Until the deferred list is empty: pop an object (_PmGCHead_PREV gives the
 * next one) and call its type's tp_dealloc directly; its count is already
 * zero.  Raise trash_delete_nesting by one around the loop.  Without that,
 * a deallocator called here would start a second destroy_chain inside this
 * one.  CPython: _PyTrash_thread_destroy_chain. */
void _PmTrash_thread_destroy_chain(PmThreadState *tstate)
{
    /* TODO: chapters/01-refcount.md, Step 6 */
    (void)tstate;
    _Pm_Unimplemented("_PmTrash_thread_destroy_chain", "chapters/01-refcount.md, Step 6");
#endif /* PM_SKELETON */
}
