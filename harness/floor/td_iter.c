// SPDX-License-Identifier: GPL-2.0
/*
 * td_iter: make bench's floor. It loads td_iter.bpf.c, creates a BPF task
 * (or task_vma) iterator and reads its records into a 64 KiB buffer, as
 * td_count reads a dump: it counts records and bytes and decodes nothing.
 *
 * Usage: td_iter task|task_vma|load
 *   task: one record per process; task_vma: one per mapping;
 *   load: load and attach only (the program's start, for make bench's
 *   no-op row).
 * Prints "N tasks, B bytes, walk T ns" to stderr (N: processes, for both
 * iterators; T: from creating the iterator to its end, the programs being
 * loaded and attached before).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "td_iter.h"
#include "td_iter.skel.h"

#define BUF_SIZE	65536

/* Aligned as the records: their headers are read in place */
static union {
	char bytes[BUF_SIZE];
	struct td_iter_vma first;
} buf;

/* Read the iterator to its end; count processes as the records show them */
static int read_iter(int fd, int vmas, unsigned long *tasks,
		     unsigned long long *bytes)
{
	unsigned int have = 0, last_pid = 0;
	ssize_t n;

	while ((n = read(fd, buf.bytes + have, sizeof(buf) - have)) > 0) {
		unsigned int len = have + n, off = 0;

		*bytes += n;
		if (!vmas) {
			*tasks += len / sizeof(struct td_iter_task);
			have = len % sizeof(struct td_iter_task);
			memmove(buf.bytes, buf.bytes + len - have, have);
			continue;
		}
		/* A record may straddle two reads: keep its start. */
		while (len - off >= sizeof(struct td_iter_vma)) {
			struct td_iter_vma v;

			memcpy(&v, buf.bytes + off, sizeof(v));
			if (len - off < sizeof(v) + v.name_len)
				break;
			if (v.pid != last_pid)
				(*tasks)++;
			last_pid = v.pid;
			off += sizeof(v) + v.name_len;
		}
		have = len - off;
		memmove(buf.bytes, buf.bytes + off, have);
	}
	return n < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	unsigned long long bytes = 0, walk_ns = 0;
	struct timespec t0, t1;
	unsigned long tasks = 0;
	struct bpf_program *prog;
	struct td_iter_bpf *skel;
	struct bpf_link *link;
	int fd, err;

	if (argc != 2 || (strcmp(argv[1], "task") &&
			  strcmp(argv[1], "task_vma") &&
			  strcmp(argv[1], "load"))) {
		fprintf(stderr, "usage: td_iter task|task_vma|load\n");
		return 2;
	}
	skel = td_iter_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "td_iter: loading: %s\n", strerror(errno));
		return 1;
	}
	prog = strcmp(argv[1], "task_vma") ? skel->progs.dump_task :
					     skel->progs.dump_vma;
	link = bpf_program__attach_iter(prog, NULL);
	err = link ? 0 : -errno;
	if (!err && strcmp(argv[1], "load")) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		fd = bpf_iter_create(bpf_link__fd(link));
		err = fd < 0 ? -errno :
			read_iter(fd, prog == skel->progs.dump_vma, &tasks,
				  &bytes);
		if (fd >= 0)
			close(fd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		walk_ns = (t1.tv_sec - t0.tv_sec) * 1000000000ULL +
			  t1.tv_nsec - t0.tv_nsec;
	}
	bpf_link__destroy(link);
	td_iter_bpf__destroy(skel);
	if (err) {
		fprintf(stderr, "td_iter: %s\n", strerror(-err));
		return 1;
	}
	fprintf(stderr, "%lu tasks, %llu bytes, walk %llu ns\n", tasks, bytes,
		walk_ns);
	return 0;
}
