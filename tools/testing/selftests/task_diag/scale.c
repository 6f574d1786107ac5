// SPDX-License-Identifier: GPL-2.0
/*
 * Sparse task sets in a large pid namespace. The children of a childless
 * process and the threads of a one-thread process are looked for among
 * every pid of the namespace: with 100,000 tasks that is a walk of
 * 100,000 pids for a reply of zero or one message. The walk must yield:
 * no RCU read-side section and no stretch without a resched point as long
 * as the namespace is large (Documentation/userspace-api/taskdiag.rst,
 * "the walk yields between tasks"; the ABI's "RCU sections and
 * non-preemptible stretches of the walk are bounded, whatever the
 * namespace's size").
 *
 * The population: zombies, made by clone() calls that share everything a
 * process can share, in a new pid namespace. A zombie keeps its pid (and
 * its task_struct) but not its kernel stack: about 15 KiB each on the
 * debug kernel (KASAN, lockdep, kmemleak) where a sleeping thread takes
 * three times that, and no stack that kmemleak scans under RCU.
 *
 * How the test sees the walk yield: on a kernel without preemption
 * (PREEMPT_NONE, the debug configuration), the dumping thread and a
 * sampler thread share one CPU. The sampler runs only when the dumper is
 * switched out, and reads where it is (/proc/self/task/TID/stack). A walk
 * with resched points lets the sampler in while it goes: the stack shows
 * taskdiag_next_*(). A walk under one RCU read-side section never lets
 * it in, whatever its length; that is the defect. The soft-lockup and
 * RCU-stall detectors are armed as tight as the kernel allows (2 s and
 * 3 s, plus 5 s with CONFIG_PROVE_RCU) and the kernel log must have no
 * report of them; a walk of 100,000 pids takes well under a second,
 * though, so only a namespace of millions of tasks would trip them.
 *
 * TASKDIAG_SCALE_TASKS in the environment sets the population (100,000
 * by default); it shrinks to what MemAvailable allows, down to 20,000.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW(g)			(1ULL << TASKDIAG_GROUP_##g)

#define DEFAULT_TASKS		100000
#define MIN_TASKS		20000
/* Measured about 14.5 KiB per zombie on the debug kernel */
#define ZOMBIE_KIB		16
#define MEM_MARGIN_KIB		(384 * 1024)
#define MAX_CREATORS		4
#define ROUNDS			4
#define BUF_SIZE		32768

#define WATCHDOG_THRESH		"/proc/sys/kernel/watchdog_thresh"
#define RCU_STALL_TIMEOUT	"/sys/module/rcupdate/parameters/rcu_cpu_stall_timeout"
#define PID_MAX			"/proc/sys/kernel/pid_max"
#define THREADS_MAX		"/proc/sys/kernel/threads-max"

/* The tightest the kernel takes: soft lockup after 2 * 1 s, stall 3 s */
#define TIGHT_WATCHDOG		1
#define TIGHT_RCU_STALL		3

/* What the kernel log says when a detector or RCU's checks fire */
static const char * const reports[] = {
	"soft lockup",
	"detected stall",
	"self-detected stall",
	"scheduling while atomic",
	"context switch within RCU",
	"suspicious RCU usage",
};

/*
 * A process that only exits: clone() sharing the memory, files, fs and
 * signal handlers, so that it costs little to make, and exit(0) in the
 * child straight from the asm, which uses no stack (it runs on the
 * caller's, at the same time as the caller). Its parent reaps it later.
 */
#define ZOMBIE_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
			 CLONE_SYSVSEM | CLONE_IO | SIGCHLD)

#if defined(__x86_64__)
static pid_t make_zombie(void)
{
	register long r10 asm("r10") = 0;
	register long r8 asm("r8") = 0;
	long ret;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "mov %[nr_exit], %%eax\n\t"
		     "xor %%edi, %%edi\n\t"
		     "syscall\n"
		     "1:"
		     : "=a" (ret)
		     : "0" ((long)__NR_clone), "D" ((long)ZOMBIE_FLAGS),
		       "S" (0L), "d" (0L), "r" (r10), "r" (r8),
		       [nr_exit] "i" (__NR_exit)
		     : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}
#else
static pid_t make_zombie(void)
{
	pid_t pid = vfork();

	if (!pid)
		_exit(0);
	return pid;
}
#endif

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(3);
}

/* The CPUs this process may run on, in order, at most n of them */
static int allowed_cpus(int *cpus, int n)
{
	cpu_set_t set;
	int cpu, k = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE && k < n; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[k++] = cpu;
	return k;
}

/* A one-thread, childless process asleep until killed */
static pid_t fork_idle(void)
{
	pid_t parent = getpid(), pid = fork();

	if (!pid) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		for (;;)
			pause();
	}
	return pid;
}

/*
 * A creator makes count zombies, writes their pids to pids[] and the
 * count to ready_fd, then waits for a byte (or EOF) on reap_fd, reaps
 * them all and exits 0 if it reaped as many as it made.
 */
static void creator(int cpu, uint32_t *pids, long count, int ready_fd,
		    int reap_fd)
{
	long made = 0, reaped = 0;
	char c;

	pin_to(cpu);
	for (made = 0; made < count; made++) {
		pid_t pid = make_zombie();

		if (pid <= 0)
			break;
		pids[made] = pid;
	}
	if (write_full(ready_fd, &made, sizeof(made)))
		_exit(1);
	if (read(reap_fd, &c, 1) < 0)
		_exit(1);
	while (waitpid(-1, NULL, 0) > 0)
		reaped++;
	_exit(reaped == made && made == count ? 0 : 1);
}

/*
 * The sampler: on the dumper's CPU, while sampling is on, it reads the
 * dumper's kernel stack each time it gets to run.
 */
struct sampler {
	pthread_t thread;
	int cpu;
	pid_t tid;		/* the dumper */
	int state;		/* 0 idle, 1 sampling, 2 stop */
	unsigned long samples;
	unsigned long in_walk;	/* samples in taskdiag_next_*() */
	char stack[2048];	/* the first of those */
	int err;
};

static void *sampler_fn(void *arg)
{
	struct sampler *s = arg;
	char path[64], buf[2048];
	int fd, state;
	ssize_t n;

	pin_to(s->cpu);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", s->tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		__atomic_store_n(&s->err, errno, __ATOMIC_RELEASE);
		return NULL;
	}
	while ((state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE)) != 2) {
		if (!state) {
			usleep(1000);
			continue;
		}
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			__atomic_store_n(&s->err, errno, __ATOMIC_RELEASE);
			break;
		}
		buf[n] = '\0';
		__atomic_add_fetch(&s->samples, 1, __ATOMIC_RELEASE);
		if (!strstr(buf, "taskdiag_next_"))
			continue;
		if (!__atomic_load_n(&s->in_walk, __ATOMIC_ACQUIRE))
			memcpy(s->stack, buf, n + 1);
		__atomic_add_fetch(&s->in_walk, 1, __ATOMIC_RELEASE);
	}
	close(fd);
	return NULL;
}

static unsigned long in_walk(struct sampler *s)
{
	return __atomic_load_n(&s->in_walk, __ATOMIC_ACQUIRE);
}

FIXTURE(scale) {
	long tasks;
	long avail_kib;
	int kmsg;		/* at the end of the log when the test began */
	long old_watchdog, old_rcu_stall, old_pid_max, old_threads_max;
	bool set_watchdog, set_rcu_stall, set_pid_max, set_threads_max;
};

FIXTURE_SETUP(scale)
{
	const char *env = getenv("TASKDIAG_SCALE_TASKS");
	char buf[32];
	long fit;

	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->kmsg) TH_LOG("/dev/kmsg: %s", strerror(errno));
	ASSERT_LE(0, lseek(self->kmsg, 0, SEEK_END));

	self->tasks = env && atol(env) > 0 ? atol(env) : DEFAULT_TASKS;
	self->avail_kib = mem_available_kb();
	ASSERT_LT(0, self->avail_kib);
	/* Rather than have the OOM killer end the test, or worse */
	fit = (self->avail_kib - MEM_MARGIN_KIB) / ZOMBIE_KIB;
	if (fit < self->tasks) {
		TH_LOG("%ld MiB available: %ld tasks instead of %ld",
		       self->avail_kib / 1024, fit, self->tasks);
		self->tasks = fit;
	}
	ASSERT_LE(MIN_TASKS, self->tasks)
		TH_LOG("%ld MiB available, %d tasks need %d MiB",
		       self->avail_kib / 1024, MIN_TASKS,
		       (MIN_TASKS * ZOMBIE_KIB + MEM_MARGIN_KIB) / 1024);

	/*
	 * The detectors, as tight as they go. A kernel may have no soft
	 * lockup detector; every kernel with tree RCU checks for stalls.
	 */
	self->old_watchdog = -1;
	if (proc_read_small(WATCHDOG_THRESH, buf, sizeof(buf)) >= 0)
		self->old_watchdog = strtol(buf, NULL, 10);
	ASSERT_LE(0, proc_read_small(RCU_STALL_TIMEOUT, buf, sizeof(buf)))
		TH_LOG("no RCU stall detector: %s", strerror(errno));
	self->old_rcu_stall = strtol(buf, NULL, 10);
	TH_LOG("found watchdog_thresh %ld%s, rcu_cpu_stall_timeout %ld",
	       self->old_watchdog,
	       self->old_watchdog < 0 ? " (no soft lockup detector)" : "",
	       self->old_rcu_stall);

	/*
	 * From here on the teardown puts back what was changed; a failed
	 * setup has no teardown, so only the last step may fail.
	 */
	if (self->old_watchdog >= 0 &&
	    self->old_watchdog != TIGHT_WATCHDOG) {
		self->set_watchdog = !sysctl_set(WATCHDOG_THRESH,
						 TIGHT_WATCHDOG, NULL);
		EXPECT_TRUE(self->set_watchdog);
	}
	if (self->old_rcu_stall != TIGHT_RCU_STALL) {
		self->set_rcu_stall = !sysctl_set(RCU_STALL_TIMEOUT,
						  TIGHT_RCU_STALL, NULL);
		EXPECT_TRUE(self->set_rcu_stall);
	}
	if (self->set_watchdog || self->old_watchdog == TIGHT_WATCHDOG)
		TH_LOG("armed: watchdog_thresh %d, soft lockup after %d s",
		       TIGHT_WATCHDOG, 2 * TIGHT_WATCHDOG);
	if (self->set_rcu_stall || self->old_rcu_stall == TIGHT_RCU_STALL)
		TH_LOG("armed: rcu_cpu_stall_timeout %d, stall after %d s (%d with PROVE_RCU)",
		       TIGHT_RCU_STALL, TIGHT_RCU_STALL, TIGHT_RCU_STALL + 5);

	/* Every zombie counts as a thread and takes a pid */
	sysctl_raise(THREADS_MAX, self->tasks + 10000, &self->old_threads_max,
		     &self->set_threads_max);
	sysctl_raise(PID_MAX, self->tasks + 10000, &self->old_pid_max,
		     &self->set_pid_max);
	ASSERT_TRUE(self->old_threads_max >= self->tasks + 10000 ||
		    self->set_threads_max);
	ASSERT_TRUE(self->old_pid_max >= self->tasks + 10000 ||
		    self->set_pid_max);
}

FIXTURE_TEARDOWN(scale)
{
	if (self->set_watchdog)
		sysctl_set(WATCHDOG_THRESH, self->old_watchdog, NULL);
	if (self->set_rcu_stall)
		sysctl_set(RCU_STALL_TIMEOUT, self->old_rcu_stall, NULL);
	if (self->set_pid_max)
		sysctl_set(PID_MAX, self->old_pid_max, NULL);
	if (self->set_threads_max)
		sysctl_set(THREADS_MAX, self->old_threads_max, NULL);
	if (self->kmsg >= 0)
		close(self->kmsg);
}

struct id_check {
	struct pidlist ids;
	unsigned long bad;	/* messages with pid != tgid, or parts */
};

static int id_cb(const struct td_task *t, void *arg)
{
	struct id_check *c = arg;

	if (!t->has_pid || !t->has_tgid || t->pid != t->tgid || t->cont ||
	    t->bad_task)
		c->bad++;
	return pl_add(&c->ids, t->pid) ? -ENOMEM : 0;
}

/* A dump of all or all-thread is exactly the population, in order */
static void check_whole(struct __test_metadata *_metadata, struct td *td,
			uint32_t strategy, const struct pidlist *want)
{
	struct td_req req = td_dump_req(strategy, 0);
	struct id_check c = {};
	uint32_t first_got = 0, first_want = 0;
	size_t only_got, only_want;
	double t0 = now();
	int ret;

	req.has_show_flags = true;
	req.show_flags = 0;
	ret = td_run(td, &req, NULL, id_cb, &c);
	ASSERT_EQ(0, ret) TD_LOG_ERR(td);
	EXPECT_EQ(0, c.bad);
	EXPECT_TRUE(pl_ascending(&c.ids));
	EXPECT_EQ(want->n, c.ids.n);
	pl_sort(&c.ids);
	only_got = pl_diff(&c.ids, want, &only_want, &first_got, &first_want);
	EXPECT_EQ(0, only_got + only_want)
		TH_LOG("%s: %zu unexpected (first %u), %zu missing (first %u)",
		       td_strategy_name(strategy), only_got, first_got,
		       only_want, first_want);
	TH_LOG("%s: %zu tasks in %u datagrams, %.2f s",
	       td_strategy_name(strategy), c.ids.n, td->stats.nrecv,
	       now() - t0);
	pl_free(&c.ids);
}

struct sparse_stats {
	unsigned int dumps;
	unsigned int yielded;	/* dumps the sampler got into */
	unsigned long in_walk;
	double max_time;
};

/*
 * One sparse dump: children of target (none) or thread of target (the
 * target only, as /proc shows it), and whether the walk let the sampler
 * in while it went.
 */
static void sparse_dump(struct __test_metadata *_metadata, struct td *td,
			struct sampler *s, uint32_t strategy, pid_t target,
			struct sparse_stats *st)
{
	struct tasklist l = {};
	unsigned long yields;
	struct td_req req;
	char why[512];
	double t0, t;
	int ret;

	req = td_dump_req(strategy, target);
	req.has_show_flags = true;
	req.show_flags = SHOW(BASE);
	yields = in_walk(s);
	t0 = now();
	ret = td_run(td, &req, NULL, tl_add_cb, &l);
	t = now() - t0;
	yields = in_walk(s) - yields;
	EXPECT_EQ(0, ret) TD_LOG_ERR(td);
	if (strategy == TASKDIAG_DUMP_STRATEGY_CHILDREN) {
		EXPECT_EQ(0, l.n) TH_LOG("children of childless %d: %u...",
					 target, l.n ? l.v[0].pid : 0);
	} else {
		ASSERT_EQ(1, l.n) TH_LOG("thread of one-thread %d", target);
		EXPECT_EQ((uint32_t)target, l.v[0].pid);
		EXPECT_EQ((uint32_t)target, l.v[0].tgid);
		EXPECT_FALSE(l.v[0].cont);
		EXPECT_EQ(0, td_cmp_proc(&l.v[0], "/proc", TDC_ALL, why,
					 sizeof(why))) TH_LOG("%s", why);
	}
	/*
	 * The sampler wanted the CPU all along: a walk that yields lets it
	 * in, one under a single RCU read-side section never does.
	 */
	EXPECT_LT(0, yields)
		TH_LOG("%s %d: the walk never let the sampler in (%.3f s)",
		       td_strategy_name(strategy), target, t);
	st->dumps++;
	st->yielded += yields > 0;
	st->in_walk += yields;
	if (t > st->max_time)
		st->max_time = t;
	tl_free(&l);
}

/* The test proper, in the init process of a new pid namespace */
static void in_pidns(struct __test_metadata *_metadata, long tasks)
{
	int cpus[MAX_CREATORS], ncreators, ready[2], reap[2], i, round;
	pid_t creators[MAX_CREATORS], first, last;
	struct sparse_stats st = {};
	struct sampler s = {};
	struct pidlist all = {};
	long per, made, total = 0;
	struct td *td;
	uint32_t *pids;
	double t0;
	int status;

	ASSERT_EQ(1, getpid());
	ncreators = allowed_cpus(cpus, MAX_CREATORS);
	ASSERT_LT(0, ncreators);
	per = tasks / ncreators;
	pids = shared_alloc(tasks * sizeof(*pids));
	ASSERT_NE(NULL, pids);

	/* The lowest pid of the namespace after init's */
	first = fork_idle();
	ASSERT_LT(0, first);
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(reap, O_CLOEXEC));
	t0 = now();
	for (i = 0; i < ncreators; i++) {
		creators[i] = fork();
		if (!creators[i]) {
			close(ready[0]);
			close(reap[1]);
			creator(cpus[i], pids + i * per, per, ready[1],
				reap[0]);
		}
		ASSERT_LT(0, creators[i]);
	}
	close(ready[1]);
	close(reap[0]);
	for (i = 0; i < ncreators; i++) {
		ASSERT_EQ(0, read_full(ready[0], &made, sizeof(made)));
		total += made;
	}
	close(ready[0]);
	ASSERT_EQ(per * ncreators, total)
		TH_LOG("clone(): %s", strerror(errno));
	/* And the highest */
	last = fork_idle();
	ASSERT_LT(0, last);
	TH_LOG("%ld zombies made by %d processes in %.1f s, %ld MiB available",
	       total, ncreators, now() - t0, mem_available_kb() / 1024);
	ASSERT_EQ(0, wait_sleeping("/proc", first));
	ASSERT_EQ(0, wait_sleeping("/proc", last));

	/* The namespace: init, the two targets, the creators, the zombies */
	for (i = 0; i < total; i++)
		ASSERT_EQ(0, pl_add(&all, pids[i]));
	ASSERT_EQ(0, pl_add(&all, 1));
	ASSERT_EQ(0, pl_add(&all, first));
	ASSERT_EQ(0, pl_add(&all, last));
	for (i = 0; i < ncreators; i++)
		ASSERT_EQ(0, pl_add(&all, creators[i]));
	pl_sort(&all);
	ASSERT_TRUE(pl_ascending(&all));
	ASSERT_EQ((uint32_t)first, all.v[1]);
	ASSERT_EQ((uint32_t)last, all.v[all.n - 1]);

	ASSERT_EQ(0, td_open(&td, BUF_SIZE, false));
	/* Every task is a process of one thread, so both are the same */
	check_whole(_metadata, td, TASKDIAG_DUMP_STRATEGY_ALL, &all);
	check_whole(_metadata, td, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, &all);

	/* This thread dumps, the sampler waits on the same CPU */
	pin_to(cpus[0]);
	s.cpu = cpus[0];
	s.tid = gettid();
	ASSERT_EQ(0, pthread_create(&s.thread, NULL, sampler_fn, &s));
	__atomic_store_n(&s.state, 1, __ATOMIC_RELEASE);
	t0 = now();
	for (round = 0; round < ROUNDS; round++) {
		sparse_dump(_metadata, td, &s, TASKDIAG_DUMP_STRATEGY_CHILDREN,
			    first, &st);
		sparse_dump(_metadata, td, &s, TASKDIAG_DUMP_STRATEGY_CHILDREN,
			    last, &st);
		/* From the target to the end, and from the start to it */
		sparse_dump(_metadata, td, &s, TASKDIAG_DUMP_STRATEGY_THREAD,
			    first, &st);
		sparse_dump(_metadata, td, &s, TASKDIAG_DUMP_STRATEGY_THREAD,
			    last, &st);
	}
	__atomic_store_n(&s.state, 2, __ATOMIC_RELEASE);
	pthread_join(s.thread, NULL);
	EXPECT_EQ(0, s.err) TH_LOG("sampler: %s", strerror(s.err));
	TH_LOG("%u sparse dumps in %.1f s, the longest %.3f s",
	       st.dumps, now() - t0, st.max_time);
	TH_LOG("the walk let the sampler in during %u of them, %lu times",
	       st.yielded, st.in_walk);
	TH_LOG("(%lu samples in all)", s.samples);
	if (st.in_walk) {
		char *line, *save = NULL;

		TH_LOG("the dumper, switched out in the walk:");
		for (line = strtok_r(s.stack, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			TH_LOG("  %s", line);
	}
	td_close(td);

	/* Reaped by their parents: no walk of them all at once */
	t0 = now();
	kill_wait(first);
	kill_wait(last);
	close(reap[1]);
	for (i = 0; i < ncreators; i++) {
		ASSERT_EQ(creators[i], waitpid(creators[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("creator %d: status %#x", creators[i], status);
	}
	TH_LOG("reaped in %.1f s", now() - t0);
	pl_free(&all);
	munmap(pids, tasks * sizeof(*pids));
}

/*
 * The reports of the kernel log since the test began. Returns how many,
 * the first few in TH_LOG.
 */
static int kernel_reports(struct __test_metadata *_metadata, int kmsg)
{
	char rec[2048];
	int found = 0;
	size_t i;
	ssize_t n;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (i = 0; i < ARRAY_SIZE(reports); i++) {
			if (!strstr(rec, reports[i]))
				continue;
			if (found++ < 8)
				TH_LOG("kernel: %s", strchr(rec, ';') ?
				       strchr(rec, ';') + 1 : rec);
			break;
		}
	}
	return found;
}

/*
 * Children of a childless process, and thread of a one-thread process,
 * first and last of a namespace of 100,000 tasks, from inside it: the
 * replies are right (nothing; the one thread), the walk yields to a task
 * that wants its CPU, and no detector fires.
 */
TEST_F_TIMEOUT(scale, sparse_sets, 900)
{
	double t0 = now();
	int status;
	pid_t init;

	TH_LOG("%ld tasks, %ld MiB available", self->tasks,
	       self->avail_kib / 1024);
	init = fork_pidns_init();
	ASSERT_LE(0, init);
	if (!init) {
		in_pidns(_metadata, self->tasks);
		_exit(0);
	}
	ASSERT_EQ(init, waitpid(init, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("pid namespace init: status %#x", status);
	EXPECT_EQ(0, kernel_reports(_metadata, self->kmsg));
	TH_LOG("%.1f s in all", now() - t0);
}

TEST_HARNESS_MAIN
