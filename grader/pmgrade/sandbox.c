/* sandbox.c - where the learner's code runs: the compiler that reads it and
 * the tests that link it.  The grader picks the strongest confinement the
 * machine allows and says which one it got:
 *
 *   - as root, every learner process runs as an unprivileged user of its own
 *     (PG_SANDBOX_UID), so it can write nothing the grader owns;
 *   - with user namespaces (bubblewrap), it also sees the whole file system
 *     read-only except its own scratch folder, no network, the reference
 *     solutions hidden, and a PID namespace that dies with it;
 *   - always: rlimits and an environment set by the grader before exec, no
 *     new privileges, a seccomp filter (libseccomp) before exec, and the
 *     grader as the subreaper that kills whatever a test left behind.
 *
 * See grader/README.md for the threat model.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmgrade.h"

static PgSandbox the_sandbox;

const PgSandbox *pg_sandbox(void)
{
    return &the_sandbox;
}

/* ------------------------------------------------------------------------
 * Child side: entering the sandbox and exec'ing (after fork, before exec:
 * only async-signal-safe work and plain system calls).
 * ------------------------------------------------------------------------ */

static void limit(int resource, rlim_t value)
{
    struct rlimit rl = {value, value};
    struct rlimit old;
    if (getrlimit(resource, &old) == 0 && old.rlim_max != RLIM_INFINITY && value > old.rlim_max)
        rl.rlim_cur = rl.rlim_max = old.rlim_max;
    setrlimit(resource, &rl);
}

/* The system calls no learner process needs, whatever it runs: the
 * network, other processes' memory, mounts and namespaces, kernel keys and
 * modules, the clock.  Refused with EPERM. */
static scmp_filter_ctx process_filter(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return NULL;
    static const int denied[] = {
        SCMP_SYS(socket),
        SCMP_SYS(ptrace),
        SCMP_SYS(process_vm_readv),
        SCMP_SYS(process_vm_writev),
        SCMP_SYS(kexec_load),
        SCMP_SYS(kexec_file_load),
        SCMP_SYS(init_module),
        SCMP_SYS(finit_module),
        SCMP_SYS(delete_module),
        SCMP_SYS(keyctl),
        SCMP_SYS(add_key),
        SCMP_SYS(request_key),
        SCMP_SYS(bpf),
        SCMP_SYS(perf_event_open),
        SCMP_SYS(userfaultfd),
        SCMP_SYS(reboot),
        SCMP_SYS(swapon),
        SCMP_SYS(swapoff),
        SCMP_SYS(settimeofday),
        SCMP_SYS(clock_settime),
        SCMP_SYS(adjtimex),
        SCMP_SYS(acct),
        SCMP_SYS(iopl),
        SCMP_SYS(ioperm),
        SCMP_SYS(mount),
        SCMP_SYS(umount2),
        SCMP_SYS(pivot_root),
        SCMP_SYS(chroot),
        SCMP_SYS(setns),
        SCMP_SYS(unshare),
        SCMP_SYS(open_by_handle_at),
        SCMP_SYS(name_to_handle_at),
    };
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0) != 0) {
            seccomp_release(ctx);
            return NULL;
        }
    return ctx;
}

void pg_sandbox_exec(const PgSandbox *s, const PgSandboxRun *r, char **argv, char **env)
{
    /* Limits first: they hold from the first instruction of the program. */
    limit(RLIMIT_CORE, 0);
    if (r->cpu_seconds > 0)
        limit(RLIMIT_CPU, (rlim_t)r->cpu_seconds);
    if (r->file_bytes > 0)
        limit(RLIMIT_FSIZE, (rlim_t)r->file_bytes);
    if (r->address_bytes > 0)
        limit(RLIMIT_AS, (rlim_t)r->address_bytes);
    if (r->processes > 0)
        limit(RLIMIT_NPROC, (rlim_t)r->processes);
    struct rlimit stack = {PM_STACK_BYTES, PM_STACK_BYTES};
    setrlimit(RLIMIT_STACK, &stack);

    if (s->drop) {
        if (setgroups(0, NULL) != 0 || setresgid(s->gid, s->gid, s->gid) != 0 ||
            setresuid(s->uid, s->uid, s->uid) != 0) {
            static const char msg[] = "pmgrade: cannot switch to the sandbox user\n";
            (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
            _exit(127);
        }
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);

    /* A fresh environment: only what the grader set. */
    clearenv();
    setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    if (r->workdir != NULL)
        setenv("HOME", r->workdir, 1);
    for (char **e = env; e != NULL && *e != NULL; e++)
        if (strchr(*e, '=') != NULL)
            putenv(*e);

    scmp_filter_ctx filter = process_filter();
    if (s->use_bwrap) {
        /* bubblewrap applies the filter (given as BPF on a file
         * descriptor) right before it runs the program. */
        char *args[64 + 16];
        int n = 0;
        args[n++] = "bwrap";
        args[n++] = "--unshare-all";
        args[n++] = "--die-with-parent";
        args[n++] = "--new-session";
        args[n++] = "--ro-bind";
        args[n++] = "/";
        args[n++] = "/";
        args[n++] = "--dev";
        args[n++] = "/dev";
        args[n++] = "--proc";
        args[n++] = "/proc";
        args[n++] = "--tmpfs";
        args[n++] = "/tmp";
        /* In this order: what may be read (even under /tmp), then what is
         * hidden inside it, then what may be written. */
        for (int i = 0; i < PG_SANDBOX_PATHS && r->readable[i] != NULL; i++) {
            args[n++] = "--ro-bind";
            args[n++] = (char *)r->readable[i];
            args[n++] = (char *)r->readable[i];
        }
        for (int i = 0; i < PG_SANDBOX_PATHS && r->hidden[i] != NULL; i++) {
            args[n++] = "--tmpfs";
            args[n++] = (char *)r->hidden[i];
        }
        for (int i = 0; i < PG_SANDBOX_PATHS && r->writable[i] != NULL; i++) {
            args[n++] = "--bind";
            args[n++] = (char *)r->writable[i];
            args[n++] = (char *)r->writable[i];
        }
        if (r->workdir != NULL) {
            args[n++] = "--chdir";
            args[n++] = (char *)r->workdir;
        }
        char fdbuf[16];
        if (filter != NULL) {
            int fd = memfd_create("pmgrade-seccomp", 0);
            if (fd >= 0 && seccomp_export_bpf(filter, fd) == 0 && lseek(fd, 0, SEEK_SET) == 0) {
                snprintf(fdbuf, sizeof fdbuf, "%d", fd);
                args[n++] = "--seccomp";
                args[n++] = fdbuf;
            }
        }
        args[n++] = "--";
        for (int i = 0; argv[i] != NULL && n < 64 + 15; i++)
            args[n++] = argv[i];
        args[n] = NULL;
        execvp("bwrap", args);
    } else {
        if (r->workdir != NULL && chdir(r->workdir) != 0)
            _exit(127);
        if (filter != NULL)
            seccomp_load(filter);
        execvp(argv[0], argv);
    }
    fprintf(stderr, "pmgrade: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* ------------------------------------------------------------------------
 * Grader side.
 * ------------------------------------------------------------------------ */

/* Does bubblewrap work here, as the user the tests will run as? */
static int bwrap_works(const PgSandbox *s)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        if (s->drop && (setgroups(0, NULL) != 0 || setresgid(s->gid, s->gid, s->gid) != 0 ||
                        setresuid(s->uid, s->uid, s->uid) != 0))
            _exit(1);
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        execlp("bwrap", "bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
               "--dev", "/dev", "--proc", "/proc", "--", "true", (char *)NULL);
        _exit(1);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void pg_sandbox_init(int enabled)
{
    PgSandbox *s = &the_sandbox;
    memset(s, 0, sizeof *s);
    s->enabled = enabled;
    /* Orphans of the tests (a setsid child, a daemon) become ours, so
     * that pg_sandbox_kill_strays can find them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (!enabled) {
        s->description = pg_strdup("off (--no-sandbox): tests ran as the grader's own user, "
                                   "with only their resource limits");
        return;
    }
    if (geteuid() == 0) {
        s->drop = 1;
        s->uid = (uid_t)(PG_SANDBOX_UID_BASE + getpid());
        s->gid = (gid_t)(PG_SANDBOX_UID_BASE + getpid());
    }
    /* enabled == 2: as if the machine had no user namespaces. */
    s->use_bwrap = enabled == 1 && bwrap_works(s);
    char *who = s->drop ? pg_printf("as uid %d (not root)", (int)s->uid)
                        : pg_printf("as the grader's own user (uid %d)", (int)geteuid());
    if (s->use_bwrap)
        s->description = pg_printf("bubblewrap: user, PID and network namespaces, the file "
                                   "system read-only but for each test's scratch folder, the "
                                   "solutions hidden; %s; seccomp; rlimits; a fresh "
                                   "environment",
                                   who);
    else
        s->description = pg_printf(
            "no user namespaces here, so no bubblewrap: %s; seccomp; rlimits; a fresh "
            "environment; leftover processes killed through the subreaper%s; the checkout "
            "compared before and after each chapter%s",
            who, s->drop ? " and by uid" : "",
            s->drop ? "" : " (tests could write where the grader's user can)");
    free(who);
}

/* Prepare a folder the sandboxed processes may write: created afresh and,
 * when they run as another user, given to that user. */
int pg_sandbox_scratch(const char *dir)
{
    pg_remove_tree(dir);
    if (pg_mkdirs(dir) != 0)
        return -1;
    if (the_sandbox.drop && chown(dir, the_sandbox.uid, the_sandbox.gid) != 0)
        return -1;
    return 0;
}

long pg_sandbox_process_limit(void)
{
    if (the_sandbox.drop)
        return PM_EXTRA_PROCS;
    DIR *d = opendir("/proc");
    long count = 0;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        if (stat(path, &st) == 0 && st.st_uid == geteuid())
            count++;
    }
    if (d != NULL)
        closedir(d);
    return count + PM_EXTRA_PROCS;
}

static int give_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return lchown(path, the_sandbox.uid, the_sandbox.gid) == 0 ? 0 : 0;
}

void pg_sandbox_give(const char *path)
{
    if (the_sandbox.drop)
        nftw(path, give_entry, 16, FTW_PHYS);
}

/* The PIDs whose parent is this process, other than those in keep. */
static size_t stray_children(pid_t *out, size_t cap, const pid_t *keep, size_t nkeep)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    pid_t self = getpid();
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < cap) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = '\0';
        /* "pid (comm) state ppid ...": comm may hold spaces and ')' */
        char *close_paren = strrchr(buf, ')');
        if (close_paren == NULL)
            continue;
        char state;
        int ppid;
        if (sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2 || ppid != self)
            continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        if (state == 'Z') {
            /* already dead (a sandbox's init, reparented as it ended) */
            waitpid(pid, NULL, WNOHANG);
            continue;
        }
        int kept = 0;
        for (size_t i = 0; i < nkeep; i++)
            kept |= keep[i] == pid;
        if (!kept)
            out[n++] = pid;
    }
    closedir(d);
    return n;
}

int pg_sandbox_kill_strays(void)
{
    int killed = 0;
    if (the_sandbox.drop) {
        /* Every process of the sandbox user, wherever it went. */
        pid_t pid = fork();
        if (pid == 0) {
            if (setresgid(the_sandbox.gid, the_sandbox.gid, the_sandbox.gid) == 0 &&
                setresuid(the_sandbox.uid, the_sandbox.uid, the_sandbox.uid) == 0)
                kill(-1, SIGKILL);
            _exit(0);
        }
        if (pid > 0)
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
    }
    /* Orphans reparented to us (we are their subreaper), until none is
     * left: killing one can orphan its own children. */
    for (int round = 0; round < 50; round++) {
        pid_t pids[256];
        size_t n = stray_children(pids, 256, NULL, 0);
        if (n == 0)
            break;
        /* Under bubblewrap, a test's PID namespace dies with it: what is
         * found here is bubblewrap's own init on its way out, not counted. */
        for (size_t i = 0; i < n; i++) {
            kill(pids[i], SIGKILL);
            killed += !the_sandbox.use_bwrap;
        }
        for (size_t i = 0; i < n; i++)
            waitpid(pids[i], NULL, 0);
    }
    return killed;
}

/* ------------------------------------------------------------------------
 * Is the checkout unchanged?  A list of (path, size, mtime, mode) of every
 * file outside build/, the grader's output and the submission (which its
 * author may be editing: make watch grades on every save), compared before
 * and after a chapter.
 * ------------------------------------------------------------------------ */

static void snapshot_dir(const char *root, const char *rel, const char *const *skip, FILE *out)
{
    char *dir = rel[0] ? pg_printf("%s/%s", root, rel) : pg_strdup(root);
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(out, "%s unreadable\n", rel);
        free(dir);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        names[n++] = pg_strdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
        char *child = rel[0] ? pg_printf("%s/%s", rel, names[i]) : pg_strdup(names[i]);
        char *path = pg_printf("%s/%s", root, child);
        struct stat st;
        int skipped = names[i][0] == '.' || (rel[0] == '\0' && strcmp(names[i], "build") == 0);
        for (int k = 0; skip != NULL && skip[k] != NULL; k++)
            skipped |= strcmp(path, skip[k]) == 0;
        if (skipped) {
            /* build/, the grader's output, the submission, editors' files */
        } else if (lstat(path, &st) != 0) {
            fprintf(out, "%s gone\n", child);
        } else if (S_ISDIR(st.st_mode)) {
            snapshot_dir(root, child, skip, out);
        } else {
            fprintf(out, "%s %o %lld %lld.%09ld\n", child, (unsigned)st.st_mode,
                    (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        }
        free(path);
        free(child);
        free(names[i]);
    }
    free(names);
    free(dir);
}

char *pg_checkout_snapshot(const char *root, const char *const *skip)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL)
        return NULL;
    snapshot_dir(root, "", skip, out);
    fclose(out);
    return buf;
}

char *pg_checkout_changes(const char *before, const char *after)
{
    if (before == NULL || after == NULL || strcmp(before, after) == 0)
        return NULL;
    /* The first line that differs names the file. */
    const char *a = before, *b = after;
    while (*a && *b) {
        size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
        if (na != nb || strncmp(a, b, na) != 0)
            break;
        a += na + (a[na] == '\n');
        b += nb + (b[nb] == '\n');
    }
    const char *line = *a ? a : b;
    size_t n = strcspn(line, " \n");
    return pg_printf("%.*s", (int)n, line);
}
