/* pmreplay.c - replays an allocation trace (grader/traces/README.md) through
 * whatever object allocator is linked in, checking alignment, overlap and
 * arena membership of every payload, and optionally its contents, the heap
 * checker after every operation, and the final statistics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_obmalloc.h"
#include "../../grader/traces/pmtrace.h"

enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_BAD_TRACE = 2 };

/* Compare every live payload with every other this often; on big traces,
 * less often (a wrong allocator shows itself through --fill too). */
#define OVERLAP_EVERY_SMALL 1
#define OVERLAP_EVERY_BIG 1000
#define BIG_TRACE_OPS 20000

static void usage(FILE *f)
{
    fprintf(f, "usage: pmreplay [--check] [--stats] [--fill] [--heap-svg FILE] TRACE\n"
               "\n"
               "Replay TRACE (lines 'a ID SIZE', 'c ID N SIZE', 'r ID SIZE', 'f ID') through\n"
               "the linked PmObject_* allocator.  Every payload must be 16-byte aligned, overlap\n"
               "no other, and lie in an arena exactly when it is 1..512 bytes.\n"
               "\n"
               "options:\n"
               "  --fill    write a pattern into every payload; check it on realloc and free\n"
               "  --check   run the heap checker (_PmObject_CheckHeap) after every operation\n"
               "  --stats   print _PmObject_DebugMallocStats at the end\n"
               "  --heap-svg FILE  draw the arenas and pools into FILE at the end, or where a\n"
               "            check failed (FILE.png or FILE.dot for those formats)\n"
               "  --stop-after LINE  replay the trace only up to that line (and draw there)\n"
               "\n"
               "Arenas come from a deterministic arena allocator (each arena 4 KiB past a\n"
               "pool boundary), so --stats prints the same on every run.\n"
               "\n"
               "exit status: 0 ok, 1 a check failed (the message names the trace line),\n"
               "             2 the trace is malformed or unreadable\n");
}

/* Draw the heap into svg (if asked), titled with the trace and what
 * happened; the format follows the file's extension. */
static void draw(const char *svg, const char *trace, const char *what)
{
    if (svg == NULL)
        return;
    const char *dot = strrchr(svg, '.');
    const char *format = dot != NULL && strcmp(dot, ".png") == 0   ? "png"
                         : dot != NULL && strcmp(dot, ".dot") == 0 ? "dot"
                                                                   : "svg";
    const char *base = strrchr(trace, '/');
    char title[1536];
    snprintf(title, sizeof title, "%s, %s", base != NULL ? base + 1 : trace, what);
    if (PmArena_Render(svg, format, title) != 0)
        fprintf(stderr, "pmreplay: could not draw the heap into %s\n", svg);
}

int main(int argc, char **argv)
{
    int check = 0, stats = 0, fill = 0;
    const char *path = NULL, *svg = NULL;
    long stop_after = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--heap-svg") == 0 && i + 1 < argc)
            svg = argv[++i];
        else if (strcmp(argv[i], "--stop-after") == 0 && i + 1 < argc &&
                 (stop_after = strtol(argv[++i], NULL, 10)) > 0)
            continue;
        else if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else if (strcmp(argv[i], "--stats") == 0)
            stats = 1;
        else if (strcmp(argv[i], "--fill") == 0)
            fill = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' || path != NULL) {
            usage(stderr);
            return EXIT_BAD_TRACE;
        } else
            path = argv[i];
    }
    if (path == NULL) {
        usage(stderr);
        return EXIT_BAD_TRACE;
    }

    char msg[1024];
    PmTrace trace = {0};
    if (pm_trace_load(path, &trace, msg, sizeof msg) != 0) {
        fprintf(stderr, "pmreplay: %s: %s\n", path, msg);
        return EXIT_BAD_TRACE;
    }

    if (stop_after > 0)
        while (trace.nops > 0 && trace.ops[trace.nops - 1].line > stop_after)
            trace.nops--;

    static PmTraceArenas arenas;
    pm_trace_install_arenas(&arenas, SYSTEM_PAGE_SIZE);
    PmTraceLayer layer = {PmObject_Malloc,
                          PmObject_Calloc,
                          PmObject_Realloc,
                          PmObject_Free,
                          check ? _PmObject_CheckHeap : NULL,
                          &_PmObmalloc_state};
    PmTraceOptions opt = {
        .fill = fill,
        .check_every = check ? 1 : 0,
        .overlap_every = trace.nops <= BIG_TRACE_OPS ? OVERLAP_EVERY_SMALL : OVERLAP_EVERY_BIG,
    };
    PmTraceSlot *slots = NULL;
    if (pm_trace_replay(&trace, &layer, &opt, &slots, msg, sizeof msg) != 0) {
        fprintf(stderr, "pmreplay: %s: %s\n", path, msg);
        draw(svg, path, msg);
        return EXIT_CHECK_FAILED;
    }
    if (stats)
        _PmObject_DebugMallocStats(stdout);
    char where[64];
    snprintf(where, sizeof where, "after line %ld", stop_after);
    draw(svg, path, stop_after > 0 ? where : "at its end");
    pm_trace_release(&trace, &layer, slots);
    pm_trace_clear(&trace);
    return EXIT_OK;
}
