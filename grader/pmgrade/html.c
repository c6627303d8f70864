/* html.c - report.html: one self-contained page (inline CSS, heap pictures
 * inline) with a table per chapter, and for each failure its message, hint,
 * the book section to read, where a crash happened, the sanitizer's report,
 * and "yours" beside "reference" heaps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmgrade.h"

/* A picture is shown no smaller than this share of its natural size, so
 * that its 12-14 pt labels stay readable; wider than the page, it scrolls. */
#define MIN_SCALE 0.65

static void esc(FILE *f, const char *s)
{
    if (s == NULL)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* path as a link from the folder of the report: relative when both lie in
 * one tree, so the report can be moved with its folder. */
static char *link_to(const char *report_dir, const char *path)
{
    /* path[common] is the '/' after the deepest folder both share. */
    size_t common = 0;
    for (size_t i = 0; report_dir[i] != '\0' && report_dir[i] == path[i]; i++)
        if (path[i + 1] == '/' && (report_dir[i + 1] == '/' || report_dir[i + 1] == '\0'))
            common = i + 1;
    if (common == 0)
        return pg_strdup(path);
    size_t ups = 0; /* one "../" per folder of report_dir below that one */
    for (const char *p = report_dir + common; *p; p++)
        ups += *p == '/' && p[1] != '\0';
    char *link = pg_malloc(3 * ups + strlen(path) + 1);
    link[0] = '\0';
    for (size_t k = 0; k < ups; k++)
        strcat(link, "../");
    strcat(link, path + common + 1);
    return link;
}

/* The width of an SVG drawn by Graphviz, in CSS pixels (its width is in
 * points), or 0 if unknown. */
static double svg_width(const char *svg)
{
    const char *w = strstr(svg, "width=\"");
    const char *end = strchr(svg, '>');
    if (w == NULL || end == NULL || w > end)
        return 0;
    double points = atof(w + strlen("width=\""));
    return points > 0 ? points * 4 / 3 : 0;
}

/* An SVG file's markup, inline, scaled to the space it has but never below
 * MIN_SCALE of its size (then it scrolls), with a link to open it alone. */
static void inline_svg(FILE *f, const char *report_dir, const char *path, const char *caption)
{
    char *svg = path ? pg_read_file(path, 4 << 20) : NULL;
    const char *start = svg ? strstr(svg, "<svg") : NULL;
    double width = start ? svg_width(start) : 0;
    if (width > 0)
        fprintf(f, "<figure style=\"flex-basis:%.0fpx\">", width * MIN_SCALE + 16);
    else
        fputs("<figure>", f);
    fputs("<figcaption>", f);
    esc(f, caption);
    if (start != NULL) {
        char *link = link_to(report_dir, path);
        fputs(" &middot; <a href=\"", f);
        esc(f, link);
        fputs("\">open full size</a>", f);
        free(link);
    }
    fputs("</figcaption>", f);
    if (start != NULL) {
        if (width > 0)
            fprintf(f, "<div class=\"scroll\"><div style=\"min-width:%.0fpx;max-width:%.0fpx\">",
                    width * MIN_SCALE, width);
        else
            fputs("<div class=\"scroll\"><div>", f);
        fputs(start, f);
        fputs("</div></div>", f);
    } else {
        fputs("<p class=\"none\">(no picture)</p>", f);
    }
    fputs("</figure>", f);
    free(svg);
}

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:2em auto;padding:0 2em;color:#222;"
    "max-width:120em}"
    "h1{margin-bottom:0}.total{font-size:1.4em;margin:.3em 0 1.5em}"
    "table{border-collapse:collapse;width:100%;margin-bottom:.5em}"
    "td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}.pts{text-align:right;white-space:nowrap;width:6em}"
    ".status{white-space:nowrap;width:10em}"
    ".passed{color:#1a7f37;font-weight:bold}.failed{color:#c62828;font-weight:bold}"
    ".todo{color:#b26a00;font-weight:bold}.msg{white-space:pre-wrap;font-family:monospace}"
    ".hint{color:#555}.step td{background:#fafafa;font-weight:bold}"
    "tr.test td{border-bottom:none}tr.detail td{padding-top:0}"
    "pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:.85em}"
    "details{margin:.4em 0}summary{cursor:pointer;color:#555}"
    ".heaps{display:flex;flex-wrap:wrap;gap:1em;margin-top:.5em}"
    ".heaps figure{margin:0;border:1px solid #ddd;padding:.5em;flex-grow:1;flex-shrink:1;"
    "min-width:0;max-width:100%;box-sizing:border-box}"
    ".heaps .scroll{overflow-x:auto}.heaps .scroll>div{margin:0 auto}"
    ".heaps svg{display:block;width:100%;height:auto}"
    "figcaption{text-align:center;font-weight:bold;margin-bottom:.3em}.none{color:#888}";

/* "read:" links to the book's page when it is built, else to the chapter's
 * Markdown (make book builds the pages). */
static void section_link(FILE *f, const PgGrade *g, const PgChapter *c, const char *section)
{
    char *page = pg_printf("%s/build/book/%s.html", g->opt.root, c->slug);
    char *anchor = pg_section_anchor(section);
    char *target;
    int built = pg_is_file(page);
    if (built)
        target = pg_printf("%s#%s", page, anchor);
    else
        target = pg_printf("%s/chapters/%s.md", g->opt.root, c->slug);
    char *link = link_to(g->opt.out, target);
    fputs("<div class=\"hint\">read: <a href=\"", f);
    esc(f, link);
    fputs("\">", f);
    esc(f, section);
    fputs("</a>", f);
    if (!built)
        fputs(" (the Markdown; <code>make book</code> builds the pages)", f);
    fputs("</div>", f);
    free(link);
    free(target);
    free(anchor);
    free(page);
}

/* Everything known about a test that did not pass, in a row of its own
 * that spans the table, so pictures get the page's full width. */
static void failure_details(FILE *f, const PgGrade *g, const PgChapter *c, const PgTest *t)
{
    fputs("<tr class=\"detail\"><td colspan=\"3\">", f);
    fputs("<div class=\"msg\">", f);
    esc(f, t->message);
    fputs("</div>", f);
    if (t->frame != NULL) {
        fputs("<div class=\"hint\">where: <code>", f);
        esc(f, t->frame);
        fputs("</code>", f);
        if (t->sanitizer_report != NULL && t->status != PG_MEMORY_ERROR)
            fputs(" (from a run under AddressSanitizer)", f);
        fputs("</div>", f);
    }
    if (t->hint && *t->hint) {
        fputs("<div class=\"hint\">hint: ", f);
        esc(f, t->hint);
        fputs("</div>", f);
    }
    if (t->section && *t->section)
        section_link(f, g, c, t->section);
    if (t->sanitizer_report != NULL) {
        fputs("<details><summary>the sanitizer's report</summary><pre>", f);
        esc(f, t->sanitizer_report);
        fputs("</pre></details>", f);
    }
    if (t->heap_svg_mine || t->heap_svg_ref) {
        fputs("<div class=\"heaps\">", f);
        if (t->heap_svg_ref != NULL) {
            inline_svg(f, g->opt.out, t->heap_svg_mine, "yours");
            inline_svg(f, g->opt.out, t->heap_svg_ref, "reference");
        } else {
            inline_svg(f, g->opt.out, t->heap_svg_mine, "drawn when the check failed");
        }
        fputs("</div>", f);
    }
    fputs("</td></tr>\n", f);
}

static void public_table(FILE *f, const PgGrade *g, const PgChapter *c);

/* The public tests one by one; the hidden ones as a count, without their
 * names, messages or pictures. */
static void chapter_table(FILE *f, const PgGrade *g, const PgChapter *c)
{
    char *hidden = pg_hidden_summary(c);
    if (hidden == NULL) {
        public_table(f, g, c);
        return;
    }
    PgChapter view;
    pg_public_view(c, &view);
    public_table(f, g, &view);
    free(view.tests);
    fputs("<p class=\"total\">", f);
    esc(f, hidden);
    fprintf(f, "; %s with hidden tests: <b>%d/%d</b></p>\n", c->slug, c->score, c->max_score);
    free(hidden);
}

static void public_table(FILE *f, const PgGrade *g, const PgChapter *c)
{
    fprintf(f, "<h2 id=\"");
    esc(f, c->slug);
    fputs("\">", f);
    esc(f, c->slug);
    fprintf(f, " &mdash; %d/%d</h2>\n", c->score, c->max_score);
    int build_ok = strcmp(c->build, "ok") == 0;
    if (!build_ok) {
        if (strcmp(c->build, "refused") == 0) {
            fputs("<p class=\"failed\">The grader refused the code, so no test ran: ", f);
            esc(f, c->ntests > 0 && c->tests[0].message != NULL ? c->tests[0].message
                                                                : "see the build log");
            fputs("</p>\n", f);
        } else {
            fputs("<p class=\"failed\">The chapter did not build (", f);
            esc(f, c->build);
            fputs("), so no test ran.</p>\n", f);
        }
        if (c->build_log != NULL && *c->build_log) {
            fputs("<pre>", f);
            esc(f, c->build_log);
            fputs("</pre>\n", f);
        }
    }
    if (c->note != NULL) {
        fputs("<p class=\"hint\">", f);
        esc(f, c->note);
        fputs("</p>\n", f);
    }
    fputs("<table><tr><th>test</th><th class=\"status\">result</th>"
          "<th class=\"pts\">points</th></tr>\n",
          f);
    const char *step = NULL;
    for (size_t i = 0; i < c->ntests; i++) {
        const PgTest *t = &c->tests[i];
        if (t->step && *t->step && (step == NULL || strcmp(step, t->step) != 0)) {
            step = t->step;
            fputs("<tr class=\"step\"><td colspan=\"3\">", f);
            esc(f, step);
            fputs("</td></tr>\n", f);
        }
        int passed = t->status == PG_PASSED;
        const char *cls = passed ? "passed" : t->status == PG_NOT_WRITTEN ? "todo" : "failed";
        fprintf(f, "<tr%s><td><b>", passed ? "" : " class=\"test\"");
        esc(f, t->title ? t->title : t->name);
        fputs("</b><br><code>", f);
        esc(f, t->name);
        fprintf(f, "</code></td><td class=\"status %s\">", cls);
        esc(f, pg_status_name(t->status));
        fprintf(f, "</td><td class=\"pts\">%d/%d</td></tr>\n", t->points, t->max_points);
        /* A chapter that did not build (or was refused) gave every test
         * the same reason, said once above the table. */
        if (!passed && build_ok)
            failure_details(f, g, c, t);
    }
    fputs("</table>\n", f);
}

int pg_write_html(const PgGrade *g, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<title>pymemlab grade</title><style>",
          f);
    fputs(style, f);
    fputs("</style></head><body>\n<h1>pymemlab grade</h1>\n", f);
    fprintf(f, "<p class=\"total\">Score: <b>%d/%d</b></p>\n", g->score, g->max_score);
    fputs("<p class=\"hint\">Submission: <code>", f);
    esc(f, g->opt.submission);
    fputs("</code>", f);
    if (!g->opt.sanitizers)
        fputs(" (sanitizers off)", f);
    fputs("</p>\n", f);
    for (size_t i = 0; i < g->nchapters; i++)
        if (g->chapters[i].build != NULL)
            chapter_table(f, g, &g->chapters[i]);
    fputs("</body></html>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}
