/* pm_types.h - the object types of the mini-Python (given code, runtime/objects/).
 *
 * int, bool, None, str, tuple, list, dict, range, iterators, and heap types
 * made by `class Name: pass` with their instances.  The layouts follow
 * CPython's closely enough that every chapter's code reads like CPython's.
 * Functions return new references unless they say "borrowed"; on error they
 * return NULL (or -1) with an exception set (pm_runtime.h).
 */
#ifndef PM_TYPES_H
#define PM_TYPES_H

#include "pm_object.h"

/* ---- the built-in types (static, immortal) ---- */
extern PmTypeObject PmType_Type;
extern PmTypeObject PmBaseObject_Type; /* `object` */
extern PmTypeObject PmLong_Type;
extern PmTypeObject PmBool_Type;
extern PmTypeObject PmNone_Type; /* type(None) */
extern PmTypeObject PmUnicode_Type; /* str */
extern PmTypeObject PmTuple_Type;
extern PmTypeObject PmList_Type;
extern PmTypeObject PmDict_Type;
extern PmTypeObject PmRange_Type;
extern PmTypeObject PmListIter_Type;
extern PmTypeObject PmTupleIter_Type;
extern PmTypeObject PmRangeIter_Type;
extern PmTypeObject PmDictIterKey_Type;
extern PmTypeObject PmUnicodeIter_Type;

/* ---- None, True, False ---- */
extern PmObject _Pm_NoneStruct;
#define Pm_None (&_Pm_NoneStruct)
#define Pm_RETURN_NONE return Pm_NewRef(Pm_None)

/* ---- int (values fit in 64 bits; overflow raises OverflowError) ---- */
typedef struct {
    PmObject_HEAD
    long long ob_ival;
} PmLongObject;

#define _PM_NSMALLNEGINTS 5 /* -5 .. 256 are cached and immortal, as */
#define _PM_NSMALLPOSINTS 257 /* in CPython 3.12+ */

extern PmLongObject _Pm_TrueStruct, _Pm_FalseStruct;
#define Pm_True ((PmObject *)&_Pm_TrueStruct)
#define Pm_False ((PmObject *)&_Pm_FalseStruct)

PmObject *PmLong_FromLongLong(long long v);
long long PmLong_AsLongLong(PmObject *op); /* -1 with an error if not an int */
PmObject *PmBool_FromLong(long v);
#define PmLong_Check(op) (Pm_TYPE(op) == &PmLong_Type || Pm_TYPE(op) == &PmBool_Type)
#define PmBool_Check(op) (Pm_TYPE(op) == &PmBool_Type)

/* ---- str (UTF-8 bytes; ob_size is the length in bytes) ---- */
typedef struct {
    PmObject_VAR_HEAD
    Pm_hash_t ob_shash; /* -1 until computed */
    char ob_sval[1]; /* ob_size bytes plus a terminating NUL */
} PmUnicodeObject;

PmObject *PmUnicode_FromString(const char *s);
PmObject *PmUnicode_FromStringAndSize(const char *s, Pm_ssize_t n);
PmObject *PmUnicode_FromFormat(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *PmUnicode_AsUTF8(PmObject *op); /* borrowed; valid while op lives */
PmObject *PmUnicode_InternFromString(const char *s); /* immortal, shared */
#define PmUnicode_Check(op) (Pm_TYPE(op) == &PmUnicode_Type)

/* ---- tuple ---- */
typedef struct {
    PmObject_VAR_HEAD
    PmObject *ob_item[1]; /* ob_size items; each a strong reference */
} PmTupleObject;

PmObject *PmTuple_New(Pm_ssize_t size); /* items NULL; tracked */
int PmTuple_SetItem(PmObject *tuple, Pm_ssize_t i, PmObject *item); /* steals */
PmObject *PmTuple_GetItem(PmObject *tuple, Pm_ssize_t i); /* borrowed */
PmObject *PmTuple_Pack(Pm_ssize_t n, ...); /* borrows */
#define PmTuple_Check(op) (Pm_TYPE(op) == &PmTuple_Type)
#define PmTuple_GET_ITEM(op, i) (((PmTupleObject *)(op))->ob_item[i])
#define PmTuple_SET_ITEM(op, i, v) (((PmTupleObject *)(op))->ob_item[i] = (v))
#define PmTuple_GET_SIZE(op) Pm_SIZE(op)

/* ---- list ---- */
typedef struct {
    PmObject_VAR_HEAD
    PmObject **ob_item; /* ob_size items in use, each a strong reference */
    Pm_ssize_t allocated; /* room for this many items in ob_item */
} PmListObject;

PmObject *PmList_New(Pm_ssize_t size); /* size NULL items; tracked */
PmObject *PmList_GetItem(PmObject *list, Pm_ssize_t i); /* borrowed */
int PmList_Insert(PmObject *list, Pm_ssize_t where, PmObject *item);
int _PmList_Clear(PmObject *list); /* list.clear() */
/* Grow or shrink ob_item so that newsize items fit; sets ob_size.  Items past
 * the old size are uninitialised: the caller fills them.  0 or -1. */
int _PmList_Resize(PmListObject *list, Pm_ssize_t newsize);
#define PmList_Check(op) (Pm_TYPE(op) == &PmList_Type)
#define PmList_GET_ITEM(op, i) (((PmListObject *)(op))->ob_item[i])
#define PmList_SET_ITEM(op, i, v) (((PmListObject *)(op))->ob_item[i] = (v))
#define PmList_GET_SIZE(op) Pm_SIZE(op)

/* ---- dict (insertion-ordered, as CPython's compact dict) ---- */
typedef struct {
    Pm_hash_t me_hash;
    PmObject *me_key; /* strong reference; NULL for a deleted entry */
    PmObject *me_value; /* strong reference; NULL for a deleted entry */
} PmDictEntry;

typedef struct {
    PmObject_HEAD
    Pm_ssize_t ma_used; /* live entries */
    Pm_ssize_t ma_nentries; /* entries used in ma_entries, deleted ones too */
    Pm_ssize_t ma_allocated; /* capacity of ma_entries */
    PmDictEntry *ma_entries; /* in insertion order */
    Pm_ssize_t ma_mask; /* ma_indices has ma_mask + 1 slots */
    Pm_ssize_t *ma_indices; /* hash table of indices into ma_entries */
    int ma_managed; /* 1 for an instance's attribute table: never
                                tracked, owned by exactly one instance */
} PmDictObject;

PmObject *PmDict_New(void); /* untracked until it holds a tracked object */
PmObject *PmDict_GetItem(PmObject *dict, PmObject *key); /* borrowed, NULL if absent (no error) */
PmObject *PmDict_GetItemString(PmObject *dict, const char *key); /* borrowed */
int PmDict_SetItemString(PmObject *dict, const char *key, PmObject *value);
int PmDict_Contains(PmObject *dict, PmObject *key);
int PmDict_Clear(PmObject *dict); /* dict.clear() */
Pm_ssize_t PmDict_Size(PmObject *dict);
/* Iterate: *pos starts at 0; key and value are borrowed. */
int PmDict_Next(PmObject *dict, Pm_ssize_t *pos, PmObject **key, PmObject **value);
#define PmDict_Check(op) (Pm_TYPE(op) == &PmDict_Type)

/* The dict's table, for the ownership code of chapter 1 (given):
 * find the live entry for key (hash computed by the caller), or NULL. */
PmDictEntry *_PmDict_FindEntry(PmDictObject *mp, PmObject *key, Pm_hash_t hash);
/* Add a new entry for a key that is not present.  Steals key and value.
 * Keeps the dict's tracking as CPython 3.11 does (MAINTAIN_TRACKING).  0/-1. */
int _PmDict_InsertNew(PmDictObject *mp, PmObject *key, Pm_hash_t hash, PmObject *value);
/* Mark the entry deleted and take it out of the index; does not touch the
 * references: the caller gets the key and value back and must release them. */
void _PmDict_RemoveEntry(PmDictObject *mp, PmDictEntry *ep, PmObject **key, PmObject **value);
/* Make the dict track itself if value (a newly stored object) is tracked. */
void _PmDict_MaintainTracking(PmDictObject *mp, PmObject *key, PmObject *value);
/* Free the entry and index arrays (after the references were released). */
void _PmDict_FreeStorage(PmDictObject *mp);

/* ---- heap types and their instances (`class Name: pass`) ---- */
typedef struct {
    PmObject_HEAD
    PmObject *ob_dict; /* the attributes: a managed PmDictObject, never
                          tracked itself (CPython 3.11 keeps instance
                          values outside any dict object, too) */
} PmInstanceObject;

PmObject *PmType_NewClass(const char *name); /* a new heap type */
PmObject *PmType_GenericAlloc(PmTypeObject *type); /* an instance of a heap type */
#define PmType_Check(op) (Pm_TYPE(op) == &PmType_Type)
#define PmInstance_Check(op) PmType_HasFeature(Pm_TYPE(op), Pm_TPFLAGS_HEAPTYPE)

/* ---- range ---- */
PmObject *PmRange_New(long long start, long long stop, long long step);

/* ---- generic object protocol ---- */
PmObject *PmObject_Repr(PmObject *op); /* a str, as repr() */
PmObject *PmObject_Str(PmObject *op); /* a str, as str() */
Pm_hash_t PmObject_Hash(PmObject *op); /* -1 with TypeError if unhashable */
PmObject *PmObject_RichCompare(PmObject *a, PmObject *b, int op);
int PmObject_RichCompareBool(PmObject *a, PmObject *b, int op); /* 1/0, -1 on error */
int PmObject_IsTrue(PmObject *op);
PmObject *PmObject_GetIter(PmObject *op);
PmObject *PmIter_Next(PmObject *iter); /* NULL at the end (no error) or on error */
PmObject *PmObject_GetAttrString(PmObject *op, const char *name);
int PmObject_SetAttrString(PmObject *op, const char *name,
                           PmObject *value); /* NULL value deletes */
PmObject *PmObject_GetItem(PmObject *op, PmObject *key);
int PmObject_SetItem(PmObject *op, PmObject *key, PmObject *value);
int PmObject_DelItem(PmObject *op, PmObject *key);
Pm_ssize_t PmObject_Length(PmObject *op);
/* A short label for pictures and logs: "list (3 items)", "int 42", "str 'ab...'". */
void _PmObject_ShortLabel(PmObject *op, char *buf, size_t size);

/* _PmObject_IS_GC as a function (CPython's PyObject_IS_GC): a static type
 * object is not a GC object, a heap type is. */
int _PmObject_IsGC(PmObject *op);

/* Allocate a non-GC object of a static type: count 1, registered. */
PmObject *_PmObject_New(PmTypeObject *tp);
PmVarObject *_PmObject_NewVar(PmTypeObject *tp, Pm_ssize_t nitems);
#define PmObject_New(type, tp) ((type *)_PmObject_New(tp))
#define PmObject_NewVar(type, tp, n) ((type *)_PmObject_NewVar((tp), (n)))

#endif /* PM_TYPES_H */
