// SPDX-License-Identifier: GPL-2.0
/*
 * Rejected requests: each gets the right errno, an extack message, and the
 * offset of the bad attribute or the type of the missing one where there is
 * one; the socket works afterwards.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <netlink/attr.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

FIXTURE(errors) {
	struct td *td;
	uint32_t no_pid;	/* a pid no task has */
};

FIXTURE_SETUP(errors)
{
	long pid_max;
	FILE *f;

	TD_OPEN_OR_SKIP(&self->td, 0, true);
	/* pids are below pid_max */
	f = fopen("/proc/sys/kernel/pid_max", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%ld", &pid_max));
	fclose(f);
	self->no_pid = pid_max;
}

FIXTURE_TEARDOWN(errors)
{
	struct td_req req = { .has_pid = true, .pid = getpid() };
	struct tasklist l = {};

	/* No error left the socket in a bad state */
	if (self->td && !_metadata->exit_code) {
		EXPECT_EQ(0, td_run(self->td, &req, NULL, tl_add_cb, &l))
			TD_LOG_ERR(self->td);
		EXPECT_EQ(1, l.n);
		tl_free(&l);
	}
	td_close(self->td);
}

/*
 * Send msg and expect err with a message and, if bad_attr > 0, the offset
 * of that attribute, or if miss_type > 0, that missing attribute.
 */
static void expect_error(struct __test_metadata *_metadata, struct td *td,
			 struct nl_msg *msg, int err, int bad_attr,
			 int miss_type, const char *what)
{
	struct tasklist l = {};
	int ret;

	ASSERT_NE(NULL, msg);
	ret = td_send(td, msg, NULL);
	ASSERT_EQ(0, ret) TH_LOG("%s: sendmsg(): %s", what, strerror(-ret));
	ret = td_recv_all(td, tl_add_cb, &l);
	EXPECT_EQ(err, ret)
		TH_LOG("%s: %s (%d), want %s", what, strerror(-ret), ret,
		       strerror(-err));
	EXPECT_EQ(err, td->err.error);
	/* Rejected as a request, before any reply */
	EXPECT_EQ(0, l.n) TH_LOG("%s: %zu replies", what, l.n);
	EXPECT_FALSE(td->err.in_done) TH_LOG("%s: error in NLMSG_DONE", what);
	EXPECT_NE(0, td->err.msg[0]) TH_LOG("%s: no extack message", what);
	if (bad_attr > 0) {
		long offs = td_msg_attr_offset(msg, bad_attr);

		ASSERT_LT(0, offs);
		EXPECT_TRUE(td->err.has_offs)
			TH_LOG("%s: no bad attribute (\"%s\")", what,
			       td->err.msg);
		EXPECT_EQ(offs, td->err.offs)
			TH_LOG("%s: bad attribute at %u, want %ld", what,
			       td->err.offs, offs);
	}
	if (miss_type > 0) {
		EXPECT_TRUE(td->err.has_miss_type)
			TH_LOG("%s: no missing attribute (\"%s\")", what,
			       td->err.msg);
		EXPECT_EQ(miss_type, td->err.miss_type);
	}
	TH_LOG("%s: %s, \"%s\"", what, strerror(-td->err.error), td->err.msg);
	nlmsg_free(msg);
	tl_free(&l);
}

static struct nl_msg *req_msg(struct td *td, const struct td_req *req)
{
	struct nl_msg *msg = td_msg_alloc(td, req->dump);

	if (msg && td_msg_put_req(msg, req)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

TEST_F(errors, unknown_strategy)
{
	uint32_t bad[] = { TASKDIAG_DUMP_STRATEGY_ONE + 1, 0xffffffff };
	struct td_req req = { .dump = true, .has_strategy = true };
	int i;

	for (i = 0; i < 2; i++) {
		req.strategy = bad[i];
		/* Out of the policy's range, whether or not a pid is given */
		req.has_pid = false;
		expect_error(_metadata, self->td, req_msg(self->td, &req),
			     -ERANGE, TASKDIAG_A_TASK_DUMP_STRATEGY, 0,
			     "strategy out of range");
		req.has_pid = true;
		req.pid = getpid();
		expect_error(_metadata, self->td, req_msg(self->td, &req),
			     -ERANGE, TASKDIAG_A_TASK_DUMP_STRATEGY, 0,
			     "strategy out of range, with pid");
	}
}

TEST_F(errors, unknown_show_flags)
{
	uint64_t bad[] = { 1ULL << (TASKDIAG_GROUP_VMA_STAT + 1), 1ULL << 63,
			   ~0ULL };
	struct td_req req = { .has_show_flags = true, .has_pid = true,
			      .pid = getpid() };
	int i;

	for (i = 0; i < 3; i++) {
		req.show_flags = bad[i] | 1ULL << TASKDIAG_GROUP_BASE;
		req.dump = true;
		expect_error(_metadata, self->td, req_msg(self->td, &req),
			     -EINVAL, TASKDIAG_A_TASK_SHOW_FLAGS, 0,
			     "unknown group, dump");
		req.dump = false;
		expect_error(_metadata, self->td, req_msg(self->td, &req),
			     -EINVAL, TASKDIAG_A_TASK_SHOW_FLAGS, 0,
			     "unknown group, do");
	}
}

TEST_F(errors, pid_missing)
{
	uint32_t need[] = { TASKDIAG_DUMP_STRATEGY_CHILDREN,
			    TASKDIAG_DUMP_STRATEGY_THREAD,
			    TASKDIAG_DUMP_STRATEGY_ONE };
	struct td_req req = { .dump = true, .has_strategy = true };
	int i;

	for (i = 0; i < 3; i++) {
		req.strategy = need[i];
		expect_error(_metadata, self->td, req_msg(self->td, &req),
			     -EINVAL, 0, TASKDIAG_A_TASK_PID,
			     td_strategy_name(need[i]));
	}
	req = (struct td_req){ .dump = false };
	expect_error(_metadata, self->td, req_msg(self->td, &req), -EINVAL, 0,
		     TASKDIAG_A_TASK_PID, "do");
}

TEST_F(errors, pid_not_used)
{
	struct td_req req = { .dump = true, .has_pid = true, .pid = getpid() };

	req.has_strategy = true;
	req.strategy = TASKDIAG_DUMP_STRATEGY_ALL;
	expect_error(_metadata, self->td, req_msg(self->td, &req), -EINVAL,
		     TASKDIAG_A_TASK_PID, 0, "all");
	req.strategy = TASKDIAG_DUMP_STRATEGY_ALL_THREAD;
	expect_error(_metadata, self->td, req_msg(self->td, &req), -EINVAL,
		     TASKDIAG_A_TASK_PID, 0, "all-thread");
	/* No strategy is all */
	req.has_strategy = false;
	expect_error(_metadata, self->td, req_msg(self->td, &req), -EINVAL,
		     TASKDIAG_A_TASK_PID, 0, "default strategy");
}

TEST_F(errors, pid_not_found)
{
	uint32_t strategies[] = { TASKDIAG_DUMP_STRATEGY_CHILDREN,
				  TASKDIAG_DUMP_STRATEGY_THREAD,
				  TASKDIAG_DUMP_STRATEGY_ONE };
	uint32_t pids[] = { self->no_pid, 0, 0xffffffff };
	struct td_req req;
	char what[64];
	int i, j;

	for (j = 0; j < 3; j++) {
		for (i = 0; i < 3; i++) {
			req = td_dump_req(strategies[i], pids[j]);
			snprintf(what, sizeof(what), "%s %u",
				 td_strategy_name(strategies[i]), pids[j]);
			expect_error(_metadata, self->td,
				     req_msg(self->td, &req), -ESRCH,
				     TASKDIAG_A_TASK_PID, 0, what);
		}
		req = (struct td_req){ .has_pid = true, .pid = pids[j] };
		snprintf(what, sizeof(what), "do %u", pids[j]);
		expect_error(_metadata, self->td, req_msg(self->td, &req),
			     -ESRCH, TASKDIAG_A_TASK_PID, 0, what);
	}
}

/* A do takes no strategy: it is one */
TEST_F(errors, strategy_in_do)
{
	struct td_req req = { .has_pid = true, .pid = getpid(),
			      .has_strategy = true,
			      .strategy = TASKDIAG_DUMP_STRATEGY_ONE };

	expect_error(_metadata, self->td, req_msg(self->td, &req), -EINVAL,
		     TASKDIAG_A_TASK_DUMP_STRATEGY, 0, "do with a strategy");
}

/* Reply attributes, and attributes of the wrong size, in a request */
TEST_F(errors, strict_policy)
{
	struct nl_msg *msg;
	int dump;

	for (dump = 0; dump < 2; dump++) {
		msg = td_msg_alloc(self->td, dump);
		ASSERT_NE(NULL, msg);
		ASSERT_EQ(0, nla_put_u32(msg, TASKDIAG_A_TASK_PID, getpid()));
		ASSERT_EQ(0, nla_put_u32(msg, TASKDIAG_A_TASK_TGID, getpid()));
		expect_error(_metadata, self->td, msg, -EINVAL,
			     TASKDIAG_A_TASK_TGID, 0, "tgid in a request");

		msg = td_msg_alloc(self->td, dump);
		ASSERT_NE(NULL, msg);
		ASSERT_EQ(0, nla_put_u32(msg, TASKDIAG_A_TASK_PID, getpid()));
		ASSERT_EQ(0, nla_put_flag(msg, TASKDIAG_A_TASK_CONT));
		expect_error(_metadata, self->td, msg, -EINVAL,
			     TASKDIAG_A_TASK_CONT, 0, "cont in a request");

		msg = td_msg_alloc(self->td, dump);
		ASSERT_NE(NULL, msg);
		if (dump) {
			ASSERT_EQ(0, nla_put_u32(msg,
						 TASKDIAG_A_TASK_DUMP_STRATEGY,
						 TASKDIAG_DUMP_STRATEGY_ONE));
		}
		ASSERT_EQ(0, nla_put_u64(msg, TASKDIAG_A_TASK_PID, getpid()));
		expect_error(_metadata, self->td, msg, -EINVAL,
			     TASKDIAG_A_TASK_PID, 0, "pid of 8 bytes");

		msg = td_msg_alloc(self->td, dump);
		ASSERT_NE(NULL, msg);
		ASSERT_EQ(0, nla_put_u32(msg, TASKDIAG_A_TASK_PID, getpid()));
		ASSERT_EQ(0, nla_put_u32(msg, TASKDIAG_A_TASK_SHOW_FLAGS, 1));
		expect_error(_metadata, self->td, msg, -EINVAL,
			     TASKDIAG_A_TASK_SHOW_FLAGS, 0,
			     "show-flags of 4 bytes");
	}
}

/*
 * SCM_CREDENTIALS naming no task: the socket layer's check fails sendmsg()
 * itself, before taskdiag sees the request (scm_send() looks the pid up).
 */
TEST_F(errors, scm_pid_not_found)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	struct ucred c = { .pid = self->no_pid, .uid = 0, .gid = 0 };

	EXPECT_EQ(-ESRCH, td_request(self->td, &req, &c));
}

/*
 * A pid the socket layer finds, gone when taskdiag looks it up: the tid of
 * a thread of this process (root may claim any pid of its namespace) that
 * exits while the kernel copies a long request, between scm_send() and
 * the family's handler. The family's own ESRCH, for a do and a dump.
 */
#define SLOW_REQ_LEN	(16 << 20)
#define VANISH_US	10000
#define VANISH_TRIES	6

struct vanishing {
	int go[2];
	long delay_us;
	pid_t tid;
	sem_t started;
};

static void *vanishing_thread(void *arg)
{
	struct vanishing *v = arg;
	char c;

	v->tid = syscall(SYS_gettid);
	sem_post(&v->started);
	/* Exits when told to, and a little later: the pid is free then */
	if (read(v->go[0], &c, 1) == 1)
		usleep(v->delay_us);
	return NULL;
}

static void vanish_now(void *arg)
{
	struct vanishing *v = arg;

	if (write(v->go[1], "x", 1) != 1)
		v->tid = -1;
}

/* One try: 1 if sendmsg() was too late, 2 if the thread was, else 0 */
static int try_vanishing(struct __test_metadata *_metadata, struct td *td,
			 const struct td_req *req, size_t len, long delay_us)
{
	struct vanishing v = { .delay_us = delay_us };
	struct ucred c = { .uid = 0, .gid = 0 };
	pthread_t th;
	int ret;

	ASSERT_EQ(0, pipe(v.go));
	ASSERT_EQ(0, sem_init(&v.started, 0, 0));
	ASSERT_EQ(0, pthread_create(&th, NULL, vanishing_thread, &v));
	sem_wait(&v.started);
	c.pid = v.tid;
	ret = td_request_slow(td, req, &c, len, vanish_now, &v);
	pthread_join(th, NULL);
	close(v.go[0]);
	close(v.go[1]);
	if (ret) {
		/* Gone before scm_send() looked: the socket layer's ESRCH */
		EXPECT_EQ(-ESRCH, ret) TH_LOG("sendmsg(): %s", strerror(-ret));
		return 1;
	}
	ret = td_recv_all(td, NULL, NULL);
	if (!ret)
		return 2;
	EXPECT_EQ(-ESRCH, ret) TD_LOG_ERR(td);
	/* Rejected as a request, and not for its pid attribute */
	EXPECT_FALSE(td->err.in_done);
	EXPECT_NE(0, td->err.msg[0]);
	EXPECT_FALSE(td->err.has_offs) TH_LOG("\"%s\"", td->err.msg);
	TH_LOG("%s: %s, \"%s\"", req->dump ? "dump" : "do",
	       strerror(-td->err.error), td->err.msg);
	return 0;
}

TEST_F_TIMEOUT(errors, scm_pid_vanishes, 120)
{
	struct td_req reqs[] = {
		{ .has_pid = true, .pid = getpid() },
		td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0),
	};
	size_t i;

	if (geteuid())
		SKIP(return, "needs root to claim another pid");
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		size_t len = SLOW_REQ_LEN;
		long delay = VANISH_US;
		int tries, ret = -1;

		for (tries = 0; ret && tries < VANISH_TRIES; tries++) {
			ret = try_vanishing(_metadata, self->td, &reqs[i], len,
					    delay);
			/* Too late for the copy: a longer one; too early: wait */
			if (ret == 2)
				len *= 2;
			else if (ret == 1)
				delay *= 4;
		}
		EXPECT_EQ(0, ret) TH_LOG("%s: the pid never vanished in time",
					 reqs[i].dump ? "dump" : "do");
	}
}

TEST_HARNESS_MAIN
