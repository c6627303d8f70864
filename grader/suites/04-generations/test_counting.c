/* test_counting.c - chapter 4, step 1: _PmObject_GC_Link counts every new
 * GC object in generation 0 and PmObject_GC_Del counts it out again; and,
 * graded with step 3 (they need collect_generations), the collection
 * _PmObject_GC_Link starts when the count passes threshold 0.
 */
#include "generations_suite.h"

#define COUNT0 (_PmGC_state.generations[0].count)

START_TEST(link_counts_each_new_gc_object)
{
    tear_down_without_step_2();
    settle();
    PmObject *lists[5];
    for (int i = 0; i < 5; i++) {
        lists[i] = new_list();
        ck_assert_msg(COUNT0 == i + 1,
                      "after %d new lists generation 0's count should be %d "
                      "(_PmObject_GC_Link adds one per GC object), it is %d",
                      i + 1, i + 1, COUNT0);
    }
    PmObject *n = PmLong_FromLongLong(123456789);
    PmObject *s = PmUnicode_FromString("not a container");
    ck_assert_msg(COUNT0 == 5,
                  "ints and strings are not GC objects and are not counted: the count "
                  "should still be 5, it is %d",
                  COUNT0);
    Pm_DECREF(n);
    Pm_DECREF(s);
    for (int i = 0; i < 5; i++)
        Pm_DECREF(lists[i]);
}
END_TEST

START_TEST(gc_del_counts_out_and_never_below_zero)
{
    tear_down_without_step_2();
    settle();
    PmObject *a = new_list(), *b = new_list(), *c = new_list();
    ck_assert_msg(COUNT0 == 3, "after 3 new lists the count should be 3, it is %d", COUNT0);
    Pm_DECREF(a);
    ck_assert_msg(COUNT0 == 2,
                  "freeing a list should take one from generation 0's count (3 -> 2) in "
                  "PmObject_GC_Del, it is %d",
                  COUNT0);
    COUNT0 = 0;
    Pm_DECREF(b);
    ck_assert_msg(COUNT0 == 0,
                  "with the count at 0 (a collection just reset it), freeing an object "
                  "must leave it at 0, never negative; it is %d",
                  COUNT0);
    Pm_DECREF(c);
}
END_TEST

/* A GC type whose deallocator frees the object while it is still tracked:
 * PmObject_GC_Del must unlink it first. */
static void careless_dealloc(PmObject *op)
{
    PmObject_GC_Del(op);
}
static int careless_traverse(PmObject *op, visitproc visit, void *arg)
{
    (void)op, (void)visit, (void)arg;
    return 0;
}
static PmTypeObject Careless_Type = {
    .ob_base = {.ob_base = {.ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = &PmType_Type}},
    .tp_name = "careless",
    .tp_basicsize = sizeof(PmObject),
    .tp_flags = Pm_TPFLAGS_HAVE_GC,
    .tp_dealloc = careless_dealloc,
    .tp_traverse = careless_traverse,
    .tp_free = PmObject_GC_Del,
};

START_TEST(gc_del_unlinks_a_tracked_object)
{
    tear_down_without_step_2();
    settle();
    PmObject *before = new_list();
    PmObject *op = _PmObject_GC_New(&Careless_Type);
    ck_assert_msg(op != NULL, "_PmObject_GC_New failed");
    PmObject_GC_Track(op);
    PmObject *after = new_list();
    Pm_ssize_t size = gen_size(0);
    Pm_DECREF(op);
    ck_assert_msg(gen_size(0) == size - 1,
                  "an object freed while tracked must be unlinked from its generation by "
                  "PmObject_GC_Del: generation 0 should hold %zd objects, it holds %zd",
                  size - 1, gen_size(0));
    ck_assert_msg(_PmGC_GenerationOf(before) == 0 && _PmGC_GenerationOf(after) == 0,
                  "the neighbours of the freed object should still be in generation 0 "
                  "(found in %d and %d)",
                  _PmGC_GenerationOf(before), _PmGC_GenerationOf(after));
    Pm_DECREF(before);
    Pm_DECREF(after);
}
END_TEST

/* Allocate lists one by one with threshold 10 and report at which
 * allocation the first list left generation 0 (0 if it never did). */
static int allocation_that_collects(PmObject **keep, int n)
{
    int when = 0;
    for (int i = 0; i < n; i++) {
        keep[i] = new_list();
        if (when == 0 && _PmGC_GenerationOf(keep[0]) != 0)
            when = i + 1;
    }
    return when;
}

START_TEST(collection_runs_when_count_passes_threshold)
{
    settle();
    _PmGC_state.generations[0].threshold = 10;
    PmObject *keep[15];
    int when = allocation_that_collects(keep, 15);
    ck_assert_msg(when == 11,
                  "with threshold 10 a generation-0 collection should run during the 11th "
                  "allocation (count 11 > threshold 10) and promote the first list; %s %d",
                  when == 0 ? "no collection ran in 15 allocations" : "it ran at allocation", when);
    ck_assert_msg(_PmGC_GenerationOf(keep[0]) == 1 && _PmGC_GenerationOf(keep[14]) == 0,
                  "after that collection the first list should be in generation 1 and the "
                  "15th in generation 0; they are in %d and %d",
                  _PmGC_GenerationOf(keep[0]), _PmGC_GenerationOf(keep[14]));
    for (int i = 0; i < 15; i++)
        Pm_DECREF(keep[i]);

    /* Again, with generation 1 already over its threshold: whenever
     * collect_generations is called, it collects generation 1, so the
     * allocation at which that happens shows when _PmObject_GC_Link called
     * it, even if it then found generation 0 not over its threshold. */
    settle();
    _PmGC_state.generations[1].count = _PmGC_state.generations[1].threshold + 1;
    _PmGC_state.generations[0].threshold = 10;
    when = allocation_that_collects(keep, 15);
    ck_assert_msg(when == 11,
                  "with threshold 10 (and generation 1 over its own threshold), "
                  "_PmObject_GC_Link should start a collection only at the 11th allocation, "
                  "when the count passes 10; %s %d. At count == threshold nothing may run",
                  when == 0 ? "no collection ran in 15 allocations" : "one ran at allocation",
                  when);
    for (int i = 0; i < 15; i++)
        Pm_DECREF(keep[i]);
}
END_TEST

START_TEST(no_collection_when_disabled_or_busy)
{
    PmObject *keep[15];
    int when;
    settle();
    _PmGC_state.generations[0].threshold = 10;
    when = allocation_that_collects(keep, 15);
    ck_assert_msg(when == 11,
                  "with the collector enabled and threshold 10, a collection "
                  "should run at the 11th allocation (it ran at %d, 0 = never)",
                  when);
    for (int i = 0; i < 15; i++)
        Pm_DECREF(keep[i]);

    static const char *const why[] = {
        "the collector is disabled (enabled == 0)", "threshold 0 is 0 (automatic collection off)",
        "a collection is already running (collecting == 1)", "an exception is pending"};
    for (int c = 0; c < 4; c++) {
        settle();
        _PmGC_state.generations[0].threshold = c == 1 ? 0 : 10;
        if (c == 0)
            _PmGC_state.enabled = 0;
        if (c == 2)
            _PmGC_state.collecting = 1;
        if (c == 3)
            PmErr_SetString(PmExc_RuntimeError, "pending");
        when = allocation_that_collects(keep, 15);
        _PmGC_state.enabled = 1;
        _PmGC_state.collecting = 0;
        PmErr_Clear();
        ck_assert_msg(when == 0, "no collection may start when %s, but one ran at allocation %d",
                      why[c], when);
        ck_assert_msg(COUNT0 == 15,
                      "allocations are counted even when %s: the count should be 15, it is %d",
                      why[c], COUNT0);
        for (int i = 0; i < 15; i++)
            Pm_DECREF(keep[i]);
    }
}
END_TEST

void register_counting_tests(PmSuite *s)
{
    PM_ADD(s, link_counts_each_new_gc_object, 2, STEP1,
           "each new GC object adds one to generation 0's count",
           "Generation 0's count did not go up by one for each new GC object.", SECTION1);
    PM_ADD(s, gc_del_counts_out_and_never_below_zero, 2, STEP1,
           "PmObject_GC_Del takes one from generation 0's count, never below 0",
           "The count is allocations minus deallocations since the last collection; a "
           "collection resets it to 0, so objects freed afterwards must not push it below 0.",
           SECTION1);
    PM_ADD(s, gc_del_unlinks_a_tracked_object, 2, STEP1,
           "PmObject_GC_Del unlinks an object that is still tracked",
           "A deallocator that forgot to untrack left freed memory in a generation list.",
           SECTION1);
}

/* The collection _PmObject_GC_Link starts needs collect_generations: these
 * two are graded with Step 3 (registered after its other tests). */
void register_link_collection_tests(PmSuite *s)
{
    PM_ADD(s, collection_runs_when_count_passes_threshold, 3, STEP3,
           "a collection runs at the allocation that takes the count past threshold 0",
           "The collection came one allocation too early or too late: when is a count over its "
           "threshold? Compare with 3.11's _PyObject_GC_Link.",
           SECTION3);
    PM_ADD(s, no_collection_when_disabled_or_busy, 2, STEP3,
           "no automatic collection when disabled, with threshold 0, during a collection, "
           "or with an exception pending",
           "A collection started when it must not have: list every condition 3.11's "
           "_PyObject_GC_Link checks.",
           SECTION3);
}
