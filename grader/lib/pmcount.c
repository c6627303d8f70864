/* pmcount.c - the counter behind pmcount.h.  This file itself is compiled
 * without COUNT_CFLAGS, or it would count its own calls. */
#include "pmcount.h"

static unsigned long long blocks;

void __sanitizer_cov_trace_pc(void);

void __sanitizer_cov_trace_pc(void)
{
    blocks++;
}

unsigned long long pm_count_blocks(void)
{
    return blocks;
}
