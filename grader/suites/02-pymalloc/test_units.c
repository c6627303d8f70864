/* test_units.c - chapter 2's unit tests, one group per step: each test
 * starts from an allocator that has never been called, with arenas from a
 * deterministic arena allocator, and reads the state (_PmObmalloc_state)
 * to see the blocks, pools and arenas the calls made.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pymalloc_suite.h"

#define st _PmObmalloc_state

PmTraceArenas pm_test_arenas;

/* Arenas 4 KiB past a pool boundary (as mmap often gives), or aligned. */
void install_arenas(size_t misalign)
{
    pm_trace_install_arenas(&pm_test_arenas, misalign);
}

/* The address of size class i's list head in usedpools (CPython's usedpools
 * trick: a fake pool header whose nextpool and prevpool are usedpools[2i]
 * and usedpools[2i+1]).  Only compared with, never read through. */
static uintptr_t head(unsigned i)
{
    return (uintptr_t)&st.usedpools[2 * i] - 2 * sizeof(pymem_block *);
}

/* Is pool linked in usedpools for class i? */
static int in_usedpools(poolp pool, unsigned i)
{
    int n = 0;
    for (poolp p = st.usedpools[2 * i]; (uintptr_t)p != head(i) && n < 100000; p = p->nextpool, n++)
        if (p == pool)
            return 1;
    return 0;
}

static int in_arena(const void *p)
{
    return pm_trace_in_arena(&st, p) == 1;
}

static struct arena_object *arena_of(const void *p)
{
    return &st.arenas[POOL_ADDR(p)->arenaindex];
}

/* The grader's heap checker (the reference's), not yours: a test of Steps 1
 * to 6 needs nothing of Step 7. */
static void heap_ok(const char *when)
{
    char why[512] = "";
    if (pm_grader_check_heap(why, sizeof why) != 0)
        ck_abort_msg("%s, the grader's heap checker finds: %s", when, why[0] ? why : "(no reason)");
}

/* Blocks of 512 bytes in one arena of ntotalpools pools. */
static size_t blocks_per_arena(pymem_uint ntotalpools)
{
    return (size_t)ntotalpools * NUMBLOCKS(NB_SMALL_SIZE_CLASSES - 1);
}

/* ------------------------------------------------------------ Step 1 --- */

START_TEST(every_size_from_1_to_512_gets_its_size_class)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_a_pool_per_class();
    for (size_t n = 1; n <= SMALL_REQUEST_THRESHOLD; n++) {
        void *p = PmObject_Malloc(n);
        ck_assert_msg(p != NULL, "PmObject_Malloc(%zu) returned NULL", n);
        ck_assert_msg(in_arena(p), "PmObject_Malloc(%zu) returned %p, in no arena", n, p);
        poolp pool = POOL_ADDR(p);
        if (pool->szidx != (n - 1) >> ALIGNMENT_SHIFT)
            ck_abort_msg("PmObject_Malloc(%zu) should come from size class (n - 1) >> 4 = %zu, "
                         "whose blocks are %zu bytes; it came from a pool of class %u",
                         n, (n - 1) >> ALIGNMENT_SHIFT, ((n - 1) >> 4) * 16 + 16, pool->szidx);
    }
}
END_TEST

START_TEST(zero_bytes_go_to_the_system_allocator)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_a_pool_per_class(); /* so an arena exists */
    void *p = PmObject_Malloc(0), *q = PmObject_Malloc(0);
    ck_assert_msg(p != NULL && q != NULL && p != q,
                  "two PmObject_Malloc(0) should return two distinct pointers, not %p and %p", p,
                  q);
    ck_assert_msg(!in_arena(p) && !in_arena(q),
                  "PmObject_Malloc(0) returned a block inside an arena: 0 bytes go to malloc");
    ck_assert_msg(st.raw_allocated_blocks == 2,
                  "after two requests of 0 bytes raw_allocated_blocks should be 2, it is %zd",
                  st.raw_allocated_blocks);
    /* PmObject_Free is Step 4's (freeing_system_blocks_counts_them_out). */
    free(p);
    free(q);
}
END_TEST

START_TEST(requests_over_512_bytes_go_to_the_system_allocator)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_a_pool_per_class();
    void *small = PmObject_Malloc(512), *big = PmObject_Malloc(513), *huge = PmObject_Malloc(70000);
    ck_assert_msg(in_arena(small), "PmObject_Malloc(512) should be served from a pool");
    ck_assert_msg(big != NULL && !in_arena(big),
                  "PmObject_Malloc(513) should go to malloc, not into an arena");
    ck_assert_msg(huge != NULL && !in_arena(huge),
                  "PmObject_Malloc(70000) should go to malloc, not into an arena");
    ck_assert_msg(st.raw_allocated_blocks == 2, "raw_allocated_blocks should be 2, it is %zd",
                  st.raw_allocated_blocks);
    memset(huge, 0xAB, 70000);
    heap_ok("with blocks of 512, 513 and 70000 bytes allocated");
    /* PmObject_Free is Step 4's (freeing_system_blocks_counts_them_out). */
    free(big);
    free(huge);
}
END_TEST

/* ------------------------------------------------------------ Step 2 --- */

START_TEST(blocks_are_16_byte_aligned)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_an_arena();
    for (size_t n = 0; n <= 1100; n += 7) {
        void *p = PmObject_Malloc(n);
        ck_assert_msg(p != NULL, "PmObject_Malloc(%zu) returned NULL", n);
        if ((uintptr_t)p % ALIGNMENT != 0)
            ck_abort_msg("PmObject_Malloc(%zu) returned %p, not 16-byte aligned", n, p);
    }
}
END_TEST

START_TEST(blocks_of_a_class_are_one_block_size_apart)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_an_arena();
    char *a = PmObject_Malloc(40), *b = PmObject_Malloc(33), *c = PmObject_Malloc(48);
    ck_assert_msg(b - a == 48 && c - b == 48,
                  "three requests of class 2 (33..48 bytes) in a new pool should be 48 bytes "
                  "apart; they are %td and %td apart",
                  b - a, c - b);
}
END_TEST

START_TEST(a_new_pool_carves_blocks_lazily)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_an_arena();
    uint8_t *first = PmObject_Malloc(64);
    poolp pool = POOL_ADDR(first);
    ck_assert_msg(first == (uint8_t *)pool + POOL_OVERHEAD,
                  "the first block of a new pool should start right after its 48-byte header");
    ck_assert_msg(pool->nextoffset == POOL_OVERHEAD + 2 * 64,
                  "a new pool sets up two blocks: nextoffset should be 48 + 2 * 64 = 176, it "
                  "is %u",
                  pool->nextoffset);
    ck_assert_msg(pool->maxnextoffset == POOL_SIZE - 64,
                  "maxnextoffset should be POOL_SIZE - 64 = %zu, it is %u", POOL_SIZE - 64,
                  pool->maxnextoffset);
    for (unsigned k = 2; k <= 20; k++) {
        uint8_t *b = PmObject_Malloc(64);
        if (b != first + (k - 1) * 64)
            ck_abort_msg("allocation %u of 64 bytes should be the next virgin block %p, "
                         "got %p",
                         k, (void *)(first + (k - 1) * 64), (void *)b);
        if (pool->nextoffset != POOL_OVERHEAD + (k + 1) * 64)
            ck_abort_msg("after %u allocations nextoffset should be %zu (one block further "
                         "per allocation), it is %u",
                         k, POOL_OVERHEAD + (k + 1) * 64, pool->nextoffset);
        if (pool->ref.count != k)
            ck_abort_msg("after %u allocations the pool should count %u blocks, it counts %u", k, k,
                         pool->ref.count);
    }
}
END_TEST

START_TEST(a_new_pool_records_its_class_and_arena)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_an_arena();
    void *p = PmObject_Malloc(100);
    poolp pool = POOL_ADDR(p);
    ck_assert_msg(pool->szidx == 6, "a pool serving 100 bytes has szidx 6, not %u", pool->szidx);
    ck_assert_msg(pool->arenaindex < st.maxarenas &&
                      (uintptr_t)p - st.arenas[pool->arenaindex].address < ARENA_SIZE,
                  "pool->arenaindex (%u) should name the arena the pool lies in", pool->arenaindex);
    ck_assert_msg(in_usedpools(pool, 6), "a pool with free blocks should be in usedpools[2*6]");
}
END_TEST

START_TEST(a_full_pool_leaves_usedpools)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    pm_given_an_arena();
    unsigned n = NUMBLOCKS(0);
    void *first = PmObject_Malloc(16);
    poolp pool = POOL_ADDR(first);
    for (unsigned k = 1; k < n; k++) {
        void *p = PmObject_Malloc(16);
        if (POOL_ADDR(p) != pool)
            ck_abort_msg("block %u of 16 bytes should still come from the first pool (it "
                         "holds %u)",
                         k + 1, n);
    }
    ck_assert_msg(!in_usedpools(pool, 0),
                  "a full pool (%u of %u blocks) should not be in usedpools", n, n);
    void *next = PmObject_Malloc(16);
    ck_assert_msg(POOL_ADDR(next) != pool, "the block after a full pool needs a new pool");
    heap_ok("after filling a pool");
}
END_TEST

/* ------------------------------------------------------------ Step 3 --- */

START_TEST(the_first_allocation_maps_one_arena)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *p = PmObject_Malloc(24);
    ck_assert_msg(pm_test_arenas.nalloc == 1,
                  "the first allocation should get exactly one arena from the arena allocator "
                  "(_PmObject_VirtualAlloc); it got %zu",
                  pm_test_arenas.nalloc);
    ck_assert_msg(st.maxarenas == INITIAL_ARENA_OBJECTS,
                  "the arena_object table should start with 16 entries, it has %u", st.maxarenas);
    ck_assert_msg(st.narenas_currently_allocated == 1 && st.ntimes_arena_allocated == 1 &&
                      st.narenas_highwater == 1,
                  "after one arena: current %zu, total %zu, highwater %zu (all should be 1)",
                  st.narenas_currently_allocated, st.ntimes_arena_allocated, st.narenas_highwater);
    ck_assert_msg(in_arena(p), "the block should lie in the new arena");
}
END_TEST

START_TEST(an_unaligned_arena_loses_one_pool)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *p = PmObject_Malloc(24);
    struct arena_object *ao = arena_of(p);
    ck_assert_msg(ao->ntotalpools == MAX_POOLS_IN_ARENA - 1,
                  "an arena 4 KiB past a pool boundary holds %zu whole pools, not %u",
                  MAX_POOLS_IN_ARENA - 1, ao->ntotalpools);
    ck_assert_msg((uintptr_t)POOL_ADDR(p) % POOL_SIZE == 0 && (uintptr_t)POOL_ADDR(p) > ao->address,
                  "its first pool should start at the first POOL_SIZE boundary inside it");
    ck_assert_msg(ao->nfreepools == MAX_POOLS_IN_ARENA - 2,
                  "after taking one pool, nfreepools should be %zu, it is %u",
                  MAX_POOLS_IN_ARENA - 2, ao->nfreepools);
}
END_TEST

START_TEST(an_aligned_arena_has_every_pool)
{
    install_arenas(0);
    void *p = PmObject_Malloc(24);
    struct arena_object *ao = arena_of(p);
    ck_assert_msg(ao->ntotalpools == MAX_POOLS_IN_ARENA,
                  "a POOL_SIZE-aligned arena holds %zu pools, not %u", MAX_POOLS_IN_ARENA,
                  ao->ntotalpools);
    ck_assert_msg((uintptr_t)POOL_ADDR(p) == ao->address,
                  "its first pool should start at the arena's address");
}
END_TEST

START_TEST(a_new_arena_when_every_pool_is_used)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    size_t n = blocks_per_arena(MAX_POOLS_IN_ARENA - 1);
    void *first = PmObject_Malloc(512);
    for (size_t k = 1; k < n; k++)
        PmObject_Malloc(512);
    ck_assert_msg(st.narenas_currently_allocated == 1,
                  "%zu blocks of 512 bytes fill one arena exactly, but %zu arenas exist", n,
                  st.narenas_currently_allocated);
    ck_assert_msg(st.usable_arenas == NULL, "a wholly allocated arena should leave usable_arenas");
    void *more = PmObject_Malloc(512);
    ck_assert_msg(st.narenas_currently_allocated == 2 && arena_of(more) != arena_of(first),
                  "the next block needs a second arena");
    heap_ok("after filling an arena");
}
END_TEST

START_TEST(the_arena_table_grows_from_16_to_32)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    size_t n = blocks_per_arena(MAX_POOLS_IN_ARENA - 1) * INITIAL_ARENA_OBJECTS + 1;
    for (size_t k = 0; k < n; k++)
        if (PmObject_Malloc(512) == NULL)
            ck_abort_msg("PmObject_Malloc(512) number %zu returned NULL", k + 1);
    ck_assert_msg(st.narenas_currently_allocated == INITIAL_ARENA_OBJECTS + 1,
                  "17 arenas should be in use, %zu are", st.narenas_currently_allocated);
    ck_assert_msg(st.maxarenas == 2 * INITIAL_ARENA_OBJECTS,
                  "the 17th arena needs the table to double from 16 to 32 entries; it has %u",
                  st.maxarenas);
    heap_ok("after the table of arenas grew");
}
END_TEST

START_TEST(the_arena_table_doubles_again_from_32_to_64)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    size_t n = blocks_per_arena(MAX_POOLS_IN_ARENA - 1) * 2 * INITIAL_ARENA_OBJECTS + 1;
    for (size_t k = 0; k < n; k++)
        if (PmObject_Malloc(512) == NULL)
            ck_abort_msg("PmObject_Malloc(512) number %zu returned NULL", k + 1);
    ck_assert_msg(st.narenas_currently_allocated == 2 * INITIAL_ARENA_OBJECTS + 1,
                  "33 arenas should be in use, %zu are", st.narenas_currently_allocated);
    ck_assert_msg(st.maxarenas == 4 * INITIAL_ARENA_OBJECTS,
                  "the 33rd arena needs the table to double again, from 32 to 64 entries; it "
                  "has %u. Growing by a constant makes filling n arenas cost n^2 copies",
                  st.maxarenas);
    heap_ok("after the table of arenas grew twice");
}
END_TEST

/* Three full arenas, then arena k gets frees[k] empty pools. */
static void three_arenas(void **blocks, const unsigned frees[3])
{
    size_t per = blocks_per_arena(MAX_POOLS_IN_ARENA - 1);
    unsigned nb = NUMBLOCKS(NB_SMALL_SIZE_CLASSES - 1);
    for (size_t k = 0; k < 3 * per; k++)
        blocks[k] = PmObject_Malloc(512);
    for (unsigned a = 0; a < 3; a++)
        for (unsigned p = 0; p < frees[a]; p++)
            for (unsigned b = 0; b < nb; b++) {
                size_t k = a * per + (size_t)p * nb + b;
                PmObject_Free(blocks[k]);
                blocks[k] = NULL;
            }
}

START_TEST(usable_arenas_is_sorted_by_free_pools)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3 * 63 * 31];
    static const unsigned frees[3] = {7, 2, 4};
    three_arenas(blocks, frees);
    unsigned seen[3], n = 0;
    for (struct arena_object *a = st.usable_arenas; a != NULL && n < 3; a = a->nextarena)
        seen[n++] = a->nfreepools;
    ck_assert_msg(n == 3 && seen[0] == 2 && seen[1] == 4 && seen[2] == 7,
                  "arenas with 7, 2 and 4 free pools should be on usable_arenas in the order "
                  "2, 4, 7 (fewest free pools first); found %u arenas (%u, %u, %u)",
                  n, n > 0 ? seen[0] : 0, n > 1 ? seen[1] : 0, n > 2 ? seen[2] : 0);
    heap_ok("with three partly free arenas");
}
END_TEST

START_TEST(new_pools_come_from_the_fullest_arena)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3 * 63 * 31];
    static const unsigned frees[3] = {5, 1, 3};
    three_arenas(blocks, frees);
    size_t per = blocks_per_arena(MAX_POOLS_IN_ARENA - 1);
    struct arena_object *fullest = arena_of(blocks[per + per - 1]);
    void *p = PmObject_Malloc(256);
    ck_assert_msg(arena_of(p) == fullest,
                  "a new pool should come from the usable arena with the fewest free pools "
                  "(the one with 1); it came from one with %u left",
                  arena_of(p)->nfreepools);
    heap_ok("after taking a pool from the fullest arena");
}
END_TEST

/* ------------------------------------------------------------ Step 4 --- */

START_TEST(an_emptied_pool_goes_to_its_arena_freepools)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *b[10];
    for (int i = 0; i < 10; i++)
        b[i] = PmObject_Malloc(64);
    poolp pool = POOL_ADDR(b[0]);
    struct arena_object *ao = arena_of(b[0]);
    pymem_uint before = ao->nfreepools;
    for (int i = 0; i < 10; i++)
        PmObject_Free(b[i]);
    ck_assert_msg(ao->freepools == pool,
                  "a pool whose last block is freed should go to its arena's freepools");
    ck_assert_msg(ao->nfreepools == before + 1, "nfreepools should go from %u to %u, it is %u",
                  before, before + 1, ao->nfreepools);
    ck_assert_msg(!in_usedpools(pool, 3), "an empty pool should leave usedpools");
}
END_TEST

START_TEST(an_empty_pool_serves_another_size_class)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *b[10];
    for (int i = 0; i < 10; i++)
        b[i] = PmObject_Malloc(64);
    poolp pool = POOL_ADDR(b[0]);
    for (int i = 0; i < 10; i++)
        PmObject_Free(b[i]);
    void *p = PmObject_Malloc(256);
    ck_assert_msg(POOL_ADDR(p) == pool,
                  "a request of another class should reuse the empty pool from freepools");
    ck_assert_msg(pool->szidx == 15 && pool->ref.count == 1,
                  "the reused pool should now be of class 15 with 1 block, it is class %u with "
                  "%u",
                  pool->szidx, pool->ref.count);
    ck_assert_msg(p == (uint8_t *)pool + POOL_OVERHEAD,
                  "the reused pool starts over: its first block right after the header");
    heap_ok("after an empty pool changed size class");
}
END_TEST

START_TEST(free_of_a_pointer_not_ours_goes_to_the_system_allocator)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *ours = PmObject_Malloc(100);
    void *theirs = malloc(100);
    ck_assert_msg(theirs != NULL, "malloc failed");
    PmObject_Free(theirs);
    void *again = PmObject_Malloc(100);
    ck_assert_msg(again != theirs && in_arena(again),
                  "a block from malloc that is freed with PmObject_Free goes back to free(), "
                  "never onto a pool's free list");
    PmObject_Free(ours);
    PmObject_Free(NULL);
}
END_TEST

START_TEST(a_freed_block_is_reused_first)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *b[6];
    for (int i = 0; i < 6; i++)
        b[i] = PmObject_Malloc(32);
    PmObject_Free(b[2]);
    PmObject_Free(b[4]);
    void *x = PmObject_Malloc(32), *y = PmObject_Malloc(32);
    ck_assert_msg(x == b[4] && y == b[2],
                  "the free list is last in, first out: after freeing %p then %p, the next "
                  "two allocations should return %p and %p, not %p and %p",
                  b[2], b[4], b[4], b[2], x, y);
}
END_TEST

START_TEST(the_free_list_runs_through_the_freed_blocks)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *a = PmObject_Malloc(48), *b = PmObject_Malloc(48);
    PmObject_Malloc(48);
    poolp pool = POOL_ADDR(a);
    pymem_block *before = pool->freeblock;
    PmObject_Free(a);
    ck_assert_msg(pool->freeblock == a, "after freeing %p, pool->freeblock should be it", a);
    ck_assert_msg(*(pymem_block **)a == before,
                  "the freed block's first word should hold the old freeblock %p, it holds %p",
                  (void *)before, (void *)*(pymem_block **)a);
    PmObject_Free(b);
    ck_assert_msg(pool->freeblock == b && *(pymem_block **)b == a,
                  "after freeing %p too, the free list should be %p -> %p", b, b, a);
}
END_TEST

START_TEST(a_full_pool_comes_back_on_the_first_free)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    unsigned n = NUMBLOCKS(0);
    void *blocks[2048];
    for (unsigned k = 0; k <= n; k++)
        blocks[k] = PmObject_Malloc(16);
    poolp full = POOL_ADDR(blocks[0]);
    PmObject_Free(blocks[10]);
    ck_assert_msg(in_usedpools(full, 0),
                  "freeing a block of a full pool makes it used again: it should be back in "
                  "usedpools");
    ck_assert_msg(st.usedpools[0] == full,
                  "the pool should be linked at the front of usedpools[0]");
    void *again = PmObject_Malloc(16);
    ck_assert_msg(again == blocks[10],
                  "the next 16-byte request should reuse the freed block %p, got %p", blocks[10],
                  again);
    heap_ok("after a full pool became used again");
}
END_TEST

START_TEST(calloc_zeroes_a_reused_block)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    unsigned char *p = PmObject_Malloc(64);
    memset(p, 0xEE, 64);
    PmObject_Free(p);
    unsigned char *q = PmObject_Calloc(4, 16);
    ck_assert_msg(q == p, "calloc of 64 bytes should reuse the block just freed");
    for (int i = 0; i < 64; i++)
        ck_assert_msg(q[i] == 0, "PmObject_Calloc(4, 16): byte %d is 0x%02x, not zero", i, q[i]);
    ck_assert_msg(PmObject_Calloc((size_t)1 << 62, 16) == NULL,
                  "PmObject_Calloc(2^62, 16) overflows size_t and should return NULL");
}
END_TEST

START_TEST(freeing_system_blocks_counts_them_out)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *keep = PmObject_Malloc(8); /* so an arena exists */
    void *p = PmObject_Malloc(0), *q = PmObject_Malloc(0);
    void *big = PmObject_Malloc(513), *huge = PmObject_Malloc(70000);
    ck_assert_msg(p != NULL && q != NULL && big != NULL && huge != NULL,
                  "PmObject_Malloc of 0, 0, 513 and 70000 bytes should all succeed");
    ck_assert_msg(st.raw_allocated_blocks == 4,
                  "after four requests for the system allocator raw_allocated_blocks should "
                  "be 4, it is %zd",
                  st.raw_allocated_blocks);
    PmObject_Free(p);
    PmObject_Free(q);
    ck_assert_msg(st.raw_allocated_blocks == 2,
                  "after freeing the two blocks of 0 bytes raw_allocated_blocks should be 2, "
                  "it is %zd",
                  st.raw_allocated_blocks);
    PmObject_Free(big);
    PmObject_Free(huge);
    PmObject_Free(keep);
    ck_assert_msg(st.raw_allocated_blocks == 0,
                  "after freeing them all raw_allocated_blocks should be 0, it is %zd",
                  st.raw_allocated_blocks);
    heap_ok("after freeing blocks of 0, 8, 513 and 70000 bytes");
}
END_TEST

/* ------------------------------------------------------------ Step 5 --- */

START_TEST(an_empty_arena_goes_back_to_the_os)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    size_t per = blocks_per_arena(MAX_POOLS_IN_ARENA - 1);
    static void *blocks[2 * 63 * 31 + 1];
    for (size_t k = 0; k <= 2 * per; k++)
        blocks[k] = PmObject_Malloc(512);
    for (size_t k = 0; k < per; k++)
        PmObject_Free(blocks[k]);
    ck_assert_msg(pm_test_arenas.nfree == 1,
                  "an arena whose pools are all free, while another arena is usable, should "
                  "go back to the arena allocator; %zu were freed",
                  pm_test_arenas.nfree);
    PmMallocStats s;
    _PmObject_GetMallocStats(&s);
    ck_assert_msg(st.narenas_currently_allocated == 2 && s.arenas_reclaimed == 1,
                  "2 arenas should remain and 1 be reclaimed; %zu remain, %zu reclaimed",
                  st.narenas_currently_allocated, s.arenas_reclaimed);
    heap_ok("after an arena went back to the OS");
}
END_TEST

START_TEST(the_last_empty_arena_is_kept)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *b[100];
    for (int i = 0; i < 100; i++)
        b[i] = PmObject_Malloc(512);
    for (int i = 0; i < 100; i++)
        PmObject_Free(b[i]);
    ck_assert_msg(pm_test_arenas.nfree == 0 && st.narenas_currently_allocated == 1,
                  "the only arena, wholly free, should be kept (bpo-37257: no map/unmap "
                  "thrashing in a loop); %zu arenas were freed",
                  pm_test_arenas.nfree);
    PmObject_Malloc(512);
    ck_assert_msg(pm_test_arenas.nalloc == 1, "the kept arena should serve the next request");
    heap_ok("after the only arena emptied");
}
END_TEST

START_TEST(a_returned_arena_object_is_reused)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    size_t per = blocks_per_arena(MAX_POOLS_IN_ARENA - 1);
    static void *blocks[3 * 63 * 31];
    for (size_t k = 0; k < 2 * per + 1; k++)
        blocks[k] = PmObject_Malloc(512);
    for (size_t k = 0; k < per; k++)
        PmObject_Free(blocks[k]);
    ck_assert_msg(st.unused_arena_objects != NULL && st.unused_arena_objects->address == 0,
                  "the arena_object of a returned arena should go to unused_arena_objects "
                  "with address 0");
    for (size_t k = 0; k < per; k++)
        blocks[k] = PmObject_Malloc(512);
    ck_assert_msg(st.maxarenas == INITIAL_ARENA_OBJECTS && st.ntimes_arena_allocated == 4,
                  "a new arena should reuse a free arena_object (the table stays at 16): "
                  "maxarenas %u, arenas allocated total %zu (want 16 and 4)",
                  st.maxarenas, st.ntimes_arena_allocated);
    heap_ok("after an arena_object was reused");
}
END_TEST

/* ------------------------------------------------------------ Step 6 --- */

START_TEST(realloc_shrinking_by_less_than_a_quarter_keeps_the_block)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *p = PmObject_Malloc(512);
    void *q = PmObject_Realloc(p, 385);
    ck_assert_msg(q == p, "shrinking a 512-byte block to 385 bytes saves less than 25%%: "
                          "the block should be kept");
    void *r = PmObject_Malloc(64);
    ck_assert_msg(PmObject_Realloc(r, 49) == r && PmObject_Realloc(r, 64) == r,
                  "64 -> 49 -> 64 bytes should keep the block");
}
END_TEST

START_TEST(realloc_shrinking_by_a_quarter_or_more_moves)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    unsigned char *p = PmObject_Malloc(512);
    for (int i = 0; i < 384; i++)
        p[i] = (unsigned char)i;
    unsigned char *q = PmObject_Realloc(p, 384);
    ck_assert_msg(q != p && POOL_ADDR(q)->szidx == 23,
                  "shrinking 512 -> 384 bytes saves 25%%: the data should move to a block of "
                  "class 23");
    for (int i = 0; i < 384; i++)
        if (q[i] != (unsigned char)i)
            ck_abort_msg("byte %d was not copied", i);
}
END_TEST

START_TEST(realloc_growing_preserves_the_contents)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static const size_t sizes[] = {1, 16, 17, 100, 512, 513, 5000, 100000, 300, 20};
    unsigned char *p = PmObject_Malloc(1);
    p[0] = 1;
    size_t have = 1;
    for (size_t k = 1; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        p = PmObject_Realloc(p, n);
        ck_assert_msg(p != NULL, "PmObject_Realloc to %zu bytes returned NULL", n);
        size_t keep = have < n ? have : n;
        for (size_t i = 0; i < keep; i++)
            if (p[i] != (unsigned char)(i * 7 + 1))
                ck_abort_msg("after PmObject_Realloc from %zu to %zu bytes, byte %zu changed", have,
                             n, i);
        for (size_t i = keep; i < n; i++)
            p[i] = (unsigned char)(i * 7 + 1);
        have = n;
    }
    PmObject_Free(p);
    heap_ok("after a block grew and shrank");
}
END_TEST

/* One POOL_SIZE-aligned arena followed by a page nobody may touch, then
 * ordinary arenas: a block at the very end of the first arena shows any
 * read past its end as a fault. */
static char *guarded_arena;

static void *guarded_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (guarded_arena == NULL && size == ARENA_SIZE) {
        size_t span = ARENA_SIZE + POOL_SIZE + SYSTEM_PAGE_SIZE;
        char *region = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (region == MAP_FAILED)
            return NULL;
        char *arena = (char *)(((uintptr_t)region + POOL_SIZE_MASK) & ~(uintptr_t)POOL_SIZE_MASK);
        if (mprotect(arena + ARENA_SIZE, SYSTEM_PAGE_SIZE, PROT_NONE) != 0)
            return NULL;
        return guarded_arena = arena;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void guarded_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if ((char *)ptr != guarded_arena)
        munmap(ptr, size);
}

static sigjmp_buf past_the_end;

static void on_fault(int sig)
{
    siglongjmp(past_the_end, sig);
}

START_TEST(realloc_copies_only_the_old_block_when_growing)
{
    PmObjectArenaAllocator guarded = {NULL, guarded_alloc, guarded_free};
    PmObject_SetArenaAllocator(&guarded);
    /* 16-byte blocks fill a pool exactly: the last one of the first arena
     * ends where the arena ends, right before the guard page. */
    size_t n = (size_t)MAX_POOLS_IN_ARENA * NUMBLOCKS(0);
    unsigned char *last = NULL;
    for (size_t k = 0; k < n; k++)
        last = PmObject_Malloc(16);
    ck_assert_msg(guarded_arena != NULL && last == (unsigned char *)guarded_arena + ARENA_SIZE - 16,
                  "this test needs %zu blocks of 16 bytes to fill one POOL_SIZE-aligned arena, "
                  "the last ending at the arena's end; your allocator put it at %p, the arena is "
                  "%p (see the Step 1 to 3 tests first)",
                  n, (void *)last, (void *)guarded_arena);
    memset(last, 0x5A, 16);
    struct sigaction sa, old_segv, old_bus;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    unsigned char *volatile grown = NULL;
    int sig = sigsetjmp(past_the_end, 1);
    if (sig == 0)
        grown = PmObject_Realloc(last, 100);
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    ck_assert_msg(sig == 0,
                  "PmObject_Realloc(p, 100) of a 16-byte block read past the end of "
                  "the old block: p was the last block of an arena, and the copy touched the "
                  "page after it (signal %d). Copy the old block's size when growing, the new "
                  "size only when shrinking",
                  sig);
    ck_assert_msg(grown != NULL, "PmObject_Realloc(p, 100) returned NULL");
    for (int i = 0; i < 16; i++)
        ck_assert_msg(grown[i] == 0x5A, "byte %d of the grown block was not copied", i);
}
END_TEST

START_TEST(realloc_keeps_system_blocks_in_the_system_allocator)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *keep = PmObject_Malloc(8);
    void *p = PmObject_Realloc(NULL, 40);
    ck_assert_msg(p != NULL && in_arena(p), "PmObject_Realloc(NULL, 40) is PmObject_Malloc(40)");
    void *big = PmObject_Malloc(2000);
    void *small = PmObject_Realloc(big, 40);
    ck_assert_msg(small != NULL && !in_arena(small),
                  "pymalloc never takes over a block from malloc: realloc of a 2000-byte "
                  "block to 40 bytes should stay with the system allocator");
    void *zero = PmObject_Realloc(p, 0);
    ck_assert_msg(zero != NULL && !in_arena(zero),
                  "realloc of a pool block to 0 bytes moves it to the system allocator");
    PmObject_Free(small);
    PmObject_Free(zero);
    PmObject_Free(keep);
    ck_assert_msg(st.raw_allocated_blocks == 0, "raw_allocated_blocks should be back to 0, is %zd",
                  st.raw_allocated_blocks);
}
END_TEST

/* ------------------------------------------------------------ Step 7 --- */

/* A heap with used, full and empty pools over two arenas. */
static void *busy_heap(void **blocks, size_t n)
{
    for (size_t k = 0; k < n; k++)
        blocks[k] = PmObject_Malloc(16 + (k * 37) % 497);
    for (size_t k = 0; k < n; k += 3)
        PmObject_Free(blocks[k]);
    return blocks[1];
}

static void expect_broken(const char *what)
{
    char why[512] = "";
    int rc = _PmObject_CheckHeap(why, sizeof why);
    ck_assert_msg(rc == -1, "after %s, _PmObject_CheckHeap should return -1, it returned %d", what,
                  rc);
    ck_assert_msg(why[0] != '\0', "after %s the heap checker returned -1 without saying why", what);
}

START_TEST(the_heap_checker_accepts_a_healthy_heap)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[20000];
    busy_heap(blocks, 20000);
    heap_ok("building a heap of 20,000 blocks (a precondition of this test, not a finding "
            "of your heap checker)");
    char why[512] = "";
    int rc = _PmObject_CheckHeap(why, sizeof why);
    ck_assert_msg(rc == 0,
                  "on a heap of 20,000 blocks of all classes (a third freed), sound "
                  "by the grader's own checker, _PmObject_CheckHeap returned %d: %s",
                  rc, why[0] ? why : "(no reason given)");
}
END_TEST

START_TEST(the_heap_checker_finds_a_wrong_block_count)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3000];
    poolp pool = POOL_ADDR(busy_heap(blocks, 3000));
    pool->ref.count += 1;
    expect_broken("adding 1 to a pool's ref.count");
}
END_TEST

START_TEST(the_heap_checker_finds_a_corrupt_free_list)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *a = PmObject_Malloc(80), *b = PmObject_Malloc(80), *other = PmObject_Malloc(300);
    PmObject_Malloc(80);
    PmObject_Free(a);
    PmObject_Free(b);
    /* b's link should lead to a; point it into another pool instead */
    *(void **)b = other;
    expect_broken("pointing a free block's link into another pool");
}
END_TEST

START_TEST(the_heap_checker_finds_a_free_list_cycle)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *a = PmObject_Malloc(80), *b = PmObject_Malloc(80);
    PmObject_Malloc(80);
    PmObject_Free(a);
    PmObject_Free(b);
    *(void **)a = b; /* b -> a -> b -> ... */
    expect_broken("making a pool's free list a cycle");
}
END_TEST

START_TEST(the_heap_checker_finds_a_wrong_size_class)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3000];
    poolp pool = POOL_ADDR(busy_heap(blocks, 3000));
    pool->szidx = (pool->szidx + 1) % NB_SMALL_SIZE_CLASSES;
    expect_broken("changing a used pool's szidx");
}
END_TEST

START_TEST(the_heap_checker_finds_unsorted_usable_arenas)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3 * 63 * 31];
    static const unsigned frees[3] = {1, 3, 6};
    three_arenas(blocks, frees);
    /* The test needs three arenas on usable_arenas, with 1, 3 and 6 free
     * pools: a precondition the Step 5 tests check on their own. */
    heap_ok("setting up three arenas with 1, 3 and 6 free pools (a precondition of this test, "
            "not a finding of your heap checker: see the Step 5 tests)");
    unsigned n = 0;
    for (struct arena_object *ao = st.usable_arenas; ao != NULL && n < 4; ao = ao->nextarena)
        n++;
    ck_assert_msg(n == 3,
                  "this test needs three arenas on usable_arenas (with 1, 3 and 6 free "
                  "pools) to swap two of them; your allocator put %u there. That is a Step 5 "
                  "bug (see usable_arenas_is_sorted_by_free_pools), not one of your heap "
                  "checker",
                  n);
    /* swap the first two arenas of the sorted list */
    struct arena_object *a = st.usable_arenas, *b = a->nextarena, *c = b->nextarena;
    st.usable_arenas = b;
    b->prevarena = NULL;
    b->nextarena = a;
    a->prevarena = b;
    a->nextarena = c;
    if (c != NULL)
        c->prevarena = a;
    expect_broken("swapping the first two arenas of usable_arenas");
}
END_TEST

START_TEST(the_heap_checker_finds_a_stale_finger)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3 * 63 * 31];
    static const unsigned frees[3] = {2, 4, 6};
    three_arenas(blocks, frees);
    heap_ok("setting up three arenas with 2, 4 and 6 free pools (a precondition of this test, "
            "not a finding of your heap checker: see the Step 5 tests)");
    struct arena_object *middle = st.nfp2lasta[4];
    ck_assert_msg(middle != NULL && st.nfp2lasta[2] != NULL,
                  "this test needs arenas with 2 and 4 free pools on usable_arenas; your "
                  "allocator's fingers nfp2lasta[2] and nfp2lasta[4] are not both set. That is a "
                  "Step 5 bug, not one of your heap checker");
    /* The finger for 4 names the arena with 2 free pools: stale, as when an
     * arena's count changed and its finger was not moved. */
    st.nfp2lasta[4] = st.nfp2lasta[2];
    expect_broken("pointing nfp2lasta[4] at the arena with 2 free pools");
    st.nfp2lasta[4] = middle;
    st.nfp2lasta[3] = middle;
    expect_broken("setting nfp2lasta[3], though no arena has 3 free pools");
}
END_TEST

START_TEST(the_heap_checker_finds_a_wrong_arena_count)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[3000];
    busy_heap(blocks, 3000);
    st.narenas_currently_allocated += 1;
    expect_broken("adding 1 to narenas_currently_allocated");
}
END_TEST

START_TEST(the_heap_checker_finds_a_full_pool_in_usedpools)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *a = PmObject_Malloc(16);
    poolp pool = POOL_ADDR(a);
    /* claim every block is allocated while the pool stays in usedpools */
    pool->ref.count = NUMBLOCKS(0);
    pool->freeblock = NULL;
    pool->nextoffset = pool->maxnextoffset + 16;
    expect_broken("marking a pool in usedpools as full");
}
END_TEST

/* The report of CPython 3.11's sys._debugmallocstats() for this sequence,
 * as the reference prints it. */
static const char expected_stats[] =
#include "expected_stats.inc"
    ;

START_TEST(debug_malloc_stats_prints_the_reference_report)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    static void *blocks[8000];
    busy_heap(blocks, 8000);
    for (int k = 0; k < 40; k++)
        PmObject_Malloc(1000 + (size_t)k);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    _PmObject_DebugMallocStats(out);
    fclose(out);
    const char *a = expected_stats, *b = text;
    for (int line = 1;; line++) {
        size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
        if (*a == '\0' && *b == '\0')
            break;
        if (na != nb || memcmp(a, b, na) != 0)
            ck_abort_msg("line %d of the report should be '%.*s', yours is '%.*s'", line, (int)na,
                         a, (int)nb, b);
        a += na + (a[na] == '\n');
        b += nb + (b[nb] == '\n');
    }
    free(text);
}
END_TEST

START_TEST(malloc_stats_count_blocks_pools_and_arenas)
{
    install_arenas(SYSTEM_PAGE_SIZE);
    void *b[50];
    for (int i = 0; i < 50; i++)
        b[i] = PmObject_Malloc(100);
    for (int i = 0; i < 20; i++)
        PmObject_Free(b[i]);
    PmObject_Malloc(600);
    PmMallocStats s;
    memset(&s, 0xFF, sizeof s);
    _PmObject_GetMallocStats(&s);
    size_t per = NUMBLOCKS(6);
    ck_assert_msg(s.classes[6].size == 112 && s.classes[6].pools == 1 &&
                      s.classes[6].blocks_in_use == 30 && s.classes[6].free_blocks == per - 30,
                  "class 6 should show 112-byte blocks, 1 pool, 30 in use, %zu available; "
                  "got %zu, %zu, %zu, %zu",
                  per - 30, s.classes[6].size, s.classes[6].pools, s.classes[6].blocks_in_use,
                  s.classes[6].free_blocks);
    ck_assert_msg(s.classes[5].pools == 0 && s.classes[5].blocks_in_use == 0,
                  "class 5 was never used and should show no pools");
    ck_assert_msg(s.arenas_current == 1 && s.arenas_allocated_total == 1 &&
                      s.unused_pools == MAX_POOLS_IN_ARENA - 2,
                  "1 arena with %zu unused pools expected; got %zu arenas, %zu unused pools",
                  MAX_POOLS_IN_ARENA - 2, s.arenas_current, s.unused_pools);
    ck_assert_msg(s.allocated_bytes == 30 * 112 && s.arena_alignment_bytes == POOL_SIZE,
                  "allocated bytes should be 3360 and alignment loss one pool; got %zu, %zu",
                  s.allocated_bytes, s.arena_alignment_bytes);
    ck_assert_msg(s.raw_allocated_blocks == 1, "1 raw block expected, got %zd",
                  s.raw_allocated_blocks);
}
END_TEST

void register_unit_tests(PmSuite *s)
{
    PM_ADD(s, every_size_from_1_to_512_gets_its_size_class, 2, STEP1,
           "every size from 1 to 512 bytes is served from size class (n - 1) >> 4",
           "A request landed in the wrong size class: try the formula at the edges of the "
           "classes (1, 16, 17, 32, 512).",
           SECTION1);
    PM_ADD(s, zero_bytes_go_to_the_system_allocator, 1, STEP1,
           "requests of 0 bytes go to the system allocator",
           "A request of 0 bytes is not pymalloc's: what does n - 1 give when n is a size_t "
           "equal to 0?",
           SECTION1);
    PM_ADD(s, requests_over_512_bytes_go_to_the_system_allocator, 1, STEP1,
           "requests over 512 bytes go to the system allocator",
           "Above SMALL_REQUEST_THRESHOLD, PmObject_Malloc calls malloc and counts the block "
           "in raw_allocated_blocks.",
           SECTION1);

    PM_ADD(s, blocks_are_16_byte_aligned, 1, STEP2, "every block is 16-byte aligned",
           "A block was not 16-byte aligned: where in its pool does a block start, and how far "
           "apart are blocks?",
           SECTION2);
    PM_ADD(s, blocks_of_a_class_are_one_block_size_apart, 1, STEP2,
           "blocks of one class are INDEX2SIZE(class) bytes apart",
           "A block of class i is INDEX2SIZE(i) = 16 * (i + 1) bytes.", SECTION2);
    PM_ADD(s, a_new_pool_carves_blocks_lazily, 2, STEP2,
           "a new pool sets up two blocks and carves one more per allocation",
           "A new pool set up more, or fewer, than its first two blocks: blocks are carved "
           "only when the free list runs dry.",
           SECTION2);
    PM_ADD(s, a_new_pool_records_its_class_and_arena, 1, STEP2,
           "a new pool records its size class and its arena, and joins usedpools",
           "Set szidx and arenaindex in the pool header, and link the pool at the front of "
           "usedpools[2 * szidx].",
           SECTION2);
    PM_ADD(s, a_full_pool_leaves_usedpools, 2, STEP2, "a full pool leaves usedpools",
           "A pool with no block left to give was still in usedpools: when exactly is a pool "
           "full?",
           SECTION2);

    PM_ADD(s, the_first_allocation_maps_one_arena, 1, STEP3,
           "the first allocation maps one arena, in a table of 16 arena_objects",
           "new_arena grows the arenas table from 0 to INITIAL_ARENA_OBJECTS and takes "
           "ARENA_SIZE bytes from _PmObject_VirtualAlloc.",
           SECTION3);
    PM_ADD(s, an_unaligned_arena_loses_one_pool, 1, STEP3,
           "an arena not aligned to POOL_SIZE loses one pool",
           "An arena that does not start on a pool boundary holds one pool fewer than an "
           "aligned one.",
           SECTION3);
    PM_ADD(s, an_aligned_arena_has_every_pool, 1, STEP3,
           "an arena aligned to POOL_SIZE has all its pools",
           "Only an unaligned arena loses a pool.", SECTION3);
    PM_ADD(s, a_new_arena_when_every_pool_is_used, 1, STEP3,
           "a new arena is mapped only when every pool of the others is in use",
           "An arena with no free pool leaves usable_arenas; only when that list is empty "
           "does allocate_from_new_pool call new_arena.",
           SECTION3);
    PM_ADD(s, the_arena_table_grows_from_16_to_32, 1, STEP3,
           "the table of arena_objects doubles from 16 to 32 entries",
           "The arena table must grow when every entry is in use, and the new entries must be "
           "ready for new_arena.",
           SECTION3);
    PM_ADD(s, the_arena_table_doubles_again_from_32_to_64, 1, STEP3,
           "the table of arena_objects doubles again, from 32 to 64 entries",
           "The second time the table of arena_objects grew, it did not double: how much "
           "copying does filling n arenas cost then?",
           SECTION3);
    PM_ADD(s, an_emptied_pool_goes_to_its_arena_freepools, 2, STEP4,
           "a pool whose last block is freed goes to its arena's freepools",
           "A pool whose last block was freed belongs to no size class any more: where does it "
           "wait?",
           SECTION4);
    PM_ADD(s, an_empty_pool_serves_another_size_class, 2, STEP4,
           "an empty pool is reused for any size class",
           "A pool taken from freepools is initialised for the class asked for, unless it "
           "already had that class.",
           SECTION4);
    PM_ADD(s, free_of_a_pointer_not_ours_goes_to_the_system_allocator, 1, STEP4,
           "PmObject_Free of a block from malloc goes to free()",
           "address_in_range(p, POOL_ADDR(p)) must say no for memory outside every arena; "
           "then call free().",
           SECTION4);
    PM_ADD(s, a_freed_block_is_reused_first, 2, STEP4,
           "a freed block is reused before virgin blocks, last freed first",
           "The block freed last was not the next one handed out: a pool's free list is a "
           "stack.",
           SECTION4);
    PM_ADD(s, the_free_list_runs_through_the_freed_blocks, 1, STEP4,
           "the free list is chained through the first word of each freed block",
           "The free list costs no memory: where does a freed block keep the link to the next "
           "one?",
           SECTION4);
    PM_ADD(s, a_full_pool_comes_back_on_the_first_free, 2, STEP4,
           "freeing a block of a full pool links it back into usedpools",
           "A full pool got a block back, but the next allocation of its class did not find "
           "it.",
           SECTION4);
    PM_ADD(s, calloc_zeroes_a_reused_block, 1, STEP4,
           "calloc zeroes the block, also a reused one, and refuses overflow",
           "calloc returned a block with old data in it, or did not notice that nelem * elsize "
           "overflows.",
           SECTION4);
    PM_ADD(s, freeing_system_blocks_counts_them_out, 1, STEP4,
           "PmObject_Free gives blocks of 0 and over 512 bytes back to free() and counts them "
           "out of raw_allocated_blocks",
           "A block from the system allocator was freed but raw_allocated_blocks did not go "
           "down: PmObject_Free tells it apart with address_in_range.",
           SECTION4);

    PM_ADD(s, an_empty_arena_goes_back_to_the_os, 2, STEP5,
           "an arena whose pools are all free goes back to the OS",
           "An arena whose pools are all free must go back to the system, unless it is the "
           "last one.",
           SECTION5);
    PM_ADD(s, the_last_empty_arena_is_kept, 2, STEP5, "the last wholly free arena is kept",
           "CPython keeps one empty arena (bpo-37257) so that a loop allocating and freeing "
           "does not map and unmap an arena each time.",
           SECTION5);
    PM_ADD(s, a_returned_arena_object_is_reused, 1, STEP5,
           "a returned arena's arena_object goes to unused_arena_objects and is reused",
           "The entry of an arena given back must be reusable by the next new_arena.", SECTION5);
    PM_ADD(s, usable_arenas_is_sorted_by_free_pools, 2, STEP5,
           "usable_arenas stays sorted by nfreepools, fewest first",
           "usable_arenas lost its order after a free: an arena that gained a free pool may "
           "have to move.",
           SECTION5);
    PM_ADD(s, new_pools_come_from_the_fullest_arena, 1, STEP5,
           "new pools come from the usable arena with the fewest free pools",
           "allocate_from_new_pool takes its pool from usable_arenas, the head of the "
           "sorted list.",
           SECTION5);

    PM_ADD(s, realloc_shrinking_by_less_than_a_quarter_keeps_the_block, 1, STEP6,
           "realloc keeps the block when shrinking would save less than 25%",
           "A shrink that saves less than a quarter of the block should keep it in place.",
           SECTION6);
    PM_ADD(s, realloc_shrinking_by_a_quarter_or_more_moves, 1, STEP6,
           "realloc moves the data when shrinking saves 25% or more",
           "A shrink that saves a quarter of the block or more should move it to a smaller "
           "class.",
           SECTION6);
    PM_ADD(s, realloc_growing_preserves_the_contents, 2, STEP6,
           "realloc preserves the contents, across classes and past 512 bytes",
           "Growing a block lost its contents, or read past its end: how many bytes are there "
           "to copy?",
           SECTION6);
    PM_ADD(s, realloc_copies_only_the_old_block_when_growing, 1, STEP6,
           "realloc copies only the old block's bytes when it grows",
           "Growing a block touched memory past its end: how many bytes of the old block are "
           "yours to copy?",
           SECTION6);
    PM_ADD(s, realloc_keeps_system_blocks_in_the_system_allocator, 1, STEP6,
           "realloc of a block from malloc stays with malloc",
           "pymalloc_realloc only handles blocks in arenas; any other block goes to "
           "realloc(), even when the new size is small.",
           SECTION6);

    PM_ADD(s, the_heap_checker_accepts_a_healthy_heap, 1, STEP7,
           "the heap checker accepts a healthy heap",
           "_PmObject_CheckHeap returns 0 when every invariant holds.", SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_wrong_block_count, 1, STEP7,
           "the heap checker finds a pool whose count is wrong",
           "Count the pool's allocated blocks (carved minus free) and compare with "
           "ref.count.",
           SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_corrupt_free_list, 1, STEP7,
           "the heap checker finds a free list leading out of its pool",
           "Every block on a pool's free list must be a carved block of that pool.", SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_free_list_cycle, 1, STEP7,
           "the heap checker finds a cycle in a free list (and terminates)",
           "Your heap checker looped, or passed, on a free list that runs in a circle.", SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_wrong_size_class, 1, STEP7,
           "the heap checker finds a pool in the wrong usedpools list",
           "A pool in usedpools[2 * i] must have szidx i.", SECTION7);
    PM_ADD(s, the_heap_checker_finds_unsorted_usable_arenas, 1, STEP7,
           "the heap checker finds usable_arenas out of order",
           "Walk usable_arenas and check nfreepools never decreases.", SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_stale_finger, 1, STEP7,
           "the heap checker finds a wrong search finger (nfp2lasta)",
           "A finger (nfp2lasta) named the wrong arena and your checker said nothing: the "
           "fingers are part of the heap too.",
           SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_wrong_arena_count, 1, STEP7,
           "the heap checker finds a wrong arena counter",
           "Count the arenas with an address and compare with narenas_currently_allocated.",
           SECTION7);
    PM_ADD(s, the_heap_checker_finds_a_full_pool_in_usedpools, 1, STEP7,
           "the heap checker finds a full pool left in usedpools",
           "Only pools with a free or virgin block belong in usedpools.", SECTION7);
    PM_ADD(s, debug_malloc_stats_prints_the_reference_report, 2, STEP7,
           "_PmObject_DebugMallocStats prints sys._debugmallocstats()'s report",
           "Same lines, same format as CPython 3.11's _PyObject_DebugMallocStats; the message "
           "shows the first line that differs.",
           SECTION7);
    PM_ADD(s, malloc_stats_count_blocks_pools_and_arenas, 1, STEP7,
           "_PmObject_GetMallocStats counts blocks, pools and arenas",
           "Walk every arena's carved pools; a pool with szidx DUMMY_SIZE_IDX or 0 blocks is "
           "unused.",
           SECTION7);
}
