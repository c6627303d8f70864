/* pmrun.c - runs a scenario (a small Python program) on whatever layers are
 * linked in, prints what it prints, optionally draws the heap, and checks
 * that tearing the module down left no object or reference behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmlab.h"

enum { EXIT_OK = 0, EXIT_PYERROR = 1, EXIT_UNSUPPORTED = 2, EXIT_IO = 3, EXIT_LEAK = 4 };

static void usage(FILE *f)
{
    fprintf(f, "usage: pmrun [options] FILE.py\n"
               "\n"
               "Run a scenario on the linked layers and print what it prints (as python3 would).\n"
               "\n"
               "options:\n"
               "  --stop-after N    stop after N lines of output (and draw the heap there)\n"
               "  --heap-svg FILE   draw the heap as SVG when the run stops or ends\n"
               "  --heap-dot FILE   also write the heap graph as Graphviz DOT text\n"
               "  --teardown-svg FILE  draw what is left after the module is torn down\n"
               "                    (every object left is a leak; \"no objects\" if none)\n"
               "  --stress          collect on every allocation of a tracked object\n"
               "  --log             log every allocation, deallocation and collection on stderr\n"
               "  --python 3.11|3.13  behave as that CPython where a scenario can see it\n"
               "                    (3.13: gen-0 threshold 2000); default 3.11\n"
               "  --quiet-leaks     don't report objects left alive after the run\n"
               "  --help            show this help\n"
               "\n"
               "exit status: 0 ok, 1 Python error, 2 outside the supported subset,\n"
               "             3 file not readable, 4 objects or references leaked\n");
}

static int need_value(int i, int argc, const char *opt)
{
    if (i + 1 < argc)
        return 1;
    fprintf(stderr, "pmrun: %s needs a value (see pmrun --help)\n", opt);
    return 0;
}

int main(int argc, char **argv)
{
    PmRunOptions opt = {0};
    const char *path = NULL;
    int quiet_leaks = 0;
    const char *teardown_svg = NULL;

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
                fprintf(stderr, "pmrun: --stop-after wants a positive number of lines, not '%s'\n",
                        argv[i]);
                return EXIT_UNSUPPORTED;
            }
        } else if (strcmp(a, "--heap-svg") == 0) {
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            opt.heap_svg = argv[++i];
        } else if (strcmp(a, "--heap-dot") == 0) {
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            opt.heap_dot = argv[++i];
        } else if (strcmp(a, "--teardown-svg") == 0) {
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            teardown_svg = argv[++i];
        } else if (strcmp(a, "--stress") == 0) {
            _PmGC_stress = 1;
        } else if (strcmp(a, "--log") == 0) {
            _Pm_log_alloc = 1;
            _PmGC_log = 1;
        } else if (strcmp(a, "--python") == 0) {
            if (!need_value(i, argc, a))
                return EXIT_UNSUPPORTED;
            const char *v = argv[++i];
            if (strcmp(v, "3.11") == 0) {
                _Pm_newer_defaults = 0;
            } else if (strcmp(v, "3.13") == 0) {
                _Pm_newer_defaults = 1;
            } else {
                fprintf(stderr, "pmrun: --python knows 3.11 and 3.13, not '%s'\n", v);
                return EXIT_UNSUPPORTED;
            }
        } else if (strcmp(a, "--quiet-leaks") == 0) {
            quiet_leaks = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "pmrun: unknown option '%s' (see pmrun --help)\n", a);
            return EXIT_UNSUPPORTED;
        } else if (path == NULL) {
            path = a;
        } else {
            fprintf(stderr, "pmrun: one scenario at a time ('%s' and '%s')\n", path, a);
            return EXIT_UNSUPPORTED;
        }
    }
    if (path == NULL) {
        usage(stderr);
        return EXIT_UNSUPPORTED;
    }

    PmRuntime_Init();
    /* The baseline: whatever the runtime holds for itself, after a full
     * collection, so that only the scenario's own objects count. */
    PmGC_Collect();
    Pm_ssize_t objects_before = _Pm_GetLiveObjects();
    Pm_ssize_t refs_before = _Pm_GetRefTotal();
    PmHeapBaseline *baseline = teardown_svg != NULL ? PmHeap_TakeBaseline() : NULL;

    PmRunResult res;
    PmRunStatus status = PmRun_File(path, &opt, &res);
    fflush(stdout);

    int code = status == PmRun_OK            ? EXIT_OK
               : status == PmRun_Error       ? EXIT_PYERROR
               : status == PmRun_Unsupported ? EXIT_UNSUPPORTED
                                             : EXIT_IO;
    if (status != PmRun_IOError) {
        /* The module is gone; cycles it left are the collector's. */
        _PmGC_stress = 0;
        PmGC_Collect();
        Pm_ssize_t objects = _Pm_GetLiveObjects() - objects_before;
        Pm_ssize_t refs = _Pm_GetRefTotal() - refs_before;
        if (objects != 0 || refs != 0) {
            if (!quiet_leaks)
                fprintf(
                    stderr,
                    "pmlab: leak: %zd object%s and %zd reference%s still alive after the module was torn down%s%s\n",
                    objects, objects == 1 ? "" : "s", refs, refs == 1 ? "" : "s",
                    baseline != NULL ? "; drawn in " : "", baseline != NULL ? teardown_svg : "");
            if (code == EXIT_OK)
                code = EXIT_LEAK;
        }
        if (baseline != NULL) {
            char title[512];
            const char *base = strrchr(path, '/');
            snprintf(title, sizeof title, "%s, after the module was torn down: %s",
                     base != NULL ? base + 1 : path,
                     objects > 0 ? "every object left is a leak" : "nothing should be left");
            PmHeapDrawOptions draw = {.title = title, .since = baseline, .show_gc = 1};
            if (PmHeap_Render(teardown_svg, "svg", &draw) != 0)
                fprintf(stderr, "pmlab: could not draw the heap into %s\n", teardown_svg);
        }
    }
    PmHeap_FreeBaseline(baseline);
    PmRuntime_Fini();
    return code;
}
