/* test_dealloc.c - chapter 1, steps 5 and 6: deallocators release what
 * their object owns, and the trashcan keeps long chains of deallocations off
 * the C stack.  Containers are built with the runtime's macros and given
 * functions where possible, so that these tests lean on Steps 3 and 4 as
 * little as they can.
 */
#include "refcount_suite.h"

static void assert_live_objects(Pm_ssize_t expected, const char *after)
{
    ck_assert_msg(_Pm_GetLiveObjects() == expected,
                  "after %s there should be %zd live objects (as before it was built), there "
                  "are %zd: something was not freed",
                  after, expected, _Pm_GetLiveObjects());
}

/* ---- Step 5: Deallocators ---- */

START_TEST(tuple_dealloc_releases_every_item)
{
    witness_reset();
    Pm_ssize_t live = _Pm_GetLiveObjects();
    PmObject *tuple = PmTuple_New(4);
    for (int i = 0; i < 3; i++)
        PmTuple_SET_ITEM(tuple, i, witness_new(i)); /* slot 3 stays NULL */
    Pm_DECREF(tuple);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(witness_dealloc_count[i] == 1,
                      "dropping the tuple should release item %d exactly once; its deallocator "
                      "ran %d time(s)",
                      i, witness_dealloc_count[i]);
    assert_live_objects(live, "dropping a tuple of 3 items and one empty slot");
}
END_TEST

START_TEST(list_dealloc_releases_every_item_and_frees_the_list)
{
    witness_reset();
    Pm_ssize_t live = _Pm_GetLiveObjects();
    PmObject *list = PmList_New(3);
    for (int i = 0; i < 3; i++)
        PmList_SET_ITEM(list, i, witness_new(i));
    PmObject *kept = PmList_GET_ITEM(list, 1);
    Pm_INCREF(kept);
    Pm_DECREF(list);
    ck_assert_msg(witness_dealloc_count[0] == 1 && witness_dealloc_count[2] == 1,
                  "dropping the list should deallocate the items only it held, once each; "
                  "their deallocators ran %d and %d time(s)",
                  witness_dealloc_count[0], witness_dealloc_count[2]);
    ck_assert_msg(witness_dealloc_count[1] == 0 && Pm_REFCNT(kept) == 1,
                  "an item with another reference should lose only the list's one (count 1); "
                  "its count is %zd",
                  Pm_REFCNT(kept));
    Pm_DECREF(kept);
    assert_live_objects(live, "dropping a list of 3 items");
}
END_TEST

START_TEST(list_dealloc_frees_the_item_array)
{
    witness_reset();
    long blocks = _PmMem_GetLiveBlocks();
    PmObject *list = PmList_New(3);
    for (int i = 0; i < 3; i++)
        PmList_SET_ITEM(list, i, witness_new(i));
    ck_assert_msg(_PmMem_GetLiveBlocks() == blocks + 1,
                  "PmList_New(3) should allocate one item array with PmMem_Malloc");
    Pm_DECREF(list);
    ck_assert_msg(_PmMem_GetLiveBlocks() == blocks,
                  "dropping a list of 3 items left %ld block(s) of the mem domain allocated: "
                  "after releasing the items, list_dealloc must free the item array with "
                  "PmMem_Free(ob_item), or every list leaks its array",
                  _PmMem_GetLiveBlocks() - blocks);
}
END_TEST

/* Add key -> value to dict through the given table function (steals both). */
static void insert_new(PmObject *dict, PmObject *key, PmObject *value)
{
    Pm_hash_t hash = PmObject_Hash(key);
    if (hash == -1 || _PmDict_InsertNew((PmDictObject *)dict, key, hash, value) != 0)
        ck_abort_msg("setting up the dict failed: %s", PmErr_Message());
}

START_TEST(dict_dealloc_frees_the_hash_table)
{
    witness_reset();
    long blocks = _PmMem_GetLiveBlocks();
    PmObject *dict = PmDict_New();
    ck_assert_msg(dict != NULL, "PmDict_New failed: %s", PmErr_Message());
    for (int i = 0; i < 10; i++)
        insert_new(dict, PmLong_FromLongLong(1000 + i), witness_new(i));
    long held = _PmMem_GetLiveBlocks() - blocks;
    ck_assert_msg(held > 0, "a dict of 10 entries should hold its table in blocks of the mem "
                            "domain; it holds none");
    Pm_DECREF(dict);
    ck_assert_msg(_PmMem_GetLiveBlocks() == blocks,
                  "dropping a dict of 10 entries left %ld of its %ld block(s) of the mem domain "
                  "allocated: after releasing the keys and values, dict_dealloc must free the "
                  "entries and the indices (_PmDict_FreeStorage)",
                  _PmMem_GetLiveBlocks() - blocks, held);
}
END_TEST

START_TEST(dict_dealloc_releases_every_key_and_value)
{
    witness_reset();
    Pm_ssize_t live = _Pm_GetLiveObjects();
    PmObject *dict = PmDict_New();
    PmObject *middle = witness_new(11);
    insert_new(dict, witness_new(10), witness_new(0));
    insert_new(dict, Pm_NewRef(middle), witness_new(1));
    insert_new(dict, witness_new(12), witness_new(2));
    /* Delete the middle entry, leaving a hole the deallocator must skip. */
    PmObject *old_key, *old_value;
    PmDictEntry *ep = _PmDict_FindEntry((PmDictObject *)dict, middle, PmObject_Hash(middle));
    ck_assert_msg(ep != NULL, "setting up the dict failed: the middle key is not found");
    _PmDict_RemoveEntry((PmDictObject *)dict, ep, &old_key, &old_value);
    Pm_DECREF(old_key);
    Pm_DECREF(old_value);
    Pm_DECREF(middle);
    witness_reset();
    Pm_DECREF(dict);
    int ids[] = {0, 2, 10, 12};
    for (int k = 0; k < 4; k++)
        ck_assert_msg(witness_dealloc_count[ids[k]] == 1,
                      "dropping the dict should release each remaining key and value exactly "
                      "once; the %s %d was deallocated %d time(s)",
                      ids[k] >= 10 ? "key" : "value", ids[k] % 10, witness_dealloc_count[ids[k]]);
    ck_assert_msg(witness_deallocs == 4, "4 objects should have died with the dict, %ld did",
                  witness_deallocs);
    assert_live_objects(live, "dropping a dict of 2 entries and one deleted entry");
}
END_TEST

/* A new heap type, as `class Spam: pass` makes. */
static PmObject *new_class(void)
{
    PmObject *cls = PmType_NewClass("Spam");
    ck_assert_msg(cls != NULL, "PmType_NewClass failed: %s", PmErr_Message());
    return cls;
}

START_TEST(instance_dealloc_releases_its_attributes_and_its_class)
{
    witness_reset();
    PmObject *cls = new_class();
    PmObject *inst = PmType_GenericAlloc((PmTypeObject *)cls);
    ck_assert_msg(inst != NULL, "PmType_GenericAlloc failed: %s", PmErr_Message());
    Pm_ssize_t class_refs = Pm_REFCNT(cls);
    PmObject *w = witness_new(1);
    ck_assert_msg(PmObject_SetAttrString(inst, "x", w) == 0, "setting inst.x failed: %s",
                  PmErr_Message());
    Pm_DECREF(w);
    Pm_DECREF(inst);
    ck_assert_msg(witness_dealloc_count[1] == 1,
                  "the instance held the only reference to its attribute x: dropping the "
                  "instance should deallocate it once; its deallocator ran %d time(s)",
                  witness_dealloc_count[1]);
    ck_assert_msg(_Pm_IsRegistered(cls) && Pm_REFCNT(cls) == class_refs - 1,
                  "every instance owns one reference to its class: dropping the instance "
                  "should take the class's count from %zd to %zd, it is %zd",
                  class_refs, class_refs - 1, Pm_REFCNT(cls));
    Pm_DECREF(cls);
}
END_TEST

/* Whether the instance's memory was freed before its class died. */
static freefunc class_tp_free;
static int instance_freed, instance_freed_when_class_died = -1;

static void record_instance_free(void *op)
{
    instance_freed = 1;
    class_tp_free(op);
}

static void note_class_death(WitnessObject *w)
{
    if (w->id == 2)
        instance_freed_when_class_died = instance_freed;
}

START_TEST(instance_dealloc_frees_the_instance_before_releasing_its_class)
{
    witness_reset();
    PmObject *cls = new_class();
    PmTypeObject *type = (PmTypeObject *)cls;
    class_tp_free = type->tp_free;
    type->tp_free = record_instance_free;
    PmObject *marker = witness_new(2); /* a class attribute: dies with the class */
    ck_assert_msg(PmDict_SetItemString(type->tp_dict, "marker", marker) == 0,
                  "setting a class attribute failed: %s", PmErr_Message());
    Pm_DECREF(marker);
    PmObject *inst = PmType_GenericAlloc(type);
    ck_assert_msg(inst != NULL, "PmType_GenericAlloc failed: %s", PmErr_Message());
    Pm_DECREF(cls); /* now the instance keeps the class alive */
    witness_on_dealloc = note_class_death;
    Pm_DECREF(inst);
    PmGC_Collect(); /* in case the class sits in a reference cycle of its own */
    ck_assert_msg(instance_freed, "the instance's memory should be freed through its "
                                  "type's tp_free");
    ck_assert_msg(witness_dealloc_count[2] == 1,
                  "once its last instance died, the class should have died too (with its "
                  "attributes); its attribute's deallocator ran %d time(s)",
                  witness_dealloc_count[2]);
    ck_assert_msg(instance_freed_when_class_died == 1,
                  "the class died while its instance's memory was still allocated; release the "
                  "class last, after tp_free(op)");
}
END_TEST

START_TEST(building_and_dropping_a_mixed_structure_leaks_nothing)
{
    long live, refs, live_after, refs_after;
    pm_heap_counts(&live, &refs);

    PmObject *outer = PmList_New(0);
    PmObject *big = PmLong_FromLongLong(123456789);
    PmObject *text = PmUnicode_FromString("some text");
    PmObject *pair = PmTuple_Pack(2, big, text);
    PmObject *dict = PmDict_New();
    PmObject *inner = PmList_New(0);
    PmObject *cls = new_class();
    PmObject *inst = PmType_GenericAlloc((PmTypeObject *)cls);
    ck_assert_msg(outer && big && text && pair && dict && inner && inst,
                  "setting up the objects failed: %s", PmErr_Message());
    ck_assert_msg(PmList_Append(inner, big) == 0 && PmList_Append(inner, Pm_None) == 0 &&
                      PmDict_SetItem(dict, text, inner) == 0 &&
                      PmDict_SetItem(dict, big, pair) == 0 &&
                      PmObject_SetAttrString(inst, "data", dict) == 0 &&
                      PmList_Append(outer, pair) == 0 && PmList_Append(outer, dict) == 0 &&
                      PmList_Append(outer, inst) == 0 && PmList_Append(outer, text) == 0,
                  "building the structure failed: %s", PmErr_Message());
    ck_assert_msg(PmList_SetItem(outer, 3, Pm_NewRef(big)) == 0, "PmList_SetItem failed");
    PmObject *popped = _PmList_Pop(outer, 0);
    ck_assert_msg(popped == pair, "pop(0) should return the tuple");
    ck_assert_msg(PmDict_DelItem(dict, big) == 0, "PmDict_DelItem failed: %s", PmErr_Message());
    ck_assert_msg(PmDict_SetItem(dict, text, Pm_None) == 0, "PmDict_SetItem failed");
    Pm_DECREF(popped);
    PmObject *mine[] = {big, text, pair, dict, inner, cls, inst, outer};
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++)
        Pm_DECREF(mine[i]);

    pm_heap_counts(&live_after, &refs_after);
    ck_assert_msg(live_after == live && refs_after == refs,
                  "after dropping everything, live objects and references should be back to "
                  "%ld and %ld; they are %ld and %ld (%+ld objects, %+ld references)",
                  live, refs, live_after, refs_after, live_after - live, refs_after - refs);
}
END_TEST

/* ---- Step 6: The trashcan ---- */

/* What the deallocators of a deep chain saw: the deepest trashcan nesting
 * and the lowest C stack frame.  Witnesses placed in the chain report them. */
static int deepest_nesting;
static uintptr_t lowest_frame;

static void note_depth(WitnessObject *w)
{
    (void)w;
    int nesting = PmThreadState_Get()->trash_delete_nesting;
    if (nesting > deepest_nesting)
        deepest_nesting = nesting;
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    if (frame < lowest_frame)
        lowest_frame = frame;
}

static void watch_depth(void)
{
    deepest_nesting = 0;
    lowest_frame = UINTPTR_MAX;
    witness_on_dealloc = note_depth;
}

/* Bytes of C stack between top and the lowest frame a witness saw. */
static unsigned long stack_used_below(uintptr_t top)
{
    return lowest_frame == UINTPTR_MAX ? 0 : (unsigned long)(top - lowest_frame);
}

#define STACK_BUDGET (1ul << 20)

/* [[[...[witness]...]]]: a witness at the bottom, and with_witnesses, one
 * more in every list.  Building a long chain would start the collector over
 * and over; it has nothing to find here, so it stays off meanwhile. */
static PmObject *nested_lists(long depth, int with_witnesses)
{
    int was_enabled = PmGC_Disable();
    PmObject *head = PmList_New(1);
    PmList_SET_ITEM(head, 0, witness_new(WITNESS_MAX_ID));
    for (long i = 0; i < depth; i++) {
        PmObject *outer = PmList_New(with_witnesses ? 2 : 1);
        if (outer == NULL)
            ck_abort_msg("building the chain failed at depth %ld", i);
        PmList_SET_ITEM(outer, 0, head);
        if (with_witnesses)
            PmList_SET_ITEM(outer, 1, witness_new(WITNESS_MAX_ID));
        head = outer;
    }
    if (was_enabled)
        PmGC_Enable();
    return head;
}

static void assert_trashcan_empty(const char *after)
{
    PmThreadState *tstate = PmThreadState_Get();
    ck_assert_msg(tstate->trash_delete_nesting == 0,
                  "after %s, trash_delete_nesting should be back to 0; it is %d", after,
                  tstate->trash_delete_nesting);
    ck_assert_msg(tstate->trash_delete_later == NULL,
                  "after %s, no object should be left waiting in trash_delete_later", after);
}

START_TEST(dropping_a_million_deep_nested_list_does_not_overflow_the_stack)
{
    witness_reset();
    Pm_ssize_t live = _Pm_GetLiveObjects();
    PmObject *a = nested_lists(1000000, 0);
    Pm_DECREF(a);
    assert_live_objects(live, "dropping a list nested 1,000,000 deep");
    assert_trashcan_empty("dropping a list nested 1,000,000 deep");
}
END_TEST

START_TEST(dropping_deep_tuple_dict_and_instance_chains_does_not_overflow_the_stack)
{
    witness_reset();
    const long depth = 100000;
    Pm_ssize_t live = _Pm_GetLiveObjects();
    int was_enabled = PmGC_Disable();

    PmObject *t = PmTuple_New(1);
    PmTuple_SET_ITEM(t, 0, witness_new(WITNESS_MAX_ID));
    for (long i = 0; i < depth; i++) {
        PmObject *outer = PmTuple_New(1);
        PmTuple_SET_ITEM(outer, 0, t);
        t = outer;
    }
    PmObject *key = PmUnicode_FromString("next");
    PmObject *d = witness_new(WITNESS_MAX_ID);
    for (long i = 0; i < depth; i++) {
        PmObject *outer = PmDict_New();
        insert_new(outer, Pm_NewRef(key), d);
        d = outer;
    }
    PmObject *cls = new_class();
    PmObject *inst = witness_new(WITNESS_MAX_ID);
    for (long i = 0; i < depth; i++) {
        PmObject *outer = PmType_GenericAlloc((PmTypeObject *)cls);
        if (outer == NULL || PmObject_SetAttrString(outer, "next", inst) != 0)
            ck_abort_msg("building the instance chain failed: %s", PmErr_Message());
        Pm_DECREF(inst);
        inst = outer;
    }
    if (was_enabled)
        PmGC_Enable();

    PmObject *chains[] = {t, d, inst};
    const char *what[] = {"a tuple nested 100,000 deep", "a dict nested 100,000 deep",
                          "a chain of 100,000 instances"};
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    for (int k = 0; k < 3; k++) {
        watch_depth();
        Pm_DECREF(chains[k]);
        ck_assert_msg(lowest_frame != UINTPTR_MAX,
                      "the object at the bottom of %s was never deallocated", what[k]);
        ck_assert_msg(stack_used_below(top) < STACK_BUDGET,
                      "dropping %s used %lu KiB of C stack; with the trashcan it needs a few "
                      "dozen frames",
                      what[k], stack_used_below(top) >> 10);
        assert_trashcan_empty(what[k]);
    }
    Pm_DECREF(key);
    Pm_DECREF(cls);
    PmGC_Collect();
    assert_live_objects(live, "dropping the three chains");
}
END_TEST

START_TEST(trashcan_keeps_the_nesting_below_the_unwind_level)
{
    const long depth = 100000;
    witness_reset();
    PmObject *chain = nested_lists(depth, 1);
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    watch_depth();
    Pm_DECREF(chain);
    ck_assert_msg(witness_deallocs == depth + 1,
                  "the chain held %ld witnesses (one per list, one at the bottom); %ld of "
                  "them %s deallocated",
                  depth + 1, witness_deallocs, witness_deallocs == 1 ? "was" : "were");
    ck_assert_msg(deepest_nesting <= _PmTrash_UNWIND_LEVEL,
                  "while the chain was dropped, trash_delete_nesting reached %d; the trashcan "
                  "should defer an object as soon as the nesting has reached "
                  "_PmTrash_UNWIND_LEVEL (%d), so that no deallocator runs deeper",
                  deepest_nesting, _PmTrash_UNWIND_LEVEL);
    ck_assert_msg(deepest_nesting >= 2,
                  "while the chain was dropped, trash_delete_nesting never went above %d: the "
                  "deallocators should count themselves in _PmTrash_begin",
                  deepest_nesting);
    ck_assert_msg(stack_used_below(top) < STACK_BUDGET,
                  "dropping the chain used %lu KiB of C stack; with the trashcan it needs a "
                  "few dozen frames",
                  stack_used_below(top) >> 10);
}
END_TEST

/* The C stack a drop of a chain of lists `depth` deep used. */
static unsigned long stack_for_chain(long depth)
{
    PmObject *chain = nested_lists(depth, 1);
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    watch_depth();
    Pm_DECREF(chain);
    ck_assert_msg(witness_deallocs > depth,
                  "dropping a chain %ld deep deallocated only %ld of its %ld witnesses", depth,
                  witness_deallocs, depth + 1);
    witness_reset();
    return stack_used_below(top);
}

START_TEST(trashcan_drains_the_deferred_chain_without_recursing)
{
    witness_reset();
    unsigned long shallow = stack_for_chain(2000), deep = stack_for_chain(200000);
    ck_assert_msg(deep <= shallow + 8192,
                  "dropping a chain of lists 2,000 deep used %lu bytes of C stack, one "
                  "200,000 deep %lu: the stack grows with the chain. While "
                  "_PmTrash_thread_destroy_chain deallocates the deferred objects, it must "
                  "count itself in trash_delete_nesting, or the _PmTrash_end of each of them "
                  "sees nesting 0 and drains the chain again from inside",
                  shallow, deep);
    assert_trashcan_empty("dropping a chain 200,000 deep");
}
END_TEST

START_TEST(trashcan_is_empty_and_unwound_after_a_deep_drop)
{
    witness_reset();
    Pm_ssize_t live = _Pm_GetLiveObjects();
    for (int round = 1; round <= 2; round++) {
        PmObject *chain = nested_lists(10000, 0);
        watch_depth();
        Pm_DECREF(chain);
        ck_assert_msg(deepest_nesting >= 1 && deepest_nesting <= _PmTrash_UNWIND_LEVEL + 2,
                      "the object at the bottom of the chain was deallocated at trashcan "
                      "nesting %d; expected between 1 and %d (each deallocator counts itself "
                      "in _PmTrash_begin, and the deep ones are deferred)",
                      deepest_nesting, _PmTrash_UNWIND_LEVEL + 2);
        assert_trashcan_empty(round == 1 ? "dropping a list nested 10,000 deep"
                                         : "a second deep drop");
        assert_live_objects(live, "dropping a list nested 10,000 deep");
    }
}
END_TEST

void register_dealloc_tests(PmSuite *s)
{
    PM_ADD(s, tuple_dealloc_releases_every_item, 2, STEP5,
           "A tuple's deallocator releases every item and frees the tuple.",
           "A tuple owns its items: after it dies each item has one reference fewer, and the "
           "tuple's memory is freed.",
           SECTION5);
    PM_ADD(s, list_dealloc_releases_every_item_and_frees_the_list, 2, STEP5,
           "A list's deallocator releases every item, then frees the item array and the list.",
           "A list owns three things: its items, its item array, and itself. One of them was "
           "not released.",
           SECTION5);
    PM_ADD(s, list_dealloc_frees_the_item_array, 1, STEP5,
           "A list's deallocator frees its item array.",
           "Dropping a list left a block of the mem domain allocated: what did PmList_New "
           "allocate besides the list object?",
           SECTION5);
    PM_ADD(s, dict_dealloc_frees_the_hash_table, 1, STEP5,
           "A dict's deallocator frees its entries and indices.",
           "Dropping a dict left blocks of the mem domain allocated: a dict owns its table too.",
           SECTION5);
    PM_ADD(s, dict_dealloc_releases_every_key_and_value, 2, STEP5,
           "A dict's deallocator releases every key and value and skips deleted entries.",
           "A dict owns every key, every value and its table. One of them was not released.",
           SECTION5);
    PM_ADD(s, instance_dealloc_releases_its_attributes_and_its_class, 2, STEP5,
           "An instance's deallocator releases its attributes and its reference to its class.",
           "An instance owns its attribute dict and a reference to its class. One of them was "
           "not released.",
           SECTION5);
    PM_ADD(s, instance_dealloc_frees_the_instance_before_releasing_its_class, 2, STEP5,
           "An instance's class outlives the instance's memory.",
           "The class must outlive the instance's memory, because the instance is freed "
           "through its type.",
           SECTION5);
    PM_ADD(s, building_and_dropping_a_mixed_structure_leaks_nothing, 3, STEP5,
           "Building and dropping lists, tuples, dicts and instances leaves no object and no "
           "reference behind.",
           "Compare each function with its ownership rule: borrowed, stolen, or new.", SECTION5);

    PM_ADD(s, dropping_a_million_deep_nested_list_does_not_overflow_the_stack, 3, STEP6,
           "Dropping a list nested 1,000,000 deep finishes without a stack overflow.",
           "The stack overflowed while freeing a deep chain of lists: that is the trashcan's "
           "job (Step 6).",
           SECTION6);
    PM_ADD(s, dropping_deep_tuple_dict_and_instance_chains_does_not_overflow_the_stack, 3, STEP6,
           "Tuples, dicts and instances nested 100,000 deep are dropped safely too.",
           "Every container's deallocator can start a deep chain, not only the list's.", SECTION6);
    PM_ADD(s, trashcan_keeps_the_nesting_below_the_unwind_level, 2, STEP6,
           "The trashcan never lets more than _PmTrash_UNWIND_LEVEL deallocators pile up.",
           "Too many deallocators were nested on the stack: when must _PmTrash_begin defer the "
           "object instead?",
           SECTION6);
    PM_ADD(s, trashcan_drains_the_deferred_chain_without_recursing, 2, STEP6,
           "Draining the deferred objects takes no more C stack for a deeper chain.",
           "The deeper the chain, the more C stack the deferred objects took: who else calls "
           "_PmTrash_thread_destroy_chain while it runs?",
           SECTION6);
    PM_ADD(s, trashcan_is_empty_and_unwound_after_a_deep_drop, 2, STEP6,
           "After a deep drop the nesting is back to 0 and nothing waits in the trashcan.",
           "After a deep drop, objects were still waiting or the nesting did not come back to "
           "0: look at how the deferred chain is emptied.",
           SECTION6);
}
