// SPDX-License-Identifier: GPL-2.0
/*
 * Who asks is decided when the request is sent. The first chunk of a dump
 * is made in the requester's sendmsg(), later ones in whoever calls
 * recvmsg(): here a process in the parent pid namespace, that got the
 * socket over SCM_RIGHTS or by fork(). Every task it reads must still be in
 * the requester's namespace, with that namespace's numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define NR_PROCS	300	/* about ten 4 KiB datagrams of replies */
#define SMALL_BUF	4096

/* What the requester tells the reader about the dump it started */
struct handover {
	int family;
	uint32_t seq;
	uint32_t n;		/* tasks of the first chunk */
	uint32_t pids[SMALL_BUF / 16];
};

FIXTURE(creds) {
	pid_t init;		/* the requester: init of a new pid namespace */
	int sock[2];		/* to it */
	char proc[64];		/* its namespace's /proc */
	struct td *td;		/* the reader's socket */
};

FIXTURE_SETUP(creds)
{
	/*
	 * Peeking at each datagram's size first: one larger than the buffer
	 * would be read whole and seen, not fail with MSG_TRUNC.
	 */
	TD_OPEN_OR_SKIP(&self->td, SMALL_BUF, true);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				self->sock));
}

FIXTURE_TEARDOWN(creds)
{
	close(self->sock[0]);
	close(self->sock[1]);
	kill_wait(self->init);
	td_close(self->td);
}

static int first_chunk_cb(const struct td_task *t, void *arg)
{
	struct handover *h = arg;

	if (h->n >= ARRAY_SIZE(h->pids))
		return -ENOSPC;
	h->pids[h->n++] = t->pid;
	return 0;
}

/*
 * In the new namespace: make the population, send an all dump on td, read
 * one chunk, report it (and the socket if pass_fd), and wait for the reader
 * to be done before the population goes.
 */
static void requester(struct td *td, int sock, bool pass_fd)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	struct handover h = {};
	pid_t *pids;
	char c;

	pids = calloc(NR_PROCS, sizeof(*pids));
	if (!pids || spawn_sleepers(NR_PROCS, 1, NULL, pids))
		_exit(1);
	if (td_request(td, &req, NULL) ||
	    td_recv_chunk(td, first_chunk_cb, &h) != 1) {
		fprintf(stderr, "# dump in the namespace, first chunk: %s, \"%s\"\n",
			strerror(-td->err.error), td->err.msg);
		_exit(2);
	}
	h.family = td->family;
	h.seq = td->seq;
	if (pass_fd) {
		if (send_fd(sock, td_fd(td), &h, sizeof(h)))
			_exit(3);
		/* Only the reader holds it now */
		td_close(td);
	} else if (write_full(sock, &h, sizeof(h))) {
		_exit(3);
	}
	if (read(sock, &c, 1) != 1)
		_exit(4);
	_exit(0);
}

/* Read the rest of the dump and check the union of what both read */
static void read_rest(struct __test_metadata *_metadata,
		      FIXTURE_DATA(creds) *self, const struct handover *h)
{
	struct pidlist got = {}, want = {};
	struct tasklist l = {};
	uint32_t first_got, first_want;
	size_t only_got, only_want, i;
	char why[512];
	int ret;

	ASSERT_LT(0, h->n);
	ASSERT_EQ(self->td->family, h->family);
	td_adopt(self->td, h->seq);
	ret = td_recv_all(self->td, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(self->td);
	/* More than one chunk was left, so several ran in this process */
	EXPECT_LT(1, self->td->stats.nrecv);
	/* Sized by the reader's buffer, whoever reads */
	EXPECT_GE(SMALL_BUF, self->td->stats.max_chunk);

	for (i = 0, ret = 0; i < h->n; i++)
		ret |= pl_add(&got, h->pids[i]);
	ASSERT_EQ(0, ret);
	for (i = 0; i < l.n; i++) {
		const struct td_task *t = &l.v[i];

		ASSERT_EQ(0, pl_add(&got, t->pid));
		/*
		 * Numbers of the requester's namespace: the population are
		 * children of its init, pid 1, whose parent is outside.
		 */
		EXPECT_EQ(t->pid == 1 ? 0 : 1, t->base.ppid)
			TH_LOG("pid %u: ppid %u", t->pid, t->base.ppid);
		ret = td_cmp_proc(t, self->proc, TDC_STATE | TDC_STATUS, why,
				  sizeof(why));
		EXPECT_EQ(0, ret) TH_LOG("%s", ret > 0 ? why : strerror(-ret));
	}
	EXPECT_TRUE(pl_ascending(&got));
	ASSERT_EQ(0, proc_tgids(self->proc, &want));
	ASSERT_EQ(1 + NR_PROCS, want.n);
	EXPECT_EQ(want.n, got.n);
	pl_sort(&got);
	only_got = pl_diff(&got, &want, &only_want, &first_got, &first_want);
	EXPECT_EQ(0, only_got)
		TH_LOG("%zu pids not of the namespace, e.g. %u", only_got,
		       first_got);
	EXPECT_EQ(0, only_want)
		TH_LOG("%zu tasks of the namespace missing, e.g. %u", only_want,
		       first_want);
	pl_free(&got);
	pl_free(&want);
	tl_free(&l);
}

/* Why the handover did not come */
static void requester_failed(struct __test_metadata *_metadata,
			     FIXTURE_DATA(creds) *self)
{
	int status = 0;

	if (waitpid(self->init, &status, 0) == self->init)
		self->init = 0;
	TH_LOG("the requester exited with status %d",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void finish(struct __test_metadata *_metadata,
		   FIXTURE_DATA(creds) *self)
{
	int status;

	ASSERT_EQ(1, write(self->sock[0], "Q", 1));
	ASSERT_EQ(self->init, waitpid(self->init, &status, 0));
	self->init = 0;
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The requester opens the socket and passes it with SCM_RIGHTS */
TEST_F_TIMEOUT(creds, scm_rights, 300)
{
	struct handover h;
	int fd;

	self->init = fork_pidns_init();
	ASSERT_GE(self->init, 0);
	if (!self->init) {
		struct td *td;

		close(self->sock[0]);
		if (td_open(&td, SMALL_BUF, true))
			_exit(1);
		requester(td, self->sock[1], true);
	}
	/* EOF rather than a hang if the requester fails */
	close(self->sock[1]);
	self->sock[1] = -1;
	snprintf(self->proc, sizeof(self->proc), "/proc/%d/root/proc",
		 self->init);
	ASSERT_EQ(0, recv_fd(self->sock[0], &fd, &h, sizeof(h)))
		requester_failed(_metadata, self);
	/* Read on the passed socket, not on the fixture's */
	td_close(self->td);
	ASSERT_EQ(0, td_open_fd(&self->td, fd, h.family, h.seq, SMALL_BUF,
				true));
	read_rest(_metadata, self, &h);
	finish(_metadata, self);
}

/* The reader opens the socket; the requester inherits it over fork() */
TEST_F_TIMEOUT(creds, fork_inherited, 300)
{
	struct handover h;

	self->init = fork_pidns_init();
	ASSERT_GE(self->init, 0);
	if (!self->init) {
		close(self->sock[0]);
		requester(self->td, self->sock[1], false);
	}
	close(self->sock[1]);
	self->sock[1] = -1;
	snprintf(self->proc, sizeof(self->proc), "/proc/%d/root/proc",
		 self->init);
	ASSERT_EQ(0, read_full(self->sock[0], &h, sizeof(h)))
		requester_failed(_metadata, self);
	read_rest(_metadata, self, &h);
	finish(_metadata, self);
}

TEST_HARNESS_MAIN
