/* test_ownership.c - chapter 1, steps 3 and 4: who owns which reference
 * when lists and dicts take, replace, hand back and drop items.
 *
 * The containers made here are left alive at the end of each test: dropping
 * them would call the deallocators of Step 5, and these tests should not
 * depend on a later step.  Items are witnesses, whose deaths are counted.
 */
#include <string.h>

#include "refcount_suite.h"

/* A list of n witnesses with ids first, first+1, ...; the list owns the
 * only reference to each (stored with the given macro, not PmList_SetItem). */
static PmObject *list_of_witnesses(Pm_ssize_t n, int first)
{
    PmObject *list = PmList_New(n);
    ck_assert_msg(list != NULL, "PmList_New(%zd) failed", n);
    for (Pm_ssize_t i = 0; i < n; i++)
        PmList_SET_ITEM(list, i, witness_new(first + (int)i));
    return list;
}

static void assert_error(PmExcKind kind, const char *message, const char *what)
{
    ck_assert_msg(PmErr_Occurred() == (int)kind, "%s should set %s, but %s is set", what,
                  PmErr_KindName(kind),
                  PmErr_Occurred() ? PmErr_KindName(PmErr_Occurred()) : "no exception");
    ck_assert_msg(strcmp(PmErr_Message(), message) == 0,
                  "%s should set %s with the message \"%s\" (as CPython); the message is \"%s\"",
                  what, PmErr_KindName(kind), message, PmErr_Message());
    PmErr_Clear();
}

/* ---- Step 3: Ownership in lists ---- */

START_TEST(append_takes_a_new_reference)
{
    PmObject *list = PmList_New(0);
    PmObject *w = witness_new(0);
    Pm_ssize_t total = _Pm_GetRefTotal();
    ck_assert_msg(PmList_Append(list, w) == 0, "PmList_Append returned an error: %s",
                  PmErr_Message());
    ck_assert_msg(PmList_GET_SIZE(list) == 1,
                  "after one append the list should have 1 item, "
                  "it has %zd",
                  PmList_GET_SIZE(list));
    ck_assert_msg(PmList_GET_ITEM(list, 0) == w, "the appended item should be in slot 0");
    ck_assert_msg(Pm_REFCNT(w) == 2,
                  "after PmList_Append the item should have 2 references (yours and the "
                  "list's), it has %zd",
                  Pm_REFCNT(w));
    ck_assert_msg(_Pm_GetRefTotal() == total + 1,
                  "PmList_Append should add exactly one reference to _Pm_RefTotal (%zd -> %zd), "
                  "it is %zd",
                  total, total + 1, _Pm_GetRefTotal());
    Pm_DECREF(w);
}
END_TEST

START_TEST(append_to_a_full_list_grows_it)
{
    PmObject *list = PmList_New(0);
    for (int i = 0; i < 100; i++) {
        PmObject *w = witness_new(100 + i);
        ck_assert_msg(PmList_Append(list, w) == 0, "append number %d failed: %s", i + 1,
                      PmErr_Message());
        Pm_DECREF(w);
    }
    PmListObject *l = (PmListObject *)list;
    ck_assert_msg(Pm_SIZE(l) == 100 && l->allocated >= 100,
                  "after 100 appends the list should hold 100 items in at least 100 slots; "
                  "it holds %zd in %zd",
                  Pm_SIZE(l), l->allocated);
    for (int i = 0; i < 100; i++) {
        WitnessObject *w = (WitnessObject *)l->ob_item[i];
        ck_assert_msg(w->id == 100 + i && Pm_REFCNT(w) == 1,
                      "slot %d should hold item number %d with only the list's reference; it "
                      "holds item %d with count %zd",
                      i, i + 1, w->id - 99, Pm_REFCNT(w));
    }
}
END_TEST

START_TEST(setitem_steals_the_new_item_and_releases_the_old)
{
    witness_reset();
    PmObject *list = list_of_witnesses(1, 1);
    PmObject *new = witness_new(2);
    Pm_INCREF(new); /* one reference to hand over, one to keep */
    ck_assert_msg(PmList_SetItem(list, 0, new) == 0, "PmList_SetItem(list, 0, item) failed: %s",
                  PmErr_Message());
    ck_assert_msg(PmList_GET_ITEM(list, 0) == new, "slot 0 should now hold the new item");
    ck_assert_msg(Pm_REFCNT(new) == 2,
                  "PmList_SetItem steals the reference it is given, so the count should stay "
                  "2 (yours and the list's); it is %zd",
                  Pm_REFCNT(new));
    ck_assert_msg(witness_dealloc_count[1] == 1,
                  "the replaced item had only the list's reference, so it should be "
                  "deallocated exactly once; its deallocator ran %d time(s)",
                  witness_dealloc_count[1]);
    Pm_DECREF(new);
}
END_TEST

/* What the replaced item's deallocator found in the list's slot. */
static PmObject **watched_slot;
static PmObject *seen_in_slot;

static void look_at_the_slot(WitnessObject *w)
{
    if (w->id == 1)
        seen_in_slot = *watched_slot;
}

START_TEST(setitem_stores_the_new_item_before_releasing_the_old)
{
    witness_reset();
    PmObject *list = list_of_witnesses(1, 1);
    PmObject *old = PmList_GET_ITEM(list, 0);
    PmObject *new = witness_new(2);
    watched_slot = &((PmListObject *)list)->ob_item[0];
    seen_in_slot = NULL;
    witness_on_dealloc = look_at_the_slot;
    ck_assert_msg(PmList_SetItem(list, 0, new) == 0, "PmList_SetItem failed: %s", PmErr_Message());
    ck_assert_msg(witness_dealloc_count[1] == 1,
                  "the replaced item should be deallocated once; its deallocator ran %d time(s)",
                  witness_dealloc_count[1]);
    ck_assert_msg(seen_in_slot == new,
                  "when the replaced item's deallocator ran, the list's slot held %s; it should "
                  "already hold the new item (store first, then release the old one)",
                  seen_in_slot == old    ? "the dying item itself"
                  : seen_in_slot == NULL ? "NULL"
                                         : "something else");
}
END_TEST

START_TEST(setitem_out_of_range_releases_the_stolen_item)
{
    witness_reset();
    PmObject *list = list_of_witnesses(2, 10);
    PmObject *w = witness_new(3);
    ck_assert_msg(PmList_SetItem(list, 2, w) == -1,
                  "PmList_SetItem(list, 2, item) on a list of 2 items should return -1");
    assert_error(PmExc_IndexError, "list assignment index out of range",
                 "PmList_SetItem with index 2 on a list of 2");
    ck_assert_msg(witness_dealloc_count[3] == 1,
                  "the item was handed over (stolen) even though the call failed, so it should "
                  "have been released and deallocated; its deallocator ran %d time(s)",
                  witness_dealloc_count[3]);
    PmObject *v = witness_new(4);
    ck_assert_msg(PmList_SetItem(list, -1, v) == -1,
                  "PmList_SetItem does not count negative indexes from the end: index -1 "
                  "should fail with IndexError");
    assert_error(PmExc_IndexError, "list assignment index out of range",
                 "PmList_SetItem with index -1");
    ck_assert_msg(witness_dealloc_count[4] == 1,
                  "after a failed PmList_SetItem with index -1 the stolen item should be "
                  "deallocated; its deallocator ran %d time(s)",
                  witness_dealloc_count[4]);
    ck_assert_msg(witness_dealloc_count[10] == 0 && witness_dealloc_count[11] == 0 &&
                      PmList_GET_SIZE(list) == 2,
                  "a failed PmList_SetItem should leave the list and its items alone");
}
END_TEST

START_TEST(pop_hands_the_lists_reference_to_the_caller)
{
    witness_reset();
    PmObject *list = list_of_witnesses(3, 0);
    PmObject *w0 = PmList_GET_ITEM(list, 0), *w1 = PmList_GET_ITEM(list, 1),
             *w2 = PmList_GET_ITEM(list, 2);
    PmObject *v = _PmList_Pop(list, 1);
    ck_assert_msg(v == w1, "pop(1) should return the item in slot 1");
    ck_assert_msg(witness_deallocs == 0,
                  "pop must not deallocate the item it hands back, but a deallocator ran");
    ck_assert_msg(Pm_REFCNT(v) == 1,
                  "the list's reference becomes the caller's, so the popped item's count "
                  "should stay 1; it is %zd",
                  Pm_REFCNT(v));
    ck_assert_msg(PmList_GET_SIZE(list) == 2 && PmList_GET_ITEM(list, 0) == w0 &&
                      PmList_GET_ITEM(list, 1) == w2,
                  "after pop(1) the list should hold the first and last items, in order "
                  "(size 2); its size is %zd",
                  PmList_GET_SIZE(list));
    Pm_DECREF(v);
    ck_assert_msg(witness_dealloc_count[1] == 1,
                  "dropping the popped item should deallocate it exactly once; its deallocator "
                  "ran %d time(s)",
                  witness_dealloc_count[1]);
    PmObject *last = _PmList_Pop(list, 1);
    ck_assert_msg(last == w2 && Pm_REFCNT(last) == 1 && PmList_GET_SIZE(list) == 1,
                  "popping the last item should return it with count 1 and leave 1 item");
    Pm_DECREF(last);
    ck_assert_msg(witness_dealloc_count[2] == 1 && witness_dealloc_count[0] == 0,
                  "only the popped items should have died");
}
END_TEST

START_TEST(pop_with_a_negative_index_counts_from_the_end)
{
    PmObject *list = list_of_witnesses(3, 0);
    PmObject *w0 = PmList_GET_ITEM(list, 0), *w1 = PmList_GET_ITEM(list, 1),
             *w2 = PmList_GET_ITEM(list, 2);
    PmObject *a = _PmList_Pop(list, -1);
    ck_assert_msg(a == w2, "pop(-1) should return the last item");
    PmObject *b = _PmList_Pop(list, -2);
    ck_assert_msg(b == w0, "on a list of 2, pop(-2) should return the first item");
    ck_assert_msg(PmList_GET_SIZE(list) == 1 && PmList_GET_ITEM(list, 0) == w1,
                  "one item should be left: the middle one");
    Pm_DECREF(a);
    Pm_DECREF(b);
}
END_TEST

START_TEST(pop_from_an_empty_list_raises_index_error)
{
    PmObject *empty = PmList_New(0);
    ck_assert_msg(_PmList_Pop(empty, -1) == NULL, "pop from an empty list should return NULL");
    assert_error(PmExc_IndexError, "pop from empty list", "pop from an empty list");
    PmObject *list = list_of_witnesses(1, 0);
    ck_assert_msg(_PmList_Pop(list, 1) == NULL, "pop(1) on a list of 1 should return NULL");
    assert_error(PmExc_IndexError, "pop index out of range", "pop(1) on a list of 1");
    ck_assert_msg(_PmList_Pop(list, -2) == NULL, "pop(-2) on a list of 1 should return NULL");
    assert_error(PmExc_IndexError, "pop index out of range", "pop(-2) on a list of 1");
    ck_assert_msg(PmList_GET_SIZE(list) == 1 && Pm_REFCNT(PmList_GET_ITEM(list, 0)) == 1,
                  "a failed pop should leave the list and its item alone");
}
END_TEST

/* ---- Step 4: Ownership in dicts ---- */

START_TEST(dict_setitem_takes_references_to_key_and_value)
{
    PmObject *dict = PmDict_New();
    PmObject *key = witness_new(20), *value = witness_new(1);
    Pm_ssize_t total = _Pm_GetRefTotal();
    ck_assert_msg(PmDict_SetItem(dict, key, value) == 0, "PmDict_SetItem failed: %s",
                  PmErr_Message());
    ck_assert_msg(Pm_REFCNT(key) == 2 && Pm_REFCNT(value) == 2,
                  "the dict owns a reference to the key and one to the value: both counts "
                  "should be 2, they are %zd (key) and %zd (value)",
                  Pm_REFCNT(key), Pm_REFCNT(value));
    ck_assert_msg(_Pm_GetRefTotal() == total + 2,
                  "PmDict_SetItem of a new key should add 2 references to _Pm_RefTotal, it "
                  "added %zd",
                  _Pm_GetRefTotal() - total);
    ck_assert_msg(PmDict_GetItem(dict, key) == value && PmDict_Size(dict) == 1,
                  "the dict should now map the key to the value, and have 1 entry");
    Pm_DECREF(key);
    Pm_DECREF(value);
}
END_TEST

static PmObject *watched_dict, *watched_key, *seen_in_dict;

static void look_at_the_dict(WitnessObject *w)
{
    if (w->id == 1)
        seen_in_dict = PmDict_GetItem(watched_dict, watched_key);
}

START_TEST(dict_setitem_releases_the_replaced_value_after_storing_the_new_one)
{
    witness_reset();
    PmObject *dict = PmDict_New();
    PmObject *key = witness_new(20), *old = witness_new(1), *new = witness_new(2);
    ck_assert_msg(PmDict_SetItem(dict, key, old) == 0, "PmDict_SetItem failed: %s",
                  PmErr_Message());
    Pm_DECREF(old); /* now the dict's reference is the only one */
    watched_dict = dict;
    watched_key = key;
    seen_in_dict = NULL;
    witness_on_dealloc = look_at_the_dict;
    ck_assert_msg(PmDict_SetItem(dict, key, new) == 0, "replacing the value failed: %s",
                  PmErr_Message());
    ck_assert_msg(witness_dealloc_count[1] == 1,
                  "the replaced value had only the dict's reference, so it should be "
                  "released and deallocated once; its deallocator ran %d time(s)",
                  witness_dealloc_count[1]);
    ck_assert_msg(seen_in_dict == new,
                  "when the replaced value's deallocator looked up the key, the dict gave %s; "
                  "it should already give the new value (store first, then release)",
                  seen_in_dict == old    ? "the dying value itself"
                  : seen_in_dict == NULL ? "nothing"
                                         : "something else");
    ck_assert_msg(Pm_REFCNT(new) == 2 && PmDict_GetItem(dict, key) == new,
                  "the new value should be in the dict with 2 references (yours and the "
                  "dict's); it has %zd",
                  Pm_REFCNT(new));
    Pm_DECREF(new);
    Pm_DECREF(key);
}
END_TEST

START_TEST(dict_setitem_on_an_existing_key_keeps_the_first_key)
{
    PmObject *dict = PmDict_New();
    PmObject *first = PmUnicode_FromString("spam_and_eggs");
    PmObject *second = PmUnicode_FromString("spam_and_eggs");
    ck_assert_msg(first != second && Pm_REFCNT(first) == 1 && Pm_REFCNT(second) == 1,
                  "the test needs two distinct, equal strings with count 1");
    PmObject *v1 = witness_new(1), *v2 = witness_new(2);
    ck_assert_msg(PmDict_SetItem(dict, first, v1) == 0 && PmDict_SetItem(dict, second, v2) == 0,
                  "PmDict_SetItem failed: %s", PmErr_Message());
    ck_assert_msg(PmDict_Size(dict) == 1, "equal keys share one entry; the dict has %zd",
                  PmDict_Size(dict));
    ck_assert_msg(Pm_REFCNT(first) == 2 && Pm_REFCNT(second) == 1,
                  "the entry keeps the key it was created with: the first key should have 2 "
                  "references and the second 1 (CPython's insertdict), they have %zd and %zd",
                  Pm_REFCNT(first), Pm_REFCNT(second));
    ck_assert_msg(Pm_REFCNT(v1) == 1 && Pm_REFCNT(v2) == 2,
                  "the old value should have lost the dict's reference (count 1) and the new "
                  "value gained one (count 2); they have %zd and %zd",
                  Pm_REFCNT(v1), Pm_REFCNT(v2));
    Pm_DECREF(first);
    Pm_DECREF(second);
    Pm_DECREF(v1);
    Pm_DECREF(v2);
}
END_TEST

START_TEST(dict_delitem_releases_key_and_value)
{
    witness_reset();
    PmObject *dict = PmDict_New();
    PmObject *key = witness_new(20), *value = witness_new(1);
    ck_assert_msg(PmDict_SetItem(dict, key, value) == 0, "PmDict_SetItem failed: %s",
                  PmErr_Message());
    Pm_DECREF(value);
    ck_assert_msg(PmDict_DelItem(dict, key) == 0, "PmDict_DelItem failed: %s", PmErr_Message());
    ck_assert_msg(witness_dealloc_count[1] == 1,
                  "the dict held the only reference to the value: deleting the entry should "
                  "deallocate it once; its deallocator ran %d time(s)",
                  witness_dealloc_count[1]);
    ck_assert_msg(Pm_REFCNT(key) == 1,
                  "deleting the entry should release the dict's reference to the key, leaving "
                  "count 1; it is %zd",
                  Pm_REFCNT(key));
    ck_assert_msg(PmDict_Size(dict) == 0 && PmDict_GetItem(dict, key) == NULL,
                  "after the delete the key should be gone");
    Pm_DECREF(key);
    ck_assert_msg(witness_dealloc_count[20] == 1, "the key should die with its last reference");
}
END_TEST

START_TEST(dict_delitem_of_a_missing_key_raises_key_error)
{
    PmObject *dict = PmDict_New();
    PmObject *value = witness_new(1);
    ck_assert_msg(PmDict_SetItemString(dict, "here", value) == 0, "setting up the dict failed");
    PmObject *missing = PmUnicode_FromString("nope");
    ck_assert_msg(PmDict_DelItem(dict, missing) == -1,
                  "deleting a key that is not in the dict should return -1");
    assert_error(PmExc_KeyError, "'nope'", "deleting the missing key 'nope'");
    ck_assert_msg(PmDict_Size(dict) == 1 && Pm_REFCNT(value) == 2 && Pm_REFCNT(missing) == 1,
                  "a failed delete should leave the dict, its entries and the key alone");
    Pm_DECREF(missing);
    Pm_DECREF(value);
}
END_TEST

START_TEST(dict_setitem_tracks_the_dict_when_a_container_replaces_a_value)
{
    PmObject *d = PmDict_New();
    PmObject *key = PmUnicode_FromString("k");
    PmObject *one = PmLong_FromLongLong(1);
    ck_assert_msg(d != NULL && key != NULL && one != NULL, "setting up failed: %s",
                  PmErr_Message());
    ck_assert_msg(PmDict_SetItem(d, key, one) == 0, "d['k'] = 1 failed: %s", PmErr_Message());
    ck_assert_msg(!PmObject_GC_IsTracked(d),
                  "a dict holding only a string and an int should not be tracked (it starts "
                  "untracked, and neither can be part of a cycle)");
    PmObject *list = PmList_New(0);
    ck_assert_msg(PmDict_SetItem(d, key, list) == 0, "d['k'] = [] failed: %s", PmErr_Message());
    ck_assert_msg(PmObject_GC_IsTracked(d),
                  "after d['k'] = [] replaced the value of an existing key, the dict holds a "
                  "list and could be part of a cycle: it must be tracked. On the existing-key "
                  "path, call _PmDict_MaintainTracking(dict, key, value) too");
    /* The dict is left to the runtime's teardown, so that this step's test
     * does not wait for dict_dealloc (Step 5). */
    Pm_DECREF(list);
    Pm_DECREF(one);
    Pm_DECREF(key);
}
END_TEST

void register_ownership_tests(PmSuite *s)
{
    PM_ADD(s, append_takes_a_new_reference, 3, STEP3,
           "PmList_Append stores the item and takes a reference of its own.",
           "Count the owners after an append: the caller still has its reference, and the list "
           "needs one of its own.",
           SECTION3);
    PM_ADD(s, append_to_a_full_list_grows_it, 1, STEP3,
           "Appending to a full list makes room with _PmList_Resize.",
           "Appending to a list with no spare slot: the list must grow before the item is "
           "stored.",
           SECTION3);
    PM_ADD(s, setitem_steals_the_new_item_and_releases_the_old, 2, STEP3,
           "PmList_SetItem keeps the reference it is given and releases the item it replaces.",
           "Count the references after SetItem: who owns the new item now, and what happened "
           "to the list's reference to the old one?",
           SECTION3);
    PM_ADD(s, setitem_stores_the_new_item_before_releasing_the_old, 3, STEP3,
           "The replaced item's deallocator finds the new item already in the slot.",
           "The old item's deallocator looked at the list and still found the old item there: "
           "the order of store and release.",
           SECTION3);
    PM_ADD(s, setitem_out_of_range_releases_the_stolen_item, 2, STEP3,
           "PmList_SetItem out of range raises IndexError and still releases the item it was "
           "given.",
           "A SetItem that fails still owns the item it stole: its error path leaks the item.",
           SECTION3);
    PM_ADD(s, pop_hands_the_lists_reference_to_the_caller, 3, STEP3,
           "pop returns the list's own reference: the item's count does not change.",
           "The popped item's count changed: a pop moves the list's reference to the caller, "
           "it does not make or drop one.",
           SECTION3);
    PM_ADD(s, pop_with_a_negative_index_counts_from_the_end, 1, STEP3,
           "pop(-1) takes the last item and pop(-n) the first.",
           "A negative index counts from the end, as in Python: -1 is the last item.", SECTION3);
    PM_ADD(s, pop_from_an_empty_list_raises_index_error, 1, STEP3,
           "pop on an empty list, or out of range, raises IndexError with CPython's message.",
           "Two messages: \"pop from empty list\" and \"pop index out of range\".", SECTION3);

    PM_ADD(s, dict_setitem_takes_references_to_key_and_value, 2, STEP4,
           "PmDict_SetItem of a new key takes a reference to the key and one to the value.",
           "After SetItem with a new key, the dict must own a reference to the key and one to "
           "the value: count them.",
           SECTION4);
    PM_ADD(s, dict_setitem_releases_the_replaced_value_after_storing_the_new_one, 3, STEP4,
           "Replacing a value stores the new one, then releases the old one.",
           "The replaced value's deallocator looked the key up and still found the dying "
           "value: the order of store and release.",
           SECTION4);
    PM_ADD(s, dict_setitem_on_an_existing_key_keeps_the_first_key, 2, STEP4,
           "Replacing a value keeps the entry's original key and its one reference.",
           "With a key already there, the dict keeps its own key object: count the references "
           "to both keys.",
           SECTION4);
    PM_ADD(s, dict_setitem_tracks_the_dict_when_a_container_replaces_a_value, 1, STEP4,
           "Replacing a value with a container tracks an untracked dict.",
           "An untracked dict now holds a list under a key it already had, and stayed "
           "untracked: a cycle through it would never be found.",
           SECTION4);
    PM_ADD(s, dict_delitem_releases_key_and_value, 2, STEP4,
           "Deleting an entry releases the dict's references to its key and its value.",
           "After a delete, the key and the value should each have lost the dict's reference.",
           SECTION4);
    PM_ADD(s, dict_delitem_of_a_missing_key_raises_key_error, 2, STEP4,
           "Deleting a missing key raises KeyError whose message is the key's repr.",
           "When _PmDict_FindEntry returns NULL, build the message with PmObject_Repr.", SECTION4);
}
