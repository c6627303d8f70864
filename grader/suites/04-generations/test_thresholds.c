/* test_thresholds.c - chapter 4, step 3: collect_generations collects the
 * oldest generation whose count passed its threshold, and a full collection
 * only when a quarter more long-lived objects arrived than the last full
 * collection left (the long-lived heuristic).
 */
#include "generations_suite.h"

static void set_state(int c0, int c1, int c2)
{
    _PmGC_state.generations[0].threshold = 10;
    _PmGC_state.generations[1].threshold = 10;
    _PmGC_state.generations[2].threshold = 10;
    _PmGC_state.generations[0].count = c0;
    _PmGC_state.generations[1].count = c1;
    _PmGC_state.generations[2].count = c2;
}

/* The generation collect_generations collected, from the statistics
 * (-1: none, -2: several). */
static int collected_generation(const PmGC_GenerationStats *before)
{
    int which = -1;
    for (int i = 0; i < NUM_GENERATIONS; i++) {
        if (_PmGC_state.generation_stats[i].collections != before[i].collections)
            which = which == -1 ? i : -2;
    }
    return which;
}

static int run_collect_generations(int c0, int c1, int c2)
{
    PmGC_GenerationStats before[NUM_GENERATIONS];
    set_state(c0, c1, c2);
    for (int i = 0; i < NUM_GENERATIONS; i++)
        before[i] = _PmGC_state.generation_stats[i];
    _PmGC_state.collecting = 1;
    collect_generations();
    _PmGC_state.collecting = 0;
    return collected_generation(before);
}

START_TEST(collect_generations_picks_the_oldest_over_threshold)
{
    static const struct {
        int c0, c1, c2, want;
    } cases[] = {
        {11, 0, 0, 0}, {11, 11, 0, 1}, {11, 10, 0, 0}, {11, 11, 11, 2}, {11, 0, 11, 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        settle();
        int got = run_collect_generations(cases[k].c0, cases[k].c1, cases[k].c2);
        ck_assert_msg(got == cases[k].want,
                      "thresholds (10, 10, 10) and counts (%d, %d, %d): collect_generations "
                      "should collect generation %d (the oldest whose count is > its "
                      "threshold); it %s %d",
                      cases[k].c0, cases[k].c1, cases[k].c2, cases[k].want,
                      got == -1   ? "collected nothing,"
                      : got == -2 ? "ran several collections, e.g."
                                  : "collected generation",
                      got);
    }
}
END_TEST

START_TEST(collect_generations_returns_what_was_found)
{
    settle();
    drop_ring(3);
    set_state(11, 0, 0);
    _PmGC_state.collecting = 1;
    Pm_ssize_t n = collect_generations();
    _PmGC_state.collecting = 0;
    ck_assert_msg(n == 3,
                  "collect_generations collected generation 0, where a dropped ring of 3 "
                  "lists was: it should return 3, it returned %zd",
                  n);
}
END_TEST

START_TEST(full_collection_waits_for_a_quarter_more)
{
    settle();
    _PmGC_state.long_lived_total = 100;
    _PmGC_state.long_lived_pending = 24;
    int got = run_collect_generations(11, 11, 11);
    ck_assert_msg(got == 1,
                  "counts (11, 11, 11) over thresholds (10, 10, 10), but only 24 objects "
                  "reached generation 2 since the last full collection left 100 (fewer than "
                  "100 / 4 = 25): the full collection is skipped and generation 1 is "
                  "collected instead; yours collected generation %d (-1: none)",
                  got);

    settle();
    _PmGC_state.long_lived_total = 100;
    _PmGC_state.long_lived_pending = 25;
    got = run_collect_generations(11, 11, 11);
    ck_assert_msg(got == 2,
                  "with 25 new long-lived objects (a quarter of 100) the full collection "
                  "should run; yours collected generation %d (-1: none)",
                  got);
}
END_TEST

START_TEST(long_lived_heuristic_over_many_collections)
{
    /* Build a structure of 6000 lists with small thresholds: full
     * collections must get rarer as generation 2 grows. */
    settle();
    _PmGC_state.generations[0].threshold = 50;
    _PmGC_state.generations[1].threshold = 2;
    _PmGC_state.generations[2].threshold = 2;
    PmObject *root = new_list();
    for (int i = 0; i < 6000; i++) {
        PmObject *l = new_list();
        if (PmList_Append(root, l) != 0)
            ck_abort_msg("PmList_Append failed");
        Pm_DECREF(l);
    }
    quiet_collector();
    Pm_ssize_t full = _PmGC_state.generation_stats[2].collections;
    Pm_ssize_t young = _PmGC_state.generation_stats[0].collections;
    ck_assert_msg(young > 50,
                  "6000 allocations with threshold 50 should run a collection of generation 0 "
                  "about every 51 allocations (more than 50 in all), yours ran %zd",
                  young);
    /* The reference runs 7 full collections here; without the 25% rule it
     * runs 9, and with a count or threshold off by one, other numbers. */
    ck_assert_msg(full >= 2 && full <= 8,
                  "with thresholds (50, 2, 2), the long-lived heuristic allows only a few "
                  "full collections while 6000 lists pile up (the reference runs 7); yours "
                  "ran %zd",
                  full);
    Pm_DECREF(root);
}
END_TEST

void register_threshold_tests(PmSuite *s)
{
    PM_ADD(s, collect_generations_picks_the_oldest_over_threshold, 3, STEP3,
           "collect_generations collects the oldest generation whose count passed its threshold",
           "The wrong generation was collected: which one does collect_generations pick, and "
           "when is a count over its threshold?",
           SECTION3);
    PM_ADD(s, collect_generations_returns_what_was_found, 1, STEP3,
           "collect_generations returns what gc_collect_main returned",
           "collect_generations returned something other than the result of the collection it "
           "ran.",
           SECTION3);
    PM_ADD(s, full_collection_waits_for_a_quarter_more, 3, STEP3,
           "a full collection is skipped while long_lived_pending < long_lived_total / 4",
           "A full collection ran although too few objects had reached generation 2 since the "
           "last one.",
           SECTION3);
    PM_ADD(s, long_lived_heuristic_over_many_collections, 2, STEP3,
           "full collections get rarer while a large structure is built",
           "This runs your Steps 1 to 3 together; if the other Step 3 tests pass, check "
           "that long_lived_pending and long_lived_total are kept by gc_collect_main.",
           SECTION3);
}
