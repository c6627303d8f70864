/* nodes.c - the node test container and the helpers of the chapter-3 suite
 * (see cycles_suite.h).  Node_Type is a static type, like the runtime's
 * built-in ones: nodes do not hold a reference to it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycles_suite.h"

int node_clears[NODE_MAX_ID];
int node_deallocs[NODE_MAX_ID];
Pm_ssize_t node_refcnt_at_clear[NODE_MAX_ID];
int node_freed_inside_its_clear;
static PmObject *node_being_cleared;

static int node_traverse(PmObject *op, visitproc visit, void *arg)
{
    NodeObject *n = (NodeObject *)op;
    for (int i = 0; i < NODE_SLOTS; i++) {
        if (n->slot[i] != NULL) {
            int r = visit(n->slot[i], arg);
            if (r != 0)
                return r;
        }
    }
    return 0;
}

static int node_clear(PmObject *op)
{
    NodeObject *n = (NodeObject *)op;
    if (n->id >= 0 && n->id < NODE_MAX_ID) {
        node_clears[n->id]++;
        node_refcnt_at_clear[n->id] = Pm_REFCNT(op);
    }
    PmObject *outer = node_being_cleared;
    node_being_cleared = op;
    for (int i = 0; i < NODE_SLOTS; i++)
        Pm_CLEAR(n->slot[i]);
    node_being_cleared = outer;
    return 0;
}

/* Unlink from whatever list the node is in (with the given list helper, so
 * that these tests do not lean on Step 1), release the slots, free. */
static void node_dealloc(PmObject *op)
{
    NodeObject *n = (NodeObject *)op;
    if (n->id >= 0 && n->id < NODE_MAX_ID)
        node_deallocs[n->id]++;
    if (op == node_being_cleared)
        node_freed_inside_its_clear = 1;
    PmGC_Head *gc = AS_GC(op);
    if (gc->_gc_next != 0) {
        gc_list_remove(gc);
        gc->_gc_prev &= _PmGC_PREV_MASK_FINALIZED;
    }
    for (int i = 0; i < NODE_SLOTS; i++)
        Pm_CLEAR(n->slot[i]);
    Pm_TYPE(op)->tp_free(op);
}

static PmObject *node_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<node %d>", ((NodeObject *)op)->id);
}

static Pm_hash_t node_hash(PmObject *op)
{
    return 5000 + ((NodeObject *)op)->id;
}

PmTypeObject Node_Type = {
    .ob_base = {.ob_base = {.ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = &PmType_Type}},
    .tp_name = "node",
    .tp_basicsize = sizeof(NodeObject),
    .tp_dealloc = node_dealloc,
    .tp_repr = node_repr,
    .tp_hash = node_hash,
    .tp_flags = Pm_TPFLAGS_HAVE_GC,
    .tp_traverse = node_traverse,
    .tp_clear = node_clear,
    .tp_free = PmObject_GC_Del,
};

PmTypeObject ClearlessNode_Type = {
    .ob_base = {.ob_base = {.ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = &PmType_Type}},
    .tp_name = "clearless node",
    .tp_basicsize = sizeof(NodeObject),
    .tp_dealloc = node_dealloc,
    .tp_repr = node_repr,
    .tp_hash = node_hash,
    .tp_flags = Pm_TPFLAGS_HAVE_GC,
    .tp_traverse = node_traverse,
    .tp_free = PmObject_GC_Del,
};

static PmTypeObject Atom_Type = {
    .ob_base = {.ob_base = {.ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = &PmType_Type}},
    .tp_name = "atom",
    .tp_basicsize = sizeof(PmObject),
};

static struct {
    PmGC_Head decoy;
    PmObject atom;
} atom_with_decoy = {
    .atom = {.ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = &Atom_Type},
};

static const PmGC_Head decoy_value = {0x1000, 0x1000 | PREV_MASK_COLLECTING |
                                                  ((uintptr_t)5 << _PmGC_PREV_SHIFT)};

PmObject *const atom = &atom_with_decoy.atom;

void atom_reset_decoy(void)
{
    atom_with_decoy.decoy = decoy_value;
}

int atom_decoy_intact(void)
{
    return memcmp(&atom_with_decoy.decoy, &decoy_value, sizeof decoy_value) == 0;
}

static PmObject *new_of(PmTypeObject *tp, int id)
{
    PmObject *op = _PmObject_GC_New(tp);
    if (op == NULL)
        ck_abort_msg("could not allocate a node (out of memory?)");
    NodeObject *n = (NodeObject *)op;
    n->id = id;
    for (int i = 0; i < NODE_SLOTS; i++)
        n->slot[i] = NULL;
    return op;
}

PmObject *node_new(int id)
{
    return new_of(&Node_Type, id);
}

PmObject *clearless_node_new(int id)
{
    return new_of(&ClearlessNode_Type, id);
}

void node_link(PmObject *from, PmObject *target)
{
    NodeObject *n = (NodeObject *)from;
    for (int i = 0; i < NODE_SLOTS; i++) {
        if (n->slot[i] == NULL) {
            n->slot[i] = Pm_NewRef(target);
            return;
        }
    }
    ck_abort_msg("setting up the test failed: node %d has no free slot", n->id);
}

/* The running test's name, for its picture. */
static char test_name[256];

void cycles_test_begin(const char *fn)
{
    /* START_TEST(name) defines name_fn: the test's name is fn without _fn. */
    snprintf(test_name, sizeof test_name, "%s", fn);
    size_t len = strlen(test_name);
    if (len > 3 && strcmp(test_name + len - 3, "_fn") == 0)
        test_name[len - 3] = '\0';
    for (int i = 0; i < NODE_MAX_ID; i++) {
        node_clears[i] = node_deallocs[i] = 0;
        node_refcnt_at_clear[i] = -1;
    }
    node_freed_inside_its_clear = 0;
    node_being_cleared = NULL;
    atom_reset_decoy();
    gc_list_merge(GEN_HEAD(0), GEN_HEAD(NUM_GENERATIONS - 1));
    PmGC_Disable();
    _PmGC_state.collecting = 1;
}

void show_as_unreachable(PmGC_Head *list)
{
    _PmGC_state.unreachable = list;
}

void set_add(PmGC_Head *head, PmObject *op)
{
    PmGC_Head *gc = AS_GC(op);
    if (gc->_gc_next != 0)
        gc_list_move(gc, head);
    else
        gc_list_append(gc, head);
}

/* Longer than any list these tests build. */
#define WALK_LIMIT 100000

static PmGC_Head *next_of(PmGC_Head *gc)
{
    return (PmGC_Head *)(gc->_gc_next & ~NEXT_MASK_UNREACHABLE);
}

int set_contains(PmGC_Head *head, PmObject *op)
{
    PmGC_Head *gc = next_of(head);
    for (long steps = 0; gc != head && gc != NULL && steps < WALK_LIMIT; steps++) {
        if (gc == AS_GC(op))
            return 1;
        gc = next_of(gc);
    }
    return 0;
}

Pm_ssize_t set_size(PmGC_Head *head)
{
    PmGC_Head *gc = next_of(head);
    Pm_ssize_t n = 0;
    while (gc != head) {
        if (gc == NULL || n >= WALK_LIMIT)
            return -1;
        n++;
        gc = next_of(gc);
    }
    return n;
}

Pm_ssize_t refs_of(PmObject *op)
{
    return gc_get_refs(AS_GC(op));
}

int is_collecting(PmObject *op)
{
    return gc_is_collecting(AS_GC(op));
}

int is_flagged_unreachable(PmObject *op)
{
    return (AS_GC(op)->_gc_next & NEXT_MASK_UNREACHABLE) != 0;
}

static int render_heap(const char *path, void *title)
{
    PmHeapDrawOptions opt = {.title = title, .show_gc = 1};
    return PmHeap_Render(path, "svg", &opt);
}

/* Draw the heap with gc_refs and generations, for the report. */
static void draw_heap(const char *test, const char *step)
{
    char title[256];
    snprintf(title, sizeof title, "yours, %s (gc_refs and generation on each container)", step);
    pm_draw_failure(test, render_heap, title);
}

void fail_with_heap(const char *step, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    draw_heap(test_name, step);
    ck_abort_msg("%s", msg);
}
