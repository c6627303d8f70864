/* interp_builtins.c - what a scenario can call: the builtins (print, len,
 * list, dict, ...), the methods of list, tuple and dict, dict views, and the
 * gc and sys modules, whose functions map onto pm_gc.h.
 *
 * Built-in functions and the two modules are small objects of their own
 * types, made when a run first needs them and released when it ends, so a
 * run leaves nothing behind.  Arguments arrive borrowed; every function
 * returns a new reference, or NULL with a pending exception.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "pm_core.h"

PmObject *interp_unsupported(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    PmErr_SetString(PmExc_NotImplementedError, buf);
    return NULL;
}

static const char *type_name(PmObject *op) { return Pm_TYPE(op)->tp_name; }

/* ---- built-in function and module objects ---------------------------------- */

typedef enum {
    F_PRINT, F_LEN, F_REPR, F_ID,
    F_GETREFCOUNT,
    F_COLLECT, F_GET_COUNT, F_GET_THRESHOLD, F_SET_THRESHOLD, F_ENABLE, F_DISABLE,
    F_ISENABLED, F_IS_TRACKED, F_GET_STATS, F_FREEZE, F_UNFREEZE, F_GET_FREEZE_COUNT,
    F_GET_OBJECTS,
    F_COUNT
} FuncId;

enum { M_BUILTINS, M_GC, M_SYS, M_COUNT };

static const struct {
    int module;
    const char *name;
} func_table[F_COUNT] = {
    [F_PRINT] = {M_BUILTINS, "print"},
    [F_LEN] = {M_BUILTINS, "len"},
    [F_REPR] = {M_BUILTINS, "repr"},
    [F_ID] = {M_BUILTINS, "id"},
    [F_GETREFCOUNT] = {M_SYS, "getrefcount"},
    [F_COLLECT] = {M_GC, "collect"},
    [F_GET_COUNT] = {M_GC, "get_count"},
    [F_GET_THRESHOLD] = {M_GC, "get_threshold"},
    [F_SET_THRESHOLD] = {M_GC, "set_threshold"},
    [F_ENABLE] = {M_GC, "enable"},
    [F_DISABLE] = {M_GC, "disable"},
    [F_ISENABLED] = {M_GC, "isenabled"},
    [F_IS_TRACKED] = {M_GC, "is_tracked"},
    [F_GET_STATS] = {M_GC, "get_stats"},
    [F_FREEZE] = {M_GC, "freeze"},
    [F_UNFREEZE] = {M_GC, "unfreeze"},
    [F_GET_FREEZE_COUNT] = {M_GC, "get_freeze_count"},
    [F_GET_OBJECTS] = {M_GC, "get_objects"},
};

static const char *const module_names[M_COUNT] = {"builtins", "gc", "sys"};

typedef struct {
    PmObject_HEAD
    int fn_id;
} PmCFunctionObject;

typedef struct {
    PmObject_HEAD
    int md_id;
} PmModuleObject;

/* The objects of the current run (NULL until first used). */
static PmObject *func_objects[F_COUNT];
static PmObject *module_objects[M_COUNT];

static void simple_dealloc(PmObject *op) { Pm_TYPE(op)->tp_free(op); }

static PmObject *cfunction_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<built-in function %s>", func_table[((PmCFunctionObject *)op)->fn_id].name);
}

static PmObject *module_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<module '%s' (built-in)>", module_names[((PmModuleObject *)op)->md_id]);
}

static PmTypeObject PmCFunction_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "builtin_function_or_method",
    .tp_basicsize = sizeof(PmCFunctionObject),
    .tp_dealloc = simple_dealloc,
    .tp_repr = cfunction_repr,
    .tp_hash = _Pm_HashPointer,
    .tp_free = PmObject_Free,
};

static PmTypeObject PmModule_Type = {
    _PmType_HEAD_INIT,
    .tp_name = "module",
    .tp_basicsize = sizeof(PmModuleObject),
    .tp_dealloc = simple_dealloc,
    .tp_repr = module_repr,
    .tp_hash = _Pm_HashPointer,
    .tp_free = PmObject_Free,
};

static PmObject *get_function(int id)
{
    if (func_objects[id] == NULL) {
        PmCFunctionObject *f = PmObject_New(PmCFunctionObject, &PmCFunction_Type);
        if (f == NULL)
            return NULL;
        f->fn_id = id;
        func_objects[id] = (PmObject *)f;
    }
    return Pm_NewRef(func_objects[id]);
}

static PmObject *get_module(int id)
{
    if (module_objects[id] == NULL) {
        PmModuleObject *m = PmObject_New(PmModuleObject, &PmModule_Type);
        if (m == NULL)
            return NULL;
        m->md_id = id;
        module_objects[id] = (PmObject *)m;
    }
    return Pm_NewRef(module_objects[id]);
}

int interp_builtins_init(void)
{
    interp_builtins_fini();
    return 0;
}

void interp_builtins_fini(void)
{
    for (int i = 0; i < F_COUNT; i++)
        Pm_CLEAR(func_objects[i]);
    for (int i = 0; i < M_COUNT; i++)
        Pm_CLEAR(module_objects[i]);
}

int interp_is_module(PmObject *obj)
{
    return Pm_IS_TYPE(obj, &PmModule_Type);
}

PmObject *interp_import(const char *name)
{
    for (int i = M_GC; i < M_COUNT; i++)
        if (strcmp(name, module_names[i]) == 0)
            return get_module(i);
    return interp_unsupported("importing '%s' (only gc and sys)", name);
}

/* The builtins that are types: calling them makes an instance. */
static const struct {
    const char *name;
    PmTypeObject *type;
} builtin_types[] = {
    {"list", &PmList_Type}, {"dict", &PmDict_Type}, {"tuple", &PmTuple_Type},
    {"str", &PmUnicode_Type}, {"range", &PmRange_Type}, {"type", &PmType_Type},
    {"int", &PmLong_Type}, {"bool", &PmBool_Type}, {"object", &PmBaseObject_Type},
};

PmObject *interp_builtin_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (strcmp(name, builtin_types[i].name) == 0)
            return Pm_NewRef((PmObject *)builtin_types[i].type);
    for (int i = 0; i < F_COUNT; i++)
        if (func_table[i].module == M_BUILTINS && strcmp(name, func_table[i].name) == 0)
            return get_function(i);
    return NULL;
}

static int in_list(const char *name, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* CPython's other builtins: naming one is outside the subset, not a NameError. */
static const char *const cpython_builtins[] = {
    "abs", "aiter", "all", "anext", "any", "ascii", "bin", "breakpoint", "bytearray", "bytes",
    "callable", "chr", "classmethod", "compile", "complex", "copyright", "credits", "delattr",
    "dir", "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format",
    "frozenset", "getattr", "globals", "hasattr", "hash", "help", "hex", "input", "isinstance",
    "issubclass", "iter", "len", "license", "locals", "map", "max", "memoryview", "min", "next",
    "oct", "open", "ord", "pow", "property", "quit", "reversed", "round", "set", "setattr",
    "slice", "sorted", "staticmethod", "sum", "super", "vars", "zip", "__import__",
    "__build_class__", "__debug__", "__doc__", "__loader__", "__spec__", "__package__",
    "NotImplemented", "Ellipsis", "BaseException", "Exception", "ValueError", "TypeError",
    "KeyError", "IndexError", "NameError", "AttributeError", "RuntimeError", "StopIteration",
    "MemoryError", "OverflowError", "ZeroDivisionError", "AssertionError", "ImportError", NULL};

int interp_is_cpython_builtin(const char *name)
{
    return in_list(name, cpython_builtins);
}

/* ---- argument helpers -------------------------------------------------------- */

static int check_nargs(const char *fname, int nargs, int min, int max)
{
    if (nargs >= min && nargs <= max)
        return 0;
    if (min == max && min == 0)
        PmErr_Format(PmExc_TypeError, "%s() takes no arguments (%d given)", fname, nargs);
    else if (min == max && min == 1)
        PmErr_Format(PmExc_TypeError, "%s() takes exactly one argument (%d given)", fname, nargs);
    else if (nargs < min)
        PmErr_Format(PmExc_TypeError, "%s expected at least %d argument%s, got %d", fname, min,
                     min == 1 ? "" : "s", nargs);
    else
        PmErr_Format(PmExc_TypeError, "%s expected at most %d argument%s, got %d", fname, max,
                     max == 1 ? "" : "s", nargs);
    return -1;
}

static int no_keywords(const char *fname, int nkw)
{
    if (nkw == 0)
        return 0;
    PmErr_Format(PmExc_TypeError, "%s() takes no keyword arguments", fname);
    return -1;
}

/* Find keyword `name`; reject any keyword not in `allowed`.  -1 on error. */
static int get_keywords(const char *fname, char **kwnames, PmObject **kwvalues, int nkw,
                        const char *const *allowed, PmObject **found)
{
    int n = 0;
    while (allowed[n] != NULL)
        found[n] = NULL, n++;
    for (int i = 0; i < nkw; i++) {
        int j;
        for (j = 0; j < n; j++)
            if (strcmp(kwnames[i], allowed[j]) == 0)
                break;
        if (j == n) {
            PmErr_Format(PmExc_TypeError, "'%s' is an invalid keyword argument for %s()", kwnames[i], fname);
            return -1;
        }
        found[j] = kwvalues[i];
    }
    return 0;
}

static int as_int(PmObject *op, const char *what, long long *out)
{
    if (!PmLong_Check(op)) {
        PmErr_Format(PmExc_TypeError, "%s must be an integer, not '%s'", what, type_name(op));
        return -1;
    }
    *out = ((PmLongObject *)op)->ob_ival;
    return 0;
}

/* ---- dict views and their iterators --------------------------------------------- */

enum { VIEW_KEYS, VIEW_VALUES, VIEW_ITEMS };

typedef struct {
    PmObject_HEAD
    PmObject *dv_dict;
} PmDictViewObject;

typedef struct {
    PmObject_HEAD
    PmObject *di_dict;   /* NULL once exhausted */
    Pm_ssize_t di_pos;
    Pm_ssize_t di_used;  /* the dict's size when iteration started */
    PmObject *di_result; /* items: the (key, value) tuple handed out last,
                            reused when nobody else holds it (CPython does
                            the same, so the pair keeps its items alive
                            until the next step) */
} PmDictViewIterObject;

static PmTypeObject PmDictKeys_Type, PmDictValues_Type, PmDictItems_Type;
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

static int is_view(PmObject *op)
{
    PmTypeObject *tp = Pm_TYPE(op);
    return tp == &PmDictKeys_Type || tp == &PmDictValues_Type || tp == &PmDictItems_Type;
}

static int is_view_iter(PmObject *op)
{
    PmTypeObject *tp = Pm_TYPE(op);
    return tp == &PmDictViewIterKey_Type || tp == &PmDictViewIterValue_Type || tp == &PmDictViewIterItem_Type;
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
    _PmBuf_Printf(&b, "%s([", type_name(op));
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    int first = 1;
    while (PmDict_Next(dict, &pos, &key, &value)) {
        if (!first)
            _PmBuf_Puts(&b, ", ");
        first = 0;
        PmObject *shown = kind == VIEW_KEYS ? Pm_NewRef(key)
                        : kind == VIEW_VALUES ? Pm_NewRef(value) : item_pair(key, value);
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
    if (view_kind(op) == VIEW_ITEMS && (it->di_result = PmTuple_Pack(2, Pm_None, Pm_None)) == NULL) {
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

static PmObject *viewiter_self(PmObject *op) { return Pm_NewRef(op); }

#define VIEW_TYPE(var, name)                                              \
    static PmTypeObject var = {                                           \
        _PmType_HEAD_INIT,                                                \
        .tp_name = name,                                                  \
        .tp_basicsize = sizeof(PmDictViewObject),                         \
        .tp_dealloc = view_dealloc,                                       \
        .tp_repr = view_repr,                                             \
        .tp_flags = Pm_TPFLAGS_HAVE_GC,                                   \
        .tp_traverse = view_traverse,                                     \
        .tp_clear = view_clear,                                           \
        .tp_iter = view_iter,                                             \
        .tp_free = PmObject_GC_Del,                                       \
    }
VIEW_TYPE(PmDictKeys_Type, "dict_keys");
VIEW_TYPE(PmDictValues_Type, "dict_values");
VIEW_TYPE(PmDictItems_Type, "dict_items");

#define VIEWITER_TYPE(var, name)                                          \
    static PmTypeObject var = {                                           \
        _PmType_HEAD_INIT,                                                \
        .tp_name = name,                                                  \
        .tp_basicsize = sizeof(PmDictViewIterObject),                     \
        .tp_dealloc = viewiter_dealloc,                                   \
        .tp_flags = Pm_TPFLAGS_HAVE_GC,                                   \
        .tp_traverse = viewiter_traverse,                                 \
        .tp_clear = viewiter_clear,                                       \
        .tp_iter = viewiter_self,                                         \
        .tp_iternext = viewiter_next,                                     \
        .tp_free = PmObject_GC_Del,                                       \
    }
VIEWITER_TYPE(PmDictViewIterKey_Type, "dict_keyiterator");
VIEWITER_TYPE(PmDictViewIterValue_Type, "dict_valueiterator");
VIEWITER_TYPE(PmDictViewIterItem_Type, "dict_itemiterator");

/* ---- protocols the evaluator uses ---------------------------------------------- */

PmObject *interp_get_iter(PmObject *obj)
{
    if (is_view(obj))
        return view_iter(obj);
    if (is_view_iter(obj))
        return Pm_NewRef(obj);
    return PmObject_GetIter(obj);
}

PmObject *interp_iter_next(PmObject *iter)
{
    if (is_view_iter(iter))
        return viewiter_next(iter);
    return PmIter_Next(iter);
}

Pm_ssize_t interp_length(PmObject *obj)
{
    if (is_view(obj))
        return PmDict_Size(((PmDictViewObject *)obj)->dv_dict);
    return PmObject_Length(obj);
}

int interp_is_true(PmObject *obj)
{
    if (is_view(obj))
        return PmDict_Size(((PmDictViewObject *)obj)->dv_dict) != 0;
    return PmObject_IsTrue(obj);
}

/* Does iterating over container produce something equal to item? */
static int iter_contains(PmObject *container, PmObject *item)
{
    PmObject *it = interp_get_iter(container), *x;
    if (it == NULL)
        return -1;
    int found = 0;
    while (!found && (x = interp_iter_next(it)) != NULL) {
        found = PmObject_RichCompareBool(x, item, Pm_EQ);
        Pm_DECREF(x);
    }
    Pm_DECREF(it);
    if (found == 0 && PmErr_Occurred())
        return -1;
    return found;
}

int interp_contains(PmObject *container, PmObject *item)
{
    if (PmDict_Check(container) || Pm_IS_TYPE(container, &PmDictKeys_Type)) {
        PmObject *d = PmDict_Check(container) ? container : ((PmDictViewObject *)container)->dv_dict;
        if (PmObject_Hash(item) == -1)
            return -1;
        return PmDict_Contains(d, item);
    }
    if (PmList_Check(container) || PmTuple_Check(container)) {
        for (Pm_ssize_t i = 0; i < Pm_SIZE(container); i++) {
            PmObject *x = PmList_Check(container) ? PmList_GET_ITEM(container, i) : PmTuple_GET_ITEM(container, i);
            Pm_INCREF(x); /* the comparison must not lose the item under us */
            int r = PmObject_RichCompareBool(x, item, Pm_EQ);
            Pm_DECREF(x);
            if (r != 0)
                return r;
        }
        return 0;
    }
    if (PmUnicode_Check(container)) {
        if (!PmUnicode_Check(item)) {
            PmErr_Format(PmExc_TypeError, "'in <string>' requires string as left operand, not %s", type_name(item));
            return -1;
        }
        if (Pm_SIZE(item) == 0)
            return 1;
        return memmem(PmUnicode_AsUTF8(container), (size_t)Pm_SIZE(container), PmUnicode_AsUTF8(item),
                      (size_t)Pm_SIZE(item)) != NULL;
    }
    if (is_view(container) || Pm_IS_TYPE(container, &PmRange_Type) || Pm_TYPE(container)->tp_iter != NULL)
        return iter_contains(container, item);
    PmErr_Format(PmExc_TypeError, "argument of type '%s' is not iterable", type_name(container));
    return -1;
}

/* ---- print and friends ------------------------------------------------------------ */

static void write_out(const char *s, size_t n)
{
    InterpState *st = interp_current;
    fwrite(s, 1, n, st->out);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            st->lines_printed++;
    if (st->stop_after > 0 && st->lines_printed >= st->stop_after)
        st->stop_requested = 1;
}

static PmObject *builtin_print(PmObject **args, int nargs, char **kwnames, PmObject **kwvalues, int nkw)
{
    static const char *const allowed[] = {"sep", "end", "file", "flush", NULL};
    PmObject *kw[4];
    if (get_keywords("print", kwnames, kwvalues, nkw, allowed, kw) < 0)
        return NULL;
    if (kw[2] != NULL && kw[2] != Pm_None)
        return interp_unsupported("print(file=...)");
    for (int i = 0; i < 2; i++) {
        if (kw[i] != NULL && kw[i] != Pm_None && !PmUnicode_Check(kw[i])) {
            PmErr_Format(PmExc_TypeError, "%s must be None or a string, not %s", allowed[i], type_name(kw[i]));
            return NULL;
        }
    }
    PmBuf b;
    _PmBuf_Init(&b);
    for (int i = 0; i < nargs; i++) {
        if (i > 0) {
            if (kw[0] != NULL && kw[0] != Pm_None)
                _PmBuf_Append(&b, PmUnicode_AsUTF8(kw[0]), (size_t)Pm_SIZE(kw[0]));
            else
                _PmBuf_Puts(&b, " ");
        }
        PmObject *s = PmObject_Str(args[i]);
        if (s == NULL) {
            _PmBuf_Release(&b);
            return NULL;
        }
        _PmBuf_Append(&b, PmUnicode_AsUTF8(s), (size_t)Pm_SIZE(s));
        Pm_DECREF(s);
    }
    if (kw[1] != NULL && kw[1] != Pm_None)
        _PmBuf_Append(&b, PmUnicode_AsUTF8(kw[1]), (size_t)Pm_SIZE(kw[1]));
    else
        _PmBuf_Puts(&b, "\n");
    if (b.failed) {
        _PmBuf_Release(&b);
        return PmErr_NoMemory();
    }
    write_out(b.data, b.len);
    _PmBuf_Release(&b);
    Pm_RETURN_NONE;
}

static PmObject *gc_stats(void)
{
    PmGC_GenerationStats stats[PmGC_NUM_GENERATIONS];
    PmGC_GetStats(stats);
    PmObject *list = PmList_New(0);
    if (list == NULL)
        return NULL;
    for (int g = 0; g < PmGC_NUM_GENERATIONS; g++) {
        const Pm_ssize_t values[3] = {stats[g].collections, stats[g].collected, stats[g].uncollectable};
        static const char *const keys[3] = {"collections", "collected", "uncollectable"};
        PmObject *d = PmDict_New();
        int ok = d != NULL;
        for (int k = 0; ok && k < 3; k++) {
            PmObject *v = PmLong_FromLongLong(values[k]);
            ok = v != NULL && PmDict_SetItemString(d, keys[k], v) == 0;
            Pm_XDECREF(v);
        }
        ok = ok && PmList_Append(list, d) == 0;
        Pm_XDECREF(d);
        if (!ok) {
            Pm_DECREF(list);
            return NULL;
        }
    }
    return list;
}

static PmObject *tuple_of_3(const long long v[3])
{
    PmObject *a = PmLong_FromLongLong(v[0]), *b = PmLong_FromLongLong(v[1]), *c = PmLong_FromLongLong(v[2]);
    PmObject *t = a && b && c ? PmTuple_Pack(3, a, b, c) : NULL;
    Pm_XDECREF(a);
    Pm_XDECREF(b);
    Pm_XDECREF(c);
    return t;
}

static PmObject *call_function(int id, PmObject **args, int nargs, char **kwnames, PmObject **kwvalues, int nkw)
{
    const char *name = func_table[id].name;
    long long v;
    if (id == F_PRINT)
        return builtin_print(args, nargs, kwnames, kwvalues, nkw);
    if (id == F_COLLECT || id == F_GET_OBJECTS) {
        static const char *const allowed[] = {"generation", NULL};
        PmObject *kw[1];
        if (get_keywords(name, kwnames, kwvalues, nkw, allowed, kw) < 0 || check_nargs(name, nargs, 0, 1) < 0)
            return NULL;
        if (nargs == 1 && kw[0] != NULL) {
            PmErr_Format(PmExc_TypeError, "argument for %s() given by name ('generation') and position (1)", name);
            return NULL;
        }
        PmObject *gen = nargs == 1 ? args[0] : kw[0];
        if (id == F_COLLECT) {
            v = 2;
            if (gen != NULL && as_int(gen, "generation", &v) < 0)
                return NULL;
            if (v < 0 || v > 2) {
                PmErr_SetString(PmExc_ValueError, "invalid generation");
                return NULL;
            }
            return PmLong_FromLongLong(PmGC_CollectGeneration((int)v));
        }
        v = -1;
        if (gen != NULL && gen != Pm_None) {
            if (as_int(gen, "generation", &v) < 0)
                return NULL;
            if (v >= PmGC_NUM_GENERATIONS) {
                PmErr_Format(PmExc_ValueError, "generation parameter must be less than the number of "
                             "available generations (%i)", PmGC_NUM_GENERATIONS);
                return NULL;
            }
            if (v < 0) {
                PmErr_SetString(PmExc_ValueError, "generation parameter cannot be negative");
                return NULL;
            }
        }
        return PmGC_GetObjects((int)v);
    }
    if (no_keywords(name, nkw) < 0)
        return NULL;
    switch ((FuncId)id) {
    case F_LEN: {
        if (check_nargs(name, nargs, 1, 1) < 0)
            return NULL;
        Pm_ssize_t n = interp_length(args[0]);
        return n < 0 ? NULL : PmLong_FromLongLong(n);
    }
    case F_REPR:
        if (check_nargs(name, nargs, 1, 1) < 0)
            return NULL;
        return PmObject_Repr(args[0]);
    case F_ID:
        if (check_nargs(name, nargs, 1, 1) < 0)
            return NULL;
        return PmLong_FromLongLong((long long)(uintptr_t)args[0]);
    case F_GETREFCOUNT:
        /* The argument is one of the references counted: the caller holds it. */
        if (check_nargs(name, nargs, 1, 1) < 0)
            return NULL;
        return PmLong_FromLongLong(Pm_REFCNT(args[0]));
    case F_GET_COUNT: {
        Pm_ssize_t c[PmGC_NUM_GENERATIONS];
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        PmGC_GetCount(c);
        return tuple_of_3((const long long[3]){c[0], c[1], c[2]});
    }
    case F_GET_THRESHOLD: {
        int t[PmGC_NUM_GENERATIONS];
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        PmGC_GetThreshold(t);
        return tuple_of_3((const long long[3]){t[0], t[1], t[2]});
    }
    case F_SET_THRESHOLD: {
        int t[PmGC_NUM_GENERATIONS];
        if (check_nargs(name, nargs, 1, 3) < 0)
            return NULL;
        for (int i = 0; i < nargs; i++) {
            if (as_int(args[i], "threshold", &v) < 0)
                return NULL;
            t[i] = (int)v;
        }
        PmGC_SetThreshold(t, nargs);
        Pm_RETURN_NONE;
    }
    case F_ENABLE:
    case F_DISABLE:
    case F_FREEZE:
    case F_UNFREEZE:
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        if (id == F_ENABLE)
            PmGC_Enable();
        else if (id == F_DISABLE)
            PmGC_Disable();
        else if (id == F_FREEZE)
            PmGC_Freeze();
        else
            PmGC_Unfreeze();
        Pm_RETURN_NONE;
    case F_ISENABLED:
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        return PmBool_FromLong(PmGC_IsEnabled());
    case F_IS_TRACKED: {
        if (check_nargs(name, nargs, 1, 1) < 0)
            return NULL;
        PmObject *o = args[0];
        /* Static types have no GC header; heap types do. */
        int gc = PmType_Check(o) ? PmType_HasFeature((PmTypeObject *)o, Pm_TPFLAGS_HEAPTYPE) : _PmObject_IS_GC(o);
        return PmBool_FromLong(gc && PmObject_GC_IsTracked(o));
    }
    case F_GET_STATS:
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        return gc_stats();
    case F_GET_FREEZE_COUNT:
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        return PmLong_FromLongLong(PmGC_GetFreezeCount());
    default:
        break;
    }
    return interp_unsupported("%s()", name);
}

/* ---- calling types ------------------------------------------------------------ */

/* Append every item of iterable to list.  Lists and tuples are read by
 * index up to their size at the start, so a.extend(a) doubles a. */
static int extend_list(PmObject *list, PmObject *iterable)
{
    if (PmList_Check(iterable) || PmTuple_Check(iterable)) {
        Pm_ssize_t n = Pm_SIZE(iterable);
        for (Pm_ssize_t i = 0; i < n; i++) {
            PmObject *x = PmList_Check(iterable) ? PmList_GET_ITEM(iterable, i) : PmTuple_GET_ITEM(iterable, i);
            if (PmList_Append(list, x) < 0)
                return -1;
        }
        return 0;
    }
    PmObject *it = interp_get_iter(iterable), *x;
    if (it == NULL)
        return -1;
    while ((x = interp_iter_next(it)) != NULL) {
        int r = PmList_Append(list, x);
        Pm_DECREF(x);
        if (r < 0)
            break;
    }
    Pm_DECREF(it);
    return PmErr_Occurred() ? -1 : 0;
}

static PmObject *list_to_tuple(PmObject *list)
{
    Pm_ssize_t n = PmList_GET_SIZE(list);
    PmObject *t = PmTuple_New(n);
    if (t == NULL)
        return NULL;
    for (Pm_ssize_t i = 0; i < n; i++)
        PmTuple_SET_ITEM(t, i, Pm_NewRef(PmList_GET_ITEM(list, i)));
    return t;
}

/* d.update(other): a dict, or pairs; then keywords. */
static int dict_update(PmObject *d, PmObject *other, char **kwnames, PmObject **kwvalues, int nkw)
{
    if (other != NULL && PmDict_Check(other)) {
        Pm_ssize_t pos = 0;
        PmObject *k, *v;
        while (PmDict_Next(other, &pos, &k, &v))
            if (PmDict_SetItem(d, k, v) < 0)
                return -1;
    } else if (other != NULL) {
        PmObject *it = interp_get_iter(other), *pair;
        if (it == NULL)
            return -1;
        for (Pm_ssize_t i = 0; (pair = interp_iter_next(it)) != NULL; i++) {
            int bad = !(PmList_Check(pair) || PmTuple_Check(pair));
            if (bad || Pm_SIZE(pair) != 2) {
                if (bad)
                    PmErr_Format(PmExc_TypeError, "cannot convert dictionary update sequence element #%zd to a sequence", i);
                else
                    PmErr_Format(PmExc_ValueError, "dictionary update sequence element #%zd has length %zd; 2 is required",
                                 i, Pm_SIZE(pair));
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

static PmObject *parse_int(PmObject *s)
{
    const char *p = PmUnicode_AsUTF8(s), *q;
    char *end;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    q = p + (*p == '-' || *p == '+');
    if (*q >= '0' && *q <= '9') {
        long long v = strtoll(p, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\n')
            end++;
        if (*end == '\0')
            return PmLong_FromLongLong(v);
    }
    PmObject *r = PmObject_Repr(s);
    if (r != NULL) {
        PmErr_Format(PmExc_ValueError, "invalid literal for int() with base 10: %s", PmUnicode_AsUTF8(r));
        Pm_DECREF(r);
    }
    return NULL;
}

static PmObject *call_type(PmTypeObject *tp, PmObject **args, int nargs, char **kwnames, PmObject **kwvalues, int nkw)
{
    const char *name = tp->tp_name;
    if (PmType_HasFeature(tp, Pm_TPFLAGS_HEAPTYPE)) {
        if (nargs > 0 || nkw > 0) {
            PmErr_Format(PmExc_TypeError, "%s() takes no arguments", name);
            return NULL;
        }
        return PmType_GenericAlloc(tp);
    }
    if (tp == &PmDict_Type) {
        if (check_nargs(name, nargs, 0, 1) < 0)
            return NULL;
        PmObject *d = PmDict_New();
        if (d != NULL && dict_update(d, nargs ? args[0] : NULL, kwnames, kwvalues, nkw) < 0)
            Pm_CLEAR(d);
        return d;
    }
    if (no_keywords(name, nkw) < 0)
        return NULL;
    if (tp == &PmList_Type || tp == &PmTuple_Type) {
        if (check_nargs(name, nargs, 0, 1) < 0)
            return NULL;
        if (tp == &PmTuple_Type && nargs == 1 && PmTuple_Check(args[0]))
            return Pm_NewRef(args[0]); /* tuples are immutable: tuple(t) is t */
        PmObject *list = PmList_New(0);
        if (list == NULL)
            return NULL;
        if (nargs == 1 && extend_list(list, args[0]) < 0) {
            Pm_DECREF(list);
            return NULL;
        }
        if (tp == &PmList_Type)
            return list;
        PmObject *t = list_to_tuple(list);
        Pm_DECREF(list);
        return t;
    }
    if (tp == &PmUnicode_Type) {
        if (check_nargs(name, nargs, 0, 1) < 0)
            return NULL;
        return nargs == 0 ? PmUnicode_FromString("") : PmObject_Str(args[0]);
    }
    if (tp == &PmRange_Type) {
        long long v[3] = {0, 0, 1};
        if (check_nargs(name, nargs, 1, 3) < 0)
            return NULL;
        for (int i = 0; i < nargs; i++) {
            if (!PmLong_Check(args[i])) {
                PmErr_Format(PmExc_TypeError, "'%s' object cannot be interpreted as an integer", type_name(args[i]));
                return NULL;
            }
            v[nargs == 1 ? 1 : i] = ((PmLongObject *)args[i])->ob_ival;
        }
        if (v[2] == 0) {
            PmErr_SetString(PmExc_ValueError, "range() arg 3 must not be zero");
            return NULL;
        }
        return PmRange_New(v[0], v[1], v[2]);
    }
    if (tp == &PmType_Type) {
        if (nargs != 1)
            return interp_unsupported("type() with %d arguments", nargs);
        return Pm_NewRef((PmObject *)Pm_TYPE(args[0]));
    }
    if (tp == &PmLong_Type) {
        if (check_nargs(name, nargs, 0, 1) < 0)
            return NULL;
        if (nargs == 0)
            return PmLong_FromLongLong(0);
        if (PmLong_Check(args[0]))
            return PmLong_FromLongLong(((PmLongObject *)args[0])->ob_ival);
        if (PmUnicode_Check(args[0]))
            return parse_int(args[0]);
        PmErr_Format(PmExc_TypeError, "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                     type_name(args[0]));
        return NULL;
    }
    if (tp == &PmBool_Type) {
        if (check_nargs(name, nargs, 0, 1) < 0)
            return NULL;
        int t = nargs == 0 ? 0 : interp_is_true(args[0]);
        return t < 0 ? NULL : PmBool_FromLong(t);
    }
    if (tp == &PmBaseObject_Type) {
        if (nargs > 0) {
            PmErr_SetString(PmExc_TypeError, "object() takes no arguments");
            return NULL;
        }
        return _PmObject_New(tp);
    }
    return interp_unsupported("calling '%s'", name);
}

PmObject *interp_call(PmObject *callable, PmObject **args, int nargs, char **kwnames, PmObject **kwvalues, int nkw)
{
    if (Pm_IS_TYPE(callable, &PmCFunction_Type))
        return call_function(((PmCFunctionObject *)callable)->fn_id, args, nargs, kwnames, kwvalues, nkw);
    if (PmType_Check(callable))
        return call_type((PmTypeObject *)callable, args, nargs, kwnames, kwvalues, nkw);
    PmErr_Format(PmExc_TypeError, "'%s' object is not callable", type_name(callable));
    return NULL;
}

/* ---- methods of list, tuple and dict --------------------------------------------- */

static const char *const list_methods[] = {"append", "clear", "copy", "count", "extend", "index",
                                           "insert", "pop", "remove", "reverse", "sort", NULL};
static const char *const tuple_methods[] = {"count", "index", NULL};
static const char *const dict_methods[] = {"clear", "copy", "fromkeys", "get", "items", "keys",
                                           "pop", "popitem", "setdefault", "update", "values", NULL};
static const char *const str_methods[] = {
    "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find",
    "format", "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit",
    "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper",
    "join", "ljust", "lower", "lstrip", "maketrans", "partition", "removeprefix",
    "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip",
    "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper",
    "zfill", NULL};
static const char *const int_methods[] = {"as_integer_ratio", "bit_count", "bit_length", "conjugate",
                                          "denominator", "from_bytes", "imag", "numerator", "real",
                                          "to_bytes", NULL};

/* For an attribute the subset lacks: NotImplementedError if CPython has it,
 * else CPython's AttributeError. */
static PmObject *missing_attribute(PmObject *obj, const char *name)
{
    const char *const *known = PmList_Check(obj) ? list_methods
                             : PmDict_Check(obj) ? dict_methods
                             : PmUnicode_Check(obj) ? str_methods
                             : PmLong_Check(obj) ? int_methods : NULL;
    if (PmTuple_Check(obj))
        known = tuple_methods;
    if ((known != NULL && in_list(name, known)) || (name[0] == '_' && name[1] == '_'))
        return interp_unsupported("'%s.%s'", type_name(obj), name);
    PmErr_Format(PmExc_AttributeError, "'%s' object has no attribute '%s'", type_name(obj), name);
    return NULL;
}

static int find_index(PmObject *seq, PmObject *x, Pm_ssize_t *count)
{
    Pm_ssize_t n = 0;
    for (Pm_ssize_t i = 0; i < Pm_SIZE(seq); i++) {
        PmObject *item = PmList_Check(seq) ? PmList_GET_ITEM(seq, i) : PmTuple_GET_ITEM(seq, i);
        Pm_INCREF(item);
        int r = PmObject_RichCompareBool(item, x, Pm_EQ);
        Pm_DECREF(item);
        if (r < 0)
            return -2;
        if (r > 0) {
            if (count == NULL)
                return (int)i;
            n++;
        }
    }
    if (count != NULL)
        *count = n;
    return -1;
}

static PmObject *seq_method(PmObject *self, const char *name, PmObject **args, int nargs, int *handled)
{
    int is_list = PmList_Check(self);
    *handled = 1;
    if (strcmp(name, "count") == 0 || strcmp(name, "index") == 0) {
        Pm_ssize_t n;
        if (check_nargs(name, nargs, 1, 1) < 0)
            return NULL;
        int i = find_index(self, args[0], strcmp(name, "count") == 0 ? &n : NULL);
        if (i == -2)
            return NULL;
        if (name[0] == 'c')
            return PmLong_FromLongLong(n);
        if (i >= 0)
            return PmLong_FromLongLong(i);
        if (is_list) {
            PmObject *r = PmObject_Repr(args[0]);
            if (r != NULL) {
                PmErr_Format(PmExc_ValueError, "%s is not in list", PmUnicode_AsUTF8(r));
                Pm_DECREF(r);
            }
        } else {
            PmErr_SetString(PmExc_ValueError, "tuple.index(x): x not in tuple");
        }
        return NULL;
    }
    if (!is_list) {
        *handled = 0;
        return NULL;
    }
    if (strcmp(name, "append") == 0) {
        if (check_nargs("list.append", nargs, 1, 1) < 0 || PmList_Append(self, args[0]) < 0)
            return NULL;
        Pm_RETURN_NONE;
    }
    if (strcmp(name, "extend") == 0) {
        if (check_nargs("list.extend", nargs, 1, 1) < 0 || extend_list(self, args[0]) < 0)
            return NULL;
        Pm_RETURN_NONE;
    }
    if (strcmp(name, "clear") == 0) {
        if (check_nargs("list.clear", nargs, 0, 0) < 0 || _PmList_Clear(self) < 0)
            return NULL;
        Pm_RETURN_NONE;
    }
    if (strcmp(name, "copy") == 0) {
        PmObject *l;
        if (check_nargs("list.copy", nargs, 0, 0) < 0 || (l = PmList_New(0)) == NULL)
            return NULL;
        if (extend_list(l, self) < 0)
            Pm_CLEAR(l);
        return l;
    }
    if (strcmp(name, "insert") == 0) {
        long long i;
        Pm_ssize_t n = PmList_GET_SIZE(self);
        if (check_nargs("insert", nargs, 2, 2) < 0 || as_int(args[0], "index", &i) < 0)
            return NULL;
        if (i < 0)
            i = i + n < 0 ? 0 : i + n;
        if (i > n)
            i = n;
        if (PmList_Insert(self, (Pm_ssize_t)i, args[1]) < 0)
            return NULL;
        Pm_RETURN_NONE;
    }
    if (strcmp(name, "pop") == 0) {
        long long i = -1;
        Pm_ssize_t n = PmList_GET_SIZE(self);
        if (check_nargs("pop", nargs, 0, 1) < 0 || (nargs == 1 && as_int(args[0], "index", &i) < 0))
            return NULL;
        if (n == 0) {
            PmErr_SetString(PmExc_IndexError, "pop from empty list");
            return NULL;
        }
        if (i < 0)
            i += n;
        if (i < 0 || i >= n) {
            PmErr_SetString(PmExc_IndexError, "pop index out of range");
            return NULL;
        }
        return _PmList_Pop(self, (Pm_ssize_t)i);
    }
    if (strcmp(name, "remove") == 0) {
        if (check_nargs("list.remove", nargs, 1, 1) < 0)
            return NULL;
        int i = find_index(self, args[0], NULL);
        if (i == -2)
            return NULL;
        if (i == -1) {
            PmErr_SetString(PmExc_ValueError, "list.remove(x): x not in list");
            return NULL;
        }
        PmObject *removed = _PmList_Pop(self, i);
        if (removed == NULL)
            return NULL;
        Pm_DECREF(removed);
        Pm_RETURN_NONE;
    }
    *handled = 0;
    return NULL;
}

static PmObject *dict_method(PmObject *self, const char *name, PmObject **args, int nargs,
                             char **kwnames, PmObject **kwvalues, int nkw, int *handled)
{
    *handled = 1;
    if (strcmp(name, "update") == 0) {
        if (check_nargs("update", nargs, 0, 1) < 0 || dict_update(self, nargs ? args[0] : NULL, kwnames, kwvalues, nkw) < 0)
            return NULL;
        Pm_RETURN_NONE;
    }
    if (no_keywords(name, nkw) < 0)
        return NULL;
    if (strcmp(name, "keys") == 0 || strcmp(name, "values") == 0 || strcmp(name, "items") == 0) {
        if (check_nargs(name, nargs, 0, 0) < 0)
            return NULL;
        return view_new(self, name[0] == 'k' ? VIEW_KEYS : name[0] == 'v' ? VIEW_VALUES : VIEW_ITEMS);
    }
    if (strcmp(name, "clear") == 0) {
        if (check_nargs("dict.clear", nargs, 0, 0) < 0 || PmDict_Clear(self) < 0)
            return NULL;
        Pm_RETURN_NONE;
    }
    if (strcmp(name, "copy") == 0) {
        PmObject *d;
        if (check_nargs("dict.copy", nargs, 0, 0) < 0 || (d = PmDict_New()) == NULL)
            return NULL;
        if (dict_update(d, self, NULL, NULL, 0) < 0)
            Pm_CLEAR(d);
        return d;
    }
    if (strcmp(name, "get") == 0 || strcmp(name, "pop") == 0 || strcmp(name, "setdefault") == 0) {
        int is_get = name[0] == 'g', is_pop = name[0] == 'p';
        if (check_nargs(name, nargs, 1, 2) < 0)
            return NULL;
        if (PmObject_Hash(args[0]) == -1)
            return NULL;
        PmObject *found = PmDict_GetItem(self, args[0]);
        if (PmErr_Occurred())
            return NULL;
        PmObject *dflt = nargs == 2 ? args[1] : NULL;
        if (found != NULL) {
            Pm_INCREF(found);
            if (is_pop && PmDict_DelItem(self, args[0]) < 0) {
                Pm_DECREF(found);
                return NULL;
            }
            return found;
        }
        if (is_pop && dflt == NULL) {
            PmObject *r = PmObject_Repr(args[0]);
            if (r != NULL) {
                PmErr_SetString(PmExc_KeyError, PmUnicode_AsUTF8(r));
                Pm_DECREF(r);
            }
            return NULL;
        }
        if (dflt == NULL)
            dflt = Pm_None;
        if (!is_get && !is_pop && PmDict_SetItem(self, args[0], dflt) < 0)
            return NULL;
        return Pm_NewRef(dflt);
    }
    *handled = 0;
    return NULL;
}

static int module_function(int module, const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (func_table[i].module == module && strcmp(func_table[i].name, name) == 0)
            return i;
    return -1;
}

PmObject *interp_call_method(PmObject *self, const char *name, PmObject **args, int nargs,
                             char **kwnames, PmObject **kwvalues, int nkw, int *handled)
{
    PmObject *res;
    *handled = 1;
    if (Pm_IS_TYPE(self, &PmModule_Type)) {
        int md = ((PmModuleObject *)self)->md_id;
        int id = module_function(md, name);
        if (id < 0)
            return interp_unsupported("%s.%s", module_names[md], name);
        return call_function(id, args, nargs, kwnames, kwvalues, nkw);
    }
    if (PmInstance_Check(self) || PmType_Check(self)) {
        *handled = 0;
        return NULL;
    }
    if (PmList_Check(self) || PmTuple_Check(self)) {
        if (no_keywords(name, nkw) < 0)
            return NULL;
        res = seq_method(self, name, args, nargs, handled);
        if (*handled)
            return res;
    } else if (PmDict_Check(self)) {
        res = dict_method(self, name, args, nargs, kwnames, kwvalues, nkw, handled);
        if (*handled)
            return res;
    }
    *handled = 1;
    return missing_attribute(self, name);
}

PmObject *interp_getattr(PmObject *obj, const char *name)
{
    if (Pm_IS_TYPE(obj, &PmModule_Type)) {
        int md = ((PmModuleObject *)obj)->md_id;
        int id = module_function(md, name);
        if (id < 0)
            return interp_unsupported("%s.%s", module_names[md], name);
        return get_function(id);
    }
    if (name[0] == '_' && name[1] == '_')
        return interp_unsupported("the attribute '%s'", name);
    if (PmInstance_Check(obj) || PmType_Check(obj))
        return PmObject_GetAttrString(obj, name);
    if (PmList_Check(obj) || PmTuple_Check(obj) || PmDict_Check(obj)) {
        const char *const *known = PmDict_Check(obj) ? dict_methods : list_methods;
        if (in_list(name, known))
            return interp_unsupported("method objects such as '%s.%s' (call the method directly)", type_name(obj), name);
    }
    return missing_attribute(obj, name);
}
