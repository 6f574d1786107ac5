// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps while tasks come and go as fast as they can: each dump completes,
 * is in ascending order without duplicates, and has every task that lived
 * through it, the memory maps of split tasks put back together. Sockets
 * closed in the middle of dumps, and targets that exit in the middle of
 * theirs, are no error; a task replaced between two of its parts (its pid
 * reused, or its image by an exec) is not mixed up with what replaced it.
 * Leaks and use-after-free are caught by kmemleak and KASAN of the kernel
 * that runs the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define NR_STABLE	20	/* processes that live through the test */
#define NR_STABLE_THR	4
#define NR_FORKERS	2
#define SMALL_BUF	4096

/* fn runs with fd (if >= 0) as its descriptor 3, and no other */
static pid_t start_helper(void (*fn)(int fd), int fd)
{
	pid_t parent = getpid(), pid = fork();

	if (!pid) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent ||
		    (fd >= 0 && fd != 3 && dup2(fd, 3) != 3))
			_exit(1);
		close_range(fd >= 0 ? 4 : 3, ~0U, 0);
		fn(fd >= 0 ? 3 : -1);
		_exit(0);
	}
	return pid;
}

/*
 * Children that exit at once, reaped at once, and one that stays, whose
 * pid goes to fd: the children of a forker are never none.
 */
static void forker(int fd)
{
	pid_t stay = fork();

	if (!stay) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (write_full(fd, &stay, sizeof(stay)))
		_exit(1);
	close(fd);
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
static void thread_churner(int fd)
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
	struct pidlist forker_kid;	/* the child forkers[0] keeps */
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
		int fds[2];
		pid_t kid;

		ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));
		self->forkers[i] = start_helper(forker, fds[1]);
		close(fds[1]);
		ASSERT_GT(self->forkers[i], 0);
		ASSERT_EQ(0, read_full(fds[0], &kid, sizeof(kid)));
		close(fds[0]);
		if (!i)
			ASSERT_EQ(0, pl_add(&self->forker_kid, kid));
	}
	self->churner = start_helper(thread_churner, -1);
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
	pl_free(&self->forker_kid);
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
		/*
		 * Of children: a child of pid, or one reaped while its
		 * message was made, which has no parent any more (ppid 0, as
		 * in /proc) and is gone now.
		 */
		EXPECT_TRUE(strategy != TASKDIAG_DUMP_STRATEGY_CHILDREN ||
			    t->base.ppid == pid ||
			    (!t->base.ppid && kill(t->pid, 0))) {
			TH_LOG("child %u of %u: ppid %u", t->pid, pid,
			       t->base.ppid);
			ok = false;
		}
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

/* A dump of all with the memory maps, checked as each task completes */
struct vma_churn {
	const pid_t *stable;
	const struct proc_map *maps;	/* of each stable process */
	bool found[NR_STABLE];
	unsigned int tasks;
	unsigned int split;	/* tasks in several parts */
	char why[512];
};

static int vma_churn_cb(const struct td_merge *m, void *arg)
{
	const struct td_task *t = &m->task;
	struct vma_churn *c = arg;
	char why[448];
	int i;

	c->tasks++;
	c->split += m->parts > 1;
	if (!t->has_base || t->pid != t->tgid || t->bad_task) {
		snprintf(c->why, sizeof(c->why),
			 "%u/%u: base %d, malformed %#x", t->tgid, t->pid,
			 t->has_base, t->bad_task);
		return -EPROTO;
	}
	for (i = 0; i < NR_STABLE; i++) {
		if (t->pid != (uint32_t)c->stable[i])
			continue;
		c->found[i] = true;
		/* Asleep all along: exactly its maps, whatever the split */
		if (td_cmp_map(m->vmas, m->nvmas, &c->maps[i], false, why,
			       sizeof(why))) {
			snprintf(c->why, sizeof(c->why), "%u in %u parts: %s",
				 t->pid, m->parts, why);
			return -EPROTO;
		}
	}
	return 0;
}

static bool check_vma_dump(struct __test_metadata *_metadata, struct td *td,
			   const pid_t *stable, const struct proc_map *maps,
			   unsigned int *split)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	struct vma_churn c = { .stable = stable, .maps = maps };
	struct td_merge m = {};
	bool ok = true;
	int ret, i;

	req.has_show_flags = true;
	req.show_flags = (1ULL << TASKDIAG_GROUP_BASE) |
			 (1ULL << TASKDIAG_GROUP_VMA);
	ret = td_fetch_each(td, &req, &m, vma_churn_cb, &c);
	EXPECT_EQ(0, ret) {
		TD_LOG_ERR(td);
		TH_LOG("merge \"%s\", %s", m.err, c.why);
		ok = false;
	}
	for (i = 0; ok && i < NR_STABLE; i++) {
		EXPECT_TRUE(c.found[i]) {
			TH_LOG("%d, alive all along, missing", stable[i]);
			ok = false;
		}
	}
	*split += c.split;
	td_merge_free(&m);
	return ok;
}

/*
 * all and all-thread while processes and threads come and go; every
 * fourth dump is of all with the memory maps, in parts of 8 KiB (the
 * documented minimum): tasks split at datagram boundaries, tasks retried
 * after others in the same datagram, closing parts of tasks that exited.
 */
TEST_F_TIMEOUT(races, all_while_forking, 300)
{
	double end = now() + race_seconds();
	unsigned int dumps = 0, intr = 0, split = 0;
	struct proc_map maps[NR_STABLE];
	struct td *large, *vma_td;
	bool ok = true;
	int i;

	ASSERT_EQ(0, td_open(&large, 32768, true));
	ASSERT_EQ(0, td_open(&vma_td, TD_VMA_DUMP_BUF_SIZE, false));
	for (i = 0; i < NR_STABLE; i++)
		ASSERT_EQ(0, proc_read_map(self->stable[i], false, &maps[i]));
	while (ok && (now() < end || dumps < 8)) {
		if ((dumps & 3) == 3) {
			ok = check_vma_dump(_metadata, vma_td, self->stable,
					    maps, &split);
			dumps++;
			continue;
		}
		/* Small datagrams: many resumptions, many chances to race */
		ok = check_churn_dump(_metadata, dumps & 2 ? large : self->td,
				      dumps & 1 ?
				      TASKDIAG_DUMP_STRATEGY_ALL_THREAD :
				      TASKDIAG_DUMP_STRATEGY_ALL, 0,
				      dumps & 1 ? &self->stable_tids :
						  &self->stable_tgids, &intr);
		dumps++;
	}
	TH_LOG("%u dumps, %u flagged NLM_F_DUMP_INTR, %u tasks split",
	       dumps, intr, split);
	/* The maps of all take several 8 KiB datagrams: some task splits */
	EXPECT_LT(0, split);
	for (i = 0; i < NR_STABLE; i++)
		proc_map_free(&maps[i]);
	td_close(vma_td);
	td_close(large);
}

/* thread and children of the churning processes themselves */
TEST_F_TIMEOUT(races, churning_targets, 300)
{
	double end = now() + race_seconds();
	unsigned int dumps = 0, intr = 0;
	struct pidlist leader = {}, one = {};
	bool ok = true;

	ASSERT_EQ(0, pl_add(&leader, self->churner));
	ASSERT_EQ(0, pl_add(&one, self->forkers[1]));
	while (ok && (now() < end || dumps < 4)) {
		ok = check_churn_dump(_metadata, self->td,
				      TASKDIAG_DUMP_STRATEGY_THREAD,
				      self->churner, &leader, &intr) &&
		     check_churn_dump(_metadata, self->td,
				      TASKDIAG_DUMP_STRATEGY_CHILDREN,
				      self->forkers[0], &self->forker_kid,
				      &intr) &&
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

/*
 * The target of a thread or children dump exits between two chunks: what
 * comes is in order and of the set the dump began with (its threads, its
 * children), nothing else.
 */
TEST_F_TIMEOUT(races, target_exits_mid_dump, 300)
{
	struct pidlist got = {}, set = {};
	struct tasklist l = {};
	struct td_req req;
	pid_t target, kids[100];
	int round, ret, i;

	for (round = 0; round < 2; round++) {
		bool threads = round == 0;
		pid_t parent = getpid();

		if (threads) {
			/* Enough threads for several 4 KiB datagrams */
			target = spawn_sleeper(200, NULL);
			ASSERT_GT(target, 0);
			ASSERT_EQ(0, proc_tids("/proc", target, &set));
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
				    write_full(fds[1], kids, sizeof(kids)))
					_exit(1);
				for (;;)
					pause();
			}
			close(fds[1]);
			ASSERT_EQ(0, read_full(fds[0], kids, sizeof(kids)));
			close(fds[0]);
			for (i = 0; i < 100; i++)
				ASSERT_EQ(0, pl_add(&set, kids[i]));
			pl_sort(&set);
			req = td_dump_req(TASKDIAG_DUMP_STRATEGY_CHILDREN,
					  target);
		}
		ASSERT_EQ(0, td_request(self->td, &req, NULL))
			TD_LOG_ERR(self->td);
		ret = td_recv_chunk(self->td, tl_add_cb, &l);
		ASSERT_EQ(1, ret) TD_LOG_ERR(self->td);
		ASSERT_LT(0, l.n);
		/* Its children die with it (PR_SET_PDEATHSIG) */
		kill_wait(target);
		ret = td_recv_all(self->td, tl_add_cb, &l);
		EXPECT_EQ(0, ret) TD_LOG_ERR(self->td);
		ASSERT_EQ(0, tl_pids(&l, &got));
		EXPECT_TRUE(pl_ascending(&got));
		for (i = 0; i < (int)l.n; i++) {
			const struct td_task *t = &l.v[i];

			EXPECT_TRUE(pl_contains(&set, t->pid))
				TH_LOG("%s of %d: %u is none of them",
				       threads ? "thread" : "children", target,
				       t->pid);
			EXPECT_EQ(threads ? target : t->pid, t->tgid);
			/* The target's parent is this process */
			EXPECT_EQ(threads ? parent : target, t->base.ppid);
		}
		TH_LOG("%s: %zu tasks before and after the exit",
		       threads ? "thread" : "children", l.n);
		pl_free(&got);
		pl_free(&set);
		tl_free(&l);
	}
}

/*
 * The task a dump is in the middle of is replaced between two parts: its
 * pid reaped and taken again by a new process (clone3() with set_tid, in
 * a pid namespace of the test's own), or its image by an exec. The dump
 * of all with the memory maps, in 8 KiB parts, closes the first task with
 * only what it had, then reports the new process as a task of its own;
 * and no mapping of the image an exec brings in reaches the parts of the
 * image that was being reported.
 */
#define NR_REPLACED_MAPS	300

/* The file at path mapped n times at offset 0: n mappings that never merge */
static int map_file_pages(const char *path, int n)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	char *base;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	base = mmap(NULL, n * pg, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	for (i = 0; base != MAP_FAILED && i < n; i++) {
		if (mmap(base + i * pg, pg, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 fd, 0) == MAP_FAILED)
			base = MAP_FAILED;
	}
	close(fd);
	return base == MAP_FAILED ? -1 : 0;
}

/*
 * A process with the maps of path, in the caller's namespace at pid if
 * pid > 0. It says when it is ready, then on 'E' on cmd execs sleep.
 */
static pid_t spawn_mapper(const char *path, pid_t pid, int *cmd)
{
	int ready[2], c[2];
	pid_t child;
	char x;

	if (pipe2(ready, O_CLOEXEC) || pipe2(c, O_CLOEXEC))
		return -1;
	child = pid > 0 ? fork_with_pid(pid) : fork();
	if (!child) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (map_file_pages(path, NR_REPLACED_MAPS) ||
		    write(ready[1], "R", 1) != 1)
			_exit(1);
		while (read(c[0], &x, 1) == 1) {
			if (x == 'E')
				execl("/bin/sleep", "sleep", "1000", (char *)NULL);
		}
		_exit(0);
	}
	close(ready[1]);
	close(c[0]);
	if (child < 0 || read(ready[0], &x, 1) != 1) {
		close(ready[0]);
		close(c[1]);
		kill_wait(child);
		return -1;
	}
	close(ready[0]);
	*cmd = c[1];
	return child;
}

/* The dump as it comes: the target's tasks, each put together */
struct replaced {
	struct td_merge m;
	pid_t target;
	const struct proc_map *old_map;	/* of the first task */
	uint64_t old_ino;
	const struct proc_map *new_map;	/* of a second one */
	uint64_t new_ino;
	unsigned int done;	/* target's tasks completed */
	unsigned int first_parts;	/* parts of the first */
	char why[512];
};

/* Each mapping is one of map's, with its bounds and name */
static int vmas_of(const struct td_merge *m, const struct proc_map *map,
		   char *why, size_t len)
{
	const struct td_vma *first = NULL, *named = NULL;
	char line[200], nline[200];
	const struct proc_vma *p;
	size_t i, n = 0;

	for (i = 0; i < m->nvmas; i++) {
		const struct td_vma *v = &m->vmas[i];

		p = proc_map_find(map, v->info.start);
		if (p && p->end == v->info.end &&
		    !strcmp(p->name ?: "", v->name ?: ""))
			continue;
		n++;
		first = first ?: v;
		if (!named && v->name)
			named = v;
	}
	if (!n)
		return 0;
	td_vma_maps_line(first, line, sizeof(line));
	nline[0] = '\0';
	if (named && named != first)
		td_vma_maps_line(named, nline, sizeof(nline));
	snprintf(why, len, "%zu of %zu mappings not in the map: %s%s%s", n,
		 m->nvmas, line, nline[0] ? "; " : "", nline);
	return 1;
}

static int replaced_cb(const struct td_task *t, void *arg)
{
	struct replaced *r = arg;
	int ret = td_merge_add(&r->m, t);

	if (ret < 0) {
		snprintf(r->why, sizeof(r->why), "merge: %s", r->m.err);
		return ret;
	}
	if (!ret || r->m.task.pid != (uint32_t)r->target)
		return 0;
	if (!r->done++) {
		r->first_parts = r->m.parts;
		if (r->m.task.base.pid_ino != r->old_ino) {
			snprintf(r->why, sizeof(r->why),
				 "first %d: pid-ino %llu, was %llu", r->target,
				 (unsigned long long)r->m.task.base.pid_ino,
				 (unsigned long long)r->old_ino);
			return -EPROTO;
		}
		if (vmas_of(&r->m, r->old_map, r->why, sizeof(r->why)))
			return -EPROTO;
		return 0;
	}
	/* The new process: its own identity, and its map exactly */
	if (r->m.task.base.pid_ino != r->new_ino) {
		snprintf(r->why, sizeof(r->why), "second %d: pid-ino %llu, not %llu",
			 r->target, (unsigned long long)r->m.task.base.pid_ino,
			 (unsigned long long)r->new_ino);
		return -EPROTO;
	}
	if (td_cmp_map(r->m.vmas, r->m.nvmas, r->new_map, false, r->why,
		       sizeof(r->why)))
		return -EPROTO;
	return 0;
}

static void run_replaced(struct __test_metadata *_metadata, bool exec)
{
	struct replaced r = {};
	char dir[] = "/tmp/td_races.XXXXXX", old_path[64], new_path[64];
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ALL, 0);
	struct proc_map old_map, new_map;
	int fd, cmd, new_cmd, ret;
	pid_t target, new;
	struct td *td;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(old_path, sizeof(old_path), "%s/old", dir);
	snprintf(new_path, sizeof(new_path), "%s/new", dir);
	fd = open(old_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, sysconf(_SC_PAGESIZE)));
	close(fd);
	fd = open(new_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, sysconf(_SC_PAGESIZE)));
	close(fd);
	req.has_show_flags = true;
	req.show_flags = (1ULL << TASKDIAG_GROUP_BASE) |
			 (1ULL << TASKDIAG_GROUP_VMA);

	target = spawn_mapper(old_path, 0, &cmd);
	ASSERT_LT(0, target);
	ASSERT_EQ(0, pid_ino(target, false, &r.old_ino));
	ASSERT_EQ(0, proc_read_map(target, false, &old_map));
	r.target = target;
	r.old_map = &old_map;
	ASSERT_EQ(0, td_open(&td, TD_VMA_DUMP_BUF_SIZE, false));
	ASSERT_EQ(0, td_request(td, &req, NULL)) TD_LOG_ERR(td);
	/* Up to a datagram that ends in the middle of the target */
	do {
		ret = td_recv_chunk(td, replaced_cb, &r);
		ASSERT_EQ(1, ret) {
			TD_LOG_ERR(td);
			TH_LOG("%s", r.why);
		}
	} while (!(r.m.open && r.m.task.pid == (uint32_t)target));

	if (exec) {
		char path[64];
		struct proc_stat ps;
		int tries;

		ASSERT_EQ(1, write(cmd, "E", 1));
		snprintf(path, sizeof(path), "/proc/%d/stat", target);
		for (tries = 0; tries < 3000; tries++) {
			ASSERT_EQ(0, proc_read_stat(path, &ps));
			if (!strcmp(ps.comm, "sleep") && ps.state == 'S')
				break;
			usleep(10000);
		}
		ASSERT_STREQ("sleep", ps.comm);
		new = target;
	} else {
		/* The same pid, a new process: the same number */
		kill_wait(target);
		new = spawn_mapper(new_path, target, &new_cmd);
		ASSERT_EQ(target, new);
	}
	ASSERT_EQ(0, proc_read_map(new, false, &new_map));
	ASSERT_EQ(0, pid_ino(new, false, &r.new_ino));
	r.new_map = &new_map;

	ret = td_recv_all(td, replaced_cb, &r);
	EXPECT_EQ(0, ret) {
		TD_LOG_ERR(td);
		TH_LOG("%s", r.why);
	}
	EXPECT_FALSE(r.m.open);
	EXPECT_LT(1, r.first_parts);
	if (!exec) {
		/* The new process, whole, after the first one ended */
		EXPECT_EQ(2, r.done);
	} else {
		/* The new image may follow, whole, as the task again */
		EXPECT_LE(1, r.done);
		EXPECT_GE(2, r.done);
	}
	TH_LOG("%s between parts: %u tasks of pid %d, the first in %u parts",
	       exec ? "exec" : "pid reuse", r.done, target,
	       r.first_parts);
	td_merge_free(&r.m);
	proc_map_free(&old_map);
	proc_map_free(&new_map);
	td_close(td);
	close(exec ? cmd : new_cmd);
	if (!exec)
		close(cmd);
	kill_wait(new);
	unlink(old_path);
	unlink(new_path);
	rmdir(dir);
}

FIXTURE(replaced) {
	int unused;
};

FIXTURE_SETUP(replaced)
{
}

FIXTURE_TEARDOWN(replaced)
{
}

/* set_tid needs a namespace where no one else takes pids */
static void in_own_pidns(struct __test_metadata *_metadata, bool exec)
{
	pid_t init;
	int status;

	init = fork_pidns_init();
	ASSERT_LE(0, init);
	if (!init) {
		run_replaced(_metadata, exec);
		_exit(0);
	}
	ASSERT_EQ(init, waitpid(init, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F_TIMEOUT(replaced, pid_reused, 120)
{
	in_own_pidns(_metadata, false);
}

TEST_F_TIMEOUT(replaced, exec, 120)
{
	in_own_pidns(_metadata, true);
}

TEST_HARNESS_MAIN
