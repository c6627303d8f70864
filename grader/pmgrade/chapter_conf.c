/* chapter_conf.c - reading a chapter's chapter.conf: "KEY = value" lines,
 * "#" comments and blank lines, the subset of make syntax that the Makefile
 * includes as it is.  Keys this file does not use are skipped: they are
 * the Makefile's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapter_conf.h"
#include "pmlimits.h"

/* s without leading and trailing blanks, in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int set_variants(PgChapterConf *conf, char *value)
{
    int n = 0;
    for (char *w = strtok(value, " \t"); w != NULL; w = strtok(NULL, " \t")) {
        if (n == PG_MAX_VARIANTS || strlen(w) >= sizeof conf->variants[0])
            return -1;
        strcpy(conf->variants[n++], w);
    }
    if (n == 0)
        return -1;
    conf->nvariants = n;
    return 0;
}

static int set_seconds(double *field, const char *value)
{
    char *end;
    double v = strtod(value, &end);
    if (end == value || *end != '\0' || !(v > 0))
        return -1;
    *field = v;
    return 0;
}

int pg_chapter_conf(const char *root, const char *slug, PgChapterConf *conf)
{
    memset(conf, 0, sizeof *conf);
    strcpy(conf->variants[0], "rel");
    strcpy(conf->variants[1], "asan");
    conf->nvariants = 2;
    conf->unit_timeout = PM_TEST_TIMEOUT;
    conf->scenario_timeout = PM_SCENARIO_TIMEOUT;

    char path[4096];
    snprintf(path, sizeof path, "%s/grader/suites/%s/chapter.conf", root, slug);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int rc = 0;
    char line[1024];
    while (fgets(line, sizeof line, f) != NULL) {
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            rc = -1;
            continue;
        }
        *eq = '\0';
        if (eq > s && (eq[-1] == ':' || eq[-1] == '?'))
            eq[-1] = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        if (strcmp(key, "VARIANTS") == 0)
            rc |= set_variants(conf, value);
        else if (strcmp(key, "UNIT_TIMEOUT") == 0)
            rc |= set_seconds(&conf->unit_timeout, value);
        else if (strcmp(key, "SCENARIO_TIMEOUT") == 0)
            rc |= set_seconds(&conf->scenario_timeout, value);
    }
    fclose(f);
    return rc;
}
