// SPDX-License-Identifier: GPL-2.0
/*
 * Who may see the protected part of the stat group (/proc/PID/io and the
 * delays): both the requester and the socket's opener need
 * PTRACE_MODE_READ_FSCREDS and must be able to open /proc/PID/io (0400,
 * root's when the task has no dumpable map). The rest is visible to
 * everyone, and the message names exactly the groups it left out. Where
 * a child asks, it reads /proc/PID/io too, with the same credentials:
 * the counters are withheld exactly when that read fails.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW_ALL	((1ULL << TASKDIAG_GROUP_BASE) |		\
			 (1ULL << TASKDIAG_GROUP_CRED) |		\
			 (1ULL << TASKDIAG_GROUP_STAT))

/* Everything but the protected part, which is announced as withheld */
static void expect_withheld(struct __test_metadata *_metadata,
			    const struct fetch_result *r, uint32_t uid)
{
	ASSERT_EQ(0, r->err);
	EXPECT_TRUE(r->t.has_base);
	EXPECT_TRUE(r->t.has_cred);
	EXPECT_EQ(TD_CRED_ALL & ~(1U << TASKDIAG_A_CRED_GROUPS),
		  r->t.cred.present & ~(1U << TASKDIAG_A_CRED_GROUPS));
	EXPECT_EQ(uid, r->t.cred.v[TASKDIAG_A_CRED_UID]);
	ASSERT_TRUE(r->t.has_stat);
	EXPECT_EQ(TD_STAT_ALWAYS, r->t.stat.present & ~TD_STAT_COUNTERS)
		TH_LOG("present %#llx", (unsigned long long)r->t.stat.present);
	EXPECT_EQ(0, r->t.stat.present & TD_STAT_PROTECTED)
		TH_LOG("present %#llx", (unsigned long long)r->t.stat.present);
	ASSERT_TRUE(r->t.has_withheld);
	EXPECT_EQ(1ULL << TASKDIAG_GROUP_STAT, r->t.withheld);
}

static void expect_all(struct __test_metadata *_metadata,
		       const struct fetch_result *r)
{
	ASSERT_EQ(0, r->err);
	EXPECT_TRUE(r->t.has_base);
	EXPECT_TRUE(r->t.has_cred);
	ASSERT_TRUE(r->t.has_stat);
	EXPECT_EQ(TD_STAT_ALWAYS, r->t.stat.present & ~TD_STAT_COUNTERS)
		TH_LOG("present %#llx", (unsigned long long)r->t.stat.present);
	/*
	 * The counters are left out when 0, but a live task has waited for
	 * a CPU (counted without task_delayacct); a zombie's totals are 0.
	 */
	if (r->t.base.state != TASKDIAG_TASK_STATE_ZOMBIE)
		EXPECT_TRUE(r->t.stat.present &
			    (1ULL << TASKDIAG_A_STAT_CPU_DELAY_COUNT))
			TH_LOG("present %#llx",
			       (unsigned long long)r->t.stat.present);
	EXPECT_FALSE(r->t.has_withheld);
}

/* /proc/PID/io, read by the child with the same credentials, agrees */
static void expect_io_parity(struct __test_metadata *_metadata,
			     const struct fetch_result *r)
{
	bool withheld = r->t.has_withheld &&
			(r->t.withheld & (1ULL << TASKDIAG_GROUP_STAT));

	EXPECT_EQ(withheld, r->io_errno != 0)
		TH_LOG("counters %s, /proc/PID/io: %s",
		       withheld ? "withheld" : "shown",
		       r->io_errno ? strerror(r->io_errno) : "read");
}

/* nobody sees init's base, cred and public stat, but not its io */
TEST(nobody_reads_init)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(AS_NOBODY, 1, SHOW_ALL, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, 0);
	expect_io_parity(_metadata, &r);
}

/*
 * ... nor its own: its uid change left it not dumpable, and being the
 * target gives the requester nothing (no same_thread_group() shortcut,
 * where /proc/self/io has one)
 */
TEST(nobody_reads_self)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(AS_NOBODY, 0, SHOW_ALL, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, NOBODY);
	expect_io_parity(_metadata, &r);
}

/* Same uid: the target's dumpability decides, as for /proc/PID/io */
TEST(same_uid_dumpable)
{
	struct fetch_result r;
	int h1, h2;
	pid_t d, nd;

	if (geteuid())
		SKIP(return, "needs root");
	d = spawn_nobody(true, &h1);
	ASSERT_LT(0, d);
	nd = spawn_nobody(false, &h2);
	ASSERT_LT(0, nd);
	fetch_as(AS_NOBODY, d, SHOW_ALL, &r);
	SKIP_IF_NONE(&r);
	expect_all(_metadata, &r);
	expect_io_parity(_metadata, &r);
	fetch_as(AS_NOBODY, nd, SHOW_ALL, &r);
	expect_withheld(_metadata, &r, NOBODY);
	expect_io_parity(_metadata, &r);
	close(h1);
	close(h2);
	kill_wait(d);
	kill_wait(nd);
}

/* Root that opened the socket and dropped to nobody: the sender counts */
TEST(dropped_after_open)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(DROP_AFTER_OPEN, 1, SHOW_ALL, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, 0);
	expect_io_parity(_metadata, &r);
}

/*
 * A zombie has no map: its /proc/PID/io is root's (task_dump_owner()),
 * and its owner, who passes the ptrace check, may not read it. Neither
 * may it get the counters here; root gets them.
 */
TEST(zombie_of_same_uid)
{
	struct fetch_result r;
	struct td *td;
	siginfo_t si;
	pid_t z;

	if (geteuid())
		SKIP(return, "needs root");
	z = fork();
	ASSERT_LE(0, z);
	if (!z)
		_exit(drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1));
	ASSERT_EQ(0, waitid(P_PID, z, &si, WEXITED | WNOWAIT));
	ASSERT_EQ(0, si.si_status);

	fetch_as(AS_NOBODY, z, SHOW_ALL, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, NOBODY);
	expect_io_parity(_metadata, &r);

	TD_OPEN_OR_SKIP(&td, 0, false);
	fetch_one(td, z, SHOW_ALL, &r);
	expect_all(_metadata, &r);
	td_close(td);
	ASSERT_EQ(z, waitpid(z, NULL, 0));
}

/*
 * CAP_SYS_PTRACE passes the ptrace check but not the file's mode: nobody
 * with that capability alone may not read root's /proc/PID/io, nor get
 * its counters here.
 */
TEST(ptrace_capability_alone)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(AS_NOBODY_PTRACE, 1, SHOW_ALL, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, 0);
	expect_io_parity(_metadata, &r);
}

/*
 * A socket opened by nobody and written by root (as a set-uid program
 * whose stdout is the socket would): the opener counts.
 */
TEST(opened_by_nobody)
{
	struct td *mine, *td;
	struct fetch_result r;
	int fd;

	if (geteuid())
		SKIP(return, "needs root");
	TD_OPEN_OR_SKIP(&mine, 0, false);
	fd = nobody_socket();
	ASSERT_LE(0, fd) TH_LOG("nobody_socket(): %s", strerror(-fd));
	ASSERT_EQ(0, td_open_fd(&td, fd, mine->family, 0, 0, false));
	fetch_one(td, 1, SHOW_ALL, &r);
	expect_withheld(_metadata, &r, 0);

	/* The control: root's own socket sees it all */
	fetch_one(mine, 1, SHOW_ALL, &r);
	expect_all(_metadata, &r);
	td_close(td);
	td_close(mine);
}

TEST_HARNESS_MAIN
