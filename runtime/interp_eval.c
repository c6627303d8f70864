/* interp_eval.c - runs a scenario's syntax tree on the linked layers, and the
 * entry points PmRun_File, PmRun_String, PmRun_Globals, PmRun_ClearGlobals.
 *
 * Reference counts follow CPython's evaluation, so that sys.getrefcount()
 * prints CPython's numbers:
 *   - every expression yields a new (strong) reference, released as soon as
 *     the statement or enclosing expression is done with it, as a value on
 *     CPython's evaluation stack is;
 *   - names live in the module's dict, which holds a reference to each value;
 *   - a for loop holds its iterator (which holds the iterable) for the whole
 *     loop, and the loop variable stays bound afterwards;
 *   - literals are the module's constants: one object per distinct value,
 *     shared by every occurrence in the file, made before the first
 *     statement runs and held until the run ends; a tuple of constants is
 *     itself a constant, as are -5, 1 + 2 and 'a' 'b' (CPython's compiler
 *     folds them).  Constant tuples start tracked, as the compiler's do,
 *     until a collection untracks them (gc.is_tracked((1, 2)) is True
 *     before the first gc.collect() in CPython 3.11, False after).
 *
 * Known differences from CPython 3.11, all outside what scenarios print:
 *   - counts of constants, small ints, None, True, False and interned
 *     strings differ (CPython's are shared across all modules, and from
 *     3.12 immortal);
 *   - gc.get_count() differs: the allocations behind a statement are not
 *     CPython's (no frames, code objects or function objects here);
 *   - `is` on ints computed at run time compares identities as CPython does,
 *     but which ints are cached (-5..256) is the runtime's choice;
 *   - a class body may only be `pass` or a docstring; classes have no
 *     __module__, __qualname__ or __doc__ entries;
 *   - ints are 64-bit: results beyond raise OverflowError;
 *   - module objects and built-in functions are pymemlab's own small objects
 *     (gc.get_objects() and heap pictures show only what the scenario made);
 *   - the module namespace holds __name__ and the scenario's names, not
 *     __builtins__, __doc__, __spec__ and the rest;
 *   - a construct outside the subset is reported before anything runs when
 *     the parser can see it, at run time otherwise (a method or builtin the
 *     subset lacks);
 *   - tracebacks show the source line but not CPython 3.11's ^^^ markers,
 *     and compile-time SyntaxWarnings are not printed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

InterpState *interp_current;

enum { X_OK, X_ERROR, X_STOP, X_BREAK, X_CONTINUE };

/* The module kept by keep_globals, until PmRun_ClearGlobals. */
static PmObject *kept_globals;

/* ---- constants ------------------------------------------------------------ */

static int same_constant(PmObject *a, Expr *e)
{
    switch (e->ckind) {
    case C_INT:
        return Pm_IS_TYPE(a, &PmLong_Type) && ((PmLongObject *)a)->ob_ival == e->ival;
    case C_STR:
        return PmUnicode_Check(a) && (size_t)Pm_SIZE(a) == e->slen && memcmp(PmUnicode_AsUTF8(a), e->sval, e->slen) == 0;
    case C_TUPLE:
        if (!PmTuple_Check(a) || Pm_SIZE(a) != e->nitems)
            return 0;
        /* items are constants already shared, so identity is equality */
        for (int i = 0; i < e->nitems; i++)
            if (PmTuple_GET_ITEM(a, i) != e->items[i]->constant)
                return 0;
        return 1;
    default:
        return 0;
    }
}

/* Give the constant expression e its object: an existing equal constant, or
 * a new one that the module holds.  0 or -1. */
static int bind_constant(InterpState *st, Expr *e)
{
    switch (e->ckind) {
    case C_NONE: e->constant = Pm_None; return 0;
    case C_TRUE: e->constant = Pm_True; return 0;
    case C_FALSE: e->constant = Pm_False; return 0;
    default: break;
    }
    if (e->ckind == C_TUPLE)
        for (int i = 0; i < e->nitems; i++)
            if (bind_constant(st, e->items[i]) < 0)
                return -1;
    for (int i = 0; i < st->nconsts; i++) {
        if (same_constant(st->consts[i], e)) {
            e->constant = st->consts[i];
            return 0;
        }
    }
    PmObject *obj;
    if (e->ckind == C_INT) {
        obj = PmLong_FromLongLong(e->ival);
    } else if (e->ckind == C_STR) {
        obj = PmUnicode_FromStringAndSize(e->sval, (Pm_ssize_t)e->slen);
    } else {
        obj = PmTuple_New(e->nitems);
        /* Tracked, as the tuples CPython's compiler makes: the collector
         * untracks them at its next pass, seeing they hold only atoms. */
        for (int i = 0; obj != NULL && i < e->nitems; i++)
            PmTuple_SET_ITEM(obj, i, Pm_NewRef(e->items[i]->constant));
    }
    if (obj == NULL)
        return -1;
    if (st->nconsts == st->aconsts) {
        int n = st->aconsts ? st->aconsts * 2 : 16;
        PmObject **c = realloc(st->consts, (size_t)n * sizeof *c);
        if (c == NULL) {
            Pm_DECREF(obj);
            PmErr_NoMemory();
            return -1;
        }
        st->consts = c;
        st->aconsts = n;
    }
    st->consts[st->nconsts++] = obj;
    e->constant = obj;
    return 0;
}

static int bind_expr(InterpState *st, Expr *e)
{
    if (e == NULL)
        return 0;
    if (e->kind == E_CONST)
        return bind_constant(st, e);
    if (e->kind == E_NAME && (e->constant = PmUnicode_InternFromString(e->name)) == NULL)
        return -1;
    if (bind_expr(st, e->left) < 0 || bind_expr(st, e->right) < 0)
        return -1;
    for (int i = 0; i < e->nitems; i++)
        if (bind_expr(st, e->items[i]) < 0)
            return -1;
    for (int i = 0; i < e->nkw; i++)
        if (bind_expr(st, e->kwvalues[i]) < 0)
            return -1;
    return 0;
}

/* Make the constants of every statement, in source order (as CPython's
 * compiler fills co_consts). */
static int bind_stmts(InterpState *st, Stmt *s)
{
    for (; s != NULL; s = s->next) {
        for (int i = 0; i < s->ntargets; i++)
            if (bind_expr(st, s->targets[i]) < 0)
                return -1;
        if (bind_expr(st, s->value) < 0 || bind_stmts(st, s->body) < 0 || bind_stmts(st, s->orelse) < 0)
            return -1;
    }
    return 0;
}

/* ---- expressions ------------------------------------------------------------ */

static PmObject *eval(InterpState *st, Expr *e);

static PmObject *load_name(InterpState *st, Expr *e)
{
    PmObject *v = PmDict_GetItem(st->globals, e->constant);
    if (v != NULL)
        return Pm_NewRef(v);
    if (PmErr_Occurred())
        return NULL;
    v = interp_builtin_lookup(e->name);
    if (v != NULL || PmErr_Occurred())
        return v;
    if (interp_is_cpython_builtin(e->name))
        return interp_unsupported("the builtin '%s'", e->name);
    PmErr_Format(PmExc_NameError, "name '%s' is not defined", e->name);
    return NULL;
}

static PmObject *int_result(long long v, int overflow)
{
    if (overflow) {
        PmErr_SetString(PmExc_OverflowError, "int result does not fit in 64 bits (pymemlab's ints are 64-bit)");
        return NULL;
    }
    return PmLong_FromLongLong(v);
}

static PmObject *concat(PmObject *a, PmObject *b)
{
    Pm_ssize_t na = Pm_SIZE(a), nb = Pm_SIZE(b);
    if (PmUnicode_Check(a)) {
        char *buf = malloc((size_t)(na + nb) + 1);
        if (buf == NULL)
            return PmErr_NoMemory();
        memcpy(buf, PmUnicode_AsUTF8(a), (size_t)na);
        memcpy(buf + na, PmUnicode_AsUTF8(b), (size_t)nb);
        PmObject *r = PmUnicode_FromStringAndSize(buf, na + nb);
        free(buf);
        return r;
    }
    int is_list = PmList_Check(a);
    PmObject *r = is_list ? PmList_New(na + nb) : PmTuple_New(na + nb);
    if (r == NULL)
        return NULL;
    for (Pm_ssize_t i = 0; i < na + nb; i++) {
        PmObject *src = i < na ? a : b;
        Pm_ssize_t j = i < na ? i : i - na;
        PmObject *x = Pm_NewRef(is_list ? PmList_GET_ITEM(src, j) : PmTuple_GET_ITEM(src, j));
        if (is_list)
            PmList_SET_ITEM(r, i, x);
        else
            PmTuple_SET_ITEM(r, i, x);
    }
    return r;
}

static PmObject *binary_op(PmObject *a, PmObject *b, int op)
{
    long long r;
    if (PmLong_Check(a) && PmLong_Check(b)) {
        long long x = ((PmLongObject *)a)->ob_ival, y = ((PmLongObject *)b)->ob_ival;
        int overflow = op == '+' ? __builtin_add_overflow(x, y, &r) : __builtin_sub_overflow(x, y, &r);
        return int_result(r, overflow);
    }
    if (op == '+' && (PmUnicode_Check(a) || PmList_Check(a) || PmTuple_Check(a))) {
        if (Pm_TYPE(a) == Pm_TYPE(b))
            return concat(a, b);
        PmErr_Format(PmExc_TypeError, "can only concatenate %s (not \"%s\") to %s", Pm_TYPE(a)->tp_name,
                     Pm_TYPE(b)->tp_name, Pm_TYPE(a)->tp_name);
        return NULL;
    }
    PmErr_Format(PmExc_TypeError, "unsupported operand type(s) for %c: '%s' and '%s'", op, Pm_TYPE(a)->tp_name,
                 Pm_TYPE(b)->tp_name);
    return NULL;
}

static PmObject *compare(PmObject *a, PmObject *b, int op)
{
    int r;
    switch (op) {
    case CMP_IS: return Pm_NewRef(a == b ? Pm_True : Pm_False);
    case CMP_IS_NOT: return Pm_NewRef(a != b ? Pm_True : Pm_False);
    case CMP_IN:
    case CMP_NOT_IN:
        r = interp_contains(b, a);
        if (r < 0)
            return NULL;
        return PmBool_FromLong(op == CMP_IN ? r : !r);
    default:
        return PmObject_RichCompare(a, b, op);
    }
}

/* a < b < c: each operand evaluated once, stop at the first false. */
static PmObject *eval_compare(InterpState *st, Expr *e)
{
    PmObject *left = eval(st, e->items[0]);
    if (left == NULL)
        return NULL;
    for (int i = 1; i < e->nitems; i++) {
        PmObject *right = eval(st, e->items[i]);
        if (right == NULL) {
            Pm_DECREF(left);
            return NULL;
        }
        PmObject *r = compare(left, right, e->ops[i - 1]);
        Pm_DECREF(left);
        if (r == NULL || i == e->nitems - 1) {
            Pm_DECREF(right);
            return r;
        }
        int t = interp_is_true(r);
        if (t <= 0) {
            Pm_DECREF(right);
            if (t < 0)
                Pm_CLEAR(r);
            return r;
        }
        Pm_DECREF(r);
        left = right;
    }
    return left;
}

/* Evaluate n expressions into vals (new references); on error nothing is
 * left held. */
static int eval_all(InterpState *st, Expr **exprs, int n, PmObject **vals)
{
    for (int i = 0; i < n; i++) {
        vals[i] = eval(st, exprs[i]);
        if (vals[i] == NULL) {
            while (i-- > 0)
                Pm_DECREF(vals[i]);
            return -1;
        }
    }
    return 0;
}

static void release_all(PmObject **vals, int n)
{
    for (int i = 0; i < n; i++)
        Pm_DECREF(vals[i]);
}

/* Displays build their object after every item is evaluated, as CPython's
 * BUILD_LIST / BUILD_TUPLE / BUILD_MAP take their items off the stack. */
static PmObject *eval_display(InterpState *st, Expr *e)
{
    PmObject *stack[64], **vals = e->nitems <= 64 ? stack : malloc((size_t)e->nitems * sizeof *vals);
    PmObject *r = NULL;
    if (vals == NULL)
        return PmErr_NoMemory();
    if (eval_all(st, e->items, e->nitems, vals) < 0)
        goto done;
    if (e->kind == E_DICT) {
        r = PmDict_New();
        for (int i = 0; r != NULL && i < e->nitems; i += 2)
            if (PmDict_SetItem(r, vals[i], vals[i + 1]) < 0)
                Pm_CLEAR(r);
        release_all(vals, e->nitems);
        goto done;
    }
    r = e->kind == E_LIST ? PmList_New(e->nitems) : PmTuple_New(e->nitems);
    if (r == NULL) {
        release_all(vals, e->nitems);
        goto done;
    }
    for (int i = 0; i < e->nitems; i++) {
        if (e->kind == E_LIST)
            PmList_SET_ITEM(r, i, vals[i]);
        else
            PmTuple_SET_ITEM(r, i, vals[i]);
    }
done:
    if (vals != stack)
        free(vals);
    return r;
}

static PmObject *eval_call(InterpState *st, Expr *e)
{
    PmObject *stack[32], **vals;
    int n = e->nitems + e->nkw;
    PmObject *self = NULL, *callable = NULL, *r = NULL;
    int handled = 0;
    Expr *f = e->left;
    if (f->kind == E_ATTR) {
        if ((self = eval(st, f->left)) == NULL)
            return NULL;
    } else if ((callable = eval(st, f)) == NULL) {
        return NULL;
    }
    vals = n <= 32 ? stack : malloc((size_t)n * sizeof *vals);
    if (vals == NULL) {
        Pm_XDECREF(self);
        Pm_XDECREF(callable);
        return PmErr_NoMemory();
    }
    if (eval_all(st, e->items, e->nitems, vals) == 0) {
        if (eval_all(st, e->kwvalues, e->nkw, vals + e->nitems) == 0) {
            if (self != NULL) {
                r = interp_call_method(self, f->name, vals, e->nitems, e->kwnames, vals + e->nitems, e->nkw, &handled);
                if (!handled && (callable = PmObject_GetAttrString(self, f->name)) == NULL)
                    handled = 1;
            }
            if (!handled)
                r = interp_call(callable, vals, e->nitems, e->kwnames, vals + e->nitems, e->nkw);
            release_all(vals + e->nitems, e->nkw);
        }
        release_all(vals, e->nitems);
    }
    if (vals != stack)
        free(vals);
    Pm_XDECREF(self);
    Pm_XDECREF(callable);
    return r;
}

static PmObject *eval_inner(InterpState *st, Expr *e)
{
    PmObject *a, *b, *r;
    switch (e->kind) {
    case E_CONST:
        return Pm_NewRef(e->constant);
    case E_NAME:
        return load_name(st, e);
    case E_ATTR:
        if ((a = eval(st, e->left)) == NULL)
            return NULL;
        r = interp_getattr(a, e->name);
        Pm_DECREF(a);
        return r;
    case E_SUBSCR:
        if ((a = eval(st, e->left)) == NULL)
            return NULL;
        if ((b = eval(st, e->right)) == NULL) {
            Pm_DECREF(a);
            return NULL;
        }
        r = PmObject_GetItem(a, b);
        Pm_DECREF(a);
        Pm_DECREF(b);
        return r;
    case E_CALL:
        return eval_call(st, e);
    case E_LIST:
    case E_TUPLE:
    case E_DICT:
        return eval_display(st, e);
    case E_UNARY:
        if ((a = eval(st, e->left)) == NULL)
            return NULL;
        if (e->op == 'n') {
            int t = interp_is_true(a);
            r = t < 0 ? NULL : PmBool_FromLong(!t);
        } else if (PmLong_Check(a)) {
            long long v = ((PmLongObject *)a)->ob_ival;
            r = e->op == '+' ? PmLong_FromLongLong(v) : int_result(-v, v == LLONG_MIN);
        } else {
            PmErr_Format(PmExc_TypeError, "bad operand type for unary %c: '%s'", e->op, Pm_TYPE(a)->tp_name);
            r = NULL;
        }
        Pm_DECREF(a);
        return r;
    case E_BINOP:
        if ((a = eval(st, e->left)) == NULL)
            return NULL;
        if ((b = eval(st, e->right)) == NULL) {
            Pm_DECREF(a);
            return NULL;
        }
        r = binary_op(a, b, e->op);
        Pm_DECREF(a);
        Pm_DECREF(b);
        return r;
    case E_AND:
    case E_OR: {
        if ((a = eval(st, e->left)) == NULL)
            return NULL;
        int t = interp_is_true(a);
        if (t < 0) {
            Pm_DECREF(a);
            return NULL;
        }
        if (t == (e->kind == E_OR))
            return a;
        Pm_DECREF(a);
        return eval(st, e->right);
    }
    case E_COMPARE:
        return eval_compare(st, e);
    }
    PmErr_SetString(PmExc_RuntimeError, "unknown expression");
    return NULL;
}

/* Every failure records the line of the innermost expression that raised,
 * which is the line CPython's traceback shows. */
static PmObject *eval(InterpState *st, Expr *e)
{
    PmObject *r = eval_inner(st, e);
    if (r == NULL && st->error_line == 0)
        st->error_line = e->line;
    return r;
}

/* ---- assignment and deletion ------------------------------------------------ */

static int unpack(InterpState *st, Expr *target, PmObject *value)
{
    int n = target->nitems, got = 0;
    PmObject *stack[16], **items = n + 1 <= 16 ? stack : malloc((size_t)(n + 1) * sizeof *items);
    PmObject *it, *x;
    int rc = -1;
    if (items == NULL) {
        PmErr_NoMemory();
        return -1;
    }
    if ((it = interp_get_iter(value)) == NULL) {
        if (PmErr_Occurred() == PmExc_TypeError)
            PmErr_Format(PmExc_TypeError, "cannot unpack non-iterable %s object", Pm_TYPE(value)->tp_name);
        goto done;
    }
    while (got <= n && (x = interp_iter_next(it)) != NULL)
        items[got++] = x;
    Pm_DECREF(it);
    if (PmErr_Occurred()) {
        release_all(items, got);
        goto done;
    }
    if (got != n) {
        if (got < n)
            PmErr_Format(PmExc_ValueError, "not enough values to unpack (expected %d, got %d)", n, got);
        else
            PmErr_Format(PmExc_ValueError, "too many values to unpack (expected %d)", n);
        release_all(items, got);
        goto done;
    }
    rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0 && PmDict_SetItem(st->globals, target->items[i]->constant, items[i]) < 0)
            rc = -1;
        Pm_DECREF(items[i]);
    }
done:
    if (items != stack)
        free(items);
    return rc;
}

static int module_attr_unsupported(PmObject *obj)
{
    if (!interp_is_module(obj))
        return 0;
    interp_unsupported("setting or deleting module attributes");
    return 1;
}

/* target = value; value is borrowed. */
static int assign(InterpState *st, Expr *target, PmObject *value)
{
    PmObject *obj, *key;
    int r;
    switch (target->kind) {
    case E_NAME:
        return PmDict_SetItem(st->globals, target->constant, value);
    case E_ATTR:
        if ((obj = eval(st, target->left)) == NULL)
            return -1;
        r = module_attr_unsupported(obj) ? -1 : PmObject_SetAttrString(obj, target->name, value);
        Pm_DECREF(obj);
        return r;
    case E_SUBSCR:
        if ((obj = eval(st, target->left)) == NULL)
            return -1;
        if ((key = eval(st, target->right)) == NULL) {
            Pm_DECREF(obj);
            return -1;
        }
        r = PmObject_SetItem(obj, key, value);
        Pm_DECREF(obj);
        Pm_DECREF(key);
        return r;
    default:
        return unpack(st, target, value);
    }
}

static int delete(InterpState *st, Expr *target)
{
    PmObject *obj, *key;
    int r;
    switch (target->kind) {
    case E_NAME:
        if (!PmDict_Contains(st->globals, target->constant)) {
            PmErr_Format(PmExc_NameError, "name '%s' is not defined", target->name);
            return -1;
        }
        return PmDict_DelItem(st->globals, target->constant);
    case E_ATTR:
        if ((obj = eval(st, target->left)) == NULL)
            return -1;
        r = module_attr_unsupported(obj) ? -1 : PmObject_SetAttrString(obj, target->name, NULL);
        Pm_DECREF(obj);
        return r;
    case E_SUBSCR:
        if ((obj = eval(st, target->left)) == NULL)
            return -1;
        if ((key = eval(st, target->right)) == NULL) {
            Pm_DECREF(obj);
            return -1;
        }
        r = PmObject_DelItem(obj, key);
        Pm_DECREF(obj);
        Pm_DECREF(key);
        return r;
    default:
        for (int i = 0; i < target->nitems; i++)
            if (delete(st, target->items[i]) < 0)
                return -1;
        return 0;
    }
}

/* x += v: lists extend in place (and stay the same object), everything else
 * is x = x + v. */
static int augassign(InterpState *st, Stmt *s)
{
    Expr *t = s->targets[0];
    PmObject *obj = NULL, *key = NULL, *old = NULL, *v = NULL, *r = NULL;
    int rc = -1, handled;
    if (t->kind == E_NAME) {
        old = load_name(st, t);
    } else if ((obj = eval(st, t->left)) != NULL) {
        if (t->kind == E_ATTR)
            old = interp_getattr(obj, t->name);
        else if ((key = eval(st, t->right)) != NULL)
            old = PmObject_GetItem(obj, key);
    }
    if (old == NULL || (v = eval(st, s->value)) == NULL)
        goto done;
    if (s->op == '+' && PmList_Check(old)) {
        PmObject *res = interp_call_method(old, "extend", &v, 1, NULL, NULL, 0, &handled);
        if (res == NULL)
            goto done;
        Pm_DECREF(res);
        r = Pm_NewRef(old);
    } else if ((r = binary_op(old, v, s->op)) == NULL) {
        goto done;
    }
    if (t->kind == E_NAME)
        rc = PmDict_SetItem(st->globals, t->constant, r);
    else if (t->kind == E_ATTR)
        rc = PmObject_SetAttrString(obj, t->name, r);
    else
        rc = PmObject_SetItem(obj, key, r);
done:
    if (rc != 0 && st->error_line == 0)
        st->error_line = s->line;
    Pm_XDECREF(obj);
    Pm_XDECREF(key);
    Pm_XDECREF(old);
    Pm_XDECREF(v);
    Pm_XDECREF(r);
    return rc == 0 ? 0 : -1;
}

/* ---- statements ------------------------------------------------------------- */

static void draw_heap(InterpState *st, int line)
{
    char title[256];
    const char *base = strrchr(st->filename, '/');
    if (st->heap_svg == NULL && st->heap_dot == NULL)
        return;
    snprintf(title, sizeof title, "%s, after line %d", base ? base + 1 : st->filename, line);
    PmHeapDrawOptions opts = {.title = title, .roots = st->globals, .show_gc = 1};
    if (st->heap_svg != NULL && PmHeap_Render(st->heap_svg, "svg", &opts) != 0)
        fprintf(st->err, "pmlab: could not draw the heap into %s\n", st->heap_svg);
    if (st->heap_dot != NULL && PmHeap_Render(st->heap_dot, "dot", &opts) != 0)
        fprintf(st->err, "pmlab: could not write the heap graph into %s\n", st->heap_dot);
    st->heap_drawn = 1;
}

static int exec_block(InterpState *st, Stmt *s, int *last_line);

static int exec_for(InterpState *st, Stmt *s, int *last_line)
{
    PmObject *seq = eval(st, s->value), *it, *x;
    if (seq == NULL)
        return X_ERROR;
    it = interp_get_iter(seq);
    Pm_DECREF(seq); /* the iterator holds the iterable from here on */
    if (it == NULL)
        return X_ERROR;
    int rc = X_OK;
    for (;;) {
        x = interp_iter_next(it);
        if (x == NULL) {
            if (PmErr_Occurred()) {
                rc = X_ERROR;
                if (st->error_line == 0)
                    st->error_line = s->line;
            }
            break;
        }
        int r = assign(st, s->targets[0], x);
        Pm_DECREF(x);
        if (r < 0) {
            rc = X_ERROR;
            break;
        }
        rc = exec_block(st, s->body, last_line);
        if (rc == X_BREAK) {
            rc = X_OK;
            break;
        }
        if (rc == X_CONTINUE)
            rc = X_OK;
        if (rc != X_OK)
            break;
    }
    Pm_DECREF(it);
    return rc;
}

static int truth_of(InterpState *st, Expr *cond)
{
    PmObject *v = eval(st, cond);
    if (v == NULL)
        return -1;
    int t = interp_is_true(v);
    Pm_DECREF(v);
    if (t < 0 && st->error_line == 0)
        st->error_line = cond->line;
    return t;
}

static int exec_stmt(InterpState *st, Stmt *s, int *last_line)
{
    PmObject *v;
    int t, rc;
    *last_line = s->line;
    switch (s->kind) {
    case S_EXPR:
        if ((v = eval(st, s->value)) == NULL)
            return X_ERROR;
        Pm_DECREF(v);
        return X_OK;
    case S_ASSIGN:
        if ((v = eval(st, s->value)) == NULL)
            return X_ERROR;
        rc = X_OK;
        for (int i = 0; i < s->ntargets && rc == X_OK; i++)
            if (assign(st, s->targets[i], v) < 0)
                rc = X_ERROR;
        Pm_DECREF(v);
        return rc;
    case S_AUGASSIGN:
        return augassign(st, s) < 0 ? X_ERROR : X_OK;
    case S_DEL:
        for (int i = 0; i < s->ntargets; i++)
            if (delete(st, s->targets[i]) < 0)
                return X_ERROR;
        return X_OK;
    case S_PASS:
        return X_OK;
    case S_BREAK:
        return X_BREAK;
    case S_CONTINUE:
        return X_CONTINUE;
    case S_IMPORT:
        for (int i = 0; i < s->nnames; i++) {
            PmObject *key = PmUnicode_InternFromString(s->names[i]);
            if (key == NULL || (v = interp_import(s->names[i])) == NULL)
                return X_ERROR;
            int r = PmDict_SetItem(st->globals, key, v);
            Pm_DECREF(v);
            if (r < 0)
                return X_ERROR;
        }
        return X_OK;
    case S_CLASS: {
        PmObject *key = PmUnicode_InternFromString(s->names[0]);
        if (key == NULL || (v = PmType_NewClass(s->names[0])) == NULL)
            return X_ERROR;
        int r = PmDict_SetItem(st->globals, key, v);
        Pm_DECREF(v);
        return r < 0 ? X_ERROR : X_OK;
    }
    case S_FOR:
        return exec_for(st, s, last_line);
    case S_WHILE:
        for (;;) {
            if ((t = truth_of(st, s->value)) < 0)
                return X_ERROR;
            if (!t)
                return X_OK;
            rc = exec_block(st, s->body, last_line);
            if (rc == X_BREAK)
                return X_OK;
            if (rc != X_OK && rc != X_CONTINUE)
                return rc;
        }
    case S_IF:
        if ((t = truth_of(st, s->value)) < 0)
            return X_ERROR;
        return exec_block(st, t ? s->body : s->orelse, last_line);
    }
    return X_OK;
}

/* Run statements in order.  After each simple statement, stop once print()
 * has written the lines asked for, drawing the heap as it is at that point
 * (loops still hold their iterators). */
static int exec_block(InterpState *st, Stmt *s, int *last_line)
{
    for (; s != NULL; s = s->next) {
        int rc = exec_stmt(st, s, last_line);
#ifdef Pm_GIL_DISABLED
        _Pm_HandlePending(); /* a safe point, where CPython's eval breaker is checked */
#endif
        if (rc == X_ERROR && st->error_line == 0)
            st->error_line = s->line;
        if (rc != X_OK)
            return rc;
        if (st->stop_requested) {
            if (!st->heap_drawn)
                draw_heap(st, s->line);
            return X_STOP;
        }
    }
    return X_OK;
}

/* ---- reporting ---------------------------------------------------------------- */

/* Line n of the source, without its indentation, into buf. */
static void source_line(const char *src, int n, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int line = 1; line < n && *src; src++)
        if (*src == '\n')
            line++;
    while (*src == ' ' || *src == '\t')
        src++;
    size_t len = strcspn(src, "\r\n");
    if (len >= size)
        len = size - 1;
    memcpy(buf, src, len);
    buf[len] = '\0';
}

static PmRunStatus report_unsupported(InterpState *st, PmRunResult *res, int line, const char *what)
{
    snprintf(res->message, sizeof res->message, "%s:%d: not supported in pymemlab's Python subset: %s",
             st->filename, line, what);
    fprintf(st->err, "%s\n", res->message);
    return PmRun_Unsupported;
}

static PmRunStatus report_exception(InterpState *st, PmRunResult *res, const char *kind, const char *msg,
                                    int line, int with_traceback)
{
    char src[256];
    source_line(st->source, line, src, sizeof src);
    if (with_traceback)
        fprintf(st->err, "Traceback (most recent call last):\n  File \"%s\", line %d, in <module>\n",
                st->filename, line);
    else
        fprintf(st->err, "  File \"%s\", line %d\n", st->filename, line);
    if (src[0] != '\0')
        fprintf(st->err, "    %s\n", src);
    if (msg[0] != '\0')
        fprintf(st->err, "%s: %s\n", kind, msg);
    else
        fprintf(st->err, "%s\n", kind);
    snprintf(res->message, sizeof res->message, "%s:%d: %s%s%s", st->filename, line, kind, msg[0] ? ": " : "", msg);
    return PmRun_Error;
}

/* ---- entry points -------------------------------------------------------------- */

static void release_module(PmObject *globals)
{
    /* CPython tears a module down by emptying its dict; cycles through it
     * are then left to the collector. */
    PmDict_Clear(globals);
    Pm_DECREF(globals);
}

PmRunStatus PmRun_String(const char *filename, const char *source, const PmRunOptions *opt, PmRunResult *res)
{
    static const PmRunOptions defaults = {0};
    PmRunResult dummy;
    InterpError perr;
    int last_line = 0;
    if (opt == NULL)
        opt = &defaults;
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof *res);
    PmRun_ClearGlobals();
    PmErr_Clear();

    InterpState st = {
        .filename = filename,
        .source = source,
        .out = opt->out ? opt->out : stdout,
        .err = opt->err ? opt->err : stderr,
        .stop_after = opt->stop_after_output,
        .heap_svg = opt->heap_svg,
        .heap_dot = opt->heap_dot,
    };

    Stmt *code = interp_parse(source, &perr);
    if (perr.kind == ERR_UNSUPPORTED) {
        res->status = report_unsupported(&st, res, perr.line, perr.what);
        res->last_line = perr.line;
        return res->status;
    }
    if (perr.kind == ERR_SYNTAX) {
        res->status = report_exception(&st, res, perr.exc ? perr.exc : "SyntaxError", perr.what, perr.line, 0);
        res->last_line = perr.line;
        return res->status;
    }

    InterpState *outer = interp_current;
    interp_current = &st;
    interp_builtins_init();
    int rc = X_ERROR;
    PmObject *name = NULL;
    st.globals = PmDict_New();
    if (st.globals != NULL && (name = PmUnicode_FromString("__main__")) != NULL &&
        PmDict_SetItemString(st.globals, "__name__", name) == 0 && bind_stmts(&st, code) == 0)
        rc = exec_block(&st, code, &last_line);
    Pm_XDECREF(name);
    if (rc == X_ERROR && st.error_line == 0)
        st.error_line = last_line;

    res->status = PmRun_OK;
    if (rc == X_ERROR) {
        int kind = PmErr_Occurred();
        if (kind == PmExc_NotImplementedError)
            res->status = report_unsupported(&st, res, st.error_line, PmErr_Message());
        else if (kind != PmExc_None)
            res->status = report_exception(&st, res, PmErr_KindName(kind), PmErr_Message(), st.error_line, 1);
        else
            res->status = report_exception(&st, res, "SystemError", "error return without exception set",
                                           st.error_line, 1);
        PmErr_Clear();
    }
    if (res->status != PmRun_Unsupported && !st.heap_drawn && st.globals != NULL)
        draw_heap(&st, last_line);
    fflush(st.out);
    res->lines_printed = st.lines_printed;
    res->last_line = rc == X_ERROR ? st.error_line : last_line;

    interp_free_stmts(code);
    for (int i = 0; i < st.nconsts; i++)
        Pm_DECREF(st.consts[i]);
    free(st.consts);
    interp_builtins_fini();
    if (st.globals != NULL) {
        if (opt->keep_globals)
            kept_globals = st.globals;
        else
            release_module(st.globals);
    }
    interp_current = outer;
    return res->status;
}

PmRunStatus PmRun_File(const char *path, const PmRunOptions *opt, PmRunResult *res)
{
    PmRunResult dummy;
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof *res);
    if (f != NULL) {
        for (;;) {
            if (n + 4096 + 1 > cap) {
                char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);
                if (nb == NULL)
                    break;
                buf = nb;
            }
            size_t got = fread(buf + n, 1, cap - n - 1, f);
            n += got;
            if (got == 0)
                break;
        }
    }
    if (f == NULL || ferror(f) || buf == NULL || memchr(buf, '\0', n) != NULL) {
        FILE *err = opt && opt->err ? opt->err : stderr;
        snprintf(res->message, sizeof res->message, "%s: cannot read the file (%s)", path,
                 f == NULL ? strerror(errno) : buf && memchr(buf, '\0', n) ? "it contains NUL bytes" : "read error");
        fprintf(err, "pmlab: %s\n", res->message);
        if (f != NULL)
            fclose(f);
        free(buf);
        res->status = PmRun_IOError;
        return PmRun_IOError;
    }
    fclose(f);
    buf[n] = '\0';
    PmRunStatus status = PmRun_String(path, buf, opt, res);
    free(buf);
    return status;
}

PmObject *PmRun_Globals(void)
{
    if (interp_current != NULL)
        return interp_current->globals;
    return kept_globals;
}

void PmRun_ClearGlobals(void)
{
    PmObject *g = kept_globals;
    kept_globals = NULL;
    if (g != NULL)
        release_module(g);
}
