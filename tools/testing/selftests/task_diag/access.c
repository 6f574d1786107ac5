// SPDX-License-Identifier: GPL-2.0
/*
 * Who may see the protected part of the stat group (/proc/PID/io and the
 * delays): both the requester and the socket's opener need
 * PTRACE_MODE_READ_FSCREDS. The rest is visible to everyone, and the
 * message names exactly the groups it left out.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define NOBODY		65534
#define SHOW_ALL	((1ULL << TASKDIAG_GROUP_BASE) |		\
			 (1ULL << TASKDIAG_GROUP_CRED) |		\
			 (1ULL << TASKDIAG_GROUP_STAT))

/* What a child found, for the parent to check */
struct result {
	int err;		/* of the dump, or 1 when a step failed */
	int enoent;
	struct td_task t;
};

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

static void fetch(struct td *td, pid_t pid, struct result *r)
{
	struct td_merge m = {};

	r->err = td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, pid, SHOW_ALL, &m,
			  NULL);
	r->t = m.task;
	r->t.cred.groups = NULL;
	td_merge_free(&m);
}

enum mode { AS_NOBODY, DROP_AFTER_OPEN, DUMPABLE };

/* In a child: become nobody (before or after opening), dump target */
static void child_fetch(enum mode mode, pid_t target, struct result *r)
{
	int p[2], status;
	struct td *td;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->err = 1;
	if (pipe(p))
		return;
	pid = fork();
	if (!pid) {
		struct result cr = { .err = 1 };
		int ret;

		if (mode != DROP_AFTER_OPEN && drop_to_nobody())
			goto out;
		ret = td_open(&td, 0, false);
		if (ret) {
			cr.enoent = ret == -ENOENT;
			goto out;
		}
		if (mode == DROP_AFTER_OPEN && drop_to_nobody())
			goto out;
		fetch(td, target ?: getpid(), &cr);
out:
		if (write(p[1], &cr, sizeof(cr)) != sizeof(cr))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read_full(p[0], r, sizeof(*r)))
		r->err = 1;
	close(p[0]);
	waitpid(pid, &status, 0);
}

/* Everything but the protected part, which is announced as withheld */
static void expect_withheld(struct __test_metadata *_metadata,
			    const struct result *r, uint32_t uid)
{
	ASSERT_EQ(0, r->err);
	EXPECT_TRUE(r->t.has_base);
	EXPECT_TRUE(r->t.has_cred);
	EXPECT_EQ(TD_CRED_ALL & ~(1U << TASKDIAG_A_CRED_GROUPS),
		  r->t.cred.present & ~(1U << TASKDIAG_A_CRED_GROUPS));
	EXPECT_EQ(uid, r->t.cred.v[TASKDIAG_A_CRED_UID]);
	ASSERT_TRUE(r->t.has_stat);
	EXPECT_EQ(TD_STAT_PUBLIC, r->t.stat.present)
		TH_LOG("present %#llx", (unsigned long long)r->t.stat.present);
	ASSERT_TRUE(r->t.has_withheld);
	EXPECT_EQ(1ULL << TASKDIAG_GROUP_STAT, r->t.withheld);
}

static void expect_all(struct __test_metadata *_metadata,
		       const struct result *r)
{
	ASSERT_EQ(0, r->err);
	EXPECT_TRUE(r->t.has_base);
	EXPECT_TRUE(r->t.has_cred);
	ASSERT_TRUE(r->t.has_stat);
	EXPECT_EQ(TD_STAT_PUBLIC | TD_STAT_PROTECTED, r->t.stat.present)
		TH_LOG("present %#llx", (unsigned long long)r->t.stat.present);
	EXPECT_FALSE(r->t.has_withheld);
}

#define SKIP_IF_NONE(r) do {						\
	if ((r)->enoent)						\
		SKIP(return, TD_SKIP_MSG);				\
} while (0)

/* nobody sees init's base, cred and public stat, but not its io */
TEST(nobody_reads_init)
{
	struct result r;

	if (geteuid())
		SKIP(return, "needs root");
	child_fetch(AS_NOBODY, 1, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, 0);
}

/* ... and everything of its own process */
TEST(nobody_reads_self)
{
	struct result r;

	if (geteuid())
		SKIP(return, "needs root");
	child_fetch(AS_NOBODY, 0, &r);
	SKIP_IF_NONE(&r);
	expect_all(_metadata, &r);
	EXPECT_EQ(NOBODY, r.t.cred.v[TASKDIAG_A_CRED_UID]);
}

/* Become nobody, dumpable or not (the uid change made it non-dumpable) */
static int become_nobody(void *dumpable)
{
	return drop_to_nobody() || prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0);
}

/* A nobody process, dumpable or not, until hold is closed */
static pid_t spawn_nobody(bool dumpable, int *hold)
{
	return spawn_prepared(become_nobody, dumpable ? (void *)1 : NULL, hold);
}

/* Same uid: the target's dumpability decides, as for /proc/PID/io */
TEST(same_uid_dumpable)
{
	struct result r;
	int h1, h2;
	pid_t d, nd;

	if (geteuid())
		SKIP(return, "needs root");
	d = spawn_nobody(true, &h1);
	ASSERT_LT(0, d);
	nd = spawn_nobody(false, &h2);
	ASSERT_LT(0, nd);
	child_fetch(AS_NOBODY, d, &r);
	if (!r.enoent)
		expect_all(_metadata, &r);
	child_fetch(AS_NOBODY, nd, &r);
	if (!r.enoent)
		expect_withheld(_metadata, &r, NOBODY);
	close(h1);
	close(h2);
	kill_wait(d);
	kill_wait(nd);
}

/* Root that opened the socket and dropped to nobody: the sender counts */
TEST(dropped_after_open)
{
	struct result r;

	if (geteuid())
		SKIP(return, "needs root");
	child_fetch(DROP_AFTER_OPEN, 1, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, 0);
}

/*
 * A socket opened by nobody and written by root (as a set-uid program
 * whose stdout is the socket would): the opener counts.
 */
TEST(opened_by_nobody)
{
	struct td *mine, *td;
	struct result r = {};
	int sp[2], fd = -1;
	pid_t pid;
	char c;

	if (geteuid())
		SKIP(return, "needs root");
	TD_OPEN_OR_SKIP(&mine, 0, false);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sp));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct td *ntd;

		if (drop_to_nobody() || td_open(&ntd, 0, false) ||
		    send_fd(sp[1], td_fd(ntd), "x", 1))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(0, recv_fd(sp[0], &fd, &c, 1));
	waitpid(pid, NULL, 0);
	ASSERT_EQ(0, td_open_fd(&td, fd, mine->family, 0, 0, false));
	fetch(td, 1, &r);
	expect_withheld(_metadata, &r, 0);

	/* The control: root's own socket sees it all */
	fetch(mine, 1, &r);
	expect_all(_metadata, &r);
	td_close(td);
	td_close(mine);
}

TEST_HARNESS_MAIN
