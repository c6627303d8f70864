/* pm_obmalloc.h - the contract of chapter 2: pymalloc, CPython's allocator
 * for small objects (blocks in pools in arenas).
 *
 * Everything in the "you write" block is implemented in
 * skeletons/02-pymalloc/obmalloc.c (yours) and solutions/02-pymalloc/obmalloc.c
 * (the reference).  The geometry, the structures and the state are CPython's:
 * Objects/obmalloc.c in 3.11, and Include/internal/pycore_obmalloc.h in 3.12,
 * where the same declarations moved and the globals became one state struct.
 */
#ifndef PM_OBMALLOC_H
#define PM_OBMALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pm_mem.h"
#include "pm_object.h" /* Pm_ssize_t */

/* CPython's names for a byte of a block and an unsigned int (3.12:
 * pymem_block, pymem_uint; obmalloc.c spells them `block` and `uint`). */
typedef uint8_t pymem_block;
typedef unsigned int pymem_uint;

/* ---- Geometry ------------------------------------------------------------
 * Blocks are ALIGNMENT apart, so a request of n bytes (1 <= n <= 512) is
 * served from size class (n - 1) >> ALIGNMENT_SHIFT, whose blocks are
 * INDEX2SIZE(class) bytes: 16, 32, ..., 512.  (64-bit builds; 32-bit ones use
 * 8-byte alignment and 64 classes.) */
#define ALIGNMENT 16
#define ALIGNMENT_SHIFT 4
#define SMALL_REQUEST_THRESHOLD 512
#define NB_SMALL_SIZE_CLASSES (SMALL_REQUEST_THRESHOLD / ALIGNMENT)
#define INDEX2SIZE(I) (((pymem_uint)(I) + 1) << ALIGNMENT_SHIFT)

/* Since 3.10, 64-bit builds track arenas in a radix tree
 * (WITH_PYMALLOC_RADIX_TREE), which frees pools from the page size: 1 MiB
 * arenas of 16 KiB pools (USE_LARGE_ARENAS, USE_LARGE_POOLS).  Compile with
 * -DPm_PYMALLOC_OLD_GEOMETRY for the geometry before 3.10: 256 KiB arenas of
 * 4 KiB pools, where PmObject_Free tells its blocks from malloc's with
 * address_in_range, which reads the pool header of any pointer. */
#ifdef Pm_PYMALLOC_OLD_GEOMETRY
#define WITH_PYMALLOC_RADIX_TREE 0
#define ARENA_BITS 18 /* 256 KiB */
#define POOL_BITS 12 /* 4 KiB, one system page */
#else
#define WITH_PYMALLOC_RADIX_TREE 1
#define ARENA_BITS 20 /* 1 MiB */
#define POOL_BITS 14 /* 16 KiB */
#endif

#define SYSTEM_PAGE_SIZE (4 * 1024)
#define ARENA_SIZE ((size_t)1 << ARENA_BITS)
#define ARENA_SIZE_MASK (ARENA_SIZE - 1)
#define POOL_SIZE ((size_t)1 << POOL_BITS)
#define POOL_SIZE_MASK (POOL_SIZE - 1)
#define MAX_POOLS_IN_ARENA (ARENA_SIZE / POOL_SIZE) /* 64 in both geometries */

/* The arena_object table starts with this many entries and doubles. */
#define INITIAL_ARENA_OBJECTS 16

/* ---- Pools ----------------------------------------------------------------
 * A pool is POOL_SIZE bytes, POOL_SIZE-aligned, holding blocks of one size
 * class after its header.  It is in exactly one of three states:
 *   used  - some blocks allocated, some free: linked in usedpools[2*szidx];
 *   full  - every block allocated: linked nowhere;
 *   empty - no block allocated: on its arena's freepools list, ready to
 *           serve any size class.
 * Blocks are carved lazily: nextoffset is the offset of the first block
 * never handed out, and the free list holds only blocks freed since. */
struct pool_header {
    union {
        pymem_block *_padding;
        pymem_uint count; /* number of allocated blocks */
    } ref;
    pymem_block *freeblock; /* first free block, chained through the
                                     blocks' first word; NULL when none */
    struct pool_header *nextpool; /* next pool of this size class (used) or
                                     next empty pool of the arena (empty) */
    struct pool_header *prevpool; /* previous pool of this size class */
    pymem_uint arenaindex; /* index of the arena in arenas[] */
    pymem_uint szidx; /* size class */
    pymem_uint nextoffset; /* offset of the next virgin block */
    pymem_uint maxnextoffset; /* largest valid nextoffset */
};
typedef struct pool_header *poolp;

/* The header, rounded up so the first block stays ALIGNMENT-aligned: 48. */
#define POOL_OVERHEAD ((sizeof(struct pool_header) + (ALIGNMENT - 1)) & ~(size_t)(ALIGNMENT - 1))

/* The size class of a pool taken from an arena but never used
 * (CPython's DUMMY_SIZE_IDX). */
#define DUMMY_SIZE_IDX 0xffff

/* The pool holding the block at address P. */
#define POOL_ADDR(P) ((poolp)((uintptr_t)(P) & ~(uintptr_t)POOL_SIZE_MASK))

/* How many blocks of class I fit in a pool (CPython's NUMBLOCKS). */
#define NUMBLOCKS(I) ((pymem_uint)(POOL_SIZE - POOL_OVERHEAD) / INDEX2SIZE(I))

/* ---- Arenas ---------------------------------------------------------------
 * An arena is ARENA_SIZE bytes from the arena allocator, cut into pools.
 * Each has an arena_object in the table `arenas`.  An arena_object with
 * address 0 has no arena: it is on the singly linked unused_arena_objects
 * list (through nextarena).  Otherwise, if the arena has a free pool, it is
 * on the doubly linked usable_arenas list, kept sorted by nfreepools,
 * fewest first, so that the fullest arenas are used first and the emptiest
 * get a chance to become entirely free and go back to the OS. */
struct arena_object {
    uintptr_t address; /* from the arena allocator; 0 if none */
    pymem_block *pool_address; /* next pool-aligned address never used */
    pymem_uint nfreepools; /* empty pools plus never-used pools */
    pymem_uint ntotalpools; /* whole pools in the arena (64, or 63 if
                                     one was lost to alignment) */
    struct pool_header *freepools; /* empty pools, singly linked */
    struct arena_object *nextarena;
    struct arena_object *prevarena;
};

/* ---- The radix tree (3.10+, WITH_PYMALLOC_RADIX_TREE) ----------------------
 * Maps every address to "inside an arena or not" with three levels indexed
 * by the address's high bits: 15 + 15 + 14 bits, then ARENA_BITS (20) of
 * offset.  A leaf entry covers one "ideal" (ARENA_SIZE-aligned) slot of the
 * address space; an arena that is not aligned overlaps two slots: the first
 * records where the arena starts (tail_hi: offsets >= tail_hi are in it),
 * the second where it ends (tail_lo: offsets < tail_lo are in it).  An
 * aligned arena sets tail_hi = -1 in its one slot. */
#if WITH_PYMALLOC_RADIX_TREE
#define POINTER_BITS 64
#define IGNORE_BITS 0 /* bpo-45526: index all 64 bits */
#define ADDRESS_BITS (POINTER_BITS - IGNORE_BITS)
#define INTERIOR_BITS ((ADDRESS_BITS - ARENA_BITS + 2) / 3)
#define MAP_TOP_BITS INTERIOR_BITS
#define MAP_TOP_LENGTH (1 << MAP_TOP_BITS)
#define MAP_TOP_MASK (MAP_TOP_LENGTH - 1)
#define MAP_MID_BITS INTERIOR_BITS
#define MAP_MID_LENGTH (1 << MAP_MID_BITS)
#define MAP_MID_MASK (MAP_MID_LENGTH - 1)
#define MAP_BOT_BITS (ADDRESS_BITS - ARENA_BITS - 2 * INTERIOR_BITS)
#define MAP_BOT_LENGTH (1 << MAP_BOT_BITS)
#define MAP_BOT_MASK (MAP_BOT_LENGTH - 1)
#define MAP_BOT_SHIFT ARENA_BITS
#define MAP_MID_SHIFT (MAP_BOT_BITS + MAP_BOT_SHIFT)
#define MAP_TOP_SHIFT (MAP_MID_BITS + MAP_MID_SHIFT)
#define MAP_BOT_INDEX(p) ((int)(((uintptr_t)(p) >> MAP_BOT_SHIFT) & MAP_BOT_MASK))
#define MAP_MID_INDEX(p) ((int)(((uintptr_t)(p) >> MAP_MID_SHIFT) & MAP_MID_MASK))
#define MAP_TOP_INDEX(p) ((int)(((uintptr_t)(p) >> MAP_TOP_SHIFT) & MAP_TOP_MASK))

typedef struct {
    int32_t tail_hi;
    int32_t tail_lo;
} arena_coverage_t;

typedef struct arena_map_bot {
    arena_coverage_t arenas[MAP_BOT_LENGTH];
} arena_map_bot_t;

typedef struct arena_map_mid {
    struct arena_map_bot *ptrs[MAP_MID_LENGTH];
} arena_map_mid_t;

typedef struct arena_map_top {
    struct arena_map_mid *ptrs[MAP_TOP_LENGTH];
} arena_map_top_t;
#endif

/* ---- The allocator's state (3.12's struct _obmalloc_state) ----------------
 * obmalloc.c in 3.11 keeps these as file-level statics.  One struct here, so
 * the grader and the heap pictures can read the state of whichever layer is
 * linked.  Defined, and statically initialised, in the layer's file. */
#define USEDPOOLS_SIZE (2 * ((NB_SMALL_SIZE_CLASSES + 7) / 8) * 8)

typedef struct {
    /* usedpools[2*i] and [2*i+1] are the list head of size class i's used
     * pools, in CPython's disguise (see PTA in obmalloc.c). */
    poolp usedpools[USEDPOOLS_SIZE];

    struct arena_object *arenas; /* the table, PmMem_Raw-style realloc'd */
    pymem_uint maxarenas; /* entries in the table */
    struct arena_object *unused_arena_objects; /* entries with no arena */
    struct arena_object *usable_arenas; /* arenas with a free pool, sorted */
    /* nfp2lasta[n]: the last arena in usable_arenas with n free pools, or
     * NULL if none has exactly n. */
    struct arena_object *nfp2lasta[MAX_POOLS_IN_ARENA + 1];

    size_t narenas_currently_allocated;
    size_t ntimes_arena_allocated; /* total ever; reclaimed = this - current */
    size_t narenas_highwater;
    Pm_ssize_t raw_allocated_blocks; /* live blocks from malloc (0 bytes or
                                        > SMALL_REQUEST_THRESHOLD) */
#if WITH_PYMALLOC_RADIX_TREE
    arena_map_top_t arena_map_root;
    int arena_map_mid_count; /* interior nodes allocated */
    int arena_map_bot_count; /* leaves allocated */
#endif
} PmObmallocState;

extern PmObmallocState _PmObmalloc_state;

/* ---- Statistics for tests (figures of _PmObject_DebugMallocStats) ------- */
typedef struct {
    struct {
        size_t size; /* INDEX2SIZE(i) */
        size_t pools; /* used and full pools of this class */
        size_t blocks_in_use; /* allocated blocks */
        size_t free_blocks; /* free plus virgin blocks in those pools */
    } classes[NB_SMALL_SIZE_CLASSES];
    size_t arenas_allocated_total; /* ntimes_arena_allocated */
    size_t arenas_reclaimed; /* returned to the arena allocator */
    size_t arenas_highwater;
    size_t arenas_current;
    size_t unused_pools; /* empty or never-used pools */
    size_t allocated_bytes; /* blocks in use * their size */
    size_t available_bytes; /* free blocks * their size */
    size_t pool_header_bytes; /* POOL_OVERHEAD per pool in use */
    size_t quantization_bytes; /* left over at the end of pools */
    size_t arena_alignment_bytes; /* pools lost to unaligned arenas */
    Pm_ssize_t raw_allocated_blocks;
} PmMallocStats;

/* ======================= you write (chapter 2) ========================== */

/* pm_mem.h's object domain: PmObject_Malloc, PmObject_Calloc,
 * PmObject_Realloc, PmObject_Free (CPython: _PyObject_Malloc ...). */

/* sys._debugmallocstats(): the report of CPython 3.11's
 * _PyObject_DebugMallocStats, same lines, same format. */
void _PmObject_DebugMallocStats(FILE *out);

/* The heap checker (Malloc Lab's mm_checkheap): 0 if every pool and arena
 * invariant holds; otherwise -1, with one sentence in why[0..whylen) saying
 * which invariant broke and where. */
int _PmObject_CheckHeap(char *why, size_t whylen);

/* Fill *st from the state, as _PmObject_DebugMallocStats computes it. */
void _PmObject_GetMallocStats(PmMallocStats *st);

/* ======================= given (runtime) ================================ */

/* Where arenas come from (CPython: PyObjectArenaAllocator, PEP 445).  The
 * default maps ARENA_SIZE bytes with mmap and unmaps them; tests install
 * their own, e.g. one whose arenas are never POOL_SIZE-aligned, to make
 * "bytes lost to arena alignment" reproducible. */
typedef struct {
    void *ctx;
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
} PmObjectArenaAllocator;

void PmObject_GetArenaAllocator(PmObjectArenaAllocator *allocator);
void PmObject_SetArenaAllocator(PmObjectArenaAllocator *allocator);

/* The arena allocator in use: what the layer calls (CPython:
 * _PyObject_VirtualAlloc / _PyObject_VirtualFree). */
void *_PmObject_VirtualAlloc(size_t size);
void _PmObject_VirtualFree(void *ptr, size_t size);

/* Draw the allocator's heap as _PmObmalloc_state shows it (runtime/
 * viz/arenaviz.c, Graphviz): one box per arena, one node per pool carved from
 * it, coloured by state (used, full, empty), with the order of
 * usable_arenas.  Safe on a broken heap: every pointer is checked against
 * the arena table before it is followed, and what does not add up is drawn
 * as a red note.  format is "svg", "dot" or "png"; title may be NULL.
 * 0 on success. */
int PmArena_Render(const char *path, const char *format, const char *title);

#endif /* PM_OBMALLOC_H */
