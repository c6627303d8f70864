/* pmtrace.h - allocation traces: read them, and replay them through an
 * object allocator while checking what a correct allocator must guarantee.
 * Shared by the pmreplay program and chapter 2's graded suite.
 *
 * The trace format (Malloc Lab's, in text), one operation per line:
 *
 *     a ID SIZE      p[ID] = PmObject_Malloc(SIZE)
 *     c ID N SIZE    p[ID] = PmObject_Calloc(N, SIZE)
 *     r ID SIZE      p[ID] = PmObject_Realloc(p[ID], SIZE)
 *     f ID           PmObject_Free(p[ID])
 *     # ...          a comment; blank lines are ignored too
 *
 * ID is a small integer naming a live block; it is reused once its block is
 * freed.  `a` and `c` need a free ID, `r` and `f` a live one; a trace that
 * breaks this is malformed.  Blocks still live at the end are left alone, so
 * a trace can end with a heap worth looking at.
 *
 * While replaying, every payload is checked to be 16-byte aligned, not to
 * overlap another live payload, and to lie inside an arena exactly when its
 * size is 1..512 bytes (a block from the system allocator stays there when
 * it is reallocated, as in CPython).  With fill on, each payload is written with a
 * pattern of its own, which must still be there when the block is
 * reallocated (up to the smaller size) or freed.  With a check interval,
 * _PmObject_CheckHeap runs every that many operations.
 */
#ifndef PMTRACE_H
#define PMTRACE_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pm_obmalloc.h"

/* Bounds that keep a malformed trace from asking for absurd memory. */
#define PM_TRACE_MAX_ID 1000000u
#define PM_TRACE_MAX_SIZE ((size_t)64 << 20)

typedef struct {
    char kind; /* 'a', 'c', 'r' or 'f' */
    unsigned id;
    size_t nelem; /* 'c' only */
    size_t size; /* bytes ('c': of one element) */
    long line; /* in the trace text, from 1 */
} PmTraceOp;

typedef struct {
    PmTraceOp *ops;
    size_t nops, cap;
    unsigned nids; /* one more than the largest ID */
} PmTrace;

static inline void pm_trace_clear(PmTrace *t)
{
    free(t->ops);
    memset(t, 0, sizeof *t);
}

static inline void pm_trace_msg(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void pm_trace_msg(char *msg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
}

/* Read an unsigned decimal number at *p (after blanks); 0 on success. */
static inline int pm_trace_number(const char **p, size_t *value)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    size_t v = 0;
    while (*s >= '0' && *s <= '9') {
        if (v > (SIZE_MAX - 9) / 10)
            return -1;
        v = v * 10 + (size_t)(*s++ - '0');
    }
    *value = v;
    *p = s;
    return 0;
}

/* Parse trace text into t (which the caller zeroes first).  Returns 0, or
 * -1 with a sentence naming the bad line in msg. */
static inline int pm_trace_parse(const char *text, PmTrace *t, char *msg, size_t msglen)
{
    unsigned char *live = NULL;
    size_t live_cap = 0;
    long line = 0;
    const char *p = text;
    int rc = -1;
    while (*p != '\0') {
        line++;
        const char *end = strchr(p, '\n');
        if (end == NULL)
            end = p + strlen(p);
        const char *s = p;
        p = *end ? end + 1 : end;
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (s == end || *s == '#' || *s == '\n')
            continue;
        PmTraceOp op = {.kind = *s++, .line = line};
        size_t id = 0;
        int bad = pm_trace_number(&s, &id) != 0;
        if (!bad && op.kind == 'c')
            bad = pm_trace_number(&s, &op.nelem) != 0;
        if (!bad && op.kind != 'f')
            bad = pm_trace_number(&s, &op.size) != 0;
        while (!bad && (*s == ' ' || *s == '\t' || *s == '\r'))
            s++;
        if (bad || s != end || strchr("acrf", op.kind) == NULL) {
            pm_trace_msg(msg, msglen,
                         "line %ld: expected 'a ID SIZE', 'c ID N SIZE', "
                         "'r ID SIZE' or 'f ID'",
                         line);
            goto done;
        }
        if (id >= PM_TRACE_MAX_ID || op.size > PM_TRACE_MAX_SIZE || op.nelem > PM_TRACE_MAX_SIZE ||
            (op.kind == 'c' && op.nelem != 0 && op.size > PM_TRACE_MAX_SIZE / op.nelem)) {
            pm_trace_msg(msg, msglen,
                         "line %ld: ID or size out of range (IDs below %u, "
                         "at most %zu bytes)",
                         line, PM_TRACE_MAX_ID, PM_TRACE_MAX_SIZE);
            goto done;
        }
        op.id = (unsigned)id;
        if (id >= live_cap) {
            size_t cap = live_cap ? live_cap : 64;
            while (cap <= id)
                cap *= 2;
            unsigned char *grown = realloc(live, cap);
            if (grown == NULL)
                goto oom;
            memset(grown + live_cap, 0, cap - live_cap);
            live = grown;
            live_cap = cap;
        }
        int was_live = live[id];
        if ((op.kind == 'a' || op.kind == 'c') && was_live) {
            pm_trace_msg(msg, msglen, "line %ld: ID %zu is still live (free it first)", line, id);
            goto done;
        }
        if ((op.kind == 'r' || op.kind == 'f') && !was_live) {
            pm_trace_msg(msg, msglen, "line %ld: ID %zu is not live", line, id);
            goto done;
        }
        live[id] = op.kind != 'f';
        if (t->nops == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 256;
            PmTraceOp *grown = realloc(t->ops, cap * sizeof *grown);
            if (grown == NULL)
                goto oom;
            t->ops = grown;
            t->cap = cap;
        }
        t->ops[t->nops++] = op;
        if (op.id + 1 > t->nids)
            t->nids = op.id + 1;
    }
    rc = 0;
    goto done;
oom:
    pm_trace_msg(msg, msglen, "out of memory reading the trace");
done:
    free(live);
    return rc;
}

/* Read a whole file into a malloc'd string; NULL (errno set) on failure. */
static inline char *pm_trace_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL) {
        fclose(f);
        return NULL;
    }
    char chunk[1 << 14];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, out);
    fclose(f);
    fclose(out);
    return buf;
}

static inline int pm_trace_load(const char *path, PmTrace *t, char *msg, size_t msglen)
{
    char *text = pm_trace_slurp(path);
    if (text == NULL) {
        pm_trace_msg(msg, msglen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = pm_trace_parse(text, t, msg, msglen);
    free(text);
    return rc;
}

/* ------------------------------------------------------------------------
 * A deterministic arena allocator.  Arenas are cut from one reserved region,
 * lowest free slot first, each `misalign` bytes past a POOL_SIZE boundary:
 * the same trace then gets the same arenas at the same offsets on every
 * run, so "bytes lost to arena alignment" and the radix tree's node counts
 * are reproducible.  Beyond the region it falls back to mmap.
 * ------------------------------------------------------------------------ */

#define PM_TRACE_ARENA_SLOTS 160

typedef struct {
    char *base; /* the region, POOL_SIZE-aligned */
    size_t misalign; /* 0: every arena is POOL_SIZE-aligned */
    unsigned char used[PM_TRACE_ARENA_SLOTS];
    size_t nalloc, nfree; /* calls, for tests */
} PmTraceArenas;

static inline size_t pm_trace_arena_stride(void)
{
    return ARENA_SIZE + POOL_SIZE;
}

static inline void *pm_trace_arena_alloc(void *ctx, size_t size)
{
    PmTraceArenas *a = ctx;
    a->nalloc++;
    if (a->base != NULL && size <= ARENA_SIZE) {
        for (size_t i = 0; i < PM_TRACE_ARENA_SLOTS; i++) {
            if (!a->used[i]) {
                a->used[i] = 1;
                return a->base + i * pm_trace_arena_stride() + a->misalign;
            }
        }
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static inline void pm_trace_arena_free(void *ctx, void *ptr, size_t size)
{
    PmTraceArenas *a = ctx;
    a->nfree++;
    char *p = ptr;
    size_t span = PM_TRACE_ARENA_SLOTS * pm_trace_arena_stride();
    if (a->base != NULL && p >= a->base && p < a->base + span) {
        size_t i = (size_t)(p - a->base) / pm_trace_arena_stride();
        /* Give the pages back, so a freed arena costs nothing until reused. */
        madvise(a->base + i * pm_trace_arena_stride(), pm_trace_arena_stride(), MADV_DONTNEED);
        a->used[i] = 0;
        return;
    }
    munmap(ptr, size);
}

/* Reserve the region and install the allocator (before the first
 * allocation).  Returns 0, or -1 if the region could not be reserved (the
 * allocator then maps every arena on its own). */
static inline int pm_trace_install_arenas(PmTraceArenas *a, size_t misalign)
{
    memset(a, 0, sizeof *a);
    a->misalign = misalign;
    size_t span = PM_TRACE_ARENA_SLOTS * pm_trace_arena_stride();
    /* The region starts on an ARENA_SIZE boundary and, with the radix tree,
     * lies in one leaf of the arena map, wherever the kernel puts it: then
     * the allocator takes the same branches on every run, and the work it
     * does (chapter 2's performance tests count it) is the same too. */
    void *region = mmap(NULL, 2 * span + ARENA_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    int rc = -1;
    if (region != MAP_FAILED) {
        uintptr_t b = ((uintptr_t)region + ARENA_SIZE_MASK) & ~(uintptr_t)ARENA_SIZE_MASK;
#ifdef MAP_MID_SHIFT
        uintptr_t leaf = (uintptr_t)1 << MAP_MID_SHIFT;
        uintptr_t next = (b + leaf - 1) & ~(leaf - 1);
        if (leaf > span && next > b && next < b + span)
            b = next;
#endif
        a->base = (char *)b;
        rc = 0;
    }
    PmObjectArenaAllocator alloc = {a, pm_trace_arena_alloc, pm_trace_arena_free};
    PmObject_SetArenaAllocator(&alloc);
    return rc;
}

/* ------------------------------------------------------------------------
 * Replaying.
 * ------------------------------------------------------------------------ */

/* The allocator under test: pmreplay and the suite pass the linked layer;
 * the suite's performance tests also pass the reference, renamed. */
typedef struct {
    void *(*malloc)(size_t size);
    void *(*calloc)(size_t nelem, size_t elsize);
    void *(*realloc)(void *ptr, size_t size);
    void (*free)(void *ptr);
    int (*check)(char *why, size_t whylen);
    const PmObmallocState *state;
} PmTraceLayer;

typedef struct {
    int fill; /* write and verify payload patterns */
    long check_every; /* run the heap checker every N operations; 0 never */
    long overlap_every; /* compare all live payloads every N operations; 0 at
                            the end only */
} PmTraceOptions;

typedef struct {
    void *p;
    size_t size;
    unsigned seed;
    int small; /* the block should be in a pool */
} PmTraceSlot;

static inline int pm_trace_is_small(size_t size)
{
    return size >= 1 && size <= SMALL_REQUEST_THRESHOLD;
}

static inline unsigned char pm_trace_byte(unsigned seed, size_t i)
{
    return (unsigned char)(seed + i + (i >> 8) * 7);
}

static inline void pm_trace_fill(unsigned char *p, size_t from, size_t to, unsigned seed)
{
    for (size_t i = from; i < to; i++)
        p[i] = pm_trace_byte(seed, i);
}

/* Index of the first byte of p[0..n) that lost its pattern, or n. */
static inline size_t pm_trace_verify(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != pm_trace_byte(seed, i))
            return i;
    return n;
}

/* Is p inside one of the layer's arenas? */
static inline int pm_trace_in_arena(const PmObmallocState *st, const void *p)
{
    if (st == NULL || st->arenas == NULL)
        return -1;
    for (pymem_uint i = 0; i < st->maxarenas; i++) {
        uintptr_t a = st->arenas[i].address;
        if (a != 0 && (uintptr_t)p - a < ARENA_SIZE)
            return 1;
    }
    return 0;
}

static inline int pm_trace_cmp_slot(const void *x, const void *y)
{
    const PmTraceSlot *a = *(PmTraceSlot *const *)x, *b = *(PmTraceSlot *const *)y;
    return (uintptr_t)a->p < (uintptr_t)b->p ? -1 : (uintptr_t)a->p > (uintptr_t)b->p;
}

/* 0 if no two live payloads overlap; else -1 and a sentence. */
static inline int pm_trace_overlaps(PmTraceSlot *slots, unsigned nids, const PmTraceOp *op,
                                    char *msg, size_t msglen)
{
    PmTraceSlot **live = malloc((nids ? nids : 1) * sizeof *live);
    if (live == NULL)
        return 0;
    size_t n = 0;
    for (unsigned i = 0; i < nids; i++)
        if (slots[i].p != NULL && slots[i].size > 0)
            live[n++] = &slots[i];
    qsort(live, n, sizeof *live, pm_trace_cmp_slot);
    int rc = 0;
    for (size_t i = 1; i < n; i++) {
        const PmTraceSlot *a = live[i - 1], *b = live[i];
        if ((uintptr_t)a->p + a->size > (uintptr_t)b->p) {
            pm_trace_msg(msg, msglen,
                         "after line %ld: the payloads of ID %zu (%p, %zu bytes) "
                         "and ID %zu (%p) overlap",
                         op ? op->line : 0L, (size_t)(a - slots), a->p, a->size,
                         (size_t)(b - slots), b->p);
            rc = -1;
            break;
        }
    }
    free(live);
    return rc;
}

/* Check a payload the allocator just returned for op. */
static inline int pm_trace_check_payload(const PmTraceLayer *L, const PmTraceOp *op, void *p,
                                         size_t size, int small, char *msg, size_t msglen)
{
    const char *fn = op->kind == 'a'   ? "PmObject_Malloc"
                     : op->kind == 'c' ? "PmObject_Calloc"
                                       : "PmObject_Realloc";
    if (p == NULL) {
        pm_trace_msg(msg, msglen, "line %ld: %s(%zu) returned NULL", op->line, fn, size);
        return -1;
    }
    if ((uintptr_t)p % ALIGNMENT != 0) {
        pm_trace_msg(msg, msglen, "line %ld: %s(%zu) returned %p, which is not %d-byte aligned",
                     op->line, fn, size, p, ALIGNMENT);
        return -1;
    }
    int inside = pm_trace_in_arena(L->state, p);
    if (inside >= 0 && inside != small) {
        pm_trace_msg(msg, msglen,
                     small ? "line %ld: %s(%zu) returned %p, which is in no arena: requests of "
                             "1..512 bytes are served from pools"
                     : op->kind == 'r' && size >= 1 && size <= SMALL_REQUEST_THRESHOLD
                         ? "line %ld: %s(%zu) returned %p, inside an arena: a block from the "
                           "system allocator stays there when it is reallocated"
                         : "line %ld: %s(%zu) returned %p, inside an arena: requests of 0 or more "
                           "than 512 bytes go to the system allocator",
                     op->line, fn, size, p);
        return -1;
    }
    if (small && inside == 1) {
        /* The pool the block lies in must serve a size class that fits. */
        const struct pool_header *pool = POOL_ADDR(p);
        if (pool->szidx >= NB_SMALL_SIZE_CLASSES || INDEX2SIZE(pool->szidx) < size) {
            pm_trace_msg(msg, msglen,
                         "line %ld: %s(%zu) returned %p from a pool of size "
                         "class %u, whose blocks are too small",
                         op->line, fn, size, p, pool->szidx);
            return -1;
        }
    }
    return 0;
}

/* Replay t through L.  Returns 0, or 1 with a sentence naming the trace line
 * in msg.  Blocks still live at the end stay allocated; pm_trace_release
 * frees them. */
static inline int pm_trace_replay(const PmTrace *t, const PmTraceLayer *L, const PmTraceOptions *o,
                                  PmTraceSlot **slots_out, char *msg, size_t msglen)
{
    PmTraceSlot *slots = calloc(t->nids ? t->nids : 1, sizeof *slots);
    if (slots == NULL) {
        pm_trace_msg(msg, msglen, "out of memory for the trace's blocks");
        return 1;
    }
    *slots_out = slots;
    char why[512];
    for (size_t k = 0; k < t->nops; k++) {
        const PmTraceOp *op = &t->ops[k];
        PmTraceSlot *s = &slots[op->id];
        unsigned seed = (unsigned)(op->id * 2654435761u + (unsigned)k * 40503u);
        switch (op->kind) {
        case 'a':
        case 'c': {
            size_t size = op->kind == 'a' ? op->size : op->nelem * op->size;
            void *p = op->kind == 'a' ? L->malloc(op->size) : L->calloc(op->nelem, op->size);
            if (pm_trace_check_payload(L, op, p, size, pm_trace_is_small(size), msg, msglen) != 0)
                return 1;
            if (op->kind == 'c') {
                const unsigned char *b = p;
                for (size_t i = 0; i < size; i++) {
                    if (b[i] != 0) {
                        pm_trace_msg(msg, msglen,
                                     "line %ld: PmObject_Calloc(%zu, %zu) returned "
                                     "memory whose byte %zu is 0x%02x, not zero",
                                     op->line, op->nelem, op->size, i, b[i]);
                        return 1;
                    }
                }
            }
            s->p = p;
            s->size = size;
            s->seed = seed;
            s->small = pm_trace_is_small(size);
            if (o->fill)
                pm_trace_fill(p, 0, size, seed);
            break;
        }
        case 'r': {
            size_t keep = s->size < op->size ? s->size : op->size;
            void *p = L->realloc(s->p, op->size);
            /* pymalloc never takes over a block that came from malloc. */
            int small = s->small && pm_trace_is_small(op->size);
            if (pm_trace_check_payload(L, op, p, op->size, small, msg, msglen) != 0)
                return 1;
            if (o->fill) {
                size_t bad = pm_trace_verify(p, keep, s->seed);
                if (bad < keep) {
                    pm_trace_msg(msg, msglen,
                                 "line %ld: PmObject_Realloc(ID %u, %zu) lost the "
                                 "contents: byte %zu of %zu kept bytes changed",
                                 op->line, op->id, op->size, bad, keep);
                    return 1;
                }
                pm_trace_fill(p, keep, op->size, s->seed);
            }
            s->p = p;
            s->size = op->size;
            s->small = small;
            break;
        }
        case 'f':
            if (o->fill) {
                size_t bad = pm_trace_verify(s->p, s->size, s->seed);
                if (bad < s->size) {
                    pm_trace_msg(msg, msglen,
                                 "line %ld: before PmObject_Free(ID %u), byte %zu "
                                 "of its %zu bytes had changed: another block was handed out "
                                 "over it, or a free list was written into it",
                                 op->line, op->id, bad, s->size);
                    return 1;
                }
            }
            L->free(s->p);
            s->p = NULL;
            s->size = 0;
            break;
        }
        if (o->check_every > 0 && (k + 1) % (size_t)o->check_every == 0 && L->check != NULL) {
            why[0] = '\0';
            if (L->check(why, sizeof why) != 0) {
                pm_trace_msg(msg, msglen, "after line %ld: the heap checker found: %s", op->line,
                             why[0] ? why : "(no reason given)");
                return 1;
            }
        }
        if (o->overlap_every > 0 && (k + 1) % (size_t)o->overlap_every == 0 &&
            pm_trace_overlaps(slots, t->nids, op, msg, msglen) != 0)
            return 1;
    }
    const PmTraceOp *last = t->nops ? &t->ops[t->nops - 1] : NULL;
    if (pm_trace_overlaps(slots, t->nids, last, msg, msglen) != 0)
        return 1;
    if (L->check != NULL) {
        why[0] = '\0';
        if (L->check(why, sizeof why) != 0) {
            pm_trace_msg(msg, msglen, "at the end of the trace: the heap checker found: %s",
                         why[0] ? why : "(no reason given)");
            return 1;
        }
    }
    return 0;
}

/* Free what the trace left live, and the slots. */
static inline void pm_trace_release(const PmTrace *t, const PmTraceLayer *L, PmTraceSlot *slots)
{
    if (slots == NULL)
        return;
    for (unsigned i = 0; i < t->nids; i++)
        if (slots[i].p != NULL)
            L->free(slots[i].p);
    free(slots);
}

/* Replay without any checking: what the performance tests time. */
static inline void pm_trace_replay_fast(const PmTrace *t, const PmTraceLayer *L, void **ptrs)
{
    for (size_t k = 0; k < t->nops; k++) {
        const PmTraceOp *op = &t->ops[k];
        switch (op->kind) {
        case 'a': ptrs[op->id] = L->malloc(op->size); break;
        case 'c': ptrs[op->id] = L->calloc(op->nelem, op->size); break;
        case 'r': ptrs[op->id] = L->realloc(ptrs[op->id], op->size); break;
        case 'f':
            L->free(ptrs[op->id]);
            ptrs[op->id] = NULL;
            break;
        }
        /* Touch the block as a program would, so laziness is not free. */
        if (op->kind != 'f' && ptrs[op->id] != NULL && op->size > 0)
            *(volatile unsigned char *)ptrs[op->id] = (unsigned char)k;
    }
    for (unsigned i = 0; i < t->nids; i++) {
        if (ptrs[i] != NULL) {
            L->free(ptrs[i]);
            ptrs[i] = NULL;
        }
    }
}

#endif /* PMTRACE_H */
