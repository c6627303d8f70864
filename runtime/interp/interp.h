/* interp.h - private to the scenario interpreter (the files of runtime/interp/): the
 * tokens, the syntax tree and the functions that pass them along, from
 * source text to a tree (lexer, parser) to output (evaluator, builtins).
 */
#ifndef PM_INTERP_H
#define PM_INTERP_H

#include "../pm_core.h"

/* ---- one arena for the tokens and the tree of a run ---- */
typedef struct ArenaBlock ArenaBlock;
typedef struct {
    ArenaBlock *head;
    int failed; /* an allocation failed: what was asked for is missing */
} Arena;

/* Zeroed memory that lives until arena_free; NULL (and failed set) when out
 * of memory. */
void *arena_alloc(Arena *a, size_t size);
char *arena_strdup(Arena *a, const char *s, size_t n);
/* Room for one more item in *arr, an array of n items of this size from
 * the arena (moved to twice the room when n is 0 or a power of two).  0 if
 * out of memory. */
int arena_grow(Arena *a, void *arr, int n, size_t size);
void arena_free(Arena *a);

/* The position of name among the space-separated words ("sep end"), or -1. */
int interp_word_index(const char *words, const char *name);

/* ---- tokens (interp_lexer.c) ---- */
typedef enum {
    T_EOF,
    T_NEWLINE,
    T_INDENT,
    T_DEDENT,
    T_NAME,
    T_INT,
    T_STRING,
    T_OP,
    T_ERROR, /* the tokenizer stopped here; the error is in *err */
} TokKind;

typedef struct {
    TokKind kind;
    int line;
    const char *text; /* NAME and OP: the spelling; STRING: the decoded bytes */
    size_t len; /* STRING: length of the decoded bytes */
    long long ival; /* INT: the value */
} Token;

/* Why reading or parsing a file stopped. */
typedef enum {
    ERR_NONE,
    ERR_SYNTAX, /* CPython would reject the file too */
    ERR_UNSUPPORTED, /* valid Python, outside the subset */
} InterpErrKind;

typedef struct {
    InterpErrKind kind;
    int line;
    char what[256]; /* "invalid syntax", or the construct not supported */
    const char *exc; /* the exception CPython raises: "SyntaxError", "IndentationError" */
} InterpError;

/* Split source into tokens, with NEWLINE/INDENT/DEDENT as Python's
 * tokenizer makes them, allocated from arena.  If the text cannot be
 * tokenized to the end, *err says why and the tokens end with T_ERROR,
 * T_EOF, so that the parser can still report an earlier error first.  NULL
 * if out of memory. */
Token *interp_tokenize(const char *source, Arena *arena, InterpError *err);

/* ---- the syntax tree (interp_parser.c) ---- */
typedef enum { C_INT, C_STR, C_NONE, C_TRUE, C_FALSE, C_TUPLE } ConstKind;

typedef enum {
    E_CONST, /* a literal, or a display the compiler folds into one */
    E_NAME,
    E_ATTR, /* left.name */
    E_SUBSCR, /* left[right] */
    E_SLICE, /* items[0]:items[1]:items[2], each may be NULL */
    E_CALL, /* left(items..., kwnames=kwvalues...) */
    E_LIST,
    E_TUPLE,
    E_DICT, /* items: key0, value0, key1, value1, ... */
    E_UNARY, /* op '-', '+' or 'n' (not) applied to left */
    E_BINOP, /* left op right: op is one of BINOPS */
    E_AND, /* left and right */
    E_OR,
    E_COMPARE, /* items[0] ops[0] items[1] ops[1] items[2] ... */
} ExprKind;

/* The binary operators of the subset, as their first character ('/' is //). */
#define BINOPS "+-*/%"

/* Comparison operators beyond Pm_LT..Pm_GE. */
enum { CMP_IN = 6, CMP_NOT_IN, CMP_IS, CMP_IS_NOT };

typedef struct Expr Expr;
struct Expr {
    ExprKind kind;
    int line;
    int op;
    const char *name; /* E_NAME, E_ATTR */
    Expr *left, *right;
    Expr **items;
    int nitems;
    int *ops; /* E_COMPARE: nitems - 1 operators */
    char **kwnames; /* E_CALL keywords */
    Expr **kwvalues;
    int nkw;
    /* E_CONST */
    ConstKind ckind;
    long long ival;
    const char *sval;
    size_t slen;
    PmObject *constant; /* borrowed from the module's constants once bound */
};

typedef enum {
    S_EXPR,
    S_ASSIGN, /* targets[0] = targets[1] = ... = value */
    S_AUGASSIGN, /* targets[0] op= value */
    S_DEL,
    S_PASS,
    S_IMPORT, /* names */
    S_CLASS, /* names[0] */
    S_FOR, /* for targets[0] in value: body */
    S_WHILE,
    S_IF, /* if value: body else: orelse */
    S_BREAK,
    S_CONTINUE,
    S_ASSERT, /* assert value, targets[0] (the message, if any) */
    S_TRY, /* try: body, handlers, else: orelse */
} StmtKind;

/* except targets[0] as names[0]: body (for S_TRY's handlers; kind unused). */
typedef struct Stmt Stmt;
struct Stmt {
    StmtKind kind;
    int line;
    int op;
    Expr **targets;
    int ntargets;
    Expr *value;
    char **names;
    int nnames;
    Stmt *body, *orelse;
    Stmt **handlers;
    int nhandlers;
    Stmt *next; /* the following statement of the same block */
};

/* Parse a whole file into arena.  Returns the first statement (NULL for an
 * empty file, with err->kind == ERR_NONE) or NULL with *err filled in. */
Stmt *interp_parse(const char *source, Arena *arena, InterpError *err);

/* ---- running (interp_eval.c, interp_builtins.c) ---- */

/* The state of one run, shared by the evaluator and the builtins. */
typedef struct {
    const char *filename;
    const char *source;
    FILE *out, *err;
    PmObject *globals; /* the module's namespace, a dict */
    Arena *arena; /* the tree's, also holding the array consts */
    PmObject **consts; /* the module's constants, each held once */
    int nconsts;
    long lines_printed;
    long stop_after;
    int stop_requested; /* print() reached stop_after lines */
    int error_line; /* where the pending exception was raised */
    long gc_debug; /* gc.set_debug()'s flags */
    const char *heap_svg, *heap_dot; /* where to draw the heap, if anywhere */
    int heap_drawn;
} InterpState;

extern InterpState *interp_current;

/* Builtins (interp_builtins.c).  All return new references, or NULL with a
 * pending exception; PmExc_NotImplementedError means "outside the subset". */
void interp_builtins_fini(void);
PmObject *interp_builtin_lookup(const char *name); /* NULL if none (no error) */
int interp_is_cpython_builtin(const char *name);
PmObject *interp_import(const char *name);
int interp_is_module(PmObject *obj);
PmObject *interp_call(PmObject *callable, const PmCallArgs *a);
/* receiver.name(args...) for receivers of built-in types and modules;
 * *handled = 0 if the receiver keeps ordinary attributes (instances, classes). */
PmObject *interp_call_method(PmObject *self, const char *name, const PmCallArgs *a, int *handled);
PmObject *interp_getattr(PmObject *obj, const char *name);
int interp_contains(PmObject *container, PmObject *item); /* 1/0, -1 on error */
/* Raise NotImplementedError, which the evaluator reports as "not supported
 * in pymemlab's Python subset: <what>"; returns NULL. */
PmObject *interp_unsupported(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PM_INTERP_H */
