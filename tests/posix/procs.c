/* SPDX-License-Identifier: BSD-2-Clause */
/* Processes: fork, exit statuses, wait4/waitpid/waitid (WNOHANG,
 * WUNTRACED, WCONTINUED, WNOWAIT, ECHILD, EINVAL), execve (arguments,
 * environment, O_CLOEXEC, signal dispositions and mask across exec,
 * ENOENT/ENOEXEC/EACCES/ENOTDIR/EFAULT, #! scripts), getpid/getppid,
 * setsid/getsid, setpgid/getpgid/getpgrp. The program re-executes itself
 * (argv[0], an absolute path) for the exec cases; it names itself by its
 * base name without the .musl/.glibc suffix, so both builds print alike. */
#include "common.h"

#include <sys/resource.h>

static const char *self;
extern char **environ;

static const char *base_name(const char *path)
{
    static char buf[256];
    const char *s = strrchr(path, '/');
    snprintf(buf, sizeof buf, "%s", s ? s + 1 : path);
    char *dot = strrchr(buf, '.');
    if (dot && (strcmp(dot, ".musl") == 0 || strcmp(dot, ".glibc") == 0))
        *dot = 0;
    return buf;
}

/* What the re-executed program prints (argv[1] == "exec-child"). */
static int exec_child(int argc, char **argv)
{
    struct sigaction sa;
    sigset_t mask;
    say("argc %d, argv[0] %s", argc, base_name(argv[0]));
    for (int i = 1; i < argc; i++)
        say("argv[%d] \"%s\"", i, argv[i]);
    say("FOO=%s", getenv("FOO") ? getenv("FOO") : "(unset)");
    int n = 0;
    for (char **e = environ; *e; e++)
        n++;
    say("environment entries: %d", n);
    say("fd 5 (O_CLOEXEC) after exec: %s", fcntl(5, F_GETFD) < 0 ? errno_name(errno) : "open");
    say("fd 6 (no O_CLOEXEC) after exec: %s", fcntl(6, F_GETFD) < 0 ? errno_name(errno) : "open");
    sigaction(SIGUSR1, NULL, &sa);
    say("SIGUSR1 (had a handler) after exec: %s", sa.sa_handler == SIG_DFL ? "SIG_DFL" : "other");
    sigaction(SIGUSR2, NULL, &sa);
    say("SIGUSR2 (ignored) after exec: %s", sa.sa_handler == SIG_IGN ? "SIG_IGN" : "other");
    sigprocmask(SIG_BLOCK, NULL, &mask);
    say("SIGHUP still blocked after exec: %s", sigismember(&mask, SIGHUP) ? "yes" : "no");
    return 7;
}

/* Run as a #! interpreter: argv is [interpreter, optional arg, script, args]. */
static int script_child(int argc, char **argv)
{
    say("interpreter argc %d, argv[0] %s", argc, base_name(argv[0]));
    for (int i = 1; i < argc; i++)
        say("argv[%d] \"%s\"", i, argv[i]);
    return 3;
}

static void on_usr1(int sig)
{
    (void)sig;
}

static void statuses(void)
{
    static const int codes[] = {0, 1, 42, 255, 256, 257, -1};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(codes[i]);
        char label[64];
        snprintf(label, sizeof label, "_exit(%d)", codes[i]);
        wait_report(label, pid);
    }
    pid_t pid = fork();
    if (pid == 0)
        exit(9);
    wait_report("exit(9)", pid);

    int status;
    struct rusage ru;
    pid = fork();
    if (pid == 0)
        _exit(4);
    long got = TOK(wait4(pid, &status, 0, &ru));
    YES("wait4 returned the child's pid", got == pid);
    say("status word: 0x%04x", (unsigned)status);
    T(wait4(-1, &status, 0, NULL));
    T(wait4(getpid(), &status, 0, NULL));
    T(waitpid(-1, &status, WNOHANG));
    T(waitpid(-1, &status, 0x4000000));
    pid = fork();
    if (pid == 0)
        _exit(0);
    T(syscall(SYS_wait4, pid, BAD_PTR, 0, NULL));
    T(waitpid(pid, &status, 0));
}

static void nohang_and_stops(void)
{
    int p[2], status;
    char c;
    T(pipe(p));
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 ? c - '0' : 99);
    }
    close(p[0]);
    T(waitpid(pid, &status, WNOHANG));
    siginfo_t si;
    memset(&si, 0xff, sizeof si);
    T(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG));
    say("waitid WNOHANG on a running child: si_pid %s", si.si_pid == 0 ? "0" : "set");
    T(write(p[1], "6", 1));
    T(close(p[1]));
    T(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT));
    say("waitid: si_code %s si_status %d si_pid is the child: %s, si_signo SIGCHLD: %s",
        si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status,
        si.si_pid == pid ? "yes" : "no", si.si_signo == SIGCHLD ? "yes" : "no");
    T(waitpid(pid, &status, 0) == pid);
    say("after WNOWAIT the child is still there to wait for: %s", status_text(status));
    T(waitid(P_ALL, 0, &si, WEXITED));
    T(waitid(P_PID, (id_t)pid, &si, 0));
    T(waitid(7, 0, &si, WEXITED));

    T(pipe(p));
    pid = fork();
    if (pid == 0) {
        close(p[1]);
        raise(SIGSTOP);
        _exit(read(p[0], &c, 1) == 0 ? 5 : 99);
    }
    close(p[0]);
    T(waitpid(pid, &status, WUNTRACED) == pid);
    say("after SIGSTOP: %s", status_text(status));
    T(kill(pid, SIGCONT));
    T(waitpid(pid, &status, WCONTINUED) == pid);
    say("after SIGCONT: %s", status_text(status));
    T(close(p[1]));
    T(waitpid(pid, &status, 0) == pid);
    say("then: %s", status_text(status));

    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    T(kill(pid, SIGKILL));
    T(waitid(P_PID, (id_t)pid, &si, WEXITED));
    say("waitid after SIGKILL: si_code %s si_status %d",
        si.si_code == CLD_KILLED ? "CLD_KILLED" : si.si_code == CLD_DUMPED ? "CLD_DUMPED" : "other",
        si.si_status);
}

static pid_t parent_pid;

static void child_ids(void)
{
    YES("getpid differs from the parent's", getpid() != parent_pid);
    YES("getppid is the parent's pid", getppid() == parent_pid);
    YES("starts in the parent's process group", getpgrp() == getpgid(parent_pid));
    YES("starts in the parent's session", getsid(0) == getsid(parent_pid));
    T(setpgid(0, 0));
    YES("after setpgid(0, 0) it leads its own group", getpgrp() == getpid());
    T(setpgid(0, getpgid(parent_pid)));
    YES("back in the parent's group", getpgrp() == getpgid(parent_pid));
    YES("setsid returns the pid", setsid() == getpid());
    YES("getsid(0) is the pid", getsid(0) == getpid());
    YES("getpgrp is the pid", getpgrp() == getpid());
    T(setsid());
    T(setpgid(0, getpgid(parent_pid)));
    T(setpgid(0, -1));
    pid_t grandchild = fork();
    if (grandchild == 0)
        _exit(0);
    T(waitpid(grandchild, NULL, 0) == grandchild);
    T(getpgid(grandchild));
    T(kill(grandchild, 0));
}

static void ids(void)
{
    parent_pid = getpid();
    YES("getpid is positive", getpid() > 0);
    YES("getppid differs from getpid", getppid() != getpid());
    YES("gettid is getpid (one thread)", syscall(SYS_gettid) == getpid());
    in_child("child", child_ids);
    T(getpgid(-1));
    T(getsid(-1));
    T(setpgid(-1, 0));
}

static void write_exec_files(void)
{
    char text[600];
    put_file("garbage", "this is not a program\n", 0755);
    put_file("noexec", "\x7f" "ELF", 0644);
    snprintf(text, sizeof text, "#!%s script-child\nbody\n", self);
    put_file("script", text, 0755);
    snprintf(text, sizeof text, "#!%s\n", self);
    put_file("script-noarg", text, 0755);
    put_file("script-missing", "#!/no/such/interpreter\n", 0755);
    put_file("script-notexec", text, 0644);
    mkdir("dir", 0755);
}

static void try_exec(const char *label, const void *path, const void *argv, const void *envp)
{
    pid_t pid = fork();
    if (pid == 0) {
        syscall(SYS_execve, path, argv, envp);
        /* Tell the parent the errno through the exit status. */
        _exit(100 + (errno & 0x3f));
    }
    int status;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) >= 100)
        say("%s: execve failed %s", label, errno_name(WEXITSTATUS(status) - 100));
    else
        say("%s: %s", label, status_text(status));
}

static void execs(void)
{
    char *argv[] = {(char *)self, "exec-child", "two words", "", NULL};
    char *envp[] = {"FOO=bar", "A=1", NULL};
    write_exec_files();

    /* fds 5 and 6, a handler, an ignored signal and a blocked one. */
    int fd = open("garbage", O_RDONLY);
    dup3(fd, 5, O_CLOEXEC);
    dup2(fd, 6);
    close(fd);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, NULL);

    pid_t pid = fork();
    if (pid == 0) {
        execve(self, argv, envp);
        _exit(99);
    }
    wait_report("exec of self", pid);
    close(5);
    close(6);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &mask, NULL);

    char *sargv[] = {"./script", "arg1", NULL};
    try_exec("#! script with an argument", "./script", sargv, envp);
    char *nargv[] = {"script-noarg", "arg1", "arg2", NULL};
    try_exec("#! script without an argument", "script-noarg", nargv, envp);
    char *margv[] = {"x", NULL};
    try_exec("#! with a missing interpreter", "script-missing", margv, envp);
    try_exec("#! script without x bit", "script-notexec", margv, envp);
    try_exec("missing file", "no-such-file", margv, envp);
    try_exec("not a program", "garbage", margv, envp);
    try_exec("no x bit", "noexec", margv, envp);
    try_exec("a directory", "dir", margv, envp);
    try_exec("path through a file", "garbage/x", margv, envp);
    try_exec("empty path", "", margv, envp);
    try_exec("bad path pointer", BAD_PTR, margv, envp);
    try_exec("bad argv pointer", self, BAD_PTR, envp);
    char *badargv[] = {"x", BAD_PTR, NULL};
    try_exec("bad argv element", self, badargv, envp);
    T(execve("no-such-file", margv, envp));
}

int procs_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "script-child") == 0)
        return script_child(argc, argv);
    if (argc >= 2 && strcmp(base_name(argv[1]), "script-noarg") == 0)
        return script_child(argc, argv);
    start();
    self = argv[0];
    YES("argv[0] is an absolute path", self[0] == '/');
    statuses();
    nohang_and_stops();
    ids();
    if (self[0] == '/')
        execs();
    say("done");
    return 0;
}
