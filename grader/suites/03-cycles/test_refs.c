/* test_refs.c - chapter 3, steps 3 and 4: update_refs and subtract_refs
 * leave in gc_refs the references from outside the set; move_unreachable
 * keeps in young exactly what those reach and moves the rest to
 * unreachable.  Each test builds a small graph of nodes whose references
 * it knows, in a private list, and computes the expected gc_refs from the
 * graph.  Step 4's tests set gc_refs themselves (as subtract_refs leaves
 * them), so they do not lean on Step 3.
 */
#include <string.h>

#include "cycles_suite.h"

#define MAX_NODES 16

/* A graph under test: nodes in generation 0 (`set`), with the references
 * the test holds on each (its "names", the only references from outside
 * the set) and those from nodes inside the set. */
typedef struct {
    PmGC_Head *set; /* generation 0 */
    int n;
    PmObject *node[MAX_NODES];
    const char *name[MAX_NODES];
    int held[MAX_NODES], inside[MAX_NODES];
} Graph;

static void graph_init(Graph *g)
{
    memset(g, 0, sizeof *g);
    g->set = GEN_HEAD(0);
}

/* A new node of the set, held by the test; returns its index. */
static int g_node(Graph *g, const char *name)
{
    int i = g->n++;
    g->node[i] = node_new(i);
    g->name[i] = name;
    g->held[i] = 1;
    set_add(g->set, g->node[i]);
    return i;
}

static void g_edge(Graph *g, int from, int to)
{
    node_link(g->node[from], g->node[to]);
    g->inside[to]++;
}

/* The test lets go of node i: only the graph keeps it alive now. */
static void g_drop(Graph *g, int i)
{
    Pm_DECREF(g->node[i]);
    g->held[i]--;
}

static int g_refs_from_outside(Graph *g, int i)
{
    return g->held[i];
}

/* Put each node in the state subtract_refs leaves it in: gc_refs = the
 * references from outside, COLLECTING set, the list singly linked. */
static void g_set_refs_as_subtract_refs_leaves_them(Graph *g)
{
    for (int i = 0; i < g->n; i++)
        gc_reset_refs(AS_GC(g->node[i]), g_refs_from_outside(g, i));
}

/* Undo the collection state and let go of everything the test still holds,
 * so that the heap is a normal one for the fixture. */
static void g_release(Graph *g)
{
    for (int i = 0; i < g->n; i++) {
        AS_GC(g->node[i])->_gc_next = 0;
        AS_GC(g->node[i])->_gc_prev = 0;
    }
    gc_list_init(g->set);
    for (int i = 0; i < g->n; i++)
        while (g->held[i] > 0)
            g_drop(g, i);
}

/* "node 2 (b)" */
static const char *label(Graph *g, int i)
{
    static char buf[4][64];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "node %d (%s)", i, g->name[i]);
    return buf[k];
}

/* The graph of the Step 3 tests:
 *     a -> b -> c -> a     a cycle, a held by the test
 *     c -> d, d -> d       a self-reference
 *     d -> e twice         two slots of d refer to e; e held by the test */
static void build_step3_graph(Graph *g)
{
    graph_init(g);
    int a = g_node(g, "a, held by the test, in a cycle a->b->c->a");
    int b = g_node(g, "b, in the cycle");
    int c = g_node(g, "c, in the cycle");
    int d = g_node(g, "d, refers to itself");
    int e = g_node(g, "e, held by the test and twice by d");
    g_edge(g, a, b);
    g_edge(g, b, c);
    g_edge(g, c, a);
    g_edge(g, c, d);
    g_edge(g, d, d);
    g_edge(g, d, e);
    g_edge(g, d, e);
    g_drop(g, b);
    g_drop(g, c);
    g_drop(g, d);
}

/* ---- Step 3: update_refs and subtract_refs ---- */

START_TEST(update_refs_copies_each_refcount_and_sets_collecting)
{
    cycles_test_begin(__func__);
    Graph g;
    build_step3_graph(&g);
    update_refs(g.set);
    for (int i = 0; i < g.n; i++) {
        PmObject *op = g.node[i];
        expect(is_collecting(op), "after update_refs",
               "after update_refs, %s should have the COLLECTING flag in _gc_prev; it has "
               "not",
               label(&g, i));
        expect(refs_of(op) == Pm_REFCNT(op), "after update_refs",
               "after update_refs, %s should have gc_refs %zd (its reference count), it has "
               "%zd: set gc_refs from Pm_REFCNT with gc_reset_refs, don't add to what "
               "_gc_prev held before",
               label(&g, i), Pm_REFCNT(op), refs_of(op));
    }
    expect(set_size(g.set) == g.n, "after update_refs",
           "update_refs should leave the list's next links alone: the set held %d objects, "
           "walking it now finds %zd",
           g.n, set_size(g.set));
    show_as_unreachable(NULL);
    g_release(&g);
}
END_TEST

START_TEST(subtract_refs_leaves_the_references_from_outside)
{
    cycles_test_begin(__func__);
    Graph g;
    build_step3_graph(&g);
    for (int i = 0; i < g.n; i++)
        gc_reset_refs(AS_GC(g.node[i]), Pm_REFCNT(g.node[i]));
    subtract_refs(g.set);
    for (int i = 0; i < g.n; i++) {
        Pm_ssize_t want = g_refs_from_outside(&g, i);
        expect(refs_of(g.node[i]) == want, "after subtract_refs",
               "after subtract_refs, %s should have gc_refs %zd (its count %zd minus %d "
               "references from nodes of the set), it has %zd: did subtract_refs traverse "
               "every object of the set, and take one off for each reference it visits?",
               label(&g, i), want, Pm_REFCNT(g.node[i]), g.inside[i], refs_of(g.node[i]));
        expect(is_collecting(g.node[i]), "after subtract_refs",
               "after subtract_refs, %s should still have the COLLECTING flag", label(&g, i));
    }
    show_as_unreachable(NULL);
    g_release(&g);
}
END_TEST

/* A set {a, b} (a held by the test) whose nodes refer to a node z of
 * generation 1 (not being collected, so its _gc_prev is a pointer) and to
 * the atom. */
static void build_graph_with_outside_targets(Graph *g, PmObject **z)
{
    graph_init(g);
    int a = g_node(g, "a, held by the test");
    int b = g_node(g, "b");
    g_edge(g, a, b);
    *z = node_new(100);
    set_add(GEN_HEAD(1), *z);
    node_link(g->node[a], *z);
    node_link(g->node[b], *z);
    node_link(g->node[b], atom);
    g_drop(g, b);
}

static void release_outside_targets(PmObject *z)
{
    gc_list_remove(AS_GC(z));
    Pm_DECREF(z);
}

START_TEST(subtract_refs_changes_only_objects_being_collected)
{
    cycles_test_begin(__func__);
    Graph g;
    PmObject *z;
    build_graph_with_outside_targets(&g, &z);
    uintptr_t z_prev = AS_GC(z)->_gc_prev, z_next = AS_GC(z)->_gc_next;
    for (int i = 0; i < g.n; i++)
        gc_reset_refs(AS_GC(g.node[i]), Pm_REFCNT(g.node[i]));
    subtract_refs(g.set);
    expect(AS_GC(z)->_gc_prev == z_prev && AS_GC(z)->_gc_next == z_next, "after subtract_refs",
           "subtract_refs changed the header of a node that is not in the set being "
           "collected (a node of another generation, referred to by the set): visit_decref "
           "should only touch objects with the COLLECTING flag");
    expect(atom_decoy_intact(), "after subtract_refs",
           "subtract_refs changed the 16 bytes in front of an object that has no GC header "
           "(it is not a container): visit_decref should ask _PmObject_IS_GC first");
    for (int i = 0; i < g.n; i++)
        expect(refs_of(g.node[i]) == g_refs_from_outside(&g, i), "after subtract_refs",
               "after subtract_refs, %s should have gc_refs %d, it has %zd", label(&g, i),
               g_refs_from_outside(&g, i), refs_of(g.node[i]));
    show_as_unreachable(NULL);
    g_release(&g);
    release_outside_targets(z);
}
END_TEST

/* ---- Step 4: move_unreachable ---- */

/* young is a normal doubly linked list again, ending at its head's prev. */
static int young_is_doubly_linked(PmGC_Head *young)
{
    PmGC_Head *prev = young;
    PmGC_Head *gc = GC_NEXT(young);
    for (long steps = 0; gc != young; steps++) {
        if (steps > 100000 || (uintptr_t)gc & NEXT_MASK_UNREACHABLE || GC_PREV(gc) != prev)
            return 0;
        prev = gc;
        gc = GC_NEXT(gc);
    }
    return GC_PREV(young) == prev;
}

/* Check where each node of g is after move_unreachable: in young if
 * reachable[i], else in unreachable, with the flags each list implies. */
static void expect_split(Graph *g, PmGC_Head *unreachable, const int *reachable,
                         const char *why_reachable, const char *step)
{
    for (int i = 0; i < g->n; i++) {
        PmObject *op = g->node[i];
        if (reachable[i]) {
            expect(set_contains(g->set, op) && !set_contains(unreachable, op), step,
                   "%s, %s should be in young: %s", step, label(g, i), why_reachable);
            expect(!is_flagged_unreachable(op) && !is_collecting(op), step,
                   "%s, %s (reachable) should have neither NEXT_MASK_UNREACHABLE in "
                   "_gc_next nor COLLECTING in _gc_prev",
                   step, label(g, i));
        } else {
            expect(set_contains(unreachable, op) && !set_contains(g->set, op), step,
                   "%s, %s should be in unreachable: nothing outside the set reaches it", step,
                   label(g, i));
            expect(is_flagged_unreachable(op) && is_collecting(op), step,
                   "%s, %s (unreachable) should keep COLLECTING and have "
                   "NEXT_MASK_UNREACHABLE in _gc_next",
                   step, label(g, i));
        }
    }
    expect(young_is_doubly_linked(g->set), step,
           "%s, young should be doubly linked again: each object's _gc_prev should point "
           "at the object before it, and the head's at the last one",
           step);
}

START_TEST(move_unreachable_keeps_what_is_reachable_and_moves_the_rest)
{
    cycles_test_begin(__func__);
    Graph g;
    graph_init(&g);
    int a = g_node(&g, "a, held by the test");
    int b = g_node(&g, "b, referred to by a");
    int c = g_node(&g, "c, referred to by b");
    int d = g_node(&g, "d, in a cycle d<->e");
    int e = g_node(&g, "e, in a cycle d<->e");
    int f = g_node(&g, "f, refers to itself");
    int h = g_node(&g, "h, referred to by d only");
    g_edge(&g, a, b);
    g_edge(&g, b, c);
    g_edge(&g, d, e);
    g_edge(&g, e, d);
    g_edge(&g, f, f);
    g_edge(&g, d, h);
    for (int i = b; i <= h; i++)
        g_drop(&g, i);
    g_set_refs_as_subtract_refs_leaves_them(&g);
    PmGC_Head unreachable;
    gc_list_init(&unreachable);
    show_as_unreachable(&unreachable);
    move_unreachable(g.set, &unreachable);
    const int reachable[] = {1, 1, 1, 0, 0, 0, 0};
    expect_split(&g, &unreachable, reachable, "the test holds a, and a -> b -> c",
                 "after move_unreachable");
    expect(set_size(&unreachable) == 4, "after move_unreachable",
           "unreachable should hold the 4 garbage nodes, it holds %zd objects",
           set_size(&unreachable));
    show_as_unreachable(NULL);
    g_release(&g);
}
END_TEST

START_TEST(move_unreachable_moves_back_what_it_finds_reachable_later)
{
    cycles_test_begin(__func__);
    Graph g;
    graph_init(&g);
    /* The list order makes the scan meet c and b (gc_refs 0) before a. */
    int c = g_node(&g, "c, first in the list, referred to by b");
    int b = g_node(&g, "b, second in the list, referred to by a");
    int d = g_node(&g, "d, garbage: refers to itself");
    int a = g_node(&g, "a, last in the list, held by the test");
    g_edge(&g, a, b);
    g_edge(&g, b, c);
    g_edge(&g, d, d);
    g_drop(&g, b);
    g_drop(&g, c);
    g_drop(&g, d);
    g_set_refs_as_subtract_refs_leaves_them(&g);
    PmGC_Head unreachable;
    gc_list_init(&unreachable);
    show_as_unreachable(&unreachable);
    move_unreachable(g.set, &unreachable);
    int reachable[MAX_NODES] = {0};
    reachable[a] = reachable[b] = reachable[c] = 1;
    expect_split(&g, &unreachable, reachable,
                 "the scan met it with gc_refs 0 and moved it to unreachable, but a (held "
                 "by the test) reaches it through a -> b -> c: when visit_reachable meets an "
                 "object flagged NEXT_MASK_UNREACHABLE it must move it back to the end of "
                 "young, with gc_refs 1, so that the scan reaches it again",
                 "after move_unreachable");
    show_as_unreachable(NULL);
    g_release(&g);
}
END_TEST

#define CHAIN 1000

START_TEST(move_unreachable_brings_back_a_long_chain_met_in_reverse)
{
    cycles_test_begin(__func__);
    PmGC_Head *young = GEN_HEAD(0), unreachable;
    gc_list_init(&unreachable);
    show_as_unreachable(&unreachable);
    static PmObject *chain[CHAIN];
    for (int i = 0; i < CHAIN; i++)
        chain[i] = node_new(i);
    for (int i = 0; i + 1 < CHAIN; i++)
        node_link(chain[i], chain[i + 1]);
    node_link(chain[CHAIN - 1], chain[0]); /* a ring */
    for (int i = CHAIN - 1; i >= 0; i--)
        set_add(young, chain[i]);
    for (int i = 1; i < CHAIN; i++)
        Pm_DECREF(chain[i]);
    /* gc_refs as subtract_refs leaves them: only chain[0] is held from outside. */
    for (int i = 0; i < CHAIN; i++)
        gc_reset_refs(AS_GC(chain[i]), i == 0);
    move_unreachable(young, &unreachable);
    Pm_ssize_t left = set_size(&unreachable), kept = set_size(young);
    for (int i = 0; i < CHAIN; i++) {
        if (is_flagged_unreachable(chain[i]) || is_collecting(chain[i]))
            fail_with_heap(
                "after move_unreachable",
                "a ring of %d nodes held by the test at node 0, listed in reverse "
                "order: every node is reachable, but node %d still has %s after "
                "move_unreachable (unreachable holds %zd objects, young %zd)",
                CHAIN, i, is_flagged_unreachable(chain[i]) ? "NEXT_MASK_UNREACHABLE" : "COLLECTING",
                left, kept);
    }
    expect(left == 0 && kept == CHAIN, "after move_unreachable",
           "every node of the ring is reachable: young should hold %d objects and "
           "unreachable none; they hold %zd and %zd",
           CHAIN, kept, left);
    expect(young_is_doubly_linked(young), "after move_unreachable",
           "after move_unreachable, young should be doubly linked again");
    show_as_unreachable(NULL);
    for (int i = 0; i < CHAIN; i++) {
        AS_GC(chain[i])->_gc_next = 0;
        AS_GC(chain[i])->_gc_prev = 0;
    }
    gc_list_init(young);
    Pm_DECREF(chain[0]);
}
END_TEST

START_TEST(move_unreachable_leaves_objects_outside_the_set_alone)
{
    cycles_test_begin(__func__);
    Graph g;
    PmObject *z;
    build_graph_with_outside_targets(&g, &z);
    uintptr_t z_prev = AS_GC(z)->_gc_prev, z_next = AS_GC(z)->_gc_next;
    g_set_refs_as_subtract_refs_leaves_them(&g);
    PmGC_Head unreachable;
    gc_list_init(&unreachable);
    show_as_unreachable(&unreachable);
    move_unreachable(g.set, &unreachable);
    expect(AS_GC(z)->_gc_prev == z_prev && AS_GC(z)->_gc_next == z_next, "after move_unreachable",
           "move_unreachable changed the header of a node that is not in the set being "
           "collected: visit_reachable should only touch objects with the COLLECTING flag");
    expect(set_contains(GEN_HEAD(1), z), "after move_unreachable",
           "a node of another generation should stay in its own list");
    expect(atom_decoy_intact(), "after move_unreachable",
           "move_unreachable changed the 16 bytes in front of an object that has no GC "
           "header: visit_reachable should ask _PmObject_IS_GC first");
    const int reachable[] = {1, 1};
    expect_split(&g, &unreachable, reachable, "the test holds a, and a -> b",
                 "after move_unreachable");
    show_as_unreachable(NULL);
    g_release(&g);
    release_outside_targets(z);
}
END_TEST

START_TEST(deduce_unreachable_runs_the_steps_in_order)
{
    cycles_test_begin(__func__);
    Graph g;
    build_step3_graph(&g);
    int f = g_node(&g, "f, garbage: refers to itself");
    int h = g_node(&g, "h, garbage: referred to by f");
    g_edge(&g, f, f);
    g_edge(&g, f, h);
    g_drop(&g, f);
    g_drop(&g, h);
    PmGC_Head unreachable = {0, 0}; /* deduce_unreachable initialises it */
    show_as_unreachable(&unreachable);
    deduce_unreachable(g.set, &unreachable);
    const int reachable[] = {1, 1, 1, 1, 1, 0, 0};
    expect_split(&g, &unreachable, reachable, "the test holds a and e, and a -> b -> c -> d -> e",
                 "after deduce_unreachable");
    show_as_unreachable(NULL);
    g_release(&g);
}
END_TEST

void register_refs_tests(PmSuite *s)
{
    PM_ADD(s, update_refs_copies_each_refcount_and_sets_collecting, 3, STEP3,
           "update_refs sets gc_refs to the refcount and the COLLECTING flag.",
           "After update_refs every object's gc_refs must equal its count, with COLLECTING "
           "set.",
           SECTION3);
    PM_ADD(s, subtract_refs_leaves_the_references_from_outside, 4, STEP3,
           "After subtract_refs, gc_refs counts the references from outside the set.",
           "gc_refs did not come down to the references from outside the set: every reference "
           "inside must be subtracted once.",
           SECTION3);
    PM_ADD(s, subtract_refs_changes_only_objects_being_collected, 2, STEP3,
           "subtract_refs leaves non-containers and other generations alone.",
           "An object outside the collected set was changed (or one without a GC header was "
           "read).",
           SECTION3);
    PM_ADD(s, move_unreachable_keeps_what_is_reachable_and_moves_the_rest, 4, STEP4,
           "move_unreachable splits the set into reachable (young) and unreachable.",
           "Objects ended on the wrong list. Reread 'move_unreachable: one pass, no recursion' "
           "and follow its figure by hand.",
           SECTION4);
    PM_ADD(s, move_unreachable_moves_back_what_it_finds_reachable_later, 4, STEP4,
           "An object moved to unreachable comes back when a reachable object refers to it.",
           "An object the scan met early with gc_refs 0, then found reachable, stayed in "
           "unreachable.",
           SECTION4);
    PM_ADD(s, move_unreachable_brings_back_a_long_chain_met_in_reverse, 2, STEP4,
           "A ring of 1000 nodes met in reverse order comes back whole, without recursion.",
           "The scan stopped before the objects it had just brought back to the end of young.",
           SECTION4);
    PM_ADD(s, move_unreachable_leaves_objects_outside_the_set_alone, 2, STEP4,
           "move_unreachable leaves non-containers and other generations alone.",
           "The scan changed an object that is not part of the collected set.", SECTION4);
    PM_ADD(s, deduce_unreachable_runs_the_steps_in_order, 2, STEP4,
           "deduce_unreachable runs update_refs, subtract_refs and move_unreachable.",
           "deduce_unreachable is three steps in a row, into an unreachable list that starts "
           "empty.",
           SECTION4);
}
