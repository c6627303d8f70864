/* test_explore.c - chapter 5: small programs of two or three threads run
 * through every interleaving of their atomic operations with at most K
 * preemptions (explorer.c).  Each program is a race the protocol must win
 * whatever the order: the owner's last decrement against another thread's,
 * a queue against an exit, a merge against a queue.
 */
#include "biased_suite.h"

/* 1. The owner drops its only local reference while another thread drops
 *    the one it counts in the shared field: whichever comes first, the
 *    object dies once, by the hand of the last. */
static void p1_setup(int t)
{
    if (t == 0)
        x_new(0);
    else
        x_take(0);
}
static void p1_body(int t)
{
    x_drop(0);
    (void)t;
}

START_TEST(explore_owner_and_other_thread_drop_the_last_two)
{
    static const XProgram prog = {
        .name = "T1 (owner) drops its local reference while T2 drops its shared one",
        .nthreads = 2,
        .nobjects = 1,
        .setup = p1_setup,
        .body = p1_body,
        .expect_freed = {1},
        .preemptions = 9, /* 9 or more: every schedule */
        .step = 4,
    };
    explore("explore_owner_and_other_thread_drop_the_last_two", &prog);
}
END_TEST

/* 2. The owner's local count reaches 0 (it merges) while another thread
 *    takes and drops references of its own. */
static void p2_setup(int t)
{
    if (t == 0)
        x_new(0);
    else
        x_take(0);
}
static void p2_body(int t)
{
    if (t == 0) {
        x_drop(0);
    } else {
        x_take(0);
        x_drop(0);
        x_drop(0);
    }
}

START_TEST(explore_owner_merges_while_another_thread_counts)
{
    static const XProgram prog = {
        .name = "T1 (owner) drops its only local reference while T2 takes one and drops two",
        .nthreads = 2,
        .nobjects = 1,
        .setup = p2_setup,
        .body = p2_body,
        .expect_freed = {1},
        .preemptions = 3,
        .step = 3, /* T2's decrements are the reference's (drop_ref) */
    };
    explore("explore_owner_merges_while_another_thread_counts", &prog);
}
END_TEST

/* 3. Another thread queues the object to its owner while the owner exits. */
static void p3_setup(int t)
{
    if (t == 0) {
        x_new(0);
        x_take(0);
        x_give(0, 1);
    }
}
static void p3_body(int t)
{
    x_drop(0);
    (void)t;
}

START_TEST(explore_thread_queues_while_the_owner_leaves)
{
    static const XProgram prog = {
        .name =
            "T2 drops a reference (and queues it) while T1, the owner, drops its own and leaves",
        .nthreads = 2,
        .nobjects = 1,
        .setup = p3_setup,
        .body = p3_body,
        .expect_freed = {1},
        .preemptions = 8, /* 8 or more: every schedule */
        .step = 6,
    };
    explore("explore_thread_queues_while_the_owner_leaves", &prog);
}
END_TEST

/* 4. Two threads queue objects to an owner that merges at a safe point. */
static void p4_setup(int t)
{
    if (t == 0) {
        x_new(0);
        x_new(1);
        x_take(0);
        x_take(1);
        x_give(0, 1);
        x_give(1, 2);
    }
}
static void p4_body(int t)
{
    if (t == 0) {
        x_drop(0);
        _Pm_HandlePending();
        x_drop(1);
    } else {
        x_drop(t - 1);
    }
}

START_TEST(explore_owner_merges_while_two_threads_queue)
{
    static const XProgram prog = {
        .name =
            "T2 and T3 each drop a handed-over object while T1 (owner) drops its own and merges",
        .nthreads = 3,
        .nobjects = 2,
        .setup = p4_setup,
        .body = p4_body,
        .expect_freed = {1, 1},
        .preemptions = 2,
        .step = 5, /* T1 leaves with the reference's _Pm_brc_remove_thread */
    };
    explore("explore_owner_merges_while_two_threads_queue", &prog);
}
END_TEST

/* 5. Three threads drop the last references of an object the owner merges. */
static void p5_setup(int t)
{
    if (t == 0)
        x_new(0);
    else
        x_take(0);
}
static void p5_body(int t)
{
    x_drop(0);
    (void)t;
}

START_TEST(explore_three_threads_drop_a_merging_object)
{
    static const XProgram prog = {
        .name = "T1 (owner), T2 and T3 drop the object's last three references",
        .nthreads = 3,
        .nobjects = 1,
        .setup = p5_setup,
        .body = p5_body,
        .expect_freed = {1},
        .preemptions = 2,
        .step = 4,
    };
    explore("explore_three_threads_drop_a_merging_object", &prog);
}
END_TEST

/* 6. The owner and another thread count up and down at the same time. */
static void p6_setup(int t)
{
    if (t == 0)
        x_new(0);
    else
        x_take(0);
}
static void p6_body(int t)
{
    (void)t;
    x_take(0);
    x_take(0);
    x_drop(0);
    x_drop(0);
}

START_TEST(explore_owner_and_other_thread_count_at_once)
{
    static const XProgram prog = {
        .name = "T1 (owner) and T2 each take two references and drop them",
        .nthreads = 2,
        .nobjects = 1,
        .setup = p6_setup,
        .body = p6_body,
        .expect_freed = {0},
        .expect_count = {2},
        .preemptions = 2,
        .step = 2, /* the decrements are the reference's (drop_ref) */
    };
    explore("explore_owner_and_other_thread_count_at_once", &prog);
}
END_TEST

/* 7. The owner merges a queued object whose last reference another thread
 *    holds: once the merged count is published, that thread may drop it
 *    to 0 and free the object, so the merge must have cleared ob_tid and
 *    ob_ref_local before (CPython's gh-119999). */
/* (Programs 7 and 8: T1 makes the object and hands both its references
 * away, one to T2 and one to T3.) */
static void hand_two_away_setup(int t)
{
    if (t == 0) {
        x_new(0);
        x_take(0);
        x_give(0, 1);
        x_give(0, 2);
    }
}
static void p7_body(int t)
{
    if (t == 0)
        _Pm_HandlePending();
    else
        x_drop(0);
}

START_TEST(explore_merge_while_another_thread_drops_the_last_reference)
{
    static const XProgram prog = {
        .name = "T2 drops a handed-over reference (and queues it) while T1, the owner, merges "
                "and T3 drops the last one",
        .nthreads = 3,
        .nobjects = 1,
        .setup = hand_two_away_setup,
        .body = p7_body,
        .expect_freed = {1},
        .preemptions = 2,
        .step = 5,
    };
    explore("explore_merge_while_another_thread_drops_the_last_reference", &prog);
}
END_TEST

/* 8. A thread drops a handed-over reference at a shared count of 0 while
 *    another takes a shared one: if the taking comes between the load and
 *    the compare-and-swap, the swap fails and the decision to queue must
 *    be made again from the value it reloaded. */
static void p8_body(int t)
{
    if (t == 1) {
        x_drop(0);
    } else if (t == 2) {
        x_take(0);
        x_drop(0);
        x_drop(0);
    }
}

START_TEST(explore_shared_drop_at_zero_while_another_thread_takes)
{
    static const XProgram prog = {
        .name = "T2 drops a handed-over reference at a shared count of 0 while T3 takes one "
                "and drops two, and T1, the owner, leaves",
        .nthreads = 3,
        .nobjects = 1,
        .setup = hand_two_away_setup,
        .body = p8_body,
        .expect_freed = {1},
        .preemptions = 2,
        .step = 5, /* Step 4's queueing, with the learner's queue */
    };
    explore("explore_shared_drop_at_zero_while_another_thread_takes", &prog);
}
END_TEST

/* An explorer test, with the explorer's own timeout. */
#define ADD_EXPLORER(s, fn, points, step, title, hint, section) \
    do {                                                        \
        PM_ADD(s, fn, points, step, title, hint, section);      \
        pm_set_timeout((s), #fn, PM_EXPLORER_TIMEOUT);          \
    } while (0)

void register_explore(PmSuite *s)
{
    ADD_EXPLORER(s, explore_owner_and_other_thread_count_at_once, 3, STEP2,
                 "Explorer: owner and another thread count at once, every interleaving",
                 "The report lists the steps of the failing schedule: look for a load and a store "
                 "of one field with another thread's step in between.",
                 SECTION2);
    ADD_EXPLORER(s, explore_owner_merges_while_another_thread_counts, 4, STEP3,
                 "Explorer: the owner merges while another thread counts",
                 "Clear ob_tid before the CAS that sets MERGED; once MERGED, another thread may "
                 "free the object, and nothing may touch it after that.",
                 SECTION3);
    ADD_EXPLORER(s, explore_owner_and_other_thread_drop_the_last_two, 4, STEP4,
                 "Explorer: owner and another thread drop the last two references",
                 "The owner's merge and the other thread's decrement meet in ob_ref_shared: follow "
                 "it through the failing schedule's steps.",
                 SECTION4);
    ADD_EXPLORER(s, explore_three_threads_drop_a_merging_object, 4, STEP4,
                 "Explorer: three threads drop the last references of a merging object",
                 "A compare-exchange that fails has reloaded the current value: recompute from it.",
                 SECTION4);
    ADD_EXPLORER(s, explore_owner_merges_while_two_threads_queue, 4, STEP5,
                 "Explorer: the owner merges its queue while two threads queue",
                 "Take the queue under the lock, merge (with -1 each) outside it.", SECTION5);
    ADD_EXPLORER(s, explore_thread_queues_while_the_owner_leaves, 4, STEP6,
                 "Explorer: a thread queues to an owner that is leaving",
                 "The check that the queue is empty and the unlinking must happen under one "
                 "holding of the bucket lock.",
                 SECTION6);
    ADD_EXPLORER(
        s, explore_merge_while_another_thread_drops_the_last_reference, 4, STEP5,
        "Explorer: the owner merges a queued object while another thread drops its last "
        "reference",
        "Once the compare-and-swap publishes the merged count, another thread may free the "
        "object: clear ob_tid and ob_ref_local before it.",
        SECTION5);
    ADD_EXPLORER(
        s, explore_shared_drop_at_zero_while_another_thread_takes, 4, STEP5,
        "Explorer: a shared drop at count 0 races another thread's increment",
        "When the compare-and-swap fails, decide again whether to queue, from the value it "
        "reloaded.",
        SECTION5);
}
