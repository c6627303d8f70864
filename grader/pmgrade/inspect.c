/* inspect.c - what the learner's code is allowed to be, checked before it
 * is linked with anything:
 *
 *   - its preprocessed text (what the compiler really compiles) contains no
 *     asm, and is the same with and without the sanitizers, so the two
 *     builds grade the same code;
 *   - its object defines only the chapter's functions and data (the names
 *     the reference solution of the chapter defines) plus static helpers;
 *   - it has no constructors, destructors or init/fini sections: nothing
 *     of it runs unless a test calls it;
 *   - it refers only to the runtime's API, the other chapters' layers and
 *     the C library's memory, string and printing functions: nothing that
 *     opens, writes, kills, forks, exits, changes the environment or makes
 *     a raw system call, and nothing the test suite or the reference
 *     solution of the same chapter defines.
 *
 * nm and readelf (binutils) read the objects.  A violation costs the
 * chapter, with a message that names the symbol and says why.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmgrade.h"

/* ------------------------------------------------------------------------
 * Name sets.
 * ------------------------------------------------------------------------ */

void pg_names_add(PgNames *s, const char *name)
{
    if (pg_names_has(s, name))
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        char **grown = realloc(s->names, s->cap * sizeof *grown);
        if (grown == NULL) {
            fputs("pmgrade: out of memory\n", stderr);
            exit(2);
        }
        s->names = grown;
    }
    s->names[s->n++] = pg_strdup(name);
}

int pg_names_has(const PgNames *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return 1;
    return 0;
}

void pg_names_free(PgNames *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------------
 * Reading objects with nm and readelf.
 * ------------------------------------------------------------------------ */

/* Run a reader on an object (confined, since the object is the learner's)
 * and return what it printed. */
static char *read_tool(char **argv, const char *object, const char *work, int confined)
{
    char *out = pg_printf("%s/inspect.out", work);
    PgSandboxRun box;
    memset(&box, 0, sizeof box);
    box.cpu_seconds = 20;
    box.file_bytes = 64L << 20;
    box.address_bytes = 1L << 30;
    box.readable[0] = object;
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.out_path = out;
    p.limit = 30;
    if (confined && pg_sandbox()->enabled)
        p.sandbox = &box;
    pg_run_proc(&p);
    char *text = p.exited && p.code == 0 ? pg_read_file(out, 32 << 20) : NULL;
    unlink(out);
    free(out);
    return text;
}

/* One line of nm -P ("name kind value size") into the sets.  Kinds: 'i'
 * (ifunc) is reported in *ifunc. */
static void add_nm_line(const char *line, PgNames *defined, PgNames *undefined, PgNames *ifunc)
{
    char name[512], kind[8];
    if (sscanf(line, "%511s %7s", name, kind) != 2 || name[strlen(name) - 1] == ':')
        return; /* "archive.a[member.o]:" headers */
    char k = kind[0];
    if (k == 'U' || k == 'w' || k == 'v') {
        if (undefined != NULL)
            pg_names_add(undefined, name);
    } else if (k == 'i' && ifunc != NULL) {
        pg_names_add(ifunc, name);
    } else if (isupper((unsigned char)k) || k == 'u' || k == 'i') {
        if (defined != NULL)
            pg_names_add(defined, name);
    }
}

/* Global names an object (or archive) defines, and those it refers to. */
static int nm_object(const char *path, const char *work, int confined, PgNames *defined,
                     PgNames *undefined, PgNames *ifunc)
{
    char *argv[] = {"nm", "-P", "--no-sort", (char *)path, NULL};
    char *text = read_tool(argv, path, work, confined);
    if (text == NULL)
        return -1;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
        add_nm_line(line, defined, undefined, ifunc);
    free(text);
    return 0;
}

/* The names the reference's own objects define, each object's into its
 * set, read by one nm for all of them (-A: every line starts with the
 * object's path, "path: " or "archive[member]: "). */
typedef struct {
    char *path;
    PgNames *set;
} NmTarget;

static void nm_targets(NmTarget *targets, size_t n, const char *work)
{
    if (n == 0)
        return;
    char **argv = calloc(n + 5, sizeof *argv);
    if (argv == NULL)
        return;
    size_t a = 0;
    argv[a++] = "nm";
    argv[a++] = "-P";
    argv[a++] = "-A";
    argv[a++] = "--no-sort";
    for (size_t i = 0; i < n; i++)
        argv[a++] = targets[i].path;
    char *text = read_tool(argv, NULL, work, 0);
    free(argv);
    if (text == NULL)
        return;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        size_t best = 0;
        PgNames *set = NULL;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(targets[i].path);
            if (len > best && strncmp(line, targets[i].path, len) == 0 &&
                (line[len] == ':' || line[len] == '[')) {
                best = len;
                set = targets[i].set;
            }
        }
        const char *rest = set != NULL ? strstr(line + best, ": ") : NULL;
        if (rest != NULL)
            add_nm_line(rest + 2, set, NULL, NULL);
    }
    free(text);
}

/* Every object a pattern matches, with the set its names go to (those
 * whose path contains skip left out). */
static void add_targets(NmTarget **targets, size_t *n, const char *pattern, const char *skip,
                        PgNames *set)
{
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    NmTarget *grown = realloc(*targets, (*n + g.gl_pathc) * sizeof *grown);
    if (grown != NULL) {
        *targets = grown;
        for (size_t i = 0; i < g.gl_pathc; i++)
            if (skip == NULL || strstr(g.gl_pathv[i], skip) == NULL)
                (*targets)[(*n)++] = (NmTarget){pg_strdup(g.gl_pathv[i]), set};
    }
    globfree(&g);
}

/* ------------------------------------------------------------------------
 * The rules of one chapter.
 * ------------------------------------------------------------------------ */

/* The C library functions graded code may call: memory, strings,
 * formatting and printing to the streams it is given, and what the
 * compiler itself emits calls to (-fsanitize-coverage's counter included). */
static const char *const libc_allowed[] = {
    "__sanitizer_cov_trace_pc",
    /* a thread-local variable of the runtime reached through the GOT
     * (chapter 5's per-thread reference total) */
    "_GLOBAL_OFFSET_TABLE_",
    "__tls_get_addr",
    /* the calling thread's identity: chapter 5's book names both as ways
     * to write _Pm_ThreadId (gettid is a system call: slow there) */
    "pthread_self",
    "gettid",
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "memchr",
    "strlen",
    "strnlen",
    "strcmp",
    "strncmp",
    "strchr",
    "strrchr",
    "strstr",
    "strcpy",
    "strncpy",
    "strcat",
    "strncat",
    "strdup",
    "strndup",
    "strspn",
    "strcspn",
    "strtol",
    "strtoll",
    "strtoul",
    "strtoull",
    "malloc",
    "calloc",
    "realloc",
    "free",
    "aligned_alloc",
    "posix_memalign",
    "abort",
    "__assert_fail",
    "__stack_chk_fail",
    "__errno_location",
    "printf",
    "fprintf",
    "vprintf",
    "vfprintf",
    "sprintf",
    "snprintf",
    "vsnprintf",
    "puts",
    "fputs",
    "fputc",
    "putc",
    "putchar",
    "fwrite",
    "fflush",
    "stdout",
    "stderr",
    "__printf_chk",
    "__fprintf_chk",
    "__sprintf_chk",
    "__snprintf_chk",
    "__vsnprintf_chk",
    "__vfprintf_chk",
    "__memcpy_chk",
    "__memmove_chk",
    "__memset_chk",
    "__strcpy_chk",
    "__strcat_chk",
    "__strncpy_chk",
    "qsort",
    "bsearch",
    "abs",
    "labs",
    "llabs",
    "__ctype_b_loc",
    "__ctype_tolower_loc",
    "__ctype_toupper_loc",
    "tolower",
    "toupper",
    "sqrt",
    "floor",
    "ceil",
    "log2",
    "pow",
    "fabs",
    NULL,
};

/* Why a name is refused, for the ones a learner is likely to reach for. */
static const struct {
    const char *what;
    const char *const names[40];
} refused_kinds[] = {
    {"opens or reads files",
     {"open",    "open64",  "openat",       "openat64", "creat", "creat64", "fopen",
      "fopen64", "freopen", "fdopen",       "opendir",  "read",  "pread",   "fread",
      "fgets",   "getline", "readlink",     "stat",     "lstat", "fstat",   "access",
      "tmpfile", "mkstemp", "memfd_create", NULL}},
    {"writes to or changes files",
     {"write",    "pwrite",    "writev", "unlink",    "unlinkat", "remove", "rename", "renameat",
      "truncate", "ftruncate", "chmod",  "fchmod",    "chown",    "mkdir",  "rmdir",  "link",
      "symlink",  "utime",     "utimes", "utimensat", "futimens", NULL}},
    {"ends the process or runs code when it ends",
     {"exit", "_exit", "_Exit", "quick_exit", "atexit", "at_quick_exit", "on_exit", "__cxa_atexit",
      "longjmp", "_longjmp", "siglongjmp", "__longjmp_chk", NULL}},
    {"sends or catches signals",
     {"kill", "killpg", "raise", "signal", "sigaction", "sigprocmask", "pthread_kill", "tgkill",
      "alarm", "setitimer", "timer_create", NULL}},
    {"starts processes or threads",
     {"fork", "vfork", "clone", "posix_spawn", "posix_spawnp", "system", "popen", "execl", "execlp",
      "execle", "execv", "execvp", "execvpe", "execve", "fexecve", "daemon", "pthread_create",
      NULL}},
    {"closes or redirects the test's own streams",
     {"close", "fclose", "dup", "dup2", "dup3", "freopen", "fcntl", "shutdown", NULL}},
    {"leaves the grader's process group or session", {"setsid", "setpgid", "setpgrp", NULL}},
    {"reads or changes the environment",
     {"getenv", "secure_getenv", "setenv", "unsetenv", "putenv", "clearenv", "environ", "__environ",
      "_environ", NULL}},
    {"makes a raw system call", {"syscall", "prctl", "ioctl", "ptrace", NULL}},
    {"maps memory or loads code",
     {"mmap", "mmap64", "munmap", "mprotect", "mremap", "dlopen", "dlsym", "dlvsym", "sbrk", "brk",
      NULL}},
    {"reads the time or the process's identity (canned answers?)",
     {"getpid", "getppid", "time", "clock_gettime", "gettimeofday", "clock", NULL}},
};

/* Runtime functions graded code has no use for: they run scripts, write
 * pictures to files, or read chapter 2's work counter. */
static int runtime_refused(const char *name)
{
    return strncmp(name, "PmRun_", 6) == 0 || strncmp(name, "interp_", 7) == 0 ||
           strncmp(name, "pm_count", 8) == 0 || strstr(name, "_Render") != NULL ||
           strcmp(name, "PmRuntime_Init") == 0 || strcmp(name, "PmRuntime_Fini") == 0;
}

static int sanitizer_name(const char *name)
{
    return strncmp(name, "__asan_", 7) == 0 || strncmp(name, "__ubsan_handle_", 15) == 0 ||
           strncmp(name, "__tsan_", 7) == 0;
}

static void names_copy(PgNames *to, const PgNames *from)
{
    for (size_t i = 0; i < from->n; i++)
        pg_names_add(to, from->names[i]);
}

/* The rules depend only on the reference build, which does not change
 * while pmgrade runs: they are read once per chapter and variant (each
 * chapter asks twice, for its build and its sanitizer build). */
static struct {
    char *key;
    PgInspectRules rules;
} known_rules[32];

void pg_inspect_rules(const PgOptions *o, const char *slug, const char *variant, const char *work,
                      PgInspectRules *r)
{
    memset(r, 0, sizeof *r);
    char *key = pg_printf("%s\t%s\t%s", o->root, variant, slug);
    size_t k = 0;
    while (k < sizeof known_rules / sizeof known_rules[0] && known_rules[k].key != NULL &&
           strcmp(known_rules[k].key, key) != 0)
        k++;
    if (k < sizeof known_rules / sizeof known_rules[0] && known_rules[k].key != NULL) {
        free(key);
        names_copy(&r->contract, &known_rules[k].rules.contract);
        names_copy(&r->callable, &known_rules[k].rules.callable);
        names_copy(&r->reference_only, &known_rules[k].rules.reference_only);
        return;
    }
    NmTarget *targets = NULL;
    size_t n = 0;
    char *pattern;
    /* The chapter's contract: what its reference defines. */
    pattern = pg_printf("%s/build/%s/ref/%s/*.o", o->root, variant, slug);
    add_targets(&targets, &n, pattern, NULL, &r->contract);
    free(pattern);
    /* The runtime and the other chapters' layers. */
    pattern = pg_printf("%s/build/%s/libpmruntime.a", o->root, variant);
    add_targets(&targets, &n, pattern, NULL, &r->callable);
    free(pattern);
    pattern = pg_printf("%s/build/%s/ref/[0-9][0-9]-*/*.o", o->root, variant);
    char *own = pg_printf("/ref/%s/", slug);
    add_targets(&targets, &n, pattern, own, &r->callable);
    free(own);
    free(pattern);
    /* What only the suite and the chapter's own reference define. */
    static const char *const suite_parts[] = {"suites/%s/*.o", "pm*.o", "pmtest/*.o", "count/*.o"};
    for (size_t i = 0; i < sizeof suite_parts / sizeof suite_parts[0]; i++) {
        char *part = pg_printf(suite_parts[i], slug);
        pattern = pg_printf("%s/build/%s/%s", o->root, variant, part);
        add_targets(&targets, &n, pattern, NULL, &r->reference_only);
        free(pattern);
        free(part);
    }
    /* In a handout, the suite's parts that ship compiled (HANDOUT_AS_OBJECT). */
    pattern = pg_printf("%s/prebuilt/%s/suite-%s.o", o->root, slug, variant);
    add_targets(&targets, &n, pattern, NULL, &r->reference_only);
    free(pattern);
    nm_targets(targets, n, work);
    for (size_t i = 0; i < n; i++)
        free(targets[i].path);
    free(targets);
    if (k < sizeof known_rules / sizeof known_rules[0]) {
        known_rules[k].key = key;
        names_copy(&known_rules[k].rules.contract, &r->contract);
        names_copy(&known_rules[k].rules.callable, &r->callable);
        names_copy(&known_rules[k].rules.reference_only, &r->reference_only);
    } else {
        free(key);
    }
}

void pg_inspect_rules_free(PgInspectRules *r)
{
    pg_names_free(&r->contract);
    pg_names_free(&r->callable);
    pg_names_free(&r->reference_only);
}

static char *refusal(const char *file, const char *name, const PgInspectRules *r)
{
    for (size_t k = 0; k < sizeof refused_kinds / sizeof refused_kinds[0]; k++)
        for (int i = 0; refused_kinds[k].names[i] != NULL; i++)
            if (strcmp(refused_kinds[k].names[i], name) == 0)
                return pg_printf("%s uses %s, which %s: graded code may call only the "
                                 "runtime, the other chapters and the C library's memory, "
                                 "string and printing functions",
                                 file, name, refused_kinds[k].what);
    if (runtime_refused(name))
        return pg_printf("%s uses %s, which runs scripts, writes files or reads the grader's "
                         "work counter: graded code has no use for it",
                         file, name);
    if (pg_names_has(&r->reference_only, name) || pg_names_has(&r->contract, name))
        return pg_printf("%s uses %s, which belongs to the test suite or the reference "
                         "solution: graded code must do the work itself",
                         file, name);
    return pg_printf("%s uses %s, which is not on the list of functions graded code may "
                     "call (the runtime's API in include/, the other chapters, and the C "
                     "library's memory, string and printing functions)",
                     file, name);
}

static int libc_ok(const char *name)
{
    for (int i = 0; libc_allowed[i] != NULL; i++)
        if (strcmp(libc_allowed[i], name) == 0)
            return 1;
    return 0;
}

char *pg_inspect_object(const PgInspectRules *r, const char *obj, const char *file,
                        const char *work, int sanitized)
{
    PgNames defined = {0}, undefined = {0}, ifunc = {0};
    if (nm_object(obj, work, 1, &defined, &undefined, &ifunc) != 0)
        return pg_printf("%s: the compiled object could not be read", file);
    char *why = NULL;
    if (why == NULL) {
        /* Sections: nothing that runs before main() or after it. */
        char *argv[] = {"readelf", "-SW", (char *)obj, NULL};
        char *text = read_tool(argv, obj, work, 1);
        if (text == NULL) {
            why = pg_printf("%s: the compiled object could not be read", file);
        } else {
            int stack_note = 0;
            for (char *line = strtok(text, "\n"); line != NULL && why == NULL;
                 line = strtok(NULL, "\n")) {
                char *b = strchr(line, ']');
                char name[256];
                if (strchr(line, '[') == NULL || b == NULL || sscanf(b + 1, "%255s", name) != 1)
                    continue;
                stack_note |= strcmp(name, ".note.GNU-stack") == 0;
                /* AddressSanitizer registers its globals from a constructor
                 * of priority 99; the code is the same as in the plain build,
                 * which has none. */
                if (sanitized && (strcmp(name, ".init_array.00099") == 0 ||
                                  strcmp(name, ".fini_array.00099") == 0 ||
                                  strcmp(name, ".rela.init_array.00099") == 0 ||
                                  strcmp(name, ".rela.fini_array.00099") == 0))
                    continue;
                static const char *const runs_early[] = {
                    ".init",      ".fini",      ".preinit_array", ".ctors",      ".dtors",
                    ".rela.init", ".rela.fini", ".rela.preinit",  ".rela.ctors", ".rela.dtors",
                    NULL};
                for (int k = 0; runs_early[k] != NULL; k++)
                    if (strncmp(name, runs_early[k], strlen(runs_early[k])) == 0)
                        why = pg_printf("%s has a constructor or destructor (section %s): code "
                                        "that runs before or after the tests is not allowed",
                                        file, name);
            }
            if (why == NULL && !stack_note)
                why = pg_printf("%s asks for an executable stack", file);
            free(text);
        }
    }
    if (why == NULL && ifunc.n > 0)
        why = pg_printf("%s defines %s as an indirect function (ifunc), whose resolver runs "
                        "when the program loads: graded code runs only when a test calls it",
                        file, ifunc.names[0]);
    for (size_t i = 0; why == NULL && i < defined.n; i++)
        if (!pg_names_has(&r->contract, defined.names[i]) &&
            !(sanitized && strncmp(defined.names[i], "__odr_asan.", 11) == 0))
            why = pg_printf("%s defines %s, which is not a name of this chapter's contract "
                            "(its header in include/): make it static if it is your own "
                            "helper, or check its spelling if it should be one of the "
                            "chapter's functions",
                            file, defined.names[i]);
    for (size_t i = 0; why == NULL && i < undefined.n; i++) {
        const char *name = undefined.names[i];
        if (pg_names_has(&defined, name) || pg_names_has(&r->contract, name))
            continue; /* the chapter's own functions, defined in another of its files */
        if (sanitized && sanitizer_name(name))
            continue;
        if ((pg_names_has(&r->callable, name) && !runtime_refused(name)) || libc_ok(name))
            continue;
        why = refusal(file, name, r);
    }
    pg_names_free(&defined);
    pg_names_free(&undefined);
    pg_names_free(&ifunc);
    return why;
}

/* ------------------------------------------------------------------------
 * The preprocessed text.
 * ------------------------------------------------------------------------ */

char *pg_learner_text(const char *preprocessed, const char *learner_dir)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL || preprocessed == NULL) {
        if (out != NULL)
            fclose(out);
        free(buf);
        return NULL;
    }
    size_t dirlen = strlen(learner_dir);
    int mine = 0;
    for (const char *p = preprocessed; *p;) {
        size_t n = strcspn(p, "\n");
        if (p[0] == '#' && p[1] == ' ' && isdigit((unsigned char)p[2])) {
            /* # 12 "file" flags */
            const char *q = memchr(p, '"', n);
            mine = q != NULL && strncmp(q + 1, learner_dir, dirlen) == 0;
        } else if (mine) {
            fwrite(p, 1, n, out);
            fputc('\n', out);
        }
        p += n + (p[n] == '\n');
    }
    fclose(out);
    return buf;
}

char *pg_find_asm(const char *text)
{
    for (const char *p = text; p != NULL && *p;) {
        if (*p == '"' || *p == '\'') {
            char quote = *p++;
            while (*p && *p != quote && *p != '\n') {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            if (*p)
                p++;
            continue;
        }
        if (isalpha((unsigned char)*p) || *p == '_') {
            const char *start = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            size_t n = (size_t)(p - start);
            if ((n == 3 && strncmp(start, "asm", 3) == 0) ||
                (n == 5 && strncmp(start, "__asm", 5) == 0) ||
                (n == 7 && strncmp(start, "__asm__", 7) == 0))
                return pg_printf("%.*s", (int)n, start);
            /* Attributes that take a function out of the sanitizers or out
             * of chapter 2's work counter. */
            const char *id = start;
            size_t m = n;
            while (m > 2 && id[0] == '_' && id[1] == '_') {
                id += 2;
                m -= 2;
            }
            if ((m >= 11 && strncmp(id, "no_sanitize", 11) == 0) ||
                (m >= 26 && strncmp(id, "no_address_safety_analysis", 26) == 0) ||
                (m >= 22 && strncmp(id, "no_instrument_function", 22) == 0))
                return pg_printf("%.*s", (int)n, start);
            continue;
        }
        p++;
    }
    return NULL;
}
