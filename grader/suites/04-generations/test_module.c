/* test_module.c - chapter 4, steps 4 and 5: the gc module's functions
 * (collect, enable/disable, counts, thresholds, stats, get_objects) and
 * freezing (freeze, unfreeze, get_freeze_count).
 */
#include "generations_suite.h"

/* Is op an item of the list `objects`?  Consumes the reference. */
static int holds(PmObject *objects, PmObject *op)
{
    ck_assert_msg(objects != NULL, "PmGC_GetObjects returned NULL for a valid generation (%s)",
                  PmErr_Message());
    int found = 0;
    for (Pm_ssize_t i = 0; i < PmList_GET_SIZE(objects); i++)
        if (PmList_GET_ITEM(objects, i) == op)
            found = 1;
    Pm_DECREF(objects);
    return found;
}

START_TEST(set_threshold_then_get_threshold)
{
    int t[3];
    PmGC_GetThreshold(t);
    ck_assert_msg(t[0] == 700 && t[1] == 10 && t[2] == 10,
                  "the thresholds after start-up are (700, 10, 10), as in CPython 3.11; "
                  "PmGC_GetThreshold says (%d, %d, %d)",
                  t[0], t[1], t[2]);
    int one[1] = {5};
    PmGC_SetThreshold(one, 1);
    PmGC_GetThreshold(t);
    ck_assert_msg(t[0] == 5 && t[1] == 10 && t[2] == 10,
                  "gc.set_threshold(5) changes only threshold 0: (5, 10, 10) expected, "
                  "(%d, %d, %d) read back",
                  t[0], t[1], t[2]);
    int three[3] = {1, 2, 3};
    PmGC_SetThreshold(three, 3);
    PmGC_GetThreshold(t);
    ck_assert_msg(t[0] == 1 && t[1] == 2 && t[2] == 3 && _PmGC_state.generations[2].threshold == 3,
                  "gc.set_threshold(1, 2, 3): (1, 2, 3) expected, (%d, %d, %d) read back", t[0],
                  t[1], t[2]);
}
END_TEST

START_TEST(enable_and_disable_return_the_previous_state)
{
    ck_assert_msg(PmGC_IsEnabled() == 1,
                  "the collector starts enabled: PmGC_IsEnabled() "
                  "should be 1, it is %d",
                  PmGC_IsEnabled());
    int r1 = PmGC_Disable(), r2 = PmGC_Disable();
    ck_assert_msg(r1 == 1 && r2 == 0 && PmGC_IsEnabled() == 0 && _PmGC_state.enabled == 0,
                  "PmGC_Disable returns the previous state (1, then 0) and clears "
                  "_PmGC_state.enabled; got %d, %d, enabled %d",
                  r1, r2, _PmGC_state.enabled);
    r1 = PmGC_Enable();
    r2 = PmGC_Enable();
    ck_assert_msg(r1 == 0 && r2 == 1 && PmGC_IsEnabled() == 1,
                  "PmGC_Enable returns the previous state (0, then 1); got %d, %d, "
                  "PmGC_IsEnabled %d",
                  r1, r2, PmGC_IsEnabled());
}
END_TEST

START_TEST(get_count_and_get_stats)
{
    settle();
    _PmGC_state.generations[0].count = 3;
    _PmGC_state.generations[1].count = 4;
    _PmGC_state.generations[2].count = 5;
    Pm_ssize_t c[3];
    PmGC_GetCount(c);
    ck_assert_msg(c[0] == 3 && c[1] == 4 && c[2] == 5,
                  "with counts (3, 4, 5), PmGC_GetCount should give them; it gives "
                  "(%zd, %zd, %zd)",
                  c[0], c[1], c[2]);
    drop_ring(2);
    PmGC_CollectGeneration(1);
    PmGC_GenerationStats st[3];
    PmGC_GetStats(st);
    ck_assert_msg(st[1].collections == 1 && st[1].collected == 2 && st[0].collections == 0,
                  "after one collection of generation 1 finding 2 objects, PmGC_GetStats "
                  "should give generation 1 (collections 1, collected 2) and generation 0 "
                  "no collection; it gives (%zd, %zd) and %zd",
                  st[1].collections, st[1].collected, st[0].collections);
}
END_TEST

START_TEST(collect_generation_checks_and_collects)
{
    settle();
    drop_ring(2);
    Pm_ssize_t n = PmGC_Collect();
    ck_assert_msg(n == 2,
                  "PmGC_Collect (gc.collect()) should find the dropped ring of 2, "
                  "it returned %zd",
                  n);
    ck_assert_msg(_PmGC_state.generation_stats[2].collections == 1,
                  "gc.collect() is a collection of generation 2: its stats should count 1 "
                  "collection, they count %zd",
                  _PmGC_state.generation_stats[2].collections);
    n = PmGC_CollectGeneration(3);
    ck_assert_msg(n == -1 && PmErr_Occurred() == PmExc_ValueError,
                  "gc.collect(3) should fail with ValueError (invalid generation): "
                  "returned %zd, error '%s'",
                  n, PmErr_Message());
    PmErr_Clear();
    n = PmGC_CollectGeneration(-1);
    ck_assert_msg(n == -1 && PmErr_Occurred() == PmExc_ValueError,
                  "gc.collect(-1) should fail with ValueError: returned %zd", n);
    PmErr_Clear();
    drop_ring(2);
    _PmGC_state.collecting = 1;
    n = PmGC_CollectGeneration(0);
    _PmGC_state.collecting = 0;
    ck_assert_msg(n == 0,
                  "while a collection runs, gc.collect(0) must not start another "
                  "and returns 0; it returned %zd",
                  n);
    ck_assert_msg(_PmGC_state.collecting == 0, "PmGC_CollectGeneration must leave "
                                               "collecting as it found it");
    n = PmGC_CollectGeneration(0);
    ck_assert_msg(n == 2 && _PmGC_state.collecting == 0,
                  "gc.collect(0) should then find the ring of 2 (it returned %zd) and clear "
                  "collecting when done",
                  n);
}
END_TEST

START_TEST(get_objects_lists_a_generation)
{
    settle();
    PmObject *old = new_list();
    PmGC_CollectGeneration(1);
    PmObject *young = new_list();
    ck_assert_msg(holds(PmGC_GetObjects(0), young) && !holds(PmGC_GetObjects(0), old),
                  "gc.get_objects(0) should list the new list and not the one in "
                  "generation 2");
    ck_assert_msg(holds(PmGC_GetObjects(2), old) && !holds(PmGC_GetObjects(1), old),
                  "gc.get_objects(2) should list the list in generation 2, "
                  "gc.get_objects(1) should not");
    PmObject *all = PmGC_GetObjects(-1);
    ck_assert_msg(all != NULL, "gc.get_objects() failed: %s", PmErr_Message());
    int self = 0;
    for (Pm_ssize_t i = 0; i < PmList_GET_SIZE(all); i++)
        if (PmList_GET_ITEM(all, i) == all)
            self = 1;
    ck_assert_msg(!self, "the list gc.get_objects() returns is tracked too, but must not "
                         "list itself");
    ck_assert_msg(holds(all, young) && holds(PmGC_GetObjects(-1), old),
                  "gc.get_objects() lists every generation: both lists should be in it");
    PmObject *bad = PmGC_GetObjects(3);
    ck_assert_msg(bad == NULL && PmErr_Occurred() == PmExc_ValueError,
                  "gc.get_objects(3) should fail with ValueError");
    PmErr_Clear();
    Pm_DECREF(old);
    Pm_DECREF(young);
}
END_TEST

START_TEST(freeze_moves_everything_to_the_permanent_generation)
{
    settle();
    PmObject *old = new_list();
    PmGC_CollectGeneration(1);
    PmObject *young = new_list();
    _PmGC_state.generations[0].count = 7;
    Pm_ssize_t tracked = gen_size(0) + gen_size(1) + gen_size(2);
    PmGC_Freeze();
    ck_assert_msg(_PmGC_GenerationOf(old) == NUM_GENERATIONS &&
                      _PmGC_GenerationOf(young) == NUM_GENERATIONS,
                  "after gc.freeze() both lists should be in the permanent generation; "
                  "they are in %d and %d (3 = permanent)",
                  _PmGC_GenerationOf(old), _PmGC_GenerationOf(young));
    ck_assert_msg(PmGC_GetFreezeCount() == tracked && gen_size(0) + gen_size(1) + gen_size(2) == 0,
                  "gc.freeze() moves all %zd tracked objects: get_freeze_count should be %zd "
                  "and the generations empty; it is %zd",
                  tracked, tracked, PmGC_GetFreezeCount());
    ck_assert_msg(_PmGC_state.generations[0].count == 0,
                  "gc.freeze() zeroes the counts (generation 0's is %d)",
                  _PmGC_state.generations[0].count);
    PmGC_Unfreeze();
    ck_assert_msg(_PmGC_GenerationOf(old) == 2 && _PmGC_GenerationOf(young) == 2 &&
                      PmGC_GetFreezeCount() == 0,
                  "gc.unfreeze() moves the permanent generation into the oldest one: both "
                  "lists in generation 2 (they are in %d and %d) and a freeze count of 0 "
                  "(%zd)",
                  _PmGC_GenerationOf(old), _PmGC_GenerationOf(young), PmGC_GetFreezeCount());
    Pm_DECREF(old);
    Pm_DECREF(young);
}
END_TEST

START_TEST(frozen_cycle_is_not_collected)
{
    settle();
    PmObject *a = new_list(), *b = new_list();
    ck_assert(PmList_Append(a, b) == 0 && PmList_Append(b, a) == 0);
    PmGC_Freeze();
    Pm_DECREF(a);
    Pm_DECREF(b);
    Pm_ssize_t n = PmGC_Collect();
    ck_assert_msg(n == 0,
                  "a frozen ring is never collected: gc.collect() should return 0, "
                  "it returned %zd",
                  n);
    ck_assert_msg(PmGC_GetFreezeCount() == 2,
                  "the frozen ring of 2 should still be in the "
                  "permanent generation; get_freeze_count is %zd",
                  PmGC_GetFreezeCount());
    PmGC_Unfreeze();
    n = PmGC_Collect();
    ck_assert_msg(n == 2,
                  "after gc.unfreeze() the ring is in generation 2 and gc.collect() "
                  "should free it (return 2); it returned %zd",
                  n);
}
END_TEST

void register_module_tests(PmSuite *s)
{
    PM_ADD(s, set_threshold_then_get_threshold, 1, STEP4,
           "gc.set_threshold sets as many thresholds as it is given; get_threshold reads them",
           "PmGC_SetThreshold(thresholds, n) sets generations[i].threshold for i < n; the "
           "others keep their value.",
           SECTION4);
    PM_ADD(s, enable_and_disable_return_the_previous_state, 1, STEP4,
           "gc.enable and gc.disable switch automatic collection and return the previous state",
           "They set _PmGC_state.enabled, which _PmObject_GC_Link reads.", SECTION4);
    PM_ADD(s, get_count_and_get_stats, 1, STEP4, "gc.get_count and gc.get_stats report the state",
           "Copy the counts and generation_stats of each generation into out[].", SECTION4);
    PM_ADD(s, collect_generation_checks_and_collects, 2, STEP4,
           "gc.collect(generation) checks its argument and never runs two collections at once",
           "ValueError for a generation outside 0..2; 0 when collecting is set; otherwise "
           "set collecting, call gc_collect_main, clear collecting.",
           SECTION4);
    PM_ADD(s, get_objects_lists_a_generation, 2, STEP4,
           "gc.get_objects(generation) lists the objects of one generation, or of all",
           "A new list; append each object of the generation list(s), but not the new list "
           "itself (it is tracked in generation 0 too).  ValueError for generation >= 3.",
           SECTION4);
    PM_ADD(s, freeze_moves_everything_to_the_permanent_generation, 2, STEP5,
           "gc.freeze moves every tracked object to the permanent generation",
           "After a freeze, objects were left in a generation, or counts were left behind.",
           SECTION5);
    PM_ADD(s, frozen_cycle_is_not_collected, 1, STEP5,
           "a frozen cycle survives gc.collect() until gc.unfreeze()",
           "No collection looks at the permanent generation; get_freeze_count is the size "
           "of its list.",
           SECTION5);
}
