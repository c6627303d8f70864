/* heap_picture.c - what a failing check of chapter 2's suite does first:
 * draw your arenas and pools as they were when it failed, for the grader's
 * report to show under the test's message.  And, when the grader runs the
 * same test on the reference (PMLAB_DRAW_AT), the reference's arenas at the
 * same check, to show beside yours.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pymalloc_suite.h"

/* Here the names mean Check's own functions again. */
#undef _ck_assert_failed
#undef _mark_point

typedef struct {
    char title[512];
} ArenaPicture;

static int render_arenas(const char *path, void *arg)
{
    return PmArena_Render(path, "svg", ((ArenaPicture *)arg)->title);
}

/* Draw $PMLAB_ARTIFACTS/<test>.svg.  Before any arena exists (the
 * performance tests replay in child processes) there is nothing to draw:
 * 0 if a picture was asked for. */
static int draw_arenas(const char *test, const char *title)
{
    if (_PmObmalloc_state.arenas == NULL)
        return -1;
    ArenaPicture picture;
    snprintf(picture.title, sizeof picture.title, "%s", title);
    pm_draw_failure(test, render_arenas, &picture);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* ---- how often each check was reached ------------------------------------ */

#define MAX_CHECKS 1024 /* distinct checks counted; the suite has about 200 */

static struct {
    const char *file;
    int line;
    long passed;
} checks[MAX_CHECKS];

/* The count of passes of the check at file:line, or NULL if the table is
 * full. */
static long *passes_of(const char *file, int line)
{
    unsigned h = (unsigned)line * 2654435761u;
    for (unsigned i = 0; i < MAX_CHECKS; i++) {
        unsigned k = (h + i) % MAX_CHECKS;
        if (checks[k].file == NULL) {
            checks[k].file = file;
            checks[k].line = line;
            return &checks[k].passed;
        }
        if (checks[k].line == line && strcmp(checks[k].file, file) == 0)
            return &checks[k].passed;
    }
    return NULL;
}

/* ---- the reference's picture at the learner's failing check --------------- */

/* PMLAB_DRAW_AT="test_units.c:695:3": draw when the check at that line
 * passes for the third time.  Read at the first check of the test. */
static struct {
    int read, wanted, drawn;
    char file[64];
    int line;
    long n;
} draw_at;

static void draw_at_the_end(void)
{
    if (draw_at.drawn)
        return;
    draw_at.drawn = 1;
    long passed = 0;
    for (int k = 0; k < MAX_CHECKS; k++)
        if (checks[k].file != NULL && checks[k].line == draw_at.line &&
            strcmp(base_name(checks[k].file), draw_at.file) == 0)
            passed = checks[k].passed;
    char title[512];
    snprintf(title, sizeof title,
             "the reference at the end of the test, which reached the check that failed for you "
             "(%s line %d) %ld time%s, not %ld",
             draw_at.file, draw_at.line, passed, passed == 1 ? "" : "s", draw_at.n);
    draw_arenas(tcase_name(), title);
}

static int drawing_at_a_check(void)
{
    if (!draw_at.read) {
        draw_at.read = 1;
        const char *spec = getenv("PMLAB_DRAW_AT");
        draw_at.wanted =
            spec != NULL &&
            sscanf(spec, "%63[^:]:%d:%ld", draw_at.file, &draw_at.line, &draw_at.n) == 3 &&
            draw_at.line > 0 && draw_at.n > 0;
        /* A reference that never gets there draws its heap at the end of
         * the test (the process that runs it exits then). */
        if (draw_at.wanted)
            atexit(draw_at_the_end);
    }
    return draw_at.wanted;
}

void pm_mark_point(const char *file, int line)
{
    long *passed = passes_of(file, line);
    if (passed != NULL) {
        ++*passed;
        if (drawing_at_a_check() && !draw_at.drawn && line == draw_at.line &&
            *passed == draw_at.n && strcmp(base_name(file), draw_at.file) == 0) {
            draw_at.drawn = 1;
            char title[512], times[64] = "";
            if (draw_at.n > 1)
                snprintf(times, sizeof times, ", reached for the %ld%s time", draw_at.n,
                         draw_at.n % 10 == 2 && draw_at.n % 100 != 12   ? "nd"
                         : draw_at.n % 10 == 3 && draw_at.n % 100 != 13 ? "rd"
                         : draw_at.n % 10 == 1 && draw_at.n % 100 != 11 ? "st"
                                                                        : "th");
            snprintf(title, sizeof title,
                     "the reference, passing the check that failed for you (%s line %d%s)",
                     draw_at.file, draw_at.line, times);
            draw_arenas(tcase_name(), title);
        }
    }
    _mark_point(file, line);
}

/* Beside the picture, $PMLAB_ARTIFACTS/<test>.at says which check failed
 * and how many times it was reached, in PMLAB_DRAW_AT's form. */
static void record_the_check(const char *test, const char *file, int line)
{
    const char *artifacts = getenv("PMLAB_ARTIFACTS");
    if (artifacts == NULL || *artifacts == '\0' || test == NULL || *test == '\0')
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.at", artifacts, test);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return;
    long *passed = passes_of(file, line);
    fprintf(f, "%s:%d:%ld\n", base_name(file), line, (passed != NULL ? *passed : 0) + 1);
    fclose(f);
}

void pm_fail_with_arenas(const char *file, int line, const char *expr, const char *msg, ...)
{
    char text[4096];
    if (msg != NULL) {
        va_list ap;
        va_start(ap, msg);
        vsnprintf(text, sizeof text, msg, ap);
        va_end(ap);
    }
    char title[512];
    snprintf(title, sizeof title, "yours, when the check failed: %.400s",
             msg != NULL ? text : expr);
    if (draw_arenas(tcase_name(), title) == 0)
        record_the_check(tcase_name(), file, line);
    if (msg == NULL)
        _ck_assert_failed(file, line, expr, NULL);
    _ck_assert_failed(file, line, expr, "%s", text);
}
