// SPDX-License-Identifier: GPL-2.0
/*
 * A structure-aware fuzzer of the taskdiag family.
 *
 *	fuzz [-s SEED|random] [-n REQUESTS] [-t SECONDS] [-r REQUEST] [-B] [-v]
 *
 * Requests are drawn from the tables that gen_fuzz_spec.py makes of the
 * family's spec (fuzz_spec.h): the attributes of each operation's do and
 * dump requests with valid, boundary and invalid values, types and
 * lengths, unknown and repeated attributes, attributes of replies, nests
 * of garbage, truncated and unaligned lengths, NLA_F_NESTED and byte order
 * flags; the pids of live, stable, exiting, reaped and nonexistent tasks,
 * of this process's threads and of other pid namespaces, in attributes
 * and in SCM_CREDENTIALS; genetlink and netlink headers with valid and
 * unknown commands, versions and flags, several requests per datagram.
 * Half of the requests are clean (valid but for their pids), the others
 * noisy. They are read with buffers from a few bytes to 128 KiB, peeked
 * at or not, scattered or not, from sockets with a small receive queue
 * too; sockets are closed in the middle of a dump, passed over SCM_RIGHTS
 * to a helper (root, nobody, or one in another pid namespace) that reads
 * the rest or closes it, shared by two threads that send and receive at
 * once, sent a second request before a dump was read out, read by a
 * process killed in recvmsg(), or written by one that exits at once;
 * nobody sends requests too. A background thread runs requests of its
 * own on other sockets meanwhile, for dumps in parallel.
 *
 * The oracle is a model of the kernel's netlink, genetlink and policy
 * checks (it walks the request's bytes as they do) and of what
 * Documentation/userspace-api/taskdiag.rst says taskdiag does with a
 * valid request. Every request must get either the error the model
 * predicts (with an extended ACK message, and the attribute to blame
 * where the model knows it), or, where the model says it may succeed, a
 * reply or a dump whose messages parse with the spec's attribute types,
 * lengths, enums and masks, hold only the groups asked for (and those
 * every task has), come in ascending order of ids, close every split
 * task, show every task of the set that lives through the run, and end
 * with NLMSG_DONE, in datagrams no larger than netlink allows for the
 * receive sizes the socket was read with. Nothing may come for a request
 * that gets no answer, and nothing may hang: every wait is bounded.
 *
 * The population races: a process forks children that exit, orphan
 * their own children, create threads, exec from a thread, map hundreds of
 * pages, or make pid namespaces that die; a thread of this process
 * creates short-lived threads; all the time.
 *
 * Each request is drawn from its own generator, seeded from the seed and
 * its number: "-s SEED -r N" sends request N again, with the same choices;
 * the pids of the population (this process's, its children's, those that
 * come and go) differ from run to run, and so may the answers of racy
 * requests. A failure prints the bytes sent.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "../kselftest.h"
#include "td_util.h"
#include "fuzz_spec.h"

/*
 * make check: the defaults. 8000 rounds take about 55 s on the debug
 * guest (150 rounds/s); a host busy with other work can make it three
 * times slower, so without -n and -t the run also stops at 100 s.
 */
#define CHECK_SEED		1
#define CHECK_REQUESTS		8000
#define CHECK_SECONDS		100

#define MAX_BATCH		3	/* requests per datagram */
#define MAX_PENDING		8	/* requests in flight on a socket */
#define MAX_REQ			(60 * 1024)
#define RECV_BUF		(256 * 1024)
#define MAX_FAILURES		5
/* A wait this long for an answer due is a hang */
#define HANG_MS			20000
#define MAX_ID			64	/* largest attribute id in a set */
#define MAX_DEPTH		3	/* of generated nests */

/* Bounds of netlink's datagrams */
#define NL_RECV_CAP		32768	/* max_recvmsg_len is capped below this */
#define DO_REPLY_MAX		32768	/* taskdiag's largest do reply buffer */
#define ACK_TLV_MAX		512	/* extack attributes of an error */

#define NS_OURS			0
#define NS_OTHER		1
#define NS_UNKNOWN		2	/* of a pid that may be gone or reused */

/* A pseudo-random generator (splitmix64): one per request */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/*
 * Requests come clean (valid but for their pids and credentials, and a
 * few semantic errors) or noisy: then bad() draws each corruption.
 */
static __thread bool noisy;

static bool bad(struct rng *r, unsigned int percent)
{
	return noisy && chance(r, percent);
}

/*
 * The spec's names the oracle knows the meaning of (the rst and the
 * spec's docs): which request attribute carries a pid, a strategy, the
 * groups, which strategies take no pid, which groups imply another.
 */
static const struct fs_op *op;
static const struct fs_set *tset;		/* the op's attribute set */
static unsigned int a_pid, a_tgid, a_show, a_strategy, a_cont, a_withheld;
static const struct fs_enum *groups, *strategies;
static uint64_t g_base, g_vma, g_vma_stat, g_all;
static int64_t st_all, st_all_thread, st_children, st_thread, st_one;
/* group bit of each nest attribute named after a group, by set and id */
static uint64_t group_of[FS_N_SETS][MAX_ID + 1];
static unsigned int ppid_id;		/* "ppid" in the set of "base" */
static const struct fs_set *base_set;

static int family;			/* genetlink id of the family */
static uint32_t pid_max;
static uint64_t supported;		/* groups the kernel returns */
/* groups every task has (absent hidepid), and visible to everyone */
static uint64_t g_always, g_public;
static bool verbose;

/* Tasks that live through the run, by namespace: pid and its tgid */
struct task_ref {
	uint32_t pid;
	uint32_t tgid;
	uint32_t ppid;		/* of a process, if known; else 0 */
};

#define MAX_STABLE	64

/* Pids that come and go, shared with the population */
#define RING		64
struct shared {
	uint32_t racy[RING];		/* children of the churner, threads */
	uint32_t reaped[RING];		/* pids reaped since */
	unsigned int racy_pos, reaped_pos;
	/* the other namespace: its tasks, numbered there */
	struct task_ref ns[16];
	unsigned int nns;
	bool stop;
	/*
	 * Set up by the main process before its first request, read by the
	 * helpers too: tasks that live through the run, by namespace, and
	 * what the calibration found.
	 */
	struct task_ref stable[2][MAX_STABLE];
	unsigned int nstable[2];
	bool root_sees_all;		/* root's dumps withhold nothing */
	bool complete_check;		/* every stable task is in /proc */
	bool proc_noaccess;		/* /proc has hidepid=noaccess */
};

static struct shared *sh;
static pid_t self_pid, resident_tid, churner_pid, nsinit_pid, rich_pid;
/* Helpers: root's, nobody's, and the other pid namespace's init */
#define NHELPERS	3
static pid_t helper_pid[NHELPERS];
static int helper_sock[NHELPERS];
static const char *const helper_names[] = { "root", "nobody", "other-ns" };
static pid_t sleepers[3];
static pthread_t churn_thread, resident_thread;

static void ring_add(uint32_t *ring, unsigned int *pos, uint32_t pid)
{
	unsigned int i = __atomic_fetch_add(pos, 1, __ATOMIC_RELAXED);

	__atomic_store_n(&ring[i % RING], pid, __ATOMIC_RELAXED);
}

static uint32_t ring_pick(struct rng *r, uint32_t *ring)
{
	return __atomic_load_n(&ring[below(r, RING)], __ATOMIC_RELAXED);
}

static void add_stable(int ns, uint32_t pid, uint32_t tgid, uint32_t ppid)
{
	struct task_ref t = { pid, tgid, ppid };

	if (sh->nstable[ns] < MAX_STABLE)
		sh->stable[ns][sh->nstable[ns]++] = t;
}

static const struct task_ref *find_stable(int ns, uint32_t pid)
{
	unsigned int i;

	for (i = 0; ns != NS_UNKNOWN && i < sh->nstable[ns]; i++)
		if (sh->stable[ns][i].pid == pid)
			return &sh->stable[ns][i];
	return NULL;
}

/* Counts of what the kernel answered */
struct stats {
	uint64_t requests;		/* request messages sent */
	uint64_t datagrams;		/* received */
	uint64_t bytes;
	uint64_t do_replies;
	uint64_t dumps;			/* complete, with NLMSG_DONE */
	uint64_t task_msgs;		/* messages of tasks */
	uint64_t acks;
	uint64_t silent;		/* requests that get no answer */
	uint64_t cut;			/* answers left unread: socket closed */
	uint64_t enobufs;		/* answers dropped, small SO_RCVBUF */
	uint64_t einval;		/* recvmsg() EINVAL, two threads */
	uint64_t scenario[16];		/* requests by enum scenario */
	uint64_t err[256];		/* errors, by errno */
	uint64_t send_err[256];		/* sendmsg() failures, by errno */
};

static void stats_add(struct stats *to, const struct stats *from)
{
	const uint64_t *f = (const uint64_t *)from;
	uint64_t *t = (uint64_t *)to;
	size_t i;

	for (i = 0; i < sizeof(*to) / sizeof(uint64_t); i++)
		t[i] += f[i];
}

static void count_err(uint64_t *by_errno, int err)
{
	by_errno[err > 0 && err < 256 ? err : 0]++;
}

/*
 * What a request message must, or may, get. err < 0: that error and no
 * other; err == 0: a reply (a do's, or a dump), or one of may[].
 */
#define MAX_MAY		4
struct expect {
	bool silent;		/* no answer at all */
	bool ack_only;		/* an ack (error 0), nothing else */
	bool dump;
	bool ack;		/* NLM_F_ACK: an ack follows a do's reply */
	int err;
	int may[MAX_MAY];
	unsigned int nmay;
	bool extack;		/* an error carries an extack message */
	uint32_t offs;		/* offset of the bad attribute, 0: unchecked */
	uint32_t miss;		/* missing attribute type, 0: unchecked */
	char why[80];		/* what the model decided, for the log */
	/* what replies must look like */
	uint64_t show;		/* groups asked for, implied ones included */
	int64_t strategy;
	bool root;		/* sent by root on a socket root opened */
	bool target_known;	/* the target lives: target_tgid is its tgid */
	uint32_t target_tgid;
	/* sh->stable[see_ns][i], bit i: the tasks a complete dump shows */
	uint64_t must_see;
	int see_ns;
};

/* A request in flight and what came of it so far */
struct pending {
	uint32_t seq;
	uint32_t req_len;	/* nlmsg_len, echoed by an error */
	unsigned int dgram;	/* request number, datagram and message */
	unsigned int msg;
	struct expect ex;
	bool done;
	bool replied;		/* a do's reply or a dump's message came */
	bool cont;		/* the last task message had cont */
	bool any_task;
	uint32_t last_pid, last_tgid;
	unsigned int tasks;
	uint64_t seen;		/* of ex.must_see */
	uint64_t groups;	/* group nests of the task's parts so far */
	unsigned int parts;	/* of the task so far */
};

/* A socket and what the kernel knows of how it was read */
struct sockst {
	int fd;
	uint32_t portid;
	uint32_t max_len;	/* largest recvmsg() length, as netlink keeps it */
	bool ext_ack;
	bool cap_ack;
	bool small_rcvbuf;	/* answers may be dropped: ENOBUFS */
};

/* How to read a request's answers */
struct recvplan {
	bool peek;		/* peek at each datagram's size first */
	uint32_t peek_len;
	uint32_t slack;		/* bytes more than the datagram's size */
	uint32_t direct_len;	/* buffer when not peeking */
	bool trunc_flag;	/* pass MSG_TRUNC */
	unsigned int niov;
	uint64_t seed;		/* per-datagram choices */
};

/* Requests in flight on one socket: a conversation */
struct conv {
	unsigned int n;
	struct pending p[MAX_PENDING];
	bool failed;
	bool lossy;		/* answers were dropped (ENOBUFS) */
	bool shared;		/* two threads send and receive */
	char why[1536];
	double progress;	/* when something last arrived */
	struct stats st;
};

static __printf(2, 3) int cfail(struct conv *c, const char *fmt, ...);

static int cfail(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *errname(int err)
{
	const char *s = strerrorname_np(err < 0 ? -err : err);

	return s ? s : "E?";
}

/*
 * Spec lookups
 */
static unsigned int attr_by_name(const struct fs_set *set, const char *name)
{
	unsigned int id;

	for (id = 1; id <= set->max_id; id++)
		if (set->attrs[id].name && !strcmp(set->attrs[id].name, name))
			return id;
	ksft_exit_fail_msg("spec: no attribute %s in set %s\n", name,
			   set->name);
}

static int64_t enum_value(const struct fs_enum *e, const char *name)
{
	unsigned int i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->names[i], name))
			return e->values[i];
	ksft_exit_fail_msg("spec: no %s in enum %s\n", name, e->name);
}

static void spec_init(void)
{
	unsigned int i, s, id;

	op = &fs_ops[0];
	for (i = 0; i < FS_N_OPS; i++)
		if (!strcmp(fs_ops[i].name, "task-get"))
			op = &fs_ops[i];
	tset = op->set;
	if (!tset || !op->do_req.present || !op->dump_req.present)
		ksft_exit_fail_msg("spec: task-get has no do and dump\n");
	for (s = 0; s < FS_N_SETS; s++)
		if (fs_sets[s].max_id > MAX_ID)
			ksft_exit_fail_msg("spec: set %s: ids above %d\n",
					   fs_sets[s].name, MAX_ID);
	a_pid = attr_by_name(tset, "pid");
	a_tgid = attr_by_name(tset, "tgid");
	a_show = attr_by_name(tset, "show-flags");
	a_strategy = attr_by_name(tset, "dump-strategy");
	a_cont = attr_by_name(tset, "cont");
	a_withheld = attr_by_name(tset, "withheld");
	groups = tset->attrs[a_show].enm;
	strategies = tset->attrs[a_strategy].enm;
	if (!groups || !strategies)
		ksft_exit_fail_msg("spec: show-flags or dump-strategy without enum\n");
	for (i = 0; i < groups->n; i++)
		g_all |= 1ULL << groups->values[i];
	g_base = 1ULL << enum_value(groups, "base");
	g_vma = 1ULL << enum_value(groups, "vma");
	g_vma_stat = 1ULL << enum_value(groups, "vma-stat");
	/* taskdiag.rst: base, cred and stat's /proc/PID/stat part: every task */
	g_public = 1ULL << enum_value(groups, "base") |
		   1ULL << enum_value(groups, "cred");
	g_always = g_public | 1ULL << enum_value(groups, "stat");
	st_all = enum_value(strategies, "all");
	st_all_thread = enum_value(strategies, "all-thread");
	st_children = enum_value(strategies, "children");
	st_thread = enum_value(strategies, "thread");
	st_one = enum_value(strategies, "one");
	base_set = tset->attrs[attr_by_name(tset, "base")].nest;
	if (!base_set)
		ksft_exit_fail_msg("spec: base is no nest\n");
	ppid_id = attr_by_name(base_set, "ppid");
	/* A nest named after a group carries that group */
	for (s = 0; s < FS_N_SETS; s++)
		for (id = 1; id <= fs_sets[s].max_id; id++) {
			const struct fs_attr *a = &fs_sets[s].attrs[id];

			if (!a->name || a->type != FS_NEST)
				continue;
			for (i = 0; i < groups->n; i++)
				if (!strcmp(groups->names[i], a->name))
					group_of[s][id] = 1ULL << groups->values[i];
		}
}

static unsigned int set_index(const struct fs_set *set)
{
	return set - fs_sets;
}

/* The groups a request's show-flags value asks for */
static uint64_t effective_show(uint64_t show)
{
	return show & g_vma_stat ? show | g_vma : show;
}

/*
 * Building requests
 */
struct buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static void *buf_put(struct buf *b, size_t len)
{
	void *p;

	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			ksft_exit_fail_msg("out of memory\n");
	}
	p = b->p + b->len;
	memset(p, 0, len);
	b->len += len;
	return p;
}

static void put_random(struct rng *r, void *p, size_t len)
{
	uint8_t *c = p;

	while (len--)
		*c++ = rnd(r);
}

/* A pid for an attribute or SCM_CREDENTIALS, of any kind */
static uint32_t pick_pid(struct rng *r, int ns)
{
	static const uint32_t huge[] = { 0x7fffffff, 0x80000000, 0xffffffff,
					 0xfffffffe, 4194304, 0x40000000 };
	const struct task_ref *t;

	if (ns == NS_OTHER && sh->nns && chance(r, 50))
		return sh->ns[below(r, sh->nns)].pid;
	switch (below(r, 15)) {
	case 0:
		return 0;
	case 1:
		return self_pid;
	case 2:
		return resident_tid;
	case 3:
	case 4:
	case 5:
		t = &sh->stable[NS_OURS][below(r, sh->nstable[NS_OURS])];
		return t->pid;
	case 6:
		return below(r, 3) + 1;		/* init, kthreadd, ... */
	case 7:
	case 8:
		return ring_pick(r, sh->racy);
	case 9:
		return ring_pick(r, sh->reaped);
	case 10:
		return pid_max + below(r, 1000);
	case 11:
		return huge[below(r, ARRAY_SIZE(huge))];
	case 12:
		return below(r, pid_max - 1) + 1;
	case 13:
		return rich_pid;
	default:
		return self_pid + below(r, 20) - 10;
	}
}

/* The kind of task a pid names in a namespace */
enum pclass { P_NEVER, P_STABLE, P_RACY };

static enum pclass classify(uint32_t pid, int ns, uint32_t *tgid)
{
	const struct task_ref *t;

	if (pid == 0 || pid >= pid_max)
		return P_NEVER;
	if (ns == NS_UNKNOWN)
		return P_RACY;
	t = find_stable(ns, pid);
	if (t) {
		*tgid = t->tgid;
		return P_STABLE;
	}
	return P_RACY;
}

/* Bits of an integer attribute's value (uint and sint: up to 64) */
static unsigned int type_bits(const struct fs_attr *a)
{
	return a->fixed && a->len < 8 ? 8 * a->len : 64;
}

static uint64_t type_max(const struct fs_attr *a)
{
	return type_bits(a) == 64 ? ~0ULL : (1ULL << type_bits(a)) - 1;
}

static bool is_signed(enum fs_type t)
{
	return t == FS_S8 || t == FS_S16 || t == FS_S32 || t == FS_S64 ||
	       t == FS_SINT;
}

static bool is_int(enum fs_type t)
{
	return (t >= FS_U8 && t <= FS_S64) || t == FS_UINT || t == FS_SINT;
}

/*
 * A value for an integer attribute: valid, boundary or invalid for its
 * enum, mask or range; pids for the pid.
 */
static uint64_t gen_int(struct rng *r, const struct fs_attr *a, unsigned int id,
			const struct fs_set *set, int ns)
{
	uint64_t v, mask;
	unsigned int i;

	if (set == tset && id == a_pid && !bad(r, 10))
		return pick_pid(r, ns);
	if (a->checks & FS_CHK_MASK) {
		mask = a->mask;
		switch (noisy ? below(r, 10) : 4 + below(r, 6)) {
		case 0:
			return 0;
		case 1:
			return mask;
		case 2:	/* one bit outside the mask */
			do
				v = 1ULL << below(r, type_bits(a));
			while ((v & mask) && ~mask & type_max(a));
			return (rnd(r) & mask) | v;
		case 3:
			return type_max(a);
		default:
			v = 0;
			/* Each bit; the costly groups less often */
			for (i = 0; i < 64; i++) {
				uint64_t bit = 1ULL << i;

				if (!(mask & bit))
					continue;
				if ((set == tset && id == a_show &&
				     bit == g_vma_stat) ? chance(r, 8) :
				    chance(r, 35))
					v |= bit;
			}
			return v;
		}
	}
	if (a->enm && !a->as_flags && !bad(r, 30))
		return a->enm->values[below(r, a->enm->n)];
	switch (below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return type_max(a);
	case 2:
		if (a->checks & FS_CHK_MAX)
			return (uint64_t)a->max + below(r, 3);
		return 1;
	case 3:
		if (a->checks & FS_CHK_MIN)
			return (uint64_t)a->min - below(r, 2);
		return type_max(a) >> 1;
	case 4:
		return (type_max(a) >> 1) + 1;
	default:
		return rnd(r) & type_max(a) & (chance(r, 50) ? 0xff : ~0ULL);
	}
}

static void gen_attrs(struct rng *r, struct buf *b, const struct fs_set *set,
		      const struct fs_msg *req, unsigned int depth, int ns);

/* Garbage shaped like attributes, maybe malformed */
static void gen_garbage(struct rng *r, struct buf *b, unsigned int depth)
{
	unsigned int i, n = below(r, 4);

	for (i = 0; i < n; i++) {
		size_t at = b->len, len = below(r, 12);
		struct nlattr *nla = buf_put(b, NLA_HDRLEN);

		nla->nla_type = below(r, 0x10000);
		nla->nla_len = NLA_HDRLEN + len;
		if (depth < MAX_DEPTH && chance(r, 30)) {
			nla->nla_type |= NLA_F_NESTED;
			gen_garbage(r, b, depth + 1);
			nla = (struct nlattr *)(b->p + at);
			nla->nla_len = b->len - at;
		} else {
			put_random(r, buf_put(b, NLA_ALIGN(len)), len);
		}
		if (chance(r, 10))	/* a length that lies */
			((struct nlattr *)(b->p + at))->nla_len = below(r, 64);
	}
}

/* One attribute of a set, with a value or payload for its type */
static void gen_attr(struct rng *r, struct buf *b, const struct fs_set *set,
		     unsigned int id, unsigned int depth, int ns)
{
	const struct fs_attr *a = &set->attrs[id];
	size_t at = b->len, len = 0, plen;
	struct nlattr *nla;
	uint8_t data[16];
	uint16_t type = id;
	uint64_t v;

	nla = buf_put(b, NLA_HDRLEN);
	switch (a->type) {
	case FS_NEST:
	case FS_INDEXED_ARRAY:
	case FS_NEST_TYPE_VALUE:
		if (!bad(r, 5))
			type |= NLA_F_NESTED;
		if (a->nest && depth < MAX_DEPTH && chance(r, 80)) {
			struct fs_msg all = { true, a->nest->max_id, 0, NULL };

			gen_attrs(r, b, a->nest, &all, depth + 1, ns);
		} else {
			gen_garbage(r, b, depth + 1);
		}
		nla = (struct nlattr *)(b->p + at);
		nla->nla_type = type;
		nla->nla_len = b->len - at;
		return;
	case FS_STRING:
		len = below(r, (a->max_len ? a->max_len : 16) + 8);
		put_random(r, buf_put(b, NLA_ALIGN(len + 1)), len);
		if (chance(r, 90))
			len++;		/* with its NUL */
		break;
	case FS_BINARY:
	case FS_PAD:
	case FS_UNUSED:
		len = below(r, a->exact_len ? a->exact_len + 4 : 24);
		put_random(r, buf_put(b, NLA_ALIGN(len)), len);
		break;
	case FS_FLAG:
		len = bad(r, 8) ? below(r, 8) + 1 : 0;
		put_random(r, buf_put(b, NLA_ALIGN(len)), len);
		break;
	default:	/* integers */
		len = a->fixed ? a->len : (chance(r, 50) ? 4 : 8);
		v = gen_int(r, a, id, set, ns);
		memcpy(data, &v, 8);
		put_random(r, data + 8, 8);
		if (bad(r, 6)) {	/* a wrong length */
			static const int d[] = { -8, -4, -3, -1, 1, 2, 4, 8 };

			plen = len + d[below(r, ARRAY_SIZE(d))];
			len = plen > 16 ? 0 : plen;
		}
		memcpy(buf_put(b, NLA_ALIGN(len)), data, len);
		if (bad(r, 3))
			type |= NLA_F_NESTED;
		break;
	}
	if (bad(r, 3))
		type |= NLA_F_NET_BYTEORDER;
	nla = (struct nlattr *)(b->p + at);
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
}

/*
 * The attributes of a request: those of the operation's request, each
 * maybe, some repeated, plus others of the set, unknown ids and garbage,
 * in spec order or shuffled.
 */
static void gen_attrs(struct rng *r, struct buf *b, const struct fs_set *set,
		      const struct fs_msg *req, unsigned int depth, int ns)
{
	unsigned int ids[16], n = 0, i, j, id, t;
	unsigned int max_id = req->ids ? req->max_id : set->max_id;

	if (req->ids) {
		for (i = 0; i < req->n && n < ARRAY_SIZE(ids); i++)
			if (chance(r, 65))
				ids[n++] = req->ids[i];
	} else {
		for (id = 1; id <= set->max_id && n < ARRAY_SIZE(ids); id++)
			if (set->attrs[id].name && chance(r, 30))
				ids[n++] = id;
	}
	while (n < ARRAY_SIZE(ids) && bad(r, 15)) {
		switch (below(r, 5)) {
		case 0:		/* a repeated one */
			if (n) {
				ids[n] = ids[below(r, n)];
				n++;
			}
			break;
		case 1:		/* any of the set: replies' too */
			id = below(r, set->max_id) + 1;
			if (set->attrs[id].name)
				ids[n++] = id;
			break;
		default:	/* unknown: 0, above the policy's or the set's */
			ids[n++] = 1000 + (chance(r, 20) ? 0 :
					   chance(r, 50) ? max_id + 1 +
							   below(r, 3) :
					   chance(r, 50) ? set->max_id + 1 :
					   NLA_TYPE_MASK);
			break;
		}
	}
	if (chance(r, 30))
		for (i = n; i > 1; i--) {
			j = below(r, i);
			t = ids[i - 1];
			ids[i - 1] = ids[j];
			ids[j] = t;
		}
	for (i = 0; i < n; i++) {
		if (ids[i] < 1000) {
			gen_attr(r, b, set, ids[i], depth, ns);
			continue;
		}
		id = ids[i] - 1000;
		if (chance(r, 20)) {
			size_t at = b->len;
			struct nlattr *nla = buf_put(b, NLA_HDRLEN);

			nla->nla_type = id | NLA_F_NESTED;
			gen_garbage(r, b, depth + 1);
			nla = (struct nlattr *)(b->p + at);
			nla->nla_len = b->len - at;
		} else {
			size_t len = below(r, 12);
			struct nlattr *nla = buf_put(b, NLA_HDRLEN);

			nla->nla_type = id;
			nla->nla_len = NLA_HDRLEN + len;
			put_random(r, buf_put(b, NLA_ALIGN(len)), len);
		}
	}
}

static void put_int(struct buf *b, unsigned int id, uint64_t v,
		    unsigned int len)
{
	struct nlattr *nla = buf_put(b, NLA_HDRLEN + NLA_ALIGN(len));

	nla->nla_type = id;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy(nla + 1, &v, len);
}

/*
 * A clean request: a strategy, the pid that it needs (but sometimes), the
 * groups. The groups that cost page walks come rarely with the strategies
 * of every task.
 */
static void gen_clean_attrs(struct rng *r, struct buf *b, bool dump, int ns)
{
	const struct fs_attr *show = &tset->attrs[a_show];
	int64_t strategy = dump ? st_all : st_one;
	bool every, pid;
	uint64_t v;

	if (dump && chance(r, 85)) {
		strategy = strategies->values[below(r, strategies->n)];
		put_int(b, a_strategy, strategy, tset->attrs[a_strategy].len);
	}
	every = strategy == st_all || strategy == st_all_thread;
	pid = !every;
	if (chance(r, 5))
		pid = !pid;
	if (chance(r, 75)) {
		v = gen_int(r, show, a_show, tset, ns);
		if (every && !chance(r, 30))
			v &= ~g_vma_stat;
		put_int(b, a_show, v, show->len);
	}
	if (pid)
		put_int(b, a_pid, pick_pid(r, ns), tset->attrs[a_pid].len);
}

/*
 * The oracle's model of strict attribute validation (lib/nlattr.c with
 * NL_VALIDATE_STRICT): the first error in the order the kernel finds it,
 * and the attribute it blames. The policy of a request is the op's list of
 * attributes up to its largest id; a nest's, every attribute of its set.
 */
struct perr {
	int err;		/* 0, or the error */
	bool loose;		/* EINVAL or ERANGE, the model cannot tell */
	const uint8_t *bad;	/* the attribute blamed, NULL if none */
	const char *why;
};

static bool in_req(const struct fs_msg *req, unsigned int id)
{
	unsigned int i;

	if (!req->ids)
		return true;
	for (i = 0; i < req->n; i++)
		if (req->ids[i] == id)
			return true;
	return false;
}

static uint64_t get_uint(const void *p, unsigned int len)
{
	uint64_t v = 0;

	memcpy(&v, p, len > 8 ? 8 : len);
	return v;
}

static int64_t get_sint(const void *p, unsigned int len)
{
	uint64_t v = get_uint(p, len);
	unsigned int bits = 8 * len;

	if (bits < 64 && (v & (1ULL << (bits - 1))))
		v |= ~0ULL << bits;
	return v;
}

static bool policy_walk(const uint8_t *p, int len, const struct fs_set *set,
			const struct fs_msg *req, unsigned int depth,
			struct perr *e, const uint8_t **tb);

static bool perr_set(struct perr *e, int err, const uint8_t *bad,
		     const char *why)
{
	e->err = err;
	e->bad = bad;
	e->why = why;
	return false;
}

/* validate_nla() of one attribute; false with e set on an error */
static bool policy_attr(const struct nlattr *nla, const struct fs_attr *a,
			unsigned int depth, struct perr *e)
{
	int alen = nla->nla_len - NLA_HDRLEN;
	const uint8_t *data = (const uint8_t *)nla + NLA_HDRLEN;
	const uint8_t *bad = (const uint8_t *)nla;
	bool nest = a->type == FS_NEST || a->type == FS_INDEXED_ARRAY ||
		    a->type == FS_NEST_TYPE_VALUE;
	uint64_t v;

	if (a->fixed && a->type != FS_FLAG && alen != (int)a->len)
		return perr_set(e, -EINVAL, bad, "invalid attribute length");
	if (nest && !(nla->nla_type & NLA_F_NESTED))
		return perr_set(e, -EINVAL, bad, "NLA_F_NESTED is missing");
	if (!nest && (nla->nla_type & NLA_F_NESTED))
		return perr_set(e, -EINVAL, bad, "NLA_F_NESTED not expected");
	switch (a->type) {
	case FS_FLAG:
		if (alen > 0)
			return perr_set(e, -ERANGE, bad, "flag with a payload");
		return true;
	case FS_UINT:
	case FS_SINT:
		if (alen != 4 && alen != 8)
			return perr_set(e, -EINVAL, bad,
					"invalid attribute length");
		break;
	case FS_STRING: {
		int n = a->max_len ? (alen < (int)a->max_len + 1 ?
				      alen : (int)a->max_len + 1) : alen;

		if (!n || !memchr(data, 0, n))
			return perr_set(e, -EINVAL, bad, "string without NUL");
		if (a->max_len && (int)strnlen((const char *)data, alen) >
				  (int)a->max_len)
			return perr_set(e, -ERANGE, bad, "string too long");
		return true;
	}
	case FS_BINARY:
		if (((a->checks & FS_CHK_MAX_LEN) && alen > (int)a->max_len) ||
		    ((a->checks & FS_CHK_MIN_LEN) && alen < (int)a->min_len) ||
		    ((a->checks & FS_CHK_EXACT_LEN) &&
		     alen != (int)a->exact_len)) {
			e->loose = true;
			return perr_set(e, -ERANGE, bad, "binary length");
		}
		return true;
	case FS_NEST:
	case FS_INDEXED_ARRAY:
	case FS_NEST_TYPE_VALUE:
		if (alen == 0)
			return true;
		if (alen < NLA_HDRLEN)
			return perr_set(e, -ERANGE, bad, "nest too short");
		if (a->nest && a->type == FS_NEST) {
			struct fs_msg all = { true, a->nest->max_id, 0, NULL };

			return policy_walk(data, alen, a->nest, &all, depth + 1,
					   e, NULL);
		}
		return true;
	default:
		break;
	}
	if (!is_int(a->type))
		return true;
	v = get_uint(data, alen);
	if (a->checks & FS_CHK_MASK && v & ~a->mask)
		return perr_set(e, -EINVAL, bad, "reserved bit set");
	if (is_signed(a->type)) {
		int64_t s = get_sint(data, alen);

		if ((a->checks & FS_CHK_MIN && s < a->min) ||
		    (a->checks & FS_CHK_MAX && s > a->max))
			return perr_set(e, -ERANGE, bad, "integer out of range");
	} else if ((a->checks & FS_CHK_MIN && v < (uint64_t)a->min) ||
		   (a->checks & FS_CHK_MAX && v > (uint64_t)a->max)) {
		return perr_set(e, -ERANGE, bad, "integer out of range");
	}
	return true;
}

/* __nla_validate_parse(); tb, if given, gets the last of each id */
static bool policy_walk(const uint8_t *p, int len, const struct fs_set *set,
			const struct fs_msg *req, unsigned int depth,
			struct perr *e, const uint8_t **tb)
{
	const struct nlattr *nla = (const void *)p;
	int rem = len;

	if (depth >= 10)
		return perr_set(e, -EINVAL, NULL, "policy recursion depth");
	while (rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= rem) {
		unsigned int type = nla->nla_type & NLA_TYPE_MASK;

		if (type == 0 || type > req->max_id)
			return perr_set(e, -EINVAL, (const uint8_t *)nla,
					"unknown attribute type");
		if (!in_req(req, type) || !set->attrs[type].name)
			return perr_set(e, -EINVAL, (const uint8_t *)nla,
					"unsupported attribute");
		if (!policy_attr(nla, &set->attrs[type], depth, e))
			return false;
		if (tb)
			tb[type] = (const uint8_t *)nla;
		rem -= NLA_ALIGN(nla->nla_len);
		nla = (const void *)((const uint8_t *)nla +
				     NLA_ALIGN(nla->nla_len));
	}
	if (rem > 0)
		return perr_set(e, -EINVAL, NULL, "bytes leftover");
	return true;
}

/* What the socket's state adds to the model */
struct sendctx {
	bool nobody;		/* the sender is nobody */
	int ns;			/* pid namespace walked */
	bool scm_racy;		/* the SCM pid may be gone */
	bool dump_running;	/* a dump may run on the socket */
};

static void may(struct expect *ex, int err)
{
	unsigned int i;

	for (i = 0; i < ex->nmay; i++)
		if (ex->may[i] == err)
			return;
	if (ex->nmay < MAX_MAY)
		ex->may[ex->nmay++] = err;
}

static void must_fail(struct expect *ex, int err, bool extack,
		      const uint8_t *nlh, const uint8_t *bad, const char *why)
{
	ex->err = err;
	ex->extack = extack;
	ex->offs = bad ? bad - nlh : 0;
	snprintf(ex->why, sizeof(ex->why), "%s: %s", errname(err), why);
}

/*
 * The stable tasks that a complete dump of strategy in namespace ns must
 * show, exactly once ("a task that exists for the whole dump and belongs
 * to the set appears exactly once"), as bits of sh->stable[ns].
 */
static uint64_t stable_set(int ns, int64_t strategy, bool target_known,
			   uint32_t target)
{
	const struct task_ref *t;
	uint64_t set = 0;
	unsigned int i;
	bool leader, want;

	if (ns == NS_UNKNOWN || !sh->complete_check)
		return 0;
	if (!target_known && strategy != st_all && strategy != st_all_thread)
		return 0;
	for (i = 0; i < sh->nstable[ns]; i++) {
		t = &sh->stable[ns][i];
		leader = t->pid == t->tgid;
		if (strategy == st_all)
			want = leader;
		else if (strategy == st_all_thread)
			want = true;
		else if (strategy == st_children)
			want = leader && t->ppid == target;
		else if (strategy == st_thread)
			want = t->tgid == target;
		else
			want = t->pid == target;
		if (want)
			set |= 1ULL << i;
	}
	return set;
}

/*
 * The model of one request message at p (rem bytes to the datagram's end):
 * netlink_rcv_skb(), genetlink, the policy, then taskdiag. Returns the
 * bytes the kernel moves on by, 0 if it stops at this message.
 */
static size_t model(const uint8_t *p, size_t rem, const struct sendctx *sc,
		    struct expect *ex)
{
	const struct nlmsghdr *nlh = (const void *)p;
	const struct genlmsghdr *g = (const void *)(p + NLMSG_HDRLEN);
	const uint8_t *tb[MAX_ID + 1] = {};
	const struct fs_msg *req;
	uint16_t flags, extra;
	struct perr e = {};
	uint32_t pid, tgid;
	size_t next;

	memset(ex, 0, sizeof(*ex));
	if (rem < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > rem)
		return 0;
	next = NLMSG_ALIGN(nlh->nlmsg_len);
	if (next > rem)
		next = rem;
	flags = nlh->nlmsg_flags;
	ex->ack = flags & NLM_F_ACK;
	if (!(flags & NLM_F_REQUEST) || nlh->nlmsg_type < NLMSG_MIN_TYPE) {
		ex->silent = !ex->ack;
		ex->ack_only = ex->ack;
		snprintf(ex->why, sizeof(ex->why), "%s",
			 flags & NLM_F_REQUEST ? "control message" :
			 "not a request");
		return next;
	}
	if (nlh->nlmsg_type != family) {
		/* The generator makes no message of another family */
		must_fail(ex, -ENOENT, false, p, NULL, "no such family");
		return next;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
		must_fail(ex, -EINVAL, false, p, NULL, "no genetlink header");
		return next;
	}
	if (g->reserved) {
		must_fail(ex, -EINVAL, true, p, NULL, "reserved field");
		return next;
	}
	extra = (flags & NLM_F_DUMP) == NLM_F_DUMP ? flags & ~NLM_F_DUMP :
						     flags;
	if (extra & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		must_fail(ex, -EINVAL, true, p, NULL, "reserved flags");
		return next;
	}
	ex->dump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
	ex->root = !sc->nobody;
	req = ex->dump ? &op->dump_req : &op->do_req;
	if (g->cmd != op->cmd || !req->present) {
		must_fail(ex, -EOPNOTSUPP, false, p, NULL, "unknown command");
		return next;
	}
	/* Another dump on the socket: refused before the request is parsed */
	if (ex->dump && sc->dump_running)
		may(ex, -EBUSY);
	if (!policy_walk(p + NLMSG_HDRLEN + GENL_HDRLEN,
			 nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tset, req,
			 0, &e, tb)) {
		must_fail(ex, e.err, true, p, e.bad, e.why);
		if (e.loose)
			may(ex, e.err == -EINVAL ? -ERANGE : -EINVAL);
		return next;
	}

	/* A valid request: what taskdiag does with it */
	ex->show = tb[a_show] ? get_uint(tb[a_show] + NLA_HDRLEN, 8) : g_base;
	ex->show = effective_show(ex->show);
	ex->strategy = !ex->dump ? st_one :
		       tb[a_strategy] ? get_uint(tb[a_strategy] + NLA_HDRLEN, 4) :
		       st_all;
	if (ex->show & ~supported) {
		must_fail(ex, -EOPNOTSUPP, true, p, tb[a_show],
			  "group not supported");
		return next;
	}
	/* The SCM pid is looked up again: it may be gone by now */
	if (sc->scm_racy)
		may(ex, -ESRCH);
	if (ex->strategy == st_all || ex->strategy == st_all_thread) {
		if (tb[a_pid])
			must_fail(ex, -EINVAL, true, p, tb[a_pid],
				  "pid for all or all-thread");
		else
			snprintf(ex->why, sizeof(ex->why), "valid, no pid");
		ex->extack = true;
		ex->see_ns = sc->ns;
		ex->must_see = stable_set(sc->ns, ex->strategy, false, 0);
		return next;
	}
	if (!tb[a_pid]) {
		must_fail(ex, -EINVAL, true, p, NULL, "pid missing");
		ex->miss = a_pid;
		return next;
	}
	pid = get_uint(tb[a_pid] + NLA_HDRLEN, 4);
	ex->extack = true;
	switch (classify(pid, sc->ns, &tgid)) {
	case P_NEVER:
		must_fail(ex, -ESRCH, true, p, tb[a_pid], "no such pid");
		/* ... unless the SCM pid is found gone first */
		if (sc->scm_racy)
			ex->offs = 0;
		return next;
	case P_STABLE:
		ex->target_known = true;
		ex->target_tgid = tgid;
		snprintf(ex->why, sizeof(ex->why), "valid, pid %u of %u",
			 pid, tgid);
		break;
	case P_RACY:
		may(ex, -ESRCH);
		snprintf(ex->why, sizeof(ex->why), "valid, racy pid %u", pid);
		break;
	}
	/* A do's reply must fit 32 KiB: a large map may not */
	if (!ex->dump && ex->show & g_vma)
		may(ex, -EMSGSIZE);
	ex->see_ns = sc->ns;
	ex->must_see = stable_set(sc->ns, ex->strategy, ex->target_known,
				  ex->target_tgid);
	return next;
}

/*
 * Checking answers
 */
static bool type_ok_len(const struct fs_attr *a, int alen)
{
	if (a->fixed)
		return alen == (int)a->len;
	switch (a->type) {
	case FS_UINT:
	case FS_SINT:
		return alen == 4 || alen == 8;
	case FS_STRING:
		return alen >= 1 && (!a->max_len || alen <= (int)a->max_len + 1);
	case FS_BINARY:
		return (!(a->checks & FS_CHK_MIN_LEN) || alen >= (int)a->min_len) &&
		       (!(a->checks & FS_CHK_MAX_LEN) || alen <= (int)a->max_len) &&
		       (!(a->checks & FS_CHK_EXACT_LEN) ||
			alen == (int)a->exact_len);
	default:
		return true;
	}
}

/* What a task message holds that the dump's checks need */
struct taskmsg {
	bool has[MAX_ID + 1];
	uint64_t val[MAX_ID + 1];	/* integers at the top level */
	uint64_t groups;		/* of the group nests present */
	bool has_ppid;
	uint32_t ppid;
};

/*
 * Check attributes against a set: known ids, the types' lengths, NUL
 * terminated strings, enum values and masks, nest flags, no repeated
 * attribute that is not multi-attr, no bytes left over.
 */
static int check_attrs(struct conv *c, const uint8_t *p, int len,
		       const struct fs_set *set, const struct fs_msg *allowed,
		       unsigned int depth, struct taskmsg *tm)
{
	bool seen[MAX_ID + 1] = {};
	const struct nlattr *nla;
	int rem = len;

	if (depth > 8)
		return cfail(c, "nests deeper than the spec's");
	while (rem >= NLA_HDRLEN) {
		const struct fs_attr *a;
		unsigned int type;
		const uint8_t *data;
		int alen;
		uint64_t v;
		unsigned int i;

		nla = (const void *)p;
		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > rem)
			return cfail(c, "set %s: attribute of length %u, %d bytes left",
				     set->name, nla->nla_len, rem);
		type = nla->nla_type & NLA_TYPE_MASK;
		data = p + NLA_HDRLEN;
		alen = nla->nla_len - NLA_HDRLEN;
		if (type == 0 || type > set->max_id || !set->attrs[type].name)
			return cfail(c, "set %s: unknown attribute id %u",
				     set->name, type);
		a = &set->attrs[type];
		if (allowed && !in_req(allowed, type))
			return cfail(c, "attribute %s not in the operation's reply",
				     a->name);
		if (seen[type] && !a->multi && a->type != FS_PAD)
			return cfail(c, "set %s: attribute %s repeated",
				     set->name, a->name);
		seen[type] = true;
		if (nla->nla_type & NLA_F_NET_BYTEORDER)
			return cfail(c, "%s: NLA_F_NET_BYTEORDER set", a->name);
		if (!(a->type == FS_NEST) != !(nla->nla_type & NLA_F_NESTED))
			return cfail(c, "%s: NLA_F_NESTED %s", a->name,
				     a->type == FS_NEST ? "missing" : "set");
		if (!type_ok_len(a, alen))
			return cfail(c, "%s.%s: payload of %d bytes",
				     set->name, a->name, alen);
		if (a->type == FS_STRING &&
		    (data[alen - 1] || strlen((const char *)data) != (size_t)alen - 1))
			return cfail(c, "%s.%s: not one NUL-terminated string",
				     set->name, a->name);
		if (is_int(a->type)) {
			v = get_uint(data, alen);
			if (a->enm && (a->as_flags || a->enm->flags)) {
				if (v & ~a->mask)
					return cfail(c, "%s.%s: bits 0x%llx outside the enum %s",
						     set->name, a->name,
						     (unsigned long long)(v & ~a->mask),
						     a->enm->name);
			} else if (a->enm) {
				for (i = 0; i < a->enm->n; i++)
					if ((uint64_t)a->enm->values[i] == v)
						break;
				if (i == a->enm->n)
					return cfail(c, "%s.%s: %llu is no %s",
						     set->name, a->name,
						     (unsigned long long)v,
						     a->enm->name);
			}
			if (depth == 0) {
				tm->has[type] = true;
				tm->val[type] = v;
			}
			if (set == base_set && type == ppid_id) {
				tm->has_ppid = true;
				tm->ppid = v;
			}
		} else if (depth == 0) {
			tm->has[type] = true;
		}
		tm->groups |= group_of[set_index(set)][type];
		if (a->type == FS_NEST && a->nest &&
		    check_attrs(c, data, alen, a->nest, NULL, depth + 1, tm))
			return -1;
		rem -= NLA_ALIGN(nla->nla_len);
		p += NLA_ALIGN(nla->nla_len);
	}
	if (rem != 0)
		return cfail(c, "set %s: %d bytes left over", set->name, rem);
	return 0;
}

static struct pending *find_pending(struct conv *c, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->p[i].seq == seq)
			return &c->p[i];
	return NULL;
}

/* A message of the family: a do's reply or a part of a dump */
static int on_task(struct conv *c, struct pending *pd,
		   const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct expect *ex = &pd->ex;
	struct taskmsg tm = {};
	uint32_t pid, tgid;

	if (ex->err)
		return cfail(c, "a reply to a request that must fail (%s)",
			     ex->why);
	if (ex->silent || ex->ack_only)
		return cfail(c, "a reply to a request that gets none (%s)",
			     ex->why);
	if (!ex->dump && pd->replied)
		return cfail(c, "a second reply to a do");
	if (ex->dump != !!(nlh->nlmsg_flags & NLM_F_MULTI))
		return cfail(c, "reply flags 0x%x to a %s", nlh->nlmsg_flags,
			     ex->dump ? "dump" : "do");
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return cfail(c, "reply of %u bytes", nlh->nlmsg_len);
	if (g->cmd != op->cmd || g->version != FS_FAMILY_VERSION || g->reserved)
		return cfail(c, "genetlink header cmd %u version %u reserved %u",
			     g->cmd, g->version, g->reserved);
	if (check_attrs(c, (const uint8_t *)g + GENL_HDRLEN,
			nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tset,
			ex->dump ? &op->dump_reply : &op->do_reply, 0, &tm))
		return -1;
	pd->replied = true;
	c->st.task_msgs++;
	if (!tm.has[a_pid] || !tm.has[a_tgid])
		return cfail(c, "a task message without pid or tgid");
	pid = tm.val[a_pid];
	tgid = tm.val[a_tgid];
	if (tm.groups & ~ex->show)
		return cfail(c, "groups 0x%llx, asked for 0x%llx",
			     (unsigned long long)tm.groups,
			     (unsigned long long)ex->show);
	if (tm.has[a_withheld] && (tm.val[a_withheld] & ~ex->show))
		return cfail(c, "withheld 0x%llx, asked for 0x%llx",
			     (unsigned long long)tm.val[a_withheld],
			     (unsigned long long)ex->show);
	if (tm.has[a_withheld] && sh->root_sees_all && ex->root)
		return cfail(c, "withheld 0x%llx from root",
			     (unsigned long long)tm.val[a_withheld]);
	if (tm.has[a_withheld] && tm.val[a_withheld] & g_public &&
	    !sh->proc_noaccess)
		return cfail(c, "withheld 0x%llx: groups everyone sees",
			     (unsigned long long)tm.val[a_withheld]);
	if (!ex->dump && tm.has[a_cont])
		return cfail(c, "a do's reply with cont");
	/* The parts of a task follow each other; tasks in ascending order */
	if (pd->cont) {
		if (pid != pd->last_pid || tgid != pd->last_tgid)
			return cfail(c, "task %u/%u after a part of %u/%u with cont",
				     pid, tgid, pd->last_pid, pd->last_tgid);
	} else {
		const struct task_ref *t = find_stable(ex->see_ns, pid);

		if (pd->any_task && pid <= pd->last_pid)
			return cfail(c, "task %u after task %u", pid,
				     pd->last_pid);
		pd->tasks++;
		pd->groups = 0;
		pd->parts = 0;
		if (t && ex->see_ns != NS_UNKNOWN)
			pd->seen |= 1ULL << (t - sh->stable[ex->see_ns]);
	}
	/*
	 * A task's parts hold every group every task has; but when a split
	 * task ends before its next part, that part comes empty.
	 */
	pd->groups |= tm.groups;
	pd->parts++;
	if (!tm.has[a_cont] && (tm.groups || pd->parts == 1) &&
	    !sh->proc_noaccess && ex->show & g_always & ~pd->groups)
		return cfail(c, "task %u without groups 0x%llx of 0x%llx",
			     pid,
			     (unsigned long long)(ex->show & g_always & ~pd->groups),
			     (unsigned long long)ex->show);
	if (ex->strategy != st_all_thread && ex->strategy != st_thread &&
	    pid != tgid)
		return cfail(c, "process strategy: pid %u of tgid %u", pid,
			     tgid);
	if (ex->target_known) {
		if ((ex->strategy == st_one || ex->strategy == st_thread) &&
		    tgid != ex->target_tgid)
			return cfail(c, "a task of %u, asked for %u", tgid,
				     ex->target_tgid);
		if (ex->strategy == st_one && pd->tasks > 1)
			return cfail(c, "a second task with strategy one");
		if (ex->strategy == st_children && tm.has_ppid &&
		    tm.ppid != ex->target_tgid)
			return cfail(c, "child %u of %u, asked for the children of %u",
				     pid, tm.ppid, ex->target_tgid);
	}
	pd->any_task = true;
	pd->last_pid = pid;
	pd->last_tgid = tgid;
	pd->cont = tm.has[a_cont];
	if (!ex->dump) {
		c->st.do_replies++;
		/* Without NLM_F_ACK, the reply is all */
		if (!ex->ack)
			pd->done = true;
	}
	return 0;
}

/* The extended ACK attributes after an error or NLMSG_DONE */
struct extack {
	bool msg;
	char text[128];
	bool has_offs;
	uint32_t offs;
	bool has_miss;
	uint32_t miss;
};

static int parse_extack(struct conv *c, const uint8_t *p, int len,
			struct extack *x)
{
	const struct nlattr *nla;

	memset(x, 0, sizeof(*x));
	while (len >= NLA_HDRLEN) {
		nla = (const void *)p;
		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > len)
			return cfail(c, "malformed extack attribute");
		switch (nla->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			x->msg = nla->nla_len > NLA_HDRLEN &&
				 p[NLA_HDRLEN] != 0;
			snprintf(x->text, sizeof(x->text), "%.*s",
				 (int)(nla->nla_len - NLA_HDRLEN),
				 (const char *)p + NLA_HDRLEN);
			break;
		case NLMSGERR_ATTR_OFFS:
			x->has_offs = true;
			x->offs = get_uint(p + NLA_HDRLEN, 4);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			x->has_miss = true;
			x->miss = get_uint(p + NLA_HDRLEN, 4);
			break;
		}
		len -= NLA_ALIGN(nla->nla_len);
		p += NLA_ALIGN(nla->nla_len);
	}
	return 0;
}

static bool in_may(const struct expect *ex, int err)
{
	unsigned int i;

	for (i = 0; i < ex->nmay; i++)
		if (ex->may[i] == err)
			return true;
	return false;
}

/* An error of a request, in NLMSG_ERROR or NLMSG_DONE */
static int on_error(struct conv *c, const struct sockst *s,
		    struct pending *pd, int err, const struct extack *x,
		    bool in_done)
{
	const struct expect *ex = &pd->ex;
	bool allowed = err == ex->err || in_may(ex, err);

	count_err(c->st.err, -err);
	if (!allowed)
		return cfail(c, "%s%s (\"%s\"), expected %s%s (model: %s)",
			     errname(err), in_done ? " in NLMSG_DONE" : "",
			     x->text, ex->err ? errname(ex->err) : "a reply",
			     ex->nmay ? " or another listed" : "", ex->why);
	if (!s->ext_ack)
		return 0;
	/* The errors of a request's checks say why */
	if (ex->extack && !x->msg && err != -EBUSY)
		return cfail(c, "%s without an extack message (model: %s)",
			     errname(err), ex->why);
	if (err == ex->err && ex->offs && (!x->has_offs || x->offs != ex->offs))
		return cfail(c, "%s (\"%s\") blames offset %d, expected %u",
			     errname(err), x->text, x->has_offs ? (int)x->offs : -1,
			     ex->offs);
	if (err == ex->err && ex->miss && (!x->has_miss || x->miss != ex->miss))
		return cfail(c, "%s (\"%s\"): missing attribute %d, expected %u",
			     errname(err), x->text, x->has_miss ? (int)x->miss : -1,
			     ex->miss);
	return 0;
}

/* The largest datagram netlink may make for a message of pd */
static size_t bound(const struct sockst *s, uint32_t max_len,
		    const struct pending *pd, uint16_t type)
{
	size_t b;

	if (type == NLMSG_ERROR)
		return NLMSG_HDRLEN + sizeof(struct nlmsgerr) +
		       (s->cap_ack ? 0 : NLMSG_ALIGN(pd->req_len)) +
		       ACK_TLV_MAX;
	if (!pd->ex.dump)
		return DO_REPLY_MAX;
	/*
	 * A dump's datagrams are as large as the largest recvmsg() (up to
	 * 32 KiB), at least a page, and with the memory map at least one
	 * mapping of a PATH_MAX name (taskdiag.rst: "5 KiB").
	 */
	b = max_len < NL_RECV_CAP ? max_len : NL_RECV_CAP;
	if (b < (size_t)getpagesize())
		b = getpagesize();
	if (pd->ex.show & g_vma && b < PATH_MAX + 1024)
		b = PATH_MAX + 1024;
	return b;
}

static int on_message(struct conv *c, struct sockst *s,
		      const struct nlmsghdr *nlh, uint32_t max_len,
		      size_t *maxb)
{
	struct pending *pd = find_pending(c, nlh->nlmsg_seq);
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	struct extack x = {};
	size_t off;
	int err;

	if (!pd)
		return cfail(c, "message type %u for seq %u: no such request",
			     nlh->nlmsg_type, nlh->nlmsg_seq);
	if (pd->done)
		return cfail(c, "message type %u after the end of request %u.%u (%s)",
			     nlh->nlmsg_type, pd->dgram, pd->msg, pd->ex.why);
	if (nlh->nlmsg_pid != s->portid)
		return cfail(c, "message to port %u, the socket's is %u",
			     nlh->nlmsg_pid, s->portid);
	off = bound(s, max_len, pd, nlh->nlmsg_type);
	if (off > *maxb)
		*maxb = off;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
			return cfail(c, "NLMSG_ERROR of %u bytes", nlh->nlmsg_len);
		if (!e->error) {
			if (!pd->ex.ack_only && !(pd->ex.ack && !pd->ex.dump &&
						  pd->replied))
				return cfail(c, "an ack (model: %s)", pd->ex.why);
			c->st.acks++;
			pd->done = true;
			return 0;
		}
		if (pd->replied)
			return cfail(c, "%s after replies", errname(e->error));
		off = NLMSG_HDRLEN + sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS && off <= nlh->nlmsg_len &&
		    parse_extack(c, (const uint8_t *)nlh + off,
				 nlh->nlmsg_len - off, &x))
			return -1;
		pd->done = true;
		return on_error(c, s, pd, e->error, &x, false);
	case NLMSG_DONE:
		if (!pd->ex.dump)
			return cfail(c, "NLMSG_DONE for a do");
		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
			return cfail(c, "NLMSG_DONE of %u bytes", nlh->nlmsg_len);
		memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS &&
		    parse_extack(c, (const uint8_t *)NLMSG_DATA(nlh) + 4,
				 nlh->nlmsg_len - NLMSG_HDRLEN - 4, &x))
			return -1;
		pd->done = true;
		if (err) {
			if (!pd->replied)
				return on_error(c, s, pd, err, &x, true);
			count_err(c->st.err, -err);
			return cfail(c, "%s in NLMSG_DONE (\"%s\") after %u tasks",
				     errname(err), x.text, pd->tasks);
		}
		if (pd->ex.err || pd->ex.silent || pd->ex.ack_only)
			return cfail(c, "a dump to a request that gets none (%s)",
				     pd->ex.why);
		if (pd->cont)
			return cfail(c, "NLMSG_DONE after a part with cont");
		if (pd->ex.must_see & ~pd->seen) {
			const struct task_ref *t = &sh->stable[pd->ex.see_ns]
				[__builtin_ctzll(pd->ex.must_see & ~pd->seen)];

			return cfail(c, "stable task %u (of %u) missing from the dump (%s)",
				     t->pid, t->tgid, pd->ex.why);
		}
		c->st.dumps++;
		return 0;
	default:
		if (nlh->nlmsg_type != family)
			return cfail(c, "message of type %u", nlh->nlmsg_type);
		return on_task(c, pd, nlh);
	}
}

static bool all_done(const struct conv *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (!c->p[i].done)
			return false;
	return true;
}

static pthread_mutex_t print_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void hexdump(const char *what, const uint8_t *p, size_t len)
{
	char line[80];
	size_t i, n = len < 512 ? len : 512;

	pthread_mutex_lock(&print_lock);
	ksft_print_msg("%s (%zu bytes%s):\n", what, len,
		       n < len ? ", the first 512" : "");
	for (i = 0; i < n; i++) {
		snprintf(line + (i % 16) * 3, 4, "%02x ", p[i]);
		if (i % 16 == 15 || i == n - 1)
			ksft_print_msg("  %04zx: %s\n", i - i % 16, line);
	}
	pthread_mutex_unlock(&print_lock);
}

/*
 * A socket's error that is no answer: netlink_recvmsg() looks at
 * cb_running unlocked before it makes a dump's next part, and when
 * another thread's sendmsg() starts and ends a dump of one part in
 * between, netlink_dump() finds none running and sets EINVAL as the
 * socket's error (net/netlink/af_netlink.c, not the family's). Nothing
 * is lost: counted, and read on.
 */
static bool spurious(struct conv *c, int err)
{
	if (err != EINVAL || !c->shared)
		return false;
	c->st.einval++;
	return true;
}

/*
 * Receive one datagram as the plan says and check it; 1 if one came,
 * 0 if none was there (MSG_DONTWAIT), -1 on a failure.
 */
static int recv_one(struct conv *c, struct sockst *s, struct recvplan *rp,
		    uint8_t *buf, bool lossy)
{
	struct rng r = { rp->seed++ };
	struct iovec iov[3];
	struct msghdr mh = { .msg_iov = iov };
	/* The datagram was made before this call: with what came before */
	uint32_t max_len = s->max_len;
	size_t len, maxb = 0, off, n;
	unsigned int i;
	ssize_t ret;
	int flags = MSG_DONTWAIT;

	if (rp->peek && !lossy) {
		len = rp->peek_len;
		iov[0] = (struct iovec){ buf, len };
		mh.msg_iovlen = 1;
		ret = recvmsg(s->fd, &mh, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
		if (ret < 0 && errno == ENOBUFS && s->small_rcvbuf) {
			c->lossy = true;
			c->st.enobufs++;
			return 1;
		}
		if (ret < 0)
			return errno == EAGAIN || spurious(c, errno) ? 0 :
			       cfail(c, "recvmsg(MSG_PEEK): %s", strerror(errno));
		if (len > s->max_len)
			s->max_len = len;
		if ((size_t)ret > len && !(mh.msg_flags & MSG_TRUNC))
			return cfail(c, "a peek at %zd bytes in %zu without MSG_TRUNC",
				     ret, len);
		len = ret + rp->slack;
	} else {
		len = lossy ? below(&r, 8192) : rp->direct_len;
		if (rp->trunc_flag || lossy)
			flags |= MSG_TRUNC;
	}
	if (len > RECV_BUF)
		len = RECV_BUF;
	/* The buffer in up to three pieces */
	mh.msg_iovlen = rp->niov;
	for (i = 0, off = 0; i < rp->niov; i++) {
		n = i == rp->niov - 1 ? len - off : below(&r, len - off + 1);
		iov[i] = (struct iovec){ buf + off, n };
		off += n;
	}
	ret = recvmsg(s->fd, &mh, flags);
	if (ret < 0 && errno == ENOBUFS && s->small_rcvbuf) {
		/* What was dropped is unknown: the rest is not checked */
		c->lossy = true;
		c->st.enobufs++;
		return 1;
	}
	if (ret < 0)
		return errno == EAGAIN || spurious(c, errno) ? 0 :
		       cfail(c, "recvmsg(): %s", strerror(errno));
	if (len > s->max_len)
		s->max_len = len;
	c->st.datagrams++;
	c->st.bytes += ret;
	c->progress = now();
	if (lossy)
		return 1;
	if (mh.msg_flags & MSG_TRUNC)
		return cfail(c, "a datagram of %zd bytes, more than the %zu asked for%s",
			     ret, len, rp->peek ? " after a peek" : "");
	for (off = 0; off + NLMSG_HDRLEN <= (size_t)ret;) {
		const struct nlmsghdr *nlh = (const void *)(buf + off);

		if (nlh->nlmsg_len < NLMSG_HDRLEN ||
		    nlh->nlmsg_len > (size_t)ret - off) {
			cfail(c, "message of %u bytes at %zu of a datagram of %zd",
			      nlh->nlmsg_len, off, ret);
			hexdump("datagram", buf, ret);
			return -1;
		}
		if (on_message(c, s, nlh, max_len, &maxb)) {
			hexdump("message", (const uint8_t *)nlh, nlh->nlmsg_len);
			return -1;
		}
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (off < (size_t)ret)
		return cfail(c, "%zu bytes after the messages", ret - off);
	if ((size_t)ret > maxb)
		return cfail(c, "a datagram of %zd bytes, more than netlink's %zu (recvmsg %u)",
			     ret, maxb, max_len);
	return 1;
}

/*
 * Receive until every request of c is answered, or max datagrams came
 * (max < 0: no limit). lock, if not NULL, is shared with another thread
 * reading the same socket. 0, or -1 with c->why set.
 */
static int drain(struct conv *c, struct sockst *s, struct recvplan *rp,
		 int max, pthread_mutex_t *lock, bool lossy)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint8_t *buf = malloc(RECV_BUF);
	int got = 0, ret, timeout;

	if (!buf)
		return cfail(c, "out of memory");
	if (lock)
		pthread_mutex_lock(lock);
	c->progress = now();
	while (!c->failed && !c->lossy && !all_done(c) &&
	       (max < 0 || got < max)) {
		if (now() - c->progress > HANG_MS / 1000.0) {
			cfail(c, "no answer for %d s", HANG_MS / 1000);
			break;
		}
		/*
		 * Answers are queued by the sendmsg() or recvmsg() that makes
		 * them: a partial read stops at an empty queue. Another thread
		 * reading the socket waits in slices, unlocked.
		 */
		timeout = max >= 0 ? 0 : lock ? 50 : HANG_MS;
		if (lock)
			pthread_mutex_unlock(lock);
		ret = poll(&pfd, 1, timeout);
		if (lock)
			pthread_mutex_lock(lock);
		if (ret < 0 && errno != EINTR) {
			cfail(c, "poll(): %s", strerror(errno));
			break;
		}
		if (ret == 0 && max >= 0)
			break;
		if (ret <= 0 || c->failed)
			continue;
		ret = recv_one(c, s, rp, buf, lossy);
		if (ret < 0)
			break;
		got += ret;
	}
	if (lock)
		pthread_mutex_unlock(lock);
	free(buf);
	return c->failed ? -1 : 0;
}

/* Nothing more may come once everything is answered */
static int check_quiet(struct conv *c, struct sockst *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	uint8_t buf[256];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return cfail(c, "after the answers: %s", strerror(errno));
	if (n >= NLMSG_HDRLEN) {
		const struct nlmsghdr *nlh = (const void *)buf;

		return cfail(c, "a datagram of %zd bytes after the answers: type %u seq %u",
			     n, nlh->nlmsg_type, nlh->nlmsg_seq);
	}
	return cfail(c, "a datagram of %zd bytes after the answers", n);
}

/*
 * Sockets
 */
static int sock_open(struct sockst *s)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &sl)) {
		close(s->fd);
		return -errno;
	}
	s->portid = sa.nl_pid;
	return 0;
}

static int sock_set(struct sockst *s, bool ext_ack, bool cap_ack)
{
	int on = ext_ack, cap = cap_ack;

	s->ext_ack = ext_ack;
	s->cap_ack = cap_ack;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on)) ||
	    setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &cap, sizeof(cap)))
		return -errno;
	return 0;
}

#define NSOCKS		3

/*
 * Who runs requests: the main thread, and a background thread whose
 * requests (on sockets of its own) run at the same time, for dumps in
 * parallel (the family has parallel_ops).
 */
struct worker {
	const char *name;
	bool background;
	uint64_t seed;
	struct sockst socks[NSOCKS];
	struct stats st;
	unsigned long done;		/* requests run */
};

static unsigned int failures;

/*
 * Requests
 */
enum scm_kind {
	SCM_NONE, SCM_OWN, SCM_STABLE, SCM_THREAD, SCM_OTHER_NS, SCM_RACY,
	SCM_GONE, SCM_BAD_UID, SCM_N
};

static const char *const scm_names[] = {
	"none", "own", "stable", "thread", "other-ns", "racy", "gone",
	"bad-uid",
};

/* One sendmsg(): up to MAX_BATCH request messages */
struct dgram {
	struct buf b;
	enum scm_kind scm;
	struct ucred cred;
	int ns;
	unsigned int nmsg;
	uint32_t seq[MAX_BATCH];
	unsigned int niov;
	char desc[160];
};

static uint32_t next_seq = 1;

static uint32_t new_seq(void)
{
	return __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
}

static void gen_message(struct rng *r, struct dgram *d, bool last)
{
	size_t at = d->b.len;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	uint16_t type = family, flags = NLM_F_REQUEST;
	uint8_t cmd = op->cmd, version = FS_FAMILY_VERSION, reserved = 0;
	bool dump = chance(r, 55);
	const struct fs_msg *req = dump ? &op->dump_req : &op->do_req;
	size_t len;
	int cut;

	noisy = chance(r, 55);
	if (bad(r, 3))
		type = chance(r, 50) ? below(r, NLMSG_MIN_TYPE) : 0xfff0;
	if (bad(r, 3))
		flags = 0;
	if (dump)
		flags |= NLM_F_DUMP;
	if (bad(r, 4))	/* half a dump */
		flags ^= chance(r, 50) ? NLM_F_ROOT : NLM_F_MATCH;
	if (chance(r, 30))
		flags |= NLM_F_ACK;
	if (chance(r, 10))
		flags |= NLM_F_ECHO;
	if (bad(r, 4))
		flags |= 1 << below(r, 16);
	if (bad(r, 4))
		cmd = chance(r, 30) ? 0 : below(r, 256);
	if (chance(r, 15))
		version = below(r, 256);
	if (bad(r, 3))
		reserved = below(r, 255) + 1;
	/* The attributes of the other mode, sometimes */
	if (bad(r, 5))
		req = dump ? &op->do_req : &op->dump_req;

	nlh = buf_put(&d->b, NLMSG_HDRLEN + GENL_HDRLEN);
	if (noisy)
		gen_attrs(r, &d->b, tset, req, 0, d->ns);
	else
		gen_clean_attrs(r, &d->b, dump, d->ns);
	/* What lies after the attributes */
	switch (noisy ? below(r, 40) : 40) {
	case 0:		/* a byte or three */
		put_random(r, buf_put(&d->b, below(r, 3) + 1), 1);
		break;
	case 1: {	/* an attribute longer than the rest */
		struct nlattr *nla = buf_put(&d->b, NLA_HDRLEN + 4);

		nla->nla_type = chance(r, 50) ? a_pid : below(r, 64);
		nla->nla_len = NLA_HDRLEN + 4 + below(r, 64) + 1;
		break;
	}
	case 2: {	/* an attribute shorter than its header */
		struct nlattr *nla = buf_put(&d->b, NLA_HDRLEN);

		nla->nla_type = a_pid;
		nla->nla_len = below(r, NLA_HDRLEN);
		break;
	}
	case 3:		/* a large request: a page fault per page to copy */
		if (chance(r, 20)) {
			struct nlattr *nla;

			len = below(r, MAX_REQ / 2);
			nla = buf_put(&d->b, NLA_HDRLEN + NLA_ALIGN(len));
			nla->nla_type = chance(r, 50) ? NLA_TYPE_MASK :
					a_pid;
			nla->nla_len = NLA_HDRLEN + len;
		}
		break;
	default:
		break;
	}
	nlh = (struct nlmsghdr *)(d->b.p + at);
	len = d->b.len - at;
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = new_seq();
	d->seq[d->nmsg] = nlh->nlmsg_seq;
	nlh->nlmsg_pid = chance(r, 10) ? rnd(r) : 0;
	g = (struct genlmsghdr *)(nlh + 1);
	g->cmd = cmd;
	g->version = version;
	g->reserved = reserved;
	/*
	 * An nlmsg_len that lies: short, tiny, past the datagram, unaligned.
	 * Only the last message's, so that the kernel never takes the middle
	 * of a message for the next one's header.
	 */
	switch (last && noisy ? below(r, 60) : 60) {
	case 0:
		nlh->nlmsg_len = below(r, NLMSG_HDRLEN + GENL_HDRLEN);
		break;
	case 1:
		nlh->nlmsg_len += below(r, 64) + 1;
		break;
	case 2:		/* cut: what is left is too short to be a message */
		cut = below(r, 12) + 1;
		if (len - cut >= NLMSG_HDRLEN)
			nlh->nlmsg_len = len - cut;
		break;
	case 3:		/* unaligned: no padding after the last attribute */
		if (len > NLMSG_HDRLEN + GENL_HDRLEN && chance(r, 50)) {
			d->b.len -= below(r, 3) + 1;
			nlh->nlmsg_len = d->b.len - at;
		}
		break;
	}
	/* The next message starts aligned */
	buf_put(&d->b, NLMSG_ALIGN(d->b.len) - d->b.len);
	d->nmsg++;
}

/* SCM_CREDENTIALS of root, or of nobody (the nobody helper's) */
static void gen_scm(struct rng *r, struct dgram *d, bool nobody)
{
	const struct task_ref *t;
	uid_t own = nobody ? NOBODY : 0;

	d->scm = chance(r, 55) ? SCM_NONE : below(r, chance(r, 85) ?
							SCM_RACY + 1 : SCM_N);
	d->ns = NS_OURS;
	d->cred = (struct ucred){ .pid = nobody ? helper_pid[1] : self_pid,
				  .uid = own, .gid = own };
	if (chance(r, 20))
		d->cred.uid = NOBODY - own;
	d->cred.gid = d->cred.uid;
	switch (d->scm) {
	case SCM_NONE:
	case SCM_OWN:
		break;
	case SCM_STABLE:
		t = &sh->stable[NS_OURS][below(r, sh->nstable[NS_OURS])];
		d->cred.pid = t->pid;
		break;
	case SCM_THREAD:
		d->cred.pid = chance(r, 50) ? resident_tid :
			      sh->stable[NS_OURS][below(r, sh->nstable[NS_OURS])].pid;
		break;
	case SCM_OTHER_NS:
		d->cred.pid = nsinit_pid;
		d->ns = NS_OTHER;
		break;
	case SCM_RACY:
		d->cred.pid = ring_pick(r, chance(r, 70) ? sh->racy : sh->reaped);
		/* Reused, maybe by a task of a namespace of the churner's */
		d->ns = NS_UNKNOWN;
		break;
	case SCM_GONE:
		d->cred.pid = chance(r, 50) ? 0 : chance(r, 50) ? -1 :
			      pid_max + below(r, 100);
		break;
	case SCM_BAD_UID:
		d->cred.uid = -1;
		break;
	case SCM_N:
		break;
	}
}

/* Stable pids of ours whose namespace is the other one */
static bool pid_in_other_ns(uint32_t pid);

static void gen_dgram(struct rng *r, struct dgram *d, bool nobody)
{
	unsigned int n = chance(r, 8) ? below(r, MAX_BATCH) + 1 : 1;

	memset(d, 0, sizeof(*d));
	gen_scm(r, d, nobody);
	/* The tasks of the other namespace have pids in ours too */
	if (d->scm != SCM_NONE && d->ns != NS_UNKNOWN && d->cred.pid > 0 &&
	    pid_in_other_ns(d->cred.pid))
		d->ns = NS_OTHER;
	/* nobody may claim no other pid */
	if (nobody)
		d->ns = NS_OURS;
	while (d->nmsg < n)
		gen_message(r, d, d->nmsg == n - 1);
	d->niov = below(r, 3) + 1;
	snprintf(d->desc, sizeof(d->desc), "%u message%s, scm %s pid %d uid %u",
		 d->nmsg, d->nmsg > 1 ? "s" : "", scm_names[d->scm],
		 d->cred.pid, d->cred.uid);
}

static bool dump_running(const struct conv *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->p[i].ex.dump && !c->p[i].done && !c->p[i].ex.err &&
		    !c->p[i].ex.silent && !c->p[i].ex.ack_only)
			return true;
	return false;
}

/*
 * What sendmsg() of d must return (0 or an error), from the credentials
 * it carries: scm_check_creds() refuses an invalid id with EINVAL, another
 * pid or id than the sender's with EPERM unless it is root; then the pid
 * must exist. *racy: the pid may be gone by then (ESRCH), or later.
 */
static int expect_send(const struct dgram *d, bool nobody, bool *racy)
{
	*racy = false;
	if (d->scm == SCM_NONE)
		return 0;
	if (d->cred.uid == (uid_t)-1 || d->cred.gid == (gid_t)-1)
		return -EINVAL;
	if (nobody && (d->cred.pid != helper_pid[1] ||
		       d->cred.uid != NOBODY || d->cred.gid != NOBODY))
		return -EPERM;
	if (d->cred.pid <= 0 || (uint32_t)d->cred.pid >= pid_max)
		return -ESRCH;
	*racy = d->scm == SCM_RACY;
	return 0;
}

static ssize_t sendmsg_dgram(int fd, const struct dgram *d)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))] = {};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct iovec iov[3];
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = iov, .msg_iovlen = d->niov };
	size_t off = 0, step = d->b.len / d->niov;
	unsigned int i;

	if (d->scm != SCM_NONE) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
		memcpy(CMSG_DATA(cm), &d->cred, sizeof(d->cred));
	}
	for (i = 0; i < d->niov; i++) {
		iov[i] = (struct iovec){ d->b.p + off,
					 i == d->niov - 1 ? d->b.len - off : step };
		off += iov[i].iov_len;
	}
	return sendmsg(fd, &mh, 0);
}

/* Add what the model expects of each message of d to c */
static void model_dgram(struct conv *c, const struct dgram *d,
			struct sendctx *sc, unsigned int reqno)
{
	size_t off, step;
	unsigned int i;

	for (off = 0, i = 0; off < d->b.len && c->n < MAX_PENDING; i++) {
		const struct nlmsghdr *nlh = (const void *)(d->b.p + off);
		struct pending *pd = &c->p[c->n];

		memset(pd, 0, sizeof(*pd));
		sc->dump_running = dump_running(c);
		step = model(d->b.p + off, d->b.len - off, sc, &pd->ex);
		if (!step)
			break;
		pd->seq = nlh->nlmsg_seq;
		pd->req_len = nlh->nlmsg_len;
		pd->dgram = reqno;
		pd->msg = i;
		if (pd->ex.silent) {
			c->st.silent++;
			pd->done = true;
		}
		if (verbose)
			ksft_print_msg("  %u.%u seq %u %s: %s\n", reqno, i,
				       pd->seq, pd->ex.dump ? "dump" : "do",
				       pd->ex.why);
		c->n++;
		off += step;
	}
}

/* sendmsg() came out as it must: 0, or -1 with c->why */
static int check_send(struct conv *c, const struct dgram *d, ssize_t ret,
		      int expect_err, bool racy)
{
	c->st.requests += d->nmsg;
	if (ret < 0) {
		count_err(c->st.send_err, errno);
		if (-errno == expect_err || (racy && errno == ESRCH))
			return 0;
		return cfail(c, "sendmsg(): %s, expected %s", strerror(errno),
			     expect_err ? errname(expect_err) : "success");
	}
	if (expect_err)
		return cfail(c, "sendmsg() succeeded, expected %s",
			     errname(expect_err));
	if ((size_t)ret != d->b.len)
		return cfail(c, "sendmsg() sent %zd of %zu", ret, d->b.len);
	return 0;
}

/*
 * Send a datagram on s and add what the model expects of it to c.
 * 0, or -1 on a failure (c->why).
 */
static int send_dgram(struct conv *c, struct sockst *s, struct dgram *d,
		      unsigned int reqno)
{
	struct sendctx sc = { .ns = d->ns };
	int expect_err = expect_send(d, false, &sc.scm_racy);
	ssize_t ret = sendmsg_dgram(s->fd, d);

	if (check_send(c, d, ret, expect_err, sc.scm_racy))
		return -1;
	if (ret >= 0)
		model_dgram(c, d, &sc, reqno);
	return 0;
}

/*
 * Helpers that take a socket over SCM_RIGHTS in the middle of a dump and
 * read the rest (or close it): one root, one nobody. The later parts of
 * the dump are made in their recvmsg(). The nobody one also sends
 * requests of its own, on a socket of root's or its own.
 */
#define MAX_DGRAM	(96 * 1024)

enum hand_kind { HAND_READ, HAND_CLOSE, HAND_SEND };

struct handoff {
	enum hand_kind kind;
	bool has_fd;
	struct sockst s;
	struct recvplan rp;
	struct conv c;
	/* HAND_SEND: the datagram and what sendmsg() must return */
	int send_err;
	enum scm_kind scm;
	struct ucred cred;
	unsigned int niov;
	size_t len;
	uint8_t bytes[MAX_DGRAM];
};

static void helper_run(struct handoff *h)
{
	struct dgram d = { .scm = h->scm, .cred = h->cred, .niov = h->niov,
			   .b = { h->bytes, h->len, h->len } };
	struct conv *c = &h->c;
	ssize_t ret;

	memset(&c->st, 0, sizeof(c->st));
	if (h->kind == HAND_CLOSE) {
		c->st.cut++;
		return;
	}
	if (h->kind == HAND_SEND) {
		bool ext_ack = h->s.ext_ack, cap_ack = h->s.cap_ack;

		if (!h->has_fd && (sock_open(&h->s) ||
				   sock_set(&h->s, ext_ack, cap_ack))) {
			cfail(c, "nobody's socket: %s", strerror(errno));
			return;
		}
		ret = sendmsg_dgram(h->s.fd, &d);
		if (check_send(c, &d, ret, h->send_err, false))
			return;
		/* Refused: nothing comes */
		if (ret < 0)
			c->n = 0;
	}
	if (!drain(c, &h->s, &h->rp, -1, NULL, false))
		check_quiet(c, &h->s);
}

static void helper_main(int sock, bool nobody)
{
	struct handoff *h = malloc(sizeof(*h));
	int fd;

	if (!h || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    (nobody && drop_to_nobody()))
		_exit(1);
	for (;;) {
		if (recv_fd(sock, &fd, h, sizeof(*h)))
			_exit(0);
		h->s.fd = fd;
		/* A lone request gets the helper's own socket */
		if (!h->has_fd)
			close(fd);
		helper_run(h);
		if (h->s.fd >= 0)
			close(h->s.fd);
		if (write_full(sock, &h->c, sizeof(h->c)))
			_exit(1);
	}
}

static int start_helper(int i)
{
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return -1;
	helper_pid[i] = fork();
	if (helper_pid[i] < 0)
		return -1;
	if (!helper_pid[i]) {
		close(sp[0]);
		helper_main(sp[1], i == 1);
	}
	close(sp[1]);
	helper_sock[i] = sp[0];
	return 0;
}

/*
 * Hand the socket to a helper, to go on with c as h says; its findings
 * come back in c. The socket is closed here: the helper holds the last
 * reference, unless has_fd is false (then it is only a carrier).
 */
static int hand_over(struct conv *c, struct sockst *s, struct handoff *h,
		     int helper)
{
	struct pollfd pfd = { .fd = helper_sock[helper], .events = POLLIN };
	struct stats st = c->st;
	int ret;

	h->s = *s;
	h->c = *c;
	ret = send_fd(helper_sock[helper], s->fd, h, sizeof(*h));
	if (h->has_fd) {
		close(s->fd);
		s->fd = -1;
	}
	if (ret)
		return cfail(c, "handing the socket over failed");
	if (poll(&pfd, 1, 2 * HANG_MS) != 1 ||
	    read_full(helper_sock[helper], c, sizeof(*c)))
		return cfail(c, "the %s helper did not answer",
			     helper_names[helper]);
	stats_add(&st, &c->st);
	c->st = st;
	return c->failed ? -1 : 0;
}

/* A request of nobody's, sent and read by the nobody helper */
static int nobody_request(struct conv *c, struct sockst *s, struct dgram *d,
			  struct recvplan *rp, struct rng *r,
			  unsigned int reqno)
{
	struct handoff *h = calloc(1, sizeof(*h));
	struct sendctx sc = { .ns = NS_OURS, .nobody = true };
	bool racy;
	int ret;

	if (!h)
		return cfail(c, "out of memory");
	h->kind = HAND_SEND;
	h->has_fd = chance(r, 50);	/* root's socket, or its own */
	h->rp = *rp;
	h->send_err = expect_send(d, true, &racy);
	h->scm = d->scm;
	h->cred = d->cred;
	h->niov = d->niov;
	h->len = d->b.len;
	memcpy(h->bytes, d->b.p, d->b.len);
	if (!h->send_err)
		model_dgram(c, d, &sc, reqno);
	ret = hand_over(c, s, h, 1);
	free(h);
	return ret;
}

/*
 * A request of a process that exits at once: the dump's parts are made
 * after the requester and its pid are gone.
 */
static int orphaned_request(struct conv *c, struct sockst *s,
			    struct dgram *d, unsigned int reqno)
{
	struct sendctx sc = { .ns = NS_OURS };
	int status;
	double t0;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return cfail(c, "fork(): %s", strerror(errno));
	if (!pid)
		_exit(sendmsg_dgram(s->fd, d) == (ssize_t)d->b.len ? 0 : 1);
	for (t0 = now(); waitpid(pid, &status, WNOHANG) == 0; usleep(500))
		if (now() - t0 > HANG_MS / 1000.0)
			return cfail(c, "the requester did not exit");
	c->st.requests += d->nmsg;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return cfail(c, "the requester's sendmsg() failed");
	model_dgram(c, d, &sc, reqno);
	return 0;
}

/* A reader killed in its recvmsg() while it makes a dump's parts */
static int killed_reader(struct conv *c, struct sockst *s, struct rng *r)
{
	static char buf[65536];
	double t0;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return cfail(c, "fork(): %s", strerror(errno));
	if (!pid) {
		for (;;)
			if (recv(s->fd, buf, sizeof(buf), 0) < 0 &&
			    errno != EINTR)
				pause();
	}
	usleep(below(r, 4000));
	kill(pid, SIGKILL);
	/* SIGKILL must get it out of any wait in the kernel */
	for (t0 = now(); waitpid(pid, NULL, WNOHANG) == 0; usleep(1000))
		if (now() - t0 > HANG_MS / 1000.0)
			return cfail(c, "a reader killed in recvmsg() still runs after %d s",
				     HANG_MS / 1000);
	c->st.cut++;
	return 0;
}

/* A second thread that sends its datagram on the same socket and reads */
struct peer {
	struct conv *c;
	struct sockst *s;
	struct recvplan *rp;
	struct dgram *d;
	pthread_mutex_t *lock;
	unsigned int reqno;
	unsigned int delay_us;
	int ret;
};

static void *peer_main(void *arg)
{
	struct peer *p = arg;

	struct sendctx sc = { .ns = p->d->ns };
	int expect_err = expect_send(p->d, false, &sc.scm_racy);
	unsigned int i, first;
	ssize_t ret;

	usleep(p->delay_us);
	/*
	 * The model goes first, so that the other thread knows the answers
	 * it may read; the sendmsg() then runs unlocked, at the same time as
	 * the other thread's recvmsg().
	 */
	pthread_mutex_lock(p->lock);
	first = p->c->n;
	if (!expect_err)
		model_dgram(p->c, p->d, &sc, p->reqno);
	pthread_mutex_unlock(p->lock);
	ret = sendmsg_dgram(p->s->fd, p->d);
	pthread_mutex_lock(p->lock);
	p->ret = check_send(p->c, p->d, ret, expect_err, sc.scm_racy);
	/* Refused as a whole: nothing comes */
	for (i = first; ret < 0 && i < p->c->n; i++)
		p->c->p[i].done = true;
	pthread_mutex_unlock(p->lock);
	if (!p->ret)
		p->ret = drain(p->c, p->s, p->rp, -1, p->lock, false);
	return NULL;
}

enum scenario {
	SC_NORMAL, SC_CLOSE, SC_HAND_OVER, SC_SECOND, SC_THREADS, SC_NOBODY,
	SC_KILLED, SC_ORPHANED, SC_N
};

static const char *const sc_names[] = {
	"normal", "closed mid-dump", "handed over", "second request",
	"two threads", "nobody's", "reader killed", "requester gone",
};

static_assert(SC_N <= 16, "struct stats counts 16 scenarios");

static void gen_recvplan(struct rng *r, struct recvplan *rp)
{
	static const uint32_t peeks[] = { 0, 1, 16, 20, 100, 4095, 4096, 8192,
					  16384, 32768 };

	memset(rp, 0, sizeof(*rp));
	rp->peek = chance(r, 60);
	rp->peek_len = chance(r, 80) ? peeks[below(r, ARRAY_SIZE(peeks))] :
		       below(r, 40000);
	rp->slack = chance(r, 50) ? 0 : below(r, 70000);
	rp->direct_len = chance(r, 50) ? 65536 + MAX_REQ : 2 * 65536;
	rp->trunc_flag = chance(r, 50);
	rp->niov = chance(r, 80) ? 1 : below(r, 3) + 1;
	rp->seed = rnd(r);
}

static void print_failure(const struct worker *w, unsigned int reqno,
			  enum scenario sc, struct dgram *d, unsigned int nd,
			  struct conv *c)
{
	unsigned int i;

	pthread_mutex_lock(&print_lock);
	ksft_print_msg("FAIL: seed %llu %srequest %u (%s): %s\n",
		       (unsigned long long)w->seed, w->name, reqno,
		       sc_names[sc], c->why);
	if (w->background)
		ksft_print_msg("(a request of the background thread: the bytes sent are below)\n");
	else
		ksft_print_msg("replay: fuzz -s %llu -r %u -v\n",
			       (unsigned long long)w->seed, reqno);
	for (i = 0; i < c->n; i++)
		ksft_print_msg("  request %u.%u seq %u %s: %s%s\n",
			       c->p[i].dgram, c->p[i].msg, c->p[i].seq,
			       c->p[i].ex.dump ? "dump" : "do", c->p[i].ex.why,
			       c->p[i].done ? ", answered" : "");
	for (i = 0; i < nd; i++) {
		char what[200];

		snprintf(what, sizeof(what), "datagram %u: %s", i, d[i].desc);
		hexdump(what, d[i].b.p, d[i].b.len);
	}
	pthread_mutex_unlock(&print_lock);
}

static struct sockst *pool_get(struct worker *w, struct rng *r)
{
	struct sockst *s = &w->socks[below(r, NSOCKS)];

	if (s->fd < 0 && sock_open(s))
		ksft_exit_fail_msg("socket(): %s\n", strerror(errno));
	if (sock_set(s, chance(r, 90), chance(r, 30)))
		ksft_exit_fail_msg("setsockopt(): %s\n", strerror(errno));
	return s;
}

/* A socket whose state is unknown after a failure: a new one */
static void pool_reset(struct sockst *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* Run w's request number reqno; 0, or -1 on a failure (printed) */
static int run_request(struct worker *w, unsigned int reqno)
{
	uint64_t seed = w->seed;
	struct rng r = { seed ^ (reqno * 0xd1342543de82ef95ULL) };
	enum scenario sc;
	struct dgram d[2] = {};
	struct recvplan rp, rp2;
	struct conv *c = calloc(1, sizeof(*c));
	struct sockst *s;
	unsigned int nd = 1, k;
	int ret = 0;

	if (!c)
		ksft_exit_fail_msg("out of memory\n");
	rnd(&r);
	k = below(&r, 100);
	sc = k < 63 ? SC_NORMAL : k < 69 ? SC_CLOSE : k < 76 ? SC_HAND_OVER :
	     k < 81 ? SC_SECOND : k < 86 ? SC_THREADS : k < 94 ? SC_NOBODY :
	     k < 97 ? SC_KILLED : SC_ORPHANED;
	/* The helpers serve the main thread only */
	if (w->background && (sc == SC_HAND_OVER || sc == SC_NOBODY))
		sc = SC_NORMAL;
	s = pool_get(w, &r);
	/* A small receive queue: netlink drops what does not fit */
	if (sc == SC_NORMAL && chance(&r, 4)) {
		int size = 1024 + below(&r, 16384);

		if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size,
			       sizeof(size)))
			ksft_exit_fail_msg("SO_RCVBUF: %s\n", strerror(errno));
		s->small_rcvbuf = true;
	}
	gen_dgram(&r, &d[0], sc == SC_NOBODY);
	gen_recvplan(&r, &rp);
	if (sc == SC_SECOND || sc == SC_THREADS) {
		gen_dgram(&r, &d[1], false);
		gen_recvplan(&r, &rp2);
		nd = 2;
	}
	if (sc == SC_NOBODY && d[0].b.len > MAX_DGRAM)
		sc = SC_NORMAL;
	/* The requester's own credentials: it is gone by the time they count */
	if (sc == SC_ORPHANED) {
		d[0].scm = SCM_NONE;
		d[0].ns = NS_OURS;
	}
	c->st.scenario[sc]++;
	if (verbose)
		ksft_print_msg("request %u: %s, %s\n", reqno, sc_names[sc],
			       d[0].desc);
	k = below(&r, 3);	/* datagrams read before the twist */
	if (sc != SC_NOBODY && sc != SC_ORPHANED)
		ret = send_dgram(c, s, &d[0], reqno);
	switch (sc) {
	case SC_NORMAL:
		if (!ret)
			ret = drain(c, s, &rp, -1, NULL, false);
		if (s->small_rcvbuf)
			pool_reset(s);
		break;
	case SC_CLOSE:
		if (!ret)
			ret = drain(c, s, &rp, k, NULL, chance(&r, 40));
		if (!ret && !all_done(c))
			c->st.cut++;
		pool_reset(s);
		break;
	case SC_HAND_OVER: {
		struct handoff *h = calloc(1, sizeof(*h));

		if (!h)
			ksft_exit_fail_msg("out of memory\n");
		h->kind = chance(&r, 25) ? HAND_CLOSE : HAND_READ;
		h->has_fd = true;
		h->rp = rp;
		if (!ret)
			ret = drain(c, s, &rp, k, NULL, false);
		if (!ret)
			ret = hand_over(c, s, h, below(&r, NHELPERS));
		free(h);
		pool_reset(s);
		break;
	}
	case SC_SECOND:
		if (!ret)
			ret = drain(c, s, &rp, k, NULL, false);
		if (!ret)
			ret = send_dgram(c, s, &d[1], reqno);
		if (!ret)
			ret = drain(c, s, &rp, -1, NULL, false);
		break;
	case SC_THREADS: {
		pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
		struct peer p = { c, s, &rp2, &d[1], &lock, reqno,
				  below(&r, 3000), 0 };
		pthread_t th;

		c->shared = true;
		if (pthread_create(&th, NULL, peer_main, &p)) {
			ret = cfail(c, "pthread_create(): %s", strerror(errno));
			break;
		}
		if (!ret)
			ret = drain(c, s, &rp, -1, &lock, false);
		pthread_join(th, NULL);
		ret = ret ?: p.ret;
		break;
	}
	case SC_NOBODY:
		ret = nobody_request(c, s, &d[0], &rp, &r, reqno);
		/* The socket went with it, or only carried it */
		break;
	case SC_KILLED:
		if (!ret)
			ret = killed_reader(c, s, &r);
		pool_reset(s);
		break;
	case SC_ORPHANED:
		ret = orphaned_request(c, s, &d[0], reqno);
		if (!ret)
			ret = drain(c, s, &rp, -1, NULL, false);
		break;
	case SC_N:
		break;
	}
	if (!ret && s->fd >= 0 && !c->lossy)
		ret = check_quiet(c, s);
	stats_add(&w->st, &c->st);
	w->done++;
	if (ret || c->failed) {
		print_failure(w, reqno, sc, d, nd, c);
		pool_reset(s);
		ret = -1;
	}
	free(d[0].b.p);
	free(d[1].b.p);
	free(c);
	return ret;
}

/*
 * The population
 */
static void *resident_main(void *arg)
{
	__atomic_store_n(&resident_tid, syscall(SYS_gettid), __ATOMIC_RELEASE);
	for (;;)
		pause();
	return NULL;
}

static void *short_thread(void *arg)
{
	ring_add(sh->racy, &sh->racy_pos, syscall(SYS_gettid));
	usleep((uintptr_t)arg);
	return NULL;
}

/* Threads of this process that come and go */
static void *churn_main(void *arg)
{
	struct rng r = { getpid() };
	pthread_attr_t attr;
	pthread_t th;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 65536);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		pthread_create(&th, &attr, short_thread,
			       (void *)(uintptr_t)(1000 + below(&r, 20000)));
		usleep(20000 + below(&r, 30000));
	}
	return NULL;
}

/* Many small mappings that do not merge, and many supplementary groups */
static void make_rich(unsigned int maps, unsigned int ngroups)
{
	gid_t *gids = calloc(ngroups, sizeof(*gids));
	unsigned int i;

	for (i = 0; gids && i < ngroups; i++)
		gids[i] = 1000 + 7 * i;
	if (gids && setgroups(ngroups, gids))
		ksft_print_msg("setgroups(): %s\n", strerror(errno));
	free(gids);
	for (i = 0; i < maps; i++)
		mmap(NULL, getpagesize(), i % 2 ? PROT_READ :
		     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void *exec_thread(void *arg)
{
	/* de_thread(): this thread takes the leader's pid */
	execl("/bin/sleep", "sleep", (const char *)arg, (char *)NULL);
	return NULL;
}

/* A child of the churner: exits soon, after a thread, a child, an exec */
static void churn_child(struct rng *r)
{
	pthread_t th;
	pid_t pid;

	switch (below(r, 7)) {
	case 0:
		pthread_create(&th, NULL, short_thread,
			       (void *)(uintptr_t)below(r, 20000));
		break;
	case 1:		/* an orphan, reparented to the churner */
		if (!fork()) {
			ring_add(sh->racy, &sh->racy_pos, getpid());
			usleep(below(r, 50000));
			_exit(0);
		}
		_exit(0);
	case 2:		/* split over messages, gone or exec'd in between */
		make_rich(100 + below(r, 200), below(r, 1000));
		if (chance(r, 50)) {
			usleep(below(r, 20000));
			pthread_create(&th, NULL, exec_thread, "0.02");
		}
		break;
	case 3:
		pthread_create(&th, NULL, exec_thread,
			       chance(r, 50) ? "0.01" : "0.05");
		break;
	case 4:		/* a pid namespace that dies soon, its tasks with it */
		if (unshare(CLONE_NEWPID))
			break;
		pid = fork();
		if (!pid) {
			if (!fork()) {
				usleep(below(r, 40000));
				_exit(0);
			}
			usleep(below(r, 30000));
			_exit(0);
		}
		if (pid > 0)
			ring_add(sh->racy, &sh->racy_pos, pid);
		break;
	default:
		break;
	}
	usleep(below(r, 30000));
	_exit(0);
}

/*
 * Map a file of a path of len bytes (with " (deleted)", more than
 * PATH_MAX - 1: a name too long to report) and remove it.
 */
static void map_deep(size_t len)
{
	char comp[200], top[64], leaf[256];
	int dirs[64], n, fd;
	size_t plen;

	memset(comp, 'd', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = 0;
	snprintf(top, sizeof(top), "td_fuzz.%d.%zu", getpid(), len);
	dirs[0] = open("/tmp", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dirs[0] < 0 || mkdirat(dirs[0], top, 0700))
		return;
	dirs[1] = openat(dirs[0], top, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	n = 1;
	plen = strlen("/tmp/") + strlen(top);
	/* Directories while a leaf of 1 to 200 bytes is left to make len */
	while (dirs[n] >= 0 && n < 62 && plen + sizeof(comp) + 2 <= len) {
		if (mkdirat(dirs[n], comp, 0700))
			break;
		dirs[n + 1] = openat(dirs[n], comp,
				     O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		n++;
		plen += sizeof(comp);
	}
	if (dirs[n] >= 0 && len > plen + 1 && len - plen - 1 < sizeof(leaf)) {
		memset(leaf, 'f', len - plen - 1);
		leaf[len - plen - 1] = 0;
		fd = openat(dirs[n], leaf, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0 && !ftruncate(fd, getpagesize()))
			mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, 0);
		if (fd >= 0)
			close(fd);
		unlinkat(dirs[n], leaf, 0);
	}
	for (; n > 0; n--) {
		if (dirs[n] >= 0)
			close(dirs[n]);
		unlinkat(dirs[n - 1], n == 1 ? top : comp, AT_REMOVEDIR);
	}
	close(dirs[0]);
}

/*
 * A stable process with much to report: hundreds of mappings, files of
 * long and too long names, thousands of supplementary groups, a thread.
 * Its data splits over messages whatever the receive buffer.
 */
static void rich_main(int ready)
{
	pthread_t th;
	char c = 'R';

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(1);
	make_rich(400, 3000);
	/* Names of PATH_MAX - 1 bytes, one more, and longer */
	map_deep(PATH_MAX - 1 - strlen(" (deleted)"));
	map_deep(PATH_MAX - strlen(" (deleted)"));
	map_deep(PATH_MAX + 600);
	if (pthread_create(&th, NULL, resident_main, NULL))
		c = 'E';
	if (write(ready, &c, 1) != 1)
		_exit(1);
	close(ready);
	for (;;)
		pause();
}

/* Processes that come and go: children, orphans, threads */
static void churner_main(void)
{
	struct rng r = { getpid() * 7919ULL };
	pid_t pid;
	int status;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    prctl(PR_SET_CHILD_SUBREAPER, 1))
		_exit(1);
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		pid = fork();
		if (pid == 0) {
			rnd(&r);
			r.s ^= getpid();
			churn_child(&r);
		}
		if (pid > 0)
			ring_add(sh->racy, &sh->racy_pos, pid);
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			ring_add(sh->reaped, &sh->reaped_pos, pid);
		usleep(20000 + below(&r, 40000));
	}
	_exit(0);
}

/* The first process of another pid namespace, with children there */
static void helper_main(int sock, bool nobody);

/*
 * The first process of another pid namespace (and mount namespace), with
 * children there; then a helper that reads the rest of dumps: a reader
 * whose own pid namespace is another than the request's.
 */
static void nsinit_main(int ready, int sock)
{
	struct pidlist tids = {};
	pid_t kids[2];
	unsigned int i, j;
	char c = 'R';

	if (spawn_sleepers(2, 2, NULL, kids))
		c = 'E';
	sh->ns[sh->nns++] = (struct task_ref){ 1, 1, 0 };
	for (i = 0; c == 'R' && i < 2; i++) {
		if (proc_tids("/proc", kids[i], &tids))
			c = 'E';
		for (j = 0; j < tids.n && sh->nns < ARRAY_SIZE(sh->ns); j++)
			sh->ns[sh->nns++] = (struct task_ref){ tids.v[j],
							       kids[i], 1 };
		pl_free(&tids);
	}
	if (write(ready, &c, 1) != 1)
		_exit(1);
	close(ready);
	helper_main(sock, false);
}

/* Our pids of the tasks of the other namespace */
static uint32_t nschild[16];
static unsigned int nnschild;

static bool pid_in_other_ns(uint32_t pid)
{
	unsigned int i;

	if (pid == (uint32_t)nsinit_pid)
		return true;
	for (i = 0; i < nnschild; i++)
		if (nschild[i] == pid)
			return true;
	return false;
}

/* Every thread of process pid, as stable tasks of our namespace */
static int add_process(pid_t pid, pid_t ppid, bool other_ns)
{
	struct pidlist tids = {};
	size_t i;

	if (proc_tids("/proc", pid, &tids))
		return -1;
	for (i = 0; i < tids.n; i++) {
		add_stable(NS_OURS, tids.v[i], pid, ppid);
		if (other_ns && nnschild < ARRAY_SIZE(nschild))
			nschild[nnschild++] = tids.v[i];
	}
	pl_free(&tids);
	return 0;
}

static void start_population(void)
{
	struct pidlist kids = {};
	int ready[2], sp[2];
	char c;
	size_t i;
	FILE *f;
	char comm[32] = "";

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap(): %s\n", strerror(errno));
	self_pid = getpid();
	if (spawn_sleepers(3, 3, NULL, sleepers))
		ksft_exit_fail_msg("spawning sleepers failed\n");

	/* Another pid namespace: its init and two children */
	if (pipe(ready) || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
				      0, sp))
		ksft_exit_fail_msg("pipe(): %s\n", strerror(errno));
	nsinit_pid = fork_pidns_init();
	if (nsinit_pid < 0)
		ksft_exit_fail_msg("a pid namespace: %s\n", strerror(errno));
	if (!nsinit_pid) {
		close(ready[0]);
		close(sp[0]);
		nsinit_main(ready[1], sp[1]);
	}
	close(ready[1]);
	close(sp[1]);
	helper_pid[2] = nsinit_pid;
	helper_sock[2] = sp[0];
	if (read(ready[0], &c, 1) != 1 || c != 'R')
		ksft_exit_fail_msg("the pid namespace's init failed\n");
	close(ready[0]);
	for (i = 0; i < sh->nns; i++)
		add_stable(NS_OTHER, sh->ns[i].pid, sh->ns[i].tgid,
			   sh->ns[i].ppid);
	if (proc_children("/proc", nsinit_pid, &kids) || kids.n != 2)
		ksft_exit_fail_msg("the pid namespace's children\n");
	for (i = 0; i < kids.n; i++)
		add_process(kids.v[i], nsinit_pid, true);
	pl_free(&kids);

	/* The rich process */
	if (pipe(ready))
		ksft_exit_fail_msg("pipe(): %s\n", strerror(errno));
	rich_pid = fork();
	if (rich_pid < 0)
		ksft_exit_fail_msg("fork(): %s\n", strerror(errno));
	if (!rich_pid) {
		close(ready[0]);
		rich_main(ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1 || c != 'R')
		ksft_exit_fail_msg("the rich process failed\n");
	close(ready[0]);

	churner_pid = fork();
	if (churner_pid < 0)
		ksft_exit_fail_msg("fork(): %s\n", strerror(errno));
	if (!churner_pid)
		churner_main();
	if (start_helper(0) || start_helper(1))
		ksft_exit_fail_msg("helpers: %s\n", strerror(errno));

	if (pthread_create(&resident_thread, NULL, resident_main, NULL))
		ksft_exit_fail_msg("pthread_create(): %s\n", strerror(errno));
	while (!__atomic_load_n(&resident_tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	add_stable(NS_OURS, self_pid, self_pid, getppid());
	add_stable(NS_OURS, resident_tid, self_pid, getppid());
	add_stable(NS_OURS, 1, 1, 0);
	f = fopen("/proc/2/comm", "r");
	if (f && fgets(comm, sizeof(comm), f) && !strcmp(comm, "kthreadd\n"))
		add_stable(NS_OURS, 2, 2, 0);
	if (f)
		fclose(f);
	for (i = 0; i < ARRAY_SIZE(sleepers); i++)
		add_process(sleepers[i], self_pid, false);
	add_stable(NS_OURS, churner_pid, churner_pid, self_pid);
	add_process(rich_pid, self_pid, false);
	add_stable(NS_OURS, nsinit_pid, nsinit_pid, self_pid);
	add_stable(NS_OURS, helper_pid[0], helper_pid[0], self_pid);
	add_stable(NS_OURS, helper_pid[1], helper_pid[1], self_pid);
	if (pthread_create(&churn_thread, NULL, churn_main, NULL))
		ksft_exit_fail_msg("pthread_create(): %s\n", strerror(errno));
}

static void stop_population(void)
{
	unsigned int i;

	__atomic_store_n(&sh->stop, true, __ATOMIC_RELAXED);
	pthread_join(churn_thread, NULL);
	kill_wait(churner_pid);
	kill_wait(nsinit_pid);
	kill_wait(rich_pid);
	for (i = 0; i < NHELPERS; i++)
		close(helper_sock[i]);
	kill_wait(helper_pid[0]);
	kill_wait(helper_pid[1]);
	for (i = 0; i < ARRAY_SIZE(sleepers); i++)
		kill_wait(sleepers[i]);
}

/*
 * Before the run: the family, what the kernel returns and whether root
 * sees everything (then a withheld group in a reply is a failure).
 */
static int resolve_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int id = -ENOMEM;

	if (sk) {
		id = genl_connect(sk);
		if (!id)
			id = genl_ctrl_resolve(sk, FS_FAMILY_NAME);
		nl_socket_free(sk);
	}
	return id;
}

/* One well-formed request on socket s, read to the end */
static int simple_request(struct conv *c, struct sockst *s, bool dump,
			  uint64_t show)
{
	struct recvplan rp = { .direct_len = 2 * 65536, .niov = 1 };
	struct dgram d = { .ns = NS_OURS, .niov = 1 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *nla;

	nlh = buf_put(&d.b, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = new_seq();
	g = (struct genlmsghdr *)(nlh + 1);
	g->cmd = op->cmd;
	g->version = FS_FAMILY_VERSION;
	nla = buf_put(&d.b, NLA_HDRLEN + 8);
	nla->nla_type = a_show;
	nla->nla_len = NLA_HDRLEN + 8;
	memcpy(nla + 1, &show, 8);
	if (!dump) {
		nla = buf_put(&d.b, NLA_HDRLEN + 4);
		nla->nla_type = a_pid;
		nla->nla_len = NLA_HDRLEN + 4;
		memcpy(nla + 1, &self_pid, 4);
	}
	nlh = (struct nlmsghdr *)d.b.p;
	nlh->nlmsg_len = d.b.len;
	if (send_dgram(c, s, &d, 0) || drain(c, s, &rp, -1, NULL, false)) {
		free(d.b.p);
		return -1;
	}
	free(d.b.p);
	return 0;
}

/*
 * Whether /proc hides tasks (hidepid=invisible or ptraceable) or shows
 * nothing of some (noaccess): then the checks of complete dumps and of
 * the groups every task has do not hold.
 */
static void proc_options(void)
{
	char line[512], *o;
	FILE *f = fopen("/proc/mounts", "r");

	sh->complete_check = true;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "proc /proc proc ", 16))
			continue;
		o = strstr(line, "hidepid=");
		if (!o || !strncmp(o + 8, "0", 1) || !strncmp(o + 8, "off", 3))
			continue;
		sh->complete_check = false;
		sh->proc_noaccess = !strncmp(o + 8, "1", 1) ||
				!strncmp(o + 8, "noaccess", 8);
	}
	if (f)
		fclose(f);
}

static void calibrate(void)
{
	struct sockst s;
	struct conv *c = calloc(1, sizeof(*c));
	unsigned int i;
	uint64_t bit;

	if (!c || sock_open(&s) || sock_set(&s, true, true))
		ksft_exit_fail_msg("socket: %s\n", strerror(errno));
	/* Each group on its own: EOPNOTSUPP if the kernel lacks it */
	supported = g_all;
	for (i = 0; i < groups->n; i++) {
		bit = 1ULL << groups->values[i];
		memset(c, 0, sizeof(*c));
		if (simple_request(c, &s, false, bit) &&
		    !strstr(c->why, "EOPNOTSUPP"))
			ksft_exit_fail_msg("calibration, group %s: %s\n",
					   groups->names[i], c->why);
		if (c->failed)
			supported &= ~bit;
	}
	/*
	 * Root's dump of everything: withheld must then never come; every
	 * stable task is in it, unless /proc hides tasks.
	 */
	proc_options();
	memset(c, 0, sizeof(*c));
	sh->root_sees_all = true;
	if (simple_request(c, &s, true, supported & ~g_vma_stat)) {
		if (!strstr(c->why, "from root"))
			ksft_exit_fail_msg("calibration dump: %s\n", c->why);
		sh->root_sees_all = false;
	}
	ksft_print_msg("fuzz: groups supported 0x%llx, root %s, /proc %s\n",
		       (unsigned long long)supported,
		       sh->root_sees_all ? "sees every group of every task" :
		       "has groups withheld",
		       sh->complete_check ? "lists every task" : "hides tasks");
	close(s.fd);
	free(c);
}

static void print_counts(const char *what, const uint64_t *by_errno)
{
	char line[1024];
	size_t n = 0;
	unsigned int i;

	line[0] = 0;
	for (i = 0; i < 256; i++)
		if (by_errno[i] && n < sizeof(line) - 40)
			n += snprintf(line + n, sizeof(line) - n, " %s %llu",
				      i ? errname(i) : "?",
				      (unsigned long long)by_errno[i]);
	ksft_print_msg("fuzz: %s:%s\n", what, n ? line : " none");
}

static void print_stats(const struct worker *w, const struct worker *bg,
			double secs)
{
	struct stats st = w->st;
	char line[1024];
	size_t n = 0;
	unsigned int i;

	stats_add(&st, &bg->st);
	ksft_print_msg("fuzz: %llu requests in %.1f s: %.1f req/s\n",
		       (unsigned long long)st.requests, secs,
		       secs > 0 ? st.requests / secs : 0.0);
	ksft_print_msg("fuzz: main thread: %llu requests in %lu rounds (%.1f rounds/s)\n",
		       (unsigned long long)w->st.requests, w->done,
		       secs > 0 ? w->done / secs : 0.0);
	ksft_print_msg("fuzz: background thread: %llu requests in %lu rounds\n",
		       (unsigned long long)bg->st.requests, bg->done);
	ksft_print_msg("fuzz: %llu do replies, %llu dumps (%llu task messages), %llu acks\n",
		       (unsigned long long)st.do_replies,
		       (unsigned long long)st.dumps,
		       (unsigned long long)st.task_msgs,
		       (unsigned long long)st.acks);
	ksft_print_msg("fuzz: %llu without answer, %llu cut short, %llu with answers dropped\n",
		       (unsigned long long)st.silent,
		       (unsigned long long)st.cut,
		       (unsigned long long)st.enobufs);
	ksft_print_msg("fuzz: %llu datagrams, %llu bytes; %llu spurious EINVAL of two threads\n",
		       (unsigned long long)st.datagrams,
		       (unsigned long long)st.bytes,
		       (unsigned long long)st.einval);
	print_counts("errors", st.err);
	print_counts("sendmsg errors", st.send_err);
	for (i = 0; i < SC_N; i++)
		n += snprintf(line + n, sizeof(line) - n, "%s %s %llu",
			      i ? "," : "", sc_names[i],
			      (unsigned long long)st.scenario[i]);
	ksft_print_msg("fuzz: scenarios:%s\n", line);
}

static bool bg_stop;

/* The background worker: requests until the main thread is done */
static void *background_main(void *arg)
{
	struct worker *w = arg;
	unsigned long i;
	double t;

	for (i = 0; !__atomic_load_n(&bg_stop, __ATOMIC_RELAXED); i++) {
		t = now();
		if (run_request(w, i) &&
		    __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED) >=
		    MAX_FAILURES)
			break;
		/* Half of a CPU at most: the main thread's rate goes first */
		t = now() - t;
		usleep((t < 0.05 ? t : 0.05) * 1e6);
	}
	return NULL;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"%s [-s SEED|random] [-n REQUESTS] [-t SECONDS] [-r REQUEST] [-B] [-v]\n"
		"  default: -s %d -n %d, and at most %d s (make check)\n"
		"  -r: send request REQUEST of the seed only, to replay it\n"
		"  -B: no background requests (-r implies it)\n",
		prog, CHECK_SEED, CHECK_REQUESTS, CHECK_SECONDS);
	exit(KSFT_FAIL);
}

int main(int argc, char **argv)
{
	struct worker w = { .name = "", .seed = CHECK_SEED };
	struct worker bg = { .name = "background ", .background = true };
	unsigned long n = CHECK_REQUESTS, first = 0, i;
	double limit = 0, t0, secs;
	bool background = true, defaults = true;
	pthread_t bg_thread;
	FILE *f;
	int opt;

	while ((opt = getopt(argc, argv, "s:n:t:r:Bv")) != -1) {
		switch (opt) {
		case 's':
			if (!strcmp(optarg, "random")) {
				if (getrandom(&w.seed, sizeof(w.seed), 0) !=
				    sizeof(w.seed))
					usage(argv[0]);
				w.seed >>= 1;
			} else {
				w.seed = strtoull(optarg, NULL, 0);
			}
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			defaults = false;
			break;
		case 't':
			limit = strtod(optarg, NULL);
			defaults = false;
			break;
		case 'r':
			first = strtoul(optarg, NULL, 0);
			n = first + 1;
			background = false;
			break;
		case 'B':
			background = false;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (defaults)
		limit = CHECK_SECONDS;
	ksft_print_header();
	ksft_print_msg("fuzz: seed %llu\n", (unsigned long long)w.seed);
	ksft_set_plan(1);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	spec_init();
	family = resolve_family();
	if (family < 0)
		ksft_exit_fail_msg("no \"%s\" generic netlink family: %s\n",
				   FS_FAMILY_NAME, nl_geterror(family));
	f = fopen("/proc/sys/kernel/pid_max", "r");
	if (!f || fscanf(f, "%u", &pid_max) != 1)
		ksft_exit_fail_msg("pid_max: %s\n", strerror(errno));
	fclose(f);
	for (i = 0; i < NSOCKS; i++)
		w.socks[i].fd = -1;
	for (i = 0; i < NSOCKS; i++)
		bg.socks[i].fd = -1;
	bg.seed = w.seed ^ 0x5851f42d4c957f2dULL;
	start_population();
	calibrate();
	ksft_print_msg("fuzz: family %s id %d version %d; requests %lu to %lu%s%s\n",
		       FS_FAMILY_NAME, family, FS_FAMILY_VERSION, first, n - 1,
		       limit > 0 ? " or until the time limit" : "",
		       background ? ", and background requests" : "");

	t0 = now();
	if (background &&
	    pthread_create(&bg_thread, NULL, background_main, &bg))
		ksft_exit_fail_msg("pthread_create(): %s\n", strerror(errno));
	for (i = first; i < n; i++) {
		if (limit > 0 && now() - t0 >= limit)
			break;
		if (__atomic_load_n(&failures, __ATOMIC_RELAXED) >= MAX_FAILURES)
			break;
		if (run_request(&w, i))
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
		if (!verbose && i > first && i % 10000 == 0)
			ksft_print_msg("fuzz: %lu requests, %.0f s\n", i - first,
				       now() - t0);
	}
	__atomic_store_n(&bg_stop, true, __ATOMIC_RELAXED);
	if (background)
		pthread_join(bg_thread, NULL);
	secs = now() - t0;
	stop_population();
	print_stats(&w, &bg, secs);
	if (failures)
		ksft_print_msg("fuzz: %u failure%s with seed %llu\n", failures,
			       failures > 1 ? "s" : "",
			       (unsigned long long)w.seed);
	ksft_test_result(!failures, "fuzz\n");
	ksft_finished();
}
