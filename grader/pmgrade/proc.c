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
#include <sys/socket.h>
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
    } else if (p->result_fd == 3) {
        fcntl(3, F_SETFD, 0);
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

/* Every process started here and not yet reaped, at whatever depth of
 * pg_run_procs (a test's watch runs addr2line while tests run): orphans
 * are reaped only if they are none of these. */
#define MAX_OURS 256
static pid_t ours[MAX_OURS];

static void add_ours(pid_t pid)
{
    for (int i = 0; i < MAX_OURS; i++)
        if (ours[i] == 0) {
            ours[i] = pid;
            return;
        }
}

static void drop_ours(pid_t pid)
{
    for (int i = 0; i < MAX_OURS; i++)
        if (ours[i] == pid)
            ours[i] = 0;
}

static int is_ours(pid_t pid)
{
    for (int i = 0; i < MAX_OURS; i++)
        if (ours[i] == pid)
            return 1;
    return 0;
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
    add_ours(pid);
    return 0;
}

/* Reap p if it ended; kill its group if it is over its limit.  1 if done. */
static int poll_proc(PgProc *p)
{
    int status;
    pid_t r = waitpid(p->pid, &status, WNOHANG);
    if (r == p->pid) {
        drop_ours(p->pid);
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
        drop_ours(p->pid);
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

/* A grader stopped by SIGTERM or ^C takes its tests down with it. */
static void on_terminate(int sig)
{
    for (int i = 0; i < MAX_OURS; i++)
        if (ours[i] > 0)
            kill(-ours[i], SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Reap the children that are none of ours: processes the sandboxed ones
 * left orphaned (the grader is their subreaper) would otherwise stay as
 * zombies, counted against the sandbox user's process limit. */
static void reap_orphans(void)
{
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
            return;
        if (is_ours(info.si_pid))
            return; /* one of ours, maybe of an outer pg_run_procs: poll_proc takes it */
        waitpid(info.si_pid, NULL, 0);
    }
}

void pg_run_procs(PgProc **procs, size_t n, int jobs,
                  void (*on_done)(PgProc *p, size_t finished, size_t total, void *arg), void *arg)
{
    size_t next = 0, finished = 0;
    int active = 0;
    if (jobs < 1)
        jobs = 1;
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
        reap_orphans();
        if (!any && finished < n) {
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
}

void pg_run_proc(PgProc *p)
{
    PgProc *one[1] = {p};
    pg_run_procs(one, 1, 1, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Tests served by runners (the suite's --serve, grader/lib/pmtest.c): one
 * runner, in one sandbox, per job, each running one test at a time.
 * ------------------------------------------------------------------------ */

typedef struct {
    PgProc proc; /* the runner */
    int sock; /* our end of its socket, -1 if none */
    PgProc *current; /* the test it runs, or NULL */
    double deadline; /* past this, without an answer, the runner is killed */
    int stop_sent;
} Runner;

/* An output file for a test, opened as proc.c's redirect() does. */
static int open_output(const char *path)
{
    if (path != NULL)
        unlink(path);
    return open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                0644);
}

static int start_runner(Runner *r, const PgProc *tmpl, int index, const char *log_dir)
{
    int sv[2];
    r->sock = -1;
    r->current = NULL;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    char *log = log_dir != NULL ? pg_printf("%s/runner-%d.log", log_dir, index) : NULL;
    PgProc *p = &r->proc;
    memset(p, 0, sizeof *p);
    p->argv = tmpl->argv;
    p->env = tmpl->env;
    p->sandbox = tmpl->sandbox;
    p->out_path = log;
    p->err_path = NULL;
    p->limit = 1e9; /* each test has its own limit */
    p->result_fd = sv[1];
    if (start(p) != 0) {
        close(sv[0]);
        close(sv[1]);
        free(log);
        return -1;
    }
    free(log);
    p->out_path = NULL;
    r->sock = sv[0];
    return 0;
}

/* Hand test t to runner r; 0 if sent. */
static int send_test(Runner *r, PgProc *t)
{
    int fds[3] = {open_output(t->out_path), open_output(t->err_path ? t->err_path : t->out_path),
                  t->result_fd > 0 ? t->result_fd : open("/dev/null", O_WRONLY | O_CLOEXEC)};
    char *command = pg_printf("run %s\t%.3f", t->command, t->limit);
    char control[CMSG_SPACE(sizeof fds)];
    memset(control, 0, sizeof control);
    struct iovec iov = {command, strlen(command)};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    int ok = fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0 &&
             sendmsg(r->sock, &msg, MSG_NOSIGNAL) == (ssize_t)strlen(command);
    free(command);
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    t->result_fd = -1; /* the runner has it now */
    t->started = t->watched_at = pg_now();
    t->running = 1;
    t->done = 0;
    t->exited = t->signaled = t->timed_out = t->stopped_early = t->spawn_failed = 0;
    r->current = t;
    r->stop_sent = 0;
    /* The runner ends the test at its limit; a runner that does not answer
     * a while after that is killed. */
    r->deadline = t->started + t->limit + 10;
    return ok ? 0 : -1;
}

static void finish_test(PgProc *t)
{
    t->running = 0;
    t->done = 1;
    t->elapsed = pg_now() - t->started;
}

/* The runner died or was killed with a test in hand: the test ended
 * without a result (or at its limit, if we killed it for that). */
static void runner_lost(Runner *r, int killed_at_limit)
{
    if (r->current != NULL) {
        finish_test(r->current);
        r->current->timed_out = killed_at_limit;
        r->current->signaled = killed_at_limit;
        r->current->sig = killed_at_limit ? SIGKILL : 0;
    }
    if (r->sock >= 0)
        close(r->sock);
    r->sock = -1;
}

void pg_run_served(const PgProc *runner, const char *log_dir, PgProc **tests, size_t n, int jobs,
                   void (*on_done)(PgProc *p, size_t finished, size_t total, void *arg), void *arg)
{
    if (jobs < 1)
        jobs = 1;
    if ((size_t)jobs > n)
        jobs = n > 0 ? (int)n : 1;
    Runner *runners = calloc((size_t)jobs, sizeof *runners);
    if (runners == NULL)
        return;
    for (int k = 0; k < jobs; k++)
        runners[k].sock = -1;
    signal(SIGTERM, on_terminate);
    signal(SIGINT, on_terminate);
    signal(SIGHUP, on_terminate);
    size_t next = 0, finished = 0;
    int failures = 0; /* runners that would not start or took no test */
    while (finished < n) {
        int any = 0;
        for (int k = 0; k < jobs; k++) {
            Runner *r = &runners[k];
            /* A test for an idle runner (started first if need be; a lost
             * one is first left to end). */
            if (r->current == NULL && next < n && (r->sock >= 0 || !r->proc.running)) {
                PgProc *t = tests[next++];
                any = 1;
                if (r->sock < 0 &&
                    (failures > 3 * jobs || start_runner(r, runner, k, log_dir) != 0)) {
                    failures++;
                    r->current = t;
                    t->spawn_failed = 1;
                    finish_test(t);
                } else if (send_test(r, t) != 0) {
                    failures++;
                    kill(-r->proc.pid, SIGKILL);
                    runner_lost(r, 0);
                }
            }
            /* Its answer, or a stop when the test is known to loop. */
            if (r->current != NULL && !r->current->done && r->sock >= 0) {
                char answer[128];
                ssize_t got = recv(r->sock, answer, sizeof answer - 1, MSG_DONTWAIT);
                PgProc *t = r->current;
                if (got > 0) {
                    answer[got] = '\0';
                    int exited = 0, code = 0, signaled = 0, sig = 0, timed_out = 0;
                    sscanf(answer, "done %d %d %d %d %d", &exited, &code, &signaled, &sig,
                           &timed_out);
                    finish_test(t);
                    t->exited = exited;
                    t->code = code;
                    t->signaled = signaled;
                    t->sig = sig;
                    t->timed_out = timed_out;
                } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    runner_lost(r, 0);
                } else {
                    double now = pg_now();
                    if (!r->stop_sent && t->watch != NULL && now - t->watched_at >= 0.2) {
                        t->watched_at = now;
                        if (t->watch(t)) {
                            t->stopped_early = 1;
                            r->stop_sent = send(r->sock, "stop", 4, MSG_NOSIGNAL) == 4;
                        }
                    }
                    if (now > r->deadline) {
                        kill(-r->proc.pid, SIGKILL);
                        runner_lost(r, 1);
                    }
                }
            }
            /* The runner itself ended (it should only at the end). */
            if (r->proc.running && poll_proc(&r->proc)) {
                if (r->sock >= 0)
                    runner_lost(r, 0);
                any = 1;
            }
            if (r->current != NULL && r->current->done) {
                PgProc *t = r->current;
                r->current = NULL;
                finished++;
                any = 1;
                if (on_done)
                    on_done(t, finished, n, arg);
            }
        }
        reap_orphans();
        if (!any && finished < n) {
            struct timespec ts = {0, 2 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    /* No more tests: each runner sees the end of its socket and leaves. */
    for (int k = 0; k < jobs; k++) {
        Runner *r = &runners[k];
        if (r->sock >= 0)
            close(r->sock);
        r->sock = -1;
        double until = pg_now() + 5;
        while (r->proc.running && !poll_proc(&r->proc)) {
            if (pg_now() > until) {
                kill(-r->proc.pid, SIGKILL);
                until = pg_now() + 5;
            }
            struct timespec ts = {0, 2 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    free(runners);
}
