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

static void lex_error(Lexer *lx, InterpErrKind kind, const char *exc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void lex_error(Lexer *lx, InterpErrKind kind, const char *exc, const char *fmt, ...)
{
    va_list ap;
    if (lx->err->kind != ERR_NONE)
        return;
    lx->err->kind = kind;
    lx->err->line = lx->line;
    lx->err->exc = exc;
    va_start(ap, fmt);
    vsnprintf(lx->err->what, sizeof lx->err->what, fmt, ap);
    va_end(ap);
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
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Read a string literal whose opening quote is at lx->p; raw strings keep
 * their backslashes.  Decodes escapes into a new STRING token. */
static int lex_string(Lexer *lx, int raw)
{
    char q = *lx->p;
    int triple = lx->p[1] == q && lx->p[2] == q;
    int start_line = lx->line;
    lx->p += triple ? 3 : 1;
    size_t cap = 64, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return -1;
    for (;;) {
        char c = *lx->p;
        if (n + 8 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (nb == NULL) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        if (c == '\0' || (c == '\n' && !triple)) {
            lx->line = start_line;
            lex_error(lx, ERR_SYNTAX, "SyntaxError", triple ? "unterminated triple-quoted string literal"
                                                            : "unterminated string literal");
            free(buf);
            return -1;
        }
        if (c == q && (!triple || (lx->p[1] == q && lx->p[2] == q))) {
            lx->p += triple ? 3 : 1;
            break;
        }
        if (c == '\n')
            lx->line++;
        if (c != '\\' || raw) {
            if (c == '\\' && lx->p[1] != '\0') {
                /* a raw string still cannot end in an escaped quote */
                buf[n++] = c;
                lx->p++;
                c = *lx->p;
                if (c == '\n')
                    lx->line++;
            }
            buf[n++] = c;
            lx->p++;
            continue;
        }
        c = lx->p[1];
        lx->p += 2;
        static const char simple[] = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
        const char *esc = c != '\0' ? strchr(simple, c) : NULL;
        if (esc != NULL && (esc - simple) % 2 == 0) {
            buf[n++] = esc[1];
            continue;
        }
        switch (c) {
        case '\n': lx->line++; break;
        case 'x': case 'u': case 'U': {
            int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            unsigned long cp = 0;
            for (int i = 0; i < digits; i++) {
                int h = hexval(lx->p[i]);
                if (h < 0) {
                    lex_error(lx, ERR_SYNTAX, "SyntaxError", "truncated \\%c escape in a string literal", c);
                    free(buf);
                    return -1;
                }
                cp = cp * 16 + (unsigned long)h;
            }
            lx->p += digits;
            if (cp > 0x10FFFF) {
                lex_error(lx, ERR_SYNTAX, "SyntaxError", "illegal Unicode character in a string literal");
                free(buf);
                return -1;
            }
            n += put_utf8(buf + n, cp);
            break;
        }
        case 'N':
            lex_error(lx, ERR_UNSUPPORTED, NULL, "\\N{...} escapes in strings");
            free(buf);
            return -1;
        default:
            if (c >= '0' && c <= '7') {
                unsigned long cp = (unsigned long)(c - '0');
                for (int i = 0; i < 2 && *lx->p >= '0' && *lx->p <= '7'; i++)
                    cp = cp * 8 + (unsigned long)(*lx->p++ - '0');
                n += put_utf8(buf + n, cp);
            } else if (c == '\0') {
                lx->p--;
            } else {
                /* unknown escapes keep their backslash, as in CPython */
                buf[n++] = '\\';
                buf[n++] = c;
            }
        }
    }
    Token *t = push(lx, T_STRING);
    if (t != NULL) {
        t->line = start_line;
        t->text = arena_strdup(lx->arena, buf, n);
        t->len = n;
    }
    free(buf);
    return 0;
}

/* Read an int literal: decimal, 0x, 0o, 0b, with underscores. */
static int lex_number(Lexer *lx)
{
    const char *s = lx->p;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, s += 2;
    else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
        base = 8, s += 2;
    else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
        base = 2, s += 2;
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
    if (*s == '.' || *s == 'e' || *s == 'E' || *s == 'j' || *s == 'J') {
        lex_error(lx, ERR_UNSUPPORTED, NULL, "float and complex literals");
        return -1;
    }
    if (isalnum((unsigned char)*s) || digits == 0) {
        lex_error(lx, ERR_SYNTAX, "SyntaxError", "invalid decimal literal");
        return -1;
    }
    if (overflow || v > (unsigned long long)LLONG_MAX) {
        lex_error(lx, ERR_UNSUPPORTED, NULL, "int literals beyond 64 bits");
        return -1;
    }
    Token *t = push(lx, T_INT);
    if (t == NULL)
        return -1;
    t->ival = (long long)v;
    lx->p = s;
    return 0;
}

static const char *const operators[] = {
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "**", "//",
    "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*",
    "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",",
    ":", ".", ";", "=", NULL,
};

/* Measure the indentation of the line at p: tabs go to the next multiple
 * of 8, as in CPython. */
static int measure_indent(const char **pp)
{
    const char *p = *pp;
    int col = 0;
    for (;; p++) {
        if (*p == ' ')
            col++;
        else if (*p == '\t')
            col = (col / 8 + 1) * 8;
        else if (*p == '\f')
            col = 0;
        else
            break;
    }
    *pp = p;
    return col;
}

Token *interp_tokenize(const char *source, Arena *arena, InterpError *err)
{
    Lexer lx = {.p = source, .line = 1, .arena = arena, .err = err};
    int indents[MAX_INDENT] = {0};
    int nindents = 1, depth = 0, at_line_start = 1;
    int open_line = 0;  /* where the outermost open bracket is */
    char open_char = 0;
    err->kind = ERR_NONE;
    if ((unsigned char)lx.p[0] == 0xEF && (unsigned char)lx.p[1] == 0xBB && (unsigned char)lx.p[2] == 0xBF)
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
                    lex_error(&lx, ERR_SYNTAX, "IndentationError", "too many levels of indentation");
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
                lex_error(&lx, ERR_SYNTAX, "SyntaxError", "unexpected character after line continuation character");
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
                    if (pc == 'r')
                        raw = 1;
                    else if (pc == 'b' || pc == 'f')
                        bad = pc;
                    else if (pc != 'u')
                        bad = '?';
                }
                if (bad == 'b') {
                    lex_error(&lx, ERR_UNSUPPORTED, NULL, "bytes literals");
                    break;
                }
                if (bad == 'f') {
                    lex_error(&lx, ERR_UNSUPPORTED, NULL, "f-strings");
                    break;
                }
                if (!bad) {
                    lex_string(&lx, raw);
                    continue;
                }
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
    if (lx.n > 0 && lx.toks[lx.n - 1].kind == T_EOF && (toks = arena_alloc(arena, lx.n * sizeof *toks)) != NULL)
        memcpy(toks, lx.toks, lx.n * sizeof *toks);
    free(lx.toks);
    return arena->failed ? NULL : toks;
}
