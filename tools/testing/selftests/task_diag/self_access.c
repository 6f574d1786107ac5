// SPDX-License-Identifier: GPL-2.0
/*
 * Access to a task's protected data (the vma and vma-stat groups, the
 * /proc/PID/io part of stat) is decided for the credentials captured when
 * the request arrived, those of the requester and of the socket's opener,
 * and for the target alone: never for the task that happens to build a
 * part (current), which is the requester for the first part and whoever
 * calls recvmsg() for the later ones. Being the target, one of its
 * threads or its parent gives that task nothing, and the decision leaves
 * no trace on it (PF_SUPERPRIV).
 *
 * The tests build trees of processes: a target T of each kind (root or
 * nobody, dumpable or not), its parent P (root or nobody), plus a root
 * and a nobody process unrelated to them. The requester, the opener and
 * the reader are each, in turn, T's main thread, another thread of T,
 * P, or one of the unrelated processes; every protected group of every
 * process of the tree is then expected to be withheld exactly as the
 * rule computes it: root passes for every target, nobody only for a
 * dumpable nobody target, and a check passes only if it passes for both
 * the requester and the opener.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

/* Parts of about 5 KiB (PATH_MAX + 1 KiB with the memory map) */
#define SMALL_BUF	4096
/* Mappings added to each target: its map takes several parts */
#define EXTRA_MAPS	16
#define MAX_REC		512
/* Failures described in full per test; the rest are counted */
#define MAX_LOG		16
#define PF_SUPERPRIV_	0x00000100

#define G(g)		(1ULL << TASKDIAG_GROUP_##g)
#define SHOW_FULL	(G(BASE) | G(CRED) | G(STAT) | G(VMA) | G(VMA_STAT))
/* The groups with data behind PTRACE_MODE_READ_FSCREDS */
#define SHOW_PROTECTED	(G(STAT) | G(VMA) | G(VMA_STAT))

/*
 * Tree k: T is root unless bit 0, dumpable if bit 1; P is root unless
 * bit 2, and dumpable if T is not.
 */
#define NR_TREES	8
#define TREE_T_ROOT(k)	(!((k) & 1))
#define TREE_T_DUMP(k)	(!!((k) & 2))
#define TREE_P_ROOT(k)	(!((k) & 4))
#define TREE_P_DUMP(k)	(!TREE_T_DUMP(k))

/* Where a role is played, relative to the target T of a tree */
enum pos {
	POS_SELF,	/* T's main thread */
	POS_THREAD,	/* another thread of T */
	POS_PARENT,	/* a thread of T's parent P */
	POS_ROOT,	/* a thread of a root process unrelated to T */
	POS_NOBODY,	/* a thread of a nobody process unrelated to T */
	NR_POS
};

static const char * const pos_name[NR_POS] = {
	"self", "thread", "parent", "other-root", "other-nobody",
};

enum op {
	OP_OPEN,	/* open a socket, pass it back */
	OP_REQUEST,	/* send a request on the socket passed */
	OP_READ,	/* read all the replies due on the socket passed */
};

struct cmd {
	int op;
	bool in_thread;		/* run it in a new thread, not the main one */
	int family;
	uint32_t seq;
	struct td_req req;
};

/* One message received, as the reader saw it */
struct rec {
	uint32_t pid;
	uint32_t tgid;
	uint32_t chunk;		/* datagram it came in, from 1 */
	uint32_t nvmas;
	uint32_t base_flags;
	uint32_t id[6];		/* uid euid suid gid egid sgid */
	uint64_t withheld;
	uint64_t stat_present;
	uint8_t has_withheld;
	uint8_t has_stat;
	uint8_t has_cred;
	uint8_t has_base;
	uint8_t cont;
	uint8_t state;
	uint8_t bad;
};

struct reply {
	int err;		/* of the operation, 0 or a negative errno */
	char msg[TD_EXTACK_LEN];
	int family;
	uint32_t seq;
	pid_t pid;		/* process and thread that ran it */
	pid_t tid;
	pid_t ppid;		/* ready message: the process's state */
	uid_t uid;
	int dumpable;
	int flags_err;		/* stat flags of that thread around the op */
	uint32_t flags_before;
	uint32_t flags_after;
	uint32_t nrec;
	bool overflow;
	struct rec rec[MAX_REC];
};

/* A process that plays roles */
struct proc {
	pid_t pid;
	int chan;		/* our end of its command channel */
	bool root;
	bool dumpable;
	/*
	 * Sockets it opened, for a do and for dumps, in its main thread and
	 * in another
	 */
	int sock[2][2];
	int family;
};

struct tree {
	struct proc t;
	struct proc p;
};

/* Messages of one task, put together */
struct agg {
	uint32_t pid;
	unsigned int parts;
	uint32_t first_chunk;
	uint32_t nvmas;
	bool disagree;		/* parts with different withheld */
	bool bad;		/* malformed attributes */
	bool open;		/* the last part had cont */
	bool has_withheld;
	uint64_t withheld;
	bool has_stat;
	uint64_t stat_present;
	bool has_cred;
	uint32_t id[6];
	uint32_t base_flags;
	uint8_t state;
};

/* Where the roles of one request are played */
struct combo {
	int tree;
	int r, o, d;		/* enum pos of requester, opener, reader */
	bool dump;
	uint32_t strategy;
	uint64_t show;
};

/* ---------------------------------------------------------------------- */
/* The channel: a SOCK_SEQPACKET pair, with at most one fd per message */

static int chan_send(int chan, const void *buf, size_t len, int fd)
{
	if (fd < 0)
		return send(chan, buf, len, MSG_NOSIGNAL) == (ssize_t)len ?
		       0 : -EIO;
	return send_fd(chan, fd, buf, len);
}

/* Returns the length received; *fd is the fd passed, or -1 */
static ssize_t chan_recv(int chan, void *buf, size_t len, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	do {
		n = recvmsg(chan, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	cm = CMSG_FIRSTHDR(&mh);
	if (n >= 0 && cm && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

/* A reply of the right length: 0, or -EIO; *fd is the fd passed or -1 */
static int recv_reply(int chan, struct reply *r, int *fd)
{
	ssize_t n = chan_recv(chan, r, sizeof(*r), fd);

	if (n >= (ssize_t)offsetof(struct reply, rec) && r->nrec <= MAX_REC &&
	    (size_t)n == offsetof(struct reply, rec) +
			 r->nrec * sizeof(r->rec[0]))
		return 0;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return -EIO;
}

/* ---------------------------------------------------------------------- */
/* The processes' side */

/* The bytes of a reply worth sending */
static size_t reply_len(const struct reply *r)
{
	return offsetof(struct reply, rec) + r->nrec * sizeof(r->rec[0]);
}

struct job {
	int chan;
	struct cmd cmd;
	int fd;
	struct reply *r;
	struct td *td;
};

/* The stat flags (field 9) of the calling thread */
static int thread_flags(uint32_t *flags)
{
	struct proc_stat ps;
	int ret;

	ret = proc_read_stat("/proc/thread-self/stat", &ps);
	if (!ret)
		*flags = ps.flags;
	return ret;
}

static int rec_cb(const struct td_task *t, void *arg)
{
	struct job *j = arg;
	struct reply *r = j->r;
	struct rec *x;
	int i;

	if (r->nrec == MAX_REC) {
		r->overflow = true;
		return 0;
	}
	x = &r->rec[r->nrec++];
	x->pid = t->pid;
	x->tgid = t->tgid;
	x->chunk = j->td->stats.nrecv;
	x->nvmas = t->nvmas;
	x->has_withheld = t->has_withheld;
	x->withheld = t->withheld;
	x->has_stat = t->has_stat;
	x->stat_present = t->stat.present;
	x->has_base = t->has_base;
	x->base_flags = t->base.flags;
	x->state = t->base.state;
	x->cont = t->cont;
	x->bad = !t->has_pid || !t->has_tgid || t->bad_task || t->bad_base ||
		 t->bad_cred || t->bad_stat;
	x->has_cred = t->has_cred;
	for (i = 0; i < 6; i++)
		x->id[i] = t->cred.v[TASKDIAG_A_CRED_UID +
				     (i < 3 ? i : i + 1)];
	return 0;
}

static void job_run(struct job *j)
{
	struct reply *r = j->r;
	struct td *td = NULL;
	int fd = -1;

	r->pid = getpid();
	r->tid = syscall(SYS_gettid);
	switch (j->cmd.op) {
	case OP_OPEN:
		r->err = td_open(&td, SMALL_BUF, true);
		if (!r->err) {
			r->family = td->family;
			fd = td_fd(td);
		}
		break;
	case OP_REQUEST:
		r->err = td_open_fd(&td, dup(j->fd), j->cmd.family, 0,
				    SMALL_BUF, true);
		if (r->err)
			break;
		/* Nothing but the request between the two looks */
		r->flags_err = thread_flags(&r->flags_before);
		r->err = td_request(td, &j->cmd.req, NULL);
		r->flags_err |= thread_flags(&r->flags_after);
		r->seq = td->seq;
		break;
	case OP_READ:
		r->err = td_open_fd(&td, dup(j->fd), j->cmd.family,
				    j->cmd.seq, SMALL_BUF, true);
		if (r->err)
			break;
		j->td = td;
		r->flags_err = thread_flags(&r->flags_before);
		r->err = td_recv_all(td, rec_cb, j);
		r->flags_err |= thread_flags(&r->flags_after);
		memcpy(r->msg, td->err.msg, sizeof(r->msg));
		break;
	default:
		r->err = -EINVAL;
	}
	if (chan_send(j->chan, r, reply_len(r), fd))
		_exit(3);
	td_close(td);
}

static void *job_thread(void *arg)
{
	job_run(arg);
	return NULL;
}

/* Report ready, then run commands until the channel closes */
static __noreturn void actor_loop(int chan)
{
	struct job j = { .chan = chan };
	pthread_t th;

	j.r = calloc(1, sizeof(*j.r));
	if (!j.r)
		_exit(2);
	j.r->pid = getpid();
	j.r->ppid = getppid();
	j.r->uid = geteuid();
	j.r->dumpable = prctl(PR_GET_DUMPABLE);
	if (chan_send(chan, j.r, reply_len(j.r), -1))
		_exit(2);
	for (;;) {
		if (chan_recv(chan, &j.cmd, sizeof(j.cmd), &j.fd) !=
		    sizeof(j.cmd))
			_exit(0);
		memset(j.r, 0, offsetof(struct reply, rec));
		j.td = NULL;
		if (!j.cmd.in_thread) {
			job_run(&j);
		} else if (pthread_create(&th, NULL, job_thread, &j) ||
			   pthread_join(th, NULL)) {
			j.r->err = -EAGAIN;
			if (chan_send(chan, j.r, reply_len(j.r), -1))
				_exit(3);
		}
		if (j.fd >= 0)
			close(j.fd);
	}
}

/* In a new process: keep only the channel (fd chan) */
static void keep_only(int chan)
{
	if (chan > 3)
		syscall(SYS_close_range, 3, chan - 1, 0);
	syscall(SYS_close_range, chan + 1, ~0U, 0);
}

/* Die with the parent; set after any change of credentials */
static void die_with(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
}

/*
 * T: wait to be reparented to P (the subreaper), make the map several
 * parts long, set the dumpability and serve.
 */
static __noreturn void target_main(int chan, pid_t parent, bool dumpable)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m;
	int i;

	for (i = 0; getppid() != parent; i++) {
		if (i == 5000)
			_exit(1);
		usleep(1000);
	}
	die_with(parent);
	/* Every other page read-only: EXTRA_MAPS mappings */
	m = mmap(NULL, EXTRA_MAPS * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(1);
	for (i = 0; i < EXTRA_MAPS; i++) {
		m[i * pg] = 1;
		if (i % 2 && mprotect(m + i * pg, pg, PROT_READ))
			_exit(1);
	}
	if (prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0))
		_exit(1);
	actor_loop(chan);
}

/* ---------------------------------------------------------------------- */
/* The test's side */

static int ready(struct proc *p, struct reply *r)
{
	int fd;

	if (recv_reply(p->chan, r, &fd))
		return -EIO;
	if (fd >= 0)
		close(fd);
	if (r->pid != p->pid || r->uid != (p->root ? 0 : NOBODY) ||
	    r->dumpable != (p->dumpable ? 1 : 0))
		return -EINVAL;
	return 0;
}

/* An unrelated process, root or nobody */
static int spawn_other(struct proc *p, bool root, bool dumpable,
		       struct reply *r)
{
	pid_t parent = getpid();
	int sp[2];

	p->root = root;
	p->dumpable = dumpable;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return -errno;
	p->pid = fork();
	if (!p->pid) {
		keep_only(sp[1]);
		if (!root && drop_to_nobody())
			_exit(1);
		die_with(parent);
		if (prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0))
			_exit(1);
		actor_loop(sp[1]);
	}
	close(sp[1]);
	p->chan = sp[0];
	if (p->pid < 0)
		return -errno;
	return ready(p, r);
}

/*
 * Tree k. P, a subreaper, forks H, which takes T's credentials and forks
 * T, then exits: T is P's child, and T's main thread never changed
 * credentials (which would have set its PF_SUPERPRIV). Then P takes its
 * own credentials.
 */
static int spawn_tree(struct tree *tr, int k, struct reply *r)
{
	pid_t parent = getpid(), h;
	int ts[2], ps[2], fd;

	tr->t.root = TREE_T_ROOT(k);
	tr->t.dumpable = TREE_T_DUMP(k);
	tr->p.root = TREE_P_ROOT(k);
	tr->p.dumpable = TREE_P_DUMP(k);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ts))
		return -errno;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ps)) {
		close(ts[0]);
		close(ts[1]);
		return -errno;
	}
	tr->p.pid = fork();
	if (!tr->p.pid) {
		pid_t me = getpid();

		close(ts[0]);
		close(ps[0]);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1))
			_exit(1);
		die_with(parent);
		h = fork();
		if (!h) {
			keep_only(ts[1]);
			if (!tr->t.root && drop_to_nobody())
				_exit(1);
			if (!fork())
				target_main(ts[1], me, tr->t.dumpable);
			_exit(0);
		}
		close(ts[1]);
		if (h < 0 || waitpid(h, NULL, 0) != h)
			_exit(1);
		keep_only(ps[1]);
		if (!tr->p.root && drop_to_nobody())
			_exit(1);
		die_with(parent);
		if (prctl(PR_SET_DUMPABLE, tr->p.dumpable ? 1 : 0))
			_exit(1);
		actor_loop(ps[1]);
	}
	close(ts[1]);
	close(ps[1]);
	tr->t.chan = ts[0];
	tr->p.chan = ps[0];
	if (tr->p.pid < 0)
		return -errno;
	if (ready(&tr->p, r))
		return -EIO;
	/* T's pid comes with its ready message */
	tr->t.pid = -1;
	if (recv_reply(tr->t.chan, r, &fd))
		return -EIO;
	if (fd >= 0)
		close(fd);
	tr->t.pid = r->pid;
	if (r->ppid != tr->p.pid || r->uid != (tr->t.root ? 0 : NOBODY) ||
	    r->dumpable != (tr->t.dumpable ? 1 : 0))
		return -EINVAL;
	return 0;
}

FIXTURE(matrix) {
	struct tree tree[NR_TREES];
	struct proc xroot;
	struct proc xnobody;
	struct reply *r;	/* of the last operation */
	struct reply *req_r;	/* of the last request */
	unsigned int combos;
	unsigned int failed;
	unsigned int logged;
};

static void proc_init(struct proc *p)
{
	p->pid = 0;
	p->chan = -1;
	p->sock[0][0] = -1;
	p->sock[0][1] = -1;
	p->sock[1][0] = -1;
	p->sock[1][1] = -1;
}

static void proc_fini(struct proc *p)
{
	int i;

	if (p->chan >= 0)
		close(p->chan);
	for (i = 0; i < 4; i++)
		if (p->sock[i / 2][i % 2] >= 0)
			close(p->sock[i / 2][i % 2]);
	if (p->pid > 0)
		kill_wait(p->pid);
}

FIXTURE_SETUP(matrix)
{
	struct td *td;
	int k;

	/* Only to skip where there is no taskdiag family */
	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	ASSERT_EQ(0, geteuid()) TH_LOG("needs root");
	for (k = 0; k < NR_TREES; k++) {
		proc_init(&self->tree[k].t);
		proc_init(&self->tree[k].p);
	}
	proc_init(&self->xroot);
	proc_init(&self->xnobody);
	self->r = calloc(1, sizeof(*self->r));
	self->req_r = calloc(1, sizeof(*self->req_r));
	ASSERT_TRUE(self->r && self->req_r);
	ASSERT_EQ(0, spawn_other(&self->xroot, true, true, self->r));
	ASSERT_EQ(0, spawn_other(&self->xnobody, false, true, self->r));
	for (k = 0; k < NR_TREES; k++)
		ASSERT_EQ(0, spawn_tree(&self->tree[k], k, self->r))
			TH_LOG("tree %d", k);
}

FIXTURE_TEARDOWN(matrix)
{
	int k;

	/* T is P's child: P reaps it */
	for (k = 0; k < NR_TREES; k++) {
		proc_fini(&self->tree[k].t);
		proc_fini(&self->tree[k].p);
	}
	proc_fini(&self->xroot);
	proc_fini(&self->xnobody);
	free(self->r);
	free(self->req_r);
}

/* The process and thread of a role */
static struct proc *pos_proc(FIXTURE_DATA(matrix) *self, int k, int pos)
{
	switch (pos) {
	case POS_SELF:
	case POS_THREAD:
		return &self->tree[k].t;
	case POS_PARENT:
		return &self->tree[k].p;
	case POS_ROOT:
		return &self->xroot;
	default:
		return &self->xnobody;
	}
}

static bool pos_in_thread(int pos)
{
	return pos != POS_SELF;
}

/* The rule: PTRACE_MODE_READ_FSCREDS of root or nobody over a target */
static bool passes(bool cred_root, const struct proc *target)
{
	return cred_root || (!target->root && target->dumpable);
}

static int call(struct proc *p, const struct cmd *c, int fd, struct reply *r,
		int *rfd)
{
	int got = -1;

	if (chan_send(p->chan, c, sizeof(*c), fd) ||
	    recv_reply(p->chan, r, &got))
		return -EIO;
	if (rfd)
		*rfd = got;
	else if (got >= 0)
		close(got);
	return 0;
}

/*
 * The socket that p opened (in its main thread or another). A socket is
 * used for one kind of request only, so that a do's large reply does not
 * make the parts of later dumps larger.
 */
static int opener_socket(struct proc *p, bool dump, bool in_thread,
			 int *family)
{
	struct cmd c = { .op = OP_OPEN, .in_thread = in_thread };
	struct reply *r;
	int *s = &p->sock[dump][in_thread];

	if (*s >= 0) {
		*family = p->family;
		return *s;
	}
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (call(p, &c, -1, r, s) || r->err || *s < 0) {
		if (*s >= 0)
			close(*s);
		*s = -1;
		free(r);
		return -EIO;
	}
	p->family = r->family;
	*family = r->family;
	free(r);
	return *s;
}

static void describe(char *buf, size_t len, const struct combo *c)
{
	const char *req = !c->dump ? "do" :
			  c->strategy == TASKDIAG_DUMP_STRATEGY_ONE ? "one" :
								       "all";

	snprintf(buf, len,
		 "%s show %#llx, tree %d (T %s %s, P %s): requester %s, opener %s, reader %s",
		 req, (unsigned long long)c->show, c->tree,
		 TREE_T_ROOT(c->tree) ? "root" : "nobody",
		 TREE_T_DUMP(c->tree) ? "dumpable" : "non-dumpable",
		 TREE_P_ROOT(c->tree) ? "root" : "nobody",
		 pos_name[c->r], pos_name[c->o], pos_name[c->d]);
}

/* Log the first failures of a test in full */
#define FAIL(fmt, ...) do {						\
	if (self->logged++ < MAX_LOG)					\
		TH_LOG("%s: " fmt, what, ##__VA_ARGS__);		\
	bad++;								\
} while (0)

/* Put the messages of the reply together per task */
static int aggregate(const struct reply *r, struct agg *a, size_t max)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < r->nrec; i++) {
		const struct rec *x = &r->rec[i];
		struct agg *t = n ? &a[n - 1] : NULL;

		if (!t || !t->open) {
			if (n == max)
				return -ENOSPC;
			t = &a[n++];
			memset(t, 0, sizeof(*t));
			t->pid = x->pid;
			t->first_chunk = x->chunk;
			t->has_withheld = x->has_withheld;
			t->withheld = x->withheld;
		} else if (x->pid != t->pid) {
			return -EPROTO;
		}
		t->parts++;
		t->open = x->cont;
		t->nvmas += x->nvmas;
		t->bad |= x->bad || x->pid != x->tgid;
		if (x->has_withheld != t->has_withheld ||
		    x->withheld != t->withheld)
			t->disagree = true;
		if (x->has_stat) {
			t->has_stat = true;
			t->stat_present |= x->stat_present;
		}
		if (x->has_cred) {
			t->has_cred = true;
			memcpy(t->id, x->id, sizeof(t->id));
		}
		if (x->has_base) {
			t->base_flags = x->base_flags;
			t->state = x->state;
		}
	}
	return n && a[n - 1].open ? -EPROTO : (int)n;
}

static const struct agg *agg_find(const struct agg *a, int n, uint32_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i].pid == pid)
			return &a[i];
	return NULL;
}

/*
 * Check one task against the groups it must withhold. full: also check
 * that what is not withheld is all there (with at least min_vmas
 * mappings).
 */
static int check_task(struct __test_metadata *_metadata,
		      FIXTURE_DATA(matrix) *self, const char *what,
		      const char *who, const struct agg *t, uint64_t show,
		      uint64_t want, bool full, uint32_t min_vmas)
{
	int bad = 0;

	if (t->disagree)
		FAIL("%s (pid %u): its %u parts disagree on withheld", who,
		     t->pid, t->parts);
	if (t->bad)
		FAIL("%s (pid %u): malformed message", who, t->pid);
	if (t->has_withheld != !!want || t->withheld != want)
		FAIL("%s (pid %u): withheld %#llx%s, want %#llx (%u mappings, io %s)",
		     who, t->pid, (unsigned long long)t->withheld,
		     t->has_withheld ? "" : " (absent)",
		     (unsigned long long)want, t->nvmas,
		     t->stat_present & TD_STAT_PROTECTED ? "shown" : "absent");
	if ((want & G(VMA)) && t->nvmas)
		FAIL("%s (pid %u): %u mappings despite vma withheld", who,
		     t->pid, t->nvmas);
	if (full && (show & G(VMA)) && !(want & G(VMA)) && t->nvmas < min_vmas)
		FAIL("%s (pid %u): %u mappings, want at least %u", who, t->pid,
		     t->nvmas, min_vmas);
	if (!(show & G(STAT)))
		return bad;
	if (!t->has_stat) {
		FAIL("%s (pid %u): no stat group", who, t->pid);
		return bad;
	}
	if ((want & G(STAT)) && (t->stat_present & TD_STAT_PROTECTED))
		FAIL("%s (pid %u): io counters %#llx despite stat withheld",
		     who, t->pid,
		     (unsigned long long)(t->stat_present & TD_STAT_PROTECTED));
	if (full && (t->stat_present & TD_STAT_ALWAYS) != TD_STAT_ALWAYS)
		FAIL("%s (pid %u): public stat %#llx, want %#llx", who, t->pid,
		     (unsigned long long)t->stat_present,
		     (unsigned long long)TD_STAT_ALWAYS);
	/*
	 * The protected counters are left out when 0, but every target is
	 * alive and has waited for a CPU: cpu-delay-count is not 0
	 * (CONFIG_TASK_DELAY_ACCT, in config, counts it without
	 * task_delayacct).
	 */
	if (full && !(want & G(STAT)) &&
	    !(t->stat_present & (1ULL << TASKDIAG_A_STAT_CPU_DELAY_COUNT)))
		FAIL("%s (pid %u): no cpu-delay-count, stat not withheld (%#llx)",
		     who, t->pid,
		     (unsigned long long)(t->stat_present & TD_STAT_PROTECTED));
	return bad;
}

/* Groups withheld for a controlled process by the rule */
static uint64_t want_for(const struct proc *req, const struct proc *opener,
			 const struct proc *target, uint64_t show)
{
	if (passes(req->root, target) && passes(opener->root, target))
		return 0;
	return show & SHOW_PROTECTED;
}

/* A role's thread: right place, and no PF_SUPERPRIV from the request */
static int check_flags(struct __test_metadata *_metadata,
		       FIXTURE_DATA(matrix) *self, const char *what,
		       const char *role, int pos, const struct proc *p,
		       const struct reply *r)
{
	bool in_thread = r->tid != r->pid;
	int bad = 0;

	if (r->pid != p->pid || in_thread != pos_in_thread(pos))
		FAIL("%s ran in %d/%d, not in %s of %d", role, r->pid, r->tid,
		     pos_in_thread(pos) ? "a thread" : "the main thread",
		     p->pid);
	if (r->flags_err) {
		FAIL("%s: reading its stat flags failed", role);
		return bad;
	}
	if (r->flags_before & PF_SUPERPRIV_)
		FAIL("%s (tid %d): PF_SUPERPRIV set before (flags %#x): an earlier request set it",
		     role, r->tid, r->flags_before);
	else if (r->flags_after & PF_SUPERPRIV_)
		FAIL("%s (tid %d): the request set PF_SUPERPRIV (flags %#x -> %#x)",
		     role, r->tid, r->flags_before, r->flags_after);
	return bad;
}

/* Whether the task of pid has exited since: gone, or a zombie */
static bool exited_since(uint32_t pid)
{
	char path[64], buf[512], *state;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	state = strrchr(buf, ')');
	return state && (state[2] == 'Z' || state[2] == 'X');
}

/*
 * Whether a task had no map to withhold when its message was made: a
 * kernel thread, or one that had let its map go on its way out before
 * the access check (processes of others come and go), as
 * /proc/PID/maps, empty then for anyone, shows it. Checked after its
 * map, it is withheld as any other's.
 */
static bool mapless(const struct agg *t)
{
	if (t->base_flags & TASKDIAG_TASK_FLAGS_KTHREAD)
		return true;
	return !t->nvmas && !(t->withheld & (G(VMA) | G(VMA_STAT))) &&
	       ((t->base_flags & TASKDIAG_TASK_FLAGS_EXITING) ||
		exited_since(t->pid));
}

/*
 * The tasks of an all dump that are not ours: a check of root or nobody
 * over a task of root (all ids 0) passes for root only, with nothing to
 * withhold of the map of a kernel thread, a zombie or a task on its way
 * out; for root, nothing of anybody is withheld.
 */
static int check_others(struct __test_metadata *_metadata,
			FIXTURE_DATA(matrix) *self, const char *what,
			const struct agg *a, int n, const struct proc *req,
			const struct proc *opener, uint64_t show,
			const struct agg **mine, int nmine)
{
	bool allowed = req->root && opener->root;
	int i, j, bad = 0;
	uint64_t want;
	char who[64];

	for (i = 0; i < n; i++) {
		const struct agg *t = &a[i];
		bool root_ids = t->has_cred;

		for (j = 0; j < nmine && mine[j] != t; j++)
			;
		if (j < nmine)
			continue;
		if (!t->has_cred) {
			FAIL("pid %u: no cred group", t->pid);
			continue;
		}
		for (j = 0; j < 6; j++)
			root_ids &= !t->id[j];
		if (!allowed && !root_ids)
			continue;
		if (t->state == TASKDIAG_TASK_STATE_ZOMBIE ||
		    t->state == TASKDIAG_TASK_STATE_DEAD)
			continue;
		want = allowed ? 0 : show & SHOW_PROTECTED;
		if (mapless(t))
			want &= ~(G(VMA) | G(VMA_STAT));
		snprintf(who, sizeof(who), "task of uid %u", t->id[0]);
		bad += check_task(_metadata, self, what, who, t, show, want,
				  false, 0);
	}
	return bad;
}

static int run_combo(struct __test_metadata *_metadata,
		     FIXTURE_DATA(matrix) *self, const struct combo *c)
{
	struct proc *rp = pos_proc(self, c->tree, c->r);
	struct proc *op = pos_proc(self, c->tree, c->o);
	struct proc *dp = pos_proc(self, c->tree, c->d);
	struct tree *tr = &self->tree[c->tree];
	struct cmd cmd = {};
	struct agg *a = NULL;
	const struct agg *mine[2 * NR_TREES + 2];
	struct reply *r = self->r;
	int fd, family, n, k, bad = 0;
	char what[256], who[64];

	describe(what, sizeof(what), c);
	self->combos++;
	fd = opener_socket(op, c->dump, pos_in_thread(c->o), &family);
	if (fd < 0) {
		FAIL("the opener could not open a socket");
		goto out;
	}
	cmd.op = OP_REQUEST;
	cmd.in_thread = pos_in_thread(c->r);
	cmd.family = family;
	cmd.req.dump = c->dump;
	cmd.req.has_show_flags = true;
	cmd.req.show_flags = c->show;
	if (c->dump) {
		cmd.req.has_strategy = true;
		cmd.req.strategy = c->strategy;
	}
	if (!c->dump || c->strategy == TASKDIAG_DUMP_STRATEGY_ONE) {
		cmd.req.has_pid = true;
		cmd.req.pid = tr->t.pid;
	}
	if (call(rp, &cmd, fd, self->req_r, NULL) || self->req_r->err) {
		FAIL("request failed: %s", strerror(-self->req_r->err));
		goto out;
	}
	bad += check_flags(_metadata, self, what, "requester", c->r, rp,
			   self->req_r);

	memset(&cmd, 0, sizeof(cmd));
	cmd.op = OP_READ;
	cmd.in_thread = pos_in_thread(c->d);
	cmd.family = family;
	cmd.seq = self->req_r->seq;
	if (call(dp, &cmd, fd, r, NULL) || r->err) {
		FAIL("reading failed: %s, \"%s\"", strerror(-r->err), r->msg);
		goto out;
	}
	bad += check_flags(_metadata, self, what, "reader", c->d, dp, r);
	if (r->overflow) {
		FAIL("more than %d messages", MAX_REC);
		goto out;
	}
	a = calloc(r->nrec ?: 1, sizeof(*a));
	if (!a) {
		FAIL("no memory");
		goto out;
	}
	n = aggregate(r, a, r->nrec);
	if (n < 0) {
		FAIL("the parts of a task do not fit together");
		goto out;
	}

	if (!c->dump || c->strategy == TASKDIAG_DUMP_STRATEGY_ONE) {
		uint64_t want = want_for(rp, op, &tr->t, c->show);

		if (n != 1 || a[0].pid != (uint32_t)tr->t.pid) {
			FAIL("%d tasks, want T (pid %d) only", n, tr->t.pid);
			goto out;
		}
		bad += check_task(_metadata, self, what, "T", &a[0], c->show,
				  want, true, EXTRA_MAPS);
		/*
		 * The parts after the first were built in the reader's
		 * recvmsg(): there must have been some.
		 */
		if (c->dump && !want && (c->show & G(VMA_STAT)) &&
		    a[0].parts < 2)
			FAIL("T came in %u part: the reader built none",
			     a[0].parts);
		goto out;
	}

	/* all: every process of every tree, and the others */
	for (k = 0; k < 2 * NR_TREES + 2; k++) {
		const struct proc *p;
		uint32_t min_vmas = 1;

		if (k < 2 * NR_TREES) {
			p = k % 2 ? &self->tree[k / 2].p : &self->tree[k / 2].t;
			snprintf(who, sizeof(who), "%s of tree %d",
				 k % 2 ? "P" : "T", k / 2);
			if (!(k % 2))
				min_vmas = EXTRA_MAPS;
		} else {
			p = k == 2 * NR_TREES ? &self->xroot : &self->xnobody;
			snprintf(who, sizeof(who), "%s",
				 pos_name[k == 2 * NR_TREES ? POS_ROOT :
							      POS_NOBODY]);
		}
		mine[k] = agg_find(a, n, p->pid);
		if (!mine[k]) {
			FAIL("%s (pid %d) missing", who, p->pid);
			continue;
		}
		bad += check_task(_metadata, self, what, who, mine[k], c->show,
				  want_for(rp, op, p, c->show), true,
				  min_vmas);
		/* The reader's own process must come in a part it built */
		if (p == dp && mine[k]->first_chunk < 2)
			FAIL("the reader's process (pid %d) came in the requester's part",
			     p->pid);
	}
	bad += check_others(_metadata, self, what, a, n, rp, op, c->show,
			    mine, 2 * NR_TREES + 2);
out:
	free(a);
	if (bad)
		self->failed++;
	return bad;
}

static const uint64_t do_shows[] = {
	SHOW_FULL,
	G(BASE) | G(STAT),
	G(BASE) | G(VMA),
	G(BASE) | G(CRED) | G(STAT) | G(VMA),
};

static void summary(struct __test_metadata *_metadata,
		    FIXTURE_DATA(matrix) *self)
{
	EXPECT_EQ(0, self->failed)
		TH_LOG("%u of %u combinations failed (%u failures logged of %u)",
		       self->failed, self->combos,
		       self->logged < MAX_LOG ? self->logged : MAX_LOG,
		       self->logged);
	ASSERT_LT(0, self->combos);
}

/*
 * Trees 4 to 7 differ from trees 0 to 3 only in P: a combination in which
 * no role is played in P was run with the tree of the same T already.
 */
static bool worth_running(int tree, int r, int o, int d)
{
	return tree < NR_TREES / 2 ||
	       r == POS_PARENT || o == POS_PARENT || d == POS_PARENT;
}

/*
 * A do: its reply is built in the requester's sendmsg(), the opener reads
 * it. Every requester and opener position, every tree, the shows of
 * do_shows in turn.
 */
TEST_F_TIMEOUT(matrix, do_cmd, 120)
{
	struct combo c = { .dump = false };
	int i = 0;

	for (c.tree = 0; c.tree < NR_TREES; c.tree++)
		for (c.r = 0; c.r < NR_POS; c.r++)
			for (c.o = 0; c.o < NR_POS; c.o++) {
				c.d = c.o;
				if (!worth_running(c.tree, c.r, c.o, c.d))
					continue;
				c.show = do_shows[i++ % ARRAY_SIZE(do_shows)];
				run_combo(_metadata, self, &c);
			}
	summary(_metadata, self);
}

/*
 * A dump of strategy one of T, whose map takes several parts: the first
 * is built by the requester, the others by the reader. Every requester
 * and opener position, each pair with two reader positions taken from two
 * orthogonal Latin squares (so that every pair of positions of any two
 * roles comes twice per tree), every tree.
 */
TEST_F_TIMEOUT(matrix, dump_one, 120)
{
	struct combo c = {
		.dump = true,
		.strategy = TASKDIAG_DUMP_STRATEGY_ONE,
	};
	int sq;

	for (c.tree = 0; c.tree < NR_TREES; c.tree++)
		for (c.r = 0; c.r < NR_POS; c.r++)
			for (c.o = 0; c.o < NR_POS; c.o++)
				for (sq = 1; sq <= 2; sq++) {
					c.d = (c.r + sq * c.o + c.tree + sq) %
					      NR_POS;
					if (!worth_running(c.tree, c.r, c.o,
							   c.d))
						continue;
					/* With and without stat */
					c.show = sq == 1 ? SHOW_FULL :
						 G(BASE) | G(VMA) |
						 G(VMA_STAT);
					run_combo(_metadata, self, &c);
				}
	summary(_metadata, self);
}

/*
 * A dump of all in parts of about 5 KiB: the processes of the trees come
 * after the first part, in parts built by the reader. Every reader
 * position, with a requester and an opener of each pair of credentials
 * unrelated to the trees, and as the reader (the reader's process asked
 * and opened); each dump checks every process of every tree, and every
 * task of root.
 */
TEST_F_TIMEOUT(matrix, dump_all, 120)
{
	static const int ro[][2] = {
		{ POS_NOBODY, POS_NOBODY },
		{ POS_ROOT, POS_NOBODY },
		{ POS_NOBODY, POS_ROOT },
		{ POS_ROOT, POS_ROOT },
		{ -1, -1 },	/* the reader's */
	};
	struct combo c = {
		.dump = true,
		.strategy = TASKDIAG_DUMP_STRATEGY_ALL,
	};
	int v;

	for (c.tree = 0; c.tree < NR_TREES; c.tree++)
		for (c.d = 0; c.d < NR_POS; c.d++) {
			/* The unrelated processes read once */
			if (c.d >= POS_ROOT && c.tree)
				continue;
			if (!worth_running(c.tree, c.d, c.d, c.d))
				continue;
			for (v = 0; v < (int)ARRAY_SIZE(ro); v++) {
				c.r = ro[v][0] < 0 ? c.d : ro[v][0];
				c.o = ro[v][1] < 0 ? c.d : ro[v][1];
				c.show = v == 1 ? SHOW_FULL & ~G(VMA_STAT) :
					 SHOW_FULL;
				run_combo(_metadata, self, &c);
			}
		}
	summary(_metadata, self);
}

/*
 * The writer case: a root, non-dumpable process sends a do, then a dump of
 * one, for itself on a socket that nobody opened, and nobody reads the
 * reply. nobody may not see that process's map or io.
 */
TEST_F(matrix, writer)
{
	/* Tree 0: T root, non-dumpable */
	struct combo c = {
		.tree = 0,
		.r = POS_SELF,
		.o = POS_NOBODY,
		.d = POS_NOBODY,
		.show = SHOW_FULL,
	};

	ASSERT_TRUE(TREE_T_ROOT(c.tree) && !TREE_T_DUMP(c.tree));
	run_combo(_metadata, self, &c);
	c.dump = true;
	c.strategy = TASKDIAG_DUMP_STRATEGY_ONE;
	run_combo(_metadata, self, &c);
	c.r = POS_THREAD;
	run_combo(_metadata, self, &c);
	summary(_metadata, self);
}

/*
 * The reader case: nobody opens a socket and starts a dump of all, a root
 * non-dumpable process reads on. Its own entry, built while it reads,
 * withholds as much as its parent's; and the reading leaves no
 * PF_SUPERPRIV on it, nor on a nobody reader of a dump root started.
 */
TEST_F(matrix, reader)
{
	struct combo c = {
		.tree = 0,
		.r = POS_NOBODY,
		.o = POS_NOBODY,
		.d = POS_SELF,
		.dump = true,
		.strategy = TASKDIAG_DUMP_STRATEGY_ALL,
		.show = SHOW_FULL,
	};

	ASSERT_TRUE(TREE_T_ROOT(c.tree) && !TREE_T_DUMP(c.tree));
	run_combo(_metadata, self, &c);
	c.d = POS_THREAD;
	run_combo(_metadata, self, &c);
	/* root's dump read by nobody: every nobody target needs a capability */
	c.r = POS_ROOT;
	c.o = POS_ROOT;
	c.d = POS_NOBODY;
	run_combo(_metadata, self, &c);
	summary(_metadata, self);
}

TEST_HARNESS_MAIN
