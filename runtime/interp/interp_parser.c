/* interp_parser.c - builds the syntax tree of a scenario from its tokens, by
 * recursive descent over the subset's grammar.  Like CPython's compiler it
 * folds constant expressions (-5, 1 + 2, 'a' * 3, (1,) * 2, tuples of
 * constants), because the folding decides which objects exist at run time.
 *
 * Every node comes from the run's arena, freed in one go when the run ends,
 * so no function here frees anything.  The first error is kept (clox's
 * hadError) and moves the cursor to a sentinel end of file, so every loop
 * ends at its next token test and each function carries on with a harmless
 * placeholder node instead of unwinding by hand.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

typedef struct {
    Token *t;
    Token eof; /* the cursor's place once an error is recorded */
    Arena *arena;
    InterpError *err;
    InterpError lexerr; /* why the tokens end in T_ERROR, if they do */
    Expr junk; /* what a parse function returns after an error */
    Stmt junk_stmt;
    int loops; /* loops around the statement being parsed */
    int depth; /* nesting of the expression being parsed */
} Parser;

/* CPython's parser gives up at about this depth too; it keeps the C stack
 * of the parser and the evaluator bounded. */
#define MAX_NESTING 200
/* Longest chain a + b + ... (or a and b and ...) kept as a tree: the
 * evaluator walks it recursively. */
#define MAX_CHAIN 1000
/* CPython 3.11's limits for folding `*` (Python/ast_opt.c). */
#define MAX_COLLECTION_SIZE 256
#define MAX_STR_SIZE 4096

static const char keywords[] = "False None True and as assert async await break class continue "
                               "def del elif else except finally for from global if import in is "
                               "lambda nonlocal not or pass raise return try while with yield";

static int in_list(const char *s, const char *words)
{
    return interp_word_index(words, s) >= 0;
}

/* Record the first error: at `line` (0: the current token's), as exception
 * `exc` (NULL: SyntaxError for syntax errors). */
static Expr *fail(Parser *ps, InterpErrKind kind, const char *exc, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static Expr *fail(Parser *ps, InterpErrKind kind, const char *exc, int line, const char *fmt, ...)
{
    va_list ap;
    if (ps->err->kind == ERR_NONE && ps->t->kind == T_ERROR) {
        *ps->err = ps->lexerr; /* the tokenizer's error comes first in the text */
    } else if (ps->err->kind == ERR_NONE) {
        ps->err->kind = kind;
        ps->err->line = line ? line : ps->t->line;
        ps->err->exc = kind == ERR_SYNTAX ? (exc ? exc : "SyntaxError") : NULL;
        va_start(ap, fmt);
        vsnprintf(ps->err->what, sizeof ps->err->what, fmt, ap);
        va_end(ap);
    }
    ps->eof.line = ps->t->line;
    ps->t = &ps->eof;
    memset(&ps->junk_stmt, 0, sizeof ps->junk_stmt);
    memset(&ps->junk, 0, sizeof ps->junk);
    ps->junk.kind = E_CONST;
    ps->junk.ckind = C_NONE;
    return &ps->junk;
}

#define SYNTAX(ps, ...) fail(ps, ERR_SYNTAX, NULL, 0, __VA_ARGS__)
#define UNSUPPORTED(ps, ...) fail(ps, ERR_UNSUPPORTED, NULL, 0, __VA_ARGS__)
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
    return is_op(ps, op) ? (ps->t++, 1) : 0;
}

static int accept_kw(Parser *ps, const char *kw)
{
    return is_kw(ps, kw) ? (ps->t++, 1) : 0;
}

static void expect_op(Parser *ps, const char *op)
{
    if (!accept_op(ps, op))
        SYNTAX(ps, "invalid syntax (expected '%s')", op);
}

/* A NAME that is not a keyword, or an error. */
static const char *expect_name(Parser *ps)
{
    if (ps->t->kind != T_NAME || in_list(ps->t->text, keywords)) {
        SYNTAX(ps, "invalid syntax");
        return "";
    }
    return (ps->t++)->text;
}

static void *node(Parser *ps, size_t size, void *junk)
{
    void *n = arena_alloc(ps->arena, size);
    if (n == NULL) {
        fail(ps, ERR_SYNTAX, "MemoryError", 0, "out of memory");
        return junk;
    }
    return n;
}

static Expr *new_expr(Parser *ps, ExprKind kind, int line)
{
    Expr *e = node(ps, sizeof *e, &ps->junk);
    e->kind = kind;
    e->line = line;
    return e;
}

static Stmt *new_stmt(Parser *ps, StmtKind kind, int line)
{
    Stmt *s = node(ps, sizeof *s, &ps->junk_stmt);
    s->kind = kind;
    s->line = line;
    return s;
}

/* Room for one more item in an arena array of n items; 0 after an error. */
static int grow(Parser *ps, void *arr, int n, size_t size)
{
    if (arena_grow(ps->arena, arr, n, size))
        return 1;
    fail(ps, ERR_SYNTAX, "MemoryError", 0, "out of memory");
    return 0;
}

#define PUSH(ps, arr, n, x)                         \
    do {                                            \
        if (grow((ps), &(arr), (n), sizeof *(arr))) \
            (arr)[(n)++] = (x);                     \
    } while (0)

static Expr *parse_expr(Parser *ps);

/* ---- constant folding, as CPython's AST optimizer (Python/ast_opt.c) ---- */

static int is_const(Expr *e, ConstKind k)
{
    return e->kind == E_CONST && e->ckind == k;
}

static Expr *fold_tuple(Expr *e)
{
    for (int i = 0; i < e->nitems; i++)
        if (e->items[i]->kind != E_CONST)
            return e;
    e->kind = E_CONST;
    e->ckind = C_TUPLE;
    return e;
}

/* seq * n for a constant str or tuple, within CPython's size limits. */
static Expr *fold_repeat(Parser *ps, Expr *e, Expr *seq, long long n)
{
    Pm_ssize_t len =
        seq->ckind == C_STR ? _PmUnicode_CodePoints(seq->sval, (Pm_ssize_t)seq->slen) : seq->nitems;
    long long limit = seq->ckind == C_STR ? MAX_STR_SIZE : MAX_COLLECTION_SIZE;
    if (len > 0 && (n < 0 || n > limit / len))
        return e;
    if (n < 0)
        n = 0;
    Expr *r = new_expr(ps, E_CONST, e->line);
    r->ckind = seq->ckind;
    if (seq->ckind == C_STR) {
        char *s = arena_alloc(ps->arena, seq->slen * (size_t)n + 1);
        for (long long i = 0; s != NULL && i < n; i++)
            memcpy(s + seq->slen * (size_t)i, seq->sval, seq->slen);
        r->sval = s ? s : "";
        r->slen = s ? seq->slen * (size_t)n : 0;
    } else {
        for (long long i = 0; i < n; i++)
            for (int j = 0; j < seq->nitems; j++)
                PUSH(ps, r->items, r->nitems, seq->items[j]);
    }
    return r;
}

static Expr *fold_binop(Parser *ps, Expr *e)
{
    Expr *a = e->left, *b = e->right;
    long long x = a->ival, y = b->ival, r = 0;
    if (is_const(a, C_INT) && is_const(b, C_INT)) {
        int bad = (e->op == '/' || e->op == '%') && (y == 0 || (x == LLONG_MIN && y == -1));
        if (bad || (e->op == '+' && __builtin_add_overflow(x, y, &r)) ||
            (e->op == '-' && __builtin_sub_overflow(x, y, &r)) ||
            (e->op == '*' && __builtin_mul_overflow(x, y, &r)))
            return e;
        if (e->op == '/' || e->op == '%') {
            long long q = x / y, m = x % y;
            if (m != 0 && (m < 0) != (y < 0))
                q--, m += y;
            r = e->op == '/' ? q : m;
        }
        Expr *c = new_expr(ps, E_CONST, e->line);
        c->ival = r;
        return c;
    }
    if (is_const(a, C_STR) && is_const(b, C_STR) && e->op == '+') {
        Expr *c = new_expr(ps, E_CONST, e->line);
        char *s = arena_alloc(ps->arena, a->slen + b->slen + 1);
        c->ckind = C_STR;
        if (s != NULL) {
            memcpy(s, a->sval, a->slen);
            memcpy(s + a->slen, b->sval, b->slen);
            c->sval = s;
            c->slen = a->slen + b->slen;
        }
        return c;
    }
    if (e->op == '*' && is_const(b, C_INT) && (is_const(a, C_STR) || is_const(a, C_TUPLE)))
        return fold_repeat(ps, e, a, y);
    if (e->op == '*' && is_const(a, C_INT) && (is_const(b, C_STR) || is_const(b, C_TUPLE)))
        return fold_repeat(ps, e, b, x);
    return e;
}

/* ---- expressions ---- */

/* Items of a call's (...) or a [...], (...), {...} display up to the
 * closing bracket.  Returns whether a comma was seen, telling (x) from (x,). */
static int parse_items(Parser *ps, Expr *e, const char *close)
{
    int comma = 0;
    while (!is_op(ps, close) && !FAILED(ps)) {
        if (is_op(ps, "*") || is_op(ps, "**"))
            UNSUPPORTED(ps, e->kind == E_CALL ? "argument unpacking with * or **"
                                              : "unpacking with * or ** in displays");
        if (e->kind == E_CALL && ps->t->kind == T_NAME && ps->t[1].kind == T_OP &&
            strcmp(ps->t[1].text, "=") == 0) {
            char *kw = (char *)ps->t->text;
            ps->t += 2;
            PUSH(ps, e->kwnames, e->nkw, kw);
            e->nkw--;
            PUSH(ps, e->kwvalues, e->nkw, parse_expr(ps));
        } else {
            if (e->nkw > 0)
                SYNTAX(ps, "positional argument follows keyword argument");
            PUSH(ps, e->items, e->nitems, parse_expr(ps));
            if (e->kind == E_DICT && !accept_op(ps, ":"))
                UNSUPPORTED(ps, "set displays");
            if (e->kind == E_DICT)
                PUSH(ps, e->items, e->nitems, parse_expr(ps));
        }
        if (is_kw(ps, "for"))
            UNSUPPORTED(ps, e->kind == E_CALL ? "generator expressions" : "comprehensions");
        if (!accept_op(ps, ","))
            break;
        comma = 1;
    }
    expect_op(ps, close);
    return comma;
}

static Expr *parse_atom(Parser *ps)
{
    static const char *const named[] = {"None", "True", "False", NULL};
    static const ConstKind named_kind[] = {C_NONE, C_TRUE, C_FALSE};
    Token *t = ps->t;
    Expr *e;
    if (t->kind == T_INT || t->kind == T_STRING) {
        e = new_expr(ps, E_CONST, t->line);
        e->ckind = t->kind == T_INT ? C_INT : C_STR;
        e->ival = t->ival;
        /* adjacent literals are one string: 'a' 'b' == 'ab' */
        size_t n = 0;
        for (Token *u = t; u->kind == T_STRING; u++)
            n += u->len;
        char *s = t->kind == T_STRING ? arena_alloc(ps->arena, n + 1) : NULL;
        for (ps->t++; s != NULL && t->kind == T_STRING; t++, ps->t = t) {
            memcpy(s + e->slen, t->text, t->len);
            e->slen += t->len;
        }
        e->sval = s ? s : "";
        return e;
    }
    if (t->kind == T_NAME) {
        for (int i = 0; named[i] != NULL; i++) {
            if (strcmp(t->text, named[i]) == 0) {
                e = new_expr(ps, E_CONST, (ps->t++)->line);
                e->ckind = named_kind[i];
                return e;
            }
        }
        if (strcmp(t->text, "lambda") == 0)
            return UNSUPPORTED(ps, "lambda expressions");
        if (strcmp(t->text, "yield") == 0 || strcmp(t->text, "await") == 0)
            return UNSUPPORTED(ps, "'%s' expressions", t->text);
        e = new_expr(ps, E_NAME, t->line);
        e->name = expect_name(ps);
        return e;
    }
    if (accept_op(ps, "(")) {
        e = new_expr(ps, E_TUPLE, t->line);
        if (!parse_items(ps, e, ")") && e->nitems == 1)
            return e->items[0]; /* (x) is just x */
        return fold_tuple(e);
    }
    if (accept_op(ps, "[") || accept_op(ps, "{")) {
        e = new_expr(ps, t->text[0] == '[' ? E_LIST : E_DICT, t->line);
        parse_items(ps, e, t->text[0] == '[' ? "]" : "}");
        return e;
    }
    if (is_op(ps, "..."))
        return UNSUPPORTED(ps, "the Ellipsis literal");
    if (t->kind == T_INDENT)
        return fail(ps, ERR_SYNTAX, "IndentationError", 0, "unexpected indent");
    return SYNTAX(ps, "invalid syntax");
}

/* The part of x[...] inside the brackets: an index or a slice. */
static Expr *parse_subscript(Parser *ps)
{
    Expr *x = is_op(ps, ":") ? NULL : parse_expr(ps);
    if (!is_op(ps, ":")) {
        if (is_op(ps, ","))
            UNSUPPORTED(ps, "subscripts with several indices");
        return x;
    }
    Expr *s = new_expr(ps, E_SLICE, ps->t->line);
    PUSH(ps, s->items, s->nitems, x);
    for (int i = 1; i < 3 && accept_op(ps, ":"); i++)
        PUSH(ps, s->items, s->nitems, is_op(ps, ":") || is_op(ps, "]") ? NULL : parse_expr(ps));
    while (s->nitems < 3 && !FAILED(ps))
        PUSH(ps, s->items, s->nitems, NULL);
    return s;
}

static Expr *parse_primary(Parser *ps)
{
    Expr *e = parse_atom(ps);
    for (;;) {
        Expr *n;
        if (accept_op(ps, ".")) {
            n = new_expr(ps, E_ATTR, e->line);
            n->name = expect_name(ps);
        } else if (accept_op(ps, "(")) {
            n = new_expr(ps, E_CALL, e->line);
            parse_items(ps, n, ")");
        } else if (accept_op(ps, "[")) {
            n = new_expr(ps, E_SUBSCR, e->line);
            n->right = parse_subscript(ps);
            expect_op(ps, "]");
        } else {
            return e;
        }
        n->left = e;
        e = n;
    }
}

static Expr *parse_unary(Parser *ps)
{
    int line = ps->t->line;
    Expr *e;
    if (++ps->depth > MAX_NESTING) {
        e = SYNTAX(ps, "too many nested parentheses");
    } else if (is_op(ps, "-") || is_op(ps, "+")) {
        e = new_expr(ps, E_UNARY, line);
        e->op = (ps->t++)->text[0];
        e->left = parse_unary(ps);
        if (e->op == '-' && is_const(e->left, C_INT) && e->left->ival != LLONG_MIN) {
            Expr *c = new_expr(ps, E_CONST, line);
            c->ival = -e->left->ival;
            e = c;
        }
    } else if (is_op(ps, "~") || is_kw(ps, "await")) {
        e = UNSUPPORTED(ps, is_op(ps, "~") ? "the '~' operator" : "'await' expressions");
    } else {
        e = parse_primary(ps);
    }
    ps->depth--;
    return e;
}

/* Binary operators, tightest first: * // % then + -.  Also rejects the
 * operators outside the subset where they would appear. */
static Expr *parse_binary(Parser *ps, int level)
{
    static const char *const ops[2] = {"* // %", "+ -"};
    Expr *e = level == 0 ? parse_unary(ps) : parse_binary(ps, level - 1);
    for (int chain = 0; !FAILED(ps); chain++) {
        if (chain > MAX_CHAIN)
            return UNSUPPORTED(ps, "expressions with more than %d operators in a row", MAX_CHAIN);
        if (ps->t->kind == T_OP && in_list(ps->t->text, "/ @ | & ^ << >> **"))
            return UNSUPPORTED(ps, "the '%s' operator", ps->t->text);
        if (ps->t->kind != T_OP || !in_list(ps->t->text, ops[level]))
            break;
        Expr *n = new_expr(ps, E_BINOP, e->line);
        n->op = (ps->t++)->text[0];
        n->left = e;
        n->right = level == 0 ? parse_unary(ps) : parse_binary(ps, level - 1);
        e = fold_binop(ps, n);
    }
    return e;
}

/* Reads a comparison operator, or returns -1. */
static int parse_cmp_op(Parser *ps)
{
    static const int codes[] = {Pm_LT, Pm_LE, Pm_EQ, Pm_NE, Pm_GT, Pm_GE};
    int i = ps->t->kind == T_OP ? interp_word_index("< <= == != > >=", ps->t->text) : -1;
    if (i >= 0) {
        ps->t++;
        return codes[i];
    }
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
    if (e->kind == E_LIST) {
        e->kind = E_TUPLE;
        return fold_tuple(e);
    }
    return e;
}

static Expr *parse_comparison(Parser *ps)
{
    Expr *e = parse_binary(ps, 1);
    int op = parse_cmp_op(ps);
    if (op < 0)
        return e;
    Expr *c = new_expr(ps, E_COMPARE, e->line);
    PUSH(ps, c->items, c->nitems, e);
    for (; op >= 0 && !FAILED(ps); op = parse_cmp_op(ps)) {
        int n = c->nitems - 1;
        PUSH(ps, c->ops, n, op);
        Expr *r = parse_binary(ps, 1);
        PUSH(ps, c->items, c->nitems, op == CMP_IN || op == CMP_NOT_IN ? list_to_tuple(r) : r);
    }
    return c;
}

static Expr *parse_not(Parser *ps)
{
    if (!is_kw(ps, "not"))
        return parse_comparison(ps);
    Expr *e = new_expr(ps, E_UNARY, (ps->t++)->line);
    e->op = 'n';
    e->left = ++ps->depth > MAX_NESTING ? SYNTAX(ps, "too many nested parentheses") : parse_not(ps);
    ps->depth--;
    return e;
}

static Expr *parse_boolop(Parser *ps, int is_or)
{
    Expr *e = is_or ? parse_boolop(ps, 0) : parse_not(ps);
    for (int chain = 0; accept_kw(ps, is_or ? "or" : "and"); chain++) {
        if (chain > MAX_CHAIN)
            return UNSUPPORTED(ps, "expressions with more than %d operators in a row", MAX_CHAIN);
        Expr *n = new_expr(ps, is_or ? E_OR : E_AND, e->line);
        n->left = e;
        n->right = is_or ? parse_boolop(ps, 0) : parse_not(ps);
        e = n;
    }
    return e;
}

static Expr *parse_expr(Parser *ps)
{
    Expr *e = parse_boolop(ps, 1);
    if (is_kw(ps, "if"))
        return UNSUPPORTED(ps, "conditional expressions (x if c else y)");
    if (is_op(ps, ":="))
        return UNSUPPORTED(ps, "assignment expressions (:=)");
    return e;
}

/* expr, expr, ... : several make a tuple display. */
static Expr *parse_exprlist(Parser *ps)
{
    Expr *e = parse_expr(ps);
    if (!is_op(ps, ","))
        return e;
    Expr *t = new_expr(ps, E_TUPLE, e->line);
    PUSH(ps, t->items, t->nitems, e);
    while (accept_op(ps, ",") && !FAILED(ps)) {
        if (ps->t->kind == T_NEWLINE || is_op(ps, "=") || is_op(ps, ";") || is_op(ps, ":") ||
            is_op(ps, ")"))
            break;
        PUSH(ps, t->items, t->nitems, parse_expr(ps));
    }
    return fold_tuple(t);
}

/* ---- statements ---- */

/* Is e something one can assign to (del_ = 0) or delete (del_ = 1)? */
static void check_target(Parser *ps, Expr *e, int del_, int line)
{
    switch (e->kind) {
    case E_NAME:
    case E_ATTR: return;
    case E_SUBSCR:
        if (e->right->kind == E_SLICE)
            fail(ps, ERR_UNSUPPORTED, NULL, line, "assigning to or deleting a slice");
        return;
    case E_TUPLE:
    case E_LIST:
        for (int i = 0; i < e->nitems; i++) {
            if (!del_ && e->items[i]->kind != E_NAME)
                fail(ps, ERR_UNSUPPORTED, NULL, line,
                     "unpacking into targets other than plain names");
            check_target(ps, e->items[i], del_, line);
        }
        return;
    default:
        fail(ps, ERR_SYNTAX, NULL, line,
             del_ ? "cannot delete this expression" : "cannot assign to this expression");
    }
}

static Stmt *parse_block(Parser *ps);

static Stmt *parse_simple(Parser *ps)
{
    static const char unsupported_stmts[] =
        "def return finally raise with global nonlocal from async yield";
    static const char augops[] = "+= -= *= //= %= /= **= @= &= |= ^= <<= >>=";
    Token *t = ps->t;
    int line = t->line;
    Stmt *s;
    if (t->kind == T_NAME && in_list(t->text, unsupported_stmts)) {
        UNSUPPORTED(ps, "'%s' statements", t->text);
        return &ps->junk_stmt;
    }
    if (accept_kw(ps, "pass"))
        return new_stmt(ps, S_PASS, line);
    if (is_kw(ps, "break") || is_kw(ps, "continue")) {
        if (ps->loops == 0)
            SYNTAX(ps, "'%s' outside loop", t->text);
        ps->t++;
        return new_stmt(ps, t->text[0] == 'b' ? S_BREAK : S_CONTINUE, line);
    }
    if (accept_kw(ps, "import")) {
        s = new_stmt(ps, S_IMPORT, line);
        do {
            PUSH(ps, s->names, s->nnames, (char *)expect_name(ps));
            if (is_op(ps, ".") || is_kw(ps, "as"))
                UNSUPPORTED(ps, is_kw(ps, "as") ? "'import ... as ...'" : "importing submodules");
        } while (accept_op(ps, ","));
        return s;
    }
    if (accept_kw(ps, "del")) {
        s = new_stmt(ps, S_DEL, line);
        do {
            Expr *x = parse_expr(ps);
            check_target(ps, x, 1, line);
            PUSH(ps, s->targets, s->ntargets, x);
        } while (accept_op(ps, ",") && ps->t->kind != T_NEWLINE && !is_op(ps, ";"));
        return s;
    }
    if (accept_kw(ps, "assert")) {
        s = new_stmt(ps, S_ASSERT, line);
        s->value = parse_expr(ps);
        if (accept_op(ps, ","))
            PUSH(ps, s->targets, s->ntargets, parse_expr(ps));
        return s;
    }
    Expr *e = parse_exprlist(ps);
    if (ps->t->kind == T_OP && in_list(ps->t->text, augops)) {
        const char *op = (ps->t++)->text;
        if (!in_list(op, "+= -= *= //= %="))
            UNSUPPORTED(ps, "the '%s' operator", op);
        if (e->kind != E_NAME && e->kind != E_ATTR && e->kind != E_SUBSCR)
            SYNTAX(ps, "illegal expression for augmented assignment");
        else
            check_target(ps, e, 0, line);
        s = new_stmt(ps, S_AUGASSIGN, line);
        s->op = op[0];
        PUSH(ps, s->targets, s->ntargets, e);
        s->value = parse_exprlist(ps);
        return s;
    }
    if (is_op(ps, ":"))
        UNSUPPORTED(ps, "annotations");
    s = new_stmt(ps, is_op(ps, "=") ? S_ASSIGN : S_EXPR, line);
    while (accept_op(ps, "=")) {
        check_target(ps, e, 0, line);
        PUSH(ps, s->targets, s->ntargets, e);
        e = parse_exprlist(ps);
    }
    s->value = e;
    return s;
}

/* Append the chain s to the block whose last `next` is *tail. */
static Stmt **append(Stmt **tail, Stmt *s)
{
    *tail = s;
    while (s->next != NULL)
        s = s->next;
    return &s->next;
}

/* simple_stmt (';' simple_stmt)* NEWLINE, as a chain of statements. */
static Stmt *parse_simple_line(Parser *ps)
{
    Stmt *first = NULL, **tail = &first;
    do
        tail = append(tail, parse_simple(ps));
    while (accept_op(ps, ";") && ps->t->kind != T_NEWLINE && !FAILED(ps));
    if (ps->t->kind == T_NEWLINE)
        ps->t++;
    else
        SYNTAX(ps, "invalid syntax");
    return first;
}

/* ':' then either statements on the same line or an indented block. */
static Stmt *parse_suite(Parser *ps, int loop)
{
    Stmt *s;
    expect_op(ps, ":");
    ps->loops += loop;
    if (ps->t->kind != T_NEWLINE) {
        s = parse_simple_line(ps);
    } else if ((++ps->t)->kind != T_INDENT) {
        fail(ps, ERR_SYNTAX, "IndentationError", 0, "expected an indented block");
        s = NULL;
    } else {
        ps->t++;
        s = parse_block(ps);
    }
    ps->loops -= loop;
    if (loop && is_kw(ps, "else"))
        UNSUPPORTED(ps, "'else' after a loop");
    return s;
}

static Stmt *parse_if(Parser *ps, int line)
{
    Stmt *s = new_stmt(ps, S_IF, line);
    s->value = parse_expr(ps);
    s->body = parse_suite(ps, 0);
    line = ps->t->line;
    if (accept_kw(ps, "elif"))
        s->orelse = parse_if(ps, line);
    else if (accept_kw(ps, "else"))
        s->orelse = parse_suite(ps, 0);
    return s;
}

/* try: ... except [E [as name]]: ... [else: ...] */
static Stmt *parse_try(Parser *ps, int line)
{
    Stmt *s = new_stmt(ps, S_TRY, line);
    s->body = parse_suite(ps, 0);
    while (is_kw(ps, "except") && !FAILED(ps)) {
        Stmt *h = new_stmt(ps, S_PASS, (ps->t++)->line);
        if (!is_op(ps, ":")) {
            PUSH(ps, h->targets, h->ntargets, parse_expr(ps));
            if (accept_kw(ps, "as"))
                PUSH(ps, h->names, h->nnames, (char *)expect_name(ps));
        }
        h->body = parse_suite(ps, 0);
        PUSH(ps, s->handlers, s->nhandlers, h);
    }
    if (is_kw(ps, "finally"))
        UNSUPPORTED(ps, "'finally' clauses");
    if (s->nhandlers == 0)
        SYNTAX(ps, "expected 'except' or 'finally' block");
    if (accept_kw(ps, "else"))
        s->orelse = parse_suite(ps, 0);
    return s;
}

static Stmt *parse_statement(Parser *ps)
{
    int line = ps->t->line;
    Stmt *s;
    if (accept_kw(ps, "if"))
        return parse_if(ps, line);
    if (accept_kw(ps, "try"))
        return parse_try(ps, line);
    if (accept_kw(ps, "while")) {
        s = new_stmt(ps, S_WHILE, line);
        s->value = parse_expr(ps);
        s->body = parse_suite(ps, 1);
        return s;
    }
    if (accept_kw(ps, "for")) {
        s = new_stmt(ps, S_FOR, line);
        Expr *target = parse_primary(ps);
        if (is_op(ps, ",")) {
            Expr *t = new_expr(ps, E_TUPLE, line);
            PUSH(ps, t->items, t->nitems, target);
            while (accept_op(ps, ",") && !is_kw(ps, "in") && !FAILED(ps))
                PUSH(ps, t->items, t->nitems, parse_primary(ps));
            target = t;
        }
        check_target(ps, target, 0, line);
        PUSH(ps, s->targets, s->ntargets, target);
        if (!accept_kw(ps, "in"))
            SYNTAX(ps, "invalid syntax (expected 'in')");
        s->value = list_to_tuple(parse_exprlist(ps));
        s->body = parse_suite(ps, 1);
        return s;
    }
    if (accept_kw(ps, "class")) {
        s = new_stmt(ps, S_CLASS, line);
        PUSH(ps, s->names, s->nnames, (char *)expect_name(ps));
        if (accept_op(ps, "(") && !accept_op(ps, ")"))
            UNSUPPORTED(ps, "base classes");
        s->body = parse_suite(ps, 0);
        for (Stmt *b = s->body; b != NULL && !FAILED(ps); b = b->next)
            if (b->kind != S_PASS &&
                !(b == s->body && b->kind == S_EXPR && is_const(b->value, C_STR)))
                fail(ps, ERR_UNSUPPORTED, NULL, b->line,
                     "class bodies other than 'pass' or a docstring");
        return s;
    }
    if (is_kw(ps, "else") || is_kw(ps, "elif") || is_kw(ps, "except"))
        SYNTAX(ps, "invalid syntax");
    else if (is_op(ps, "@"))
        UNSUPPORTED(ps, "decorators");
    else if (is_kw(ps, "match") && ps->t[1].kind != T_OP && ps->t[1].kind != T_NEWLINE)
        UNSUPPORTED(ps, "'match' statements");
    else if (ps->t->kind == T_INDENT)
        fail(ps, ERR_SYNTAX, "IndentationError", 0, "unexpected indent");
    return FAILED(ps) ? &ps->junk_stmt : parse_simple_line(ps);
}

/* Statements up to the DEDENT that closes the block (consumed). */
static Stmt *parse_block(Parser *ps)
{
    Stmt *first = NULL, **tail = &first;
    while (ps->t->kind != T_DEDENT && ps->t->kind != T_EOF)
        tail = append(tail, parse_statement(ps));
    if (ps->t->kind == T_DEDENT)
        ps->t++;
    return first;
}

Stmt *interp_parse(const char *source, Arena *arena, InterpError *err)
{
    Token *toks = interp_tokenize(source, arena, err);
    if (toks == NULL) {
        if (err->kind == ERR_NONE) {
            err->kind = ERR_SYNTAX;
            err->line = 1;
            err->exc = "MemoryError";
            snprintf(err->what, sizeof err->what, "out of memory while reading the file");
        }
        return NULL;
    }
    Parser ps = {.t = toks, .arena = arena, .err = err, .lexerr = *err};
    ps.eof.kind = T_EOF;
    ps.junk_stmt.kind = S_PASS;
    err->kind = ERR_NONE;
    Stmt *first = NULL, **tail = &first;
    while (ps.t->kind != T_EOF) {
        if (ps.t->kind == T_NEWLINE)
            ps.t++;
        else
            tail = append(tail, parse_statement(&ps));
    }
    if (arena->failed)
        fail(&ps, ERR_SYNTAX, "MemoryError", 1, "out of memory");
    return FAILED(&ps) ? NULL : first;
}
