/* heapviz.c - pictures of the heap: every object reachable from the roots,
 * every live container nothing reachable refers to ("unreachable"), and every
 * reference to freed memory, laid out by Graphviz (cgraph + gvc).
 *
 * The picture never changes the heap: it creates no objects, takes no
 * references, and never calls a function of an object that is not live.
 * Which edges exist comes from tp_traverse; labels come from looking into
 * lists, tuples, dicts and instance attributes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "pmlab.h"
#include "pm_gc_internal.h"
#include "../pm_core.h"

#define DEFAULT_MAX_NODES 200
#define FONT "Helvetica"

/* What the picture knows about one object (or one dangling address). */
enum obj_kind {
    OBJ_LIVE, /* a live object: traversed, drawn with its count */
    OBJ_IMMORTAL, /* None, True, small ints...: never traversed */
    OBJ_FREED, /* not a live object: never dereferenced */
};

typedef struct {
    PmObject *op;
    enum obj_kind kind;
    int unreachable; /* not reachable from the roots */
    int order; /* discovery order: the first max_nodes are drawn */
    Agnode_t *node; /* NULL if not drawn */
    int more_edge; /* already has its edge to the "... more" node */
} objinfo;

/* The objects met so far: an open-addressing table keyed by address, plus
 * the discovery order (which is also the breadth-first queue). */
typedef struct {
    objinfo **slots;
    size_t mask; /* slots has mask + 1 entries */
    objinfo **order;
    size_t count, cap;
} objtable;

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static objinfo *table_find(objtable *t, PmObject *op)
{
    for (size_t i = ptr_hash(op) & t->mask;; i = (i + 1) & t->mask) {
        if (t->slots[i] == NULL)
            return NULL;
        if (t->slots[i]->op == op)
            return t->slots[i];
    }
}

/* Add op (not present yet); NULL if memory ran out. */
static objinfo *table_add(objtable *t, PmObject *op, enum obj_kind kind, int unreachable)
{
    if (2 * (t->count + 1) > t->mask + 1) {
        size_t newmask = 2 * (t->mask + 1) - 1;
        objinfo **slots = calloc(newmask + 1, sizeof *slots);
        if (slots == NULL)
            return NULL;
        for (size_t k = 0; k < t->count; k++) {
            size_t i = ptr_hash(t->order[k]->op) & newmask;
            while (slots[i] != NULL)
                i = (i + 1) & newmask;
            slots[i] = t->order[k];
        }
        free(t->slots);
        t->slots = slots;
        t->mask = newmask;
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        objinfo **order = realloc(t->order, cap * sizeof *order);
        if (order == NULL)
            return NULL;
        t->order = order;
        t->cap = cap;
    }
    objinfo *info = calloc(1, sizeof *info);
    if (info == NULL)
        return NULL;
    info->op = op;
    info->kind = kind;
    info->unreachable = unreachable;
    info->order = (int)t->count;
    size_t i = ptr_hash(op) & t->mask;
    while (t->slots[i] != NULL)
        i = (i + 1) & t->mask;
    t->slots[i] = info;
    t->order[t->count++] = info;
    return info;
}

static int table_init(objtable *t)
{
    memset(t, 0, sizeof *t);
    t->mask = 255;
    t->slots = calloc(t->mask + 1, sizeof *t->slots);
    return t->slots != NULL ? 0 : -1;
}

static void table_free(objtable *t)
{
    for (size_t k = 0; k < t->count; k++)
        free(t->order[k]);
    free(t->order);
    free(t->slots);
}

/* ---- a baseline: the objects alive at some earlier moment ----------------- */

struct PmHeapBaseline {
    PmObject **items; /* sorted by address */
    size_t count, cap;
};

static int baseline_add(PmObject *op, void *arg)
{
    PmHeapBaseline *b = arg;
    if (b->count == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        PmObject **items = realloc(b->items, cap * sizeof *items);
        if (items == NULL)
            return 1;
        b->items = items;
        b->cap = cap;
    }
    b->items[b->count++] = op;
    return 0;
}

static int compare_addresses(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (PmObject *const *)a, y = (uintptr_t) * (PmObject *const *)b;
    return x < y ? -1 : x > y;
}

PmHeapBaseline *PmHeap_TakeBaseline(void)
{
    PmHeapBaseline *b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    if (_Pm_ForEachLive(baseline_add, b) != 0) {
        PmHeap_FreeBaseline(b);
        return NULL;
    }
    if (b->count > 0)
        qsort(b->items, b->count, sizeof *b->items, compare_addresses);
    return b;
}

void PmHeap_FreeBaseline(PmHeapBaseline *b)
{
    if (b == NULL)
        return;
    free(b->items);
    free(b);
}

static int in_baseline(const PmHeapBaseline *b, PmObject *op)
{
    return b->count > 0 &&
           bsearch(&op, b->items, b->count, sizeof *b->items, compare_addresses) != NULL;
}

/* ---- classifying a pointer ------------------------------------------------ */

/* Immortal: the low 32 bits of the count have their sign bit set
 * (pm_refcount.h).  Read directly, so that a learner's unfinished
 * _Pm_IsImmortal is never called while drawing. */
static int is_immortal(PmObject *op)
{
#ifdef Pm_GIL_DISABLED
    return __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED) == UINT32_MAX;
#else
    return (int32_t)(uint32_t)Pm_REFCNT(op) < 0;
#endif
}

/* None, True and False are static: live even where the registry does not
 * list them (before the runtime has registered its permanent objects). */
static int is_static_singleton(PmObject *op)
{
    return op == Pm_None || op == Pm_True || op == Pm_False;
}

static enum obj_kind classify(PmObject *op)
{
    if (is_static_singleton(op))
        return OBJ_IMMORTAL;
    if (!_Pm_IsRegistered(op))
        return OBJ_FREED;
    return is_immortal(op) ? OBJ_IMMORTAL : OBJ_LIVE;
}

/* An instance's attribute table: drawn as part of its instance, never as a
 * node of its own (the instance's tp_traverse visits the values). */
static int is_managed_dict(PmObject *op)
{
    return PmDict_Check(op) && ((PmDictObject *)op)->ma_managed;
}

/* Should the picture look inside op?  Only live GC objects have references;
 * static types are part of the runtime, not of the program's heap. */
static int has_references(objinfo *info)
{
    PmObject *op = info->op;
    if (info->kind != OBJ_LIVE || !_PmObject_IS_GC(op) || Pm_TYPE(op)->tp_traverse == NULL)
        return 0;
    if (PmType_Check(op) && !PmType_HasFeature((PmTypeObject *)op, Pm_TPFLAGS_HEAPTYPE))
        return 0;
    return 1;
}

/* ---- the references of one object ---------------------------------------- */

typedef struct {
    PmObject **items;
    size_t count, cap;
    int failed;
} ptrvec;

static int collect_child(PmObject *op, void *arg)
{
    ptrvec *v = arg;
    if (v->count == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        PmObject **items = realloc(v->items, cap * sizeof *items);
        if (items == NULL) {
            v->failed = 1;
            return 1;
        }
        v->items = items;
        v->cap = cap;
    }
    v->items[v->count++] = op;
    return 0;
}

/* The objects op refers to, in tp_traverse's order (into v, emptied first). */
static int children_of(objinfo *info, ptrvec *v)
{
    v->count = 0;
    if (!has_references(info))
        return 0;
    (void)Pm_TYPE(info->op)->tp_traverse(info->op, collect_child, v);
    return v->failed ? -1 : 0;
}

/* ---- finding the objects -------------------------------------------------- */

typedef struct {
    objtable table;
    const PmHeapDrawOptions *opt;
    PmObject *roots;
    objtable owned; /* with opt.since: the attribute tables of the instances met */
    int failed;
} heapwalk;

/* Note op as met from a reachable (or unreachable) object.  Immortal objects
 * are only entries when drawn as full nodes; managed dicts never are. */
static void meet(heapwalk *w, PmObject *op, int unreachable)
{
    if (table_find(&w->table, op) != NULL)
        return;
    enum obj_kind kind = classify(op);
    if (kind == OBJ_IMMORTAL && !w->opt->show_immortal)
        return;
    if (kind == OBJ_LIVE && is_managed_dict(op))
        return;
    if (table_add(&w->table, op, kind, unreachable) == NULL)
        w->failed = 1;
}

/* Breadth-first from the entries at index `from` on: everything they reach
 * joins the table with the same reachability. */
static void walk_from(heapwalk *w, size_t from, int unreachable)
{
    ptrvec v = {0};
    for (size_t k = from; k < w->table.count && !w->failed; k++) {
        if (children_of(w->table.order[k], &v) < 0) {
            w->failed = 1;
            break;
        }
        for (size_t i = 0; i < v.count; i++)
            meet(w, v.items[i], unreachable);
    }
    free(v.items);
}

/* _Pm_ForEachLive's visitor: containers and instances nobody reachable
 * refers to. */
static int meet_unreachable(PmObject *op, void *arg)
{
    heapwalk *w = arg;
    if (op == w->roots || !_PmObject_IS_GC(op) || is_managed_dict(op) || is_immortal(op))
        return 0;
    meet(w, op, 1);
    return w->failed;
}

/* _Pm_ForEachLive's visitor with opt.since: every object born since the
 * baseline, of any type (a leaked int matters as much as a leaked list).
 * An instance's attribute table is drawn with its instance; see
 * meet_orphan_dict for one whose instance is gone. */
static int meet_newborn(PmObject *op, void *arg)
{
    heapwalk *w = arg;
    if (op == w->roots || is_immortal(op) || is_managed_dict(op) || in_baseline(w->opt->since, op))
        return 0;
    meet(w, op, 1);
    return w->failed;
}

/* An instance's attribute table outlived by its table: the leak is the
 * table itself, drawn as a dict of its own. */
static int meet_orphan_dict(PmObject *op, void *arg)
{
    heapwalk *w = arg;
    if (!is_managed_dict(op) || is_immortal(op) || in_baseline(w->opt->since, op) ||
        table_find(&w->owned, op) != NULL || table_find(&w->table, op) != NULL)
        return 0;
    if (table_add(&w->table, op, OBJ_LIVE, 1) == NULL)
        w->failed = 1;
    return w->failed;
}

/* The attribute tables of the live instances met so far, into w->owned. */
static void note_owned_dicts(heapwalk *w)
{
    if (table_init(&w->owned) < 0) {
        w->failed = 1;
        return;
    }
    for (size_t k = 0; k < w->table.count && !w->failed; k++) {
        objinfo *info = w->table.order[k];
        if (info->kind != OBJ_LIVE || !PmInstance_Check(info->op))
            continue;
        PmObject *attrs = ((PmInstanceObject *)info->op)->ob_dict;
        if (attrs != NULL && table_find(&w->owned, attrs) == NULL &&
            table_add(&w->owned, attrs, OBJ_LIVE, 0) == NULL)
            w->failed = 1;
    }
}

/* ---- the collector's view --------------------------------------------------- */

/* Is op in the unreachable list of the collection running now?  Only
 * between move_unreachable and delete_garbage, while _PmGC_state points at
 * that list; its links may carry NEXT_MASK_UNREACHABLE. */
static int in_unreachable_list(PmObject *op)
{
    PmGC_Head *list = _PmGC_state.unreachable;
    if (list == NULL || !_PmObject_IS_GC(op) || AS_GC(op)->_gc_next == 0)
        return 0;
    for (PmGC_Head *gc = list;;) {
        gc = (PmGC_Head *)(gc->_gc_next & ~NEXT_MASK_UNREACHABLE);
        if (gc == list || gc == NULL)
            return 0;
        if (gc == AS_GC(op))
            return 1;
    }
}

/* ---- labels ----------------------------------------------------------------- */

/* Append text to buf, doubling backslashes: Graphviz reads "\N", "\l" and
 * the like in labels as escapes. */
static void label_append(char *buf, size_t size, const char *text)
{
    size_t len = strlen(buf);
    for (; *text != '\0' && len + 2 < size; text++) {
        if (*text == '\\')
            buf[len++] = '\\';
        buf[len++] = *text;
    }
    buf[len] = '\0';
}

/* The count line of a label.  In the free-threaded build (chapter 5): the
 * owner (the low digits of its thread id), the owner's local count, the
 * shared count and its state, read directly from the header, never through
 * the learner's functions. */
static void count_line(PmObject *op, char *line, size_t size)
{
#ifdef Pm_GIL_DISABLED
    static const char *const states[] = {"", " maybe-weakref", " queued", " merged"};
    uintptr_t tid = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
    uint32_t local = __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
    Pm_ssize_t shared = __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
    char owner[24];
    if (tid == 0)
        snprintf(owner, sizeof owner, "unowned");
    else
        snprintf(owner, sizeof owner, "owner ..%04lx", (unsigned long)(tid & 0xffff));
    snprintf(line, size, "\\nrefs: %zd (%s)\\nlocal %u, shared %zd%s",
             (Pm_ssize_t)local + (shared >> _Pm_REF_SHARED_SHIFT), owner, local,
             shared >> _Pm_REF_SHARED_SHIFT, states[shared & _Pm_REF_SHARED_FLAG_MASK]);
#else
    snprintf(line, size, "\\nrefs: %zd", Pm_REFCNT(op));
#endif
}

static void object_label(objinfo *info, const PmHeapDrawOptions *opt, char *buf, size_t size)
{
    char text[128], line[192];
    PmObject *op = info->op;

    buf[0] = '\0';
    _PmObject_ShortLabel(op, text, sizeof text);
    label_append(buf, size, text);
    if (info->kind == OBJ_IMMORTAL)
        snprintf(line, sizeof line, "\\nimmortal");
    else
        count_line(op, line, sizeof line);
    strncat(buf, line, size - strlen(buf) - 1);
    if (opt->show_gc && _PmObject_IS_GC(op)) {
        int gen = _PmGC_GenerationOf(op);
        Pm_ssize_t refs = _PmGC_GetRefs(op);
        if (in_unreachable_list(op))
            line[0] = '\0'; /* its cluster says where it is */
        else if (gen < 0)
            snprintf(line, sizeof line, "\\nuntracked");
        else if (gen == PmGC_NUM_GENERATIONS)
            snprintf(line, sizeof line, "\\npermanent generation");
        else
            snprintf(line, sizeof line, "\\ngeneration %d", gen);
        strncat(buf, line, size - strlen(buf) - 1);
        if (refs > Pm_REFCNT(op)) {
            /* gc_refs starts as the count and only goes down: this is the
             * address _gc_prev holds between collections, read as a count
             * because the COLLECTING flag was left set. */
            snprintf(line, sizeof line,
                     "\\ngc_refs: none (COLLECTING is still set,\\nbut _gc_prev holds an address)");
            strncat(buf, line, size - strlen(buf) - 1);
        } else if (refs >= 0) {
            snprintf(line, sizeof line, "\\ngc_refs: %zd", refs);
            strncat(buf, line, size - strlen(buf) - 1);
        }
    }
    if (info->unreachable)
        strncat(buf, "\\nunreachable", size - strlen(buf) - 1);
}

/* A dict key as an edge label: 'text' for a str, the number for an int
 * (plain text: labels_add escapes it). */
static void key_label(PmObject *key, char *buf, size_t size)
{
    enum { MAX_KEY = 20 };
    if (PmUnicode_Check(key)) {
        const char *s = PmUnicode_AsUTF8(key);
        size_t n = strlen(s), cut = n < MAX_KEY ? n : MAX_KEY;
        while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--; /* don't split a UTF-8 sequence */
        snprintf(buf, size, "'%.*s%s'", (int)cut, s, cut < n ? "..." : "");
    } else if (PmLong_Check(key) && !PmBool_Check(key)) {
        snprintf(buf, size, "%lld", ((PmLongObject *)key)->ob_ival);
    } else {
        _PmObject_ShortLabel(key, buf, size);
    }
}

/* The labels one object gives its references: (target, label) pairs read
 * from the container itself.  tp_traverse stays the source of truth for
 * which edges exist; each visited pointer takes the first unused pair with
 * that target, searching from where the last match was. */
typedef struct {
    PmObject *target;
    char text[48];
    int used;
} edgelabel;

typedef struct {
    edgelabel *items;
    size_t count, cap, hint;
} labelset;

static void labels_add(labelset *ls, PmObject *target, const char *text)
{
    if (ls->count == ls->cap) {
        size_t cap = ls->cap ? 2 * ls->cap : 16;
        edgelabel *items = realloc(ls->items, cap * sizeof *items);
        if (items == NULL)
            return; /* fewer labels, same picture */
        ls->items = items;
        ls->cap = cap;
    }
    edgelabel *e = &ls->items[ls->count++];
    e->target = target;
    e->used = 0;
    e->text[0] = '\0';
    label_append(e->text, sizeof e->text, text);
}

/* Labels from a dict's entries: the value is labelled with its key ('k'
 * for a dict, .name for an instance's attributes), the key with "key". */
static void labels_from_dict(labelset *ls, PmObject *dict, int attributes)
{
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    char text[48];
    while (PmDict_Next(dict, &pos, &key, &value)) {
        if (attributes && PmUnicode_Check(key))
            snprintf(text, sizeof text, ".%s", PmUnicode_AsUTF8(key));
        else
            key_label(key, text, sizeof text);
        labels_add(ls, value, text);
        labels_add(ls, key, "key");
    }
}

static void labels_for(labelset *ls, PmObject *op)
{
    char text[32];
    ls->count = ls->hint = 0;
    if (PmList_Check(op) || PmTuple_Check(op)) {
        PmObject **items =
            PmList_Check(op) ? ((PmListObject *)op)->ob_item : ((PmTupleObject *)op)->ob_item;
        for (Pm_ssize_t i = 0; i < Pm_SIZE(op); i++) {
            snprintf(text, sizeof text, "[%zd]", i);
            labels_add(ls, items[i], text);
        }
    } else if (PmDict_Check(op)) {
        labels_from_dict(ls, op, 0);
    } else if (PmInstance_Check(op)) {
        PmObject *attrs = ((PmInstanceObject *)op)->ob_dict;
        if (attrs != NULL && _Pm_IsRegistered(attrs))
            labels_from_dict(ls, attrs, 1);
    }
}

static const char *label_of(labelset *ls, PmObject *target)
{
    for (size_t n = 0; n < ls->count; n++) {
        size_t i = (ls->hint + n) % ls->count;
        edgelabel *e = &ls->items[i];
        if (!e->used && e->target == target) {
            e->used = 1;
            ls->hint = i + 1;
            return e->text;
        }
    }
    return "";
}

/* ---- building the graph ----------------------------------------------------- */

typedef struct {
    Agraph_t *g;
    /* generations 0..2, the permanent one, the collector's unreachable list */
    Agraph_t *clusters[PmGC_NUM_GENERATIONS + 2];
    const PmHeapDrawOptions *opt;
    int leaves; /* names for the small immortal leaves */
    Agnode_t *more;
} drawing;

/* The cluster a tracked object is drawn in: its generation, or the
 * collector's unreachable list; the graph itself if op is untracked. */
static Agraph_t *cluster_of(drawing *d, PmObject *op)
{
    int unreachable = in_unreachable_list(op);
    int gen = unreachable ? PmGC_NUM_GENERATIONS + 1 : _PmGC_GenerationOf(op);
    if (gen < 0)
        return d->g;
    if (d->clusters[gen] == NULL) {
        char name[32], label[64];
        snprintf(name, sizeof name, "cluster_gen%d", gen);
        if (unreachable)
            snprintf(label, sizeof label, "the unreachable list (of generation %d's collection)",
                     _PmGC_state.collecting_generation);
        else if (gen == PmGC_NUM_GENERATIONS)
            snprintf(label, sizeof label, "permanent generation");
        else
            snprintf(label, sizeof label, "generation %d", gen);
        d->clusters[gen] = agsubg(d->g, name, 1);
        agsafeset(d->clusters[gen], "label", label, "");
        agsafeset(d->clusters[gen], "style", "dashed", "");
        agsafeset(d->clusters[gen], "color", unreachable ? "red" : "grey50", "");
        if (unreachable)
            agsafeset(d->clusters[gen], "fontcolor", "red", "");
    }
    return d->clusters[gen];
}

static Agraph_t *graph_for(drawing *d, objinfo *info)
{
    if (!d->opt->show_gc || info->kind != OBJ_LIVE || !_PmObject_IS_GC(info->op))
        return d->g;
    return cluster_of(d, info->op);
}

/* With show_gc: each generation its colour; an untracked container (and
 * one on the collector's unreachable list, drawn in red) stays white. */
static void fill_by_generation(Agnode_t *n, PmObject *op)
{
    static const char *fill[] = {"#fff4c2", "#ffdcb8", "#d6e6ff", "#e4e4e4"};
    if (!_PmObject_IS_GC(op) || in_unreachable_list(op))
        return;
    int gen = _PmGC_GenerationOf(op);
    if (gen >= 0 && gen <= PmGC_NUM_GENERATIONS) {
        agsafeset(n, "style", "rounded,filled", "");
        agsafeset(n, "fillcolor", (char *)fill[gen], "");
    }
}

static void draw_object(drawing *d, objinfo *info)
{
    char name[32], label[512];
    snprintf(name, sizeof name, "obj%d", info->order);
    Agnode_t *n = agnode(graph_for(d, info), name, 1);
    info->node = n;

    if (info->kind == OBJ_FREED) {
        snprintf(label, sizeof label, "freed object\\n%p", (void *)info->op);
        agsafeset(n, "label", label, "");
        agsafeset(n, "color", "red", "");
        agsafeset(n, "fontcolor", "red", "");
        agsafeset(n, "style", "rounded,filled,bold", "");
        agsafeset(n, "fillcolor", "mistyrose", "");
        return;
    }
    object_label(info, d->opt, label, sizeof label);
    agsafeset(n, "label", label, "");
    if (info->kind == OBJ_IMMORTAL) {
        agsafeset(n, "color", "grey60", "");
        agsafeset(n, "fontcolor", "grey40", "");
        agsafeset(n, "fontsize", "10", "");
    } else if (info->unreachable) {
        agsafeset(n, "color", "red", "");
        agsafeset(n, "penwidth", "2", "");
    }
    if (d->opt->show_gc && info->kind == OBJ_LIVE)
        fill_by_generation(n, info->op);
}

/* A small grey leaf for one reference to an immortal object. */
static Agnode_t *draw_leaf(drawing *d, PmObject *op)
{
    char name[32], text[64], label[80];
    snprintf(name, sizeof name, "leaf%d", d->leaves++);
    Agnode_t *n = agnode(d->g, name, 1);
    _PmObject_ShortLabel(op, text, sizeof text);
    label[0] = '\0';
    label_append(label, sizeof label, text);
    agsafeset(n, "label", label, "");
    agsafeset(n, "shape", "plaintext", "");
    agsafeset(n, "fontsize", "9", "");
    agsafeset(n, "fontcolor", "grey40", "");
    agsafeset(n, "style", "", "");
    agsafeset(n, "height", "0.2", "");
    return n;
}

/* The node an edge towards op ends at, or NULL if op is summarised. */
static Agnode_t *target_node(drawing *d, objtable *t, PmObject *op)
{
    objinfo *info = table_find(t, op);
    if (info != NULL)
        return info->node;
    if (is_static_singleton(op) || (_Pm_IsRegistered(op) && is_immortal(op)))
        return draw_leaf(d, op);
    return NULL; /* a managed dict: its values are drawn from the instance */
}

static void draw_edge(drawing *d, Agnode_t *from, Agnode_t *to, const char *label)
{
    Agedge_t *e = agedge(d->g, from, to, NULL, 1);
    if (label != NULL && *label != '\0')
        agsafeset(e, "label", (char *)label, "");
}

static void draw_edges_of(drawing *d, objtable *t, objinfo *info, ptrvec *v, labelset *ls)
{
    if (info->node == NULL || children_of(info, v) < 0 || v->count == 0)
        return;
    labels_for(ls, info->op);
    for (size_t i = 0; i < v->count; i++) {
        PmObject *child = v->items[i];
        objinfo *cinfo = table_find(t, child);
        const char *label = label_of(ls, child);
        if (cinfo != NULL && cinfo->node == NULL) {
            if (!info->more_edge) {
                Agedge_t *e = agedge(d->g, info->node, d->more, NULL, 1);
                agsafeset(e, "style", "dashed", "");
                info->more_edge = 1;
            }
            continue;
        }
        /* A key that is an immortal str (an interned name) says nothing the
         * edge label does not already say. */
        if (cinfo == NULL && strcmp(label, "key") == 0)
            continue;
        Agnode_t *to = target_node(d, t, child);
        if (to != NULL)
            draw_edge(d, info->node, to, label);
    }
}

/* The interpreter's own names (__name__) and imported modules (gc, sys)
 * say nothing about the program's heap: they are left out of the picture.
 * Modules are leaves (not GC objects), so leaving them out hides nothing. */
static int hidden_root(PmObject *key, PmObject *value)
{
    if (PmUnicode_Check(key) && strncmp(PmUnicode_AsUTF8(key), "__", 2) == 0)
        return 1;
    return !_PmObject_IS_GC(value) && strcmp(Pm_TYPE(value)->tp_name, "module") == 0;
}

/* With show_gc, a dict of roots that is itself tracked (a module's globals)
 * is a container the collector examines like any other: drawn as a node,
 * with its count and gc_refs, whose edges are the names.  NULL otherwise. */
static Agnode_t *draw_roots_dict(drawing *d, PmObject *roots)
{
    if (!d->opt->show_gc || !_PmObject_IS_GC(roots) || _PmGC_GenerationOf(roots) < 0)
        return NULL;
    char text[512], label[512];
    objinfo info = {.op = roots, .kind = OBJ_LIVE};
    object_label(&info, d->opt, text, sizeof text);
    const char *rest = strstr(text, "\\n"); /* the lines after "dict (N items)" */
    snprintf(label, sizeof label, "the module's names%s", rest != NULL ? rest : "");
    Agnode_t *n = agnode(cluster_of(d, roots), "roots", 1);
    agsafeset(n, "label", label, "");
    agsafeset(n, "fontname", FONT "-Bold", "");
    fill_by_generation(n, roots);
    return n;
}

/* The names drawn (the interpreter's own are left out). */
static int draw_roots(drawing *d, objtable *t, PmObject *roots)
{
    Pm_ssize_t pos = 0;
    PmObject *key, *value;
    int k = 0, shown = 0;
    Agnode_t *dict = draw_roots_dict(d, roots);
    char name[32], label[96];
    while (PmDict_Next(roots, &pos, &key, &value)) {
        if (hidden_root(key, value))
            continue;
        shown++;
        label[0] = '\0';
        label_append(label, sizeof label, PmUnicode_Check(key) ? PmUnicode_AsUTF8(key) : "?");
        Agnode_t *n = dict;
        if (n == NULL) { /* the name itself is the root */
            snprintf(name, sizeof name, "root%d", k++);
            n = agnode(d->g, name, 1);
            agsafeset(n, "label", label, "");
            agsafeset(n, "shape", "plaintext", "");
            agsafeset(n, "style", "", "");
            agsafeset(n, "fontname", FONT "-Bold", "");
        }
        objinfo *info = table_find(t, value);
        if (info != NULL && info->node == NULL)
            continue; /* summarised */
        Agnode_t *to = target_node(d, t, value);
        if (to != NULL)
            draw_edge(d, n, to, dict != NULL ? label : NULL);
    }
    return shown;
}

static void set_defaults(Agraph_t *g, const PmHeapDrawOptions *opt)
{
    agattr(g, AGRAPH, "rankdir", "LR");
    agattr(g, AGRAPH, "fontname", FONT);
    agattr(g, AGRAPH, "labelloc", "t");
    agattr(g, AGRAPH, "label", (char *)(opt->title != NULL ? opt->title : ""));
    agattr(g, AGNODE, "shape", "box");
    agattr(g, AGNODE, "style", "rounded");
    agattr(g, AGNODE, "fontname", FONT);
    agattr(g, AGNODE, "fontsize", "12");
    /* Declared with defaults so agsafeset can override them per object. */
    agattr(g, AGNODE, "color", "black");
    agattr(g, AGNODE, "fontcolor", "black");
    agattr(g, AGNODE, "fillcolor", "white");
    agattr(g, AGNODE, "penwidth", "1");
    agattr(g, AGEDGE, "fontname", FONT);
    agattr(g, AGEDGE, "fontsize", "10");
    agattr(g, AGEDGE, "arrowsize", "0.7");
}

/* ---- PmHeap_Render ---------------------------------------------------------- */

/* One Graphviz context for the whole process, made on first use and never
 * freed: the text-measuring code of Graphviz 2.43 caches font names across
 * contexts, and a second context after gvFreeContext reads freed memory. */
static GVC_t *graphviz_context(void)
{
    static GVC_t *gvc;
    if (gvc == NULL)
        gvc = gvContext();
    return gvc;
}

int _PmGraphviz_Render(Agraph_t *g, const char *format, const char *path)
{
    GVC_t *gvc = graphviz_context();
    int rc = -1;
    if (gvc != NULL && gvLayout(gvc, g, "dot") == 0) {
        rc = gvRenderFilename(gvc, g, format, path) == 0 ? 0 : -1;
        gvFreeLayout(gvc, g);
    }
    agclose(g);
    return rc;
}

int PmHeap_Render(const char *path, const char *format, const PmHeapDrawOptions *opt_in)
{
    PmHeapDrawOptions opt = {0};
    if (opt_in != NULL)
        opt = *opt_in;
    if (opt.max_nodes <= 0)
        opt.max_nodes = DEFAULT_MAX_NODES;
    if (path == NULL || format == NULL ||
        (strcmp(format, "svg") != 0 && strcmp(format, "dot") != 0 && strcmp(format, "png") != 0))
        return -1;

    /* 1. Find the objects: first what the roots reach, then the live
     *    containers nothing reachable refers to, and what they reach. */
    heapwalk w = {.opt = &opt, .roots = opt.roots};
    if (table_init(&w.table) < 0)
        return -1;
    if (opt.roots != NULL) {
        Pm_ssize_t pos = 0;
        PmObject *key, *value;
        while (PmDict_Next(opt.roots, &pos, &key, &value))
            if (!hidden_root(key, value))
                meet(&w, value, 0);
        walk_from(&w, 0, 0);
    }
    size_t reachable = w.table.count;
    if (!w.failed && opt.since != NULL) {
        _Pm_ForEachLive(meet_newborn, &w);
        note_owned_dicts(&w);
        if (!w.failed)
            _Pm_ForEachLive(meet_orphan_dict, &w);
        table_free(&w.owned);
    } else if (!w.failed) {
        _Pm_ForEachLive(meet_unreachable, &w);
    }
    if (opt.roots == NULL) /* nothing to be unreachable from */
        for (size_t k = 0; k < w.table.count; k++)
            w.table.order[k]->unreachable = 0;
    walk_from(&w, reachable, opt.roots != NULL);
    if (w.failed) {
        table_free(&w.table);
        return -1;
    }

    /* 2. Draw them: the first max_nodes objects (and every freed address),
     *    then the edges, then the roots. */
    agseterr(AGERR);
    drawing d = {.opt = &opt};
    d.g = agopen("heap", Agdirected, NULL);
    if (d.g == NULL) {
        table_free(&w.table);
        return -1;
    }
    set_defaults(d.g, &opt);

    int drawn = 0, more = 0;
    for (size_t k = 0; k < w.table.count; k++) {
        objinfo *info = w.table.order[k];
        if (info->kind == OBJ_FREED || drawn < opt.max_nodes) {
            draw_object(&d, info);
            drawn += info->kind != OBJ_FREED;
        } else {
            more++;
        }
    }
    if (drawn > 60) {
        /* Bound dot's network simplex and crossing minimisation: on a long
         * chain (a leaked nested list) they take minutes otherwise. */
        agsafeset(d.g, "nslimit", "2", "");
        agsafeset(d.g, "nslimit1", "2", "");
        agsafeset(d.g, "mclimit", "0.5", "");
    }
    if (more > 0) {
        char label[64];
        snprintf(label, sizeof label, "... %d more objects", more);
        d.more = agnode(d.g, "more", 1);
        agsafeset(d.more, "label", label, "");
        agsafeset(d.more, "shape", "plaintext", "");
        agsafeset(d.more, "style", "", "");
    }

    ptrvec v = {0};
    labelset ls = {0};
    for (size_t k = 0; k < w.table.count; k++)
        draw_edges_of(&d, &w.table, w.table.order[k], &v, &ls);
    free(v.items);
    free(ls.items);
    int names = opt.roots != NULL ? draw_roots(&d, &w.table, opt.roots) : 0;
    if (w.table.count == 0 && names == 0) {
        /* Say so: a picture with a title only looks like a failed drawing. */
        Agnode_t *n = agnode(d.g, "empty", 1);
        agsafeset(n, "label", "no objects", "");
        agsafeset(n, "shape", "plaintext", "");
        agsafeset(n, "style", "", "");
        agsafeset(n, "fontcolor", "grey40", "");
    }
    table_free(&w.table);

    /* 3. Lay out and render. */
    return _PmGraphviz_Render(d.g, format, path);
}
