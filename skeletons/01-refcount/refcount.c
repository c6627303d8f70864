/* refcount.c - chapter 1, your layer: counting, immortal objects, who owns
 * what in lists and dicts, the deallocators that release it, and the
 * trashcan that keeps a long chain of deallocations off the C stack.
 *
 * This is the only file you edit.  Every function below is called by the
 * runtime; until you write it, it stops the test that reached it and names
 * the step of chapters/01-refcount.md to read.  Work through the steps in
 * order: `make grade CH=01` shows which tests each step turns green.
 */
#include <string.h>

#include "pmlab.h"

/* ---- Step 1: Counting (CPython: Include/refcount.h, Objects/object.c) ---- */

/* In the free-threaded build, chapter 5 counts (skeletons/05-biased). */
#ifndef Pm_GIL_DISABLED
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
}

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
}
#endif

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
}

/* ---- Step 2: Immortal objects (PEP 683; CPython 3.12 Include/refcount.h) ---- */

/* In the free-threaded build, chapter 5 counts (skeletons/05-biased). */
#ifndef Pm_GIL_DISABLED
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
}

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
}
#endif

/* ---- Step 3: Ownership in lists (CPython: Objects/listobject.c) ---- */

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
}

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
}

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
}

/* ---- Step 4: Ownership in dicts (CPython: Objects/dictobject.c) ---- */

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
}

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
}

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
}

/* A list owns its Pm_SIZE(op) items and the item array ob_item, which came
 * from the mem domain (free it with PmMem_Free; it may be NULL for an empty
 * list).  CPython: list_dealloc, which releases the items last to first. */
void list_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("list_dealloc", "chapters/01-refcount.md, Step 5");
}

/* A dict owns the key and value of each of its ma_nentries entries
 * (ma_entries[i].me_key, .me_value; both NULL for a deleted entry) and its
 * tables, freed with _PmDict_FreeStorage after the references are released.
 * CPython: dict_dealloc. */
void dict_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("dict_dealloc", "chapters/01-refcount.md, Step 5");
}

/* An instance of `class Name: pass` owns its attribute dict (ob_dict, may be
 * NULL) and a reference to its class, Pm_TYPE(op).  CPython: subtype_dealloc.
 * Pitfall: the class must outlive the instance's memory.  Remember the type
 * first, free the instance through it, and release the type last. */
void subtype_dealloc(PmObject *op)
{
    /* TODO: chapters/01-refcount.md, Step 5 (then Step 6) */
    (void)op;
    _Pm_Unimplemented("subtype_dealloc", "chapters/01-refcount.md, Step 5");
}

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
}

/* Called by Pm_TRASHCAN_END.  Count one deallocator fewer; if that was the
 * outermost one and objects were deferred, destroy them now.
 * CPython: _PyTrash_end. */
void _PmTrash_end(PmThreadState *tstate)
{
    /* TODO: chapters/01-refcount.md, Step 6 */
    (void)tstate;
    _Pm_Unimplemented("_PmTrash_end", "chapters/01-refcount.md, Step 6");
}

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
}

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
}
