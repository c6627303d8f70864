/* build.c - building a chapter's suite, and turning a failed build into
 * words a learner can act on (the compiler's first messages, "missing
 * function X" for a link that found no definition, "X is defined twice").
 *
 * The reference is built by make.  The learner's files are compiled here:
 * copied with include/ to a fresh folder (so that nothing else of the
 * checkout can be included), preprocessed and compiled under the sandbox
 * and limits, checked and inspected (inspect.c); make then only links.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmgrade.h"

/* The first max_lines lines of text, malloc'd. */
static char *first_lines(const char *text, int max_lines)
{
    const char *p = text;
    for (int i = 0; i < max_lines && *p; i++) {
        p = strchr(p, '\n');
        if (p == NULL) {
            p = text + strlen(text);
            break;
        }
        p++;
    }
    size_t n = (size_t)(p - text);
    char *copy = pg_malloc(n + 1);
    memcpy(copy, text, n);
    copy[n] = '\0';
    return copy;
}

/* "missing function A, B" from every "undefined reference to `X'". */
static char *missing_functions(const char *log)
{
    char *names = pg_strdup("");
    int count = 0;
    const char *needle = "undefined reference to `";
    for (const char *p = strstr(log, needle); p != NULL; p = strstr(p, needle)) {
        p += strlen(needle);
        size_t n = strcspn(p, "'\n");
        char name[256];
        if (n >= sizeof name)
            n = sizeof name - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        /* the same name is reported once per caller */
        char padded[260];
        snprintf(padded, sizeof padded, " %s,", name);
        char *seen = pg_printf(" %s,", names);
        int dup = strstr(seen, padded) != NULL;
        free(seen);
        if (dup)
            continue;
        char *more = pg_printf("%s%s%s", names, count ? ", " : "", name);
        free(names);
        names = more;
        count++;
    }
    if (count == 0) {
        free(names);
        return NULL;
    }
    char *msg = pg_printf("missing function%s %s: %s", count > 1 ? "s" : "", names,
                          count > 1 ? "they are declared but never defined (renamed or deleted?)"
                                    : "it is declared but never defined (renamed or deleted?)");
    free(names);
    return msg;
}

/* make -s --no-print-directory -C ROOT ARGS... (a target and its variables,
 * NULL-terminated) into *p, its output in out_path, stopped after limit
 * seconds; without the MAKEFLAGS of a make that runs pmgrade (make grade
 * -j4 would hand its jobserver and flags down). */
static void run_make(PgProc *p, const PgOptions *o, char *const args[], const char *out_path,
                     double limit)
{
    char *argv[24] = {"make", "-s", "--no-print-directory", "-C", (char *)o->root};
    size_t n = 5;
    for (size_t i = 0; args[i] != NULL && n + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *env[] = {"MAKEFLAGS", "MFLAGS", NULL};
    memset(p, 0, sizeof *p);
    p->argv = argv;
    p->env = env;
    p->out_path = out_path;
    p->err_path = NULL;
    p->limit = limit;
    pg_run_proc(p);
    p->argv = NULL;
    p->env = NULL;
}

/* "X is defined twice" from the linker's "multiple definition of `X'". */
static char *defined_twice(const char *log)
{
    const char *needle = "multiple definition of `";
    const char *p = strstr(log, needle);
    if (p == NULL)
        return NULL;
    p += strlen(needle);
    size_t n = strcspn(p, "'\n");
    return pg_printf("%.*s is defined twice: once in your chapter and once elsewhere (in "
                     "another of your files, or a name the runtime already uses)",
                     (int)n, p);
}

static int make_suite(const PgOptions *o, const char *slug, const char *submission,
                      const char *variant, const char *out_dir, const char *log_path,
                      const char *layer_objs, const char **build, char **log, char **message)
{
    *build = "ok";
    *log = NULL;
    *message = NULL;
    char *ch = pg_printf("CH=%s", slug);
    char *sub = pg_printf("SUBMISSION=%s", submission);
    char *out = pg_printf("OUT=%s", out_dir);
    char *var = pg_printf("VARIANT=%s", variant);
    char *stack = pg_printf("STACK=%s", o->stack);
    char *objs = pg_printf("LAYER_OBJS=%s", layer_objs ? layer_objs : "");
    char *hidden = pg_printf("HIDDEN=%s", o->hidden ? o->hidden : "");
    char *args[] = {"suite", ch, sub, out, var, stack, objs, hidden, NULL};
    PgProc p;
    run_make(&p, o, args, log_path, PG_BUILD_LIMIT);
    free(ch);
    free(sub);
    free(out);
    free(var);
    free(stack);
    free(objs);
    free(hidden);

    char *text = pg_read_file(log_path, 1 << 20);
    char *clean = pg_clean_text(text ? text : "");
    free(text);
    if (p.exited && p.code == 0) {
        free(clean);
        return 0;
    }
    *log = first_lines(clean, 40);
    char *missing = missing_functions(clean);
    char *twice = missing ? NULL : defined_twice(clean);
    if (missing != NULL || twice != NULL) {
        *build = "link-error";
        *message = missing ? missing : twice;
    } else {
        *build = "compile-error";
        if (p.timed_out) {
            *message = pg_printf("the build did not finish within %.0f s", PG_BUILD_LIMIT);
        } else if (p.spawn_failed) {
            *message = pg_strdup("could not run make");
        } else {
            /* The compiler's first error says the most. */
            const char *e = strstr(clean, "error:");
            const char *start = e;
            while (start != NULL && start > clean && start[-1] != '\n')
                start--;
            if (start != NULL) {
                size_t n = strcspn(start, "\n");
                *message = pg_printf("does not compile: %.*s", (int)n, start);
            } else {
                *message = pg_strdup("the build failed (see the build log)");
            }
        }
    }
    free(clean);
    return -1;
}

int pg_build_suite(const PgOptions *o, const char *slug, const char *submission,
                   const char *variant, const char *out_dir, const char *log_path,
                   const char **build, char **log, char **message)
{
    return make_suite(o, slug, submission, variant, out_dir, log_path, NULL, build, log, message);
}

/* ------------------------------------------------------------------------
 * The learner's code.
 * ------------------------------------------------------------------------ */

/* Limits of the compiler (a file that includes /dev/zero makes cc1 eat
 * memory until stopped). */
#define PG_COMPILE_LIMIT 60.0
#define PG_COMPILE_CPU 60
#define PG_COMPILE_FILE_BYTES (64L << 20)
#define PG_COMPILE_ADDRESS_BYTES (2L << 30)
#define PG_SOURCE_BYTES (1L << 20)

/* The compiler and flags of a variant, as the Makefile has them, with
 * -Iinclude pointed at the copy and the grader's own headers left out. */
static char **compile_flags(const PgOptions *o, const char *slug, const char *variant,
                            const char *include, const char *log_dir)
{
    char *out = pg_printf("%s/layer-cflags.txt", log_dir);
    char *var = pg_printf("VARIANT=%s", variant);
    char *ch = pg_printf("CH=%s", slug);
    char *args[] = {"layer-cflags", var, ch, NULL};
    PgProc p;
    run_make(&p, o, args, out, PG_LIST_LIMIT);
    char *text = p.exited && p.code == 0 ? pg_read_file(out, 4096) : NULL;
    free(out);
    free(var);
    free(ch);
    if (text == NULL)
        return NULL;
    char **flags = pg_malloc(128 * sizeof *flags);
    size_t n = 0;
    for (char *w = strtok(text, " \t\n"); w != NULL && n < 120; w = strtok(NULL, " \t\n")) {
        if (strcmp(w, "-Iinclude") == 0)
            flags[n++] = pg_printf("-I%s", include);
        else if (strncmp(w, "-I", 2) != 0)
            flags[n++] = pg_strdup(w);
    }
    flags[n] = NULL;
    free(text);
    return flags;
}

static void free_strings(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* Copy the regular files of from whose names end in one of suffixes. */
static int copy_files(const char *from, const char *to, const char *const *suffixes, char **why)
{
    DIR *d = opendir(from);
    if (d == NULL) {
        *why = pg_printf("cannot read %s", from);
        return -1;
    }
    pg_mkdirs(to);
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        int wanted = 0;
        for (int i = 0; suffixes[i] != NULL; i++) {
            size_t k = strlen(suffixes[i]);
            wanted |= len > k && strcmp(e->d_name + len - k, suffixes[i]) == 0;
        }
        if (!wanted)
            continue;
        char *src = pg_printf("%s/%s", from, e->d_name);
        struct stat st;
        if (lstat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
            *why =
                pg_printf("%s is not a regular file (a link?): submit the file itself", e->d_name);
            rc = -1;
        } else if (st.st_size > PG_SOURCE_BYTES) {
            *why = pg_printf("%s is larger than 1 MiB", e->d_name);
            rc = -1;
        } else {
            char *text = pg_read_file(src, (size_t)st.st_size);
            char *dst = pg_printf("%s/%s", to, e->d_name);
            FILE *f = fopen(dst, "wb");
            if (text == NULL || f == NULL ||
                fwrite(text, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
                *why = pg_printf("cannot copy %s", e->d_name);
                rc = -1;
            }
            if (f != NULL)
                fclose(f);
            free(text);
            free(dst);
        }
        free(src);
    }
    closedir(d);
    return rc;
}

/* Run the compiler (or preprocessor) on the learner's file under the
 * sandbox; its messages are appended to log. */
static int run_compiler(const PgOptions *o, char **flags, char **extra, const char *src_dir,
                        const char *step_log, FILE *log, int *timed_out)
{
    char *argv[160];
    size_t n = 0;
    for (size_t i = 0; flags[i] != NULL && n < 120; i++)
        argv[n++] = flags[i];
    for (size_t i = 0; extra[i] != NULL && n < 158; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    PgSandboxRun box;
    memset(&box, 0, sizeof box);
    box.workdir = src_dir;
    box.writable[0] = src_dir;
    box.hidden[0] = o->root; /* the checkout, solutions and all */
    box.cpu_seconds = PG_COMPILE_CPU;
    box.file_bytes = PG_COMPILE_FILE_BYTES;
    box.address_bytes = PG_COMPILE_ADDRESS_BYTES;
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.out_path = step_log;
    p.err_path = NULL;
    p.limit = PG_COMPILE_LIMIT;
    p.sandbox = pg_sandbox()->enabled ? &box : NULL;
    pg_run_proc(&p);
    char *text = pg_read_file(step_log, 64 * 1024);
    /* The driver reports what stopped cc1 in words; a stopped driver is
     * seen directly. */
    *timed_out = 0;
    if (p.timed_out || (p.signaled && (p.sig == SIGXCPU || p.sig == SIGKILL)) ||
        (text != NULL && (strstr(text, "out of memory") || strstr(text, "memory exhausted") ||
                          strstr(text, "CPU time limit") || strstr(text, "Killed"))))
        *timed_out = 1;
    if ((p.signaled && p.sig == SIGXFSZ) || (text != NULL && strstr(text, "File size limit")))
        *timed_out = 2;
    if (text != NULL) {
        fputs(text, log);
        free(text);
    }
    return p.exited && p.code == 0 ? 0 : -1;
}

/* Every file the preprocessor read must be the learner's copy, include/'s
 * copy or a system header. */
static char *foreign_include(const char *deps_path, const char *src_dir)
{
    char *deps = pg_read_file(deps_path, 1 << 20);
    if (deps == NULL)
        return NULL;
    char real_src[PATH_MAX];
    if (realpath(src_dir, real_src) == NULL)
        snprintf(real_src, sizeof real_src, "%s", src_dir);
    size_t src_len = strlen(real_src);
    char *why = NULL;
    char *colon = strstr(deps, ": ");
    for (char *w = strtok(colon ? colon + 1 : deps, " \t\n\\"); w != NULL && why == NULL;
         w = strtok(NULL, " \t\n\\")) {
        char real[PATH_MAX];
        int exists = realpath(w, real) != NULL;
        const char *path = exists ? real : w;
        int ours = strncmp(path, real_src, src_len) == 0 && path[src_len] == '/';
        int system = strncmp(path, "/usr/", 5) == 0;
        /* A missing plain name is the compiler's error to report; a
         * missing path reaches for something outside (hidden, or absent). */
        if (!exists && strchr(w, '/') == NULL)
            continue;
        if (!ours && !system)
            why = pg_printf("includes %s: graded code may include only the headers of include/, "
                            "system headers and its own files",
                            w);
    }
    free(deps);
    return why;
}

/* Compile one chapter's files into objects under src/<ch>/; objs gets
 * their paths.  0 on success; otherwise *kind and *why say what failed. */
static int compile_chapter(const PgOptions *o, const char *ch, const char *primary, char **flags,
                           const char *src, const char *rel_src, FILE *log, char **objs,
                           const char **kind, char **why)
{
    char *dir = pg_printf("%s/%s", src, ch);
    char *from = pg_printf("%s/%s", o->submission, ch);
    static const char *const sources[] = {".c", ".h", NULL};
    int rc = copy_files(from, dir, sources, why);
    free(from);
    /* The compiler (as the sandbox user) writes its output next to them. */
    pg_sandbox_give(src);
    if (rc != 0) {
        *kind = "compile-error";
        free(dir);
        return -1;
    }
    PgInspectRules rules;
    pg_inspect_rules(o, ch, primary, src, &rules);
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    char *learner_prefix = pg_printf("%s/", dir);
    while (rc == 0 && d != NULL && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
            continue;
        files++;
        char *stem = pg_printf("%.*s", (int)(len - 2), e->d_name);
        char *c_file = pg_printf("%s/%s", dir, e->d_name);
        char *i_file = pg_printf("%s/%s.i", dir, stem);
        char *d_file = pg_printf("%s/%s.d", dir, stem);
        char *o_file = pg_printf("%s/%s.o", dir, stem);
        char *text_file = pg_printf("%s/%s.learner", dir, stem);
        char *step_log = pg_printf("%s/%s.log", src, stem);
        int limit_hit = 0;
        char *deps[] = {"-M", "-MG", "-MF", d_file, c_file, NULL};
        char *pre[] = {"-E", "-o", i_file, c_file, NULL};
        char *comp[] = {"-c", i_file, "-o", o_file, NULL};
        char *text = NULL, *learner = NULL, *found = NULL;
        /* First the files it includes (missing ones listed too), so that
         * reaching outside is named as such wherever the sandbox hides it. */
        int deps_ok = run_compiler(o, flags, deps, src, step_log, log, &limit_hit) == 0;
        if (deps_ok && (*why = foreign_include(d_file, src)) != NULL) {
            *kind = "refused";
            rc = -1;
        } else if (!deps_ok || run_compiler(o, flags, pre, src, step_log, log, &limit_hit) != 0) {
            *kind = "compile-error";
            *why = limit_hit
                       ? pg_printf("%s: the compiler was stopped at its limits (%s): "
                                   "does it include something endless, such as /dev/zero?",
                                   e->d_name, limit_hit == 2 ? "64 MiB of output" : "60 s or 2 GiB")
                       : NULL;
            rc = -1;
        } else if ((text = pg_read_file(i_file, 64L << 20)) == NULL ||
                   (learner = pg_learner_text(text, learner_prefix)) == NULL) {
            *kind = "compile-error";
            *why = pg_printf("%s: cannot read the preprocessed file", e->d_name);
            rc = -1;
        } else if ((found = pg_find_asm(learner)) != NULL) {
            *kind = "refused";
            *why = strstr(found, "asm") != NULL
                       ? pg_printf("%s uses %s: inline assembly is not allowed in graded code "
                                   "(it could make system calls the grader cannot see)",
                                   e->d_name, found)
                       : pg_printf("%s uses %s, which takes code out of the sanitizers or out "
                                   "of the work counter: graded code is checked whole",
                                   e->d_name, found);
            rc = -1;
        } else {
            FILE *f = fopen(text_file, "w");
            if (f != NULL) {
                fputs(learner, f);
                fclose(f);
            }
            if (rel_src != NULL) {
                /* The sanitizer build must compile the very same code. */
                char *rel_text_file = pg_printf("%s/%s/%s.learner", rel_src, ch, stem);
                char *rel_text = pg_read_file(rel_text_file, 64L << 20);
                if (rel_text != NULL && strcmp(rel_text, learner) != 0) {
                    *kind = "refused";
                    *why = pg_printf("%s compiles to different code under the sanitizers "
                                     "(#if on __SANITIZE_ADDRESS__ or the like): the same code "
                                     "must be graded with and without them",
                                     e->d_name);
                    rc = -1;
                }
                free(rel_text);
                free(rel_text_file);
            }
            if (rc == 0 && run_compiler(o, flags, comp, src, step_log, log, &limit_hit) != 0) {
                *kind = "compile-error";
                *why = limit_hit
                           ? pg_printf("%s: the compiler was stopped at its limits", e->d_name)
                           : NULL;
                rc = -1;
            }
            if (rc == 0 && (*why = pg_inspect_object(&rules, o_file, e->d_name, src,
                                                     rel_src != NULL)) != NULL) {
                *kind = "refused";
                rc = -1;
            }
            if (rc == 0) {
                char *more = pg_printf("%s%s%s", *objs ? *objs : "", *objs ? " " : "", o_file);
                free(*objs);
                *objs = more;
            }
        }
        free(found);
        free(text);
        free(learner);
        free(stem);
        free(c_file);
        free(i_file);
        free(d_file);
        free(o_file);
        free(text_file);
        free(step_log);
    }
    if (d != NULL)
        closedir(d);
    if (rc == 0 && files == 0) {
        *kind = "compile-error";
        *why = pg_printf("no .c files in %s", ch);
        rc = -1;
    }
    free(learner_prefix);
    pg_inspect_rules_free(&rules);
    free(dir);
    return rc;
}

int pg_build_learner_suite(const PgOptions *o, const char *slug, const char *variant,
                           const char *primary, const char *out_dir, const char *log_path,
                           const char **build, char **log, char **message)
{
    *build = "ok";
    *log = NULL;
    *message = NULL;
    char *src = pg_printf("%s/src", out_dir);
    char *include = pg_printf("%s/include", src);
    char *root_include = pg_printf("%s/include", o->root);
    pg_mkdirs(out_dir);
    pg_sandbox_scratch(src);
    static const char *const headers[] = {".h", NULL};
    char *why = NULL;
    const char *kind = "compile-error";
    char **flags = NULL;
    char *objs = NULL;
    FILE *logf = fopen(log_path, "w");
    int rc = copy_files(root_include, include, headers, &why);
    /* The reference objects the inspection reads its rules from. */
    char *ref_log = pg_printf("%s/ref-objs.log", out_dir);
    char *var = pg_printf("VARIANT=%s", primary);
    char *ref_args[] = {"ref-objs", var, NULL};
    PgProc ref;
    run_make(&ref, o, ref_args, ref_log, PG_BUILD_LIMIT);
    free(ref_log);
    free(var);
    if (rc == 0 && (flags = compile_flags(o, slug, variant, include, out_dir)) == NULL) {
        why = pg_strdup("the Makefile did not say how to compile (make layer-cflags)");
        rc = -1;
    }
    /* A sanitizer variant must compile the very text the primary one did. */
    char *rel_src =
        strcmp(variant, primary) == 0 ? NULL : pg_printf("%s/../%s/src", out_dir, primary);
    int mine = strcmp(o->stack, "mine") == 0;
    char *chapters_dir = pg_chapters_dir(o);
    DIR *d = mine ? opendir(chapters_dir) : NULL;
    struct dirent *e = NULL;
    const char *ch = slug;
    while (rc == 0 && ch != NULL) {
        if (d != NULL) {
            while ((e = readdir(d)) != NULL && !(e->d_name[0] >= '0' && e->d_name[0] <= '9'))
                ;
            if (e == NULL)
                break;
            ch = e->d_name;
        }
        rc = compile_chapter(o, ch, primary, flags, src, rel_src, logf ? logf : stderr, &objs,
                             &kind, &why);
        if (d == NULL)
            ch = NULL;
    }
    if (d != NULL)
        closedir(d);
    free(chapters_dir);
    free(rel_src);
    if (logf != NULL)
        fclose(logf);
    free_strings(flags);
    free(src);
    free(include);
    free(root_include);
    if (rc != 0) {
        char *text = pg_read_file(log_path, 1 << 20);
        char *clean = pg_clean_text(text ? text : "");
        free(text);
        *build = kind;
        *log = first_lines(clean, 40);
        if (why == NULL) {
            const char *err = strstr(clean, "error:");
            const char *start = err;
            while (start != NULL && start > clean && start[-1] != '\n')
                start--;
            why = start ? pg_printf("does not compile: %.*s", (int)strcspn(start, "\n"), start)
                        : pg_strdup("the build failed (see the build log)");
        }
        free(clean);
        *message = why;
        free(objs);
        return -1;
    }
    /* make links the checked objects with the suite and the reference. */
    char *link_log = pg_printf("%s.link", log_path);
    rc = make_suite(o, slug, o->submission, variant, out_dir, link_log, objs, build, log, message);
    free(link_log);
    free(objs);
    return rc;
}

char *pg_chapters_dir(const PgOptions *o)
{
    char *dir = pg_printf("%s/solutions", o->root);
    if (pg_is_dir(dir))
        return dir;
    free(dir);
    return pg_printf("%s/grader/suites", o->root);
}

int pg_build_pmrun_ref(const PgOptions *o)
{
    static int state = 0; /* 0 not tried, 1 built, -1 failed */
    if (state != 0)
        return state == 1 ? 0 : -1;
    char *log = pg_printf("%s/builds/pmrun-ref.log", o->out);
    char *args[] = {"pmrun-ref", NULL};
    PgProc p;
    run_make(&p, o, args, log, PG_BUILD_LIMIT);
    free(log);
    state = p.exited && p.code == 0 ? 1 : -1;
    return state == 1 ? 0 : -1;
}
