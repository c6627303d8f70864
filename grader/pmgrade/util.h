/* util.h - small helpers every part of the grader uses: memory that never
 * comes back NULL, formatted strings, files, and text made safe for the
 * JSON and XML writers.  They depend on nothing else in the grader.
 */
#ifndef PG_UTIL_H
#define PG_UTIL_H

#include <stddef.h>

/* malloc that exits with status 2 ("grading could not run") when memory
 * runs out, instead of returning NULL. */
void *pg_malloc(size_t size);
char *pg_strdup(const char *s); /* NULL stays NULL */
char *pg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A copy that is valid UTF-8 with no control characters except \n and \t,
 * so that JSON and XML writers accept it. */
char *pg_clean_text(const char *s);
/* The first max_bytes of a file (NUL-terminated), NULL if unreadable. */
char *pg_read_file(const char *path, size_t max_bytes);
int pg_mkdirs(const char *path);
/* rm -rf path (never follows a symbolic link). */
void pg_remove_tree(const char *path);
int pg_is_dir(const char *path);
int pg_is_file(const char *path);
/* Seconds on a monotonic clock. */
double pg_now(void);
/* With PMGRADE_PROFILE set in the grader's environment: "pmgrade: time:
 * what N.NN s" (since the moment since) on stderr, to see where a grade's
 * time goes.  Returns the time now, for the next phase. */
double pg_profile(const char *what, const char *slug, double since);
/* The line of text containing needle, copied (without newline), or NULL. */
char *pg_line_with(const char *text, const char *needle);
/* The anchor of a section ("chapters/01-refcount.md#step-1" -> "step-1";
 * "Step 1: counting" -> "step-1-counting"), malloc'd. */
char *pg_section_anchor(const char *section);

#endif /* PG_UTIL_H */
