/* suite.c - the graded suite of chapter 1 (reference counting): the unit
 * tests of Steps 1 to 6 (test_counting.c, test_ownership.c, test_dealloc.c)
 * and the scenarios of Step 7, whole programs whose output must match
 * CPython's and which must leave nothing behind.
 */
#include "refcount_suite.h"

const char pm_chapter[] = "01-refcount";

/* The scenarios in grader/scenarios/01-refcount/, one point each.  Each
 * hint names the steps its scenario leans on (from its opening comment). */
static const struct {
    const char *stem, *hint, *section;
} scenarios[] = {
    {"append_adds_a_reference",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/append_adds_a_reference.py to see its heap.",
     SECTION3},
    {"breaking_a_cycle_by_hand",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/breaking_a_cycle_by_hand.py to see its heap.",
     SECTION5},
    {"chain_of_lists_freed_at_once",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/chain_of_lists_freed_at_once.py to see its "
     "heap.",
     SECTION5},
    {"class_instances_reference_their_class",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/class_instances_reference_their_class.py to "
     "see its heap.",
     SECTION5},
    {"containers_are_tracked",
     "This scenario exercises Step 3 (Ownership in lists) and Step 5 (Deallocators); "
     "its opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/containers_are_tracked.py to see its heap.",
     SECTION3},
    {"cycle_keeps_outside_objects_alive",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/cycle_keeps_outside_objects_alive.py to see "
     "its heap.",
     SECTION5},
    {"cycle_survives_refcounting",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/cycle_survives_refcounting.py to see its "
     "heap.",
     SECTION5},
    {"deep_cycle_collected",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/deep_cycle_collected.py to see its heap.",
     SECTION6},
    {"deep_list_released_by_pop",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/deep_list_released_by_pop.py to see its "
     "heap.",
     SECTION6},
    {"del_item_releases_it",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/del_item_releases_it.py to see its heap.",
     SECTION3},
    {"del_releases_the_name",
     "This scenario exercises Step 1 (Counting); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/del_releases_the_name.py to see its heap.",
     SECTION1},
    {"dict_clear_releases_keys_and_values",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_clear_releases_keys_and_values.py to "
     "see its heap.",
     SECTION4},
    {"dict_freed_releases_keys_and_values",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_freed_releases_keys_and_values.py to "
     "see its heap.",
     SECTION5},
    {"dict_get_and_setdefault",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_get_and_setdefault.py to see its heap.",
     SECTION4},
    {"dict_grows_without_losing_references",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_grows_without_losing_references.py to "
     "see its heap.",
     SECTION4},
    {"dict_items_copy_the_pairs",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_items_copy_the_pairs.py to see its "
     "heap.",
     SECTION4},
    {"dict_keeps_the_first_equal_key",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_keeps_the_first_equal_key.py to see its"
     " heap.",
     SECTION4},
    {"dict_keys_hold_references",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_keys_hold_references.py to see its "
     "heap.",
     SECTION4},
    {"dict_pop_returns_the_value",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_pop_returns_the_value.py to see its "
     "heap.",
     SECTION4},
    {"dict_update_adds_references",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_update_adds_references.py to see its "
     "heap.",
     SECTION4},
    {"dict_value_replacement",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_value_replacement.py to see its heap.",
     SECTION4},
    {"dict_views_reference_the_dict",
     "This scenario exercises Step 4 (Ownership in dicts); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/dict_views_reference_the_dict.py to see its "
     "heap.",
     SECTION4},
    {"for_loop_iterator_holds_the_list",
     "This scenario exercises Step 1 (Counting) and Step 3 (Ownership in lists); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/for_loop_iterator_holds_the_list.py to see "
     "its heap.",
     SECTION1},
    {"freeing_a_list_releases_its_items",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/freeing_a_list_releases_its_items.py to see "
     "its heap.",
     SECTION5},
    {"getrefcount_counts_its_argument",
     "This scenario exercises Step 1 (Counting); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/getrefcount_counts_its_argument.py to see "
     "its heap.",
     SECTION1},
    {"immortal_values_in_containers",
     "This scenario exercises Step 2 (Immortal objects) and Step 5 (Deallocators); its"
     " opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/immortal_values_in_containers.py to see its "
     "heap.",
     SECTION2},
    {"instance_attributes_hold_references",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/instance_attributes_hold_references.py to "
     "see its heap.",
     SECTION5},
    {"instance_chain_drop_deep",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/instance_chain_drop_deep.py to see its heap.",
     SECTION6},
    {"list_clear_releases_items",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/list_clear_releases_items.py to see its "
     "heap.",
     SECTION3},
    {"list_copy_shares_items",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/list_copy_shares_items.py to see its heap.",
     SECTION3},
    {"list_extend_and_remove",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/list_extend_and_remove.py to see its heap.",
     SECTION3},
    {"list_insert_and_pop",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/list_insert_and_pop.py to see its heap.",
     SECTION3},
    {"lookups_do_not_keep_references",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/lookups_do_not_keep_references.py to see its"
     " heap.",
     SECTION3},
    {"loop_variable_keeps_last_item",
     "This scenario exercises Step 1 (Counting) and Step 3 (Ownership in lists); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/loop_variable_keeps_last_item.py to see its "
     "heap.",
     SECTION1},
    {"mixed_chain_drop_deep",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/mixed_chain_drop_deep.py to see its heap.",
     SECTION6},
    {"nested_dict_drop_deep",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/nested_dict_drop_deep.py to see its heap.",
     SECTION6},
    {"nested_list_drop_1000000_deep",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/nested_list_drop_1000000_deep.py to see its "
     "heap.",
     SECTION6},
    {"nested_lists_each_own_their_items",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/nested_lists_each_own_their_items.py to see "
     "its heap.",
     SECTION3},
    {"nested_tuple_drop_deep",
     "This scenario exercises Step 6 (The trashcan); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/nested_tuple_drop_deep.py to see its heap.",
     SECTION6},
    {"none_and_bools_survive_many_releases",
     "This scenario exercises Step 2 (Immortal objects); its opening comment says what"
     " to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/none_and_bools_survive_many_releases.py to "
     "see its heap.",
     SECTION2},
    {"pop_returns_the_lists_reference",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/pop_returns_the_lists_reference.py to see "
     "its heap.",
     SECTION3},
    {"reassignment_releases_old_value",
     "This scenario exercises Step 1 (Counting); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/reassignment_releases_old_value.py to see "
     "its heap.",
     SECTION1},
    {"rebinding_in_a_loop_frees_each_value",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/rebinding_in_a_loop_frees_each_value.py to "
     "see its heap.",
     SECTION5},
    {"refcount_of_a_new_list",
     "This scenario exercises Step 1 (Counting); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/refcount_of_a_new_list.py to see its heap.",
     SECTION1},
    {"same_object_appended_many_times",
     "This scenario exercises Step 1 (Counting) and Step 3 (Ownership in lists); its "
     "opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/same_object_appended_many_times.py to see "
     "its heap.",
     SECTION1},
    {"second_name_adds_a_reference",
     "This scenario exercises Step 1 (Counting); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/second_name_adds_a_reference.py to see its "
     "heap.",
     SECTION1},
    {"self_cycles_need_the_collector",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/self_cycles_need_the_collector.py to see its"
     " heap.",
     SECTION5},
    {"setitem_replaces_and_releases",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/setitem_replaces_and_releases.py to see its "
     "heap.",
     SECTION3},
    {"shared_item_in_two_containers",
     "This scenario exercises Step 3 (Ownership in lists) and Step 4 (Ownership in "
     "dicts); its opening comment says what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/shared_item_in_two_containers.py to see its "
     "heap.",
     SECTION3},
    {"small_ints_are_shared",
     "This scenario exercises Step 2 (Immortal objects); its opening comment says what"
     " to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/small_ints_are_shared.py to see its heap.",
     SECTION2},
    {"temporaries_are_released",
     "This scenario exercises Step 1 (Counting); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/temporaries_are_released.py to see its heap.",
     SECTION1},
    {"tuple_freed_releases_items",
     "This scenario exercises Step 5 (Deallocators); its opening comment says what to "
     "watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/tuple_freed_releases_items.py to see its "
     "heap.",
     SECTION5},
    {"tuple_holds_references",
     "This scenario exercises Step 3 (Ownership in lists); its opening comment says "
     "what to watch. Run it with make run "
     "SCRIPT=grader/scenarios/01-refcount/tuple_holds_references.py to see its heap.",
     SECTION3},
};

void pm_register(PmSuite *s)
{
    register_counting_tests(s);
    register_ownership_tests(s);
    register_dealloc_tests(s);
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        pm_add_scenario(s, scenarios[i].stem, 1, STEP7, scenarios[i].hint, scenarios[i].section);
}
