// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-size sweeps: a dump read with any receive buffer, however its
 * parts fall, puts together to what a 64 KiB reader gets, and that is what
 * /proc shows; and the reply of a do is never more than 32 KiB.
 *
 * The kernel builds each part of a dump in a buffer of exactly the largest
 * recvmsg() length the socket has seen (NLMSG_GOODSIZE at least, 5 KiB with
 * the map, SKB_WITH_OVERHEAD(32 KiB) at most), and splits a task where the
 * next item (a group, a supplementary gid, a mapping) would not leave room
 * for the cont flag. Where the parts end is thus a function of the receive
 * size and of the size of every item: a model of the split, fed with the
 * items of the reference dump, tells for each receive size where each part
 * ends and how close to the end of the buffer. The sweep takes the sizes
 * that bring each kind of item within 1 to 8 bytes of the end of a part
 * (fitting with the room for the flag, fitting without it, not fitting;
 * as the first item of a message, a continuation, a task's last), the end
 * of the dump near the room for NLMSG_DONE, a run of single-byte steps
 * from the smallest size allowed, and a coarse grid up to 64 KiB. Every
 * dump must be whole: a part with cont followed by a part of the same
 * task, one without by the next task, tasks in ascending order (no pid
 * repeats), base in the first part of a task, the parts merging to the
 * reference's task field by field.
 *
 * The population is quiescent and made to split: supplementary group
 * lists from none to 1000 gids, comm and thread names of every length,
 * threads, mappings of files whose paths are up to 3.8 KiB long, named
 * anonymous mappings.
 *
 * A do is swept over the size of its reply (a memory map from 4 KiB to
 * 60 KiB, with and without vma-stat; a cred list), densely where the
 * kernel's buffers end: it replies with one message that a 32 KiB reader
 * gets whole, or refuses with EMSGSIZE and says to use a dump.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/prctl.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW(g)		(1ULL << TASKDIAG_GROUP_##g)
#define SHOW_ALL	(SHOW(BASE) | SHOW(CRED) | SHOW(STAT) | SHOW(VMA) | \
			 SHOW(VMA_STAT))

/*
 * The receive sizes that bound what the kernel does: SKB_WITH_OVERHEAD()
 * of a page (NLMSG_GOODSIZE) and of 32 KiB, with the 320-byte
 * skb_shared_info of x86-64; parts are never smaller or larger.
 */
#define GOODSIZE	(4096 - 320)
#define MAX_PART	(32768 - 320)
/* The smallest receive buffer the documentation allows with the map */
#define VMA_MIN_BUF	8192
#define REF_BUF		65536
#define DO_BUF		32768

/* A message: nlmsghdr + genlmsghdr */
#define MSG_HDR		(NLMSG_HDRLEN + GENL_HDRLEN)
#define DONE_LEN	NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(int))
/* The cont flag, the room each part keeps */
#define CONT_LEN	NLA_HDRLEN

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

/* ---------------------------------------------------------------------- */
/* Raw dumps */

/* Every message of a reply, copied, and the size of each datagram */
struct rawdump {
	struct nlmsghdr **msg;
	size_t n, cap;
	uint32_t *dgram;
	size_t ndgram, dcap;
	int err;
	char extack[TD_EXTACK_LEN];
};

static void raw_free(struct rawdump *d)
{
	while (d->n)
		free(d->msg[--d->n]);
	free(d->msg);
	free(d->dgram);
	memset(d, 0, sizeof(*d));
}

static int raw_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rawdump *d = arg;
	struct nlmsghdr *copy;

	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct nlmsghdr **v = realloc(d->msg, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->msg = v;
		d->cap = cap;
	}
	copy = malloc(nlh->nlmsg_len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, nlh, nlh->nlmsg_len);
	d->msg[d->n++] = copy;
	return 0;
}

static int add_dgram(struct rawdump *d, uint32_t len)
{
	if (d->ndgram == d->dcap) {
		size_t cap = d->dcap ? 2 * d->dcap : 16;
		uint32_t *v = realloc(d->dgram, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->dgram = v;
		d->dcap = cap;
	}
	d->dgram[d->ndgram++] = len;
	return 0;
}

/*
 * Send req on a new socket that receives with exactly bufsize bytes, no
 * peeking, and collect the reply. td_request() is not used: it would
 * raise the buffer of a request with the map to 32 KiB.
 */
static int dump_raw(size_t bufsize, const struct td_req *req,
		    struct rawdump *d)
{
	struct nl_msg *msg;
	struct td *td;
	size_t before;
	int ret;

	memset(d, 0, sizeof(*d));
	ret = td_open(&td, bufsize, false);
	if (ret) {
		snprintf(d->extack, sizeof(d->extack), "(no socket)");
		d->err = ret;
		return ret;
	}
	msg = td_msg_alloc(td, req->dump);
	ret = msg ? td_msg_put_req(msg, req) : -ENOMEM;
	if (!ret)
		ret = td_send(td, msg, NULL);
	nlmsg_free(msg);
	td->raw_cb = raw_cb;
	while (!ret) {
		before = td->stats.bytes;
		ret = td_recv_chunk(td, NULL, d);
		if (td->stats.bytes > before &&
		    add_dgram(d, td->stats.bytes - before))
			ret = -ENOMEM;
		if (ret == 1)
			ret = 0;
		else if (!ret)
			break;
	}
	d->err = ret;
	snprintf(d->extack, sizeof(d->extack), "%s", td->err.msg);
	td_close(td);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* A merged task as text: two equal tasks have equal texts */

static void text_task(FILE *f, const struct td_merge *m)
{
	const struct td_task *t = &m->task;
	const struct td_base *b = &t->base;
	size_t i;
	int a;

	fprintf(f, "task %u tgid %u withheld %d:%#llx bad %#x %#x %#x %#llx\n",
		t->pid, t->tgid, t->has_withheld,
		(unsigned long long)t->withheld, t->bad_task, t->bad_base,
		t->bad_cred, (unsigned long long)t->bad_stat);
	if (t->has_base) {
		fprintf(f, "base %#x ppid %u tpid %u sid %u pgid %u state %u",
			b->present, b->ppid, b->tpid, b->sid, b->pgid,
			b->state);
		fprintf(f, " comm \"%s\" start %llu flags %#x ino %llu\n",
			b->comm, (unsigned long long)b->start_time, b->flags,
			(unsigned long long)b->pid_ino);
	}
	if (t->has_cred) {
		fprintf(f, "cred %#x", t->cred.present);
		for (a = 0; a <= TASKDIAG_A_CRED_MAX; a++)
			if (t->cred.present & (1U << a) &&
			    a != TASKDIAG_A_CRED_GROUPS)
				fprintf(f, " %d:%llu", a,
					(unsigned long long)t->cred.v[a]);
		fprintf(f, "\ngroups %zu", m->ngroups);
		for (i = 0; i < m->ngroups; i++)
			fprintf(f, "%s%u", i % 16 ? " " : "\n ", m->groups[i]);
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

		fprintf(f, "vma %zu %#llx %#llx", i,
			(unsigned long long)v->present,
			(unsigned long long)v->bad);
		for (a = 0; a <= TASKDIAG_A_VMA_MAX; a++)
			if (v->present & (1ULL << a) &&
			    a != TASKDIAG_A_VMA_NAME &&
			    a != TASKDIAG_A_VMA_VMA_STAT)
				fprintf(f, " %d:%llx", a,
					(unsigned long long)v->v[a]);
		td_print_vma_info(f, v);
		fprintf(f, " \"%s\"", v->name ?: "");
		if (v->present & (1ULL << TASKDIAG_A_VMA_VMA_STAT)) {
			fprintf(f, " stat %#llx %#llx",
				(unsigned long long)v->stat.present,
				(unsigned long long)v->stat.bad);
			for (a = 0; a <= TASKDIAG_A_VMA_STAT_MAX; a++)
				if (v->stat.present & (1ULL << a))
					fprintf(f, " %d:%llu", a,
						(unsigned long long)v->stat.v[a]);
		}
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

/* The first line where two texts differ, into why */
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
		 wl > 300 ? 300 : wl, w, gl > 300 ? 300 : gl, g);
}

/* ---------------------------------------------------------------------- */
/* The model of the split */

enum item_kind {
	K_HEAD,		/* a message of ids only */
	K_BASE,
	K_CRED,		/* the cred nest up to the supplementary groups */
	K_GROUP,	/* a supplementary gid */
	K_STAT,
	K_VMA,
	NR_KINDS
};

/* Items of one size each; a run of gids is one item of count elements */
struct mitem {
	uint8_t kind;
	uint32_t size;
	uint32_t count;
	uint64_t end;	/* bytes of the task's data up to its end */
};

struct mtask {
	uint32_t pid;
	uint32_t head;	/* header and ids */
	size_t first, n;
	uint64_t total;
};

struct model {
	struct mtask *t;
	size_t nt, tcap;
	struct mitem *it;
	size_t ni, icap;
	bool room;	/* an ids-only message keeps the room too */
};

static void model_free(struct model *mo)
{
	free(mo->t);
	free(mo->it);
	memset(mo, 0, sizeof(*mo));
}

static int model_item(struct model *mo, unsigned int kind, uint32_t size,
		      uint32_t count)
{
	struct mtask *t = &mo->t[mo->nt - 1];
	struct mitem *it;

	/* The gids of a cred nest continue the run of the part before */
	if (kind == K_GROUP && t->n && mo->it[mo->ni - 1].kind == K_GROUP) {
		it = &mo->it[mo->ni - 1];
		it->count += count;
		it->end += (uint64_t)size * count;
		t->total = it->end;
		return 0;
	}
	if (mo->ni == mo->icap) {
		size_t cap = mo->icap ? 2 * mo->icap : 256;

		it = realloc(mo->it, cap * sizeof(*it));
		if (!it)
			return -ENOMEM;
		mo->it = it;
		mo->icap = cap;
	}
	it = &mo->it[mo->ni++];
	it->kind = kind;
	it->size = size;
	it->count = count;
	it->end = t->total + (uint64_t)size * count;
	t->total = it->end;
	t->n++;
	return 0;
}

/* Add the items of one message of the reference */
static int model_add(struct model *mo, struct nlmsghdr *nlh, bool new_task,
		     uint32_t pid)
{
	struct nlattr *nla, *sub;
	uint32_t head = MSG_HDR, fixed, groups;
	int rem, srem, ret = 0;

	if (new_task) {
		if (mo->nt == mo->tcap) {
			size_t cap = mo->tcap ? 2 * mo->tcap : 64;
			struct mtask *t = realloc(mo->t, cap * sizeof(*t));

			if (!t)
				return -ENOMEM;
			mo->t = t;
			mo->tcap = cap;
		}
		memset(&mo->t[mo->nt], 0, sizeof(mo->t[0]));
		mo->t[mo->nt].first = mo->ni;
		mo->t[mo->nt++].pid = pid;
	}
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		uint32_t size = NLA_ALIGN(nla->nla_len);

		switch (nla_type(nla)) {
		case TASKDIAG_A_TASK_PID:
		case TASKDIAG_A_TASK_TGID:
		case TASKDIAG_A_TASK_WITHHELD:
			head += size;
			break;
		case TASKDIAG_A_TASK_BASE:
			ret = model_item(mo, K_BASE, size, 1);
			break;
		case TASKDIAG_A_TASK_STAT:
			ret = model_item(mo, K_STAT, size, 1);
			break;
		case TASKDIAG_A_TASK_VMA:
			ret = model_item(mo, K_VMA, size, 1);
			break;
		case TASKDIAG_A_TASK_CRED:
			fixed = NLA_HDRLEN;
			groups = 0;
			nla_for_each_nested(sub, nla, srem) {
				if (nla_type(sub) == TASKDIAG_A_CRED_GROUPS)
					groups++;
				else
					fixed += NLA_ALIGN(sub->nla_len);
			}
			/* A continuation carries gids only */
			if (fixed > NLA_HDRLEN)
				ret = model_item(mo, K_CRED, fixed, 1);
			if (!ret && groups)
				ret = model_item(mo, K_GROUP,
						 NLA_ALIGN(NLA_HDRLEN + 4),
						 groups);
			break;
		}
		if (ret)
			return ret;
	}
	if (new_task)
		mo->t[mo->nt - 1].head = head;
	return 0;
}

/*
 * Keys of what happens at the end of a part: the kind of the item that
 * did not fit, whether it was the first of the task's message, whether it
 * was the task's last, and by how many bytes (1..8) it missed the end of
 * the buffer with the room for the flag (1..4: it fits without the room);
 * the kind of the last item put and the bytes (0..7) left beyond the
 * room; how far the end of the dump is from leaving room for NLMSG_DONE.
 */
#define KEY_MISS(kind, first, last, o)	\
	((((kind) * 2 + (first)) * 2 + (last)) * 8 + (o) - 1)
#define KEY_LEFT(kind, s)	(KEY_MISS(NR_KINDS, 0, 0, 1) + (kind) * 8 + (s))
#define KEY_DONE(s)	(KEY_LEFT(NR_KINDS, 0) + (s))
#define NR_KEYS		KEY_DONE(16)

struct keys {
	uint16_t k[256];
	unsigned int n;
};

static void key_add(struct keys *ks, unsigned int key)
{
	if (ks->n < ARRAY_SIZE(ks->k))
		ks->k[ks->n++] = key;
}

/* Where a part begins: task, item, elements of that item already sent */
struct mcursor {
	size_t t, i;
	uint32_t e;
};

/* Bytes of the task's data before element e of item i */
static uint64_t m_offset(const struct model *mo, const struct mtask *t,
			 size_t i, uint32_t e)
{
	const struct mitem *it = &mo->it[t->first + i];

	return it->end - (uint64_t)it->size * (it->count - e);
}

/*
 * Split the dump for parts of size n as the kernel does: the size of each
 * datagram goes to dgram (max_dgram at most), the keys to ks. Returns the
 * number of datagrams, or -1 if an item does not fit an empty part.
 */
static int model_run(const struct model *mo, uint32_t n, struct keys *ks,
		     uint32_t *dgram, size_t max_dgram)
{
	struct mcursor c = {};
	size_t nd = 0;
	uint64_t pos;

	ks->n = 0;
	for (;;) {
		pos = 0;
		while (c.t < mo->nt) {
			const struct mtask *t = &mo->t[c.t];
			uint64_t at, avail, want, lead, start;
			const struct mitem *it;
			size_t lo, hi, k;
			uint32_t e;
			bool first;

			if (!t->n) {
				want = pos + t->head + (mo->room ? CONT_LEN : 0);
				if (want > n && !pos)
					return -1;
				if (want > n) {
					key_add(ks, KEY_MISS(K_HEAD, 1, 1,
							     want - n > 8 ?
							     8 : want - n));
					break;
				}
				pos += t->head;
				c.t++;
				continue;
			}
			it = &mo->it[t->first + c.i];
			/* A run of gids resumed opens a cred nest again */
			lead = t->head +
			       (it->kind == K_GROUP ? NLA_HDRLEN : 0);
			start = m_offset(mo, t, c.i, c.e);
			if (pos + lead + t->total - start + CONT_LEN <= n) {
				pos += lead + t->total - start;
				c = (struct mcursor){ .t = c.t + 1 };
				continue;
			}
			/* The last element that fits, with the room */
			avail = n > pos + lead + CONT_LEN ?
				n - pos - lead - CONT_LEN : 0;
			at = start + avail;
			lo = c.i;
			hi = t->n - 1;
			while (lo < hi) {
				k = (lo + hi) / 2;
				if (mo->it[t->first + k].end <= at)
					lo = k + 1;
				else
					hi = k;
			}
			k = lo;
			it = &mo->it[t->first + k];
			e = (at - (it->end - (uint64_t)it->size * it->count)) /
			    it->size;
			if (k == c.i && e < c.e)
				e = c.e;
			first = k == c.i && e == c.e;
			/* The element that did not fit */
			want = pos + lead + m_offset(mo, t, k, e) - start +
			       it->size + CONT_LEN;
			key_add(ks, KEY_MISS(it->kind, first,
					     k == t->n - 1 &&
					     e == it->count - 1,
					     want - n > 8 ? 8 : want - n));
			if (first) {
				if (!pos)
					return -1;
				break;
			}
			/* The element put last */
			{
				size_t pk = e ? k : k - 1;
				const struct mitem *p = &mo->it[t->first + pk];

				pos += lead + m_offset(mo, t, k, e) - start;
				if (n - pos - CONT_LEN < 8)
					key_add(ks, KEY_LEFT(p->kind,
							     n - pos - CONT_LEN));
			}
			pos += CONT_LEN;
			c.i = k;
			c.e = e;
			/* A run of gids ended exactly: the next item */
			if (c.e == it->count) {
				c.i++;
				c.e = 0;
			}
			break;
		}
		if (c.t == mo->nt) {
			if (n - pos + 8 >= DONE_LEN && n - pos < DONE_LEN + 8)
				key_add(ks, KEY_DONE(n - pos + 8 - DONE_LEN));
			if (n - pos >= DONE_LEN) {
				pos += DONE_LEN;
			} else {
				if (nd < max_dgram)
					dgram[nd] = pos;
				nd++;
				pos = DONE_LEN;
			}
			if (nd < max_dgram)
				dgram[nd] = pos;
			return nd + 1;
		}
		if (nd < max_dgram)
			dgram[nd] = pos;
		nd++;
	}
}

/* The part size the kernel uses for a receive size */
static uint32_t part_size(size_t bufsize, bool vma)
{
	size_t min = vma ? PATH_MAX + 1024 : GOODSIZE;

	if (bufsize > MAX_PART)
		bufsize = MAX_PART;
	return bufsize < min ? min : bufsize;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The receive sizes to sweep, from lo to REF_BUF: every size that covers
 * a key fewer than per_key times (taken in a scattered order so that they
 * spread over the range), every size of [lo, lo + dense), a grid of step
 * grid, and the sizes around MAX_PART. Returns how many went to sizes.
 */
static size_t select_sizes(const struct model *mo, size_t lo,
			   unsigned int per_key, size_t dense, size_t grid,
			   size_t *sizes, size_t max)
{
	static const size_t top[] = {
		MAX_PART - 1, MAX_PART, MAX_PART + 1, 40000, REF_BUF,
	};
	uint8_t *count = calloc(NR_KEYS, 1);
	uint64_t total = 0;
	size_t hi, range, i, j, n = 0, s;
	struct keys ks;
	uint32_t dg[1];
	bool want;

	if (!count)
		return 0;
	/* Beyond one part for the whole dump, every size is the same */
	for (i = 0; i < mo->nt; i++)
		total += mo->t[i].head + mo->t[i].total + 2 * CONT_LEN;
	hi = MAX_PART;
	if (total + DONE_LEN + 64 < hi)
		hi = total + DONE_LEN + 64;
	range = hi > lo ? hi - lo + 1 : 1;
	/* 32771 is a prime larger than any range: a permutation */
	for (i = 0; i < range && n < max; i++) {
		s = lo + (i * 32771) % range;
		if (model_run(mo, s, &ks, dg, 0) < 0)
			continue;
		want = false;
		for (j = 0; j < ks.n; j++)
			want |= count[ks.k[j]] < per_key;
		if (!want)
			continue;
		for (j = 0; j < ks.n; j++)
			if (count[ks.k[j]] < 255)
				count[ks.k[j]]++;
		sizes[n++] = s;
	}
	free(count);
	for (s = lo; s < lo + dense && n < max; s++)
		sizes[n++] = s;
	for (s = lo; s < MAX_PART && n < max; s += grid)
		sizes[n++] = s;
	for (i = 0; i < ARRAY_SIZE(top) && n < max; i++)
		if (top[i] >= lo)
			sizes[n++] = top[i];
	qsort(sizes, n, sizeof(*sizes), cmp_size);
	for (i = j = 0; i < n; i++)
		if (!j || sizes[j - 1] != sizes[i])
			sizes[j++] = sizes[i];
	return j;
}

/* ---------------------------------------------------------------------- */
/* /proc, field by field */

/* The credential lines of the status file in dir */
static int cmp_cred(const struct td_merge *m, const char *dir, char *why,
		    size_t len)
{
	const struct td_task *t = &m->task;
	uint64_t v[TASKDIAG_A_CRED_MAX + 1] = {};
	struct proc_cred pc;
	char path[128];
	int i, ret = 1;
	size_t g;

	snprintf(path, sizeof(path), "%s/status", dir);
	if (proc_read_cred(path, &pc)) {
		snprintf(why, len, "%s: unreadable", path);
		return 1;
	}
	for (i = 0; i < 4; i++) {
		v[TASKDIAG_A_CRED_UID + i] = pc.uid[i];
		v[TASKDIAG_A_CRED_GID + i] = pc.gid[i];
	}
	for (i = 0; i < 5; i++)
		v[TASKDIAG_A_CRED_CAP_INHERITABLE + i] = pc.cap[i];
	v[TASKDIAG_A_CRED_NO_NEW_PRIVS] = pc.nnp;
	v[TASKDIAG_A_CRED_SECCOMP] = pc.seccomp;
	v[TASKDIAG_A_CRED_SECCOMP_FILTERS] = pc.filters;
	if (!t->has_cred || t->bad_cred) {
		snprintf(why, len, "%s: cred nest missing or malformed (%#x)",
			 dir, t->bad_cred);
		goto out;
	}
	for (i = TASKDIAG_A_CRED_UID; i <= TASKDIAG_A_CRED_MAX; i++) {
		if (i == TASKDIAG_A_CRED_GROUPS || !td_cred_names[i])
			continue;
		if (!(t->cred.present & (1U << i)) || t->cred.v[i] != v[i]) {
			snprintf(why, len, "%s %s: netlink %#llx (%s), status %#llx",
				 dir, td_cred_names[i],
				 (unsigned long long)t->cred.v[i],
				 t->cred.present & (1U << i) ? "present" : "absent",
				 (unsigned long long)v[i]);
			goto out;
		}
	}
	if (m->ngroups != pc.ngroups) {
		snprintf(why, len, "%s: %zu groups, status %zu", dir,
			 m->ngroups, pc.ngroups);
		goto out;
	}
	for (g = 0; g < m->ngroups; g++) {
		if (m->groups[g] != pc.groups[g]) {
			snprintf(why, len, "%s: group %zu is %u, status %u", dir,
				 g, m->groups[g], pc.groups[g]);
			goto out;
		}
	}
	ret = 0;
out:
	free(pc.groups);
	return ret;
}

/* The stat and io files in dir (a quiescent task: every value equal) */
static int cmp_stat(const struct td_merge *m, const char *dir, char *why,
		    size_t len)
{
	const struct td_task *t = &m->task;
	unsigned long long f[PROC_STAT_FIELDS], io[7];
	char path[128];
	int a;

	if (!t->has_stat || t->bad_stat) {
		snprintf(why, len, "%s: stat nest missing or malformed (%#llx)",
			 dir, (unsigned long long)t->bad_stat);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/stat", dir);
	if (proc_read_stat_fields(path, f)) {
		snprintf(why, len, "%s: unreadable", path);
		return 1;
	}
	for (a = 0; a <= TASKDIAG_A_STAT_MAX; a++) {
		if (td_stat_field[a] && td_stat_as_proc(t, a) != (long long)f[td_stat_field[a]]) {
			snprintf(why, len, "%s field %d (attribute %d): netlink %lld, stat %lld",
				 dir, td_stat_field[a], a, td_stat_as_proc(t, a),
				 (long long)f[td_stat_field[a]]);
			return 1;
		}
	}
	snprintf(path, sizeof(path), "%s/io", dir);
	if (proc_read_io(path, io)) {
		snprintf(why, len, "%s: unreadable", path);
		return 1;
	}
	for (a = 0; a < 7; a++) {
		if (t->stat.v[TASKDIAG_A_STAT_RCHAR + a] != io[a]) {
			snprintf(why, len, "%s io line %d: netlink %llu, io %llu",
				 dir, a, (unsigned long long)
				 t->stat.v[TASKDIAG_A_STAT_RCHAR + a], io[a]);
			return 1;
		}
	}
	return 0;
}

/*
 * A task of a reference dump against /proc: base, cred and stat as its
 * stat, status and io files show them (the thread's for the thread
 * strategies), the map as maps or smaps (for a leader; none for another
 * thread).
 */
static int cmp_proc(const struct td_merge *m, uint64_t show, bool threads,
		    char *why, size_t len)
{
	const struct td_task *t = &m->task;
	char dir[64], sub[512];
	struct proc_map pm;
	int ret;

	if (threads)
		snprintf(dir, sizeof(dir), "/proc/%u/task/%u", t->tgid, t->pid);
	else
		snprintf(dir, sizeof(dir), "/proc/%u", t->pid);
	if (show & SHOW(BASE)) {
		ret = td_cmp_proc(t, "/proc", TDC_ALL, sub, sizeof(sub));
		if (ret) {
			snprintf(why, len, "%s", ret < 0 ? "/proc unreadable" : sub);
			return 1;
		}
	}
	if ((show & SHOW(CRED)) && cmp_cred(m, dir, why, len))
		return 1;
	if ((show & SHOW(STAT)) && cmp_stat(m, dir, why, len))
		return 1;
	if (!(show & (SHOW(VMA) | SHOW(VMA_STAT))))
		return 0;
	if (t->pid != t->tgid) {
		if (m->nvmas) {
			snprintf(why, len, "thread %u: %zu mappings", t->pid,
				 m->nvmas);
			return 1;
		}
		return 0;
	}
	if (proc_read_map(t->pid, show & SHOW(VMA_STAT), &pm)) {
		snprintf(why, len, "%s: maps unreadable", dir);
		return 1;
	}
	ret = td_cmp_map(m->vmas, m->nvmas, &pm, show & SHOW(VMA_STAT), sub,
			 sizeof(sub));
	proc_map_free(&pm);
	if (ret)
		snprintf(why, len, "%s: %s", dir, sub);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Walking a dump */

struct walk {
	uint64_t show;
	const struct pidlist *pop;	/* the tasks compared, sorted */
	bool exact;			/* the dump has them only */
	bool threads;			/* a thread strategy */
	struct model *mo;		/* if set, fed with the messages */
	/* called with each task of pop, its index in pop */
	int (*on_task)(struct walk *w, const struct td_merge *m, size_t i);
	struct ref *refs;		/* of the reference, by index */
	unsigned int found;
	char why[1024];
};

static ssize_t pop_index(const struct pidlist *pop, uint32_t pid)
{
	size_t lo = 0, hi = pop->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (pop->v[mid] == pid)
			return mid;
		if (pop->v[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

__printf(2, 3)
static int walk_fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->why, sizeof(w->why), fmt, ap);
	va_end(ap);
	return 1;
}

/*
 * td_merge_add(), but for a cred nest that begins in a continuation:
 * td_merge_add() takes its ids for a repeat even when no part before had
 * a cred nest (the nest did not fit the first part at all). Hand it the
 * gids only, and the rest here.
 */
static int merge_add(struct td_merge *m, const struct td_task *p,
		     bool cont_part)
{
	const uint32_t ids = ~(1U << TASKDIAG_A_CRED_GROUPS);
	struct td_task q;
	bool fresh;
	int ret, a;

	fresh = cont_part && p->has_cred && !m->task.has_cred &&
		(p->cred.present & ids);
	if (!fresh)
		return td_merge_add(m, p);
	q = *p;
	q.has_cred = false;
	q.cred.present &= ~ids;
	ret = td_merge_add(m, &q);
	if (ret < 0)
		return ret;
	m->task.has_cred = true;
	m->task.cred.present |= p->cred.present;
	for (a = 0; a <= TASKDIAG_A_CRED_MAX; a++)
		if (a != TASKDIAG_A_CRED_GROUPS)
			m->task.cred.v[a] = p->cred.v[a];
	m->cred_parts++;
	return ret;
}

struct walk_state {
	struct td_merge m;
	struct td_task prev;
	bool have_prev;
	/*
	 * The index in pop of the task completed by the last message: it is
	 * compared once the next message shows that it is really complete.
	 */
	ssize_t done;
};

static int walk_done(struct walk *w, struct walk_state *st)
{
	size_t i = st->done;

	if (st->done < 0)
		return 0;
	st->done = -1;
	w->found++;
	return w->on_task ? w->on_task(w, &st->m, i) : 0;
}

/* One message of a dump: see walk_dump() */
static int walk_msg(struct walk *w, struct walk_state *st,
		    struct nlmsghdr *nlh, size_t i)
{
	const struct td_task *prev = &st->prev;
	bool cont_part = st->have_prev && prev->cont;
	struct td_task t;
	ssize_t idx;
	int ret;

	if (td_parse_task(nlh, &t))
		return walk_fail(w, "message %zu: not a taskdiag message", i);
	if (!t.has_pid || !t.has_tgid || t.bad_task || t.bad_base ||
	    t.bad_cred || t.bad_stat)
		return walk_fail(w, "message %zu (pid %u): no ids or bad %#x %#x %#x %#llx",
				 i, t.pid, t.bad_task, t.bad_base, t.bad_cred,
				 (unsigned long long)t.bad_stat);
	idx = pop_index(w->pop, t.pid);
	if (cont_part) {
		if (t.pid != prev->pid || t.tgid != prev->tgid)
			return walk_fail(w, "message %zu: %u after a part of %u with cont",
					 i, t.pid, prev->pid);
		if (idx >= 0 && !t.has_base && !t.has_cred && !t.has_stat &&
		    !t.nvmas)
			return walk_fail(w, "message %zu: an empty continuation of %u, which lives",
					 i, t.pid);
	} else if (st->have_prev && t.pid == prev->pid) {
		return walk_fail(w, "message %zu: pid %u repeats: the part before lacks cont",
				 i, t.pid);
	} else if (st->have_prev && t.pid < prev->pid) {
		return walk_fail(w, "message %zu: pid %u after %u: not ascending",
				 i, t.pid, prev->pid);
	} else if ((w->show & SHOW(BASE)) && !t.has_base) {
		return walk_fail(w, "message %zu: the first part of %u lacks base",
				 i, t.pid);
	}
	if (walk_done(w, st))
		return 1;
	if (w->mo && model_add(w->mo, nlh, !cont_part, t.pid))
		return walk_fail(w, "no memory");
	ret = merge_add(&st->m, &t, cont_part);
	if (ret < 0)
		return walk_fail(w, "message %zu (pid %u): %s", i, t.pid,
				 st->m.err);
	st->prev = t;
	st->have_prev = true;
	if (ret == 1 && idx < 0 && w->exact)
		return walk_fail(w, "task %u is not one of the set", t.pid);
	if (ret == 1)
		st->done = idx;
	return 0;
}

/*
 * The messages of a dump, in order: each part of a task with cont is
 * followed by another part of it, a part without cont by another task,
 * tasks ascend (so no pid repeats), the first part of a task carries base
 * if asked for, a continuation of a task of pop carries data, the parts
 * merge (td_merge: no group repeated). Each task of pop goes to on_task.
 * Returns 0, or 1 with w->why set.
 */
static int walk_dump(struct walk *w, const struct rawdump *d)
{
	struct walk_state st = { .done = -1 };
	size_t i;
	int ret = 0;

	w->found = 0;
	w->why[0] = '\0';
	if (d->err)
		return walk_fail(w, "dump failed: %s (%d), extack \"%s\"",
				 strerror(-d->err), d->err, d->extack);
	for (i = 0; !ret && i < d->n; i++)
		ret = walk_msg(w, &st, d->msg[i], i);
	if (!ret && st.m.open)
		ret = walk_fail(w, "the last message has cont");
	if (!ret)
		ret = walk_done(w, &st);
	if (!ret && w->found != w->pop->n)
		ret = walk_fail(w, "%u of the %zu tasks compared are in the dump",
				w->found, w->pop->n);
	for (i = 0; !ret && i < d->ndgram; i++)
		if (d->dgram[i] > DO_BUF)
			ret = walk_fail(w, "datagram %zu of %u bytes", i,
					d->dgram[i]);
	td_merge_free(&st.m);
	return ret;
}

/* A merged task of the reference, copied */
struct ref {
	struct td_merge m;	/* task, groups and vmas only */
};

static void ref_free(struct ref *r)
{
	size_t i;

	for (i = 0; i < r->m.nvmas; i++)
		free((char *)r->m.vmas[i].name);
	free(r->m.vmas);
	free(r->m.groups);
	memset(r, 0, sizeof(*r));
}

static int ref_copy(struct ref *r, const struct td_merge *m)
{
	size_t i;

	r->m.task = m->task;
	r->m.groups = malloc((m->ngroups + 1) * sizeof(*m->groups));
	r->m.vmas = calloc(m->nvmas + 1, sizeof(*m->vmas));
	if (!r->m.groups || !r->m.vmas)
		return -ENOMEM;
	memcpy(r->m.groups, m->groups, m->ngroups * sizeof(*m->groups));
	r->m.ngroups = m->ngroups;
	for (i = 0; i < m->nvmas; i++) {
		r->m.vmas[i] = m->vmas[i];
		r->m.vmas[i].name = NULL;
		r->m.nvmas++;
		if (m->vmas[i].name) {
			r->m.vmas[i].name = strdup(m->vmas[i].name);
			if (!r->m.vmas[i].name)
				return -ENOMEM;
		}
	}
	return 0;
}

static bool same_vma(const struct td_vma *a, const struct td_vma *b)
{
	return a->present == b->present && a->bad == b->bad &&
	       !memcmp(a->v, b->v, sizeof(a->v)) &&
	       !memcmp(&a->info, &b->info, sizeof(a->info)) &&
	       !memcmp(&a->file, &b->file, sizeof(a->file)) &&
	       !strcmp(a->name ?: "", b->name ?: "") &&
	       a->stat.present == b->stat.present &&
	       a->stat.bad == b->stat.bad &&
	       !memcmp(a->stat.v, b->stat.v, sizeof(a->stat.v));
}

static bool same_base(const struct td_base *a, const struct td_base *b)
{
	return a->present == b->present && a->ppid == b->ppid &&
	       a->tpid == b->tpid && a->sid == b->sid && a->pgid == b->pgid &&
	       a->state == b->state && !strcmp(a->comm, b->comm) &&
	       a->start_time == b->start_time && a->flags == b->flags &&
	       a->pid_ino == b->pid_ino;
}

/* Every field, as task_text() would show them, without the text */
static bool same_task(const struct td_merge *ma, const struct td_merge *mb)
{
	const struct td_task *a = &ma->task, *b = &mb->task;
	size_t i;

	if (a->pid != b->pid || a->tgid != b->tgid ||
	    a->has_withheld != b->has_withheld || a->withheld != b->withheld ||
	    a->bad_task != b->bad_task || a->bad_base != b->bad_base ||
	    a->bad_cred != b->bad_cred || a->bad_stat != b->bad_stat ||
	    a->has_base != b->has_base || a->has_cred != b->has_cred ||
	    a->has_stat != b->has_stat || ma->ngroups != mb->ngroups ||
	    ma->nvmas != mb->nvmas)
		return false;
	if (a->has_base && !same_base(&a->base, &b->base))
		return false;
	if (a->has_cred &&
	    (a->cred.present != b->cred.present ||
	     memcmp(a->cred.v, b->cred.v, sizeof(a->cred.v)) ||
	     memcmp(ma->groups, mb->groups, ma->ngroups * sizeof(*ma->groups))))
		return false;
	if (a->has_stat &&
	    (a->stat.present != b->stat.present ||
	     memcmp(a->stat.v, b->stat.v, sizeof(a->stat.v))))
		return false;
	for (i = 0; i < ma->nvmas; i++)
		if (!same_vma(&ma->vmas[i], &mb->vmas[i]))
			return false;
	return true;
}

/* The reference: a copy of each task, and the task against /proc */
static int ref_task(struct walk *w, const struct td_merge *m, size_t i)
{
	if (ref_copy(&w->refs[i], m)) {
		snprintf(w->why, sizeof(w->why), "no memory");
		return 1;
	}
	return cmp_proc(m, w->show, w->threads, w->why, sizeof(w->why));
}

/* Another dump: each task equal to the reference's */
static int cmp_task(struct walk *w, const struct td_merge *m, size_t i)
{
	char *want, *got, diff[700];

	if (same_task(&w->refs[i].m, m))
		return 0;
	want = task_text(&w->refs[i].m);
	got = task_text(m);
	if (want && got)
		text_diff(want, got, diff, sizeof(diff));
	else
		snprintf(diff, sizeof(diff), "(no memory)");
	snprintf(w->why, sizeof(w->why), "task %u (%u parts) unlike the reference: %s",
		 m->task.pid, m->parts, diff);
	free(want);
	free(got);
	return 1;
}

static void free_refs(struct ref *refs, size_t n)
{
	while (refs && n)
		ref_free(&refs[--n]);
	free(refs);
}

/* ---------------------------------------------------------------------- */
/* The population: quiescent processes made to split */

struct member_spec {
	const char *comm;	/* NULL: inherited */
	int ngroups;
	int nthreads;		/* the main one included */
	int nfiles;		/* mappings of files with long paths */
	int nanon;		/* named anonymous mappings */
};

/* Processes of every kind of list length; the last two are targets */
static const struct member_spec members[] = {
	{ "a",		     0,	   1,  0,  0 },
	{ "sweep-member-01", 1,	   1,  0,  1 },
	{ "bb",		     2,	   2,  1,  0 },
	{ "ccc",	     3,	   1,  0,  2 },
	{ "dddd5",	     5,	   1,  2,  3 },
	{ "eeeeeeeeeeee",    8,	   3,  0,  0 },
	{ "f",		     13,   1,  3,  1 },
	{ "ggggggggggggggg", 21,   1,  0,  0 },
	{ "hh",		     34,   1,  1,  5 },
	{ "iiiiiiii",	     55,   2,  0,  0 },
	/* of strategy one: 8 KB of gids, 40 KB of mapping names */
	{ "big-process-xx",  1000, 4,  24, 20 },
	/* of strategy thread */
	{ "threaded",	     37,   24, 0,  0 },
};

#define NR_MEMBERS	ARRAY_SIZE(members)
#define M_ONE		(NR_MEMBERS - 2)
#define M_THREAD	(NR_MEMBERS - 1)
/* Directory levels of 240 bytes: paths of up to 3.8 KB */
#define NR_LEVELS	16
#define LEVEL_LEN	240
#define MAX_POP		64

struct pop {
	size_t n;
	pid_t pid[MAX_POP];
	int hold[MAX_POP];
	char dir[64];
	char *paths[NR_LEVELS];
	struct pidlist procs;		/* the members, sorted */
	struct pidlist threads;		/* their threads */
};

static int member_hold = -1;

struct member_thread {
	sem_t started;
	char name[16];
};

static void *member_thread_fn(void *arg)
{
	struct member_thread *mt = arg;
	char c;

	prctl(PR_SET_NAME, mt->name);
	sem_post(&mt->started);
	while (read(member_hold, &c, 1) > 0)
		;
	return NULL;
}

static void fill_name(char *buf, size_t len, char c)
{
	memset(buf, c, len);
	buf[len] = '\0';
}

/* In the child: become what spec says */
static int member_setup(const struct member_spec *s, int idx,
			char * const *paths)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	struct member_thread mt;
	pthread_attr_t attr;
	char name[80];
	pthread_t th;
	gid_t *g;
	void *p;
	int i, fd;

	g = calloc(s->ngroups + 1, sizeof(*g));
	if (!g)
		return -1;
	/* Distinct gids, not in order: the kernel sorts them */
	for (i = 0; i < s->ngroups; i++)
		g[i] = 10000 + idx * 2000 + (i * 7919) % s->ngroups;
	if (setgroups(s->ngroups, g))
		return -1;
	free(g);
	for (i = 0; i < s->nfiles; i++) {
		fd = open(paths[(i * 5 + idx) % NR_LEVELS], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -1;
		p = mmap(NULL, pg, PROT_READ | (i & 1 ? PROT_WRITE : 0),
			 MAP_PRIVATE, fd, 0);
		close(fd);
		if (p == MAP_FAILED)
			return -1;
	}
	for (i = 0; i < s->nanon; i++) {
		p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			 0);
		fill_name(name, 1 + (i * 29 + idx * 11) % 79, 'A' + i % 26);
		if (p == MAP_FAILED ||
		    prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, pg, name))
			return -1;
	}
	sem_init(&mt.started, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (i = 1; i < s->nthreads; i++) {
		/* Names of every length */
		fill_name(mt.name, 1 + (i * 5 + idx) % 15, 'a' + i % 26);
		if (pthread_create(&th, &attr, member_thread_fn, &mt))
			return -1;
		sem_wait(&mt.started);
	}
	if (s->comm && prctl(PR_SET_NAME, s->comm))
		return -1;
	return 0;
}

static pid_t spawn_member(const struct member_spec *s, int idx,
			  char * const *paths, int *hold)
{
	int h[2], ready[2], fd;
	char c = 0;
	pid_t pid;

	if (pipe(h))
		return -1;
	if (pipe(ready)) {
		close(h[0]);
		close(h[1]);
		return -1;
	}
	pid = fork();
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Nothing of the test's lives on in the population */
		for (fd = 3; fd < 1024; fd++)
			if (fd != h[0] && fd != ready[1])
				close(fd);
		member_hold = h[0];
		c = !member_setup(s, idx, paths);
		if (write(ready[1], &c, 1) != 1 || !c)
			_exit(1);
		while (read(h[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(h[0]);
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1 || !c ||
	    wait_sleeping("/proc", pid)) {
		close(ready[0]);
		close(h[1]);
		kill_wait(pid);
		return -1;
	}
	close(ready[0]);
	*hold = h[1];
	return pid;
}

/* Files at each level of a chain of directories with long names */
static int make_paths(struct pop *p)
{
	char path[PATH_MAX], comp[LEVEL_LEN + 1], file[256];
	size_t pg = sysconf(_SC_PAGESIZE);
	int k, fd;

	snprintf(p->dir, sizeof(p->dir), "/tmp/td_sweep.XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	snprintf(path, sizeof(path), "%s", p->dir);
	for (k = 0; k < NR_LEVELS; k++) {
		if (k) {
			fill_name(comp, LEVEL_LEN, 'a' + k);
			strcat(path, "/");
			strcat(path, comp);
			if (mkdir(path, 0755))
				return -1;
		}
		fill_name(file, 1 + (k * 37) % 200, 'f');
		if (asprintf(&p->paths[k], "%s/%s", path, file) < 0) {
			p->paths[k] = NULL;
			return -1;
		}
		fd = open(p->paths[k], O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		if (ftruncate(fd, pg)) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static void pop_free(struct pop *p)
{
	int k;

	while (p->n) {
		p->n--;
		close(p->hold[p->n]);
		kill_wait(p->pid[p->n]);
	}
	remove_dir(p->dir);
	for (k = 0; k < NR_LEVELS; k++)
		free(p->paths[k]);
	pl_free(&p->procs);
	pl_free(&p->threads);
	memset(p, 0, sizeof(*p));
}

/* n members of spec each, or of members[] if spec is NULL */
static int pop_spawn(struct pop *p, const struct member_spec *spec, size_t n)
{
	size_t i;
	pid_t pid;

	memset(p, 0, sizeof(*p));
	if (make_paths(p))
		return -1;
	for (i = 0; i < n && i < MAX_POP; i++) {
		pid = spawn_member(spec ?: &members[i], i, p->paths,
				   &p->hold[i]);
		if (pid < 0)
			return -1;
		p->pid[p->n++] = pid;
		if (pl_add(&p->procs, pid) || proc_tids("/proc", pid, &p->threads))
			return -1;
	}
	pl_sort(&p->procs);
	pl_sort(&p->threads);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Sweeping the receive sizes of a dump */

struct sweep_cfg {
	unsigned int per_key;	/* sizes per key of the model */
	size_t dense;		/* single-byte steps from the smallest size */
	unsigned int dense_msgs; /* as many more as this many messages */
	size_t grid;		/* the step of the coarse grid */
	size_t max;		/* sizes at most */
};

static bool thread_strategy(uint32_t strategy)
{
	return strategy == TASKDIAG_DUMP_STRATEGY_ALL_THREAD ||
	       strategy == TASKDIAG_DUMP_STRATEGY_THREAD;
}

/*
 * Dump with req, read with REF_BUF: that is the reference, each task of
 * pop compared with /proc. Then the same dump read with each receive size
 * the model of the split picks: every one must come whole and equal.
 */
static void sweep_req(struct __test_metadata *_metadata,
		      const struct td_req *req, const struct pidlist *pop,
		      bool exact, const struct sweep_cfg *cfg,
		      const char *label)
{
	bool vma = req->show_flags & (SHOW(VMA) | SHOW(VMA_STAT));
	size_t lo = vma ? VMA_MIN_BUF : GOODSIZE;
	struct walk w = {
		.show = req->show_flags,
		.pop = pop,
		.exact = exact,
		.threads = thread_strategy(req->strategy),
	};
	size_t *sizes = NULL, n = 0, i, dense, largest = 0, foreseen = 0;
	char miss[128] = "";
	uint32_t dg[64];
	struct model mo = { .room = true };
	struct rawdump d;
	struct keys ks;
	double t0 = now();
	int np, ret;

	w.refs = calloc(pop->n, sizeof(*w.refs));
	ASSERT_NE(NULL, w.refs);
	dump_raw(REF_BUF, req, &d);
	w.mo = &mo;
	w.on_task = ref_task;
	ret = walk_dump(&w, &d);
	raw_free(&d);
	EXPECT_EQ(0, ret) TH_LOG("%s: the reference: %s", label, w.why);
	if (ret)
		goto out;

	for (i = 0; i < mo.nt; i++)
		if (mo.t[i].head + mo.t[i].total > largest)
			largest = mo.t[i].head + mo.t[i].total;
	dense = cfg->dense + cfg->dense_msgs * (largest + CONT_LEN);
	sizes = calloc(cfg->max + dense, sizeof(*sizes));
	ASSERT_NE(NULL, sizes);
	n = select_sizes(&mo, lo, cfg->per_key, dense, cfg->grid, sizes,
			 cfg->max + dense);
	ASSERT_LT(0, n);

	w.mo = NULL;
	w.on_task = cmp_task;
	for (i = 0; i < n; i++) {
		dump_raw(sizes[i], req, &d);
		ret = walk_dump(&w, &d);
		EXPECT_EQ(0, ret)
			TH_LOG("%s: receive size %zu (parts of %u): %s",
			       label, sizes[i], part_size(sizes[i], vma),
			       w.why);
		if (ret) {
			raw_free(&d);
			goto out;
		}
		/* How well the model knows the kernel: not a requirement */
		np = model_run(&mo, part_size(sizes[i], vma), &ks, dg,
			       ARRAY_SIZE(dg));
		if (np == (int)d.ndgram && np <= (int)ARRAY_SIZE(dg) &&
		    !memcmp(dg, d.dgram, np * sizeof(*dg)))
			foreseen++;
		else if (!miss[0])
			snprintf(miss, sizeof(miss),
				 " (not at %zu: %d datagrams, first %u, got %zu, first %u)",
				 sizes[i], np, dg[0], d.ndgram,
				 d.ndgram ? d.dgram[0] : 0);
		raw_free(&d);
	}
	ksft_print_msg("%s: %zu tasks, %zu sizes %zu-%zu, %.1f s; model right %zu times%s\n",
		       label, mo.nt, n, sizes[0], sizes[n - 1], now() - t0,
		       foreseen, miss);
out:
	free(sizes);
	free_refs(w.refs, pop->n);
	model_free(&mo);
}

static const struct {
	const char *name;
	uint64_t show;
} show_sets[] = {
	{ "base", SHOW(BASE) },
	{ "cred", SHOW(CRED) },
	{ "stat", SHOW(STAT) },
	{ "base+cred", SHOW(BASE) | SHOW(CRED) },
	{ "cred+stat", SHOW(CRED) | SHOW(STAT) },
	{ "vma", SHOW(VMA) },
	{ "vma-stat", SHOW(VMA_STAT) },
	{ "all groups", SHOW_ALL },
};

FIXTURE(sweep) {
	struct pop pop;
};

FIXTURE_VARIANT(sweep) {
	uint32_t strategy;
};

FIXTURE_VARIANT_ADD(sweep, all) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL,
};

FIXTURE_VARIANT_ADD(sweep, all_thread) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
};

FIXTURE_VARIANT_ADD(sweep, children) {
	.strategy = TASKDIAG_DUMP_STRATEGY_CHILDREN,
};

FIXTURE_VARIANT_ADD(sweep, thread) {
	.strategy = TASKDIAG_DUMP_STRATEGY_THREAD,
};

FIXTURE_VARIANT_ADD(sweep, one) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ONE,
};

FIXTURE_SETUP(sweep)
{
	int ret = pop_spawn(&self->pop, NULL, NR_MEMBERS);

	if (ret)
		pop_free(&self->pop);
	ASSERT_EQ(0, ret) TH_LOG("the population could not be made");
}

FIXTURE_TEARDOWN(sweep)
{
	pop_free(&self->pop);
}

/*
 * For the strategy, every set of groups, read with every receive size
 * the model picks: each dump whole and equal to the reference.
 */
TEST_F_TIMEOUT(sweep, receive_sizes, 900)
{
	const struct sweep_cfg plain = {
		.per_key = 2, .dense = 32, .grid = 1531, .max = 400,
	};
	const struct sweep_cfg map = {
		.per_key = 1, .dense = 8, .grid = 4099, .max = 200,
	};
	struct td_req req = td_dump_req(variant->strategy, 0);
	struct pidlist one = {}, tids = {};
	const struct pidlist *pop = &self->pop.procs;
	bool exact = true;
	char label[64];
	struct td *td;
	size_t i;

	/* Skip, not fail, without the family */
	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	switch (variant->strategy) {
	case TASKDIAG_DUMP_STRATEGY_ALL:
		exact = false;
		break;
	case TASKDIAG_DUMP_STRATEGY_ALL_THREAD:
		pop = &self->pop.threads;
		exact = false;
		break;
	case TASKDIAG_DUMP_STRATEGY_CHILDREN:
		req.pid = getpid();
		break;
	case TASKDIAG_DUMP_STRATEGY_THREAD:
		req.pid = self->pop.pid[M_THREAD];
		ASSERT_EQ(0, proc_tids("/proc", req.pid, &tids));
		ASSERT_EQ(members[M_THREAD].nthreads, tids.n);
		pop = &tids;
		break;
	case TASKDIAG_DUMP_STRATEGY_ONE:
		req.pid = self->pop.pid[M_ONE];
		ASSERT_EQ(0, pl_add(&one, req.pid));
		pop = &one;
		break;
	}
	req.has_show_flags = true;
	for (i = 0; i < ARRAY_SIZE(show_sets); i++) {
		req.show_flags = show_sets[i].show;
		snprintf(label, sizeof(label), "%s, %s",
			 td_strategy_name(variant->strategy),
			 show_sets[i].name);
		sweep_req(_metadata, &req, pop, exact,
			  req.show_flags & (SHOW(VMA) | SHOW(VMA_STAT)) ?
			  &map : &plain, label);
	}
	pl_free(&one);
	pl_free(&tids);
}

/*
 * The instance of the cont flag lost in cred: children with one
 * supplementary gid each, cred only. Where the fixed part of a child's
 * cred nest ends 0 to 3 bytes before the end of a part, the gid does not
 * fit and neither does the flag: the message must not end as if complete.
 * Every size of the first two messages' worth, the rest by the model.
 */
#define NR_ONE_GID	32

/* Tests that make their own population */
FIXTURE(own) {
	int unused;
};

FIXTURE_SETUP(own)
{
}

FIXTURE_TEARDOWN(own)
{
}

TEST_F_TIMEOUT(own, cred_one_gid_per_child, 600)
{
	const struct member_spec spec = { NULL, 1, 1, 0, 0 };
	const struct sweep_cfg cfg = {
		.per_key = 4, .dense = 16, .dense_msgs = 2, .grid = 1021,
		.max = 400,
	};
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_CHILDREN,
					getpid());
	struct pop p;
	struct td *td;
	int ret;

	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	ret = pop_spawn(&p, &spec, NR_ONE_GID);
	if (ret)
		pop_free(&p);
	ASSERT_EQ(0, ret);
	req.has_show_flags = true;
	req.show_flags = SHOW(CRED);
	sweep_req(_metadata, &req, &p.procs, true, &cfg,
		  "children, cred, one gid each");
	pop_free(&p);
}

/* ---------------------------------------------------------------------- */
/* The reply of a do, over the size of a memory map */

/* Anonymous pages of the mapper, each its own mapping when asked */
#define MAP_PAGES	1000
/* Its first pages may have names, for the sizes between two mappings */
#define NR_NAMED	8
#define MAX_NAME	79	/* an anon name is 80 bytes with its NUL */
#define MAX_GIDS	8000
#define COMM_LEN	16	/* TASK_COMM_LEN */
#define DO_MAX		(60 * 1024)

/* What the mapper makes of itself */
struct mapcmd {
	int32_t j;			/* pages with a mapping each */
	int32_t ngroups;		/* supplementary gids */
	uint8_t comm_len;
	uint8_t len[NR_NAMED];		/* of the pages' names, 0 for none */
};

/* Page i of the region: alone, read-only or read-write, or back to none */
static int map_page(char *region, size_t pg, int i, bool alone)
{
	return mprotect(region + i * pg, pg,
			!alone ? PROT_NONE :
			i & 1 ? PROT_READ | PROT_WRITE : PROT_READ);
}

/*
 * Pages 0 to j - 1 of the region alternate between read-only and
 * read-write (a mapping each), the rest is one PROT_NONE mapping. From
 * the map before (*cur), so that a sweep upwards costs one mprotect() per
 * mapping added.
 */
static int mapper_apply(char *region, size_t pg, gid_t *gids,
			struct mapcmd *cur, const struct mapcmd *c)
{
	char name[MAX_NAME + 1];
	int i;

	if (c->ngroups != cur->ngroups && setgroups(c->ngroups, gids))
		return -1;
	fill_name(name, c->comm_len, 'c');
	if (prctl(PR_SET_NAME, name))
		return -1;
	if (c->j < cur->j) {
		/* Back to one mapping */
		if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, region,
			  MAP_PAGES * pg, NULL) ||
		    mprotect(region, MAP_PAGES * pg, PROT_NONE))
			return -1;
		memset(cur, 0, sizeof(*cur));
	}
	for (i = cur->j; i < c->j && i < MAP_PAGES; i++)
		if (map_page(region, pg, i, true))
			return -1;
	for (i = 0; i < NR_NAMED && i < c->j; i++) {
		if (c->len[i] == cur->len[i])
			continue;
		fill_name(name, c->len[i], 'a' + i);
		if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, region + i * pg, pg,
			  c->len[i] ? name : NULL))
			return -1;
	}
	*cur = *c;
	return 0;
}

static void mapper_main(int cmd, int ack)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	static gid_t gids[MAX_GIDS];
	struct mapcmd c, cur = {};
	char *region;
	char ok;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < MAX_GIDS; i++)
		gids[i] = 50000 + i;
	/* Guard pages on both sides: the region never merges with others */
	region = mmap(NULL, (MAP_PAGES + 2) * pg, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ok = region != MAP_FAILED;
	if (write(ack, &ok, 1) != 1 || !ok)
		_exit(1);
	while (!read_full(cmd, &c, sizeof(c))) {
		ok = c.ngroups <= MAX_GIDS && c.comm_len &&
		     c.comm_len < COMM_LEN &&
		     !mapper_apply(region + pg, pg, gids, &cur, &c);
		if (write(ack, &ok, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

struct mapper {
	pid_t pid;
	int cmd, ack;
};

static int mapper_spawn(struct mapper *mp)
{
	int cmd[2], ack[2];
	char ok = 0;

	if (pipe(cmd))
		return -1;
	if (pipe(ack)) {
		close(cmd[0]);
		close(cmd[1]);
		return -1;
	}
	mp->pid = fork();
	if (!mp->pid) {
		close(cmd[1]);
		close(ack[0]);
		mapper_main(cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	mp->cmd = cmd[1];
	mp->ack = ack[0];
	if (mp->pid < 0 || read(mp->ack, &ok, 1) != 1 || !ok)
		return -1;
	return 0;
}

static void mapper_free(struct mapper *mp)
{
	close(mp->cmd);
	close(mp->ack);
	kill_wait(mp->pid);
}

static int mapper_set(struct mapper *mp, const struct mapcmd *c)
{
	char ok = 0;

	if (write_full(mp->cmd, c, sizeof(*c)) ||
	    read(mp->ack, &ok, 1) != 1 || !ok)
		return -1;
	/* Asleep in read(): its state is what /proc shows */
	return wait_sleeping("/proc", mp->pid);
}

/*
 * The size of the message a do would reply with: the parts of the dump
 * less their repeated ids, cont flags and cred nest headers.
 */
static size_t reply_size(const struct rawdump *d)
{
	struct nlattr *nla;
	size_t size = MSG_HDR, i;
	bool cred = false;
	int rem, type;

	for (i = 0; i < d->n; i++) {
		nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(d->msg[i]), 0),
				  genlmsg_attrlen(nlmsg_data(d->msg[i]), 0),
				  rem) {
			type = nla_type(nla);
			if (type == TASKDIAG_A_TASK_CONT ||
			    (i && (type == TASKDIAG_A_TASK_PID ||
				   type == TASKDIAG_A_TASK_TGID ||
				   type == TASKDIAG_A_TASK_WITHHELD)))
				continue;
			size += NLA_ALIGN(nla->nla_len);
			if (type == TASKDIAG_A_TASK_CRED && cred)
				size -= NLA_HDRLEN;
			cred |= type == TASKDIAG_A_TASK_CRED;
		}
	}
	return size;
}

struct do_walk {
	struct walk w;
	char *text;
};

/* The dump of the mapper against /proc; keep its text */
static int do_dump_task(struct walk *w, const struct td_merge *m, size_t i)
{
	struct do_walk *dw = (struct do_walk *)w;

	if (cmp_proc(m, w->show, false, w->why, sizeof(w->why)))
		return 1;
	dw->text = task_text(m);
	return !dw->text;
}

/*
 * A do of pid with show on a new socket that receives with bufsize, or
 * peeks (0) with a socket buffer that holds any reply (libnl's holds two
 * 32 KiB messages): it replies with one message of at most DO_BUF bytes
 * equal to the dump's text, or fails with EMSGSIZE and says to use a
 * dump. Returns 1 if it replied, 0 if it refused, -1 with why set
 * otherwise.
 */
static int check_do(pid_t pid, uint64_t show, size_t bufsize,
		    const char *text, char *why, size_t len)
{
	const int rcvbuf = 1 << 20;
	struct td_req req = {
		.has_show_flags = true, .show_flags = show,
		.has_pid = true, .pid = pid,
	};
	struct td_merge m = {};
	char *got = NULL;
	struct td *td;
	int ret;

	if (td_open(&td, bufsize, !bufsize)) {
		snprintf(why, len, "no socket");
		return -1;
	}
	if (!bufsize && setsockopt(td_fd(td), SOL_SOCKET, SO_RCVBUFFORCE,
				   &rcvbuf, sizeof(rcvbuf))) {
		snprintf(why, len, "SO_RCVBUFFORCE: %s", strerror(errno));
		td_close(td);
		return -1;
	}
	ret = td_fetch_req(td, &req, &m, NULL);
	if (!ret) {
		got = task_text(&m);
		ret = -1;
		if (td->stats.nmsg != 1 || m.parts != 1)
			snprintf(why, len, "%u messages", td->stats.nmsg);
		else if (td->stats.max_chunk > DO_BUF)
			snprintf(why, len, "a reply of %zu bytes, more than %d",
				 td->stats.max_chunk, DO_BUF);
		else if (!got || strcmp(got, text))
			text_diff(text, got ?: "", why, len);
		else
			ret = 1;
	} else if (ret != -EMSGSIZE || td->err.in_done ||
		   !strstr(td->err.msg, "dump") || td->stats.nmsg) {
		snprintf(why, len, "%s (%d), %u messages, extack \"%s\"%s",
			 strerror(-ret), ret, td->stats.nmsg, td->err.msg,
			 ret == -EMSGSIZE && !td->err.msg[0] ?
			 ": a reply longer than the buffer?" : "");
		ret = -1;
	} else {
		ret = 0;
	}
	free(got);
	td_merge_free(&m);
	td_close(td);
	return ret;
}

/* What a do of the mapper did */
struct do_result {
	size_t size;		/* of the reply, as the dump tells */
	bool ok;		/* the do replied */
};

/*
 * The mapper as it is: the dump of it (strategy one, read with 32 KiB)
 * equals /proc; a do read with 32 KiB and a do read peeking both reply the
 * same as the dump, or both refuse.
 */
static int check_mapper(struct mapper *mp, uint64_t show,
			struct do_result *r, char *why, size_t len)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, mp->pid);
	struct pidlist one = {};
	struct do_walk dw = {};
	struct rawdump d;
	int a, b, ret = -1;

	req.has_show_flags = true;
	req.show_flags = show;
	if (pl_add(&one, mp->pid))
		return -1;
	dw.w.show = show;
	dw.w.pop = &one;
	dw.w.exact = true;
	dw.w.on_task = do_dump_task;
	dump_raw(DO_BUF, &req, &d);
	if (walk_dump(&dw.w, &d)) {
		snprintf(why, len, "the dump: %.900s", dw.w.why);
		goto out;
	}
	r->size = reply_size(&d);
	/* What the kernel sends, then what a 32 KiB reader gets of it */
	b = check_do(mp->pid, show, 0, dw.text, why, len);
	if (b < 0)
		goto out;
	a = check_do(mp->pid, show, DO_BUF, dw.text, why, len);
	if (a < 0) {
		snprintf(why + strlen(why), len - strlen(why),
			 ", with a %d-byte buffer", DO_BUF);
		goto out;
	}
	if (a != b) {
		snprintf(why, len, "the do %s with 32 KiB, %s peeking",
			 a ? "replied" : "refused", b ? "replied" : "refused");
		goto out;
	}
	r->ok = a;
	ret = 0;
out:
	raw_free(&d);
	free(dw.text);
	pl_free(&one);
	return ret;
}

/*
 * What the mapper makes of itself for a reply of want bytes, knowing the
 * size s0 with no unit and v of a unit: with the map, a unit is a mapping
 * and names on the first ones make up for the rest; with cred, a unit is
 * a gid and the comm makes up for the rest.
 */
static void mapper_cmd(struct mapcmd *c, bool vma, long want, long s0,
		       long v)
{
	/* A name attribute: "[anon:" NAME "]" and a NUL, aligned */
	const long min_name = NLA_ALIGN(NLA_HDRLEN + 8 + 1);
	const long max_name = NLA_ALIGN(NLA_HDRLEN + 8 + MAX_NAME);
	long units = want > s0 ? (want - s0) / v : 0, rest, a;
	int i, k;

	memset(c, 0, sizeof(*c));
	c->comm_len = 1;
	if (!vma) {
		/* The comm attribute grows by 4 bytes every 4 characters */
		c->ngroups = units > MAX_GIDS ? MAX_GIDS : units;
		rest = want - s0 - units * v;
		if (rest > 0)
			c->comm_len = rest / 4 * 4 + 1;
		return;
	}
	/* As many names as make up for a mapping */
	k = (v + max_name - min_name - 1) / (max_name - min_name) + 1;
	if (k > NR_NAMED)
		k = NR_NAMED;
	units = want - s0 - k * min_name >= k * v ?
		(want - s0 - k * min_name) / v : units;
	rest = want - s0 - units * v;
	c->j = units > MAP_PAGES ? MAP_PAGES : units;
	if (units < k || rest < k * min_name)
		return;
	for (i = 0; i < k; i++) {
		/* Each later name keeps at least its smallest size */
		a = rest - (k - 1 - i) * min_name;
		if (a > max_name)
			a = max_name;
		a = NLA_ALIGN(a);
		/* The longest name of that size: 79 for the largest */
		c->len[i] = a - NLA_HDRLEN - 9;
		rest -= a;
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The reply sizes aimed at: a coarse sweep from s0 up to DO_MAX, and
 * 4-byte steps around where the kernel's buffers end (NLMSG_GOODSIZE, the
 * largest part of a dump, 32 KiB), and 32-byte steps between the last two.
 */
static size_t do_targets(long s0, long *t, size_t max)
{
	static const long edges[] = { GOODSIZE, MAX_PART, DO_BUF };
	size_t n = 0, i;
	long s;

	for (s = s0; s <= DO_MAX && n < max; s += 4096)
		t[n++] = s;
	for (i = 0; i < ARRAY_SIZE(edges); i++)
		for (s = edges[i] - 24; s <= edges[i] + 24 && n < max; s += 4)
			if (s >= s0)
				t[n++] = s;
	for (s = MAX_PART + 40; s < DO_BUF - 24 && n < max; s += 32)
		t[n++] = s;
	qsort(t, n, sizeof(*t), cmp_long);
	return n;
}

static void sweep_do(struct __test_metadata *_metadata, struct mapper *mp,
		     uint64_t show, const char *label)
{
	bool vma = show & (SHOW(VMA) | SHOW(VMA_STAT));
	long max_ok = 0, min_refused = LONG_MAX, t[256], s0, v;
	size_t max_size = 0;
	struct do_result ra = {}, rb = {}, r;
	struct mapcmd c = { .comm_len = 1 };
	size_t n, i, hits = 0, failed = 0;
	double t0 = now();
	char why[1024];
	int ret;

	/* Two sizes: of the fixed part, and of a unit */
	*(vma ? &c.j : &c.ngroups) = 4;
	ASSERT_EQ(0, mapper_set(mp, &c));
	ASSERT_EQ(0, check_mapper(mp, show, &ra, why, sizeof(why)))
		TH_LOG("%s: %s", label, why);
	*(vma ? &c.j : &c.ngroups) = 20;
	ASSERT_EQ(0, mapper_set(mp, &c));
	ASSERT_EQ(0, check_mapper(mp, show, &rb, why, sizeof(why)))
		TH_LOG("%s: %s", label, why);
	v = (rb.size - ra.size) / 16;
	s0 = ra.size - 4 * v;
	ASSERT_LT(0, v);

	n = do_targets(s0, t, ARRAY_SIZE(t));
	for (i = 0; i < n; i++) {
		mapper_cmd(&c, vma, t[i], s0, v);
		ASSERT_EQ(0, mapper_set(mp, &c));
		memset(&r, 0, sizeof(r));
		ret = check_mapper(mp, show, &r, why, sizeof(why));
		if (ret) {
			/* The first few, and the largest reply */
			if (++failed <= 3 || i == n - 1)
				EXPECT_EQ(0, ret)
					TH_LOG("%s, a reply of %zu bytes: %s",
					       label, r.size, why);
			continue;
		}
		hits += (long)r.size == t[i];
		if ((long)r.size > max_size)
			max_size = r.size;
		/* Whatever the kernel sends, a 32 KiB reader gets whole */
		EXPECT_FALSE(r.ok && r.size > DO_BUF)
			TH_LOG("%s: a reply of %zu bytes", label, r.size);
		if (r.ok && (long)r.size > max_ok)
			max_ok = r.size;
		if (!r.ok && (long)r.size < min_refused)
			min_refused = r.size;
	}
	if (failed)
		return;
	/* One limit: nothing larger than a refused reply is sent */
	EXPECT_LT(max_ok, min_refused);
	/* Half of 32 KiB fits for sure, and the sweep went beyond it */
	EXPECT_LE(DO_BUF / 2, max_ok);
	EXPECT_GE(DO_BUF, min_refused);
	ksft_print_msg("%s: %zu replies %ld-%zu bytes (%zu aimed), sent %ld, refused %ld; %.1f s\n",
		       label, n, s0, max_size, hits, max_ok, min_refused,
		       now() - t0);
}

/*
 * A do replies with one message that a reader with the documented 32 KiB
 * buffer receives whole, or refuses with EMSGSIZE and says to use a
 * dump: over memory maps whose reply goes from 4 KiB to 60 KiB, densely
 * where the kernel's buffers end; and the same with the cred list, from a
 * few hundred bytes on. The dump always works and equals /proc.
 */
TEST_F_TIMEOUT(own, do_reply_size, 600)
{
	struct mapper mp;
	struct td *td;

	TD_OPEN_OR_SKIP(&td, 0, false);
	td_close(td);
	ASSERT_EQ(0, mapper_spawn(&mp));
	sweep_do(_metadata, &mp, SHOW(VMA), "do, vma");
	sweep_do(_metadata, &mp, SHOW(VMA_STAT), "do, vma-stat");
	sweep_do(_metadata, &mp, SHOW(BASE) | SHOW(CRED), "do, base+cred");
	mapper_free(&mp);
}

TEST_HARNESS_MAIN
