/* test_hidden_ownership.c - chapter 1's hidden tests (an example of an
 * instructor's own tests, kept out of the handout): ownership when a list
 * or a dict loses an item that is not at its end.
 *
 * Written like the public suite's test files: Check tests, registered with
 * PM_ADD by register_hidden_ownership_tests (the file is
 * test_hidden_ownership.c).  The public suite's header gives the witness
 * type, the steps and the sections.  Containers stay alive at the end, as in
 * the public tests of Steps 3 and 4, so that no deallocator of Step 5 runs.
 */
#include "refcount_suite.h"

START_TEST(pop_from_the_middle_shifts_every_later_item)
{
    enum { N = 6, AT = 1 };
    PmObject *list = PmList_New(N);
    PmObject *items[N];
    for (int i = 0; i < N; i++) {
        items[i] = witness_new(30 + i);
        PmList_SET_ITEM(list, i, items[i]);
    }
    PmObject *got = _PmList_Pop(list, AT);
    ck_assert_msg(got == items[AT], "pop(%d) on a list of %d should return the item at index %d",
                  AT, N, AT);
    ck_assert_msg(PmList_GET_SIZE(list) == N - 1,
                  "after pop(%d) the list should hold %d items; "
                  "it holds %zd",
                  AT, N - 1, PmList_GET_SIZE(list));
    for (int i = AT; i < N - 1; i++)
        ck_assert_msg(PmList_GET_ITEM(list, i) == items[i + 1],
                      "after pop(%d) on a list of %d, every later item moves down one slot: "
                      "index %d should hold what was at index %d",
                      AT, N, i, i + 1);
    for (int i = 0; i < N; i++)
        ck_assert_msg(Pm_REFCNT(items[i]) == 1,
                      "pop moves references, it neither takes nor releases one: item %d should "
                      "still have count 1, it has %zd",
                      i, Pm_REFCNT(items[i]));
    Pm_DECREF(got);
}
END_TEST

START_TEST(dict_delitem_keeps_every_other_entry)
{
    enum { N = 8, GONE = 3 };
    PmObject *dict = PmDict_New();
    PmObject *keys[N], *values[N];
    for (int i = 0; i < N; i++) {
        keys[i] = PmLong_FromLongLong(1000 + i);
        values[i] = witness_new(40 + i);
        ck_assert_msg(PmDict_SetItem(dict, keys[i], values[i]) == 0, "PmDict_SetItem failed: %s",
                      PmErr_Message());
    }
    ck_assert_msg(PmDict_DelItem(dict, keys[GONE]) == 0, "PmDict_DelItem failed: %s",
                  PmErr_Message());
    ck_assert_msg(PmDict_Size(dict) == N - 1,
                  "deleting one of %d entries should leave %d; "
                  "there are %zd",
                  N, N - 1, PmDict_Size(dict));
    for (int i = 0; i < N; i++) {
        PmObject *found = PmDict_GetItem(dict, keys[i]);
        if (i == GONE) {
            ck_assert_msg(found == NULL, "the deleted key should be gone");
            ck_assert_msg(Pm_REFCNT(values[i]) == 1 && Pm_REFCNT(keys[i]) == 1,
                          "the deleted entry's key and value should each be back to count 1 "
                          "(the dict's references released); they have %zd and %zd",
                          Pm_REFCNT(keys[i]), Pm_REFCNT(values[i]));
        } else {
            ck_assert_msg(found == values[i],
                          "deleting one key should leave the others: the "
                          "value of key %d is no longer found",
                          1000 + i);
            ck_assert_msg(Pm_REFCNT(values[i]) == 2 && Pm_REFCNT(keys[i]) == 2,
                          "an entry that was not deleted keeps its references: key %d and its "
                          "value should each have count 2, they have %zd and %zd",
                          1000 + i, Pm_REFCNT(keys[i]), Pm_REFCNT(values[i]));
        }
    }
}
END_TEST

/* What the value's deallocator finds when it looks into the dict. */
static PmObject *watched_dict, *watched_key;
static int lookups, found_dying_value;
static Pm_ssize_t size_seen;

static void look_into_the_dict(WitnessObject *w)
{
    if (w->id != 50 || watched_dict == NULL)
        return;
    lookups++;
    found_dying_value = PmDict_GetItem(watched_dict, watched_key) == (PmObject *)w;
    size_seen = PmDict_Size(watched_dict);
}

START_TEST(dict_delitem_takes_the_entry_out_before_releasing_it)
{
    witness_reset();
    PmObject *dict = PmDict_New();
    PmObject *key = PmUnicode_FromString("last words");
    PmObject *value = witness_new(50);
    ck_assert_msg(PmDict_SetItem(dict, key, value) == 0, "PmDict_SetItem failed: %s",
                  PmErr_Message());
    Pm_DECREF(value); /* the dict holds the only reference */
    watched_dict = dict;
    watched_key = key;
    witness_on_dealloc = look_into_the_dict;
    ck_assert_msg(PmDict_DelItem(dict, key) == 0, "PmDict_DelItem failed: %s", PmErr_Message());
    witness_on_dealloc = NULL;
    watched_dict = NULL;
    ck_assert_msg(lookups == 1,
                  "deleting the entry should deallocate its value once; the "
                  "value's deallocator ran %d time(s)",
                  lookups);
    ck_assert_msg(!found_dying_value,
                  "the value's deallocator looked the key up in the dict and still found the "
                  "dying value there: take the entry out of the table first "
                  "(_PmDict_RemoveEntry), then release its key and value");
    ck_assert_msg(size_seen == 0,
                  "while the value's deallocator ran, the dict still counted %zd item%s: "
                  "take the entry out of the table (and out of its count) before releasing "
                  "its key and value",
                  size_seen, size_seen == 1 ? "" : "s");
    Pm_DECREF(key);
}
END_TEST

void register_hidden_ownership_tests(PmSuite *s)
{
    PM_ADD(s, pop_from_the_middle_shifts_every_later_item, 2, STEP3,
           "pop from the middle of a list moves every later item down, and moves no count.",
           "Every item after the popped one moves down one slot, not only the next one.", SECTION3);
    PM_ADD(s, dict_delitem_keeps_every_other_entry, 2, STEP4,
           "Deleting one entry of a dict leaves every other entry and its references alone.",
           "Only the deleted entry's key and value lose the dict's reference.", SECTION4);
    PM_ADD(s, dict_delitem_takes_the_entry_out_before_releasing_it, 2, STEP4,
           "del d[k] takes the entry out of the table before it releases the value.",
           "The value's deallocator can look into the dict: when it runs, its entry must be "
           "gone already.",
           SECTION4);
    /* A test students see once grades are published, not after the due date. */
    pm_set_visibility(s, "dict_delitem_keeps_every_other_entry", "after_published");
}
