/* reference.c - the reference allocator (solutions/02-pymalloc/obmalloc.c),
 * compiled into the suite under other names, so the performance tests can
 * time it and yours on the same traces in the same process.
 */
#define PmObject_Malloc ref_PmObject_Malloc
#define PmObject_Calloc ref_PmObject_Calloc
#define PmObject_Realloc ref_PmObject_Realloc
#define PmObject_Free ref_PmObject_Free
#define _PmObject_DebugMallocStats ref_PmObject_DebugMallocStats
#define _PmObject_CheckHeap ref_PmObject_CheckHeap
#define _PmObject_GetMallocStats ref_PmObject_GetMallocStats
#define _PmObmalloc_state ref_PmObmalloc_state

#include "../../../solutions/02-pymalloc/obmalloc.c"
