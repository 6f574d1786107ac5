// SPDX-License-Identifier: GPL-2.0
/*
 * proc_read: the minimal /proc reader, the fair baseline of make bench.
 * It lists /proc and, for each process (or each thread), opens a file,
 * reads it into a 64 KiB buffer and closes it; nothing is parsed or
 * counted but bytes. A file of one seq_file record (stat, status, io,
 * smaps_rollup) comes whole in the first read(). The others (maps, smaps)
 * return a page or so of records per read(), so they are read until end
 * of file: a reader that stops at the first short read gets only the
 * first few mappings of a large map.
 *
 * Usage: proc_read FILE[,FILE...] [--threads]
 * Prints "N tasks, B bytes, walk T ns" to stderr, T being the time from
 * opening /proc to the end of the last file, without the program's start.
 * Static, no library: its start costs what the dump clients' does.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES	8

struct reader {
	const char *files[MAX_FILES];
	bool whole[MAX_FILES];		/* read until end of file */
	int nfiles;
	unsigned long tasks;
	unsigned long long bytes;
	char buf[65536];
};

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool many_records(const char *file)
{
	return !strcmp(file, "maps") || !strcmp(file, "smaps");
}

/*
 * The files of one task, "PID" or "PID/task/TID" under /proc: one open()
 * each, as "/proc/PID/stat" costs. A task that has exited is skipped.
 */
static void read_task(struct reader *r, int procfd, const char *dir)
{
	char path[PATH_MAX];
	bool found = false;
	ssize_t n;
	int i, fd;

	for (i = 0; i < r->nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, r->files[i]);
		fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		found = true;
		do {
			n = read(fd, r->buf, sizeof(r->buf));
			if (n > 0)
				r->bytes += n;
		} while (n > 0 && r->whole[i]);
		close(fd);
	}
	r->tasks += found;
}

static void read_threads(struct reader *r, int procfd, const char *pid)
{
	char path[PATH_MAX];
	struct dirent *de;
	int taskfd;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/task", pid);
	taskfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return;
	dir = fdopendir(taskfd);
	if (!dir) {
		close(taskfd);
		return;
	}
	while ((de = readdir(dir))) {
		if (!is_number(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/task/%s", pid, de->d_name);
		read_task(r, procfd, path);
	}
	closedir(dir);
}

int main(int argc, char **argv)
{
	static struct reader r;
	struct timespec t0, t1;
	bool threads = false;
	struct dirent *de;
	char *list, *f;
	int procfd;
	DIR *proc;

	/* --help alone: the no-op run that times the program's start */
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: proc_read FILE[,FILE...] [--threads]\n");
		return 0;
	}
	threads = argc == 3 && !strcmp(argv[2], "--threads");
	if (argc != 2 && !threads) {
		fprintf(stderr, "usage: proc_read FILE[,FILE...] [--threads]\n");
		return 2;
	}
	list = argv[1];
	for (f = strtok(list, ","); f; f = strtok(NULL, ",")) {
		if (r.nfiles == MAX_FILES) {
			fprintf(stderr, "proc_read: too many files\n");
			return 2;
		}
		r.whole[r.nfiles] = many_records(f);
		r.files[r.nfiles++] = f;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	proc = opendir("/proc");
	if (!proc) {
		perror("proc_read: /proc");
		return 1;
	}
	procfd = dirfd(proc);
	while ((de = readdir(proc))) {
		if (!is_number(de->d_name))
			continue;
		if (threads) {
			read_threads(&r, procfd, de->d_name);
			continue;
		}
		read_task(&r, procfd, de->d_name);
	}
	closedir(proc);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%lu tasks, %llu bytes, walk %llu ns\n", r.tasks,
		r.bytes, (t1.tv_sec - t0.tv_sec) * 1000000000ULL +
		t1.tv_nsec - t0.tv_nsec);
	return 0;
}
