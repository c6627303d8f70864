/* test_tracking.c - chapter 3, steps 1 and 2: tracking links a container into
 * generation 0 and untracking takes it out; the dict reports every key and
 * value to the collector and can be emptied by it.  The dict tests store
 * nodes, so a dict becomes tracked through Step 1's PmObject_GC_Track.
 */
#include <signal.h>
#include <unistd.h>

#include "cycles_suite.h"

/* ---- Step 1: Tracking ---- */

/* The links around gc are consistent: prev's next is gc, next's prev is gc. */
static int linked_in_place(PmGC_Head *gc)
{
    return GC_NEXT(GC_PREV(gc)) == gc && GC_PREV(GC_NEXT(gc)) == gc;
}

START_TEST(track_appends_to_generation_0_and_untrack_unlinks)
{
    cycles_test_begin(__func__);
    PmObject *n[3];
    for (int i = 0; i < 3; i++) {
        n[i] = node_new(i);
        expect(!PmObject_GC_IsTracked(n[i]), "before tracking",
               "a new node is not tracked (its _gc_next is 0), but PmObject_GC_IsTracked "
               "said it is");
        PmObject_GC_Track(n[i]);
        expect(PmObject_GC_IsTracked(n[i]), "after PmObject_GC_Track",
               "after PmObject_GC_Track(node %d), PmObject_GC_IsTracked should be 1, it is 0", i);
        expect(GC_PREV(GEN_HEAD(0)) == AS_GC(n[i]), "after PmObject_GC_Track",
               "PmObject_GC_Track should append node %d at the end of generation 0 (the "
               "head's prev), it is not there",
               i);
        expect(linked_in_place(AS_GC(n[i])), "after PmObject_GC_Track",
               "after PmObject_GC_Track(node %d), its neighbours in generation 0 should point "
               "at it both ways; set _gc_next and _gc_prev of the node, the old last object "
               "and the head",
               i);
        expect(_PmGC_GenerationOf(n[i]) == 0, "after PmObject_GC_Track",
               "node %d should be in generation 0, it is in %d", i, _PmGC_GenerationOf(n[i]));
    }
    PmObject_GC_UnTrack(n[1]);
    expect(AS_GC(n[1])->_gc_next == 0 && !PmObject_GC_IsTracked(n[1]), "after UnTrack",
           "after PmObject_GC_UnTrack the node's _gc_next should be 0 (untracked)");
    expect(GC_NEXT(AS_GC(n[0])) == AS_GC(n[2]) && GC_PREV(AS_GC(n[2])) == AS_GC(n[0]),
           "after UnTrack",
           "untracking the middle of three nodes should link the first and the third to "
           "each other");
    PmObject_GC_UnTrack(n[1]);
    expect(linked_in_place(AS_GC(n[0])) && linked_in_place(AS_GC(n[2])), "after UnTrack",
           "PmObject_GC_UnTrack of an object that is not tracked should do nothing; it "
           "changed the generation list");
    PmObject_GC_UnTrack(n[0]);
    PmObject_GC_UnTrack(n[2]);
    for (int i = 0; i < 3; i++)
        Pm_DECREF(n[i]);
}
END_TEST

START_TEST(untrack_clears_the_collecting_flag)
{
    cycles_test_begin(__func__);
    PmObject *n = node_new(0);
    set_add(GEN_HEAD(0), n);
    AS_GC(n)->_gc_prev |= PREV_MASK_COLLECTING;
    PmObject_GC_UnTrack(n);
    expect(AS_GC(n)->_gc_next == 0, "after UnTrack",
           "PmObject_GC_UnTrack should set _gc_next to 0");
    expect(!(AS_GC(n)->_gc_prev & PREV_MASK_COLLECTING), "after UnTrack",
           "an object untracked while a collection examines it (it dies in delete_garbage) "
           "should lose its COLLECTING flag: keep only PREV_MASK_FINALIZED of _gc_prev");
    expect(gc_list_is_empty(GEN_HEAD(0)), "after UnTrack",
           "the list the object was in should be empty after untracking its only object");
    Pm_DECREF(n);
}
END_TEST

START_TEST(is_tracked_is_false_for_objects_without_a_gc_header)
{
    cycles_test_begin(__func__);
    PmObject *big = PmLong_FromLongLong(1234567890123LL);
    PmObject *text = PmUnicode_FromString("not a container");
    expect(!PmObject_GC_IsTracked(big) && !PmObject_GC_IsTracked(text), "is_tracked",
           "gc.is_tracked(int) and gc.is_tracked(str) are False: objects that hold no "
           "references have no GC header");
    expect(!PmObject_GC_IsTracked(atom), "is_tracked",
           "PmObject_GC_IsTracked said a non-container is tracked: it read the memory in "
           "front of the object as a GC header; ask _PmObject_IS_GC first");
    Pm_DECREF(big);
    Pm_DECREF(text);
}
END_TEST

/* Tracking twice should end in _PmGC_Fatal (SIGABRT); an unwritten
 * function aborts too (_Pm_Unimplemented), so an abort only counts once
 * the test reached the second PmObject_GC_Track. */
static volatile sig_atomic_t reached_second_track;

static void abort_counts_only_at_the_second_track(int sig)
{
    if (!reached_second_track) {
        static const char msg[] = "pmlab: the test aborted before it reached the second "
                                  "PmObject_GC_Track (see the message above)\n";
        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(3);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

START_TEST(tracking_twice_is_a_fatal_error)
{
    cycles_test_begin(__func__);
    reached_second_track = 0;
    signal(SIGABRT, abort_counts_only_at_the_second_track);
    PmObject *n = node_new(0);
    PmObject_GC_Track(n);
    expect(PmObject_GC_IsTracked(n), "after PmObject_GC_Track",
           "after PmObject_GC_Track the node should be tracked");
    reached_second_track = 1;
    PmObject_GC_Track(n);
    ck_abort_msg("PmObject_GC_Track of an object that is already tracked should call "
                 "_PmGC_Fatal (which names the object and aborts); it returned");
}
END_TEST

/* ---- Step 2: Traversal ---- */

#define MAX_VISITS 16
static PmObject *visited[MAX_VISITS];
static int nvisited;
static int stop_after; /* return 7 from this visit on (0: never) */

static int record_visit(PmObject *op, void *arg)
{
    (void)arg;
    if (nvisited < MAX_VISITS)
        visited[nvisited] = op;
    nvisited++;
    return stop_after != 0 && nvisited >= stop_after ? 7 : 0;
}

static int times_visited(PmObject *op)
{
    int k = 0;
    for (int i = 0; i < nvisited && i < MAX_VISITS; i++)
        k += visited[i] == op;
    return k;
}

/* A dict {n0: n1, "two": n2, n3: n4} from which the key "gone" (inserted
 * between them) was deleted, leaving a hole in the entries. */
static PmObject *dict_with_a_hole(PmObject *n[5], PmObject **two)
{
    PmObject *d = PmDict_New();
    *two = PmUnicode_FromString("two");
    PmObject *gone = PmUnicode_FromString("gone");
    for (int i = 0; i < 5; i++)
        n[i] = node_new(i);
    if (d == NULL || *two == NULL || gone == NULL || PmDict_SetItem(d, n[0], n[1]) < 0 ||
        PmDict_SetItem(d, gone, n[2]) < 0 || PmDict_SetItem(d, *two, n[2]) < 0 ||
        PmDict_SetItem(d, n[3], n[4]) < 0 || PmDict_DelItem(d, gone) < 0)
        ck_abort_msg("setting up the dict failed: %s", PmErr_Message());
    Pm_DECREF(gone);
    return d;
}

START_TEST(dict_traverse_visits_every_key_and_value_once)
{
    cycles_test_begin(__func__);
    PmObject *n[5], *two;
    PmObject *d = dict_with_a_hole(n, &two);
    nvisited = 0;
    stop_after = 0;
    int r = dict_traverse(d, record_visit, NULL);
    expect(r == 0, "dict_traverse",
           "dict_traverse should return 0 when every visit returned "
           "0, it returned %d",
           r);
    expect(nvisited == 6, "dict_traverse",
           "the dict has 3 live entries (and one deleted): dict_traverse should call visit "
           "6 times, once per key and once per value; it called it %d times",
           nvisited);
    PmObject *want[] = {n[0], n[1], two, n[2], n[3], n[4]};
    const char *what[] = {"key node 0",   "value node 1", "key 'two'",
                          "value node 2", "key node 3",   "value node 4"};
    for (int i = 0; i < 6; i++)
        expect(times_visited(want[i]) == 1, "dict_traverse",
               "dict_traverse should visit the %s exactly once, it visited it %d times "
               "(visit keys and values, skip deleted entries)",
               what[i], times_visited(want[i]));
    Pm_DECREF(d);
    Pm_DECREF(two);
    for (int i = 0; i < 5; i++)
        Pm_DECREF(n[i]);
}
END_TEST

START_TEST(dict_traverse_stops_at_the_first_nonzero_visit)
{
    cycles_test_begin(__func__);
    PmObject *n[5], *two;
    PmObject *d = dict_with_a_hole(n, &two);
    nvisited = 0;
    stop_after = 3;
    int r = dict_traverse(d, record_visit, NULL);
    stop_after = 0;
    expect(
        r == 7 && nvisited == 3, "dict_traverse",
        "when visit returns nonzero, dict_traverse should stop and return that value "
        "(as CPython's Py_VISIT does): visit returned 7 on its 3rd call, dict_traverse made %d calls "
        "and returned %d",
        nvisited, r);
    Pm_DECREF(d);
    Pm_DECREF(two);
    for (int i = 0; i < 5; i++)
        Pm_DECREF(n[i]);
}
END_TEST

START_TEST(dict_tp_clear_empties_the_dict_and_releases_everything)
{
    cycles_test_begin(__func__);
    PmObject *n[5], *two;
    PmObject *d = dict_with_a_hole(n, &two);
    Pm_ssize_t two_refs = Pm_REFCNT(two);
    for (int i = 0; i < 5; i++)
        Pm_DECREF(n[i]); /* the dict holds the only references now */
    int r = dict_tp_clear(d);
    expect(r == 0, "dict_tp_clear", "dict_tp_clear should return 0, it returned %d", r);
    expect(PmDict_Size(d) == 0, "dict_tp_clear",
           "after dict_tp_clear the dict should be empty (ma_used 0), its size is %zd",
           PmDict_Size(d));
    Pm_ssize_t pos = 0;
    expect(!PmDict_Next(d, &pos, NULL, NULL), "dict_tp_clear",
           "after dict_tp_clear, iterating the dict should find no entry");
    for (int i = 0; i < 5; i++)
        expect(node_deallocs[i] == 1, "dict_tp_clear",
               "dict_tp_clear should release every key and value once; node %d (held only "
               "by the dict) was deallocated %d times",
               i, node_deallocs[i]);
    expect(Pm_REFCNT(two) == two_refs - 1, "dict_tp_clear",
           "the key 'two' should lose the dict's reference (count %zd -> %zd), its count is "
           "%zd",
           two_refs, two_refs - 1, Pm_REFCNT(two));
    expect(PmDict_SetItem(d, two, Pm_None) == 0 && PmDict_Size(d) == 1, "dict_tp_clear",
           "a cleared dict should still work: storing a key afterwards failed");
    Pm_DECREF(d);
    Pm_DECREF(two);
}
END_TEST

void register_tracking_tests(PmSuite *s)
{
    PM_ADD(s, track_appends_to_generation_0_and_untrack_unlinks, 3, STEP1,
           "PmObject_GC_Track appends to generation 0; PmObject_GC_UnTrack unlinks.",
           "Tracking links the object into generation 0's list; untracking must unlink it, and "
           "do nothing to an untracked object.",
           SECTION1);
    PM_ADD(s, untrack_clears_the_collecting_flag, 1, STEP1,
           "Untracking clears every flag of _gc_prev but FINALIZED.",
           "An untracked object still had the COLLECTING bit: which bits of _gc_prev should "
           "survive an untrack?",
           SECTION1);
    PM_ADD(s, is_tracked_is_false_for_objects_without_a_gc_header, 1, STEP1,
           "gc.is_tracked is False for objects without a GC header.",
           "Only an object with _PmObject_IS_GC has a header to look at.", SECTION1);
    PM_ADD_SIGNAL(s, tracking_twice_is_a_fatal_error, SIGABRT, 1, STEP1,
                  "Tracking an object that is already tracked is reported, not ignored.",
                  "Tracking an object that is already tracked must stop the program: how do "
                  "you know it is tracked?",
                  SECTION1);
    PM_ADD(s, dict_traverse_visits_every_key_and_value_once, 3, STEP2,
           "dict_traverse visits every live key and value once.",
           "The traversal missed a reference or visited one twice. Remember the deleted "
           "entries.",
           SECTION2);
    PM_ADD(s, dict_traverse_stops_at_the_first_nonzero_visit, 1, STEP2,
           "dict_traverse returns the first nonzero result of visit.",
           "Return visit's result as soon as it is not 0, as CPython's Py_VISIT does.", SECTION2);
    PM_ADD(s, dict_tp_clear_empties_the_dict_and_releases_everything, 3, STEP2,
           "dict_tp_clear empties the dict and releases every key and value.",
           "It is PmDict_Clear, which detaches the table from the dict before it releases "
           "the old entries.",
           SECTION2);
}
