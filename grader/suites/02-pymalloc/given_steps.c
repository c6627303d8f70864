/* given_steps.c - what a test of an early step is given in place of a
 * later step's work, so that it needs only the steps up to its own.
 *
 * Every allocation goes through a pool (Step 2) cut from an arena (Step 3).
 * So a test of Step 2 starts with one arena on usable_arenas, made as the
 * reference's new_arena makes it and linked as allocate_from_new_pool links
 * it; and a test of Step 1 starts, besides, with one used pool per size
 * class, carved in full, as a pool is after many allocations and a few
 * frees.  Both are built on the allocator's own state (_PmObmalloc_state),
 * exactly as the reference would leave it, and the grader's heap checker
 * accepts them.  The learner's code of the later steps is never called.
 */
#include <stdlib.h>

#include "pymalloc_suite.h"

#define st _PmObmalloc_state

#if WITH_PYMALLOC_RADIX_TREE
/* The arena map's leaf for p, its nodes made if missing (the given
 * arena_map_get of obmalloc.c). */
static arena_map_bot_t *map_leaf(uintptr_t p)
{
    int i1 = MAP_TOP_INDEX(p), i2 = MAP_MID_INDEX(p);
    if (st.arena_map_root.ptrs[i1] == NULL) {
        arena_map_mid_t *n = calloc(1, sizeof *n);
        ck_assert_msg(n != NULL, "the grader ran out of memory for the arena map");
        st.arena_map_root.ptrs[i1] = n;
        st.arena_map_mid_count++;
    }
    if (st.arena_map_root.ptrs[i1]->ptrs[i2] == NULL) {
        arena_map_bot_t *n = calloc(1, sizeof *n);
        ck_assert_msg(n != NULL, "the grader ran out of memory for the arena map");
        st.arena_map_root.ptrs[i1]->ptrs[i2] = n;
        st.arena_map_bot_count++;
    }
    return st.arena_map_root.ptrs[i1]->ptrs[i2];
}

/* Mark the arena at base in the map (the given arena_map_mark_used). */
static void map_mark_used(uintptr_t base)
{
    int32_t tail = (int32_t)(base & ARENA_SIZE_MASK);
    if (tail == 0) {
        map_leaf(base)->arenas[MAP_BOT_INDEX(base)].tail_hi = -1;
        return;
    }
    map_leaf(base)->arenas[MAP_BOT_INDEX(base)].tail_hi = tail;
    map_leaf(base + ARENA_SIZE)->arenas[MAP_BOT_INDEX(base + ARENA_SIZE)].tail_lo = tail;
}
#endif

void pm_given_an_arena(void)
{
    ck_assert_msg(st.maxarenas == 0 && st.usable_arenas == NULL,
                  "the grader gives an arena only to an allocator that has none");
    /* new_arena (Step 3): a table of INITIAL_ARENA_OBJECTS entries, the
     * first one used, the others chained on unused_arena_objects. */
    st.arenas = calloc(INITIAL_ARENA_OBJECTS, sizeof *st.arenas);
    ck_assert_msg(st.arenas != NULL, "the grader ran out of memory for the arena table");
    for (pymem_uint i = 1; i < INITIAL_ARENA_OBJECTS; i++)
        st.arenas[i].nextarena = i + 1 < INITIAL_ARENA_OBJECTS ? &st.arenas[i + 1] : NULL;
    st.unused_arena_objects = &st.arenas[1];
    st.maxarenas = INITIAL_ARENA_OBJECTS;

    struct arena_object *ao = &st.arenas[0];
    void *address = _PmObject_VirtualAlloc(ARENA_SIZE);
    ck_assert_msg(address != NULL, "the grader could not get an arena");
    ao->address = (uintptr_t)address;
#if WITH_PYMALLOC_RADIX_TREE
    map_mark_used(ao->address);
#endif
    st.narenas_currently_allocated = st.ntimes_arena_allocated = st.narenas_highwater = 1;
    ao->freepools = NULL;
    ao->pool_address = (pymem_block *)ao->address;
    ao->nfreepools = MAX_POOLS_IN_ARENA;
    uintptr_t excess = ao->address & POOL_SIZE_MASK;
    if (excess != 0) {
        --ao->nfreepools;
        ao->pool_address += POOL_SIZE - excess;
    }
    ao->ntotalpools = ao->nfreepools;

    /* allocate_from_new_pool (Step 2) links a new arena thus. */
    st.usable_arenas = ao;
    ao->nextarena = ao->prevarena = NULL;
    st.nfp2lasta[ao->nfreepools] = ao;
}

/* One pool of class c from the first usable arena, linked into usedpools:
 * block 0 is the grader's, every other block is carved and on the free
 * list, in address order. */
static void give_a_used_pool(pymem_uint c)
{
    struct arena_object *ao = st.usable_arenas;
    ck_assert_msg(ao != NULL && ao->nfreepools > 1, "the grader's arena has no pool left");
    if (st.nfp2lasta[ao->nfreepools] == ao)
        st.nfp2lasta[ao->nfreepools] = NULL;
    st.nfp2lasta[ao->nfreepools - 1] = ao;
    poolp pool = (poolp)ao->pool_address;
    ao->pool_address += POOL_SIZE;
    --ao->nfreepools;
    pool->arenaindex = (pymem_uint)(ao - st.arenas);

    poolp head = st.usedpools[c + c];
    pool->nextpool = pool->prevpool = head;
    head->nextpool = head->prevpool = pool;

    pymem_uint size = INDEX2SIZE(c), n = NUMBLOCKS(c);
    pymem_block *first = (pymem_block *)pool + POOL_OVERHEAD;
    pool->szidx = c;
    pool->ref.count = 1;
    pool->freeblock = first + size;
    for (pymem_uint k = 1; k < n; k++)
        *(pymem_block **)(first + k * size) = k + 1 < n ? first + (k + 1) * size : NULL;
    pool->nextoffset = (pymem_uint)(POOL_OVERHEAD + n * size);
    pool->maxnextoffset = (pymem_uint)(POOL_SIZE - size);
}

void pm_given_a_pool_per_class(void)
{
    pm_given_an_arena();
    for (pymem_uint c = 0; c < NB_SMALL_SIZE_CLASSES; c++)
        give_a_used_pool(c);
}
