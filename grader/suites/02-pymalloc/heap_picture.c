/* heap_picture.c - what a failing check of chapter 2's suite does first:
 * draw your arenas and pools as they were when it failed, for the grader's
 * report to show under the test's message.
 */
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pymalloc_suite.h"

/* Here the name means Check's own function again. */
#undef _ck_assert_failed

#define DRAW_TIMEOUT_MS 5000

/* mkdir -p */
static void make_dirs(const char *path)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0777);
            *p = '/';
        }
    }
    mkdir(copy, 0777);
}

/* Draw $PMLAB_ARTIFACTS/<test>.svg in a child process; give up on it after
 * DRAW_TIMEOUT_MS.  Without PMLAB_ARTIFACTS, or before any arena exists
 * (the performance tests replay in child processes), draw nothing. */
static void draw_arenas(const char *test, const char *why)
{
    const char *artifacts = getenv("PMLAB_ARTIFACTS");
    if (artifacts == NULL || *artifacts == '\0' || test == NULL || *test == '\0' ||
        _PmObmalloc_state.arenas == NULL)
        return;
    make_dirs(artifacts);
    char path[4096], title[512];
    snprintf(path, sizeof path, "%s/%s.svg", artifacts, test);
    snprintf(title, sizeof title, "yours, when the check failed: %.400s", why);
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child < 0)
        return;
    if (child == 0)
        _exit(PmArena_Render(path, "svg", title) == 0 ? 0 : 1);
    for (int waited_ms = 0; waited_ms < DRAW_TIMEOUT_MS; waited_ms += 10) {
        if (waitpid(child, NULL, WNOHANG) != 0)
            return;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
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
