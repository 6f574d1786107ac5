// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps whose targets change identity or vanish while their messages are
 * being filled.
 *
 * exec: processes that exec in a loop, from their leader or from another
 * thread, dumped by nobody with every strategy. Root's processes, nobody's
 * non-dumpable ones, and a nobody process that goes back and forth through
 * a set-uid root copy of its program: no message may carry a mapping or
 * the /proc/PID/io part of stat of an image that nobody may not read, at
 * whatever instant of the exec the access was decided.
 *
 * reap: processes with hundreds of mappings killed and reaped while dumps
 * with their maps in small datagrams run: every task's parts go out
 * complete, in order and closed, whatever died in the middle of one.
 */
#include <assert.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "td_harness.h"

#define SHOW(g)		(1ULL << TASKDIAG_GROUP_##g)

#ifndef PR_SET_VMA
#define PR_SET_VMA		0x53564d41
#define PR_SET_VMA_ANON_NAME	0
#endif

/* A directory for the test's files that nobody may enter too */
static int make_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/td_churn.XXXXXX");
	if (!mkdtemp(dir) || chmod(dir, 0755))
		return -1;
	return 0;
}

/* A file of len bytes (zeros) */
static int make_file(const char *path, size_t len, mode_t mode)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, len) || fchmod(fd, mode)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Process pid is alive (not exited, not reaped) */
static bool alive(pid_t pid)
{
	int status;

	return pid > 0 && waitpid(pid, &status, WNOHANG) == 0;
}

/*
 * exec
 *
 * The targets exec a tiny static program, so that they go through execs
 * as fast as they can: a libc and a loader would take most of each cycle.
 * The program is made at run time from the machine code below and a table
 * of parameters, patched per copy. With this source (x86-64):
 *
 *	_start:	mov	(%rsp), %r13		argc
 *		lea	8(%rsp), %r12		argv
 *		lea	params(%rip), %rbx
 *		testl	$HF_MARKER, (%rbx)
 *		jz	1f
 *		open(params.marker, O_RDONLY), or die
 *		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0), or die
 *		close(fd)
 *	1:	cmp	$1, %r13		an argument: hold
 *		ja	hold
 *		testl	$HF_THREAD, (%rbx)
 *		jz	do_exec
 *		clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
 *		      CLONE_THREAD | CLONE_SYSVSEM, params (never used))
 *		the new thread: do_exec; the leader: hold; an error: die
 *	hold:	pause() in a loop
 *	do_exec: if HF_DROP: setresuid(65534, 65534, 65534), or die;
 *		 personality(ADDR_NO_RANDOMIZE)
 *		execve(params.path, argv, NULL)
 *	die:	exit_group(1)
 *	params:	flags (u32), path[256], marker[256]
 */
#if defined(__x86_64__)
#define HAVE_HELPER	1
static const unsigned char helper_code[] = {
	0x4c, 0x8b, 0x2c, 0x24, 0x4c, 0x8d, 0x64, 0x24, 0x08, 0x48, 0x8d, 0x1d,
	0xd0, 0x00, 0x00, 0x00, 0xf7, 0x03, 0x01, 0x00, 0x00, 0x00, 0x74, 0x4b,
	0xb8, 0x02, 0x00, 0x00, 0x00, 0x48, 0x8d, 0xbb, 0x04, 0x01, 0x00, 0x00,
	0x31, 0xf6, 0x31, 0xd2, 0x0f, 0x05, 0x85, 0xc0, 0x0f, 0x88, 0xa2, 0x00,
	0x00, 0x00, 0x49, 0x89, 0xc0, 0x31, 0xff, 0xbe, 0x00, 0x10, 0x00, 0x00,
	0xba, 0x01, 0x00, 0x00, 0x00, 0x41, 0xba, 0x02, 0x00, 0x00, 0x00, 0x45,
	0x31, 0xc9, 0xb8, 0x09, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x3d, 0x01,
	0xf0, 0xff, 0xff, 0x73, 0x7b, 0x4c, 0x89, 0xc7, 0xb8, 0x03, 0x00, 0x00,
	0x00, 0x0f, 0x05, 0x49, 0x83, 0xfd, 0x01, 0x77, 0x2a, 0xf7, 0x03, 0x02,
	0x00, 0x00, 0x00, 0x74, 0x2b, 0xbf, 0x00, 0x0f, 0x05, 0x00, 0x48, 0x8d,
	0x35, 0x63, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x45, 0x31, 0xd2, 0x45, 0x31,
	0xc0, 0xb8, 0x38, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x74,
	0x0b, 0x78, 0x41, 0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7,
	0xf7, 0x03, 0x04, 0x00, 0x00, 0x00, 0x74, 0x20, 0xbf, 0xfe, 0xff, 0x00,
	0x00, 0x89, 0xfe, 0x89, 0xfa, 0xb8, 0x75, 0x00, 0x00, 0x00, 0x0f, 0x05,
	0x85, 0xc0, 0x75, 0x1c, 0xbf, 0x00, 0x00, 0x04, 0x00, 0xb8, 0x87, 0x00,
	0x00, 0x00, 0x0f, 0x05, 0xb8, 0x3b, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x7b,
	0x04, 0x4c, 0x89, 0xe6, 0x31, 0xd2, 0x0f, 0x05, 0xbf, 0x01, 0x00, 0x00,
	0x00, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05,
};

#define HELPER_MACHINE	EM_X86_64
#else
#define HAVE_HELPER	0
static const unsigned char helper_code[1];
#define HELPER_MACHINE	EM_NONE
#endif

#define HF_MARKER	1	/* map the marker file first */
#define HF_THREAD	2	/* exec from a new thread */
#define HF_DROP		4	/* become nobody before the exec */
#define HELPER_PATH	256
#define HELPER_VADDR	0x400000UL

struct helper_params {
	uint32_t flags;
	char path[HELPER_PATH];		/* what to exec */
	char marker[HELPER_PATH];
};

/* The file: one segment, read and execute, the parameters after the code */
struct helper_image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char code[sizeof(helper_code)];
	struct helper_params params;	/* at code + 0xe0, the code's params */
};

/* Where the code looks for them: nothing in between */
static_assert(offsetof(struct helper_image, code) ==
	      sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), "helper layout");
static_assert(!HAVE_HELPER || offsetof(struct helper_image, params) -
	      offsetof(struct helper_image, code) == 0xe0, "helper layout");

static int write_helper(const char *path, mode_t mode, uint32_t flags,
			const char *exec_path, const char *marker)
{
	struct helper_image img = {};
	int fd, ret = 0;

	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = HELPER_MACHINE;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = HELPER_VADDR + offsetof(struct helper_image, code);
	img.eh.e_phoff = offsetof(struct helper_image, ph);
	img.eh.e_ehsize = sizeof(img.eh);
	img.eh.e_phentsize = sizeof(img.ph);
	img.eh.e_phnum = 1;
	img.ph.p_type = PT_LOAD;
	img.ph.p_flags = PF_R | PF_X;
	img.ph.p_vaddr = HELPER_VADDR;
	img.ph.p_paddr = HELPER_VADDR;
	img.ph.p_filesz = sizeof(img);
	img.ph.p_memsz = sizeof(img);
	img.ph.p_align = 4096;
	memcpy(img.code, helper_code, sizeof(helper_code));
	img.params.flags = flags;
	if (snprintf(img.params.path, HELPER_PATH, "%s", exec_path) >=
	    HELPER_PATH ||
	    snprintf(img.params.marker, HELPER_PATH, "%s", marker) >=
	    HELPER_PATH)
		return -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (fd < 0)
		return -1;
	/* The mode after the write, which would clear a set-uid bit */
	if (write_full(fd, &img, sizeof(img)) || fchmod(fd, mode))
		ret = -1;
	close(fd);
	return ret;
}

/*
 * The targets, each kind followed by its variant that execs from a thread.
 * Root's run as root; the hidden ones as nobody, but their program is not
 * readable (mode 0111), which makes every image of theirs non-dumpable;
 * the set-uid ones as nobody, going from a copy of the program readable by
 * all ("plain", which maps the marker file) to a set-uid root copy
 * ("suid", which becomes nobody again, non-dumpable, and execs plain), and
 * back.
 */
enum kind {
	K_ROOT,
	K_ROOT_THREAD,
	K_HIDDEN,
	K_HIDDEN_THREAD,
	K_SUID,
	K_SUID_THREAD,
	NR_KINDS
};

static const struct kind_info {
	const char *name;
	bool thread;		/* execs from a thread other than the leader */
	bool nobody;		/* runs as nobody */
	bool suid;		/* goes through a set-uid program */
} kinds[NR_KINDS] = {
	[K_ROOT]		= { "root", false, false, false },
	[K_ROOT_THREAD]		= { "root-thr", true, false, false },
	[K_HIDDEN]		= { "hidden", false, true, false },
	[K_HIDDEN_THREAD]	= { "hidden-thr", true, true, false },
	[K_SUID]		= { "plain", false, true, true },
	[K_SUID_THREAD]		= { "plain-thr", true, true, true },
};

#define MARKER_NAME	"nobody-image-marker"

/* What the nobody dumper found, in memory shared with the test */
struct exec_report {
	int err;			/* of a dump, 1 if the setup failed */
	char errmsg[TD_EXTACK_LEN];
	unsigned int dumps;
	unsigned int msgs;
	/* Messages with data the access rules withhold, the first one */
	unsigned int leaks;
	char leak[768];
	/* Messages that break the protocol (parts...), the first one */
	unsigned int broken;
	char broken_why[768];
	struct {
		unsigned int msgs;
		unsigned int threads;	/* of a thread other than the leader */
		unsigned int mapped;	/* with mappings */
		unsigned int hidden;	/* with vma withheld */
		unsigned int io;	/* with the I/O counters */
	} k[NR_KINDS];
};

FIXTURE(exec) {
	char dir[64];
	char path[NR_KINDS][PATH_MAX];	/* the program each kind starts */
	char suid[NR_KINDS][PATH_MAX];	/* its set-uid copy */
	char marker[PATH_MAX];
	pid_t pid[NR_KINDS];
	/* The map of a nobody image as it holds, by which to tell it */
	struct proc_map ref;
	uint64_t stack_end;
	struct exec_report *r;
};

FIXTURE_VARIANT(exec) {
	uint32_t strategy;
	/* Share of race_seconds() */
	double share;
};

/* The thread strategies are where an exec makes a thread the leader */
FIXTURE_VARIANT_ADD(exec, thread) {
	.strategy = TASKDIAG_DUMP_STRATEGY_THREAD,
	.share = 1.2,
};

FIXTURE_VARIANT_ADD(exec, all_thread) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	.share = 1.0,
};

FIXTURE_VARIANT_ADD(exec, all) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL,
	.share = 0.4,
};

FIXTURE_VARIANT_ADD(exec, children) {
	.strategy = TASKDIAG_DUMP_STRATEGY_CHILDREN,
	.share = 0.4,
};

FIXTURE_VARIANT_ADD(exec, one) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ONE,
	.share = 0.4,
};

/*
 * Supplementary groups of the targets: the cred group, filled between the
 * access decision and the map, takes a while, as it would for a process
 * in many groups. The wider the window, the likelier an exec in it.
 */
#define NR_GROUPS	1000

/*
 * Start a target: path as root or as nobody, without address randomization
 * for the set-uid kinds (whose set-uid images get it back), the stack limit
 * that the set-uid exec imposes anyway, so that all nobody images have the
 * same layout as the reference. An argument makes it hold, not exec.
 */
static pid_t start_target(const char *path, bool nobody, bool norandom,
			  bool hold)
{
	char *argv[3] = { (char *)path, hold ? "hold" : NULL };
	struct rlimit rl = { 8 << 20, 8 << 20 };
	pid_t parent = getpid(), pid;
	static char * const envp[] = { NULL };
	gid_t groups[NR_GROUPS];
	int i;

	pid = fork();
	if (pid)
		return pid;
	close_range(3, ~0U, 0);
	for (i = 0; i < NR_GROUPS; i++)
		groups[i] = 10000 + i;
	/* A change of uid clears the parent-death signal: set it after */
	if (setrlimit(RLIMIT_STACK, &rl) || setgroups(NR_GROUPS, groups) ||
	    (nobody && (setresgid(NOBODY, NOBODY, NOBODY) ||
			setresuid(NOBODY, NOBODY, NOBODY))) ||
	    (norandom && personality(ADDR_NO_RANDOMIZE) < 0) ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	execve(path, argv, envp);
	_exit(127);
}

/* Wait until process pid runs one of the helpers (its comm is not ours) */
static int wait_exec(pid_t pid)
{
	char path[64], buf[32], mine[32];
	int i;

	if (proc_read_small("/proc/self/comm", mine, sizeof(mine)) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	for (i = 0; i < 3000; i++) {
		if (!alive(pid))
			return -1;
		if (proc_read_small(path, buf, sizeof(buf)) > 0 &&
		    strcmp(buf, mine))
			return 0;
		usleep(10000);
	}
	return -1;
}

static bool has_name(const struct proc_map *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].name && !strcmp(m->v[i].name, name))
			return true;
	return false;
}

/*
 * The map of a nobody image of the set-uid kinds once it holds: a process
 * that runs plain with an argument. Without randomization, every nobody
 * image has these mappings at these addresses, at most (the code, the
 * marker, the stack, the vdso...); the set-uid images are randomized.
 */
static int learn_nobody_image(FIXTURE_DATA(exec) *self)
{
	int i, ret = -1;
	pid_t pid;

	pid = start_target(self->path[K_SUID], true, true, true);
	if (pid < 0)
		return -1;
	for (i = 0; i < 3000 && alive(pid); i++) {
		if (!proc_read_map(pid, false, &self->ref)) {
			if (has_name(&self->ref, self->marker)) {
				ret = 0;
				break;
			}
			proc_map_free(&self->ref);
		}
		usleep(10000);
	}
	kill_wait(pid);
	for (i = 0; !ret && i < (int)self->ref.n; i++)
		if (self->ref.v[i].name &&
		    !strcmp(self->ref.v[i].name, "[stack]"))
			self->stack_end = self->ref.v[i].end;
	return ret || !self->stack_end ? -1 : 0;
}

FIXTURE_SETUP(exec)
{
	char *p;
	int i, k;

	if (!HAVE_HELPER)
		SKIP(return, "no exec helper for this architecture");
	if (geteuid())
		SKIP(return, "needs root");
	self->r = shared_alloc(sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
	ASSERT_EQ(0, make_dir(self->dir, sizeof(self->dir)));
	snprintf(self->marker, sizeof(self->marker), "%s/%s", self->dir,
		 MARKER_NAME);
	ASSERT_EQ(0, make_file(self->marker, 4096, 0644));

	for (k = 0; k < NR_KINDS; k++) {
		const struct kind_info *ki = &kinds[k];
		uint32_t thr = ki->thread ? HF_THREAD : 0;

		p = self->path[k];
		snprintf(p, PATH_MAX, "%s/%s", self->dir, ki->name);
		if (!ki->suid) {
			/* Itself, again and again */
			ASSERT_EQ(0, write_helper(p, ki->nobody ? 0111 : 0755,
						  thr, p, ""));
			continue;
		}
		snprintf(self->suid[k], PATH_MAX, "%s/suid%s", self->dir,
			 ki->thread ? "-thr" : "");
		ASSERT_EQ(0, write_helper(p, 0755, HF_MARKER | thr,
					  self->suid[k], self->marker));
		ASSERT_EQ(0, write_helper(self->suid[k], 04755, HF_DROP | thr,
					  p, ""));
	}
	ASSERT_EQ(0, learn_nobody_image(self))
		TH_LOG("no map of a nobody image to compare with");

	for (k = 0; k < NR_KINDS; k++)
		self->pid[k] = start_target(self->path[k], kinds[k].nobody,
					    kinds[k].suid, false);
	/* A failed fork too */
	for (k = 0; k < NR_KINDS && !wait_exec(self->pid[k]); k++)
		;
	if (k < NR_KINDS) {
		/* No teardown after a failed setup */
		for (i = 0; i < NR_KINDS; i++)
			if (self->pid[i] > 0)
				kill(self->pid[i], SIGKILL);
		remove_dir(self->dir);
	}
	ASSERT_EQ(NR_KINDS, k) TH_LOG("%s did not start", kinds[k].name);
}

/*
 * In the parent, which sees self (shared) but none of the memory the test
 * allocated: whatever happened to the test, the targets must not stay
 * (the thread that execs becomes a leader without a parent-death signal).
 */
FIXTURE_TEARDOWN_PARENT(exec)
{
	int k;

	for (k = 0; k < NR_KINDS; k++)
		if (self->pid[k] > 0)
			kill(self->pid[k], SIGKILL);
	remove_dir(self->dir);
}

struct exec_scan {
	FIXTURE_DATA(exec) *self;
	struct exec_report *r;
	uint32_t strategy;
	int kind;		/* of the message being checked */
	const struct td_task *t;
	uint32_t target;	/* of thread and one, the only tgid */
	/* The task of the last message, continued if open */
	bool open;
	uint32_t pid;
	uint32_t tgid;
};

/* A message breaks the rules: a leak of withheld data or not */
static void wrong(struct exec_scan *s, bool leak, const char *fmt, ...)
	__printf(3, 4);

static void wrong(struct exec_scan *s, bool leak, const char *fmt, ...)
{
	struct exec_report *r = s->r;
	const struct td_task *t = s->t;
	char *why = leak ? r->leak : r->broken_why;
	size_t len = leak ? sizeof(r->leak) : sizeof(r->broken_why);
	va_list ap;
	int n;

	if (leak ? r->leaks++ : r->broken++)
		return;
	n = snprintf(why, len, "%s, message %u: ",
		     td_strategy_name(s->strategy), r->msgs);
	if (t)
		n += snprintf(why + n, len - n,
			      "%s, pid %u tgid %u, %u mappings, withheld %#llx, stat %#llx: ",
			      s->kind < 0 ? "not a target" : kinds[s->kind].name,
			      t->pid, t->tgid, t->nvmas,
			      (unsigned long long)t->withheld,
			      (unsigned long long)(t->has_stat ?
						   t->stat.present : 0));
	va_start(ap, fmt);
	vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
}

/* Top of the user address space, where exec builds the new stack */
#define TOP_4LEVEL	((1ULL << 47) - 4096)
#define TOP_5LEVEL	((1ULL << 56) - 4096)

/*
 * A mapping that a nobody image of the set-uid kinds may have: its code
 * (the plain copy), the stack however far its exec has got (it ends at
 * the top either way), or one of the reference's. The set-uid images map
 * their own copy and are randomized: their stack, vdso... are elsewhere.
 */
static bool nobody_image_vma(const struct exec_scan *s, const struct td_vma *v)
{
	const FIXTURE_DATA(exec) *self = s->self;
	uint64_t start = v->info.start, end = v->info.end;
	const char *name = v->name ? v->name : "";
	size_t i;

	if (!strcmp(name, self->path[s->kind]))
		return start == HELPER_VADDR;
	if (end == self->stack_end || end == TOP_4LEVEL || end == TOP_5LEVEL)
		return true;
	for (i = 0; i < self->ref.n; i++) {
		const struct proc_vma *p = &self->ref.v[i];

		if (p->start == start && p->end == end &&
		    !strcmp(p->name ? p->name : "", name) &&
		    strcmp(name, self->path[K_SUID]))
			return true;
	}
	return false;
}

static int exec_vma(const struct td_vma *v, void *arg)
{
	struct exec_scan *s = arg;

	if (nobody_image_vma(s, v))
		return 0;
	wrong(s, true, "mapping %llx-%llx \"%s\" is not of a nobody image",
	      (unsigned long long)v->info.start,
	      (unsigned long long)v->info.end, v->name ? v->name : "");
	return 1;
}

static int kind_of(const FIXTURE_DATA(exec) *self, uint32_t tgid)
{
	int k;

	for (k = 0; k < NR_KINDS; k++)
		if ((uint32_t)self->pid[k] == tgid)
			return k;
	return -1;
}

static int exec_msg(const struct td_task *t, void *arg)
{
	struct exec_scan *s = arg;
	struct exec_report *r = s->r;
	uint64_t withheld = t->has_withheld ? t->withheld : 0;
	bool io = t->has_stat && (t->stat.present & TD_STAT_PROTECTED);
	bool exiting;
	int k;

	r->msgs++;
	/* A task's parts follow each other */
	if (s->open && (t->pid != s->pid || t->tgid != s->tgid)) {
		s->t = t;
		s->kind = kind_of(s->self, t->tgid);
		wrong(s, false, "a part of %u/%u expected", s->tgid, s->pid);
	}
	s->open = t->cont;
	s->pid = t->pid;
	s->tgid = t->tgid;
	k = kind_of(s->self, t->tgid);
	s->kind = k;
	s->t = t;
	if (s->target && t->tgid != s->target)
		wrong(s, false, "not of process %u", s->target);
	if (k < 0)
		return 0;
	r->k[k].msgs++;
	r->k[k].threads += t->pid != t->tgid;
	r->k[k].mapped += !!t->nvmas;
	r->k[k].hidden += !!(withheld & SHOW(VMA));
	r->k[k].io += io;
	if (t->bad_task || t->bad_base) {
		wrong(s, false, "malformed (%#x, %#x)", t->bad_task, t->bad_base);
		return 0;
	}
	/* Each part is decided on its own: check each */
	if (io && (withheld & SHOW(STAT)))
		wrong(s, true, "I/O counters, and stat withheld");

	if (kinds[k].suid) {
		/* The mappings of the nobody images only, which it may read */
		if (t->nvmas && (withheld & SHOW(VMA)))
			wrong(s, true, "mappings, and vma withheld");
		td_parse_vmas(t, exec_vma, s);
		return 0;
	}

	/* Never a mapping: root's, or nobody's but not dumpable */
	if (t->nvmas)
		wrong(s, true, "mappings of an image nobody may not read");
	if (!t->has_stat)
		return 0;
	/*
	 * Nor the I/O counters, with one exception, procfs's: a task
	 * without a memory map, so past exit_mm() and already exiting when
	 * access was decided, is not checked for dumpability (nobody's
	 * counters are then nobody's). The part with stat may come without
	 * base (in a part of its own), which says whether it was exiting.
	 */
	exiting = !t->has_base ||
		  t->base.flags & TASKDIAG_TASK_FLAGS_EXITING ||
		  t->base.state == TASKDIAG_TASK_STATE_ZOMBIE ||
		  t->base.state == TASKDIAG_TASK_STATE_DEAD;
	if (!(kinds[k].nobody && exiting) && (io || !(withheld & SHOW(STAT))))
		wrong(s, true, "stat %s", io ? "with the I/O counters" :
		      "not withheld");
	return 0;
}

/* As nobody, dump the targets with the variant's strategy until end */
static void exec_dumper(FIXTURE_DATA(exec) *self, uint32_t strategy,
			double end)
{
	struct exec_scan s = { .self = self, .r = self->r,
			       .strategy = strategy };
	struct exec_report *r = self->r;
	pid_t parent = getppid();
	struct td_req req;
	struct td *td;
	int ret;

	r->err = 1;
	if (drop_to_nobody() || prctl(PR_SET_PDEATHSIG, SIGKILL) ||
	    td_open(&td, 0, false))
		return;
	r->err = 0;
	/* Until the first leak: the protocol errors are counted too */
	while (!r->err && !r->leaks && now() < end) {
		unsigned int i = r->dumps++;
		int k = (i / 2) % NR_KINDS;

		/* Every other dump of one, of a kind that execs from a thread */
		if (!(i & 1) && !kinds[k].thread)
			k++;

		req = td_dump_req(strategy, self->pid[k]);
		s.target = 0;
		if (strategy == TASKDIAG_DUMP_STRATEGY_CHILDREN)
			req.pid = parent;
		else if (req.has_pid)
			s.target = req.pid;
		req.has_show_flags = true;
		req.show_flags = i & 2 ? SHOW(BASE) | SHOW(CRED) | SHOW(STAT) |
					 SHOW(VMA_STAT) :
					 SHOW(BASE) | SHOW(STAT) | SHOW(VMA);
		s.open = false;
		ret = td_run(td, &req, NULL, exec_msg, &s);
		if (!ret && s.open) {
			s.t = NULL;
			wrong(&s, false, "the dump ended after a part with cont");
		}
		if (ret) {
			r->err = ret;
			snprintf(r->errmsg, sizeof(r->errmsg), "%s",
				 td->err.msg);
		}
	}
	td_close(td);
}

/*
 * A message about a target carries no mapping nor I/O counter that its
 * image at the instant access was decided keeps from nobody, whatever the
 * exec did next: a thread that becomes the leader, a set-uid image that
 * replaces a nobody one and the reverse.
 */
TEST_F_TIMEOUT(exec, no_leak, 300)
{
	double end = now() + race_seconds() * variant->share;
	struct exec_report *r = self->r;
	bool threads = variant->strategy == TASKDIAG_DUMP_STRATEGY_THREAD ||
		       variant->strategy == TASKDIAG_DUMP_STRATEGY_ALL_THREAD;
	int k, status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		exec_dumper(self, variant->strategy, end);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the dumper ended with status %#x", status);
	TH_LOG("%u dumps, %u messages", r->dumps, r->msgs);
	for (k = 0; k < NR_KINDS; k++)
		TH_LOG("%-10s %5u messages: %5u of threads, %5u mapped, %5u vma withheld, %5u I/O",
		       kinds[k].name, r->k[k].msgs, r->k[k].threads,
		       r->k[k].mapped, r->k[k].hidden, r->k[k].io);
	ASSERT_EQ(0, r->err)
		TH_LOG("dump: %s, extack \"%s\"", r->err > 0 ? "setup" :
		       strerror(-r->err), r->errmsg);
	EXPECT_EQ(0, r->leaks) TH_LOG("%s", r->leak);
	EXPECT_EQ(0, r->broken) TH_LOG("%s", r->broken_why);
	for (k = 0; k < NR_KINDS; k++) {
		/* Still execing: none died of a failed exec */
		EXPECT_TRUE(alive(self->pid[k]))
			TH_LOG("%s exited", kinds[k].name);
		EXPECT_LT(0, r->k[k].msgs) TH_LOG("%s", kinds[k].name);
		if (threads && kinds[k].thread)
			EXPECT_LT(0, r->k[k].threads)
				TH_LOG("%s: no thread but the leader seen",
				       kinds[k].name);
		/* Both phases were seen */
		if (kinds[k].suid) {
			EXPECT_LT(0, r->k[k].mapped) TH_LOG("%s", kinds[k].name);
			EXPECT_LT(0, r->k[k].hidden) TH_LOG("%s", kinds[k].name);
		}
	}
}

/*
 * reap
 */
#define NR_MAPS		240	/* mappings of each process */
#define NR_VICTIMS	6	/* processes killed and replaced */
#define NR_LONG		3	/* processes that live through the test */
#define FILE_PAGES	(NR_MAPS / 4 + 1)

/* The victims' killer and the dumps' reader, in shared memory */
struct reaper {
	uint32_t request;	/* futex: a pid to kill now, 0 if none */
	unsigned long kills;
	unsigned long asked;	/* of which requested */
	char file[PATH_MAX];	/* a file they map pages of */
};

/*
 * Many mappings, each with a name: a page of the file, or an anonymous
 * page named after its index, read-only and writable in turns so that
 * neighbours never merge. The pages are populated: vma-stat counts them.
 */
static int make_maps(const char *file)
{
	long pg = sysconf(_SC_PAGESIZE);
	char name[32];
	int fd, i;
	void *p;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (i = 0; i < NR_MAPS; i++) {
		if (i % 4 == 0) {
			/* Descending addresses, ascending offsets: no merge */
			p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
				 fd, (i / 4) * pg);
			if (p == MAP_FAILED)
				break;
			continue;
		}
		p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			break;
		snprintf(name, sizeof(name), "td-churn-%d", i);
		if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, pg, name) ||
		    (i & 1 && mprotect(p, pg, PROT_READ)))
			break;
	}
	close(fd);
	return i == NR_MAPS ? 0 : -1;
}

static int setup_maps(void *file)
{
	return make_maps(file);
}

/* A copy of the killer, with its mappings, until killed */
static pid_t spawn_victim(void)
{
	pid_t pid = fork();

	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return pid;
}

/*
 * Keep NR_VICTIMS processes with many mappings, forks of this one: kill
 * one, reap it and replace it, either the one the reader asks for (whose
 * parts are being filled, the race looked for: after a delay from none to
 * 1.75 ms), or every 20 ms one at random.
 */
static void killer(struct reaper *r)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	uint64_t x = getpid() * 2654435761ULL + 1;
	pid_t v[NR_VICTIMS];
	int i, k;

	if (make_maps(r->file))
		return;
	for (i = 0; i < NR_VICTIMS; i++)
		v[i] = spawn_victim();
	/* Until killed, the victims with it (parent-death signal) */
	for (;;) {
		uint32_t want;

		syscall(SYS_futex, &r->request, FUTEX_WAIT, 0, &ts, NULL, 0);
		want = __atomic_exchange_n(&r->request, 0, __ATOMIC_ACQ_REL);
		for (k = 0; k < NR_VICTIMS; k++)
			if ((uint32_t)v[k] == want)
				break;
		if (k == NR_VICTIMS) {
			if (want)
				continue;
			k = xorshift(&x) % NR_VICTIMS;
		} else {
			unsigned long d = xorshift(&x) % 8;
			double until = now() + d * 0.00025;

			/* Busy: a sleep that short is not kept */
			while (d && now() < until)
				;
			r->asked++;
		}
		/* Never kill(-1): a failed fork is only replaced */
		if (v[k] > 0) {
			kill(v[k], SIGKILL);
			waitpid(v[k], NULL, 0);
			r->kills++;
		}
		v[k] = spawn_victim();
	}
}

FIXTURE(reap) {
	char dir[64];
	struct reaper *r;
	pid_t killer;
	pid_t pid[NR_LONG];
	int hold[NR_LONG];
	struct proc_map map[NR_LONG];
};

FIXTURE_VARIANT(reap) {
	uint32_t strategy;
	uint64_t show;
	double share;
};

FIXTURE_VARIANT_ADD(reap, all_vma_stat) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL,
	.show = SHOW(BASE) | SHOW(VMA_STAT),
	.share = 1.2,
};

FIXTURE_VARIANT_ADD(reap, all_thread_vma_stat) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	.show = SHOW(BASE) | SHOW(VMA_STAT),
	.share = 0.6,
};

FIXTURE_VARIANT_ADD(reap, all_vma) {
	.strategy = TASKDIAG_DUMP_STRATEGY_ALL,
	.show = SHOW(BASE) | SHOW(VMA),
	.share = 0.6,
};

FIXTURE_SETUP(reap)
{
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	self->r = shared_alloc(sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
	ASSERT_EQ(0, make_dir(self->dir, sizeof(self->dir)));
	/* A long name: the names take room in the messages too */
	snprintf(self->r->file, sizeof(self->r->file),
		 "%s/a-file-mapped-in-many-places-by-every-process-of-the-test",
		 self->dir);
	ASSERT_EQ(0, make_file(self->r->file, FILE_PAGES * pg, 0644));
	for (i = 0; i < NR_LONG; i++) {
		self->pid[i] = spawn_prepared(setup_maps, self->r->file,
					      &self->hold[i]);
		ASSERT_LT(0, self->pid[i]);
		ASSERT_EQ(0, proc_read_map(self->pid[i], false, &self->map[i]));
		ASSERT_LE(NR_MAPS, self->map[i].n);
	}
	self->killer = fork();
	ASSERT_LE(0, self->killer);
	if (!self->killer) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		killer(self->r);
		_exit(0);
	}
}

FIXTURE_TEARDOWN(reap)
{
	int i;

	kill_wait(self->killer);
	for (i = 0; i < NR_LONG; i++) {
		if (self->pid[i] > 0) {
			close(self->hold[i]);
			kill_wait(self->pid[i]);
		}
		proc_map_free(&self->map[i]);
	}
	remove_dir(self->dir);
	if (self->r)
		munmap(self->r, sizeof(*self->r));
}

/* The parts of one dump, checked as they come */
struct reap_scan {
	FIXTURE_DATA(reap) *self;
	uint32_t strategy;
	bool stat;
	/* The task whose parts are coming: open if its last part had cont */
	bool open;
	uint32_t pid;
	uint32_t tgid;
	unsigned int parts;
	unsigned int vmas;
	uint64_t last_end;
	bool new_part;
	int lng;		/* its index in the long-lived ones, or -1 */
	bool same;		/* its mappings so far are those of maps */
	uint32_t last_pid;	/* of the task before */
	bool seen[NR_LONG];	/* complete and as in maps */
	unsigned int msgs;
	unsigned int tasks;
	unsigned int split;	/* tasks of several parts */
	unsigned int cut;	/* tasks that ended with an empty part */
	char why[512];
};

static int reap_fail(struct reap_scan *s, const char *fmt, ...)
	__printf(2, 3);

static int reap_fail(struct reap_scan *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

/*
 * The mappings of a task ascend: each ends above the one before it, even
 * across parts (a part resumes after the last end reported, as a read of
 * maps does). Without vma-stat a part holds the map locked: no overlap.
 */
static int reap_vma(const struct td_vma *v, void *arg)
{
	struct reap_scan *s = arg;
	uint64_t start = v->info.start, end = v->info.end;
	const struct proc_vma *p;

	if (v->bad || start >= end || end <= s->last_end ||
	    (!s->new_part && !s->stat && start < s->last_end))
		return reap_fail(s, "pid %u part %u: mapping %u %llx-%llx after an end at %llx%s",
				 s->pid, s->parts, s->vmas,
				 (unsigned long long)start,
				 (unsigned long long)end,
				 (unsigned long long)s->last_end,
				 v->bad ? ", malformed" : "");
	if (s->lng >= 0) {
		const struct proc_map *m = &s->self->map[s->lng];

		p = s->vmas < m->n ? &m->v[s->vmas] : NULL;
		s->same = s->same && p && p->start == start && p->end == end &&
			  !strcmp(p->name ? p->name : "",
				  v->name ? v->name : "");
	}
	s->last_end = end;
	s->new_part = false;
	s->vmas++;
	return 0;
}

static void ask_kill(struct reaper *r, uint32_t pid)
{
	__atomic_store_n(&r->request, pid, __ATOMIC_RELEASE);
	syscall(SYS_futex, &r->request, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static int reap_msg(const struct td_task *t, void *arg)
{
	struct reap_scan *s = arg;
	int i, ret;

	s->msgs++;
	if (t->bad_task || t->bad_base || !t->has_pid || !t->has_tgid)
		return reap_fail(s, "message %u: malformed (%#x, %#x)",
				 s->msgs, t->bad_task, t->bad_base);
	if (s->open) {
		if (t->pid != s->pid || t->tgid != s->tgid)
			return reap_fail(s, "pid %u: part %u with cont, then %u%s (tgids %u, %u)",
					 s->pid, s->parts, t->pid,
					 t->has_base ? " with base" :
					 " without base", s->tgid, t->tgid);
		if (t->has_base)
			return reap_fail(s, "pid %u: base again in part %u",
					 t->pid, s->parts + 1);
		s->parts++;
		s->cut += !t->cont && !t->nvmas;
	} else {
		if (!t->has_base)
			return reap_fail(s, "pid %u: first message without base but with %u vmas",
					 t->pid, t->nvmas);
		if (s->tasks && t->pid <= s->last_pid)
			return reap_fail(s, "pid %u after pid %u: repeated or out of order",
					 t->pid, s->last_pid);
		if (s->strategy == TASKDIAG_DUMP_STRATEGY_ALL &&
		    t->pid != t->tgid)
			return reap_fail(s, "pid %u of tgid %u in a dump of processes",
					 t->pid, t->tgid);
		s->tasks++;
		s->last_pid = t->pid;
		s->pid = t->pid;
		s->tgid = t->tgid;
		s->parts = 1;
		s->vmas = 0;
		s->last_end = 0;
		s->lng = -1;
		for (i = 0; i < NR_LONG; i++)
			if ((uint32_t)s->self->pid[i] == t->pid)
				s->lng = i;
		s->same = true;
	}
	if (t->nvmas && t->pid != t->tgid)
		return reap_fail(s, "pid %u: mappings of a thread that does not lead tgid %u",
				 t->pid, t->tgid);
	s->new_part = true;
	ret = td_parse_vmas(t, reap_vma, s);
	if (ret)
		return ret;

	s->open = t->cont;
	if (t->cont) {
		/* Kill it while its next parts are being filled */
		if (s->parts == 1)
			ask_kill(s->self->r, t->pid);
		return 0;
	}
	s->split += s->parts > 1;
	if (s->lng >= 0) {
		if (!s->same || s->vmas != s->self->map[s->lng].n)
			return reap_fail(s, "pid %u (kept): %u mappings in %u parts, %zu in maps",
					 t->pid, s->vmas, s->parts,
					 s->self->map[s->lng].n);
		s->seen[s->lng] = true;
	}
	return 0;
}

/*
 * Dumps with the maps in small datagrams while processes with hundreds of
 * mappings die and are reaped, many while their messages are filled:
 * every task's first message has base, the parts of a task follow each
 * other, with the same pid and tgid, until one without cont; no pid comes
 * twice; the mappings of a task ascend; the processes alive all along are
 * there, with all their mappings.
 */
TEST_F_TIMEOUT(reap, parts, 300)
{
	static const size_t sizes[] = { 8192, 8192, 6144, 8192, 12288, 16384 };
	double window = race_seconds() * variant->share;
	double end = now() + window;
	unsigned int dumps = 0, msgs = 0, split = 0, cut = 0;
	struct reaper *r = self->r;
	struct td_req req;
	bool ok = true;
	int i, ret;

	req = td_dump_req(variant->strategy, 0);
	req.has_show_flags = true;
	req.show_flags = variant->show;
	/*
	 * The window, and on a loaded machine up to three more until the
	 * reaps the test is about happened: mid-dump, between two parts.
	 */
	while (ok && (now() < end || dumps < 4 ||
		      ((!r->asked || !cut) && now() < end + 3 * window))) {
		struct reap_scan s = {
			.self = self,
			.strategy = variant->strategy,
			.stat = variant->show & SHOW(VMA_STAT),
		};
		size_t size = sizes[dumps % ARRAY_SIZE(sizes)];
		struct td *td;

		/*
		 * A new socket: the datagrams never shrink on one. Read
		 * without peeking: each read has the next part filled (a
		 * peek and a read would fill two), so that the dump keeps
		 * close behind the reader, who asks for the kills. (The
		 * request raises the buffer for the map: take it back.)
		 */
		ASSERT_EQ(0, td_open(&td, size, false));
		ret = td_request(td, &req, NULL);
		ASSERT_EQ(0, ret) TD_LOG_ERR(td);
		td_set_bufsize(td, size, false);
		ret = td_recv_all(td, reap_msg, &s);
		EXPECT_EQ(0, ret) {
			if (ret == -EPROTO && s.why[0])
				TH_LOG("%zu-byte reads: %s", size, s.why);
			else
				TD_LOG_ERR(td);
			ok = false;
		}
		EXPECT_FALSE(ok && s.open) {
			TH_LOG("pid %u: the dump ended after a part with cont",
			       s.pid);
			ok = false;
		}
		for (i = 0; ok && i < NR_LONG; i++) {
			EXPECT_TRUE(s.seen[i]) {
				TH_LOG("pid %d, alive all along, missing",
				       self->pid[i]);
				ok = false;
			}
		}
		msgs += s.msgs;
		split += s.split;
		cut += s.cut;
		dumps++;
		td_close(td);
	}
	TH_LOG("%u dumps, %u messages, %u tasks split, %u cut short; %lu kills, %lu mid-dump",
	       dumps, msgs, split, cut, r->kills, r->asked);
	if (!ok)
		return;
	EXPECT_LT(0, r->asked);
	/* The datagrams were small enough to split the processes */
	EXPECT_LE(dumps * NR_LONG, split);
	/* And some were reaped between their parts */
	EXPECT_LT(0, cut);
}

TEST_HARNESS_MAIN
