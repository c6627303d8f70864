/* pmgcsteps.c - runs a scenario, then performs one full collection step by
 * step with the linked chapter-3 and chapter-4 layers, drawing the heap
 * after each step: the pictures of chapter 3, drawn by the code itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmlab.h"
#include "pm_gc_internal.h"

enum { EXIT_OK = 0, EXIT_PYERROR = 1, EXIT_UNSUPPORTED = 2, EXIT_IO = 3, EXIT_LEAK = 4 };

static void usage(FILE *f)
{
    fprintf(f, "usage: pmgcsteps [options] --out PREFIX FILE.py\n"
               "\n"
               "Run a scenario on the linked layers, keep its names, then collect all\n"
               "generations one step at a time, drawing the heap (with gc_refs and\n"
               "generations) after each step:\n"
               "  PREFIX-0-before.svg            before the collection starts\n"
               "  PREFIX-1-update_refs.svg       gc_refs = the reference count\n"
               "  PREFIX-2-subtract_refs.svg     gc_refs = references from outside\n"
               "  PREFIX-3-move_unreachable.svg  the unreachable list set apart\n"
               "  PREFIX-4-after.svg             after delete_garbage\n"
               "\n"
               "options:\n"
               "  --out PREFIX      where the pictures go (required)\n"
               "  --format F        svg (default), png or dot\n"
               "  --stop-after N    stop the scenario after N lines of output\n"
               "  --help            show this help\n"
               "\n"
               "exit status: 0 ok, 1 Python error, 2 outside the supported subset or\n"
               "             bad usage, 3 file not readable or picture not written,\n"
               "             4 objects or references leaked\n");
}

static int need_value(int i, int argc, const char *opt)
{
    if (i + 1 < argc)
        return 1;
    fprintf(stderr, "pmgcsteps: %s needs a value (see pmgcsteps --help)\n", opt);
    return 0;
}

/* Draw the heap as it is now, the module's names as roots, to
 * PREFIX-<step>.<format>.  0 on success. */
static int draw(const char *prefix, const char *format, const char *step, const char *title)
{
    char path[4096];
    PmHeapDrawOptions opt = {0};

    snprintf(path, sizeof path, "%s-%s.%s", prefix, step, format);
    opt.title = title;
    opt.roots = PmRun_Globals();
    opt.show_gc = 1;
    if (PmHeap_Render(path, format, &opt) != 0) {
        fprintf(stderr, "pmgcsteps: could not draw %s\n", path);
        return -1;
    }
    return 0;
}

/* gc_collect_main(NUM_GENERATIONS - 1), taken apart so that the heap can be
 * drawn between the steps of deduce_unreachable and after delete_garbage.
 * The counts and statistics gc.get_count() and gc.get_stats() show are left
 * alone: the collection is a look inside, not one the program asked for.
 * Returns the number of unreachable objects found, or -1 if a picture could
 * not be written (the collection still runs to its end). */
static Pm_ssize_t collect_step_by_step(const char *prefix, const char *format)
{
    int failed = 0;
    const int generation = NUM_GENERATIONS - 1;
    PmGC_Head unreachable;

    failed |= draw(prefix, format, "0-before", "before the collection") != 0;

    _PmGC_state.collecting = 1;
    for (int i = 0; i < generation; i++)
        gc_list_merge(GEN_HEAD(i), GEN_HEAD(generation));
    PmGC_Head *young = GEN_HEAD(generation);

    /* Initialised before the state points at it: the pictures walk it. */
    gc_list_init(&unreachable);
    _PmGC_state.collecting_generation = generation;
    _PmGC_state.unreachable = &unreachable;

    update_refs(young);
    failed |= draw(prefix, format, "1-update_refs",
                   "after update_refs: gc_refs = the reference count") != 0;
    subtract_refs(young);
    failed |= draw(prefix, format, "2-subtract_refs",
                   "after subtract_refs: gc_refs = references from outside the generations") != 0;
    move_unreachable(young, &unreachable);
    failed |=
        draw(prefix, format, "3-move_unreachable",
             "after move_unreachable: what no object with gc_refs > 0 reaches is set apart") != 0;

    untrack_tuples(young);
    untrack_dicts(young);
    clear_unreachable_mask(&unreachable);
    Pm_ssize_t found = gc_list_size(&unreachable);
    delete_garbage(&unreachable, young);

    _PmGC_state.unreachable = NULL;
    _PmGC_state.collecting = 0;
    failed |= draw(prefix, format, "4-after", "after delete_garbage") != 0;
    return failed ? -1 : found;
}

int main(int argc, char **argv)
{
    PmRunOptions opt = {0};
    const char *path = NULL, *prefix = NULL, *format = "svg";

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--stop-after") == 0) {
            char *end;
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            opt.stop_after_output = strtol(argv[++i], &end, 10);
            if (*end != '\0' || opt.stop_after_output < 1) {
                fprintf(stderr,
                        "pmgcsteps: --stop-after wants a positive number of lines, not '%s'\n",
                        argv[i]);
                return EXIT_UNSUPPORTED;
            }
        } else if (strcmp(a, "--out") == 0) {
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            prefix = argv[++i];
        } else if (strcmp(a, "--format") == 0) {
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            format = argv[++i];
            if (strcmp(format, "svg") != 0 && strcmp(format, "png") != 0 &&
                strcmp(format, "dot") != 0) {
                fprintf(stderr, "pmgcsteps: --format knows svg, png and dot, not '%s'\n", format);
                return EXIT_UNSUPPORTED;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "pmgcsteps: unknown option '%s' (see pmgcsteps --help)\n", a);
            return EXIT_UNSUPPORTED;
        } else if (path == NULL) {
            path = a;
        } else {
            fprintf(stderr, "pmgcsteps: one scenario at a time ('%s' and '%s')\n", path, a);
            return EXIT_UNSUPPORTED;
        }
    }
    if (path == NULL || prefix == NULL) {
        usage(stderr);
        return EXIT_UNSUPPORTED;
    }

    PmRuntime_Init();
    /* The baseline, as pmrun takes it: only the scenario's objects count. */
    PmGC_Collect();
    Pm_ssize_t objects_before = _Pm_GetLiveObjects();
    Pm_ssize_t refs_before = _Pm_GetRefTotal();

    opt.keep_globals = 1;
    PmRunResult res;
    PmRunStatus status = PmRun_File(path, &opt, &res);
    fflush(stdout);

    int code = status == PmRun_OK            ? EXIT_OK
               : status == PmRun_Error       ? EXIT_PYERROR
               : status == PmRun_Unsupported ? EXIT_UNSUPPORTED
                                             : EXIT_IO;
    if (status == PmRun_OK) {
        Pm_ssize_t found = collect_step_by_step(prefix, format);
        if (found < 0)
            code = EXIT_IO;
        else
            fprintf(stderr, "pmgcsteps: the collection found %zd unreachable object%s\n", found,
                    found == 1 ? "" : "s");
    }
    if (status != PmRun_IOError) {
        PmRun_ClearGlobals();
        PmGC_Collect();
        Pm_ssize_t objects = _Pm_GetLiveObjects() - objects_before;
        Pm_ssize_t refs = _Pm_GetRefTotal() - refs_before;
        if (objects != 0 || refs != 0) {
            fprintf(
                stderr,
                "pmlab: leak: %zd object%s and %zd reference%s still alive after the module was torn down\n",
                objects, objects == 1 ? "" : "s", refs, refs == 1 ? "" : "s");
            if (code == EXIT_OK)
                code = EXIT_LEAK;
        }
    }
    PmRuntime_Fini();
    return code;
}
