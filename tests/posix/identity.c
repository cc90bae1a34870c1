/* SPDX-License-Identifier: BSD-2-Clause */
/* Identity: uname (sysname is "Linux" on the host and "KaaL" in KaaL, so
 * it is printed normalised as "Linux or KaaL"; release, version and
 * nodename are only checked for shape), gethostname, the user and group
 * ids (relations: the harness may run as any user), getgroups, getresuid,
 * getrlimit and umask, with the error paths. */
#include "common.h"

#include <sys/resource.h>
#include <sys/utsname.h>

static int terminated(const char *s, size_t n)
{
    return memchr(s, 0, n) != NULL;
}

static void names(void)
{
    struct utsname u;
    memset(&u, 0xff, sizeof u);
    T(uname(&u));
    int known = strcmp(u.sysname, "Linux") == 0 || strcmp(u.sysname, "KaaL") == 0;
    say("sysname: %s", known ? "Linux or KaaL" : "something else");
    say("machine: %s", u.machine);
    YES("release is not empty", u.release[0] != 0);
    YES("release starts with a digit", u.release[0] >= '0' && u.release[0] <= '9');
    YES("version is not empty", u.version[0] != 0);
    YES("nodename is not empty", u.nodename[0] != 0);
    YES("every field is NUL-terminated",
        terminated(u.sysname, sizeof u.sysname) && terminated(u.nodename, sizeof u.nodename) &&
            terminated(u.release, sizeof u.release) && terminated(u.version, sizeof u.version) &&
            terminated(u.machine, sizeof u.machine) &&
            terminated(u.domainname, sizeof u.domainname));
    T(syscall(SYS_uname, BAD_PTR));

    char host[256];
    T(gethostname(host, sizeof host));
    YES("gethostname is uname's nodename", strcmp(host, u.nodename) == 0);
}

static void ids(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    YES("getuid is geteuid", getuid() == geteuid());
    YES("getgid is getegid", getgid() == getegid());
    T(getresuid(&r, &e, &s));
    YES("getresuid agrees with getuid and geteuid (saved too)",
        r == getuid() && e == geteuid() && s == geteuid());
    T(getresgid(&gr, &ge, &gs));
    YES("getresgid agrees with getgid and getegid (saved too)",
        gr == getgid() && ge == getegid() && gs == getegid());
    T(syscall(SYS_getresuid, BAD_PTR, &e, &s));
    int n = (int)getgroups(0, NULL);
    YES("getgroups(0) counts at least zero groups", n >= 0);
    gid_t groups[256];
    YES("getgroups fills as many as it counted", getgroups(256, groups) == n);
    T(syscall(SYS_getgroups, -1, groups));
    /* Setting the ids one has is allowed to anyone. */
    T(setuid(getuid()));
    T(setgid(getgid()));
    T(setreuid((uid_t)-1, (uid_t)-1));
    T(setresuid((uid_t)-1, (uid_t)-1, (uid_t)-1));
    YES("still the same uid", getuid() == r && geteuid() == e);
}

static void limits(void)
{
    struct rlimit rl;
    T(getrlimit(RLIMIT_NOFILE, &rl));
    YES("RLIMIT_NOFILE: soft at most hard", rl.rlim_cur <= rl.rlim_max);
    YES("RLIMIT_NOFILE: soft at least 64", rl.rlim_cur >= 64);
    T(getrlimit(RLIMIT_STACK, &rl));
    YES("RLIMIT_STACK: soft at least 64 KiB", rl.rlim_cur >= 65536);
    struct rlimit lower = {32, rl.rlim_max};
    T(getrlimit(RLIMIT_NOFILE, &rl));
    lower.rlim_max = rl.rlim_max;
    T(setrlimit(RLIMIT_NOFILE, &lower));
    /* The lowered limit is enforced: fds 0..31 at most. */
    int last = -1, fd;
    while ((fd = open(".", O_RDONLY)) >= 0)
        last = fd;
    say("highest fd under RLIMIT_NOFILE 32: %d, then %s", last, errno_name(errno));
    for (int i = 3; i <= last; i++)
        close(i);
    T(dup2(0, 40));
    T(setrlimit(RLIMIT_NOFILE, &rl));
    struct rlimit bad = {100, 10};
    T(setrlimit(RLIMIT_NOFILE, &bad));
    T(getrlimit(12345, &rl));
    T(syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD_PTR));
    T(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl));
}

int identity_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    start();
    names();
    ids();
    limits();
    say("done");
    return 0;
}
