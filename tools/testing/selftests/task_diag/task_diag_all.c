// SPDX-License-Identifier: GPL-2.0
/*
 * task_diag_all: list tasks with taskdiag, as a ps-like table that
 * task_proc_all prints the same from /proc, with the memory map of each as
 * /proc/PID/maps or smaps shows it, or just count them (--quiet) to time
 * the interface.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/genl.h>

#include "taskdiag_lib.h"

/* Large datagrams, no peeking: one recvmsg() per datagram */
#define BUF_SIZE	65536

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: task_diag_all COMMAND [options]\n"
		"commands:\n"
		"  all       every process (thread-group leader)\n"
		"  All       every thread of every process\n"
		"  children  the children of process --pid\n"
		"  threads   the threads of process --pid\n"
		"  one       process --pid\n"
		"options:\n"
		"  --pid PID     the process of children, threads and one\n"
		"  --cred        also ask for credentials\n"
		"  --stat        also ask for statistics\n"
		"  --maps        also ask for the memory map, print it as maps\n"
		"  --smaps       the same with statistics, printed as smaps\n"
		"  --pidns PID   the view of PID's pid namespace (SCM_CREDENTIALS)\n"
		"  --do          one: send a do request rather than a dump\n"
		"  --quiet       print only the number of tasks (and mappings),\n"
		"                to stderr\n");
}

struct out {
	bool quiet;
	bool groups;		/* more than base asked for */
	bool maps;		/* the memory map asked for */
	bool smaps;		/* with statistics */
	bool open;		/* the last message had cont */
	unsigned long count;
	unsigned long nvmas;
};

static void print_header(void)
{
	printf("%7s %7s %7s %7s %7s %7s %-5s %s\n", "PID", "TGID", "PPID",
	       "PGID", "SID", "TPID", "STATE", "COMM");
}

/* A task's row of the table */
static void print_row(const struct td_task *t, const struct out *o)
{
	const struct td_base *b = &t->base;

	/* No header when the request fails */
	if (o->count == 1)
		print_header();
	if (!t->has_base) {
		printf("%7u %7u %7s %7s %7s %7s %-5s %s\n", t->pid, t->tgid,
		       "-", "-", "-", "-", "-", "-");
		return;
	}
	printf("%7u %7u %7u %7u %7u %7u %-5c %s", t->pid, t->tgid, b->ppid,
	       b->pgid, b->sid, b->tpid, td_state_letter(b->state), b->comm);
	if (o->groups && t->has_withheld)
		printf(" [withheld 0x%llx]", (unsigned long long)t->withheld);
	putchar('\n');
}

static int print_maps_line(const struct td_vma *v, void *arg)
{
	char line[PATH_MAX + 128];

	td_vma_maps_line(v, line, sizeof(line));
	puts(line);
	return 0;
}

/* A line of smaps: the numbers end in column 24 */
static void print_smaps_value(const char *key, uint64_t val, bool kb)
{
	printf("%s:%*llu%s\n", key, (int)(23 - strlen(key)),
	       (unsigned long long)(kb ? val >> 10 : val), kb ? " kB" : "");
}

static void print_vm_flags(uint64_t flags)
{
	unsigned int f;

	printf("VmFlags: ");
	for (f = 0; td_vma_flag_code(f); f++)
		if (flags & (1ULL << f))
			printf("%s ", td_vma_flag_code(f));
	putchar('\n');
}

/* A counter left out is 0: smaps shows every line but ProtectionKey */
static void print_smaps_stat(const struct td_vma_stat *s, int attr)
{
	if (attr != TASKDIAG_A_VMA_STAT_PROTECTION_KEY ||
	    s->present & (1ULL << attr))
		print_smaps_value(td_smaps_key(attr), s->v[attr],
				  !td_smaps_raw(attr));
}

static int print_smaps_block(const struct td_vma *v, void *arg)
{
	const struct td_vma_stat *s = &v->stat;
	int a;

	print_maps_line(v, NULL);
	print_smaps_value("Size", v->info.end - v->info.start, true);
	/* smaps shows the page sizes first */
	print_smaps_stat(s, TASKDIAG_A_VMA_STAT_KERNEL_PAGE_SIZE);
	print_smaps_stat(s, TASKDIAG_A_VMA_STAT_MMU_PAGE_SIZE);
	for (a = TASKDIAG_A_VMA_STAT_RSS; a <= TASKDIAG_A_VMA_STAT_LOCKED; a++)
		print_smaps_stat(s, a);
	print_smaps_stat(s, TASKDIAG_A_VMA_STAT_THP_ELIGIBLE);
	print_smaps_stat(s, TASKDIAG_A_VMA_STAT_PROTECTION_KEY);
	print_vm_flags(v->info.flags);
	return 0;
}

/* A message: a task, or the continuation of the last one */
static int print_task(const struct td_task *t, void *arg)
{
	struct out *o = arg;
	bool first = !o->open;

	o->open = t->cont;
	o->nvmas += t->nvmas;
	if (first)
		o->count++;
	if (o->quiet)
		return 0;
	if (first)
		print_row(t, o);
	if (!o->maps)
		return 0;
	return td_parse_vmas(t, o->smaps ? print_smaps_block :
					    print_maps_line, NULL);
}

/*
 * --quiet: count the tasks (and mappings) without decoding the messages,
 * as task_proc_all --quiet reads its /proc files without parsing them.
 */
static int count_task(const struct nlmsghdr *nlh, void *arg)
{
	struct out *o = arg;
	const struct nlattr *attr;
	bool first = !o->open;
	int rem;

	o->open = false;
	nla_for_each_attr(attr, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(attr) == TASKDIAG_A_TASK_CONT)
			o->open = true;
		else if (nla_type(attr) == TASKDIAG_A_TASK_VMA)
			o->nvmas++;
	}
	if (first)
		o->count++;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "cred", no_argument, NULL, 'c' },
		{ "stat", no_argument, NULL, 's' },
		{ "maps", no_argument, NULL, 'm' },
		{ "smaps", no_argument, NULL, 'S' },
		{ "pidns", required_argument, NULL, 'n' },
		{ "do", no_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static const struct {
		const char *name;
		uint32_t strategy;
	} cmds[] = {
		{ "all", TASKDIAG_DUMP_STRATEGY_ALL },
		{ "All", TASKDIAG_DUMP_STRATEGY_ALL_THREAD },
		{ "children", TASKDIAG_DUMP_STRATEGY_CHILDREN },
		{ "threads", TASKDIAG_DUMP_STRATEGY_THREAD },
		{ "one", TASKDIAG_DUMP_STRATEGY_ONE },
	};
	struct td_req req = { .dump = true, .has_show_flags = true,
			      .show_flags = 1ULL << TASKDIAG_GROUP_BASE };
	struct ucred creds, *cp = NULL;
	struct out o = {};
	const char *cmd;
	struct td *td;
	char *end;
	int opt, ret;
	size_t i;

	if (argc < 2 || argv[1][0] == '-') {
		print_usage(stderr);
		return 2;
	}
	cmd = argv[1];
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (!strcmp(cmd, cmds[i].name)) {
			req.strategy = cmds[i].strategy;
			break;
		}
	}
	if (i == ARRAY_SIZE(cmds)) {
		fprintf(stderr, "task_diag_all: unknown command %s\n", cmd);
		print_usage(stderr);
		return 2;
	}
	req.has_strategy = true;

	optind = 2;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
		case 'n':
			errno = 0;
			ret = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || ret < 0) {
				fprintf(stderr, "task_diag_all: bad pid %s\n",
					optarg);
				return 2;
			}
			if (opt == 'p') {
				req.has_pid = true;
				req.pid = ret;
			} else {
				creds = (struct ucred){ .pid = ret,
							.uid = getuid(),
							.gid = getgid() };
				cp = &creds;
			}
			break;
		case 'c':
			req.show_flags |= 1ULL << TASKDIAG_GROUP_CRED;
			break;
		case 's':
			req.show_flags |= 1ULL << TASKDIAG_GROUP_STAT;
			break;
		case 'm':
			req.show_flags |= 1ULL << TASKDIAG_GROUP_VMA;
			o.maps = true;
			break;
		case 'S':
			req.show_flags |= 1ULL << TASKDIAG_GROUP_VMA |
					  1ULL << TASKDIAG_GROUP_VMA_STAT;
			o.maps = true;
			o.smaps = true;
			break;
		case 'd':
			req.dump = false;
			break;
		case 'q':
			o.quiet = true;
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
		fprintf(stderr, "task_diag_all: unexpected argument %s\n",
			argv[optind]);
		print_usage(stderr);
		return 2;
	}
	if (!req.dump) {
		if (req.strategy != TASKDIAG_DUMP_STRATEGY_ONE) {
			fprintf(stderr, "task_diag_all: --do is for one\n");
			return 2;
		}
		/* A do is always of one process: it takes no strategy */
		req.has_strategy = false;
	}
	o.groups = req.show_flags != 1ULL << TASKDIAG_GROUP_BASE;

	ret = td_open(&td, BUF_SIZE, false);
	if (ret) {
		fprintf(stderr, "task_diag_all: %s\n",
			ret == -ENOENT ? "no taskdiag in this kernel" :
					 strerror(-ret));
		return 1;
	}
	if (o.quiet)
		td->raw_cb = count_task;
	ret = td_run(td, &req, cp, print_task, &o);
	if (!ret && !o.quiet && !o.count)
		print_header();
	if (ret) {
		fprintf(stderr, "task_diag_all: %s%s%s\n", strerror(-ret),
			td->err.msg[0] ? ": " : "", td->err.msg);
		td_close(td);
		return 1;
	}
	if (o.quiet && o.maps)
		fprintf(stderr, "%lu tasks, %lu mappings\n", o.count, o.nvmas);
	else if (o.quiet)
		fprintf(stderr, "%lu tasks\n", o.count);
	td_close(td);
	return 0;
}
