/* suite.c - the graded suite of chapter 4 (generations): the unit tests of
 * Steps 1 to 5 (test_counting.c, test_collecting.c, test_thresholds.c,
 * test_module.c), and for Step 6 the scenarios, whose output must match
 * CPython's, and the logs of collections of the long scenarios, which must
 * match the reference's (test_logs.c).
 */
#include "generations_suite.h"

const char pm_chapter[] = "04-generations";

/* The scenarios in grader/scenarios/04-generations/, one point each.  Each
 * hint names the step its scenario leans on (from its opening comment). */
static const struct {
    const char *stem, *hint, *section;
} scenarios[] = {
    {"automatic_collection_frees_a_cycle",
     "This scenario exercises Step 1 (Counting allocations); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/automatic_collection_frees_a_cycle.py "
     "to see its heap.",
     SECTION1},
    {"automatic_collections_promote_survivors",
     "This scenario exercises Step 3 (Thresholds and the long-lived "
     "heuristic); its opening comment says what to watch. Run it with make "
     "run "
     "SCRIPT=grader/scenarios/04-generations/automatic_collections_promote_survivors.py "
     "to see its heap.",
     SECTION3},
    {"collect_counts_unreachable_objects",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/collect_counts_unreachable_objects.py "
     "to see its heap.",
     SECTION2},
    {"collecting_1_takes_generation_0_along",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/collecting_1_takes_generation_0_along.py "
     "to see its heap.",
     SECTION2},
    {"cycle_across_generations",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/cycle_across_generations.py to "
     "see its heap.",
     SECTION2},
    {"dict_holding_a_container_stays_tracked",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/dict_holding_a_container_stays_tracked.py "
     "to see its heap.",
     SECTION2},
    {"dicts_untracked_only_by_full_collections",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/dicts_untracked_only_by_full_collections.py "
     "to see its heap.",
     SECTION2},
    {"disabled_collector_never_runs_by_itself",
     "This scenario exercises Step 1 (Counting allocations); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/disabled_collector_never_runs_by_itself.py "
     "to see its heap.",
     SECTION1},
    {"enable_disable_isenabled",
     "This scenario exercises Step 4 (The gc module); its opening comment "
     "says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/enable_disable_isenabled.py to "
     "see its heap.",
     SECTION4},
    {"freeze_empties_the_generations",
     "This scenario exercises Step 5 (Freezing); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/freeze_empties_the_generations.py "
     "to see its heap.",
     SECTION5},
    {"frozen_cycle_is_never_collected",
     "This scenario exercises Step 5 (Freezing); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/frozen_cycle_is_never_collected.py "
     "to see its heap.",
     SECTION5},
    {"long_cycles_every_k",
     "This scenario exercises Steps 1 to 3 together, over a long run; its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/long_cycles_every_k.py to see "
     "its heap.",
     SECTION6},
    {"long_dicts_tuples_churn",
     "This scenario exercises Steps 1 to 3 together, over a long run; its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/long_dicts_tuples_churn.py to "
     "see its heap.",
     SECTION6},
    {"long_growing_structure",
     "This scenario exercises Steps 1 to 3 together, over a long run; its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/long_growing_structure.py to "
     "see its heap.",
     SECTION6},
    {"many_collections_reach_generation_2",
     "This scenario exercises Step 3 (Thresholds and the long-lived "
     "heuristic); its opening comment says what to watch. Run it with make "
     "run "
     "SCRIPT=grader/scenarios/04-generations/many_collections_reach_generation_2.py "
     "to see its heap.",
     SECTION3},
    {"new_container_starts_in_generation_0",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/new_container_starts_in_generation_0.py "
     "to see its heap.",
     SECTION2},
    {"objects_made_after_freeze_are_collected",
     "This scenario exercises Step 5 (Freezing); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/objects_made_after_freeze_are_collected.py "
     "to see its heap.",
     SECTION5},
    {"old_container_keeps_young_one_alive",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/old_container_keeps_young_one_alive.py "
     "to see its heap.",
     SECTION2},
    {"oldest_cycle_needs_a_full_collection",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/oldest_cycle_needs_a_full_collection.py "
     "to see its heap.",
     SECTION2},
    {"set_threshold_and_get_threshold",
     "This scenario exercises Step 4 (The gc module); its opening comment "
     "says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/set_threshold_and_get_threshold.py "
     "to see its heap.",
     SECTION4},
    {"small_threshold_collects_sooner",
     "This scenario exercises Step 1 (Counting allocations); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/small_threshold_collects_sooner.py "
     "to see its heap.",
     SECTION1},
    {"survivors_move_one_generation_older",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/survivors_move_one_generation_older.py "
     "to see its heap.",
     SECTION2},
    {"threshold_zero_turns_collection_off",
     "This scenario exercises Step 1 (Counting allocations); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/threshold_zero_turns_collection_off.py "
     "to see its heap.",
     SECTION1},
    {"tuple_holding_a_list_stays_tracked",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/tuple_holding_a_list_stays_tracked.py "
     "to see its heap.",
     SECTION2},
    {"tuples_untracked_by_any_collection",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/tuples_untracked_by_any_collection.py "
     "to see its heap.",
     SECTION2},
    {"young_collection_leaves_older_cycles",
     "This scenario exercises Step 2 (Collecting a generation); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/04-generations/young_collection_leaves_older_cycles.py "
     "to see its heap.",
     SECTION2},
};

void pm_register(PmSuite *s)
{
    register_counting_tests(s);
    register_collecting_tests(s);
    register_threshold_tests(s);
    register_module_tests(s);
    register_log_tests(s);
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        pm_add_scenario(s, scenarios[i].stem, 1, STEP6, scenarios[i].hint, scenarios[i].section);
}
