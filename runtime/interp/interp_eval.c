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
#define _POSIX_C_SOURCE 200809L /* getdelim */
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
    case C_INT: return Pm_IS_TYPE(a, &PmLong_Type) && ((PmLongObject *)a)->ob_ival == e->ival;
    case C_STR:
        return PmUnicode_Check(a) && (size_t)Pm_SIZE(a) == e->slen &&
               memcmp(PmUnicode_AsUTF8(a), e->sval, e->slen) == 0;
    case C_TUPLE:
        if (!PmTuple_Check(a) || Pm_SIZE(a) != e->nitems)
            return 0;
        /* items are constants already shared, so identity is equality */
        for (int i = 0; i < e->nitems; i++)
            if (PmTuple_GET_ITEM(a, i) != e->items[i]->constant)
                return 0;
        return 1;
    default: return 0;
    }
}

/* Give the constant expression e its object: an existing equal constant, or
 * a new one that the module holds.  0 or -1. */
static int bind_constant(InterpState *st, Expr *e)
{
    if (e->ckind == C_NONE || e->ckind == C_TRUE || e->ckind == C_FALSE) {
        e->constant = e->ckind == C_NONE ? Pm_None : e->ckind == C_TRUE ? Pm_True : Pm_False;
        return 0;
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
    if (obj != NULL && !arena_grow(st->arena, &st->consts, st->nconsts, sizeof *st->consts)) {
        Pm_DECREF(obj);
        obj = PmErr_NoMemory();
    }
    if (obj == NULL)
        return -1;
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
        if (bind_expr(st, s->value) < 0 || bind_stmts(st, s->body) < 0 ||
            bind_stmts(st, s->orelse) < 0)
            return -1;
        for (int i = 0; i < s->nhandlers; i++)
            if (bind_stmts(st, s->handlers[i]) < 0)
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
    return PmErr_Format(PmExc_NameError, "name '%s' is not defined", e->name);
}

static PmObject *int_result(long long v, int overflow)
{
    if (overflow) {
        PmErr_SetString(PmExc_OverflowError,
                        "int result does not fit in 64 bits (pymemlab's ints are 64-bit)");
        return NULL;
    }
    return PmLong_FromLongLong(v);
}

static PmObject **items_of(PmObject *seq)
{
    return PmList_Check(seq) ? ((PmListObject *)seq)->ob_item : ((PmTupleObject *)seq)->ob_item;
}

static Pm_ssize_t seq_length(PmObject *seq)
{
    return PmUnicode_Check(seq) ? _PmUnicode_CodePoints(PmUnicode_AsUTF8(seq), Pm_SIZE(seq))
                                : Pm_SIZE(seq);
}

static int is_seq(PmObject *op)
{
    return PmUnicode_Check(op) || PmList_Check(op) || PmTuple_Check(op);
}

/* A new sequence of seq's type holding its items (for str: code points)
 * number start, start + step, ... (n of them), then those of seq2 if given:
 * slices, concatenation and repetition. */
static PmObject *gather(PmObject *seq, Pm_ssize_t start, Pm_ssize_t step, Pm_ssize_t n,
                        PmObject *seq2)
{
    Pm_ssize_t n2 = seq2 != NULL ? Pm_SIZE(seq2) : 0;
    if (PmUnicode_Check(seq)) {
        const char *s = PmUnicode_AsUTF8(seq);
        Pm_ssize_t len = seq_length(seq), *off = malloc((size_t)(len + 1) * sizeof *off);
        PmBuf b;
        if (off == NULL)
            return PmErr_NoMemory();
        for (Pm_ssize_t i = 0, at = 0; i <= len;
             at += i < len ? _PmUnicode_SeqLen((unsigned char)s[at]) : 0, i++)
            off[i] = at;
        _PmBuf_Init(&b);
        for (Pm_ssize_t i = 0, k; i < n; i++) {
            k = (start + i * step) % len;
            _PmBuf_Append(&b, s + off[k], (size_t)(off[k + 1] - off[k]));
        }
        if (seq2 != NULL)
            _PmBuf_Append(&b, PmUnicode_AsUTF8(seq2), (size_t)n2);
        free(off);
        return _PmBuf_Finish(&b);
    }
    PmObject *r = PmList_Check(seq) ? PmList_New(n + n2) : PmTuple_New(n + n2);
    for (Pm_ssize_t i = 0; r != NULL && i < n + n2; i++)
        items_of(r)[i] = Pm_NewRef(i < n ? items_of(seq)[(start + i * step) % Pm_SIZE(seq)]
                                         : items_of(seq2)[i - n]);
    return r;
}

/* seq * n: a tuple or str repeated once is itself, as in CPython. */
static PmObject *repeat(PmObject *seq, long long n)
{
    Pm_ssize_t len = seq_length(seq);
    if (n == 1 && !PmList_Check(seq))
        return Pm_NewRef(seq);
    if (n <= 0 || len == 0)
        n = 0;
    else if (n > ((Pm_ssize_t)1 << 28) / len)
        return PmErr_NoMemory();
    return gather(seq, 0, 1, len * (Pm_ssize_t)n, NULL);
}

static PmObject *binary_op(PmObject *a, PmObject *b, int op)
{
    char opname[3] = {(char)op, op == '/' ? '/' : '\0', '\0'};
    if (PmLong_Check(a) && PmLong_Check(b)) {
        long long x = PmLong_AsLongLong(a), y = PmLong_AsLongLong(b), r = 0;
        if (op == '+' || op == '-' || op == '*') {
            int overflow = op == '+'   ? __builtin_add_overflow(x, y, &r)
                           : op == '-' ? __builtin_sub_overflow(x, y, &r)
                                       : __builtin_mul_overflow(x, y, &r);
            return int_result(r, overflow);
        }
        if (y == 0) {
            PmErr_SetString(PmExc_ZeroDivisionError, op == '%'
                                                         ? "integer modulo by zero"
                                                         : "integer division or modulo by zero");
            return NULL;
        }
        if (y == -1) /* floor and C division agree; LLONG_MIN / -1 overflows */
            return op == '%' ? PmLong_FromLongLong(0) : int_result(-x, x == LLONG_MIN);
        long long q = x / y, m = x % y;
        if (m != 0 && (m < 0) != (y < 0))
            q--, m += y;
        return PmLong_FromLongLong(op == '/' ? q : m);
    }
    if (op == '+' && is_seq(a)) {
        if (Pm_TYPE(a) == Pm_TYPE(b))
            return gather(a, 0, 1, seq_length(a), b);
        return PmErr_Format(PmExc_TypeError, "can only concatenate %s (not \"%s\") to %s",
                            Pm_TYPE(a)->tp_name, Pm_TYPE(b)->tp_name, Pm_TYPE(a)->tp_name);
    }
    if (op == '%' && PmUnicode_Check(a))
        return interp_unsupported("printf-style formatting ('%%' on a str)");
    if (op == '*' && (is_seq(a) || is_seq(b))) {
        PmObject *seq = is_seq(a) ? a : b, *n = seq == a ? b : a;
        if (PmLong_Check(n))
            return repeat(seq, PmLong_AsLongLong(n));
        return PmErr_Format(PmExc_TypeError, "can't multiply sequence by non-int of type '%s'",
                            Pm_TYPE(n)->tp_name);
    }
    return PmErr_Format(PmExc_TypeError, "unsupported operand type(s) for %s: '%s' and '%s'",
                        opname, Pm_TYPE(a)->tp_name, Pm_TYPE(b)->tp_name);
}

PmObject *_PmNumber_Add(PmObject *a, PmObject *b)
{
    return binary_op(a, b, '+');
}

/* obj[start:stop:step] for lists, tuples and str; the bounds are ints or None. */
static PmObject *get_slice(PmObject *obj, PmObject *const bounds[3])
{
    long long v[3] = {0, 0, 1};
    int given[3];
    for (int i = 0; i < 3; i++) {
        given[i] = bounds[i] != Pm_None;
        if (given[i] && !PmLong_Check(bounds[i])) {
            PmErr_SetString(PmExc_TypeError,
                            "slice indices must be integers or None or have an __index__ method");
            return NULL;
        }
        if (given[i])
            v[i] = PmLong_AsLongLong(bounds[i]);
    }
    if (v[2] == 0) {
        PmErr_SetString(PmExc_ValueError, "slice step cannot be zero");
        return NULL;
    }
    if (!is_seq(obj)) {
        if (PmDict_Check(obj))
            PmErr_SetString(PmExc_TypeError, "unhashable type: 'slice'");
        else if (Pm_IS_TYPE(obj, &PmRange_Type))
            return interp_unsupported("slicing a range");
        else
            return PmErr_Format(PmExc_TypeError, "'%s' object is not subscriptable",
                                Pm_TYPE(obj)->tp_name);
    }
    Pm_ssize_t len = seq_length(obj);
    long long start = given[0] ? v[0] : v[2] < 0 ? LLONG_MAX : 0;
    long long stop = given[1] ? v[1] : v[2] < 0 ? LLONG_MIN : LLONG_MAX;
    Pm_ssize_t n = _PmSlice_Adjust(len, &start, &stop, v[2]);
    if (n == len && v[2] == 1 && !PmList_Check(obj))
        return Pm_NewRef(obj); /* t[:] is t for tuples and str */
    return gather(obj, (Pm_ssize_t)start, (Pm_ssize_t)v[2], n, NULL);
}

static PmObject *compare(PmObject *a, PmObject *b, int op)
{
    int r;
    switch (op) {
    case CMP_IS: return PmBool_FromLong(a == b);
    case CMP_IS_NOT: return PmBool_FromLong(a != b);
    case CMP_IN:
    case CMP_NOT_IN:
        r = interp_contains(b, a);
        return r < 0 ? NULL : PmBool_FromLong(op == CMP_IN ? r : !r);
    default: return PmObject_RichCompare(a, b, op);
    }
}

/* a < b < c: each operand evaluated once, stop at the first false. */
static PmObject *eval_compare(InterpState *st, Expr *e)
{
    PmObject *left = eval(st, e->items[0]);
    for (int i = 1; left != NULL && i < e->nitems; i++) {
        PmObject *right = eval(st, e->items[i]),
                 *r = right ? compare(left, right, e->ops[i - 1]) : NULL;
        Pm_DECREF(left);
        int t = r == NULL || i == e->nitems - 1 ? 0 : PmObject_IsTrue(r);
        if (t <= 0) {
            Pm_XDECREF(right);
            if (t < 0)
                Pm_CLEAR(r);
            return r;
        }
        Pm_DECREF(r);
        left = right;
    }
    return left;
}

/* Evaluate n expressions into vals (new references; NULL expressions give
 * None); on error nothing is left held. */
static int eval_all(InterpState *st, Expr **exprs, int n, PmObject **vals)
{
    for (int i = 0; i < n; i++) {
        vals[i] = exprs[i] != NULL ? eval(st, exprs[i]) : Pm_NewRef(Pm_None);
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

/* Calls, displays and slices evaluate all their parts first (as CPython's
 * CALL, BUILD_LIST, BUILD_MAP, BUILD_SLICE take them off the stack), then
 * build the result from them. */
static PmObject *eval_items(InterpState *st, Expr *e, PmObject *self, PmObject *callable)
{
    int n = e->nitems + e->nkw, handled = 0;
    PmObject *stack[32], **vals = n <= 32 ? stack : malloc((size_t)n * sizeof *vals), *r = NULL;
    if (vals == NULL)
        return PmErr_NoMemory();
    if (eval_all(st, e->items, e->nitems, vals) < 0)
        goto done;
    if (eval_all(st, e->kwvalues, e->nkw, vals + e->nitems) < 0) {
        release_all(vals, e->nitems);
        goto done;
    }
    PmCallArgs a = {vals, e->nitems, e->kwnames, vals + e->nitems, e->nkw, {0}};
    switch (e->kind) {
    case E_CALL:
        if (self != NULL) {
            r = interp_call_method(self, e->left->name, &a, &handled);
            if (!handled && (callable = PmObject_GetAttrString(self, e->left->name)) == NULL)
                handled = 1;
        }
        if (!handled) {
            r = interp_call(callable, &a);
            if (self != NULL)
                Pm_DECREF(callable);
        }
        break;
    case E_DICT:
        r = PmDict_New();
        for (int i = 0; r != NULL && i < e->nitems; i += 2)
            if (PmDict_SetItem(r, vals[i], vals[i + 1]) < 0)
                Pm_CLEAR(r);
        break;
    case E_SLICE: r = get_slice(self, vals); break;
    default:
        r = e->kind == E_LIST ? PmList_New(e->nitems) : PmTuple_New(e->nitems);
        for (int i = 0; r != NULL && i < e->nitems; i++)
            items_of(r)[i] = Pm_NewRef(vals[i]);
    }
    release_all(vals, n);
done:
    if (vals != stack)
        free(vals);
    return r;
}

static PmObject *eval_inner(InterpState *st, Expr *e)
{
    PmObject *a, *b = NULL, *r;
    int t;
    switch (e->kind) {
    case E_CONST: return Pm_NewRef(e->constant);
    case E_NAME: return load_name(st, e);
    case E_LIST:
    case E_TUPLE:
    case E_DICT: return eval_items(st, e, NULL, NULL);
    case E_AND:
    case E_OR:
        if ((a = eval(st, e->left)) == NULL || (t = PmObject_IsTrue(a)) < 0 ||
            t == (e->kind == E_OR)) {
            if (a != NULL && t < 0)
                Pm_CLEAR(a);
            return a;
        }
        Pm_DECREF(a);
        return eval(st, e->right);
    case E_COMPARE: return eval_compare(st, e);
    case E_SLICE: break;
    case E_ATTR:
    case E_SUBSCR:
    case E_CALL:
    case E_UNARY:
    case E_BINOP:
        if ((a = eval(st, e->kind == E_CALL && e->left->kind == E_ATTR ? e->left->left
                                                                       : e->left)) == NULL)
            return NULL;
        if (e->kind == E_CALL)
            return r = eval_items(st, e, e->left->kind == E_ATTR ? a : NULL, a), Pm_DECREF(a), r;
        if (e->kind == E_SUBSCR && e->right->kind == E_SLICE)
            return r = eval_items(st, e->right, a, NULL), Pm_DECREF(a), r;
        if ((e->kind == E_SUBSCR || e->kind == E_BINOP) && (b = eval(st, e->right)) == NULL) {
            Pm_DECREF(a);
            return NULL;
        }
        if (e->kind == E_ATTR)
            r = interp_getattr(a, e->name);
        else if (e->kind == E_SUBSCR)
            r = PmObject_GetItem(a, b);
        else if (e->kind == E_BINOP)
            r = binary_op(a, b, e->op);
        else if (e->op == 'n')
            r = (t = PmObject_IsTrue(a)) < 0 ? NULL : PmBool_FromLong(!t);
        else if (PmLong_Check(a) && e->op == '-')
            r = PmLong_AsLongLong(a) == LLONG_MIN ? int_result(0, 1)
                                                  : PmLong_FromLongLong(-PmLong_AsLongLong(a));
        else if (PmLong_Check(a))
            r = PmLong_FromLongLong(PmLong_AsLongLong(a));
        else
            r = NULL, PmErr_Format(PmExc_TypeError, "bad operand type for unary %c: '%s'", e->op,
                                   Pm_TYPE(a)->tp_name);
        Pm_DECREF(a);
        Pm_XDECREF(b);
        return r;
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
    PmObject *stack[16], **items = n + 1 <= 16 ? stack : malloc((size_t)(n + 1) * sizeof *items),
                         *it, *x;
    int rc = -1;
    if (items == NULL)
        return PmErr_NoMemory(), -1;
    if ((it = PmObject_GetIter(value)) == NULL) {
        if (PmErr_Occurred() == PmExc_TypeError)
            PmErr_Format(PmExc_TypeError, "cannot unpack non-iterable %s object",
                         Pm_TYPE(value)->tp_name);
        goto done;
    }
    while (got <= n && (x = PmIter_Next(it)) != NULL)
        items[got++] = x;
    Pm_DECREF(it);
    if (!PmErr_Occurred() && got < n)
        PmErr_Format(PmExc_ValueError, "not enough values to unpack (expected %d, got %d)", n, got);
    else if (!PmErr_Occurred() && got > n)
        PmErr_Format(PmExc_ValueError, "too many values to unpack (expected %d)", n);
    for (int i = 0; i < got; i++) {
        if (!PmErr_Occurred())
            PmDict_SetItem(st->globals, target->items[i]->constant, items[i]);
        Pm_DECREF(items[i]);
    }
    rc = PmErr_Occurred() ? -1 : 0;
done:
    if (items != stack)
        free(items);
    return rc;
}

/* target = value (value borrowed), or del target when value is NULL. */
static int store(InterpState *st, Expr *target, PmObject *value)
{
    PmObject *obj, *key = NULL;
    int r = -1;
    if (target->kind == E_NAME) {
        if (value != NULL)
            return PmDict_SetItem(st->globals, target->constant, value);
        if (PmDict_Contains(st->globals, target->constant))
            return PmDict_DelItem(st->globals, target->constant);
        PmErr_Format(PmExc_NameError, "name '%s' is not defined", target->name);
        return -1;
    }
    if (target->kind == E_TUPLE || target->kind == E_LIST) {
        if (value != NULL)
            return unpack(st, target, value);
        for (int i = 0; i < target->nitems; i++)
            if (store(st, target->items[i], NULL) < 0)
                return -1;
        return 0;
    }
    if ((obj = eval(st, target->left)) == NULL)
        return -1;
    if (target->kind == E_ATTR && interp_is_module(obj))
        interp_unsupported("setting or deleting module attributes");
    else if (target->kind == E_ATTR)
        r = PmObject_SetAttrString(obj, target->name, value);
    else if ((key = eval(st, target->right)) != NULL)
        r = value != NULL ? PmObject_SetItem(obj, key, value) : PmObject_DelItem(obj, key);
    Pm_DECREF(obj);
    Pm_XDECREF(key);
    return r;
}

/* x op= v: lists extend (+=) or repeat (*=) in place and stay the same
 * object; everything else is x = x op v. */
static int augassign(InterpState *st, Stmt *s)
{
    Expr *t = s->targets[0];
    PmObject *obj = NULL, *key = NULL, *old = NULL, *v = NULL, *r = NULL;
    int rc = -1;
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
    if (PmList_Check(old) && s->op == '+') {
        if (_PmList_Extend(old, v) < 0)
            goto done;
        r = Pm_NewRef(old);
    } else if (PmList_Check(old) && s->op == '*' && PmLong_Check(v)) {
        Pm_ssize_t n = Pm_SIZE(old);
        for (long long k = 1; k < PmLong_AsLongLong(v); k++)
            for (Pm_ssize_t i = 0; i < n; i++)
                if (PmList_Append(old, PmList_GET_ITEM(old, i)) < 0)
                    goto done;
        if (PmLong_AsLongLong(v) <= 0 && _PmList_Clear(old) < 0)
            goto done;
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

/* Loop bodies: break ends the loop, continue the step. */
static int loop_body(InterpState *st, Stmt *s, int *last_line)
{
    int rc = exec_block(st, s->body, last_line);
    return rc == X_CONTINUE ? X_OK : rc;
}

static int exec_for(InterpState *st, Stmt *s, int *last_line)
{
    PmObject *seq = eval(st, s->value), *it = seq ? PmObject_GetIter(seq) : NULL, *x;
    int rc = X_OK;
    Pm_XDECREF(seq); /* the iterator holds the iterable from here on */
    if (it == NULL)
        return X_ERROR;
    while (rc == X_OK && (x = PmIter_Next(it)) != NULL) {
        rc = store(st, s->targets[0], x) < 0 ? X_ERROR : loop_body(st, s, last_line);
        Pm_DECREF(x);
    }
    if (rc == X_OK && PmErr_Occurred()) {
        rc = X_ERROR;
        if (st->error_line == 0)
            st->error_line = s->line;
    }
    Pm_DECREF(it);
    return rc == X_BREAK ? X_OK : rc;
}

static int truth_of(InterpState *st, Expr *cond)
{
    PmObject *v = eval(st, cond);
    int t = v != NULL ? PmObject_IsTrue(v) : -1;
    Pm_XDECREF(v);
    if (t < 0 && st->error_line == 0)
        st->error_line = cond->line;
    return t;
}

/* try/except: the first handler whose class matches runs, with the
 * exception bound to its name until the handler ends (CPython then
 * deletes the name).  NotImplementedError means "outside the subset" here
 * and is never caught. */
static int exec_try(InterpState *st, Stmt *s, int *last_line)
{
    int rc = exec_block(st, s->body, last_line), kind = PmErr_Occurred();
    if (rc != X_ERROR)
        return rc == X_OK ? exec_block(st, s->orelse, last_line) : rc;
    if (kind == PmExc_NotImplementedError || kind == PmExc_None)
        return rc;
    char msg[512];
    int line = st->error_line;
    snprintf(msg, sizeof msg, "%s", PmErr_Message());
    PmErr_Clear();
    for (int i = 0; i < s->nhandlers; i++) {
        Stmt *h = s->handlers[i];
        PmObject *cls = h->ntargets ? eval(st, h->targets[0]) : NULL, *e;
        int m = cls != NULL ? _PmErr_GivenExceptionMatches(cls, kind) : !h->ntargets;
        Pm_XDECREF(cls);
        if (m < 0 || (cls == NULL && h->ntargets))
            return X_ERROR;
        if (!m)
            continue;
        st->error_line = 0;
        if (h->nnames == 0)
            return exec_block(st, h->body, last_line);
        PmObject *name = PmUnicode_InternFromString(h->names[0]);
        if (name == NULL || (e = _PmErr_NewException(kind, msg)) == NULL)
            return X_ERROR;
        rc =
            PmDict_SetItem(st->globals, name, e) < 0 ? X_ERROR : exec_block(st, h->body, last_line);
        Pm_DECREF(e);
        if (rc != X_ERROR && PmDict_Contains(st->globals, name) &&
            PmDict_DelItem(st->globals, name) < 0)
            rc = X_ERROR;
        return rc;
    }
    PmErr_SetString(kind, msg);
    st->error_line = line;
    return X_ERROR;
}

static int exec_stmt(InterpState *st, Stmt *s, int *last_line)
{
    PmObject *v = NULL;
    int t, rc = X_OK;
    *last_line = s->line;
    switch (s->kind) {
    case S_EXPR:
    case S_ASSIGN:
        if ((v = eval(st, s->value)) == NULL)
            return X_ERROR;
        for (int i = 0; i < s->ntargets && rc == X_OK; i++)
            if (store(st, s->targets[i], v) < 0)
                rc = X_ERROR;
        Pm_DECREF(v);
        return rc;
    case S_AUGASSIGN: return augassign(st, s) < 0 ? X_ERROR : X_OK;
    case S_DEL:
        for (int i = 0; i < s->ntargets; i++)
            if (store(st, s->targets[i], NULL) < 0)
                return X_ERROR;
        return X_OK;
    case S_PASS: return X_OK;
    case S_BREAK: return X_BREAK;
    case S_CONTINUE: return X_CONTINUE;
    case S_IMPORT:
    case S_CLASS:
        for (int i = 0; i < s->nnames && rc == X_OK; i++) {
            PmObject *key = PmUnicode_InternFromString(s->names[i]);
            v = key == NULL          ? NULL
                : s->kind == S_CLASS ? PmType_NewClass(s->names[0])
                                     : interp_import(s->names[i]);
            if (v == NULL || PmDict_SetItem(st->globals, key, v) < 0)
                rc = X_ERROR;
            Pm_XDECREF(v);
        }
        return rc;
    case S_FOR: return exec_for(st, s, last_line);
    case S_WHILE:
        while (rc == X_OK && (t = truth_of(st, s->value)) != 0)
            rc = t < 0 ? X_ERROR : loop_body(st, s, last_line);
        return rc == X_BREAK ? X_OK : rc;
    case S_IF:
        if ((t = truth_of(st, s->value)) < 0)
            return X_ERROR;
        return exec_block(st, t ? s->body : s->orelse, last_line);
    case S_ASSERT:
        if ((t = truth_of(st, s->value)) != 0)
            return t < 0 ? X_ERROR : X_OK;
        v = s->ntargets > 0 ? eval(st, s->targets[0]) : PmUnicode_FromString("");
        PmObject *m = v != NULL ? PmObject_Str(v) : NULL;
        if (m != NULL)
            PmErr_SetString(PmExc_AssertionError, PmUnicode_AsUTF8(m));
        Pm_XDECREF(m);
        Pm_XDECREF(v);
        return X_ERROR;
    case S_TRY: return exec_try(st, s, last_line);
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
    snprintf(res->message, sizeof res->message,
             "%s:%d: not supported in pymemlab's Python subset: %s", st->filename, line, what);
    fprintf(st->err, "%s\n", res->message);
    return PmRun_Unsupported;
}

static PmRunStatus report_exception(InterpState *st, PmRunResult *res, const char *kind,
                                    const char *msg, int line, int with_traceback)
{
    char src[256];
    source_line(st->source, line, src, sizeof src);
    if (with_traceback)
        fprintf(st->err,
                "Traceback (most recent call last):\n  File \"%s\", line %d, in <module>\n",
                st->filename, line);
    else
        fprintf(st->err, "  File \"%s\", line %d\n", st->filename, line);
    if (src[0] != '\0')
        fprintf(st->err, "    %s\n", src);
    if (msg[0] != '\0')
        fprintf(st->err, "%s: %s\n", kind, msg);
    else
        fprintf(st->err, "%s\n", kind);
    snprintf(res->message, sizeof res->message, "%s:%d: %s%s%s", st->filename, line, kind,
             msg[0] ? ": " : "", msg);
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

PmRunStatus PmRun_String(const char *filename, const char *source, const PmRunOptions *opt,
                         PmRunResult *res)
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
    Arena arena = {0};
    st.arena = &arena;
    Stmt *code = interp_parse(source, &arena, &perr);
    if (perr.kind != ERR_NONE) {
        arena_free(&arena);
        res->last_line = perr.line;
        if (perr.kind == ERR_UNSUPPORTED)
            return res->status = report_unsupported(&st, res, perr.line, perr.what);
        return res->status = report_exception(&st, res, perr.exc, perr.what, perr.line, 0);
    }

    InterpState *outer = interp_current;
    interp_current = &st;
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
            res->status =
                report_exception(&st, res, PmErr_KindName(kind), PmErr_Message(), st.error_line, 1);
        else
            res->status = report_exception(&st, res, "SystemError",
                                           "error return without exception set", st.error_line, 1);
        PmErr_Clear();
    }
    if (res->status != PmRun_Unsupported && !st.heap_drawn && st.globals != NULL)
        draw_heap(&st, last_line);
    fflush(st.out);
    res->lines_printed = st.lines_printed;
    res->last_line = rc == X_ERROR ? st.error_line : last_line;

    for (int i = 0; i < st.nconsts; i++)
        Pm_DECREF(st.consts[i]);
    arena_free(&arena);
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
    size_t cap = 0;
    /* up to the first NUL byte, which a source file must not contain */
    ssize_t n = f != NULL ? getdelim(&buf, &cap, '\0', f) : -1;
    const char *why = f == NULL                     ? strerror(errno)
                      : ferror(f)                   ? "read error"
                      : n > 0 && buf[n - 1] == '\0' ? "it contains NUL bytes"
                                                    : NULL;
    PmRunStatus status = PmRun_IOError;
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof *res);
    if (why == NULL) {
        status = PmRun_String(path, n > 0 ? buf : "", opt, res);
    } else {
        snprintf(res->message, sizeof res->message, "%s: cannot read the file (%s)", path, why);
        fprintf(opt && opt->err ? opt->err : stderr, "pmlab: %s\n", res->message);
        res->status = status;
    }
    if (f != NULL)
        fclose(f);
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
