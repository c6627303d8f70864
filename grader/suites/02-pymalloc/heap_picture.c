/* heap_picture.c - what a failing check of chapter 2's suite does first:
 * draw your arenas and pools as they were when it failed, for the grader's
 * report to show under the test's message.
 */
#include <stdarg.h>
#include <stdio.h>

#include "pymalloc_suite.h"

/* Here the name means Check's own function again. */
#undef _ck_assert_failed

typedef struct {
    char title[512];
} ArenaPicture;

static int render_arenas(const char *path, void *arg)
{
    return PmArena_Render(path, "svg", ((ArenaPicture *)arg)->title);
}

/* Draw $PMLAB_ARTIFACTS/<test>.svg.  Before any arena exists (the
 * performance tests replay in child processes) there is nothing to draw. */
static void draw_arenas(const char *test, const char *why)
{
    if (_PmObmalloc_state.arenas == NULL)
        return;
    ArenaPicture picture;
    snprintf(picture.title, sizeof picture.title, "yours, when the check failed: %.400s", why);
    pm_draw_failure(test, render_arenas, &picture);
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
    draw_arenas(tcase_name(), msg != NULL ? text : expr);
    if (msg == NULL)
        _ck_assert_failed(file, line, expr, NULL);
    _ck_assert_failed(file, line, expr, "%s", text);
}
