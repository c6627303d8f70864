/* obmalloc.c - chapter 2, your layer: pymalloc, CPython's small-object
 * allocator.  Requests of 1..512 bytes get a block from a pool of their
 * size class; pools are cut from 1 MiB arenas; the rest goes to malloc.
 *
 * This is the only file you edit.  The runtime allocates every object with
 * PmObject_Malloc, so a program (make run) runs only once Steps 1-3 are
 * written; the graded tests of each step give your allocator what later
 * steps would make (a pool per class for Step 1, an arena for Step 2), so
 * `make grade CH=02` shows each step's tests turn green as you write it.
 * Until you write a function, it stops the test that reached it and names
 * the step of chapters/02-pymalloc.md to read.  Given, because writing them teaches
 * little: the state and its usedpools initialiser, the system allocator
 * wrappers, the radix tree (arena_map_*), address_in_range, and the two
 * formatting helpers of Step 7 (printone, broken).  Static functions are
 * marked unused only so that the file compiles cleanly before it calls
 * them all.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pm_obmalloc.h"
#include "pm_refcount.h" /* _Pm_Unimplemented */

/* obmalloc.c's own spellings of the header's types. */
typedef pymem_block block;
#undef uint
#define uint pymem_uint

#if defined(__GNUC__) && defined(__OPTIMIZE__)
#define LIKELY(value) __builtin_expect((value), 1)
#define UNLIKELY(value) __builtin_expect((value), 0)
#else
#define LIKELY(value) (value)
#define UNLIKELY(value) (value)
#endif

/* ---- The state ------------------------------------------------------------
 * The state is _PmObmalloc_state; obmalloc.c's names for its fields are
 * macros over it, defined before first use. */
#define usedpools (_PmObmalloc_state.usedpools)

/* The usedpools trick (CPython's PTA).  Each size class needs the head of a
 * circular doubly linked list of used pools.  A whole pool_header as the
 * head would waste cache lines: the allocator only ever touches a head's
 * nextpool and prevpool.  So usedpools stores, for class i, two pointers at
 * usedpools[2*i] and [2*i+1], and PTA(i) is the address that a pool_header
 * would have if its nextpool field were usedpools[2*i]: the address of that
 * slot minus the two words (ref, freeblock) in front of nextpool.  An empty
 * list is a head pointing at itself, so both slots start out as PTA(i), and
 * "class i has a used pool" is usedpools[2*i] != usedpools[2*i]->nextpool.
 * Only nextpool and prevpool of such a fake header may ever be read. */
#define PTA(x) ((poolp)((uint8_t *)&usedpools[2 * (x)] - 2 * sizeof(block *)))
#define PT(x) PTA(x), PTA(x)
#define PT_8(x) PT(x), PT(x + 1), PT(x + 2), PT(x + 3), PT(x + 4), PT(x + 5), PT(x + 6), PT(x + 7)

PmObmallocState _PmObmalloc_state = {
    {PT_8(0), PT_8(8), PT_8(16), PT_8(24)}, /* usedpools, the first field */
    .arenas = NULL, /* the rest starts empty */
};

_Static_assert(NB_SMALL_SIZE_CLASSES == 32, "the usedpools initialiser lists 32 classes");

/* The state under obmalloc.c's names.  `arenas` is also the name of a
 * leaf's array in the radix tree, so the tree's code comes before that
 * name is defined. */
#define arena_map_root (_PmObmalloc_state.arena_map_root)
#define arena_map_mid_count (_PmObmalloc_state.arena_map_mid_count)
#define arena_map_bot_count (_PmObmalloc_state.arena_map_bot_count)

/* ---- The system allocator (CPython's PyMem_RawMalloc and friends) -------
 * A request for 0 bytes asks for 1, so that NULL always means failure. */
__attribute__((unused)) static inline void *raw_malloc(size_t size)
{
    return malloc(size ? size : 1);
}
__attribute__((unused)) static inline void *raw_calloc(size_t nelem, size_t elsize)
{
    if (nelem == 0 || elsize == 0)
        nelem = elsize = 1;
    return calloc(nelem, elsize);
}
__attribute__((unused)) static inline void *raw_realloc(void *ptr, size_t size)
{
    return realloc(ptr, size ? size : 1);
}

/* ---- The radix tree (3.10+) ----------------------------------------------- */
#if WITH_PYMALLOC_RADIX_TREE

/* The leaf covering p, or NULL.  With create, missing nodes are allocated
 * (zeroed: nothing in them is an arena yet); NULL then means no memory. */
__attribute__((unused)) static inline arena_map_bot_t *arena_map_get(const block *p, int create)
{
    int i1 = MAP_TOP_INDEX(p);
    if (arena_map_root.ptrs[i1] == NULL) {
        if (!create)
            return NULL;
        arena_map_mid_t *n = raw_calloc(1, sizeof(arena_map_mid_t));
        if (n == NULL)
            return NULL;
        arena_map_root.ptrs[i1] = n;
        arena_map_mid_count++;
    }
    int i2 = MAP_MID_INDEX(p);
    if (arena_map_root.ptrs[i1]->ptrs[i2] == NULL) {
        if (!create)
            return NULL;
        arena_map_bot_t *n = raw_calloc(1, sizeof(arena_map_bot_t));
        if (n == NULL)
            return NULL;
        arena_map_root.ptrs[i1]->ptrs[i2] = n;
        arena_map_bot_count++;
    }
    return arena_map_root.ptrs[i1]->ptrs[i2];
}

/* Mark (is_used = 1) or unmark the addresses of the arena at arena_base.
 * An arena aligned to ARENA_SIZE fills one slot (tail_hi = -1); any other
 * starts in one slot (tail_hi = its offset there) and ends in the next
 * (tail_lo = the same offset).  Returns 0 if a node could not be allocated;
 * nothing is marked then.  Unmarking never fails: the nodes exist. */
__attribute__((unused)) static inline int arena_map_mark_used(uintptr_t arena_base, int is_used)
{
    arena_map_bot_t *n_hi = arena_map_get((block *)arena_base, is_used);
    if (n_hi == NULL)
        return 0;
    int i3 = MAP_BOT_INDEX(arena_base);
    int32_t tail = (int32_t)(arena_base & ARENA_SIZE_MASK);
    if (tail == 0) {
        n_hi->arenas[i3].tail_hi = is_used ? -1 : 0;
        return 1;
    }
    n_hi->arenas[i3].tail_hi = is_used ? tail : 0;
    uintptr_t arena_base_next = arena_base + ARENA_SIZE;
    arena_map_bot_t *n_lo = arena_map_get((block *)arena_base_next, is_used);
    if (n_lo == NULL) {
        n_hi->arenas[i3].tail_hi = 0;
        return 0;
    }
    n_lo->arenas[MAP_BOT_INDEX(arena_base_next)].tail_lo = is_used ? tail : 0;
    return 1;
}

/* Is p inside an arena?  Offsets below tail_lo belong to the arena that
 * started in the previous slot, offsets from tail_hi on to the one that
 * starts in this slot (tail_hi == 0: none does). */
__attribute__((unused)) static inline int arena_map_is_used(const block *p)
{
    arena_map_bot_t *n = arena_map_get(p, 0);
    if (n == NULL)
        return 0;
    int i3 = MAP_BOT_INDEX(p);
    int32_t hi = n->arenas[i3].tail_hi;
    int32_t lo = n->arenas[i3].tail_lo;
    int32_t tail = (int32_t)((uintptr_t)p & ARENA_SIZE_MASK);
    return (tail < lo) || (tail >= hi && hi != 0);
}

/* The coverage entry of slot i of leaf n (for the heap checker). */
__attribute__((unused)) static inline const arena_coverage_t *
arena_map_slot(const arena_map_bot_t *n, uintptr_t i)
{
    return &n->arenas[i];
}

#endif /* WITH_PYMALLOC_RADIX_TREE */

#define arenas (_PmObmalloc_state.arenas)
#define maxarenas (_PmObmalloc_state.maxarenas)
#define unused_arena_objects (_PmObmalloc_state.unused_arena_objects)
#define usable_arenas (_PmObmalloc_state.usable_arenas)
#define nfp2lasta (_PmObmalloc_state.nfp2lasta)
#define narenas_currently_allocated (_PmObmalloc_state.narenas_currently_allocated)
#define ntimes_arena_allocated (_PmObmalloc_state.ntimes_arena_allocated)
#define narenas_highwater (_PmObmalloc_state.narenas_highwater)

#if WITH_PYMALLOC_RADIX_TREE
/* Did pymalloc hand out p?  The pool is not needed with the tree. */
__attribute__((unused)) static inline bool address_in_range(const void *p, poolp pool)
{
    (void)pool;
    return arena_map_is_used(p);
}

#else /* !WITH_PYMALLOC_RADIX_TREE */

/* Did pymalloc hand out p?  Before 3.10: read the arena index from the
 * header of p's would-be pool, and check that p lies in that arena.  For a
 * block from malloc the "header" is whatever lies at the start of p's
 * page: readable, because pools are one page and p is in it, but garbage;
 * an index past maxarenas, or an arena elsewhere, or an arena_object with
 * no arena (address 0), says "not ours".  Reading memory we do not own is
 * deliberate, hence the sanitizer exemption; read the index only once. */
__attribute__((unused, no_sanitize_address)) static inline bool address_in_range(const void *p,
                                                                                 poolp pool)
{
    uint arenaindex = *((volatile uint *)&pool->arenaindex);
    return arenaindex < maxarenas && (uintptr_t)p - arenas[arenaindex].address < ARENA_SIZE &&
           arenas[arenaindex].address != 0;
}

#endif /* WITH_PYMALLOC_RADIX_TREE */

/* ---- Step 3: Arenas (CPython: new_arena) ------------------------------- */

/* Return a new arena's arena_object, or NULL when out of memory.
 *
 * 1. If unused_arena_objects is empty, grow the table `arenas` with
 *    raw_realloc: INITIAL_ARENA_OBJECTS entries the first time, then twice
 *    as many.  Mark the new entries unassociated (address 0) and chain them
 *    into unused_arena_objects through nextarena.  Why is it safe to move
 *    the table?  It only grows when every arena is full, so nothing points
 *    into it then (usable_arenas is NULL).
 * 2. Pop an entry; get ARENA_SIZE bytes from _PmObject_VirtualAlloc, and
 *    mark them in the radix tree (arena_map_mark_used; with
 *    Pm_PYMALLOC_OLD_GEOMETRY there is no tree).  On failure, push the
 *    entry back and return NULL.
 * 3. Count it: narenas_currently_allocated, ntimes_arena_allocated,
 *    narenas_highwater.
 * 4. Set freepools = NULL, pool_address = the first POOL_SIZE-aligned
 *    address in the arena, nfreepools = ntotalpools = MAX_POOLS_IN_ARENA,
 *    minus one if the arena is not pool-aligned (that pool is lost).
 * The caller links the arena into usable_arenas. */
__attribute__((unused)) static inline struct arena_object *new_arena(void)
{
    /* TODO: chapters/02-pymalloc.md, Step 3 */
    _Pm_Unimplemented("new_arena", "chapters/02-pymalloc.md, Step 3");
}

/* ---- Steps 1-2: Allocation (CPython: pymalloc_alloc) ------------------- */

/* The pool's free list just ran dry (Step 2).  If a virgin block is left
 * (nextoffset <= maxnextoffset), put just that one on the free list and
 * advance nextoffset by the block size: memory is touched only when
 * needed.  Otherwise the pool is full: unlink it from its usedpools list
 * (a full pool is on no list). */
__attribute__((unused)) static inline void pymalloc_pool_extend(poolp pool, uint size)
{
    /* TODO: chapters/02-pymalloc.md, Step 2 */
    (void)pool;
    (void)size;
    _Pm_Unimplemented("pymalloc_pool_extend", "chapters/02-pymalloc.md, Step 2");
}

/* Size class `size` has no used pool: take an empty pool, link it into
 * usedpools[size + size] and return its first block; NULL when out of
 * memory.
 *
 * 1. When usable_arenas is NULL, get an arena from new_arena() (Step 3;
 *    NULL means out of memory), make it the only member of usable_arenas
 *    and set nfp2lasta[its nfreepools] to it.  The tests of this step give
 *    your allocator an arena, so new_arena is not called before Step 3.
 * 2. The pool comes from usable_arenas, the first arena with a free pool.
 *    Keep nfp2lasta right as its nfreepools drops: the first arena has the
 *    fewest free pools, so taking one keeps the list sorted; but
 *    nfp2lasta[n] may have named it, and it now belongs at
 *    nfp2lasta[n - 1].  Take its freepools list's head if not empty, else
 *    carve the pool at pool_address (set arenaindex, szidx =
 *    DUMMY_SIZE_IDX, advance pool_address).  Decrement nfreepools; an
 *    arena left with none leaves usable_arenas.
 * 3. Link the pool as the only member of the class's list and set
 *    ref.count = 1.  If szidx is already `size`, its free list is ready:
 *    pop a block.  Otherwise set the header up: szidx, the first block at
 *    POOL_OVERHEAD, the second as the only free block, nextoffset after
 *    it, maxnextoffset = POOL_SIZE - block size. */
__attribute__((unused)) static inline void *allocate_from_new_pool(uint size)
{
    /* TODO: chapters/02-pymalloc.md, Step 2 */
    (void)size;
    _Pm_Unimplemented("allocate_from_new_pool", "chapters/02-pymalloc.md, Step 2");
}

/* A block for nbytes, or NULL if pymalloc does not serve the request.
 *
 * Requests of 0 bytes or more than SMALL_REQUEST_THRESHOLD are not
 * pymalloc's: return NULL.  Otherwise the size class is
 * (nbytes - 1) >> ALIGNMENT_SHIFT.  Pitfall: nbytes is a size_t, so for 0
 * the subtraction wraps around to SIZE_MAX and the "class" is far past
 * the table: reject 0 before computing it (CPython tests nbytes == 0, then
 * nbytes > SMALL_REQUEST_THRESHOLD).
 * Then pool = usedpools[size + size].  If pool != pool->nextpool, the
 * class has a used pool: count the block, pop the head of its free list,
 * and call pymalloc_pool_extend (Step 2) if that emptied the list.
 * Otherwise allocate_from_new_pool(size) (Step 2).  This is the hot path:
 * keep it short.  The tests of Step 1 give every class a used pool with
 * blocks to spare, so neither Step 2 function is called before Step 2. */
__attribute__((unused)) static inline void *pymalloc_alloc(size_t nbytes)
{
    /* TODO: chapters/02-pymalloc.md, Step 1 */
    (void)nbytes;
    _Pm_Unimplemented("pymalloc_alloc", "chapters/02-pymalloc.md, Step 1");
}

/* pm_mem.h: a block of nbytes.  pymalloc_alloc first; when it says NULL,
 * raw_malloc, counting the block in _PmObmalloc_state.raw_allocated_blocks
 * (CPython: _PyObject_Malloc). */
void *PmObject_Malloc(size_t nbytes)
{
    /* TODO: chapters/02-pymalloc.md, Step 1 */
    (void)nbytes;
    _Pm_Unimplemented("PmObject_Malloc", "chapters/02-pymalloc.md, Step 1");
}

/* pm_mem.h: nelem * elsize zeroed bytes; NULL if the product overflows.
 * Like PmObject_Malloc, then memset a pymalloc block (arena memory is
 * reused, so it is not zero); raw_calloc otherwise. */
void *PmObject_Calloc(size_t nelem, size_t elsize)
{
    /* TODO: chapters/02-pymalloc.md, Step 1 */
    (void)nelem;
    (void)elsize;
    _Pm_Unimplemented("PmObject_Calloc", "chapters/02-pymalloc.md, Step 1");
}

/* ---- Steps 4-5: Freeing (CPython: pymalloc_free) ---------------------- */

/* A full pool got a block back: link it at the front of its class's used
 * pools, between the list head and the first pool, so that the next
 * allocation of that class comes from it.  CPython's pymalloc_free says
 * why: it "mimics LRU pool usage for new allocations and targets optimal
 * filling when several pools contain blocks of the same size class". */
__attribute__((unused)) static inline void insert_to_usedpool(poolp pool)
{
    /* TODO: chapters/02-pymalloc.md, Step 4 */
    (void)pool;
    _Pm_Unimplemented("insert_to_usedpool", "chapters/02-pymalloc.md, Step 4");
}

/* A used pool became empty.
 *
 * Step 4: unlink it from its usedpools list, push it on its arena's
 * freepools (singly linked through nextpool), and add one to the arena's
 * nfreepools.  If nfp2lasta[old count] was this arena, it becomes the
 * previous arena if that has the same count, else NULL.
 *
 * Step 5: the arena has one more free pool; keep usable_arenas sorted:
 *   1. all its pools free and another arena follows it: unlink it, put
 *      its entry back on unused_arena_objects, unmark it in the radix tree
 *      and give the memory back (_PmObject_VirtualFree).  The last arena
 *      is kept, against thrashing (bpo-37257);
 *   2. first free pool: it was on no list; put it at the head, and set
 *      nfp2lasta[1] if empty;
 *   then, in cases 3 and 4, set nfp2lasta[new count] to it if that is NULL;
 *   3. it was not the last arena with its old count (the lastnf saved
 *      above), so it now has more free pools than the next arena: move it
 *      just after lastnf;
 *   4. it was lastnf: it is still in order and stays put.
 * CPython: insert_to_freepool (its code meets the cases in the order 1, 2,
 * 4, 3). */
__attribute__((unused)) static inline void insert_to_freepool(poolp pool)
{
    /* TODO: chapters/02-pymalloc.md, Step 4 */
    (void)pool;
    _Pm_Unimplemented("insert_to_freepool", "chapters/02-pymalloc.md, Step 4");
}

/* Return p to its pool; 0 if pymalloc did not allocate p
 * (address_in_range).  Push p on the pool's free list and count it out.
 * The pool was full (its free list was empty): insert_to_usedpool.  It
 * became empty: insert_to_freepool.  Otherwise nothing moves. */
__attribute__((unused)) static inline int pymalloc_free(void *p)
{
    /* TODO: chapters/02-pymalloc.md, Step 4 */
    (void)p;
    _Pm_Unimplemented("pymalloc_free", "chapters/02-pymalloc.md, Step 4");
}

/* pm_mem.h: free p.  NULL is allowed.  A block pymalloc does not own goes
 * to free(), and raw_allocated_blocks drops by one. */
void PmObject_Free(void *p)
{
    /* TODO: chapters/02-pymalloc.md, Step 4 */
    (void)p;
    _Pm_Unimplemented("PmObject_Free", "chapters/02-pymalloc.md, Step 4");
}

/* ---- Step 6: Realloc (CPython: pymalloc_realloc) ---------------------- */

/* Resize a pymalloc block into *newptr_p; return 0 if p is not one.
 * Keep the block when nbytes fits and does not shrink it by 25% or more
 * (4 * nbytes > 3 * block size); else PmObject_Malloc, copy what fits,
 * PmObject_Free.  Pitfall: never take over a block from malloc, even one
 * shrinking below 512 bytes: you cannot know how many of its bytes are
 * valid to copy. */
__attribute__((unused)) static inline int pymalloc_realloc(void **newptr_p, void *p, size_t nbytes)
{
    /* TODO: chapters/02-pymalloc.md, Step 6 */
    (void)newptr_p;
    (void)p;
    (void)nbytes;
    _Pm_Unimplemented("pymalloc_realloc", "chapters/02-pymalloc.md, Step 6");
}

/* pm_mem.h: NULL ptr means PmObject_Malloc; a pymalloc block goes through
 * pymalloc_realloc; anything else through raw_realloc (the count of raw
 * blocks does not change). */
void *PmObject_Realloc(void *ptr, size_t nbytes)
{
    /* TODO: chapters/02-pymalloc.md, Step 6 */
    (void)ptr;
    (void)nbytes;
    _Pm_Unimplemented("PmObject_Realloc", "chapters/02-pymalloc.md, Step 6");
}

/* ---- Step 7: The heap checker and the statistics ----------------------- */

/* Fill *st (pm_obmalloc.h).  Full pools are on no list, so walk every
 * carved pool of every allocated arena (from the first pool-aligned
 * address up to pool_address): a pool with ref.count 0 is empty (counted
 * in the arena's nfreepools); any other adds to its class: one pool,
 * ref.count blocks in use, NUMBLOCKS - ref.count free.  Then the byte
 * breakdown: size * blocks, POOL_OVERHEAD per pool, the remainder
 * (POOL_SIZE - POOL_OVERHEAD) % size per pool, POOL_SIZE per unaligned
 * arena.  It must add up to arenas * ARENA_SIZE. */
void _PmObject_GetMallocStats(PmMallocStats *st)
{
    /* TODO: chapters/02-pymalloc.md, Step 7 */
    (void)st;
    _Pm_Unimplemented("_PmObject_GetMallocStats", "chapters/02-pymalloc.md, Step 7");
}

/* One line of the report: msg padded to 35 columns, '=', then value with
 * thousands separators right-aligned in 21 columns (CPython's printone).
 * Returns value, so the callers can add up a total. */
__attribute__((unused)) static inline size_t printone(FILE *out, const char *msg, size_t value)
{
    char buf[32];
    int i = (int)sizeof(buf) - 1, digits = 0;
    size_t v = value;
    buf[i] = '\0';
    do {
        if (digits > 0 && digits % 3 == 0)
            buf[--i] = ',';
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
        digits++;
    } while (v != 0);
    fprintf(out, "%-35s=%21s\n", msg, &buf[i]);
    return value;
}

/* Print the report of sys._debugmallocstats() (CPython 3.11's
 * _PyObject_DebugMallocStats), from _PmObject_GetMallocStats: the
 * header line, the class table ("%5u %6u %11zu %15zu %13zu", classes with
 * no pool left out), the arena counters, the byte breakdown and its
 * Total, and, with the radix tree, the arena map section.  Use printone
 * for every "name = value" line.  Compare with
 * `python3 -c "import sys; sys._debugmallocstats()"`. */
void _PmObject_DebugMallocStats(FILE *out)
{
    /* TODO: chapters/02-pymalloc.md, Step 7 */
    (void)out;
    _Pm_Unimplemented("_PmObject_DebugMallocStats", "chapters/02-pymalloc.md, Step 7");
}

/* Write the broken invariant into why and return -1. */
__attribute__((unused, format(printf, 3, 4))) static inline int broken(char *why, size_t whylen,
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

/* Malloc Lab's mm_checkheap: 0 if every invariant holds, else
 * broken(why, whylen, "...") naming the invariant and the pool or arena:
 *   - every carved pool has its arena's index; its size class, count,
 *     nextoffset and maxnextoffset are possible;
 *   - a pool's free list stays inside the pool, on block boundaries,
 *     below nextoffset, and holds carved - allocated blocks; it is empty
 *     exactly when the pool is full;
 *   - usedpools[2*i] links exactly the used pools of class i
 *     (0 < count < NUMBLOCKS(i)), with consistent prevpool links;
 *   - an arena's freepools lists exactly its empty pools, and nfreepools
 *     = empty pools + pools never carved;
 *   - usable_arenas holds exactly the arenas with a free pool, sorted by
 *     nfreepools ascending; nfp2lasta[n] is the last one with n;
 *   - the arena counters agree, and every arena_object without memory is
 *     on unused_arena_objects;
 *   - the radix tree marks exactly the allocated arenas.
 * Never loop forever on a corrupt list: bound every walk by the count
 * you expect. */
int _PmObject_CheckHeap(char *why, size_t whylen)
{
    /* TODO: chapters/02-pymalloc.md, Step 7 */
    (void)why;
    (void)whylen;
    _Pm_Unimplemented("_PmObject_CheckHeap", "chapters/02-pymalloc.md, Step 7");
}
