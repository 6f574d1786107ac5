// SPDX-License-Identifier: GPL-2.0
/*
 * The cred group against the credential lines of /proc/PID/status, for
 * tasks whose credentials are made distinct on purpose: every id, every
 * capability set, no-new-privs, both seccomp modes, user namespaces on
 * either side, and a group list that needs several messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW_CRED	(1ULL << TASKDIAG_GROUP_CRED)
#define OVERFLOW_ID	65534
#define NR_BIG_GROUPS	2000
#define SMALL_BUF	4096

/* The status values in the order of TASKDIAG_A_CRED_* */
static void proc_cred_values(const struct proc_cred *pc, uint64_t *v)
{
	int i;

	for (i = 0; i < 4; i++) {
		v[TASKDIAG_A_CRED_UID + i] = pc->uid[i];
		v[TASKDIAG_A_CRED_GID + i] = pc->gid[i];
	}
	for (i = 0; i < 5; i++)
		v[TASKDIAG_A_CRED_CAP_INHERITABLE + i] = pc->cap[i];
	v[TASKDIAG_A_CRED_NO_NEW_PRIVS] = pc->nnp;
	v[TASKDIAG_A_CRED_SECCOMP] = pc->seccomp;
	v[TASKDIAG_A_CRED_SECCOMP_FILTERS] = pc->filters;
}

/*
 * Field by field, the groups in order. Returns the number of mismatches,
 * described in why (for a child that cannot use the harness).
 */
static int cmp_cred(const struct td_merge *m, const struct proc_cred *pc,
		    char *why, size_t len)
{
	const struct td_task *t = &m->task;
	uint64_t v[TASKDIAG_A_CRED_MAX + 1] = {};
	int i, bad = 0, off = 0;
	size_t g;

	why[0] = '\0';
#define WHY(...) do {							\
	bad++;								\
	if (off < (int)len)						\
		off += snprintf(why + off, len - off, __VA_ARGS__);	\
} while (0)
	if (!t->has_cred)
		WHY("no cred nest; ");
	if (t->bad_cred || t->bad_task)
		WHY("malformed: cred %#x task %#x; ", t->bad_cred, t->bad_task);
	if (t->has_withheld)
		WHY("withheld %#llx; ", (unsigned long long)t->withheld);
	proc_cred_values(pc, v);
	for (i = TASKDIAG_A_CRED_UID; i <= TASKDIAG_A_CRED_MAX; i++) {
		if (i == TASKDIAG_A_CRED_GROUPS)
			continue;
		if (!(t->cred.present & (1U << i)))
			WHY("%s missing; ", td_cred_names[i]);
		else if (t->cred.v[i] != v[i])
			WHY("%s %#llx, status %#llx; ", td_cred_names[i],
			    (unsigned long long)t->cred.v[i],
			    (unsigned long long)v[i]);
	}
	if (m->ngroups != pc->ngroups)
		WHY("%zu groups, status %zu; ", m->ngroups, pc->ngroups);
	for (g = 0; g < m->ngroups && g < pc->ngroups; g++) {
		if (m->groups[g] != pc->groups[g]) {
			WHY("group %zu is %u, status %u; ", g, m->groups[g],
			    pc->groups[g]);
			break;
		}
	}
#undef WHY
	return bad;
}

/* Dump strategy one of pid with bufsize and compare with PROC/PID/status */
static int check_cred(pid_t pid, const char *proc, size_t bufsize,
		      struct td_merge *m, char *why, size_t len)
{
	struct proc_cred pc;
	char path[64];
	struct td *td;
	int ret;

	ret = td_open(&td, bufsize, false);
	if (ret) {
		snprintf(why, len, "td_open: %s", strerror(-ret));
		return ret == -ENOENT ? -ENOENT : 1;
	}
	ret = td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, pid, SHOW_CRED, m, NULL);
	if (ret) {
		snprintf(why, len, "dump: %s, extack \"%s\", %s",
			 strerror(-ret), td->err.msg, m->err);
		td_close(td);
		return 1;
	}
	td_close(td);
	snprintf(path, sizeof(path), "%s/%d/status", proc, pid);
	ret = proc_read_cred(path, &pc);
	if (ret) {
		snprintf(why, len, "%s: %s", path, strerror(-ret));
		return 1;
	}
	ret = cmp_cred(m, &pc, why, len);
	free(pc.groups);
	return ret;
}

static void release(pid_t pid, int hold)
{
	close(hold);
	kill_wait(pid);
}

#define CHECK_CRED(pid, bufsize) do {					\
	struct td_merge __m = {};					\
	char __why[1024];						\
	int __ret = check_cred(pid, "/proc", bufsize, &__m, __why,	\
			       sizeof(__why));				\
									\
	if (__ret == -ENOENT)						\
		SKIP(goto skip, TD_SKIP_MSG);				\
	EXPECT_EQ(0, __ret) TH_LOG("pid %d: %s", pid, __why);		\
	td_merge_free(&__m);						\
} while (0)

static int capset_(uint64_t inh, uint64_t prm, uint64_t eff)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ eff >> 32, prm >> 32, inh >> 32 },
	};

	return syscall(SYS_capset, &hdr, data);
}

#define CAP(c)	(1ULL << (c))

/* Every id distinct, every capability set different from the others */
static int setup_ids_caps(void *arg)
{
	gid_t groups[] = { 3003, 1001, 2002, 4004 };
	uint64_t all = CAP(CAP_LAST_CAP + 1) - 1;

	/* Keep the permitted set across the uid change */
	if (prctl(PR_SET_KEEPCAPS, 1) ||
	    setgroups(ARRAY_SIZE(groups), groups) ||
	    prctl(PR_CAPBSET_DROP, CAP_SYS_MODULE) ||
	    prctl(PR_CAPBSET_DROP, CAP_MKNOD) ||
	    setresgid(2001, 2002, 2003))
		return -1;
	/* Allowed while CAP_SETGID is effective */
	setfsgid(2004);
	if (setresuid(1001, 1002, 1003))
		return -1;
	/* The effective set is empty now: fsuid may only be r/e/s uid */
	setfsuid(1003);
	if (capset_(CAP(CAP_NET_RAW) | CAP(CAP_CHOWN),
		    all & ~CAP(CAP_SYS_BOOT) & ~CAP(CAP_SYS_MODULE),
		    CAP(CAP_CHOWN) | CAP(CAP_KILL)) ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return 0;
}

TEST(ids_caps_nnp)
{
	struct td_merge m = {};
	struct proc_cred pc;
	char path[64];
	int hold;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root");
	pid = spawn_prepared(setup_ids_caps, NULL, &hold);
	ASSERT_LT(0, pid);
	CHECK_CRED(pid, 0);

	/* The setup did what it says: the values compared are not trivial */
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT_EQ(0, proc_read_cred(path, &pc));
	EXPECT_EQ(1001, pc.uid[0]);
	EXPECT_EQ(1002, pc.uid[1]);
	EXPECT_EQ(1003, pc.uid[2]);
	EXPECT_EQ(1003, pc.uid[3]);
	EXPECT_EQ(2001, pc.gid[0]);
	EXPECT_EQ(2004, pc.gid[3]);
	EXPECT_EQ(4, pc.ngroups);
	EXPECT_EQ(CAP(CAP_NET_RAW), pc.cap[4]);
	EXPECT_EQ(0, pc.cap[3] & CAP(CAP_MKNOD));
	EXPECT_EQ(1, pc.nnp);
	free(pc.groups);
skip:
	td_merge_free(&m);
	release(pid, hold);
}

static int setup_strict(void *arg)
{
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
}

static int setup_filters(void *arg)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(allow),
		.filter = allow,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -1;
	return 0;
}

/* Both seccomp modes; the status file says which is which */
TEST(seccomp)
{
	struct proc_cred pc;
	char path[64];
	pid_t strict, filter;
	int h1, h2;

	strict = spawn_prepared(setup_strict, NULL, &h1);
	ASSERT_LT(0, strict);
	filter = spawn_prepared(setup_filters, NULL, &h2);
	ASSERT_LT(0, filter);
	CHECK_CRED(strict, 0);
	CHECK_CRED(filter, 0);

	snprintf(path, sizeof(path), "/proc/%d/status", strict);
	ASSERT_EQ(0, proc_read_cred(path, &pc));
	EXPECT_EQ(TASKDIAG_SECCOMP_MODE_STRICT, pc.seccomp);
	free(pc.groups);
	snprintf(path, sizeof(path), "/proc/%d/status", filter);
	ASSERT_EQ(0, proc_read_cred(path, &pc));
	EXPECT_EQ(TASKDIAG_SECCOMP_MODE_FILTER, pc.seccomp);
	EXPECT_EQ(2, pc.filters);
	free(pc.groups);
skip:
	release(strict, h1);
	release(filter, h2);
}

/* Map ids 0..9 of the user namespace of pid to 100000..100009 */
static int map_ids(pid_t pid, const char *uid_map, const char *gid_map)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (write_str(path, uid_map))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_str(path, gid_map);
}

/*
 * A task in a user namespace with ids 1, 2, 3 there: the requester, in the
 * initial namespace, sees the kernel ids 100001...
 */
TEST(target_in_userns)
{
	int to_child[2], from_child[2];
	struct proc_cred pc;
	char path[64], c;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(from_child));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		gid_t g[] = { 5, 7 };

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = !unshare(CLONE_NEWUSER);
		if (write(from_child[1], &c, 1) != 1 ||
		    read(to_child[0], &c, 1) != 1 || !c)
			_exit(1);
		c = !setgroups(ARRAY_SIZE(g), g) && !setresgid(4, 5, 6) &&
		    !setresuid(1, 2, 3);
		if (write(from_child[1], &c, 1) != 1)
			_exit(1);
		/* Until the parent closes its end */
		while (read(to_child[0], &c, 1) > 0)
			;
		_exit(0);
	}
	ASSERT_EQ(1, read(from_child[0], &c, 1));
	ASSERT_EQ(1, c);
	c = !map_ids(pid, "0 100000 10", "0 100000 10");
	ASSERT_EQ(1, write(to_child[1], &c, 1));
	ASSERT_EQ(1, c);
	ASSERT_EQ(1, read(from_child[0], &c, 1));
	ASSERT_EQ(1, c);

	CHECK_CRED(pid, 0);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT_EQ(0, proc_read_cred(path, &pc));
	EXPECT_EQ(100001, pc.uid[0]);
	EXPECT_EQ(100006, pc.gid[2]);
	ASSERT_EQ(2, pc.ngroups);
	EXPECT_EQ(100007, pc.groups[1]);
	free(pc.groups);
skip:
	close(to_child[1]);
	kill_wait(pid);
}

static int setup_mixed_ids(void *arg)
{
	gid_t g[] = { 0, 1000, 1001 };

	if (setgroups(ARRAY_SIZE(g), g) || setresgid(0, 1000, 0))
		return -1;
	return setresuid(1000, 0, 1000);
}

/*
 * A requester in a user namespace that maps its root only: the ids of the
 * target it cannot map read as the overflow id, as in its /proc.
 */
TEST(requester_in_userns)
{
	int to_child[2], from_child[2];
	char why[1024] = "", c;
	pid_t target, pid;
	int hold, status;

	if (geteuid())
		SKIP(return, "needs root");
	target = spawn_prepared(setup_mixed_ids, NULL, &hold);
	ASSERT_LT(0, target);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(from_child));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct td_merge m = {};
		struct proc_cred pc;
		char path[64];
		int ret;

		c = !unshare(CLONE_NEWUSER);
		if (write(from_child[1], &c, 1) != 1 ||
		    read(to_child[0], &c, 1) != 1 || !c)
			_exit(2);
		ret = check_cred(target, "/proc", 0, &m, why, sizeof(why));
		if (ret == -ENOENT)
			_exit(4);
		snprintf(path, sizeof(path), "/proc/%d/status", target);
		/* The overflow ids are really there to compare with */
		if (!ret && (proc_read_cred(path, &pc) ||
			     pc.uid[0] != OVERFLOW_ID || pc.uid[1] != 0 ||
			     pc.ngroups != 3 || pc.groups[1] != OVERFLOW_ID)) {
			snprintf(why, sizeof(why), "unexpected status ids");
			ret = 1;
		}
		if (ret && write(from_child[1], why, strlen(why)) < 0)
			_exit(2);
		_exit(ret ? 3 : 0);
	}
	ASSERT_EQ(1, read(from_child[0], &c, 1));
	ASSERT_EQ(1, c);
	c = !map_ids(pid, "0 0 1", "0 0 1");
	ASSERT_EQ(1, write(to_child[1], &c, 1));
	close(from_child[1]);
	memset(why, 0, sizeof(why));
	if (read(from_child[0], why, sizeof(why) - 1) < 0)
		why[0] = '\0';
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	release(target, hold);
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 4)
		SKIP(return, TD_SKIP_MSG);
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s", why);
}

struct big_groups {
	gid_t *g;
	int n;
};

static int setup_big_groups(void *arg)
{
	struct big_groups *b = arg;

	return setgroups(b->n, b->g);
}

struct parts {
	unsigned int n;		/* messages */
	unsigned int conts;	/* with cont */
	unsigned int bad;	/* without pid/tgid, or a cont not last */
	unsigned int total;	/* groups over all messages */
	bool last_cont;
};

static int count_parts_cb(const struct td_task *t, void *arg)
{
	struct parts *p = arg;

	p->n++;
	if (!t->has_pid || !t->has_tgid || t->pid != t->tgid)
		p->bad++;
	p->conts += t->cont;
	p->last_cont = t->cont;
	p->total += t->cred.ngroups;
	/* A dump that never ends would repeat the same groups forever */
	return p->n > 1000 ? -ELOOP : 0;
}

static void big_groups(struct __test_metadata *_metadata, bool dups)
{
	struct big_groups b = { .n = NR_BIG_GROUPS };
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, 0);
	struct parts p = {};
	struct td *td = NULL;
	int hold, i, ret;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root");
	TD_OPEN_OR_SKIP(&td, SMALL_BUF, false);
	b.g = calloc(b.n, sizeof(*b.g));
	ASSERT_NE(NULL, b.g);
	/* Out of order: the kernel sorts them */
	for (i = 0; i < b.n; i++)
		b.g[i] = 10000 + (dups ? i / 3 : (i * 7919) % b.n);
	pid = spawn_prepared(setup_big_groups, &b, &hold);
	ASSERT_LT(0, pid);

	req.pid = pid;
	req.has_show_flags = true;
	req.show_flags = SHOW_CRED | (1ULL << TASKDIAG_GROUP_BASE);
	ret = td_run(td, &req, NULL, count_parts_cb, &p);
	EXPECT_EQ(0, ret) TD_LOG_ERR(td);
	/* 2,000 groups are 16 KB: at least four 4 KiB messages */
	EXPECT_LE(4, p.n);
	EXPECT_EQ(p.n - 1, p.conts);
	EXPECT_FALSE(p.last_cont);
	EXPECT_EQ(0, p.bad);
	EXPECT_EQ(NR_BIG_GROUPS, p.total);
	td_close(td);

	/* Merged, the list is the status file's */
	CHECK_CRED(pid, SMALL_BUF);
skip:
	release(pid, hold);
	free(b.g);
}

TEST(big_groups_split)
{
	big_groups(_metadata, false);
}

/*
 * setgroups() keeps duplicates, and status shows them: a split between
 * two equal gids must neither repeat nor lose one.
 */
TEST(big_groups_split_duplicates)
{
	big_groups(_metadata, true);
}

/*
 * A kernel thread: kthreadd (pid 2) has the kernel's own credentials,
 * every capability but no ambient one, as its status file shows.
 */
TEST(kernel_thread)
{
	struct proc_cred pc;

	CHECK_CRED(2, SMALL_BUF);
	ASSERT_EQ(0, proc_read_cred("/proc/2/status", &pc));
	EXPECT_EQ(0, pc.uid[1]);
	EXPECT_EQ(0, pc.ngroups);
	EXPECT_NE(0, pc.cap[1]);
	EXPECT_EQ(0, pc.cap[4]);
	free(pc.groups);
skip:
	return;
}

TEST_HARNESS_MAIN
