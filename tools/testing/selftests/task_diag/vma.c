// SPDX-License-Identifier: GPL-2.0
/*
 * The vma and vma-stat groups against /proc/PID/maps and smaps: every
 * mapping and every field of quiescent processes made to have mappings of
 * each kind (anonymous, files private, shared and deleted, SysV and memfd
 * shared memory, named, split by mprotect, locked, advised, a path with a
 * newline, a path deeper than PATH_MAX, 20,000 mappings over many
 * messages); a map that changes during dumps, a target that exits in the
 * middle of one, a set-uid exec in front of an unprivileged requester, the
 * access rules, kernel threads, zombies and the thread strategies.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/prctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW_BASE	(1ULL << TASKDIAG_GROUP_BASE)
#define SHOW_VMA	(1ULL << TASKDIAG_GROUP_VMA)
/* vma-stat alone: it implies vma */
#define SHOW_VMA_STAT	(1ULL << TASKDIAG_GROUP_VMA_STAT)
#define VMA_FLAG(f)	(1ULL << TASKDIAG_VMA_FLAG_##f)
#define VMA_STAT(vma, a) ((vma)->stat.v[TASKDIAG_A_VMA_STAT_##a])

#ifndef __NR_mseal
#define __NR_mseal	462
#endif
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE	0x08
#endif

#define ZOO_PAGES	4
#define BIG_MAPS	8000	/* about 2 MB of replies */
#define LOOP_SLOTS	512
#define DEEP_LEVELS	24	/* of DEEP_NAME_LEN + 1 bytes: beyond PATH_MAX */
#define DEEP_NAME_LEN	200
#define MAX_TRIES	10

/* A directory for the test's files that nobody may enter too */
static int make_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/td_vma.XXXXXX");
	if (!mkdtemp(dir) || chmod(dir, 0755))
		return -1;
	return 0;
}

/* A file of npages pages in dir; its path goes to path */
static int make_file(const char *dir, const char *name, size_t npages,
		     char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, npages * page_size())) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The mapping that contains addr, or NULL */
static const struct td_vma *vma_at(const struct td_vma *v, size_t n,
				   const void *addr)
{
	uint64_t a = (uintptr_t)addr;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].info.start <= a && a < v[i].info.end)
			return &v[i];
	return NULL;
}

static const struct td_vma *vma_named(const struct td_vma *v, size_t n,
				      const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].name && !strcmp(v[i].name, name))
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
 * The mappings of pid by req, between two reads of maps (or smaps) that
 * agree: nothing moved in between, so the reply must equal them. Returns 0
 * with m and pm filled, or a negative errno.
 */
static int fetch_quiescent(struct td *td, const struct td_req *req,
			   pid_t pid, bool smaps, struct td_merge *m,
			   struct proc_map *pm)
{
	struct proc_map after;
	int ret, tries;
	bool same;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		ret = proc_read_map(pid, smaps, pm);
		if (ret)
			return ret;
		ret = td_fetch_req(td, req, m, NULL);
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

#define TD_LOG_FETCH(td, m)						\
	TH_LOG("fetch failed: %s, extack \"%s\", merge \"%s\"",	\
	       strerror(-(td)->err.error), (td)->err.msg, (m)->err)

/*
 * Ask with req for process pid and compare every mapping with maps and
 * the VmFlags of smaps, and with the rest of smaps for vma-stat.
 */
static void check_map(struct __test_metadata *_metadata, struct td *td,
		      const struct td_req *req, pid_t pid, struct td_merge *m)
{
	bool stat = req->show_flags & SHOW_VMA_STAT;
	struct proc_map pm;
	char why[1024];
	int ret;

	ret = fetch_quiescent(td, req, pid, true, m, &pm);
	ASSERT_EQ(0, ret) TD_LOG_FETCH(td, m);
	EXPECT_FALSE(m->task.has_withheld);
	EXPECT_EQ(0, m->task.bad_task);
	EXPECT_EQ(pm.n, m->nvmas);
	EXPECT_EQ(0, td_cmp_map(m->vmas, m->nvmas, &pm, stat, why,
				sizeof(why)))
		TH_LOG("%d: %s", pid, why);
	proc_map_free(&pm);
}

/* A socket and a directory */
FIXTURE(vma) {
	struct td *td;
	char dir[64];
};

FIXTURE_SETUP(vma)
{
	self->dir[0] = '\0';
	TD_OPEN_OR_SKIP(&self->td, 0, false);
	ASSERT_EQ(0, make_dir(self->dir, sizeof(self->dir)));
}

FIXTURE_TEARDOWN(vma)
{
	remove_dir(self->dir);
	td_close(self->td);
}

/* A process with mappings of each kind, quiescent */

struct zoo {
	char dir[64];
	void *addr[32];		/* of each region, NULL if not supported */
	int pkey;
};

static size_t zoo_len(void)
{
	return ZOO_PAGES * page_size();
}

/* Write to every other page: some pages resident, some not */
static void *touch(void *p)
{
	size_t i;

	if (p != MAP_FAILED)
		for (i = 0; i < zoo_len(); i += 2 * page_size())
			((char *)p)[i] = 1;
	return p;
}

/* Read every other page of len bytes */
static void *peek_len(void *p, size_t len)
{
	unsigned long sum = 0;
	size_t i;

	if (p != MAP_FAILED)
		for (i = 0; i < len; i += 2 * page_size())
			sum += ((char *)p)[i];
	/* Keeps the reads */
	asm volatile("" : : "r" (sum));
	return p;
}

static void *peek(void *p)
{
	return peek_len(p, zoo_len());
}

static void *map_anon(int prot, int flags)
{
	return mmap(NULL, zoo_len(), prot, MAP_ANONYMOUS | flags, -1, 0);
}

static void *map_rw(int flags)
{
	return map_anon(PROT_READ | PROT_WRITE, MAP_PRIVATE | flags);
}

static void *map_file(const char *dir, const char *name, int flags,
		      bool unlink_it)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	fd = make_file(dir, name, ZOO_PAGES, path, sizeof(path));
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, zoo_len(), PROT_READ | PROT_WRITE, flags, fd, 0);
	close(fd);
	if (unlink_it && unlink(path))
		return MAP_FAILED;
	return p;
}

/* MAP_FAILED when err */
static void *unless(int err, void *p)
{
	return err ? MAP_FAILED : p;
}

static void *name_anon(void *p, const char *name)
{
	if (p == MAP_FAILED)
		return p;
	return unless(prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME,
			    (unsigned long)p, zoo_len(), name), p);
}

static void *advise(void *p, int advice)
{
	if (p == MAP_FAILED)
		return p;
	return unless(madvise(p, zoo_len(), advice), touch(p));
}

static void *z_anon(struct zoo *z)
{
	return touch(map_rw(0));
}

static void *z_anon_named(struct zoo *z)
{
	return name_anon(touch(map_rw(0)), "td_vma_anon");
}

static void *z_shmem_named(struct zoo *z)
{
	return name_anon(touch(map_anon(PROT_READ | PROT_WRITE, MAP_SHARED)),
			 "td_vma_shmem");
}

static void *z_shared_anon(struct zoo *z)
{
	return touch(map_anon(PROT_READ | PROT_WRITE, MAP_SHARED));
}

static void *z_file_private(struct zoo *z)
{
	return peek(map_file(z->dir, "private", MAP_PRIVATE, false));
}

static void *z_file_shared(struct zoo *z)
{
	return touch(map_file(z->dir, "shared", MAP_SHARED, false));
}

static void *z_deleted(struct zoo *z)
{
	return touch(map_file(z->dir, "deleted", MAP_SHARED, true));
}

static void *z_newline(struct zoo *z)
{
	return peek(map_file(z->dir, "new\nline", MAP_PRIVATE, false));
}

static void *z_sysv(struct zoo *z)
{
	int id = shmget(IPC_PRIVATE, zoo_len(), IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		return MAP_FAILED;
	p = shmat(id, NULL, 0);
	/* Gone with the last detach: the mapping shows it deleted */
	if (shmctl(id, IPC_RMID, NULL) || p == (void *)-1)
		return MAP_FAILED;
	return touch(p);
}

static void *z_memfd(struct zoo *z)
{
	int fd = memfd_create("td_vma", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return MAP_FAILED;
	if (ftruncate(fd, zoo_len())) {
		close(fd);
		return MAP_FAILED;
	}
	p = mmap(NULL, zoo_len(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return touch(p);
}

/* rw, r, rw: three mappings of one; the middle one */
static void *z_prot_split(struct zoo *z)
{
	char *p = touch(map_rw(0));

	if (p == MAP_FAILED)
		return p;
	return unless(mprotect(p + page_size(), page_size(), PROT_READ),
		      p + page_size());
}

static void *z_prot_none(struct zoo *z)
{
	return map_anon(PROT_NONE, MAP_PRIVATE);
}

static void *z_mlock(struct zoo *z)
{
	void *p = map_rw(0);

	if (p == MAP_FAILED)
		return p;
	return unless(mlock(p, zoo_len()), p);
}

static void *z_lock_on_fault(struct zoo *z)
{
	void *p = map_rw(0);

	if (p == MAP_FAILED)
		return p;
	return unless(mlock2(p, zoo_len(), MLOCK_ONFAULT), touch(p));
}

static void *z_dontdump(struct zoo *z)
{
	return advise(map_rw(0), MADV_DONTDUMP);
}

static void *z_wipeonfork(struct zoo *z)
{
	return advise(map_rw(0), MADV_WIPEONFORK);
}

static void *z_dontfork(struct zoo *z)
{
	return advise(map_rw(0), MADV_DONTFORK);
}

static void *z_sequential(struct zoo *z)
{
	return advise(map_rw(0), MADV_SEQUENTIAL);
}

static void *z_random(struct zoo *z)
{
	return advise(map_rw(0), MADV_RANDOM);
}

static void *z_noreserve(struct zoo *z)
{
	return touch(map_rw(MAP_NORESERVE));
}

static void *z_sealed(struct zoo *z)
{
	void *p = touch(map_rw(0));

	if (p == MAP_FAILED)
		return p;
	return unless(syscall(__NR_mseal, p, zoo_len(), 0), p);
}

static void *z_droppable(struct zoo *z)
{
	return touch(map_anon(PROT_READ | PROT_WRITE, MAP_DROPPABLE));
}

static void *z_pkey(struct zoo *z)
{
	void *p = touch(map_rw(0));

	z->pkey = pkey_alloc(0, 0);
	if (p == MAP_FAILED || z->pkey < 0)
		return MAP_FAILED;
	return unless(pkey_mprotect(p, zoo_len(), PROT_READ | PROT_WRITE,
				    z->pkey), p);
}

static const struct region {
	const char *what;
	void *(*map)(struct zoo *z);
	const char *name;	/* its name in maps; %s: the directory */
	uint64_t flags;		/* flags it has (among others) */
	uint64_t not_flags;	/* flags it does not have */
	bool optional;		/* needs what the kernel or CPU may lack */
} regions[] = {
	{ "anonymous", z_anon, NULL, VMA_FLAG(READ) | VMA_FLAG(WRITE),
	  VMA_FLAG(SHARED) | VMA_FLAG(MAY_SHARE) },
	{ "named anonymous", z_anon_named, "[anon:td_vma_anon]" },
	{ "named shared anonymous", z_shmem_named,
	  "[anon_shmem:td_vma_shmem]", VMA_FLAG(SHARED) },
	{ "shared anonymous", z_shared_anon, "/dev/zero (deleted)",
	  VMA_FLAG(SHARED) | VMA_FLAG(MAY_SHARE) },
	{ "private file", z_file_private, "%s/private", VMA_FLAG(READ),
	  VMA_FLAG(SHARED) },
	{ "shared file", z_file_shared, "%s/shared", VMA_FLAG(SHARED) },
	{ "deleted file", z_deleted, "%s/deleted (deleted)" },
	{ "file with a newline", z_newline, "%s/new\\012line" },
	{ "SysV shared memory", z_sysv, "/SYSV00000000 (deleted)",
	  VMA_FLAG(SHARED) },
	{ "memfd", z_memfd, "/memfd:td_vma (deleted)", VMA_FLAG(SHARED) },
	{ "read-only part", z_prot_split, NULL, VMA_FLAG(READ),
	  VMA_FLAG(WRITE) },
	{ "inaccessible", z_prot_none, NULL, 0,
	  VMA_FLAG(READ) | VMA_FLAG(WRITE) | VMA_FLAG(EXEC) },
	{ "locked", z_mlock, NULL, VMA_FLAG(LOCKED), VMA_FLAG(LOCK_ON_FAULT) },
	{ "locked on fault", z_lock_on_fault, NULL,
	  VMA_FLAG(LOCKED) | VMA_FLAG(LOCK_ON_FAULT) },
	{ "MADV_DONTDUMP", z_dontdump, NULL, VMA_FLAG(DONT_DUMP) },
	{ "MADV_WIPEONFORK", z_wipeonfork, NULL, VMA_FLAG(WIPE_ON_FORK) },
	{ "MADV_DONTFORK", z_dontfork, NULL, VMA_FLAG(DONT_COPY) },
	{ "MADV_SEQUENTIAL", z_sequential, NULL, VMA_FLAG(SEQ_READ) },
	{ "MADV_RANDOM", z_random, NULL, VMA_FLAG(RAND_READ) },
	{ "MAP_NORESERVE", z_noreserve, NULL, VMA_FLAG(NO_RESERVE) },
	{ "mseal", z_sealed, NULL, VMA_FLAG(SEALED), 0, true },
	{ "MAP_DROPPABLE", z_droppable, NULL, VMA_FLAG(DROPPABLE), 0, true },
	{ "protection key", z_pkey, NULL, 0, 0, true },
};

#define NR_REGIONS	ARRAY_SIZE(regions)
static_assert(ARRAY_SIZE(((struct zoo *)NULL)->addr) >= NR_REGIONS,
	      "room for the address of each region");

static int setup_zoo(void *arg)
{
	struct zoo *z = arg;
	size_t i;
	void *p;

	/* [heap] */
	if (sbrk(page_size()) == (void *)-1)
		return -1;
	for (i = 0; i < NR_REGIONS; i++) {
		p = regions[i].map(z);
		if (p == MAP_FAILED && !regions[i].optional)
			return -1;
		z->addr[i] = p == MAP_FAILED ? NULL : p;
	}
	return 0;
}

/* The mappings every process has, and a flag they have */
static const struct {
	const char *name;
	uint64_t flags;
} special[] = {
	{ "[heap]", VMA_FLAG(READ) | VMA_FLAG(WRITE) },
	{ "[stack]", VMA_FLAG(GROWS_DOWN) },
	{ "[vdso]", VMA_FLAG(EXEC) },
	{ "[vvar]", VMA_FLAG(READ) },
};

FIXTURE(zoo) {
	struct td *td;
	struct zoo *z;
	pid_t pid;
	int hold;
};

FIXTURE_SETUP(zoo)
{
	self->pid = -1;
	TD_OPEN_OR_SKIP(&self->td, 0, false);
	self->z = shared_alloc(sizeof(*self->z));
	ASSERT_NE(NULL, self->z);
	ASSERT_EQ(0, make_dir(self->z->dir, sizeof(self->z->dir)));
	self->pid = spawn_prepared(setup_zoo, self->z, &self->hold);
	ASSERT_LT(0, self->pid);
}

FIXTURE_TEARDOWN(zoo)
{
	if (self->pid > 0) {
		close(self->hold);
		kill_wait(self->pid);
	}
	if (self->z) {
		remove_dir(self->z->dir);
		munmap(self->z, sizeof(*self->z));
	}
	td_close(self->td);
}

/* Each region of the zoo has its name and its flags */
static void check_regions(struct __test_metadata *_metadata,
			  const struct zoo *z, const struct td_merge *m)
{
	const struct td_vma *v;
	char name[PATH_MAX];
	uint64_t flags;
	size_t i;

	for (i = 0; i < NR_REGIONS; i++) {
		const struct region *r = &regions[i];

		if (!z->addr[i]) {
			TH_LOG("%s: not supported here", r->what);
			continue;
		}
		v = vma_at(m->vmas, m->nvmas, z->addr[i]);
		EXPECT_NE(NULL, v)
			TH_LOG("%s: no mapping at %p", r->what, z->addr[i]);
		if (!v)
			continue;
		snprintf(name, sizeof(name), r->name ?: "", z->dir);
		EXPECT_STREQ(name, v->name ?: "") TH_LOG("%s", r->what);
		flags = v->info.flags;
		EXPECT_EQ(r->flags, flags & r->flags)
			TH_LOG("%s: flags %#llx", r->what,
			       (unsigned long long)flags);
		EXPECT_EQ(0, flags & r->not_flags)
			TH_LOG("%s: flags %#llx", r->what,
			       (unsigned long long)flags);
	}
	for (i = 0; i < ARRAY_SIZE(special); i++) {
		v = vma_named(m->vmas, m->nvmas, special[i].name);
		EXPECT_NE(NULL, v)
			TH_LOG("no %s", special[i].name);
		if (!v)
			continue;
		EXPECT_EQ(special[i].flags, v->info.flags & special[i].flags)
			TH_LOG("%s", special[i].name);
	}
}

/* The counters the zoo's regions must show, beyond equalling smaps */
static void check_region_stats(struct __test_metadata *_metadata,
			       const struct zoo *z, const struct td_merge *m)
{
	const struct td_vma *v;
	uint64_t size;
	size_t i;

	for (i = 0; i < NR_REGIONS; i++) {
		v = z->addr[i] ? vma_at(m->vmas, m->nvmas, z->addr[i]) : NULL;
		if (!v)
			continue;
		size = v->info.end - v->info.start;
		/* A region may have merged with a neighbour of its kind */
		if (regions[i].map == z_mlock) {
			EXPECT_EQ(size, VMA_STAT(v, LOCKED));
			EXPECT_EQ(size, VMA_STAT(v, RSS));
		} else if (regions[i].map == z_anon) {
			EXPECT_LE(zoo_len() / 2, VMA_STAT(v, RSS));
			EXPECT_EQ(VMA_STAT(v, RSS), VMA_STAT(v, ANONYMOUS));
			EXPECT_EQ(VMA_STAT(v, RSS), VMA_STAT(v, PRIVATE_DIRTY));
		} else if (regions[i].map == z_file_shared) {
			EXPECT_EQ(zoo_len() / 2, VMA_STAT(v, RSS));
		} else if (regions[i].map == z_pkey) {
			EXPECT_EQ(z->pkey, VMA_STAT(v, PROTECTION_KEY));
		}
		EXPECT_EQ(page_size(), VMA_STAT(v, KERNEL_PAGE_SIZE));
		EXPECT_EQ(page_size(), VMA_STAT(v, MMU_PAGE_SIZE));
	}
}

/* Bytes of the task messages of a reply, headers included */
static int count_reply_bytes(const struct nlmsghdr *nlh, void *arg)
{
	*(size_t *)arg += NLMSG_ALIGN(nlh->nlmsg_len);
	return 0;
}

/* Bytes of /proc/PID/FILE, read to its end; a negative errno on failure */
static ssize_t proc_text_size(pid_t pid, const char *file)
{
	char path[64], buf[65536];
	ssize_t n, size = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		size += n;
	if (n < 0)
		size = -errno;
	close(fd);
	return size;
}

/*
 * The ABI's rule for the encoding: a reply is never larger than the text
 * it replaces, maps for vma and smaps for vma-stat (the structs of a
 * mapping and the counters left out when 0 see to it). pid's map must not
 * change meanwhile.
 */
static void check_not_larger_than_text(struct __test_metadata *_metadata,
				       struct td *td, pid_t pid)
{
	static const struct {
		uint64_t show;
		const char *file;
	} groups[] = {
		{ SHOW_VMA, "maps" },
		{ SHOW_VMA_STAT, "smaps" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		struct td_req req = vma_req(true, pid, groups[i].show);
		size_t reply = 0;
		ssize_t text;
		int ret;

		td->raw_cb = count_reply_bytes;
		ret = td_run(td, &req, NULL, NULL, &reply);
		td->raw_cb = NULL;
		ASSERT_EQ(0, ret) TD_LOG_ERR(td);
		text = proc_text_size(pid, groups[i].file);
		ASSERT_LT(0, text) TH_LOG("%s: %s", groups[i].file,
					  strerror(-text));
		EXPECT_GE((size_t)text, reply)
			TH_LOG("%s: reply %zu bytes, text %zd", groups[i].file,
			       reply, text);
	}
}

/* A dump of the memory map (no statistics) is maps, with smaps' VmFlags */
TEST_F_TIMEOUT(zoo, maps, 120)
{
	struct td_req req = vma_req(true, self->pid, SHOW_BASE | SHOW_VMA);
	struct td_merge m = {};

	check_map(_metadata, self->td, &req, self->pid, &m);
	check_regions(_metadata, self->z, &m);
	td_merge_free(&m);
}

/* vma-stat, which implies vma, is smaps */
TEST_F_TIMEOUT(zoo, smaps, 120)
{
	struct td_req req = vma_req(true, self->pid, SHOW_VMA_STAT);
	struct td_merge m = {};

	check_map(_metadata, self->td, &req, self->pid, &m);
	check_regions(_metadata, self->z, &m);
	check_region_stats(_metadata, self->z, &m);
	td_merge_free(&m);
}

/* Every kind of mapping: anonymous, of files, special, named */
TEST_F_TIMEOUT(zoo, not_larger_than_text, 120)
{
	check_not_larger_than_text(_metadata, self->td, self->pid);
}

/* The same for a do of a small process: one message */
TEST_F_TIMEOUT(vma, do_small, 120)
{
	struct td_merge m = {};
	struct td_req req;
	pid_t pid;

	pid = spawn_sleeper(1, NULL);
	ASSERT_LT(0, pid);
	req = vma_req(false, pid, SHOW_VMA_STAT);
	check_map(_metadata, self->td, &req, pid, &m);
	EXPECT_EQ(1, m.parts);
	EXPECT_EQ(1, self->td->stats.nmsg);
	EXPECT_NE(NULL, vma_named(m.vmas, m.nvmas, "[stack]"));
	kill_wait(pid);
	td_merge_free(&m);
}

/* A file deeper than PATH_MAX: maps shows its path, taskdiag says so */

struct deep {
	int fd;
	void *addr;
};

static int setup_deep(void *arg)
{
	struct deep *d = arg;

	d->addr = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE, d->fd, 0);
	return d->addr == MAP_FAILED ? -1 : 0;
}

/* A chain of directories in dir: dirfd[i] of level i, of name comp */
static int make_deep(const char *dir, const char *comp, int *dirfd)
{
	int i, at = AT_FDCWD;
	const char *name = dir;

	for (i = 0; i < DEEP_LEVELS; i++) {
		if (i && mkdirat(at, name, 0755))
			return -1;
		dirfd[i] = openat(at, name, O_DIRECTORY | O_CLOEXEC);
		if (dirfd[i] < 0)
			return -1;
		at = dirfd[i];
		name = comp;
	}
	return 0;
}

static void remove_deep(const char *comp, int *dirfd)
{
	int i;

	unlinkat(dirfd[DEEP_LEVELS - 1], "file", 0);
	for (i = DEEP_LEVELS - 1; i > 0; i--) {
		close(dirfd[i]);
		unlinkat(dirfd[i - 1], comp, AT_REMOVEDIR);
	}
	close(dirfd[0]);
}

TEST_F_TIMEOUT(vma, deep_path, 120)
{
	char comp[DEEP_NAME_LEN + 1], why[1024];
	int dirfd[DEEP_LEVELS], hold;
	const struct proc_vma *p;
	const struct td_vma *v;
	struct td_merge m = {};
	struct proc_map pm;
	struct td_req req;
	struct deep *d;
	pid_t pid;

	d = shared_alloc(sizeof(*d));
	ASSERT_NE(NULL, d);
	memset(comp, 'd', DEEP_NAME_LEN);
	comp[DEEP_NAME_LEN] = '\0';
	ASSERT_EQ(0, make_deep(self->dir, comp, dirfd));
	d->fd = openat(dirfd[DEEP_LEVELS - 1], "file",
		       O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_LE(0, d->fd);
	ASSERT_EQ(0, ftruncate(d->fd, page_size()));
	pid = spawn_prepared(setup_deep, d, &hold);
	ASSERT_LT(0, pid);

	req = vma_req(true, pid, SHOW_VMA);
	ASSERT_EQ(0, fetch_quiescent(self->td, &req, pid, false, &m, &pm))
		TD_LOG_FETCH(self->td, &m);
	p = proc_map_find(&pm, (uintptr_t)d->addr);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, p->name);
	EXPECT_LT(PATH_MAX, strlen(p->name));
	v = vma_at(m.vmas, m.nvmas, d->addr);
	ASSERT_NE(NULL, v);
	EXPECT_EQ(NULL, v->name);
	EXPECT_TRUE(v->present & (1ULL << TASKDIAG_A_VMA_NAME_TOO_LONG));
	/* And the rest as maps has it */
	EXPECT_EQ(0, td_cmp_map(m.vmas, m.nvmas, &pm, false, why, sizeof(why)))
		TH_LOG("%s", why);

	proc_map_free(&pm);
	td_merge_free(&m);
	close(hold);
	kill_wait(pid);
	close(d->fd);
	remove_deep(comp, dirfd);
}

/* A process of BIG_MAPS mappings of a file with a long name */

struct bigmap {
	char path[PATH_MAX];
	char *base;
};

static int setup_bigmap(void *arg)
{
	struct bigmap *b = arg;
	size_t pg = page_size();
	char *p;
	int fd, i;

	fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	b->base = mmap(NULL, BIG_MAPS * pg, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->base == MAP_FAILED)
		return -1;
	/* Each maps offset 0, so that none merges with its neighbours */
	for (i = 0; i < BIG_MAPS; i++) {
		p = mmap(b->base + i * pg, pg, PROT_READ, MAP_PRIVATE | MAP_FIXED,
			 fd, 0);
		if (p == MAP_FAILED)
			return -1;
		/* One page, resident in some: shared, Pss below Rss */
		if (!(i % 16))
			peek_len(p, pg);
	}
	close(fd);
	return 0;
}

FIXTURE(bigmap) {
	struct td *td;
	struct bigmap *b;
	char dir[64];
	pid_t pid;
	int hold;
};

FIXTURE_SETUP(bigmap)
{
	char name[160];
	int fd;

	self->pid = -1;
	self->dir[0] = '\0';
	TD_OPEN_OR_SKIP(&self->td, 0, false);
	self->b = shared_alloc(sizeof(*self->b));
	ASSERT_NE(NULL, self->b);
	ASSERT_EQ(0, make_dir(self->dir, sizeof(self->dir)));
	memset(name, 'b', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	fd = make_file(self->dir, name, 1, self->b->path,
		       sizeof(self->b->path));
	ASSERT_LE(0, fd);
	close(fd);
	self->pid = spawn_prepared(setup_bigmap, self->b, &self->hold);
	ASSERT_LT(0, self->pid);
}

FIXTURE_TEARDOWN(bigmap)
{
	if (self->pid > 0) {
		close(self->hold);
		kill_wait(self->pid);
	}
	remove_dir(self->dir);
	if (self->b)
		munmap(self->b, sizeof(*self->b));
	td_close(self->td);
}

/* The mappings of the big map are the file's, split over messages */
static void check_bigmap(struct __test_metadata *_metadata,
			 const struct td_merge *m, const struct bigmap *b)
{
	const struct td_vma *v;
	size_t i, n = 0;

	EXPECT_LT(1, m->parts);
	for (i = 0; i < m->nvmas; i++) {
		v = &m->vmas[i];
		n += v->name && !strcmp(v->name, b->path);
	}
	EXPECT_EQ(BIG_MAPS, n);
}

TEST_F_TIMEOUT(bigmap, maps, 600)
{
	struct td_req req = vma_req(true, self->pid, SHOW_VMA);
	struct td_merge m = {};

	check_map(_metadata, self->td, &req, self->pid, &m);
	check_bigmap(_metadata, &m, self->b);
	td_merge_free(&m);
}

TEST_F_TIMEOUT(bigmap, smaps, 600)
{
	struct td_req req = vma_req(true, self->pid, SHOW_VMA_STAT);
	struct td_merge m = {};

	check_map(_metadata, self->td, &req, self->pid, &m);
	check_bigmap(_metadata, &m, self->b);
	td_merge_free(&m);
}

/* Many mappings of a file, split over many messages */
TEST_F_TIMEOUT(bigmap, not_larger_than_text, 600)
{
	check_not_larger_than_text(_metadata, self->td, self->pid);
}

/* Anonymous mappings that cannot merge: the shortest lines of maps */
static int setup_anon_maps(void *arg)
{
	size_t pg = page_size(), n = *(size_t *)arg, i;
	char *base;

	base = mmap(NULL, n * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	for (i = 0; i < n; i += 2)
		if (mprotect(base + i * pg, pg, PROT_READ | PROT_WRITE))
			return -1;
	return 0;
}

/* The worst case of the encoding: a map of nameless anonymous mappings */
TEST_F_TIMEOUT(vma, anon_not_larger_than_text, 300)
{
	size_t n = 4000;
	int hold;
	pid_t pid;

	pid = spawn_prepared(setup_anon_maps, &n, &hold);
	ASSERT_LT(0, pid);
	check_not_larger_than_text(_metadata, self->td, pid);
	close(hold);
	kill_wait(pid);
}

/* A do cannot split: it fails and says to use a dump */
TEST_F_TIMEOUT(bigmap, do_too_big, 300)
{
	struct td_req req = vma_req(false, self->pid, SHOW_VMA);

	EXPECT_EQ(-EMSGSIZE, td_run(self->td, &req, NULL, NULL, NULL));
	EXPECT_FALSE(self->td->err.in_done);
	EXPECT_NE(NULL, strstr(self->td->err.msg, "dump"))
		TH_LOG("extack \"%s\"", self->td->err.msg);
}

/*
 * The messages of a dump of one process, checked as they come: of that
 * process, well-formed, nothing withheld, the mappings in the order a dump
 * has them, and each accepted by vma_ok if set (which fills why if not).
 */
struct stream {
	pid_t pid;
	bool stat;		/* vma-stat asked for */
	int (*vma_ok)(struct stream *s, const struct td_vma *v);
	uint64_t last_end;	/* of the last mapping */
	bool new_part;		/* no mapping of this message yet */
	bool cont;		/* the last message had cont */
	unsigned int msgs;
	unsigned int vmas;
	char why[512];
};

/*
 * A message holds the map locked: its mappings ascend and do not overlap.
 * The next message resumes at the first mapping that ends above the last
 * one reported, as reading maps does: if the map changed, it may begin
 * below that. So may the next mapping after counting the pages of one for
 * vma-stat, which lets the lock go when a writer waits.
 */
static int stream_vma(const struct td_vma *v, void *arg)
{
	struct stream *s = arg;
	uint64_t start = v->info.start, end = v->info.end;
	bool resumed = s->new_part || s->stat;

	if (v->bad || start >= end || end <= s->last_end ||
	    (!resumed && start < s->last_end)) {
		snprintf(s->why, sizeof(s->why),
			 "mapping %u, %llx-%llx, after %llx%s, malformed %#llx",
			 s->vmas, (unsigned long long)start,
			 (unsigned long long)end,
			 (unsigned long long)s->last_end,
			 s->new_part ? " in a new message" : "",
			 (unsigned long long)v->bad);
		return -EPROTO;
	}
	s->last_end = end;
	s->new_part = false;
	s->vmas++;
	return s->vma_ok ? s->vma_ok(s, v) : 0;
}

static int stream_msg(const struct td_task *t, void *arg)
{
	struct stream *s = arg;

	if (t->pid != (uint32_t)s->pid || t->tgid != (uint32_t)s->pid ||
	    t->bad_task || t->has_withheld) {
		snprintf(s->why, sizeof(s->why),
			 "message %u: %u/%u, malformed %#x, withheld %#llx",
			 s->msgs, t->tgid, t->pid, t->bad_task,
			 (unsigned long long)t->withheld);
		return -EPROTO;
	}
	s->msgs++;
	s->cont = t->cont;
	s->new_part = true;
	return td_parse_vmas(t, stream_vma, s);
}

/*
 * Killed after the first datagram, reaped or left a zombie: the dump ends
 * without error, what came is in order, and the task's last part (empty)
 * has no cont: a reader merging parts does not wait for more.
 */
static void check_exit_mid_dump(struct __test_metadata *_metadata,
				struct td *td, pid_t pid, bool reap)
{
	struct td_req req = vma_req(true, pid, SHOW_VMA_STAT);
	struct stream e = { .pid = pid, .stat = true };
	siginfo_t si;
	int ret;

	ASSERT_EQ(0, td_request(td, &req, NULL)) TD_LOG_ERR(td);
	ret = td_recv_chunk(td, stream_msg, &e);
	ASSERT_EQ(1, ret) TD_LOG_ERR(td);
	ASSERT_TRUE(e.cont);
	kill(pid, SIGKILL);
	/* A zombie has left its memory map behind */
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | (reap ? 0 : WNOWAIT)));
	ret = td_recv_all(td, stream_msg, &e);
	EXPECT_EQ(0, ret) {
		TD_LOG_ERR(td);
		TH_LOG("%s", e.why);
	}
	EXPECT_FALSE(e.cont);
	TH_LOG("%s: %u messages, %u mappings, the last %s cont",
	       reap ? "reaped" : "zombie", e.msgs, e.vmas,
	       e.cont ? "with" : "without");
}

TEST_F_TIMEOUT(bigmap, exits_mid_dump, 600)
{
	check_exit_mid_dump(_metadata, self->td, self->pid, true);
	self->pid = -1;
}

TEST_F_TIMEOUT(bigmap, zombie_mid_dump, 600)
{
	check_exit_mid_dump(_metadata, self->td, self->pid, false);
}

/*
 * A process whose threads map, unmap and mprotect at random in a zone of
 * LOOP_SLOTS pages between two guard pages, while it is dumped.
 */
struct looper {
	char path[PATH_MAX];	/* a file of 4 pages it maps too */
	char *zone;
	int go;
	unsigned long rounds[2];
};

struct loop_thread {
	struct looper *l;
	int id;
};

/* One random change to pages [slot, slot + n) of the zone */
static void loop_once(const struct looper *l, int fd, unsigned long x,
		      size_t slot, size_t n)
{
	size_t pg = page_size(), len = n * pg;
	char *addr = l->zone + (1 + slot) * pg;
	int fixed = MAP_PRIVATE | MAP_FIXED;

	switch (x % 4) {
	case 0:
		if (mmap(addr, len, PROT_READ | PROT_WRITE,
			 fixed | MAP_ANONYMOUS, -1, 0) != MAP_FAILED)
			memset(addr, 1, len);
		break;
	case 1:
		/* Within the file: offset + n <= 4 pages */
		if (mmap(addr, len, PROT_READ, fixed, fd,
			 (x >> 8) % (5 - n) * pg) != MAP_FAILED)
			peek_len(addr, len);
		break;
	case 2:
		munmap(addr, len);
		break;
	default:
		mprotect(addr, len, x & 16 ? PROT_READ :
			 PROT_READ | PROT_WRITE);
		break;
	}
}

static void *loop_thread(void *arg)
{
	struct loop_thread *t = arg;
	struct looper *l = t->l;
	size_t half = LOOP_SLOTS / 2, slot, n;
	uint64_t x = 88172645463325252ULL + t->id;
	int fd = open(l->path, O_RDWR | O_CLOEXEC);

	while (!__atomic_load_n(&l->go, __ATOMIC_ACQUIRE))
		usleep(1000);
	/* Each thread its half: a thread touches only what it mapped */
	for (;;) {
		xorshift(&x);
		slot = (x >> 3) % half;
		n = 1 + (x >> 12) % 4;
		if (slot + n > half)
			n = half - slot;
		loop_once(l, fd, x, t->id * half + slot, n);
		__atomic_add_fetch(&l->rounds[t->id], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int setup_looper(void *arg)
{
	static struct loop_thread threads[2];
	struct looper *l = arg;
	pthread_t th;
	int i;

	l->zone = mmap(NULL, (LOOP_SLOTS + 2) * page_size(), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (l->zone == MAP_FAILED)
		return -1;
	for (i = 0; i < 2; i++) {
		threads[i] = (struct loop_thread){ .l = l, .id = i };
		if (pthread_create(&th, NULL, loop_thread, &threads[i]))
			return -1;
	}
	return 0;
}

/*
 * What the map may show: the looper's zone, or mappings it had before;
 * those outside the zone do not change, and each dump must show them.
 */
struct loop_check {
	struct stream s;	/* first: its vma_ok finds the rest */
	const struct proc_map *before;
	bool *seen;		/* of each mapping of before, in this dump */
	uint64_t lo, hi;	/* the zone and what merged with it */
	const char *path;
};

/*
 * The zone, grown by the mappings that overlapped it when the loop began:
 * its guard pages may have merged with neighbours of the same kind.
 */
static void loop_bounds(struct loop_check *c, const struct looper *l)
{
	uint64_t lo = (uintptr_t)l->zone;
	uint64_t hi = lo + (LOOP_SLOTS + 2) * page_size();
	size_t i;

	c->lo = lo;
	c->hi = hi;
	for (i = 0; i < c->before->n; i++) {
		const struct proc_vma *p = &c->before->v[i];

		if (p->end > lo && p->start < hi) {
			c->lo = p->start < c->lo ? p->start : c->lo;
			c->hi = p->end > c->hi ? p->end : c->hi;
		}
	}
}

/* A mapping the looper may have had during the dump */
static bool loop_had(struct loop_check *c, const struct td_vma *v)
{
	uint64_t start = v->info.start, end = v->info.end;
	const struct proc_vma *p;

	if (start >= c->lo && end <= c->hi)
		return !v->name || !strcmp(v->name, c->path);
	p = proc_map_find(c->before, start);
	if (!p || p->end != end || strcmp(p->name ?: "", v->name ?: ""))
		return false;
	c->seen[p - c->before->v] = true;
	return true;
}

static bool loop_stat_sane(const struct td_vma *v)
{
	uint64_t size = v->info.end - v->info.start;

	return !v->stat.bad && VMA_STAT(v, RSS) <= size &&
	       VMA_STAT(v, PSS) <= VMA_STAT(v, RSS);
}

static int loop_vma_ok(struct stream *s, const struct td_vma *v)
{
	struct loop_check *c = (struct loop_check *)s;	/* its first member */

	if (loop_had(c, v) && (!s->stat || loop_stat_sane(v)))
		return 0;
	snprintf(s->why, sizeof(s->why),
		 "%llx-%llx %s (rss %llu, pss %llu): not one the looper had",
		 (unsigned long long)v->info.start,
		 (unsigned long long)v->info.end, v->name ?: "",
		 (unsigned long long)VMA_STAT(v, RSS),
		 (unsigned long long)VMA_STAT(v, PSS));
	return -EPROTO;
}

/* One dump of the looper: complete, in order, and nothing but its history */
static bool check_loop_dump(struct __test_metadata *_metadata, struct td *td,
			    const struct td_req *req, struct loop_check *c)
{
	size_t i;
	int ret;

	c->s = (struct stream){
		.pid = req->pid,
		.stat = req->show_flags & SHOW_VMA_STAT,
		.vma_ok = loop_vma_ok,
	};
	memset(c->seen, 0, c->before->n * sizeof(*c->seen));
	ret = td_run(td, req, NULL, stream_msg, &c->s);
	EXPECT_EQ(0, ret) {
		TD_LOG_ERR(td);
		TH_LOG("%s", c->s.why);
		return false;
	}
	/* Nothing that lived through the dump is lost */
	for (i = 0; i < c->before->n; i++) {
		const struct proc_vma *p = &c->before->v[i];

		if (p->end > c->lo && p->start < c->hi)
			continue;
		EXPECT_TRUE(c->seen[i]) {
			TH_LOG("%llx-%llx %s, outside the zone, missing",
			       (unsigned long long)p->start,
			       (unsigned long long)p->end, p->name ?: "");
			return false;
		}
	}
	return true;
}

TEST_F_TIMEOUT(vma, churning_map, 300)
{
	double end = now() + race_seconds();
	unsigned int dumps = 0, split = 0;
	struct proc_map before;
	struct loop_check c;
	struct looper *l;
	struct td_req req;
	bool ok = true;
	int fd, hold;
	struct td *td;
	pid_t pid;

	l = shared_alloc(sizeof(*l));
	ASSERT_NE(NULL, l);
	fd = make_file(self->dir, "loop", 4, l->path, sizeof(l->path));
	ASSERT_LE(0, fd);
	close(fd);
	pid = spawn_prepared(setup_looper, l, &hold);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, proc_read_map(pid, false, &before));
	c = (struct loop_check){ .before = &before, .path = l->path };
	c.seen = calloc(before.n, sizeof(*c.seen));
	ASSERT_NE(NULL, c.seen);
	loop_bounds(&c, l);
	/* Parts of 8 KiB, the documented minimum: the map takes several */
	ASSERT_EQ(0, td_open(&td, TD_VMA_DUMP_BUF_SIZE, false));
	__atomic_store_n(&l->go, 1, __ATOMIC_RELEASE);

	while (ok && (now() < end || dumps < 4)) {
		req = vma_req(true, pid, dumps & 1 ? SHOW_VMA_STAT : SHOW_VMA);
		ok = check_loop_dump(_metadata, td, &req, &c);
		split += td->stats.nmsg > 1;
		dumps++;
	}
	TH_LOG("%u dumps, %u split; %lu and %lu changes", dumps, split,
	       l->rounds[0], l->rounds[1]);
	EXPECT_LT(0, l->rounds[0]);
	EXPECT_LT(0, l->rounds[1]);
	/* The resumption of a changing map was exercised */
	EXPECT_LT(0, split);
	td_close(td);
	close(hold);
	kill_wait(pid);
	free(c.seen);
	proc_map_free(&before);
}

/*
 * A set-uid root program exec'd again and again by a child of an
 * unprivileged requester that dumps its children all along: the mappings
 * of the new image never reach the requester.
 */

/* Copy src to dst, set-uid (to root: the test runs as root) */
static int make_suid_copy(const char *src, const char *dst)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0 && !ret)
		ret = write_full(out, buf, n);
	/* After the writes, which would clear it */
	if (n < 0 || ret || fchmod(out, 04755))
		ret = -1;
	close(in);
	close(out);
	return ret;
}

static void exec_loop(const char *path)
{
	pid_t pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		pid = fork();
		if (!pid) {
			execl(path, path, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

struct suid_scan {
	char path[PATH_MAX];	/* of the set-uid program */
	const struct proc_map *spawner;	/* the map of the children's parent */
	int err;
	unsigned int dumps;
	unsigned int msgs;
	unsigned int withheld;	/* messages with vma withheld */
	unsigned int visible;	/* messages with mappings */
	unsigned int leaked;	/* mappings of the set-uid program */
	unsigned int foreign;	/* mappings the spawner does not have */
	char first_foreign[256];
	unsigned int mixed;	/* messages with mappings and vma withheld */
};

/*
 * Before its exec a child has its parent's map, copied by fork(): any
 * other mapping (the set-uid program, the loader and libc where the new
 * image put them, its stack) is of the new image.
 */
static int suid_vma(const struct td_vma *v, void *arg)
{
	struct suid_scan *s = arg;
	const struct proc_vma *p;

	if (v->name && strstr(v->name, s->path))
		s->leaked++;
	p = proc_map_find(s->spawner, v->info.start);
	if (!p || p->end != v->info.end ||
	    strcmp(p->name ?: "", v->name ?: "")) {
		if (!s->foreign++)
			td_vma_maps_line(v, s->first_foreign,
					 sizeof(s->first_foreign));
	}
	return 0;
}

static int suid_msg(const struct td_task *t, void *arg)
{
	struct suid_scan *s = arg;

	s->msgs++;
	if (t->has_withheld && (t->withheld & SHOW_VMA)) {
		s->withheld++;
		s->mixed += !!t->nvmas;
	} else {
		s->visible += !!t->nvmas;
	}
	return td_parse_vmas(t, suid_vma, s);
}

/* As nobody, dump the children of a process that execs path in a loop */
static void suid_requester(struct suid_scan *s)
{
	double end = now() + race_seconds();
	struct proc_map map;
	struct td_req req;
	pid_t spawner;
	struct td *td;

	s->err = 1;
	/* Dumpable, so that the children see themselves before the exec */
	if (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1) ||
	    td_open(&td, 0, false))
		return;
	spawner = fork();
	if (!spawner)
		exec_loop(s->path);
	if (spawner < 0)
		return;
	/* Its map does not change: it only forks and waits */
	if (proc_read_map(spawner, false, &map)) {
		kill_wait(spawner);
		return;
	}
	s->spawner = &map;
	req = td_dump_req(TASKDIAG_DUMP_STRATEGY_CHILDREN, spawner);
	req.has_show_flags = true;
	req.show_flags = SHOW_BASE | SHOW_VMA;
	s->err = 0;
	while (!s->err && now() < end) {
		s->err = td_run(td, &req, NULL, suid_msg, s);
		s->dumps++;
	}
	kill_wait(spawner);
	proc_map_free(&map);
	td_close(td);
}

TEST_F_TIMEOUT(vma, suid_exec, 300)
{
	struct suid_scan *s;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root");
	s = shared_alloc(sizeof(*s));
	ASSERT_NE(NULL, s);
	snprintf(s->path, sizeof(s->path), "%s/suid_true", self->dir);
	ASSERT_EQ(0, make_suid_copy("/bin/true", s->path));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		suid_requester(s);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	TH_LOG("%u dumps, %u messages: %u with vma withheld, %u with mappings",
	       s->dumps, s->msgs, s->withheld, s->visible);
	ASSERT_EQ(0, s->err) TH_LOG("%s", strerror(-s->err));
	EXPECT_EQ(0, s->leaked);
	EXPECT_EQ(0, s->foreign) TH_LOG("first: %s", s->first_foreign);
	EXPECT_EQ(0, s->mixed);
	/* The test saw the set-uid program running */
	EXPECT_LT(0, s->withheld);
	munmap(s, sizeof(*s));
}

/* Access: as /proc/PID/maps, for both the requester and the opener */

/* No mapping, and withheld names the groups left out */
static void expect_withheld(struct __test_metadata *_metadata,
			    const struct fetch_result *r, uint64_t groups)
{
	ASSERT_EQ(0, r->err);
	EXPECT_TRUE(r->t.has_base);
	EXPECT_EQ(0, r->t.nvmas);
	EXPECT_TRUE(r->t.has_withheld);
	EXPECT_EQ(groups, r->t.withheld);
}

static void expect_vmas(struct __test_metadata *_metadata,
			const struct fetch_result *r)
{
	ASSERT_EQ(0, r->err);
	EXPECT_LT(0, r->t.nvmas);
	EXPECT_FALSE(r->t.has_withheld);
}

/* Neither a mapping nor anything withheld: there is no memory map */
static void expect_no_mm(struct __test_metadata *_metadata,
			 const struct fetch_result *r)
{
	ASSERT_EQ(0, r->err);
	EXPECT_TRUE(r->t.has_base);
	EXPECT_EQ(0, r->t.nvmas);
	EXPECT_FALSE(r->t.has_withheld);
}

/* nobody does not see init's map, with or without statistics */
TEST(nobody_reads_init)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(AS_NOBODY, 1, SHOW_BASE | SHOW_VMA, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, SHOW_VMA);
	fetch_as(AS_NOBODY, 1, SHOW_BASE | SHOW_VMA_STAT, &r);
	expect_withheld(_metadata, &r, SHOW_VMA | SHOW_VMA_STAT);
}

/*
 * ... nor its own: its uid change left it not dumpable, and being the
 * target gives the requester nothing (no same_thread_group() shortcut,
 * where /proc/self/maps has one)
 */
TEST(nobody_reads_self)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(AS_NOBODY, 0, SHOW_BASE | SHOW_VMA_STAT, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, SHOW_VMA | SHOW_VMA_STAT);
}

/* ... and those of its other processes that are dumpable */
TEST(same_uid_dumpable)
{
	struct fetch_result r;
	int h1, h2;
	pid_t d, nd;

	if (geteuid())
		SKIP(return, "needs root");
	d = spawn_nobody(true, &h1);
	ASSERT_LT(0, d);
	nd = spawn_nobody(false, &h2);
	ASSERT_LT(0, nd);
	fetch_as(AS_NOBODY, d, SHOW_BASE | SHOW_VMA, &r);
	SKIP_IF_NONE(&r);
	expect_vmas(_metadata, &r);
	fetch_as(AS_NOBODY, nd, SHOW_BASE | SHOW_VMA, &r);
	expect_withheld(_metadata, &r, SHOW_VMA);
	close(h1);
	close(h2);
	kill_wait(d);
	kill_wait(nd);
}

/* Root that opened the socket and dropped to nobody: the sender counts */
TEST(dropped_after_open)
{
	struct fetch_result r;

	if (geteuid())
		SKIP(return, "needs root");
	fetch_as(DROP_AFTER_OPEN, 1, SHOW_BASE | SHOW_VMA, &r);
	SKIP_IF_NONE(&r);
	expect_withheld(_metadata, &r, SHOW_VMA);
}

/* A socket opened by nobody and written by root: the opener counts */
TEST(opened_by_nobody)
{
	struct fetch_result r;
	struct td *mine, *td;
	int fd;

	if (geteuid())
		SKIP(return, "needs root");
	TD_OPEN_OR_SKIP(&mine, 0, false);
	fd = nobody_socket();
	ASSERT_LE(0, fd) TH_LOG("nobody_socket(): %s", strerror(-fd));
	ASSERT_EQ(0, td_open_fd(&td, fd, mine->family, 0, 0, false));
	fetch_one(td, 1, SHOW_BASE | SHOW_VMA_STAT, &r);
	expect_withheld(_metadata, &r, SHOW_VMA | SHOW_VMA_STAT);

	/* The control: root's own socket sees it */
	fetch_one(mine, 1, SHOW_BASE | SHOW_VMA_STAT, &r);
	expect_vmas(_metadata, &r);
	td_close(td);
	td_close(mine);
}

/* kthreadd has no memory map: nothing to withhold, even from nobody */
TEST_F(vma, kthreadd)
{
	struct fetch_result r;

	fetch_one(self->td, 2, SHOW_BASE | SHOW_VMA_STAT, &r);
	expect_no_mm(_metadata, &r);
	EXPECT_EQ(TASKDIAG_TASK_FLAGS_KTHREAD, r.t.base.flags);
	if (geteuid())
		return;
	fetch_as(AS_NOBODY, 2, SHOW_BASE | SHOW_VMA_STAT, &r);
	expect_no_mm(_metadata, &r);
}

/* Nor has a zombie any more */
TEST_F(vma, zombie)
{
	struct fetch_result r;
	siginfo_t si;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(0);
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	fetch_one(self->td, pid, SHOW_BASE | SHOW_VMA_STAT, &r);
	expect_no_mm(_metadata, &r);
	EXPECT_EQ(TASKDIAG_TASK_STATE_ZOMBIE, r.t.base.state);
	if (!geteuid()) {
		fetch_as(AS_NOBODY, pid, SHOW_BASE | SHOW_VMA_STAT, &r);
		expect_no_mm(_metadata, &r);
	}
	waitpid(pid, NULL, 0);
}

/*
 * The thread strategies: only the thread-group leader has mappings. The
 * leader's map takes several 8 KiB parts (the documented minimum), merged
 * back it is smaps; no other thread, and no kernel thread, has any.
 */
#define NR_THREAD_MAPS	300
#define NR_MAP_THREADS	4

static void *pause_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/* Threads, and NR_THREAD_MAPS mappings that do not merge */
static int setup_threaded_map(void *arg)
{
	size_t pg = page_size();
	pthread_t th;
	char *p;
	int i;

	for (i = 1; i < NR_MAP_THREADS; i++)
		if (pthread_create(&th, NULL, pause_thread, NULL))
			return -1;
	p = mmap(NULL, NR_THREAD_MAPS * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* Every other page read-only: a mapping each, some resident */
	for (i = 0; i < NR_THREAD_MAPS; i++) {
		p[i * pg] = 1;
		if ((i & 1) && mprotect(p + i * pg, pg, PROT_READ))
			return -1;
	}
	return 0;
}

struct thread_scan {
	uint32_t leader;
	const struct proc_map *smaps;	/* the leader's */
	unsigned int tasks;	/* threads of the leader's process */
	unsigned int leader_parts;
	unsigned int leader_vmas;
	int leader_cmp;		/* td_cmp_map() of the leader, -1 if not seen */
	char leader_why[1024];
	unsigned int bad;
	char why[256];
};

static int thread_merged(const struct td_merge *m, void *arg)
{
	const struct td_task *t = &m->task;
	struct thread_scan *s = arg;
	bool kthread = t->has_base &&
		       (t->base.flags & TASKDIAG_TASK_FLAGS_KTHREAD);

	s->tasks += t->tgid == s->leader;
	if (t->pid == s->leader) {
		s->leader_parts = m->parts;
		s->leader_vmas = t->nvmas;
		s->leader_cmp = td_cmp_map(m->vmas, m->nvmas, s->smaps, true,
					   s->leader_why,
					   sizeof(s->leader_why));
		return 0;
	}
	if ((t->pid == t->tgid && !kthread) ||
	    (!t->nvmas && !(t->has_withheld && (t->withheld & TD_SHOW_VMA))))
		return 0;
	if (!s->bad++)
		snprintf(s->why, sizeof(s->why),
			 "%u/%u%s: %u mappings, withheld %#llx", t->tgid,
			 t->pid, kthread ? " (kernel thread)" : "", t->nvmas,
			 (unsigned long long)t->withheld);
	return 0;
}

TEST_F_TIMEOUT(vma, thread_strategies, 300)
{
	static const uint32_t strategies[] = {
		TASKDIAG_DUMP_STRATEGY_THREAD,
		TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	};
	struct proc_map before, after;
	struct thread_scan s;
	struct td_merge m = {};
	struct td_req req;
	struct td *td;
	int ret, hold, tries;
	bool same;
	size_t i;
	pid_t pid;

	pid = spawn_prepared(setup_threaded_map, NULL, &hold);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_sleeping("/proc", pid));
	ASSERT_EQ(0, td_open(&td, TD_VMA_DUMP_BUF_SIZE, false));
	for (i = 0; i < ARRAY_SIZE(strategies); i++) {
		req = td_dump_req(strategies[i], pid);
		req.has_show_flags = true;
		req.show_flags = SHOW_BASE | SHOW_VMA_STAT;
		for (tries = 0, same = false; !same && tries < MAX_TRIES;
		     tries++) {
			ASSERT_EQ(0, proc_read_map(pid, true, &before));
			s = (struct thread_scan){ .leader = pid,
						  .smaps = &before,
						  .leader_cmp = -1 };
			ret = td_fetch_each(td, &req, &m, thread_merged, &s);
			ASSERT_EQ(0, ret) {
				TD_LOG_ERR(td);
				TH_LOG("merge \"%s\"", m.err);
			}
			ASSERT_EQ(0, proc_read_map(pid, true, &after));
			same = proc_map_equal(&before, &after);
			proc_map_free(&before);
			proc_map_free(&after);
		}
		ASSERT_TRUE(same);
		EXPECT_EQ(0, s.bad) TH_LOG("%s: %s",
					   td_strategy_name(strategies[i]),
					   s.why);
		EXPECT_EQ(NR_MAP_THREADS, s.tasks);
		EXPECT_EQ(0, s.leader_cmp)
			TH_LOG("%s: leader: %s", td_strategy_name(strategies[i]),
			       s.leader_why);
		EXPECT_LT(NR_THREAD_MAPS, s.leader_vmas);
		/* Split, and the parts merged back are the map */
		EXPECT_LT(1, s.leader_parts);
		TH_LOG("%s: %u mappings of the leader in %u parts",
		       td_strategy_name(strategies[i]), s.leader_vmas,
		       s.leader_parts);
	}
	td_merge_free(&m);
	td_close(td);
	close(hold);
	kill_wait(pid);
}

TEST_HARNESS_MAIN
