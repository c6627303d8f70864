/* arenaviz.c - a picture of pymalloc's heap (chapter 2): one box per arena,
 * one node per pool carved from it, coloured by state (used, full, empty),
 * and a tag on each arena a finger of nfp2lasta points to, laid out by
 * Graphviz (cgraph + gvc) from _PmObmalloc_state.
 *
 * The heap drawn may be one an allocator under test broke.  Its memory is
 * only ever read through safe_copy, which fails instead of faulting; every
 * pointer is checked against the arena table before it is followed; every
 * walk is bounded.  What does not add up is drawn in red, never trusted.
 */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "pm_obmalloc.h"
#include "../pm_core.h"

#define FONT "Helvetica"
#define MAX_TABLE 65536 /* arena_objects believed in one table */
#define MAX_DRAWN_ARENAS 16 /* the rest are counted in one node */
#define MAX_POOL_NODES 512 /* pools drawn one by one, over all arenas */
#define COLUMNS 8 /* pools per row inside an arena */
#define MAX_NOTES 8 /* red notes about the whole heap */
#define MAX_LIST_EDGES 16 /* usedpools drawn as edges up to this many pools */
#define MAX_FINGER_TAGS 4 /* nfp2lasta tags drawn on one arena */

#define COLOR_USED "#fde68a"
#define COLOR_FULL "#f4a582"
#define COLOR_EMPTY "#d9f0d3"
#define COLOR_UNTOUCHED "#f0f0f0"
#define COLOR_BAD "mistyrose"
#define COLOR_FINGER "steelblue"

/* ---- reading memory that may not be there ---------------------------------- */

/* Copy n bytes (at most PIPE_BUF) from src: 0, or -1 if any of them cannot
 * be read.  The bytes go through a pipe: write(2) reports an unreadable
 * source as EFAULT where a plain load would crash.  The pipe is made on
 * first use and kept for the life of the process. */
static int safe_copy(void *dst, const void *src, size_t n)
{
    static int fd[2] = {-1, -1};
    if (fd[0] < 0 && pipe2(fd, O_CLOEXEC) != 0) {
        fd[0] = -1;
        return -1;
    }
    ssize_t wrote = write(fd[1], src, n);
    /* Drain whatever went in, so the pipe is empty for the next copy. */
    for (ssize_t got = 0, r; wrote > 0 && got < wrote; got += r) {
        r = read(fd[0], (char *)dst + got, (size_t)(wrote - got));
        if (r <= 0)
            return -1;
    }
    return wrote == (ssize_t)n ? 0 : -1;
}

/* ---- what the picture knows ---------------------------------------------- */

enum pool_state { POOL_USED, POOL_FULL, POOL_EMPTY, POOL_BAD };

typedef struct {
    struct pool_header h; /* a copy of the header */
    int readable;
    int on_freepools;
    int used_class; /* the usedpools list it is on, or -1 */
    int next_in_list; /* index in the same arena of the next pool on
                             that list, or -1 (for edges) */
    struct arenainfo *next_arena;
    enum pool_state state;
    char why[96]; /* when POOL_BAD */
    Agnode_t *node;
} poolinfo;

/* A finger of nfp2lasta drawn on an arena: nfp2lasta[n] points to it, or
 * (when wrong) should. */
typedef struct {
    pymem_uint n;
    char why[112]; /* empty when the finger is right */
} fingertag;

typedef struct arenainfo {
    pymem_uint index;
    struct arena_object a; /* a copy of the table entry */
    uintptr_t first; /* the first pool-aligned address */
    pymem_uint ncarved; /* pools carved so far: first .. pool_address */
    pymem_uint nuntouched; /* pools never carved */
    int usable_pos; /* 1-based position in usable_arenas; 0 if not */
    char why[128]; /* what is wrong with the arena itself */
    fingertag fingers[MAX_FINGER_TAGS];
    int nfingers, more_fingers;
    poolinfo pools[MAX_POOLS_IN_ARENA];
} arenainfo;

typedef struct {
    const PmObmallocState *st;
    arenainfo *arenas; /* the allocated ones, sorted by address */
    size_t narenas;
    char notes[MAX_NOTES][160];
    int nnotes, more_notes;
    int list_pools; /* pools on the usedpools lists */
    int usable_whole; /* usable_arenas was walked to its end */
    /* last_usable[n]: the last arena on usable_arenas with n free pools,
     * what nfp2lasta[n] should point to (when usable_whole). */
    arenainfo *last_usable[MAX_POOLS_IN_ARENA + 1];
} heapview;

static void note(heapview *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(heapview *v, const char *fmt, ...)
{
    if (v->nnotes == MAX_NOTES) {
        v->more_notes++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->notes[v->nnotes++], sizeof v->notes[0], fmt, ap);
    va_end(ap);
}

static int by_address(const void *x, const void *y)
{
    const arenainfo *a = x, *b = y;
    return a->a.address < b->a.address ? -1 : a->a.address > b->a.address;
}

/* The arena whose carved pools include the pool at p, with its pool index
 * in *k; NULL if p is no such pool. */
static arenainfo *locate_pool(heapview *v, const void *p, int *k)
{
    uintptr_t x = (uintptr_t)p;
    size_t lo = 0, hi = v->narenas;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->arenas[mid].a.address <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    arenainfo *ai = &v->arenas[lo - 1];
    if (x < ai->first || (x & POOL_SIZE_MASK) != 0 || (x - ai->first) / POOL_SIZE >= ai->ncarved)
        return NULL;
    *k = (int)((x - ai->first) / POOL_SIZE);
    return ai;
}

/* The arena of table entry p (a pointer into the table), or NULL. */
static arenainfo *locate_arena(heapview *v, const struct arena_object *p)
{
    uintptr_t off = (uintptr_t)p - (uintptr_t)v->st->arenas;
    if ((uintptr_t)p < (uintptr_t)v->st->arenas || off % sizeof *p != 0)
        return NULL;
    for (size_t i = 0; i < v->narenas; i++)
        if (v->arenas[i].index == off / sizeof *p)
            return &v->arenas[i];
    return NULL;
}

/* Copy the table's allocated entries and their pool headers. */
static int read_arenas(heapview *v)
{
    const PmObmallocState *st = v->st;
    pymem_uint max = st->maxarenas;
    if (st->arenas == NULL)
        return 0;
    if (max > MAX_TABLE) {
        note(v, "maxarenas is %u: only the first %u entries are read", max, MAX_TABLE);
        max = MAX_TABLE;
    }
    size_t cap = 0;
    for (pymem_uint i = 0; i < max; i++) {
        struct arena_object a;
        if (safe_copy(&a, &st->arenas[i], sizeof a) != 0) {
            note(v, "the arena table (%u entries at %p) cannot be read from entry %u on", max,
                 (void *)st->arenas, i);
            break;
        }
        if (a.address == 0)
            continue;
        if (v->narenas == cap) {
            cap = cap ? 2 * cap : 16;
            arenainfo *grown = realloc(v->arenas, cap * sizeof *grown);
            if (grown == NULL)
                return -1;
            v->arenas = grown;
        }
        arenainfo *ai = &v->arenas[v->narenas++];
        memset(ai, 0, sizeof *ai);
        ai->a = a;
        ai->index = i;
    }
    if (v->narenas > 1)
        qsort(v->arenas, v->narenas, sizeof *v->arenas, by_address);

    for (size_t i = 0; i < v->narenas; i++) {
        arenainfo *ai = &v->arenas[i];
        uintptr_t end = ai->a.address + ARENA_SIZE, pa = (uintptr_t)ai->a.pool_address;
        ai->first = (ai->a.address + POOL_SIZE_MASK) & ~(uintptr_t)POOL_SIZE_MASK;
        pymem_uint total = (pymem_uint)((end - ai->first) / POOL_SIZE);
        if (i > 0 && ai->a.address < v->arenas[i - 1].a.address + ARENA_SIZE)
            snprintf(ai->why, sizeof ai->why, "overlaps arena %u", v->arenas[i - 1].index);
        if (pa < ai->first || pa > ai->first + (uintptr_t)total * POOL_SIZE ||
            (pa & POOL_SIZE_MASK) != 0) {
            snprintf(ai->why, sizeof ai->why, "pool_address %p is no pool boundary of the arena",
                     (void *)pa);
            pa = ai->first; /* nothing is believed carved */
        }
        ai->ncarved = (pymem_uint)((pa - ai->first) / POOL_SIZE);
        ai->nuntouched = total - ai->ncarved;
        if (ai->why[0] == '\0' && ai->a.ntotalpools != total)
            snprintf(ai->why, sizeof ai->why, "ntotalpools is %u, but %u pools fit",
                     ai->a.ntotalpools, total);
        for (pymem_uint k = 0; k < ai->ncarved; k++) {
            poolinfo *p = &ai->pools[k];
            p->readable = safe_copy(&p->h, (void *)(ai->first + k * POOL_SIZE), sizeof p->h) == 0;
            p->used_class = p->next_in_list = -1;
        }
    }
    return 0;
}

/* ---- the lists ---------------------------------------------------------------- */

static void walk_freepools(heapview *v, arenainfo *ai)
{
    const struct pool_header *p = ai->a.freepools;
    for (pymem_uint steps = 0; p != NULL; steps++) {
        int k;
        arenainfo *owner = locate_pool(v, p, &k);
        if (owner != ai || !ai->pools[k].readable) {
            note(v, "arena %u's freepools leads to %p, which is no pool carved from it", ai->index,
                 (const void *)p);
            return;
        }
        if (ai->pools[k].on_freepools || steps > ai->ncarved) {
            note(v, "arena %u's freepools loops back to pool %d", ai->index, k);
            return;
        }
        ai->pools[k].on_freepools = 1;
        p = ai->pools[k].h.nextpool;
    }
}

static void walk_usedpools(heapview *v, int c, size_t bound)
{
    const PmObmallocState *st = v->st;
    const struct pool_header *head =
        (const struct pool_header *)((const uint8_t *)&st->usedpools[2 * c] -
                                     2 * sizeof(pymem_block *));
    const struct pool_header *p = st->usedpools[2 * c];
    poolinfo *prev = NULL;
    for (size_t steps = 0; p != head; steps++) {
        int k;
        arenainfo *ai = locate_pool(v, p, &k);
        if (ai == NULL || !ai->pools[k].readable) {
            note(v,
                 "usedpools[%d] (%u-byte blocks) leads to %p, which is no pool carved from an "
                 "arena",
                 2 * c, INDEX2SIZE(c), (const void *)p);
            return;
        }
        poolinfo *pi = &ai->pools[k];
        if (pi->used_class >= 0 || steps > bound) {
            note(v, "usedpools[%d] (%u-byte blocks) loops back to pool %d of arena %u", 2 * c,
                 INDEX2SIZE(c), k, ai->index);
            return;
        }
        pi->used_class = c;
        if (prev != NULL) {
            prev->next_in_list = k;
            prev->next_arena = ai;
        }
        prev = pi;
        v->list_pools++;
        p = pi->h.nextpool;
    }
}

static void walk_usable(heapview *v)
{
    const struct arena_object *p = v->st->usable_arenas;
    arenainfo *prev = NULL;
    for (int pos = 1; p != NULL; pos++) {
        arenainfo *ai = locate_arena(v, p);
        if (ai == NULL) {
            note(v, "usable_arenas leads to %p, which is no allocated arena of the table",
                 (const void *)p);
            return;
        }
        if (ai->usable_pos != 0 || (size_t)pos > v->narenas) {
            note(v, "usable_arenas loops back to arena %u", ai->index);
            return;
        }
        if (prev != NULL && prev->a.nfreepools > ai->a.nfreepools)
            note(v,
                 "usable_arenas is not sorted by free pools: arena %u (%u free) comes after "
                 "arena %u (%u free)",
                 ai->index, ai->a.nfreepools, prev->index, prev->a.nfreepools);
        ai->usable_pos = pos;
        if (ai->a.nfreepools <= MAX_POOLS_IN_ARENA)
            v->last_usable[ai->a.nfreepools] = ai;
        prev = ai;
        p = ai->a.nextarena;
    }
    v->usable_whole = 1;
}

/* ---- the fingers ---------------------------------------------------------------- */

static void tag_finger(arenainfo *ai, pymem_uint n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void tag_finger(arenainfo *ai, pymem_uint n, const char *fmt, ...)
{
    if (ai->nfingers == MAX_FINGER_TAGS) {
        ai->more_fingers++;
        return;
    }
    fingertag *t = &ai->fingers[ai->nfingers++];
    t->n = n;
    t->why[0] = '\0';
    if (fmt != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->why, sizeof t->why, fmt, ap);
        va_end(ap);
    }
}

/* nfp2lasta[n] must point to the last arena on usable_arenas with n free
 * pools, or be NULL if none has n.  A finger that points elsewhere is
 * stale: the next arena that gives up a pool or takes one back is moved to
 * the wrong place, and usable_arenas is no longer sorted.  Each finger is
 * tagged on the arena it points to, a wrong one in red, and the arena it
 * should point to is tagged too.  Judged only when usable_arenas could be
 * walked to its end. */
static void check_fingers(heapview *v)
{
    for (pymem_uint n = 0; n <= MAX_POOLS_IN_ARENA; n++) {
        const struct arena_object *f = v->st->nfp2lasta[n];
        arenainfo *at = f != NULL ? locate_arena(v, f) : NULL;
        arenainfo *want = v->usable_whole ? v->last_usable[n] : NULL;
        if (f != NULL && at == NULL) {
            note(v, "nfp2lasta[%u] is %p, which is no allocated arena of the table", n,
                 (const void *)f);
        } else if (at != NULL && (at == want || !v->usable_whole)) {
            tag_finger(at, n, NULL);
        } else if (at != NULL) {
            if (at->usable_pos == 0)
                tag_finger(at, n, "stale: this arena is not in usable_arenas");
            else if (at->a.nfreepools != n)
                tag_finger(at, n, "stale: this arena has %u free pool%s", at->a.nfreepools,
                           at->a.nfreepools == 1 ? "" : "s");
            else
                tag_finger(at, n, "stale: arena %u, later in usable_arenas, has %u too",
                           want->index, n);
            if (want != NULL)
                note(v,
                     "nfp2lasta[%u] points to arena %u, but the last arena in usable_arenas "
                     "with %u free pools is arena %u",
                     n, at->index, n, want->index);
            else
                note(v,
                     "nfp2lasta[%u] points to arena %u, but no arena in usable_arenas has %u "
                     "free pools: it should be NULL",
                     n, at->index, n);
        }
        if (want != NULL && at != want) {
            if (at != NULL)
                tag_finger(want, n, "should point here, not to arena %u", at->index);
            else
                tag_finger(want, n, "should point here: it is %s", f ? "no arena" : "NULL");
            if (f == NULL)
                note(v,
                     "nfp2lasta[%u] is NULL, but arena %u is the last in usable_arenas with "
                     "%u free pools",
                     n, want->index, n);
        }
    }
}

/* Each pool's state, from its header and the lists it is on; the arena's
 * counts against its pools. */
static void classify(heapview *v)
{
    for (size_t i = 0; i < v->narenas; i++) {
        arenainfo *ai = &v->arenas[i];
        pymem_uint empty = 0;
        for (pymem_uint k = 0; k < ai->ncarved; k++) {
            poolinfo *p = &ai->pools[k];
            pymem_uint cls = p->h.szidx, count = p->h.ref.count;
            p->state = POOL_BAD;
            if (!p->readable)
                snprintf(p->why, sizeof p->why, "unreadable");
            else if (p->on_freepools) {
                empty++;
                if (p->used_class >= 0)
                    snprintf(p->why, sizeof p->why, "on freepools and in usedpools[%d]",
                             2 * p->used_class);
                else if (count != 0)
                    snprintf(p->why, sizeof p->why, "on freepools with %u blocks in use", count);
                else
                    p->state = POOL_EMPTY;
            } else if (cls >= NB_SMALL_SIZE_CLASSES)
                snprintf(p->why, sizeof p->why, "size class %u", cls);
            else if (count == 0)
                snprintf(p->why, sizeof p->why, "no block in use, yet not on freepools");
            else if (count > NUMBLOCKS(cls))
                snprintf(p->why, sizeof p->why, "%u blocks in use, room for %u", count,
                         NUMBLOCKS(cls));
            else if (count == NUMBLOCKS(cls)) {
                if (p->used_class >= 0)
                    snprintf(p->why, sizeof p->why, "full, yet in usedpools[%d]",
                             2 * p->used_class);
                else
                    p->state = POOL_FULL;
            } else if (p->used_class < 0)
                snprintf(p->why, sizeof p->why, "not in usedpools[%u]:\\nno allocation can find it",
                         2 * cls);
            else if ((pymem_uint)p->used_class != cls)
                snprintf(p->why, sizeof p->why, "in usedpools[%d]", 2 * p->used_class);
            else
                p->state = POOL_USED;
        }
        if (ai->why[0] == '\0' && ai->a.nfreepools != empty + ai->nuntouched)
            snprintf(ai->why, sizeof ai->why,
                     "nfreepools is %u, but %u pools are empty or "
                     "untouched",
                     ai->a.nfreepools, empty + ai->nuntouched);
        if (ai->why[0] == '\0' && (ai->a.nfreepools > 0) != (ai->usable_pos > 0))
            snprintf(ai->why, sizeof ai->why,
                     ai->usable_pos > 0 ? "in usable_arenas without a free pool"
                                        : "has a free pool, yet is not in usable_arenas");
    }
}

/* ---- drawing -------------------------------------------------------------------- */

/* Append text to buf, doubling backslashes (Graphviz reads \n, \l as
 * escapes) and breaking lines at a space after about `width` characters. */
static void append_wrapped(char *buf, size_t size, const char *text, size_t width)
{
    size_t len = strlen(buf), col = 0;
    for (; *text != '\0' && len + 3 < size; text++, col++) {
        if (*text == ' ' && col >= width) {
            buf[len++] = '\\';
            buf[len++] = 'n';
            col = 0;
            continue;
        }
        if (*text == '\\')
            buf[len++] = '\\';
        buf[len++] = *text;
    }
    buf[len] = '\0';
}

static Agnode_t *add_node(Agraph_t *g, const char *name, const char *label, const char *fill)
{
    Agnode_t *n = agnode(g, (char *)name, 1);
    agsafeset(n, "label", (char *)label, "");
    agsafeset(n, "fillcolor", (char *)fill, "");
    return n;
}

static void mark_bad(Agnode_t *n)
{
    agsafeset(n, "color", "red", "");
    agsafeset(n, "fontcolor", "red", "");
    agsafeset(n, "penwidth", "2", "");
    agsafeset(n, "fillcolor", COLOR_BAD, "");
}

static void invisible_edge(Agraph_t *g, Agnode_t *from, Agnode_t *to)
{
    Agedge_t *e = agedge(g, from, to, NULL, 1);
    agsafeset(e, "style", "invis", "");
}

static void pool_label(const poolinfo *p, pymem_uint k, char *buf, size_t size)
{
    pymem_uint cls = p->h.szidx;
    if (p->state == POOL_EMPTY)
        snprintf(buf, size, "pool %u\\nempty", k);
    else if (p->state == POOL_BAD && (!p->readable || cls >= NB_SMALL_SIZE_CLASSES))
        snprintf(buf, size, "pool %u\\n%s", k, p->why);
    else if (p->state == POOL_BAD)
        snprintf(buf, size, "pool %u: %u-byte blocks\\n%u of %u in use\\n%s", k, INDEX2SIZE(cls),
                 p->h.ref.count, NUMBLOCKS(cls), p->why);
    else
        snprintf(buf, size, "pool %u: %u-byte blocks\\n%u of %u in use", k, INDEX2SIZE(cls),
                 p->h.ref.count, NUMBLOCKS(cls));
}

/* Put cells[0..n) in rows of COLUMNS, left to right: each row is a rank of
 * its own (rank=same), ordered by invisible edges within it, and stacked
 * below the previous row by an invisible edge between their first cells
 * (more edges between rows only give the layout crossings to undo). */
static void lay_out_grid(Agraph_t *g, Agnode_t **cells, int n)
{
    for (int row = 0; row * COLUMNS < n; row++) {
        char name[64];
        snprintf(name, sizeof name, "row%d_of_%s", row, agnameof(g));
        Agraph_t *r = agsubg(g, name, 1);
        agsafeset(r, "rank", "same", "");
        for (int i = row * COLUMNS; i < n && i < (row + 1) * COLUMNS; i++) {
            agsubnode(r, cells[i], 1);
            if (i > row * COLUMNS)
                invisible_edge(g, cells[i - 1], cells[i]);
            if (i == row * COLUMNS && i + COLUMNS < n)
                invisible_edge(g, cells[i], cells[i + COLUMNS]);
        }
    }
}

/* A finger's tag: nfp2lasta[n], in red with what is wrong if it is. */
static Agnode_t *finger_node(Agraph_t *g, const char *name, const char *text, int bad)
{
    Agnode_t *n = add_node(g, name, text, "white");
    agsafeset(n, "shape", "cds", "");
    agsafeset(n, "color", COLOR_FINGER, "");
    agsafeset(n, "fontcolor", COLOR_FINGER, "");
    /* Graphviz draws a cds shorter than the node it lays out: more margin,
     * or a label of several lines spills over its edges. */
    if (strstr(text, "\\n") != NULL)
        agsafeset(n, "margin", "0.11,0.15", "");
    if (bad)
        mark_bad(n);
    return n;
}

/* The fingers pointing to an arena, in a row of their own at its top.
 * Returns how many nodes it drew into tags. */
static int draw_fingers(Agraph_t *c, arenainfo *ai, Agnode_t **tags)
{
    if (ai->nfingers == 0)
        return 0;
    char name[64], label[256];
    snprintf(name, sizeof name, "fingers_of_arena%u", ai->index);
    Agraph_t *row = agsubg(c, name, 1);
    int ntags = 0;
    for (int i = 0; i < ai->nfingers; i++) {
        const fingertag *t = &ai->fingers[i];
        snprintf(name, sizeof name, "a%u_finger%d", ai->index, i);
        snprintf(label, sizeof label, "nfp2lasta[%u]", t->n);
        if (t->why[0] != '\0') {
            strncat(label, "\\n", sizeof label - strlen(label) - 1);
            append_wrapped(label, sizeof label, t->why, 24);
        }
        tags[ntags++] = finger_node(row, name, label, t->why[0] != '\0');
    }
    if (ai->more_fingers > 0) {
        snprintf(name, sizeof name, "a%u_more_fingers", ai->index);
        snprintf(label, sizeof label, "... and %d more\\nfingers", ai->more_fingers);
        tags[ntags++] = finger_node(row, name, label, 1);
    }
    lay_out_grid(row, tags, ntags);
    return ntags;
}

/* One arena: a cluster with the fingers of nfp2lasta that point to it, then
 * its pools, COLUMNS to a row, then its untouched pools as one node.
 * Returns the first node of its last row, to hang the next arena below;
 * *budget counts down the pools still drawn one by one. */
static Agnode_t *draw_arena(Agraph_t *g, arenainfo *ai, Agnode_t *above, int *budget)
{
    char name[64], label[512];
    snprintf(name, sizeof name, "cluster_arena%u", ai->index);
    Agraph_t *c = agsubg(g, name, 1);
    snprintf(label, sizeof label, "arena %u at %p: %u of %u pools free, %s", ai->index,
             (void *)ai->a.address, ai->a.nfreepools, ai->a.ntotalpools,
             ai->usable_pos > 0 ? "" : "not in usable_arenas");
    if (ai->usable_pos > 0)
        snprintf(label + strlen(label), sizeof label - strlen(label), "usable_arenas #%d",
                 ai->usable_pos);
    if (ai->why[0] != '\0') {
        snprintf(label + strlen(label), sizeof label - strlen(label), "\\n%s", ai->why);
        agsafeset(c, "color", "red", "");
        agsafeset(c, "fontcolor", "red", "");
    }
    agsafeset(c, "label", label, "");

    Agnode_t *tags[MAX_FINGER_TAGS + 1];
    int ntags = draw_fingers(c, ai, tags);

    Agnode_t *cells[MAX_POOLS_IN_ARENA + 2];
    int ncells = 0;
    pymem_uint k = 0;
    for (; k<ai->ncarved && * budget> 0; k++, (*budget)--) {
        poolinfo *p = &ai->pools[k];
        snprintf(name, sizeof name, "a%u_p%u", ai->index, k);
        pool_label(p, k, label, sizeof label);
        static const char *fills[] = {COLOR_USED, COLOR_FULL, COLOR_EMPTY, COLOR_BAD};
        p->node = add_node(c, name, label, fills[p->state]);
        agsafeset(p->node, "width", "1.6", "");
        if (p->state == POOL_BAD)
            mark_bad(p->node);
        cells[ncells++] = p->node;
    }
    if (k < ai->ncarved) {
        pymem_uint n[4] = {0};
        for (pymem_uint j = k; j < ai->ncarved; j++)
            n[ai->pools[j].state]++;
        snprintf(name, sizeof name, "a%u_more", ai->index);
        snprintf(label, sizeof label, "... %u more pools:\\n%u used, %u full, %u empty%s",
                 ai->ncarved - k, n[POOL_USED], n[POOL_FULL], n[POOL_EMPTY],
                 n[POOL_BAD] ? ", some inconsistent" : "");
        Agnode_t *more = add_node(c, name, label, "white");
        agsafeset(more, "style", "dashed", "");
        if (n[POOL_BAD])
            mark_bad(more);
        cells[ncells++] = more;
    }
    if (ai->nuntouched > 0 || ncells == 0) {
        snprintf(name, sizeof name, "a%u_untouched", ai->index);
        snprintf(label, sizeof label, "%u untouched pool%s\\n(never carved)", ai->nuntouched,
                 ai->nuntouched == 1 ? "" : "s");
        Agnode_t *u = add_node(c, name, label, COLOR_UNTOUCHED);
        agsafeset(u, "style", "filled,dashed", "");
        cells[ncells++] = u;
    }
    lay_out_grid(c, cells, ncells);
    if (ntags > 0)
        invisible_edge(g, tags[0], cells[0]);
    if (above != NULL)
        invisible_edge(g, above, ntags > 0 ? tags[0] : cells[0]);
    return cells[ncells - 1 - (ncells - 1) % COLUMNS];
}

/* The usedpools lists as edges from a head node per size class, when they
 * are short enough to follow by eye. */
static void draw_usedpools(Agraph_t *g, heapview *v)
{
    if (v->list_pools == 0 || v->list_pools > MAX_LIST_EDGES)
        return;
    for (size_t i = 0; i < v->narenas; i++) {
        arenainfo *ai = &v->arenas[i];
        for (pymem_uint k = 0; k < ai->ncarved; k++) {
            poolinfo *p = &ai->pools[k];
            if (p->used_class < 0 || p->node == NULL)
                continue;
            if (p->next_in_list >= 0 && p->next_arena->pools[p->next_in_list].node != NULL) {
                Agedge_t *e =
                    agedge(g, p->node, p->next_arena->pools[p->next_in_list].node, NULL, 1);
                agsafeset(e, "color", "steelblue", "");
                agsafeset(e, "constraint", "false", "");
                agsafeset(e, "label", "nextpool", "");
            }
        }
    }
    for (int c = 0; c < NB_SMALL_SIZE_CLASSES; c++) {
        const struct pool_header *first = v->st->usedpools[2 * c];
        int k;
        arenainfo *ai = locate_pool(v, first, &k);
        if (ai == NULL || ai->pools[k].used_class != c || ai->pools[k].node == NULL)
            continue;
        char name[32], label[64];
        snprintf(name, sizeof name, "usedpools%d", c);
        snprintf(label, sizeof label, "usedpools[%d]\\n(%u-byte blocks)", 2 * c, INDEX2SIZE(c));
        Agnode_t *head = add_node(g, name, label, "white");
        agsafeset(head, "shape", "plaintext", "");
        agsafeset(head, "fontcolor", "steelblue", "");
        Agedge_t *e = agedge(g, head, ai->pools[k].node, NULL, 1);
        agsafeset(e, "color", "steelblue", "");
    }
}

/* The legend and the totals, in one row above the arenas. */
static Agnode_t *draw_legend(Agraph_t *g, heapview *v)
{
    const PmObmallocState *st = v->st;
    char label[1024];
    snprintf(label, sizeof label,
             "arenas allocated: %zu now, %zu ever, at most %zu at once\\nusable_arenas:",
             st->narenas_currently_allocated, st->ntimes_arena_allocated, st->narenas_highwater);
    int shown = 0;
    for (int pos = 1; pos <= (int)v->narenas && shown < 12; pos++) {
        for (size_t i = 0; i < v->narenas; i++) {
            if (v->arenas[i].usable_pos == pos) {
                snprintf(label + strlen(label), sizeof label - strlen(label),
                         "%s arena %u (%u "
                         "free)",
                         shown ? " ->" : "", v->arenas[i].index, v->arenas[i].a.nfreepools);
                shown++;
            }
        }
    }
    if (shown == 0)
        strncat(label, " empty", sizeof label - strlen(label) - 1);
    Agraph_t *c = agsubg(g, "cluster_legend", 1);
    agsafeset(c, "label", "", "");
    agsafeset(c, "color", "grey70", "");
    Agnode_t *totals = add_node(c, "totals", label, "white");
    agsafeset(totals, "shape", "plaintext", "");
    static const struct {
        const char *name, *label, *fill;
    } keys[] = {
        {"key_used", "used: some blocks free,\\nin usedpools", COLOR_USED},
        {"key_full", "full: no block free,\\non no list", COLOR_FULL},
        {"key_empty", "empty: no block in use,\\non the arena's freepools", COLOR_EMPTY},
        {"key_untouched", "untouched:\\nnever carved", COLOR_UNTOUCHED},
        {"key_finger", "nfp2lasta[n]: last usable\\narena with n free pools", "white"},
    };
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    Agnode_t *row[NKEYS + 1];
    for (size_t i = 0; i < NKEYS; i++) {
        row[i] = add_node(c, keys[i].name, keys[i].label, keys[i].fill);
        if (strcmp(keys[i].name, "key_untouched") == 0)
            agsafeset(row[i], "style", "filled,dashed", "");
        if (strcmp(keys[i].name, "key_finger") == 0) {
            agsafeset(row[i], "shape", "cds", "");
            agsafeset(row[i], "color", COLOR_FINGER, "");
            agsafeset(row[i], "fontcolor", COLOR_FINGER, "");
        }
    }
    row[NKEYS] = totals;
    lay_out_grid(c, row, NKEYS + 1);
    if (v->nnotes > 0) {
        char text[MAX_NOTES * 200] = "";
        for (int i = 0; i < v->nnotes; i++) {
            append_wrapped(text, sizeof text, v->notes[i], 70);
            strncat(text, "\\n", sizeof text - strlen(text) - 1);
        }
        if (v->more_notes > 0)
            snprintf(text + strlen(text), sizeof text - strlen(text), "... and %d more",
                     v->more_notes);
        Agnode_t *n = add_node(g, "inconsistent", text, COLOR_BAD);
        mark_bad(n);
        invisible_edge(g, row[0], n);
        return n;
    }
    return row[0];
}

static void set_defaults(Agraph_t *g, const char *title)
{
    char label[1024] = "";
    if (title != NULL)
        append_wrapped(label, sizeof label, title, 100);
    agattr(g, AGRAPH, "rankdir", "TB");
    agattr(g, AGRAPH, "fontname", FONT);
    agattr(g, AGRAPH, "labelloc", "t");
    agattr(g, AGRAPH, "label", label);
    agattr(g, AGRAPH, "nodesep", "0.15");
    agattr(g, AGRAPH, "ranksep", "0.25");
    agattr(g, AGNODE, "shape", "box");
    agattr(g, AGNODE, "style", "filled");
    agattr(g, AGNODE, "fontname", FONT);
    agattr(g, AGNODE, "fontsize", "10");
    agattr(g, AGNODE, "color", "grey40");
    agattr(g, AGNODE, "fontcolor", "black");
    agattr(g, AGNODE, "fillcolor", "white");
    agattr(g, AGNODE, "penwidth", "1");
    agattr(g, AGEDGE, "fontname", FONT);
    agattr(g, AGEDGE, "fontsize", "8");
    agattr(g, AGEDGE, "fontcolor", "steelblue");
    agattr(g, AGEDGE, "arrowsize", "0.6");
}

int PmArena_Render(const char *path, const char *format, const char *title)
{
    if (path == NULL || format == NULL ||
        (strcmp(format, "svg") != 0 && strcmp(format, "dot") != 0 && strcmp(format, "png") != 0))
        return -1;

    /* 1. Read the heap: the arenas and their pools, then the lists. */
    heapview v = {.st = &_PmObmalloc_state};
    if (read_arenas(&v) != 0) {
        free(v.arenas);
        return -1;
    }
    size_t carved = 0;
    for (size_t i = 0; i < v.narenas; i++) {
        walk_freepools(&v, &v.arenas[i]);
        carved += v.arenas[i].ncarved;
    }
    if (v.narenas > 0)
        for (int c = 0; c < NB_SMALL_SIZE_CLASSES; c++)
            walk_usedpools(&v, c, carved);
    walk_usable(&v);
    check_fingers(&v);
    classify(&v);

    /* 2. Draw: the legend, then the arenas in address order, stacked. */
    agseterr(AGERR);
    Agraph_t *g = agopen("arenas", Agdirected, NULL);
    if (g == NULL) {
        free(v.arenas);
        return -1;
    }
    set_defaults(g, title);
    Agnode_t *above = draw_legend(g, &v);
    int budget = MAX_POOL_NODES;
    size_t drawn = v.narenas < MAX_DRAWN_ARENAS ? v.narenas : MAX_DRAWN_ARENAS;
    for (size_t i = 0; i < drawn; i++)
        above = draw_arena(g, &v.arenas[i], above, &budget);
    if (v.narenas == 0) {
        Agnode_t *n = add_node(g, "none", "no arena allocated", "white");
        agsafeset(n, "shape", "plaintext", "");
        invisible_edge(g, above, n);
    } else if (drawn < v.narenas) {
        char label[64];
        snprintf(label, sizeof label, "... %zu more arenas", v.narenas - drawn);
        Agnode_t *n = add_node(g, "more_arenas", label, "white");
        agsafeset(n, "shape", "plaintext", "");
        invisible_edge(g, above, n);
    }
    draw_usedpools(g, &v);
    free(v.arenas);

    /* 3. Lay out and render (one Graphviz context for the process). */
    return _PmGraphviz_Render(g, format, path);
}
