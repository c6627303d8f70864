/* classify_test.c - pg_classify over stored cases (tests/classify/NAME.case).
 *
 * A case is what one test run left behind, written by hand in the forms
 * Check, the sanitizers and the runtime really produce:
 *
 *     # what the case is about
 *     result: failure            Check's verdict in the XML (no line: no XML)
 *     message: ...               Check's message
 *     exit: 1 | signal: 9        how the test program ended
 *     timed-out: yes             the grader killed it at its limit
 *     spawn-failed: yes          it could not be started
 *     elapsed: 30                seconds it ran
 *     stderr: ...                one line of what it printed on stderr
 *     stdout-bytes: N            the size of what it printed on stdout
 *     record: ...                one line of the trusted record (fd 3)
 *     expects-signal: yes        a test that passes by dying of a signal
 *     expect: failed             the status pg_classify must give
 *     expect-message: ...        text its message must contain
 *     expect-todo: F | SECTION   the unwritten function and its section
 *
 * Usage: classify_test DIR.  Prints one line per case, exits 1 if any fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pmgrade.h"

typedef struct {
    char result[64];
    char message[1024];
    char expect[64];
    char expect_message[8][512];
    int nexpect_message;
    char expect_todo[512];
    char *stderr_text;
    char *record;
    long stdout_bytes;
    int expects_signal;
    PgProc proc;
} Case;

static int starts(const char *line, const char *key, const char **value)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) != 0)
        return 0;
    *value = line + n;
    while (**value == ' ')
        (*value)++;
    return 1;
}

/* Copy src into dst[size], cut short if it does not fit. */
static void copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int read_case(const char *path, Case *c)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    memset(c, 0, sizeof *c);
    c->stderr_text = pg_strdup("");
    c->record = NULL;
    char line[2048];
    const char *v;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (starts(line, "result:", &v))
            copy(c->result, sizeof c->result, v);
        else if (starts(line, "message:", &v))
            copy(c->message, sizeof c->message, v);
        else if (starts(line, "exit:", &v))
            c->proc.exited = 1, c->proc.code = atoi(v);
        else if (starts(line, "signal:", &v))
            c->proc.signaled = 1, c->proc.sig = atoi(v);
        else if (starts(line, "timed-out:", &v))
            c->proc.timed_out = 1;
        else if (starts(line, "spawn-failed:", &v))
            c->proc.spawn_failed = 1;
        else if (starts(line, "elapsed:", &v))
            c->proc.elapsed = atof(v);
        else if (starts(line, "stdout-bytes:", &v))
            c->stdout_bytes = atol(v);
        else if (starts(line, "expects-signal:", &v))
            c->expects_signal = 1;
        else if (starts(line, "record:", &v)) {
            char *more = pg_printf("%s%s\n", c->record ? c->record : "", v);
            free(c->record);
            c->record = more;
        } else if (starts(line, "stderr:", &v)) {
            char *more = pg_printf("%s%s\n", c->stderr_text, v);
            free(c->stderr_text);
            c->stderr_text = more;
        } else if (starts(line, "expect-message:", &v) && c->nexpect_message < 8)
            copy(c->expect_message[c->nexpect_message++], 512, v);
        else if (starts(line, "expect-todo:", &v))
            copy(c->expect_todo, sizeof c->expect_todo, v);
        else if (starts(line, "expect:", &v))
            copy(c->expect, sizeof c->expect, v);
        else {
            fprintf(stderr, "%s: cannot read line: %s\n", path, line);
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return c->expect[0] ? 0 : -1;
}

/* Check's XML for one test, as srunner_set_xml writes it. */
static void write_xml(const char *path, const Case *c)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return;
    fprintf(f,
            "<?xml version=\"1.0\"?>\n"
            "<testsuites xmlns=\"http://check.sourceforge.net/ns\">\n"
            "  <suite>\n    <title>01-refcount</title>\n"
            "    <test result=\"%s\">\n      <path>.</path>\n      <fn>t.c:1</fn>\n"
            "      <id>the_test</id>\n      <iteration>0</iteration>\n"
            "      <duration>0.000100</duration>\n"
            "      <description>the_test</description>\n"
            "      <message>%s</message>\n    </test>\n  </suite>\n</testsuites>\n",
            c->result, c->message);
    fclose(f);
}

static int run_case(const char *dir, const char *name, const char *tmp)
{
    char *path = pg_printf("%s/%s", dir, name);
    Case c;
    if (read_case(path, &c) != 0) {
        printf("FAIL  %s: unreadable case\n", name);
        free(path);
        return 1;
    }
    char *xml = pg_printf("%s/result.xml", tmp);
    char *err = pg_printf("%s/stderr", tmp);
    unlink(xml);
    if (c.result[0])
        write_xml(xml, &c);
    FILE *f = fopen(err, "w");
    if (f != NULL) {
        fputs(c.stderr_text, f);
        fclose(f);
    }
    char *out = pg_printf("%s/stdout", tmp);
    f = fopen(out, "w");
    if (f != NULL) {
        for (long i = 0; i < c.stdout_bytes; i++)
            fputc('x', f);
        fclose(f);
    }
    PgRunInput in = {"the_test", xml,      err, "/sub/01-refcount", PM_TEST_TIMEOUT,
                     &c.proc,    c.record, 1,   c.expects_signal,   out};
    PgVerdict v;
    pg_classify(&in, &v);
    const char *got = pg_status_name(v.status);
    char why[1024] = "";
    if (strcmp(got, c.expect) != 0)
        snprintf(why, sizeof why, "status %s, expected %s", got, c.expect);
    for (int i = 0; i < c.nexpect_message && !why[0]; i++)
        if (v.message == NULL || strstr(v.message, c.expect_message[i]) == NULL)
            snprintf(why, sizeof why, "message '%s' lacks '%s'", v.message ? v.message : "",
                     c.expect_message[i]);
    if (c.expect_todo[0] && !why[0]) {
        char *todo = pg_printf("%s | %s", v.todo_function ? v.todo_function : "",
                               v.todo_section ? v.todo_section : "");
        if (strcmp(todo, c.expect_todo) != 0)
            snprintf(why, sizeof why, "not written: '%s', expected '%s'", todo, c.expect_todo);
        free(todo);
    }
    if (c.expect_todo[0] == '\0' && v.status != PG_NOT_WRITTEN && v.todo_function != NULL &&
        !why[0])
        snprintf(why, sizeof why, "names an unwritten function: %s", v.todo_function);
    printf("%s  %s%s%s\n", why[0] ? "FAIL" : "ok  ", name, why[0] ? ": " : "", why);
    free(v.message);
    free(v.todo_function);
    free(v.todo_section);
    free(v.frame);
    free(v.sanitizer_report);
    free(c.stderr_text);
    free(c.record);
    unlink(out);
    free(out);
    free(xml);
    free(err);
    free(path);
    return why[0] != '\0';
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (d == NULL) {
        perror(argv[1]);
        return 2;
    }
    char tmpl[] = "/tmp/classify_test.XXXXXX";
    char *tmp = mkdtemp(tmpl);
    if (tmp == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 512) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".case") == 0)
            names[n++] = pg_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        failed += run_case(argv[1], names[i], tmp);
        free(names[i]);
    }
    char *xml = pg_printf("%s/result.xml", tmp), *err = pg_printf("%s/stderr", tmp);
    unlink(xml);
    unlink(err);
    rmdir(tmp);
    free(xml);
    free(err);
    printf("%zu cases, %d failed\n", n, failed);
    return n == 0 || failed ? 1 : 0;
}
