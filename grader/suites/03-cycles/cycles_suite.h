/* cycles_suite.h - what the files of the chapter-3 suite share: the steps and
 * sections of the chapter, the "node" test container (a GC object with a few
 * reference slots whose tp_traverse, tp_clear and deallocator are recorded),
 * and the helpers that put objects in a private list, read their gc_refs and
 * flags, and draw the heap when a check fails.
 */
#ifndef CYCLES_SUITE_H
#define CYCLES_SUITE_H

#include "pmlab.h"
#include "pm_gc_internal.h"
#include "pmtest.h"

#define STEP1 "Step 1: Tracking"
#define STEP2 "Step 2: Traversal"
#define STEP3 "Step 3: update_refs and subtract_refs"
#define STEP4 "Step 4: move_unreachable"
#define STEP5 "Step 5: Untracking tuples"
#define STEP6 "Step 6: delete_garbage"
#define STEP7 "Step 7: Scenarios"

#define SECTION1 "chapters/03-cycles.md#step-1-tracking"
#define SECTION2 "chapters/03-cycles.md#step-2-traversal"
#define SECTION3 "chapters/03-cycles.md#step-3-update_refs-and-subtract_refs"
#define SECTION4 "chapters/03-cycles.md#step-4-move_unreachable"
#define SECTION5 "chapters/03-cycles.md#step-5-untracking-tuples"
#define SECTION6 "chapters/03-cycles.md#step-6-delete_garbage"
#define SECTION7 "chapters/03-cycles.md#step-7-scenarios"

/* A node: a container with NODE_SLOTS references (NULL = empty), created
 * untracked.  Its tp_traverse visits the slots in order; its tp_clear empties
 * them; its deallocator releases them and frees the node.  Each records what
 * happened per id.  Nodes are hashable by id, so they can be dict keys. */
#define NODE_SLOTS 4
#define NODE_MAX_ID 2048

typedef struct {
    PmObject_HEAD
    int id;
    PmObject *slot[NODE_SLOTS];
} NodeObject;

extern PmTypeObject Node_Type; /* with tp_clear */
extern PmTypeObject ClearlessNode_Type; /* the same, without tp_clear */
extern int node_clears[NODE_MAX_ID]; /* tp_clear calls, per id */
extern int node_deallocs[NODE_MAX_ID]; /* deallocations, per id */
/* The refcount a node had when its tp_clear started, per id (-1: never). */
extern Pm_ssize_t node_refcnt_at_clear[NODE_MAX_ID];
/* Set if a node was deallocated while its own tp_clear was running. */
extern int node_freed_inside_its_clear;

/* A new node (count 1, untracked) of Node_Type or ClearlessNode_Type. */
PmObject *node_new(int id);
PmObject *clearless_node_new(int id);
/* Store a new reference to target in the first free slot of from. */
void node_link(PmObject *from, PmObject *target);

/* An atom: a non-container object right after 16 bytes that look like the
 * GC header of an object being collected, with gc_refs 5.  Code that reads
 * or writes a header without asking _PmObject_IS_GC first believes or
 * changes these bytes.  atom_reset_decoy sets them; atom_decoy_intact says
 * whether they are unchanged. */
extern PmObject *const atom;
void atom_reset_decoy(void);
int atom_decoy_intact(void);

/* Start a unit test (pass __func__, which names the test): forget earlier
 * records, move whatever generation 0 holds to generation 2 so that the
 * test has generation 0 to itself, and keep the collector from running on
 * its own.  Automatic collections, and the fixture's closing gc.collect(),
 * would run every step of this chapter: a unit test of one step must not
 * depend on the others. */
void cycles_test_begin(const char *fn);
/* Show list as "unreachable" in heap pictures (NULL: none). */
void show_as_unreachable(PmGC_Head *list);

/* Put op at the end of the private list head.  An untracked op is linked;
 * a tracked one (a list made by PmList_New sits in generation 0) moves. */
void set_add(PmGC_Head *head, PmObject *op);
/* Where op is: 1 if it is in list head (walking from the head, ignoring
 * NEXT_MASK_UNREACHABLE), else 0.  Stops after a bounded number of steps, so
 * a broken list cannot hang the test. */
int set_contains(PmGC_Head *head, PmObject *op);
/* The number of objects in head, or -1 if the walk did not come back to the
 * head within the bound (a broken list). */
Pm_ssize_t set_size(PmGC_Head *head);
/* gc_refs as the collector keeps it in _gc_prev (meaningful with
 * COLLECTING set), and the flags. */
Pm_ssize_t refs_of(PmObject *op);
int is_collecting(PmObject *op);
int is_flagged_unreachable(PmObject *op);

/* Fail the running test with a message, after drawing the heap (with
 * gc_refs and generations) into $PMLAB_ARTIFACTS/<test>.svg.  The picture
 * is drawn in a child process, so that a heap the code under test broke can
 * cost the picture but never the message. */
void fail_with_heap(const char *step, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* expect(cond, "after <step>", fmt, ...): if cond is false, fail_with_heap. */
#define expect(cond, step, ...)                  \
    do {                                         \
        if (!(cond))                             \
            fail_with_heap((step), __VA_ARGS__); \
    } while (0)

/* Each file of the suite registers its own tests. */
void register_tracking_tests(PmSuite *s); /* steps 1 and 2 */
void register_refs_tests(PmSuite *s); /* steps 3 and 4 */
void register_collection_tests(PmSuite *s); /* steps 5 and 6 */

#endif /* CYCLES_SUITE_H */
