/* arena.c - where pymalloc's arenas come from (CPython's
 * PyObjectArenaAllocator, PEP 445).  The default maps anonymous memory with
 * mmap; tests and pictures install their own with PmObject_SetArenaAllocator.
 */
#include <sys/mman.h>

#include "pm_obmalloc.h"

/* Fresh pages from the kernel: zero-filled and touched only when used, so
 * pools that are never carved cost no physical memory.  Returns NULL when
 * the kernel says no (CPython's _PyObject_ArenaMmap). */
static void *arena_mmap(void *ctx, size_t size)
{
    (void)ctx;
    void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return ptr == MAP_FAILED ? NULL : ptr;
}

static void arena_munmap(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    munmap(ptr, size);
}

static PmObjectArenaAllocator arena_allocator = {NULL, arena_mmap, arena_munmap};

void PmObject_GetArenaAllocator(PmObjectArenaAllocator *allocator)
{
    *allocator = arena_allocator;
}

/* Install a new arena allocator.  Call it before the first arena is
 * allocated, or restore the old one before the arenas it gave are freed:
 * an arena goes back to the allocator that is current when it is freed. */
void PmObject_SetArenaAllocator(PmObjectArenaAllocator *allocator)
{
    arena_allocator = *allocator;
}

void *_PmObject_VirtualAlloc(size_t size)
{
    return arena_allocator.alloc(arena_allocator.ctx, size);
}

void _PmObject_VirtualFree(void *ptr, size_t size)
{
    arena_allocator.free(arena_allocator.ctx, ptr, size);
}
