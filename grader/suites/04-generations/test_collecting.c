/* test_collecting.c - chapter 4, step 2: gc_collect_main collects one
 * generation with the younger ones, promotes the survivors, keeps the
 * counts, statistics and long-lived counters, and untracks tuples at every
 * collection but dicts only at full ones (untrack_dicts).
 */
#include "generations_suite.h"

/* gc_collect_main as the gc module calls it: with collecting set. */
static Pm_ssize_t collect(int generation)
{
    _PmGC_state.collecting = 1;
    Pm_ssize_t n = gc_collect_main(generation);
    _PmGC_state.collecting = 0;
    return n;
}

static void set_counts(int c0, int c1, int c2)
{
    _PmGC_state.generations[0].count = c0;
    _PmGC_state.generations[1].count = c1;
    _PmGC_state.generations[2].count = c2;
}

#define COUNTS_ARE(c0, c1, c2)                                                               \
    (_PmGC_state.generations[0].count == (c0) && _PmGC_state.generations[1].count == (c1) && \
     _PmGC_state.generations[2].count == (c2))
#define COUNTS                                                          \
    _PmGC_state.generations[0].count, _PmGC_state.generations[1].count, \
        _PmGC_state.generations[2].count

START_TEST(collect_resets_counts_and_bumps_the_next)
{
    settle();
    set_counts(5, 3, 2);
    collect(0);
    ck_assert_msg(COUNTS_ARE(0, 4, 2),
                  "counts (5, 3, 2), then a collection of generation 0: generation 0 goes "
                  "to 0 and generation 1 counts one more collection of generation 0, so "
                  "(0, 4, 2); they are (%d, %d, %d)",
                  COUNTS);
    set_counts(5, 3, 2);
    collect(1);
    ck_assert_msg(COUNTS_ARE(0, 0, 3),
                  "counts (5, 3, 2), then a collection of generation 1: generations 0 and "
                  "1 go to 0 and generation 2 goes up by one, so (0, 0, 3); they are "
                  "(%d, %d, %d)",
                  COUNTS);
    set_counts(5, 3, 2);
    collect(2);
    ck_assert_msg(COUNTS_ARE(0, 0, 0),
                  "counts (5, 3, 2), then a full collection: every count goes to 0 (there "
                  "is no generation 3 to bump); they are (%d, %d, %d)",
                  COUNTS);
}
END_TEST

START_TEST(survivors_are_promoted)
{
    settle();
    PmObject *x = new_list();
    collect(0);
    ck_assert_msg(_PmGC_GenerationOf(x) == 1,
                  "a list that survives a collection of generation 0 should move to "
                  "generation 1; it is in %d",
                  _PmGC_GenerationOf(x));
    collect(1);
    ck_assert_msg(_PmGC_GenerationOf(x) == 2,
                  "surviving a collection of generation 1 should move it to generation 2; "
                  "it is in %d",
                  _PmGC_GenerationOf(x));
    collect(2);
    ck_assert_msg(_PmGC_GenerationOf(x) == 2,
                  "the oldest generation keeps its survivors: after a full collection it "
                  "should still be in 2; it is in %d",
                  _PmGC_GenerationOf(x));
    Pm_DECREF(x);
}
END_TEST

START_TEST(younger_generations_are_merged_in)
{
    settle();
    PmObject *older = new_list();
    collect(0);
    PmObject *young = new_list();
    drop_ring(2);
    Pm_ssize_t n = collect(1);
    ck_assert_msg(n == 2,
                  "a collection of generation 1 also examines generation 0, where a "
                  "dropped ring of 2 lists waits: it should return 2, it returned %zd",
                  n);
    ck_assert_msg(_PmGC_GenerationOf(older) == 2 && _PmGC_GenerationOf(young) == 2,
                  "after a collection of generation 1, the survivors of generations 0 and "
                  "1 should all be in generation 2; the list from generation 1 is in %d, "
                  "the one from generation 0 in %d",
                  _PmGC_GenerationOf(older), _PmGC_GenerationOf(young));
    ck_assert_msg(gen_size(0) == 0 && gen_size(1) == 0,
                  "generations 0 and 1 should be empty afterwards; they hold %zd and %zd",
                  gen_size(0), gen_size(1));
    Pm_DECREF(older);
    Pm_DECREF(young);
}
END_TEST

START_TEST(collect_returns_what_it_found)
{
    settle();
    drop_ring(3);
    PmObject *d = PmDict_New();
    ck_assert(PmDict_SetItemString(d, "self", d) == 0);
    Pm_DECREF(d);
    Pm_ssize_t n = collect(0);
    ck_assert_msg(n == 4,
                  "generation 0 holds a dropped ring of 3 lists and a dropped dict that "
                  "holds itself: gc_collect_main(0) should return 4, it returned %zd",
                  n);
    ck_assert_msg(_PmGC_state.unreachable == NULL,
                  "after the collection _PmGC_state.unreachable should be NULL again (it "
                  "pointed at a list on gc_collect_main's stack)");
    n = collect(2);
    ck_assert_msg(n == 0,
                  "nothing is left to find: a full collection should return 0, it "
                  "returned %zd",
                  n);
}
END_TEST

START_TEST(young_collection_leaves_older_garbage)
{
    settle();
    PmObject *a = new_list(), *b = new_list();
    ck_assert(PmList_Append(a, b) == 0 && PmList_Append(b, a) == 0);
    collect(0);
    ck_assert_msg(_PmGC_GenerationOf(a) == 1,
                  "the ring survived a collection of generation 0 while held: it should "
                  "be in generation 1, it is in %d",
                  _PmGC_GenerationOf(a));
    Pm_DECREF(a);
    Pm_DECREF(b);
    Pm_ssize_t n = collect(0);
    ck_assert_msg(n == 0,
                  "the dropped ring is in generation 1: a collection of generation 0 must "
                  "not look at it, but it found %zd objects",
                  n);
    n = collect(1);
    ck_assert_msg(n == 2,
                  "a collection of generation 1 should find the ring of 2, it "
                  "found %zd",
                  n);
}
END_TEST

START_TEST(tuples_untracked_at_any_collection)
{
    settle();
    PmObject *i = PmLong_FromLongLong(12345), *j = PmLong_FromLongLong(67890);
    PmObject *t = PmTuple_Pack(2, i, j);
    PmObject *l = new_list();
    PmObject *u = PmTuple_Pack(2, i, l);
    ck_assert_msg(PmObject_GC_IsTracked(t), "a new tuple starts tracked");
    collect(0);
    ck_assert_msg(!PmObject_GC_IsTracked(t),
                  "a tuple of two ints can never be part of a cycle: a collection of "
                  "generation 0 should untrack it (untrack_tuples on young)");
    ck_assert_msg(PmObject_GC_IsTracked(u) && _PmGC_GenerationOf(u) == 1,
                  "a tuple that holds a list stays tracked and moves to generation 1 "
                  "(it is in %d)",
                  _PmGC_GenerationOf(u));
    Pm_DECREF(t);
    Pm_DECREF(u);
    Pm_DECREF(l);
    Pm_DECREF(i);
    Pm_DECREF(j);
}
END_TEST

/* A dict that held a list and now holds only an int: still tracked. */
static PmObject *dict_of_ints(void)
{
    PmObject *d = PmDict_New();
    PmObject *l = new_list();
    ck_assert(PmDict_SetItemString(d, "a", l) == 0);
    Pm_DECREF(l);
    PmObject *n = PmLong_FromLongLong(1000);
    ck_assert(PmDict_SetItemString(d, "a", n) == 0);
    Pm_DECREF(n);
    ck_assert_msg(PmObject_GC_IsTracked(d), "a dict that held a list is tracked");
    return d;
}

START_TEST(young_collections_leave_dicts_tracked)
{
    settle();
    PmObject *d = dict_of_ints();
    collect(0);
    ck_assert_msg(PmObject_GC_IsTracked(d) && _PmGC_GenerationOf(d) == 1,
                  "a collection of generation 0 should promote the dict to generation 1 "
                  "and leave it tracked (dicts are untracked in full collections only); "
                  "tracked: %d, generation %d",
                  PmObject_GC_IsTracked(d), _PmGC_GenerationOf(d));
    collect(1);
    ck_assert_msg(PmObject_GC_IsTracked(d) && _PmGC_GenerationOf(d) == 2,
                  "a collection of generation 1 should promote it to generation 2 and leave "
                  "it tracked; tracked: %d, generation %d",
                  PmObject_GC_IsTracked(d), _PmGC_GenerationOf(d));
    Pm_DECREF(d);
}
END_TEST

START_TEST(full_collection_untracks_dicts)
{
    settle();
    PmObject *d = dict_of_ints();
    PmObject *keep = PmDict_New();
    PmObject *l = new_list();
    ck_assert(PmDict_SetItemString(keep, "list", l) == 0);
    Pm_DECREF(l);
    collect(2);
    ck_assert_msg(!PmObject_GC_IsTracked(d),
                  "a full collection should untrack a dict that holds only ints "
                  "(untrack_dicts on the survivors of the oldest generation)");
    ck_assert_msg(PmObject_GC_IsTracked(keep),
                  "a dict that holds a list may be part of a cycle: it must stay tracked");
    ck_assert_msg(_PmGC_state.long_lived_total == gen_size(2),
                  "after a full collection long_lived_total should be the size of "
                  "generation 2 (%zd), it is %zd",
                  gen_size(2), _PmGC_state.long_lived_total);
    Pm_DECREF(d);
    Pm_DECREF(keep);
}
END_TEST

START_TEST(long_lived_pending_counts_arrivals_in_generation_2)
{
    settle();
    _PmGC_state.long_lived_total = 1000;
    PmObject *keep[4];
    for (int i = 0; i < 4; i++)
        keep[i] = new_list();
    collect(0);
    ck_assert_msg(_PmGC_state.long_lived_pending == 0,
                  "a collection of generation 0 sends nothing to generation 2: "
                  "long_lived_pending should stay 0, it is %zd",
                  _PmGC_state.long_lived_pending);
    collect(1);
    ck_assert_msg(_PmGC_state.long_lived_pending == 4,
                  "4 lists survived a collection of generation 1 into generation 2: "
                  "long_lived_pending should be 4, it is %zd",
                  _PmGC_state.long_lived_pending);
    collect(2);
    ck_assert_msg(_PmGC_state.long_lived_pending == 0 &&
                      _PmGC_state.long_lived_total == gen_size(2),
                  "a full collection starts over: long_lived_pending 0 and long_lived_total "
                  "the size of generation 2 (%zd); they are %zd and %zd",
                  gen_size(2), _PmGC_state.long_lived_pending, _PmGC_state.long_lived_total);
    for (int i = 0; i < 4; i++)
        Pm_DECREF(keep[i]);
}
END_TEST

START_TEST(collection_updates_the_stats)
{
    settle();
    drop_ring(3);
    collect(0);
    collect(0);
    drop_ring(2);
    collect(1);
    PmGC_GenerationStats *st = _PmGC_state.generation_stats;
    ck_assert_msg(st[0].collections == 2 && st[0].collected == 3 && st[0].uncollectable == 0,
                  "two collections of generation 0, the first finding a ring of 3: "
                  "generation 0's stats should be (collections 2, collected 3, "
                  "uncollectable 0), they are (%zd, %zd, %zd)",
                  st[0].collections, st[0].collected, st[0].uncollectable);
    ck_assert_msg(st[1].collections == 1 && st[1].collected == 2,
                  "one collection of generation 1 finding 2: generation 1's stats should "
                  "be (1, 2, 0), they are (%zd, %zd, %zd)",
                  st[1].collections, st[1].collected, st[1].uncollectable);
    ck_assert_msg(st[2].collections == 0,
                  "generation 2 was never collected: its count of collections should be 0, "
                  "it is %zd",
                  st[2].collections);
}
END_TEST

void register_collecting_tests(PmSuite *s)
{
    PM_ADD(s, collect_resets_counts_and_bumps_the_next, 2, STEP2,
           "collecting generation g zeroes the counts of 0..g and adds one to g+1's",
           "The counts are wrong after a collection: which counts go to 0, and which one goes "
           "up?",
           SECTION2);
    PM_ADD(s, survivors_are_promoted, 3, STEP2,
           "survivors move one generation older; the oldest keeps its own",
           "The survivors of a collection stayed in their generation.", SECTION2);
    PM_ADD(s, younger_generations_are_merged_in, 2, STEP2,
           "collecting generation 1 takes generation 0 along",
           "A younger generation was not collected along with the older one.", SECTION2);
    PM_ADD(s, collect_returns_what_it_found, 2, STEP2,
           "gc_collect_main returns the number of unreachable objects",
           "The number returned is not the number of unreachable objects found, or the "
           "collector's state was left behind.",
           SECTION2);
    PM_ADD(s, young_collection_leaves_older_garbage, 2, STEP2,
           "a young collection does not look at older generations",
           "Only generations 0..g are merged and examined; an older object is treated as "
           "a reference from outside.",
           SECTION2);
    PM_ADD(s, tuples_untracked_at_any_collection, 1, STEP2,
           "every collection untracks tuples that hold nothing that could be tracked",
           "A tuple of atoms stayed tracked after a young collection.", SECTION2);
    PM_ADD(s, young_collections_leave_dicts_tracked, 1, STEP2,
           "collections of generations 0 and 1 leave dicts tracked",
           "untrack_dicts runs only in full collections (CPython issue #14775): doing it in "
           "every collection makes building many dicts quadratic.",
           SECTION2);
    PM_ADD(s, full_collection_untracks_dicts, 2, STEP2,
           "a full collection untracks dicts that hold nothing that could be tracked",
           "A full collection does three things a young one does not.", SECTION2);
    PM_ADD(s, long_lived_pending_counts_arrivals_in_generation_2, 2, STEP2,
           "long_lived_pending counts what a collection of generation 1 sends to generation 2",
           "long_lived_pending did not grow by the number of objects promoted into generation "
           "2.",
           SECTION2);
    PM_ADD(s, collection_updates_the_stats, 1, STEP2,
           "each collection updates its generation's statistics",
           "gc.get_stats() did not move as a collection ran.", SECTION2);
}
