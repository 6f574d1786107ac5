// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures injected into the thread that dumps.
 *
 * failslab and fail_page_alloc, filtered to the tasks that ask for it
 * (task-filter), GFP_KERNEL allocations included (ignore-gfp-wait=N), fail
 * the allocations of the dumping thread, and of it only: its make-it-fail
 * is set just around the sendmsg() and recvmsg() calls of its taskdiag
 * sockets, so that what fails is what those calls do in the kernel (the
 * request, the first part of a dump, a do's reply, the later parts, the
 * acknowledgements), never the test's own memory or page faults. Modes:
 * every Nth allocation fails (interval N, probability 100, N swept), a
 * random share of them (probability P), and systematically the first,
 * second, ... allocation of a request's sendmsg() (fail-nth) until there
 * is none left to fail. (The calls counted include slab refills and the
 * debug kernel's own bookkeeping, so the Nth is not always the same
 * allocation: the other modes make up for a site stepped over.)
 *
 * The requests: every strategy and the do, each group alone and all of
 * them, on sockets read with 4, 8 and 32 KiB buffers, opened by root or by
 * nobody (whose replies depend on the requester's /proc, looked up when
 * the request arrives: without it, only the tasks both may trace are
 * shown), over a quiescent population made to split (threads, hundreds of
 * mappings, long lists of supplementary groups, root's and nobody's) in a
 * pid namespace of its own, so that the namespace holds nothing else but
 * the dumping process. Each reply must either be complete and right (it
 * ends with NLMSG_DONE status 0, or a do's one reply and its ACK; every
 * task of the set is there once, in order, its parts merge, and its
 * groups equal those of a dump taken without failures, for the fields
 * that do not change while the tasks sleep), or end with an error the
 * reader sees (sendmsg() fails, recvmsg() fails, NLMSG_ERROR, NLMSG_DONE
 * with a negative status) that says the memory ran out (ENOMEM, ENOBUFS).
 * Never a silently short or corrupt reply, never a message of another
 * request, never a wait for more without end (each wait is bounded). After
 * an error the same socket must serve a new dump, right, with what the
 * failed request left behind told apart by its sequence number (a dump
 * whose first part could not be allocated fails with NLMSG_ERROR, yet
 * netlink keeps it and sends it on the next read; until it is read a new
 * dump gets EBUSY). And after the sweep, without failures, every request
 * still returns its reference: kmemleak then looks for what the error
 * paths leaked.
 *
 * The number of failures injected (the fall of each `times` knob) is
 * printed, and must not be zero for either kind. Every knob is put back
 * as it was when the program ends, even after a failed assertion.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW(g)		(1ULL << TASKDIAG_GROUP_##g)
#define SHOW_ALL	(SHOW(BASE) | SHOW(CRED) | SHOW(STAT) | SHOW(VMA) | \
			 SHOW(VMA_STAT))

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

/* ---------------------------------------------------------------------- */
/* The fault injection knobs */

#define DBG		"/sys/kernel/debug/"
#define SLAB		DBG "failslab/"
#define PAGE		DBG "fail_page_alloc/"
/* Failures allowed in all: never reached, so that none is refused */
#define BIG_TIMES	100000000
#define STR_(x)		#x
#define STR(x)		STR_(x)

struct knob {
	const char *path;
	const char *value;	/* set for the whole test */
	char saved[32];
	bool have;
};

/*
 * In the order they are set and put back: probability first, so that no
 * failure is injected while the others change.
 */
static struct knob knobs[] = {
	{ SLAB "probability", "0" },
	{ PAGE "probability", "0" },
	{ SLAB "interval", "1" },
	{ PAGE "interval", "1" },
	{ SLAB "times", STR(BIG_TIMES) },
	{ PAGE "times", STR(BIG_TIMES) },
	{ SLAB "space", "0" },
	{ PAGE "space", "0" },
	{ SLAB "verbose", "0" },
	{ PAGE "verbose", "0" },
	{ SLAB "task-filter", "Y" },
	{ PAGE "task-filter", "Y" },
	{ SLAB "ignore-gfp-wait", "N" },
	{ PAGE "ignore-gfp-wait", "N" },
	/* The dumping thread's own user pages are not what is tested */
	{ PAGE "ignore-gfp-highmem", "Y" },
	{ SLAB "cache-filter", "N" },
	/* Single pages too, as the slab caches get them */
	{ PAGE "min-order", "0" },
};

static pid_t main_pid;
/* Injected over the whole run: failslab, fail_page_alloc */
static unsigned long long *run_injected;

static int knob_write(const char *path, const char *value)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : 0;
}

static long knob_read(const char *path)
{
	char buf[32];

	if (proc_read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

static void knobs_restore(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (knobs[i].have)
			knob_write(knobs[i].path, knobs[i].saved);
}

static void knobs_restore_at_exit(void)
{
	unsigned long long *inj = run_injected;

	if (getpid() != main_pid)
		return;
	knobs_restore();
	if (inj)
		printf("# injected: failslab %llu, fail_page_alloc %llu\n",
		       inj[0], inj[1]);
}

/*
 * The knobs as the program found them, in the process that runs the
 * harness: put back when it exits, whatever became of the tests (and by
 * each test's teardown, which runs in the parent of the test's process).
 */
static void __attribute__((constructor)) knobs_save(void)
{
	size_t i;

	main_pid = getpid();
	run_injected = mmap(NULL, 2 * sizeof(*run_injected),
			    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
	if (run_injected == MAP_FAILED)
		run_injected = NULL;
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		ssize_t n = proc_read_small(knobs[i].path, knobs[i].saved,
					    sizeof(knobs[i].saved));

		knobs[i].have = n > 0;
	}
	atexit(knobs_restore_at_exit);
}

static int knobs_setup(char *why, size_t len)
{
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (!knobs[i].have) {
			snprintf(why, len, "cannot read %s", knobs[i].path);
			return -1;
		}
		ret = knob_write(knobs[i].path, knobs[i].value);
		if (ret) {
			snprintf(why, len, "%s: %s", knobs[i].path,
				 strerror(-ret));
			return -1;
		}
	}
	return 0;
}

/* Every Nth allocation (probability 100), or each with probability p */
static int inject_rate(unsigned int interval, unsigned int probability)
{
	char iv[16], pr[16];

	snprintf(iv, sizeof(iv), "%u", interval);
	snprintf(pr, sizeof(pr), "%u", probability);
	if (knob_write(SLAB "probability", "0") ||
	    knob_write(PAGE "probability", "0") ||
	    knob_write(SLAB "interval", iv) ||
	    knob_write(PAGE "interval", iv) ||
	    knob_write(SLAB "probability", pr) ||
	    knob_write(PAGE "probability", pr))
		return -1;
	return 0;
}

/* Failures injected so far: how far each times knob fell */
static void injected_now(long inj[2])
{
	inj[0] = BIG_TIMES - knob_read(SLAB "times");
	inj[1] = BIG_TIMES - knob_read(PAGE "times");
}

/* ---------------------------------------------------------------------- */
/* What is asked */

enum kind { K_ALL, K_ALL_THREAD, K_CHILDREN, K_THREAD, K_ONE, K_DO, NR_KINDS };

static const struct {
	const char *name;
	uint32_t strategy;
	bool dump;
} kinds[NR_KINDS] = {
	[K_ALL] = { "all", TASKDIAG_DUMP_STRATEGY_ALL, true },
	[K_ALL_THREAD] = { "all-thread", TASKDIAG_DUMP_STRATEGY_ALL_THREAD, true },
	[K_CHILDREN] = { "children", TASKDIAG_DUMP_STRATEGY_CHILDREN, true },
	[K_THREAD] = { "thread", TASKDIAG_DUMP_STRATEGY_THREAD, true },
	[K_ONE] = { "one", TASKDIAG_DUMP_STRATEGY_ONE, true },
	[K_DO] = { "do", TASKDIAG_DUMP_STRATEGY_ONE, false },
};

static const struct {
	const char *name;
	uint64_t show;
} sets[] = {
	{ "base", SHOW(BASE) },
	{ "cred", SHOW(CRED) },
	{ "stat", SHOW(STAT) },
	{ "vma", SHOW(VMA) },
	{ "vma-stat", SHOW(VMA_STAT) },
	{ "all groups", SHOW_ALL },
};

#define NR_SETS		ARRAY_SIZE(sets)
#define SET_ALL		(NR_SETS - 1)

/*
 * Receive buffers; the map needs 8 KiB at least (the 4 KiB socket's
 * requests with it go to the 8 KiB one), a do's reply 32 KiB.
 */
static const size_t bufsizes[] = { 4096, 8192, 32768 };
#define NR_BUFS		ARRAY_SIZE(bufsizes)
#define BUF_8K		1
#define BUF_32K		2

enum { ROOT, NOBODY_OPENED, NR_OPENERS };
static const char * const openers[] = { "root's socket", "nobody's socket" };

/* ---------------------------------------------------------------------- */
/* The population */

#define NR_MEMBERS	6
#define NR_THREADS	3	/* per member, its main thread included */
#define THREAD_M	4	/* the target of strategy thread: root's, large */
#define ONE_M		5	/* of one: nobody's, the largest map */
#define DO_M		0	/* of a do: root's, a reply that fits */
#define MAX_GIDS	200

/* Member i: its mappings, supplementary groups, owner */
static int member_vmas(int i)
{
	return 8 + 50 * i;
}

static void *member_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/*
 * A member, in the child spawn_prepared() made: a region of one-page
 * mappings, read-only and read-write in turn (the latter with a page
 * each), every third one named; groups; nobody's for odd i (and
 * dumpable, so that nobody may read it); then its threads.
 */
static int member_setup(void *arg)
{
	int i = *(int *)arg, nvma = member_vmas(i), ngroups = 40 * i, k;
	size_t pg = sysconf(_SC_PAGESIZE);
	gid_t gids[MAX_GIDS];
	char name[80], *region, *p;
	pthread_t th;

	region = mmap(NULL, (nvma + 2) * pg, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED)
		return -1;
	for (k = 0; k < nvma; k++) {
		p = region + (k + 1) * pg;
		if (mprotect(p, pg, k & 1 ? PROT_READ | PROT_WRITE : PROT_READ))
			return -1;
		if (k & 1)
			*p = 1;
		snprintf(name, sizeof(name),
			 "taskdiag-faults-member-%d-mapping-%d-with-a-long-name",
			 i, k);
		if (k % 3 == 0 &&
		    prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, pg, name))
			return -1;
	}
	for (k = 0; k < ngroups; k++)
		gids[k] = 40000 + k;
	if (setgroups(ngroups, gids))
		return -1;
	if (i & 1) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY) ||
		    prctl(PR_SET_DUMPABLE, 1))
			return -1;
	}
	snprintf(name, sizeof(name), "tdf-member-%d", i);
	if (prctl(PR_SET_NAME, name))
		return -1;
	for (k = 1; k < NR_THREADS; k++) {
		if (pthread_create(&th, NULL, member_thread, NULL))
			return -1;
		snprintf(name, sizeof(name), "tdf-m%d-thr%d", i, k);
		if (pthread_setname_np(th, name))
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Results, shared with the test's process */

#define MAX_FAILS	10
#define FAIL_LEN	1200
#define MAX_ERRNOS	12

enum where { W_SEND, W_RECV, W_ERRMSG, W_DONE, NR_WHERE };
static const char * const wheres[] = {
	"sendmsg", "recvmsg", "NLMSG_ERROR", "NLMSG_DONE",
};

struct results {
	unsigned int requests;		/* with injection */
	unsigned int complete;		/* of which complete and right */
	unsigned int complete_injected;	/* of those, with failures injected */
	unsigned int errors;		/* of which ended with an error */
	struct {
		int err;
		enum where where;
		unsigned int n;
	} errnos[MAX_ERRNOS];
	unsigned int recovered;		/* sockets that served again */
	unsigned int ebusy;		/* a dump left running said EBUSY */
	unsigned int stale;		/* messages of failed requests */
	unsigned int nth_points;	/* fail-nth: failure points tried */
	unsigned int split;		/* tasks in several parts */
	unsigned int max_parts;		/* the most parts of one task */
	unsigned int references;
	unsigned int nfail;
	char fail[MAX_FAILS][FAIL_LEN];
	bool finished;
	double seconds;
};

/* ---------------------------------------------------------------------- */
/* The dumping process, init of a pid namespace of its own */

struct conn {
	struct td *td;
	int fd;
	size_t bufsize;
	int opener;
};

/* A complete task of a reply: its text if it is one to compare */
struct got_task {
	uint32_t pid;
	char *text;
};

struct run {
	/* The request */
	int kind, set;
	bool dump;
	uint32_t seq;
	bool stale_ok;
	/* What came */
	struct td_merge m;
	struct got_task *got;
	size_t ngot, cap;
	uint32_t last_pid;
	unsigned int msgs, dgrams, stale;
	unsigned int split, max_parts;
	bool ended;
	int err;
	enum where where;
	char extack[TD_EXTACK_LEN];
	bool nth_hit;
	/* A property broken */
	bool bad;
	char why[600];
};

struct world {
	pid_t self;
	pid_t member[NR_MEMBERS];
	int member_hold[NR_MEMBERS];
	struct pidlist tids[NR_MEMBERS];
	struct conn conn[NR_OPENERS][NR_BUFS];
	struct td *builder;		/* builds the requests */
	uint32_t seq;
	int mif;			/* /proc/thread-self/make-it-fail */
	int nth;			/* /proc/thread-self/fail-nth */
	struct run ref[NR_KINDS][NR_SETS][NR_OPENERS];
	struct results *res;
	/* In the pages the kernel writes while failures are injected */
	unsigned char *rbuf;
	unsigned char *sbuf;
	size_t slen;
};

#define RECV_TIMEOUT_MS	10000
#define RBUF_SIZE	65536

static void __printf(2, 3) record_fail(struct world *w, const char *fmt, ...)
{
	struct results *r = w->res;
	va_list ap;

	if (r->nfail < MAX_FAILS) {
		va_start(ap, fmt);
		vsnprintf(r->fail[r->nfail], FAIL_LEN, fmt, ap);
		va_end(ap);
	}
	r->nfail++;
}

static void __printf(2, 3) bad(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bad)
		return;
	r->bad = true;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static void run_free(struct run *r)
{
	while (r->ngot)
		free(r->got[--r->ngot].text);
	free(r->got);
	td_merge_free(&r->m);
	memset(r, 0, sizeof(*r));
}

/*
 * The window in which the dumping thread's allocations may fail. The
 * value is written from the stack, a page in use: the write that closes
 * the window must not fault (it would allocate, and could fail).
 */
static void window(struct world *w, bool inject, bool open)
{
	char c = open ? '1' : '0';
	int tries;

	if (!inject)
		return;
	for (tries = 0; pwrite(w->mif, &c, 1, 0) != 1; tries++) {
		if (tries == 100) {
			fprintf(stderr, "make-it-fail: %s\n", strerror(errno));
			_exit(3);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* What each request should return */

/* Whether pid belongs to the reply of kind; *cmp: to compare its groups */
static bool in_set(const struct world *w, int kind, uint32_t pid, bool *cmp)
{
	int i;

	*cmp = true;
	switch (kind) {
	case K_ALL:
	case K_CHILDREN:
		for (i = 0; i < NR_MEMBERS; i++)
			if ((uint32_t)w->member[i] == pid)
				return true;
		break;
	case K_ALL_THREAD:
		for (i = 0; i < NR_MEMBERS; i++)
			if (pl_contains(&w->tids[i], pid))
				return true;
		break;
	case K_THREAD:
		return pl_contains(&w->tids[THREAD_M], pid);
	case K_ONE:
		return pid == (uint32_t)w->member[ONE_M];
	case K_DO:
		return pid == (uint32_t)w->member[DO_M];
	}
	/* The dumping process itself, which changes as it runs */
	*cmp = false;
	return (kind == K_ALL || kind == K_ALL_THREAD) &&
	       pid == (uint32_t)w->self;
}

/* The set of kind, sorted */
static int set_pids(const struct world *w, int kind, struct pidlist *l)
{
	const struct pidlist *t;
	int i, ret = 0;
	size_t j;

	switch (kind) {
	case K_ALL:
	case K_CHILDREN:
		for (i = 0; i < NR_MEMBERS && !ret; i++)
			ret = pl_add(l, w->member[i]);
		break;
	case K_ALL_THREAD:
	case K_THREAD:
		for (i = 0; i < NR_MEMBERS && !ret; i++) {
			t = &w->tids[i];
			for (j = 0; j < t->n && !ret; j++)
				if (kind == K_ALL_THREAD || i == THREAD_M)
					ret = pl_add(l, t->v[j]);
		}
		break;
	case K_ONE:
		ret = pl_add(l, w->member[ONE_M]);
		break;
	case K_DO:
		ret = pl_add(l, w->member[DO_M]);
		break;
	}
	if (!ret && (kind == K_ALL || kind == K_ALL_THREAD))
		ret = pl_add(l, w->self);
	pl_sort(l);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* A task as text: the fields that do not change while it sleeps */

#define VS(a)		(1ULL << TASKDIAG_A_VMA_STAT_##a)
/*
 * Not: Pss and SwapPss (shared pages' mappers come and go), the
 * shared/private split (a page the parent still shares by COW becomes
 * private when the parent writes it), Referenced (aging clears it).
 */
#define VMA_STAT_STABLE	(VS(RSS) | VS(ANONYMOUS) | VS(KSM) | VS(LAZYFREE) | \
			 VS(ANON_HUGE) | VS(SHMEM_PMD_MAPPED) |		\
			 VS(FILE_PMD_MAPPED) | VS(SHARED_HUGETLB) |	\
			 VS(PRIVATE_HUGETLB) | VS(SWAP) | VS(LOCKED) |	\
			 VS(KERNEL_PAGE_SIZE) | VS(MMU_PAGE_SIZE) |	\
			 VS(THP_ELIGIBLE) | VS(PROTECTION_KEY))

static void text_task(FILE *f, const struct td_merge *m)
{
	const struct td_task *t = &m->task;
	const struct td_base *b = &t->base;
	size_t i;
	int a;

	fprintf(f, "task %u tgid %u withheld %d:%#llx\n", t->pid, t->tgid,
		t->has_withheld, (unsigned long long)t->withheld);
	if (t->has_base)
		fprintf(f, "base %#x %u %u %u %u %u \"%s\" %llu %#x %llu\n",
			b->present, b->ppid, b->tpid, b->sid, b->pgid,
			b->state, b->comm, (unsigned long long)b->start_time,
			b->flags, (unsigned long long)b->pid_ino);
	if (t->has_cred) {
		fprintf(f, "cred %#x", t->cred.present);
		for (a = 0; a <= TASKDIAG_A_CRED_MAX; a++)
			if (a != TASKDIAG_A_CRED_GROUPS &&
			    t->cred.present & (1U << a))
				fprintf(f, " %d:%llu", a,
					(unsigned long long)t->cred.v[a]);
		fprintf(f, "\ngroups %zu:", m->ngroups);
		for (i = 0; i < m->ngroups; i++)
			fprintf(f, " %u", m->groups[i]);
		fprintf(f, "\n");
	}
	if (t->has_stat) {
		fprintf(f, "stat %#llx", (unsigned long long)t->stat.present);
		for (a = 0; a <= TASKDIAG_A_STAT_MAX; a++)
			if (t->stat.present & (1ULL << a))
				fprintf(f, " %d:%llu", a,
					(unsigned long long)t->stat.v[a]);
		fprintf(f, "\n");
	}
	fprintf(f, "vmas %zu\n", m->nvmas);
	for (i = 0; i < m->nvmas; i++) {
		const struct td_vma *v = &m->vmas[i];

		fprintf(f, "vma %zu %#llx", i, (unsigned long long)v->present);
		for (a = 0; a <= TASKDIAG_A_VMA_MAX; a++)
			if (v->present & (1ULL << a) &&
			    a != TASKDIAG_A_VMA_NAME &&
			    a != TASKDIAG_A_VMA_VMA_STAT)
				fprintf(f, " %d:%llx", a,
					(unsigned long long)v->v[a]);
		td_print_vma_info(f, v);
		fprintf(f, " \"%s\"", v->name ?: "");
		if (v->present & (1ULL << TASKDIAG_A_VMA_VMA_STAT))
			for (a = 0; a <= TASKDIAG_A_VMA_STAT_MAX; a++)
				if (VMA_STAT_STABLE & (1ULL << a))
					fprintf(f, " %d:%llu", a,
						(unsigned long long)v->stat.v[a]);
		fprintf(f, "\n");
	}
}

static char *task_text(const struct td_merge *m)
{
	char *buf = NULL;
	size_t len;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	text_task(f, m);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The first line where two texts differ */
static void text_diff(const char *want, const char *got, char *why,
		      size_t len)
{
	const char *w = want, *g = got;
	int wl, gl;

	for (;;) {
		wl = strchrnul(w, '\n') - w;
		gl = strchrnul(g, '\n') - g;
		if (wl != gl || memcmp(w, g, wl) || !w[wl] || !g[gl])
			break;
		w += wl + 1;
		g += gl + 1;
	}
	snprintf(why, len, "reference \"%.*s\", got \"%.*s\"",
		 wl > 200 ? 200 : wl, w, gl > 200 ? 200 : gl, g);
}

/* ---------------------------------------------------------------------- */
/* One request, read to its end */

static int got_add(struct run *r, uint32_t pid, char *text)
{
	if (r->ngot == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct got_task *v = realloc(r->got, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->got = v;
		r->cap = cap;
	}
	r->got[r->ngot].pid = pid;
	r->got[r->ngot++].text = text;
	return 0;
}

static const struct got_task *got_find(const struct run *r, uint32_t pid)
{
	size_t i;

	for (i = 0; i < r->ngot; i++)
		if (r->got[i].pid == pid)
			return &r->got[i];
	return NULL;
}

/* Whose a task of the set is, for messages */
static const char *owner_of(const struct world *w, uint32_t pid)
{
	int i;

	if (pid == (uint32_t)w->self)
		return "the dumping process";
	for (i = 0; i < NR_MEMBERS; i++)
		if (pl_contains(&w->tids[i], pid))
			return i & 1 ? "nobody's" : "root's";
	return "?";
}

/* Each task of the set, once (in_set() kept the others out) */
static void check_set(const struct world *w, struct run *r)
{
	struct pidlist l = {};
	char miss[200] = "";
	size_t i, n = 0, len = 0;

	if (set_pids(w, r->kind, &l)) {
		bad(r, "no memory for the set");
		return;
	}
	for (i = 0; i < l.n; i++) {
		if (got_find(r, l.v[i]))
			continue;
		if (len < sizeof(miss))
			len += snprintf(miss + len, sizeof(miss) - len,
					" %u (%s)", l.v[i], owner_of(w, l.v[i]));
		n++;
	}
	if (n || r->ngot != l.n)
		bad(r, "%zu tasks of the %zu of the set; missing:%s", r->ngot,
		    l.n, miss);
	pl_free(&l);
}

/* A task put together from its parts */
static void take_task(const struct world *w, struct run *r)
{
	const struct td_merge *m = &r->m;
	char *text = NULL;
	size_t i;
	bool cmp;

	for (i = 0; i < m->nvmas; i++)
		if (m->vmas[i].bad || m->vmas[i].stat.bad)
			bad(r, "task %u: mapping %zu malformed (%#llx %#llx)",
			    m->task.pid, i, (unsigned long long)m->vmas[i].bad,
			    (unsigned long long)m->vmas[i].stat.bad);
	if (!in_set(w, r->kind, m->task.pid, &cmp))
		bad(r, "task %u is not of the set", m->task.pid);
	if (r->bad)
		return;
	if (cmp) {
		text = task_text(m);
		if (!text) {
			bad(r, "no memory for a text");
			return;
		}
	}
	if (got_add(r, m->task.pid, text)) {
		free(text);
		bad(r, "no memory for the list");
	}
	r->split += m->parts > 1;
	if (m->parts > r->max_parts)
		r->max_parts = m->parts;
}

static void take_msg(const struct world *w, struct run *r,
		     struct nlmsghdr *nlh)
{
	struct td_task t;
	int ret;

	r->msgs++;
	if (td_parse_task(nlh, &t)) {
		bad(r, "message %u: no genetlink header", r->msgs);
		return;
	}
	if (t.bad_task || t.bad_base || t.bad_cred || t.bad_stat || !t.has_pid ||
	    !t.has_tgid) {
		bad(r, "message %u (task %u): malformed (%#x %#x %#x %#llx), ids %d %d",
		    r->msgs, t.pid, t.bad_task, t.bad_base, t.bad_cred,
		    (unsigned long long)t.bad_stat, t.has_pid, t.has_tgid);
		return;
	}
	if (!r->dump && (t.cont || r->m.done || r->m.open)) {
		bad(r, "a do replied with more than one message");
		return;
	}
	/* A new task: in id order, each once */
	if (!r->m.open) {
		if (r->ngot && t.pid <= r->last_pid) {
			bad(r, "task %u after task %u", t.pid, r->last_pid);
			return;
		}
		r->last_pid = t.pid;
	}
	ret = td_merge_add(&r->m, &t);
	if (ret < 0)
		bad(r, "the parts do not fit together: %s", r->m.err);
	else if (ret == 1)
		take_task(w, r);
}

/* The extack message that follows hdrlen bytes of an error's payload */
static void take_extack(struct run *r, struct nlmsghdr *nlh, int hdrlen)
{
	int len = nlmsg_datalen(nlh) - NLMSG_ALIGN(hdrlen);
	struct nlattr *nla;
	int rem;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	nla_for_each_attr(nla, (struct nlattr *)((char *)nlmsg_data(nlh) +
						 NLMSG_ALIGN(hdrlen)), len, rem)
		if (nla_type(nla) == NLMSGERR_ATTR_MSG)
			nla_strlcpy(r->extack, nla, sizeof(r->extack));
}

static void take_dgram(const struct world *w, struct run *r, int len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)w->rbuf;
	struct nlmsgerr *e;

	r->dgrams++;
	for (; NLMSG_OK(nlh, len) && !r->bad; nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_seq != r->seq) {
			/* What a failed request left behind */
			if (r->stale_ok && nlh->nlmsg_seq < r->seq) {
				r->stale++;
				continue;
			}
			bad(r, "a message of request %u in the reply to %u",
			    nlh->nlmsg_seq, r->seq);
			return;
		}
		if (r->ended) {
			bad(r, "a message after the end of the reply");
			return;
		}
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			if (!r->dump ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int))) {
				bad(r, "a NLMSG_DONE of %u bytes", nlh->nlmsg_len);
				return;
			}
			r->ended = true;
			r->err = *(int *)NLMSG_DATA(nlh);
			r->where = W_DONE;
			take_extack(r, nlh, sizeof(int));
			break;
		case NLMSG_ERROR:
			e = NLMSG_DATA(nlh);
			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				bad(r, "a NLMSG_ERROR of %u bytes",
				    nlh->nlmsg_len);
				return;
			}
			r->ended = true;
			r->err = e->error;
			r->where = W_ERRMSG;
			take_extack(r, nlh, sizeof(*e));
			/* A do is acknowledged after its reply, a dump not */
			if (!e->error && (r->dump || !r->m.done))
				bad(r, "an ACK with %u messages of a %s",
				    r->msgs, r->dump ? "dump" : "do");
			break;
		default:
			if (nlh->nlmsg_type != w->builder->family) {
				bad(r, "a message of type %u", nlh->nlmsg_type);
				return;
			}
			take_msg(w, r, nlh);
			break;
		}
	}
	if (!r->bad && len)
		bad(r, "%d bytes after the last message of a datagram", len);
}

/* The request in w->sbuf */
static int build(struct world *w, int kind, int set, uint32_t seq)
{
	struct td_req req;
	struct nlmsghdr *nlh;
	struct nl_msg *msg;
	int ret;

	if (kinds[kind].dump) {
		req = td_dump_req(kinds[kind].strategy,
				  kind == K_CHILDREN ? w->self :
				  kind == K_THREAD ? w->member[THREAD_M] :
				  w->member[ONE_M]);
	} else {
		/* A do is of one process; it takes no strategy */
		req = (struct td_req){ .has_pid = true,
				       .pid = w->member[DO_M] };
	}
	req.has_show_flags = true;
	req.show_flags = sets[set].show;
	msg = td_msg_alloc(w->builder, req.dump);
	if (!msg)
		return -ENOMEM;
	ret = td_msg_put_req(msg, &req);
	nl_complete_msg(w->builder->sk, msg);
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	if (!ret && nlh->nlmsg_len > 256)
		ret = -EMSGSIZE;
	if (!ret) {
		memcpy(w->sbuf, nlh, nlh->nlmsg_len);
		w->slen = nlh->nlmsg_len;
	}
	nlmsg_free(msg);
	return ret;
}

/* How failures are injected into one request */
struct inject {
	bool window;		/* make-it-fail around sendmsg and recvmsg */
	unsigned int nth;	/* fail-nth before sendmsg, 0 for none */
};

static const struct inject no_inject;

/* fail-nth: arm it, or tell whether it fired and disarm it */
static void nth_arm(struct world *w, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(w->nth, buf, len, 0) != len) {
		fprintf(stderr, "fail-nth: %s\n", strerror(errno));
		_exit(3);
	}
}

static bool nth_fired(struct world *w)
{
	char buf[16] = "";

	if (pread(w->nth, buf, sizeof(buf) - 1, 0) <= 0) {
		fprintf(stderr, "fail-nth: %s\n", strerror(errno));
		_exit(3);
	}
	if (strtoul(buf, NULL, 10) == 0)
		return true;
	nth_arm(w, 0);
	return false;
}

/*
 * Send a request of kind and set on c and read its reply to the end, or
 * to a bounded wait that sees nothing: that is a hang.
 */
static void run_req(struct world *w, struct conn *c, int kind, int set,
		    const struct inject *inj, bool stale_ok, struct run *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int err;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->set = set;
	r->dump = kinds[kind].dump;
	r->stale_ok = stale_ok;
	r->seq = ++w->seq;
	if (build(w, kind, set, r->seq)) {
		bad(r, "cannot build the request");
		return;
	}
	if (inj->nth)
		nth_arm(w, inj->nth);
	window(w, inj->window, true);
	n = sendto(c->fd, w->sbuf, w->slen, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	err = errno;
	window(w, inj->window, false);
	if (inj->nth)
		r->nth_hit = nth_fired(w);
	if (n < 0) {
		r->ended = true;
		r->err = -err;
		r->where = W_SEND;
		return;
	}
	if (n != (ssize_t)w->slen) {
		bad(r, "sendmsg sent %zd bytes of %zu", n, w->slen);
		return;
	}
	while (!r->ended && !r->bad) {
		n = poll(&pfd, 1, RECV_TIMEOUT_MS);
		if (n == 0) {
			bad(r, "%u messages in %u datagrams, then nothing for %d s, no error",
			    r->msgs, r->dgrams, RECV_TIMEOUT_MS / 1000);
			return;
		}
		if (n < 0) {
			bad(r, "poll: %s", strerror(errno));
			return;
		}
		window(w, inj->window, true);
		n = recv(c->fd, w->rbuf, c->bufsize, MSG_DONTWAIT | MSG_TRUNC);
		err = errno;
		window(w, inj->window, false);
		if (n < 0 && err == EAGAIN)
			continue;
		if (n < 0) {
			r->ended = true;
			r->err = -err;
			r->where = W_RECV;
			return;
		}
		if ((size_t)n > c->bufsize) {
			bad(r, "a datagram of %zd bytes for a %zu-byte buffer",
			    n, c->bufsize);
			return;
		}
		take_dgram(w, r, n);
	}
	if (r->bad || r->err)
		return;
	if (r->m.open)
		bad(r, "the last part of task %u had cont", r->m.task.pid);
	else
		check_set(w, r);
}

/* Read what is queued, without waiting; each read may queue more */
static unsigned int drain(struct world *w, struct conn *c)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < 100000; i++) {
		if (recv(c->fd, w->rbuf, c->bufsize,
			 MSG_DONTWAIT | MSG_TRUNC) >= 0)
			n++;
		else if (errno == EAGAIN)
			break;
	}
	return n;
}

/* A complete reply against the reference; 0 if equal */
static int cmp_ref(const struct run *ref, const struct run *r, char *why,
		   size_t len)
{
	const struct got_task *g;
	size_t i;

	for (i = 0; i < ref->ngot; i++) {
		g = got_find(r, ref->got[i].pid);
		if (!g) {
			snprintf(why, len, "task %u missing",
				 ref->got[i].pid);
			return 1;
		}
		if (!ref->got[i].text)
			continue;
		if (!g->text || strcmp(g->text, ref->got[i].text)) {
			text_diff(ref->got[i].text, g->text ?: "", why, len);
			return 1;
		}
	}
	if (r->ngot != ref->ngot) {
		snprintf(why, len, "%zu tasks, the reference %zu", r->ngot,
			 ref->ngot);
		return 1;
	}
	return 0;
}

/*
 * A taskdiag socket that a child opened as nobody, passed over SCM_RIGHTS,
 * that never received more than bufsize bytes at once (the kernel sizes
 * the parts of a dump by the largest receive a socket has seen, the
 * family's resolution included). Returns the descriptor or a negative
 * errno. (nobody_socket() with a receive size.)
 */
static int nobody_socket_buf(size_t bufsize)
{
	int sp[2], fd = -EIO;
	struct td *td;
	pid_t pid;
	char c;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp))
		return -errno;
	pid = fork();
	if (!pid) {
		if (drop_to_nobody() || td_open(&td, bufsize, false) ||
		    send_fd(sp[1], td_fd(td), "x", 1))
			_exit(1);
		_exit(0);
	}
	if (pid > 0) {
		if (recv_fd(sp[0], &fd, &c, 1))
			fd = -EIO;
		waitpid(pid, NULL, 0);
	}
	close(sp[0]);
	close(sp[1]);
	return fd;
}

static int conn_open(struct conn *c, int opener, size_t bufsize, int family)
{
	int fd, ret;

	memset(c, 0, sizeof(*c));
	c->opener = opener;
	c->bufsize = bufsize;
	if (opener == ROOT) {
		ret = td_open(&c->td, bufsize, false);
	} else {
		fd = nobody_socket_buf(bufsize);
		if (fd < 0)
			return fd;
		ret = td_open_fd(&c->td, fd, family, 0, bufsize, false);
		if (ret)
			close(fd);
	}
	if (ret)
		return ret;
	c->fd = td_fd(c->td);
	return 0;
}

/* The socket of a request: a do reads 32 KiB, the map 8 KiB at least */
static struct conn *conn_of(struct world *w, int kind, int set, int opener,
			    int buf)
{
	if (kind == K_DO)
		buf = BUF_32K;
	else if (sets[set].show & TD_SHOW_VMA && bufsizes[buf] < 8192)
		buf = BUF_8K;
	return &w->conn[opener][buf];
}

static void count_errno(struct results *res, int err, enum where where)
{
	int i;

	for (i = 0; i < MAX_ERRNOS; i++) {
		if (!res->errnos[i].n) {
			res->errnos[i].err = err;
			res->errnos[i].where = where;
		}
		if (res->errnos[i].err == err && res->errnos[i].where == where) {
			res->errnos[i].n++;
			return;
		}
	}
}

/*
 * After a request that failed, the socket serves a dump of every process
 * with the same groups, right. What the failed request left (the rest of
 * a dump that goes on after its first part failed to be allocated, a
 * reply queued behind an error) is told apart by its sequence number;
 * a dump the kernel keeps running refuses a new one with EBUSY until
 * what is left of it is read.
 */
static void recover(struct world *w, struct conn *c, int set, int opener,
		    const char *label)
{
	struct run *ref = &w->ref[K_ALL][set][opener];
	char why[600];
	struct run r;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		w->res->stale += drain(w, c);
		run_req(w, c, K_ALL, set, &no_inject, true, &r);
		w->res->stale += r.stale;
		if (r.bad || r.err != -EBUSY || r.where != W_ERRMSG)
			break;
		w->res->ebusy++;
		run_free(&r);
	}
	if (r.bad)
		record_fail(w, "%s; then a dump of all on the same socket: %s",
			    label, r.why);
	else if (r.err)
		record_fail(w, "%s; then a dump of all on the same socket fails: %s at %s, \"%s\"",
			    label, strerror(-r.err), wheres[r.where],
			    r.extack);
	else if (cmp_ref(ref, &r, why, sizeof(why)))
		record_fail(w, "%s; then a dump of all on the same socket: %s",
			    label, why);
	else
		w->res->recovered++;
	if (r.bad || r.err) {
		/* Unusable: a new one, so that the sweep goes on */
		td_close(c->td);
		if (conn_open(c, opener, c->bufsize, w->builder->family)) {
			fprintf(stderr, "cannot open a socket again\n");
			_exit(3);
		}
	}
	run_free(&r);
}

/*
 * One request with failures injected, checked: complete and equal to
 * the reference, or ended by an error that says the memory ran out
 * (or the reference's own error).
 */
static bool one_request(struct world *w, const char *mode, int kind, int set,
			int opener, int buf, const struct inject *inj)
{
	struct conn *c = conn_of(w, kind, set, opener, buf);
	struct run *ref = &w->ref[kind][set][opener];
	struct results *res = w->res;
	char label[300], why[600];
	long before[2], after[2];
	struct run r;
	bool hit;

	injected_now(before);
	run_req(w, c, kind, set, inj, false, &r);
	injected_now(after);
	hit = after[0] > before[0] || after[1] > before[1];
	snprintf(label, sizeof(label),
		 "%s: %s, %s, %s, %zu-byte reads, %ld+%ld failures injected",
		 mode, kinds[kind].name, sets[set].name, openers[opener],
		 c->bufsize, after[0] - before[0], after[1] - before[1]);
	res->requests++;
	if (r.bad) {
		record_fail(w, "%s: %s (%s at %s)", label, r.why,
			    r.ended ? strerror(-r.err) : "no end",
			    r.ended ? wheres[r.where] : "-");
	} else if (!r.err) {
		if (ref->err)
			record_fail(w, "%s: complete, the reference failed with %s",
				    label, strerror(-ref->err));
		else if (cmp_ref(ref, &r, why, sizeof(why)))
			record_fail(w, "%s: complete but %s", label, why);
		res->complete++;
		res->complete_injected += hit;
		res->split += r.split;
		if (r.max_parts > res->max_parts)
			res->max_parts = r.max_parts;
	} else {
		res->errors++;
		count_errno(res, r.err, r.where);
		if (r.err != -ENOMEM && r.err != -ENOBUFS && r.err != ref->err)
			record_fail(w, "%s: %s (%d) at %s, \"%s\", after %u messages: not ENOMEM%s",
				    label, strerror(-r.err), r.err,
				    wheres[r.where], r.extack, r.msgs,
				    r.err == -ESRCH ?
				    " (the process exists)" : "");
	}
	if (r.bad || r.err)
		recover(w, c, set, opener, label);
	if (inj->nth)
		hit = r.nth_hit;
	run_free(&r);
	return hit;
}

/* ---------------------------------------------------------------------- */
/* The world */

static int take_references(struct world *w)
{
	int kind, set, opener;
	struct run *ref;

	for (opener = 0; opener < NR_OPENERS; opener++)
		for (kind = 0; kind < NR_KINDS; kind++)
			for (set = 0; set < (int)NR_SETS; set++) {
				ref = &w->ref[kind][set][opener];
				run_req(w, &w->conn[opener][BUF_32K], kind, set,
					&no_inject, false, ref);
				w->res->references++;
				if (ref->bad || (ref->err && kind != K_DO)) {
					record_fail(w, "reference %s, %s, %s: %s",
						    kinds[kind].name,
						    sets[set].name,
						    openers[opener],
						    ref->bad ? ref->why :
						    strerror(-ref->err));
					return -1;
				}
			}
	return 0;
}

/*
 * Without failures, every request still returns its reference: the
 * fields compared did not change, and the failures left nothing behind.
 */
static void check_references(struct world *w)
{
	int kind, set, opener;
	char why[600];
	struct run r, *ref;

	for (opener = 0; opener < NR_OPENERS; opener++)
		for (kind = 0; kind < NR_KINDS; kind++)
			for (set = 0; set < (int)NR_SETS; set++) {
				ref = &w->ref[kind][set][opener];
				run_req(w, &w->conn[opener][BUF_32K], kind, set,
					&no_inject, false, &r);
				if (r.bad || r.err != ref->err)
					record_fail(w, "after the sweep, %s, %s, %s: %s",
						    kinds[kind].name,
						    sets[set].name,
						    openers[opener],
						    r.bad ? r.why :
						    strerror(-r.err));
				else if (!r.err &&
					 cmp_ref(ref, &r, why, sizeof(why)))
					record_fail(w, "after the sweep, %s, %s, %s: %s",
						    kinds[kind].name,
						    sets[set].name,
						    openers[opener], why);
				run_free(&r);
			}
}

static int world_init(struct world *w)
{
	int i, b, ret, idx[NR_MEMBERS];

	w->self = getpid();
	w->seq = 1000;
	/* Touched here: no page fault while failures are injected */
	w->rbuf = malloc(RBUF_SIZE);
	w->sbuf = malloc(4096);
	if (!w->rbuf || !w->sbuf)
		return -ENOMEM;
	memset(w->rbuf, 0, RBUF_SIZE);
	memset(w->sbuf, 0, 4096);
	w->mif = open("/proc/thread-self/make-it-fail", O_RDWR | O_CLOEXEC);
	w->nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (w->mif < 0 || w->nth < 0)
		return -errno;
	ret = td_open(&w->builder, 0, false);
	if (ret)
		return ret;
	for (i = 0; i < NR_MEMBERS; i++) {
		idx[i] = i;
		w->member[i] = spawn_prepared(member_setup, &idx[i],
					      &w->member_hold[i]);
		if (w->member[i] < 0)
			return -ECHILD;
	}
	for (i = 0; i < NR_MEMBERS; i++) {
		ret = wait_sleeping("/proc", w->member[i]);
		if (!ret)
			ret = proc_tids("/proc", w->member[i], &w->tids[i]);
		if (ret)
			return ret;
		if (w->tids[i].n != NR_THREADS)
			return -ESRCH;
	}
	for (i = 0; i < NR_OPENERS; i++)
		for (b = 0; b < (int)NR_BUFS; b++) {
			ret = conn_open(&w->conn[i][b], i, bufsizes[b],
					w->builder->family);
			if (ret)
				return ret;
		}
	return 0;
}

typedef void (*sweep_fn)(struct world *w);

/* The init of the namespace: set up, sweep, check, report */
static void __noreturn dumper_main(sweep_fn sweep, struct results *res)
{
	double t0 = now();
	struct world w = { .res = res };
	int ret, i;

	ret = world_init(&w);
	if (ret) {
		record_fail(&w, "setting up: %s", strerror(-ret));
		_exit(1);
	}
	if (!take_references(&w)) {
		sweep(&w);
		check_references(&w);
		res->finished = true;
	}
	for (i = 0; i < NR_MEMBERS; i++)
		kill_wait(w.member[i]);
	res->seconds = now() - t0;
	_exit(0);
}

/* ---------------------------------------------------------------------- */
/* The sweeps */

/* Every request once: each kind with each set, buffer and opener rotated */
static void sweep_all(struct world *w, const char *mode, unsigned int turn,
		      const struct inject *inj)
{
	int kind, set;

	for (kind = 0; kind < NR_KINDS; kind++)
		for (set = 0; set < (int)NR_SETS; set++)
			one_request(w, mode, kind, set,
				    (kind + set + turn) % NR_OPENERS,
				    (kind + 2 * set + turn) % NR_BUFS, inj);
}

static const unsigned int intervals[] = { 1, 2, 3, 5, 8, 13, 21, 34, 55 };

static void sweep_interval(struct world *w)
{
	const struct inject inj = { .window = true };
	char mode[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(intervals); i++) {
		snprintf(mode, sizeof(mode), "interval %u", intervals[i]);
		if (inject_rate(intervals[i], 100)) {
			record_fail(w, "%s: cannot set the knobs", mode);
			return;
		}
		sweep_all(w, mode, i, &inj);
	}
	inject_rate(1, 0);
}

static const unsigned int probabilities[] = { 3, 10, 25 };
#define RANDOM_TURNS	3

static void sweep_random(struct world *w)
{
	const struct inject inj = { .window = true };
	char mode[32];
	size_t i, t;

	for (i = 0; i < ARRAY_SIZE(probabilities); i++) {
		snprintf(mode, sizeof(mode), "probability %u%%",
			 probabilities[i]);
		if (inject_rate(1, probabilities[i])) {
			record_fail(w, "%s: cannot set the knobs", mode);
			return;
		}
		for (t = 0; t < RANDOM_TURNS; t++)
			sweep_all(w, mode, i * RANDOM_TURNS + t, &inj);
	}
	inject_rate(1, 0);
}

/* More failure points than a request's sendmsg() has */
#define MAX_NTH		400

/*
 * The first allocation of a request's sendmsg() fails, then the second,
 * and so on until there is none left: every point where the request is
 * taken in, checked and started (and the first part of a dump, the reply
 * of a do and its ACK) fails once, in every kind of request, on both
 * kinds of socket.
 */
static void sweep_nth(struct world *w)
{
	static const int nth_sets[] = { 0, SET_ALL };
	struct inject inj = {};
	char mode[32];
	int kind, s, opener;
	unsigned int n;

	for (opener = 0; opener < NR_OPENERS; opener++)
		for (kind = 0; kind < NR_KINDS; kind++)
			for (s = 0; s < (int)ARRAY_SIZE(nth_sets); s++) {
				for (n = 1; n <= MAX_NTH; n++) {
					snprintf(mode, sizeof(mode),
						 "fail-nth %u", n);
					inj.nth = n;
					w->res->nth_points++;
					if (!one_request(w, mode, kind,
							 nth_sets[s], opener,
							 n % NR_BUFS, &inj))
						break;
				}
				if (n > MAX_NTH)
					record_fail(w, "fail-nth: %s, %s, %s: still failing at %u",
						    kinds[kind].name,
						    sets[nth_sets[s]].name,
						    openers[opener], n);
			}
}

/* ---------------------------------------------------------------------- */
/* The tests */

FIXTURE(faults) {
	int unused;
};

FIXTURE_SETUP(faults)
{
	char why[300];

	ASSERT_EQ(0, knobs_setup(why, sizeof(why)))
		TH_LOG("fault injection knobs: %s (%s, %s, %s, debugfs at %s)",
		       why, "needs CONFIG_FAILSLAB", "CONFIG_FAIL_PAGE_ALLOC",
		       "CONFIG_FAULT_INJECTION_DEBUG_FS", DBG);
}

/* In the parent of the test's process: runs after a failed assertion too */
FIXTURE_TEARDOWN_PARENT(faults)
{
	knobs_restore();
}

static void run_sweep(struct __test_metadata *_metadata, sweep_fn sweep,
		      const char *name)
{
	long before[2], after[2];
	struct results *res;
	unsigned int i;
	struct td *td;
	char line[600];
	int status, len;
	pid_t pid;

	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	injected_now(before);
	pid = fork_pidns_init();
	ASSERT_LE(0, pid);
	if (!pid)
		dumper_main(sweep, res);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	injected_now(after);
	after[0] -= before[0];
	after[1] -= before[1];
	if (run_injected) {
		run_injected[0] += after[0];
		run_injected[1] += after[1];
	}

	ksft_print_msg("%s: %u requests with failures injected, %u references; %.1f s\n",
		       name, res->requests, res->references, res->seconds);
	ksft_print_msg("%s: %u complete and right (%u despite failures), %u ended with an error\n",
		       name, res->complete, res->complete_injected, res->errors);
	ksft_print_msg("%s: %u sockets served again (%u after EBUSY, %u stale messages skipped)\n",
		       name, res->recovered, res->ebusy, res->stale);
	len = snprintf(line, sizeof(line), "%s: errors:", name);
	for (i = 0; i < MAX_ERRNOS && res->errnos[i].n; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s at %s %u,",
				strerror(-res->errnos[i].err),
				wheres[res->errnos[i].where],
				res->errnos[i].n);
	ksft_print_msg("%s\n", line);
	ksft_print_msg("%s: %u tasks of complete replies came in several parts, up to %u\n",
		       name, res->split, res->max_parts);
	if (res->nth_points)
		ksft_print_msg("%s: %u failure points\n", name,
			       res->nth_points);
	ksft_print_msg("%s: injected: failslab %ld, fail_page_alloc %ld\n",
		       name, after[0], after[1]);

	for (i = 0; i < res->nfail && i < MAX_FAILS; i++)
		TH_LOG("%s", res->fail[i]);
	EXPECT_EQ(0, res->nfail);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the dumping process ended with status %#x", status);
	EXPECT_TRUE(res->finished);
	/* A fault test that injects nothing proves nothing */
	EXPECT_LT(0, after[0]);
	EXPECT_LT(0, after[1]);
	/* Failures that the reader saw, and failures the kernel got over */
	EXPECT_LT(0, res->errors);
	EXPECT_LT(0, res->recovered);
	EXPECT_LT(0, res->complete_injected);
	/* The population makes replies whose tasks split */
	EXPECT_LT(2, res->max_parts);
	munmap(res, sizeof(*res));
}

/* Every Nth allocation of the dumping thread fails, N swept */
TEST_F_TIMEOUT(faults, interval, 600)
{
	run_sweep(_metadata, sweep_interval, "interval");
}

/* A random share of them fails */
TEST_F_TIMEOUT(faults, random, 600)
{
	run_sweep(_metadata, sweep_random, "random");
}

/* Each allocation of a request's sendmsg() fails in turn */
TEST_F_TIMEOUT(faults, nth, 600)
{
	run_sweep(_metadata, sweep_nth, "nth");
}

TEST_HARNESS_MAIN
