#ifndef PM_SKELETON
/* obmalloc.c - chapter 2, the reference: pymalloc, CPython's small-object
 * allocator (Objects/obmalloc.c, 3.11).  Requests of 1..512 bytes get a
 * block from a pool of their size class; pools are cut from 1 MiB arenas;
 * anything else goes to the C library's malloc.
 */
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pm_obmalloc.h"
#ifdef PM_SKELETON
#include "pm_refcount.h" /* _Pm_Unimplemented */
#endif /* PM_SKELETON */

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
#ifndef PM_SKELETON
static inline void *raw_malloc(size_t size)
{
    return malloc(size ? size : 1);
}
static inline void *raw_calloc(size_t nelem, size_t elsize)
#else /* PM_SKELETON */
__attribute__((unused)) static inline void *raw_malloc(size_t size)
{
    return malloc(size ? size : 1);
}
__attribute__((unused)) static inline void *raw_calloc(size_t nelem, size_t elsize)
#endif /* PM_SKELETON */
{
    if (nelem == 0 || elsize == 0)
        nelem = elsize = 1;
    return calloc(nelem, elsize);
}
#ifndef PM_SKELETON
static inline void *raw_realloc(void *ptr, size_t size)
{
    return realloc(ptr, size ? size : 1);
}
#else /* PM_SKELETON */
__attribute__((unused)) static inline void *raw_realloc(void *ptr, size_t size)
{
    return realloc(ptr, size ? size : 1);
}
#endif /* PM_SKELETON */

/* ---- The radix tree (3.10+) ----------------------------------------------- */
#if WITH_PYMALLOC_RADIX_TREE

/* The leaf covering p, or NULL.  With create, missing nodes are allocated
 * (zeroed: nothing in them is an arena yet); NULL then means no memory. */
#ifndef PM_SKELETON
static inline arena_map_bot_t *arena_map_get(const block *p, int create)
#else /* PM_SKELETON */
__attribute__((unused)) static inline arena_map_bot_t *arena_map_get(const block *p, int create)
#endif /* PM_SKELETON */
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
#ifndef PM_SKELETON
static int arena_map_mark_used(uintptr_t arena_base, int is_used)
#else /* PM_SKELETON */
__attribute__((unused)) static inline int arena_map_mark_used(uintptr_t arena_base, int is_used)
#endif /* PM_SKELETON */
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
#ifndef PM_SKELETON
static inline int arena_map_is_used(const block *p)
#else /* PM_SKELETON */
__attribute__((unused)) static inline int arena_map_is_used(const block *p)
#endif /* PM_SKELETON */
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
#ifndef PM_SKELETON
static inline const arena_coverage_t *arena_map_slot(const arena_map_bot_t *n, uintptr_t i)
#else /* PM_SKELETON */
__attribute__((unused)) static inline const arena_coverage_t *
arena_map_slot(const arena_map_bot_t *n, uintptr_t i)
#endif /* PM_SKELETON */
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
#ifndef PM_SKELETON
static inline bool address_in_range(const void *p, poolp pool)
#else /* PM_SKELETON */
__attribute__((unused)) static inline bool address_in_range(const void *p, poolp pool)
#endif /* PM_SKELETON */
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
#ifndef PM_SKELETON
__attribute__((no_sanitize_address)) static inline bool address_in_range(const void *p, poolp pool)
#else /* PM_SKELETON */
__attribute__((unused, no_sanitize_address)) static inline bool address_in_range(const void *p,
                                                                                 poolp pool)
#endif /* PM_SKELETON */
{
    uint arenaindex = *((volatile uint *)&pool->arenaindex);
    return arenaindex < maxarenas && (uintptr_t)p - arenas[arenaindex].address < ARENA_SIZE &&
           arenas[arenaindex].address != 0;
}

#endif /* WITH_PYMALLOC_RADIX_TREE */

#ifndef PM_SKELETON
/* ---- Arenas --------------------------------------------------------------- */

/* A new arena with its arena_object, or NULL when out of memory.  The
 * table of arena_objects starts at INITIAL_ARENA_OBJECTS entries and doubles
 * when no entry is free; it is only ever grown when every arena is full, so
 * no pointer into the old table (usable_arenas, nfp2lasta) is alive then.
 * An arena not aligned to POOL_SIZE loses one pool: its pools start at the
 * first aligned address.  The caller links the result into usable_arenas. */
static struct arena_object *new_arena(void)
{
    if (unused_arena_objects == NULL) {
        uint numarenas = maxarenas ? maxarenas << 1 : INITIAL_ARENA_OBJECTS;
        if (numarenas <= maxarenas)
            return NULL; /* overflow */
        struct arena_object *table = raw_realloc(arenas, numarenas * sizeof(*arenas));
        if (table == NULL)
            return NULL;
        arenas = table;
        for (uint i = maxarenas; i < numarenas; ++i) {
            arenas[i].address = 0;
            arenas[i].nextarena = i < numarenas - 1 ? &arenas[i + 1] : NULL;
        }
        unused_arena_objects = &arenas[maxarenas];
        maxarenas = numarenas;
    }

    struct arena_object *arenaobj = unused_arena_objects;
    unused_arena_objects = arenaobj->nextarena;
    void *address = _PmObject_VirtualAlloc(ARENA_SIZE);
#if WITH_PYMALLOC_RADIX_TREE
    if (address != NULL && !arena_map_mark_used((uintptr_t)address, 1)) {
        _PmObject_VirtualFree(address, ARENA_SIZE);
        address = NULL;
    }
#endif
    if (address == NULL) {
        arenaobj->nextarena = unused_arena_objects;
        unused_arena_objects = arenaobj;
        return NULL;
    }
    arenaobj->address = (uintptr_t)address;

    ++narenas_currently_allocated;
    ++ntimes_arena_allocated;
    if (narenas_currently_allocated > narenas_highwater)
        narenas_highwater = narenas_currently_allocated;

    arenaobj->freepools = NULL;
    arenaobj->pool_address = (block *)arenaobj->address;
    arenaobj->nfreepools = MAX_POOLS_IN_ARENA;
    uint excess = (uint)(arenaobj->address & POOL_SIZE_MASK);
    if (excess != 0) {
        --arenaobj->nfreepools;
        arenaobj->pool_address += POOL_SIZE - excess;
    }
    arenaobj->ntotalpools = arenaobj->nfreepools;
    return arenaobj;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* ---- Allocation ----------------------------------------------------------- */

/* The pool's free list just ran dry.  If the pool has a virgin block, put
 * it on the free list (one block at a time: memory is touched only when
 * needed).  Otherwise the pool is full: unlink it from usedpools. */
static inline void pymalloc_pool_extend(poolp pool, uint size)
{
    if (UNLIKELY(pool->nextoffset <= pool->maxnextoffset)) {
        pool->freeblock = (block *)pool + pool->nextoffset;
        pool->nextoffset += INDEX2SIZE(size);
        *(block **)(pool->freeblock) = NULL;
        return;
    }
    poolp next = pool->nextpool;
    pool = pool->prevpool;
    next->prevpool = pool;
    pool->nextpool = next;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Size class `size` has no used pool: take an empty pool from the first
 * usable arena (a fresh arena if there is none), link it into usedpools,
 * and return its first block; NULL when out of memory.
 *
 * The first usable arena has the fewest free pools, so taking one keeps the
 * list sorted; only nfp2lasta needs care, and the arena leaves the list
 * when its last free pool goes. */
static void *allocate_from_new_pool(uint size)
{
    if (UNLIKELY(usable_arenas == NULL)) {
        usable_arenas = new_arena();
        if (usable_arenas == NULL)
            return NULL;
        usable_arenas->nextarena = usable_arenas->prevarena = NULL;
        nfp2lasta[usable_arenas->nfreepools] = usable_arenas;
    }

    struct arena_object *ao = usable_arenas;
    if (nfp2lasta[ao->nfreepools] == ao)
        nfp2lasta[ao->nfreepools] = NULL;
    if (ao->nfreepools > 1)
        nfp2lasta[ao->nfreepools - 1] = ao;

    poolp pool = ao->freepools;
    if (LIKELY(pool != NULL)) {
        ao->freepools = pool->nextpool; /* a cached empty pool */
    } else {
        pool = (poolp)ao->pool_address; /* carve a new pool */
        pool->arenaindex = (uint)(ao - arenas);
        pool->szidx = DUMMY_SIZE_IDX;
        ao->pool_address += POOL_SIZE;
    }
    if (UNLIKELY(--ao->nfreepools == 0)) {
        usable_arenas = ao->nextarena; /* wholly allocated: unlink */
        if (usable_arenas != NULL)
            usable_arenas->prevarena = NULL;
    }

    /* Frontlink to the class's used pools (the list is empty). */
    poolp next = usedpools[size + size];
    pool->nextpool = next;
    pool->prevpool = next;
    next->nextpool = pool;
    next->prevpool = pool;
    pool->ref.count = 1;

    block *bp;
    if (pool->szidx == size) {
        /* It last served this class: header and free list are set up. */
        bp = pool->freeblock;
        pool->freeblock = *(block **)bp;
        return bp;
    }
    /* Set up the header; the free list holds just the second block. */
    pool->szidx = size;
    uint blocksize = INDEX2SIZE(size);
    bp = (block *)pool + POOL_OVERHEAD;
    pool->nextoffset = (uint)POOL_OVERHEAD + (blocksize << 1);
    pool->maxnextoffset = (uint)POOL_SIZE - blocksize;
    pool->freeblock = bp + blocksize;
    *(block **)(pool->freeblock) = NULL;
    return bp;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* A block for nbytes, or NULL if pymalloc does not serve the request (0
 * bytes, more than SMALL_REQUEST_THRESHOLD) or has no memory. */
static inline void *pymalloc_alloc(size_t nbytes)
{
    if (UNLIKELY(nbytes - 1 >= SMALL_REQUEST_THRESHOLD)) /* 0 wraps around */
        return NULL;

    uint size = (uint)(nbytes - 1) >> ALIGNMENT_SHIFT;
    poolp pool = usedpools[size + size];
    if (LIKELY(pool != pool->nextpool)) {
        /* A used pool: its free list is never empty (pymalloc_pool_extend). */
        ++pool->ref.count;
        block *bp = pool->freeblock;
        if (UNLIKELY((pool->freeblock = *(block **)bp) == NULL))
            pymalloc_pool_extend(pool, size);
        return bp;
    }
    return allocate_from_new_pool(size);
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* CPython's _PyObject_Malloc, behind PmObject_Malloc: pymalloc, else the
 * system allocator.  Inline, so that pymalloc_realloc, which allocates and
 * frees when it moves a block, runs the fast paths without a call. */
static inline void *_PmObject_Malloc(size_t nbytes)
{
    void *ptr = pymalloc_alloc(nbytes);
    if (LIKELY(ptr != NULL))
        return ptr;
    ptr = raw_malloc(nbytes);
    if (ptr != NULL)
        _PmObmalloc_state.raw_allocated_blocks++;
    return ptr;
#else /* PM_SKELETON */
/* pm_mem.h: a block of nbytes.  pymalloc_alloc first; when it says NULL,
 * raw_malloc, counting the block in _PmObmalloc_state.raw_allocated_blocks
 * (CPython: _PyObject_Malloc). */
void *PmObject_Malloc(size_t nbytes)
{
    /* TODO: chapters/02-pymalloc.md, Step 1 */
    (void)nbytes;
    _Pm_Unimplemented("PmObject_Malloc", "chapters/02-pymalloc.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void *PmObject_Malloc(size_t nbytes)
{
    return _PmObject_Malloc(nbytes);
}

void *PmObject_Calloc(size_t nelem, size_t elsize)
{
    if (elsize != 0 && nelem > (size_t)PTRDIFF_MAX / elsize)
        return NULL;
    size_t nbytes = nelem * elsize;
    void *ptr = pymalloc_alloc(nbytes);
    if (LIKELY(ptr != NULL)) {
        memset(ptr, 0, nbytes);
        return ptr;
    }
    ptr = raw_calloc(nelem, elsize);
    if (ptr != NULL)
        _PmObmalloc_state.raw_allocated_blocks++;
    return ptr;
#else /* PM_SKELETON */
/* pm_mem.h: nelem * elsize zeroed bytes; NULL if the product overflows.
 * Like PmObject_Malloc, then memset a pymalloc block (arena memory is
 * reused, so it is not zero); raw_calloc otherwise. */
void *PmObject_Calloc(size_t nelem, size_t elsize)
{
    /* TODO: chapters/02-pymalloc.md, Step 1 */
    (void)nelem;
    (void)elsize;
    _Pm_Unimplemented("PmObject_Calloc", "chapters/02-pymalloc.md, Step 1");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* ---- Freeing -------------------------------------------------------------- */

/* A full pool got a free block back: link it at the front of its class's
 * used pools, so the next allocation of that size takes the block just
 * freed, whose memory is most likely still in the cache (CPython: "mimics
 * LRU pool usage"). */
static void insert_to_usedpool(poolp pool)
{
    uint size = pool->szidx;
    poolp next = usedpools[size + size];
    poolp prev = next->prevpool;
    pool->nextpool = next;
    pool->prevpool = prev;
    next->prevpool = pool;
    prev->nextpool = pool;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* A used pool became empty: unlink it from usedpools and push it on its
 * arena's freepools.  The arena gained a free pool, so it may have to move
 * right in usable_arenas; there are four cases:
 *   1. every pool is free and another usable arena follows: give the arena
 *      back to the OS.  The last one is kept, so a loop that allocates and
 *      frees one object does not map and unmap an arena each time
 *      (bpo-37257);
 *   2. it is the arena's only free pool: the arena was full and on no
 *      list; put it at the head;
 *   3. the next arena now has fewer free pools: move it right, after the
 *      last arena that had its old count (nfp2lasta makes that O(1));
 *   4. otherwise it stays where it is. */
static void insert_to_freepool(poolp pool)
{
    poolp next = pool->nextpool;
    poolp prev = pool->prevpool;
    next->prevpool = prev;
    prev->nextpool = next;

    struct arena_object *ao = &arenas[pool->arenaindex];
    pool->nextpool = ao->freepools;
    ao->freepools = pool;
    uint nf = ao->nfreepools;
    struct arena_object *lastnf = nfp2lasta[nf];
    if (lastnf == ao) {
        struct arena_object *p = ao->prevarena;
        nfp2lasta[nf] = (p != NULL && p->nfreepools == nf) ? p : NULL;
    }
    ao->nfreepools = ++nf;

    if (nf == ao->ntotalpools && ao->nextarena != NULL) {
        /* Case 1. */
        if (ao->prevarena == NULL)
            usable_arenas = ao->nextarena;
        else
            ao->prevarena->nextarena = ao->nextarena;
        ao->nextarena->prevarena = ao->prevarena;
        ao->nextarena = unused_arena_objects;
        unused_arena_objects = ao;
#if WITH_PYMALLOC_RADIX_TREE
        arena_map_mark_used(ao->address, 0);
#endif
        _PmObject_VirtualFree((void *)ao->address, ARENA_SIZE);
        ao->address = 0;
        --narenas_currently_allocated;
        return;
    }

    if (nf == 1) {
        /* Case 2. */
        ao->nextarena = usable_arenas;
        ao->prevarena = NULL;
        if (usable_arenas)
            usable_arenas->prevarena = ao;
        usable_arenas = ao;
        if (nfp2lasta[1] == NULL)
            nfp2lasta[1] = ao;
        return;
    }

    if (nfp2lasta[nf] == NULL)
        nfp2lasta[nf] = ao;
    if (ao == lastnf)
        return; /* Case 4: it was the last with nf - 1, so still in order. */

    /* Case 3: unlink, then insert after lastnf. */
    if (ao->prevarena != NULL)
        ao->prevarena->nextarena = ao->nextarena;
    else
        usable_arenas = ao->nextarena;
    ao->nextarena->prevarena = ao->prevarena;
    ao->prevarena = lastnf;
    ao->nextarena = lastnf->nextarena;
    if (ao->nextarena != NULL)
        ao->nextarena->prevarena = ao;
    lastnf->nextarena = ao;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* Return p to its pool; 0 if pymalloc did not allocate p.  A full pool
 * becomes used again, a used pool whose last block comes back becomes
 * empty. */
static inline int pymalloc_free(void *p)
{
    poolp pool = POOL_ADDR(p);
    if (UNLIKELY(!address_in_range(p, pool)))
        return 0;

    block *lastfree = pool->freeblock;
    *(block **)p = lastfree;
    pool->freeblock = (block *)p;
    pool->ref.count--;

    if (UNLIKELY(lastfree == NULL)) {
        insert_to_usedpool(pool); /* it was full */
        return 1;
    }
    if (LIKELY(pool->ref.count != 0))
        return 1;
    insert_to_freepool(pool);
    return 1;
#else /* PM_SKELETON */
/* Return p to its pool; 0 if pymalloc did not allocate p
 * (address_in_range).  Push p on the pool's free list and count it out.
 * The pool was full (its free list was empty): insert_to_usedpool.  It
 * became empty: insert_to_freepool.  Otherwise nothing moves. */
__attribute__((unused)) static inline int pymalloc_free(void *p)
{
    /* TODO: chapters/02-pymalloc.md, Step 4 */
    (void)p;
    _Pm_Unimplemented("pymalloc_free", "chapters/02-pymalloc.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* CPython's _PyObject_Free, behind PmObject_Free (inline: see
 * _PmObject_Malloc). */
static inline void _PmObject_Free(void *p)
{
    if (p == NULL)
        return;
    if (UNLIKELY(!pymalloc_free(p))) {
        free(p);
        _PmObmalloc_state.raw_allocated_blocks--;
    }
#else /* PM_SKELETON */
/* pm_mem.h: free p.  NULL is allowed.  A block pymalloc does not own goes
 * to free(), and raw_allocated_blocks drops by one. */
void PmObject_Free(void *p)
{
    /* TODO: chapters/02-pymalloc.md, Step 4 */
    (void)p;
    _Pm_Unimplemented("PmObject_Free", "chapters/02-pymalloc.md, Step 4");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void PmObject_Free(void *p)
{
    _PmObject_Free(p);
}

/* ---- Realloc -------------------------------------------------------------- */

/* Resize a pymalloc block; 0 if p is not one.  Growing within the block's
 * size, or shrinking by less than a quarter, keeps the block: copying
 * costs more than the memory saved.  A block from malloc stays with
 * malloc, even when it shrinks below 512 bytes: how many of its bytes are
 * valid is unknown, and copying past its end could fault (bpo-1185883). */
static int pymalloc_realloc(void **newptr_p, void *p, size_t nbytes)
{
    poolp pool = POOL_ADDR(p);
    if (!address_in_range(p, pool))
        return 0;

    size_t size = INDEX2SIZE(pool->szidx);
    if (nbytes <= size) {
        if (4 * nbytes > 3 * size) {
            *newptr_p = p;
            return 1;
        }
        size = nbytes;
    }
    void *bp = _PmObject_Malloc(nbytes);
    if (bp != NULL) {
        memcpy(bp, p, size);
        _PmObject_Free(p);
    }
    *newptr_p = bp;
    return 1;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
void *PmObject_Realloc(void *ptr, size_t nbytes)
{
    if (ptr == NULL)
        return _PmObject_Malloc(nbytes);
    void *ptr2;
    if (pymalloc_realloc(&ptr2, ptr, nbytes))
        return ptr2;
    return raw_realloc(ptr, nbytes);
#else /* PM_SKELETON */
/* pm_mem.h: NULL ptr means PmObject_Malloc; a pymalloc block goes through
 * pymalloc_realloc; anything else through raw_realloc (the count of raw
 * blocks does not change). */
void *PmObject_Realloc(void *ptr, size_t nbytes)
{
    /* TODO: chapters/02-pymalloc.md, Step 6 */
    (void)ptr;
    (void)nbytes;
    _Pm_Unimplemented("PmObject_Realloc", "chapters/02-pymalloc.md, Step 6");
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* ---- Statistics ----------------------------------------------------------- */

void _PmObject_GetMallocStats(PmMallocStats *st)
{
    memset(st, 0, sizeof(*st));
    for (uint i = 0; i < NB_SMALL_SIZE_CLASSES; ++i)
        st->classes[i].size = INDEX2SIZE(i);

    /* Full pools are on no list: walk every pool of every arena. */
    for (uint i = 0; i < maxarenas; ++i) {
        uintptr_t base = arenas[i].address;
        if (base == 0)
            continue;
        st->arenas_current++;
        st->unused_pools += arenas[i].nfreepools;
        if (base & POOL_SIZE_MASK) {
            st->arena_alignment_bytes += POOL_SIZE;
            base = (base & ~(uintptr_t)POOL_SIZE_MASK) + POOL_SIZE;
        }
        for (; base < (uintptr_t)arenas[i].pool_address; base += POOL_SIZE) {
            poolp p = (poolp)base;
            if (p->ref.count == 0)
                continue; /* empty, counted in nfreepools */
            uint sz = p->szidx;
            st->classes[sz].pools++;
            st->classes[sz].blocks_in_use += p->ref.count;
            st->classes[sz].free_blocks += NUMBLOCKS(sz) - p->ref.count;
        }
    }
    for (uint i = 0; i < NB_SMALL_SIZE_CLASSES; ++i) {
        size_t size = INDEX2SIZE(i), pools = st->classes[i].pools;
        st->allocated_bytes += st->classes[i].blocks_in_use * size;
        st->available_bytes += st->classes[i].free_blocks * size;
        st->pool_header_bytes += pools * POOL_OVERHEAD;
        st->quantization_bytes += pools * ((POOL_SIZE - POOL_OVERHEAD) % size);
    }
    st->arenas_allocated_total = ntimes_arena_allocated;
    st->arenas_reclaimed = ntimes_arena_allocated - st->arenas_current;
    st->arenas_highwater = narenas_highwater;
    st->raw_allocated_blocks = _PmObmalloc_state.raw_allocated_blocks;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

/* One line of the report: msg padded to 35 columns, '=', then value with
 * thousands separators right-aligned in 21 columns (CPython's printone).
 * Returns value, so the callers can add up a total. */
#ifndef PM_SKELETON
static size_t printone(FILE *out, const char *msg, size_t value)
#else /* PM_SKELETON */
__attribute__((unused)) static inline size_t printone(FILE *out, const char *msg, size_t value)
#endif /* PM_SKELETON */
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

#ifndef PM_SKELETON
void _PmObject_DebugMallocStats(FILE *out)
{
    PmMallocStats st;
    char buf[128];
    _PmObject_GetMallocStats(&st);

    fprintf(out, "Small block threshold = %d, in %u size classes.\n", SMALL_REQUEST_THRESHOLD,
            (uint)NB_SMALL_SIZE_CLASSES);
    fputs("\nclass   size   num pools   blocks in use  avail blocks\n"
          "-----   ----   ---------   -------------  ------------\n",
          out);
    for (uint i = 0; i < NB_SMALL_SIZE_CLASSES; ++i) {
        if (st.classes[i].pools == 0)
            continue;
        fprintf(out, "%5u %6u %11zu %15zu %13zu\n", i, INDEX2SIZE(i), st.classes[i].pools,
                st.classes[i].blocks_in_use, st.classes[i].free_blocks);
    }
    fputc('\n', out);

    printone(out, "# arenas allocated total", st.arenas_allocated_total);
    printone(out, "# arenas reclaimed", st.arenas_reclaimed);
    printone(out, "# arenas highwater mark", st.arenas_highwater);
    printone(out, "# arenas allocated current", st.arenas_current);
    snprintf(buf, sizeof(buf), "%zu arenas * %zu bytes/arena", st.arenas_current, ARENA_SIZE);
    printone(out, buf, st.arenas_current * ARENA_SIZE);
    fputc('\n', out);

    size_t total = printone(out, "# bytes in allocated blocks", st.allocated_bytes);
    total += printone(out, "# bytes in available blocks", st.available_bytes);
    snprintf(buf, sizeof(buf), "%zu unused pools * %zu bytes", st.unused_pools, POOL_SIZE);
    total += printone(out, buf, st.unused_pools * POOL_SIZE);
    total += printone(out, "# bytes lost to pool headers", st.pool_header_bytes);
    total += printone(out, "# bytes lost to quantization", st.quantization_bytes);
    total += printone(out, "# bytes lost to arena alignment", st.arena_alignment_bytes);
    printone(out, "Total", total);

#if WITH_PYMALLOC_RADIX_TREE
    fputs("\narena map counts\n", out);
    printone(out, "# arena map mid nodes", (size_t)arena_map_mid_count);
    printone(out, "# arena map bot nodes", (size_t)arena_map_bot_count);
    fputc('\n', out);
    total = printone(out, "# bytes lost to arena map root", sizeof(arena_map_root));
    total += printone(out, "# bytes lost to arena map mid",
                      sizeof(arena_map_mid_t) * (size_t)arena_map_mid_count);
    total += printone(out, "# bytes lost to arena map bot",
                      sizeof(arena_map_bot_t) * (size_t)arena_map_bot_count);
    printone(out, "Total", total);
#endif
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}

#ifndef PM_SKELETON
/* ---- The heap checker ----------------------------------------------------- */

/* Write the broken invariant into why and return -1. */
__attribute__((format(printf, 3, 4))) static int broken(char *why, size_t whylen,
#else /* PM_SKELETON */
/* Write the broken invariant into why and return -1. */
__attribute__((unused, format(printf, 3, 4))) static inline int broken(char *why, size_t whylen,
#endif /* PM_SKELETON */
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

#ifndef PM_SKELETON
/* The first pool of arena ao, and how many pools were carved from it. */
static uintptr_t first_pool(const struct arena_object *ao)
{
    uintptr_t base = ao->address;
    if (base & POOL_SIZE_MASK)
        base = (base & ~(uintptr_t)POOL_SIZE_MASK) + POOL_SIZE;
    return base;
}

/* One pool with blocks allocated: header fields, and a free list that
 * stays on block boundaries inside the carved part and is as long as the
 * carved blocks that are not allocated. */
static int check_pool(poolp p, uint ai, char *why, size_t whylen)
{
    uint sz = p->szidx;
    if (sz >= NB_SMALL_SIZE_CLASSES)
        return broken(why, whylen, "pool %p in arena %u has size class %u, not below %d", (void *)p,
                      ai, sz, NB_SMALL_SIZE_CLASSES);
    uint size = INDEX2SIZE(sz), cap = NUMBLOCKS(sz);
    if (p->ref.count > cap)
        return broken(why, whylen, "pool %p (size class %u) counts %u blocks but holds only %u",
                      (void *)p, sz, p->ref.count, cap);
    if (p->maxnextoffset != POOL_SIZE - size)
        return broken(why, whylen, "pool %p (size class %u) has maxnextoffset %u, not %zu",
                      (void *)p, sz, p->maxnextoffset, (size_t)(POOL_SIZE - size));
    if (p->nextoffset < POOL_OVERHEAD + size || (p->nextoffset - POOL_OVERHEAD) % size != 0 ||
        p->nextoffset > p->maxnextoffset + size)
        return broken(why, whylen,
                      "pool %p (size class %u) has nextoffset %u, not on a block "
                      "boundary inside the pool",
                      (void *)p, sz, p->nextoffset);
    uint carved = (uint)((p->nextoffset - POOL_OVERHEAD) / size);
    if (p->ref.count > carved)
        return broken(why, whylen, "pool %p (size class %u) counts %u blocks but carved only %u",
                      (void *)p, sz, p->ref.count, carved);
    uint expected = carved - p->ref.count, n = 0;
    for (block *b = p->freeblock; b != NULL; b = *(block **)b) {
        size_t off = (size_t)(b - (block *)p);
        if ((uintptr_t)b - (uintptr_t)p >= POOL_SIZE || off < POOL_OVERHEAD ||
            (off - POOL_OVERHEAD) % size != 0 || off >= p->nextoffset)
            return broken(why, whylen,
                          "pool %p (size class %u) has free block %p, not a carved "
                          "block of the pool",
                          (void *)p, sz, (void *)b);
        if (++n > expected)
            break;
    }
    if (n != expected)
        return broken(why, whylen,
                      "pool %p (size class %u) has %s%u blocks on its free list, "
                      "expected %u (carved %u - allocated %u)",
                      (void *)p, sz, n > expected ? "more than " : "", n > expected ? expected : n,
                      expected, carved, p->ref.count);
    if ((p->freeblock == NULL) != (p->ref.count == cap))
        return broken(why, whylen,
                      "pool %p (size class %u) has %u of %u blocks allocated but "
                      "%s free list",
                      (void *)p, sz, p->ref.count, cap,
                      p->freeblock == NULL ? "an empty" : "a non-empty");
    return 0;
}

/* One arena: its pools, its freepools list and its nfreepools.  Adds its
 * used pools (0 < count < capacity) to used[class]. */
static int check_arena(uint ai, size_t used[], char *why, size_t whylen)
{
    const struct arena_object *ao = &arenas[ai];
    uintptr_t base = first_pool(ao);
    uint expect_total = base == ao->address ? MAX_POOLS_IN_ARENA : MAX_POOLS_IN_ARENA - 1;
    if (ao->ntotalpools != expect_total)
        return broken(why, whylen, "arena %u at %p has ntotalpools %u, expected %u", ai,
                      (void *)ao->address, ao->ntotalpools, expect_total);
    uintptr_t end = base + (uintptr_t)ao->ntotalpools * POOL_SIZE;
    uintptr_t pa = (uintptr_t)ao->pool_address;
    if (pa < base || pa > end || (pa & POOL_SIZE_MASK))
        return broken(why, whylen, "arena %u has pool_address %p outside its pools", ai,
                      (void *)ao->pool_address);
    uint empty = 0;
    for (uintptr_t b = base; b < pa; b += POOL_SIZE) {
        poolp p = (poolp)b;
        if (p->arenaindex != ai)
            return broken(why, whylen, "pool %p in arena %u says arenaindex %u", (void *)p, ai,
                          p->arenaindex);
        if (p->ref.count == 0) {
            empty++;
            continue;
        }
        if (check_pool(p, ai, why, whylen) < 0)
            return -1;
        if (p->ref.count < NUMBLOCKS(p->szidx))
            used[p->szidx]++;
    }
    uint listed = 0;
    for (poolp p = ao->freepools; p != NULL; p = p->nextpool) {
        if ((uintptr_t)p < base || (uintptr_t)p >= pa || ((uintptr_t)p & POOL_SIZE_MASK))
            return broken(why, whylen,
                          "arena %u has %p on its freepools, not one of its carved "
                          "pools",
                          ai, (void *)p);
        if (p->ref.count != 0)
            return broken(why, whylen,
                          "pool %p on the freepools of arena %u has %u blocks "
                          "allocated",
                          (void *)p, ai, p->ref.count);
        if (++listed > empty)
            break;
    }
    if (listed != empty)
        return broken(why, whylen, "arena %u has %u empty pools but %s%u on its freepools", ai,
                      empty, listed > empty ? "more than " : "", listed > empty ? empty : listed);
    uint virgin = (uint)((end - pa) / POOL_SIZE);
    if (ao->nfreepools != empty + virgin)
        return broken(why, whylen,
                      "arena %u has nfreepools %u, expected %u (%u empty + %u never "
                      "used)",
                      ai, ao->nfreepools, empty + virgin, empty, virgin);
    return 0;
}

/* usable_arenas: exactly the arenas with a free pool, sorted by nfreepools
 * ascending, doubly linked; and nfp2lasta[n] is the last with n. */
static int check_usable_arenas(size_t with_free, char *why, size_t whylen)
{
    struct arena_object *last[MAX_POOLS_IN_ARENA + 1] = {NULL};
    size_t n = 0;
    struct arena_object *prev = NULL;
    for (struct arena_object *ao = usable_arenas; ao != NULL; prev = ao, ao = ao->nextarena) {
        uint ai = (uint)(ao - arenas);
        if (++n > with_free)
            return broken(why, whylen,
                          "usable_arenas has more than the %zu arenas that have a "
                          "free pool",
                          with_free);
        if (ao->address == 0 || ao->nfreepools == 0)
            return broken(why, whylen, "arena %u is on usable_arenas with %s", ai,
                          ao->address == 0 ? "no memory" : "no free pool");
        if (ao->prevarena != prev)
            return broken(why, whylen, "arena %u on usable_arenas has a wrong prevarena", ai);
        if (prev != NULL && prev->nfreepools > ao->nfreepools)
            return broken(why, whylen,
                          "usable_arenas is not sorted: arena %u (%u free pools) "
                          "comes after arena %u (%u)",
                          ai, ao->nfreepools, (uint)(prev - arenas), prev->nfreepools);
        last[ao->nfreepools] = ao;
    }
    if (n != with_free)
        return broken(why, whylen, "usable_arenas has %zu arenas but %zu have a free pool", n,
                      with_free);
    for (uint k = 0; k <= MAX_POOLS_IN_ARENA; ++k)
        if (nfp2lasta[k] != last[k])
            return broken(why, whylen, "nfp2lasta[%u] is %s, expected %s", k,
                          nfp2lasta[k] ? "an arena" : "NULL",
                          last[k] ? "the last arena on "
                                    "usable_arenas with that many free pools"
                                  : "NULL");
    return 0;
}

/* usedpools[2*i]: a circular doubly linked list of exactly the used pools
 * of class i. */
static int check_usedpools(const size_t used[], char *why, size_t whylen)
{
    for (uint i = 0; i < NB_SMALL_SIZE_CLASSES; ++i) {
        poolp head = PTA(i);
        if (usedpools[i + i + 1] != head->prevpool)
            return broken(why, whylen, "usedpools[%u] is corrupt", i + i + 1);
        size_t n = 0;
        for (poolp p = head->nextpool, prev = head; p != head; prev = p, p = p->nextpool) {
            if (++n > used[i])
                return broken(why, whylen,
                              "usedpools[%u] (size class %u) links more than the "
                              "%zu used pools of the class",
                              i + i, i, used[i]);
            if (!address_in_range(p, p))
                return broken(why, whylen, "usedpools[%u] links %p, outside every arena", i + i,
                              (void *)p);
            if (p->szidx != i || p->ref.count == 0 || p->ref.count >= NUMBLOCKS(i))
                return broken(why, whylen,
                              "pool %p (size class %u, %u blocks allocated) is "
                              "linked in usedpools[%u]",
                              (void *)p, p->szidx, p->ref.count, i + i);
            if (p->prevpool != prev)
                return broken(why, whylen, "pool %p in usedpools[%u] has a wrong prevpool",
                              (void *)p, i + i);
        }
        if (n != used[i])
            return broken(why, whylen,
                          "usedpools[%u] (size class %u) links %zu pools but the "
                          "class has %zu used pools",
                          i + i, i, n, used[i]);
    }
    return 0;
}

#if WITH_PYMALLOC_RADIX_TREE
/* Is there an allocated arena at address a? */
static int is_arena(uintptr_t a)
{
    for (uint i = 0; i < maxarenas; ++i)
        if (arenas[i].address == a)
            return 1;
    return 0;
}

/* The tree marks exactly the allocated arenas: each arena's first and last
 * byte are marked, and every mark belongs to an arena. */
static int check_arena_map(char *why, size_t whylen)
{
    for (uint i = 0; i < maxarenas; ++i) {
        uintptr_t a = arenas[i].address;
        if (a != 0 &&
            (!arena_map_is_used((block *)a) || !arena_map_is_used((block *)(a + ARENA_SIZE - 1))))
            return broken(why, whylen, "the arena map does not cover arena %u at %p", i, (void *)a);
    }
    for (uintptr_t i1 = 0; i1 < MAP_TOP_LENGTH; ++i1) {
        arena_map_mid_t *mid = arena_map_root.ptrs[i1];
        if (mid == NULL)
            continue;
        for (uintptr_t i2 = 0; i2 < MAP_MID_LENGTH; ++i2) {
            arena_map_bot_t *bot = mid->ptrs[i2];
            if (bot == NULL)
                continue;
            for (uintptr_t i3 = 0; i3 < MAP_BOT_LENGTH; ++i3) {
                uintptr_t slot =
                    (i1 << MAP_TOP_SHIFT) | (i2 << MAP_MID_SHIFT) | (i3 << MAP_BOT_SHIFT);
                int32_t hi = arena_map_slot(bot, i3)->tail_hi,
                        lo = arena_map_slot(bot, i3)->tail_lo;
                if (hi != 0 && !is_arena(hi == -1 ? slot : slot + (uintptr_t)hi))
                    return broken(why, whylen,
                                  "the arena map marks an arena at %p that is not "
                                  "allocated",
                                  (void *)(hi == -1 ? slot : slot + (uintptr_t)hi));
                if (lo != 0 && !is_arena(slot - ARENA_SIZE + (uintptr_t)lo))
                    return broken(why, whylen,
                                  "the arena map marks an arena at %p that is not "
                                  "allocated",
                                  (void *)(slot - ARENA_SIZE + (uintptr_t)lo));
            }
        }
    }
    return 0;
}
#endif

int _PmObject_CheckHeap(char *why, size_t whylen)
{
    size_t used[NB_SMALL_SIZE_CLASSES] = {0};
    size_t allocated = 0, with_free = 0;

    for (uint i = 0; i < maxarenas; ++i) {
        if (arenas[i].address == 0)
            continue;
        allocated++;
        if (arenas[i].nfreepools > 0)
            with_free++;
        if (check_arena(i, used, why, whylen) < 0)
            return -1;
    }
    if (allocated != narenas_currently_allocated)
        return broken(why, whylen,
                      "%zu arenas are allocated but narenas_currently_allocated "
                      "is %zu",
                      allocated, narenas_currently_allocated);
    if (narenas_highwater < allocated || ntimes_arena_allocated < narenas_highwater)
        return broken(why, whylen,
                      "the arena counters disagree: %zu allocated total, highwater "
                      "%zu, %zu current",
                      ntimes_arena_allocated, narenas_highwater, allocated);
    size_t unused = 0;
    for (struct arena_object *ao = unused_arena_objects; ao != NULL; ao = ao->nextarena) {
        if (ao->address != 0)
            return broken(why, whylen, "arena %u is on unused_arena_objects but has memory",
                          (uint)(ao - arenas));
        if (++unused > maxarenas - allocated)
            break;
    }
    if (unused != maxarenas - allocated)
        return broken(why, whylen, "unused_arena_objects has %zu entries, expected %zu", unused,
                      maxarenas - allocated);
    if (check_usable_arenas(with_free, why, whylen) < 0 || check_usedpools(used, why, whylen) < 0)
        return -1;
#if WITH_PYMALLOC_RADIX_TREE
    if (check_arena_map(why, whylen) < 0)
        return -1;
#endif
    if (_PmObmalloc_state.raw_allocated_blocks < 0)
        return broken(why, whylen,
                      "raw_allocated_blocks is %zd: more malloc'd blocks were freed "
                      "than allocated",
                      _PmObmalloc_state.raw_allocated_blocks);
    return 0;
#else /* PM_SKELETON */
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
#endif /* PM_SKELETON */
}
