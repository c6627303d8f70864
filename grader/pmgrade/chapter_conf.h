/* chapter_conf.h - a chapter's grading settings, from
 * grader/suites/NN-slug/chapter.conf (the Makefile reads the same file).
 */
#ifndef PMGRADE_CHAPTER_CONF_H
#define PMGRADE_CHAPTER_CONF_H

#define PG_MAX_VARIANTS 4

typedef struct {
    /* variants[0] runs every test; each next one runs again the tests that
     * still pass, under its sanitizers. */
    char variants[PG_MAX_VARIANTS][16];
    int nvariants;
    double unit_timeout; /* Check's timeout for a unit test, seconds */
    double scenario_timeout; /* ... and for a scenario */
} PgChapterConf;

/* Read root/grader/suites/<slug>/chapter.conf into conf.  Keys the file
 * does not set keep their defaults (rel then asan; the timeouts of
 * pmlimits.h).  Returns
 * 0, or -1 when the file is unreadable or has a line it does not
 * understand (conf then holds the defaults and what was read). */
int pg_chapter_conf(const char *root, const char *slug, PgChapterConf *conf);

#endif /* PMGRADE_CHAPTER_CONF_H */
