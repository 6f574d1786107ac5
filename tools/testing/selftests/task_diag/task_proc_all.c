// SPDX-License-Identifier: GPL-2.0
/*
 * task_proc_all: the /proc baseline of task_diag_all. Lists the tasks of
 * /proc with one open/read/close of /proc/PID/stat per process (all) or of
 * /proc/PID/task/TID/stat per thread (All), as a minimal ps does, and prints
 * the table task_diag_all prints, in the same order, so that the two can be
 * compared with diff. The tracer's pid is only in the status file: the
 * table reads it too, --quiet (the timing baseline) does not.
 *
 * With --read FILE[,FILE...] it is the baseline of the other groups: for
 * each task it only opens, reads and closes each of the named /proc files
 * (status for cred, stat and io for stat, maps, smaps, smaps_rollup for the
 * memory map), and prints how many tasks, bytes and lines it read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* What --read read: one open/read.../close per task and file */
struct reads {
	char *files[8];
	int nfiles;
	unsigned long tasks;
	unsigned long long bytes, lines;
	char buf[65536];
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: task_proc_all all|All [--quiet] [--read FILE[,FILE...]]\n"
		"  all      every process, from /proc/PID/stat\n"
		"  All      every thread, from /proc/PID/task/TID/stat\n"
		"  --quiet  print only the number of tasks, to stderr\n"
		"  --read FILES  only read these files of each task and print\n"
		"           the number of tasks, bytes and lines, to stderr\n");
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

/*
 * Files of one seq_file record (stat, status, io, smaps_rollup) come whole
 * in one read() with a large enough buffer. The others return at most a
 * page or so of records per read(), so they are read until end of file.
 */
static bool one_record(const char *file)
{
	return strcmp(file, "maps") && strcmp(file, "smaps");
}

static void read_files(struct reads *r, const char *dir)
{
	char path[PATH_MAX];
	bool found = false;
	ssize_t n;
	char *p;
	int i, fd;

	for (i = 0; i < r->nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, r->files[i]);
		/* A task that exited since the directory was read is skipped */
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		found = true;
		while ((n = read(fd, r->buf, sizeof(r->buf))) > 0) {
			r->bytes += n;
			for (p = r->buf; (p = memchr(p, '\n', r->buf + n - p));
			     p++)
				r->lines++;
			if (one_record(r->files[i]))
				break;
		}
		close(fd);
	}
	r->tasks += found;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->ps.pid < y->ps.pid ? -1 : x->ps.pid > y->ps.pid;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "read", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static struct reads reads;
	struct rows r = {};
	struct dirent *de, *te;
	bool threads, quiet = false;
	char dir[PATH_MAX], *f;
	DIR *proc, *task;
	int opt;
	size_t i;

	/* --help alone: the no-op run that times the program's start */
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		print_usage(stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "all") && strcmp(argv[1], "All"))) {
		print_usage(stderr);
		return 2;
	}
	threads = !strcmp(argv[1], "All");
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quiet = true;
			break;
		case 'r':
			for (f = strtok(optarg, ","); f; f = strtok(NULL, ",")) {
				if (reads.nfiles == ARRAY_SIZE(reads.files)) {
					fprintf(stderr, "task_proc_all: too many files\n");
					return 2;
				}
				reads.files[reads.nfiles++] = f;
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
			if (reads.nfiles) {
				read_files(&reads, dir);
				continue;
			}
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
			if (reads.nfiles) {
				read_files(&reads, dir);
				continue;
			}
			if (add_row(&r, dir, atoi(de->d_name), quiet)) {
				closedir(task);
				goto nomem;
			}
		}
		closedir(task);
	}
	closedir(proc);

	if (reads.nfiles) {
		fprintf(stderr, "%lu tasks, %llu bytes, %llu lines\n",
			reads.tasks, reads.bytes, reads.lines);
		return 0;
	}
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
