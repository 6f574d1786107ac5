// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: concurrent dumps of every strategy and group set while
 * processes fork and exit, exec (from their leader or from another
 * thread), map, unmap and reprotect all kinds of mappings, and create and
 * end threads.
 *
 *   stress [-d SECONDS] [-j DUMPERS]
 *
 * -d: how long the dumpers run: 20 s by default (the kselftest runner's
 * run, in make check), 300 s in make stress; -j: how many (4; 0 measures
 * the noise of the slab figures without any dump). Each dumper is a
 * process with its own socket; it cycles through the strategies (a do
 * too), the group sets (each group alone, all of them, none), receive
 * buffers from 4 KiB to 64 KiB read with and without peeking, targets
 * that live through the run and targets that churn, and abandons some
 * dumps mid-way by closing its socket.
 *
 * Properties:
 * - Every dump ends, with NLMSG_DONE or an error: a dump still running
 *   after DUMP_LIMIT seconds fails the test, with where it was (its
 *   progress and the dumper's kernel stack).
 * - Every dump is well-formed: each message has its ids and no malformed
 *   attribute; a task's parts follow each other, all but the last with
 *   cont, the first with base, none repeating a group (td_merge); the
 *   tasks come in strictly ascending id order, so none twice (a thread
 *   that takes over its leader's id in de_thread() comes under one id at
 *   most, see taskdiag.rst); only the groups asked for, nothing withheld
 *   from root; mappings for leaders only, their ends rising, no overlap
 *   within one message unless vma-stat let the lock go; a vma-stat nest
 *   with each mapping iff asked for; the tasks of the strategy only (pid ==
 *   tgid for processes, the target's threads, children whose parent is
 *   the target, one process for one); every task of the set that lives
 *   through the run is there, whole, and a process whose map never changes
 *   shows exactly the mappings /proc showed; the errors are the documented
 *   ones (ESRCH for a target that is gone, EMSGSIZE for a do of a map too
 *   large for a message).
 * - The slab usage comes back: measured before the run and after every
 *   process of the test ended and the system settled (caches dropped, RCU
 *   callbacks run, the slab caches and KASAN's quarantine shrunk), the
 *   active objects of every cache (but the reclaimable ones and kmemleak's
 *   own), their bytes and SUnreclaim are back, within a tolerance derived
 *   from the noise measured with and without dumps (see SLAB_TOLERANCE).
 * The kernel log is checked by the runner. The figures (dumps per
 * strategy, messages, tasks, errors by errno, churn operations, slab) are
 * printed as TAP diagnostics.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW(g)		(1ULL << TASKDIAG_GROUP_##g)

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

#define DEFAULT_SECONDS	20
#define MAX_DUMPERS	16
/*
 * The watchdog of one dump, in seconds. Under emulation with the debug
 * kernel the longest dumps of this test (every thread of every process,
 * every group, page walks included, four dumpers and the churn sharing
 * two CPUs) take under 7 s, 18 s with another guest competing for the
 * host: see the "max s" column of the report.
 */
#define DUMP_LIMIT	120
/* How long the churn may take to wind down once asked to */
#define STOP_LIMIT	30

#define NR_SLEEPERS	6
#define SLEEPER_THREADS	4
#define BIGMAP_MAPS	300
#define MAP_SLOTS	32	/* per mapper thread */
#define MAX_WORKERS	12	/* threads of the threader at a time */
#define MAX_FORKED	6	/* children of the forker at a time */
#define EXEC_CHAINS	2	/* exec chains running at a time */
#define EXEC_STEPS	4	/* execs of this program per chain */
#define DATA_PAGES	64
#define MAX_ERRNO	134
#define MAX_EXPECT	64
#define BUSYBOX		"/bin/busybox"
#define EXEC_ARG	"--exec-child"

/* Dump kinds: the strategies, and a do */
enum mode {
	M_ALL,
	M_ALL_THREAD,
	M_CHILDREN,
	M_THREAD,
	M_ONE,
	M_DO,
	NR_MODES
};

static const char * const mode_names[NR_MODES] = {
	"all", "all-thread", "children", "thread", "one", "do",
};

static const uint32_t mode_strategy[NR_MODES] = {
	[M_ALL]		= TASKDIAG_DUMP_STRATEGY_ALL,
	[M_ALL_THREAD]	= TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	[M_CHILDREN]	= TASKDIAG_DUMP_STRATEGY_CHILDREN,
	[M_THREAD]	= TASKDIAG_DUMP_STRATEGY_THREAD,
	[M_ONE]		= TASKDIAG_DUMP_STRATEGY_ONE,
	[M_DO]		= TASKDIAG_DUMP_STRATEGY_ONE,
};

static const struct gset {
	const char *name;
	uint64_t show;
} gsets[] = {
	{ "ids", 0 },
	{ "base", SHOW(BASE) },
	{ "cred", SHOW(CRED) },
	{ "stat", SHOW(STAT) },
	{ "vma", SHOW(VMA) },
	{ "vma-stat", SHOW(VMA_STAT) },
	{ "all", SHOW(BASE) | SHOW(CRED) | SHOW(STAT) | SHOW(VMA) |
		 SHOW(VMA_STAT) },
};

#define NR_GSETS	ARRAY_SIZE(gsets)
#define NR_COMBOS	(NR_MODES * NR_GSETS)

/*
 * Receive buffers; 0 is libnl's default. Their number is prime to
 * NR_COMBOS, so that every combination meets every size.
 */
static const size_t sizes[] = {
	0, 4096, 4500, 6000, 8192, 10000, 12288, 16384, 24000, 32768, 65536,
};

/* Churn processes, children of the test */
enum master {
	CH_FORK,
	CH_EXEC,
	CH_MAP,
	CH_THREAD,
	NR_MASTERS
};

static const char * const master_names[NR_MASTERS] = {
	"forker", "execer", "mapper", "threader",
};

struct churn_counts {
	unsigned long forks;
	unsigned long grandchildren;
	unsigned long reaped;
	unsigned long child_threads;
	unsigned long execs;
	unsigned long thread_execs;	/* of which from a non-leader */
	unsigned long chains;
	unsigned long chain_fails;
	int chain_status;		/* of the first failed chain */
	unsigned long mmaps;
	unsigned long munmaps;
	unsigned long mprotects;
	unsigned long madvises;
	unsigned long mremaps;
	unsigned long names;
	unsigned long map_fails;
	char map_fail[128];
	unsigned long threads_created;
	unsigned long threads_ended;
};

struct mode_stats {
	unsigned long dumps;
	unsigned long done;		/* ended with NLMSG_DONE (or ACK) */
	unsigned long abandoned;
	unsigned long msgs;
	unsigned long tasks;
	unsigned long split;		/* tasks of several parts */
	unsigned long cut;		/* of which ended by an empty part */
	unsigned long datagrams;
	unsigned long long bytes;
	unsigned long max_tasks;
	double max_time;
	double total_time;
	unsigned long errs[MAX_ERRNO + 1];	/* [0]: errno out of range */
};

/* A dumper, in shared memory: its dump in progress and its figures */
struct dumper_slot {
	pid_t pid;
	/* 0 between dumps, 1 sending the request, 2 receiving, 3 checking */
	int busy;
	double t0;
	unsigned long n;
	int mode;
	int gset;
	uint32_t target;
	size_t bufsize;
	bool peek;
	unsigned int nrecv;
	unsigned int nmsg;
	uint32_t last_pid;
	uint32_t last_tgid;
	bool last_cont;
	bool hung;		/* killed by the watchdog */
	unsigned long reopens;
	unsigned long fails[NR_MODES];
	char fail[NR_MODES][1024];	/* the first failure of each */
	struct mode_stats st[NR_MODES];
};

struct shared {
	int stop_dumpers;
	int stop_churn;
	int ready;		/* churn masters ready */
	pid_t main_pid;
	pid_t master[NR_MASTERS];
	pid_t mapper_thread;
	pid_t sleeper[NR_SLEEPERS];
	pid_t sleeper_tid[NR_SLEEPERS][SLEEPER_THREADS];
	pid_t bigmap;
	/* The latest transient tasks, targets of dumps */
	pid_t fork_child;
	pid_t exec_pid[EXEC_CHAINS];
	pid_t worker_tid;
	bool busybox;
	char dir[64];
	char data[128];
	char longfile[PATH_MAX];
	int ndumpers;
	struct churn_counts c;
	struct dumper_slot slot[MAX_DUMPERS];
};

static int opt_seconds = DEFAULT_SECONDS;
static int opt_dumpers = 4;
/* The process whose map never changes, and its map as maps showed it */
static pid_t bigmap_pid;
static struct proc_map bigref;

#define COUNT(sh, field)	__atomic_fetch_add(&(sh)->c.field, 1, __ATOMIC_RELAXED)
#define LOAD(x)			__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)		__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static uint64_t rnd_seed(void)
{
	return ((uint64_t)getpid() * 2654435761ULL ^ (uint64_t)(now() * 1e9) ^
		((uint64_t)gettid() << 32)) | 1;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Die with the parent, which must still be the one expected */
static void child_init(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
}

/*
 * The exec chains: this program, run as "stress --exec-child STEPS
 * PARENT", maps and names some memory, starts threads, then execs itself
 * with STEPS - 1, from the leader or, every other step, from a new thread
 * (de_thread(): the thread takes over the leader's id). The last step
 * execs a static busybox "true" from a thread, or ends.
 */
static void *exec_pause(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static char *exec_path;
static char * const *exec_argv;

static void *exec_thread(void *arg)
{
	execv(exec_path, exec_argv);
	/* exit_group(): a failed exec fails the chain */
	exit(4);
}

static int exec_child(int argc, char **argv)
{
	static char steps_arg[16];
	static char *next_argv[5];
	static char * const bb_argv[] = { "true", NULL };
	long pg = page_size();
	pthread_t th;
	int steps, i;
	char *p;

	if (argc != 4)
		return 2;
	steps = atoi(argv[2]);
	child_init(atoi(argv[3]));
	close_range(3, ~0U, 0);
	/* Something of this image's own in the map */
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 5;
	memset(p, steps, 4 * pg);
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 2 * pg, "td-stress-exec");
	/* Threads that the exec ends */
	for (i = 0; i < 2; i++)
		if (pthread_create(&th, NULL, exec_pause, NULL))
			return 6;

	if (steps <= 0) {
		if (access(BUSYBOX, X_OK))
			return 0;
		exec_path = BUSYBOX;
		exec_argv = bb_argv;
	} else {
		snprintf(steps_arg, sizeof(steps_arg), "%d", steps - 1);
		next_argv[0] = argv[0];
		next_argv[1] = EXEC_ARG;
		next_argv[2] = steps_arg;
		next_argv[3] = argv[3];
		exec_path = "/proc/self/exe";
		exec_argv = next_argv;
	}
	if (steps % 2 == 0) {
		if (pthread_create(&th, NULL, exec_thread, NULL))
			return 7;
		for (;;)
			pause();
	}
	execv(exec_path, exec_argv);
	return 4;
}

/*
 * The forker: children that live a few milliseconds, some with a thread,
 * some with a child of their own that outlives them and is reparented to
 * the forker (a subreaper); reaped late, so that zombies are seen too.
 */
static void forked_child(struct shared *sh, uint64_t x)
{
	long pg = page_size();
	pthread_t th;
	char *p;

	if (xorshift(&x) % 3 == 0) {
		pid_t g = fork();

		if (!g) {
			sleep_ms(xorshift(&x) % 40);
			_exit(0);
		}
		if (g > 0)
			COUNT(sh, grandchildren);
	}
	if (xorshift(&x) % 4 == 0 &&
	    !pthread_create(&th, NULL, exec_pause, NULL))
		COUNT(sh, child_threads);
	if (xorshift(&x) % 2) {
		p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			memset(p, 1, 4 * pg);
	}
	sleep_ms(xorshift(&x) % 20);
	_exit(0);
}

static void forker(struct shared *sh)
{
	uint64_t x = rnd_seed();
	int live = 0, status;
	pid_t pid;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	STORE(sh->master[CH_FORK], getpid());
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELEASE);
	while (!LOAD(sh->stop_churn)) {
		if (live < MAX_FORKED) {
			pid = fork();
			if (!pid) {
				child_init(sh->master[CH_FORK]);
				forked_child(sh, xorshift(&x) + 1);
			}
			if (pid > 0) {
				live++;
				COUNT(sh, forks);
				STORE(sh->fork_child, pid);
			}
		}
		/* Reap late: zombies for a while */
		if (xorshift(&x) % 3 == 0 || live >= MAX_FORKED) {
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
				COUNT(sh, reaped);
				/* Reparented grandchildren are not counted */
				if (live > 0)
					live--;
			}
		}
		sleep_ms(xorshift(&x) % 4);
	}
	/* Children and reparented grandchildren all end soon */
	while (waitpid(-1, &status, 0) > 0)
		COUNT(sh, reaped);
	_exit(0);
}

/* The execer: EXEC_CHAINS chains of EXEC_STEPS execs at a time */
static pid_t start_chain(struct shared *sh, const char *self)
{
	char steps[16], parent[16];
	pid_t pid, me = getpid();

	snprintf(steps, sizeof(steps), "%d", EXEC_STEPS);
	snprintf(parent, sizeof(parent), "%d", me);
	pid = fork();
	if (!pid) {
		execl(self, "stress", EXEC_ARG, steps, parent, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void execer(struct shared *sh)
{
	pid_t chain[EXEC_CHAINS] = {};
	char self[PATH_MAX];
	ssize_t n;
	int i, status;
	pid_t pid;

	/* The program by a name that stays valid: /proc/self is the execer */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		_exit(1);
	self[n] = '\0';
	STORE(sh->master[CH_EXEC], getpid());
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELEASE);
	for (;;) {
		bool stop = LOAD(sh->stop_churn);
		int running = 0;

		for (i = 0; i < EXEC_CHAINS; i++) {
			if (!chain[i] && !stop) {
				chain[i] = start_chain(sh, self);
				if (chain[i] < 0)
					chain[i] = 0;
				else
					STORE(sh->exec_pid[i], chain[i]);
			}
			running += !!chain[i];
		}
		if (!running)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0)
			break;
		for (i = 0; i < EXEC_CHAINS; i++)
			if (chain[i] == pid)
				chain[i] = 0;
		COUNT(sh, chains);
		if (WIFEXITED(status) && !WEXITSTATUS(status)) {
			/* The execer's, the chain's, busybox */
			__atomic_fetch_add(&sh->c.execs,
					   1 + EXEC_STEPS + sh->busybox,
					   __ATOMIC_RELAXED);
			/* Steps 4, 2 and 0 exec from a thread */
			__atomic_fetch_add(&sh->c.thread_execs,
					   EXEC_STEPS / 2 + sh->busybox,
					   __ATOMIC_RELAXED);
		} else if (!sh->c.chain_fails++) {
			sh->c.chain_status = status;
		}
	}
	_exit(0);
}

/*
 * The mapper: two threads (so that one waits for the mmap lock the other
 * holds) that map, unmap, reprotect, move and zap mappings of every kind:
 * anonymous, named, shared anonymous, memfd, a tmpfs file privately and
 * shared, a file of a long path, this program's file.
 */
enum mkind {
	MK_ANON,
	MK_NAMED,
	MK_SHMEM,
	MK_MEMFD,
	MK_FILE,
	MK_FILE_SHARED,
	MK_LONG,
	MK_EXE,
	NR_MKINDS
};

struct mslot {
	char *addr;
	size_t len;
	size_t tlen;		/* what may be touched: not past the file */
	int kind;
	bool writable;
	bool split;		/* in several mappings: no mremap() */
};

struct mapper {
	struct shared *sh;
	int data_fd;
	int long_fd;
	int exe_fd;
	struct mslot slot[2][MAP_SLOTS];
};

static void map_fail(struct shared *sh, const char *what, int kind)
{
	if (!sh->c.map_fails++)
		snprintf(sh->c.map_fail, sizeof(sh->c.map_fail),
			 "%s of kind %d: %s", what, kind, strerror(errno));
}

static void map_touch(struct mslot *s, uint64_t *x)
{
	long pg = page_size();
	size_t i;

	/* Atomic accesses: the compiler may not leave them out */
	for (i = 0; i < s->tlen / pg; i++) {
		if (xorshift(x) % 2)
			continue;
		if (s->writable)
			__atomic_store_n(s->addr + i * pg, 1, __ATOMIC_RELAXED);
		else
			__atomic_load_n(s->addr + i * pg, __ATOMIC_RELAXED);
	}
}

static void map_new(struct mapper *m, struct mslot *s, uint64_t *x)
{
	struct shared *sh = m->sh;
	long pg = page_size();
	size_t npages = 1 + xorshift(x) % 8;
	int kind = xorshift(x) % NR_MKINDS;
	int prot = PROT_READ | PROT_WRITE, flags = MAP_PRIVATE, fd = -1;
	off_t off = 0;
	char name[32];
	void *p;

	switch (kind) {
	case MK_ANON:
	case MK_NAMED:
		flags |= MAP_ANONYMOUS;
		break;
	case MK_SHMEM:
		flags = MAP_SHARED | MAP_ANONYMOUS;
		break;
	case MK_MEMFD:
		fd = memfd_create("td-stress", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, npages * pg)) {
			map_fail(sh, "memfd", kind);
			if (fd >= 0)
				close(fd);
			return;
		}
		flags = MAP_SHARED;
		break;
	case MK_FILE:
	case MK_FILE_SHARED:
		fd = m->data_fd;
		off = (xorshift(x) % (DATA_PAGES - 8)) * pg;
		if (kind == MK_FILE_SHARED)
			flags = MAP_SHARED;
		break;
	case MK_LONG:
		fd = m->long_fd;
		npages = 1 + npages % 2;
		prot = PROT_READ;
		break;
	case MK_EXE:
		fd = m->exe_fd;
		npages = 1;
		prot = PROT_READ;
		break;
	}
	p = mmap(NULL, npages * pg, prot, flags, fd, off);
	if (kind == MK_MEMFD)
		close(fd);
	if (p == MAP_FAILED) {
		map_fail(sh, "mmap", kind);
		return;
	}
	COUNT(sh, mmaps);
	s->addr = p;
	s->len = npages * pg;
	s->tlen = s->len;
	s->split = false;
	s->kind = kind;
	s->writable = prot & PROT_WRITE;
	if (kind == MK_NAMED) {
		snprintf(name, sizeof(name), "td-stress-%u",
			 (unsigned int)(xorshift(x) % 8));
		if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, s->len, name))
			map_fail(sh, "naming", kind);
		else
			COUNT(sh, names);
	}
	map_touch(s, x);
}

static void map_op(struct mapper *m, struct mslot *s, uint64_t *x)
{
	struct shared *sh = m->sh;
	long pg = page_size();
	size_t npages;
	void *p;

	if (!s->addr) {
		map_new(m, s, x);
		return;
	}
	npages = s->len / pg;
	switch (xorshift(x) % 5) {
	case 0:
		if (munmap(s->addr, s->len))
			map_fail(sh, "munmap", s->kind);
		COUNT(sh, munmaps);
		s->addr = NULL;
		break;
	case 1:
		/* A page in the middle, or the whole: the map splits, merges */
		if (npages >= 3) {
			if (mprotect(s->addr + pg, pg, xorshift(x) % 2 ? PROT_READ :
				     PROT_READ | PROT_WRITE))
				map_fail(sh, "mprotect", s->kind);
			s->writable = false;
			s->split = true;
		} else {
			s->writable = !s->writable;
			if (mprotect(s->addr, s->len, s->writable ?
				     PROT_READ | PROT_WRITE : PROT_READ))
				map_fail(sh, "mprotect", s->kind);
		}
		COUNT(sh, mprotects);
		break;
	case 2:
		if (madvise(s->addr, s->len, MADV_DONTNEED))
			map_fail(sh, "madvise", s->kind);
		COUNT(sh, madvises);
		map_touch(s, x);
		break;
	case 3:
		/* Grow by a page, moving if needed; the new page untouched */
		if (s->split)
			break;
		p = mremap(s->addr, s->len, s->len + pg, MREMAP_MAYMOVE);
		if (p == MAP_FAILED) {
			map_fail(sh, "mremap", s->kind);
			break;
		}
		COUNT(sh, mremaps);
		s->addr = p;
		s->len += pg;
		break;
	case 4:
		/* Shrink from the start */
		if (npages < 2)
			break;
		if (munmap(s->addr, pg))
			map_fail(sh, "munmap", s->kind);
		COUNT(sh, munmaps);
		s->addr += pg;
		s->len -= pg;
		s->tlen = s->tlen > (size_t)pg ? s->tlen - pg : 0;
		break;
	}
}

struct map_thread_arg {
	struct mapper *m;
	int idx;
};

static void *map_loop(void *arg)
{
	struct map_thread_arg *a = arg;
	struct mapper *m = a->m;
	uint64_t x = rnd_seed() + a->idx;
	int i;

	if (a->idx)
		STORE(m->sh->mapper_thread, gettid());
	while (!LOAD(m->sh->stop_churn)) {
		map_op(m, &m->slot[a->idx][xorshift(&x) % MAP_SLOTS], &x);
		if (xorshift(&x) % 8 == 0)
			sleep_ms(1);
	}
	for (i = 0; i < MAP_SLOTS; i++)
		if (m->slot[a->idx][i].addr)
			munmap(m->slot[a->idx][i].addr, m->slot[a->idx][i].len);
	return NULL;
}

static void mapper(struct shared *sh)
{
	static struct mapper m;
	struct map_thread_arg a0 = { &m, 0 }, a1 = { &m, 1 };
	pthread_t th;

	m.sh = sh;
	m.data_fd = open(sh->data, O_RDWR | O_CLOEXEC);
	m.long_fd = open(sh->longfile, O_RDONLY | O_CLOEXEC);
	m.exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (m.data_fd < 0 || m.long_fd < 0 || m.exe_fd < 0)
		_exit(1);
	if (pthread_create(&th, NULL, map_loop, &a1))
		_exit(1);
	while (!LOAD(sh->mapper_thread))
		sleep_ms(1);
	STORE(sh->master[CH_MAP], getpid());
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELEASE);
	map_loop(&a0);
	pthread_join(th, NULL);
	_exit(0);
}

/*
 * The threader: up to MAX_WORKERS threads at a time, each living a few
 * milliseconds, some renamed, some mapping a page.
 */
static int workers;

static void *worker(void *arg)
{
	struct shared *sh = arg;
	uint64_t x = rnd_seed();
	long pg = page_size();
	void *p;

	STORE(sh->worker_tid, gettid());
	if (xorshift(&x) % 2)
		prctl(PR_SET_NAME, "td-stress-thr");
	if (xorshift(&x) % 2) {
		p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			memset(p, 1, pg);
			munmap(p, pg);
		}
	}
	sleep_ms(xorshift(&x) % 10);
	COUNT(sh, threads_ended);
	__atomic_fetch_sub(&workers, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void threader(struct shared *sh)
{
	pthread_attr_t attr;
	pthread_t th;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	STORE(sh->master[CH_THREAD], getpid());
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_RELEASE);
	while (!LOAD(sh->stop_churn)) {
		if (LOAD(workers) >= MAX_WORKERS) {
			sleep_ms(1);
			continue;
		}
		__atomic_fetch_add(&workers, 1, __ATOMIC_RELEASE);
		if (pthread_create(&th, &attr, worker, sh)) {
			__atomic_fetch_sub(&workers, 1, __ATOMIC_RELEASE);
			sleep_ms(1);
			continue;
		}
		COUNT(sh, threads_created);
	}
	while (LOAD(workers))
		sleep_ms(1);
	_exit(0);
}

static pid_t start_master(struct shared *sh, int which)
{
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid)
		return pid;
	child_init(parent);
	switch (which) {
	case CH_FORK:
		forker(sh);
		break;
	case CH_EXEC:
		execer(sh);
		break;
	case CH_MAP:
		mapper(sh);
		break;
	case CH_THREAD:
		threader(sh);
		break;
	}
	_exit(1);
}

/*
 * The process whose map never changes: BIGMAP_MAPS mappings, file pages
 * and named anonymous ones in turns, none mergeable with its neighbours,
 * populated (vma-stat has something to count); enough to split any
 * message. Its dumps must show exactly what maps showed.
 */
static int make_bigmap(void *arg)
{
	const char *file = arg;
	long pg = page_size();
	char name[32];
	int fd, i;
	void *p;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (i = 0; i < BIGMAP_MAPS; i++) {
		if (i % 2 == 0) {
			/* Descending addresses, ascending offsets: no merge */
			p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
				 fd, (i / 2 % DATA_PAGES) * pg);
			if (p == MAP_FAILED)
				break;
			continue;
		}
		p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			break;
		snprintf(name, sizeof(name), "td-stress-big-%d", i);
		if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, pg, name))
			break;
	}
	close(fd);
	return i == BIGMAP_MAPS ? 0 : -1;
}

/*
 * Dumps
 */

/* A task a dump names, and what its dumps must show */
struct target {
	const char *name;
	pid_t pid;
	pid_t tgid;		/* the process it names, 0 if unknown */
	const pid_t *live;	/* if set, a transient one: read at dump time */
	bool stable;		/* lives through the run: no ESRCH */
	pid_t expect[MAX_EXPECT];	/* ids the dump must show */
	int nexpect;
	bool exact;		/* and no other */
};

struct plan {
	int mode;
	int gset;
	uint64_t show;		/* with vma when vma-stat is asked for */
	const struct target *t;	/* the process named, if any */
	const struct target *set;	/* what the dump must show */
	pid_t pid;
	size_t bufsize;
	bool peek;
	bool abandon;
};

/* The checks of one dump, message by message */
struct scan {
	const struct plan *p;
	struct dumper_slot *sl;
	struct td_merge m;
	uint32_t last_id;
	uint32_t first_tgid;
	unsigned int tasks;
	unsigned int split;
	unsigned int cut;
	unsigned int parts_msg;	/* messages of the task being merged */
	bool last_empty;	/* its last message had no data */
	uint64_t last_end;	/* of its last mapping */
	bool new_part;
	bool seen[MAX_EXPECT];
	bool failed;
	char why[768];
};

static int scan_fail(struct scan *s, const char *fmt, ...)
	__printf(2, 3);

static int scan_fail(struct scan *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->failed) {
		va_start(ap, fmt);
		vsnprintf(s->why, sizeof(s->why), fmt, ap);
		va_end(ap);
	}
	s->failed = true;
	return -EPROTO;
}

static int scan_vma(const struct td_vma *v, void *arg)
{
	struct scan *s = arg;
	uint64_t start = v->info.start, end = v->info.end;
	bool stat = s->p->show & SHOW(VMA_STAT);
	bool has_stat = v->present & (1ULL << TASKDIAG_A_VMA_VMA_STAT);

	if (v->bad || v->stat.bad)
		return scan_fail(s, "mapping %llx-%llx malformed (%#llx, %#llx)",
				 (unsigned long long)start,
				 (unsigned long long)end,
				 (unsigned long long)v->bad,
				 (unsigned long long)v->stat.bad);
	if (start >= end || end <= s->last_end)
		return scan_fail(s, "mapping %llx-%llx after an end at %llx",
				 (unsigned long long)start,
				 (unsigned long long)end,
				 (unsigned long long)s->last_end);
	/* The lock is held for a message, unless vma-stat let it go */
	if (!stat && !s->new_part && start < s->last_end)
		return scan_fail(s,
				 "mapping %llx-%llx overlaps the one before, ending at %llx, in one message",
				 (unsigned long long)start,
				 (unsigned long long)end,
				 (unsigned long long)s->last_end);
	if (stat != has_stat)
		return scan_fail(s, "mapping %llx-%llx %s a vma-stat nest",
				 (unsigned long long)start,
				 (unsigned long long)end,
				 has_stat ? "with" : "without");
	s->last_end = end;
	s->new_part = false;
	return 0;
}

static bool target_stable(const struct plan *p)
{
	return p->t && p->t->stable;
}

/* The mappings of the process whose map never changes, against maps */
static int check_bigmap(struct scan *s, const struct td_merge *m)
{
	size_t i;

	if (m->nvmas != bigref.n)
		return scan_fail(s,
				 "pid %u (map never changes): %zu mappings in %u parts, maps showed %zu",
				 m->task.pid, m->nvmas, m->parts, bigref.n);
	for (i = 0; i < m->nvmas; i++) {
		const struct td_vma *v = &m->vmas[i];
		const struct proc_vma *r = &bigref.v[i];

		if (v->info.start != r->start || v->info.end != r->end ||
		    strcmp(v->name ?: "", r->name ?: ""))
			return scan_fail(s,
					 "pid %u (map never changes): mapping %zu %llx-%llx \"%s\", maps showed %llx-%llx \"%s\"",
					 m->task.pid, i,
					 (unsigned long long)v->info.start,
					 (unsigned long long)v->info.end,
					 v->name ?: "",
					 (unsigned long long)r->start,
					 (unsigned long long)r->end,
					 r->name ?: "");
	}
	return 0;
}

/* A task whose parts are all in */
static int scan_task(struct scan *s)
{
	const struct td_merge *m = &s->m;
	const struct td_task *t = &m->task;
	const struct plan *p = s->p;
	uint64_t want = p->show;
	bool cut = s->parts_msg > 1 && s->last_empty;
	int i;

	if (s->tasks && t->pid <= s->last_id)
		return scan_fail(s, "pid %u after pid %u: repeated or out of order",
				 t->pid, s->last_id);
	if (!s->tasks)
		s->first_tgid = t->tgid;
	s->last_id = t->pid;
	s->tasks++;
	s->split += m->parts > 1;
	s->cut += cut;

	switch (p->mode) {
	case M_ALL:
	case M_CHILDREN:
	case M_ONE:
	case M_DO:
		if (t->pid != t->tgid)
			return scan_fail(s, "thread %u of %u in a dump of processes",
					 t->pid, t->tgid);
		break;
	case M_THREAD:
		if (t->tgid != (p->t->tgid ? (uint32_t)p->t->tgid :
				s->first_tgid))
			return scan_fail(s, "thread %u of %u in a dump of the threads of %u",
					 t->pid, t->tgid,
					 p->t->tgid ? (uint32_t)p->t->tgid :
						      s->first_tgid);
		break;
	}
	if ((p->mode == M_ONE || p->mode == M_DO) &&
	    ((p->t->tgid && t->pid != (uint32_t)p->t->tgid) || s->tasks > 1))
		return scan_fail(s, "task %u (task %u of the dump) for process %d",
				 t->pid, s->tasks, p->t->tgid);
	/* The parent of a child of a process that lives on stays */
	if (p->mode == M_CHILDREN && target_stable(p) && t->has_base &&
	    t->base.ppid != (uint32_t)p->t->tgid)
		return scan_fail(s, "child %u of %d with ppid %u", t->pid,
				 p->t->tgid, t->base.ppid);
	/* A task in one message has every group asked for */
	if (m->parts == 1 &&
	    (!!(want & SHOW(BASE)) != t->has_base ||
	     !!(want & SHOW(CRED)) != t->has_cred ||
	     !!(want & SHOW(STAT)) != t->has_stat))
		return scan_fail(s, "pid %u: groups base %d cred %d stat %d for show %#llx",
				 t->pid, t->has_base, t->has_cred, t->has_stat,
				 (unsigned long long)want);
	for (i = 0; i < p->set->nexpect; i++)
		if (p->set->expect[i] == (pid_t)t->pid)
			break;
	if (i < p->set->nexpect) {
		if (cut)
			return scan_fail(s, "pid %u, alive all along, cut short after %u parts",
					 t->pid, m->parts);
		s->seen[i] = true;
	} else if (p->set->exact) {
		return scan_fail(s, "pid %u of tgid %u is not of the set", t->pid,
				 t->tgid);
	}
	if ((want & SHOW(VMA)) && t->pid == (uint32_t)bigmap_pid)
		return check_bigmap(s, m);
	return 0;
}

static int scan_msg(const struct td_task *t, void *arg)
{
	struct scan *s = arg;
	struct dumper_slot *sl = s->sl;
	uint64_t want = s->p->show;
	bool first = !s->m.open;
	int ret;

	sl->nmsg++;
	sl->last_pid = t->pid;
	sl->last_tgid = t->tgid;
	sl->last_cont = t->cont;
	if (!t->has_pid || !t->has_tgid || t->bad_task || t->bad_base ||
	    t->bad_cred || t->bad_stat)
		return scan_fail(s,
				 "message %u (pid %u): malformed (ids %d %d, bad %#x %#x %#x %#llx)",
				 sl->nmsg, t->pid, t->has_pid, t->has_tgid,
				 t->bad_task, t->bad_base, t->bad_cred,
				 (unsigned long long)t->bad_stat);
	if (t->has_withheld && t->withheld)
		return scan_fail(s, "pid %u: withheld %#llx from root", t->pid,
				 (unsigned long long)t->withheld);
	if ((t->has_base && !(want & SHOW(BASE))) ||
	    (t->has_cred && !(want & SHOW(CRED))) ||
	    (t->has_stat && !(want & SHOW(STAT))) ||
	    (t->nvmas && !(want & SHOW(VMA))))
		return scan_fail(s,
				 "pid %u: groups not asked for (base %d cred %d stat %d, %u mappings)",
				 t->pid, t->has_base, t->has_cred, t->has_stat,
				 t->nvmas);
	if (first) {
		if ((want & SHOW(BASE)) && !t->has_base)
			return scan_fail(s, "pid %u: first message without base",
					 t->pid);
		s->parts_msg = 0;
		s->last_end = 0;
	}
	if (t->nvmas && t->pid != t->tgid)
		return scan_fail(s, "pid %u: mappings of a thread that does not lead tgid %u",
				 t->pid, t->tgid);
	s->parts_msg++;
	s->last_empty = !t->has_base && !t->has_cred && !t->has_stat &&
			!t->nvmas && !t->cont;
	s->new_part = true;
	ret = td_parse_vmas(t, scan_vma, s);
	if (ret)
		return ret;
	ret = td_merge_add(&s->m, t);
	if (ret < 0)
		return scan_fail(s, "message %u (pid %u): %s", sl->nmsg, t->pid,
				 s->m.err);
	if (ret == 0)
		return 0;
	return scan_task(s);
}

/* Add a dump's failure to the dumper's */
static void dumper_fail(struct dumper_slot *sl, const struct plan *p,
			const char *fmt, ...) __printf(3, 4);

static void dumper_fail(struct dumper_slot *sl, const struct plan *p,
			const char *fmt, ...)
{
	char why[768];
	va_list ap;

	if (sl->fails[p->mode]++)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(sl->fail[p->mode], sizeof(sl->fail[p->mode]),
		 "dump %lu (%s, %s, pid %d%s%s, %zu-byte reads%s): %s",
		 sl->n, mode_names[p->mode], gsets[p->gset].name, p->pid,
		 p->t ? " " : "", p->t ? p->t->name : "", p->bufsize,
		 p->peek ? ", peeking" : "", why);
}

static void count_err(struct mode_stats *st, int err)
{
	err = -err;
	st->errs[err > 0 && err <= MAX_ERRNO ? err : 0]++;
}

/*
 * Run one dump; returns true if its socket may serve again (the dump went
 * to its end).
 */
static bool run_dump(struct dumper_slot *sl, struct td *td,
		     const struct plan *p)
{
	struct mode_stats *st = &sl->st[p->mode];
	struct td_req req = {
		.dump = p->mode != M_DO,
		.has_show_flags = true,
		.show_flags = p->show,
		.has_strategy = p->mode != M_DO,
		.strategy = mode_strategy[p->mode],
		.has_pid = !!p->t,
		.pid = p->pid,
	};
	struct scan s = { .p = p, .sl = sl };
	bool whole = false;
	double t0, dt;
	int ret, i;

	sl->mode = p->mode;
	sl->gset = p->gset;
	sl->target = p->pid;
	sl->bufsize = p->bufsize;
	sl->peek = p->peek;
	sl->nrecv = 0;
	sl->nmsg = 0;
	sl->last_pid = 0;
	sl->last_tgid = 0;
	sl->last_cont = false;
	t0 = now();
	__atomic_store(&sl->t0, &t0, __ATOMIC_RELEASE);
	STORE(sl->busy, 1);
	st->dumps++;

	ret = td_request(td, &req, NULL);
	if (ret) {
		dumper_fail(sl, p, "request not sent: %s", strerror(-ret));
		count_err(st, ret);
		goto out;
	}
	STORE(sl->busy, 2);
	do {
		ret = td_recv_chunk(td, scan_msg, &s);
		sl->nrecv++;
		if (ret == 1 && p->abandon) {
			/* Closing the socket ends the dump (its .done) */
			st->abandoned++;
			goto out;
		}
	} while (ret == 1);
	STORE(sl->busy, 3);
	dt = now() - t0;
	st->total_time += dt;
	if (dt > st->max_time)
		st->max_time = dt;
	st->msgs += td->stats.nmsg;
	st->datagrams += td->stats.nrecv;
	st->bytes += td->stats.bytes;
	st->tasks += s.tasks;
	st->split += s.split;
	st->cut += s.cut;
	if (s.tasks > st->max_tasks)
		st->max_tasks = s.tasks;

	if (s.failed) {
		dumper_fail(sl, p, "%s", s.why);
		goto out;
	}
	if (ret) {
		bool gone = ret == -ESRCH && !td->err.in_done &&
			    !target_stable(p);
		/* A do whose reply cannot fit a message says so */
		bool big = ret == -EMSGSIZE && p->mode == M_DO &&
			   (p->show & SHOW(VMA)) && !td->err.in_done &&
			   strstr(td->err.msg, "use a dump");

		count_err(st, ret);
		if (!gone && !big)
			dumper_fail(sl, p, "%s (%d)%s, extack \"%s\", after %u messages",
				    strerror(-ret), ret,
				    td->err.in_done ? " in NLMSG_DONE" : "",
				    td->err.msg, td->stats.nmsg);
		/* After an error of the socket, replies may still come */
		whole = gone || big;
		goto out;
	}
	st->done++;
	whole = true;
	if (s.m.open) {
		dumper_fail(sl, p, "pid %u: the dump ended after a part with cont",
			    s.m.task.pid);
		goto out;
	}
	for (i = 0; i < p->set->nexpect; i++) {
		if (!s.seen[i]) {
			dumper_fail(sl, p, "%d, alive all along, missing (%u tasks)",
				    p->set->expect[i], s.tasks);
			goto out;
		}
	}
	if (p->set->exact && s.tasks != (unsigned int)p->set->nexpect)
		dumper_fail(sl, p, "%u tasks, %d expected", s.tasks,
			    p->set->nexpect);
out:
	td_merge_free(&s.m);
	STORE(sl->busy, 0);
	return whole && !s.failed;
}

/* Targets of the dumps that name a process */
struct targets {
	struct target one[16];	/* one, thread, do */
	int none;
	struct target children[8];
	int nchildren;
	struct target all;	/* what all and all-thread must show */
	struct target all_thread;
};

static struct target *add_target(struct target *v, int *n, const char *name,
				 pid_t pid, pid_t tgid, bool stable)
{
	struct target *t = &v[(*n)++];

	memset(t, 0, sizeof(*t));
	t->name = name;
	t->pid = pid;
	t->tgid = tgid;
	t->stable = stable;
	return t;
}

static void expect(struct target *t, pid_t id)
{
	if (t->nexpect < MAX_EXPECT)
		t->expect[t->nexpect++] = id;
}

static void expect_threads(struct target *t, const struct shared *sh, int i)
{
	int k;

	for (k = 0; k < SLEEPER_THREADS; k++)
		expect(t, sh->sleeper_tid[i][k]);
}

static void build_targets(struct targets *T, const struct shared *sh,
			  pid_t self)
{
	const pid_t *m = sh->master;
	struct target *t;
	int i;

	memset(T, 0, sizeof(*T));
	t = add_target(T->one, &T->none, "(test)", sh->main_pid,
		       sh->main_pid, true);
	expect(t, sh->main_pid);
	t->exact = true;
	t = add_target(T->one, &T->none, "(dumper)", self, self, true);
	expect(t, self);
	t->exact = true;
	t = add_target(T->one, &T->none, "(sleeper)", sh->sleeper[0],
		       sh->sleeper[0], true);
	expect_threads(t, sh, 0);
	t->exact = true;
	/* A thread id names its process */
	t = add_target(T->one, &T->none, "(thread of a sleeper)",
		       sh->sleeper_tid[1][2], sh->sleeper[1], true);
	expect_threads(t, sh, 1);
	t->exact = true;
	t = add_target(T->one, &T->none, "(mapper)", m[CH_MAP], m[CH_MAP],
		       true);
	expect(t, m[CH_MAP]);
	expect(t, sh->mapper_thread);
	t->exact = true;
	t = add_target(T->one, &T->none, "(thread of the mapper)",
		       sh->mapper_thread, m[CH_MAP], true);
	expect(t, m[CH_MAP]);
	expect(t, sh->mapper_thread);
	t->exact = true;
	t = add_target(T->one, &T->none, "(threader)", m[CH_THREAD],
		       m[CH_THREAD], true);
	expect(t, m[CH_THREAD]);
	t = add_target(T->one, &T->none, "(bigmap)", sh->bigmap, sh->bigmap,
		       true);
	expect(t, sh->bigmap);
	t->exact = true;
	t = add_target(T->one, &T->none, "(forker)", m[CH_FORK], m[CH_FORK],
		       true);
	expect(t, m[CH_FORK]);
	t->exact = true;
	t = add_target(T->one, &T->none, "(execer)", m[CH_EXEC], m[CH_EXEC],
		       true);
	expect(t, m[CH_EXEC]);
	t->exact = true;
	/* Transient ones: a leader's pid names that process, if any */
	t = add_target(T->one, &T->none, "(forked child)", 0, 0, false);
	t->live = &sh->fork_child;
	for (i = 0; i < EXEC_CHAINS; i++) {
		t = add_target(T->one, &T->none, "(exec chain)", 0, 0, false);
		t->live = &sh->exec_pid[i];
	}
	t = add_target(T->one, &T->none, "(worker thread)", 0, m[CH_THREAD],
		       false);
	t->live = &sh->worker_tid;

	t = add_target(T->children, &T->nchildren, "(test)", sh->main_pid,
		       sh->main_pid, true);
	for (i = 0; i < NR_MASTERS; i++)
		expect(t, m[i]);
	for (i = 0; i < NR_SLEEPERS; i++)
		expect(t, sh->sleeper[i]);
	expect(t, sh->bigmap);
	expect(t, self);
	add_target(T->children, &T->nchildren, "(forker)", m[CH_FORK],
		   m[CH_FORK], true);
	add_target(T->children, &T->nchildren, "(execer)", m[CH_EXEC],
		   m[CH_EXEC], true);
	/* Childless */
	t = add_target(T->children, &T->nchildren, "(sleeper)", sh->sleeper[2],
		       sh->sleeper[2], true);
	t->exact = true;
	t = add_target(T->children, &T->nchildren, "(threader)", m[CH_THREAD],
		       m[CH_THREAD], true);
	t->exact = true;
	t = add_target(T->children, &T->nchildren, "(bigmap)", sh->bigmap,
		       sh->bigmap, true);
	t->exact = true;
	t = add_target(T->children, &T->nchildren, "(forked child)", 0, 0,
		       false);
	t->live = &sh->fork_child;

	memset(&T->all, 0, sizeof(T->all));
	T->all.name = "";
	expect(&T->all, sh->main_pid);
	for (i = 0; i < NR_MASTERS; i++)
		expect(&T->all, m[i]);
	for (i = 0; i < NR_SLEEPERS; i++)
		expect(&T->all, sh->sleeper[i]);
	expect(&T->all, sh->bigmap);
	expect(&T->all, self);
	T->all_thread = T->all;
	expect(&T->all_thread, sh->mapper_thread);
	for (i = 0; i < NR_SLEEPERS; i++) {
		int k;

		for (k = 1; k < SLEEPER_THREADS; k++)
			expect(&T->all_thread, sh->sleeper_tid[i][k]);
	}
}

static void dumper(struct shared *sh, int d)
{
	struct dumper_slot *sl = &sh->slot[d];
	unsigned int next_one = d, next_child = d;
	struct targets T;
	struct target tr, one;
	struct td *td = NULL;
	size_t sock_max = 0;
	unsigned long n;

	close_range(3, ~0U, 0);
	build_targets(&T, sh, getpid());
	for (n = 0; !LOAD(sh->stop_dumpers); n++) {
		unsigned int combo = (n + d * (NR_COMBOS / 4 + 1)) % NR_COMBOS;
		struct plan p = {
			.mode = combo / NR_GSETS,
			.gset = combo % NR_GSETS,
			.bufsize = sizes[(n + d) % ARRAY_SIZE(sizes)],
			.peek = n % 5 == 4,
		};
		size_t eff;

		sl->n = n;
		p.show = gsets[p.gset].show;
		if (p.show & SHOW(VMA_STAT))
			p.show |= SHOW(VMA);
		p.abandon = n % 13 == 12 && p.mode != M_DO;
		if (p.mode == M_CHILDREN)
			p.t = &T.children[next_child++ % T.nchildren];
		else if (p.mode >= M_THREAD)
			p.t = &T.one[next_one++ % T.none];
		else
			p.t = NULL;
		if (p.t && p.t->live) {
			/* A copy naming the latest of the transient ones */
			tr = *p.t;
			tr.pid = LOAD(*p.t->live);
			if (p.t->live != &sh->worker_tid)
				tr.tgid = tr.pid;
			p.t = &tr;
			if (!tr.pid)
				continue;
		}
		p.pid = p.t ? p.t->pid : 0;
		p.set = p.t ?: p.mode == M_ALL ? &T.all : &T.all_thread;
		if (p.mode == M_ONE || p.mode == M_DO) {
			/* The process, not its threads */
			memset(&one, 0, sizeof(one));
			if (p.t->stable) {
				expect(&one, p.t->tgid);
				one.exact = true;
			}
			p.set = &one;
		}

		/*
		 * The kernel fills datagrams as large as the largest read
		 * the socket saw: a smaller buffer needs a new socket,
		 * unless it peeks. libnl's default needs one too (setting
		 * 0 keeps the last size).
		 */
		eff = p.bufsize ? p.bufsize : 16384;
		if ((p.show & SHOW(VMA)) && eff < TD_VMA_DUMP_BUF_SIZE)
			eff = TD_VMA_DUMP_BUF_SIZE;
		if (p.mode == M_DO && (p.show & SHOW(VMA)))
			eff = TD_VMA_BUF_SIZE;
		if (td && (!p.bufsize || (!p.peek && eff < sock_max))) {
			td_close(td);
			td = NULL;
		}
		if (!td) {
			int ret = td_open(&td, p.bufsize, p.peek);

			if (ret) {
				dumper_fail(sl, &p, "td_open(): %s",
					    strerror(-ret));
				td = NULL;
				sleep_ms(100);
				continue;
			}
			sl->reopens++;
			sock_max = 0;
		} else {
			td_set_bufsize(td, p.bufsize, p.peek);
		}
		if (!run_dump(sl, td, &p)) {
			td_close(td);
			td = NULL;
			continue;
		}
		/* Peeking reads whatever the kernel sends: up to 32 KiB */
		if (p.peek)
			eff = 32768;
		if (td->bufsize > eff)
			eff = td->bufsize;
		if (eff > sock_max)
			sock_max = eff;
	}
	td_close(td);
	_exit(0);
}

static pid_t start_dumper(struct shared *sh, int d)
{
	pid_t parent = getpid(), pid;

	pid = fork();
	if (pid)
		return pid;
	child_init(parent);
	STORE(sh->slot[d].pid, getpid());
	dumper(sh, d);
	_exit(1);
}

/*
 * The watchdog: where a dump that does not end was, with the dumper's
 * kernel stack.
 */
static void print_lines(const char *prefix, const char *text)
{
	const char *p = text, *e;

	while (*p) {
		e = strchrnul(p, '\n');
		ksft_print_msg("%s%.*s\n", prefix, (int)(e - p), p);
		p = *e ? e + 1 : e;
	}
}

static void report_hung(struct dumper_slot *sl, int d, double age)
{
	static const char * const phases[] = {
		"between dumps", "sending the request",
		"receiving (recvmsg() or the checks)", "checking its end",
	};
	char path[64], buf[4096], stat[512];
	int busy = LOAD(sl->busy);

	ksft_print_msg("dumper %d (pid %d): dump %lu (%s, %s, pid %u, %zu-byte reads%s)\n",
		       d, sl->pid, sl->n, mode_names[sl->mode],
		       gsets[sl->gset].name, sl->target, sl->bufsize,
		       sl->peek ? ", peeking" : "");
	ksft_print_msg("  did not end in %.0f s: %s, %u datagrams, %u messages,\n",
		       age, phases[busy & 3], sl->nrecv, sl->nmsg);
	ksft_print_msg("  the last of pid %u tgid %u%s\n", sl->last_pid,
		       sl->last_tgid, sl->last_cont ? " with cont" : "");
	snprintf(path, sizeof(path), "/proc/%d/stat", sl->pid);
	if (proc_read_small(path, stat, sizeof(stat)) > 0)
		print_lines("  stat: ", stat);
	snprintf(path, sizeof(path), "/proc/%d/wchan", sl->pid);
	if (proc_read_small(path, buf, sizeof(buf)) > 0)
		ksft_print_msg("  wchan: %s\n", buf);
	snprintf(path, sizeof(path), "/proc/%d/stack", sl->pid);
	if (proc_read_small(path, buf, sizeof(buf)) > 0)
		print_lines("  stack: ", buf);
}

/*
 * Slab figures
 *
 * A cache's active objects, as /proc/slabinfo and the cache's "objects"
 * in sysfs count them, include the free objects of the slabs that CPUs
 * hold: right after the cache is shrunk (which takes those slabs back) the
 * count is exact, but one allocation later a CPU holds a partial slab
 * again and its free objects count as active (16 objects of kmalloc-128
 * under KASAN). So each cache is read right after it is shrunk, from files
 * opened beforehand (nothing of the reader is allocated in between), and
 * several times: the lowest count is the figure, as what is allocated is
 * counted every time, what others allocated and freed meanwhile not. The
 * files stay open from before the first figure to after the last: what
 * kernfs allocates for open files (and frees after a grace period, in
 * batches) is the same in both.
 */
struct cache {
	char name[48];
	long active;		/* the lowest count of the readings */
	long size;		/* bytes per object, with KASAN's */
	long perslab;		/* objects per slab */
	bool reclaimable;	/* SLAB_RECLAIM_ACCOUNT: dentries, inodes */
	int shrink_fd;
	int objects_fd;
};

struct task_name {
	pid_t tid;
	char comm[TD_COMM_LEN];
};

struct snap {
	long slab_kb;		/* the lowest of the readings too */
	long sunreclaim_kb;
	struct cache *c;
	size_t n;
	struct task_name *tasks;	/* the threads of the system */
	size_t ntasks;
	long procs;
	unsigned int rounds;
	double settle;		/* seconds it took */
	bool settled;
};

static void snap_free(struct snap *s)
{
	free(s->c);
	free(s->tasks);
	memset(s, 0, sizeof(*s));
}

/*
 * A whole /proc file, NUL-terminated: seq_file hands out a page per read
 * (proc_read_small() reads once). Returns its length or a negative errno.
 */
static ssize_t read_all(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		n = read(fd, buf + len, size - 1 - len);
		if (n > 0)
			len += n;
	} while (n > 0 && len < size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[len] = '\0';
	return len;
}

static int meminfo_kb(const char *buf, const char *key, long *v)
{
	const char *p = strstr(buf, key);

	if (!p)
		return -1;
	*v = strtol(p + strlen(key), NULL, 10);
	return 0;
}

static const struct cache *snap_find(const struct snap *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i];
	return NULL;
}

static void snap_close(struct snap *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		close(s->c[i].shrink_fd);
		close(s->c[i].objects_fd);
	}
	snap_free(s);
}

/*
 * The caches of /proc/slabinfo (one name per cache, whatever merged into
 * it), with their sysfs files open: the reader of the figures.
 */
static int snap_open(struct snap *s)
{
	char *line, *save, path[128], flag[8];
	size_t size = 1 << 20;
	char *buf = malloc(size);
	ssize_t len;

	if (!buf)
		return -ENOMEM;
	len = read_all("/proc/slabinfo", buf, size);
	if (len < 0) {
		free(buf);
		return len;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		long active, total, objsize, perslab;
		struct cache *c;
		char name[48];

		if (sscanf(line, "%47s %ld %ld %ld %ld", name, &active, &total,
			   &objsize, &perslab) != 5)
			continue;
		c = realloc(s->c, (s->n + 1) * sizeof(*c));
		if (!c) {
			free(buf);
			return -ENOMEM;
		}
		s->c = c;
		c += s->n;
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->active = LONG_MAX;
		c->size = objsize;
		c->perslab = perslab;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/reclaim_account",
			 name);
		c->reclaimable = proc_read_small(path, flag, sizeof(flag)) > 0 &&
				 flag[0] == '1';
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
		c->shrink_fd = open(path, O_WRONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", name);
		c->objects_fd = open(path, O_RDONLY | O_CLOEXEC);
		/* A first read: the file's buffer is allocated now */
		if (c->shrink_fd < 0 || c->objects_fd < 0 ||
		    pread(c->objects_fd, flag, sizeof(flag), 0) <= 0) {
			close(c->shrink_fd);
			close(c->objects_fd);
			free(buf);
			return -errno ?: -EIO;
		}
		s->n++;
	}
	free(buf);
	return s->n ? 0 : -ENOENT;
}

static bool slab_checked(const struct cache *c);

/*
 * One reading: a grace period or two so that RCU callbacks run, then each
 * cache shrunk (its empty slabs freed, the CPUs' slabs taken back, KASAN's
 * quarantine emptied of its objects) and read at once. Returns the
 * largest drop of a checked cache this reading brought, or a negative
 * errno.
 */
static long snap_round(struct snap *s, char *buf, size_t size)
{
	long kb, active, drop = 0;
	ssize_t len;
	size_t i;

	syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	for (i = 0; i < s->n; i++) {
		struct cache *c = &s->c[i];
		char num[64];

		/* The others are shown once, not compared */
		if (!slab_checked(c) && s->rounds)
			continue;
		if (pwrite(c->shrink_fd, "1", 1, 0) != 1)
			return -errno;
		len = pread(c->objects_fd, num, sizeof(num) - 1, 0);
		if (len <= 0)
			return len ? -errno : -EIO;
		num[len] = '\0';
		active = strtol(num, NULL, 10);
		if (active >= c->active)
			continue;
		if (s->rounds && slab_checked(c) && c->active - active > drop)
			drop = c->active - active;
		c->active = active;
	}
	len = read_all("/proc/meminfo", buf, size);
	if (len < 0)
		return len;
	if (meminfo_kb(buf, "\nSlab:", &kb))
		return -EIO;
	if (!s->rounds || kb < s->slab_kb)
		s->slab_kb = kb;
	if (meminfo_kb(buf, "\nSUnreclaim:", &kb))
		return -EIO;
	if (!s->rounds || kb < s->sunreclaim_kb)
		s->sunreclaim_kb = kb;
	s->rounds++;
	return drop;
}

/* The threads of the system, with their names */
static int snap_tasks(struct snap *s)
{
	struct pidlist tgids = {}, tids = {};
	char path[64], comm[TD_COMM_LEN];
	size_t i, j;
	int ret;

	ret = proc_tgids("/proc", &tgids);
	s->procs = tgids.n;
	for (i = 0; !ret && i < tgids.n; i++) {
		if (proc_tids("/proc", tgids.v[i], &tids))
			continue;
		for (j = 0; j < tids.n; j++) {
			struct task_name *t;

			t = realloc(s->tasks, (s->ntasks + 1) * sizeof(*t));
			if (!t) {
				ret = -ENOMEM;
				break;
			}
			s->tasks = t;
			t += s->ntasks++;
			t->tid = tids.v[j];
			snprintf(path, sizeof(path), "/proc/%u/task/%u/comm",
				 tgids.v[i], tids.v[j]);
			if (proc_read_small(path, comm, sizeof(comm)) <= 0)
				snprintf(comm, sizeof(comm), "?");
			comm[strcspn(comm, "\n")] = '\0';
			snprintf(t->comm, sizeof(t->comm), "%s", comm);
		}
		pl_free(&tids);
	}
	pl_free(&tgids);
	return ret;
}

/*
 * What two figures differ by without any leak, measured on the debug
 * guest in runs without dumps ("-j 0", 20 to 300 s) and with dumps:
 * - most caches by 0 to 3 objects, of whoever runs meanwhile (this
 *   program, the guest's init copying the output over 9p);
 * - kmalloc-8, the most used, drifts with the state of the system:
 *   2540, 2459, 2537, 2536, 2528, 2469, 2528 objects at the ends of four
 *   runs in a row in one boot (3% of them, SLAB_DRIFT_PCT allows 4),
 *   with and without dumps;
 * - each task that started or ended in between (kernel workers come and
 *   go with the load; the report lists them) has an object in each of a
 *   few caches (task_struct, pid, cred, ...) and a few in kmalloc-*;
 * - SUnreclaim, in pages, keeps the slabs that objects allocated during
 *   the run still hold: up to +1268 kB after the first run with dumps of
 *   a boot, every cache's objects back, +328 kB at most without dumps.
 *   The bytes of the objects are checked too: fragmentation does not
 *   move them (within 32 kB in every run).
 * A leak of an object per dump is 500 objects and more in a 30 s run,
 * per task message 10,000 and more.
 */
#define SLAB_TOLERANCE		16
#define SLAB_DRIFT_PCT		4
#define SLAB_PER_TASK		4
#define SUNRECLAIM_SLACK_KB	2048
#define BYTES_TOLERANCE		(64 << 10)
#define BYTES_PER_TASK		(32 << 10)

static long slab_allowance(long before, long dtasks)
{
	return SLAB_TOLERANCE + before * SLAB_DRIFT_PCT / 100 +
	       SLAB_PER_TASK * labs(dtasks);
}

/* Bytes of the objects of the checked caches */
static long snap_bytes(const struct snap *s)
{
	long bytes = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (slab_checked(&s->c[i]))
			bytes += s->c[i].active * s->c[i].size;
	return bytes;
}

#define SETTLE_ROUNDS	3	/* readings at least */
#define SETTLE_MAX	30.0	/* seconds */

/*
 * The figures once nothing more comes back: after wait seconds (what
 * kfree_rcu() batches take: 5 s), readings until one lowers no checked
 * cache beyond the noise. The clean caches are dropped first (dentries
 * and inodes of /proc and of the programs run).
 */
static int settle(struct snap *s, const struct snap *reader, double wait)
{
	size_t size = 1 << 20;
	char *buf = malloc(size);
	double t0 = now();
	long drop;
	int ret;

	if (!buf)
		return -ENOMEM;
	sleep_ms(wait * 1000);
	sync();
	write_str("/proc/sys/vm/drop_caches", "3");
	ret = snap_tasks(s);
	s->c = malloc(reader->n * sizeof(*s->c));
	if (!s->c)
		ret = -ENOMEM;
	else
		memcpy(s->c, reader->c, reader->n * sizeof(*s->c));
	s->n = reader->n;
	while (!ret) {
		drop = snap_round(s, buf, size);
		if (drop < 0) {
			ret = drop;
			break;
		}
		s->settle = now() - t0;
		if (s->rounds >= SETTLE_ROUNDS && drop <= SLAB_TOLERANCE) {
			s->settled = true;
			break;
		}
		if (s->settle > SETTLE_MAX)
			break;
		sleep_ms(100);
	}
	free(buf);
	return ret;
}

/*
 * kmemleak's own object of every allocation it tracks (slab, vmalloc,
 * percpu, pages) is freed after a grace period: it moves with everything
 * else, reclaimable caches included, and says nothing the other caches do
 * not. The reclaimable caches (dentries, inodes) hold what the file
 * systems keep cached: drop_caches frees what nothing uses, but /proc
 * keeps the entries of live tasks, the 9p root what its files need.
 */
static bool slab_checked(const struct cache *c)
{
	return !c->reclaimable && strcmp(c->name, "kmemleak_object");
}

/*
 * The caches of what a dump takes a reference to or allocates: tasks,
 * their mm, pids, credentials, files, mappings, the request, the
 * messages (skbs and their kmalloc()ed data). With slab merging a cache
 * may be counted under another's name: every cache is checked, these are
 * listed first in the report.
 */
static const char * const tracked[] = {
	"kmalloc-", "skbuff_", "task_struct", "mm_struct", "vm_area_struct",
	"vma_lock", "pid", "cred", "files_cache", "signal_cache",
	"sighand_cache", "fs_cache", "anon_vma", "anon_vma_chain",
	"maple_node", "filp", "names_cache", "task_delay_info",
	"sock_inode_cache", "nsproxy", "pid_namespace", "sigqueue",
	"seq_file", "kmemleak_object",
};

static bool is_tracked(const char *name)
{
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(tracked); i++) {
		len = strlen(tracked[i]);
		if (tracked[i][len - 1] == '-' || tracked[i][len - 1] == '_' ?
		    !strncmp(name, tracked[i], len) : !strcmp(name, tracked[i]))
			return true;
	}
	return false;
}

static bool has_task(const struct snap *s, const struct task_name *t)
{
	size_t i;

	for (i = 0; i < s->ntasks; i++)
		if (s->tasks[i].tid == t->tid)
			return true;
	return false;
}

static void print_tasks(const char *what, const struct snap *a,
			const struct snap *b)
{
	char list[512];
	size_t i, len = 0;

	list[0] = '\0';
	for (i = 0; i < b->ntasks && len < sizeof(list); i++)
		if (!has_task(a, &b->tasks[i]))
			len += snprintf(list + len, sizeof(list) - len, " %d:%s",
					b->tasks[i].tid, b->tasks[i].comm);
	if (len)
		ksft_print_msg("slab: tasks %s:%s\n", what, list);
}

/*
 * Compare the figures; returns the number of things not back, the first
 * described in why.
 */
static unsigned int compare_snaps(const struct snap *a, const struct snap *b,
				  char *why, size_t len)
{
	long dtasks = (long)b->ntasks - (long)a->ntasks;
	long dbytes = snap_bytes(b) - snap_bytes(a);
	long bytes_allowed = BYTES_TOLERANCE + BYTES_PER_TASK * labs(dtasks);
	long dkb = b->sunreclaim_kb - a->sunreclaim_kb;
	unsigned int bad = 0;
	size_t i;
	int pass;

	why[0] = '\0';
	ksft_print_msg("slab: threads %zu -> %zu, processes %ld -> %ld\n",
		       a->ntasks, b->ntasks, a->procs, b->procs);
	print_tasks("started", a, b);
	print_tasks("ended", b, a);
	ksft_print_msg("slab: settled in %.1f s (%u readings) before, %.1f s (%u) after%s\n",
		       a->settle, a->rounds, b->settle, b->rounds,
		       a->settled && b->settled ? "" : " (NOT SETTLED)");
	ksft_print_msg("slab: Slab %ld -> %ld kB, SUnreclaim %ld -> %ld (%+ld, allowed %d) kB%s\n",
		       a->slab_kb, b->slab_kb, a->sunreclaim_kb,
		       b->sunreclaim_kb, dkb, SUNRECLAIM_SLACK_KB,
		       dkb > SUNRECLAIM_SLACK_KB ? " NOT BACK" : "");
	if (dkb > SUNRECLAIM_SLACK_KB && !bad++)
		snprintf(why, len, "SUnreclaim %+ld kB", dkb);
	ksft_print_msg("slab: checked caches' objects %ld -> %ld bytes (%+ld, allowed %ld)%s\n",
		       snap_bytes(a), snap_bytes(b), dbytes, bytes_allowed,
		       dbytes > bytes_allowed ? " NOT BACK" : "");
	if (dbytes > bytes_allowed && !bad++)
		snprintf(why, len, "objects of the checked caches %+ld bytes",
			 dbytes);
	ksft_print_msg("slab: %-24s %10s %10s %8s %8s %6s\n", "cache", "before",
		       "after", "delta", "allowed", "bytes");
	/* The tracked caches first, then any other that moved */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < b->n; i++) {
			const struct cache *c = &b->c[i], *o;
			long before, delta, allowed;
			bool over;

			if (is_tracked(c->name) != !pass)
				continue;
			o = snap_find(a, c->name);
			before = o ? o->active : 0;
			delta = c->active - before;
			allowed = slab_allowance(before, dtasks);
			over = delta > allowed && slab_checked(c);
			if (over && !bad++)
				snprintf(why, len,
					 "%s: %ld -> %ld active objects (%+ld, allowed %ld)",
					 c->name, before, c->active, delta,
					 allowed);
			if ((!pass && (before || c->active)) || over ||
			    delta > allowed || delta < -allowed)
				ksft_print_msg("slab: %-24s %10ld %10ld %+8ld %8ld %6ld%s\n",
					       c->name, before, c->active,
					       delta, allowed, c->size,
					       over ? " NOT BACK" :
					       slab_checked(c) ? "" :
					       " (not checked)");
		}
	}
	return bad;
}

/*
 * The test
 */

/* A file in a directory tree whose path is about 2,000 bytes long */
static int make_files(struct shared *sh)
{
	long pg = page_size();
	char seg[201];
	size_t len;
	int fd, i;

	snprintf(sh->dir, sizeof(sh->dir), "/tmp/td_stress.XXXXXX");
	if (!mkdtemp(sh->dir))
		return -1;
	snprintf(sh->data, sizeof(sh->data), "%s/data", sh->dir);
	fd = open(sh->data, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, DATA_PAGES * pg)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	memset(seg, 'd', 200);
	seg[200] = '\0';
	len = snprintf(sh->longfile, sizeof(sh->longfile), "%s", sh->dir);
	for (i = 0; i < 9; i++) {
		len += snprintf(sh->longfile + len, sizeof(sh->longfile) - len,
				"/%s", seg);
		if (mkdir(sh->longfile, 0755))
			return -1;
	}
	snprintf(sh->longfile + len, sizeof(sh->longfile) - len,
		 "/a-file-with-a-long-path");
	fd = open(sh->longfile, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, 4 * pg)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The first thing that went wrong besides the dumps */
static char why[512];

static void note(const char *fmt, ...) __printf(1, 2);

static void note(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ksft_print_msg("%s\n", buf);
	if (!why[0])
		snprintf(why, sizeof(why), "%s", buf);
}

/* A child of the test that ended while it should not have: say how */
static void check_alive(pid_t *pid, const char *what)
{
	int status;

	if (*pid <= 0 || waitpid(*pid, &status, WNOHANG) == 0)
		return;
	note("%s (pid %d) ended early, status %#x", what, *pid, status);
	*pid = 0;
}

/*
 * Wait for pid until deadline, then kill it and wait 10 s more: a task
 * stuck in the kernel may not die. True if it ended on its own.
 */
static bool wait_until(pid_t pid, double deadline, int *status)
{
	bool killed = false;
	pid_t r;

	*status = -1;
	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r)
			return r == pid && !killed;
		if (now() > deadline) {
			if (killed) {
				note("pid %d did not die of SIGKILL in 10 s",
				     pid);
				return false;
			}
			kill(pid, SIGKILL);
			killed = true;
			deadline = now() + 10;
		}
		sleep_ms(20);
	}
}

/* A row of the table of dumps, under the header print_stats() prints */
#define ROW_FORMAT \
	"%-10s %6lu %6lu %5lu %8lu %8lu %6lu %5lu %6lu %9llu %5lu %6.2f %6.2f  %s\n"
/* How long each stage of the test took */
#define TIMES_FORMAT \
	"times: figures %.1f s, setup %.1f s, dumps %.1f s, wind-down %.1f s, figures %.1f s\n"

static void print_stats(struct shared *sh)
{
	struct mode_stats tot[NR_MODES] = {};
	unsigned long reopens = 0;
	int d, m, e;
	char errs[512];

	for (d = 0; d < sh->ndumpers; d++) {
		reopens += sh->slot[d].reopens;
		for (m = 0; m < NR_MODES; m++) {
			const struct mode_stats *s = &sh->slot[d].st[m];
			struct mode_stats *t = &tot[m];

			t->dumps += s->dumps;
			t->done += s->done;
			t->abandoned += s->abandoned;
			t->msgs += s->msgs;
			t->tasks += s->tasks;
			t->split += s->split;
			t->cut += s->cut;
			t->datagrams += s->datagrams;
			t->bytes += s->bytes;
			t->total_time += s->total_time;
			if (s->max_tasks > t->max_tasks)
				t->max_tasks = s->max_tasks;
			if (s->max_time > t->max_time)
				t->max_time = s->max_time;
			for (e = 0; e <= MAX_ERRNO; e++)
				t->errs[e] += s->errs[e];
		}
	}
	ksft_print_msg("%-10s %6s %6s %5s %8s %8s %6s %5s %6s %9s %5s %6s %6s  %s\n",
		       "dumps", "total", "done", "aband", "messages", "tasks",
		       "split", "cut", "dgrams", "bytes", "max", "mean s",
		       "max s", "errors");
	for (m = 0; m < NR_MODES; m++) {
		const struct mode_stats *t = &tot[m];
		size_t len = 0;

		errs[0] = '\0';
		for (e = 0; e <= MAX_ERRNO; e++)
			if (t->errs[e])
				len += snprintf(errs + len, sizeof(errs) - len,
						"%s%s %lu", len ? ", " : "",
						e ? strerrorname_np(e) : "other",
						t->errs[e]);
		ksft_print_msg(ROW_FORMAT,
			       mode_names[m], t->dumps, t->done, t->abandoned,
			       t->msgs, t->tasks, t->split, t->cut,
			       t->datagrams, t->bytes, t->max_tasks,
			       t->dumps ? t->total_time / t->dumps : 0,
			       t->max_time, errs[0] ? errs : "-");
	}
	ksft_print_msg("sockets opened by the dumpers: %lu\n", reopens);
	ksft_print_msg("churn: %lu forks (%lu orphans reparented, %lu threaded), %lu reaped\n",
		       sh->c.forks, sh->c.grandchildren, sh->c.child_threads,
		       sh->c.reaped);
	ksft_print_msg("churn: %lu execs (%lu from a non-leader) in %lu chains, %lu failed\n",
		       sh->c.execs, sh->c.thread_execs, sh->c.chains,
		       sh->c.chain_fails);
	ksft_print_msg("churn: %lu mmap, %lu munmap, %lu mprotect, %lu madvise, %lu mremap,\n",
		       sh->c.mmaps, sh->c.munmaps, sh->c.mprotects,
		       sh->c.madvises, sh->c.mremaps);
	ksft_print_msg("churn: %lu mappings named; %lu calls failed%s%s\n",
		       sh->c.names, sh->c.map_fails,
		       sh->c.map_fails ? ": " : "",
		       sh->c.map_fail);
	ksft_print_msg("churn: %lu threads created, %lu ended\n",
		       sh->c.threads_created, sh->c.threads_ended);
}

/* Where a long run is, once a minute */
static void print_progress(struct shared *sh, double elapsed)
{
	unsigned long n = 0;
	int d;

	for (d = 0; d < sh->ndumpers; d++)
		n += sh->slot[d].n;
	ksft_print_msg("%.0f s: %lu dumps, %lu forks, %lu exec chains, %lu mmaps, %lu threads\n",
		       elapsed, n, sh->c.forks, sh->c.chains, sh->c.mmaps,
		       sh->c.threads_created);
}

TEST(stress)
{
	struct shared *sh;
	struct snap reader = {}, before = {}, after = {};
	pid_t master[NR_MASTERS] = {}, dumper_pid[MAX_DUMPERS] = {};
	pid_t sleepers[NR_SLEEPERS];
	int hold = -1, i, d, status, ret;
	char slab_why[512];
	unsigned int hung = 0, dfails = 0, leaks;
	double t_start = now(), start, end, next_report, t_stop, t_down;
	struct td *td;

	ASSERT_EQ(0, geteuid()) TH_LOG("needs root (drop_caches, slabinfo)");
	/* The family is there; the socket is closed before the baseline */
	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);

	ksft_print_msg("%d dumpers for %d s; watchdog %d s per dump\n",
		       opt_dumpers, opt_seconds, DUMP_LIMIT);
	/* Before the figures, which count its files, its mapping */
	ret = snap_open(&reader);
	ASSERT_EQ(0, ret) TH_LOG("slab caches in sysfs: %s", strerror(-ret));
	sh = shared_alloc(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	ret = settle(&before, &reader, 0);
	ASSERT_EQ(0, ret) TH_LOG("slab figures: %s", strerror(-ret));

	sh->main_pid = getpid();
	sh->ndumpers = opt_dumpers;
	sh->busybox = !access(BUSYBOX, X_OK);
	ASSERT_EQ(0, make_files(sh)) TH_LOG("files in /tmp: %s",
					    strerror(errno));

	/*
	 * Tasks that live through the run. (Not forked into shared memory:
	 * the children would store their 0 over their pids.)
	 */
	ASSERT_EQ(0, spawn_sleepers(NR_SLEEPERS, SLEEPER_THREADS, NULL,
				    sleepers));
	memcpy(sh->sleeper, sleepers, sizeof(sleepers));
	for (i = 0; i < NR_SLEEPERS; i++) {
		struct pidlist l = {};

		ASSERT_EQ(0, proc_tids("/proc", sh->sleeper[i], &l));
		ASSERT_EQ(SLEEPER_THREADS, l.n);
		memcpy(sh->sleeper_tid[i], l.v, sizeof(sh->sleeper_tid[i]));
		pl_free(&l);
	}
	sh->bigmap = spawn_prepared(make_bigmap, sh->data, &hold);
	ASSERT_LT(0, sh->bigmap);
	ASSERT_EQ(0, proc_read_map(sh->bigmap, false, &bigref));
	ASSERT_LE(BIGMAP_MAPS, bigref.n);
	bigmap_pid = sh->bigmap;

	for (i = 0; i < NR_MASTERS; i++) {
		master[i] = start_master(sh, i);
		ASSERT_LT(0, master[i]);
	}
	for (i = 0; i < 3000 && LOAD(sh->ready) < NR_MASTERS; i++)
		sleep_ms(10);
	ASSERT_EQ(NR_MASTERS, LOAD(sh->ready)) TH_LOG("the churn did not start");
	for (i = 0; i < NR_MASTERS; i++)
		ASSERT_EQ(master[i], sh->master[i]);

	start = now();
	end = start + opt_seconds;
	next_report = start + 60;
	for (d = 0; d < opt_dumpers; d++) {
		dumper_pid[d] = start_dumper(sh, d);
		ASSERT_LT(0, dumper_pid[d]);
	}

	/* The run, then the dumpers' last dumps, under the watchdog */
	for (;;) {
		double t = now();
		int running = 0;

		if (t >= end && !sh->stop_dumpers)
			STORE(sh->stop_dumpers, 1);
		for (d = 0; d < opt_dumpers; d++) {
			struct dumper_slot *sl = &sh->slot[d];
			double t0, t1;

			if (!dumper_pid[d])
				continue;
			if (waitpid(dumper_pid[d], &status, WNOHANG) ==
			    dumper_pid[d]) {
				if (!sh->stop_dumpers ||
				    !WIFEXITED(status) || WEXITSTATUS(status))
					note("dumper %d ended with status %#x%s",
					     d, status, sh->stop_dumpers ? "" :
					     " before the end");
				dumper_pid[d] = 0;
				continue;
			}
			running++;
			/* The same dump before and after busy was seen */
			__atomic_load(&sl->t0, &t0, __ATOMIC_ACQUIRE);
			ret = LOAD(sl->busy);
			__atomic_load(&sl->t0, &t1, __ATOMIC_ACQUIRE);
			if (ret && t - t0 > DUMP_LIMIT && t0 == t1) {
				report_hung(sl, d, t - t0);
				sl->hung = true;
				hung++;
				wait_until(dumper_pid[d], 0, &status);
				dumper_pid[d] = 0;
			}
		}
		for (i = 0; i < NR_MASTERS; i++)
			check_alive(&master[i], master_names[i]);
		if (!running && sh->stop_dumpers)
			break;
		if (t >= next_report) {
			print_progress(sh, t - start);
			next_report += 60;
		}
		sleep_ms(200);
	}
	t_stop = now();

	/* Those that had to live through the run did */
	for (i = 0; i < NR_SLEEPERS; i++)
		check_alive(&sh->sleeper[i], "a sleeper");
	check_alive(&sh->bigmap, "the process of the fixed map");

	/* The churn winds down on its own */
	STORE(sh->stop_churn, 1);
	for (i = 0; i < NR_MASTERS; i++) {
		if (!master[i])
			continue;
		if (!wait_until(master[i], now() + STOP_LIMIT, &status) ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			note("%s: ended with status %#x", master_names[i],
			     status);
	}
	for (i = 0; i < NR_SLEEPERS; i++)
		kill_wait(sh->sleeper[i]);
	close(hold);
	kill_wait(sh->bigmap);
	remove_dir(sh->dir);
	proc_map_free(&bigref);
	t_down = now();

	print_stats(sh);
	for (d = 0; d < opt_dumpers; d++) {
		for (i = 0; i < NR_MODES; i++) {
			struct dumper_slot *sl = &sh->slot[d];

			dfails += sl->fails[i];
			if (sl->fails[i])
				ksft_print_msg("dumper %d: %lu failed %s dumps, the first: %s\n",
					       d, sl->fails[i], mode_names[i],
					       sl->fail[i]);
		}
	}

	ret = settle(&after, &reader, 5);
	snap_close(&reader);
	EXPECT_EQ(0, ret) TH_LOG("slab figures: %s", strerror(-ret));
	ksft_print_msg(TIMES_FORMAT,
		       before.settle, start - t_start - before.settle,
		       t_stop - start, t_down - t_stop, now() - t_down);
	leaks = ret ? 0 : compare_snaps(&before, &after, slab_why,
					sizeof(slab_why));

	EXPECT_EQ(0, hung) TH_LOG("%u dumps did not end (see above)", hung);
	EXPECT_EQ(0, dfails) TH_LOG("%u dumps failed (see above)", dfails);
	EXPECT_STREQ("", why);
	EXPECT_EQ(0, sh->c.chain_fails)
		TH_LOG("exec chains failed, the first with status %#x",
		       sh->c.chain_status);
	EXPECT_EQ(0, sh->c.map_fails) TH_LOG("%s", sh->c.map_fail);
	EXPECT_TRUE(before.settled && after.settled)
		TH_LOG("the slab figures did not settle in %.0f s",
		       SETTLE_MAX);
	EXPECT_EQ(0, leaks) TH_LOG("%u slab figures did not come back: %s",
				   leaks, slab_why);
	/* The run did what it is for */
	if (opt_dumpers) {
		for (i = 0; i < NR_MODES; i++) {
			unsigned long done = 0;

			for (d = 0; d < opt_dumpers; d++)
				done += sh->slot[d].st[i].done;
			EXPECT_LT(0, done) TH_LOG("no %s dump completed",
						  mode_names[i]);
		}
	}
	EXPECT_LT(0, sh->c.forks);
	EXPECT_LT(0, sh->c.execs);
	EXPECT_LT(0, sh->c.mmaps);
	EXPECT_LT(0, sh->c.threads_created);
	snap_free(&before);
	snap_free(&after);
	munmap(sh, sizeof(*sh));
}

int main(int argc, char **argv)
{
	char **args;
	int i, n = 0;

	if (argc > 1 && !strcmp(argv[1], EXEC_ARG))
		return exec_child(argc, argv);

	/* Diagnostics survive the test child's _exit() */
	setvbuf(stdout, NULL, _IOLBF, 0);
	args = calloc(argc + 1, sizeof(*args));
	if (!args)
		return KSFT_FAIL;
	for (i = 0; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "-d")) {
			opt_seconds = atoi(argv[++i]);
			continue;
		}
		if (i + 1 < argc && !strcmp(argv[i], "-j")) {
			opt_dumpers = atoi(argv[++i]);
			continue;
		}
		args[n++] = argv[i];
	}
	if (opt_seconds <= 0 || opt_dumpers < 0 || opt_dumpers > MAX_DUMPERS) {
		fprintf(stderr, "usage: %s [-d SECONDS] [-j DUMPERS (0-%d)] [harness options]\n",
			argv[0], MAX_DUMPERS);
		return KSFT_FAIL;
	}
	/* Setup, the run, the dumps' watchdog, the wind-down, two settlings */
	_stress_object.timeout = opt_seconds + DUMP_LIMIT + STOP_LIMIT +
				 2 * (int)SETTLE_MAX + 120;
	return test_harness_run(n, args);
}
