// SPDX-License-Identifier: GPL-2.0
/*
 * Client of the taskdiag generic netlink family on top of libnl-genl.
 *
 * libnl builds and sends the requests, resolves the family, receives the
 * datagrams and parses attributes. The replies are walked here rather than
 * with nl_recvmsgs() because the tests need what libnl does not give: one
 * datagram at a time (to hand a socket to another process in the middle of
 * a dump), the errno and extended ACK of both NLMSG_ERROR and NLMSG_DONE, and
 * the sendmsg() errno as it is (not a libnl error code).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "taskdiag_lib.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int td_setup(struct td *td, size_t bufsize, bool peek)
{
	int one = 1;

	/*
	 * Before anything is received: the kernel sizes the datagrams of a
	 * dump by the largest recvmsg() length ever used on the socket.
	 */
	td_set_bufsize(td, bufsize, peek);

	/*
	 * Extended ACKs carry the reason of a rejection. CAP_ACK leaves the
	 * request out of NLMSG_ERROR: the extack then follows struct nlmsgerr.
	 */
	if (setsockopt(nl_socket_get_fd(td->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)) ||
	    setsockopt(nl_socket_get_fd(td->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		       &one, sizeof(one)))
		return -errno;
	nl_socket_disable_auto_ack(td->sk);
	return 0;
}

int td_open(struct td **tdp, size_t bufsize, bool peek)
{
	struct td *td;
	int ret;

	td = calloc(1, sizeof(*td));
	if (!td)
		return -ENOMEM;
	td->sk = nl_socket_alloc();
	if (!td->sk) {
		free(td);
		return -ENOMEM;
	}
	errno = 0;
	if (genl_connect(td->sk) < 0) {
		ret = errno ? -errno : -EIO;
		goto err;
	}
	ret = td_setup(td, bufsize, peek);
	if (ret)
		goto err;
	ret = genl_ctrl_resolve(td->sk, TASKDIAG_FAMILY_NAME);
	if (ret < 0) {
		ret = ret == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
		goto err;
	}
	td->family = ret;
	*tdp = td;
	return 0;
err:
	nl_socket_free(td->sk);
	free(td);
	return ret;
}

int td_open_fd(struct td **tdp, int fd, int family, uint32_t seq,
	       size_t bufsize, bool peek)
{
	struct td *td;
	int ret;

	td = calloc(1, sizeof(*td));
	if (!td)
		return -ENOMEM;
	td->sk = nl_socket_alloc();
	if (!td->sk) {
		free(td);
		return -ENOMEM;
	}
	errno = 0;
	if (nl_socket_set_fd(td->sk, NETLINK_GENERIC, fd) < 0) {
		ret = errno ? -errno : -EINVAL;
		nl_socket_free(td->sk);
		free(td);
		return ret;
	}
	td->family = family;
	td_adopt(td, seq);
	ret = td_setup(td, bufsize, peek);
	if (ret) {
		td_close(td);
		return ret;
	}
	*tdp = td;
	return 0;
}

void td_adopt(struct td *td, uint32_t seq)
{
	memset(&td->err, 0, sizeof(td->err));
	memset(&td->stats, 0, sizeof(td->stats));
	td->seq = seq;
	td->in_flight = true;
}

void td_close(struct td *td)
{
	if (!td)
		return;
	nl_socket_free(td->sk);	/* closes the socket */
	free(td);
}

int td_fd(const struct td *td)
{
	return nl_socket_get_fd(td->sk);
}

void td_set_bufsize(struct td *td, size_t bufsize, bool peek)
{
	if (bufsize)
		nl_socket_set_msg_buf_size(td->sk, bufsize);
	if (peek)
		nl_socket_enable_msg_peek(td->sk);
	else
		nl_socket_disable_msg_peek(td->sk);
}

struct nl_msg *td_msg_alloc(struct td *td, bool dump)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	/* A do is acknowledged so that its end is seen even on success */
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, td->family, 0,
			 dump ? NLM_F_DUMP : NLM_F_ACK, TASKDIAG_CMD_TASK_GET,
			 TASKDIAG_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int td_msg_put_req(struct nl_msg *msg, const struct td_req *req)
{
	if (req->has_show_flags &&
	    nla_put_u64(msg, TASKDIAG_A_TASK_SHOW_FLAGS, req->show_flags))
		return -EMSGSIZE;
	if (req->has_strategy &&
	    nla_put_u32(msg, TASKDIAG_A_TASK_DUMP_STRATEGY, req->strategy))
		return -EMSGSIZE;
	if (req->has_pid && nla_put_u32(msg, TASKDIAG_A_TASK_PID, req->pid))
		return -EMSGSIZE;
	return 0;
}

long td_msg_attr_offset(struct nl_msg *msg, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) == type)
			return (char *)nla - (char *)nlh;
	}
	return -1;
}

int td_send(struct td *td, struct nl_msg *msg, const struct ucred *creds)
{
	struct ucred c;

	nl_complete_msg(td->sk, msg);
	if (creds) {
		c = *creds;
		nlmsg_set_creds(msg, &c);
	}
	memset(&td->err, 0, sizeof(td->err));
	memset(&td->stats, 0, sizeof(td->stats));
	errno = 0;
	if (nl_send(td->sk, msg) < 0) {
		td->err.error = errno ? -errno : -EIO;
		return td->err.error;
	}
	td->seq = nlmsg_hdr(msg)->nlmsg_seq;
	td->in_flight = true;
	return 0;
}

int td_request(struct td *td, const struct td_req *req,
	       const struct ucred *creds)
{
	struct nl_msg *msg;
	int ret;

	msg = td_msg_alloc(td, req->dump);
	if (!msg)
		return -ENOMEM;
	ret = td_msg_put_req(msg, req);
	if (!ret)
		ret = td_send(td, msg, creds);
	nlmsg_free(msg);
	return ret;
}

/* Fill td->err from the TLVs that follow hdrlen bytes of payload */
static void td_parse_extack(struct td *td, struct nlmsghdr *nlh, int hdrlen)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = nlmsg_datalen(nlh) - NLMSG_ALIGN(hdrlen);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) +
					NLMSG_ALIGN(hdrlen)), len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(td->err.msg, tb[NLMSGERR_ATTR_MSG],
			    sizeof(td->err.msg));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		td->err.has_offs = true;
		td->err.offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		td->err.has_miss_type = true;
		td->err.miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
}

/* Expected attribute payload sizes; -1 for strings, 0 for flags */
static const int td_task_len[TASKDIAG_A_TASK_MAX + 1] = {
	[TASKDIAG_A_TASK_PID] = 4,
	[TASKDIAG_A_TASK_TGID] = 4,
	[TASKDIAG_A_TASK_CONT] = 0,
	[TASKDIAG_A_TASK_WITHHELD] = 8,
};

static const int td_base_len[TASKDIAG_A_BASE_MAX + 1] = {
	[TASKDIAG_A_BASE_PPID] = 4,
	[TASKDIAG_A_BASE_TPID] = 4,
	[TASKDIAG_A_BASE_SID] = 4,
	[TASKDIAG_A_BASE_PGID] = 4,
	[TASKDIAG_A_BASE_STATE] = 1,
	[TASKDIAG_A_BASE_COMM] = -1,
	[TASKDIAG_A_BASE_START_TIME] = 8,
	[TASKDIAG_A_BASE_FLAGS] = 4,
	[TASKDIAG_A_BASE_PID_INO] = 8,
};

static const int td_cred_len[TASKDIAG_A_CRED_MAX + 1] = {
	[TASKDIAG_A_CRED_UID ... TASKDIAG_A_CRED_FSGID] = 4,
	[TASKDIAG_A_CRED_CAP_INHERITABLE ... TASKDIAG_A_CRED_CAP_AMBIENT] = 8,
	[TASKDIAG_A_CRED_GROUPS] = 4,
	[TASKDIAG_A_CRED_NO_NEW_PRIVS] = 1,
	[TASKDIAG_A_CRED_SECCOMP] = 4,
	[TASKDIAG_A_CRED_SECCOMP_FILTERS] = 4,
};

static const int td_stat_len[TASKDIAG_A_STAT_MAX + 1] = {
	[TASKDIAG_A_STAT_UTIME ... TASKDIAG_A_STAT_NIVCSW] = 8,
	[TASKDIAG_A_STAT_THREADS ... TASKDIAG_A_STAT_PROCESSOR] = 4,
	[TASKDIAG_A_STAT_VSIZE ... TASKDIAG_A_STAT_IRQ_DELAY_TOTAL] = 8,
};

static bool td_len_ok(struct nlattr *nla, int want)
{
	if (want >= 0)
		return nla_len(nla) == want;
	/* A string: NUL-terminated, and at most TD_COMM_LEN with the NUL */
	return nla_len(nla) > 0 && nla_len(nla) <= TD_COMM_LEN &&
	       ((char *)nla_data(nla))[nla_len(nla) - 1] == '\0';
}

static void td_parse_base(struct nlattr *nest, struct td_task *t)
{
	struct nlattr *tb[TASKDIAG_A_BASE_MAX + 1];
	struct td_base *b = &t->base;
	int i;

	if (nla_parse_nested(tb, TASKDIAG_A_BASE_MAX, nest, NULL) < 0) {
		t->bad_task |= 1U << TASKDIAG_A_TASK_BASE;
		return;
	}
	for (i = TASKDIAG_A_BASE_PAD + 1; i <= TASKDIAG_A_BASE_MAX; i++) {
		if (!tb[i])
			continue;
		if (!td_len_ok(tb[i], td_base_len[i])) {
			t->bad_base |= 1U << i;
			tb[i] = NULL;
			continue;
		}
		b->present |= 1U << i;
	}
	if (tb[TASKDIAG_A_BASE_PPID])
		b->ppid = nla_get_u32(tb[TASKDIAG_A_BASE_PPID]);
	if (tb[TASKDIAG_A_BASE_TPID])
		b->tpid = nla_get_u32(tb[TASKDIAG_A_BASE_TPID]);
	if (tb[TASKDIAG_A_BASE_SID])
		b->sid = nla_get_u32(tb[TASKDIAG_A_BASE_SID]);
	if (tb[TASKDIAG_A_BASE_PGID])
		b->pgid = nla_get_u32(tb[TASKDIAG_A_BASE_PGID]);
	if (tb[TASKDIAG_A_BASE_STATE])
		b->state = nla_get_u8(tb[TASKDIAG_A_BASE_STATE]);
	if (tb[TASKDIAG_A_BASE_COMM])
		nla_strlcpy(b->comm, tb[TASKDIAG_A_BASE_COMM], sizeof(b->comm));
	if (tb[TASKDIAG_A_BASE_START_TIME])
		b->start_time = nla_get_u64(tb[TASKDIAG_A_BASE_START_TIME]);
	if (tb[TASKDIAG_A_BASE_FLAGS])
		b->flags = nla_get_u32(tb[TASKDIAG_A_BASE_FLAGS]);
	if (tb[TASKDIAG_A_BASE_PID_INO])
		b->pid_ino = nla_get_u64(tb[TASKDIAG_A_BASE_PID_INO]);
}

/* The value of a fixed-size integer attribute of len bytes */
static uint64_t td_get_int(struct nlattr *nla, int len, bool is_signed)
{
	switch (len) {
	case 1:
		return nla_get_u8(nla);
	case 4:
		if (is_signed)
			return (uint64_t)(int64_t)(int32_t)nla_get_u32(nla);
		return nla_get_u32(nla);
	default:
		return nla_get_u64(nla);
	}
}

/*
 * The groups are a multi-attr, which nla_parse_nested() would collapse into
 * its last one: walk the nest by hand. They are consecutive u32 attributes
 * in the datagram, so the list can point into it, provided no other
 * attribute is interleaved (checked).
 */
static void td_parse_cred(struct nlattr *nest, struct td_task *t)
{
	struct td_cred *c = &t->cred;
	struct nlattr *nla, *first = NULL;
	int rem, type;

	nla_for_each_nested(nla, nest, rem) {
		type = nla_type(nla);
		if (type <= TASKDIAG_A_CRED_PAD || type > TASKDIAG_A_CRED_MAX)
			continue;	/* newer kernel: ignore */
		if (!td_len_ok(nla, td_cred_len[type])) {
			t->bad_cred |= 1U << type;
			continue;
		}
		if (type == TASKDIAG_A_CRED_GROUPS) {
			if (!first) {
				first = nla;
			} else if ((char *)nla != (char *)first +
				   c->ngroups * NLA_ALIGN(NLA_HDRLEN + 4)) {
				t->bad_cred |= 1U << type;
				continue;
			}
			c->ngroups++;
		} else {
			/* A single attribute must not be repeated */
			if (c->present & (1U << type))
				t->bad_cred |= 1U << type;
			c->v[type] = td_get_int(nla, td_cred_len[type], false);
		}
		c->present |= 1U << type;
	}
	if (rem)
		t->bad_task |= 1U << TASKDIAG_A_TASK_CRED;
	c->groups = first ? nla_data(first) : NULL;
}

uint32_t td_cred_group(const struct td_cred *c, uint32_t i)
{
	uint32_t gid;

	/* Each group is a whole attribute: header plus u32 */
	memcpy(&gid, (const char *)c->groups + i * NLA_ALIGN(NLA_HDRLEN + 4),
	       sizeof(gid));
	return gid;
}

static void td_parse_stat(struct nlattr *nest, struct td_task *t)
{
	struct td_stat *s = &t->stat;
	struct nlattr *nla;
	int rem, type;

	nla_for_each_nested(nla, nest, rem) {
		type = nla_type(nla);
		if (type <= TASKDIAG_A_STAT_PAD || type > TASKDIAG_A_STAT_MAX)
			continue;
		if (!td_len_ok(nla, td_stat_len[type]) ||
		    (s->present & (1ULL << type))) {
			t->bad_stat |= 1ULL << type;
			continue;
		}
		s->v[type] = td_get_int(nla, td_stat_len[type],
					type == TASKDIAG_A_STAT_NICE ||
					type == TASKDIAG_A_STAT_PRIORITY);
		s->present |= 1ULL << type;
	}
	if (rem)
		t->bad_task |= 1U << TASKDIAG_A_TASK_STAT;
}

int td_parse_task(struct nlmsghdr *nlh, struct td_task *t)
{
	struct nlattr *tb[TASKDIAG_A_TASK_MAX + 1];
	int i, ret;

	memset(t, 0, sizeof(*t));
	/* No libnl policy: sizes are checked exactly below */
	ret = genlmsg_parse(nlh, 0, tb, TASKDIAG_A_TASK_MAX, NULL);
	if (ret < 0)
		return -EBADMSG;
	for (i = TASKDIAG_A_TASK_PID; i <= TASKDIAG_A_TASK_WITHHELD; i++) {
		if (tb[i] && i != TASKDIAG_A_TASK_SHOW_FLAGS &&
		    i != TASKDIAG_A_TASK_DUMP_STRATEGY &&
		    !td_len_ok(tb[i], td_task_len[i])) {
			t->bad_task |= 1U << i;
			tb[i] = NULL;
		}
	}
	/* Request-only attributes have no business in a reply */
	if (tb[TASKDIAG_A_TASK_SHOW_FLAGS])
		t->bad_task |= 1U << TASKDIAG_A_TASK_SHOW_FLAGS;
	if (tb[TASKDIAG_A_TASK_DUMP_STRATEGY])
		t->bad_task |= 1U << TASKDIAG_A_TASK_DUMP_STRATEGY;
	if (tb[TASKDIAG_A_TASK_PID]) {
		t->has_pid = true;
		t->pid = nla_get_u32(tb[TASKDIAG_A_TASK_PID]);
	}
	if (tb[TASKDIAG_A_TASK_TGID]) {
		t->has_tgid = true;
		t->tgid = nla_get_u32(tb[TASKDIAG_A_TASK_TGID]);
	}
	t->cont = !!tb[TASKDIAG_A_TASK_CONT];
	if (tb[TASKDIAG_A_TASK_WITHHELD]) {
		t->has_withheld = true;
		t->withheld = nla_get_u64(tb[TASKDIAG_A_TASK_WITHHELD]);
	}
	if (tb[TASKDIAG_A_TASK_BASE]) {
		t->has_base = true;
		td_parse_base(tb[TASKDIAG_A_TASK_BASE], t);
	}
	if (tb[TASKDIAG_A_TASK_CRED]) {
		t->has_cred = true;
		td_parse_cred(tb[TASKDIAG_A_TASK_CRED], t);
	}
	if (tb[TASKDIAG_A_TASK_STAT]) {
		t->has_stat = true;
		td_parse_stat(tb[TASKDIAG_A_TASK_STAT], t);
	}
	return 0;
}

int td_merge_add(struct td_merge *m, const struct td_task *p)
{
	struct td_task *t = &m->task;
	const struct td_cred *pc = &p->cred;

	if (m->done) {
		/* The previous task was handed out: start afresh */
		m->done = false;
		m->ngroups = 0;
		m->parts = 0;
		m->cred_parts = 0;
	}
	if (!m->open) {
		*t = *p;
		t->cred.groups = NULL;
		t->cred.ngroups = 0;
	} else {
		if (p->pid != t->pid || p->tgid != t->tgid ||
		    !p->has_pid || !p->has_tgid) {
			snprintf(m->err, sizeof(m->err),
				 "part %u of %u/%u is of %u/%u", m->parts + 1,
				 t->tgid, t->pid, p->tgid, p->pid);
			return -EPROTO;
		}
		/*
		 * A continuation carries the groups not sent yet; for cred,
		 * more supplementary groups only.
		 */
		if ((p->has_base && t->has_base) ||
		    (p->has_stat && t->has_stat) ||
		    (p->has_cred && (pc->present & ~(1U << TASKDIAG_A_CRED_GROUPS)))) {
			snprintf(m->err, sizeof(m->err),
				 "part %u of %u repeats a group", m->parts + 1,
				 t->pid);
			return -EPROTO;
		}
		if (p->has_withheld && t->has_withheld &&
		    p->withheld != t->withheld) {
			snprintf(m->err, sizeof(m->err),
				 "parts of %u disagree on withheld", t->pid);
			return -EPROTO;
		}
		if (p->has_base) {
			t->has_base = true;
			t->base = p->base;
		}
		if (p->has_stat) {
			t->has_stat = true;
			t->stat = p->stat;
		}
		if (p->has_cred) {
			t->has_cred = true;
			t->cred.present |= pc->present;
		}
		if (p->has_withheld) {
			t->has_withheld = true;
			t->withheld = p->withheld;
		}
		t->bad_task |= p->bad_task;
		t->bad_base |= p->bad_base;
		t->bad_cred |= p->bad_cred;
		t->bad_stat |= p->bad_stat;
	}
	m->parts++;
	if (p->has_cred)
		m->cred_parts++;
	if (pc->ngroups) {
		if (m->ngroups + pc->ngroups > m->cap) {
			size_t cap = (m->ngroups + pc->ngroups) * 2;
			uint32_t *g = realloc(m->groups, cap * sizeof(*g));

			if (!g) {
				snprintf(m->err, sizeof(m->err), "no memory");
				return -ENOMEM;
			}
			m->groups = g;
			m->cap = cap;
		}
		for (uint32_t i = 0; i < pc->ngroups; i++)
			m->groups[m->ngroups++] = td_cred_group(pc, i);
	}
	m->open = p->cont;
	t->cont = false;
	if (m->open)
		return 0;
	m->done = true;
	t->cred.ngroups = m->ngroups;
	return 1;
}

void td_merge_free(struct td_merge *m)
{
	free(m->groups);
	memset(m, 0, sizeof(*m));
}

int td_recv_chunk(struct td *td, td_task_cb cb, void *arg)
{
	struct sockaddr_nl nla;
	unsigned char *buf = NULL;
	struct nlmsghdr *nlh;
	struct td_task task;
	int n, ret = 1;

	if (!td->in_flight)
		return -EINVAL;
	errno = 0;
	n = nl_recv(td->sk, &nla, &buf, NULL);
	if (n <= 0) {
		if (n == -NLE_MSG_TRUNC)
			td->err.error = -EMSGSIZE;
		else
			td->err.error = n == 0 ? -ENODATA :
					errno ? -errno : -EIO;
		free(buf);
		td->in_flight = false;
		return td->err.error;
	}
	td->stats.nrecv++;
	td->stats.bytes += n;
	if ((size_t)n > td->stats.max_chunk)
		td->stats.max_chunk = n;

	for (nlh = (struct nlmsghdr *)buf; ret == 1 && nlmsg_ok(nlh, n);
	     nlh = nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_seq != td->seq) {
			ret = -EPROTO;
			break;
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			td->stats.dump_intr = true;

		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_DONE:
			td->err.in_done = true;
			if (nlmsg_datalen(nlh) >= (int)sizeof(int))
				td->err.error = *(int *)nlmsg_data(nlh);
			td_parse_extack(td, nlh, sizeof(int));
			ret = td->err.error;
			break;
		case NLMSG_ERROR: {
			struct nlmsgerr *e = nlmsg_data(nlh);
			int hdrlen = sizeof(*e);

			if (nlmsg_datalen(nlh) < hdrlen) {
				ret = -EBADMSG;
				break;
			}
			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				hdrlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
			td->err.error = e->error;
			td_parse_extack(td, nlh, hdrlen);
			/* A do ends with its ACK (error 0) */
			ret = e->error;
			break;
		}
		case NLMSG_OVERRUN:
			ret = -ENOBUFS;
			break;
		default:
			if (nlh->nlmsg_type != td->family) {
				ret = -EPROTO;
				break;
			}
			if (td_parse_task(nlh, &task)) {
				ret = -EBADMSG;
				break;
			}
			td->stats.nmsg++;
			if (cb) {
				int r = cb(&task, arg);

				/* 1 means "more to come": do not return it */
				if (r)
					ret = r < 0 ? r : -ECANCELED;
			}
			break;
		}
	}
	/* The end of the stream must be the end of a datagram */
	if (ret == 1 && n != 0)
		ret = -EBADMSG;
	else if (ret == 0 && n != 0)
		ret = -EPROTO;
	if (ret != 1)
		td->in_flight = false;
	if (ret < 0 && !td->err.error)
		td->err.error = ret;
	free(buf);
	return ret;
}

int td_recv_all(struct td *td, td_task_cb cb, void *arg)
{
	int ret;

	do {
		ret = td_recv_chunk(td, cb, arg);
	} while (ret == 1);
	return ret;
}

int td_run(struct td *td, const struct td_req *req, const struct ucred *creds,
	   td_task_cb cb, void *arg)
{
	int ret;

	ret = td_request(td, req, creds);
	if (ret)
		return ret;
	return td_recv_all(td, cb, arg);
}

char td_state_letter(unsigned int state)
{
	if (state >= sizeof(TD_STATE_LETTERS) - 1)
		return '?';
	return TD_STATE_LETTERS[state];
}

int td_state_from_letter(char c)
{
	const char *p = c ? strchr(TD_STATE_LETTERS, c) : NULL;

	return p ? p - TD_STATE_LETTERS : -1;
}

const char *td_strategy_name(unsigned int strategy)
{
	static const char * const names[] = {
		[TASKDIAG_DUMP_STRATEGY_ALL] = "all",
		[TASKDIAG_DUMP_STRATEGY_ALL_THREAD] = "all-thread",
		[TASKDIAG_DUMP_STRATEGY_CHILDREN] = "children",
		[TASKDIAG_DUMP_STRATEGY_THREAD] = "thread",
		[TASKDIAG_DUMP_STRATEGY_ONE] = "one",
	};

	if (strategy >= ARRAY_SIZE(names))
		return "?";
	return names[strategy];
}

/*
 * One open/read/close, as a minimal ps would do. The comm may contain
 * anything, even ") ", so it ends at the last ')'.
 */
int proc_read_stat(const char *path, struct proc_stat *ps)
{
	char buf[1024], *p, *end;
	unsigned long long v[20];
	ssize_t n;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	i = errno;
	close(fd);
	if (n < 0)
		return -i;
	buf[n] = '\0';

	p = strchr(buf, '(');
	end = strrchr(buf, ')');
	if (!p || !end || end < p || end[1] != ' ' || !end[2])
		return -EINVAL;
	memset(ps, 0, sizeof(*ps));
	ps->pid = strtoul(buf, NULL, 10);
	if ((size_t)(end - p - 1) >= sizeof(ps->comm))
		return -EINVAL;
	memcpy(ps->comm, p + 1, end - p - 1);
	ps->comm[end - p - 1] = '\0';
	ps->state = end[2];

	/* Fields 4 (ppid) to 22 (starttime) */
	p = end + 3;
	for (i = 0; i < 19; i++) {
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
	}
	ps->ppid = v[0];
	ps->pgid = v[1];
	ps->sid = v[2];
	ps->flags = v[5];
	ps->start_ticks = v[18];
	return 0;
}

int proc_read_status(const char *path, const char *key, long *val)
{
	char buf[4096], *p;
	size_t klen = strlen(key);
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			*val = strtol(p + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}
