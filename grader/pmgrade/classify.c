/* classify.c - how a test ended, in plain words: from Check's XML, the exit
 * status and what the test printed on stderr, one status (PgStatus) and a
 * message that says what happened and where.
 */
#define _GNU_SOURCE
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pmgrade.h"

static const char *const status_names[PG_STATUS_COUNT] = {
    [PG_PASSED] = "passed",
    [PG_FAILED] = "failed",
    [PG_NOT_WRITTEN] = "not-written",
    [PG_BUILD_ERROR] = "build-error",
    [PG_CRASHED] = "crashed",
    [PG_TIMEOUT] = "timeout",
    [PG_STACK_OVERFLOW] = "stack-overflow",
    [PG_OUT_OF_MEMORY] = "out-of-memory",
    [PG_MEMORY_ERROR] = "memory-error",
    [PG_NEGATIVE_REFCOUNT] = "negative-refcount",
    [PG_EARLY_EXIT] = "early-exit",
    [PG_OUTPUT_FLOOD] = "output-flood",
    [PG_ABORTED] = "aborted",
    [PG_FILE_TOO_LARGE] = "file-too-large",
    [PG_REFUSED] = "refused",
};

const char *pg_status_name(PgStatus status)
{
    return status < PG_STATUS_COUNT && status_names[status] ? status_names[status] : "unknown";
}

int pg_status_is_crash(PgStatus status)
{
    return status != PG_PASSED && status != PG_FAILED && status != PG_NOT_WRITTEN &&
           status != PG_BUILD_ERROR && status != PG_REFUSED;
}

/* Check's XML for a single test: result, message, duration. */
static int read_check_xml(const char *path, char **result, char **message, double *duration)
{
    *result = *message = NULL;
    *duration = -1;
    xmlDocPtr doc = xmlReadFile(
        path, NULL, XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL)
        return -1;
    xmlNodePtr test = NULL;
    /* <testsuites><suite><test result=...> */
    xmlNodePtr stack[64];
    int depth = 0;
    stack[depth++] = xmlDocGetRootElement(doc);
    while (depth > 0 && test == NULL) {
        xmlNodePtr node = stack[--depth];
        for (; node != NULL && test == NULL; node = node->next) {
            if (node->type != XML_ELEMENT_NODE)
                continue;
            if (xmlStrcmp(node->name, BAD_CAST "test") == 0)
                test = node;
            else if (node->children != NULL && depth < 64)
                stack[depth++] = node->children;
        }
    }
    if (test != NULL) {
        xmlChar *r = xmlGetProp(test, BAD_CAST "result");
        if (r != NULL) {
            *result = pg_strdup((const char *)r);
            xmlFree(r);
        }
        for (xmlNodePtr c = test->children; c != NULL; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            xmlChar *text = xmlNodeGetContent(c);
            if (text == NULL)
                continue;
            if (xmlStrcmp(c->name, BAD_CAST "message") == 0)
                *message = pg_strdup((const char *)text);
            else if (xmlStrcmp(c->name, BAD_CAST "duration") == 0)
                *duration = atof((const char *)text);
            xmlFree(text);
        }
    }
    xmlFreeDoc(doc);
    return test != NULL && *result != NULL ? 0 : -1;
}

static const char *signal_words(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "crashed with a segmentation fault (SIGSEGV): a read or write through a bad pointer";
    case SIGBUS:
        return "crashed with a bus error (SIGBUS): a read or write through a bad or misaligned pointer";
    case SIGFPE: return "crashed with an arithmetic error (SIGFPE), such as a division by zero";
    case SIGILL:
        return "crashed on an illegal instruction (SIGILL), often a corrupted function pointer";
    case SIGABRT: return "aborted (SIGABRT)";
    default: return NULL;
    }
}

/* One sanitizer stack frame "    #3 0x55d0 in list_dealloc /x/refcount.c:123:5"
 * as "list_dealloc (refcount.c:123)", if its file starts with prefix
 * (any source file if prefix is NULL). */
static char *frame_words(const char *line, const char *prefix)
{
    char buf[1024];
    size_t n = strcspn(line, "\n");
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    char *hash = strchr(buf, '#');
    char *in = strstr(buf, " in ");
    if (hash == NULL || in == NULL)
        return NULL;
    char *fn = in + 4;
    char *space = strchr(fn, ' ');
    if (space == NULL)
        return NULL;
    *space = '\0';
    char *path = space + 1;
    if (*path == '(' || strstr(path, ".c:") == NULL)
        return NULL; /* no source position: a library */
    if (prefix != NULL && strncmp(path, prefix, strlen(prefix)) != 0)
        return NULL;
    char *file = strrchr(path, '/');
    file = file ? file + 1 : path;
    char *colon = strchr(file, ':');
    if (colon != NULL) {
        char *colon2 = strchr(colon + 1, ':');
        if (colon2 != NULL)
            *colon2 = '\0';
    }
    return pg_printf("%s (%s)", fn, file);
}

/* Where the report points: the first frame in the learner's files, else
 * the first frame with a source position, else NULL. */
static char *learner_frame(const char *report, const char *learner_dir)
{
    char *prefix = pg_printf("%s/", learner_dir);
    char *found = NULL;
    for (int pass = 0; pass < 2 && found == NULL; pass++)
        for (const char *line = report; line != NULL && *line && found == NULL;
             line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
            found = frame_words(line, pass == 0 ? prefix : NULL);
    free(prefix);
    return found;
}

/* The sanitizer's report in err, from its first line to its SUMMARY (at
 * most 60 lines), or NULL if there is none. */
static char *sanitizer_report(const char *err)
{
    static const char *const starts[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                         "AddressSanitizer:DEADLYSIGNAL", "runtime error:"};
    const char *first = NULL;
    for (size_t i = 0; err != NULL && i < sizeof starts / sizeof *starts; i++) {
        const char *hit = strstr(err, starts[i]);
        if (hit != NULL && (first == NULL || hit < first))
            first = hit;
    }
    if (first == NULL)
        return NULL;
    while (first > err && first[-1] != '\n')
        first--;
    const char *end = first;
    for (int lines = 0; *end && lines < 60; lines++) {
        int summary = strncmp(end, "SUMMARY:", 8) == 0;
        end += strcspn(end, "\n");
        if (*end == '\n')
            end++;
        if (summary)
            break;
    }
    return pg_printf("%.*s", (int)(end - first), first);
}

/* ASan's kinds of error as a phrase with its article. */
static const char *error_words(const char *kind)
{
    static const struct {
        const char *kind, *words;
    } table[] = {
        {"heap-use-after-free", "a use-after-free"},
        {"attempting double-free", "a double free"},
        {"attempting free", "a free of memory that malloc never handed out"},
        {"bad-free", "a free of memory that malloc never handed out"},
        {"heap-buffer-overflow", "a heap buffer overflow"},
        {"stack-buffer-overflow", "a stack buffer overflow"},
        {"global-buffer-overflow", "a global buffer overflow"},
        {"stack-use-after-return", "a use of a stack variable after its function returned"},
        {"alloc-dealloc-mismatch", "memory freed by the wrong function"},
        {"memcpy-param-overlap", "a memcpy between overlapping buffers"},
        {"SEGV", "a read or write through a bad pointer (SEGV)"},
        {"detected memory leaks", "memory leaks"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strncmp(kind, table[i].kind, strlen(table[i].kind)) == 0)
            return table[i].words;
    return NULL;
}

/* A sanitizer's report, in a line: "use-after-free in list_dealloc (refcount.c:123)". */
static char *memory_error(const char *err, const char *learner_dir)
{
    char *line = pg_line_with(err, "ERROR: AddressSanitizer:");
    const char *tool = "AddressSanitizer";
    const char *what_start;
    if (line != NULL) {
        what_start = strstr(line, "AddressSanitizer:") + strlen("AddressSanitizer:");
    } else if ((line = pg_line_with(err, "ERROR: LeakSanitizer:")) != NULL) {
        tool = "LeakSanitizer";
        what_start = strstr(line, "LeakSanitizer:") + strlen("LeakSanitizer:");
    } else if ((line = pg_line_with(err, "runtime error:")) != NULL) {
        tool = "UndefinedBehaviorSanitizer";
        what_start = strstr(line, "runtime error:") + strlen("runtime error:");
    } else {
        return NULL;
    }
    while (*what_start == ' ')
        what_start++;
    char what[300];
    snprintf(what, sizeof what, "%s", what_start);
    /* ASan's kinds read better without the address that follows. */
    char *on = strstr(what, " on ");
    if (on != NULL && strcmp(tool, "UndefinedBehaviorSanitizer") != 0)
        *on = '\0';
    if (strncmp(what, "ABRT", 4) == 0) {
        /* An abort, with its stack (handle_abort): explained as one. */
        free(line);
        return NULL;
    }
    int ubsan = strcmp(tool, "UndefinedBehaviorSanitizer") == 0;
    const char *nice = ubsan ? NULL : error_words(what);
    char *frame = learner_frame(err, learner_dir);
    char *msg =
        nice != NULL
            ? pg_printf("%s found %s%s%s", tool, nice, frame ? " in " : "", frame ? frame : "")
            : pg_printf("%s found %s: %s%s%s", tool, ubsan ? "undefined behaviour" : "an error",
                        what, frame ? " in " : "", frame ? frame : "");
    free(frame);
    free(line);
    return msg;
}

/* Did the test fill its stdout or stderr up to the file-size limit? */
static int output_flooded(const PgRunInput *in)
{
    const char *paths[] = {in->out_path, in->err_path};
    for (int i = 0; i < 2; i++) {
        struct stat st;
        if (paths[i] != NULL && stat(paths[i], &st) == 0 && st.st_size >= PM_FSIZE_BYTES - 65536)
            return 1;
    }
    /* Without the paths to look at, keep the old reading. */
    return in->out_path == NULL;
}

/* The value of "key VALUE" in the record, copied into buf. */
static const char *record_field(const char *record, const char *key, char *buf, size_t size)
{
    size_t k = strlen(key);
    for (const char *line = record; line != NULL && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, k) == 0 && line[k] == ' ') {
            size_t n = strcspn(line + k + 1, "\n");
            if (n >= size)
                n = size - 1;
            memcpy(buf, line + k + 1, n);
            buf[n] = '\0';
            return buf;
        }
    }
    return NULL;
}

/* Did the trusted side see this test pass? */
static int trusted_pass(const PgRunInput *in)
{
    char name[512], result[32], finished[8];
    const PgProc *p = in->proc;
    if (in->record == NULL || !p->exited || p->code != 0 || p->timed_out)
        return 0;
    if (record_field(in->record, "test", name, sizeof name) == NULL ||
        strcmp(name, in->test_name) != 0 ||
        record_field(in->record, "result", result, sizeof result) == NULL ||
        strcmp(result, "passed") != 0)
        return 0;
    if (in->expects_signal)
        return 1;
    return record_field(in->record, "finished", finished, sizeof finished) != NULL &&
           strcmp(finished, "1") == 0;
}

/* The next line of a report, and a line with its indentation skipped. */
static const char *next_line(const char *line)
{
    const char *nl = strchr(line, '\n');
    return nl ? nl + 1 : line + strlen(line);
}
static const char *unindent(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return line;
}

/* One stack of a ThreadSanitizer report: the access line ("Write of size
 * 4 at 0x7b04 by thread T1:") and the frames under it ("#0 Pm_IncRef
 * /x/biased.c:88:5 (suite+0x1234)"), as "Write of size 4 by thread T1:
 * Pm_IncRef (biased.c:88) < owner_pairs (test.c:12)": the first four
 * frames in C files (the wrappers of a header are left out). */
static char *tsan_stack(const char *access)
{
    access = unindent(access);
    size_t n = strcspn(access, "\n");
    char head[256];
    snprintf(head, sizeof head, "%.*s", (int)(n < 255 ? n : 255), access);
    char who[64] = "";
    char *by = strstr(head, " by ");
    if (by != NULL) {
        snprintf(who, sizeof who, "%s", by);
        who[strcspn(who, ":")] = '\0';
    }
    char *at = strstr(head, " at 0x");
    if (at != NULL)
        *at = '\0';
    char *out = pg_printf("%s%s:", head, who);
    int frames = 0;
    for (const char *line = next_line(access); *line && *unindent(line) == '#' && frames < 4;
         line = next_line(line)) {
        /* "#0 fn /path/file.c:88:5 (module+0x1)" */
        char buf[512];
        const char *l = unindent(line);
        snprintf(buf, sizeof buf, "%.*s", (int)strcspn(l, "\n"), l);
        char *fn = strchr(buf, ' ');
        char *path = fn ? strchr(fn + 1, ' ') : NULL;
        if (fn == NULL || path == NULL)
            continue;
        *path++ = '\0';
        path[strcspn(path, " ")] = '\0';
        char *file = strrchr(path, '/');
        file = file ? file + 1 : path;
        char *c1 = strchr(file, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c2 != NULL)
            *c2 = '\0';
        if (c1 == NULL || c1 - file < 2 || strncmp(c1 - 2, ".c", 2) != 0)
            continue;
        char *more = pg_printf("%s%s %s (%s)", out, frames ? " <" : "", fn + 1, file);
        free(out);
        out = more;
        frames++;
    }
    if (frames == 0 && strncmp(unindent(next_line(access)), "[failed to restore", 18) == 0) {
        char *more = pg_printf("%s (ThreadSanitizer could not recover this stack)", out);
        free(out);
        out = more;
    }
    return out;
}

/* ThreadSanitizer's report, in a few lines: what it found and its two
 * stacks, the access that raced and the one before it. */
static char *thread_error(const char *err)
{
    const char *w = strstr(err, "WARNING: ThreadSanitizer:");
    if (w == NULL)
        return NULL;
    const char *kind = unindent(w + strlen("WARNING: ThreadSanitizer:"));
    size_t kn = strcspn(kind, "(\n");
    while (kn > 0 && kind[kn - 1] == ' ')
        kn--;
    const char *first = next_line(w);
    const char *second = NULL;
    for (const char *line = next_line(first); *line && second == NULL; line = next_line(line))
        if (strncmp(unindent(line), "Previous ", 9) == 0)
            second = line;
    char *one = *first ? tsan_stack(first) : pg_strdup("");
    char *two = second ? tsan_stack(second) : pg_strdup("");
    char *msg = pg_printf("ThreadSanitizer found a %.*s: two threads touched the same memory, "
                          "at least one writing, with nothing ordering them.\n  %s\n  %s",
                          (int)kn, kind, one, two);
    free(one);
    free(two);
    return msg;
}

void pg_classify(const PgRunInput *in, PgVerdict *v)
{
    const PgProc *p = in->proc;
    char *result = NULL, *xmsg = NULL;
    double xdur = -1;
    int have_xml = read_check_xml(in->xml_path, &result, &xmsg, &xdur) == 0;
    char *err = pg_read_file(in->err_path, 256 * 1024);
    char *line = NULL;
    v->duration = xdur >= 0 ? xdur : p->elapsed;
    v->message = NULL;
    v->todo_function = v->todo_section = NULL;
    v->frame = v->sanitizer_report = NULL;

    if (in->require_record) {
        if (trusted_pass(in)) {
            v->status = PG_PASSED;
            goto done;
        }
        if (have_xml && strcmp(result, "success") == 0) {
            /* Check's file says success, the grader's own channel does not:
             * the test ended before its end, or the file was written by
             * someone else. */
            have_xml = 0;
        }
    } else if (have_xml && strcmp(result, "success") == 0) {
        v->status = PG_PASSED;
        goto done;
    }
    /* Code not written yet stops any test that reaches it, whatever the
     * test expected (even a test that expects a signal). */
    if ((line = pg_line_with(err, "pmlab: not yet written:")) != NULL) {
        /* "pmlab: not yet written: X (read Y)", from _Pm_Unimplemented */
        const char *what = strstr(line, "written:") + strlen("written:");
        while (*what == ' ')
            what++;
        char *read = strstr(what, " (read ");
        v->status = PG_NOT_WRITTEN;
        if (read != NULL) {
            *read = '\0';
            char *where = read + strlen(" (read ");
            size_t n = strlen(where);
            if (n > 0 && where[n - 1] == ')')
                where[n - 1] = '\0';
            v->todo_section = pg_strdup(where);
            v->message = pg_printf("not written yet: %s — read %s", what, where);
        } else {
            v->message = pg_printf("not written yet: %s", what);
        }
        v->todo_function = pg_strdup(what);
        goto done;
    }
    if (have_xml && strcmp(result, "failure") == 0 &&
        (xmsg == NULL || strncmp(xmsg, "Early exit", 10) != 0)) {
        v->status = PG_FAILED;
        v->message = pg_strdup(xmsg ? xmsg : "failed");
        goto done;
    }
    if (p->spawn_failed) {
        v->status = PG_CRASHED;
        v->message = pg_strdup("the grader could not start the test program");
        goto done;
    }
    if (p->timed_out) {
        v->status = PG_TIMEOUT;
        v->message = pg_printf("did not finish within %.0f s: an endless loop, or code far "
                               "slower than it needs to be?",
                               p->elapsed);
        goto done;
    }
    /* From here on the test ended in an error: look for the cause. */
    if (strstr(err ? err : "", "pmlab: stack overflow") ||
        strstr(err ? err : "", "AddressSanitizer: stack-overflow")) {
        v->status = PG_STACK_OVERFLOW;
        v->message = pg_strdup("the stack overflowed: a recursion that never ends, or one too deep "
                               "(a deallocator calling itself through its items?)");
        goto done;
    }
    if (err && (strstr(err, "pmlab: out of memory") || strstr(err, "allocation-size-too-big") ||
                strstr(err, "AddressSanitizer: out of memory") ||
                strstr(err, "requested allocation size") || strstr(err, "rss limit exhausted"))) {
        v->status = PG_OUT_OF_MEMORY;
        v->message =
            pg_strdup("ran out of memory (" PM_AS_WORDS " of address space): an allocation "
                      "that never stops, or a size computed wrong");
        goto done;
    }
    if (err != NULL && (v->message = thread_error(err)) != NULL) {
        v->status = PG_MEMORY_ERROR;
        goto done;
    }
    if ((v->message = memory_error(err, in->learner_dir)) != NULL) {
        v->status = PG_MEMORY_ERROR;
        goto done;
    }
    if ((line = pg_line_with(err, "negative ref count")) != NULL) {
        v->status = PG_NEGATIVE_REFCOUNT;
        v->message = pg_printf("a reference count went below zero: a decref too many (%s)", line);
        goto done;
    }
    if (strstr(err ? err : "", "pmlab: early exit")) {
        v->status = PG_EARLY_EXIT;
        v->message = pg_strdup("the code under test called exit(0) in the middle of the test");
        goto done;
    }
    const char *m = xmsg ? xmsg : "";
    int sig = 0;
    if (sscanf(m, "Received signal %d", &sig) == 1 || (p->signaled && (sig = p->sig))) {
        if (sig == SIGXCPU) {
            v->status = PG_TIMEOUT;
            v->message = pg_printf("used more than %d s of CPU time: an endless loop, or code far "
                                   "slower than it needs to be?",
                                   PM_CPU_SECONDS);
        } else if (sig == SIGXFSZ && !output_flooded(in)) {
            v->status = PG_FILE_TOO_LARGE;
            v->message = pg_strdup("was stopped for writing a file larger than " PM_FSIZE_WORDS
                                   ": tests may not write large files");
        } else if (sig == SIGXFSZ) {
            v->status = PG_OUTPUT_FLOOD;
            v->message = pg_strdup("printed more than " PM_FSIZE_WORDS ": an output flood");
        } else if (sig == SIGABRT) {
            v->status = PG_ABORTED;
            if ((line = pg_line_with(err, "Fatal Python error:")) != NULL)
                v->message = pg_strdup(strstr(line, "Fatal Python error:"));
            else
                v->message =
                    pg_strdup("aborted (SIGABRT): an assertion or a fatal error stopped it");
        } else if (sig == SIGKILL) {
            v->status = PG_TIMEOUT;
            v->message = pg_strdup("was killed (SIGKILL): an endless loop, or too much memory?");
        } else {
            v->status = PG_CRASHED;
            const char *words = signal_words(sig);
            v->message = words ? pg_strdup(words)
                               : pg_printf("crashed with signal %d (%s)", sig, strsignal(sig));
        }
        goto done;
    }
    if (strstr(m, "Test timeout expired")) {
        v->status = PG_TIMEOUT;
        /* A loop, or code far slower than it should be (a system call on
         * every reference count): both run out the time. */
        v->message = pg_printf("did not finish within %g s: an endless loop, or code far slower "
                               "than it needs to be?",
                               in->check_timeout);
        goto done;
    }
    int code = 0;
    if (sscanf(m, "Early exit with return value %d", &code) == 1 &&
        (line = pg_line_with(err, "Fatal Python error:")) != NULL) {
        /* The test caught the abort and left with its own exit value. */
        v->status = PG_ABORTED;
        v->message = pg_strdup(strstr(line, "Fatal Python error:"));
        goto done;
    }
    if (sscanf(m, "Early exit with return value %d", &code) == 1) {
        v->status = PG_EARLY_EXIT;
        v->message =
            pg_printf("the code under test called exit(%d) in the middle of the test", code);
        goto done;
    }
    if (in->require_record && p->exited && p->code == 0) {
        /* Check saw a pass, but the test never reached its end. */
        v->status = PG_EARLY_EXIT;
        v->message = pg_strdup("the test's process ended before the test did (an exit in the "
                               "middle of the test?), so it cannot count as passed");
        goto done;
    }
    if (!have_xml) {
        v->status = PG_CRASHED;
        if (p->exited)
            v->message =
                pg_printf("the test program ended (exit status %d) without a result", p->code);
        else
            v->message = pg_strdup("the test program ended without a result");
        goto done;
    }
    v->status = PG_CRASHED;
    v->message = pg_strdup(xmsg && *xmsg ? xmsg : "the test ended with an error");
done:
    if (v->status != PG_PASSED && v->status != PG_NOT_WRITTEN &&
        (v->sanitizer_report = sanitizer_report(err)) != NULL)
        v->frame = learner_frame(v->sanitizer_report, in->learner_dir);
    free(line);
    free(result);
    free(xmsg);
    free(err);
}
