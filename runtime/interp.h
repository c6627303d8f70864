/* interp.h - private to the scenario interpreter (runtime/interp_*.c): the
 * tokens, the syntax tree and the functions that pass them along, from
 * source text to a tree (lexer, parser) to output (evaluator, builtins).
 */
#ifndef PM_INTERP_H
#define PM_INTERP_H

#include "pmlab.h"

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
    T_ERROR,  /* the tokenizer stopped here; the error is in *err */
} TokKind;

typedef struct {
    TokKind kind;
    int line;
    char *text;       /* NAME and OP: the spelling; STRING: the decoded bytes */
    size_t len;       /* STRING: length of the decoded bytes */
    long long ival;   /* INT: the value */
} Token;

/* Why reading or parsing a file stopped. */
typedef enum {
    ERR_NONE,
    ERR_SYNTAX,      /* CPython would reject the file too */
    ERR_UNSUPPORTED, /* valid Python, outside the subset */
} InterpErrKind;

typedef struct {
    InterpErrKind kind;
    int line;
    char what[256];  /* "invalid syntax", or the construct not supported */
    const char *exc; /* the exception CPython raises: "SyntaxError", "IndentationError" */
} InterpError;

/* Split source into tokens, with NEWLINE/INDENT/DEDENT as Python's
 * tokenizer makes them.  Returns an array ending with T_EOF (free it with
 * interp_free_tokens).  If the text cannot be tokenized to the end, *err
 * says why and the array ends with T_ERROR, T_EOF, so that the parser can
 * still report an earlier error first.  NULL if out of memory. */
Token *interp_tokenize(const char *source, InterpError *err);
void interp_free_tokens(Token *toks);

/* ---- the syntax tree (interp_parser.c) ---- */
typedef enum { C_INT, C_STR, C_NONE, C_TRUE, C_FALSE, C_TUPLE } ConstKind;

typedef enum {
    E_CONST,   /* a literal, or a display the compiler folds into one */
    E_NAME,
    E_ATTR,    /* left.name */
    E_SUBSCR,  /* left[right] */
    E_CALL,    /* left(items..., kwnames=kwvalues...) */
    E_LIST,
    E_TUPLE,
    E_DICT,    /* items: key0, value0, key1, value1, ... */
    E_UNARY,   /* op '-', '+' or 'n' (not) applied to left */
    E_BINOP,   /* left op right, op '+' or '-' */
    E_AND,     /* left and right */
    E_OR,
    E_COMPARE, /* items[0] ops[0] items[1] ops[1] items[2] ... */
} ExprKind;

/* Comparison operators beyond Pm_LT..Pm_GE. */
enum { CMP_IN = 6, CMP_NOT_IN, CMP_IS, CMP_IS_NOT };

typedef struct Expr Expr;
struct Expr {
    ExprKind kind;
    int line;
    int op;
    char *name;          /* E_NAME, E_ATTR */
    Expr *left, *right;
    Expr **items;
    int nitems;
    int *ops;            /* E_COMPARE: nitems - 1 operators */
    char **kwnames;      /* E_CALL keywords */
    Expr **kwvalues;
    int nkw;
    /* E_CONST */
    ConstKind ckind;
    long long ival;
    char *sval;
    size_t slen;
    PmObject *constant;  /* borrowed from the module's constants once bound */
};

typedef enum {
    S_EXPR,
    S_ASSIGN,     /* targets[0] = targets[1] = ... = value */
    S_AUGASSIGN,  /* targets[0] op= value */
    S_DEL,
    S_PASS,
    S_IMPORT,     /* names */
    S_CLASS,      /* names[0] */
    S_FOR,        /* for targets[0] in value: body */
    S_WHILE,
    S_IF,         /* if value: body else: orelse */
    S_BREAK,
    S_CONTINUE,
} StmtKind;

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
    Stmt *next;   /* the following statement of the same block */
};

/* Parse a whole file.  Returns the first statement (NULL for an empty
 * file, with err->kind == ERR_NONE) or NULL with *err filled in. */
Stmt *interp_parse(const char *source, InterpError *err);
void interp_free_stmts(Stmt *s);

/* ---- running (interp_eval.c, interp_builtins.c) ---- */

/* The state of one run, shared by the evaluator and the builtins. */
typedef struct {
    const char *filename;
    const char *source;
    FILE *out, *err;
    PmObject *globals;        /* the module's namespace, a dict */
    PmObject **consts;        /* the module's constants, each held once */
    int nconsts, aconsts;
    long lines_printed;
    long stop_after;
    int stop_requested;       /* print() reached stop_after lines */
    int error_line;           /* where the pending exception was raised */
    const char *heap_svg, *heap_dot; /* where to draw the heap, if anywhere */
    int heap_drawn;
} InterpState;

extern InterpState *interp_current;

/* Builtins (interp_builtins.c).  All return new references, or NULL with a
 * pending exception; PmExc_NotImplementedError means "outside the subset". */
int interp_builtins_init(void);
void interp_builtins_fini(void);
PmObject *interp_builtin_lookup(const char *name); /* NULL if none (no error) */
int interp_is_cpython_builtin(const char *name);
PmObject *interp_import(const char *name);
int interp_is_module(PmObject *obj);
PmObject *interp_call(PmObject *callable, PmObject **args, int nargs,
                      char **kwnames, PmObject **kwvalues, int nkw);
/* receiver.name(args...) for receivers of built-in types and modules;
 * *handled = 0 if the receiver keeps ordinary attributes (instances, classes). */
PmObject *interp_call_method(PmObject *self, const char *name, PmObject **args, int nargs,
                             char **kwnames, PmObject **kwvalues, int nkw, int *handled);
PmObject *interp_getattr(PmObject *obj, const char *name);
PmObject *interp_get_iter(PmObject *obj);
PmObject *interp_iter_next(PmObject *iter); /* NULL at the end or on error */
int interp_contains(PmObject *container, PmObject *item); /* 1/0, -1 on error */
int interp_is_true(PmObject *obj);          /* 1/0, -1 on error */
Pm_ssize_t interp_length(PmObject *obj);    /* -1 on error */
/* Raise NotImplementedError, which the evaluator reports as "not supported
 * in pymemlab's Python subset: <what>"; returns NULL. */
PmObject *interp_unsupported(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PM_INTERP_H */
