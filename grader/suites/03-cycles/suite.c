/* suite.c - the graded suite of chapter 3 (finding cycles): the unit tests
 * of Steps 1 to 6 (test_tracking.c, test_refs.c, test_collection.c, built on
 * the node container of nodes.c) and the scenarios of Step 7, whole programs
 * whose output must match CPython's and which must leave nothing behind.
 * The scenarios run the whole collector: your chapter 3 under the
 * reference chapter 4.
 */
#include "cycles_suite.h"

const char pm_chapter[] = "03-cycles";

/* The scenarios in grader/scenarios/03-cycles/, one point each.  Each hint
 * names the steps its scenario leans on (from its opening comment). */
static const struct {
    const char *stem, *hint, *section;
} scenarios[] = {
    {"collect_returns_zero_when_clean",
     "This scenario exercises Step 4 (move_unreachable); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/collect_returns_zero_when_clean.py to see "
     "its heap.",
     SECTION4},
    {"containers_are_tracked_atoms_are_not",
     "This scenario exercises Step 1 (Tracking); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/containers_are_tracked_atoms_are_not.py to "
     "see its heap.",
     SECTION1},
    {"counts_inside_a_triangle_cycle",
     "This scenario exercises Step 3 (update_refs and subtract_refs); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/counts_inside_a_triangle_cycle.py to see its "
     "heap.",
     SECTION3},
    {"cycle_broken_by_hand",
     "This scenario exercises Step 3 (update_refs and subtract_refs); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/cycle_broken_by_hand.py to see its heap.",
     SECTION3},
    {"cycle_held_from_outside",
     "This scenario exercises Step 3 (update_refs and subtract_refs) and Step 4 "
     "(move_unreachable); its opening comment says what to watch. Run it with make "
     "run SCRIPT=grader/scenarios/03-cycles/cycle_held_from_outside.py to see its "
     "heap.",
     SECTION3},
    {"dict_cycle",
     "This scenario exercises Step 2 (Traversal) and Step 6 (delete_garbage); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/dict_cycle.py to see its heap.",
     SECTION2},
    {"dict_key_and_value_cycle",
     "This scenario exercises Step 2 (Traversal); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/dict_key_and_value_cycle.py to see its heap.",
     SECTION2},
    {"dict_tracking",
     "This scenario exercises Step 1 (Tracking); its opening comment says what to "
     "watch. Run it with make run SCRIPT=grader/scenarios/03-cycles/dict_tracking.py "
     "to see its heap.",
     SECTION1},
    {"garbage_hanging_off_a_cycle",
     "This scenario exercises Step 4 (move_unreachable) and Step 6 (delete_garbage); "
     "its opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/garbage_hanging_off_a_cycle.py to see its "
     "heap.",
     SECTION4},
    {"instance_cycle",
     "This scenario exercises Step 3 (update_refs and subtract_refs) and Step 6 "
     "(delete_garbage); its opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/instance_cycle.py to see its heap.",
     SECTION3},
    {"instance_cycle_through_a_list",
     "This scenario exercises Step 4 (move_unreachable) and Step 6 (delete_garbage); "
     "its opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/instance_cycle_through_a_list.py to see its "
     "heap.",
     SECTION4},
    {"instance_with_a_dict_in_a_cycle",
     "This scenario exercises Step 2 (Traversal) and Step 6 (delete_garbage); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/instance_with_a_dict_in_a_cycle.py to see "
     "its heap.",
     SECTION2},
    {"list_cycle_of_two",
     "This scenario exercises Step 3 (update_refs and subtract_refs) and Step 4 "
     "(move_unreachable); its opening comment says what to watch. Run it with make "
     "run SCRIPT=grader/scenarios/03-cycles/list_cycle_of_two.py to see its heap.",
     SECTION3},
    {"live_list_reachable_only_through_a_cycle",
     "This scenario exercises Step 4 (move_unreachable) and Step 6 (delete_garbage); "
     "its opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/live_list_reachable_only_through_a_cycle.py "
     "to see its heap.",
     SECTION4},
    {"long_ring_held_at_its_end",
     "This scenario exercises Step 4 (move_unreachable); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/long_ring_held_at_its_end.py to see its "
     "heap.",
     SECTION4},
    {"long_ring_of_lists",
     "This scenario exercises Step 4 (move_unreachable); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/long_ring_of_lists.py to see its heap.",
     SECTION4},
    {"many_small_cycles",
     "This scenario exercises Step 4 (move_unreachable); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/many_small_cycles.py to see its heap.",
     SECTION4},
    {"mixed_cycle",
     "This scenario exercises Step 2 (Traversal) and Step 4 (move_unreachable); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/mixed_cycle.py to see its heap.",
     SECTION2},
    {"nested_tuples_untracked_step_by_step",
     "This scenario exercises Step 5 (Untracking tuples); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/nested_tuples_untracked_step_by_step.py to "
     "see its heap.",
     SECTION5},
    {"self_referencing_list",
     "This scenario exercises Step 3 (update_refs and subtract_refs); its opening "
     "comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/self_referencing_list.py to see its heap.",
     SECTION3},
    {"tuple_holding_a_list_stays_tracked",
     "This scenario exercises Step 5 (Untracking tuples); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/tuple_holding_a_list_stays_tracked.py to see "
     "its heap.",
     SECTION5},
    {"tuple_in_a_cycle",
     "This scenario exercises Step 2 (Traversal) and Step 5 (Untracking tuples); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/tuple_in_a_cycle.py to see its heap.",
     SECTION2},
    {"tuple_of_ints_untracked_by_a_collection",
     "This scenario exercises Step 5 (Untracking tuples); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/tuple_of_ints_untracked_by_a_collection.py "
     "to see its heap.",
     SECTION5},
    {"two_independent_cycles",
     "This scenario exercises Step 4 (move_unreachable); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/03-cycles/two_independent_cycles.py to see its heap.",
     SECTION4},
};

void pm_register(PmSuite *s)
{
    register_tracking_tests(s);
    register_refs_tests(s);
    register_collection_tests(s);
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        pm_add_scenario(s, scenarios[i].stem, 1, STEP7, scenarios[i].hint, scenarios[i].section);
}
