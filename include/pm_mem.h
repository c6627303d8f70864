/* pm_mem.h - the memory allocators (CPython's Include/pymem.h, objimpl.h).
 *
 * The object domain (PmObject_*) serves every object the runtime creates;
 * the mem domain (PmMem_*) serves item arrays and other buffers.  Chapter 2
 * replaces the object domain with the small-object allocator; until then the
 * runtime's default passes both domains to the C library's malloc.
 */
#ifndef PM_MEM_H
#define PM_MEM_H

#include <stddef.h>

void *PmMem_Malloc(size_t size);
void *PmMem_Calloc(size_t nelem, size_t elsize);
void *PmMem_Realloc(void *ptr, size_t size);
void PmMem_Free(void *ptr);
/* Blocks of the mem domain (PmMem_*) not yet freed. */
long _PmMem_GetLiveBlocks(void);

void *PmObject_Malloc(size_t size);
void *PmObject_Calloc(size_t nelem, size_t elsize);
void *PmObject_Realloc(void *ptr, size_t size);
void PmObject_Free(void *ptr);

#endif /* PM_MEM_H */
