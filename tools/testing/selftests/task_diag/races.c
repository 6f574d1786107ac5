// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps while tasks come and go as fast as they can: each dump completes,
 * is in ascending order without duplicates, and has every task that lived
 * through it. Sockets closed in the middle of dumps, and targets that exit
 * in the middle of theirs, are no error. Leaks and use-after-free are
 * caught by kmemleak and KASAN of the kernel that runs the tests.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define NR_STABLE	20	/* processes that live through the test */
#define NR_STABLE_THR	4
#define NR_FORKERS	2
#define SMALL_BUF	4096

static pid_t start_helper(void (*fn)(void))
{
	pid_t parent = getpid(), pid = fork();

	if (!pid) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		close_range(3, ~0U, 0);
		fn();
		_exit(0);
	}
	return pid;
}

/* Children that exit at once, reaped at once */
static void forker(void)
{
	for (;;) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

static void *short_thread(void *arg)
{
	return NULL;
}

/* Threads that exit at once, joined at once */
static void thread_churner(void)
{
	pthread_attr_t attr;
	pthread_t th;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (;;) {
		if (!pthread_create(&th, &attr, short_thread, NULL))
			pthread_join(th, NULL);
	}
}

FIXTURE(races) {
	struct td *td;
	pid_t stable[NR_STABLE];
	struct pidlist stable_tgids;
	struct pidlist stable_tids;
	pid_t forkers[NR_FORKERS];
	pid_t churner;
};

FIXTURE_SETUP(races)
{
	int i;

	TD_OPEN_OR_SKIP(&self->td, SMALL_BUF, false);
	ASSERT_EQ(0, spawn_sleepers(NR_STABLE, NR_STABLE_THR, NULL,
				    self->stable));
	ASSERT_EQ(0, pl_add(&self->stable_tgids, getpid()));
	ASSERT_EQ(0, pl_add(&self->stable_tids, getpid()));
	for (i = 0; i < NR_STABLE; i++) {
		ASSERT_EQ(0, pl_add(&self->stable_tgids, self->stable[i]));
		ASSERT_EQ(0, proc_tids("/proc", self->stable[i],
				       &self->stable_tids));
	}
	pl_sort(&self->stable_tgids);
	pl_sort(&self->stable_tids);
	ASSERT_EQ(1 + NR_STABLE * NR_STABLE_THR, self->stable_tids.n);
	for (i = 0; i < NR_FORKERS; i++) {
		self->forkers[i] = start_helper(forker);
		ASSERT_GT(self->forkers[i], 0);
	}
	self->churner = start_helper(thread_churner);
	ASSERT_GT(self->churner, 0);
}

FIXTURE_TEARDOWN(races)
{
	int i;

	kill_wait(self->churner);
	for (i = 0; i < NR_FORKERS; i++)
		kill_wait(self->forkers[i]);
	for (i = 0; i < NR_STABLE; i++)
		kill_wait(self->stable[i]);
	pl_free(&self->stable_tgids);
	pl_free(&self->stable_tids);
	td_close(self->td);
}

/* The tgid of a reply: processes only, or threads of pid only */
static uint32_t want_tgid(uint32_t strategy, uint32_t pid,
			  const struct td_task *t)
{
	switch (strategy) {
	case TASKDIAG_DUMP_STRATEGY_ALL_THREAD:
		return t->tgid;
	case TASKDIAG_DUMP_STRATEGY_THREAD:
		return pid;
	default:
		return t->pid;
	}
}

/*
 * Check one dump: complete, ascending, every task of stable present, each
 * message well-formed. Returns false after the first failure.
 */
static bool check_churn_dump(struct __test_metadata *_metadata,
			     struct td *td, uint32_t strategy, uint32_t pid,
			     const struct pidlist *stable, unsigned int *intr)
{
	struct td_req req = td_dump_req(strategy, pid);
	struct pidlist got = {};
	struct tasklist l = {};
	bool ok = true;
	size_t i;
	int ret;

	ret = td_run(td, &req, NULL, tl_add_cb, &l);
	EXPECT_EQ(0, ret) {
		TD_LOG_ERR(td);
		ok = false;
	}
	if (td->stats.dump_intr)
		(*intr)++;
	if (ok)
		ok = !tl_pids(&l, &got);
	EXPECT_TRUE(ok && pl_ascending(&got)) {
		TH_LOG("%s %u: not ascending, or duplicates",
		       td_strategy_name(strategy), pid);
		ok = false;
	}
	for (i = 0; ok && i < l.n; i++) {
		const struct td_task *t = &l.v[i];

		EXPECT_TRUE(t->has_pid && t->has_tgid && t->has_base &&
			    !t->bad_task && !t->bad_base) {
			TH_LOG("%s: malformed message for %u",
			       td_strategy_name(strategy), t->pid);
			ok = false;
		}
		EXPECT_EQ(want_tgid(strategy, pid, t), t->tgid) ok = false;
	}
	pl_sort(&got);
	for (i = 0; ok && i < stable->n; i++) {
		EXPECT_TRUE(pl_contains(&got, stable->v[i])) {
			TH_LOG("%s %u: %u, alive all along, missing",
			       td_strategy_name(strategy), pid,
			       stable->v[i]);
			ok = false;
		}
	}
	pl_free(&got);
	tl_free(&l);
	return ok;
}

/* all and all-thread while processes and threads come and go */
TEST_F_TIMEOUT(races, all_while_forking, 300)
{
	double end = now() + race_seconds();
	unsigned int dumps = 0, intr = 0;
	struct td *large;
	bool ok = true;

	ASSERT_EQ(0, td_open(&large, 32768, true));
	while (ok && (now() < end || dumps < 4)) {
		/* Small datagrams: many resumptions, many chances to race */
		ok = check_churn_dump(_metadata, dumps & 2 ? large : self->td,
				      dumps & 1 ?
				      TASKDIAG_DUMP_STRATEGY_ALL_THREAD :
				      TASKDIAG_DUMP_STRATEGY_ALL, 0,
				      dumps & 1 ? &self->stable_tids :
						  &self->stable_tgids, &intr);
		dumps++;
	}
	TH_LOG("%u dumps, %u flagged NLM_F_DUMP_INTR", dumps, intr);
	td_close(large);
}

/* thread and children of the churning processes themselves */
TEST_F_TIMEOUT(races, churning_targets, 300)
{
	double end = now() + race_seconds();
	unsigned int dumps = 0, intr = 0;
	struct pidlist leader = {}, none = {}, one = {};
	bool ok = true;

	ASSERT_EQ(0, pl_add(&leader, self->churner));
	ASSERT_EQ(0, pl_add(&one, self->forkers[1]));
	while (ok && (now() < end || dumps < 4)) {
		ok = check_churn_dump(_metadata, self->td,
				      TASKDIAG_DUMP_STRATEGY_THREAD,
				      self->churner, &leader, &intr) &&
		     check_churn_dump(_metadata, self->td,
				      TASKDIAG_DUMP_STRATEGY_CHILDREN,
				      self->forkers[0], &none, &intr) &&
		     check_churn_dump(_metadata, self->td,
				      TASKDIAG_DUMP_STRATEGY_ONE,
				      self->forkers[1], &one, &intr);
		dumps++;
	}
	TH_LOG("%u rounds, %u flagged NLM_F_DUMP_INTR", dumps, intr);
	pl_free(&leader);
	pl_free(&one);
}

/*
 * Sockets closed with a dump in progress: before its first chunk is read,
 * after one or two; by close() and by the death of the process. The
 * kernel frees the dump's state (.done) in each case. All threads, about
 * 200 here, take several 4 KiB datagrams.
 */
TEST_F_TIMEOUT(races, close_mid_dump, 300)
{
	unsigned int intr = 0;
	struct td_req req;
	int i, j, ret;

	for (i = 0; i < 200; i++) {
		struct td *td;

		ASSERT_EQ(0, td_open(&td, SMALL_BUF, false));
		req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0);
		ASSERT_EQ(0, td_request(td, &req, NULL)) TD_LOG_ERR(td);
		for (j = 0; j < i % 3; j++) {
			ret = td_recv_chunk(td, NULL, NULL);
			ASSERT_EQ(1, ret) TD_LOG_ERR(td);
		}
		td_close(td);
	}

	for (i = 0; i < 20; i++) {
		pid_t pid = fork();
		int status;

		ASSERT_GE(pid, 0);
		if (!pid) {
			struct td *td;

			req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0);
			if (td_open(&td, SMALL_BUF, false) ||
			    td_request(td, &req, NULL) ||
			    td_recv_chunk(td, NULL, NULL) != 1)
				_exit(1);
			/* Exit, or be killed, with the dump in progress */
			if (i & 1)
				_exit(0);
			for (;;)
				pause();
		}
		if (i & 1) {
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			ASSERT_TRUE(WIFEXITED(status));
			ASSERT_EQ(0, WEXITSTATUS(status));
		} else {
			usleep(10000);
			kill_wait(pid);
		}
	}

	/* Everything still works */
	EXPECT_TRUE(check_churn_dump(_metadata, self->td,
				     TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0,
				     &self->stable_tids, &intr));
}

/* The target of a thread or children dump exits between two chunks */
TEST_F_TIMEOUT(races, target_exits_mid_dump, 300)
{
	struct pidlist got = {};
	struct tasklist l = {};
	struct td_req req;
	pid_t target, kids[100];
	int round, ret, i;
	char c;

	for (round = 0; round < 2; round++) {
		bool threads = round == 0;
		pid_t parent = getpid();

		if (threads) {
			/* Enough threads for several 4 KiB datagrams */
			target = spawn_sleeper(200, NULL);
			ASSERT_GT(target, 0);
			req = td_dump_req(TASKDIAG_DUMP_STRATEGY_THREAD,
					  target);
		} else {
			int fds[2];

			ASSERT_EQ(0, pipe(fds));
			target = fork();
			ASSERT_GE(target, 0);
			if (!target) {
				close(fds[0]);
				if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
				    getppid() != parent ||
				    spawn_sleepers(100, 1, NULL, kids) ||
				    write(fds[1], "R", 1) != 1)
					_exit(1);
				for (;;)
					pause();
			}
			close(fds[1]);
			ASSERT_EQ(1, read(fds[0], &c, 1));
			close(fds[0]);
			req = td_dump_req(TASKDIAG_DUMP_STRATEGY_CHILDREN,
					  target);
		}
		ASSERT_EQ(0, td_request(self->td, &req, NULL))
			TD_LOG_ERR(self->td);
		ret = td_recv_chunk(self->td, tl_add_cb, &l);
		ASSERT_EQ(1, ret) TD_LOG_ERR(self->td);
		/* Its children die with it (PR_SET_PDEATHSIG) */
		kill_wait(target);
		ret = td_recv_all(self->td, tl_add_cb, &l);
		EXPECT_EQ(0, ret) TD_LOG_ERR(self->td);
		ASSERT_EQ(0, tl_pids(&l, &got));
		EXPECT_TRUE(pl_ascending(&got));
		for (i = 0, ret = 0; i < (int)l.n; i++)
			ret |= threads && l.v[i].tgid != target;
		EXPECT_EQ(0, ret) TH_LOG("a thread of another process");
		TH_LOG("%s: %zu tasks before and after the exit",
		       threads ? "thread" : "children", l.n);
		pl_free(&got);
		tl_free(&l);
	}
}

TEST_HARNESS_MAIN
