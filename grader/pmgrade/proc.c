/* proc.c - starting, limiting and reaping the processes the grader runs:
 * each in its own process group, with a wall-clock limit, at most N at a
 * time, and all of them taken down if the grader itself is stopped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmgrade.h"

static void redirect(int fd, const char *path)
{
    /* A learner process may have left a link where the output goes. */
    if (path != NULL)
        unlink(path);
    int f = open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    if (f >= 0) {
        dup2(f, fd);
        close(f);
    }
}

/* Child side of a spawn: own process group (so a kill takes everything it
 * started), stdin from /dev/null, output to files, environment adjusted. */
static void exec_child(const PgProc *p)
{
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) {
        dup2(in, STDIN_FILENO);
        close(in);
    }
    redirect(STDOUT_FILENO, p->out_path);
    if (p->err_path != NULL)
        redirect(STDERR_FILENO, p->err_path);
    else
        dup2(STDOUT_FILENO, STDERR_FILENO);
    /* The verdict's pipe is fd 3; nothing else of the grader's leaks in. */
    if (p->result_fd > 0 && p->result_fd != 3) {
        dup2(p->result_fd, 3);
        close(p->result_fd);
    }
    close_range(p->result_fd > 0 ? 4 : 3, ~0U, 0);
    if (p->sandbox != NULL)
        pg_sandbox_exec(pg_sandbox(), p->sandbox, p->argv, p->env);
    for (char **e = p->env; e != NULL && *e != NULL; e++) {
        char *eq = strchr(*e, '=');
        if (eq == NULL) {
            unsetenv(*e);
        } else {
            *eq = '\0';
            setenv(*e, eq + 1, 1);
            *eq = '=';
        }
    }
    execvp(p->argv[0], p->argv);
    fprintf(stderr, "pmgrade: cannot run %s: %s\n", p->argv[0], strerror(errno));
    _exit(127);
}

static int start(PgProc *p)
{
    p->started = pg_now();
    p->running = 0;
    p->done = 0;
    p->exited = p->signaled = p->timed_out = p->spawn_failed = p->stopped_early = 0;
    p->watched_at = p->started;
    pid_t pid = fork();
    if (pid < 0) {
        p->spawn_failed = 1;
        p->done = 1;
        return -1;
    }
    if (pid == 0)
        exec_child(p);
    if (p->result_fd > 0) {
        close(p->result_fd); /* the child's end */
        p->result_fd = -1;
    }
    setpgid(pid, pid);
    p->pid = pid;
    p->running = 1;
    return 0;
}

/* Reap p if it ended; kill its group if it is over its limit.  1 if done. */
static int poll_proc(PgProc *p)
{
    int status;
    pid_t r = waitpid(p->pid, &status, WNOHANG);
    if (r == p->pid) {
        p->running = 0;
        p->done = 1;
        p->elapsed = pg_now() - p->started;
        if (WIFEXITED(status)) {
            p->exited = 1;
            p->code = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            p->signaled = 1;
            p->sig = WTERMSIG(status);
        }
        /* Whatever it left behind in its group goes with it. */
        kill(-p->pid, SIGKILL);
        return 1;
    }
    if (r < 0 && errno == ECHILD) {
        p->running = 0;
        p->done = 1;
        p->elapsed = pg_now() - p->started;
        return 1;
    }
    double now = pg_now();
    int stop = !p->timed_out && now - p->started > p->limit;
    if (!p->timed_out && p->watch != NULL && now - p->watched_at >= 0.2) {
        p->watched_at = now;
        if (p->watch(p))
            stop = p->stopped_early = 1;
    }
    if (stop) {
        p->timed_out = 1;
        kill(-p->pid, SIGKILL);
        kill(p->pid, SIGKILL);
    }
    return 0;
}

/* The processes now running, so that a grader stopped by SIGTERM or ^C
 * takes its tests down with it. */
static PgProc **volatile current_procs;
static volatile size_t current_count;

static void on_terminate(int sig)
{
    PgProc **procs = current_procs;
    for (size_t i = 0; procs != NULL && i < current_count; i++)
        if (procs[i]->running)
            kill(-procs[i]->pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reap the children that are none of ours: processes the sandboxed ones
 * left orphaned (the grader is their subreaper) would otherwise stay as
 * zombies, counted against the sandbox user's process limit. */
static void reap_orphans(PgProc **procs, size_t n)
{
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
            return;
        for (size_t i = 0; i < n; i++)
            if (procs[i]->running && procs[i]->pid == info.si_pid)
                return; /* one of ours: poll_proc takes it */
        waitpid(info.si_pid, NULL, 0);
    }
}

void pg_run_procs(PgProc **procs, size_t n, int jobs,
                  void (*on_done)(PgProc *p, size_t finished, size_t total, void *arg),
                  void *arg)
{
    size_t next = 0, finished = 0;
    int active = 0;
    if (jobs < 1)
        jobs = 1;
    current_count = n;
    current_procs = procs;
    signal(SIGTERM, on_terminate);
    signal(SIGINT, on_terminate);
    signal(SIGHUP, on_terminate);
    while (finished < n) {
        while (active < jobs && next < n) {
            PgProc *p = procs[next++];
            if (start(p) == 0) {
                active++;
            } else {
                finished++;
                if (on_done)
                    on_done(p, finished, n, arg);
            }
        }
        int any = 0;
        for (size_t i = 0; i < next; i++) {
            PgProc *p = procs[i];
            if (p->running && poll_proc(p)) {
                active--;
                finished++;
                any = 1;
                if (on_done)
                    on_done(p, finished, n, arg);
            }
        }
        reap_orphans(procs, next);
        if (!any && finished < n) {
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    current_procs = NULL;
}

void pg_run_proc(PgProc *p)
{
    PgProc *one[1] = {p};
    pg_run_procs(one, 1, 1, NULL, NULL);
}
