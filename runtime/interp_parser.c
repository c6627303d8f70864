/* interp_parser.c - builds the syntax tree of a scenario from its tokens, by
 * recursive descent over the subset's grammar.  Like CPython's compiler it
 * folds constant expressions (-5, 1 + 2, 'a' 'b', tuples of constants),
 * because the folding decides which objects exist when the program runs.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

typedef struct {
    Token *t;
    InterpError *err;
    InterpError lexerr; /* why the tokens end in T_ERROR, if they do */
    int loops; /* loops around the statement being parsed */
    int depth; /* nesting of the expression being parsed */
} Parser;

/* CPython's parser gives up at about this depth too; it keeps the C stack
 * of the parser and the evaluator bounded. */
#define MAX_NESTING 200

static const char *const keywords[] = {
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", NULL,
};

static int is_keyword(const char *s)
{
    for (const char *const *k = keywords; *k != NULL; k++)
        if (strcmp(*k, s) == 0)
            return 1;
    return 0;
}

static void perr(Parser *ps, InterpErrKind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void perr(Parser *ps, InterpErrKind kind, const char *fmt, ...)
{
    va_list ap;
    if (ps->err->kind != ERR_NONE)
        return;
    if (ps->t->kind == T_ERROR) {
        /* the tokenizer's error comes first in the text */
        *ps->err = ps->lexerr;
        return;
    }
    ps->err->kind = kind;
    ps->err->line = ps->t->line;
    ps->err->exc = kind == ERR_SYNTAX ? "SyntaxError" : NULL;
    va_start(ap, fmt);
    vsnprintf(ps->err->what, sizeof ps->err->what, fmt, ap);
    va_end(ap);
}

#define FAILED(ps) ((ps)->err->kind != ERR_NONE)

static int is_op(Parser *ps, const char *op)
{
    return ps->t->kind == T_OP && strcmp(ps->t->text, op) == 0;
}

static int is_kw(Parser *ps, const char *kw)
{
    return ps->t->kind == T_NAME && strcmp(ps->t->text, kw) == 0;
}

static int accept_op(Parser *ps, const char *op)
{
    if (!is_op(ps, op))
        return 0;
    ps->t++;
    return 1;
}

static int accept_kw(Parser *ps, const char *kw)
{
    if (!is_kw(ps, kw))
        return 0;
    ps->t++;
    return 1;
}

static int expect_op(Parser *ps, const char *op)
{
    if (accept_op(ps, op))
        return 1;
    perr(ps, ERR_SYNTAX, "invalid syntax (expected '%s')", op);
    return 0;
}

static char *xstrdup(Parser *ps, const char *s)
{
    char *d = strdup(s);
    if (d == NULL)
        perr(ps, ERR_SYNTAX, "out of memory");
    return d;
}

static Expr *new_expr(Parser *ps, ExprKind kind, int line)
{
    Expr *e = calloc(1, sizeof *e);
    if (e == NULL) {
        perr(ps, ERR_SYNTAX, "out of memory");
        return NULL;
    }
    e->kind = kind;
    e->line = line;
    return e;
}

static void free_expr(Expr *e)
{
    if (e == NULL)
        return;
    free(e->name);
    free_expr(e->left);
    free_expr(e->right);
    for (int i = 0; i < e->nitems; i++)
        free_expr(e->items[i]);
    free(e->items);
    free(e->ops);
    for (int i = 0; i < e->nkw; i++) {
        free(e->kwnames[i]);
        free_expr(e->kwvalues[i]);
    }
    free(e->kwnames);
    free(e->kwvalues);
    free(e->sval);
    free(e);
}

/* Append x to the array *arr of *n items (grown one at a time: the lists
 * of a scenario are short). */
static int push_ptr(Parser *ps, void *arr, int *n, void *x)
{
    void ***a = (void ***)arr;
    void **na = realloc(*a, (size_t)(*n + 1) * sizeof(void *));
    if (na == NULL) {
        perr(ps, ERR_SYNTAX, "out of memory");
        return 0;
    }
    na[(*n)++] = x;
    *a = na;
    return 1;
}

static Expr *parse_expr(Parser *ps);

/* ---- constant folding, as CPython's AST optimizer (Python/ast_opt.c) ---- */

static int is_const(Expr *e) { return e != NULL && e->kind == E_CONST; }

static Expr *fold_unary_minus(Expr *e)
{
    Expr *x = e->left;
    if (is_const(x) && x->ckind == C_INT && x->ival != LLONG_MIN) {
        x->ival = -x->ival;
        x->line = e->line;
        e->left = NULL;
        free_expr(e);
        return x;
    }
    return e;
}

static Expr *fold_binop(Expr *e)
{
    Expr *a = e->left, *b = e->right;
    if (!is_const(a) || !is_const(b))
        return e;
    if (a->ckind == C_INT && b->ckind == C_INT) {
        long long r;
        if (e->op == '+' ? __builtin_add_overflow(a->ival, b->ival, &r)
                         : __builtin_sub_overflow(a->ival, b->ival, &r))
            return e;
        a->ival = r;
    } else if (a->ckind == C_STR && b->ckind == C_STR && e->op == '+') {
        char *s = realloc(a->sval, a->slen + b->slen + 1);
        if (s == NULL)
            return e;
        memcpy(s + a->slen, b->sval, b->slen + 1);
        a->sval = s;
        a->slen += b->slen;
    } else {
        return e;
    }
    e->left = NULL;
    free_expr(e);
    return a;
}

/* A tuple display whose items are all constants is itself a constant. */
static Expr *fold_tuple(Expr *e)
{
    for (int i = 0; i < e->nitems; i++)
        if (!is_const(e->items[i]))
            return e;
    e->kind = E_CONST;
    e->ckind = C_TUPLE;
    return e;
}

/* ---- expressions ---- */

static int parse_call_args(Parser *ps, Expr *call)
{
    while (!is_op(ps, ")")) {
        if (is_op(ps, "*") || is_op(ps, "**")) {
            perr(ps, ERR_UNSUPPORTED, "argument unpacking with * or **");
            return 0;
        }
        if (ps->t->kind == T_NAME && ps->t[1].kind == T_OP && strcmp(ps->t[1].text, "=") == 0) {
            char *kw = xstrdup(ps, ps->t->text);
            ps->t += 2;
            Expr *v = parse_expr(ps);
            if (kw == NULL || v == NULL || !push_ptr(ps, &call->kwnames, &call->nkw, kw)) {
                free(kw);
                free_expr(v);
                return 0;
            }
            call->nkw--;
            if (!push_ptr(ps, &call->kwvalues, &call->nkw, v)) {
                free_expr(v);
                return 0;
            }
        } else {
            if (call->nkw > 0) {
                perr(ps, ERR_SYNTAX, "positional argument follows keyword argument");
                return 0;
            }
            Expr *a = parse_expr(ps);
            if (a == NULL || !push_ptr(ps, &call->items, &call->nitems, a)) {
                free_expr(a);
                return 0;
            }
            if (is_kw(ps, "for")) {
                perr(ps, ERR_UNSUPPORTED, "generator expressions");
                return 0;
            }
        }
        if (!accept_op(ps, ","))
            break;
    }
    return expect_op(ps, ")");
}

/* Items of a [...], (...) or {...} display up to the closing bracket.
 * *saw_comma tells (x) from (x,). */
static int parse_display_items(Parser *ps, Expr *e, const char *close, int *saw_comma)
{
    *saw_comma = 0;
    while (!is_op(ps, close)) {
        if (is_op(ps, "*") || is_op(ps, "**")) {
            perr(ps, ERR_UNSUPPORTED, "unpacking with * or ** in displays");
            return 0;
        }
        Expr *x = parse_expr(ps);
        if (x == NULL || !push_ptr(ps, &e->items, &e->nitems, x)) {
            free_expr(x);
            return 0;
        }
        if (is_kw(ps, "for")) {
            perr(ps, ERR_UNSUPPORTED, "comprehensions");
            return 0;
        }
        if (e->kind == E_DICT) {
            if (!is_op(ps, ":")) {
                perr(ps, ERR_UNSUPPORTED, "set displays");
                return 0;
            }
            ps->t++;
            x = parse_expr(ps);
            if (x == NULL || !push_ptr(ps, &e->items, &e->nitems, x)) {
                free_expr(x);
                return 0;
            }
            if (is_kw(ps, "for")) {
                perr(ps, ERR_UNSUPPORTED, "comprehensions");
                return 0;
            }
        }
        if (!accept_op(ps, ","))
            break;
        *saw_comma = 1;
    }
    return expect_op(ps, close);
}

static Expr *parse_atom(Parser *ps)
{
    Token *t = ps->t;
    Expr *e;
    int comma;
    if (t->kind == T_INT) {
        ps->t++;
        e = new_expr(ps, E_CONST, t->line);
        if (e != NULL) {
            e->ckind = C_INT;
            e->ival = t->ival;
        }
        return e;
    }
    if (t->kind == T_STRING) {
        e = new_expr(ps, E_CONST, t->line);
        if (e == NULL)
            return NULL;
        e->ckind = C_STR;
        /* adjacent literals are one string: 'a' 'b' == 'ab' */
        size_t n = 0;
        for (Token *u = t; u->kind == T_STRING; u++)
            n += u->len;
        e->sval = malloc(n + 1);
        if (e->sval == NULL) {
            free_expr(e);
            perr(ps, ERR_SYNTAX, "out of memory");
            return NULL;
        }
        for (; ps->t->kind == T_STRING; ps->t++) {
            memcpy(e->sval + e->slen, ps->t->text, ps->t->len);
            e->slen += ps->t->len;
        }
        e->sval[e->slen] = '\0';
        return e;
    }
    if (t->kind == T_NAME) {
        static const struct { const char *kw; ConstKind k; } named[] = {
            {"None", C_NONE}, {"True", C_TRUE}, {"False", C_FALSE}};
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
            if (strcmp(t->text, named[i].kw) == 0) {
                ps->t++;
                e = new_expr(ps, E_CONST, t->line);
                if (e != NULL)
                    e->ckind = named[i].k;
                return e;
            }
        }
        if (strcmp(t->text, "lambda") == 0) {
            perr(ps, ERR_UNSUPPORTED, "lambda expressions");
            return NULL;
        }
        if (strcmp(t->text, "yield") == 0 || strcmp(t->text, "await") == 0) {
            perr(ps, ERR_UNSUPPORTED, "'%s' expressions", t->text);
            return NULL;
        }
        if (is_keyword(t->text)) {
            perr(ps, ERR_SYNTAX, "invalid syntax");
            return NULL;
        }
        ps->t++;
        e = new_expr(ps, E_NAME, t->line);
        if (e != NULL && (e->name = xstrdup(ps, t->text)) == NULL) {
            free_expr(e);
            return NULL;
        }
        return e;
    }
    if (accept_op(ps, "(")) {
        if (accept_op(ps, ")")) {
            e = new_expr(ps, E_TUPLE, t->line);
            return e == NULL ? NULL : fold_tuple(e);
        }
        e = new_expr(ps, E_TUPLE, t->line);
        if (e == NULL)
            return NULL;
        if (!parse_display_items(ps, e, ")", &comma)) {
            free_expr(e);
            return NULL;
        }
        if (e->nitems == 1 && !comma) {
            /* (x) is just x */
            Expr *x = e->items[0];
            e->nitems = 0;
            free_expr(e);
            return x;
        }
        return fold_tuple(e);
    }
    if (accept_op(ps, "[")) {
        e = new_expr(ps, E_LIST, t->line);
        if (e != NULL && !parse_display_items(ps, e, "]", &comma)) {
            free_expr(e);
            return NULL;
        }
        return e;
    }
    if (accept_op(ps, "{")) {
        e = new_expr(ps, E_DICT, t->line);
        if (e != NULL && !parse_display_items(ps, e, "}", &comma)) {
            free_expr(e);
            return NULL;
        }
        return e;
    }
    if (is_op(ps, "...")) {
        perr(ps, ERR_UNSUPPORTED, "the Ellipsis literal");
        return NULL;
    }
    if (t->kind == T_INDENT) {
        perr(ps, ERR_SYNTAX, "unexpected indent");
        if (ps->err->kind == ERR_SYNTAX)
            ps->err->exc = "IndentationError";
        return NULL;
    }
    perr(ps, ERR_SYNTAX, "invalid syntax");
    return NULL;
}

static Expr *parse_primary(Parser *ps)
{
    Expr *e = parse_atom(ps);
    while (e != NULL) {
        Expr *n;
        if (accept_op(ps, ".")) {
            if (ps->t->kind != T_NAME || is_keyword(ps->t->text)) {
                perr(ps, ERR_SYNTAX, "invalid syntax");
                free_expr(e);
                return NULL;
            }
            n = new_expr(ps, E_ATTR, e->line);
            if (n == NULL || (n->name = xstrdup(ps, ps->t->text)) == NULL) {
                free_expr(n);
                free_expr(e);
                return NULL;
            }
            ps->t++;
            n->left = e;
            e = n;
        } else if (accept_op(ps, "(")) {
            n = new_expr(ps, E_CALL, e->line);
            if (n == NULL) {
                free_expr(e);
                return NULL;
            }
            n->left = e;
            e = n;
            if (!parse_call_args(ps, n)) {
                free_expr(e);
                return NULL;
            }
        } else if (accept_op(ps, "[")) {
            n = new_expr(ps, E_SUBSCR, e->line);
            if (n == NULL) {
                free_expr(e);
                return NULL;
            }
            n->left = e;
            e = n;
            if (is_op(ps, ":")) {
                perr(ps, ERR_UNSUPPORTED, "slices");
                free_expr(e);
                return NULL;
            }
            n->right = parse_expr(ps);
            if (n->right != NULL && (is_op(ps, ":") || is_op(ps, ","))) {
                perr(ps, ERR_UNSUPPORTED, is_op(ps, ":") ? "slices" : "subscripts with several indices");
            }
            if (FAILED(ps) || !expect_op(ps, "]")) {
                free_expr(e);
                return NULL;
            }
        } else {
            break;
        }
    }
    return e;
}

static Expr *parse_unary_inner(Parser *ps);

static Expr *parse_unary(Parser *ps)
{
    Expr *e = NULL;
    if (++ps->depth > MAX_NESTING)
        perr(ps, ERR_SYNTAX, "too many nested parentheses");
    else
        e = parse_unary_inner(ps);
    ps->depth--;
    return e;
}

static Expr *parse_unary_inner(Parser *ps)
{
    int line = ps->t->line;
    if (is_op(ps, "-") || is_op(ps, "+")) {
        int op = ps->t->text[0];
        ps->t++;
        Expr *x = parse_unary(ps);
        if (x == NULL)
            return NULL;
        Expr *e = new_expr(ps, E_UNARY, line);
        if (e == NULL) {
            free_expr(x);
            return NULL;
        }
        e->op = op;
        e->left = x;
        return op == '-' ? fold_unary_minus(e) : e;
    }
    if (is_op(ps, "~")) {
        perr(ps, ERR_UNSUPPORTED, "the '~' operator");
        return NULL;
    }
    if (is_kw(ps, "await")) {
        perr(ps, ERR_UNSUPPORTED, "'await' expressions");
        return NULL;
    }
    return parse_primary(ps);
}

static const char *const unsupported_binops[] = {"*", "/", "//", "%", "@", "|", "&", "^", "<<", ">>", "**", NULL};

/* Longest chain a + b + ... (or a and b and ...) kept as a tree: the
 * evaluator walks it recursively. */
#define MAX_CHAIN 1000

static Expr *parse_arith(Parser *ps)
{
    Expr *e = parse_unary(ps);
    for (int chain = 0; e != NULL; chain++) {
        if (chain > MAX_CHAIN) {
            perr(ps, ERR_UNSUPPORTED, "expressions with more than %d operators in a row", MAX_CHAIN);
            free_expr(e);
            return NULL;
        }
        for (const char *const *op = unsupported_binops; *op != NULL; op++) {
            if (is_op(ps, *op)) {
                perr(ps, ERR_UNSUPPORTED, "the '%s' operator", *op);
                free_expr(e);
                return NULL;
            }
        }
        if (!is_op(ps, "+") && !is_op(ps, "-"))
            break;
        int op = ps->t->text[0], line = ps->t->line;
        ps->t++;
        Expr *r = parse_unary(ps);
        Expr *n = r == NULL ? NULL : new_expr(ps, E_BINOP, line);
        if (n == NULL) {
            free_expr(r);
            free_expr(e);
            return NULL;
        }
        n->line = e->line;
        n->op = op;
        n->left = e;
        n->right = r;
        e = fold_binop(n);
    }
    return e;
}

/* Reads a comparison operator, or returns -1. */
static int parse_cmp_op(Parser *ps)
{
    static const struct { const char *s; int op; } ops[] = {
        {"<", Pm_LT}, {"<=", Pm_LE}, {"==", Pm_EQ}, {"!=", Pm_NE}, {">", Pm_GT}, {">=", Pm_GE}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (accept_op(ps, ops[i].s))
            return ops[i].op;
    if (accept_kw(ps, "in"))
        return CMP_IN;
    if (is_kw(ps, "not") && ps->t[1].kind == T_NAME && strcmp(ps->t[1].text, "in") == 0) {
        ps->t += 2;
        return CMP_NOT_IN;
    }
    if (accept_kw(ps, "is"))
        return accept_kw(ps, "not") ? CMP_IS_NOT : CMP_IS;
    return -1;
}

/* `x in [a, b]` and `for x in [a, b]`: CPython compiles the list display as
 * a tuple, which the folding may then turn into a constant. */
static Expr *list_to_tuple(Expr *e)
{
    if (e != NULL && e->kind == E_LIST) {
        e->kind = E_TUPLE;
        return fold_tuple(e);
    }
    return e;
}

static Expr *parse_comparison(Parser *ps)
{
    Expr *e = parse_arith(ps);
    if (e == NULL)
        return NULL;
    int op = parse_cmp_op(ps);
    if (op < 0)
        return e;
    Expr *c = new_expr(ps, E_COMPARE, e->line);
    if (c == NULL || !push_ptr(ps, &c->items, &c->nitems, e)) {
        free(c);
        free_expr(e);
        return NULL;
    }
    do {
        int *ops = realloc(c->ops, (size_t)c->nitems * sizeof *ops);
        if (ops == NULL) {
            perr(ps, ERR_SYNTAX, "out of memory");
            break;
        }
        c->ops = ops;
        ops[c->nitems - 1] = op;
        Expr *r = parse_arith(ps);
        if (r != NULL && (op == CMP_IN || op == CMP_NOT_IN))
            r = list_to_tuple(r);
        if (r == NULL || !push_ptr(ps, &c->items, &c->nitems, r)) {
            free_expr(r);
            break;
        }
    } while ((op = parse_cmp_op(ps)) >= 0);
    if (FAILED(ps)) {
        free_expr(c);
        return NULL;
    }
    return c;
}

static Expr *parse_not(Parser *ps)
{
    int line = ps->t->line;
    if (accept_kw(ps, "not")) {
        Expr *x = NULL;
        if (++ps->depth > MAX_NESTING)
            perr(ps, ERR_SYNTAX, "too many nested parentheses");
        else
            x = parse_not(ps);
        ps->depth--;
        Expr *e = x == NULL ? NULL : new_expr(ps, E_UNARY, line);
        if (e == NULL) {
            free_expr(x);
            return NULL;
        }
        e->op = 'n';
        e->left = x;
        return e;
    }
    return parse_comparison(ps);
}

static Expr *parse_boolop(Parser *ps, int is_or)
{
    Expr *e = is_or ? parse_boolop(ps, 0) : parse_not(ps);
    for (int chain = 0; e != NULL && accept_kw(ps, is_or ? "or" : "and"); chain++) {
        if (chain > MAX_CHAIN) {
            perr(ps, ERR_UNSUPPORTED, "expressions with more than %d operators in a row", MAX_CHAIN);
            free_expr(e);
            return NULL;
        }
        Expr *r = is_or ? parse_boolop(ps, 0) : parse_not(ps);
        Expr *n = r == NULL ? NULL : new_expr(ps, is_or ? E_OR : E_AND, e->line);
        if (n == NULL) {
            free_expr(r);
            free_expr(e);
            return NULL;
        }
        n->left = e;
        n->right = r;
        e = n;
    }
    return e;
}

static Expr *parse_expr(Parser *ps)
{
    Expr *e = parse_boolop(ps, 1);
    if (e != NULL && is_kw(ps, "if")) {
        perr(ps, ERR_UNSUPPORTED, "conditional expressions (x if c else y)");
        free_expr(e);
        return NULL;
    }
    if (e != NULL && is_op(ps, ":=")) {
        perr(ps, ERR_UNSUPPORTED, "assignment expressions (:=)");
        free_expr(e);
        return NULL;
    }
    return e;
}

/* expr, expr, ... : several make a tuple display. */
static Expr *parse_exprlist(Parser *ps)
{
    Expr *e = parse_expr(ps);
    if (e == NULL || !is_op(ps, ","))
        return e;
    Expr *t = new_expr(ps, E_TUPLE, e->line);
    if (t == NULL || !push_ptr(ps, &t->items, &t->nitems, e)) {
        free(t);
        free_expr(e);
        return NULL;
    }
    while (accept_op(ps, ",")) {
        if (ps->t->kind == T_NEWLINE || is_op(ps, "=") || is_op(ps, ";") || is_op(ps, ":") || is_op(ps, ")"))
            break;
        Expr *x = parse_expr(ps);
        if (x == NULL || !push_ptr(ps, &t->items, &t->nitems, x)) {
            free_expr(x);
            free_expr(t);
            return NULL;
        }
    }
    return fold_tuple(t);
}

/* ---- statements ---- */

static Stmt *new_stmt(Parser *ps, StmtKind kind, int line)
{
    Stmt *s = calloc(1, sizeof *s);
    if (s == NULL) {
        perr(ps, ERR_SYNTAX, "out of memory");
        return NULL;
    }
    s->kind = kind;
    s->line = line;
    return s;
}

void interp_free_stmts(Stmt *s)
{
    while (s != NULL) {
        Stmt *next = s->next;
        for (int i = 0; i < s->ntargets; i++)
            free_expr(s->targets[i]);
        free(s->targets);
        free_expr(s->value);
        for (int i = 0; i < s->nnames; i++)
            free(s->names[i]);
        free(s->names);
        interp_free_stmts(s->body);
        interp_free_stmts(s->orelse);
        free(s);
        s = next;
    }
}

/* Is e something one can assign to (del_ = 0) or delete (del_ = 1)? */
static int check_target(Parser *ps, Expr *e, int del_, int line)
{
    switch (e->kind) {
    case E_NAME:
    case E_ATTR:
    case E_SUBSCR:
        return 1;
    case E_TUPLE:
    case E_LIST:
        if (!del_) {
            for (int i = 0; i < e->nitems; i++) {
                if (e->items[i]->kind != E_NAME) {
                    perr(ps, ERR_UNSUPPORTED, "unpacking into targets other than plain names");
                    ps->err->line = line;
                    return 0;
                }
            }
            return 1;
        }
        for (int i = 0; i < e->nitems; i++)
            if (!check_target(ps, e->items[i], del_, line))
                return 0;
        return 1;
    case E_CONST:
        if (e->ckind == C_TUPLE && e->nitems > 0)
            break;
        /* fall through */
    default:
        break;
    }
    perr(ps, ERR_SYNTAX, del_ ? "cannot delete this expression" : "cannot assign to this expression");
    if (ps->err->kind == ERR_SYNTAX)
        ps->err->line = line;
    return 0;
}

static Stmt *parse_block(Parser *ps);
static Stmt *parse_statement(Parser *ps);

static Stmt *parse_simple(Parser *ps)
{
    Token *t = ps->t;
    int line = t->line;
    Stmt *s;
    if (t->kind == T_NAME) {
        static const char *const unsupported_stmts[] = {
            "def", "return", "try", "except", "finally", "raise", "with", "global", "nonlocal",
            "assert", "from", "async", "yield", NULL};
        for (const char *const *k = unsupported_stmts; *k != NULL; k++) {
            if (strcmp(t->text, *k) == 0) {
                perr(ps, ERR_UNSUPPORTED, "'%s' statements", *k);
                return NULL;
            }
        }
        if (accept_kw(ps, "pass"))
            return new_stmt(ps, S_PASS, line);
        if (is_kw(ps, "break") || is_kw(ps, "continue")) {
            if (ps->loops == 0) {
                perr(ps, ERR_SYNTAX, "'%s' outside loop", t->text);
                return NULL;
            }
            ps->t++;
            return new_stmt(ps, t->text[0] == 'b' ? S_BREAK : S_CONTINUE, line);
        }
        if (accept_kw(ps, "import")) {
            s = new_stmt(ps, S_IMPORT, line);
            while (s != NULL) {
                if (ps->t->kind != T_NAME || is_keyword(ps->t->text)) {
                    perr(ps, ERR_SYNTAX, "invalid syntax");
                    break;
                }
                char *name = xstrdup(ps, ps->t->text);
                if (name == NULL || !push_ptr(ps, &s->names, &s->nnames, name)) {
                    free(name);
                    break;
                }
                ps->t++;
                if (is_op(ps, ".")) {
                    perr(ps, ERR_UNSUPPORTED, "importing submodules");
                    break;
                }
                if (is_kw(ps, "as")) {
                    perr(ps, ERR_UNSUPPORTED, "'import ... as ...'");
                    break;
                }
                if (!accept_op(ps, ","))
                    return s;
            }
            interp_free_stmts(s);
            return NULL;
        }
        if (accept_kw(ps, "del")) {
            s = new_stmt(ps, S_DEL, line);
            while (s != NULL) {
                Expr *x = parse_expr(ps);
                if (x == NULL || !push_ptr(ps, &s->targets, &s->ntargets, x)) {
                    free_expr(x);
                    break;
                }
                if (!check_target(ps, x, 1, line))
                    break;
                if (!accept_op(ps, ",") || ps->t->kind == T_NEWLINE || is_op(ps, ";"))
                    return s;
            }
            interp_free_stmts(s);
            return NULL;
        }
    }
    Expr *e = parse_exprlist(ps);
    if (e == NULL)
        return NULL;
    static const char *const augops[] = {"+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=",
                                         "&=", "|=", "^=", "<<=", ">>=", NULL};
    for (const char *const *op = augops; *op != NULL; op++) {
        if (!is_op(ps, *op))
            continue;
        if (strcmp(*op, "+=") != 0 && strcmp(*op, "-=") != 0) {
            perr(ps, ERR_UNSUPPORTED, "the '%s' operator", *op);
            free_expr(e);
            return NULL;
        }
        int op_ch = ps->t->text[0];
        ps->t++;
        if (e->kind != E_NAME && e->kind != E_ATTR && e->kind != E_SUBSCR) {
            perr(ps, ERR_SYNTAX, "illegal expression for augmented assignment");
            free_expr(e);
            return NULL;
        }
        s = new_stmt(ps, S_AUGASSIGN, line);
        if (s == NULL || !push_ptr(ps, &s->targets, &s->ntargets, e)) {
            free_expr(e);
            interp_free_stmts(s);
            return NULL;
        }
        s->op = op_ch;
        s->value = parse_exprlist(ps);
        if (s->value == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
        return s;
    }
    if (is_op(ps, ":")) {
        perr(ps, ERR_UNSUPPORTED, "annotations");
        free_expr(e);
        return NULL;
    }
    if (!is_op(ps, "=")) {
        s = new_stmt(ps, S_EXPR, line);
        if (s == NULL)
            free_expr(e);
        else
            s->value = e;
        return s;
    }
    s = new_stmt(ps, S_ASSIGN, line);
    if (s == NULL) {
        free_expr(e);
        return NULL;
    }
    while (accept_op(ps, "=")) {
        if (!push_ptr(ps, &s->targets, &s->ntargets, e)) {
            free_expr(e);
            interp_free_stmts(s);
            return NULL;
        }
        if (!check_target(ps, e, 0, line)) {
            interp_free_stmts(s);
            return NULL;
        }
        e = parse_exprlist(ps);
        if (e == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
    }
    s->value = e;
    return s;
}

/* simple_stmt (';' simple_stmt)* NEWLINE, as a chain of statements. */
static Stmt *parse_simple_line(Parser *ps)
{
    Stmt *first = NULL, **tail = &first;
    for (;;) {
        Stmt *s = parse_simple(ps);
        if (s == NULL) {
            interp_free_stmts(first);
            return NULL;
        }
        *tail = s;
        tail = &s->next;
        if (!accept_op(ps, ";") || ps->t->kind == T_NEWLINE)
            break;
    }
    if (ps->t->kind != T_NEWLINE) {
        perr(ps, ERR_SYNTAX, "invalid syntax");
        interp_free_stmts(first);
        return NULL;
    }
    ps->t++;
    return first;
}

/* ':' then either statements on the same line or an indented block. */
static Stmt *parse_suite(Parser *ps)
{
    if (!expect_op(ps, ":"))
        return NULL;
    if (ps->t->kind != T_NEWLINE)
        return parse_simple_line(ps);
    ps->t++;
    if (ps->t->kind != T_INDENT) {
        perr(ps, ERR_SYNTAX, "expected an indented block");
        if (ps->err->kind == ERR_SYNTAX)
            ps->err->exc = "IndentationError";
        return NULL;
    }
    ps->t++;
    return parse_block(ps);
}

static Stmt *parse_if(Parser *ps, int line)
{
    Stmt *s = new_stmt(ps, S_IF, line);
    if (s == NULL)
        return NULL;
    if ((s->value = parse_expr(ps)) == NULL || (s->body = parse_suite(ps)) == NULL) {
        interp_free_stmts(s);
        return NULL;
    }
    int eline = ps->t->line;
    if (accept_kw(ps, "elif")) {
        if ((s->orelse = parse_if(ps, eline)) == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
    } else if (accept_kw(ps, "else")) {
        if ((s->orelse = parse_suite(ps)) == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
    }
    return s;
}

static Stmt *parse_statement(Parser *ps)
{
    int line = ps->t->line;
    Stmt *s;
    if (accept_kw(ps, "if"))
        return parse_if(ps, line);
    if (accept_kw(ps, "while")) {
        s = new_stmt(ps, S_WHILE, line);
        if (s == NULL)
            return NULL;
        if ((s->value = parse_expr(ps)) == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
        ps->loops++;
        s->body = parse_suite(ps);
        ps->loops--;
        if (s->body == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
        if (is_kw(ps, "else")) {
            perr(ps, ERR_UNSUPPORTED, "'else' after a loop");
            interp_free_stmts(s);
            return NULL;
        }
        return s;
    }
    if (accept_kw(ps, "for")) {
        s = new_stmt(ps, S_FOR, line);
        if (s == NULL)
            return NULL;
        Expr *target = parse_primary(ps);
        if (target != NULL && is_op(ps, ",")) {
            Expr *t = new_expr(ps, E_TUPLE, line);
            if (t == NULL || !push_ptr(ps, &t->items, &t->nitems, target)) {
                free(t);
                free_expr(target);
                interp_free_stmts(s);
                return NULL;
            }
            target = t;
            while (accept_op(ps, ",") && !is_kw(ps, "in")) {
                Expr *x = parse_primary(ps);
                if (x == NULL || !push_ptr(ps, &t->items, &t->nitems, x)) {
                    free_expr(x);
                    break;
                }
            }
        }
        if (target == NULL || !push_ptr(ps, &s->targets, &s->ntargets, target)) {
            free_expr(target);
            interp_free_stmts(s);
            return NULL;
        }
        if (FAILED(ps) || !check_target(ps, target, 0, line)) {
            interp_free_stmts(s);
            return NULL;
        }
        if (!accept_kw(ps, "in")) {
            perr(ps, ERR_SYNTAX, "invalid syntax (expected 'in')");
            interp_free_stmts(s);
            return NULL;
        }
        s->value = parse_exprlist(ps);
        if (s->value != NULL)
            s->value = list_to_tuple(s->value);
        if (s->value != NULL) {
            ps->loops++;
            s->body = parse_suite(ps);
            ps->loops--;
        }
        if (s->body == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
        if (is_kw(ps, "else")) {
            perr(ps, ERR_UNSUPPORTED, "'else' after a loop");
            interp_free_stmts(s);
            return NULL;
        }
        return s;
    }
    if (accept_kw(ps, "class")) {
        s = new_stmt(ps, S_CLASS, line);
        if (s == NULL)
            return NULL;
        if (ps->t->kind != T_NAME || is_keyword(ps->t->text)) {
            perr(ps, ERR_SYNTAX, "invalid syntax");
            interp_free_stmts(s);
            return NULL;
        }
        char *name = xstrdup(ps, ps->t->text);
        if (name == NULL || !push_ptr(ps, &s->names, &s->nnames, name)) {
            free(name);
            interp_free_stmts(s);
            return NULL;
        }
        ps->t++;
        if (accept_op(ps, "(")) {
            if (!accept_op(ps, ")")) {
                perr(ps, ERR_UNSUPPORTED, "base classes");
                interp_free_stmts(s);
                return NULL;
            }
        }
        if ((s->body = parse_suite(ps)) == NULL) {
            interp_free_stmts(s);
            return NULL;
        }
        for (Stmt *b = s->body; b != NULL; b = b->next) {
            int docstring = b == s->body && b->kind == S_EXPR && is_const(b->value) && b->value->ckind == C_STR;
            if (b->kind != S_PASS && !docstring) {
                perr(ps, ERR_UNSUPPORTED, "class bodies other than 'pass' or a docstring");
                ps->err->line = b->line;
                interp_free_stmts(s);
                return NULL;
            }
        }
        return s;
    }
    if (is_kw(ps, "else") || is_kw(ps, "elif")) {
        perr(ps, ERR_SYNTAX, "invalid syntax");
        return NULL;
    }
    if (is_op(ps, "@")) {
        perr(ps, ERR_UNSUPPORTED, "decorators");
        return NULL;
    }
    if (is_kw(ps, "match") && ps->t[1].kind != T_OP && ps->t[1].kind != T_NEWLINE) {
        perr(ps, ERR_UNSUPPORTED, "'match' statements");
        return NULL;
    }
    if (ps->t->kind == T_INDENT) {
        perr(ps, ERR_SYNTAX, "unexpected indent");
        if (ps->err->kind == ERR_SYNTAX)
            ps->err->exc = "IndentationError";
        return NULL;
    }
    return parse_simple_line(ps);
}

/* Statements up to the DEDENT that closes the block (consumed). */
static Stmt *parse_block(Parser *ps)
{
    Stmt *first = NULL, **tail = &first;
    while (ps->t->kind != T_DEDENT && ps->t->kind != T_EOF) {
        Stmt *s = parse_statement(ps);
        if (s == NULL) {
            interp_free_stmts(first);
            return NULL;
        }
        *tail = s;
        while (s->next != NULL)
            s = s->next;
        tail = &s->next;
    }
    if (ps->t->kind == T_DEDENT)
        ps->t++;
    return first;
}

Stmt *interp_parse(const char *source, InterpError *err)
{
    Token *toks = interp_tokenize(source, err);
    if (toks == NULL) {
        if (err->kind == ERR_NONE) {
            err->kind = ERR_SYNTAX;
            err->line = 1;
            err->exc = "MemoryError";
            snprintf(err->what, sizeof err->what, "out of memory while reading the file");
        }
        return NULL;
    }
    Parser ps = {.t = toks, .err = err, .lexerr = *err};
    err->kind = ERR_NONE;
    Stmt *first = NULL, **tail = &first;
    while (ps.t->kind != T_EOF) {
        if (ps.t->kind == T_NEWLINE) {
            ps.t++;
            continue;
        }
        Stmt *s = parse_statement(&ps);
        if (s == NULL) {
            interp_free_stmts(first);
            first = NULL;
            break;
        }
        *tail = s;
        while (s->next != NULL)
            s = s->next;
        tail = &s->next;
    }
    interp_free_tokens(toks);
    return first;
}
