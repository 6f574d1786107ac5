// SPDX-License-Identifier: GPL-2.0
/*
 * Pid namespaces: a request walks the namespace of the process whose pid it
 * carries in SCM_CREDENTIALS, and reports numbers of that namespace, 0 for
 * related tasks outside of it. Only a sender allowed to claim another pid
 * gets another namespace's view; a requester inside the namespace sees the
 * same as one outside that claims the namespace's init.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

/* Pids in the namespace, as its init made them */
struct layout {
	pid_t a;	/* child of init, 3 threads, init's (outside) session */
	pid_t b;	/* child of init, session leader */
	pid_t g;	/* child of b, 2 threads */
};

FIXTURE(pidns) {
	struct td *td;
	pid_t init;		/* the namespace's init, outer pid */
	int cmd, res;		/* pipes to and from it */
	struct layout in;	/* inner pids */
	struct layout out;	/* outer pids of the same tasks */
	char proc[64];		/* the namespace's /proc, from outside */
	struct ucred creds;	/* SCM_CREDENTIALS that claim the init */
};

/* Send a list of replies over a pipe: the result, a count, the tasks */
static int send_tasks(int fd, int ret, const struct tasklist *l)
{
	uint32_t n = l->n;

	if (write_full(fd, &ret, sizeof(ret)) ||
	    write_full(fd, &n, sizeof(n)))
		return -EIO;
	return write_full(fd, l->v, n * sizeof(*l->v));
}

static int recv_tasks(int fd, int *ret, struct tasklist *l)
{
	struct td_task t;
	uint32_t n;

	if (read_full(fd, ret, sizeof(*ret)) || read_full(fd, &n, sizeof(n)))
		return -EIO;
	while (n--) {
		if (read_full(fd, &t, sizeof(t)) || tl_add_cb(&t, l))
			return -EIO;
	}
	return 0;
}

/*
 * A child of the namespace's init that becomes nobody and dumps all with a
 * socket of its own, without SCM_CREDENTIALS and claiming its own pid,
 * then tries to claim the init's: it reports its pid, both dumps and the
 * errno of the claim.
 */
static void ns_nobody(int res)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	struct ucred c = { .uid = NOBODY, .gid = NOBODY };
	pid_t me = getpid();
	struct td *td;
	int i, ret;

	if (drop_to_nobody() || td_open(&td, 0, true) ||
	    write_full(res, &me, sizeof(me)))
		_exit(1);
	for (i = 0; i < 2; i++) {
		struct tasklist l = {};

		c.pid = me;
		ret = td_run(td, &req, i ? &c : NULL, tl_add_cb, &l);
		if (send_tasks(res, ret, &l))
			_exit(1);
		tl_free(&l);
	}
	c.pid = 1;
	ret = td_request(td, &req, &c);
	if (!ret)
		td_recv_all(td, NULL, NULL);
	_exit(write_full(res, &ret, sizeof(ret)) ? 1 : 0);
}

/*
 * The namespace's init: make the layout, report it, then on 'D' dump
 * all-thread and all with a socket of its own, on 'N' run ns_nobody() and
 * reap it, until 'Q' or EOF.
 */
static void ns_init(int cmd, int res)
{
	struct layout in;
	int fds[2];
	char c;

	in.a = spawn_sleeper(3, NULL);
	if (in.a < 0 || pipe(fds))
		_exit(1);
	in.b = fork();
	if (!in.b) {
		pid_t g;

		if (setsid() < 0)
			_exit(1);
		g = spawn_sleeper(2, NULL);
		if (write_full(fds[1], &g, sizeof(g)))
			_exit(1);
		for (;;)
			pause();
	}
	if (in.b < 0 || read_full(fds[0], &in.g, sizeof(in.g)) || in.g < 0 ||
	    write_full(res, &in, sizeof(in)))
		_exit(1);

	while (read(cmd, &c, 1) == 1 && (c == 'D' || c == 'N')) {
		uint32_t s[] = { TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
				 TASKDIAG_DUMP_STRATEGY_ALL };
		struct td *td;
		pid_t pid;
		int i;

		if (c == 'N') {
			pid = fork();
			if (!pid)
				ns_nobody(res);
			/* Gone from the namespace when the reply ends */
			if (pid < 0 || waitpid(pid, NULL, 0) != pid ||
			    write_full(res, "R", 1))
				_exit(1);
			continue;
		}
		if (td_open(&td, 0, true))
			_exit(1);
		for (i = 0; i < 2; i++) {
			struct td_req req = td_dump_req(s[i], 0);
			struct tasklist l = {};
			int ret;

			ret = td_run(td, &req, NULL, tl_add_cb, &l);
			if (send_tasks(res, ret, &l))
				_exit(1);
			tl_free(&l);
		}
		td_close(td);
	}
	_exit(0);
}

/* The last number of the NSpid line: the pid in the task's own namespace */
static pid_t inner_pid(pid_t outer)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", outer);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return -1;
	p = strchr(p + 1, '\n');
	if (!p)
		return -1;
	while (p[-1] >= '0' && p[-1] <= '9')
		p--;
	return atoi(p);
}

FIXTURE_SETUP(pidns)
{
	int cmd[2], res[2];
	struct pidlist kids = {};
	size_t i;

	TD_OPEN_OR_SKIP(&self->td, 0, true);
	ASSERT_EQ(0, pipe2(cmd, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(res, O_CLOEXEC));
	self->init = fork_pidns_init();
	ASSERT_GE(self->init, 0);
	if (!self->init) {
		close(cmd[1]);
		close(res[0]);
		ns_init(cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	self->cmd = cmd[1];
	self->res = res[0];
	ASSERT_EQ(0, read_full(self->res, &self->in, sizeof(self->in)));
	snprintf(self->proc, sizeof(self->proc), "/proc/%d/root/proc",
		 self->init);

	/* Outer pids: the init's children, then b's */
	ASSERT_EQ(0, proc_children("/proc", self->init, &kids));
	ASSERT_EQ(2, kids.n);
	for (i = 0; i < kids.n; i++) {
		pid_t in = inner_pid(kids.v[i]);

		if (in == self->in.a)
			self->out.a = kids.v[i];
		else if (in == self->in.b)
			self->out.b = kids.v[i];
	}
	ASSERT_GT(self->out.a, 0);
	ASSERT_GT(self->out.b, 0);
	kids.n = 0;
	ASSERT_EQ(0, proc_children("/proc", self->out.b, &kids));
	ASSERT_EQ(1, kids.n);
	self->out.g = kids.v[0];
	ASSERT_EQ(self->in.g, inner_pid(self->out.g));
	pl_free(&kids);
	/* All asleep before states are compared */
	ASSERT_EQ(0, wait_sleeping("/proc", self->init));
	ASSERT_EQ(0, wait_sleeping("/proc", self->out.a));
	ASSERT_EQ(0, wait_sleeping("/proc", self->out.b));
	ASSERT_EQ(0, wait_sleeping("/proc", self->out.g));

	self->creds = (struct ucred){ .pid = self->init, .uid = 0, .gid = 0 };
}

FIXTURE_TEARDOWN(pidns)
{
	if (self->cmd > 0)
		close(self->cmd);	/* EOF: the init exits */
	if (self->init > 0)
		kill(self->init, SIGKILL);
	/*
	 * The init waits for every task of its namespace to be reaped, a
	 * task traced from here included: reap what we trace, and the init.
	 */
	while (waitpid(-1, NULL, __WALL) > 0)
		;
	td_close(self->td);
}

/* A dump in the namespace's view, compared with its /proc */
static void check_scm_dump(struct __test_metadata *_metadata,
			   FIXTURE_DATA(pidns) *self, uint32_t strategy,
			   uint32_t pid, const struct pidlist *want,
			   struct tasklist *l)
{
	struct td_req req = td_dump_req(strategy, pid);
	struct pidlist got = {};
	char why[512];
	size_t i;
	int ret;

	ret = td_run(self->td, &req, &self->creds, tl_add_cb, l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(0, tl_pids(l, &got));
	EXPECT_TRUE(pl_ascending(&got));
	ASSERT_EQ(want->n, got.n)
		TH_LOG("%s %u: %zu tasks, the namespace's /proc has %zu",
		       td_strategy_name(strategy), pid, got.n, want->n);
	for (i = 0; i < got.n; i++) {
		EXPECT_EQ(want->v[i], got.v[i]);
		/* Everything is asleep; pid-ino is checked from outside */
		ret = td_cmp_proc(&l->v[i], self->proc, TDC_STATE | TDC_STATUS,
				  why, sizeof(why));
		EXPECT_EQ(0, ret) TH_LOG("%s", ret > 0 ? why : strerror(-ret));
	}
	pl_free(&got);
}

static const struct td_task *find(struct __test_metadata *_metadata,
				  const struct tasklist *l, pid_t pid)
{
	const struct td_task *t = tl_find(l, pid);

	EXPECT_NE(NULL, t) TH_LOG("pid %d not in the reply", pid);
	return t;
}

/* The view of the namespace from outside, by the pid of its init */
TEST_F_TIMEOUT(pidns, scm_view, 120)
{
	struct pidlist want = {};
	struct tasklist l = {}, o = {};
	const struct td_task *t;
	struct td_req req;
	pid_t outer[] = { self->out.a, self->out.b, self->out.g };
	pid_t inner[] = { self->in.a, self->in.b, self->in.g };
	size_t i;
	int ret;

	ASSERT_EQ(0, proc_tgids(self->proc, &want));
	ASSERT_EQ(4, want.n);
	check_scm_dump(_metadata, self, TASKDIAG_DUMP_STRATEGY_ALL, 0, &want,
		       &l);

	/* Relations inside, 0 for those outside */
	t = find(_metadata, &l, 1);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, t->base.ppid);
	EXPECT_EQ(0, t->base.sid);
	EXPECT_EQ(0, t->base.pgid);
	t = find(_metadata, &l, self->in.a);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, t->base.ppid);
	EXPECT_EQ(0, t->base.sid);
	EXPECT_EQ(0, t->base.pgid);
	t = find(_metadata, &l, self->in.b);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, t->base.ppid);
	EXPECT_EQ(self->in.b, t->base.sid);
	EXPECT_EQ(self->in.b, t->base.pgid);
	t = find(_metadata, &l, self->in.g);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(self->in.b, t->base.ppid);
	EXPECT_EQ(self->in.b, t->base.sid);
	EXPECT_EQ(self->in.b, t->base.pgid);

	/* The same tasks as the outer view shows them: same identity */
	for (i = 0; i < 3; i++) {
		uint64_t ino;

		req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, outer[i]);
		ret = td_run(self->td, &req, NULL, tl_add_cb, &o);
		ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
		ASSERT_EQ(i + 1, o.n);
		t = find(_metadata, &l, inner[i]);
		ASSERT_NE(NULL, t);
		EXPECT_EQ(outer[i], o.v[i].pid);
		EXPECT_EQ(o.v[i].base.pid_ino, t->base.pid_ino);
		EXPECT_EQ(o.v[i].base.start_time, t->base.start_time);
		EXPECT_STREQ(o.v[i].base.comm, t->base.comm);
		ASSERT_EQ(0, pid_ino(outer[i], false, &ino));
		EXPECT_EQ(ino, t->base.pid_ino);
	}
	tl_free(&l);
	tl_free(&o);

	/* Every thread of the namespace, and no other */
	pl_free(&want);
	ASSERT_EQ(0, proc_all_tids(self->proc, &want));
	ASSERT_EQ(1 + 3 + 1 + 2, want.n);
	check_scm_dump(_metadata, self, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0,
		       &want, &l);
	tl_free(&l);

	/* The other strategies take pids of the namespace */
	pl_free(&want);
	ASSERT_EQ(0, proc_children(self->proc, 1, &want));
	ASSERT_EQ(2, want.n);
	check_scm_dump(_metadata, self, TASKDIAG_DUMP_STRATEGY_CHILDREN, 1,
		       &want, &l);
	tl_free(&l);
	pl_free(&want);
	ASSERT_EQ(0, proc_tids(self->proc, self->in.a, &want));
	ASSERT_EQ(3, want.n);
	check_scm_dump(_metadata, self, TASKDIAG_DUMP_STRATEGY_THREAD,
		       self->in.a, &want, &l);
	tl_free(&l);
	pl_free(&want);
	ASSERT_EQ(0, pl_add(&want, self->in.g));
	check_scm_dump(_metadata, self, TASKDIAG_DUMP_STRATEGY_ONE, self->in.g,
		       &want, &l);
	tl_free(&l);
	pl_free(&want);

	/* An outer number means nothing inside (inner pids are small) */
	ASSERT_LT(self->in.g, self->out.g);
	req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, self->out.g);
	ret = td_run(self->td, &req, &self->creds, tl_add_cb, &l);
	EXPECT_EQ(-ESRCH, ret);
	EXPECT_EQ(0, l.n);
	tl_free(&l);
}

/* A tracer outside the namespace reads 0 inside, its pid outside */
TEST_F_TIMEOUT(pidns, tracer_outside, 120)
{
	struct td_req req;
	struct tasklist l = {};
	char why[512];
	int ret;

	ASSERT_EQ(0, ptrace(PTRACE_SEIZE, self->out.a, 0, 0));

	req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, self->out.a);
	ret = td_run(self->td, &req, NULL, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, self->in.a);
	ret = td_run(self->td, &req, &self->creds, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(2, l.n);
	EXPECT_EQ(getpid(), l.v[0].base.tpid);
	EXPECT_EQ(self->init, l.v[0].base.ppid);
	EXPECT_EQ(0, td_cmp_proc(&l.v[0], "/proc", TDC_ALL, why,
				 sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_EQ(self->in.a, l.v[1].pid);
	EXPECT_EQ(0, l.v[1].base.tpid);
	EXPECT_EQ(1, l.v[1].base.ppid);
	EXPECT_EQ(0, td_cmp_proc(&l.v[1], self->proc, TDC_STATE | TDC_STATUS,
				 why, sizeof(why)))
		TH_LOG("%s", why);
	tl_free(&l);
}

/* A requester inside the namespace sees what the outer view shows */
TEST_F_TIMEOUT(pidns, inside_view, 120)
{
	uint32_t s[] = { TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
			 TASKDIAG_DUMP_STRATEGY_ALL };
	struct tasklist in = {}, out = {};
	int i, ret, in_ret;
	size_t j;

	ASSERT_EQ(1, write(self->cmd, "D", 1));
	for (i = 0; i < 2; i++) {
		struct td_req req = td_dump_req(s[i], 0);

		ASSERT_EQ(0, recv_tasks(self->res, &in_ret, &in));
		ASSERT_EQ(0, in_ret);
		/* The init is asleep on its pipe again: ask from outside */
		ret = td_run(self->td, &req, &self->creds, tl_add_cb, &out);
		ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
		ASSERT_EQ(out.n, in.n);
		for (j = 0; j < in.n; j++) {
			const struct td_task *x = &in.v[j], *y = &out.v[j];

			ASSERT_EQ(x->pid, y->pid);
			EXPECT_EQ(x->tgid, y->tgid);
			EXPECT_EQ(x->base.ppid, y->base.ppid);
			EXPECT_EQ(x->base.pgid, y->base.pgid);
			EXPECT_EQ(x->base.sid, y->base.sid);
			EXPECT_EQ(x->base.tpid, y->base.tpid);
			EXPECT_STREQ(x->base.comm, y->base.comm);
			EXPECT_EQ(x->base.start_time, y->base.start_time);
			EXPECT_EQ(x->base.flags, y->base.flags);
			EXPECT_EQ(x->base.pid_ino, y->base.pid_ino);
			/* Running when it asked, asleep now */
			if (x->pid == 1) {
				EXPECT_EQ(TASKDIAG_TASK_STATE_RUNNING,
					  x->base.state);
			} else {
				EXPECT_EQ(x->base.state, y->base.state);
			}
		}
		tl_free(&in);
		tl_free(&out);
	}
}

/*
 * Only a sender with CAP_SYS_ADMIN over its pid namespace may claim another
 * pid: the socket layer refuses the claim in sendmsg() (EPERM), before
 * taskdiag runs, here for nobody outside the namespace claiming its init
 * and the initial init. What taskdiag decides is checked inside: nobody,
 * a child of the namespace's init, gets its own namespace's view, every
 * process of it and nothing else, with or without claiming its own pid.
 */
TEST_F_TIMEOUT(pidns, unprivileged_claim, 120)
{
	struct {
		int foreign, init1, own, own_dump, found_self;
	} r = {};
	struct pidlist want = {}, got = {};
	int fds[2], status, i, ret;
	pid_t pid, init = self->init;
	struct tasklist l = {};
	char c;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct ucred c = { .uid = NOBODY, .gid = NOBODY };
		struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
		struct tasklist l = {};
		struct td *td;

		close(fds[0]);
		if (drop_to_nobody() || td_open(&td, 0, true))
			_exit(1);
		c.pid = init;
		r.foreign = td_request(td, &req, &c);
		c.pid = 1;
		r.init1 = td_request(td, &req, &c);
		c.pid = getpid();
		r.own = td_request(td, &req, &c);
		if (!r.own)
			r.own_dump = td_recv_all(td, tl_add_cb, &l);
		r.found_self = !!tl_find(&l, getpid());
		if (write_full(fds[1], &r, sizeof(r)))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	ASSERT_EQ(0, read_full(fds[0], &r, sizeof(r)));
	close(fds[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* The socket layer's refusals */
	EXPECT_EQ(-EPERM, r.foreign);
	EXPECT_EQ(-EPERM, r.init1);
	EXPECT_EQ(0, r.own);
	EXPECT_EQ(0, r.own_dump);
	EXPECT_TRUE(r.found_self);

	/* nobody inside: its pid, two dumps, its claim of the init */
	ASSERT_EQ(1, write(self->cmd, "N", 1));
	ASSERT_EQ(0, read_full(self->res, &pid, sizeof(pid)));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, recv_tasks(self->res, &ret, &l));
		EXPECT_EQ(0, ret) TH_LOG("dump %d as nobody: %s", i,
					 strerror(-ret));
	}
	ASSERT_EQ(0, read_full(self->res, &ret, sizeof(ret)));
	EXPECT_EQ(-EPERM, ret);
	ASSERT_EQ(0, read_full(self->res, &c, 1));
	ASSERT_EQ('R', c);
	/* The init, asleep in the dumps, may not be back on its pipe yet */
	ASSERT_EQ(0, wait_sleeping("/proc", init));
	/* It has been reaped: the namespace as its /proc lists it, plus it */
	ASSERT_EQ(0, proc_tgids(self->proc, &want));
	ASSERT_EQ(0, pl_add(&want, pid));
	pl_sort(&want);
	ASSERT_EQ(2 * want.n, l.n);
	ASSERT_EQ(0, tl_pids(&l, &got));
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, memcmp(want.v, got.v + i * want.n,
				    want.n * sizeof(*want.v)))
			TH_LOG("dump %d: not the namespace's processes", i);
	}
	/* In the namespace's numbers: as its /proc shows them */
	for (i = 0; i < (int)l.n; i++) {
		char why[512];

		if (l.v[i].pid == (uint32_t)pid)
			continue;
		ret = td_cmp_proc(&l.v[i], self->proc, TDC_STATE | TDC_STATUS,
				  why, sizeof(why));
		EXPECT_EQ(0, ret) TH_LOG("%s", ret > 0 ? why : strerror(-ret));
	}
	pl_free(&want);
	pl_free(&got);
	tl_free(&l);
}

/*
 * A claim the socket layer accepts and taskdiag cannot resolve: the outer
 * pid of the init of a namespace that dies, reaped here, while the kernel
 * copies a long request (after scm_send() found the pid, before the
 * family's handler looks it up). The family's own ESRCH, not sendmsg()'s.
 */
#define SLOW_REQ_LEN	(16 << 20)
#define VANISH_US	10000
#define VANISH_TRIES	6

struct reaper {
	pid_t init;
	long delay_us;
	int go[2];
	pthread_t th;
};

static void *reaper_thread(void *arg)
{
	struct reaper *r = arg;
	char c;

	if (read(r->go[0], &c, 1) == 1)
		usleep(r->delay_us);
	kill_wait(r->init);
	return NULL;
}

static void reap_now(void *arg)
{
	struct reaper *r = arg;

	if (write(r->go[1], "x", 1) != 1)
		r->init = -1;
}

TEST_F_TIMEOUT(pidns, scm_pid_vanishes, 120)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	size_t len = SLOW_REQ_LEN;
	long delay = VANISH_US;
	int tries, ret = -1;

	for (tries = 0; ret && tries < VANISH_TRIES; tries++) {
		struct reaper r = { .delay_us = delay };
		struct ucred c = { .uid = 0, .gid = 0 };

		ASSERT_EQ(0, pipe(r.go));
		r.init = fork_pidns_init();
		ASSERT_LE(0, r.init);
		if (!r.init) {
			for (;;)
				pause();
		}
		ASSERT_EQ(0, pthread_create(&r.th, NULL, reaper_thread, &r));
		c.pid = r.init;
		ret = td_request_slow(self->td, &req, &c, len, reap_now, &r);
		pthread_join(r.th, NULL);
		close(r.go[0]);
		close(r.go[1]);
		if (ret) {
			/* Reaped before scm_send() looked: the socket's ESRCH */
			EXPECT_EQ(-ESRCH, ret);
			delay *= 4;
			continue;
		}
		ret = td_recv_all(self->td, NULL, NULL);
		if (!ret) {
			/* Reaped after taskdiag looked: a longer copy */
			len *= 2;
			ret = 1;
			continue;
		}
		EXPECT_EQ(-ESRCH, ret) TD_LOG_ERR(self->td);
		EXPECT_FALSE(self->td->err.in_done);
		EXPECT_NE(0, self->td->err.msg[0]);
		EXPECT_FALSE(self->td->err.has_offs);
		TH_LOG("%s, \"%s\"", strerror(-ret), self->td->err.msg);
		ret = 0;
	}
	EXPECT_EQ(0, ret) TH_LOG("the namespace's init never vanished in time");
}

TEST_HARNESS_MAIN
