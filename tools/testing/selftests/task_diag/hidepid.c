// SPDX-License-Identifier: GPL-2.0
/*
 * What a reply shows follows the /proc of the requester, as it was when
 * the request was sent, for both the requester's and the socket opener's
 * credentials, whoever reads the later parts.
 *
 * The set of tasks: the procfs instance mounted at /proc from the
 * requester's root applies its hidepid= and gid= options. A task that
 * /proc lists and lets read is reported as usual; one that it lists
 * without letting anything be read (hidepid=noaccess) comes as a message
 * with its ids and every group asked for withheld, and not at all for the
 * thread strategies; one that it does not list is absent, and naming it
 * in a request fails with ESRCH. With no procfs of the namespace at
 * /proc, only the tasks both may trace are shown.
 *
 * - procs.*.sets: for each kind of /proc (no hidepid, each hidepid= mode
 *   with and without gid=, subset=pid, an empty chroot, a tmpfs, a procfs
 *   of another pid namespace) and each requester (nobody, nobody in the
 *   gid= group by a supplementary group or by its fsgid, a third uid,
 *   root), with its own socket or another's opened elsewhere: every
 *   strategy, about every process of a population of root, nobody
 *   (dumpable or not) and a third uid, with threads and children, against
 *   what the requester's and the opener's readdir of that /proc list and
 *   which of its files they may open, exactly; and /proc itself against
 *   the rules it is meant to apply;
 * - solo.self: being the task itself gives nothing, although /proc shows
 *   a process itself;
 * - solo.handover_*: a reader in another mount namespace, root, gets the
 *   requester's set in the parts it reads;
 * - solo.captured_at_send: a /proc mounted or unmounted between the parts
 *   changes nothing;
 * - solo.userns_pidns_procfs: an unprivileged user's procfs of its own pid
 *   namespace at /proc does not undo the hidepid= of the /proc it had;
 * - names.*: mapping names are paths from the requester's root, as its
 *   own /proc/PID/maps shows them, in every part, whoever reads it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define G(g)		(1ULL << TASKDIAG_GROUP_##g)
/* What the dumps ask for: no map, which kernel threads have none of */
#define SHOW_TASK	(G(BASE) | G(CRED) | G(STAT))
/* What requests about one process ask for */
#define SHOW_ONE	(SHOW_TASK | G(VMA))
/* The groups with data behind PTRACE_MODE_READ_FSCREDS */
#define SHOW_PROTECTED	(G(STAT) | G(VMA) | G(VMA_STAT))

#define PROC_GID	4242	/* the gid= of the procfs instances */
#define PROC_GID_OPT	"gid=4242"
#define THIRD		1000	/* a uid that is neither root nor nobody */
#define MANY_THREADS	40	/* of a nobody process: dumps of many parts */
#define MAX_TIDS	64	/* per process */
#define MAX_PROCS	1024
#define MAX_EXP		2048
#define MAX_LOG		12	/* failures described per process */
#define SMALL_BUF	4096	/* a receive buffer: dumps of many parts */

/* Credentials: all four uids, all four gids, one supplementary group */
struct creds {
	const char *name;
	uid_t uid;
	gid_t gid;
	gid_t group;		/* 0 for none */
};

static const struct creds root_c = { "root", 0, 0, 0 };
static const struct creds nobody_c = { "nobody", NOBODY, NOBODY, 0 };
/* In the gid= group by a supplementary group, and by the fsgid */
static const struct creds nobody_sgrp_c = { "nobody+4242", NOBODY, NOBODY, PROC_GID };
static const struct creds nobody_fsgid_c = { "nobody:4242", NOBODY, PROC_GID, 0 };
static const struct creds third_c = { "uid 1000", THIRD, THIRD, 0 };

/* A change of ids makes the process non-dumpable: say what it is to be */
static int become(const struct creds *c, bool dumpable)
{
	gid_t g = c->group;

	if (setgroups(g ? 1 : 0, &g) || setresgid(c->gid, c->gid, c->gid) ||
	    setresuid(c->uid, c->uid, c->uid))
		return -1;
	return prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0, 0, 0, 0);
}

/* Whether c may trace a task of t's ids (PTRACE_MODE_READ_FSCREDS) */
static bool can_trace(const struct creds *c, const struct creds *t,
		      bool dumpable)
{
	return !c->uid || (c->uid == t->uid && c->gid == t->gid && dumpable);
}

/* ---- The population: processes of each kind, with threads, children ---- */

struct member {
	const char *name;
	const struct creds *c;
	bool dumpable;
	int nthreads;
	int parent;		/* index of the parent member, -1: the test */
};

enum {
	M_ROOT, M_ROOT_ROOT, M_ROOT_NOBODY, M_ROOT_NOBODY_ND, M_ROOT_THIRD,
	M_NOBODY, M_NOBODY_ROOT, M_NOBODY_NOBODY_ND,
	M_NOBODY_ND, M_THIRD, M_MANY,
	NR_MEMBERS
};

static const struct member members[NR_MEMBERS] = {
	[M_ROOT]		= { "root", &root_c, true, 2, -1 },
	[M_ROOT_ROOT]		= { "root's root child", &root_c, true, 1, M_ROOT },
	[M_ROOT_NOBODY]		= { "root's nobody child", &nobody_c, true, 2, M_ROOT },
	[M_ROOT_NOBODY_ND]	= { "root's non-dumpable nobody child", &nobody_c,
				    false, 1, M_ROOT },
	[M_ROOT_THIRD]		= { "root's uid 1000 child", &third_c, true, 1, M_ROOT },
	[M_NOBODY]		= { "nobody", &nobody_c, true, 2, -1 },
	[M_NOBODY_ROOT]		= { "nobody's root child", &root_c, true, 1, M_NOBODY },
	[M_NOBODY_NOBODY_ND]	= { "nobody's non-dumpable child", &nobody_c, false,
				    1, M_NOBODY },
	[M_NOBODY_ND]		= { "non-dumpable nobody", &nobody_c, false, 3, -1 },
	[M_THIRD]		= { "uid 1000", &third_c, true, 2, -1 },
	[M_MANY]		= { "nobody of many threads", &nobody_c, true,
				    MANY_THREADS, -1 },
};

struct pop {
	pid_t pid[NR_MEMBERS];
};

struct member_rec {
	int idx;
	pid_t pid;		/* -errno if it failed */
};

static void *pause_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/*
 * Fork the members whose parent this one is, while still root, then take
 * the ids, threads, and say so on fd 3.
 */
static __noreturn void member_main(int idx, pid_t parent)
{
	const struct member *m = &members[idx];
	struct member_rec rec = { idx, getpid() };
	pthread_attr_t attr;
	pthread_t th;
	int k;

	for (k = 0; k < NR_MEMBERS; k++) {
		pid_t pid;

		if (members[k].parent != idx)
			continue;
		pid = fork();
		if (!pid)
			member_main(k, rec.pid);
		if (pid < 0)
			rec.pid = -errno;
	}
	/* Set after the change of ids, which clears it */
	if (rec.pid > 0 &&
	    (become(m->c, m->dumpable) || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	     getppid() != parent))
		rec.pid = -EPERM;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (k = 1; rec.pid > 0 && k < m->nthreads; k++)
		if (pthread_create(&th, &attr, pause_thread, NULL))
			rec.pid = -EAGAIN;
	if (write(3, &rec, sizeof(rec)) != sizeof(rec) || rec.pid < 0)
		_exit(1);
	close(3);
	for (;;)
		pause();
}

static void pop_stop(struct pop *p)
{
	int i;

	for (i = 0; i < NR_MEMBERS; i++)
		if (p->pid[i] > 0)
			kill(p->pid[i], SIGKILL);
	/* The orphans come to this subreaper */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	memset(p, 0, sizeof(*p));
}

static int pop_start(struct pop *p)
{
	struct member_rec rec;
	struct pidlist tids = {};
	int fds[2], i, n, ret = 0;
	pid_t parent = getpid();

	memset(p, 0, sizeof(*p));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) || pipe2(fds, O_CLOEXEC))
		return -errno;
	for (i = 0; i < NR_MEMBERS; i++) {
		pid_t pid;

		if (members[i].parent >= 0)
			continue;
		pid = fork();
		if (!pid) {
			/* Nothing of the test's but the pipe, on fd 3 */
			if (dup2(fds[1], 3) != 3 || close_range(4, ~0U, 0) ||
			    prctl(PR_SET_PDEATHSIG, SIGKILL))
				_exit(1);
			member_main(i, parent);
		}
		if (pid < 0)
			ret = -errno;
	}
	close(fds[1]);
	/* All of them, so that pop_stop() knows whom to wait for */
	for (n = 0; n < NR_MEMBERS; n++) {
		if (read_full(fds[0], &rec, sizeof(rec)) || rec.idx < 0 ||
		    rec.idx >= NR_MEMBERS) {
			ret = ret ?: -ECHILD;
			break;
		}
		p->pid[rec.idx] = rec.pid;
		if (rec.pid < 0)
			ret = ret ?: rec.pid;
	}
	close(fds[0]);
	/* Every thread exists, as the readers of /proc will see it */
	for (i = 0; !ret && i < NR_MEMBERS; i++) {
		ret = proc_tids("/proc", p->pid[i], &tids);
		if (!ret && tids.n != (size_t)members[i].nthreads)
			ret = -ESRCH;
		pl_free(&tids);
	}
	if (ret)
		pop_stop(p);
	return ret;
}

/* The children of process pid, if it is a member, or of the test */
static size_t kids_of(const struct pop *p, pid_t pid, uint32_t *kids)
{
	int parent = -2, i;
	size_t n = 0;

	for (i = 0; i < NR_MEMBERS; i++)
		if (p->pid[i] == pid)
			parent = i;
	for (i = 0; i < NR_MEMBERS; i++)
		if (members[i].parent == parent ||
		    (parent == -2 && members[i].parent == -1))
			kids[n++] = p->pid[i];
	return n;
}

/* ---- What /proc shows ---- */

enum vis { HIDDEN, LISTED, VISIBLE };
static const char * const vis_name[] = { "hidden", "listed only", "visible" };

enum proc_kind {
	PK_PROCFS,		/* a procfs instance with opts at /proc */
	PK_NONE,		/* the requester chroots into an empty directory */
	PK_TMPFS,		/* a tmpfs over /proc */
	PK_PIDNS,		/* a procfs of a child pid namespace */
};

struct mode {
	const char *name;
	enum proc_kind kind;
	const char *opts;
	int hidepid;		/* what the rules apply; 4 without procfs */
	bool gid;		/* gid=PROC_GID */
};

enum {
	MD_OFF, MD_NOACCESS, MD_INVISIBLE, MD_PTRACEABLE, MD_NOACCESS_GID,
	MD_INVISIBLE_GID, MD_PTRACEABLE_GID, MD_SUBSET, MD_SUBSET_INVISIBLE,
	MD_NONE, MD_TMPFS, MD_PIDNS, NR_MODES
};

static const struct mode modes[NR_MODES] = {
	[MD_OFF]		= { "procfs", PK_PROCFS, "", 0, false },
	[MD_NOACCESS]		= { "hidepid=noaccess", PK_PROCFS, "hidepid=noaccess",
				    1, false },
	[MD_INVISIBLE]		= { "hidepid=invisible", PK_PROCFS, "hidepid=invisible",
				    2, false },
	[MD_PTRACEABLE]		= { "hidepid=ptraceable", PK_PROCFS,
				    "hidepid=ptraceable", 4, false },
	[MD_NOACCESS_GID]	= { "hidepid=noaccess,gid", PK_PROCFS,
				    "hidepid=noaccess," PROC_GID_OPT, 1, true },
	[MD_INVISIBLE_GID]	= { "hidepid=invisible,gid", PK_PROCFS,
				    "hidepid=invisible," PROC_GID_OPT, 2, true },
	/* gid= does not apply to ptraceable */
	[MD_PTRACEABLE_GID]	= { "hidepid=ptraceable,gid", PK_PROCFS,
				    "hidepid=ptraceable," PROC_GID_OPT, 4, true },
	[MD_SUBSET]		= { "subset=pid", PK_PROCFS, "subset=pid", 0, false },
	[MD_SUBSET_INVISIBLE]	= { "subset=pid,hidepid=invisible", PK_PROCFS,
				    "subset=pid,hidepid=invisible", 2, false },
	[MD_NONE]		= { "no /proc (chroot)", PK_NONE, NULL, 4, false },
	[MD_TMPFS]		= { "tmpfs at /proc", PK_TMPFS, NULL, 4, false },
	/*
	 * It shows none of the tasks of the namespace walked under their
	 * numbers there, and its options are not its: no procfs of it.
	 */
	[MD_PIDNS]		= { "procfs of a child pid ns at /proc", PK_PIDNS, NULL,
				    4, false },
};

/* What the rules of md let c see of a member (procfs's has_pid_permissions) */
static enum vis model_vis(const struct mode *md, const struct creds *c,
			  const struct member *t)
{
	bool trace = can_trace(c, t->c, t->dumpable);
	bool in_group = md->gid && (c->gid == PROC_GID || c->group == PROC_GID);

	if (md->hidepid == 4)
		return trace ? VISIBLE : HIDDEN;
	if (!md->hidepid || trace || in_group)
		return VISIBLE;
	return md->hidepid == 1 ? LISTED : HIDDEN;
}

/*
 * Mount at /proc a procfs of a new pid namespace. Its first process does
 * it and exits: the procfs stays, and shows nothing then.
 */
static int mount_child_pidns_proc(unsigned long fl)
{
	struct clone_args args = {
		.flags = CLONE_NEWPID,
		.exit_signal = SIGCHLD,
	};
	int status;
	pid_t pid;

	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (!pid)
		_exit(mount("proc", "/proc", "proc", fl, NULL) ? errno : 0);
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

/*
 * In a private mount namespace, the /proc of md; *procfd is the procfs to
 * read what the requester may see: the one at /proc, or without one, a
 * procfs of hidepid=ptraceable, the strictest reading, out of reach.
 */
static int setup_proc(const struct mode *md, const char *empty, int *procfd)
{
	const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *opts = md->opts ?: "hidepid=ptraceable";

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", fl, *opts ? opts : NULL))
		return -errno;
	*procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*procfd < 0)
		return -errno;
	if (md->kind == PK_TMPFS && mount("tmpfs", "/proc", "tmpfs", fl, NULL))
		return -errno;
	if (md->kind == PK_NONE && (chroot(empty) || chdir("/")))
		return -errno;
	if (md->kind == PK_PIDNS)
		return mount_child_pidns_proc(fl);
	return 0;
}

/* A process as a reader's /proc shows it */
struct rtask {
	uint32_t pid;
	uint8_t vis;
	bool io;		/* its io file reads: PTRACE_MODE_READ_FSCREDS */
	uint16_t ntids;
	uint32_t tids[MAX_TIDS];
};

struct ref {
	uint32_t n;
	struct rtask t[MAX_PROCS];
};

/* The numeric entries of directory path under dirfd, sorted */
static int list_at(int dirfd, const char *path, uint32_t *v, size_t max,
		   size_t *n)
{
	struct pidlist l = {};
	struct dirent *de;
	int fd, ret = 0;
	DIR *d;

	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while (!ret && (de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' && !*end)
			ret = pl_add(&l, pid);
	}
	closedir(d);
	pl_sort(&l);
	if (!ret && l.n > max)
		ret = -E2BIG;
	if (!ret)
		memcpy(v, l.v, l.n * sizeof(*v));
	*n = l.n;
	pl_free(&l);
	return ret;
}

/* 1 if the file reads, 0 if it may not be read, -errno if it is gone */
static int reads(int procfd, const char *path)
{
	char buf[512];
	int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? -errno : 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0;
}

/*
 * What the procfs at procfd shows the caller: the processes listed, which
 * of them let their files be read (stat, task/), and their io.
 */
static int ref_read(int procfd, struct ref *r)
{
	static uint32_t pids[MAX_PROCS];
	char path[64];
	size_t n, i, nt;
	int ret, fd, io;

	r->n = 0;
	ret = list_at(procfd, ".", pids, MAX_PROCS, &n);
	for (i = 0; !ret && i < n; i++) {
		struct rtask *t = &r->t[r->n];

		memset(t, 0, sizeof(*t));
		t->pid = pids[i];
		snprintf(path, sizeof(path), "%u/stat", t->pid);
		fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			/* Gone since it was listed */
			if (errno == ENOENT || errno == ESRCH)
				continue;
			if (errno != EPERM && errno != EACCES)
				return -errno;
			t->vis = LISTED;
			r->n++;
			continue;
		}
		close(fd);
		t->vis = VISIBLE;
		snprintf(path, sizeof(path), "%u/task", t->pid);
		ret = list_at(procfd, path, t->tids, MAX_TIDS, &nt);
		if (ret == -ENOENT || ret == -ESRCH) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		t->ntids = nt;
		snprintf(path, sizeof(path), "%u/io", t->pid);
		io = reads(procfd, path);
		/* Gone since its task/ was listed: as if never listed */
		if (io < 0)
			continue;
		t->io = io;
		r->n++;
	}
	return ret;
}

static const struct rtask *ref_find(const struct ref *r, uint32_t pid)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->t[mid].pid == pid)
			return &r->t[mid];
		if (r->t[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int write_ref(int fd, const struct ref *r)
{
	return write_full(fd, &r->n, sizeof(r->n)) ?:
	       write_full(fd, r->t, r->n * sizeof(r->t[0]));
}

static int read_ref(int fd, struct ref *r)
{
	int ret = read_full(fd, &r->n, sizeof(r->n));

	if (!ret && r->n > MAX_PROCS)
		ret = -E2BIG;
	return ret ?: read_full(fd, r->t, r->n * sizeof(r->t[0]));
}

/*
 * A process of other credentials that reads the procfs at procfd for the
 * caller whenever asked: the opener's view of the requester's /proc.
 */
struct ref_server {
	pid_t pid;
	int fd;
};

static int ref_server_start(struct ref_server *s, const struct creds *c,
			    int procfd)
{
	int sp[2];
	char ch;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp))
		return -errno;
	s->pid = fork();
	if (!s->pid) {
		struct ref *r = malloc(sizeof(*r));

		close(sp[0]);
		if (!r || become(c, true) || prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(1);
		while (read(sp[1], &ch, 1) == 1)
			if (ref_read(procfd, r) || write_ref(sp[1], r))
				break;
		_exit(0);
	}
	close(sp[1]);
	s->fd = sp[0];
	return s->pid < 0 ? -errno : 0;
}

static int ref_server_get(struct ref_server *s, struct ref *r)
{
	return write(s->fd, "r", 1) == 1 ? read_ref(s->fd, r) : -EIO;
}

/* A taskdiag socket opened by c, in the /proc of md if not NULL */
static int open_as(const struct creds *c, const struct mode *md,
		   const char *empty, int *family)
{
	int sp[2], fd = -1, procfd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp))
		return -errno;
	pid = fork();
	if (!pid) {
		struct td *td;

		close(sp[0]);
		if ((md && setup_proc(md, empty, &procfd)) || become(c, true) ||
		    td_open(&td, 0, false) ||
		    send_fd(sp[1], td_fd(td), &td->family, sizeof(td->family)))
			_exit(1);
		_exit(0);
	}
	close(sp[1]);
	if (pid > 0 && recv_fd(sp[0], &fd, family, sizeof(*family)))
		fd = -1;
	close(sp[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return fd;
}

/* ---- What a reply must be ---- */

static int nlog;

static void __printf(1, 2) fail(const char *fmt, ...)
{
	va_list ap;

	if (nlog++ >= MAX_LOG)
		return;
	va_start(ap, fmt);
	fputs("# ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

struct exp {
	uint32_t pid;
	uint32_t tgid;
	uint8_t vis;
	bool io;
};

struct expset {
	int err;		/* 0 or -ESRCH */
	size_t n;
	struct exp v[MAX_EXP];
};

/* What both see: the task is shown only as far as both would see it */
static enum vis vis_of(const struct ref *r, const struct ref *o, uint32_t pid,
		       bool *io)
{
	const struct rtask *a = ref_find(r, pid);
	const struct rtask *b = o ? ref_find(o, pid) : a;

	*io = a && b && a->io && b->io;
	if (!a || !b)
		return HIDDEN;
	return a->vis < b->vis ? a->vis : b->vis;
}

static void exp_add(struct expset *e, uint32_t pid, uint32_t tgid,
		    enum vis v, bool io)
{
	if (e->n < MAX_EXP)
		e->v[e->n++] = (struct exp){ pid, tgid, v, io };
}

static int cmp_exp(const void *a, const void *b)
{
	const struct exp *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * The reply to req by the reader of ref r (and the opener of ref o), by
 * the rules of the documentation; kids: the children of req's pid.
 */
static void build_exp(const struct ref *r, const struct ref *o,
		      const struct td_req *req, const uint32_t *kids,
		      size_t nkids, struct expset *e)
{
	uint32_t strategy = req->dump ? req->strategy : TASKDIAG_DUMP_STRATEGY_ONE;
	const struct rtask *t;
	enum vis v, pv;
	size_t i, j;
	bool io;

	e->n = 0;
	e->err = 0;
	pv = req->has_pid ? vis_of(r, o, req->pid, &io) : HIDDEN;
	switch (strategy) {
	case TASKDIAG_DUMP_STRATEGY_ALL:
		for (i = 0; i < r->n; i++) {
			v = vis_of(r, o, r->t[i].pid, &io);
			if (v != HIDDEN)
				exp_add(e, r->t[i].pid, r->t[i].pid, v, io);
		}
		break;
	case TASKDIAG_DUMP_STRATEGY_ALL_THREAD:
		/* /PID/task of a process listed only cannot be listed */
		for (i = 0; i < r->n; i++) {
			t = &r->t[i];
			if (vis_of(r, o, t->pid, &io) != VISIBLE)
				continue;
			for (j = 0; j < t->ntids; j++)
				exp_add(e, t->tids[j], t->pid, VISIBLE, io);
		}
		break;
	case TASKDIAG_DUMP_STRATEGY_CHILDREN:
		/*
		 * The children of a process listed only: /proc does not tell
		 * them (PID/task/TID/children cannot be read, and the ppid of
		 * a child listed only is not shown), so neither may taskdiag.
		 */
		if (pv != VISIBLE)
			e->err = -ESRCH;
		for (i = 0; !e->err && i < nkids; i++) {
			v = vis_of(r, o, kids[i], &io);
			if (v != HIDDEN)
				exp_add(e, kids[i], kids[i], v, io);
		}
		break;
	case TASKDIAG_DUMP_STRATEGY_THREAD:
		t = ref_find(r, req->pid);
		if (pv != VISIBLE || !t) {
			e->err = -ESRCH;
			break;
		}
		for (j = 0; j < t->ntids; j++)
			exp_add(e, t->tids[j], t->pid, VISIBLE, io);
		break;
	case TASKDIAG_DUMP_STRATEGY_ONE:
		if (pv == HIDDEN)
			e->err = -ESRCH;
		else
			exp_add(e, req->pid, req->pid, pv, io);
		break;
	}
	qsort(e->v, e->n, sizeof(e->v[0]), cmp_exp);
}

static const struct exp *exp_find(const struct expset *e, uint32_t pid)
{
	struct exp key = { .pid = pid };

	if (e->err)
		return NULL;
	return bsearch(&key, e->v, e->n, sizeof(e->v[0]), cmp_exp);
}

/* Whether t is what x says, for a request of show */
static bool shape_ok(const struct td_task *t, const struct exp *x,
		     uint64_t show, char *why, size_t len)
{
	uint64_t want = x->io ? 0 : show & SHOW_PROTECTED;
	uint64_t withheld = t->has_withheld ? t->withheld : 0;

	if (!t->has_pid || !t->has_tgid || t->tgid != x->tgid) {
		snprintf(why, len, "tgid %u, /proc %u", t->tgid, x->tgid);
		return false;
	}
	if (x->vis == LISTED) {
		if (t->has_base || t->has_cred || t->has_stat || t->nvmas ||
		    !t->has_withheld || t->withheld != show) {
			snprintf(why, len,
				 "listed only by /proc, but base %d cred %d stat %d, %u mappings, withheld %#llx (want none, none, none, 0, %#llx)",
				 t->has_base, t->has_cred, t->has_stat, t->nvmas,
				 (unsigned long long)withheld,
				 (unsigned long long)show);
			return false;
		}
		return true;
	}
	if (t->has_base != !!(show & G(BASE)) || t->has_cred != !!(show & G(CRED)) ||
	    t->has_stat != !!(show & G(STAT)) || withheld != want ||
	    !!(show & G(VMA) & ~want) != !!t->nvmas) {
		snprintf(why, len,
			 "visible in /proc (io %s), but base %d cred %d stat %d, %u mappings, withheld %#llx (want %#llx)",
			 x->io ? "readable" : "not readable", t->has_base,
			 t->has_cred, t->has_stat, t->nvmas,
			 (unsigned long long)withheld, (unsigned long long)want);
		return false;
	}
	return true;
}

/* A request and its reply, its parts merged */
struct reply {
	struct td_req req;
	int err;
	char msg[TD_EXTACK_LEN];
	struct tasklist l;
};

static const char *req_name(const struct td_req *req, char *buf, size_t len)
{
	if (!req->dump)
		snprintf(buf, len, "do of %u", req->pid);
	else if (req->has_pid)
		snprintf(buf, len, "%s of %u", td_strategy_name(req->strategy),
			 req->pid);
	else
		snprintf(buf, len, "%s", td_strategy_name(req->strategy));
	return buf;
}

/*
 * The parts of a task put together. (td_merge_add() takes a part that
 * starts the cred group after a part with base only, which the kernel
 * sends when base alone fits, for a repetition of cred.)
 */
struct merge {
	struct td_task t;
	bool open;
	struct tasklist *l;
	unsigned int tasks;
	char err[128];
};

static int merge_cb(const struct td_task *p, void *arg)
{
	struct merge *m = arg;
	struct td_task *t = &m->t;
	bool groups_only = !(p->cred.present & ~(1U << TASKDIAG_A_CRED_GROUPS));

	if (!m->open) {
		*t = *p;
	} else {
		if (p->pid != t->pid || p->tgid != t->tgid || !p->has_pid ||
		    !p->has_tgid) {
			snprintf(m->err, sizeof(m->err),
				 "a part of %u/%u after one of %u/%u",
				 p->tgid, p->pid, t->tgid, t->pid);
			return -EPROTO;
		}
		if ((p->has_base && t->has_base) || (p->has_stat && t->has_stat) ||
		    (p->has_cred && t->has_cred && !groups_only) ||
		    (p->has_withheld && t->has_withheld &&
		     p->withheld != t->withheld)) {
			snprintf(m->err, sizeof(m->err),
				 "a part of %u repeats a group", t->pid);
			return -EPROTO;
		}
		t->has_base |= p->has_base;
		t->has_cred |= p->has_cred;
		t->has_stat |= p->has_stat;
		t->has_withheld |= p->has_withheld;
		t->withheld |= p->withheld;
		t->nvmas += p->nvmas;
	}
	t->cred.groups = NULL;
	t->vmas = NULL;
	t->vmas_len = 0;
	m->open = p->cont;
	if (m->open)
		return 0;
	m->tasks++;
	return tl_add_cb(t, m->l);
}

static void run_req(struct td *td, struct reply *rp)
{
	struct merge m = { .l = &rp->l };

	rp->l = (struct tasklist){};
	rp->err = td_run(td, &rp->req, NULL, merge_cb, &m);
	if (!rp->err && m.open) {
		snprintf(m.err, sizeof(m.err), "the last part has cont");
		rp->err = -EPROTO;
	}
	if (!rp->err && (!rp->req.dump ||
			 rp->req.strategy == TASKDIAG_DUMP_STRATEGY_ONE) &&
	    m.tasks != 1) {
		snprintf(m.err, sizeof(m.err), "%u tasks for one", m.tasks);
		rp->err = -EPROTO;
	}
	/* The kernel's reason, or what did not fit together */
	snprintf(rp->msg, sizeof(rp->msg), "%s", m.err[0] ? m.err : td->err.msg);
	/* Whatever is left of a dump that went wrong */
	while (td->in_flight && td_recv_chunk(td, NULL, NULL) == 1)
		;
}

/*
 * Whether the task of pid no longer exists: kill() tells a task that is
 * gone (ESRCH) from one it may not signal (EPERM), whatever /proc hides.
 */
static bool gone_now(uint32_t pid)
{
	return kill(pid, 0) && errno == ESRCH;
}

/*
 * The reply against what /proc showed before (e1) and after it (e2): no
 * task that neither shows, every task that both show, each in the form
 * one of them gives it. A task that neither shows and that is gone by now
 * may have lived between the two readings (the runner's pipes and kernel
 * threads come and go): what /proc would have shown of it cannot be told,
 * and the population, which lives all along, is what the rules are
 * checked on. Returns the number of failures.
 */
static int check_reply(const char *tag, const struct reply *rp,
		       const struct expset *e1, const struct expset *e2)
{
	uint64_t show = rp->req.show_flags;
	const struct exp *x1, *x2;
	char what[64], why[256], why2[256];
	int fails = 0;
	size_t i;

	req_name(&rp->req, what, sizeof(what));
	if (rp->err) {
		if (rp->err != e1->err && rp->err != e2->err) {
			fail("%s: %s failed: %s (\"%s\"), /proc shows %zu tasks",
			     tag, what, strerror(-rp->err), rp->msg, e1->n);
			return 1;
		}
		if (!rp->msg[0]) {
			fail("%s: %s failed with ESRCH but no extack message",
			     tag, what);
			return 1;
		}
		return 0;
	}
	if (e1->err && e2->err) {
		fail("%s: %s succeeded with %zu tasks (%u first), /proc does not show %u",
		     tag, what, rp->l.n, rp->l.n ? rp->l.v[0].pid : 0,
		     rp->req.pid);
		return 1;
	}
	for (i = 0; i < rp->l.n; i++) {
		const struct td_task *t = &rp->l.v[i];

		if (i && t->pid <= rp->l.v[i - 1].pid) {
			fail("%s: %s: pid %u after %u", tag, what, t->pid,
			     rp->l.v[i - 1].pid);
			fails++;
		}
		x1 = exp_find(e1, t->pid);
		x2 = exp_find(e2, t->pid);
		if (!x1 && !x2 && gone_now(t->pid))
			continue;
		if (!x1 && !x2) {
			fail("%s: %s shows %u (tgid %u, withheld %#llx), /proc does not",
			     tag, what, t->pid, t->tgid,
			     (unsigned long long)t->withheld);
			fails++;
			continue;
		}
		why[0] = '\0';
		why2[0] = '\0';
		if ((x1 && shape_ok(t, x1, show, why, sizeof(why))) ||
		    (x2 && shape_ok(t, x2, show, why2, sizeof(why2))))
			continue;
		fail("%s: %s: %u: %s", tag, what, t->pid, why[0] ? why : why2);
		fails++;
	}
	for (i = 0; !e1->err && !e2->err && i < e1->n; i++) {
		x1 = &e1->v[i];
		if (!exp_find(e2, x1->pid) || tl_find(&rp->l, x1->pid))
			continue;
		fail("%s: %s lacks %u (tgid %u), %s in /proc", tag, what,
		     x1->pid, x1->tgid, vis_name[x1->vis]);
		fails++;
	}
	return fails;
}

/* /proc as read by c applies the rules to the members it was made of */
static int check_model(const char *tag, const struct ref *r,
		       const struct pop *p, const struct mode *md,
		       const struct creds *c)
{
	int i, fails = 0;
	enum vis v, want;
	bool io;

	for (i = 0; i < NR_MEMBERS; i++) {
		const struct member *m = &members[i];

		want = model_vis(md, c, m);
		v = vis_of(r, NULL, p->pid[i], &io);
		if (v == want &&
		    (v != VISIBLE || io == can_trace(c, m->c, m->dumpable)))
			continue;
		fail("%s: /proc shows %s (%d) to %s as %s (io %d), expected %s",
		     tag, m->name, p->pid[i], c->name, vis_name[v], io,
		     vis_name[want]);
		fails++;
	}
	return fails;
}

static struct td_req make_req(bool dump, uint32_t strategy, uint32_t pid,
			      uint64_t show)
{
	struct td_req req = td_dump_req(strategy, pid);

	req.dump = dump;
	req.has_show_flags = true;
	req.show_flags = show;
	if (!dump) {
		req.has_strategy = false;
		req.has_pid = true;
		req.pid = pid;
	}
	return req;
}

/* ---- The requester of one combination ---- */

struct combo {
	int mode;		/* the requester's /proc */
	const struct creds *req;
	const struct creds *opener;	/* NULL: the requester opens */
	int omode;		/* where the opener opens: -1 with the requester */
};

#define NR_REQS		(2 + 4 * NR_MEMBERS + 2 * 3 + 1)

static int combo_main(const struct combo *cb, const struct pop *p,
		      const char *empty)
{
	const struct mode *md = &modes[cb->mode];
	struct ref *rb, *ra, *ob = NULL, *oa = NULL;
	struct ref_server srv = { -1, -1 };
	static struct reply rp[NR_REQS];
	struct expset *e1, *e2;
	uint32_t kids[NR_MEMBERS + 1];
	pid_t extra[3] = { 1, getpid(), getppid() };
	int procfd, fd = -1, family = 0, ret, fails = 0;
	size_t nrp = 0, i, nkids;
	char tag[160];
	struct td *td;

	nlog = 0;
	snprintf(tag, sizeof(tag), "%s, requester %s, opener %s%s%s", md->name,
		 cb->req->name, cb->opener ? cb->opener->name : "the same",
		 cb->omode >= 0 ? " in " : "",
		 cb->omode >= 0 ? modes[cb->omode].name : "");
	rb = malloc(sizeof(*rb));
	ra = malloc(sizeof(*ra));
	ob = malloc(sizeof(*ob));
	oa = malloc(sizeof(*oa));
	e1 = malloc(sizeof(*e1));
	e2 = malloc(sizeof(*e2));
	if (!rb || !ra || !ob || !oa || !e1 || !e2)
		return 2;
	if (cb->opener && cb->omode >= 0)
		fd = open_as(cb->opener, &modes[cb->omode], empty, &family);
	ret = setup_proc(md, empty, &procfd);
	if (ret) {
		fail("%s: setting up /proc: %s", tag, strerror(-ret));
		return 2;
	}
	if (cb->opener && cb->omode < 0)
		fd = open_as(cb->opener, NULL, empty, &family);
	if (cb->opener && (fd < 0 || ref_server_start(&srv, cb->opener, procfd))) {
		fail("%s: the opener failed", tag);
		return 2;
	}
	if (become(cb->req, true))
		return 2;
	ret = fd >= 0 ? td_open_fd(&td, fd, family, 0, 0, false) :
			td_open(&td, 0, false);
	if (ret) {
		fail("%s: opening the socket: %s", tag, strerror(-ret));
		return 2;
	}

	rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL, 0, SHOW_TASK);
	rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0,
				 SHOW_TASK);
	for (i = 0; i < NR_MEMBERS; i++) {
		rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_CHILDREN,
					 p->pid[i], SHOW_TASK);
		rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_THREAD,
					 p->pid[i], SHOW_TASK);
		rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ONE,
					 p->pid[i], SHOW_ONE);
		rp[nrp++].req = make_req(false, 0, p->pid[i], SHOW_ONE);
	}
	for (i = 0; i < ARRAY_SIZE(extra); i++) {
		rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ONE,
					 extra[i], SHOW_ONE);
		rp[nrp++].req = make_req(false, 0, extra[i], SHOW_ONE);
	}
	/* The test's children: the top of the population, and this one */
	rp[nrp++].req = make_req(true, TASKDIAG_DUMP_STRATEGY_CHILDREN,
				 getppid(), SHOW_TASK);

	/* /proc before and after: a task that comes or goes may or may not be */
	if (ref_read(procfd, rb) || (cb->opener && ref_server_get(&srv, ob)))
		return 3;
	for (i = 0; i < nrp; i++)
		run_req(td, &rp[i]);
	if (ref_read(procfd, ra) || (cb->opener && ref_server_get(&srv, oa)))
		return 3;
	/* Not to be left behind as a zombie of the test */
	if (cb->opener) {
		close(srv.fd);
		waitpid(srv.pid, NULL, 0);
	}

	fails += check_model(tag, rb, p, md, cb->req);
	if (cb->opener)
		fails += check_model(tag, ob, p, md, cb->opener);
	else
		ob = NULL;
	if (!cb->opener)
		oa = NULL;
	for (i = 0; i < nrp; i++) {
		nkids = 0;
		if (rp[i].req.strategy == TASKDIAG_DUMP_STRATEGY_CHILDREN) {
			nkids = kids_of(p, rp[i].req.pid, kids);
			if (rp[i].req.pid == (uint32_t)getppid())
				kids[nkids++] = getpid();
		}
		build_exp(rb, ob, &rp[i].req, kids, nkids, e1);
		build_exp(ra, oa, &rp[i].req, kids, nkids, e2);
		fails += check_reply(tag, &rp[i], e1, e2);
	}
	if (fails > MAX_LOG)
		fail("%s: %d failures in all", tag, fails);
	return fails ? 1 : 0;
}

static void run_combo(struct __test_metadata *_metadata, const struct combo *cb,
		      const struct pop *p, const char *empty)
{
	int status = -1;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(combo_main(cb, p, empty));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("%s as %s (opener %s): status %#x", modes[cb->mode].name,
		       cb->req->name, cb->opener ? cb->opener->name : "the same",
		       status);
}

/* A temporary directory with an empty one to chroot into */
static int make_tmpdir(char *dir, size_t len)
{
	char empty[96];

	snprintf(dir, len, "/tmp/td-hidepid-XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	return mkdir(empty, 0755) ? -errno : 0;
}

/* ---- The set of tasks, for every /proc and every requester ---- */

FIXTURE(procs) {
	struct pop pop;
	char dir[64];
	char empty[96];
};

FIXTURE_VARIANT(procs) {
	int mode;
	bool gid;		/* requesters in the gid= group too */
	bool mixed;		/* requesters and openers of other credentials */
};

FIXTURE_VARIANT_ADD(procs, off) { .mode = MD_OFF, .mixed = true };

FIXTURE_VARIANT_ADD(procs, noaccess) { .mode = MD_NOACCESS, .mixed = true };

FIXTURE_VARIANT_ADD(procs, invisible) { .mode = MD_INVISIBLE, .mixed = true };

FIXTURE_VARIANT_ADD(procs, ptraceable) { .mode = MD_PTRACEABLE };

FIXTURE_VARIANT_ADD(procs, noaccess_gid) {
	.mode = MD_NOACCESS_GID, .gid = true, .mixed = true,
};

FIXTURE_VARIANT_ADD(procs, invisible_gid) { .mode = MD_INVISIBLE_GID, .gid = true };

FIXTURE_VARIANT_ADD(procs, ptraceable_gid) { .mode = MD_PTRACEABLE_GID, .gid = true };

FIXTURE_VARIANT_ADD(procs, subset) { .mode = MD_SUBSET };

FIXTURE_VARIANT_ADD(procs, subset_invisible) { .mode = MD_SUBSET_INVISIBLE };

FIXTURE_VARIANT_ADD(procs, none) { .mode = MD_NONE, .mixed = true };

FIXTURE_VARIANT_ADD(procs, tmpfs) { .mode = MD_TMPFS };

FIXTURE_VARIANT_ADD(procs, pidns) { .mode = MD_PIDNS };

FIXTURE_SETUP(procs)
{
	struct td *td;

	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	ASSERT_EQ(0, make_tmpdir(self->dir, sizeof(self->dir)));
	snprintf(self->empty, sizeof(self->empty), "%s/empty", self->dir);
	ASSERT_EQ(0, pop_start(&self->pop));
}

FIXTURE_TEARDOWN(procs)
{
	pop_stop(&self->pop);
	rmdir(self->empty);
	rmdir(self->dir);
}

/*
 * Each requester with a socket of its own, then requesters with sockets
 * opened by others, in their own mount namespace: the set of every
 * strategy, for every kind of process, is what the requester's /proc
 * shows to both.
 */
TEST_F_TIMEOUT(procs, sets, 120)
{
	const int md = variant->mode;
	const struct combo combos[] = {
		{ md, &nobody_c, NULL, -1 },
		{ md, &third_c, NULL, -1 },
		{ md, &root_c, NULL, -1 },
		{ variant->gid ? md : -1, &nobody_sgrp_c, NULL, -1 },
		{ variant->gid ? md : -1, &nobody_fsgid_c, NULL, -1 },
		/* root's socket, opened in the default /proc, to nobody */
		{ variant->mixed ? md : -1, &nobody_c, &root_c, MD_OFF },
		/* nobody's, from the default /proc, to root */
		{ variant->mixed ? md : -1, &root_c, &nobody_c, MD_OFF },
		/* the same, opened under hidepid=invisible */
		{ variant->mixed ? md : -1, &root_c, &nobody_c, MD_INVISIBLE },
		/* two unprivileged ones, the opener in the gid= group */
		{ variant->mixed ? md : -1, &third_c, &nobody_sgrp_c, -1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(combos); i++)
		if (combos[i].mode >= 0)
			run_combo(_metadata, &combos[i], &self->pop, self->empty);
}

/* ---- Being the task itself gives nothing ---- */

struct parts {
	struct td_task *v;
	size_t n;
	size_t cap;
};

/* A td_task_cb: keep each message, without what points into the datagram */
static int part_cb(const struct td_task *t, void *arg)
{
	struct parts *p = arg;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		struct td_task *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n] = *t;
	p->v[p->n].cred.groups = NULL;
	p->v[p->n].vmas = NULL;
	p->v[p->n].vmas_len = 0;
	p->n++;
	return 0;
}

/* The parts of a dump as its reply */
static void parts_reply(const struct parts *p, struct reply *rp)
{
	struct merge m = { .l = &rp->l };
	size_t i;

	rp->l = (struct tasklist){};
	rp->err = 0;
	for (i = 0; !rp->err && i < p->n; i++)
		rp->err = merge_cb(&p->v[i], &m);
	if (!rp->err && m.open) {
		snprintf(m.err, sizeof(m.err), "the last part has cont");
		rp->err = -EPROTO;
	}
	snprintf(rp->msg, sizeof(rp->msg), "%s", m.err);
}

/*
 * What /proc shows but would not for the credentials alone: the reader
 * itself, by the exception procfs makes for one's own thread group.
 */
static void ref_set(struct ref *r, uint32_t pid, enum vis v, bool io)
{
	struct rtask *t = (struct rtask *)ref_find(r, pid);

	if (!t)
		return;
	if (v == HIDDEN) {
		memmove(t, t + 1, (&r->t[r->n] - (t + 1)) * sizeof(*t));
		r->n--;
		return;
	}
	t->vis = v;
	t->io = io;
}

/*
 * A nobody requester (non-dumpable as it became nobody, or made dumpable
 * again) under md: /proc shows it itself, the reply only as its
 * credentials alone allow.
 */
static int self_main(const struct mode *md, bool dumpable, const char *empty)
{
	static struct reply rp[6];
	struct ref *rb = malloc(sizeof(*rb)), *ra = malloc(sizeof(*ra));
	struct expset *e1 = malloc(sizeof(*e1)), *e2 = malloc(sizeof(*e2));
	pid_t me = getpid();
	enum vis want = dumpable ? VISIBLE : md->hidepid == 1 ? LISTED : HIDDEN;
	const struct rtask *t;
	int procfd, fails = 0;
	char tag[96];
	struct td *td;
	size_t i;

	nlog = 0;
	snprintf(tag, sizeof(tag), "%s, %sdumpable nobody about itself",
		 md->name, dumpable ? "" : "non-");
	if (!rb || !ra || !e1 || !e2 || setup_proc(md, empty, &procfd) ||
	    become(&nobody_c, dumpable) || td_open(&td, 0, false))
		return 2;
	rp[0].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL, 0, SHOW_TASK);
	rp[1].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0, SHOW_TASK);
	rp[2].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ONE, me, SHOW_ONE);
	rp[3].req = make_req(false, 0, me, SHOW_ONE);
	rp[4].req = make_req(true, TASKDIAG_DUMP_STRATEGY_THREAD, me, SHOW_TASK);
	rp[5].req = make_req(true, TASKDIAG_DUMP_STRATEGY_CHILDREN, me, SHOW_TASK);
	if (ref_read(procfd, rb))
		return 3;
	for (i = 0; i < ARRAY_SIZE(rp); i++)
		run_req(td, &rp[i]);
	if (ref_read(procfd, ra))
		return 3;

	/*
	 * /proc shows it itself, whatever its credentials (but its io file,
	 * which a non-dumpable process's owner, root, alone may open)
	 */
	t = ref_find(rb, me);
	if (!t || t->vis != VISIBLE || t->io != dumpable) {
		fail("%s: /proc does not show it itself", tag);
		fails++;
	}
	ref_set(rb, me, want, dumpable);
	ref_set(ra, me, want, dumpable);
	/* About itself first, then the dumps of all */
	for (i = 0; i < ARRAY_SIZE(rp); i++) {
		struct reply *r = &rp[(i + 2) % ARRAY_SIZE(rp)];

		build_exp(rb, NULL, &r->req, NULL, 0, e1);
		build_exp(ra, NULL, &r->req, NULL, 0, e2);
		fails += check_reply(tag, r, e1, e2);
	}
	return fails ? 1 : 0;
}

FIXTURE(solo) {
	struct pop pop;
	char dir[64];
	char empty[96];
};

FIXTURE_SETUP(solo)
{
	struct td *td;

	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	ASSERT_EQ(0, make_tmpdir(self->dir, sizeof(self->dir)));
	snprintf(self->empty, sizeof(self->empty), "%s/empty", self->dir);
	ASSERT_EQ(0, pop_start(&self->pop));
}

FIXTURE_TEARDOWN(solo)
{
	pop_stop(&self->pop);
	rmdir(self->empty);
	rmdir(self->dir);
}

static void run_child(struct __test_metadata *_metadata, pid_t pid,
		      const char *what)
{
	int status = -1;

	ASSERT_LE(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("%s: status %#x", what, status);
}

TEST_F_TIMEOUT(solo, self, 60)
{
	static const int mds[] = { MD_INVISIBLE, MD_NOACCESS, MD_NONE };
	size_t i;
	int d;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(mds); i++) {
		for (d = 0; d < 2; d++) {
			pid = fork();
			if (!pid)
				_exit(self_main(&modes[mds[i]], d, self->empty));
			run_child(_metadata, pid, modes[mds[i]].name);
		}
	}
}

/* ---- The /proc of the request, whoever reads its later parts ---- */

struct handover {
	int family;
	uint32_t seq;
	uint32_t nparts;
};

/*
 * nobody under md, with nkids children of its own, sends a dump of
 * strategy, reads its first part and hands the socket over on sock, with
 * that part and what its /proc shows before and after the rest is read.
 */
static int handover_main(const struct mode *md, uint32_t strategy, int nkids,
			 int sock, const char *empty)
{
	struct td_req req = make_req(true, strategy, 0, SHOW_TASK);
	struct ref *r = malloc(sizeof(*r));
	struct parts first = {};
	struct handover h;
	int procfd, ret;
	struct td *td;
	char c;

	if (!r || setup_proc(md, empty, &procfd) || become(&nobody_c, true))
		return 2;
	while (nkids--) {
		pid_t pid = fork();

		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		if (pid < 0)
			return 2;
	}
	if (td_open(&td, SMALL_BUF, true) || ref_read(procfd, r))
		return 2;
	ret = td_request(td, &req, NULL) ?: td_recv_chunk(td, part_cb, &first);
	if (ret != 1) {
		fail("%s: the first part: %s (\"%s\")", md->name,
		     strerror(-ret), td->err.msg);
		return 3;
	}
	h = (struct handover){ td->family, td->seq, first.n };
	if (send_fd(sock, td_fd(td), &h, sizeof(h)) ||
	    write_full(sock, first.v, first.n * sizeof(first.v[0])) ||
	    write_ref(sock, r))
		return 4;
	td_close(td);
	if (read(sock, &c, 1) != 1 || ref_read(procfd, r) || write_ref(sock, r))
		return 5;
	return 0;
}

static void check_handover(struct __test_metadata *_metadata, int mode,
			   uint32_t strategy, int nkids, const char *empty)
{
	struct ref *rb = malloc(sizeof(*rb)), *ra = malloc(sizeof(*ra));
	struct expset *e1 = malloc(sizeof(*e1)), *e2 = malloc(sizeof(*e2));
	struct parts all = {};
	struct reply rp = {};
	struct handover h;
	struct td *td;
	int sp[2], fd;
	char tag[96];
	pid_t pid;

	ASSERT_TRUE(rb && ra && e1 && e2);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sp[0]);
		_exit(handover_main(&modes[mode], strategy, nkids, sp[1], empty));
	}
	close(sp[1]);
	snprintf(tag, sizeof(tag), "%s, %s read on in the default /proc",
		 modes[mode].name, td_strategy_name(strategy));
	ASSERT_EQ(0, recv_fd(sp[0], &fd, &h, sizeof(h)))
		run_child(_metadata, pid, tag);
	all.cap = h.nparts + 256;
	all.v = calloc(all.cap, sizeof(*all.v));
	ASSERT_NE(NULL, all.v);
	all.n = h.nparts;
	ASSERT_EQ(0, read_full(sp[0], all.v, h.nparts * sizeof(*all.v)));
	ASSERT_EQ(0, read_ref(sp[0], rb));

	/* Here, as root, with the default /proc */
	ASSERT_EQ(0, td_open_fd(&td, fd, h.family, h.seq, SMALL_BUF, true));
	EXPECT_EQ(0, td_recv_all(td, part_cb, &all)) TD_LOG_ERR(td);
	/* The later parts were made here */
	EXPECT_LE(2, td->stats.nrecv);
	td_close(td);
	ASSERT_EQ(1, write(sp[0], "d", 1));
	ASSERT_EQ(0, read_ref(sp[0], ra));
	close(sp[0]);
	run_child(_metadata, pid, tag);

	nlog = 0;
	rp.req = make_req(true, strategy, 0, SHOW_TASK);
	parts_reply(&all, &rp);
	build_exp(rb, NULL, &rp.req, NULL, 0, e1);
	build_exp(ra, NULL, &rp.req, NULL, 0, e2);
	EXPECT_EQ(0, check_reply(tag, &rp, e1, e2));
	TH_LOG("%s: %u parts by the requester, %zu in all, %zu tasks",
	       tag, h.nparts, all.n, rp.l.n);
	tl_free(&rp.l);
	free(all.v);
	free(rb);
	free(ra);
	free(e1);
	free(e2);
}

/* Invisible tasks stay absent in the parts root reads */
TEST_F_TIMEOUT(solo, handover_invisible, 60)
{
	check_handover(_metadata, MD_INVISIBLE, TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
		       0, self->empty);
}

/*
 * Tasks listed only stay so in the parts root reads; the requester's
 * children, which it may see, make the dump long enough for several.
 */
TEST_F_TIMEOUT(solo, handover_noaccess, 60)
{
	check_handover(_metadata, MD_NOACCESS, TASKDIAG_DUMP_STRATEGY_ALL,
		       16, self->empty);
}

/*
 * Root requests on nobody's socket under md; between its first part and
 * the rest, its /proc changes to the one of other: the rest still follows
 * md, applied to nobody.
 */
static int captured_main(const struct mode *md, const struct mode *other,
			 const char *empty)
{
	struct td_req req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0,
				     SHOW_TASK);
	struct ref *rb = malloc(sizeof(*rb)), *ra = malloc(sizeof(*ra));
	struct ref *ob = malloc(sizeof(*ob)), *oa = malloc(sizeof(*oa));
	struct expset *e1 = malloc(sizeof(*e1)), *e2 = malloc(sizeof(*e2));
	struct ref_server srv;
	struct parts all = {};
	struct reply rp = {};
	int procfd, fd, family, ret, fails;
	struct stat st1, st2;
	unsigned int nrecv;
	char tag[128];
	struct td *td;

	nlog = 0;
	snprintf(tag, sizeof(tag), "%s, then %s: root on nobody's socket",
		 md->name, other->name);
	fd = open_as(&nobody_c, &modes[MD_OFF], empty, &family);
	if (!rb || !ra || !ob || !oa || !e1 || !e2 || fd < 0 ||
	    setup_proc(md, empty, &procfd) ||
	    ref_server_start(&srv, &nobody_c, procfd) ||
	    td_open_fd(&td, fd, family, 0, SMALL_BUF, true))
		return 2;
	if (ref_read(procfd, rb) || ref_server_get(&srv, ob))
		return 3;
	ret = td_request(td, &req, NULL) ?: td_recv_chunk(td, part_cb, &all);
	if (ret != 1) {
		fail("%s: the first part: %s", tag, strerror(-ret));
		return 4;
	}
	/* A procfs of md is at /proc; now the one of other is */
	if (md->kind == PK_PROCFS && umount2("/proc", MNT_DETACH))
		return 5;
	if (other->kind == PK_PROCFS &&
	    mount("proc", "/proc", "proc", 0, other->opts[0] ? other->opts : NULL))
		return 5;
	if (other->kind == PK_TMPFS && mount("tmpfs", "/proc", "tmpfs", 0, NULL))
		return 5;
	if (stat("/proc", &st1) || fstat(procfd, &st2) || st1.st_dev == st2.st_dev)
		return 6;
	ret = td_recv_all(td, part_cb, &all);
	nrecv = td->stats.nrecv;
	if (ret || nrecv < 2) {
		fail("%s: the rest: %s, %u parts", tag, strerror(-ret), nrecv);
		return 7;
	}
	if (ref_read(procfd, ra) || ref_server_get(&srv, oa))
		return 3;
	close(srv.fd);
	waitpid(srv.pid, NULL, 0);
	parts_reply(&all, &rp);
	rp.req = req;
	build_exp(rb, ob, &req, NULL, 0, e1);
	build_exp(ra, oa, &req, NULL, 0, e2);
	fails = check_reply(tag, &rp, e1, e2);
	return fails ? 1 : 0;
}

TEST_F_TIMEOUT(solo, captured_at_send, 60)
{
	static const int mds[][2] = {
		{ MD_INVISIBLE, MD_OFF },
		{ MD_OFF, MD_INVISIBLE },
		{ MD_NOACCESS, MD_TMPFS },
	};
	size_t i;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(mds); i++) {
		pid = fork();
		if (!pid)
			_exit(captured_main(&modes[mds[i][0]], &modes[mds[i][1]],
					    self->empty));
		run_child(_metadata, pid, modes[mds[i][0]].name);
	}
}

/*
 * An unprivileged user under a /proc of hidepid=invisible makes a user, a
 * mount and a pid namespace of its own and mounts a procfs of the latter
 * at /proc (as unshare -Urmpf --mount-proc does), then asks from outside
 * that pid namespace: the tasks walked are none of that procfs's, and the
 * /proc that hid them from it still does.
 */
static int userns_main(const char *empty)
{
	const char *tag = "nobody with a procfs of its own pid ns at /proc";
	struct ref *rb = malloc(sizeof(*rb)), *ra = malloc(sizeof(*ra));
	struct expset *e1 = malloc(sizeof(*e1)), *e2 = malloc(sizeof(*e2));
	static struct reply rp[3];
	int procfd, ret, fails = 0;
	struct td *td;
	size_t i;

	nlog = 0;
	if (!rb || !ra || !e1 || !e2 ||
	    setup_proc(&modes[MD_INVISIBLE], empty, &procfd) ||
	    become(&nobody_c, true) || unshare(CLONE_NEWUSER | CLONE_NEWNS) ||
	    write_str("/proc/self/setgroups", "deny") ||
	    write_str("/proc/self/uid_map", "0 65534 1") ||
	    write_str("/proc/self/gid_map", "0 65534 1"))
		return 2;
	ret = mount_child_pidns_proc(MS_NOSUID | MS_NODEV | MS_NOEXEC);
	if (ret) {
		fail("%s: mounting it: %s", tag, strerror(-ret));
		return 2;
	}
	if (td_open(&td, 0, false))
		return 2;
	rp[0].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL, 0, SHOW_TASK);
	rp[1].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0, SHOW_TASK);
	rp[2].req = make_req(true, TASKDIAG_DUMP_STRATEGY_ONE, 1, SHOW_TASK);
	if (ref_read(procfd, rb))
		return 3;
	for (i = 0; i < ARRAY_SIZE(rp); i++)
		run_req(td, &rp[i]);
	if (ref_read(procfd, ra))
		return 3;
	for (i = 0; i < ARRAY_SIZE(rp); i++) {
		build_exp(rb, NULL, &rp[i].req, NULL, 0, e1);
		build_exp(ra, NULL, &rp[i].req, NULL, 0, e2);
		fails += check_reply(tag, &rp[i], e1, e2);
	}
	return fails ? 1 : 0;
}

TEST_F_TIMEOUT(solo, userns_pidns_procfs, 60)
{
	pid_t pid = fork();

	if (!pid)
		_exit(userns_main(self->empty));
	run_child(_metadata, pid, "userns");
}

/* ---- Mapping names, from the requester's root ---- */

#define NR_MAPS		240	/* file mappings of the target: many parts */
#define FILE_PAGES	8
#define MAPS_MAX	(1024 * 1024)

struct map_files {
	char dir[64];		/* the requester's or the reader's root */
	char a[128];		/* dir/sub/file */
	char b[128];		/* dir/other/deep/file */
	char out[128];		/* a file outside dir */
};

/*
 * The target: the three files mapped in turn NR_MAPS times, a page each,
 * an inaccessible page between each two: a mapping each, which a dump
 * with a small buffer spreads over many parts.
 */
static int map_target(void *arg)
{
	const struct map_files *f = arg;
	const char * const paths[] = { f->a, f->b, f->out };
	size_t pg = sysconf(_SC_PAGESIZE);
	int fds[3], i;
	char *base;

	for (i = 0; i < 3; i++) {
		fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return -1;
	}
	base = mmap(NULL, 2 * NR_MAPS * pg, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	for (i = 0; i < NR_MAPS; i++)
		if (mmap(base + 2 * i * pg, pg, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 fds[i % 3], (i % FILE_PAGES) * pg) == MAP_FAILED)
			return -1;
	for (i = 0; i < 3; i++)
		close(fds[i]);
	return 0;
}

static int make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0)
		return -errno;
	ret = ftruncate(fd, FILE_PAGES * sysconf(_SC_PAGESIZE)) ? -errno : 0;
	close(fd);
	return ret;
}

/* A mapping: where, and its name */
struct vrec {
	uint64_t start;
	uint64_t end;
	char name[128];
};

struct vrecs {
	struct vrec *v;
	size_t n;
	size_t cap;
};

static struct vrec *vrec_new(struct vrecs *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		struct vrec *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	return &l->v[l->n++];
}

static int vrec_vma_cb(const struct td_vma *vma, void *arg)
{
	struct vrec *v = vrec_new(arg);

	if (!v)
		return -ENOMEM;
	v->start = vma->info.start;
	v->end = vma->info.end;
	snprintf(v->name, sizeof(v->name), "%s", vma->name ?: "");
	return 0;
}

/* A td_task_cb: the mappings of each message, in order */
static int vrec_task_cb(const struct td_task *t, void *arg)
{
	return td_parse_vmas(t, vrec_vma_cb, arg);
}

/* /proc/PID/maps as the caller's /proc shows it, in buf of MAPS_MAX */
static int read_maps(pid_t pid, char *buf)
{
	char path[64];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + len, MAPS_MAX - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? -errno : 0;
}

/* The mappings of maps text */
static int maps_vrecs(char *text, struct vrecs *l)
{
	unsigned long long start, end;
	char *line, *nl;
	struct vrec *v;
	int off;

	for (line = text; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			return -EINVAL;
		*nl = '\0';
		off = 0;
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &start, &end,
			   &off) != 2 || !off)
			return -EINVAL;
		v = vrec_new(l);
		if (!v)
			return -ENOMEM;
		v->start = start;
		v->end = end;
		snprintf(v->name, sizeof(v->name), "%s", line + off);
		*nl = '\n';
	}
	return 0;
}

/*
 * The mappings of a reply against maps, and against what the target was
 * made of: its files named from root.
 */
static int check_names(const char *tag, const struct vrecs *got, char *maps,
		       const struct map_files *f, const char *root)
{
	const char *rel[3] = { f->a, f->b, f->out };
	char names[3][128];
	struct vrecs want = {};
	size_t i, n[3] = {};
	int fails = 0, k;

	for (k = 0; k < 3; k++) {
		/* The two in the root are named from it, the other in full */
		if (k < 2 && strcmp(root, "/"))
			rel[k] += strlen(root);
		snprintf(names[k], sizeof(names[k]), "%s", rel[k]);
	}
	if (maps_vrecs(maps, &want)) {
		fail("%s: maps unreadable", tag);
		return 1;
	}
	if (got->n != want.n) {
		fail("%s: %zu mappings, maps %zu", tag, got->n, want.n);
		fails++;
	}
	for (i = 0; i < got->n && i < want.n; i++) {
		const struct vrec *g = &got->v[i], *w = &want.v[i];

		for (k = 0; k < 3; k++)
			n[k] += !strcmp(g->name, names[k]);
		if (g->start == w->start && g->end == w->end &&
		    !strcmp(g->name, w->name))
			continue;
		fail("%s: mapping %zu: %llx-%llx \"%s\", maps %llx-%llx \"%s\"",
		     tag, i, (unsigned long long)g->start,
		     (unsigned long long)g->end, g->name,
		     (unsigned long long)w->start, (unsigned long long)w->end,
		     w->name);
		fails++;
	}
	for (k = 0; k < 3; k++) {
		if (n[k] == NR_MAPS / 3)
			continue;
		fail("%s: %zu mappings named \"%s\", want %d", tag, n[k],
		     names[k], NR_MAPS / 3);
		fails++;
	}
	free(want.v);
	return fails;
}

FIXTURE(names) {
	struct map_files f;
	pid_t target;
	int hold;
	char *maps;
};

FIXTURE_SETUP(names)
{
	struct map_files *f = &self->f;
	char path[128];
	int fd;

	self->target = -1;
	self->hold = -1;
	self->maps = malloc(MAPS_MAX);
	ASSERT_NE(NULL, self->maps);
	snprintf(f->dir, sizeof(f->dir), "/tmp/td-hidepid-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(f->dir));
	snprintf(f->a, sizeof(f->a), "%s/sub", f->dir);
	ASSERT_EQ(0, mkdir(f->a, 0755));
	snprintf(f->a, sizeof(f->a), "%s/sub/file", f->dir);
	snprintf(path, sizeof(path), "%s/other", f->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(f->b, sizeof(f->b), "%s/other/deep", f->dir);
	ASSERT_EQ(0, mkdir(f->b, 0755));
	snprintf(f->b, sizeof(f->b), "%s/other/deep/file", f->dir);
	/*
	 * A procfs for the chrooted requester's maps, mounted here: in a mount
	 * namespace of its own, the requester's root would be a copy of the
	 * mount of the files, from which they are out of reach.
	 */
	snprintf(path, sizeof(path), "%s/proc", f->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			   NULL));
	snprintf(f->out, sizeof(f->out), "/tmp/td-hidepid-out-XXXXXX");
	fd = mkstemp(f->out);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, make_file(f->a));
	ASSERT_EQ(0, make_file(f->b));
	ASSERT_EQ(0, make_file(f->out));
	self->target = spawn_prepared(map_target, f, &self->hold);
	ASSERT_LT(0, self->target);
}

FIXTURE_TEARDOWN(names)
{
	struct map_files *f = &self->f;
	char path[128];

	if (self->hold >= 0)
		close(self->hold);
	kill_wait(self->target);
	unlink(f->a);
	unlink(f->b);
	unlink(f->out);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/other/deep", f->dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/other", f->dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", f->dir);
	umount2(path, MNT_DETACH);
	rmdir(path);
	rmdir(f->dir);
	free(self->maps);
}

struct names_handover {
	int family;
	uint32_t seq;
	uint32_t nfirst;
	uint32_t maps_len;
};

/*
 * Chrooted into dir, with a procfs there: read maps, send the dump, read
 * its first part, and hand over the socket, that part and maps.
 */
static int chroot_requester(const struct map_files *f, pid_t target, int sock,
			    char *maps)
{
	struct td_req req = make_req(true, TASKDIAG_DUMP_STRATEGY_ONE, target,
				     G(VMA));
	struct names_handover h;
	struct vrecs first = {};
	struct td *td;
	char *again = malloc(MAPS_MAX), c;

	if (!again || chroot(f->dir) || chdir("/") ||
	    td_open(&td, TD_VMA_DUMP_BUF_SIZE, true) || read_maps(target, maps))
		return 2;
	if (td_request(td, &req, NULL) ||
	    td_recv_chunk(td, vrec_task_cb, &first) != 1)
		return 3;
	/* The map did not change meanwhile */
	if (read_maps(target, again) || strcmp(maps, again))
		return 4;
	h = (struct names_handover){ td->family, td->seq, first.n, strlen(maps) };
	if (send_fd(sock, td_fd(td), &h, sizeof(h)) ||
	    write_full(sock, first.v, first.n * sizeof(*first.v)) ||
	    write_full(sock, maps, h.maps_len))
		return 5;
	td_close(td);
	return read(sock, &c, 1) == 1 ? 0 : 6;
}

/*
 * Requested from a chroot, read on outside of it: every part names the
 * files as the requester's maps does, from its root.
 */
TEST_F_TIMEOUT(names, chroot_requester, 60)
{
	struct names_handover h;
	struct vrecs all = {};
	struct td *td;
	int sp[2], fd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sp[0]);
		_exit(chroot_requester(&self->f, self->target, sp[1], self->maps));
	}
	close(sp[1]);
	ASSERT_EQ(0, recv_fd(sp[0], &fd, &h, sizeof(h)))
		run_child(_metadata, pid, "requester");
	ASSERT_GT(MAPS_MAX, h.maps_len);
	all.cap = h.nfirst;
	all.n = h.nfirst;
	all.v = calloc(all.cap ?: 1, sizeof(*all.v));
	ASSERT_NE(NULL, all.v);
	ASSERT_EQ(0, read_full(sp[0], all.v, h.nfirst * sizeof(*all.v)));
	ASSERT_EQ(0, read_full(sp[0], self->maps, h.maps_len));
	self->maps[h.maps_len] = '\0';

	ASSERT_EQ(0, td_open_fd(&td, fd, h.family, h.seq, TD_VMA_DUMP_BUF_SIZE,
				true));
	EXPECT_EQ(0, td_recv_all(td, vrec_task_cb, &all)) TD_LOG_ERR(td);
	/* The later parts were made here */
	EXPECT_LE(2, td->stats.nrecv);
	td_close(td);
	ASSERT_EQ(1, write(sp[0], "d", 1));
	close(sp[0]);
	run_child(_metadata, pid, "requester");

	nlog = 0;
	EXPECT_EQ(0, check_names("requested in a chroot", &all, self->maps,
				 &self->f, self->f.dir));
	TH_LOG("%u mappings in the requester's part, %zu in all", h.nfirst,
	       all.n);
	free(all.v);
}

/*
 * Requested here, read on in a chroot: every part names the files as
 * maps does here, in full.
 */
TEST_F_TIMEOUT(names, chroot_reader, 60)
{
	struct td_req req = make_req(true, TASKDIAG_DUMP_STRATEGY_ONE,
				     self->target, G(VMA));
	struct vrecs all = {}, rest = {};
	char *again = malloc(MAPS_MAX);
	size_t first, i;
	struct vrec *v;
	struct td *td;
	int p[2];
	pid_t pid;

	ASSERT_NE(NULL, again);
	TD_OPEN_OR_SKIP(&td, TD_VMA_DUMP_BUF_SIZE, true);
	ASSERT_EQ(0, read_maps(self->target, self->maps));
	ASSERT_EQ(0, td_request(td, &req, NULL));
	ASSERT_EQ(1, td_recv_chunk(td, vrec_task_cb, &all)) TD_LOG_ERR(td);
	first = all.n;
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ret;

		close(p[0]);
		if (chroot(self->f.dir) || chdir("/"))
			_exit(2);
		ret = td_recv_all(td, vrec_task_cb, &rest);
		if (write_full(p[1], &rest.n, sizeof(rest.n)) ||
		    write_full(p[1], rest.v, rest.n * sizeof(*rest.v)))
			_exit(3);
		/* Several parts were made here */
		_exit(ret ? 4 : td->stats.nrecv < 2 ? 5 : 0);
	}
	close(p[1]);
	ASSERT_EQ(0, read_full(p[0], &rest.n, sizeof(rest.n)))
		run_child(_metadata, pid, "reader");
	rest.v = calloc(rest.n ?: 1, sizeof(*rest.v));
	ASSERT_NE(NULL, rest.v);
	ASSERT_EQ(0, read_full(p[0], rest.v, rest.n * sizeof(*rest.v)));
	close(p[0]);
	run_child(_metadata, pid, "reader");
	ASSERT_EQ(0, read_maps(self->target, again));
	ASSERT_STREQ(self->maps, again);

	for (i = 0; i < rest.n; i++) {
		v = vrec_new(&all);
		ASSERT_NE(NULL, v);
		*v = rest.v[i];
	}
	nlog = 0;
	EXPECT_EQ(0, check_names("read in a chroot", &all, self->maps,
				 &self->f, "/"));
	TH_LOG("%zu mappings in the requester's part, %zu in all", first,
	       all.n);
	td_close(td);
	free(all.v);
	free(rest.v);
	free(again);
}

TEST_HARNESS_MAIN
