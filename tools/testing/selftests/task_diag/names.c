// SPDX-License-Identifier: GPL-2.0
/*
 * The names of mappings. taskdiag builds the name of a file mapping once
 * for the consecutive mappings of one file (with one anonymous shmem
 * name), and lets the mmap lock go between the parts of a dump and, with
 * vma-stat, between mappings while a writer waits. Here:
 *
 * - an adversarial map (named anonymous pages over named shared anonymous
 *   memory and the other way round, files around named anonymous pages,
 *   one file at several offsets with holes, opened twice, through hard
 *   links and a bind mount, deleted and recreated, memfds of one name,
 *   names with spaces, tabs, backslashes and newlines, paths at PATH_MAX
 *   once escaped or with " (deleted)") is compared byte for byte with maps
 *   and smaps, in a do and in dumps split at receive sizes of 8 to 64 KiB;
 * - a map changed all along while it is dumped shows each mapping with a
 *   name that address had: the path of the file whose inode it reports,
 *   or an anonymous name of its kind, place and time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/prctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW_VMA	(1ULL << TASKDIAG_GROUP_VMA)
/* vma-stat alone: it implies vma */
#define SHOW_VMA_STAT	(1ULL << TASKDIAG_GROUP_VMA_STAT)
#define VMA_FLAG(f)	(1ULL << TASKDIAG_VMA_FLAG_##f)
#define TOO_LONG	(1ULL << TASKDIAG_A_VMA_NAME_TOO_LONG)

#define FILE_PAGES	8	/* of each file the map is made of */
#define MAX_TRIES	10
/* prctl() takes anonymous names of up to 79 bytes */
#define ANON_NAME_MAX	79
/* The directory of the files whose names are about PATH_MAX long */
#define DEEP_DIR_LEN	3900
/* Repetitions of the map for the split dumps, with the deep names in some */
#define BIG_REPS	32
#define BIG_DEEP_EVERY	8

/* A directory for the test's files, by its path as maps shows it */
static int make_dir(char *dir, size_t len)
{
	char tmp[64] = "/tmp/td_names.XXXXXX";

	if (!mkdtemp(tmp))
		return -1;
	/* Without a symbolic link on the way: d_path() resolves them */
	if (!realpath(tmp, dir) || strlen(dir) >= len) {
		rmdir(tmp);
		return -1;
	}
	return 0;
}

/* A file of FILE_PAGES pages */
static int make_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0)
		return -1;
	ret = ftruncate(fd, FILE_PAGES * page_size());
	close(fd);
	return ret;
}

/*
 * A chain of directories in dir such that the path of the last one, in
 * out, is len bytes long.
 */
static int make_dir_of_len(const char *dir, size_t len, char *out)
{
	size_t cur = strlen(dir), rest, c;

	if (len >= PATH_MAX || len < cur + 2)
		return -1;
	memcpy(out, dir, cur + 1);
	while (cur < len) {
		rest = len - cur;	/* '/' and a component, or more */
		if (rest <= 201)
			c = rest - 1;
		else if (rest < 204)
			c = 100;	/* leaves two bytes at least */
		else
			c = 200;
		out[cur] = '/';
		memset(out + cur + 1, 'd', c);
		cur += 1 + c;
		out[cur] = '\0';
		if (mkdir(out, 0755))
			return -1;
	}
	return 0;
}

/* The path column of maps for a path: seq_path() escapes newlines */
static void maps_escape(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 < len; s++) {
		if (*s == '\n')
			n += snprintf(out + n, len - n, "\\012");
		else
			out[n++] = *s;
	}
	out[n] = '\0';
}

/* The mapping that contains addr, or NULL */
static const struct td_vma *vma_at(const struct td_vma *v, size_t n,
				   uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].info.start <= addr && addr < v[i].info.end)
			return &v[i];
	return NULL;
}

static struct td_req vma_req(bool dump, pid_t pid, uint64_t show)
{
	struct td_req req = td_dump_req(TASKDIAG_DUMP_STRATEGY_ONE, pid);

	req.has_show_flags = true;
	req.show_flags = show;
	if (!dump) {
		/* A do is always of one process: it takes no strategy */
		req.dump = false;
		req.has_strategy = false;
	}
	return req;
}

/*
 * The adversarial map. Its mappings come from files (enum file_id), made
 * as enum how says, and from anonymous memory; it is a sequence of
 * elements, each a few pages followed by a hole, laid out in order by
 * steps that map over what the previous ones mapped.
 */
enum file_id {
	F_PLAIN,
	F_NL,		/* a newline in the name: escaped at the buffer's start */
	F_TWICE1,	/* one file, opened twice */
	F_TWICE2,
	F_LINK1,	/* one file, by two hard links */
	F_LINK2,
	F_BOUND_A,	/* one file, by a directory and a bind mount of it */
	F_BOUND_B,
	F_GONE_OLD,	/* a file deleted, and one of the same path after it */
	F_GONE_NEW,
	F_MFD1,		/* two memfds of one name */
	F_MFD2,
	F_MFD_NL,	/* a memfd with a newline in its name */
	F_SPACE,
	F_TAB,
	F_BSLASH,
	F_FAKE_DEL,	/* "x (deleted)", not deleted */
	F_FAKE_ESC,	/* a backslash and 012: what maps shows for '\n' */
	F_TRAIL,	/* a trailing space */
	/* The deep ones: names of about PATH_MAX bytes */
	F_LONG,		/* 4090 bytes */
	F_NL_FIT,	/* 4095 bytes with its newlines escaped: it fits */
	F_NL_OVER,	/* 4096 bytes escaped: too long */
	F_DEL_FIT,	/* 4095 bytes with " (deleted)" */
	F_DEL_OVER,	/* 4096 bytes with " (deleted)" */
	NR_FILES
};

enum how {
	OPEN,		/* open the path the test made */
	OPEN_UNLINK,	/* open it, then unlink it */
	RECREATE_OLD,	/* create the path, unlink it ... */
	RECREATE_NEW,	/* ... and create it again (after the old one) */
	MEMFD,		/* memfd_create() of that name */
};

static const struct file_spec {
	const char *name;	/* in the test's directory, or of the memfd */
	enum how how;
	bool made;		/* by the test, before the target opens it */
} files[NR_FILES] = {
	[F_PLAIN] = { "plain", OPEN, true },
	[F_NL] = { "new\nline", OPEN, true },
	[F_TWICE1] = { "twice", OPEN, true },
	[F_TWICE2] = { "twice", OPEN },
	[F_LINK1] = { "link1", OPEN, true },
	[F_LINK2] = { "link2", OPEN },
	[F_BOUND_A] = { "a/bound", OPEN, true },
	[F_BOUND_B] = { "b/bound", OPEN },
	[F_GONE_OLD] = { "gone", RECREATE_OLD },
	[F_GONE_NEW] = { "gone", RECREATE_NEW },
	[F_MFD1] = { "td_mfd", MEMFD },
	[F_MFD2] = { "td_mfd", MEMFD },
	[F_MFD_NL] = { "td mfd\nwith a newline", MEMFD },
	[F_SPACE] = { "sp ace", OPEN, true },
	[F_TAB] = { "tab\tx", OPEN, true },
	[F_BSLASH] = { "back\\slash", OPEN, true },
	[F_FAKE_DEL] = { "x (deleted)", OPEN, true },
	[F_FAKE_ESC] = { "esc\\012", OPEN, true },
	[F_TRAIL] = { "trail ", OPEN, true },
	/* Their names are made to measure in the deep directory */
	[F_LONG] = { NULL, OPEN, true },
	[F_NL_FIT] = { NULL, OPEN, true },
	[F_NL_OVER] = { NULL, OPEN, true },
	[F_DEL_FIT] = { NULL, OPEN_UNLINK, true },
	[F_DEL_OVER] = { NULL, OPEN_UNLINK, true },
};

/* The length of the deep files' paths as maps shows them; newlines */
static const struct {
	size_t shown;
	unsigned int newlines;
	unsigned int deleted;
} deep[NR_FILES] = {
	[F_LONG] = { 4090 },
	[F_NL_FIT] = { PATH_MAX - 1, 16 },
	[F_NL_OVER] = { PATH_MAX, 16 },
	[F_DEL_FIT] = { PATH_MAX - 1, 0, 1 },
	[F_DEL_OVER] = { PATH_MAX, 0, 1 },
};

/* Sources of a step that are not files */
#define S_ANON	(-1)	/* private anonymous memory */
#define S_SHM	(-2)	/* shared anonymous memory */
#define S_NAME	(-3)	/* no mapping: name the pages (NULL: unname them) */

struct step {
	int src;		/* enum file_id or S_* */
	unsigned char page;	/* the first page of the element it maps */
	unsigned char npages;
	unsigned char off;	/* page offset in the file */
	const char *name;	/* anonymous name to give to those pages */
};

struct element {
	const char *what;
	unsigned int npages;
	bool deep;		/* with names of about PATH_MAX bytes */
	bool few;		/* in the map small enough for a do with stats */
	struct step steps[10];
};

/* The longest anonymous name, which overwrites the most of the buffer */
static char long_anon[ANON_NAME_MAX + 1];

#define END_STEPS	{ 0 }

static const struct element elements[] = {
	{ "named anon over named shmem", 3, false, true, {
		{ S_SHM, 0, 3, 0, "td_shm" },
		{ S_ANON, 1, 1, 0, "td_anon" },
	} },
	{ "two named anons over named shmem", 5, false, true, {
		{ S_SHM, 0, 5, 0, "td_shm" },
		{ S_ANON, 1, 1, 0, "td_anon" },
		{ S_ANON, 3, 1, 0, "td_anon2" },
	} },
	{ "named shmem over named anon", 3, false, true, {
		{ S_ANON, 0, 3, 0, "td_anon" },
		{ S_SHM, 1, 1, 0, "td_shm" },
	} },
	{ "unnamed anon over named shmem", 3, false, false, {
		{ S_SHM, 0, 3, 0, "td_shm" },
		{ S_ANON, 1, 1 },
	} },
	{ "named shmem renamed in the middle", 4, false, false, {
		{ S_SHM, 0, 4, 0, "td_shm" },
		{ S_NAME, 1, 1, 0, "td_shm2" },
		{ S_NAME, 3, 1, 0, "td_shm2" },
	} },
	{ "named shmem unnamed in the middle", 3, false, false, {
		{ S_SHM, 0, 3, 0, "td_shm" },
		{ S_NAME, 1, 1, 0, NULL },
	} },
	{ "named anon over unnamed shmem", 3, false, false, {
		{ S_SHM, 0, 3 },
		{ S_ANON, 1, 1, 0, "td_anon" },
	} },
	{ "one file at offsets, a named anon, a hole", 7, false, false, {
		{ F_PLAIN, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, "td_anon" },
		{ F_PLAIN, 2, 1, 2 },
		{ F_PLAIN, 3, 1, 4 },
		{ F_PLAIN, 4, 1, 6 },
		{ F_PLAIN, 6, 1, 1 },
	} },
	{ "newline file around a named anon", 5, false, true, {
		{ F_NL, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, "td_anon" },
		{ F_NL, 2, 1, 2 },
		{ F_NL, 3, 1, 4 },
		{ S_SHM, 4, 1, 0, "td_shm" },
	} },
	{ "memfd with a newline around a named anon", 3, false, true, {
		{ F_MFD_NL, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, "td anon with spaces" },
		{ F_MFD_NL, 2, 1, 2 },
	} },
	{ "file opened twice", 4, false, false, {
		{ F_TWICE1, 0, 1, 0 },
		{ F_TWICE2, 1, 1, 1 },
		{ F_TWICE1, 2, 1, 2 },
		{ F_TWICE2, 3, 1, 3 },
	} },
	{ "hard links", 3, false, false, {
		{ F_LINK1, 0, 1, 0 },
		{ F_LINK2, 1, 1, 1 },
		{ F_LINK1, 2, 1, 2 },
	} },
	{ "bind mount", 4, false, false, {
		{ F_BOUND_A, 0, 1, 0 },
		{ F_BOUND_B, 1, 1, 1 },
		{ S_ANON, 2, 1, 0, "td_anon" },
		{ F_BOUND_A, 3, 1, 2 },
	} },
	{ "deleted and recreated", 4, false, false, {
		{ F_GONE_OLD, 0, 1, 0 },
		{ F_GONE_NEW, 1, 1, 1 },
		{ F_GONE_OLD, 2, 1, 2 },
		{ S_ANON, 3, 1, 0, "td_anon" },
	} },
	{ "memfds of one name", 4, false, false, {
		{ F_MFD1, 0, 1, 0 },
		{ F_MFD2, 1, 1, 1 },
		{ F_MFD1, 2, 1, 2 },
		{ S_SHM, 3, 1, 0, "td_shm" },
	} },
	{ "odd names", 9, false, false, {
		{ F_SPACE, 0, 1, 0 },
		{ F_TAB, 1, 1, 0 },
		{ F_SPACE, 2, 1, 2 },
		{ F_BSLASH, 3, 1, 0 },
		{ S_ANON, 4, 1, 0, "td anon with spaces" },
		{ F_BSLASH, 5, 1, 2 },
		{ F_FAKE_DEL, 6, 1, 0 },
		{ F_FAKE_ESC, 7, 1, 0 },
		{ F_FAKE_DEL, 8, 1, 2 },
	} },
	{ "files around named shmem", 5, false, false, {
		{ F_PLAIN, 0, 1, 3 },
		{ S_SHM, 1, 1, 0, "td_shm" },
		{ F_PLAIN, 2, 1, 5 },
		{ F_TRAIL, 3, 1, 0 },
		{ F_TRAIL, 4, 1, 2 },
	} },
	{ "long path around the longest anon name", 3, true, false, {
		{ F_LONG, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, long_anon },
		{ F_LONG, 2, 1, 2 },
	} },
	{ "path of 4095 bytes escaped", 3, true, false, {
		{ F_NL_FIT, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, long_anon },
		{ F_NL_FIT, 2, 1, 2 },
	} },
	{ "path of 4096 bytes escaped", 3, true, false, {
		{ F_NL_OVER, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, long_anon },
		{ F_NL_OVER, 2, 1, 2 },
	} },
	{ "path of 4095 bytes deleted", 3, true, false, {
		{ F_DEL_FIT, 0, 1, 0 },
		{ S_ANON, 1, 1, 0, long_anon },
		{ F_DEL_FIT, 2, 1, 2 },
	} },
	{ "path of 4096 bytes deleted", 3, true, false, {
		{ F_DEL_OVER, 0, 1, 0 },
		{ S_SHM, 1, 1, 0, long_anon },
		{ F_DEL_OVER, 2, 1, 2 },
	} },
};

/* What the test and the target share */
struct names {
	int reps;		/* repetitions of the elements */
	int deep_every;		/* the deep ones in every so many; 0: never */
	bool few;		/* only the elements marked so */
	char path[NR_FILES][PATH_MAX];
	uint64_t lo, hi;	/* the map's zone */
	uint64_t third;		/* the third part of the first shmem split */
	char err[256];		/* what failed in the target's setup */
};

/* The target, laying the map out */
struct builder {
	struct names *n;
	int fd[NR_FILES];
	size_t pg;
	char *at;		/* the next element's first page */
};

/* Whether repetition rep of the map has element i */
static bool has_element(const struct names *n, int rep, size_t i)
{
	if (n->few && !elements[i].few)
		return false;
	return !elements[i].deep ||
	       (n->deep_every && !(rep % n->deep_every));
}

static size_t map_pages(const struct names *n)
{
	size_t i, pages = 1;
	int rep;

	for (rep = 0; rep < n->reps; rep++)
		for (i = 0; i < ARRAY_SIZE(elements); i++)
			if (has_element(n, rep, i))
				pages += elements[i].npages + 1;
	return pages;
}

/* The descriptor of file i, made as files[i].how says, or -1 */
static int open_one(struct builder *b, int i)
{
	const char *path = b->n->path[i];
	enum how how = files[i].how;
	int fd;

	if (how == MEMFD) {
		fd = memfd_create(path, MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, FILE_PAGES * b->pg)) {
			close(fd);
			return -1;
		}
		return fd;
	}
	/* The old one is deleted before the new one is made */
	if ((how == RECREATE_OLD || how == RECREATE_NEW) && make_file(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (how == RECREATE_OLD || how == OPEN_UNLINK) &&
	    unlink(path)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int open_files(struct builder *b)
{
	int i;

	for (i = 0; i < NR_FILES; i++) {
		b->fd[i] = open_one(b, i);
		if (b->fd[i] < 0) {
			snprintf(b->n->err, sizeof(b->n->err), "file %d: %s", i,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Fault a page in: for vma-stat to count */
static void touch_page(char *addr, bool write)
{
	if (write)
		addr[0] = 1;
	else
		asm volatile("" : : "r" (addr[0]));
}

static int map_step(struct builder *b, const struct step *s)
{
	char *addr = b->at + s->page * b->pg;
	size_t len = s->npages * b->pg;
	int rw = PROT_READ | PROT_WRITE;
	void *p = addr;

	if (s->src == S_ANON)
		p = mmap(addr, len, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0);
	else if (s->src == S_SHM)
		p = mmap(addr, len, rw, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0);
	else if (s->src >= 0)
		p = mmap(addr, len, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 b->fd[s->src], s->off * b->pg);
	if (p == MAP_FAILED)
		return -1;
	if (s->src != S_NAME)
		touch_page(addr, s->src < 0);
	if (s->name || s->src == S_NAME)
		return prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME,
			     (unsigned long)addr, len, s->name);
	return 0;
}

/* Lay out one element at b->at, with a hole after it */
static int map_element(struct builder *b, const struct element *e)
{
	bool mapped[16] = {};
	const struct step *s;
	unsigned int i;

	for (s = e->steps; s->npages; s++) {
		if (map_step(b, s)) {
			snprintf(b->n->err, sizeof(b->n->err), "%s, page %u: %s",
				 e->what, s->page, strerror(errno));
			return -1;
		}
		for (i = 0; s->src != S_NAME && i < s->npages; i++)
			mapped[s->page + i] = true;
	}
	/* The pages no step mapped, and the one after, are holes */
	for (i = 0; i <= e->npages; i++)
		if ((i == e->npages || !mapped[i]) &&
		    munmap(b->at + i * b->pg, b->pg))
			return -1;
	b->at += (e->npages + 1) * b->pg;
	return 0;
}

static int setup_target(void *arg)
{
	struct builder b = { .n = arg, .pg = page_size() };
	struct names *n = b.n;
	size_t len = map_pages(n) * b.pg, i;
	char *zone;
	int rep;

	if (open_files(&b))
		return -1;
	/* Reserved, so that nothing else lands in the holes */
	zone = mmap(NULL, len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (zone == MAP_FAILED || munmap(zone, b.pg))
		return -1;
	n->lo = (uintptr_t)zone;
	n->hi = n->lo + len;
	/* The brief's instance: the third part of the first element */
	n->third = n->lo + 3 * b.pg;
	b.at = zone + b.pg;
	for (rep = 0; rep < n->reps; rep++) {
		for (i = 0; i < ARRAY_SIZE(elements); i++) {
			if (!has_element(n, rep, i))
				continue;
			if (map_element(&b, &elements[i]))
				return -1;
		}
	}
	if (b.at != zone + len)
		return -1;
	for (i = 0; i < NR_FILES; i++)
		close(b.fd[i]);
	return 0;
}

/* The path of a deep file: d/ then its name, with newlines, to measure */
static void deep_path(const char *dir, int id, char *out)
{
	size_t dlen = strlen(dir);
	size_t raw = deep[id].shown - 3 * deep[id].newlines -
		     10 * deep[id].deleted;
	size_t nlen = raw - dlen - 1, i;
	char *name = out + dlen + 1;

	memcpy(out, dir, dlen);
	out[dlen] = '/';
	memset(name, 'a' + id - F_LONG, nlen);
	name[nlen] = '\0';
	for (i = 0; i < deep[id].newlines; i++)
		name[2 + 2 * i] = '\n';
}

/* A target process and its directory */
struct target {
	struct names *n;
	char dir[PATH_MAX];
	char bound[PATH_MAX + 2];	/* the bind mount */
	pid_t pid;
	int hold;
};

static void target_start(struct __test_metadata *_metadata,
			 struct target *t, int reps, int deep_every,
			 bool few)
{
	char deep_dir[PATH_MAX], path[PATH_MAX + 8];
	struct names *n;
	int i;

	t->pid = -1;
	n = shared_alloc(sizeof(*n));
	t->n = n;
	ASSERT_NE(NULL, n);
	n->reps = reps;
	n->deep_every = deep_every;
	n->few = few;
	/* The bind mount goes away with this private mount namespace */
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, make_dir(t->dir, sizeof(t->dir) - 64));
	snprintf(path, sizeof(path), "%s/a", t->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(t->bound, sizeof(t->bound), "%s/b", t->dir);
	ASSERT_EQ(0, mkdir(t->bound, 0755));
	ASSERT_EQ(0, mount(path, t->bound, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, make_dir_of_len(t->dir, DEEP_DIR_LEN, deep_dir));

	memset(long_anon, 'L', ANON_NAME_MAX);
	for (i = 0; i < NR_FILES; i++) {
		if (!files[i].name)
			deep_path(deep_dir, i, n->path[i]);
		else if (files[i].how == MEMFD)
			snprintf(n->path[i], PATH_MAX, "%s", files[i].name);
		else
			snprintf(n->path[i], PATH_MAX, "%s/%s", t->dir,
				 files[i].name);
		if (files[i].made)
			ASSERT_EQ(0, make_file(n->path[i]))
				TH_LOG("%s: %s", n->path[i], strerror(errno));
	}
	ASSERT_EQ(0, link(n->path[F_LINK1], n->path[F_LINK2]));

	t->pid = spawn_prepared(setup_target, n, &t->hold);
	ASSERT_LT(0, t->pid) TH_LOG("target: %s", n->err);
}

static void target_stop(struct target *t)
{
	if (t->pid > 0) {
		close(t->hold);
		kill_wait(t->pid);
	}
	if (t->bound[0])
		umount2(t->bound, MNT_DETACH);
	if (t->dir[0])
		remove_dir(t->dir);
	if (t->n)
		munmap(t->n, sizeof(*t->n));
}

/*
 * A dump's messages merged, and where they were cut: how many cuts fell
 * between two mappings of one file.
 */
struct split {
	struct td_merge *m;
	unsigned int tasks;
	unsigned int cuts;
	unsigned int same_file_cuts;
};

static int split_msg(const struct td_task *t, void *arg)
{
	struct split *s = arg;
	size_t at = s->m->open ? s->m->nvmas : 0;
	const struct td_vma *a, *b;
	int ret;

	ret = td_merge_add(s->m, t);
	if (ret < 0)
		return ret;
	s->tasks += ret;
	if (at && at < s->m->nvmas) {
		a = &s->m->vmas[at - 1];
		b = &s->m->vmas[at];
		s->cuts++;
		s->same_file_cuts += a->file.inode &&
				     a->file.inode == b->file.inode &&
				     a->file.dev_major == b->file.dev_major &&
				     a->file.dev_minor == b->file.dev_minor;
	}
	return 0;
}

/*
 * The mappings of pid by req, between two reads of maps (or smaps) that
 * agree: nothing moved in between, so the reply must equal them. Returns 0
 * with m, pm and s filled, or a negative errno.
 */
static int fetch_quiescent(struct td *td, const struct td_req *req,
			   pid_t pid, bool smaps, struct td_merge *m,
			   struct proc_map *pm, struct split *s)
{
	struct proc_map after;
	int ret, tries;
	bool same;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		ret = proc_read_map(pid, smaps, pm);
		if (ret)
			return ret;
		td_merge_free(m);
		*s = (struct split){ .m = m };
		ret = td_run(td, req, NULL, split_msg, s);
		if (!ret && (m->open || s->tasks != 1)) {
			snprintf(m->err, sizeof(m->err), "%u tasks%s", s->tasks,
				 m->open ? ", the last part with cont" : "");
			ret = -EPROTO;
		}
		if (!ret)
			ret = proc_read_map(pid, smaps, &after);
		if (ret) {
			proc_map_free(pm);
			return ret;
		}
		same = proc_map_equal(pm, &after);
		proc_map_free(&after);
		if (same)
			return 0;
		proc_map_free(pm);
	}
	return -EAGAIN;
}

/* Why a fetch failed */
static void td_log_fetch(struct __test_metadata *_metadata,
			 const struct td *td, const struct td_merge *m)
{
	TH_LOG("fetch failed: %s, extack \"%s\", merge \"%s\"",
	       strerror(-td->err.error), td->err.msg, m->err);
}

#define TD_LOG_FETCH(td, m)	td_log_fetch(_metadata, td, m)

/* The mappings of a reply that differ from maps, the first few logged */
static unsigned int count_mismatches(struct __test_metadata *_metadata,
				     const struct td_merge *m,
				     const struct proc_map *pm, bool stat)
{
	struct proc_map one = *pm;
	unsigned int bad = 0;
	char why[PATH_MAX + 1024];
	const char *what;
	size_t i;

	if (m->nvmas != pm->n) {
		td_cmp_map(m->vmas, m->nvmas, pm, stat, why, sizeof(why));
		TH_LOG("%s", why);
		return 1;
	}
	for (i = 0; i < pm->n; i++) {
		one.v = &pm->v[i];
		one.n = 1;
		if (!td_cmp_map(&m->vmas[i], 1, &one, stat, why, sizeof(why)))
			continue;
		/* Past "mapping 0, " */
		what = strchr(why, ',');
		if (bad++ < 6)
			TH_LOG("mapping %zu of %zu: %s", i, pm->n,
			       what ? what + 2 : why);
	}
	return bad;
}

/* The deep files show names of 4095 bytes (that fit) and 4096 in maps */
static void check_deep(struct __test_metadata *_metadata,
		       const struct names *n, const struct proc_map *pm)
{
	size_t i, len, fit = 0, over = 0, want = 0;
	int rep;

	for (rep = 0; rep < n->reps; rep++)
		want += n->deep_every && !(rep % n->deep_every);
	for (i = 0; i < pm->n; i++) {
		len = pm->v[i].name ? strlen(pm->v[i].name) : 0;
		fit += len == PATH_MAX - 1;
		over += len == PATH_MAX;
	}
	/* Two files of each, each mapped twice */
	EXPECT_EQ(4 * want, fit);
	EXPECT_EQ(4 * want, over);
}

/*
 * Ask with req and compare every mapping with maps, or smaps (VmFlags,
 * and the counters for vma-stat), byte for byte; and the shmem split of
 * the first element, which must be as maps shows it too.
 */
static void check_names(struct __test_metadata *_metadata, struct td *td,
			const struct td_req *req, const struct target *t,
			bool smaps, struct split *s)
{
	bool stat = req->show_flags & SHOW_VMA_STAT;
	const struct proc_vma *p;
	const struct td_vma *v;
	struct td_merge m = {};
	struct proc_map pm;
	int ret;

	ret = fetch_quiescent(td, req, t->pid, smaps || stat, &m, &pm, s);
	ASSERT_EQ(0, ret) TD_LOG_FETCH(td, &m);
	EXPECT_FALSE(m.task.has_withheld);
	EXPECT_EQ(0, count_mismatches(_metadata, &m, &pm, stat));

	/* What the map was made to have: the test is about something */
	check_deep(_metadata, t->n, &pm);
	p = proc_map_find(&pm, t->n->third);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("[anon_shmem:td_shm]", p->name ?: "");
	v = vma_at(m.vmas, m.nvmas, t->n->third);
	ASSERT_NE(NULL, v);
	EXPECT_STREQ("[anon_shmem:td_shm]", v->name ?: "")
		TH_LOG("inode %llu", (unsigned long long)v->file.inode);
	proc_map_free(&pm);
	td_merge_free(&m);
}

/* The map once, without the deep names: small enough for a do */
FIXTURE(small) {
	struct td *td;
	struct target t;
};

FIXTURE_SETUP(small)
{
	memset(&self->t, 0, sizeof(self->t));
	TD_OPEN_OR_SKIP(&self->td, 0, false);
	target_start(_metadata, &self->t, 1, 0, false);
}

FIXTURE_TEARDOWN(small)
{
	target_stop(&self->t);
	td_close(self->td);
}

/* A do: one message, all of the map, as maps and smaps show it */
TEST_F_TIMEOUT(small, do_maps, 120)
{
	struct td_req req = vma_req(false, self->t.pid, SHOW_VMA);
	struct split s;

	check_names(_metadata, self->td, &req, &self->t, true, &s);
	EXPECT_EQ(0, s.cuts);
}

/* The same in a dump, against smaps and then maps, on one socket */
TEST_F_TIMEOUT(small, dump_maps, 120)
{
	struct td_req req = vma_req(true, self->t.pid, SHOW_VMA);
	struct split s;

	check_names(_metadata, self->td, &req, &self->t, true, &s);
	check_names(_metadata, self->td, &req, &self->t, false, &s);
}

TEST_F_TIMEOUT(small, dump_smaps, 120)
{
	struct td_req req = vma_req(true, self->t.pid, SHOW_VMA_STAT);
	struct split s;

	check_names(_metadata, self->td, &req, &self->t, true, &s);
}

/*
 * With vma-stat, a do of the whole map does not fit its 32 KiB: the
 * shmem splits and the names escaped at the buffer's start.
 */
FIXTURE(few) {
	struct td *td;
	struct target t;
};

FIXTURE_SETUP(few)
{
	memset(&self->t, 0, sizeof(self->t));
	TD_OPEN_OR_SKIP(&self->td, 0, false);
	target_start(_metadata, &self->t, 1, 0, true);
}

FIXTURE_TEARDOWN(few)
{
	target_stop(&self->t);
	td_close(self->td);
}

TEST_F_TIMEOUT(few, do_smaps, 120)
{
	struct td_req req = vma_req(false, self->t.pid, SHOW_VMA_STAT);
	struct split s;

	check_names(_metadata, self->td, &req, &self->t, true, &s);
	EXPECT_EQ(0, s.cuts);
}

/* The map BIG_REPS times, with the deep names, over many messages */
FIXTURE(big) {
	struct target t;
};

FIXTURE_SETUP(big)
{
	memset(&self->t, 0, sizeof(self->t));
	target_start(_metadata, &self->t, BIG_REPS, BIG_DEEP_EVERY,
		     false);
}

FIXTURE_TEARDOWN(big)
{
	target_stop(&self->t);
}

/*
 * Receive sizes: the kernel makes a dump's datagrams as large as the
 * largest read of the socket (up to about 32 KiB), and a new socket that
 * peeks reads with its buffer's size: each size cuts the map elsewhere.
 */
static const size_t split_sizes[] = {
	8192, 8704, 9999, 12288, 14000, 16384, 19001, 24576, 28000, 32768,
	65536,
};

static void check_split(struct __test_metadata *_metadata,
			const struct target *t, uint64_t show, size_t step)
{
	unsigned int cuts = 0, same = 0, parts, last = UINT_MAX;
	struct split s;
	struct td_req req;
	struct td *td;
	size_t i;

	req = vma_req(true, t->pid, show);
	for (i = 0; i < ARRAY_SIZE(split_sizes); i += step) {
		TD_OPEN_OR_SKIP(&td, split_sizes[i], true);
		check_names(_metadata, td, &req, t, false, &s);
		parts = td->stats.nmsg;
		td_close(td);
		/* Split, in fewer parts with a larger buffer (or as many) */
		EXPECT_LT(2, parts) TH_LOG("%zu bytes", split_sizes[i]);
		EXPECT_GE(last, parts) TH_LOG("%zu bytes", split_sizes[i]);
		last = parts;
		cuts += s.cuts;
		same += s.same_file_cuts;
	}
	TH_LOG("%u cuts, %u between mappings of one file", cuts, same);
	EXPECT_LT(0, same);
}

TEST_F_TIMEOUT(big, split_maps, 300)
{
	check_split(_metadata, &self->t, SHOW_VMA, 1);
}

TEST_F_TIMEOUT(big, split_smaps, 300)
{
	check_split(_metadata, &self->t, SHOW_VMA_STAT, 3);
}

/*
 * A map changed all along while it is dumped. Each of the target's
 * threads changes slots of a zone of its own: a slot gets a file of a
 * pool (a new open each time: a struct file freed by the last unmap may
 * come back), named anonymous memory, named shared anonymous memory with
 * a named anonymous page over it, a new name, or loses pages. Anonymous
 * names say their slot and when they were given. Every mapping a dump
 * shows in the zone lies in a slot and has a name of that slot and of the
 * past, of its kind: a file's name is the path of the file whose inode
 * it has; outside the zone, the map is as it was.
 */
#define CHURN_THREADS	2
#define CHURN_SLOTS	24	/* per thread */
#define NR_SLOTS	(CHURN_THREADS * CHURN_SLOTS)
#define SLOT_PAGES	4
#define POOL_FILES	16
#define POOL_PAGES	4

struct churn {
	char path[POOL_FILES][PATH_MAX];
	char shown[POOL_FILES][PATH_MAX];	/* in maps */
	uint64_t ino[POOL_FILES];
	unsigned int major, minor;		/* of the pool's file system */
	char *zone;
	int go;
	unsigned long gen;			/* changes begun */
	unsigned long rounds[CHURN_THREADS];
};

struct churn_thread {
	struct churn *c;
	int id;
};

static size_t zone_pages(void)
{
	return 1 + NR_SLOTS * (SLOT_PAGES + 1);
}

static char *slot_addr(const struct churn *c, unsigned int k)
{
	return c->zone + (1 + k * (SLOT_PAGES + 1)) * page_size();
}

static void map_pool(struct churn *c, char *addr, unsigned int n,
		     unsigned long g, unsigned long x)
{
	int fd = open(c->path[g % POOL_FILES], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (mmap(addr, n * page_size(), PROT_READ, MAP_PRIVATE | MAP_FIXED,
		 fd, x % (POOL_PAGES - n + 1) * page_size()) != MAP_FAILED)
		touch_page(addr, false);
	close(fd);
}

static void map_named(char *addr, unsigned int n, int flags,
		      const char *fmt, unsigned int k, unsigned long g)
{
	size_t len = n * page_size();
	char name[32];

	if (mmap(addr, len, PROT_READ | PROT_WRITE,
		 flags | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return;
	touch_page(addr, true);
	snprintf(name, sizeof(name), fmt, k, g);
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)addr, len,
	      name);
}

/* One change to slot k */
static void churn_once(struct churn *c, unsigned int k, unsigned long x)
{
	unsigned long g = __atomic_fetch_add(&c->gen, 1, __ATOMIC_RELAXED);
	unsigned int page = (x >> 8) % SLOT_PAGES;
	unsigned int n = 1 + (x >> 12) % (SLOT_PAGES - page);
	size_t pg = page_size();
	char *slot = slot_addr(c, k);
	char name[32];

	switch (x % 8) {
	case 0:
	case 1:
		map_pool(c, slot + page * pg, n, g, x >> 16);
		break;
	case 2:
		map_named(slot + page * pg, n, MAP_PRIVATE, "td_a%u_%lu", k, g);
		break;
	case 3:
	case 4:
		/* shmem, a named anon page over its middle, shmem */
		map_named(slot, SLOT_PAGES, MAP_SHARED, "td_s%u_%lu", k, g);
		map_named(slot + pg, 1 + (x >> 16) % 2, MAP_PRIVATE,
			  "td_p%u_%lu", k, g);
		break;
	case 5:
		munmap(slot + page * pg, n * pg);
		break;
	case 6:
		/* Fails at a file or a hole, having named what came before */
		snprintf(name, sizeof(name), "td_r%u_%lu", k, g);
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)slot,
		      SLOT_PAGES * pg, name);
		break;
	default:
		/* A file over the middle of what is there */
		map_pool(c, slot + pg, 2, g, x >> 16);
		break;
	}
}

static void *churn_thread(void *arg)
{
	struct churn_thread *t = arg;
	struct churn *c = t->c;
	uint64_t x = 88172645463325252ULL + t->id;

	while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
		usleep(1000);
	for (;;) {
		xorshift(&x);
		churn_once(c, t->id * CHURN_SLOTS + (x >> 3) % CHURN_SLOTS, x);
		__atomic_add_fetch(&c->rounds[t->id], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int setup_churn(void *arg)
{
	static struct churn_thread threads[CHURN_THREADS];
	struct churn *c = arg;
	size_t pg = page_size();
	unsigned int k;
	pthread_t th;
	int i;

	for (i = 0; i < CHURN_THREADS; i++) {
		threads[i] = (struct churn_thread){ .c = c, .id = i };
		if (pthread_create(&th, NULL, churn_thread, &threads[i]))
			return -1;
	}
	/* After the threads' stacks, holes between the slots */
	c->zone = mmap(NULL, zone_pages() * pg, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (c->zone == MAP_FAILED || munmap(c->zone, pg))
		return -1;
	for (k = 0; k < NR_SLOTS; k++) {
		if (munmap(slot_addr(c, k) + SLOT_PAGES * pg, pg))
			return -1;
		map_pool(c, slot_addr(c, k), SLOT_PAGES, k, 0);
	}
	return 0;
}

struct churn_check {
	const struct churn *c;
	const struct proc_map *before;
	pid_t pid;
	uint64_t lo, hi;	/* the zone */
	unsigned int msgs;
	unsigned int vmas;
	/* Mappings seen: of the pool, named shmem, named anon over it */
	unsigned int pool, shm, punch;
	char why[PATH_MAX + 256];
};

/* The slot that holds [start, end), -1 if none does */
static int slot_of(const struct churn_check *cc, uint64_t start, uint64_t end)
{
	uint64_t pg = page_size(), off = (start - cc->lo) / pg;
	uint64_t k, in;

	if (off < 1)
		return -1;
	k = (off - 1) / (SLOT_PAGES + 1);
	in = (off - 1) % (SLOT_PAGES + 1);
	if (k >= NR_SLOTS || end > start + (SLOT_PAGES - in) * pg)
		return -1;
	return k;
}

/* An anonymous name "[PREFIXtd_KINDk_g]" of slot k, kind in kinds */
static bool anon_name_ok(const struct churn_check *cc, const char *name,
			 const char *prefix, const char *kinds, int slot,
			 char *kind)
{
	unsigned long g;
	unsigned int k;
	char fmt[64];
	int end = -1;

	snprintf(fmt, sizeof(fmt), "[%std_%%c%%u_%%lu]%%n", prefix);
	if (sscanf(name, fmt, kind, &k, &g, &end) != 3 ||
	    end != (int)strlen(name))
		return false;
	return strchr(kinds, *kind) && (int)k == slot &&
	       g < __atomic_load_n(&cc->c->gen, __ATOMIC_RELAXED);
}

static bool churn_name_ok(struct churn_check *cc, const struct td_vma *v,
			  int slot)
{
	const struct churn *c = cc->c;
	uint64_t ino = v->file.inode;
	bool shared = v->info.flags & VMA_FLAG(MAY_SHARE);
	const char *name = v->name;
	char kind;
	int j;

	if (!name)
		return !ino && !shared && !(v->present & TOO_LONG);
	if (!strncmp(name, "[anon:", 6)) {
		if (!anon_name_ok(cc, name, "anon:", "apr", slot, &kind))
			return false;
		cc->punch += kind == 'p';
		return !ino && !shared;
	}
	if (!strncmp(name, "[anon_shmem:", 12)) {
		if (!anon_name_ok(cc, name, "anon_shmem:", "sr", slot, &kind))
			return false;
		cc->shm++;
		return ino && shared;
	}
	if (!strcmp(name, "/dev/zero (deleted)"))
		return ino && shared;
	for (j = 0; j < POOL_FILES; j++) {
		if (strcmp(name, c->shown[j]))
			continue;
		cc->pool++;
		return ino == c->ino[j] && !shared &&
		       v->file.dev_major == c->major &&
		       v->file.dev_minor == c->minor;
	}
	return false;
}

/* Outside the zone: a mapping the target had before the churn began */
static bool churn_had(const struct churn_check *cc, const struct td_vma *v)
{
	const struct proc_vma *p = proc_map_find(cc->before, v->info.start);

	return p && p->end == v->info.end && p->inode == v->file.inode &&
	       !strcmp(p->name ?: "", v->name ?: "");
}

static int churn_vma(const struct td_vma *v, void *arg)
{
	struct churn_check *cc = arg;
	uint64_t start = v->info.start, end = v->info.end;
	int slot = -1;
	bool ok;

	cc->vmas++;
	if (end > cc->lo && start < cc->hi) {
		slot = slot_of(cc, start, end);
		ok = slot >= 0 && !v->bad && churn_name_ok(cc, v, slot);
	} else {
		ok = !v->bad && churn_had(cc, v);
	}
	if (ok)
		return 0;
	snprintf(cc->why, sizeof(cc->why),
		 "%llx-%llx (slot %d) %02x:%02x %llu flags %#llx, \"%s\"%s",
		 (unsigned long long)start, (unsigned long long)end, slot,
		 (unsigned int)v->file.dev_major,
		 (unsigned int)v->file.dev_minor,
		 (unsigned long long)v->file.inode,
		 (unsigned long long)v->info.flags, v->name ?: "",
		 v->present & TOO_LONG ? " (name too long)" : "");
	return -EPROTO;
}

static int churn_msg(const struct td_task *t, void *arg)
{
	struct churn_check *cc = arg;

	if (t->pid != (uint32_t)cc->pid || t->bad_task || t->has_withheld) {
		snprintf(cc->why, sizeof(cc->why),
			 "message of %u, malformed %#x, withheld %#llx",
			 t->pid, t->bad_task, (unsigned long long)t->withheld);
		return -EPROTO;
	}
	cc->msgs++;
	return td_parse_vmas(t, churn_vma, cc);
}

static const size_t churn_sizes[] = { 8192, 12288, 20000, 32768 };

FIXTURE(churn) {
	struct td *tds[ARRAY_SIZE(churn_sizes)];
	struct churn *c;
	char dir[PATH_MAX];
	struct proc_map before;
	pid_t pid;
	int hold;
};

FIXTURE_SETUP(churn)
{
	struct churn *c;
	struct stat st;
	unsigned int i;

	self->pid = -1;
	for (i = 0; i < ARRAY_SIZE(churn_sizes); i++)
		TD_OPEN_OR_SKIP(&self->tds[i], churn_sizes[i], true);
	c = shared_alloc(sizeof(*c));
	self->c = c;
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, make_dir(self->dir, sizeof(self->dir) - 32));
	for (i = 0; i < POOL_FILES; i++) {
		/* Some with a newline: escaped at the start of the buffer */
		snprintf(c->path[i], PATH_MAX, i & 1 ? "%s/pool\n%u" :
			 "%s/pool %u", self->dir, i);
		maps_escape(c->path[i], c->shown[i], PATH_MAX);
		ASSERT_EQ(0, make_file(c->path[i]));
		ASSERT_EQ(0, stat(c->path[i], &st));
		c->ino[i] = st.st_ino;
		c->major = major(st.st_dev);
		c->minor = minor(st.st_dev);
	}
	self->pid = spawn_prepared(setup_churn, c, &self->hold);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, proc_read_map(self->pid, false, &self->before));
}

FIXTURE_TEARDOWN(churn)
{
	unsigned int i;

	if (self->pid > 0) {
		close(self->hold);
		kill_wait(self->pid);
	}
	proc_map_free(&self->before);
	remove_dir(self->dir);
	if (self->c)
		munmap(self->c, sizeof(*self->c));
	for (i = 0; i < ARRAY_SIZE(self->tds); i++)
		if (self->tds[i])
			td_close(self->tds[i]);
}

TEST_F_TIMEOUT(churn, names_of_their_files, 300)
{
	/* Half the usual race: the program has a budget of a minute */
	double end = now() + race_seconds() / 2.0;
	struct churn *c = self->c;
	unsigned int dumps = 0;
	struct churn_check cc;
	struct td_req req;
	struct td *td;
	int ret = 0;

	cc = (struct churn_check){
		.c = c,
		.before = &self->before,
		.pid = self->pid,
		.lo = (uintptr_t)c->zone,
		.hi = (uintptr_t)c->zone + zone_pages() * page_size(),
	};
	__atomic_store_n(&c->go, 1, __ATOMIC_RELEASE);

	while (!ret && (now() < end || dumps < 8)) {
		/* Each receive size with and without vma-stat */
		td = self->tds[dumps / 2 % ARRAY_SIZE(self->tds)];
		/* vma-stat lets the lock go while a churner waits for it */
		req = vma_req(true, self->pid,
			      dumps & 1 ? SHOW_VMA : SHOW_VMA_STAT);
		ret = td_run(td, &req, NULL, churn_msg, &cc);
		dumps++;
	}
	TH_LOG("%u dumps, %u messages, %u mappings; %u of the pool, %u shmem",
	       dumps, cc.msgs, cc.vmas, cc.pool, cc.shm);
	TH_LOG("%u named anon over shmem; %lu and %lu changes", cc.punch,
	       c->rounds[0], c->rounds[1]);
	EXPECT_EQ(0, ret) {
		TD_LOG_ERR(td);
		TH_LOG("dump %u: %s", dumps - 1, cc.why);
	}
	/* The churn made what the test is about, and the dumps saw it */
	EXPECT_LT(0, c->rounds[0]);
	EXPECT_LT(0, c->rounds[1]);
	EXPECT_LT(0, cc.pool);
	EXPECT_LT(0, cc.shm);
	EXPECT_LT(0, cc.punch);
}

TEST_HARNESS_MAIN
