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
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* A td with a libnl socket that is not connected yet */
static struct td *td_alloc(void)
{
	struct td *td;

	td = calloc(1, sizeof(*td));
	if (!td)
		return NULL;
	td->sk = nl_socket_alloc();
	if (!td->sk) {
		free(td);
		return NULL;
	}
	return td;
}

int td_open(struct td **tdp, size_t bufsize, bool peek)
{
	struct td *td;
	int ret;

	td = td_alloc();
	if (!td)
		return -ENOMEM;
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
	td_close(td);
	return ret;
}

int td_open_fd(struct td **tdp, int fd, int family, uint32_t seq,
	       size_t bufsize, bool peek)
{
	struct td *td;
	int ret;

	td = td_alloc();
	if (!td)
		return -ENOMEM;
	errno = 0;
	if (nl_socket_set_fd(td->sk, NETLINK_GENERIC, fd) < 0) {
		ret = errno ? -errno : -EINVAL;
		td_close(td);
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
	if (bufsize) {
		nl_socket_set_msg_buf_size(td->sk, bufsize);
		td->bufsize = bufsize;
	}
	td->peek = peek;
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

	/* bufsize 0 is libnl's default, 16 KiB: enough for a dump */
	if (req->has_show_flags && (req->show_flags & TD_SHOW_VMA) &&
	    !td->peek) {
		if (!req->dump && td->bufsize < TD_VMA_BUF_SIZE)
			td_set_bufsize(td, TD_VMA_BUF_SIZE, false);
		else if (td->bufsize && td->bufsize < TD_VMA_DUMP_BUF_SIZE)
			td_set_bufsize(td, TD_VMA_DUMP_BUF_SIZE, false);
	}
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

/*
 * Expected attribute payload sizes: a number of bytes, TD_LEN_FLAG,
 * TD_LEN_STR for a NUL-terminated string, TD_LEN_NEST for a nest,
 * TD_LEN_STRUCT for a struct (its length checked where it is read).
 */
#define TD_LEN_FLAG	0
#define TD_LEN_STR	-1
#define TD_LEN_NEST	-2
#define TD_LEN_STRUCT	-3

static const int td_task_len[TASKDIAG_A_TASK_MAX + 1] = {
	[TASKDIAG_A_TASK_PID] = 4,
	[TASKDIAG_A_TASK_TGID] = 4,
	[TASKDIAG_A_TASK_CONT] = TD_LEN_FLAG,
	[TASKDIAG_A_TASK_WITHHELD] = 8,
};

static const int td_base_len[TASKDIAG_A_BASE_MAX + 1] = {
	[TASKDIAG_A_BASE_PPID] = 4,
	[TASKDIAG_A_BASE_TPID] = 4,
	[TASKDIAG_A_BASE_SID] = 4,
	[TASKDIAG_A_BASE_PGID] = 4,
	[TASKDIAG_A_BASE_STATE] = 1,
	[TASKDIAG_A_BASE_COMM] = TD_LEN_STR,
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

static const int td_vma_len[TASKDIAG_A_VMA_MAX + 1] = {
	[TASKDIAG_A_VMA_INFO] = TD_LEN_STRUCT,
	[TASKDIAG_A_VMA_FILE] = TD_LEN_STRUCT,
	[TASKDIAG_A_VMA_NAME] = TD_LEN_STR,
	[TASKDIAG_A_VMA_NAME_TOO_LONG] = TD_LEN_FLAG,
	[TASKDIAG_A_VMA_VMA_STAT] = TD_LEN_NEST,
};

static const int td_vma_stat_len[TASKDIAG_A_VMA_STAT_MAX + 1] = {
	[TASKDIAG_A_VMA_STAT_RSS ... TASKDIAG_A_VMA_STAT_MMU_PAGE_SIZE] = 8,
	[TASKDIAG_A_VMA_STAT_THP_ELIGIBLE] = TD_LEN_FLAG,
	[TASKDIAG_A_VMA_STAT_PROTECTION_KEY] = 4,
};

/* want: an entry of the tables above; strings have at most str_max bytes */
static bool td_len_ok(const struct nlattr *nla, int want, int str_max)
{
	const char *str = nla_data(nla);
	int len = nla_len(nla);

	if (want == TD_LEN_NEST || want == TD_LEN_STRUCT)
		return true;
	if (want != TD_LEN_STR)
		return len == want;
	/* One NUL, at the end */
	return len > 0 && len <= str_max && strnlen(str, len) == len - 1;
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
		if (!td_len_ok(tb[i], td_base_len[i], TD_COMM_LEN)) {
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
		if (!td_len_ok(nla, td_cred_len[type], 0)) {
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

/* How to read a nest of single attributes: see td_walk_nest() */
struct td_layout {
	const int *len;		/* by type: size, TD_LEN_* */
	int max;		/* the highest type; 1 is the pad of every set */
	int str_max;		/* bytes of a string with its NUL */
	uint64_t is_signed;	/* 1ULL << type for each signed integer */
};

static const struct td_layout td_stat_layout = {
	.len = td_stat_len,
	.max = TASKDIAG_A_STAT_MAX,
	.is_signed = 1ULL << TASKDIAG_A_STAT_NICE |
		     1ULL << TASKDIAG_A_STAT_PRIORITY,
};

static const struct td_layout td_vma_layout = {
	.len = td_vma_len,
	.max = TASKDIAG_A_VMA_MAX,
	.str_max = PATH_MAX,
};

static const struct td_layout td_vma_stat_layout = {
	.len = td_vma_stat_len,
	.max = TASKDIAG_A_VMA_STAT_MAX,
};

/*
 * Walk a nest of attributes that each appear once: integers go to v[type],
 * strings and nests to tb[type]; 1ULL << type goes to *present, or to *bad
 * for an attribute of a wrong size or repeated, which is left out. Pads and
 * unknown types (a newer kernel) are skipped. TD_BAD_NEST goes to *bad for
 * bytes left over.
 */
static void td_walk_nest(const struct nlattr *nest, const struct td_layout *l,
			 uint64_t *v, const struct nlattr **tb,
			 uint64_t *present, uint64_t *bad)
{
	struct nlattr *nla;
	int rem, type, len;

	nla_for_each_nested(nla, (struct nlattr *)nest, rem) {
		type = nla_type(nla);
		if (type <= 1 || type > l->max)
			continue;
		len = l->len[type];
		if (!td_len_ok(nla, len, l->str_max) ||
		    (*present & (1ULL << type))) {
			*bad |= 1ULL << type;
			continue;
		}
		*present |= 1ULL << type;
		if (len > 0)
			v[type] = td_get_int(nla, len,
					     l->is_signed & (1ULL << type));
		else if (tb)
			tb[type] = nla;
	}
	if (rem)
		*bad |= TD_BAD_NEST;
}

static void td_parse_stat(struct nlattr *nest, struct td_task *t)
{
	td_walk_nest(nest, &td_stat_layout, t->stat.v, NULL, &t->stat.present,
		     &t->bad_stat);
	if (t->bad_stat & TD_BAD_NEST)
		t->bad_task |= 1U << TASKDIAG_A_TASK_STAT;
}

/*
 * A size-versioned struct attribute into dst (size bytes): a newer
 * kernel's may be longer, with fields added at the end that this program
 * ignores, an older one's shorter, without the fields it does not know
 * (0 here). Shorter than its first version is malformed. Copied: the
 * attribute may be only 4-byte aligned.
 */
static void td_parse_struct(const struct nlattr *nla, void *dst, size_t size,
			    size_t size_ver0, int attr, struct td_vma *vma)
{
	size_t len = nla_len(nla);

	memset(dst, 0, size);
	if (len < size_ver0) {
		vma->present &= ~(1ULL << attr);
		vma->bad |= 1ULL << attr;
		return;
	}
	memcpy(dst, nla_data(nla), len < size ? len : size);
}

static void td_parse_vma(const struct nlattr *nest, struct td_vma *vma)
{
	const struct nlattr *tb[TASKDIAG_A_VMA_MAX + 1] = {};
	struct td_vma_stat *s = &vma->stat;

	memset(vma, 0, sizeof(*vma));
	td_walk_nest(nest, &td_vma_layout, vma->v, tb, &vma->present,
		     &vma->bad);
	if (tb[TASKDIAG_A_VMA_INFO])
		td_parse_struct(tb[TASKDIAG_A_VMA_INFO], &vma->info,
				sizeof(vma->info), TASKDIAG_VMA_INFO_SIZE_VER0,
				TASKDIAG_A_VMA_INFO, vma);
	if (tb[TASKDIAG_A_VMA_FILE])
		td_parse_struct(tb[TASKDIAG_A_VMA_FILE], &vma->file,
				sizeof(vma->file), TASKDIAG_VMA_FILE_SIZE_VER0,
				TASKDIAG_A_VMA_FILE, vma);
	if (tb[TASKDIAG_A_VMA_NAME])
		vma->name = nla_data(tb[TASKDIAG_A_VMA_NAME]);
	if (tb[TASKDIAG_A_VMA_VMA_STAT]) {
		td_walk_nest(tb[TASKDIAG_A_VMA_VMA_STAT], &td_vma_stat_layout,
			     s->v, NULL, &s->present, &s->bad);
		if (s->bad & TD_BAD_NEST)
			vma->bad |= 1ULL << TASKDIAG_A_VMA_VMA_STAT;
		/* A flag: smaps's THPeligible is 1 where it is there */
		s->v[TASKDIAG_A_VMA_STAT_THP_ELIGIBLE] =
			!!(s->present & (1ULL << TASKDIAG_A_VMA_STAT_THP_ELIGIBLE));
	}
}

int td_parse_vmas(const struct td_task *t, td_vma_cb cb, void *arg)
{
	struct td_vma vma;
	struct nlattr *nla;
	int rem, ret;

	nla_for_each_attr(nla, (struct nlattr *)t->vmas, t->vmas_len, rem) {
		if (nla_type(nla) != TASKDIAG_A_TASK_VMA)
			continue;
		td_parse_vma(nla, &vma);
		ret = cb(&vma, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The top-level attributes: the single ones into tb (the last of a
 * repeated one, as nla_parse() does), the multi-attr vma nests located.
 */
static int td_walk_task(struct nlmsghdr *nlh, struct nlattr **tb,
			struct td_task *t)
{
	struct nlattr *nla;
	int rem, type;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		type = nla_type(nla);
		if (type == TASKDIAG_A_TASK_VMA && !t->nvmas++) {
			t->vmas = nla;
			t->vmas_len = rem;
		} else if (type > 0 && type <= TASKDIAG_A_TASK_MAX) {
			tb[type] = nla;
		}
	}
	if (rem)
		t->bad_task |= TD_BAD_NEST;
	return 0;
}

int td_parse_task(struct nlmsghdr *nlh, struct td_task *t)
{
	struct nlattr *tb[TASKDIAG_A_TASK_MAX + 1] = {};
	int i;

	memset(t, 0, sizeof(*t));
	/* No libnl policy: sizes are checked exactly below */
	if (td_walk_task(nlh, tb, t))
		return -EBADMSG;
	for (i = TASKDIAG_A_TASK_PID; i <= TASKDIAG_A_TASK_WITHHELD; i++) {
		if (tb[i] && i != TASKDIAG_A_TASK_SHOW_FLAGS &&
		    i != TASKDIAG_A_TASK_DUMP_STRATEGY &&
		    !td_len_ok(tb[i], td_task_len[i], 0)) {
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

/*
 * Room for n elements of size bytes in the array v of *cap elements.
 * Returns the array, maybe moved, or NULL (v unchanged) without memory.
 */
static void *td_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return v;
	v = realloc(v, n * 2 * size);
	if (v)
		*cap = n * 2;
	return v;
}

static void td_merge_drop_vmas(struct td_merge *m)
{
	while (m->nvmas)
		free((char *)m->vmas[--m->nvmas].name);
}

/* The first part of a task */
static void td_merge_start(struct td_merge *m, const struct td_task *p)
{
	m->done = false;
	m->ngroups = 0;
	td_merge_drop_vmas(m);
	m->parts = 0;
	m->cred_parts = 0;
	m->task = *p;
	m->task.cred.groups = NULL;
	m->task.cred.ngroups = 0;
	m->task.vmas = NULL;
	m->task.vmas_len = 0;
	m->task.nvmas = 0;
}

/* Another part: it must be of the same task and carry what is left only */
static int td_merge_continue(struct td_merge *m, const struct td_task *p)
{
	struct td_task *t = &m->task;
	const struct td_cred *pc = &p->cred;

	if (p->pid != t->pid || p->tgid != t->tgid ||
	    !p->has_pid || !p->has_tgid) {
		snprintf(m->err, sizeof(m->err), "part %u of %u/%u is of %u/%u",
			 m->parts + 1, t->tgid, t->pid, p->tgid, p->pid);
		return -EPROTO;
	}
	/*
	 * A continuation carries the groups not sent yet; for a cred nest
	 * begun in an earlier part, more supplementary groups only; mappings
	 * go on where they stopped.
	 */
	if ((p->has_base && t->has_base) ||
	    (p->has_stat && t->has_stat) ||
	    (p->has_cred && t->has_cred &&
	     (pc->present & ~(1U << TASKDIAG_A_CRED_GROUPS)))) {
		snprintf(m->err, sizeof(m->err), "part %u of %u repeats a group",
			 m->parts + 1, t->pid);
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
		/* The whole nest if it begins in this part */
		if (!t->has_cred)
			t->cred = *pc;
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
	return 0;
}

static int td_merge_groups(struct td_merge *m, const struct td_cred *pc)
{
	uint32_t *g;
	uint32_t i;

	if (!pc->ngroups)
		return 0;
	g = td_grow(m->groups, &m->cap, m->ngroups + pc->ngroups, sizeof(*g));
	if (!g)
		return -ENOMEM;
	m->groups = g;
	for (i = 0; i < pc->ngroups; i++)
		g[m->ngroups++] = td_cred_group(pc, i);
	return 0;
}

/* A td_vma_cb: append a copy to the td_merge arg */
static int td_merge_vma(const struct td_vma *vma, void *arg)
{
	struct td_merge *m = arg;
	struct td_vma *v;

	v = td_grow(m->vmas, &m->vmas_cap, m->nvmas + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->vmas = v;
	v += m->nvmas;
	*v = *vma;
	if (vma->name) {
		v->name = strdup(vma->name);
		if (!v->name)
			return -ENOMEM;
	}
	m->nvmas++;
	return 0;
}

int td_merge_add(struct td_merge *m, const struct td_task *p)
{
	struct td_task *t = &m->task;
	int ret;

	if (!m->open)
		td_merge_start(m, p);
	else if (td_merge_continue(m, p))
		return -EPROTO;
	m->parts++;
	if (p->has_cred)
		m->cred_parts++;
	ret = td_merge_groups(m, &p->cred);
	if (!ret)
		ret = td_parse_vmas(p, td_merge_vma, m);
	if (ret) {
		snprintf(m->err, sizeof(m->err), "no memory");
		return ret;
	}
	m->open = p->cont;
	t->cont = false;
	if (m->open)
		return 0;
	m->done = true;
	t->cred.ngroups = m->ngroups;
	t->nvmas = m->nvmas;
	return 1;
}

void td_merge_free(struct td_merge *m)
{
	td_merge_drop_vmas(m);
	free(m->vmas);
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
			if (td->raw_cb) {
				td->stats.nmsg++;
				if (td->raw_cb(nlh, arg) < 0)
					ret = -ECANCELED;
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

void td_print_vma_info(FILE *f, const struct td_vma *v)
{
	fprintf(f, " info %llx-%llx %llx file %llx %u:%u %llu",
		(unsigned long long)v->info.start,
		(unsigned long long)v->info.end,
		(unsigned long long)v->info.flags,
		(unsigned long long)v->file.pgoff, v->file.dev_major,
		v->file.dev_minor, (unsigned long long)v->file.inode);
}

int td_vma_maps_line(const struct td_vma *v, char *buf, size_t len)
{
	/* Where show_map_vma() pads the name to on 64-bit, then a space */
	const int name_col = 72;
	uint64_t flags = v->info.flags;
	const char *name = v->name;
	int n;

	n = snprintf(buf, len, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
		     (unsigned long long)v->info.start,
		     (unsigned long long)v->info.end,
		     flags & (1ULL << TASKDIAG_VMA_FLAG_READ) ? 'r' : '-',
		     flags & (1ULL << TASKDIAG_VMA_FLAG_WRITE) ? 'w' : '-',
		     flags & (1ULL << TASKDIAG_VMA_FLAG_EXEC) ? 'x' : '-',
		     flags & (1ULL << TASKDIAG_VMA_FLAG_MAY_SHARE) ? 's' : 'p',
		     (unsigned long long)v->file.pgoff,
		     (unsigned int)v->file.dev_major,
		     (unsigned int)v->file.dev_minor,
		     (unsigned long long)v->file.inode);
	if (v->present & (1ULL << TASKDIAG_A_VMA_NAME_TOO_LONG))
		name = TD_NAME_TOO_LONG;
	if (!name || n < 0)
		return n;
	return n + snprintf((size_t)n < len ? buf + n : NULL,
			    (size_t)n < len ? len - n : 0, "%*s%s",
			    (n < name_col ? name_col - n : 0) + 1, "", name);
}

const char *td_vma_flag_code(unsigned int flag)
{
	/* The codes the spec gives each enum taskdiag_vma_flag */
	static const char codes[][3] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "pf",
		"lo", "io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht",
		"sf", "ar", "wf", "dd", "bt", "sd", "mm", "hg", "nh", "mg",
		"um", "uw", "mt", "ui", "ss", "dp", "sl",
	};

	static_assert(ARRAY_SIZE(codes) == TASKDIAG_VMA_FLAG_SEALED + 1,
		      "a VmFlags code for each flag");
	if (flag >= ARRAY_SIZE(codes))
		return NULL;
	return codes[flag];
}

/* In the order smaps prints them, which is the attributes' but the sizes */
static const char * const td_smaps_keys[TASKDIAG_A_VMA_STAT_MAX + 1] = {
	[TASKDIAG_A_VMA_STAT_RSS] = "Rss",
	[TASKDIAG_A_VMA_STAT_PSS] = "Pss",
	[TASKDIAG_A_VMA_STAT_PSS_DIRTY] = "Pss_Dirty",
	[TASKDIAG_A_VMA_STAT_SHARED_CLEAN] = "Shared_Clean",
	[TASKDIAG_A_VMA_STAT_SHARED_DIRTY] = "Shared_Dirty",
	[TASKDIAG_A_VMA_STAT_PRIVATE_CLEAN] = "Private_Clean",
	[TASKDIAG_A_VMA_STAT_PRIVATE_DIRTY] = "Private_Dirty",
	[TASKDIAG_A_VMA_STAT_REFERENCED] = "Referenced",
	[TASKDIAG_A_VMA_STAT_ANONYMOUS] = "Anonymous",
	[TASKDIAG_A_VMA_STAT_KSM] = "KSM",
	[TASKDIAG_A_VMA_STAT_LAZYFREE] = "LazyFree",
	[TASKDIAG_A_VMA_STAT_ANON_HUGE] = "AnonHugePages",
	[TASKDIAG_A_VMA_STAT_SHMEM_PMD_MAPPED] = "ShmemPmdMapped",
	[TASKDIAG_A_VMA_STAT_FILE_PMD_MAPPED] = "FilePmdMapped",
	[TASKDIAG_A_VMA_STAT_SHARED_HUGETLB] = "Shared_Hugetlb",
	[TASKDIAG_A_VMA_STAT_PRIVATE_HUGETLB] = "Private_Hugetlb",
	[TASKDIAG_A_VMA_STAT_SWAP] = "Swap",
	[TASKDIAG_A_VMA_STAT_SWAP_PSS] = "SwapPss",
	[TASKDIAG_A_VMA_STAT_LOCKED] = "Locked",
	[TASKDIAG_A_VMA_STAT_KERNEL_PAGE_SIZE] = "KernelPageSize",
	[TASKDIAG_A_VMA_STAT_MMU_PAGE_SIZE] = "MMUPageSize",
	[TASKDIAG_A_VMA_STAT_THP_ELIGIBLE] = "THPeligible",
	[TASKDIAG_A_VMA_STAT_PROTECTION_KEY] = "ProtectionKey",
};

const char *td_smaps_key(unsigned int attr)
{
	return attr < ARRAY_SIZE(td_smaps_keys) ? td_smaps_keys[attr] : NULL;
}

bool td_smaps_raw(unsigned int attr)
{
	return attr == TASKDIAG_A_VMA_STAT_THP_ELIGIBLE ||
	       attr == TASKDIAG_A_VMA_STAT_PROTECTION_KEY;
}

ssize_t proc_read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

/* The comm may contain anything, even ") ", so it ends at the last ')'. */
int proc_read_stat(const char *path, struct proc_stat *ps)
{
	char buf[1024], *p, *end;
	unsigned long long v[20];
	ssize_t n;
	int i;

	n = proc_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;

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

	n = proc_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			*val = strtol(p + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}
