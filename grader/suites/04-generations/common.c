/* common.c - garbage builders and state readers shared by the chapter-4
 * tests.  They use only the given runtime and the reference chapters, never
 * the functions under test, so a test fails where the learner's code does.
 */
#include "generations_suite.h"

PmObject *new_list(void)
{
    PmObject *op = PmList_New(0);
    ck_assert_msg(op != NULL, "PmList_New failed: %s", PmErr_Message());
    return op;
}

void drop_ring(int n)
{
    PmObject *first = new_list();
    PmObject *last = first;
    for (int i = 1; i < n; i++) {
        PmObject *next = new_list();
        ck_assert(PmList_Append(last, next) == 0);
        if (last != first)
            Pm_DECREF(last);
        last = next;
    }
    ck_assert(PmList_Append(last, first) == 0);
    if (last != first)
        Pm_DECREF(last);
    Pm_DECREF(first);
}

void quiet_collector(void)
{
    _PmGC_state.generations[0].threshold = 0;
}

void settle(void)
{
    quiet_collector();
    for (int i = 0; i < NUM_GENERATIONS - 1; i++)
        gc_list_merge(GEN_HEAD(i), GEN_HEAD(NUM_GENERATIONS - 1));
    for (int i = 0; i < NUM_GENERATIONS; i++)
        _PmGC_state.generations[i].count = 0;
    _PmGC_state.long_lived_total = 0;
    _PmGC_state.long_lived_pending = 0;
}

/* Every tracked object into the oldest generation, then chapter 3's steps:
 * what is unreachable is freed.  No count, stat or log line changes. */
static Pm_ssize_t collect_all_without_step_2(int generation)
{
    (void)generation;
    for (int i = 0; i < NUM_GENERATIONS - 1; i++)
        gc_list_merge(GEN_HEAD(i), GEN_HEAD(NUM_GENERATIONS - 1));
    PmGC_Head *young = GEN_HEAD(NUM_GENERATIONS - 1);
    PmGC_Head unreachable;
    _PmGC_state.collecting_generation = NUM_GENERATIONS - 1;
    _PmGC_state.unreachable = &unreachable;
    deduce_unreachable(young, &unreachable);
    clear_unreachable_mask(&unreachable);
    Pm_ssize_t found = gc_list_size(&unreachable);
    delete_garbage(&unreachable, young);
    _PmGC_state.unreachable = NULL;
    return found;
}

void tear_down_without_step_2(void)
{
    _PmRuntime_FiniCollect = collect_all_without_step_2;
}

Pm_ssize_t gen_size(int generation)
{
    if (generation == NUM_GENERATIONS)
        return gc_list_size(&_PmGC_state.permanent_generation.head);
    return gc_list_size(GEN_HEAD(generation));
}
