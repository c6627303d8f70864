/* interp_builtins.c - what a scenario can call besides the methods of the
 * built-in types (which live with their types, in tp_methods): the
 * builtins (print, len, min, sorted, ...), the gc and sys modules, whose
 * functions map onto pm_gc.h, and the exceptions the runtime raises.
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

static const char *type_name(PmObject *op)
{
    return Pm_TYPE(op)->tp_name;
}

static int as_int(PmObject *op, long long *out)
{
    if (!PmLong_Check(op)) {
        PmErr_Format(PmExc_TypeError, "'%s' object cannot be interpreted as an integer",
                     type_name(op));
        return -1;
    }
    *out = PmLong_AsLongLong(op);
    return 0;
}

static int check_positional(const char *name, int n, int min, int max)
{
    if (n >= min && (max < 0 || n <= max))
        return 0;
    int bound = n < min ? min : max;
    PmErr_Format(PmExc_TypeError, "%s expected %s%d argument%s, got %d", name,
                 min == max ? ""
                 : n < min  ? "at least "
                            : "at most ",
                 bound, bound == 1 ? "" : "s", n);
    return -1;
}

/* ---- calling a PmMethodDef: CPython's argument checks and messages ---------- */

/* Call m after CPython's checks of its arguments, with CPython's messages:
 * METH_NOARGS and METH_O functions are named with their owner
 * ("list.append() takes exactly one argument"), positional-only ones are
 * not ("pop expected at most 1 argument"), and those taking keywords count
 * them too ("collect() takes at most 1 argument (2 given)"). */
static PmObject *call_def(const PmMethodDef *m, const char *owner, PmObject *self,
                          const PmCallArgs *in)
{
    PmCallArgs a = *in;
    char fname[64];
    const char *kws = m->ml_keywords, *name = m->ml_name;
    int n = a.nargs, min = m->ml_min, max = m->ml_max, named = kws && strcmp(kws, "*") != 0;
    int nwords = named, maxargs, k;
    for (const char *p = kws; named && *p; p++)
        nwords += *p == ' ';
    maxargs = max > nwords ? max : nwords;
    snprintf(fname, sizeof fname, "%s%s%s", owner ? owner : "", owner ? "." : "", name);
    memset(a.kw, 0, sizeof a.kw);
    if (kws == NULL && a.nkw > 0)
        return PmErr_Format(PmExc_TypeError, "%s() takes no keyword arguments", fname);
    if (kws == NULL && min == max && max <= 1 && n != max)
        return PmErr_Format(PmExc_TypeError, "%s() takes %s (%d given)", fname,
                            max ? "exactly one argument" : "no arguments", n);
    if (!named && check_positional(name, n, min, max) < 0)
        return NULL;
    if (named && max >= 0 && n + a.nkw > maxargs)
        return PmErr_Format(PmExc_TypeError, "%s() takes at most %d %sargument%s (%d given)", name,
                            maxargs, n ? "" : "keyword ", maxargs == 1 ? "" : "s", n + a.nkw);
    if (named && max == 0 && n > 0)
        return PmErr_Format(PmExc_TypeError, "%s() takes no positional arguments", name);
    if (named && (n < min || (max >= 0 && n > max)))
        return PmErr_Format(PmExc_TypeError, "%s() takes %s %d positional argument%s (%d given)",
                            name,
                            min == max ? "exactly"
                            : n < min  ? "at least"
                                       : "at most",
                            n < min ? min : max, (n < min ? min : max) == 1 ? "" : "s", n);
    for (int i = 0; named && i < a.nkw; i++) {
        if ((k = interp_word_index(kws, a.kwnames[i])) < 0)
            return PmErr_Format(PmExc_TypeError, "'%s' is an invalid keyword argument for %s()",
                                a.kwnames[i], name);
        if (max - nwords + k >= 0 && max - nwords + k < n)
            return PmErr_Format(PmExc_TypeError,
                                "argument for %s() given by name ('%s') and position (%d)", name,
                                a.kwnames[i], max - nwords + k + 1);
        a.kw[k] = a.kwvalues[i];
    }
    return m->ml_meth(self, &a);
}

/* ---- built-in function and module objects ------------------------------------ */

typedef struct {
    PmObject_HEAD
    const PmMethodDef *def;
    const char *owner; /* "gc" for gc.collect, NULL for builtins */
} PmCFunctionObject;

typedef struct {
    PmObject_HEAD
    int md_id;
} PmModuleObject;

static void simple_dealloc(PmObject *op)
{
    Pm_TYPE(op)->tp_free(op);
}

static PmObject *cfunction_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<built-in function %s>", ((PmCFunctionObject *)op)->def->ml_name);
}

static PmObject *module_repr(PmObject *op);

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

/* ---- the builtins ------------------------------------------------------------- */

static void write_out(const char *s, size_t n)
{
    InterpState *st = interp_current;
    fwrite(s, 1, n, st->out);
    for (size_t i = 0; i < n; i++)
        st->lines_printed += s[i] == '\n';
    if (st->stop_after > 0 && st->lines_printed >= st->stop_after)
        st->stop_requested = 1;
}

static PmObject *builtin_print(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    static const char *const names[] = {"sep", "end"};
    if (a->kw[2] != NULL && a->kw[2] != Pm_None)
        return interp_unsupported("print(file=...)");
    for (int i = 0; i < 2; i++) {
        if (a->kw[i] != NULL && a->kw[i] != Pm_None && !PmUnicode_Check(a->kw[i]))
            return PmErr_Format(PmExc_TypeError, "%s must be None or a string, not %s", names[i],
                                type_name(a->kw[i]));
    }
    PmBuf b;
    _PmBuf_Init(&b);
    for (int i = 0; i <= a->nargs; i++) {
        PmObject *s = i == a->nargs ? Pm_None : PmObject_Str(a->args[i]),
                 *sep = a->kw[i == a->nargs];
        if (s == NULL) {
            _PmBuf_Release(&b);
            return NULL;
        }
        if (i < a->nargs)
            _PmBuf_Append(&b, PmUnicode_AsUTF8(s), (size_t)Pm_SIZE(s));
        if (i < a->nargs - 1 || i == a->nargs) {
            if (sep != NULL && sep != Pm_None)
                _PmBuf_Append(&b, PmUnicode_AsUTF8(sep), (size_t)Pm_SIZE(sep));
            else
                _PmBuf_Puts(&b, i == a->nargs ? "\n" : " ");
        }
        if (i < a->nargs)
            Pm_DECREF(s);
    }
    if (b.failed) {
        _PmBuf_Release(&b);
        return PmErr_NoMemory();
    }
    write_out(b.data, b.len);
    _PmBuf_Release(&b);
    Pm_RETURN_NONE;
}

static PmObject *builtin_len(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    Pm_ssize_t n = PmObject_Length(a->args[0]);
    return n < 0 ? NULL : PmLong_FromLongLong(n);
}

static PmObject *builtin_repr(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    return PmObject_Repr(a->args[0]);
}

static PmObject *builtin_id(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    return PmLong_FromLongLong((long long)(uintptr_t)a->args[0]);
}

static const PmMethodDef *find_def(const PmMethodDef *table, const char *name);

/* sorted(iterable, /, **kw): list(iterable).sort(**kw), as in CPython. */
static PmObject *builtin_sorted(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    if (check_positional("sorted", a->nargs, 1, 1) < 0)
        return NULL;
    PmCallArgs kw = {NULL, 0, a->kwnames, a->kwvalues, a->nkw, {0}};
    PmObject *list = PmList_New(0), *r = NULL;
    if (list != NULL && _PmList_Extend(list, a->args[0]) == 0)
        r = call_def(find_def(_PmList_Methods, "sort"), "list", list, &kw);
    if (r == NULL)
        Pm_CLEAR(list);
    Pm_XDECREF(r);
    return list;
}

/* min and max: of one iterable (or default= if empty), or of the arguments;
 * the first of equal items wins, as in CPython. */
static PmObject *min_max(const PmCallArgs *a, int op, const char *name)
{
    PmObject *it, *x, *best = NULL, *bestkey = NULL, *key = a->kw[0] == Pm_None ? NULL : a->kw[0];
    if (a->nargs == 0)
        return PmErr_Format(PmExc_TypeError, "%s expected at least 1 argument, got 0", name);
    if (a->nargs > 1 && a->kw[1] != NULL)
        return PmErr_Format(PmExc_TypeError,
                            "Cannot specify a default for %s() with multiple positional arguments",
                            name);
    PmObject *args = a->nargs > 1 ? PmTuple_New(a->nargs) : NULL;
    for (int i = 0; args != NULL && i < a->nargs; i++)
        PmTuple_SET_ITEM(args, i, Pm_NewRef(a->args[i]));
    it = a->nargs > 1 ? (args ? PmObject_GetIter(args) : NULL) : PmObject_GetIter(a->args[0]);
    Pm_XDECREF(args);
    if (it == NULL)
        return NULL;
    while ((x = PmIter_Next(it)) != NULL) {
        PmObject *k = key != NULL ? _PmObject_CallOne(key, x) : Pm_NewRef(x);
        int better = k == NULL ? -1 : best == NULL ? 1 : PmObject_RichCompareBool(k, bestkey, op);
        if (better > 0) {
            Pm_XSETREF(best, x);
            Pm_XSETREF(bestkey, k);
            continue;
        }
        Pm_DECREF(x);
        Pm_XDECREF(k);
        if (better < 0)
            break;
    }
    Pm_DECREF(it);
    Pm_XDECREF(bestkey);
    if (PmErr_Occurred())
        Pm_CLEAR(best);
    else if (best == NULL && a->kw[1] != NULL)
        best = Pm_NewRef(a->kw[1]);
    else if (best == NULL)
        PmErr_Format(PmExc_ValueError, "%s() arg is an empty sequence", name);
    return best;
}

static PmObject *builtin_min(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    return min_max(a, Pm_LT, "min");
}

static PmObject *builtin_max(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    return min_max(a, Pm_GT, "max");
}

/* sum(iterable, /, start=0) */
static PmObject *builtin_sum(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    PmObject *start = a->nargs > 1 ? a->args[1] : a->kw[0], *it, *x;
    if (start != NULL && PmUnicode_Check(start)) {
        PmErr_SetString(PmExc_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
        return NULL;
    }
    PmObject *total = start != NULL ? Pm_NewRef(start) : PmLong_FromLongLong(0);
    if (total == NULL || (it = PmObject_GetIter(a->args[0])) == NULL) {
        Pm_XDECREF(total);
        return NULL;
    }
    while (total != NULL && (x = PmIter_Next(it)) != NULL) {
        Pm_SETREF(total, _PmNumber_Add(total, x));
        Pm_DECREF(x);
    }
    Pm_DECREF(it);
    if (PmErr_Occurred())
        Pm_CLEAR(total);
    return total;
}

static const PmMethodDef builtin_functions[] = {
    {"print", builtin_print, 0, -1, "sep end file flush"},
    {"len", builtin_len, 1, 1, NULL},
    {"repr", builtin_repr, 1, 1, NULL},
    {"id", builtin_id, 1, 1, NULL},
    {"min", builtin_min, 0, -1, "key default"},
    {"max", builtin_max, 0, -1, "key default"},
    {"sum", builtin_sum, 1, 2, "start"},
    {"sorted", builtin_sorted, 0, -1, "*"},
    {0},
};

/* ---- the gc and sys modules ----------------------------------------------------- */

static PmObject *generation_arg(const PmCallArgs *a, long long *gen)
{
    PmObject *g = a->nargs == 1 ? a->args[0] : a->kw[0];
    if (g != NULL && g != Pm_None && as_int(g, gen) < 0)
        return NULL;
    return Pm_None;
}

static PmObject *gc_collect(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    long long gen = 2;
    if (generation_arg(a, &gen) == NULL)
        return NULL;
    if (gen < 0 || gen > 2) {
        PmErr_SetString(PmExc_ValueError, "invalid generation");
        return NULL;
    }
    return PmLong_FromLongLong(PmGC_CollectGeneration((int)gen));
}

static PmObject *gc_get_objects(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    long long gen = -1;
    if (generation_arg(a, &gen) == NULL)
        return NULL;
    if (gen >= PmGC_NUM_GENERATIONS)
        return PmErr_Format(PmExc_ValueError,
                            "generation parameter must be less than the number of "
                            "available generations (%i)",
                            PmGC_NUM_GENERATIONS);
    if (gen < -1) /* -1, like None, means every generation */
        return PmErr_Format(PmExc_ValueError, "generation parameter cannot be negative");
    return PmGC_GetObjects((int)gen);
}

static PmObject *tuple_of_3(long long a, long long b, long long c)
{
    PmObject *x = PmLong_FromLongLong(a), *y = PmLong_FromLongLong(b), *z = PmLong_FromLongLong(c);
    PmObject *t = x && y && z ? PmTuple_Pack(3, x, y, z) : NULL;
    Pm_XDECREF(x);
    Pm_XDECREF(y);
    Pm_XDECREF(z);
    return t;
}

static PmObject *gc_get_count(PmObject *Pm_UNUSED(self), const PmCallArgs *Pm_UNUSED(a))
{
    Pm_ssize_t c[PmGC_NUM_GENERATIONS];
    PmGC_GetCount(c);
    return tuple_of_3(c[0], c[1], c[2]);
}

static PmObject *gc_get_threshold(PmObject *Pm_UNUSED(self), const PmCallArgs *Pm_UNUSED(a))
{
    int t[PmGC_NUM_GENERATIONS];
    PmGC_GetThreshold(t);
    return tuple_of_3(t[0], t[1], t[2]);
}

static PmObject *gc_set_threshold(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    int t[PmGC_NUM_GENERATIONS];
    long long v;
    for (int i = 0; i < a->nargs; i++) {
        if (as_int(a->args[i], &v) < 0)
            return NULL;
        t[i] = (int)v;
    }
    PmGC_SetThreshold(t, a->nargs);
    Pm_RETURN_NONE;
}

/* The functions without arguments that only call pm_gc.h. */
#define GC_FUNCTION(name, result)                                                    \
    static PmObject *name(PmObject *Pm_UNUSED(self), const PmCallArgs *Pm_UNUSED(a)) \
    {                                                                                \
        return result;                                                               \
    }
GC_FUNCTION(gc_enable, (PmGC_Enable(), Pm_NewRef(Pm_None)))
GC_FUNCTION(gc_disable, (PmGC_Disable(), Pm_NewRef(Pm_None)))
GC_FUNCTION(gc_freeze, (PmGC_Freeze(), Pm_NewRef(Pm_None)))
GC_FUNCTION(gc_unfreeze, (PmGC_Unfreeze(), Pm_NewRef(Pm_None)))
GC_FUNCTION(gc_isenabled, PmBool_FromLong(PmGC_IsEnabled()))
GC_FUNCTION(gc_get_freeze_count, PmLong_FromLongLong(PmGC_GetFreezeCount()))
GC_FUNCTION(gc_get_debug, PmLong_FromLongLong(interp_current->gc_debug))

/* Static types have no GC header; heap types do. */
static int is_gc(PmObject *o)
{
    return PmType_Check(o) ? PmType_HasFeature((PmTypeObject *)o, Pm_TPFLAGS_HEAPTYPE)
                           : _PmObject_IS_GC(o);
}

static PmObject *gc_is_tracked(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    return PmBool_FromLong(is_gc(a->args[0]) && PmObject_GC_IsTracked(a->args[0]));
}

static PmObject *gc_get_stats(PmObject *Pm_UNUSED(self), const PmCallArgs *Pm_UNUSED(a))
{
    static const char *const keys[3] = {"collections", "collected", "uncollectable"};
    PmGC_GenerationStats stats[PmGC_NUM_GENERATIONS];
    PmObject *list = PmList_New(0);
    PmGC_GetStats(stats);
    for (int g = 0; list != NULL && g < PmGC_NUM_GENERATIONS; g++) {
        const Pm_ssize_t values[3] = {stats[g].collections, stats[g].collected,
                                      stats[g].uncollectable};
        PmObject *d = PmDict_New();
        int ok = d != NULL;
        for (int k = 0; ok && k < 3; k++) {
            PmObject *v = PmLong_FromLongLong(values[k]);
            ok = v != NULL && PmDict_SetItemString(d, keys[k], v) == 0;
            Pm_XDECREF(v);
        }
        if (!ok || PmList_Append(list, d) < 0)
            Pm_CLEAR(list);
        Pm_XDECREF(d);
    }
    return list;
}

static int append_referent(PmObject *op, void *list)
{
    return PmList_Append(list, op);
}

/* gc.get_referents(*objs): what the tp_traverse of each GC object visits. */
static PmObject *gc_get_referents(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    PmObject *list = PmList_New(0);
    for (int i = 0; list != NULL && i < a->nargs; i++) {
        traverseproc traverse = Pm_TYPE(a->args[i])->tp_traverse;
        if (is_gc(a->args[i]) && traverse != NULL &&
            traverse(a->args[i], append_referent, list) != 0)
            Pm_CLEAR(list);
    }
    return list;
}

static int refers_to(PmObject *op, void *args)
{
    const PmCallArgs *a = args;
    for (int i = 0; i < a->nargs; i++)
        if (op == a->args[i])
            return 1;
    return 0;
}

/* gc.get_referrers(*objs): every tracked object whose tp_traverse visits
 * one of objs, generation 0 first, as CPython walks its lists. */
static PmObject *gc_get_referrers(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    PmObject *result = PmList_New(0), *all = NULL;
    for (int g = 0; result != NULL && g < PmGC_NUM_GENERATIONS; g++) {
        if ((all = PmGC_GetObjects(g)) == NULL) {
            Pm_CLEAR(result);
            break;
        }
        for (Pm_ssize_t i = 0; i < Pm_SIZE(all); i++) {
            PmObject *op = PmList_GET_ITEM(all, i);
            if (op != result && Pm_TYPE(op)->tp_traverse(op, refers_to, (void *)a) &&
                PmList_Append(result, op) < 0) {
                Pm_CLEAR(result);
                break;
            }
        }
        Pm_CLEAR(all);
    }
    return result;
}

enum { DEBUG_STATS = 1, DEBUG_COLLECTABLE = 2, DEBUG_UNCOLLECTABLE = 4, DEBUG_SAVEALL = 32 };

/* The flags are kept for get_debug; what they ask CPython's collector to
 * print goes to stderr, which scenarios do not compare, and SAVEALL (keep
 * garbage in gc.garbage) has no counterpart in the collector here. */
static PmObject *gc_set_debug(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    long long flags;
    if (as_int(a->args[0], &flags) < 0)
        return NULL;
    if (flags & DEBUG_SAVEALL)
        return interp_unsupported("gc.DEBUG_SAVEALL (gc.garbage is not kept)");
    interp_current->gc_debug = (long)flags;
    Pm_RETURN_NONE;
}

static PmObject *sys_getrefcount(PmObject *Pm_UNUSED(self), const PmCallArgs *a)
{
    /* The argument is one of the references counted: the caller holds it. */
    return PmLong_FromLongLong(Pm_REFCNT(a->args[0]));
}

static const PmMethodDef gc_functions[] = {
    {"collect", gc_collect, 0, 1, "generation"},
    {"get_count", gc_get_count, 0, 0, NULL},
    {"get_threshold", gc_get_threshold, 0, 0, NULL},
    {"set_threshold", gc_set_threshold, 1, 3, NULL},
    {"enable", gc_enable, 0, 0, NULL},
    {"disable", gc_disable, 0, 0, NULL},
    {"isenabled", gc_isenabled, 0, 0, NULL},
    {"is_tracked", gc_is_tracked, 1, 1, NULL},
    {"get_stats", gc_get_stats, 0, 0, NULL},
    {"freeze", gc_freeze, 0, 0, NULL},
    {"unfreeze", gc_unfreeze, 0, 0, NULL},
    {"get_freeze_count", gc_get_freeze_count, 0, 0, NULL},
    {"get_objects", gc_get_objects, 0, 1, "generation"},
    {"get_referents", gc_get_referents, 0, -1, NULL},
    {"get_referrers", gc_get_referrers, 0, -1, NULL},
    {"get_debug", gc_get_debug, 0, 0, NULL},
    {"set_debug", gc_set_debug, 1, 1, NULL},
    {0},
};

static const PmMethodDef sys_functions[] = {
    {"getrefcount", sys_getrefcount, 1, 1, NULL},
    {0},
};

static const struct {
    const char *name;
    const PmMethodDef *functions;
    const char *const *constants; /* "NAME=value" */
} modules[] = {
    {"gc", gc_functions,
     (const char *const[]){"DEBUG_STATS=1", "DEBUG_COLLECTABLE=2", "DEBUG_UNCOLLECTABLE=4",
                           "DEBUG_SAVEALL=32", "DEBUG_LEAK=38", NULL}},
    {"sys", sys_functions, (const char *const[]){NULL}},
};
#define NMODULES (int)(sizeof modules / sizeof modules[0])

/* The objects of the current run (NULL until first used). */
static PmObject *module_objects[NMODULES];
static PmObject **function_objects; /* one per PmMethodDef of builtins and modules */
static int nfunction_objects;

static PmObject *module_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<module '%s' (built-in)>",
                                modules[((PmModuleObject *)op)->md_id].name);
}

/* The function object for def, made once per run. */
static PmObject *get_function(const PmMethodDef *def, const char *owner)
{
    for (int i = 0; i < nfunction_objects; i++)
        if (((PmCFunctionObject *)function_objects[i])->def == def)
            return Pm_NewRef(function_objects[i]);
    PmObject **grown = realloc(function_objects, (size_t)(nfunction_objects + 1) * sizeof *grown);
    if (grown == NULL)
        return PmErr_NoMemory();
    function_objects = grown;
    PmCFunctionObject *f = PmObject_New(PmCFunctionObject, &PmCFunction_Type);
    if (f == NULL)
        return NULL;
    f->def = def;
    f->owner = owner;
    function_objects[nfunction_objects++] = (PmObject *)f;
    return Pm_NewRef(f);
}

static const PmMethodDef *find_def(const PmMethodDef *table, const char *name)
{
    for (; table != NULL && table->ml_name != NULL; table++)
        if (strcmp(table->ml_name, name) == 0)
            return table;
    return NULL;
}

void interp_builtins_fini(void)
{
    for (int i = 0; i < nfunction_objects; i++)
        Pm_DECREF(function_objects[i]);
    free(function_objects);
    function_objects = NULL;
    nfunction_objects = 0;
    for (int i = 0; i < NMODULES; i++)
        Pm_CLEAR(module_objects[i]);
}

int interp_is_module(PmObject *obj)
{
    return Pm_IS_TYPE(obj, &PmModule_Type);
}

PmObject *interp_import(const char *name)
{
    for (int i = 0; i < NMODULES; i++) {
        if (strcmp(name, modules[i].name) != 0)
            continue;
        if (module_objects[i] == NULL) {
            PmModuleObject *m = PmObject_New(PmModuleObject, &PmModule_Type);
            if (m == NULL)
                return NULL;
            m->md_id = i;
            module_objects[i] = (PmObject *)m;
        }
        return Pm_NewRef(module_objects[i]);
    }
    return interp_unsupported("importing '%s' (only gc and sys)", name);
}

/* The builtins that are types: calling them makes an instance. */
static PmTypeObject *const builtin_types[] = {
    &PmList_Type, &PmDict_Type, &PmTuple_Type, &PmUnicode_Type,    &PmRange_Type,
    &PmType_Type, &PmLong_Type, &PmBool_Type,  &PmBaseObject_Type, NULL,
};

PmObject *interp_builtin_lookup(const char *name)
{
    const PmMethodDef *def = find_def(builtin_functions, name);
    for (PmTypeObject *const *t = builtin_types; *t != NULL; t++)
        if (strcmp(name, (*t)->tp_name) == 0)
            return Pm_NewRef((PmObject *)*t);
    if (_PmExc_Lookup(name) != NULL)
        return Pm_NewRef(_PmExc_Lookup(name));
    return def != NULL ? get_function(def, NULL) : NULL;
}

/* CPython's other builtins: naming one is outside the subset, not a NameError. */
static const char cpython_builtins[] =
    "abs aiter all anext any ascii bin breakpoint bytearray bytes callable chr classmethod "
    "compile complex copyright credits delattr dir divmod enumerate eval exec exit filter float "
    "format frozenset getattr globals hasattr hash help hex input isinstance issubclass iter "
    "license locals map memoryview next oct open ord pow property quit reversed round set "
    "setattr slice staticmethod super vars zip __import__ __build_class__ __debug__ __doc__ "
    "__loader__ __spec__ __package__ NotImplemented Ellipsis StopIteration SyntaxError "
    "NotImplementedError ImportError OSError UnicodeError SystemExit KeyboardInterrupt Warning";

int interp_is_cpython_builtin(const char *name)
{
    return interp_word_index(cpython_builtins, name) >= 0;
}

/* ---- calling types ------------------------------------------------------------ */

static PmObject *parse_int(PmObject *s);

static PmObject *call_type(PmTypeObject *tp, const PmCallArgs *a)
{
    const char *name = tp->tp_name;
    int n = a->nargs;
    PmObject *x = n > 0 ? a->args[0] : NULL, *r;
    if (PmType_HasFeature(tp, Pm_TPFLAGS_HEAPTYPE) || tp == &PmBaseObject_Type) {
        if (n > 0 || a->nkw > 0)
            return PmErr_Format(PmExc_TypeError, "%s() takes no arguments", name);
        return tp == &PmBaseObject_Type ? _PmObject_New(tp) : PmType_GenericAlloc(tp);
    }
    if (tp == &PmDict_Type) {
        if (check_positional(name, n, 0, 1) < 0 || (r = PmDict_New()) == NULL)
            return NULL;
        if (_PmDict_Update(r, x, a->kwnames, a->kwvalues, a->nkw) < 0)
            Pm_CLEAR(r);
        return r;
    }
    if (a->nkw > 0)
        return PmErr_Format(PmExc_TypeError, "%s() takes no keyword arguments", name);
    if (check_positional(name, n, tp == &PmRange_Type,
                         tp == &PmRange_Type  ? 3
                         : tp == &PmType_Type ? 3
                                              : 1) < 0)
        return NULL;
    if (tp == &PmList_Type || tp == &PmTuple_Type) {
        if (tp == &PmTuple_Type && x != NULL && PmTuple_Check(x))
            return Pm_NewRef(x); /* tuples are immutable: tuple(t) is t */
        if ((r = PmList_New(0)) != NULL && x != NULL && _PmList_Extend(r, x) < 0)
            Pm_CLEAR(r);
        if (r == NULL || tp == &PmList_Type)
            return r;
        PmObject *t = _PmList_AsTuple(r);
        Pm_DECREF(r);
        return t;
    }
    if (tp == &PmUnicode_Type)
        return x == NULL ? PmUnicode_FromString("") : PmObject_Str(x);
    if (tp == &PmRange_Type) {
        long long v[3] = {0, 0, 1};
        for (int i = 0; i < n; i++)
            if (as_int(a->args[i], &v[n == 1 ? 1 : i]) < 0)
                return NULL;
        if (v[2] == 0) {
            PmErr_SetString(PmExc_ValueError, "range() arg 3 must not be zero");
            return NULL;
        }
        return PmRange_New(v[0], v[1], v[2]);
    }
    if (tp == &PmType_Type)
        return n == 1 ? Pm_NewRef((PmObject *)Pm_TYPE(x))
                      : interp_unsupported("type() with %d arguments", n);
    if (tp == &PmBool_Type) {
        int t = x == NULL ? 0 : PmObject_IsTrue(x);
        return t < 0 ? NULL : PmBool_FromLong(t);
    }
    if (x == NULL || PmLong_Check(x))
        return PmLong_FromLongLong(x ? PmLong_AsLongLong(x) : 0);
    if (PmUnicode_Check(x))
        return parse_int(x);
    return PmErr_Format(
        PmExc_TypeError,
        "int() argument must be a string, a bytes-like object or a real number, not '%s'",
        type_name(x));
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
        PmErr_Format(PmExc_ValueError, "invalid literal for int() with base 10: %s",
                     PmUnicode_AsUTF8(r));
        Pm_DECREF(r);
    }
    return NULL;
}

PmObject *interp_call(PmObject *callable, const PmCallArgs *a)
{
    if (Pm_IS_TYPE(callable, &PmCFunction_Type)) {
        PmCFunctionObject *f = (PmCFunctionObject *)callable;
        return call_def(f->def, f->owner, NULL, a);
    }
    if (PmType_Check(callable))
        return call_type((PmTypeObject *)callable, a);
    return PmErr_Format(PmExc_TypeError, "'%s' object is not callable", type_name(callable));
}

PmObject *_PmObject_CallOne(PmObject *callable, PmObject *arg)
{
    PmCallArgs a = {&arg, 1, NULL, NULL, 0, {0}};
    return interp_call(callable, &a);
}

/* ---- attributes and methods --------------------------------------------------- */

/* Methods CPython's str, int and dict have that the subset lacks. */
static const char str_methods[] =
    "capitalize casefold center count encode endswith expandtabs find format format_map index "
    "isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable "
    "isspace istitle isupper join ljust lower lstrip maketrans partition removeprefix "
    "removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines "
    "startswith strip swapcase title translate upper zfill";
static const char int_methods[] = "as_integer_ratio bit_count bit_length conjugate denominator "
                                  "from_bytes imag numerator real to_bytes";

/* For an attribute the subset lacks: NotImplementedError if CPython has it,
 * else CPython's AttributeError. */
static PmObject *missing_attribute(PmObject *obj, const char *name)
{
    const char *known = PmDict_Check(obj)      ? "fromkeys popitem"
                        : PmUnicode_Check(obj) ? str_methods
                        : PmLong_Check(obj)    ? int_methods
                                               : "";
    if (interp_word_index(known, name) >= 0 || (name[0] == '_' && name[1] == '_'))
        return interp_unsupported("'%s.%s'", type_name(obj), name);
    return PmErr_Format(PmExc_AttributeError, "'%s' object has no attribute '%s'", type_name(obj),
                        name);
}

PmObject *interp_call_method(PmObject *self, const char *name, const PmCallArgs *a, int *handled)
{
    *handled = !PmInstance_Check(self) && !PmType_Check(self);
    if (!*handled)
        return NULL;
    if (Pm_IS_TYPE(self, &PmModule_Type)) {
        int md = ((PmModuleObject *)self)->md_id;
        const PmMethodDef *def = find_def(modules[md].functions, name);
        return def ? call_def(def, modules[md].name, NULL, a) : interp_getattr(self, name);
    }
    const PmMethodDef *def = find_def(Pm_TYPE(self)->tp_methods, name);
    return def ? call_def(def, type_name(self), self, a) : missing_attribute(self, name);
}

PmObject *interp_getattr(PmObject *obj, const char *name)
{
    if (Pm_IS_TYPE(obj, &PmModule_Type)) {
        int md = ((PmModuleObject *)obj)->md_id;
        const PmMethodDef *def = find_def(modules[md].functions, name);
        if (def != NULL)
            return get_function(def, modules[md].name);
        for (const char *const *c = modules[md].constants; *c != NULL; c++)
            if (strncmp(*c, name, strlen(name)) == 0 && (*c)[strlen(name)] == '=')
                return PmLong_FromLongLong(atoll(*c + strlen(name) + 1));
        return interp_unsupported("%s.%s", modules[md].name, name);
    }
    if (name[0] == '_' && name[1] == '_')
        return interp_unsupported("the attribute '%s'", name);
    if (PmInstance_Check(obj) || PmType_Check(obj))
        return PmObject_GetAttrString(obj, name);
    if (find_def(Pm_TYPE(obj)->tp_methods, name) != NULL)
        return interp_unsupported("method objects such as '%s.%s' (call the method directly)",
                                  type_name(obj), name);
    return missing_attribute(obj, name);
}

/* ---- `in` ------------------------------------------------------------------------ */

int interp_contains(PmObject *container, PmObject *item)
{
    PmObject *it, *x;
    int found = 0;
    if (PmDict_Check(container) || Pm_IS_TYPE(container, &PmDictKeys_Type)) {
        if (PmObject_Hash(item) == -1)
            return -1;
        return PmDict_Contains(PmDict_Check(container) ? container : _PmDictView_Dict(container),
                               item);
    }
    if (PmList_Check(container) || PmTuple_Check(container)) {
        PmObject **items = PmList_Check(container) ? ((PmListObject *)container)->ob_item
                                                   : ((PmTupleObject *)container)->ob_item;
        Pm_ssize_t i =
            _PmSequence_Find(items, Pm_SIZE(container), item, 0, Pm_SIZE(container), NULL);
        return i == -2 ? -1 : i >= 0;
    }
    if (PmUnicode_Check(container)) {
        if (!PmUnicode_Check(item)) {
            PmErr_Format(PmExc_TypeError, "'in <string>' requires string as left operand, not %s",
                         type_name(item));
            return -1;
        }
        return Pm_SIZE(item) == 0 || memmem(PmUnicode_AsUTF8(container), (size_t)Pm_SIZE(container),
                                            PmUnicode_AsUTF8(item), (size_t)Pm_SIZE(item)) != NULL;
    }
    if (Pm_TYPE(container)->tp_iter == NULL) {
        PmErr_Format(PmExc_TypeError, "argument of type '%s' is not iterable",
                     type_name(container));
        return -1;
    }
    if ((it = PmObject_GetIter(container)) == NULL)
        return -1;
    while (!found && (x = PmIter_Next(it)) != NULL) {
        found = PmObject_RichCompareBool(x, item, Pm_EQ);
        Pm_DECREF(x);
    }
    Pm_DECREF(it);
    return found == 0 && PmErr_Occurred() ? -1 : found;
}
