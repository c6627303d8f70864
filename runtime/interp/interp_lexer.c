/* interp_lexer.c - turns a scenario's source text into tokens, as CPython's
 * tokenizer does: logical lines end in NEWLINE, indentation becomes INDENT
 * and DEDENT, brackets and backslashes join physical lines.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

#define MAX_INDENT 100

/* ---- the arena ---- */

struct ArenaBlock {
    ArenaBlock *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(Arena *a, size_t size)
{
    size = (size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    ArenaBlock *b = a->head;
    if (b == NULL || b->size - b->used < size) {
        size_t room = size > 16384 ? size : 16384;
        if ((b = calloc(1, sizeof *b + room)) == NULL) {
            a->failed = 1;
            return NULL;
        }
        b->size = room;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

char *arena_strdup(Arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

int arena_grow(Arena *a, void *arr, int n, size_t size)
{
    if (n & (n - 1))
        return 1;
    void *na = arena_alloc(a, (size_t)(n ? 2 * n : 1) * size);
    if (na != NULL && n > 0)
        memcpy(na, *(void **)arr, (size_t)n * size);
    if (na != NULL)
        *(void **)arr = na;
    return na != NULL;
}

int interp_word_index(const char *words, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; n > 0 && *words != '\0'; i++) {
        size_t w = strcspn(words, " ");
        if (w == n && strncmp(words, name, n) == 0)
            return i;
        words += w + (words[w] == ' ');
    }
    return -1;
}

void arena_free(Arena *a)
{
    while (a->head != NULL) {
        ArenaBlock *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ---- the tokenizer ---- */

typedef struct {
    const char *p;
    int line;
    Token *toks; /* grown with realloc, copied into the arena at the end */
    size_t n, cap;
    Arena *arena;
    InterpError *err;
} Lexer;

/* Record the first error (exc: the exception CPython raises); returns -1. */
static int lex_error(Lexer *lx, InterpErrKind kind, const char *exc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int lex_error(Lexer *lx, InterpErrKind kind, const char *exc, const char *fmt, ...)
{
    va_list ap;
    if (lx->err->kind != ERR_NONE)
        return -1;
    lx->err->kind = kind;
    lx->err->line = lx->line;
    lx->err->exc = exc;
    va_start(ap, fmt);
    vsnprintf(lx->err->what, sizeof lx->err->what, fmt, ap);
    va_end(ap);
    return -1;
}

static Token *push(Lexer *lx, TokKind kind)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 256;
        Token *t = realloc(lx->toks, cap * sizeof *t);
        if (t == NULL) {
            lex_error(lx, ERR_SYNTAX, "MemoryError", "out of memory");
            return NULL;
        }
        lx->toks = t;
        lx->cap = cap;
    }
    Token *t = &lx->toks[lx->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->line = lx->line;
    return t;
}

/* Append the UTF-8 encoding of code point cp to buf. */
static size_t put_utf8(char *buf, unsigned long cp)
{
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t i = n; i-- > 1; cp >>= 6)
        buf[i] = (char)(0x80 | (cp & 0x3F));
    buf[0] = (char)(lead[n] | cp);
    return n;
}

static int hexval(int c)
{
    static const char digits[] = "0123456789abcdef";
    const char *d = c != 0 ? strchr(digits, tolower(c)) : NULL;
    return d != NULL ? (int)(d - digits) : -1;
}

/* Read a string literal whose opening quote is at lx->p; raw strings keep
 * their backslashes.  Decodes escapes into a new STRING token (never
 * longer than the literal, so the rest of the source bounds it). */
static int lex_string(Lexer *lx, int raw)
{
    static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
    char q = *lx->p, *buf = malloc(strlen(lx->p) + 1);
    int triple = lx->p[1] == q && lx->p[2] == q, start_line = lx->line, r = 0;
    size_t n = 0;
    if (buf == NULL)
        return lex_error(lx, ERR_SYNTAX, "MemoryError", "out of memory");
    for (lx->p += triple ? 3 : 1; r == 0;) {
        char c = *lx->p;
        if (c == '\0' || (c == '\n' && !triple)) {
            lx->line = start_line;
            r = lex_error(lx, ERR_SYNTAX, "SyntaxError",
                          triple ? "unterminated triple-quoted string literal"
                                 : "unterminated string literal");
            break;
        }
        if (c == q && (!triple || (lx->p[1] == q && lx->p[2] == q))) {
            lx->p += triple ? 3 : 1;
            break;
        }
        lx->line += c == '\n';
        if (c != '\\' || raw) {
            if (c == '\\' && lx->p[1] != '\0') {
                /* a raw string still cannot end in an escaped quote */
                buf[n++] = c;
                c = *++lx->p;
                lx->line += c == '\n';
            }
            buf[n++] = c;
            lx->p++;
            continue;
        }
        c = lx->p[1];
        lx->p += 2;
        const char *esc = c != '\0' ? strchr(simple, c) : NULL;
        if (esc != NULL && (esc - simple) % 2 == 0) {
            buf[n++] = esc[1];
        } else if (c == 'x' || c == 'u' || c == 'U') {
            int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            unsigned long cp = 0;
            for (int i = 0; i < digits && r == 0; i++)
                if (hexval(lx->p[i]) < 0)
                    r = lex_error(lx, ERR_SYNTAX, "SyntaxError",
                                  "truncated \\%c escape in a string literal", c);
                else
                    cp = cp * 16 + (unsigned long)hexval(lx->p[i]);
            if (r == 0 && cp > 0x10FFFF)
                r = lex_error(lx, ERR_SYNTAX, "SyntaxError",
                              "illegal Unicode character in a string literal");
            lx->p += digits;
            n += r == 0 ? put_utf8(buf + n, cp) : 0;
        } else if (c == 'N') {
            r = lex_error(lx, ERR_UNSUPPORTED, NULL, "\\N{...} escapes in strings");
        } else if (c >= '0' && c <= '7') {
            unsigned long cp = (unsigned long)(c - '0');
            for (int i = 0; i < 2 && *lx->p >= '0' && *lx->p <= '7'; i++)
                cp = cp * 8 + (unsigned long)(*lx->p++ - '0');
            n += put_utf8(buf + n, cp);
        } else if (c == '\n') {
            lx->line++;
        } else if (c == '\0') {
            lx->p--;
        } else {
            /* unknown escapes keep their backslash, as in CPython */
            buf[n++] = '\\';
            buf[n++] = c;
        }
    }
    Token *t = r == 0 ? push(lx, T_STRING) : NULL;
    if (t != NULL) {
        t->line = start_line;
        t->text = arena_strdup(lx->arena, buf, n);
        t->len = n;
    }
    free(buf);
    return r;
}

/* Read an int literal: decimal, 0x, 0o, 0b, with underscores. */
static int lex_number(Lexer *lx)
{
    const char *s = lx->p;
    int base = 10;
    static const char prefixes[] = "xXoObB";
    const char *prefix = s[0] == '0' && s[1] != '\0' ? strchr(prefixes, s[1]) : NULL;
    if (prefix != NULL)
        base = (int[]){16, 16, 8, 8, 2, 2}[prefix - prefixes], s += 2;
    unsigned long long v = 0;
    int overflow = 0, digits = 0;
    for (;; s++) {
        int d;
        if (*s == '_')
            continue;
        d = hexval((unsigned char)*s);
        if (d < 0 || d >= base)
            break;
        digits++;
        if (v > (ULLONG_MAX - (unsigned long long)d) / (unsigned long long)base)
            overflow = 1;
        else
            v = v * (unsigned long long)base + (unsigned long long)d;
    }
    if (*s != '\0' && strchr(".eEjJ", *s))
        return lex_error(lx, ERR_UNSUPPORTED, NULL, "float and complex literals");
    if (isalnum((unsigned char)*s) || digits == 0)
        return lex_error(lx, ERR_SYNTAX, "SyntaxError", "invalid decimal literal");
    if (overflow || v > (unsigned long long)LLONG_MAX)
        return lex_error(lx, ERR_UNSUPPORTED, NULL, "int literals beyond 64 bits");
    Token *t = push(lx, T_INT);
    if (t == NULL)
        return -1;
    t->ival = (long long)v;
    lx->p = s;
    return 0;
}

static const char *const operators[] = {
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**",
    "//",  "<<",  ">>",  "+=",  "-=",  "*=", "/=", "%=", "&=", "|=", "^=", "@=",
    "+",   "-",   "*",   "/",   "%",   "@",  "&",  "|",  "^",  "~",  "<",  ">",
    "(",   ")",   "[",   "]",   "{",   "}",  ",",  ":",  ".",  ";",  "=",  NULL,
};

/* Measure the indentation of the line at p: tabs go to the next multiple
 * of 8, as in CPython. */
static int measure_indent(const char **pp)
{
    int col = 0;
    for (; **pp == ' ' || **pp == '\t' || **pp == '\f'; (*pp)++)
        col = **pp == ' ' ? col + 1 : **pp == '\t' ? (col / 8 + 1) * 8 : 0;
    return col;
}

Token *interp_tokenize(const char *source, Arena *arena, InterpError *err)
{
    Lexer lx = {.p = source, .line = 1, .arena = arena, .err = err};
    int indents[MAX_INDENT] = {0};
    int nindents = 1, depth = 0, at_line_start = 1;
    int open_line = 0; /* where the outermost open bracket is */
    char open_char = 0;
    err->kind = ERR_NONE;
    if ((unsigned char)lx.p[0] == 0xEF && (unsigned char)lx.p[1] == 0xBB &&
        (unsigned char)lx.p[2] == 0xBF)
        lx.p += 3; /* UTF-8 byte order mark */

    while (err->kind == ERR_NONE) {
        if (at_line_start && depth == 0) {
            const char *p = lx.p;
            int col = measure_indent(&p);
            if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\\' || *p == '\0') {
                /* blank and comment-only lines don't count for indentation */
                lx.p = p;
                if (*p == '\0')
                    break;
                if (*p == '#') {
                    while (*lx.p != '\n' && *lx.p != '\0')
                        lx.p++;
                    continue;
                }
                if (*p != '\\') {
                    lx.p += *p == '\r' && p[1] == '\n' ? 2 : 1;
                    lx.line++;
                    continue;
                }
            }
            at_line_start = 0;
            lx.p = p;
            if (col > indents[nindents - 1]) {
                if (nindents == MAX_INDENT) {
                    lex_error(&lx, ERR_SYNTAX, "IndentationError",
                              "too many levels of indentation");
                    break;
                }
                indents[nindents++] = col;
                push(&lx, T_INDENT);
            } else {
                while (col < indents[nindents - 1]) {
                    nindents--;
                    push(&lx, T_DEDENT);
                }
                if (col != indents[nindents - 1]) {
                    lex_error(&lx, ERR_SYNTAX, "IndentationError",
                              "unindent does not match any outer indentation level");
                    break;
                }
            }
        }
        char c = *lx.p;
        if (c == '\0')
            break;
        if (c == ' ' || c == '\t' || c == '\f' || c == '\r') {
            lx.p++;
            continue;
        }
        if (c == '#') {
            while (*lx.p != '\n' && *lx.p != '\0')
                lx.p++;
            continue;
        }
        if (c == '\\') {
            const char *q = lx.p + 1;
            if (*q == '\r')
                q++;
            if (*q != '\n') {
                lex_error(&lx, ERR_SYNTAX, "SyntaxError",
                          "unexpected character after line continuation character");
                break;
            }
            lx.p = q + 1;
            lx.line++;
            continue;
        }
        if (c == '\n') {
            if (depth == 0) {
                push(&lx, T_NEWLINE);
                at_line_start = 1;
            }
            lx.p++;
            lx.line++;
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
            const char *s = lx.p;
            while (isalnum((unsigned char)*lx.p) || *lx.p == '_' || (unsigned char)*lx.p >= 0x80)
                lx.p++;
            size_t n = (size_t)(lx.p - s);
            if ((*lx.p == '\'' || *lx.p == '"') && n <= 2) {
                int raw = 0, bad = 0;
                for (size_t i = 0; i < n; i++) {
                    char pc = (char)tolower((unsigned char)s[i]);
                    raw |= pc == 'r';
                    bad = pc == 'b' || pc == 'f' ? pc : pc == 'r' || pc == 'u' ? bad : '?';
                }
                if (bad == 'b' || bad == 'f')
                    lex_error(&lx, ERR_UNSUPPORTED, NULL,
                              bad == 'b' ? "bytes literals" : "f-strings");
                else if (!bad)
                    lex_string(&lx, raw);
                if (bad != '?')
                    continue;
            }
            Token *t = push(&lx, T_NAME);
            if (t != NULL)
                t->text = arena_strdup(arena, s, n);
            continue;
        }
        if (isdigit((unsigned char)c)) {
            lex_number(&lx);
            continue;
        }
        if (c == '\'' || c == '"') {
            lex_string(&lx, 0);
            continue;
        }
        if (c == '.' && isdigit((unsigned char)lx.p[1])) {
            lex_error(&lx, ERR_UNSUPPORTED, NULL, "float literals");
            break;
        }
        const char *const *op;
        for (op = operators; *op != NULL; op++)
            if (strncmp(lx.p, *op, strlen(*op)) == 0)
                break;
        if (*op == NULL) {
            lex_error(&lx, ERR_SYNTAX, "SyntaxError", "invalid character '%c'", c);
            break;
        }
        if (strchr("([{", (*op)[0]) && (*op)[1] == '\0' && depth++ == 0) {
            open_line = lx.line;
            open_char = c;
        }
        if (strchr(")]}", (*op)[0]) && (*op)[1] == '\0') {
            if (depth == 0) {
                lex_error(&lx, ERR_SYNTAX, "SyntaxError", "unmatched '%c'", c);
                break;
            }
            depth--;
        }
        Token *t = push(&lx, T_OP);
        if (t != NULL)
            t->text = *op;
        lx.p += strlen(*op);
    }
    if (err->kind == ERR_NONE && depth > 0) {
        lx.line = open_line;
        lex_error(&lx, ERR_SYNTAX, "SyntaxError", "'%c' was never closed", open_char);
    }
    if (err->kind == ERR_NONE) {
        if (lx.n > 0 && lx.toks[lx.n - 1].kind != T_NEWLINE && lx.toks[lx.n - 1].kind != T_DEDENT &&
            lx.toks[lx.n - 1].kind != T_INDENT)
            push(&lx, T_NEWLINE);
        while (nindents-- > 1)
            push(&lx, T_DEDENT);
        push(&lx, T_EOF);
    }
    if (err->kind != ERR_NONE) {
        InterpError saved = *err;
        err->kind = ERR_NONE;
        Token *t = push(&lx, T_ERROR);
        if (t != NULL)
            t->line = saved.line;
        push(&lx, T_EOF);
        *err = saved;
    }
    Token *toks = NULL;
    if (lx.n > 0 && lx.toks[lx.n - 1].kind == T_EOF &&
        (toks = arena_alloc(arena, lx.n * sizeof *toks)) != NULL)
        memcpy(toks, lx.toks, lx.n * sizeof *toks);
    free(lx.toks);
    return arena->failed ? NULL : toks;
}
