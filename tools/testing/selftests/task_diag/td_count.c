// SPDX-License-Identifier: GPL-2.0
/*
 * td_count: the dump side of make bench's fair comparison. It sends one
 * taskdiag dump request on a raw netlink socket and receives the dump
 * into a 64 KiB buffer, counting messages and bytes without decoding an
 * attribute, as the minimal /proc reader (proc_read) reads files without
 * parsing them. task_diag_all, which decodes every attribute with libnl,
 * is the separate "decoded" row.
 *
 * Usage: td_count all|All|children|threads|one [--pid PID] [--show GROUPS]
 *		   [--buf BYTES]
 *   GROUPS: comma-separated names of enum group (default base)
 *   BYTES: the size of every receive, 8192 to 65536 (default 65536)
 * Prints "N tasks, B bytes, walk T ns" to stderr, N being the number of
 * messages (a task split over several counts several times), T the time
 * from sending the request to the end of the dump, without the program's
 * start (the socket and the family's id). Static, no library.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskdiag.h>

#define BUF_SIZE	65536
/*
 * The kernel sizes each part of a dump to the largest receive it has seen
 * on the socket, at least a page (5 KiB with vma): every receive, the
 * family's lookup's included, must hold that much, or a part is cut.
 */
#define MIN_BUF_SIZE	8192
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char * const strategy_names[] = {
	[TASKDIAG_DUMP_STRATEGY_ALL]		= "all",
	[TASKDIAG_DUMP_STRATEGY_ALL_THREAD]	= "All",
	[TASKDIAG_DUMP_STRATEGY_CHILDREN]	= "children",
	[TASKDIAG_DUMP_STRATEGY_THREAD]		= "threads",
	[TASKDIAG_DUMP_STRATEGY_ONE]		= "one",
};

static const char * const group_names[] = {
	[TASKDIAG_GROUP_BASE]		= "base",
	[TASKDIAG_GROUP_CRED]		= "cred",
	[TASKDIAG_GROUP_STAT]		= "stat",
	[TASKDIAG_GROUP_VMA]		= "vma",
	[TASKDIAG_GROUP_VMA_STAT]	= "vma-stat",
};

/* A request: the headers and up to three attributes of 8 bytes or less */
struct request {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	char attrs[3 * NLA_HDRLEN + 3 * 8];
};

/* Aligned as netlink messages: their headers are read in place */
static union {
	char bytes[BUF_SIZE];
	struct nlmsghdr first;
} buf;

static int lookup(const char * const *names, int count, const char *name)
{
	int i;

	for (i = 0; i < count; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

static void put_attr(struct nlmsghdr *nlh, int type, const void *data, int len)
{
	struct nlattr *nla = (void *)nlh + NLMSG_ALIGN(nlh->nlmsg_len);

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

static int send_request(int fd, struct request *req)
{
	if (send(fd, req, req->nlh.nlmsg_len, 0) < 0) {
		perror("td_count: send");
		return -1;
	}
	return 0;
}

/* The error a NLMSG_ERROR or NLMSG_DONE message carries, 0 for none. */
static int message_error(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
		return 0;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
		return 0;
	return *(const int *)NLMSG_DATA(nlh);
}

/* The family's id, asked of the generic netlink controller. */
static int resolve_family(int fd, size_t size)
{
	struct request req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
		.nlh.nlmsg_type = GENL_ID_CTRL,
		.nlh.nlmsg_flags = NLM_F_REQUEST,
		.genl.cmd = CTRL_CMD_GETFAMILY,
		.genl.version = 1,
	};
	struct nlmsghdr *nlh;
	struct nlattr *nla;
	int len, rest;

	put_attr(&req.nlh, CTRL_ATTR_FAMILY_NAME, TASKDIAG_FAMILY_NAME,
		 sizeof(TASKDIAG_FAMILY_NAME));
	if (send_request(fd, &req))
		return -1;
	len = recv(fd, buf.bytes, size, 0);
	nlh = &buf.first;
	if (len < 0 || !NLMSG_OK(nlh, len) || message_error(nlh)) {
		fprintf(stderr, "td_count: no taskdiag family\n");
		return -1;
	}
	nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	rest = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (rest >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= rest) {
		if (nla->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)nla + NLA_HDRLEN);
		rest -= NLA_ALIGN(nla->nla_len);
		nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len));
	}
	fprintf(stderr, "td_count: no family id\n");
	return -1;
}

/* Receives the dump to its end; 0, or the error it ended with. */
static int count_dump(int fd, int family, size_t size,
		      unsigned long *messages, unsigned long long *bytes)
{
	struct nlmsghdr *nlh;
	int len, err;

	for (;;) {
		len = recv(fd, buf.bytes, size, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*bytes += len;
		for (nlh = &buf.first; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == family) {
				(*messages)++;
				continue;
			}
			err = message_error(nlh);
			if (err || nlh->nlmsg_type == NLMSG_DONE)
				return err;
		}
	}
}

static int parse_groups(char *list, uint64_t *show)
{
	char *name;
	int group;

	*show = 0;
	for (name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		group = lookup(group_names, ARRAY_SIZE(group_names), name);
		if (group < 0) {
			fprintf(stderr, "td_count: no group %s\n", name);
			return -1;
		}
		*show |= 1ULL << group;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct request req = {
		.nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
		.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.genl.cmd = TASKDIAG_CMD_TASK_GET,
		.genl.version = TASKDIAG_FAMILY_VERSION,
	};
	uint64_t show = 1ULL << TASKDIAG_GROUP_BASE;
	unsigned long long bytes = 0;
	unsigned long messages = 0;
	struct timespec t0, t1;
	bool has_pid = false;
	uint32_t strategy, pid = 0;
	size_t size = BUF_SIZE;
	int fd, family, i, err;

	if (argc < 2 || lookup(strategy_names, ARRAY_SIZE(strategy_names),
			       argv[1]) < 0)
		goto usage;
	strategy = lookup(strategy_names, ARRAY_SIZE(strategy_names), argv[1]);
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--pid")) {
			pid = strtoul(argv[i + 1], NULL, 0);
			has_pid = true;
		} else if (!strcmp(argv[i], "--buf")) {
			size = strtoul(argv[i + 1], NULL, 0);
			if (size < MIN_BUF_SIZE || size > BUF_SIZE)
				goto usage;
		} else if (!strcmp(argv[i], "--show")) {
			if (parse_groups(argv[i + 1], &show))
				return 2;
		} else {
			goto usage;
		}
	}
	if (i != argc)
		goto usage;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("td_count: socket");
		return 1;
	}
	family = resolve_family(fd, size);
	if (family < 0)
		return 1;
	req.nlh.nlmsg_type = family;
	put_attr(&req.nlh, TASKDIAG_A_TASK_SHOW_FLAGS, &show, sizeof(show));
	put_attr(&req.nlh, TASKDIAG_A_TASK_DUMP_STRATEGY, &strategy,
		 sizeof(strategy));
	if (has_pid)
		put_attr(&req.nlh, TASKDIAG_A_TASK_PID, &pid, sizeof(pid));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (send_request(fd, &req))
		return 1;
	err = count_dump(fd, family, size, &messages, &bytes);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		fprintf(stderr, "td_count: %s\n", strerror(-err));
		return 1;
	}
	fprintf(stderr, "%lu tasks, %llu bytes, walk %llu ns\n", messages,
		bytes, (t1.tv_sec - t0.tv_sec) * 1000000000ULL +
		t1.tv_nsec - t0.tv_nsec);
	close(fd);
	return 0;

usage:
	fprintf(stderr,
		"usage: td_count all|All|children|threads|one [--pid PID] [--show GROUPS]\n"
		"  [--buf BYTES (8192 to 65536)]\n");
	return 2;
}
