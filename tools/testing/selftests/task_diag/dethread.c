// SPDX-License-Identifier: GPL-2.0
/*
 * execve() from a thread that does not lead its group (de_thread()), while
 * dumps run. Documentation/userspace-api/taskdiag.rst, "Ids change in one
 * case": the thread takes over the leader's id, the leader and the other
 * threads end; the thread strategies report that thread under its old id
 * if the walk reached that id before the exec, and under the leader's if
 * it reached that one after. A thread whose id is above the leader's is
 * reported once or not at all; one whose id is below it (as after the
 * pids wrapped around; made here with ns_last_pid) once or twice. Every
 * other thread of the set that lives through the dump is reported exactly
 * once. The process strategies report the process exactly once, by its
 * tgid, whatever happens to its threads.
 *
 * Victims: processes of a leader ("dtL") and threads ("dtT"), one of
 * which ("dtE", at a random place among the last ones made, whose ids are
 * above the leader's or, in half of the victims, below it) execs
 * /proc/self/exe when
 * the test says so; the new image ("dtN") starts threads ("dtM") and
 * waits. Their comm tells who a message is about: the message at the
 * process's id is the old leader if it says dtL, the exec'ing thread
 * otherwise. A memfd kept across the exec says which threads each image
 * has and when the exec began and ended.
 *
 * Bystanders: sleeping processes with threads, the init process of the
 * test's pid namespace, and the other victims, before or after their exec.
 *
 * Each dump (all-thread, thread, all, one; receive sizes from a page to
 * 32 KiB; small messages or large ones) makes a victim exec:
 *  - in step with the dump: between two of its parts, the dump waiting
 *    for the new image to run before it reads on. The kernel builds each
 *    part in the recvmsg() that returns the one before (the first in the
 *    sendmsg()), so the ids the walk had passed when the exec happened are
 *    known: the thread must be reported exactly as the rule says.
 *  - racing with it: at a random moment, concurrently; the exec's times
 *    tell whether it happened during the dump (it began after the request
 *    and the new image ran before the end), and the thread must be
 *    reported at most once.
 *  - after it: a control, where every thread of the victim lives through.
 * In every dump: no id twice (the ids ascend), every bystander thread or
 * process exactly once, every message about a task the test knows.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
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
#define SHOW_LARGE		(SHOW(BASE) | SHOW(CRED) | SHOW(STAT))

#define IMAGE_ARG		"--dethread-image"

#define NR_BYSTANDERS		6
#define BYSTANDER_THREADS	3
#define NR_VICTIMS		3
/* Threads of a victim before its exec, the leader included */
#define VICTIM_THREADS		16
/* Of which the last made, with ids below the leader's in a "low" victim */
#define LOW_THREADS		12
/* Each victim's ids are in a region of its own: its pid is base + 1 */
#define REGION			1000
#define NR_REGIONS		25
/* Threads the new image starts besides its main one */
#define NEW_THREADS		3
#define MAX_MSGS		512
/*
 * The test goes on until the goals below are met (25-90 s under TCG, with
 * coverage and on a loaded host), or for this long: on a busy host,
 * 245 iterations in 90 s once fell one exec short of a goal
 */
#define SECONDS			180
#define MIN_ITERATIONS		120
#define MAX_ITERATIONS		2000
/* How long an exec and the start of the new image may take */
#define EXEC_TIMEOUT		20.0

/*
 * Execs during dumps needed of each strategy, and of all-thread, times
 * the thread was found in each place the rule tells apart
 */
#define MIN_DURING		8
#define MIN_OUTCOME		2

enum slot_state {
	SLOT_FREE,
	SLOT_READY,		/* every thread of the victim exists */
	SLOT_EXEC,		/* the thread is in execve() */
	SLOT_DONE,		/* the new image and its threads exist */
	SLOT_FAILED,
};

/* A victim, in the memfd shared by the test and every image */
struct slot {
	int state;
	int go;			/* futex: the thread execs when set */
	int delay_us;		/* after go, before execve() */
	int err;
	uint32_t pid;
	uint32_t e;		/* the thread that execs */
	uint32_t tids[VICTIM_THREADS];	/* [0] is pid */
	uint32_t new_tids[NEW_THREADS + 1];	/* [0] is pid */
	double t_exec;		/* just before execve() */
	double t_done;		/* when the new image's main() began */
};

static uint32_t min_id(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t max_id(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static long futex(int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void set_state(struct slot *s, int state)
{
	__atomic_store_n(&s->state, state, __ATOMIC_RELEASE);
}

static int get_state(struct slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

static void set_name(const char *name)
{
	prctl(PR_SET_NAME, name);
}

/* The new image: its main thread is the one that called execve() */

struct image_thread {
	struct slot *s;
	int i;
	sem_t *started;
};

static void *image_thread_fn(void *arg)
{
	struct image_thread *t = arg;

	set_name("dtM");
	t->s->new_tids[t->i] = gettid();
	sem_post(t->started);
	for (;;)
		pause();
	return NULL;
}

static int image_main(int idx, int fd)
{
	struct image_thread th[NEW_THREADS + 1];
	struct slot *slots, *s;
	pthread_attr_t attr;
	sem_t started;
	pthread_t p;
	double t = now();
	int i;

	slots = mmap(NULL, NR_VICTIMS * sizeof(*slots),
		     PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (slots == MAP_FAILED)
		return 1;
	s = &slots[idx];
	s->t_done = t;
	/* A new thread has no parent-death signal: set it again */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	set_name("dtN");
	s->new_tids[0] = gettid();
	sem_init(&started, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 65536);
	for (i = 1; i <= NEW_THREADS; i++) {
		th[i] = (struct image_thread){ .s = s, .i = i,
					       .started = &started };
		if (pthread_create(&p, &attr, image_thread_fn, &th[i])) {
			set_state(s, SLOT_FAILED);
			return 1;
		}
		sem_wait(&started);
	}
	set_state(s, SLOT_DONE);
	for (;;)
		pause();
}

/* A victim before its exec; the slots are at descriptor memfd */
static int memfd = -1;

struct victim_thread {
	struct slot *s;
	int i;
	int idx;		/* of the slot */
	bool execs;
	sem_t *started;
};

static void *victim_thread_fn(void *arg)
{
	struct victim_thread *t = arg;
	struct slot *s = t->s;
	char idx[16], fd[16], *argv[5];

	set_name(t->execs ? "dtE" : "dtT");
	s->tids[t->i] = gettid();
	if (t->execs)
		s->e = gettid();
	sem_post(t->started);
	if (!t->execs) {
		for (;;)
			pause();
	}
	while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
		futex(&s->go, FUTEX_WAIT, 0);
	if (s->delay_us)
		usleep(s->delay_us);
	snprintf(idx, sizeof(idx), "%d", t->idx);
	snprintf(fd, sizeof(fd), "%d", memfd);
	argv[0] = "/proc/self/exe";
	argv[1] = IMAGE_ARG;
	argv[2] = idx;
	argv[3] = fd;
	argv[4] = NULL;
	s->t_exec = now();
	set_state(s, SLOT_EXEC);
	execve(argv[0], argv, environ);
	s->err = errno;
	set_state(s, SLOT_FAILED);
	_exit(1);
}

/* The next pid or tid made in the caller's pid namespace is last + 1 */
static int set_last_pid(pid_t last)
{
	char buf[16];
	int fd, len, ret;

	fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%d", last);
	ret = write(fd, buf, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

static __noreturn void victim_main(struct slot *s, int idx, int exec_at,
				   bool low)
{
	struct victim_thread th[VICTIM_THREADS];
	pthread_attr_t attr;
	sem_t started;
	pthread_t p;
	int i;

	set_name("dtL");
	s->tids[0] = getpid();
	sem_init(&started, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 65536);
	/*
	 * One at a time: the tids ascend in the order of the threads, but
	 * that the last ones of a low victim start below the leader's pid.
	 */
	for (i = 1; i < VICTIM_THREADS; i++) {
		if (low && i == VICTIM_THREADS - LOW_THREADS &&
		    set_last_pid(getpid() - REGION / 2)) {
			set_state(s, SLOT_FAILED);
			_exit(1);
		}
		th[i] = (struct victim_thread){ .s = s, .i = i, .idx = idx,
						.execs = i == exec_at,
						.started = &started };
		if (pthread_create(&p, &attr, victim_thread_fn, &th[i])) {
			set_state(s, SLOT_FAILED);
			_exit(1);
		}
		sem_wait(&started);
	}
	s->pid = getpid();
	set_state(s, SLOT_READY);
	for (;;)
		pause();
}

/*
 * Which thread of a new victim execs: so that a part of a dump (a page
 * holds six to nine threads) can end between the leader and it, one of
 * the last five, or in a low victim one of the first three below the
 * leader.
 */
static int exec_index(bool low)
{
	return low ? VICTIM_THREADS - LOW_THREADS + rand() % 3 :
		     VICTIM_THREADS - 5 + rand() % 5;
}

/*
 * Start a victim in slot idx; its thread exec_at will exec. Its ids are
 * in the region of the victims made so far; if low, the last threads'
 * ids are below the leader's.
 */
static pid_t start_victim(struct slot *slots, int idx, int exec_at, bool low)
{
	static unsigned int made;
	struct slot *s = &slots[idx];
	pid_t pid;
	int i;

	memset(s, 0, sizeof(*s));
	if (set_last_pid(REGION * (1 + made++ % NR_REGIONS)))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != 1)
			_exit(1);
		/* Nothing of the test but the slots */
		if (memfd > 3)
			close_range(3, memfd - 1, 0);
		close_range(memfd + 1, ~0U, 0);
		victim_main(s, idx, exec_at, low);
	}
	for (i = 0; i < 30000; i++) {
		int st = get_state(s);

		if (st == SLOT_READY)
			return pid;
		if (st == SLOT_FAILED)
			break;
		usleep(1000);
	}
	kill_wait(pid);
	return -1;
}

/* A victim, low or not at random */
static pid_t start_any_victim(struct slot *slots, int idx)
{
	bool low = rand() & 1;

	return start_victim(slots, idx, exec_index(low), low);
}

/* Wait for the new image of slot s; 0, or -1 on failure or timeout */
static int wait_done(struct slot *s)
{
	double t0 = now();

	while (now() - t0 < EXEC_TIMEOUT) {
		int st = get_state(s);

		if (st == SLOT_DONE)
			return 0;
		if (st == SLOT_FAILED)
			return -1;
		usleep(200);
	}
	return -1;
}

static void trigger(struct slot *s, int delay_us)
{
	s->delay_us = delay_us;
	__atomic_store_n(&s->go, 1, __ATOMIC_RELEASE);
	futex(&s->go, FUTEX_WAKE, 1);
}

/*
 * A task of a dump: its messages put together. A task whose data does
 * not fit what is left of a datagram goes on in the next one: the parts
 * repeat its ids, all but the last say cont, the first has the base.
 */
struct msg {
	uint32_t pid;
	uint32_t tgid;
	unsigned int part;	/* the datagram of its first part, from 1 */
	unsigned int parts;
	bool cont;		/* the last part so far said cont */
	char comm[TD_COMM_LEN];
};

struct dump {
	struct msg v[MAX_MSGS];
	unsigned int n;
	bool overflow;
	char broken[128];	/* parts that do not fit together */
	struct td *td;
};

static int msg_cb(const struct td_task *t, void *arg)
{
	struct dump *d = arg;
	struct msg *m = d->n ? &d->v[d->n - 1] : NULL;

	if (m && m->cont) {
		if (t->pid != m->pid || t->tgid != m->tgid || t->has_base)
			snprintf(d->broken, sizeof(d->broken),
				 "%u/%u (base %d) after a part of %u/%u",
				 t->pid, t->tgid, t->has_base, m->pid,
				 m->tgid);
		m->cont = t->cont;
		m->parts++;
		return 0;
	}
	if (d->n == MAX_MSGS) {
		d->overflow = true;
		return 0;
	}
	m = &d->v[d->n++];
	m->pid = t->pid;
	m->tgid = t->tgid;
	m->part = d->td->stats.nrecv;
	m->parts = 1;
	m->cont = t->cont;
	m->comm[0] = '\0';
	if (t->has_base)
		memcpy(m->comm, t->base.comm, sizeof(m->comm));
	return 0;
}

static const struct msg *find_msg(const struct dump *d, uint32_t pid)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].pid == pid)
			return &d->v[i];
	return NULL;
}

enum mode {
	M_STEP,			/* between two parts, the dump waiting */
	M_RACE,			/* at a random moment */
	M_AFTER,		/* after the dump */
	NR_MODES
};

static const char * const mode_names[] = { "step", "race", "after" };

/* Where the exec'ing thread was reported, when the exec was in a dump */
enum outcome {
	O_OLD_ID,		/* under its own id, before the exec */
	O_LEADER_ID,		/* under the leader's, after it */
	O_BOTH,			/* under both: its id is below the leader's */
	O_NONE,			/* not at all: its id is above it */
	NR_OUTCOMES
};

static const char * const outcome_names[] = {
	"under its old id", "under the leader's", "under both ids",
	"not at all"
};

static const char *outcome_name(unsigned int o)
{
	return o < NR_OUTCOMES ? outcome_names[o] : "?";
}

#define NR_STRATEGIES		(TASKDIAG_DUMP_STRATEGY_ONE + 1)

struct counts {
	unsigned int dumps;
	unsigned int during;	/* execs that happened during the dump */
	unsigned int overlap;	/* began during it, image ran after */
	unsigned int by_mode[NR_MODES];
	unsigned int outcome[NR_OUTCOMES];
	unsigned int leader_at_e;	/* the old leader under the old id */
};

static const uint32_t strategies[] = {
	TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	TASKDIAG_DUMP_STRATEGY_THREAD,
	TASKDIAG_DUMP_STRATEGY_ALL,
	TASKDIAG_DUMP_STRATEGY_ONE,
	TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	TASKDIAG_DUMP_STRATEGY_THREAD,
	TASKDIAG_DUMP_STRATEGY_ONE,
	TASKDIAG_DUMP_STRATEGY_ALL,
};

static const size_t bufsizes[] = { 4096, 6144, 12288, 32768 };

struct world {
	struct slot *slots;
	pid_t bystanders[NR_BYSTANDERS];
	struct pidlist by_tids;	/* of the bystanders and init */
	struct pidlist by_pids;
	struct td *td[ARRAY_SIZE(bufsizes)];
	struct counts c[NR_STRATEGIES];
	unsigned int est[NR_STRATEGIES][ARRAY_SIZE(bufsizes)][2];
	double exec_time;	/* from execve() to the new image, in all */
	double spawn_time;	/* making victims */
	double dump_time;
	unsigned int execs;
};

static bool is_thread_strategy(uint32_t strategy)
{
	return strategy == TASKDIAG_DUMP_STRATEGY_ALL_THREAD ||
	       strategy == TASKDIAG_DUMP_STRATEGY_THREAD;
}

/* The slot of a victim whose thread (before its exec or after) is tid */
static int slot_of(const struct world *w, uint32_t tid, bool *new)
{
	int k, i;

	for (k = 0; k < NR_VICTIMS; k++) {
		const struct slot *s = &w->slots[k];

		if (s->state == SLOT_FREE)
			continue;
		for (i = 0; i < VICTIM_THREADS; i++)
			if (s->tids[i] == tid) {
				*new = false;
				return k;
			}
		if (s->state != SLOT_DONE)
			continue;
		for (i = 0; i <= NEW_THREADS; i++)
			if (s->new_tids[i] == tid) {
				*new = true;
				return k;
			}
	}
	return -1;
}

/*
 * Each thread of ids in d (once: the ids ascend), the threads of a victim
 * that lived through the dump; and none of them, but except.
 */
static void expect_all_of(struct __test_metadata *_metadata,
			  const struct dump *d, const uint32_t *ids, int n,
			  const char *what, const char *ctx)
{
	int i;

	for (i = 0; i < n; i++)
		EXPECT_NE(NULL, find_msg(d, ids[i]))
			TH_LOG("%s: %s thread %u, alive all along, missing",
			       ctx, what, ids[i]);
}

static void expect_none_of(struct __test_metadata *_metadata,
			   const struct dump *d, const uint32_t *ids, int n,
			   uint32_t except, const char *what, const char *ctx)
{
	int i;

	for (i = 0; i < n; i++)
		EXPECT_TRUE(ids[i] == except || !find_msg(d, ids[i]))
			TH_LOG("%s: %s thread %u, gone before, reported",
			       ctx, what, ids[i]);
}

/* What a victim's messages say, and what they must say */
static void check_victim(struct __test_metadata *_metadata,
			 struct world *w, const struct dump *d,
			 uint32_t strategy, int k, bool victim, enum mode mode,
			 double d0, double d1, uint32_t passed,
			 struct counts *c, const char *ctx)
{
	const struct slot *s = &w->slots[k];
	const struct msg *at_p = find_msg(d, s->pid);
	const struct msg *at_e = find_msg(d, s->e);
	bool exec_before = !victim && s->state == SLOT_DONE;
	bool exec_after = !victim || mode == M_AFTER || s->t_exec > d1;
	bool during = victim && !exec_after && s->t_exec > d0 &&
		      s->t_done < d1;
	bool e_old = at_e && !strcmp(at_e->comm, "dtE");
	bool e_new = at_p && strcmp(at_p->comm, "dtL");
	bool low = s->e < s->pid;
	enum outcome want, got;

	if (!is_thread_strategy(strategy)) {
		/* The process, by its tgid, whatever its threads do */
		if (strategy == TASKDIAG_DUMP_STRATEGY_ONE && !victim)
			return;
		EXPECT_NE(NULL, at_p)
			TH_LOG("%s: process %u (exec %s) missing", ctx,
			       s->pid, during ? "during the dump" :
			       exec_after ? "after it" : "overlapping");
		c->during += during;
		c->overlap += victim && !during && !exec_after;
		return;
	}
	if (strategy == TASKDIAG_DUMP_STRATEGY_THREAD && !victim)
		return;

	if (exec_before) {
		/* The new image and its threads, no thread of the old */
		expect_all_of(_metadata, d, s->new_tids, NEW_THREADS + 1,
			      "new image", ctx);
		expect_none_of(_metadata, d, s->tids, VICTIM_THREADS, s->pid,
			       "old image", ctx);
		EXPECT_TRUE(at_p && !strcmp(at_p->comm, "dtN"))
			TH_LOG("%s: %u is \"%s\", not the new image",
			       ctx, s->pid, at_p ? at_p->comm : "absent");
		return;
	}
	if (exec_after) {
		/* Every thread, the leader as the leader: no exec yet */
		expect_all_of(_metadata, d, s->tids, VICTIM_THREADS,
			      "victim", ctx);
		EXPECT_TRUE(at_p && !strcmp(at_p->comm, "dtL"))
			TH_LOG("%s: %u is \"%s\" before the exec", ctx,
			       s->pid, at_p ? at_p->comm : "absent");
		EXPECT_TRUE(e_old)
			TH_LOG("%s: %u is \"%s\" before the exec", ctx,
			       s->e, at_e ? at_e->comm : "absent");
		return;
	}

	/* The exec happened during the dump, or overlapped its end */
	c->during += during;
	c->overlap += !during;
	c->leader_at_e += at_e && !strcmp(at_e->comm, "dtL");
	got = e_old && e_new ? O_BOTH : e_old ? O_OLD_ID :
	      e_new ? O_LEADER_ID : O_NONE;
	/* Twice only from below the leader, never from above */
	EXPECT_TRUE(got != (low ? O_NONE : O_BOTH))
		TH_LOG("%s: the exec'ing thread %u (leader %u) reported %s",
		       ctx, s->e, s->pid, outcome_names[got]);
	if (during)
		c->outcome[got]++;
	if (mode != M_STEP)
		return;
	/*
	 * The exec happened where the walk had passed the ids up to passed
	 * and none above. Before the lower of the two ids, the thread could
	 * only be seen under the leader's, after the exec (and then it must
	 * be, it lives on); past the higher, under its own only; in between,
	 * under both if its own id is the lower one, else under neither.
	 */
	if (passed >= max_id(s->e, s->pid))
		want = O_OLD_ID;
	else if (passed >= min_id(s->e, s->pid))
		want = low ? O_BOTH : O_NONE;
	else
		want = O_LEADER_ID;
	EXPECT_EQ(want, got)
		TH_LOG("%s: walk past %u when %u execs (leader %u): reported %s, not %s",
		       ctx, passed, s->e, s->pid, outcome_names[got],
		       outcome_names[want]);
}

/* Check a dump: order, ids, bystanders, victims */
static void check_dump(struct __test_metadata *_metadata, struct world *w,
		       const struct dump *d, uint32_t strategy, uint32_t target,
		       int victim, enum mode mode, double d0, double d1,
		       uint32_t passed, const char *ctx)
{
	struct counts *c = &w->c[strategy];
	bool threads = is_thread_strategy(strategy);
	unsigned int i;
	size_t j;
	int k;

	ASSERT_FALSE(d->overflow);
	EXPECT_STREQ("", d->broken) TH_LOG("%s: parts", ctx);
	c->dumps++;
	c->by_mode[mode]++;
	for (i = 0; i < d->n; i++) {
		const struct msg *m = &d->v[i];
		bool new = false, known;

		/* Ascending: no id twice */
		EXPECT_TRUE(!i || d->v[i - 1].pid < m->pid)
			TH_LOG("%s: %u after %u", ctx, m->pid,
			       d->v[i - 1].pid);
		EXPECT_FALSE(m->cont)
			TH_LOG("%s: %u: no part after one with cont", ctx,
			       m->pid);
		EXPECT_TRUE(threads || m->pid == m->tgid)
			TH_LOG("%s: thread %u of %u", ctx, m->pid, m->tgid);
		if (strategy == TASKDIAG_DUMP_STRATEGY_THREAD ||
		    strategy == TASKDIAG_DUMP_STRATEGY_ONE)
			EXPECT_EQ(target, m->tgid);
		k = slot_of(w, m->pid, &new);
		known = k >= 0 ? m->tgid == w->slots[k].pid :
			pl_contains(&w->by_tids, m->pid);
		EXPECT_TRUE(known)
			TH_LOG("%s: %u of %u (\"%s\"): no such task", ctx,
			       m->pid, m->tgid, m->comm);
	}
	if (strategy == TASKDIAG_DUMP_STRATEGY_ALL_THREAD ||
	    strategy == TASKDIAG_DUMP_STRATEGY_ALL) {
		const struct pidlist *by = threads ? &w->by_tids :
						     &w->by_pids;

		for (j = 0; j < by->n; j++)
			EXPECT_NE(NULL, find_msg(d, by->v[j]))
				TH_LOG("%s: bystander %u missing", ctx,
				       by->v[j]);
	}
	if (strategy == TASKDIAG_DUMP_STRATEGY_ONE)
		EXPECT_EQ(1, d->n);
	for (k = 0; k < NR_VICTIMS; k++)
		if (w->slots[k].state != SLOT_FREE)
			check_victim(_metadata, w, d, strategy, k,
				     k == victim, mode, d0, d1, passed, c,
				     ctx);
}

/* Enough execs during dumps of each strategy */
static bool during_goals_met(const struct world *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(strategies); i++)
		if (w->c[strategies[i]].during < MIN_DURING)
			return false;
	return true;
}

/* The first place of the all-thread walk short of its goal, or -1 */
static int missing_outcome(const struct world *w)
{
	const struct counts *all_thread =
		&w->c[TASKDIAG_DUMP_STRATEGY_ALL_THREAD];
	int o;

	for (o = 0; o < NR_OUTCOMES; o++)
		if (all_thread->outcome[o] < MIN_OUTCOME)
			return o;
	return -1;
}

/* Enough execs during dumps, in each place of the walk */
static bool goals_met(const struct world *w)
{
	return during_goals_met(w) && missing_outcome(w) < 0;
}

/*
 * Where step_now() aims to have the thread reported: before the leader
 * and the thread, between them, past both. The places between are the
 * rarest: a round of every strategy and aim may not reach them in time
 * on a slow kernel, so the last dumps aim there.
 */
static const int aim_of[NR_OUTCOMES] = {
	[O_OLD_ID] = 2, [O_LEADER_ID] = 0, [O_BOTH] = 1, [O_NONE] = 1,
};

/* Start NR_VICTIMS victims, and the bystanders */
static void setup_world(struct __test_metadata *_metadata, struct world *w)
{
	pid_t pids[NR_BYSTANDERS];
	size_t b;
	int k;

	/* Kept across the exec: no close-on-exec */
	memfd = memfd_create("dethread", 0);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, NR_VICTIMS * sizeof(struct slot)));
	w->slots = mmap(NULL, NR_VICTIMS * sizeof(struct slot),
			PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, w->slots);

	ASSERT_EQ(0, spawn_sleepers(NR_BYSTANDERS, BYSTANDER_THREADS, NULL,
				    pids));
	ASSERT_EQ(0, pl_add(&w->by_tids, 1));
	ASSERT_EQ(0, pl_add(&w->by_pids, 1));
	for (k = 0; k < NR_BYSTANDERS; k++) {
		w->bystanders[k] = pids[k];
		ASSERT_EQ(0, pl_add(&w->by_pids, pids[k]));
		ASSERT_EQ(0, proc_tids("/proc", pids[k], &w->by_tids));
	}
	pl_sort(&w->by_tids);
	pl_sort(&w->by_pids);
	ASSERT_EQ(1 + NR_BYSTANDERS * BYSTANDER_THREADS, w->by_tids.n);

	for (k = 0; k < NR_VICTIMS; k++)
		ASSERT_LT(0, start_any_victim(w->slots, k));
	for (b = 0; b < ARRAY_SIZE(bufsizes); b++)
		ASSERT_EQ(0, td_open(&w->td[b], bufsizes[b], false));
}

/* A slot to exec: the ready victim of the highest pid */
static int pick_victim(const struct world *w)
{
	int k, best = -1;

	for (k = 0; k < NR_VICTIMS; k++)
		if (w->slots[k].state == SLOT_READY &&
		    (best < 0 || w->slots[k].pid > w->slots[best].pid))
			best = k;
	return best;
}

/*
 * Whether to make the victim exec now, after nrecv datagrams of a dump
 * that took est datagrams last time: aiming at each place of the walk in
 * turn (before the leader and the thread, between them, past both), or
 * at datagram at; at the latest before the last one. seen is
 * the largest id received so far, 0 before the first datagram; below is
 * the id of the task of the dump that comes just before the lower of the
 * leader and the thread.
 */
static bool step_now(int aim, unsigned int nrecv, unsigned int est,
		     unsigned int at, uint32_t seen, uint32_t below,
		     const struct slot *s)
{
	if (nrecv + 1 >= est)
		return true;
	switch (aim) {
	case 0:
		return true;
	case 1:
		/*
		 * The part being built then starts at the lower of the
		 * leader and the thread: it may end before the higher.
		 */
		return !below || seen >= below;
	case 2:
		return seen >= max_id(s->pid, s->e);
	default:
		return nrecv >= at;
	}
}

static void raise_below(uint32_t *below, uint32_t id, uint32_t limit)
{
	if (id < limit && id > *below)
		*below = id;
}

/*
 * The id of the task a dump of strategy reports just before the lower of
 * victim s's leader and exec'ing thread: the namespace holds only tasks
 * the test made. 0 if there is none.
 */
static uint32_t id_below(const struct world *w, uint32_t strategy,
			 const struct slot *s)
{
	uint32_t lo = min_id(s->pid, s->e), below = 0;
	size_t i;
	int k;

	for (i = 0; i < VICTIM_THREADS; i++)
		raise_below(&below, s->tids[i], lo);
	if (strategy != TASKDIAG_DUMP_STRATEGY_ALL_THREAD)
		return below;
	for (i = 0; i < w->by_tids.n; i++)
		raise_below(&below, w->by_tids.v[i], lo);
	for (k = 0; k < NR_VICTIMS; k++) {
		const struct slot *o = &w->slots[k];

		for (i = 0; i < VICTIM_THREADS; i++)
			raise_below(&below, o->tids[i], lo);
		for (i = 0; o->state == SLOT_DONE && i <= NEW_THREADS; i++)
			raise_below(&below, o->new_tids[i], lo);
	}
	return below;
}

static void run_dethread(struct __test_metadata *_metadata)
{
	struct world *w = calloc(1, sizeof(*w));
	struct dump *d = calloc(1, sizeof(*d));
	unsigned int it, o, total_during = 0;
	double t_start = now(), t_spawn;
	int s_i;

	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, d);
	srand(getpid() ^ (unsigned int)(now() * 1000));
	setup_world(_metadata, w);
	TH_LOG("%d bystanders of %d threads, %d victims of %d threads, ready in %.1f s",
	       NR_BYSTANDERS, BYSTANDER_THREADS, NR_VICTIMS, VICTIM_THREADS,
	       now() - t_start);

	for (it = 0; it < MAX_ITERATIONS && now() - t_start < SECONDS &&
	     (it < MIN_ITERATIONS || !goals_met(w)); it++) {
		/* After the rounds, all-thread dumps go where one is missing */
		int missing = it >= MIN_ITERATIONS && during_goals_met(w) ?
			      missing_outcome(w) : -1;
		uint32_t strategy = missing >= 0 ?
				    TASKDIAG_DUMP_STRATEGY_ALL_THREAD :
				    strategies[it % ARRAY_SIZE(strategies)];
		int b = rand() % ARRAY_SIZE(bufsizes);
		bool large = rand() & 1;
		enum mode mode = missing >= 0 || rand() % 8 < 5 ? M_STEP :
				 rand() % 3 ? M_RACE : M_AFTER;
		unsigned int *est = &w->est[strategy][b][large];
		unsigned int at = *est ? rand() % *est : 0;
		int aim = missing >= 0 ? aim_of[missing] :
			  is_thread_strategy(strategy) ?
			  (it / ARRAY_SIZE(strategies)) % 4 : 3;
		struct td *td;
		uint32_t target = 0, seen = 0, passed = 0, below;
		bool fired = false;
		struct td_req req;
		struct slot *s;
		double d0, d1;
		char ctx[160];
		unsigned int i;
		int v, ret;

		/*
		 * Before the leader, or between it and the thread: small
		 * parts, which hold six to nine threads
		 */
		if (mode == M_STEP && (aim == 0 || aim == 1)) {
			b = rand() % 2;
			large = true;
			est = &w->est[strategy][b][large];
		}
		td = w->td[b];
		v = pick_victim(w);
		ASSERT_LE(0, v);
		s = &w->slots[v];
		below = id_below(w, strategy, s);
		if (strategy != TASKDIAG_DUMP_STRATEGY_ALL &&
		    strategy != TASKDIAG_DUMP_STRATEGY_ALL_THREAD)
			target = s->pid;
		snprintf(ctx, sizeof(ctx), "%u: %s %u, %zu bytes, %s, exec %s",
			 it, td_strategy_name(strategy), target, bufsizes[b],
			 large ? "large" : "small", mode_names[mode]);
		req = td_dump_req(strategy, target);
		req.has_show_flags = true;
		req.show_flags = large ? SHOW_LARGE : SHOW(BASE);
		d->n = 0;
		d->overflow = false;
		d->broken[0] = '\0';
		d->td = td;

		d0 = now();
		if (mode == M_RACE && !at)
			trigger(s, rand() % 2000);
		ret = td_request(td, &req, NULL);
		ASSERT_EQ(0, ret) TD_LOG_ERR(td);
		do {
			if (!fired && mode == M_STEP &&
			    step_now(aim, td->stats.nrecv, *est, at, seen, below,
				     s)) {
				/*
				 * The parts up to the next one are built:
				 * the walk is past what they hold, and
				 * waits while the victim execs.
				 */
				trigger(s, 0);
				ASSERT_EQ(0, wait_done(s))
					TH_LOG("%s: exec: %s", ctx,
					       strerror(s->err));
				fired = true;
				passed = td->stats.nrecv + 1;
			}
			if (!fired && mode == M_RACE &&
			    td->stats.nrecv >= at) {
				trigger(s, rand() % 2000);
				fired = true;
			}
			ret = td_recv_chunk(td, msg_cb, d);
			if (d->n)
				seen = d->v[d->n - 1].pid;
		} while (ret == 1);
		d1 = now();
		w->dump_time += d1 - d0;
		EXPECT_EQ(0, ret) TD_LOG_ERR(td);
		if (td->stats.nrecv > *est)
			*est = td->stats.nrecv;
		if (!fired)
			trigger(s, 0);
		ASSERT_EQ(0, wait_done(s))
			TH_LOG("%s: exec: %s", ctx, strerror(s->err));
		w->exec_time += s->t_done - s->t_exec;
		w->execs++;
		/* The ids in the parts built before the exec */
		if (mode == M_STEP && fired) {
			uint32_t last = passed;

			passed = 0;
			for (i = 0; i < d->n; i++)
				if (d->v[i].part <= last)
					passed = d->v[i].pid;
		}
		if (mode == M_STEP && !fired)
			mode = M_AFTER;
		check_dump(_metadata, w, d, strategy, target, v, mode, d0, d1,
			   passed, ctx);

		/* The victims that exec'd before this one make way */
		t_spawn = now();
		for (s_i = 0; s_i < NR_VICTIMS; s_i++) {
			struct slot *o = &w->slots[s_i];

			if (s_i == v || o->state != SLOT_DONE)
				continue;
			kill_wait(o->pid);
			ASSERT_LT(0, start_any_victim(w->slots, s_i));
		}
		w->spawn_time += now() - t_spawn;
	}

	for (s_i = 0; s_i < (int)NR_STRATEGIES; s_i++) {
		struct counts *c = &w->c[s_i];

		if (!c->dumps)
			continue;
		TH_LOG("%s: %u dumps, exec %u in step, %u racing, %u after",
		       td_strategy_name(s_i), c->dumps, c->by_mode[M_STEP],
		       c->by_mode[M_RACE], c->by_mode[M_AFTER]);
		TH_LOG("%s: exec during the dump %u, overlapping its end %u",
		       td_strategy_name(s_i), c->during, c->overlap);
		if (is_thread_strategy(s_i))
			TH_LOG("%s: thread %s %u, %s %u, %s %u, %s %u; old leader at its id %u",
			       td_strategy_name(s_i),
			       outcome_names[O_OLD_ID], c->outcome[O_OLD_ID],
			       outcome_names[O_LEADER_ID],
			       c->outcome[O_LEADER_ID],
			       outcome_names[O_BOTH], c->outcome[O_BOTH],
			       outcome_names[O_NONE], c->outcome[O_NONE],
			       c->leader_at_e);
		EXPECT_LE(MIN_DURING, c->during)
			TH_LOG("%s: too few execs during dumps",
			       td_strategy_name(s_i));
		total_during += c->during;
	}
	/* Each place of the walk the rule tells apart */
	for (o = 0; o < NR_OUTCOMES; o++) {
		EXPECT_LE(MIN_OUTCOME,
			  w->c[TASKDIAG_DUMP_STRATEGY_ALL_THREAD].outcome[o])
			TH_LOG("all-thread: too few execs with the thread %s",
			       outcome_name(o));
	}
	TH_LOG("%u iterations, %u execs during dumps, %.1f s", it,
	       total_during, now() - t_start);
	TH_LOG("ms per exec to the new main(): %.0f, per victim made: %.0f, per dump: %.0f",
	       w->execs ? 1000 * w->exec_time / w->execs : 0,
	       it ? 1000 * w->spawn_time / it : 0,
	       it ? 1000 * w->dump_time / it : 0);
	for (s_i = 0; s_i < NR_VICTIMS; s_i++)
		if (w->slots[s_i].pid)
			kill_wait(w->slots[s_i].pid);
	for (s_i = 0; s_i < NR_BYSTANDERS; s_i++)
		kill_wait(w->bystanders[s_i]);
}

FIXTURE(dethread) {
};

FIXTURE_SETUP(dethread)
{
}

FIXTURE_TEARDOWN(dethread)
{
}

TEST_F_TIMEOUT(dethread, dumps_across_exec, 300)
{
	int status;
	pid_t init;

	init = fork_pidns_init();
	ASSERT_LE(0, init);
	if (!init) {
		run_dethread(_metadata);
		_exit(0);
	}
	ASSERT_EQ(init, waitpid(init, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("pid namespace init: status %#x", status);
}

/*
 * A process whose threads exec one after the other: each image starts a
 * thread that execs again, CHAIN_EXECS times, then the last one exits.
 * While it does, requests for it ("one", as a do and as a dump, and
 * "thread") go in a loop. The process lives through all of them, so every reply must
 * be about it as /proc/PID would show it: never about a leader that
 * de_thread() released (state X, or no parent any more), which a walk may
 * have found just before the exec.
 */
#define CHAIN_ARG		"--dethread-chain"
#define CHAIN_EXECS		150

static void *chain_thread(void *arg)
{
	char left[24];
	char *const argv[] = { "/proc/self/exe", CHAIN_ARG, left, NULL };

	snprintf(left, sizeof(left), "%ld", (long)arg - 1);
	execve(argv[0], argv, environ);
	_exit(1);
}

static int chain_main(long left)
{
	pthread_t t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (left <= 0)
		return 0;
	if (pthread_create(&t, NULL, chain_thread, (void *)left))
		return 1;
	for (;;)
		pause();
}

struct chain_check {
	pid_t pid;
	unsigned int replies;
	unsigned int released;
	char last_state;
	uint32_t last_ppid;
};

static int chain_reply_cb(const struct td_task *t, void *arg)
{
	struct chain_check *c = arg;
	char state;

	if (t->pid != (uint32_t)c->pid || !t->has_base)
		return 0;
	c->replies++;
	state = td_state_letter(t->base.state);
	if (state == 'X' || t->base.ppid != (uint32_t)getpid()) {
		c->released++;
		c->last_state = state;
		c->last_ppid = t->base.ppid;
	}
	return 0;
}

static bool chain_running(pid_t pid)
{
	siginfo_t info = {};

	return !waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) &&
	       !info.si_pid;
}

TEST_F_TIMEOUT(dethread, never_the_released_leader, 300)
{
	struct chain_check c = {};
	struct td_req req = {
		/* stat takes long to fill: a wider window for the exec */
		.has_show_flags = true, .show_flags = SHOW_LARGE,
		.has_pid = true,
	};
	unsigned int requests = 0;
	struct td *td;
	int status, err;
	char left[16];

	snprintf(left, sizeof(left), "%d", CHAIN_EXECS);
	c.pid = fork();
	ASSERT_LE(0, c.pid);
	if (!c.pid) {
		execl("/proc/self/exe", "/proc/self/exe", CHAIN_ARG, left,
		      (char *)NULL);
		_exit(1);
	}
	req.pid = c.pid;
	ASSERT_EQ(0, td_open(&td, 32768, false));
	while (chain_running(c.pid)) {
		/*
		 * In turn: a do, a dump of strategy "one", and one of
		 * "thread", whose message at the process's id is about its
		 * leader too
		 */
		req.dump = requests % 3 != 0;
		req.has_strategy = req.dump;
		req.strategy = requests % 3 == 2 ? TASKDIAG_DUMP_STRATEGY_THREAD :
						    TASKDIAG_DUMP_STRATEGY_ONE;
		requests++;
		err = td_run(td, &req, NULL, chain_reply_cb, &c);
		ASSERT_EQ(0, err) TH_LOG("request %u: %s", requests,
					 strerror(-err));
	}
	td_close(td);
	ASSERT_EQ(c.pid, waitpid(c.pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the exec chain: status %#x", status);
	/* The chain ran to its end, and the requests saw the process */
	EXPECT_LT(0, c.replies);
	EXPECT_EQ(0, c.released)
		TH_LOG("%u of %u replies about a released leader (last: state %c, ppid %u)",
		       c.released, c.replies, c.last_state, c.last_ppid);
	TH_LOG("%u requests during %d execs", requests, CHAIN_EXECS);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], IMAGE_ARG))
		return image_main(atoi(argv[2]), atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], CHAIN_ARG))
		return chain_main(atol(argv[2]));
	return test_harness_run(argc, argv);
}
