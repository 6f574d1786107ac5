// SPDX-License-Identifier: GPL-2.0
/*
 * Each dump strategy returns exactly the tasks /proc lists: /proc for all,
 * /proc/PID/task for all-thread and thread, /proc/PID/task/ANY/children for
 * children, in ascending order, each once, with the fields /proc shows.
 *
 * Exact counts need a pid namespace where only the test's tasks live: the
 * tests run in the init process of a new pid namespace that has its own
 * /proc. Its EXPECT and ASSERT reach the harness through the shared test
 * metadata; nothing needs cleaning up, the namespace dies with its init.
 * One more test compares with /proc in the initial namespace, where tasks
 * come and go.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

/*
 * The processes of the original task_diag article's benchmarks, with fewer
 * threads than its 10 each: creating them is most of the test's time on
 * the debug kernel of make check
 */
#define NR_PROCS	1000
#define NR_THREADS	5	/* per process, the main thread included */
#define NR_BIG_THREADS	1234	/* in one more process */

#define SMALL_BUF	4096
#define LARGE_BUF	65536

FIXTURE(strategies) {
	pid_t init;
	long threads_max;
};

FIXTURE_SETUP(strategies)
{
	struct td *td;

	/* Skip before making the namespace if the kernel has no taskdiag */
	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	self->threads_max = -1;
}

FIXTURE_TEARDOWN(strategies)
{
	if (self->init > 0)
		kill_wait(self->init);
	if (self->threads_max > 0) {
		char buf[32];
		int fd = open("/proc/sys/kernel/threads-max", O_WRONLY);

		snprintf(buf, sizeof(buf), "%ld", self->threads_max);
		if (fd >= 0) {
			if (write(fd, buf, strlen(buf)) < 0)
				TH_LOG("cannot restore threads-max");
			close(fd);
		}
	}
}

/* Run fn in the init process of a new pid namespace with its own /proc */
static void run_in_pidns(struct __test_metadata *_metadata, pid_t *init,
			 void (*fn)(struct __test_metadata *_metadata))
{
	int status;

	*init = fork_pidns_init();
	ASSERT_GE(*init, 0);
	if (!*init) {
		ASSERT_EQ(1, getpid());
		fn(_metadata);
		_exit(0);
	}
	ASSERT_EQ(*init, waitpid(*init, &status, 0));
	*init = 0;
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/*
 * Dump a strategy and check the reply against the sorted list want: same
 * tasks, ascending, once each, and the fields of /proc that what names (none
 * if 0). Returns the number of datagrams; the replies go to out if not NULL.
 */
static unsigned int check_dump(struct __test_metadata *_metadata,
			       struct td *td, uint32_t strategy, uint32_t pid,
			       const struct pidlist *want, unsigned int what,
			       struct tasklist *out)
{
	struct td_req req = td_dump_req(strategy, pid);
	struct pidlist got = {};
	struct tasklist l = {};
	uint32_t first_got, first_want;
	size_t only_got, only_want, i;
	uint64_t t0 = boottime_ns();
	char why[512];
	int ret;

	ret = td_run(td, &req, NULL, tl_add_cb, &l);
	EXPECT_EQ(0, ret) TD_LOG_ERR(td);
	TH_LOG("%s %u: %zu tasks, %u datagrams, %llu ms",
	       td_strategy_name(strategy), pid, l.n, td->stats.nrecv,
	       (unsigned long long)(boottime_ns() - t0) / 1000000);
	/*
	 * The messages of the dump, as the kernel counted them out, are the
	 * tasks /proc lists: base alone always fits one message.
	 */
	EXPECT_EQ(want->n, td->stats.nmsg)
		TH_LOG("%s %u: %u messages, /proc has %zu tasks",
		       td_strategy_name(strategy), pid, td->stats.nmsg, want->n);
	EXPECT_EQ(0, tl_pids(&l, &got));
	EXPECT_TRUE(pl_ascending(&got))
		TH_LOG("%s %u: not in ascending order or duplicates",
		       td_strategy_name(strategy), pid);
	EXPECT_EQ(want->n, got.n)
		TH_LOG("%s %u: %zu tasks, /proc has %zu",
		       td_strategy_name(strategy), pid, got.n, want->n);
	pl_sort(&got);
	only_got = pl_diff(&got, want, &only_want, &first_got, &first_want);
	EXPECT_EQ(0, only_got)
		TH_LOG("%s %u: %zu tasks not in /proc, e.g. %u",
		       td_strategy_name(strategy), pid, only_got, first_got);
	EXPECT_EQ(0, only_want)
		TH_LOG("%s %u: %zu tasks of /proc missing, e.g. %u",
		       td_strategy_name(strategy), pid, only_want, first_want);

	/* Base alone is always visible, and always fits one message */
	for (i = 0; i < l.n; i++) {
		if (l.v[i].cont || l.v[i].has_withheld) {
			EXPECT_FALSE(l.v[i].cont || l.v[i].has_withheld)
				TH_LOG("pid %u: cont %d, withheld 0x%llx",
				       l.v[i].pid, l.v[i].cont,
				       (unsigned long long)l.v[i].withheld);
			break;
		}
	}
	for (i = 0; what && i < l.n; i++) {
		ret = td_cmp_proc(&l.v[i], "/proc", what, why, sizeof(why));
		EXPECT_EQ(0, ret) TH_LOG("%s", ret > 0 ? why : strerror(-ret));
		if (ret)
			break;
	}
	pl_free(&got);
	if (out)
		*out = l;
	else
		tl_free(&l);
	return td->stats.nrecv;
}

static void same_tasks(struct __test_metadata *_metadata,
		       const struct tasklist *a, const struct tasklist *b)
{
	size_t i;

	ASSERT_EQ(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const struct td_task *x = &a->v[i], *y = &b->v[i];

		ASSERT_EQ(x->pid, y->pid);
		EXPECT_EQ(x->tgid, y->tgid);
		EXPECT_EQ(x->base.ppid, y->base.ppid);
		EXPECT_EQ(x->base.pgid, y->base.pgid);
		EXPECT_EQ(x->base.sid, y->base.sid);
		EXPECT_STREQ(x->base.comm, y->base.comm);
		EXPECT_EQ(x->base.start_time, y->base.start_time);
		EXPECT_EQ(x->base.pid_ino, y->base.pid_ino);
	}
}

static void big_population(struct __test_metadata *_metadata)
{
	struct pidlist tgids = {}, tids = {}, kids = {}, threads = {};
	struct tasklist small = {}, large = {};
	unsigned int nrecv_small, nrecv_large, nmsg;
	size_t bytes_small;
	uint64_t t0 = boottime_ns();
	struct td *td, *large_td;
	pid_t *pids, big;
	int i;

	pids = calloc(NR_PROCS, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	ASSERT_EQ(0, spawn_sleepers(NR_PROCS, NR_THREADS, NULL, pids));
	big = spawn_sleeper(NR_BIG_THREADS, NULL);
	ASSERT_GT(big, 0);
	TH_LOG("%d processes, %d threads made in %llu ms, %ld MiB available",
	       NR_PROCS + 1, NR_PROCS * NR_THREADS + NR_BIG_THREADS,
	       (unsigned long long)(boottime_ns() - t0) / 1000000,
	       mem_available_kb() / 1024);

	ASSERT_EQ(0, proc_tgids("/proc", &tgids));
	ASSERT_EQ(0, proc_all_tids("/proc", &tids));
	ASSERT_EQ(0, proc_children("/proc", 1, &kids));
	ASSERT_EQ(0, proc_tids("/proc", big, &threads));
	/* The population as /proc sees it: this process and its children */
	ASSERT_EQ(1 + NR_PROCS + 1, tgids.n);
	ASSERT_EQ(1 + NR_PROCS * NR_THREADS + NR_BIG_THREADS, tids.n);
	ASSERT_EQ(NR_PROCS + 1, kids.n);
	ASSERT_EQ(NR_BIG_THREADS, threads.n);

	/*
	 * Small datagrams, and large ones: the kernel never makes them
	 * smaller than the largest read on a socket, hence two. Both peek
	 * (MSG_PEEK | MSG_TRUNC) at the size of each datagram first: one
	 * larger than the buffer is seen whole, with its size, where a plain
	 * read would fail with MSG_TRUNC.
	 */
	ASSERT_EQ(0, td_open(&td, SMALL_BUF, true));
	ASSERT_EQ(0, td_open(&large_td, LARGE_BUF, true));

	/* all: every process, with all its fields */
	nrecv_small = check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_ALL, 0,
				 &tgids, TDC_ALL, &small);
	bytes_small = td->stats.bytes;
	nmsg = td->stats.nmsg;
	/* No datagram beyond what the reader asked for */
	EXPECT_GE(SMALL_BUF, td->stats.max_chunk);
	/* Datagrams are filled: each but the last more than half */
	EXPECT_LT((nrecv_small - 1) * (SMALL_BUF / 2), bytes_small)
		TH_LOG("%zu bytes in %u datagrams", bytes_small, nrecv_small);
	EXPECT_LE(2 * nrecv_small, nmsg);
	TH_LOG("all: %u tasks in %zu bytes, %u datagrams of at most %d bytes",
	       nmsg, bytes_small, nrecv_small, SMALL_BUF);

	nrecv_large = check_dump(_metadata, large_td,
				 TASKDIAG_DUMP_STRATEGY_ALL, 0, &tgids, 0,
				 &large);
	EXPECT_LT(nrecv_large, nrecv_small);
	EXPECT_LT(SMALL_BUF, large_td->stats.max_chunk);
	TH_LOG("all: %u datagrams of up to %zu bytes with a %d-byte buffer",
	       nrecv_large, large_td->stats.max_chunk, LARGE_BUF);
	same_tasks(_metadata, &small, &large);
	tl_free(&small);
	tl_free(&large);

	/* all-thread: every thread, in tid order across processes */
	nrecv_small = check_dump(_metadata, td,
				 TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0, &tids,
				 TDC_ALL, &small);
	EXPECT_GE(SMALL_BUF, td->stats.max_chunk);
	EXPECT_LT((nrecv_small - 1) * (SMALL_BUF / 2), td->stats.bytes)
		TH_LOG("%zu bytes in %u datagrams", td->stats.bytes,
		       nrecv_small);
	TH_LOG("all-thread: %u tasks, %u datagrams", td->stats.nmsg,
	       nrecv_small);
	nrecv_large = check_dump(_metadata, large_td,
				 TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0, &tids,
				 0, &large);
	EXPECT_LT(nrecv_large, nrecv_small);
	TH_LOG("all-thread: %u datagrams of up to %zu bytes",
	       nrecv_large, large_td->stats.max_chunk);
	same_tasks(_metadata, &small, &large);
	tl_free(&small);
	tl_free(&large);
	td_close(large_td);

	/* children: those of the init process, i.e. the population */
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_CHILDREN, 1, &kids,
		   TDC_STATE | TDC_STATUS, NULL);

	/* thread: the big process, and a few of the others */
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_THREAD, big, &threads,
		   TDC_ALL, NULL);
	for (i = 0; i < NR_PROCS; i += NR_PROCS / 7) {
		struct pidlist t = {};

		ASSERT_EQ(0, proc_tids("/proc", pids[i], &t));
		ASSERT_EQ(NR_THREADS, t.n);
		check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_THREAD,
			   pids[i], &t, TDC_ALL, NULL);
		pl_free(&t);
	}

	/* one: the big process, and the namespace's init */
	pl_free(&threads);
	ASSERT_EQ(0, pl_add(&threads, big));
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_ONE, big, &threads,
		   TDC_ALL, NULL);
	threads.v[0] = 1;
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_ONE, 1, &threads,
		   TDC_ALL, NULL);

	/* children of a childless process: an empty, successful dump */
	pl_free(&threads);
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_CHILDREN, big,
		   &threads, 0, NULL);

	td_close(td);
	pl_free(&tgids);
	pl_free(&tids);
	pl_free(&kids);
	free(pids);
}

/* More than the population takes with a KASAN kernel (900 MiB at 10 threads) */
#define BIG_POPULATION_MIB	1280

TEST_F_TIMEOUT(strategies, big_population, 900)
{
	long avail = mem_available_kb() / 1024;

	/* Rather than have the OOM killer end the test, or worse */
	if (avail >= 0 && avail < BIG_POPULATION_MIB)
		SKIP(return, "%ld MiB available, the population needs %d",
		     avail, BIG_POPULATION_MIB);
	/* Each thread takes a task and a kernel stack */
	self->threads_max = ensure_threads_max(3 * (NR_PROCS * NR_THREADS +
						    NR_BIG_THREADS));
	run_in_pidns(_metadata, &self->init, big_population);
}

/*
 * A process whose every thread has a child: the children of a process are
 * those of all its threads; a tid of a non-leader thread names its process.
 */
#define FT_THREADS	4

struct forking_threads {
	pid_t tids[FT_THREADS];
	pid_t kids[FT_THREADS];
	pid_t zombie;		/* a child of thread 2, exited */
	pid_t grandchild;	/* a child of kids[0]: not a child */
};

struct ft_thread {
	struct forking_threads *ft;
	sem_t *done;
	int i;
};

static pid_t fork_sleeper_child(void)
{
	pid_t pid = fork();

	if (!pid) {
		for (;;)
			pause();
	}
	return pid;
}

static void *ft_thread_fn(void *arg)
{
	struct ft_thread *t = arg;

	t->ft->tids[t->i] = syscall(SYS_gettid);
	t->ft->kids[t->i] = fork_sleeper_child();
	if (t->i == 2) {
		t->ft->zombie = fork();
		if (!t->ft->zombie)
			_exit(0);
	}
	sem_post(t->done);
	for (;;)
		pause();
	return NULL;
}

/* Make the process in a child; returns its pid, and its layout in *ft */
static pid_t spawn_forking_threads(struct forking_threads *ft)
{
	struct ft_thread th[FT_THREADS];
	int fds[2], gfds[2], i;
	pthread_t p;
	siginfo_t si;
	sem_t done;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid) {
		close(fds[1]);
		if (pid < 0 || read_full(fds[0], ft, sizeof(*ft))) {
			close(fds[0]);
			return -1;
		}
		close(fds[0]);
		return pid;
	}
	close(fds[0]);
	if (pipe(gfds))
		_exit(1);
	sem_init(&done, 0, 0);
	ft->tids[0] = getpid();
	for (i = 1; i < FT_THREADS; i++) {
		th[i] = (struct ft_thread){ .ft = ft, .done = &done, .i = i };
		if (pthread_create(&p, NULL, ft_thread_fn, &th[i]))
			_exit(1);
	}
	ft->kids[0] = fork();
	if (!ft->kids[0]) {
		/* A grandchild, which no strategy on this process returns */
		pid_t g = fork_sleeper_child();

		if (write(gfds[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		for (;;)
			pause();
	}
	if (ft->kids[0] < 0 ||
	    read_full(gfds[0], &ft->grandchild, sizeof(pid_t)))
		_exit(1);
	for (i = 1; i < FT_THREADS; i++)
		sem_wait(&done);
	/* The zombie must be dead before anyone looks */
	if (waitid(P_PID, ft->zombie, &si, WEXITED | WNOWAIT))
		_exit(1);
	if (write_full(fds[1], ft, sizeof(*ft)))
		_exit(1);
	for (;;)
		pause();
}

static void forking_threads(struct __test_metadata *_metadata)
{
	struct forking_threads ft = {};
	struct pidlist kids = {}, want = {}, tids = {};
	struct tasklist l = {};
	struct td_req req;
	struct td *td;
	pid_t pid;
	int i, ret;

	pid = spawn_forking_threads(&ft);
	ASSERT_GT(pid, 0);
	/* All asleep before states are compared */
	ASSERT_EQ(0, wait_sleeping("/proc", pid));
	for (i = 0; i < FT_THREADS; i++)
		ASSERT_EQ(0, wait_sleeping("/proc", ft.kids[i]));
	ASSERT_EQ(0, wait_sleeping("/proc", ft.grandchild));
	ASSERT_EQ(0, td_open(&td, 0, true));

	for (i = 0, ret = 0; i < FT_THREADS; i++)
		ret |= pl_add(&want, ft.kids[i]);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, pl_add(&want, ft.zombie));
	pl_sort(&want);
	/* /proc agrees on what the children are */
	ASSERT_EQ(0, proc_children("/proc", pid, &kids));
	ASSERT_EQ(FT_THREADS + 1, kids.n);
	ASSERT_EQ(0, memcmp(want.v, kids.v, kids.n * sizeof(*kids.v)));

	/* By the process's pid, and by the tid of each of its threads */
	for (i = 0; i < FT_THREADS; i++)
		check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_CHILDREN,
			   ft.tids[i], &kids, TDC_ALL, NULL);

	ASSERT_EQ(0, proc_tids("/proc", pid, &tids));
	ASSERT_EQ(FT_THREADS, tids.n);
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_THREAD, ft.tids[2],
		   &tids, TDC_ALL, NULL);

	/* one, by a thread's tid: the process */
	req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, ft.tids[3]);
	ret = td_run(td, &req, NULL, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(td);
	ASSERT_EQ(1, l.n);
	EXPECT_EQ(pid, l.v[0].pid);
	EXPECT_EQ(pid, l.v[0].tgid);
	tl_free(&l);

	/* The same with a do */
	req = (struct td_req){ .has_pid = true, .pid = ft.tids[1] };
	ret = td_run(td, &req, NULL, tl_add_cb, &l);
	ASSERT_EQ(0, ret) TD_LOG_ERR(td);
	ASSERT_EQ(1, l.n);
	EXPECT_EQ(pid, l.v[0].pid);
	tl_free(&l);

	/* The zombie child, as a child and alone */
	pl_free(&want);
	ASSERT_EQ(0, pl_add(&want, ft.zombie));
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_ONE, ft.zombie, &want,
		   TDC_ALL, &l);
	ASSERT_EQ(1, l.n);
	EXPECT_EQ(TASKDIAG_TASK_STATE_ZOMBIE, l.v[0].base.state);
	EXPECT_EQ(pid, l.v[0].base.ppid);
	tl_free(&l);

	/* The grandchild is a child of kids[0] only */
	pl_free(&want);
	ASSERT_EQ(0, pl_add(&want, ft.grandchild));
	check_dump(_metadata, td, TASKDIAG_DUMP_STRATEGY_CHILDREN, ft.kids[0],
		   &want, TDC_ALL, NULL);

	td_close(td);
	pl_free(&kids);
	pl_free(&want);
	pl_free(&tids);
}

TEST_F_TIMEOUT(strategies, children_of_threads, 300)
{
	run_in_pidns(_metadata, &self->init, forking_threads);
}

/*
 * In the initial pid namespace other tasks come and go during the test:
 * what lived through the dump must be in it, and what is in it but not in
 * /proc before must have started after that listing began.
 */
TEST_F_TIMEOUT(strategies, init_ns, 300)
{
	const uint64_t slack = 1000000000ULL;
	struct pidlist before = {}, after = {}, got = {};
	struct tasklist l = {};
	struct td_req req;
	unsigned int late = 0;
	pid_t pids[50];
	uint64_t t0;
	struct td *td;
	size_t i;
	int s, ret;

	ASSERT_EQ(0, spawn_sleepers(50, 3, NULL, pids));
	ASSERT_EQ(0, td_open(&td, SMALL_BUF, false));

	for (s = TASKDIAG_DUMP_STRATEGY_ALL;
	     s <= TASKDIAG_DUMP_STRATEGY_ALL_THREAD; s++) {
		bool threads = s == TASKDIAG_DUMP_STRATEGY_ALL_THREAD;

		t0 = boottime_ns();
		ASSERT_EQ(0, threads ? proc_all_tids("/proc", &before) :
				       proc_tgids("/proc", &before));
		req = td_dump_req(s, 0);
		ret = td_run(td, &req, NULL, tl_add_cb, &l);
		ASSERT_EQ(0, ret) TD_LOG_ERR(td);
		ASSERT_EQ(0, threads ? proc_all_tids("/proc", &after) :
				       proc_tgids("/proc", &after));
		ASSERT_EQ(0, tl_pids(&l, &got));
		EXPECT_TRUE(pl_ascending(&got));
		pl_sort(&got);

		for (i = 0; i < before.n; i++) {
			if (!pl_contains(&after, before.v[i]))
				continue;
			EXPECT_TRUE(pl_contains(&got, before.v[i]))
				TH_LOG("%s: %u missing", td_strategy_name(s),
				       before.v[i]);
		}
		for (i = 0; i < l.n; i++) {
			const struct td_task *t = &l.v[i];

			EXPECT_TRUE(threads || t->pid == t->tgid);
			if (pl_contains(&before, t->pid))
				continue;
			late++;
			EXPECT_LE(t0 - slack, t->base.start_time)
				TH_LOG("%s: %u not in /proc, started before",
				       td_strategy_name(s), t->pid);
		}
		for (i = 0; i < 50; i++) {
			const struct td_task *t = tl_find(&l, pids[i]);
			char why[512];

			ASSERT_NE(NULL, t);
			EXPECT_EQ(0, td_cmp_proc(t, "/proc", TDC_ALL, why,
						 sizeof(why)))
				TH_LOG("%s", why);
		}
		TH_LOG("%s: %zu tasks, %zu in /proc before, %zu after, %u new",
		       td_strategy_name(s), l.n, before.n, after.n, late);
		pl_free(&before);
		pl_free(&after);
		pl_free(&got);
		tl_free(&l);
	}
	td_close(td);
	for (i = 0; i < 50; i++)
		kill_wait(pids[i]);
}

TEST_HARNESS_MAIN
