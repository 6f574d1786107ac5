// SPDX-License-Identifier: GPL-2.0
/*
 * taskdiag basics: the family, a do and a dump of one task, and every field
 * of the base group against /proc for tasks in known states: sessions and
 * process groups, a traced, a stopped and a zombie task, a task in D (a
 * vfork() parent), a zombie leader with a live thread, named threads and
 * kernel threads (idle rescuers in I; parked ones, in P, are in stat.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

TEST(family_resolves)
{
	struct genl_family *fam;
	struct nl_cache *cache;
	struct nl_sock *sk;
	int id;

	sk = nl_socket_alloc();
	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, genl_connect(sk));
	id = genl_ctrl_resolve(sk, TASKDIAG_FAMILY_NAME);
	if (id == -NLE_OBJ_NOTFOUND) {
		nl_socket_free(sk);
		SKIP(return, TD_SKIP_MSG);
	}
	ASSERT_GT(id, 0) TH_LOG("genl_ctrl_resolve(): %s", nl_geterror(id));

	ASSERT_EQ(0, genl_ctrl_alloc_cache(sk, &cache));
	fam = genl_ctrl_search_by_name(cache, TASKDIAG_FAMILY_NAME);
	ASSERT_NE(NULL, fam);
	EXPECT_EQ(id, genl_family_get_id(fam));
	EXPECT_EQ(TASKDIAG_FAMILY_VERSION, genl_family_get_version(fam));
	/* No fixed header: everything is in attributes */
	EXPECT_EQ(0, genl_family_get_hdrsize(fam));
	genl_family_put(fam);
	nl_cache_free(cache);
	nl_socket_free(sk);
}

FIXTURE(td) {
	struct td *td;
	struct tasklist tasks;
};

FIXTURE_SETUP(td)
{
	TD_OPEN_OR_SKIP(&self->td, 0, true);
}

FIXTURE_TEARDOWN(td)
{
	tl_free(&self->tasks);
	td_close(self->td);
}

/* The test's own process, as a do and as a dump of strategy one */
static void check_self(struct __test_metadata *_metadata, struct td *td,
		       const struct tasklist *tasks)
{
	const struct td_task *t;
	char why[512];

	ASSERT_EQ(1, tasks->n);
	t = &tasks->v[0];
	EXPECT_TRUE(t->has_pid);
	EXPECT_TRUE(t->has_tgid);
	EXPECT_EQ(getpid(), t->pid);
	EXPECT_EQ(getpid(), t->tgid);
	EXPECT_FALSE(t->cont);
	/* base is always visible: nothing withheld */
	EXPECT_FALSE(t->has_withheld);
	ASSERT_TRUE(t->has_base);
	/* The task reading itself is running, in /proc as here */
	EXPECT_EQ(TASKDIAG_TASK_STATE_RUNNING, t->base.state);
	EXPECT_EQ(0, t->base.flags);
	EXPECT_EQ(0, td_cmp_proc(t, "/proc", TDC_ALL, why, sizeof(why)))
		TH_LOG("%s", why);
	EXPECT_EQ(1, td->stats.nmsg);
}

TEST_F(td, do_self)
{
	struct td_req req = { .has_pid = true, .pid = getpid() };
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	/* A do is answered by one message and the ACK */
	EXPECT_FALSE(self->td->err.in_done);
	check_self(_metadata, self->td, &self->tasks);
}

TEST_F(td, one_self)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, getpid());
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	EXPECT_TRUE(self->td->err.in_done);
	check_self(_metadata, self->td, &self->tasks);
}

/* Absent show-flags means base; an explicit base is the same */
TEST_F(td, show_flags_base)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, getpid());
	const struct td_task *a, *b;
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	req.has_show_flags = true;
	req.show_flags = 1ULL << TASKDIAG_GROUP_BASE;
	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(2, self->tasks.n);
	a = &self->tasks.v[0];
	b = &self->tasks.v[1];
	ASSERT_TRUE(a->has_base);
	ASSERT_TRUE(b->has_base);
	EXPECT_EQ(a->base.present, b->base.present);
	EXPECT_EQ(a->base.ppid, b->base.ppid);
	EXPECT_EQ(a->base.pgid, b->base.pgid);
	EXPECT_EQ(a->base.sid, b->base.sid);
	EXPECT_STREQ(a->base.comm, b->base.comm);
	EXPECT_EQ(a->base.start_time, b->base.start_time);
	EXPECT_EQ(a->base.pid_ino, b->base.pid_ino);
}

/* An explicit empty set of groups: the task ids and nothing else */
TEST_F(td, show_flags_none)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, getpid());
	const struct td_task *t;
	int ret;

	req.has_show_flags = true;
	req.show_flags = 0;
	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(1, self->tasks.n);
	t = &self->tasks.v[0];
	EXPECT_EQ(getpid(), t->pid);
	EXPECT_EQ(getpid(), t->tgid);
	EXPECT_FALSE(t->has_base);
	EXPECT_FALSE(t->has_withheld);
}

/*
 * kthreadd (pid 2 in the initial pid namespace) is the parent of kernel
 * threads: no parent, session or group of its own, and the kthread flag.
 */
TEST_F(td, kthreadd)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, 2);
	const struct td_task *t;
	char why[512];
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(1, self->tasks.n);
	t = &self->tasks.v[0];
	EXPECT_EQ(2, t->pid);
	EXPECT_EQ(2, t->tgid);
	ASSERT_TRUE(t->has_base);
	EXPECT_STREQ("kthreadd", t->base.comm);
	EXPECT_EQ(0, t->base.ppid);
	EXPECT_EQ(0, t->base.pgid);
	EXPECT_EQ(0, t->base.sid);
	EXPECT_EQ(0, t->base.tpid);
	EXPECT_EQ(TASKDIAG_TASK_FLAGS_KTHREAD, t->base.flags);
	EXPECT_NE(0, t->base.pid_ino);
	/* Its state may change between the reply and /proc */
	EXPECT_EQ(0, td_cmp_proc(t, "/proc", TDC_STATUS | TDC_PIDINO, why,
				 sizeof(why)))
		TH_LOG("%s", why);
}

/*
 * Compare with /proc, asking again when they differ: a kworker renames itself
 * after the work it runs, tasks exit. Returns like td_cmp_proc().
 */
static int cmp_settled(struct td *td, const struct td_task *t,
		       unsigned int what, char *why, size_t len)
{
	struct td_req req;
	struct tasklist l;
	const struct td_task *n;
	int ret, i;

	ret = td_cmp_proc(t, "/proc", what, why, len);
	for (i = 0; ret == 1 && i < 5; i++) {
		memset(&l, 0, sizeof(l));
		req = td_dump_req(TASKDIAG_DUMP_STRATEGY_THREAD, t->tgid);
		ret = td_run(td, &req, NULL, tl_add_cb, &l);
		if (ret) {
			snprintf(why, len, "pid %u: thread dump: %s", t->pid,
				 strerror(-ret));
			/* Gone: not a mismatch */
			ret = ret == -ESRCH ? -ESRCH : 1;
		} else {
			n = tl_find(&l, t->pid);
			ret = n ? td_cmp_proc(n, "/proc", what, why, len) :
				  -ESRCH;
		}
		tl_free(&l);
	}
	return ret;
}

/*
 * Every process of the system, kernel threads included, against /proc. The
 * full names of kernel threads go beyond the 15 bytes of comm. /proc is
 * listed before and after the dump: a process in both lists lived through
 * it and must be in it; one in the dump but not in the first list must
 * have started since. Only processes /proc no longer lists may have gone
 * before their files were read. Workqueue rescuers (kworker/R-*) sleep in
 * TASK_IDLE until memory runs short: their state I is compared too.
 */
TEST_F_TIMEOUT(td, all_vs_proc, 300)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	unsigned int kthreads = 0, long_names = 0, gone = 0, late = 0;
	unsigned int idle = 0;
	struct pidlist pids = {}, before = {}, after = {}, last = {};
	struct pidlist gone_pids = {};
	const uint64_t slack = 1000000000ULL;
	uint64_t t0;
	char why[512];
	size_t i;
	int ret;

	t0 = boottime_ns();
	ASSERT_EQ(0, proc_tgids("/proc", &before));
	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(0, proc_tgids("/proc", &after));
	ASSERT_EQ(0, tl_pids(&self->tasks, &pids));
	EXPECT_TRUE(pl_ascending(&pids));
	EXPECT_TRUE(pl_contains(&pids, getpid()));
	EXPECT_TRUE(pl_contains(&pids, 1));
	EXPECT_TRUE(pl_contains(&pids, 2));
	for (i = 0; i < before.n; i++) {
		if (pl_contains(&after, before.v[i])) {
			EXPECT_TRUE(pl_contains(&pids, before.v[i]))
				TH_LOG("%u, alive all along, missing",
				       before.v[i]);
		}
	}

	for (i = 0; i < self->tasks.n; i++) {
		const struct td_task *t = &self->tasks.v[i];
		bool rescuer = false;
		unsigned int what = TDC_STATUS | TDC_PIDINO;

		EXPECT_EQ(t->pid, t->tgid);
		if (!pl_contains(&before, t->pid)) {
			late++;
			EXPECT_LE(t0 - slack, t->base.start_time)
				TH_LOG("%u not in /proc, started before", t->pid);
		}
		if (t->base.flags & TASKDIAG_TASK_FLAGS_KTHREAD) {
			kthreads++;
			/* Children of kthreadd, or kthreadd itself */
			EXPECT_TRUE(t->base.ppid == 2 || t->pid == 2)
				TH_LOG("kthread %u has ppid %u", t->pid,
				       t->base.ppid);
			if (strlen(t->base.comm) > 15)
				long_names++;
			rescuer = !strncmp(t->base.comm, "kworker/R-", 10);
		}
		if (rescuer) {
			idle++;
			what |= TDC_STATE;
			EXPECT_EQ(TASKDIAG_TASK_STATE_IDLE, t->base.state)
				TH_LOG("%s: %c", t->base.comm,
				       td_state_letter(t->base.state));
		}
		ret = cmp_settled(self->td, t, what, why, sizeof(why));
		if (ret == -ENOENT || ret == -ESRCH) {
			gone++;
			ASSERT_EQ(0, pl_add(&gone_pids, t->pid));
			continue;
		}
		EXPECT_EQ(0, ret) TH_LOG("%s", ret > 0 ? why : strerror(-ret));
	}
	/* What was gone is no longer listed */
	ASSERT_EQ(0, proc_tgids("/proc", &last));
	for (i = 0; i < gone_pids.n; i++) {
		EXPECT_FALSE(pl_contains(&last, gone_pids.v[i]))
			TH_LOG("%u: its /proc files failed, /proc lists it",
			       gone_pids.v[i]);
	}
	EXPECT_GT(kthreads, 0);
	EXPECT_GT(idle, 0);
	TH_LOG("%zu processes, %u kernel threads (%u named over 15 bytes, %u rescuers)",
	       self->tasks.n, kthreads, long_names, idle);
	TH_LOG("%u started during the dump, %u exited before their /proc files were read",
	       late, gone);
	pl_free(&pids);
	pl_free(&before);
	pl_free(&after);
	pl_free(&last);
	pl_free(&gone_pids);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * pidfs inode numbers identify a task and are never reused, even where its
 * pid is: pids are allocated cyclically, so children that come and go do
 * not reuse them, but clone3() with set_tid does, in a pid namespace of
 * the test's own.
 */
#define NR_REUSED	20
#define REUSED_PID	100

/* In the namespace's init: NR_REUSED children of pid REUSED_PID, dumped */
static void reuse_pid(int fd)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, REUSED_PID);
	struct tasklist l = {};
	struct td *td;
	int i, ret = 0;
	pid_t pid;

	if (td_open(&td, 0, true))
		_exit(1);
	for (i = 0; !ret && i < NR_REUSED; i++) {
		pid = fork_with_pid(REUSED_PID);
		if (!pid) {
			pause();
			_exit(0);
		}
		if (pid != REUSED_PID)
			_exit(2);
		ret = td_run(td, &req, NULL, tl_add_cb, &l);
		kill_wait(pid);
	}
	if (ret || l.n != NR_REUSED ||
	    write_full(fd, l.v, l.n * sizeof(*l.v)))
		_exit(3);
	_exit(0);
}

TEST_F_TIMEOUT(td, pid_ino_unique, 120)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0);
	struct td_task reused[NR_REUSED];
	int fds[2], ret, status;
	uint64_t *inos;
	size_t i, n;
	pid_t init;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);

	ASSERT_EQ(0, pipe(fds));
	init = fork_pidns_init();
	ASSERT_LE(0, init);
	if (!init) {
		close(fds[0]);
		reuse_pid(fds[1]);
	}
	close(fds[1]);
	ret = read_full(fds[0], reused, sizeof(reused));
	close(fds[0]);
	ASSERT_EQ(init, waitpid(init, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, ret);
	for (i = 0; i < NR_REUSED; i++)
		EXPECT_EQ(REUSED_PID, reused[i].pid);

	n = self->tasks.n + NR_REUSED;
	inos = calloc(n, sizeof(*inos));
	ASSERT_NE(NULL, inos);
	for (i = 0; i < n; i++) {
		const struct td_task *t = i < self->tasks.n ?
			&self->tasks.v[i] : &reused[i - self->tasks.n];

		ASSERT_TRUE(t->base.present &
			    (1U << TASKDIAG_A_BASE_PID_INO));
		EXPECT_NE(0, t->base.pid_ino);
		inos[i] = t->base.pid_ino;
	}
	qsort(inos, n, sizeof(*inos), cmp_u64);
	for (i = 1; i < n; i++) {
		EXPECT_NE(inos[i - 1], inos[i])
			TH_LOG("two tasks share pid-ino %llu",
			       (unsigned long long)inos[i]);
	}
	free(inos);
}

/*
 * Start times are in the requester's time namespace, as /proc shows them
 * there: a boot time offset of a day moves them by a day.
 */
#define TIMENS_OFFSET_S	86400

TEST_F_TIMEOUT(td, start_time_timens, 120)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, getpid());
	const uint64_t off = TIMENS_OFFSET_S * 1000000000ULL;
	char buf[64], why[512];
	int fd, status, ret;
	pid_t pid;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &self->tasks);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(1, self->tasks.n);

	if (unshare(CLONE_NEWTIME))
		SKIP(return, "no time namespaces: %s", strerror(errno));
	/* The offsets of the new namespace, set before anyone enters it */
	fd = open("/proc/self/timens_offsets", O_WRONLY);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "boottime %d 0", TIMENS_OFFSET_S);
	ASSERT_EQ(strlen(buf), write(fd, buf, strlen(buf)));
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct tasklist l = {};
		struct td *td;

		/* In the new time namespace, with a socket of its own */
		ASSERT_EQ(0, td_open(&td, 0, true));
		ret = td_run(td, &req, NULL, tl_add_cb, &l);
		ASSERT_EQ(0, ret) TD_LOG_ERR(td);
		ASSERT_EQ(1, l.n);
		EXPECT_EQ(self->tasks.v[0].base.start_time + off,
			  l.v[0].base.start_time);
		/* /proc agrees, here */
		EXPECT_EQ(0, td_cmp_proc(&l.v[0], "/proc", TDC_STATUS, why,
					 sizeof(why)))
			TH_LOG("%s", why);
		td_close(td);
		tl_free(&l);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
}

/* Tasks in every state and relation the base group reports */
FIXTURE(population) {
	struct td *td;
	pid_t sess;	/* setsid() leader */
	pid_t pgrp;	/* its child, leader of its own process group */
	pid_t traced;	/* in a ptrace stop, traced by the test */
	pid_t stopped;	/* SIGSTOPped */
	pid_t zombie;	/* exited, not reaped */
	pid_t named;	/* threads named with PR_SET_NAME */
	pid_t vforker;	/* in vfork(): uninterruptible (killable) */
	pid_t zleader;	/* its main thread exited, another one lives */
	uint64_t t0, t1;	/* boot time before and after the spawns */
};

static const char * const thread_names[] = {
	"td-main-name", "td-worker-1", "td-worker-2", "fifteen-chars-x",
};

#define NR_NAMED_THREADS ARRAY_SIZE(thread_names)

/* Wait until /proc shows the state letter for PROC/PID (or its task tid) */
static int wait_state(pid_t pid, pid_t tid, char state)
{
	struct proc_stat ps;
	char path[64];
	int tries, ret;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	for (tries = 0; tries < 3000; tries++) {
		ret = proc_read_stat(path, &ps);
		if (ret)
			return ret;
		if (ps.state == state)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* A child that vfork()s a child that blocks: it waits in state D */
static pid_t spawn_vforker(void)
{
	pid_t pid = fork();

	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Only system calls in the child: it runs on our stack */
		if (!vfork()) {
			syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				syscall(SYS_pause);
		}
		_exit(0);
	}
	return pid;
}

static void *zl_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/* A child whose main thread exits while its other thread sleeps */
static pid_t spawn_zombie_leader(pid_t *tid)
{
	struct pidlist tids = {};
	pid_t pid = fork();
	pthread_t th;

	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (pthread_create(&th, NULL, zl_thread, NULL))
			_exit(1);
		syscall(SYS_exit, 0);
	}
	if (pid < 0 || wait_state(pid, pid, 'Z') ||
	    proc_tids("/proc", pid, &tids) || tids.n != 2 ||
	    wait_state(pid, tids.v[1], 'S')) {
		pl_free(&tids);
		kill_wait(pid);
		return -1;
	}
	*tid = tids.v[1];
	pl_free(&tids);
	return pid;
}

FIXTURE_SETUP(population)
{
	pid_t zthread;
	pid_t parent = getpid(), pids[2];
	siginfo_t si;
	int fds[2], status;

	TD_OPEN_OR_SKIP(&self->td, 0, true);
	self->t0 = boottime_ns();

	/* A session leader and, in its session, a process group leader */
	ASSERT_EQ(0, pipe(fds));
	self->sess = fork();
	ASSERT_GE(self->sess, 0);
	if (!self->sess) {
		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent || setsid() < 0)
			_exit(1);
		pids[0] = getpid();
		pids[1] = fork();
		if (pids[1] < 0)
			_exit(1);
		if (!pids[1]) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pids[1] = getpid();
			if (getppid() != pids[0] || setpgid(0, 0) ||
			    write(fds[1], &pids[1], sizeof(pid_t)) < 0)
				_exit(1);
			close(fds[1]);
			for (;;)
				pause();
		}
		/* EOF for the reader if the child fails */
		close(fds[1]);
		for (;;)
			pause();
	}
	close(fds[1]);
	ASSERT_EQ(0, read_full(fds[0], &self->pgrp, sizeof(pid_t)));
	close(fds[0]);
	ASSERT_EQ(0, wait_sleeping("/proc", self->sess));
	ASSERT_EQ(0, wait_sleeping("/proc", self->pgrp));

	self->traced = spawn_sleeper(1, NULL);
	ASSERT_GT(self->traced, 0);
	ASSERT_EQ(0, ptrace(PTRACE_SEIZE, self->traced, 0, 0));
	ASSERT_EQ(0, ptrace(PTRACE_INTERRUPT, self->traced, 0, 0));
	ASSERT_EQ(self->traced, waitpid(self->traced, &status, __WALL));
	ASSERT_TRUE(WIFSTOPPED(status));

	self->stopped = spawn_sleeper(1, NULL);
	ASSERT_GT(self->stopped, 0);
	ASSERT_EQ(0, kill(self->stopped, SIGSTOP));
	ASSERT_EQ(self->stopped, waitpid(self->stopped, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));

	self->zombie = fork();
	ASSERT_GE(self->zombie, 0);
	if (!self->zombie)
		_exit(7);
	/* Wait for the exit without reaping */
	ASSERT_EQ(0, waitid(P_PID, self->zombie, &si, WEXITED | WNOWAIT));

	self->named = spawn_sleeper(NR_NAMED_THREADS, thread_names);
	ASSERT_GT(self->named, 0);
	self->vforker = spawn_vforker();
	ASSERT_GT(self->vforker, 0);
	ASSERT_EQ(0, wait_state(self->vforker, self->vforker, 'D'));
	self->zleader = spawn_zombie_leader(&zthread);
	ASSERT_GT(self->zleader, 0);
	self->t1 = boottime_ns();
}

FIXTURE_TEARDOWN(population)
{
	kill_wait(self->zleader);
	/* Its vfork() child dies with it (PR_SET_PDEATHSIG) */
	kill_wait(self->vforker);
	kill_wait(self->named);
	kill_wait(self->zombie);
	kill_wait(self->stopped);
	kill_wait(self->traced);
	/* pgrp is not our child: it dies with sess (PR_SET_PDEATHSIG) */
	if (self->pgrp > 0)
		kill(self->pgrp, SIGKILL);
	kill_wait(self->sess);
	td_close(self->td);
}

static int get_one(struct td *td, pid_t pid, struct td_task *t)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, pid);
	struct tasklist l = {};
	int ret;

	ret = td_run(td, &req, NULL, tl_add_cb, &l);
	if (!ret && l.n != 1)
		ret = -EBADMSG;
	if (!ret)
		*t = l.v[0];
	tl_free(&l);
	return ret;
}

/* Values known from how the population was made, and /proc */
TEST_F_TIMEOUT(population, known_values, 120)
{
	const pid_t me = getpid();
	struct {
		pid_t pid;
		pid_t ppid, pgid, sid, tpid;
		int state;
		uint32_t flags;
		const char *comm;
	} want[] = {
		{ self->sess, me, self->sess, self->sess, 0,
		  TASKDIAG_TASK_STATE_SLEEPING, 0, NULL },
		{ self->pgrp, self->sess, self->pgrp, self->sess, 0,
		  TASKDIAG_TASK_STATE_SLEEPING, 0, NULL },
		{ self->traced, me, getpgrp(), getsid(0), me,
		  TASKDIAG_TASK_STATE_TRACING_STOP, 0, NULL },
		{ self->stopped, me, getpgrp(), getsid(0), 0,
		  TASKDIAG_TASK_STATE_STOPPED, 0, NULL },
		{ self->zombie, me, getpgrp(), getsid(0), 0,
		  TASKDIAG_TASK_STATE_ZOMBIE, TASKDIAG_TASK_FLAGS_EXITING,
		  NULL },
		{ self->named, me, getpgrp(), getsid(0), 0,
		  TASKDIAG_TASK_STATE_SLEEPING, 0, thread_names[0] },
		{ self->vforker, me, getpgrp(), getsid(0), 0,
		  TASKDIAG_TASK_STATE_DISK_SLEEP, 0, NULL },
		/* A process is its leader, a zombie while a thread lives */
		{ self->zleader, me, getpgrp(), getsid(0), 0,
		  TASKDIAG_TASK_STATE_ZOMBIE, TASKDIAG_TASK_FLAGS_EXITING,
		  NULL },
	};
	struct proc_stat ps;
	struct td_task t;
	char why[512];
	size_t i;
	int ret;

	ASSERT_EQ(0, proc_read_stat("/proc/self/stat", &ps));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ret = get_one(self->td, want[i].pid, &t);
		ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
		EXPECT_EQ(want[i].pid, t.pid);
		EXPECT_EQ(want[i].pid, t.tgid);
		ASSERT_TRUE(t.has_base);
		EXPECT_EQ(want[i].ppid, t.base.ppid);
		EXPECT_EQ(want[i].pgid, t.base.pgid);
		EXPECT_EQ(want[i].sid, t.base.sid);
		EXPECT_EQ(want[i].tpid, t.base.tpid);
		EXPECT_EQ(want[i].state, t.base.state)
			TH_LOG("pid %d: state %c, want %c", want[i].pid,
			       td_state_letter(t.base.state),
			       td_state_letter(want[i].state));
		EXPECT_EQ(want[i].flags, t.base.flags);
		/* Forked children keep the comm of the test */
		EXPECT_STREQ(want[i].comm ?: ps.comm, t.base.comm);
		/* Started between the two clock readings of the setup */
		EXPECT_LE(self->t0, t.base.start_time);
		EXPECT_GE(self->t1, t.base.start_time);
		EXPECT_EQ(0, td_cmp_proc(&t, "/proc", TDC_ALL, why,
					 sizeof(why)))
			TH_LOG("%s", why);
	}
}

/* Threads: ids, names and fields against /proc/PID/task/TID */
TEST_F_TIMEOUT(population, named_threads, 120)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_THREAD,
					 self->named);
	struct pidlist got = {}, want = {};
	struct tasklist l = {};
	char why[512];
	size_t i;
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(NR_NAMED_THREADS, l.n);
	ASSERT_EQ(0, tl_pids(&l, &got));
	EXPECT_TRUE(pl_ascending(&got));
	ASSERT_EQ(0, proc_tids("/proc", self->named, &want));
	ASSERT_EQ(want.n, got.n);
	for (i = 0; i < l.n; i++) {
		const struct td_task *t = &l.v[i];

		EXPECT_EQ(want.v[i], t->pid);
		EXPECT_EQ(self->named, t->tgid);
		/* Created one after the other: tids in naming order */
		EXPECT_STREQ(thread_names[i], t->base.comm);
		EXPECT_EQ(0, td_cmp_proc(t, "/proc", TDC_ALL, why,
					 sizeof(why)))
			TH_LOG("%s", why);
		/* Thread-level fields that are the process's */
		EXPECT_EQ(getpid(), t->base.ppid);
		EXPECT_EQ(getpgrp(), t->base.pgid);
	}
	pl_free(&got);
	pl_free(&want);
	tl_free(&l);
}

/*
 * The threads of a process whose leader exited: the leader a zombie, the
 * other thread asleep, each as /proc/PID/task/TID shows it.
 */
TEST_F_TIMEOUT(population, zombie_leader_threads, 120)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_THREAD,
					 self->zleader);
	struct pidlist want = {};
	struct tasklist l = {};
	char why[512];
	size_t i;
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	ASSERT_EQ(0, proc_tids("/proc", self->zleader, &want));
	ASSERT_EQ(2, want.n);
	ASSERT_EQ(2, l.n);
	for (i = 0; i < l.n; i++) {
		const struct td_task *t = &l.v[i];

		EXPECT_EQ(want.v[i], t->pid);
		EXPECT_EQ(self->zleader, t->tgid);
		EXPECT_EQ(i ? TASKDIAG_TASK_STATE_SLEEPING :
			      TASKDIAG_TASK_STATE_ZOMBIE, t->base.state);
		EXPECT_EQ(i ? 0 : TASKDIAG_TASK_FLAGS_EXITING, t->base.flags);
		EXPECT_EQ(0, td_cmp_proc(t, "/proc", TDC_ALL, why,
					 sizeof(why)))
			TH_LOG("%s", why);
	}
	pl_free(&want);
	tl_free(&l);
}

/*
 * The population in a dump of all processes, with the same values as a
 * dump of one, and none of the non-leader threads.
 */
TEST_F_TIMEOUT(population, in_all, 120)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	pid_t pids[] = { self->sess, self->pgrp, self->traced, self->stopped,
			 self->zombie, self->named, self->vforker,
			 self->zleader, getpid() };
	struct pidlist tids = {};
	struct tasklist l = {};
	const struct td_task *a;
	struct td_task o;
	size_t i;
	int ret;

	ret = td_run(self->td, &req, NULL, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	for (i = 0; i < ARRAY_SIZE(pids); i++) {
		a = tl_find(&l, pids[i]);
		ASSERT_NE(NULL, a) TH_LOG("pid %d missing", pids[i]);
		ASSERT_EQ(0, get_one(self->td, pids[i], &o));
		EXPECT_EQ(o.tgid, a->tgid);
		EXPECT_EQ(o.base.ppid, a->base.ppid);
		EXPECT_EQ(o.base.pgid, a->base.pgid);
		EXPECT_EQ(o.base.sid, a->base.sid);
		EXPECT_EQ(o.base.tpid, a->base.tpid);
		/* The test itself may have been running in one */
		EXPECT_TRUE(pids[i] == getpid() ||
			    o.base.state == a->base.state)
			TH_LOG("pid %d: state %c in one, %c in all", pids[i],
			       td_state_letter(o.base.state),
			       td_state_letter(a->base.state));
		EXPECT_STREQ(o.base.comm, a->base.comm);
		EXPECT_EQ(o.base.start_time, a->base.start_time);
		EXPECT_EQ(o.base.flags, a->base.flags);
		EXPECT_EQ(o.base.pid_ino, a->base.pid_ino);
	}
	ASSERT_EQ(0, proc_tids("/proc", self->named, &tids));
	ASSERT_EQ(NR_NAMED_THREADS, tids.n);
	for (i = 1; i < tids.n; i++) {
		EXPECT_EQ(NULL, tl_find(&l, tids.v[i]))
			TH_LOG("thread %u in a dump of processes", tids.v[i]);
	}
	pl_free(&tids);
	tl_free(&l);
}

TEST_HARNESS_MAIN
