/* test_collection.c - chapter 3, steps 5 and 6: untrack_tuples lets go of
 * tuples that can never be part of a cycle, and delete_garbage breaks the
 * cycles of the unreachable objects with tp_clear so that reference
 * counting frees them.  Tuples and lists are tracked when they are made,
 * through Step 1's PmObject_GC_Track; delete_garbage's tests use nodes only.
 */
#include "cycles_suite.h"

/* ---- Step 5: Untracking tuples ---- */

static PmObject *tuple_of(Pm_ssize_t n, PmObject *a, PmObject *b)
{
    PmObject *t = n == 1 ? PmTuple_Pack(1, a) : PmTuple_Pack(2, a, b);
    if (t == NULL)
        ck_abort_msg("setting up a tuple failed: %s", PmErr_Message());
    return t;
}

/* Take op out of whatever list it is in, if any (the given list helper). */
static void detach(PmObject *op)
{
    if (AS_GC(op)->_gc_next != 0)
        gc_list_remove(AS_GC(op));
}

START_TEST(untrack_tuples_untracks_tuples_that_hold_only_atoms)
{
    cycles_test_begin(__func__);
    PmGC_Head *set = GEN_HEAD(0);
    PmObject *big = PmLong_FromLongLong(1234567890123LL);
    PmObject *text = PmUnicode_FromString("text");
    PmObject *atoms = tuple_of(2, big, text);
    PmObject *atoms_too = tuple_of(2, text, Pm_None);
    PmObject *inner = tuple_of(1, big, NULL);
    PmObject *outer = tuple_of(2, inner, text);
    /* inner comes before outer, so one pass can untrack both; two
     * untrackable tuples in a row test that the walk reads next first. */
    PmObject *order[] = {atoms, atoms_too, inner, outer};
    const char *what[] = {"(1234567890123, 'text')", "('text', None)",
                          "the inner tuple (1234567890123,)",
                          "the outer tuple ((1234567890123,), 'text'), met after the inner one"};
    for (int i = 0; i < 4; i++)
        set_add(set, order[i]);
    untrack_tuples(set);
    for (int i = 0; i < 4; i++)
        expect(!PmObject_GC_IsTracked(order[i]) && !set_contains(set, order[i]),
               "after untrack_tuples",
               "after untrack_tuples, the tuple %s should be untracked: it holds nothing that "
               "could ever be part of a cycle; call _PmTuple_MaybeUntrack on every tuple",
               what[i]);
    expect(gc_list_is_empty(set), "after untrack_tuples",
           "after untrack_tuples the list should be empty (it held only those 4 tuples)");
    for (int i = 0; i < 4; i++)
        Pm_DECREF(order[i]);
    Pm_DECREF(big);
    Pm_DECREF(text);
}
END_TEST

START_TEST(untrack_tuples_keeps_tuples_that_may_hold_a_cycle)
{
    cycles_test_begin(__func__);
    PmGC_Head *set = GEN_HEAD(0);
    PmObject *list = PmList_New(0);
    PmObject *dict = PmDict_New();
    PmObject *big = PmLong_FromLongLong(1234567890123LL);
    PmObject *half = PmTuple_New(2);
    ck_assert_msg(list && dict && big && half, "setting up failed: %s", PmErr_Message());
    PmTuple_SET_ITEM(half, 0, Pm_NewRef(big)); /* item 1 is still NULL: being built */
    PmObject *with_list = tuple_of(2, big, list);
    PmObject *with_dict = tuple_of(1, dict, NULL);
    PmObject *order[] = {with_list, with_dict, half, list};
    const char *what[] = {"the tuple (1234567890123, []) (the list may come to hold the tuple)",
                          "the tuple ({},) (the dict is untracked now, but may be tracked later)",
                          "a tuple whose item 1 is still NULL (it is being built)",
                          "the list [] (untrack_tuples looks at tuples only)"};
    for (int i = 0; i < 4; i++)
        set_add(set, order[i]);
    untrack_tuples(set);
    for (int i = 0; i < 4; i++)
        expect(set_contains(set, order[i]) && PmObject_GC_IsTracked(order[i]),
               "after untrack_tuples",
               "after untrack_tuples, %s should still be tracked and in the list; leave the "
               "decision to _PmTuple_MaybeUntrack",
               what[i]);
    expect(set_size(set) == 4, "after untrack_tuples",
           "the list should still hold its 4 objects, it holds %zd", set_size(set));
    for (int i = 0; i < 4; i++)
        detach(order[i]);
    PmTuple_SET_ITEM(half, 1, Pm_NewRef(Pm_None));
    for (int i = 0; i < 3; i++)
        Pm_DECREF(order[i]);
    Pm_DECREF(list);
    Pm_DECREF(dict);
    Pm_DECREF(big);
}
END_TEST

/* ---- Step 6: delete_garbage ---- */

/* Put op in list as move_unreachable and clear_unreachable_mask leave the
 * objects of unreachable: linked, with COLLECTING set. */
static void add_collecting(PmGC_Head *list, PmObject *op)
{
    set_add(list, op);
    AS_GC(op)->_gc_prev |= PREV_MASK_COLLECTING;
}

START_TEST(delete_garbage_clears_the_cycles_and_refcounting_frees_them)
{
    cycles_test_begin(__func__);
    PmGC_Head collectable, *old = GEN_HEAD(1);
    gc_list_init(&collectable);
    show_as_unreachable(&collectable);
    PmObject *a = node_new(0), *b = node_new(1), *c = node_new(2), *d = node_new(3);
    node_link(a, b); /* a <-> b, b -> d */
    node_link(b, a);
    node_link(b, d);
    node_link(c, c); /* c refers to itself */
    PmObject *order[] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        add_collecting(&collectable, order[i]);
        Pm_DECREF(order[i]);
    }
    delete_garbage(&collectable, old);
    const char *what[] = {"node 0 (in a cycle 0 <-> 1)", "node 1 (in a cycle 0 <-> 1)",
                          "node 2 (refers to itself)", "node 3 (only node 1 refers to it)"};
    for (int i = 0; i < 4; i++)
        expect(node_deallocs[i] == 1, "after delete_garbage",
               "after delete_garbage, %s should have been freed exactly once, it was freed "
               "%d times (tp_clear was called %d times on it): call the type's tp_clear on "
               "each object still in collectable, and reference counting does the rest",
               what[i], node_deallocs[i], node_clears[i]);
    expect(gc_list_is_empty(&collectable) && gc_list_is_empty(old), "after delete_garbage",
           "every object was garbage: collectable and old should both be empty, they hold "
           "%zd and %zd objects",
           set_size(&collectable), set_size(old));
}
END_TEST

START_TEST(delete_garbage_holds_a_reference_around_tp_clear)
{
    cycles_test_begin(__func__);
    PmGC_Head collectable, *old = GEN_HEAD(1);
    gc_list_init(&collectable);
    show_as_unreachable(&collectable);
    PmObject *c = node_new(7);
    node_link(c, c);
    add_collecting(&collectable, c);
    Pm_DECREF(c); /* its own reference is the only one left */
    delete_garbage(&collectable, old);
    expect(node_clears[7] == 1, "after delete_garbage",
           "delete_garbage should call the node's tp_clear once, it called it %d times",
           node_clears[7]);
    expect(node_refcnt_at_clear[7] == 2, "after delete_garbage",
           "a node whose only reference is its own slot: when its tp_clear starts, its count "
           "should be 2 (its slot and delete_garbage's own reference, taken with Pm_INCREF "
           "around tp_clear); it was %zd",
           node_refcnt_at_clear[7]);
    expect(!node_freed_inside_its_clear, "after delete_garbage",
           "the node was freed while its own tp_clear was still running: hold a reference "
           "to the object around tp_clear, and drop it afterwards");
    expect(node_deallocs[7] == 1 && gc_list_is_empty(&collectable), "after delete_garbage",
           "the node should have been freed once after tp_clear (freed %d times)",
           node_deallocs[7]);
}
END_TEST

START_TEST(delete_garbage_moves_survivors_to_old)
{
    cycles_test_begin(__func__);
    PmGC_Head collectable, *old = GEN_HEAD(1);
    gc_list_init(&collectable);
    show_as_unreachable(&collectable);
    /* e: still held by the test; f: only e refers to it; g: no tp_clear,
     * refers to itself, so nothing can break its cycle. */
    PmObject *e = node_new(0), *f = node_new(1), *g = clearless_node_new(2);
    node_link(e, f);
    node_link(g, g);
    add_collecting(&collectable, e);
    add_collecting(&collectable, f);
    add_collecting(&collectable, g);
    Pm_DECREF(f);
    Pm_DECREF(g);
    delete_garbage(&collectable, old);
    expect(node_clears[0] == 1 && node_deallocs[1] == 1, "after delete_garbage",
           "node 0's tp_clear should run once (it ran %d times) and free node 1, which only "
           "node 0 referred to (node 1 was freed %d times)",
           node_clears[0], node_deallocs[1]);
    expect(gc_list_is_empty(&collectable), "after delete_garbage",
           "collectable should be empty after delete_garbage, it holds %zd objects",
           set_size(&collectable));
    expect(set_size(old) == 2 && set_contains(old, e) && set_contains(old, g),
           "after delete_garbage",
           "node 0 (still held from outside) and node 2 (no tp_clear) survive: both should "
           "be moved to old; old holds %zd objects%s%s",
           set_size(old), set_contains(old, e) ? ", node 0 among them" : "",
           set_contains(old, g) ? ", node 2 among them" : "");
    expect(!is_collecting(e) && !is_collecting(g), "after delete_garbage",
           "a survivor moved to old should lose its COLLECTING flag (gc_clear_collecting)");
    expect(GC_NEXT(GC_PREV(AS_GC(e))) == AS_GC(e) && GC_NEXT(GC_PREV(AS_GC(g))) == AS_GC(g),
           "after delete_garbage", "old should be a well-linked list after delete_garbage");
    detach(e);
    detach(g);
    Pm_CLEAR(((NodeObject *)g)->slot[0]);
    Pm_DECREF(e);
}
END_TEST

void register_collection_tests(PmSuite *s)
{
    PM_ADD(s, untrack_tuples_untracks_tuples_that_hold_only_atoms, 3, STEP5,
           "untrack_tuples untracks tuples that hold nothing that could be tracked.",
           "A tuple of atoms stayed tracked, or the walk lost its place when a tuple left the "
           "list.",
           SECTION5);
    PM_ADD(s, untrack_tuples_keeps_tuples_that_may_hold_a_cycle, 3, STEP5,
           "untrack_tuples keeps tuples holding containers, and every non-tuple.",
           "Only PmTuple_Check objects, and only through _PmTuple_MaybeUntrack.", SECTION5);
    PM_ADD(s, delete_garbage_clears_the_cycles_and_refcounting_frees_them, 4, STEP6,
           "delete_garbage calls tp_clear; reference counting frees the cycles.",
           "Garbage was left alive: delete_garbage breaks each cycle, and reference counting "
           "frees it.",
           SECTION6);
    PM_ADD(s, delete_garbage_holds_a_reference_around_tp_clear, 2, STEP6,
           "delete_garbage holds a reference to each object while its tp_clear runs.",
           "An object was freed while its own tp_clear was still running.", SECTION6);
    PM_ADD(s, delete_garbage_moves_survivors_to_old, 3, STEP6,
           "Objects still alive after tp_clear move to old, without COLLECTING.",
           "An object that survived its tp_clear stayed in collectable, or the loop lost its "
           "place.",
           SECTION6);
}
