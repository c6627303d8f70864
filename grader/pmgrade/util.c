/* util.c - the grader's small helpers (see util.h). */
#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void *pg_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL) {
        fputs("pmgrade: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

char *pg_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = pg_malloc(n);
    memcpy(copy, s, n);
    return copy;
}

char *pg_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fputs("pmgrade: out of memory\n", stderr);
        exit(2);
    }
    return s;
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = (s[0] & 0xE0) == 0xC0   ? 2
               : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 0 || (n == 2 && s[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

char *pg_clean_text(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t len = strlen(s);
    char *out = pg_malloc(len + 1);
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *c = (const unsigned char *)s + i;
        if (*c == '\033') {
            /* terminal colour codes: ESC [ ... letter */
            i++;
            if (s[i] == '[') {
                i++;
                while (i < len && !isalpha((unsigned char)s[i]))
                    i++;
                if (i < len)
                    i++;
            }
            continue;
        }
        if (*c < 0x20 && *c != '\n' && *c != '\t') {
            out[j++] = '?';
            i++;
            continue;
        }
        size_t n = utf8_length(c);
        if (n == 0) {
            out[j++] = '?';
            i++;
            continue;
        }
        memcpy(out + j, c, n);
        j += n;
        i += n;
    }
    out[j] = '\0';
    return out;
}

char *pg_read_file(const char *path, size_t max_bytes)
{
    if (path == NULL)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = pg_malloc(max_bytes + 1);
    size_t n = fread(buf, 1, max_bytes, f);
    fclose(f);
    buf[n] = '\0';
    /* A NUL inside would cut the text short anyway; keep what precedes it. */
    return buf;
}

int pg_mkdirs(const char *path)
{
    char *copy = pg_strdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0777);
            *p = '/';
        }
    }
    int rc = mkdir(copy, 0777);
    free(copy);
    return rc == 0 || errno == EEXIST ? 0 : -1;
}

char *pg_section_anchor(const char *section)
{
    if (section == NULL)
        return pg_strdup("");
    const char *hash = strchr(section, '#');
    if (hash != NULL)
        return pg_strdup(hash + 1);
    /* pandoc's identifiers: lower case, spaces to '-', punctuation dropped */
    char *a = pg_malloc(strlen(section) + 1);
    size_t j = 0;
    for (const char *p = section; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '_' || c == '-' || c == '.')
            a[j++] = (char)tolower(c);
        else if (isspace(c))
            a[j++] = '-';
    }
    a[j] = '\0';
    return a;
}

int pg_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int pg_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

double pg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double pg_profile(const char *what, const char *slug, double since)
{
    /* The CPU time of the processes run for this phase, too: on a busy
     * machine it says more than the wall clock. */
    static double cpu_before;
    struct rusage ru;
    double cpu = 0;
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
        cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
              ru.ru_stime.tv_usec / 1e6;
    double now = pg_now();
    if (getenv("PMGRADE_PROFILE") != NULL)
        fprintf(stderr, "pmgrade: time: %s%s%s %.2f s (CPU of its processes %.2f s)\n",
                slug ? slug : "", slug ? " " : "", what, now - since, cpu - cpu_before);
    cpu_before = cpu;
    return now;
}

char *pg_line_with(const char *text, const char *needle)
{
    if (text == NULL)
        return NULL;
    const char *hit = strstr(text, needle);
    if (hit == NULL)
        return NULL;
    const char *start = hit;
    while (start > text && start[-1] != '\n')
        start--;
    size_t n = strcspn(start, "\n");
    char *line = pg_malloc(n + 1);
    memcpy(line, start, n);
    line[n] = '\0';
    return line;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void pg_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
