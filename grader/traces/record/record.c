/* record.c - an object allocator that records what it is asked: linked into
 * pmrun in place of chapter 2's layer, it serves every request from malloc
 * and writes each one as a trace line (grader/traces/README.md) to the file
 * named by $PMTRACE_OUT.  This is how the recorded traces were made:
 *
 *     PMTRACE_OUT=f.trace pmrun-record scenario.py
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pm_mem.h"

/* Live pointers get small IDs: an open-addressing table from pointer to
 * ID, and a stack of IDs freed, reused latest first. */
#define TABLE_BITS 20
#define TABLE_SIZE ((size_t)1 << TABLE_BITS)

typedef struct {
    void *p;
    unsigned id;
} Entry;

static Entry *table;
static unsigned *free_ids;
static size_t nfree, free_cap;
static unsigned next_id;
static FILE *out;
static int tried;

static FILE *trace_file(void)
{
    if (!tried) {
        tried = 1;
        const char *path = getenv("PMTRACE_OUT");
        table = calloc(TABLE_SIZE, sizeof *table);
        if (path != NULL && table != NULL) {
            out = fopen(path, "w");
            if (out != NULL)
                fprintf(out, "# recorded by grader/traces/record/record.c\n");
        }
    }
    return out;
}

static size_t slot_of(void *p)
{
    size_t h = ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> (64 - TABLE_BITS);
    while (table[h].p != NULL && table[h].p != p)
        h = (h + 1) & (TABLE_SIZE - 1);
    return h;
}

static unsigned take_id(void *p)
{
    unsigned id = nfree > 0 ? free_ids[--nfree] : next_id++;
    size_t h = slot_of(p);
    table[h].p = p;
    table[h].id = id;
    return id;
}

/* Remove p from the table (backward-shift deletion keeps probing valid);
 * returns its ID. */
static unsigned unlink_ptr(void *p)
{
    size_t h = slot_of(p);
    unsigned id = table[h].id;
    table[h].p = NULL;
    for (size_t j = (h + 1) & (TABLE_SIZE - 1); table[j].p != NULL;
         j = (j + 1) & (TABLE_SIZE - 1)) {
        Entry e = table[j];
        table[j].p = NULL;
        table[slot_of(e.p)] = e;
    }
    return id;
}

/* p is freed: its ID may serve the next allocation. */
static unsigned drop_id(void *p)
{
    unsigned id = unlink_ptr(p);
    if (nfree == free_cap) {
        size_t cap = free_cap ? 2 * free_cap : 1024;
        unsigned *grown = realloc(free_ids, cap * sizeof *grown);
        if (grown == NULL)
            return id;
        free_ids = grown;
        free_cap = cap;
    }
    free_ids[nfree++] = id;
    return id;
}

void *PmObject_Malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p != NULL && trace_file() != NULL)
        fprintf(out, "a %u %zu\n", take_id(p), size);
    return p;
}

void *PmObject_Calloc(size_t nelem, size_t elsize)
{
    void *p = calloc(nelem ? nelem : 1, elsize ? elsize : 1);
    if (p != NULL && trace_file() != NULL)
        fprintf(out, "c %u %zu %zu\n", take_id(p), nelem, elsize);
    return p;
}

void *PmObject_Realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return PmObject_Malloc(size);
    if (trace_file() == NULL)
        return realloc(ptr, size ? size : 1);
    /* The block keeps its ID wherever it moves. */
    unsigned id = unlink_ptr(ptr);
    void *p = realloc(ptr, size ? size : 1);
    size_t h = slot_of(p != NULL ? p : ptr);
    table[h].p = p != NULL ? p : ptr;
    table[h].id = id;
    if (p != NULL)
        fprintf(out, "r %u %zu\n", id, size);
    return p;
}

void PmObject_Free(void *ptr)
{
    if (ptr == NULL)
        return;
    if (trace_file() != NULL)
        fprintf(out, "f %u\n", drop_id(ptr));
    free(ptr);
}
