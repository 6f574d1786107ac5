// SPDX-License-Identifier: GPL-2.0
/*
 * The stat group against /proc/PID/stat, status, io and TASKSTATS. Values
 * of a quiescent target must match exactly; values that move are bounded
 * by /proc (or TASKSTATS) read before and after the dump.
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
#include <linux/taskstats.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW_STAT	(1ULL << TASKDIAG_GROUP_STAT)
#define SMALL_BUF	4096
#define NR_THREADS	4
#define NR_EXITED	2
#define FAULT_PAGES	64
#define NAPS		20

#define V(t, a)	((t)->stat.v[TASKDIAG_A_STAT_##a])

/* Work that shows in every counter: CPU, faults, sleeps, I/O */
static void work(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long x = 0;
	char buf[64];
	char *p;
	int i, fd;

	p = mmap(NULL, FAULT_PAGES * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		/*
		 * Read, then written: the write copies the zero page, which
		 * delay accounting counts (wpcopy).
		 */
		for (i = 0; i < FAULT_PAGES; i++) {
			x += p[i * page];
			/* The read happens, before the write */
			asm volatile("" : "+r" (x) : : "memory");
			p[i * page] = 1;
		}
		munmap(p, FAULT_PAGES * page);
	}
	for (i = 0; i < NAPS; i++)
		usleep(100);
	/* The empty asm keeps the compiler from folding the loop away. */
	for (i = 0; i < 2000000; i++) {
		x += i;
		asm volatile("" : "+r" (x));
	}
	fd = open("/proc/self/stat", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) < 0)
			x++;
		close(fd);
	}
}

static int hold_fd = -1;
/* The threads that stay, main included, have all done their work */
static pthread_barrier_t worked;

static void hold_until_closed(void)
{
	char c;

	while (read(hold_fd, &c, 1) > 0)
		;
}

static void *thread_fn(void *arg)
{
	work();
	if (arg)
		return NULL;	/* one of those that exit */
	pthread_barrier_wait(&worked);
	hold_until_closed();
	return NULL;
}

/*
 * A process with NR_THREADS threads that all worked, NR_EXITED of which
 * exited, a reaped child that faulted, nice 5; then every thread sleeps in
 * read() until hold is closed.
 */
static pid_t spawn_worker(int *hold)
{
	int h[2], ready[2];
	pthread_t th[NR_THREADS];
	char c = 1;
	pid_t pid;
	int i;

	if (pipe(h) || pipe(ready))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		pid_t kid;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(h[1]);
		hold_fd = h[0];
		kid = fork();
		if (!kid) {
			work();
			_exit(0);
		}
		waitpid(kid, NULL, 0);
		pthread_barrier_init(&worked, NULL, NR_THREADS - NR_EXITED);
		for (i = 0; i < NR_THREADS - 1; i++)
			if (pthread_create(&th[i], NULL, thread_fn,
					   i < NR_EXITED ? (void *)1 : NULL))
				_exit(1);
		for (i = 0; i < NR_EXITED; i++)
			pthread_join(th[i], NULL);
		work();
		/* Quiescent from here on: nothing moves while compared */
		pthread_barrier_wait(&worked);
		if (setpriority(PRIO_PROCESS, 0, 5) ||
		    write(ready[1], &c, 1) != 1)
			_exit(1);
		hold_until_closed();
		_exit(0);
	}
	close(h[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		kill_wait(pid);
		return -1;
	}
	close(ready[0]);
	*hold = h[1];
	/* The threads say nothing: wait until /proc shows them asleep */
	if (wait_sleeping("/proc", pid)) {
		close(h[1]);
		kill_wait(pid);
		return -1;
	}
	return pid;
}

/*
 * A quiescent task: every stat field, io counter and context switch count
 * of the reply equals /proc's. dir is /proc/PID or /proc/PID/task/TID.
 */
static void cmp_quiescent(struct __test_metadata *_metadata,
			  const struct td_task *t, const char *dir, bool thread)
{
	unsigned long long f[PROC_STAT_FIELDS], io[7];
	char path[128];
	long sw;
	int a;

	ASSERT_TRUE(t->has_stat);
	EXPECT_EQ(0, t->bad_stat);
	EXPECT_FALSE(t->has_withheld);
	EXPECT_EQ(TD_STAT_ALWAYS, t->stat.present & ~TD_STAT_COUNTERS)
		TH_LOG("%s: present %#llx", dir,
		       (unsigned long long)t->stat.present);
	/* A counter is sent only if not 0; absent, it reads 0 below */
	for (a = 0; a <= TASKDIAG_A_STAT_MAX; a++)
		if (TD_STAT_COUNTERS & t->stat.present & (1ULL << a))
			EXPECT_NE(0, t->stat.v[a])
				TH_LOG("%s: attr %d sent as 0", dir, a);
	snprintf(path, sizeof(path), "%s/stat", dir);
	ASSERT_EQ(0, proc_read_stat_fields(path, f));
	for (a = 0; a <= TASKDIAG_A_STAT_MAX; a++) {
		if (!td_stat_field[a])
			continue;
		EXPECT_EQ((long long)f[td_stat_field[a]], td_stat_as_proc(t, a))
			TH_LOG("%s: stat field %d, attr %d (%llu)", dir,
			       td_stat_field[a], a,
			       (unsigned long long)t->stat.v[a]);
	}
	snprintf(path, sizeof(path), "%s/io", dir);
	ASSERT_EQ(0, proc_read_io(path, io));
	for (a = 0; a < 7; a++) {
		EXPECT_EQ(io[a], t->stat.v[TASKDIAG_A_STAT_RCHAR + a])
			TH_LOG("%s: io line %d", dir, a);
	}
	/* status shows a thread's own switches (the leader's for PID) */
	if (thread) {
		snprintf(path, sizeof(path), "%s/status", dir);
		ASSERT_EQ(0, proc_read_status(path, "voluntary_ctxt_switches",
					      &sw));
		EXPECT_EQ(sw, V(t, NVCSW));
		ASSERT_EQ(0, proc_read_status(path,
					      "nonvoluntary_ctxt_switches",
					      &sw));
		EXPECT_EQ(sw, V(t, NIVCSW));
	}
}

/*
 * A worker made with delay accounting on (kernel.task_delayacct), so that
 * the delays of its exited threads are not all 0; read with 4 KiB
 * datagrams, many stat messages each.
 */
FIXTURE(worker) {
	struct td *td;
	pid_t pid;
	int hold;
	long delayacct;
};

FIXTURE_SETUP(worker)
{
	self->pid = -1;
	self->delayacct = -1;
	TD_OPEN_OR_SKIP(&self->td, SMALL_BUF, false);
	if (geteuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/task_delayacct", 1,
				&self->delayacct));
	self->pid = spawn_worker(&self->hold);
	ASSERT_LT(0, self->pid);
}

FIXTURE_TEARDOWN(worker)
{
	if (self->pid > 0) {
		close(self->hold);
		kill_wait(self->pid);
	}
	if (self->delayacct >= 0)
		sysctl_set("/proc/sys/kernel/task_delayacct", self->delayacct,
			   NULL);
	td_close(self->td);
}

/* Process totals of a sleeping process equal /proc/PID/stat and io */
TEST_F(worker, process_exact)
{
	struct td_merge m = {};
	char dir[64];

	ASSERT_EQ(0, td_fetch(self->td, TASKDIAG_DUMP_STRATEGY_ONE, self->pid,
			      SHOW_STAT, &m, NULL)) TH_LOG("%s", m.err);
	snprintf(dir, sizeof(dir), "/proc/%d", self->pid);
	cmp_quiescent(_metadata, &m.task, dir, false);
	/* Not trivially: the setup is visible in the values */
	EXPECT_EQ(NR_THREADS - NR_EXITED, V(&m.task, THREADS));
	EXPECT_EQ(5, (int64_t)V(&m.task, NICE));
	EXPECT_LE(FAULT_PAGES, V(&m.task, CMINFLT));
	EXPECT_NE(0, V(&m.task, VSIZE));
	td_merge_free(&m);
}

/*
 * Per thread for thread strategies, exactly as /proc/PID/task/TID; the
 * process totals include the exited threads' work.
 */
TEST_F(worker, threads_and_totals)
{
	uint64_t minflt = 0, nvcsw = 0, cpu = 0;
	struct tasklist tl = {};
	struct td_merge m = {};
	struct taskstats ts;
	const struct td_task *p;
	char dir[64];
	size_t i;
	int ret;

	ASSERT_EQ(0, td_fetch(self->td, TASKDIAG_DUMP_STRATEGY_THREAD,
			      self->pid, SHOW_STAT, &m, &tl)) TH_LOG("%s", m.err);
	ASSERT_EQ(NR_THREADS - NR_EXITED, tl.n);
	for (i = 0; i < tl.n; i++) {
		snprintf(dir, sizeof(dir), "/proc/%d/task/%u", self->pid,
			 tl.v[i].pid);
		cmp_quiescent(_metadata, &tl.v[i], dir, true);
		minflt += V(&tl.v[i], MINFLT);
		nvcsw += V(&tl.v[i], NVCSW);
		cpu += V(&tl.v[i], UTIME) + V(&tl.v[i], STIME);
	}
	ASSERT_EQ(0, td_fetch(self->td, TASKDIAG_DUMP_STRATEGY_ONE, self->pid,
			      SHOW_STAT, &m, NULL));
	p = &m.task;
	/*
	 * Each exited thread faulted FAULT_PAGES pages. Its sleeps need not
	 * all have switched (a short timer can expire before schedule()):
	 * the exited threads' switches are checked by the TASKSTATS sum.
	 */
	EXPECT_LE(minflt + NR_EXITED * FAULT_PAGES, V(p, MINFLT));
	EXPECT_LE(nvcsw, V(p, NVCSW));
	EXPECT_LE(cpu, V(p, UTIME) + V(p, STIME));

	/* The context switches of a process are TASKSTATS's TGID sum */
	ret = taskstats_get(self->pid, true, &ts);
	if (ret != -ENOENT) {
		ASSERT_EQ(0, ret);
		EXPECT_EQ(ts.nvcsw, V(p, NVCSW));
		EXPECT_EQ(ts.nivcsw, V(p, NIVCSW));
	}
	tl_free(&tl);

	/*
	 * The same threads in a dump of every thread of the system, read
	 * into 4 KiB without peeking (a larger datagram would fail it with
	 * MSG_TRUNC): messages of other tasks around them, many datagrams.
	 */
	ASSERT_EQ(0, td_fetch(self->td, TASKDIAG_DUMP_STRATEGY_ALL_THREAD, 0,
			      SHOW_STAT, &m, &tl)) TH_LOG("%s", m.err);
	EXPECT_LT(2, self->td->stats.nrecv);
	for (i = 0, ret = 0; i < tl.n; i++) {
		if (tl.v[i].tgid != (uint32_t)self->pid)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/task/%u", self->pid,
			 tl.v[i].pid);
		cmp_quiescent(_metadata, &tl.v[i], dir, true);
		ret++;
	}
	EXPECT_EQ(NR_THREADS - NR_EXITED, ret);
	tl_free(&tl);
	td_merge_free(&m);
}

/* The delay totals of TASKSTATS, by TASKDIAG_A_STAT_* */
static void taskstats_delays(const struct taskstats *ts, uint64_t *v)
{
	v[TASKDIAG_A_STAT_CPU_DELAY_COUNT] = ts->cpu_count;
	v[TASKDIAG_A_STAT_CPU_DELAY_TOTAL] = ts->cpu_delay_total;
	v[TASKDIAG_A_STAT_BLKIO_DELAY_COUNT] = ts->blkio_count;
	v[TASKDIAG_A_STAT_BLKIO_DELAY_TOTAL] = ts->blkio_delay_total;
	v[TASKDIAG_A_STAT_SWAPIN_DELAY_COUNT] = ts->swapin_count;
	v[TASKDIAG_A_STAT_SWAPIN_DELAY_TOTAL] = ts->swapin_delay_total;
	v[TASKDIAG_A_STAT_FREEPAGES_DELAY_COUNT] = ts->freepages_count;
	v[TASKDIAG_A_STAT_FREEPAGES_DELAY_TOTAL] = ts->freepages_delay_total;
	v[TASKDIAG_A_STAT_THRASHING_DELAY_COUNT] = ts->thrashing_count;
	v[TASKDIAG_A_STAT_THRASHING_DELAY_TOTAL] = ts->thrashing_delay_total;
	v[TASKDIAG_A_STAT_COMPACT_DELAY_COUNT] = ts->compact_count;
	v[TASKDIAG_A_STAT_COMPACT_DELAY_TOTAL] = ts->compact_delay_total;
	v[TASKDIAG_A_STAT_WPCOPY_DELAY_COUNT] = ts->wpcopy_count;
	v[TASKDIAG_A_STAT_WPCOPY_DELAY_TOTAL] = ts->wpcopy_delay_total;
	v[TASKDIAG_A_STAT_IRQ_DELAY_COUNT] = ts->irq_count;
	v[TASKDIAG_A_STAT_IRQ_DELAY_TOTAL] = ts->irq_delay_total;
}

/* Every delay total equals TASKSTATS's, for a quiescent task */
static void cmp_delays(struct __test_metadata *_metadata,
		       const struct td_task *t, const struct taskstats *ts,
		       const char *what)
{
	uint64_t v[TASKDIAG_A_STAT_MAX + 1] = {};
	int a;

	taskstats_delays(ts, v);
	for (a = TASKDIAG_A_STAT_CPU_DELAY_COUNT;
	     a <= TASKDIAG_A_STAT_IRQ_DELAY_TOTAL; a++) {
		EXPECT_EQ(v[a], t->stat.v[a])
			TH_LOG("%s: delay attr %d", what, a);
	}
}

/*
 * A task's start time, in ns, within the microsecond TASKSTATS gives:
 * ac_etime is the time since it, truncated to microseconds, read between
 * boot times b0 and b1 (the same clock but for time spent suspended,
 * which cancels out).
 */
static void cmp_start(struct __test_metadata *_metadata,
		      const struct td_task *t, const struct taskstats *ts,
		      uint64_t b0, uint64_t b1)
{
	uint64_t etime = ts->ac_etime * 1000, start = t->base.start_time;

	EXPECT_LT(b0 - etime - 1000, start)
		TH_LOG("%u: start %llu ns, etime %llu us, from %llu", t->pid,
		       (unsigned long long)start,
		       (unsigned long long)ts->ac_etime,
		       (unsigned long long)b0);
	/* The two clocks are read one after the other at fork: 1 us */
	EXPECT_GE(b1 - etime + 1000, start)
		TH_LOG("%u: start %llu ns, etime %llu us, to %llu", t->pid,
		       (unsigned long long)start,
		       (unsigned long long)ts->ac_etime,
		       (unsigned long long)b1);
}

/*
 * Delay totals of a quiescent process and its threads are TASKSTATS's,
 * exited threads included in the process's (delay accounting on: they
 * are not 0). CPU times in ns: a thread's utime + stime is its runtime
 * (TASKSTATS cpu_run_virtual_total), a process's at least what TASKSTATS
 * counts of its live and exited threads. Start times to the microsecond.
 */
TEST_F(worker, delays_and_times)
{
	uint64_t live_cpu = 0, live_wpcopy = 0, b0, b1;
	struct taskstats ts, tts;
	struct tasklist tl = {};
	struct td_merge m = {};
	const struct td_task *p;
	size_t i;
	int ret;

	ASSERT_EQ(0, td_fetch(self->td, TASKDIAG_DUMP_STRATEGY_THREAD,
			      self->pid, SHOW_STAT | (1ULL << TASKDIAG_GROUP_BASE),
			      &m, &tl)) TH_LOG("%s", m.err);
	ASSERT_EQ(NR_THREADS - NR_EXITED, tl.n);
	for (i = 0; i < tl.n; i++) {
		const struct td_task *t = &tl.v[i];
		char what[32];

		snprintf(what, sizeof(what), "thread %u", t->pid);
		ret = taskstats_get_timed(t->pid, false, &tts, &b0, &b1);
		ASSERT_EQ(0, ret);
		cmp_delays(_metadata, t, &tts, what);
		EXPECT_EQ(tts.cpu_run_virtual_total, V(t, UTIME) + V(t, STIME))
			TH_LOG("%s: utime %llu + stime %llu ns", what,
			       (unsigned long long)V(t, UTIME),
			       (unsigned long long)V(t, STIME));
		cmp_start(_metadata, t, &tts, b0, b1);
		live_cpu += V(t, CPU_DELAY_COUNT);
		live_wpcopy += V(t, WPCOPY_DELAY_COUNT);
	}

	ASSERT_EQ(0, td_fetch(self->td, TASKDIAG_DUMP_STRATEGY_ONE, self->pid,
			      SHOW_STAT | (1ULL << TASKDIAG_GROUP_BASE), &m,
			      NULL)) TH_LOG("%s", m.err);
	p = &m.task;
	ASSERT_EQ(0, taskstats_get(self->pid, true, &ts));
	cmp_delays(_metadata, p, &ts, "process");
	/* The exited threads ran, and wrote to copies of the zero page */
	EXPECT_LT(live_cpu, V(p, CPU_DELAY_COUNT));
	EXPECT_LT(live_wpcopy, V(p, WPCOPY_DELAY_COUNT));
	EXPECT_LE(ts.cpu_run_virtual_total, V(p, UTIME) + V(p, STIME))
		TH_LOG("utime %llu + stime %llu ns",
		       (unsigned long long)V(p, UTIME),
		       (unsigned long long)V(p, STIME));
	ret = taskstats_get_timed(self->pid, false, &tts, &b0, &b1);
	ASSERT_EQ(0, ret);
	TH_LOG("start times to %llu us (TASKSTATS took that long)",
	       (unsigned long long)(b1 - b0 + 2000) / 1000);
	cmp_start(_metadata, p, &tts, b0, b1);
	tl_free(&tl);
	td_merge_free(&m);
}

/* A target that runs and sleeps all the time: every counter moves */
static pid_t spawn_busy(void)
{
	pid_t pid = fork();
	int i;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		work();
		for (i = 0; i < 5; i++)
			sched_yield();
	}
}

#define BOUND(lo, v, hi, what) do {					\
	EXPECT_LE((unsigned long long)(lo), (unsigned long long)(v))	\
		TH_LOG("%s below", what);				\
	EXPECT_GE((unsigned long long)(hi), (unsigned long long)(v))	\
		TH_LOG("%s above", what);				\
} while (0)

/*
 * A busy target: /proc before <= taskdiag <= /proc after, in stat's units,
 * and the delays and context switches between two TASKSTATS reads.
 */
TEST(moving_bounds)
{
	unsigned long long s0[PROC_STAT_FIELDS], s1[PROC_STAT_FIELDS];
	unsigned long long io0[7], io1[7];
	struct taskstats t0, t1;
	struct td_merge m = {};
	struct td *td;
	char path[64], iop[64];
	long old = -1;
	pid_t pid;
	int a, ret, round;

	TD_OPEN_OR_SKIP(&td, 0, false);
	if (geteuid())
		SKIP(return, "needs root");
	/* Delay accounting is off by default: the delays would all be 0 */
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/task_delayacct", 1, &old));
	pid = spawn_busy();
	ASSERT_LT(0, pid);
	usleep(200000);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	snprintf(iop, sizeof(iop), "/proc/%d/io", pid);

	for (round = 0; round < 2; round++) {
		const struct td_task *t = &m.task;

		ret = taskstats_get(pid, true, &t0);
		ASSERT_TRUE(ret == 0 || ret == -ENOENT);
		ASSERT_EQ(0, proc_read_stat_fields(path, s0));
		ASSERT_EQ(0, proc_read_io(iop, io0));
		ASSERT_EQ(0, td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, pid,
				      SHOW_STAT, &m, NULL)) TH_LOG("%s", m.err);
		ASSERT_EQ(0, proc_read_io(iop, io1));
		ASSERT_EQ(0, proc_read_stat_fields(path, s1));
		if (!ret)
			ASSERT_EQ(0, taskstats_get(pid, true, &t1));

		for (a = TASKDIAG_A_STAT_UTIME; a <= TASKDIAG_A_STAT_NICE; a++) {
			char what[32];

			if (!td_stat_field[a])
				continue;
			snprintf(what, sizeof(what), "stat field %d",
				 td_stat_field[a]);
			BOUND(s0[td_stat_field[a]], td_stat_as_proc(t, a),
			      s1[td_stat_field[a]], what);
		}
		for (a = 0; a < 7; a++)
			BOUND(io0[a], t->stat.v[TASKDIAG_A_STAT_RCHAR + a],
			      io1[a], "io");
		EXPECT_LT(0, io1[0]);	/* the target does read */
		if (ret)
			continue;
		BOUND(t0.nvcsw, V(t, NVCSW), t1.nvcsw, "nvcsw");
		BOUND(t0.nivcsw, V(t, NIVCSW), t1.nivcsw, "nivcsw");
		BOUND(t0.cpu_count, V(t, CPU_DELAY_COUNT), t1.cpu_count, "cpu");
		BOUND(t0.cpu_delay_total, V(t, CPU_DELAY_TOTAL),
		      t1.cpu_delay_total, "cpu total");
		BOUND(t0.blkio_count, V(t, BLKIO_DELAY_COUNT), t1.blkio_count,
		      "blkio");
		BOUND(t0.blkio_delay_total, V(t, BLKIO_DELAY_TOTAL),
		      t1.blkio_delay_total, "blkio total");
		BOUND(t0.swapin_count, V(t, SWAPIN_DELAY_COUNT),
		      t1.swapin_count, "swapin");
		BOUND(t0.freepages_count, V(t, FREEPAGES_DELAY_COUNT),
		      t1.freepages_count, "freepages");
		BOUND(t0.thrashing_count, V(t, THRASHING_DELAY_COUNT),
		      t1.thrashing_count, "thrashing");
		BOUND(t0.compact_count, V(t, COMPACT_DELAY_COUNT),
		      t1.compact_count, "compact");
		BOUND(t0.wpcopy_count, V(t, WPCOPY_DELAY_COUNT),
		      t1.wpcopy_count, "wpcopy");
		BOUND(t0.wpcopy_delay_total, V(t, WPCOPY_DELAY_TOTAL),
		      t1.wpcopy_delay_total, "wpcopy total");
		BOUND(t0.irq_count, V(t, IRQ_DELAY_COUNT), t1.irq_count, "irq");
		BOUND(t0.irq_delay_total, V(t, IRQ_DELAY_TOTAL),
		      t1.irq_delay_total, "irq total");
		/* Enabled, the busy target is delayed on the CPU */
		EXPECT_LT(0, V(t, CPU_DELAY_COUNT));
	}
	td_merge_free(&m);
	kill_wait(pid);
	if (old >= 0)
		sysctl_set("/proc/sys/kernel/task_delayacct", old, NULL);
	td_close(td);
}

static int set_policy(void *arg)
{
	const int *policy_prio = arg;
	struct sched_param sp = { .sched_priority = policy_prio[1] };

	return sched_setscheduler(0, policy_prio[0], &sp);
}

/* A sleeping child with a scheduling policy and priority, until hold is closed */
static pid_t sleep_with_policy(int policy, int prio, int *hold)
{
	int policy_prio[] = { policy, prio };
	pid_t pid = spawn_prepared(set_policy, policy_prio, hold);

	if (pid > 0 && wait_sleeping("/proc", pid)) {
		close(*hold);
		kill_wait(pid);
		return -1;
	}
	return pid;
}

/* Real-time policies and priorities as stat fields 18, 40 and 41 */
TEST(rt_policy)
{
	static const int pol[] = { SCHED_FIFO, SCHED_RR };
	struct td_merge m = {};
	struct td *td;
	char dir[64];
	pid_t pid;
	int hold, i;

	TD_OPEN_OR_SKIP(&td, 0, false);
	if (geteuid())
		SKIP(return, "needs root");
	for (i = 0; i < 2; i++) {
		pid = sleep_with_policy(pol[i], 10 + i, &hold);
		ASSERT_LT(0, pid);
		ASSERT_EQ(0, td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, pid,
				      SHOW_STAT, &m, NULL));
		snprintf(dir, sizeof(dir), "/proc/%d", pid);
		cmp_quiescent(_metadata, &m.task, dir, false);
		EXPECT_EQ(pol[i], V(&m.task, POLICY));
		EXPECT_EQ(10 + i, V(&m.task, RT_PRIORITY));
		close(hold);
		kill_wait(pid);
	}
	td_merge_free(&m);
	td_close(td);
}

/*
 * Kernel threads: the per-CPU threads of an offline CPU are parked, state
 * P, and do not run: every field of their base and stat groups equals
 * /proc's. Read in a dump of all processes, 4 KiB at a time.
 */
#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

FIXTURE(offline) {
	long online;	/* cpu1's state before, -1 if untouched */
};

FIXTURE_SETUP(offline)
{
	self->online = -1;
	if (geteuid())
		SKIP(return, "needs root");
	if (access(CPU1_ONLINE, W_OK))
		SKIP(return, "no second CPU that can go offline");
	ASSERT_EQ(0, sysctl_set(CPU1_ONLINE, 0, &self->online));
}

FIXTURE_TEARDOWN(offline)
{
	if (self->online > 0)
		sysctl_set(CPU1_ONLINE, self->online, NULL);
}

TEST_F_TIMEOUT(offline, parked_kthreads, 120)
{
	unsigned int parked = 0, per_cpu = 0;
	struct tasklist l = {};
	struct td_merge m = {};
	char dir[64], why[512];
	struct td *td;
	size_t i;
	int ret;

	ASSERT_EQ(1, self->online);
	TD_OPEN_OR_SKIP(&td, SMALL_BUF, false);
	ASSERT_EQ(0, td_fetch(td, TASKDIAG_DUMP_STRATEGY_ALL, 0,
			      SHOW_STAT | (1ULL << TASKDIAG_GROUP_BASE), &m,
			      &l)) TH_LOG("%s", m.err);
	for (i = 0; i < l.n; i++) {
		const struct td_task *t = &l.v[i];
		const char *c = t->base.comm;
		size_t len = strlen(c);

		if (!(t->base.flags & TASKDIAG_TASK_FLAGS_KTHREAD))
			continue;
		/* The smpboot threads of cpu1 */
		if (len > 2 && !strcmp(c + len - 2, "/1") &&
		    (!strncmp(c, "cpuhp/", 6) || !strncmp(c, "ksoftirqd/", 10) ||
		     !strncmp(c, "migration/", 10))) {
			per_cpu++;
			EXPECT_EQ(TASKDIAG_TASK_STATE_PARKED, t->base.state)
				TH_LOG("%s: %c", c, td_state_letter(t->base.state));
		}
		if (t->base.state != TASKDIAG_TASK_STATE_PARKED)
			continue;
		parked++;
		ret = td_cmp_proc(t, "/proc", TDC_ALL, why, sizeof(why));
		EXPECT_EQ(0, ret) TH_LOG("%s", ret > 0 ? why : strerror(-ret));
		snprintf(dir, sizeof(dir), "/proc/%u", t->pid);
		cmp_quiescent(_metadata, t, dir, false);
	}
	TH_LOG("%u parked kernel threads, %u per-CPU threads of cpu1", parked,
	       per_cpu);
	EXPECT_LE(3, per_cpu);
	EXPECT_LE(per_cpu, parked);
	tl_free(&l);
	td_merge_free(&m);
	td_close(td);
}

TEST_HARNESS_MAIN
