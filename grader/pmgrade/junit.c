/* junit.c - the grade as JUnit XML (one <testsuite> per chapter), which CI
 * systems show as a test report.  Failed assertions are <failure>; crashes,
 * timeouts and the other ways a test can die are <error>.
 */
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmgrade.h"

static void set_prop(xmlNodePtr node, const char *name, const char *value)
{
    char *clean = pg_clean_text(value ? value : "");
    xmlNewProp(node, BAD_CAST name, BAD_CAST clean);
    free(clean);
}

static void set_number(xmlNodePtr node, const char *name, double value, int decimals)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, value);
    set_prop(node, name, buf);
}

int pg_write_junit(const PgGrade *g, const char *path)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    if (doc == NULL)
        return -1;
    xmlNodePtr suites = xmlNewNode(NULL, BAD_CAST "testsuites");
    xmlDocSetRootElement(doc, suites);
    set_prop(suites, "name", "pmgrade");
    int all_tests = 0, all_failures = 0, all_errors = 0;
    for (size_t i = 0; i < g->nchapters; i++) {
        if (g->chapters[i].build == NULL)
            continue;
        /* Hidden tests are one test case, named by what they are. */
        PgChapter view;
        pg_public_view(&g->chapters[i], &view);
        const PgChapter *c = &view;
        char *hidden = pg_hidden_summary(&g->chapters[i]);
        xmlNodePtr suite = xmlNewChild(suites, NULL, BAD_CAST "testsuite", NULL);
        int failures = 0, errors = 0;
        for (size_t k = 0; k < c->ntests; k++) {
            const PgTest *t = &c->tests[k];
            xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL);
            set_prop(tc, "classname", c->slug);
            set_prop(tc, "name", t->name);
            set_number(tc, "time", t->duration > 0 ? t->duration : 0, 3);
            set_number(tc, "points", t->points, 0);
            set_number(tc, "max_points", t->max_points, 0);
            if (t->status == PG_PASSED)
                continue;
            const char *status = pg_status_name(t->status);
            int error = pg_status_is_crash(t->status);
            if (error)
                errors++;
            else
                failures++;
            /* "failed" and "not-written" would only repeat the message (and the type). */
            int plain = t->status == PG_FAILED || t->status == PG_NOT_WRITTEN;
            char *body = pg_printf("%s%s%s%s%s%s%s", plain ? "" : status, plain ? "" : ": ",
                                   t->message ? t->message : "", t->hint ? "\nhint: " : "",
                                   t->hint ? t->hint : "", t->section ? "\nread: " : "",
                                   t->section ? t->section : "");
            char *clean = pg_clean_text(body);
            xmlNodePtr f =
                xmlNewTextChild(tc, NULL, BAD_CAST(error ? "error" : "failure"), BAD_CAST clean);
            set_prop(f, "message", t->message ? t->message : status);
            set_prop(f, "type", status);
            free(body);
            free(clean);
        }
        if (hidden != NULL) {
            const PgChapter *whole = &g->chapters[i];
            int points = whole->score - c->score, max = whole->max_score - c->max_score;
            xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL);
            set_prop(tc, "classname", c->slug);
            set_prop(tc, "name", "hidden_tests");
            set_number(tc, "points", points, 0);
            set_number(tc, "max_points", max, 0);
            if (points < max) {
                xmlNodePtr f = xmlNewTextChild(tc, NULL, BAD_CAST "failure", BAD_CAST hidden);
                set_prop(f, "message", hidden);
                set_prop(f, "type", "failed");
                failures++;
            }
            view.ntests++; /* counted as one */
            free(hidden);
        }
        set_prop(suite, "name", c->slug);
        set_number(suite, "tests", (double)c->ntests, 0);
        set_number(suite, "failures", failures, 0);
        set_number(suite, "errors", errors, 0);
        set_number(suite, "time", c->time, 3);
        if (strcmp(c->build, "ok") != 0 && c->build_log != NULL) {
            char *clean = pg_clean_text(c->build_log);
            xmlNewTextChild(suite, NULL, BAD_CAST "system-err", BAD_CAST clean);
            free(clean);
        }
        all_tests += (int)c->ntests;
        all_failures += failures;
        all_errors += errors;
        free(view.tests);
    }
    set_number(suites, "tests", all_tests, 0);
    set_number(suites, "failures", all_failures, 0);
    set_number(suites, "errors", all_errors, 0);
    set_number(suites, "time", pg_now() - g->started, 3);
    int rc = xmlSaveFormatFileEnc(path, doc, "UTF-8", 1);
    xmlFreeDoc(doc);
    return rc < 0 ? -1 : 0;
}
