/* html.c - report.html: one self-contained page (inline CSS, heap pictures
 * inline) with a table per chapter, and for each failure its message, hint,
 * the book section to read, and "yours" beside "reference" heaps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmgrade.h"

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

/* An SVG file's markup without its XML prolog and doctype, or a note. */
static void inline_svg(FILE *f, const char *path, const char *caption)
{
    fputs("<figure>", f);
    char *svg = path ? pg_read_file(path, 4 << 20) : NULL;
    const char *start = svg ? strstr(svg, "<svg") : NULL;
    if (start != NULL)
        fputs(start, f);
    else
        fputs("<p class=\"none\">(no picture)</p>", f);
    fputs("<figcaption>", f);
    esc(f, caption);
    fputs("</figcaption></figure>", f);
    free(svg);
}

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:80em}"
    "h1{margin-bottom:0}.total{font-size:1.4em;margin:.3em 0 1.5em}"
    "table{border-collapse:collapse;width:100%;margin-bottom:.5em}"
    "td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}.pts{text-align:right;white-space:nowrap}"
    ".passed{color:#1a7f37;font-weight:bold}.failed{color:#c62828;font-weight:bold}"
    ".todo{color:#b26a00;font-weight:bold}.msg{white-space:pre-wrap;font-family:monospace}"
    ".hint{color:#555}.step td{background:#fafafa;font-weight:bold}"
    "pre{background:#f6f6f6;padding:1em;overflow:auto}"
    ".heaps{display:flex;gap:1em;flex-wrap:wrap}.heaps figure{margin:0;border:1px solid #ddd;"
    "padding:.5em;max-width:48%;overflow:auto}.heaps svg{max-width:100%;height:auto}"
    "figcaption{text-align:center;font-weight:bold}.none{color:#888}";

static void chapter_table(FILE *f, const PgChapter *c)
{
    fprintf(f, "<h2 id=\"");
    esc(f, c->slug);
    fputs("\">", f);
    esc(f, c->slug);
    fprintf(f, " &mdash; %d/%d</h2>\n", c->score, c->max_score);
    if (strcmp(c->build, "ok") != 0) {
        fputs("<p class=\"failed\">The chapter did not build (", f);
        esc(f, c->build);
        fputs(").</p>\n", f);
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
    fputs("<table><tr><th>test</th><th>result</th><th class=\"pts\">points</th></tr>\n", f);
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
        fputs("<tr><td><b>", f);
        esc(f, t->title ? t->title : t->name);
        fputs("</b><br><code>", f);
        esc(f, t->name);
        fputs("</code>", f);
        if (!passed) {
            fputs("<div class=\"msg\">", f);
            esc(f, t->message);
            fputs("</div>", f);
            if (t->hint && *t->hint) {
                fputs("<div class=\"hint\">hint: ", f);
                esc(f, t->hint);
                fputs("</div>", f);
            }
            if (t->section && *t->section) {
                char *anchor = pg_section_anchor(t->section);
                fputs("<div class=\"hint\">read: <a href=\"../book/", f);
                esc(f, c->slug);
                fputs(".html#", f);
                esc(f, anchor);
                fputs("\">", f);
                esc(f, t->section);
                fputs("</a></div>", f);
                free(anchor);
            }
            if (t->heap_svg_mine || t->heap_svg_ref) {
                fputs("<div class=\"heaps\">", f);
                if (t->heap_svg_ref != NULL) {
                    inline_svg(f, t->heap_svg_mine, "yours");
                    inline_svg(f, t->heap_svg_ref, "reference");
                } else {
                    inline_svg(f, t->heap_svg_mine, "your heap when the check failed");
                }
                fputs("</div>", f);
            }
        }
        fprintf(f, "</td><td class=\"%s\">", cls);
        esc(f, pg_status_name(t->status));
        fprintf(f, "</td><td class=\"pts\">%d/%d</td></tr>\n", t->points, t->max_points);
    }
    fputs("</table>\n", f);
}

int pg_write_html(const PgGrade *g, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
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
            chapter_table(f, &g->chapters[i]);
    fputs("</body></html>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}
