/* test_hidden_collection.c - chapter 3's hidden tests (an example of an
 * instructor's own tests, kept out of the handout): a whole collection,
 * gc.collect() from the C side, on a heap where live objects and garbage
 * cycles point at each other.
 *
 * Written like the public suite's test files, with its header's nodes and
 * helpers; registered by register_hidden_collection_tests.
 */
#include "cycles_suite.h"

START_TEST(collect_frees_only_the_cycles_nothing_reaches)
{
    cycles_test_begin(__func__);
    /* Live: the test holds x; x -> y -> z <-> w.  Garbage: p -> q -> r -> p,
     * and r -> y (garbage may refer to live objects). */
    PmObject *x = node_new(100), *y = node_new(101), *z = node_new(102), *w = node_new(103);
    PmObject *p = node_new(110), *q = node_new(111), *r = node_new(112);
    /* The suite's nodes start untracked (its tests build their own sets): a
     * real collection sees only tracked containers. */
    PmObject *all[] = {x, y, z, w, p, q, r};
    for (int i = 0; i < 7; i++)
        PmObject_GC_Track(all[i]);
    node_link(x, y);
    node_link(y, z);
    node_link(z, w);
    node_link(w, z);
    node_link(p, q);
    node_link(q, r);
    node_link(r, p);
    node_link(r, y);
    PmObject *dropped[] = {y, z, w, p, q, r};
    for (int i = 0; i < 6; i++)
        Pm_DECREF(dropped[i]);
    /* cycles_test_begin turned automatic collections off and marked the
     * collector busy (the public tests call its steps one by one); this test
     * runs whole collections, as gc.collect() does. */
    _PmGC_state.collecting = 0;
    Pm_ssize_t found = PmGC_Collect();
    for (int id = 110; id <= 112; id++)
        expect(node_deallocs[id] == 1, "after gc.collect()",
               "node %d is in the cycle 110 -> 111 -> 112 -> 110 that nothing outside it "
               "reaches: gc.collect() should free it once, it was freed %d times",
               id, node_deallocs[id]);
    for (int id = 100; id <= 103; id++)
        expect(node_deallocs[id] == 0, "after gc.collect()",
               "node %d is reachable from node 100, which the test holds: it must survive "
               "gc.collect(), but it was freed",
               id);
    expect(found == 3, "after gc.collect()",
           "gc.collect() should return 3 (the three nodes of the garbage cycle), it returned %zd",
           found);
    expect(Pm_REFCNT(x) == 1 && Pm_REFCNT(y) == 1 && Pm_REFCNT(z) == 2 && Pm_REFCNT(w) == 1,
           "after gc.collect()",
           "a collection must leave the survivors' reference counts as they were (x 1, y 1 once "
           "the garbage let go of it, z 2, w 1); they are %zd, %zd, %zd, %zd",
           Pm_REFCNT(x), Pm_REFCNT(y), Pm_REFCNT(z), Pm_REFCNT(w));
    /* Dropping x frees x and y by counting; z <-> w is garbage now. */
    Pm_DECREF(x);
    found = PmGC_Collect();
    expect(node_deallocs[102] == 1 && node_deallocs[103] == 1, "after a second gc.collect()",
           "once node 100 is dropped, the cycle 102 <-> 103 is garbage: the next collection "
           "should free both (freed %d and %d times)",
           node_deallocs[102], node_deallocs[103]);
    expect(found == 2, "after a second gc.collect()",
           "the second gc.collect() should return 2, it returned %zd", found);
}
END_TEST

void register_hidden_collection_tests(PmSuite *s)
{
    PM_ADD(s, collect_frees_only_the_cycles_nothing_reaches, 3, STEP6,
           "gc.collect() frees the cycles nothing reaches, and only those.",
           "Follow the whole collection by hand on a heap where garbage refers to live objects.",
           SECTION6);
}
