// SPDX-License-Identifier: GPL-2.0
/*
 * task_proc_all: the /proc baseline of task_diag_all. Lists the tasks of
 * /proc with one open/read/close of /proc/PID/stat per process (all) or of
 * /proc/PID/task/TID/stat per thread (All), as a minimal ps does, and prints
 * the table task_diag_all prints, in the same order, so that the two can be
 * compared with diff. The tracer's pid is only in the status file: the
 * table reads it too, --quiet (the timing baseline) does not.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taskdiag_lib.h"

struct row {
	struct proc_stat ps;
	uint32_t tgid;
	long tpid;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: task_proc_all all|All [--quiet]\n"
		"  all      every process, from /proc/PID/stat\n"
		"  All      every thread, from /proc/PID/task/TID/stat\n"
		"  --quiet  print only the number of tasks, to stderr\n");
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

static int add_row(struct rows *r, const char *dir, uint32_t tgid,
		   bool quiet)
{
	char path[PATH_MAX];
	struct row *row;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		struct row *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	row = &r->v[r->n];
	snprintf(path, sizeof(path), "%s/stat", dir);
	/* A task that exited since the directory was read is skipped */
	if (proc_read_stat(path, &row->ps))
		return 0;
	row->tgid = tgid;
	row->tpid = 0;
	if (!quiet) {
		snprintf(path, sizeof(path), "%s/status", dir);
		if (proc_read_status(path, "TracerPid", &row->tpid))
			return 0;
	}
	r->n++;
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->ps.pid < y->ps.pid ? -1 : x->ps.pid > y->ps.pid;
}

int main(int argc, char **argv)
{
	struct rows r = {};
	struct dirent *de, *te;
	bool threads, quiet = false;
	char dir[PATH_MAX];
	DIR *proc, *task;
	size_t i;

	if (argc < 2 || argc > 3 ||
	    (strcmp(argv[1], "all") && strcmp(argv[1], "All")) ||
	    (argc == 3 && strcmp(argv[2], "--quiet"))) {
		print_usage(stderr);
		return 2;
	}
	threads = !strcmp(argv[1], "All");
	quiet = argc == 3;

	proc = opendir("/proc");
	if (!proc) {
		perror("task_proc_all: /proc");
		return 1;
	}
	while ((de = readdir(proc))) {
		if (!numeric(de->d_name))
			continue;
		if (!threads) {
			snprintf(dir, sizeof(dir), "/proc/%s", de->d_name);
			if (add_row(&r, dir, atoi(de->d_name), quiet))
				goto nomem;
			continue;
		}
		snprintf(dir, sizeof(dir), "/proc/%s/task", de->d_name);
		task = opendir(dir);
		if (!task)
			continue;
		while ((te = readdir(task))) {
			if (!numeric(te->d_name))
				continue;
			snprintf(dir, sizeof(dir), "/proc/%s/task/%s",
				 de->d_name, te->d_name);
			if (add_row(&r, dir, atoi(de->d_name), quiet)) {
				closedir(task);
				goto nomem;
			}
		}
		closedir(task);
	}
	closedir(proc);

	if (quiet) {
		fprintf(stderr, "%zu tasks\n", r.n);
		free(r.v);
		return 0;
	}
	/* taskdiag lists threads by tid across processes */
	if (threads)
		qsort(r.v, r.n, sizeof(*r.v), cmp_rows);
	printf("%7s %7s %7s %7s %7s %7s %-5s %s\n", "PID", "TGID", "PPID",
	       "PGID", "SID", "TPID", "STATE", "COMM");
	for (i = 0; i < r.n; i++) {
		const struct row *w = &r.v[i];

		printf("%7u %7u %7u %7u %7u %7ld %-5c %s\n", w->ps.pid, w->tgid,
		       w->ps.ppid, w->ps.pgid, w->ps.sid, w->tpid, w->ps.state,
		       w->ps.comm);
	}
	free(r.v);
	return 0;

nomem:
	closedir(proc);
	fprintf(stderr, "task_proc_all: out of memory\n");
	return 1;
}
