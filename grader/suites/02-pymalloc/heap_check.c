/* heap_check.c - the grader's own heap checker for chapter 2: every
 * invariant of the allocator's state (the pools of every arena, their free
 * lists, freepools, nfreepools, usable_arenas and its fingers, usedpools,
 * the arena counters, the arena map).  The tests of Steps 1 to 6 and the
 * trace replays check your heap with it, so they need nothing of Step 7;
 * Step 7's tests grade your own _PmObject_CheckHeap.
 *
 * It checks what Step 7 asks you to check, so a handout has it only
 * compiled (HANDOUT_AS_OBJECT in chapter.conf).  Graded code cannot call
 * it: the grader refuses a learner's file that names the suite's functions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "pymalloc_suite.h"

#define HC_ST _PmObmalloc_state

__attribute__((format(printf, 3, 4))) static int hc_broken(char *why, size_t whylen,
                                                           const char *fmt, ...)
{
    if (why != NULL && whylen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static uintptr_t hc_first_pool(const struct arena_object *ao)
{
    uintptr_t base = ao->address;
    if (base & POOL_SIZE_MASK)
        base = (base & ~(uintptr_t)POOL_SIZE_MASK) + POOL_SIZE;
    return base;
}

/* A pool with blocks allocated: header fields, and a free list on block
 * boundaries of the carved part, as long as the carved blocks not in use. */
static int hc_check_pool(poolp p, pymem_uint ai, char *why, size_t whylen)
{
    pymem_uint sz = p->szidx;
    if (sz >= NB_SMALL_SIZE_CLASSES)
        return hc_broken(why, whylen, "pool %p in arena %u has size class %u, not below %d",
                         (void *)p, ai, sz, NB_SMALL_SIZE_CLASSES);
    pymem_uint size = INDEX2SIZE(sz), cap = NUMBLOCKS(sz);
    if (p->ref.count > cap)
        return hc_broken(why, whylen, "pool %p (size class %u) counts %u blocks but holds only %u",
                         (void *)p, sz, p->ref.count, cap);
    if (p->maxnextoffset != POOL_SIZE - size)
        return hc_broken(why, whylen, "pool %p (size class %u) has maxnextoffset %u, not %zu",
                         (void *)p, sz, p->maxnextoffset, (size_t)(POOL_SIZE - size));
    if (p->nextoffset < POOL_OVERHEAD + size || (p->nextoffset - POOL_OVERHEAD) % size != 0 ||
        p->nextoffset > p->maxnextoffset + size)
        return hc_broken(why, whylen,
                         "pool %p (size class %u) has nextoffset %u, not on a block "
                         "boundary inside the pool",
                         (void *)p, sz, p->nextoffset);
    pymem_uint carved = (pymem_uint)((p->nextoffset - POOL_OVERHEAD) / size);
    if (p->ref.count > carved)
        return hc_broken(why, whylen, "pool %p (size class %u) counts %u blocks but carved only %u",
                         (void *)p, sz, p->ref.count, carved);
    pymem_uint expected = carved - p->ref.count, n = 0;
    for (pymem_block *b = p->freeblock; b != NULL; b = *(pymem_block **)b) {
        size_t off = (size_t)(b - (pymem_block *)p);
        if ((uintptr_t)b - (uintptr_t)p >= POOL_SIZE || off < POOL_OVERHEAD ||
            (off - POOL_OVERHEAD) % size != 0 || off >= p->nextoffset)
            return hc_broken(why, whylen,
                             "pool %p (size class %u) has free block %p, not a "
                             "carved block of the pool",
                             (void *)p, sz, (void *)b);
        if (++n > expected)
            break;
    }
    if (n != expected)
        return hc_broken(why, whylen,
                         "pool %p (size class %u) has %s%u blocks on its free list, "
                         "expected %u (carved %u - allocated %u)",
                         (void *)p, sz, n > expected ? "more than " : "",
                         n > expected ? expected : n, expected, carved, p->ref.count);
    if ((p->freeblock == NULL) != (p->ref.count == cap))
        return hc_broken(why, whylen,
                         "pool %p (size class %u) has %u of %u blocks allocated but "
                         "%s free list",
                         (void *)p, sz, p->ref.count, cap,
                         p->freeblock == NULL ? "an empty" : "a non-empty");
    return 0;
}

/* One arena: its pools, freepools and nfreepools; adds its used pools
 * (0 < count < capacity) to used[class]. */
static int hc_check_arena(pymem_uint ai, size_t used[], char *why, size_t whylen)
{
    const struct arena_object *ao = &HC_ST.arenas[ai];
    uintptr_t base = hc_first_pool(ao);
    pymem_uint expect_total = base == ao->address ? MAX_POOLS_IN_ARENA : MAX_POOLS_IN_ARENA - 1;
    if (ao->ntotalpools != expect_total)
        return hc_broken(why, whylen, "arena %u at %p has ntotalpools %u, expected %u", ai,
                         (void *)ao->address, ao->ntotalpools, expect_total);
    uintptr_t end = base + (uintptr_t)ao->ntotalpools * POOL_SIZE;
    uintptr_t pa = (uintptr_t)ao->pool_address;
    if (pa < base || pa > end || (pa & POOL_SIZE_MASK))
        return hc_broken(why, whylen, "arena %u has pool_address %p outside its pools", ai,
                         (void *)ao->pool_address);
    pymem_uint empty = 0;
    for (uintptr_t b = base; b < pa; b += POOL_SIZE) {
        poolp p = (poolp)b;
        if (p->arenaindex != ai)
            return hc_broken(why, whylen, "pool %p in arena %u says arenaindex %u", (void *)p, ai,
                             p->arenaindex);
        if (p->ref.count == 0) {
            empty++;
            continue;
        }
        if (hc_check_pool(p, ai, why, whylen) < 0)
            return -1;
        if (p->ref.count < NUMBLOCKS(p->szidx))
            used[p->szidx]++;
    }
    pymem_uint listed = 0;
    for (poolp p = ao->freepools; p != NULL; p = p->nextpool) {
        if ((uintptr_t)p < base || (uintptr_t)p >= pa || ((uintptr_t)p & POOL_SIZE_MASK))
            return hc_broken(why, whylen,
                             "arena %u has %p on its freepools, not one of its "
                             "carved pools",
                             ai, (void *)p);
        if (p->ref.count != 0)
            return hc_broken(why, whylen,
                             "pool %p on the freepools of arena %u has %u blocks "
                             "allocated",
                             (void *)p, ai, p->ref.count);
        if (++listed > empty)
            break;
    }
    if (listed != empty)
        return hc_broken(why, whylen, "arena %u has %u empty pools but %s%u on its freepools", ai,
                         empty, listed > empty ? "more than " : "",
                         listed > empty ? empty : listed);
    pymem_uint virgin = (pymem_uint)((end - pa) / POOL_SIZE);
    if (ao->nfreepools != empty + virgin)
        return hc_broken(why, whylen,
                         "arena %u has nfreepools %u, expected %u (%u empty + %u "
                         "never used)",
                         ai, ao->nfreepools, empty + virgin, empty, virgin);
    return 0;
}

/* usable_arenas: exactly the arenas with a free pool, sorted by nfreepools,
 * doubly linked; nfp2lasta[n] is the last of them with n free pools. */
static int hc_check_usable_arenas(size_t with_free, char *why, size_t whylen)
{
    struct arena_object *last[MAX_POOLS_IN_ARENA + 1] = {NULL};
    size_t n = 0;
    struct arena_object *prev = NULL;
    for (struct arena_object *ao = HC_ST.usable_arenas; ao != NULL; prev = ao, ao = ao->nextarena) {
        pymem_uint ai = (pymem_uint)(ao - HC_ST.arenas);
        if (++n > with_free)
            return hc_broken(why, whylen,
                             "usable_arenas has more than the %zu arenas that have "
                             "a free pool",
                             with_free);
        if (ao->address == 0 || ao->nfreepools == 0 || ao->nfreepools > MAX_POOLS_IN_ARENA)
            return hc_broken(why, whylen, "arena %u is on usable_arenas with %s", ai,
                             ao->address == 0 ? "no memory" : "no free pool");
        if (ao->prevarena != prev)
            return hc_broken(why, whylen, "arena %u on usable_arenas has a wrong prevarena", ai);
        if (prev != NULL && prev->nfreepools > ao->nfreepools)
            return hc_broken(why, whylen,
                             "usable_arenas is not sorted: arena %u (%u free pools) "
                             "comes after arena %u (%u)",
                             ai, ao->nfreepools, (pymem_uint)(prev - HC_ST.arenas),
                             prev->nfreepools);
        last[ao->nfreepools] = ao;
    }
    if (n != with_free)
        return hc_broken(why, whylen, "usable_arenas has %zu arenas but %zu have a free pool", n,
                         with_free);
    for (pymem_uint k = 0; k <= MAX_POOLS_IN_ARENA; ++k)
        if (HC_ST.nfp2lasta[k] != last[k])
            return hc_broken(why, whylen, "nfp2lasta[%u] is %s, expected %s", k,
                             HC_ST.nfp2lasta[k] ? "an arena" : "NULL",
                             last[k] ? "the last arena on usable_arenas with that many free "
                                       "pools"
                                     : "NULL");
    return 0;
}

/* The allocated arenas' addresses, sorted, for hc_in_an_arena. */
static uintptr_t *hc_bases;
static size_t hc_nbases;

static int hc_cmp_address(const void *x, const void *y)
{
    uintptr_t a = *(const uintptr_t *)x, b = *(const uintptr_t *)y;
    return a < b ? -1 : a > b;
}

/* Is p inside an allocated arena?  (By the table, not by your arena map.) */
static int hc_in_an_arena(const void *p)
{
    size_t lo = 0, hi = hc_nbases;
    while (lo < hi) { /* the first base above p */
        size_t mid = lo + (hi - lo) / 2;
        if (hc_bases[mid] <= (uintptr_t)p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && (uintptr_t)p - hc_bases[lo - 1] < ARENA_SIZE;
}

/* usedpools[2*i]: a circular doubly linked list of exactly the used pools
 * of class i. */
static int hc_check_usedpools(const size_t used[], char *why, size_t whylen)
{
    for (pymem_uint i = 0; i < NB_SMALL_SIZE_CLASSES; ++i) {
        poolp head = (poolp)((uint8_t *)&HC_ST.usedpools[2 * i] - 2 * sizeof(pymem_block *));
        if (HC_ST.usedpools[i + i + 1] != head->prevpool)
            return hc_broken(why, whylen, "usedpools[%u] is corrupt", i + i + 1);
        size_t n = 0;
        for (poolp p = head->nextpool, prev = head; p != head; prev = p, p = p->nextpool) {
            if (++n > used[i])
                return hc_broken(why, whylen,
                                 "usedpools[%u] (size class %u) links more than the "
                                 "%zu used pools of the class",
                                 i + i, i, used[i]);
            if (!hc_in_an_arena(p))
                return hc_broken(why, whylen, "usedpools[%u] links %p, outside every arena", i + i,
                                 (void *)p);
            if (p->szidx != i || p->ref.count == 0 || p->ref.count >= NUMBLOCKS(i))
                return hc_broken(why, whylen,
                                 "pool %p (size class %u, %u blocks allocated) is "
                                 "linked in usedpools[%u]",
                                 (void *)p, p->szidx, p->ref.count, i + i);
            if (p->prevpool != prev)
                return hc_broken(why, whylen, "pool %p in usedpools[%u] has a wrong prevpool",
                                 (void *)p, i + i);
        }
        if (n != used[i])
            return hc_broken(why, whylen,
                             "usedpools[%u] (size class %u) links %zu pools but the "
                             "class has %zu used pools",
                             i + i, i, n, used[i]);
    }
    return 0;
}

#if WITH_PYMALLOC_RADIX_TREE
/* Does the arena map say p is in an arena? */
static int hc_map_says_used(uintptr_t p)
{
    arena_map_mid_t *mid = HC_ST.arena_map_root.ptrs[MAP_TOP_INDEX(p)];
    if (mid == NULL)
        return 0;
    arena_map_bot_t *bot = mid->ptrs[MAP_MID_INDEX(p)];
    if (bot == NULL)
        return 0;
    int32_t hi = bot->arenas[MAP_BOT_INDEX(p)].tail_hi, lo = bot->arenas[MAP_BOT_INDEX(p)].tail_lo;
    int32_t tail = (int32_t)(p & ARENA_SIZE_MASK);
    return tail < lo || (tail >= hi && hi != 0);
}
#endif

int pm_grader_check_heap(char *why, size_t whylen)
{
    size_t used[NB_SMALL_SIZE_CLASSES] = {0};
    size_t allocated = 0, with_free = 0;
    if (HC_ST.maxarenas > 0 && HC_ST.arenas == NULL)
        return hc_broken(why, whylen, "maxarenas is %u but there is no table of arenas",
                         HC_ST.maxarenas);
    for (pymem_uint i = 0; i < HC_ST.maxarenas; ++i) {
        if (HC_ST.arenas[i].address == 0)
            continue;
        allocated++;
        if (HC_ST.arenas[i].nfreepools > 0)
            with_free++;
        if (hc_check_arena(i, used, why, whylen) < 0)
            return -1;
#if WITH_PYMALLOC_RADIX_TREE
        uintptr_t a = HC_ST.arenas[i].address;
        if (!hc_map_says_used(a) || !hc_map_says_used(a + ARENA_SIZE - 1))
            return hc_broken(why, whylen, "the arena map does not cover arena %u at %p", i,
                             (void *)a);
#endif
    }
    if (allocated != HC_ST.narenas_currently_allocated)
        return hc_broken(why, whylen,
                         "%zu arenas are allocated but narenas_currently_allocated "
                         "is %zu",
                         allocated, HC_ST.narenas_currently_allocated);
    if (HC_ST.narenas_highwater < allocated ||
        HC_ST.ntimes_arena_allocated < HC_ST.narenas_highwater)
        return hc_broken(why, whylen,
                         "the arena counters disagree: %zu allocated total, "
                         "highwater %zu, %zu current",
                         HC_ST.ntimes_arena_allocated, HC_ST.narenas_highwater, allocated);
    size_t unused = 0;
    for (struct arena_object *ao = HC_ST.unused_arena_objects; ao != NULL; ao = ao->nextarena) {
        if (ao->address != 0)
            return hc_broken(why, whylen, "arena %u is on unused_arena_objects but has memory",
                             (pymem_uint)(ao - HC_ST.arenas));
        if (++unused > HC_ST.maxarenas - allocated)
            break;
    }
    if (unused != HC_ST.maxarenas - allocated)
        return hc_broken(why, whylen, "unused_arena_objects has %zu entries, expected %zu", unused,
                         HC_ST.maxarenas - allocated);
    if (hc_check_usable_arenas(with_free, why, whylen) < 0)
        return -1;
    free(hc_bases);
    hc_bases = malloc((allocated + 1) * sizeof *hc_bases);
    if (hc_bases == NULL)
        return hc_broken(why, whylen, "the grader's heap checker ran out of memory");
    hc_nbases = 0;
    for (pymem_uint i = 0; i < HC_ST.maxarenas; ++i)
        if (HC_ST.arenas[i].address != 0)
            hc_bases[hc_nbases++] = HC_ST.arenas[i].address;
    qsort(hc_bases, hc_nbases, sizeof *hc_bases, hc_cmp_address);
    if (hc_check_usedpools(used, why, whylen) < 0)
        return -1;
    if (HC_ST.raw_allocated_blocks < 0)
        return hc_broken(why, whylen,
                         "raw_allocated_blocks is %zd: more malloc'd blocks were "
                         "freed than allocated",
                         HC_ST.raw_allocated_blocks);
    return 0;
}
