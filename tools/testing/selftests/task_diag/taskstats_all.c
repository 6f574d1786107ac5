// SPDX-License-Identifier: GPL-2.0
/*
 * taskstats_all: the taskstats baseline of a stat dump. Sends one
 * TASKSTATS_CMD_GET per process of /proc (by tgid: process totals, as the
 * stat group of an "all" dump) and receives its reply, one sendmsg() and
 * one recvmsg() per process, and prints how many processes it read and
 * how many bytes it received, to stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/taskstats.h>

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: taskstats_all [--pid PID]\n"
		"  query every process of /proc, or process PID only, and\n"
		"  print the number of processes and bytes received, to stderr\n");
}

/* One request and its one reply; -ESRCH for a process that is gone */
static int query(struct nl_sock *sk, int family, unsigned int tgid,
		 unsigned long long *bytes)
{
	struct sockaddr_nl addr;
	unsigned char *buf = NULL;
	struct nlmsghdr *nlh;
	struct nl_msg *msg;
	int n, ret;

	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			 TASKSTATS_CMD_GET, TASKSTATS_VERSION) ||
	    nla_put_u32(msg, TASKSTATS_CMD_ATTR_TGID, tgid)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;

	n = nl_recv(sk, &addr, &buf, NULL);
	if (n <= 0)
		return n ? -EIO : -ENODATA;
	*bytes += n;
	nlh = (struct nlmsghdr *)buf;
	if (!nlmsg_ok(nlh, n))
		ret = -EBADMSG;
	else if (nlh->nlmsg_type == NLMSG_ERROR)
		ret = ((struct nlmsgerr *)nlmsg_data(nlh))->error;
	else
		ret = nlh->nlmsg_type == family ? 0 : -EBADMSG;
	free(buf);
	return ret;
}

static bool numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long long bytes = 0;
	unsigned long count = 0;
	struct nl_sock *sk;
	struct dirent *de;
	int opt, family, ret;
	long pid = 0;
	DIR *proc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			pid = strtol(optarg, NULL, 10);
			if (pid <= 0) {
				fprintf(stderr, "taskstats_all: bad pid %s\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		print_usage(stderr);
		return 2;
	}

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "taskstats_all: cannot open a netlink socket\n");
		return 1;
	}
	family = genl_ctrl_resolve(sk, TASKSTATS_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "taskstats_all: no taskstats in this kernel\n");
		return 1;
	}
	/* Exactly one recvmsg() per reply: no ack asked for, no peeking */
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_msg_peek(sk);

	if (pid) {
		ret = query(sk, family, pid, &bytes);
		if (ret) {
			fprintf(stderr, "taskstats_all: %s\n", strerror(-ret));
			return 1;
		}
		count = 1;
		goto out;
	}
	proc = opendir("/proc");
	if (!proc) {
		perror("taskstats_all: /proc");
		return 1;
	}
	while ((de = readdir(proc))) {
		if (!numeric(de->d_name))
			continue;
		ret = query(sk, family, atoi(de->d_name), &bytes);
		/* A process that exited since the directory was read */
		if (ret == -ESRCH)
			continue;
		if (ret) {
			fprintf(stderr, "taskstats_all: %s: %s\n", de->d_name,
				strerror(-ret));
			return 1;
		}
		count++;
	}
	closedir(proc);
out:
	fprintf(stderr, "%lu tasks, %llu bytes\n", count, bytes);
	nl_socket_free(sk);
	return 0;
}
