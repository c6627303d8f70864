/* build.c - building a chapter's suite with make, and turning a failed
 * build into words a learner can act on (the compiler's first messages, and
 * "missing function X" for a link that found no definition).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmgrade.h"

/* The first max_lines lines of text, malloc'd. */
static char *first_lines(const char *text, int max_lines)
{
    const char *p = text;
    for (int i = 0; i < max_lines && *p; i++) {
        p = strchr(p, '\n');
        if (p == NULL) {
            p = text + strlen(text);
            break;
        }
        p++;
    }
    size_t n = (size_t)(p - text);
    char *copy = pg_malloc(n + 1);
    memcpy(copy, text, n);
    copy[n] = '\0';
    return copy;
}

/* "missing function A, B" from every "undefined reference to `X'". */
static char *missing_functions(const char *log)
{
    char *names = pg_strdup("");
    int count = 0;
    const char *needle = "undefined reference to `";
    for (const char *p = strstr(log, needle); p != NULL; p = strstr(p, needle)) {
        p += strlen(needle);
        size_t n = strcspn(p, "'\n");
        char name[256];
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        /* the same name is reported once per caller */
        char padded[260];
        snprintf(padded, sizeof padded, " %s,", name);
        char *seen = pg_printf(" %s,", names);
        int dup = strstr(seen, padded) != NULL;
        free(seen);
        if (dup)
            continue;
        char *more = pg_printf("%s%s%s", names, count ? ", " : "", name);
        free(names);
        names = more;
        count++;
    }
    if (count == 0) {
        free(names);
        return NULL;
    }
    char *msg = pg_printf("missing function%s %s: %s", count > 1 ? "s" : "", names,
                          count > 1 ? "they are declared but never defined (renamed or deleted?)"
                                    : "it is declared but never defined (renamed or deleted?)");
    free(names);
    return msg;
}

int pg_build_suite(const PgOptions *o, const char *slug, const char *submission,
                   const char *variant, const char *out_dir, const char *log_path,
                   const char **build, char **log, char **message)
{
    *build = "ok";
    *log = NULL;
    *message = NULL;
    char *ch = pg_printf("CH=%s", slug);
    char *sub = pg_printf("SUBMISSION=%s", submission);
    char *out = pg_printf("OUT=%s", out_dir);
    char *var = pg_printf("VARIANT=%s", variant);
    char *stack = pg_printf("STACK=%s", o->stack);
    char *argv[] = {"make", "-s", "--no-print-directory", "-C", (char *)o->root, "suite",
                    ch, sub, out, var, stack, NULL};
    char *env[] = {"MAKEFLAGS", "MFLAGS", NULL};
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.env = env;
    p.out_path = log_path;
    p.err_path = NULL;
    p.limit = PG_BUILD_LIMIT;
    pg_run_proc(&p);
    free(ch);
    free(sub);
    free(out);
    free(var);
    free(stack);

    char *text = pg_read_file(log_path, 1 << 20);
    char *clean = pg_clean_text(text ? text : "");
    free(text);
    if (p.exited && p.code == 0) {
        free(clean);
        return 0;
    }
    *log = first_lines(clean, 40);
    char *missing = missing_functions(clean);
    if (missing != NULL) {
        *build = "link-error";
        *message = missing;
    } else {
        *build = "compile-error";
        if (p.timed_out) {
            *message = pg_printf("the build did not finish within %.0f s", PG_BUILD_LIMIT);
        } else if (p.spawn_failed) {
            *message = pg_strdup("could not run make");
        } else {
            /* The compiler's first error says the most. */
            const char *e = strstr(clean, "error:");
            const char *start = e;
            while (start != NULL && start > clean && start[-1] != '\n')
                start--;
            if (start != NULL) {
                size_t n = strcspn(start, "\n");
                *message = pg_printf("does not compile: %.*s", (int)n, start);
            } else {
                *message = pg_strdup("the build failed (see the build log)");
            }
        }
    }
    free(clean);
    return -1;
}

int pg_build_pmrun_ref(const PgOptions *o)
{
    static int state = 0; /* 0 not tried, 1 built, -1 failed */
    if (state != 0)
        return state == 1 ? 0 : -1;
    char *log = pg_printf("%s/builds/pmrun-ref.log", o->out);
    char *argv[] = {"make", "-s", "--no-print-directory", "-C", (char *)o->root, "pmrun-ref", NULL};
    char *env[] = {"MAKEFLAGS", "MFLAGS", NULL};
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.env = env;
    p.out_path = log;
    p.limit = PG_BUILD_LIMIT;
    pg_run_proc(&p);
    free(log);
    state = p.exited && p.code == 0 ? 1 : -1;
    return state == 1 ? 0 : -1;
}
