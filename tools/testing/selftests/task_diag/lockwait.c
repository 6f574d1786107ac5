// SPDX-License-Identifier: GPL-2.0
/*
 * lockwait: how long a process's execve() and mmap() wait while taskdiag
 * dumps its memory map with page walks (vma-stat). A measurement, not a
 * test: it prints figures and fails only when it cannot measure.
 *
 * The target is a process with 1 GiB resident in 10,000 private anonymous
 * mappings of 104 KiB (written, every other one made read-only so that
 * neighbours do not merge). A thread of it probes the mmap_lock in a loop:
 * mmap(), mprotect() and munmap() of a small mapping, each timed with
 * CLOCK_MONOTONIC. On command, its main thread calls execve() into a
 * static stub of a few instructions whose first act is to read the clock:
 * the duration runs from the call to the new image's first instruction,
 * and so covers begin_new_exec(), where the old image's exec_update_lock
 * is taken for writing.
 *
 * An exec loses the target's map, and making 1 GiB resident again costs
 * more under emulation than the whole measurement. So the map lives in a
 * holder process that never runs the target's code, and each target is a
 * clone(CLONE_VM) of it: a process of its own (its own exec_update_lock,
 * its own threads) that shares the holder's mm. Its exec drops one user of
 * the mm rather than tearing 1 GiB down; the wait for the locks is what is
 * left of the exec's duration. What the teardown would add is measured
 * once at the end, by an exec of the holder itself.
 *
 * Phases: without a dumper, then with 1 or 2 dumpers that dump the target
 * in a loop (strategy one, with a 32 KiB receive buffer: the largest
 * messages). Each phase makes K targets and execs each after a random
 * delay while the dumpers are at work; the probe thread runs until the
 * exec. The phases' rounds are interleaved in a shuffled order, so that
 * whatever else slows the emulator down weighs on all of them alike. A
 * control phase ('c') has the dumpers dump a small process instead: what
 * the CPU they take costs the target by itself.
 *
 * Besides the system calls' durations, the time the target's threads
 * wait on a contended rw_semaphore is read from the lock:contention_begin
 * and contention_end trace events (tracefs, CLOCK_MONOTONIC): the probe
 * thread's waits are on the mmap_lock, the exec's on exec_update_lock.
 * The dumpers time each recvmsg() (the kernel fills the next message of a
 * dump in it, sendmsg() fills the first): the time a message's locks may
 * be held, printed next to each exec and each long wait it overlapped.
 *
 * usage: lockwait [-n MAPPINGS] [-s KIB] [-k EXECS] [-d MIN_MS,MAX_MS]
 *                 [-i PROBE_INTERVAL_US] [-b RECV_BUF] [-p PHASES] [-S SEED]
 *                 [-v] [-x] [-T] [-Y]
 * PHASES: a comma-separated list of "idle" and ND[G]: N dumpers (1-4),
 * G the groups: s = vma-stat (default), vs = vma and vma-stat, v = vma,
 * c = vma-stat of a small process (control). -x: exec /proc/self/exe
 * (its main() reads the clock) rather than the stub, on any architecture.
 * -T: no tracing. -Y: trace the dumpers' releases and acquisitions of the
 * mmap_lock too (heavier): how often it was free during the longest waits,
 * and for how long each time before a dumper took it again. -v: every
 * exec and more of the longest waits. Defaults: -n 10000 -s 104 -k 30
 * -d 100,1500 -i 500 -b 32768 -p idle,1s,2s,1vs,1v,2c, about 3 minutes
 * on the debug kernel under TCG; 1 GiB and more must be free.
 *
 * Built and installed with the selftests, not run by the kselftest runner:
 * harness/long-run.sh lockwait 900 -- lockwait runs it in the debug guest.
 * The lock waits are traced only with CONFIG_TRACING (tracefs, the lock
 * events), which the debug kernel has through lockdep. The selftests'
 * config leaves it out, as it would bring tracing into the production
 * kernel: elsewhere, add a fragment with CONFIG_FTRACE=y and
 * CONFIG_ENABLE_DEFAULT_TRACERS=y, or measure without tracing (-T).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "taskdiag_lib.h"
#include "td_util.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC		0x0001U
#endif

#define SHOW(g)			(1ULL << TASKDIAG_GROUP_##g)

#define MAX_PHASES		12
#define MAX_DUMPERS		4
#define MAX_EXECS		64
/* Windows (timed syscalls) and dumps each dumper can log in a run */
#define MAX_WINS		262144
#define MAX_DUMPS		16384
/* The mapping the probe thread makes and unmaps */
#define PROBE_LEN		(16 << 10)
/* Stacks of a target's threads, in the holder's map */
#define STACK_LEN		(256 << 10)
/* Slowest probes kept per phase */
#define NTOP			8
#define NS			1000000000ULL
#define MS			1000000.0
#define US			1000.0

/*
 * A log-linear histogram of nanoseconds: 16 buckets per power of two
 * (6% wide), exact below 16 ns, up to 2^40 ns.
 */
#define SUB_BITS		4
#define SUB			16	/* 1 << SUB_BITS */
#define MAX_EXP			40
#define NBUCKETS		((MAX_EXP - SUB_BITS + 2) * SUB)

struct hist {
	uint64_t n;
	uint64_t max;
	uint32_t b[NBUCKETS];
};

enum { OP_MMAP, OP_MPROTECT, OP_MUNMAP, OP_ALL, NOPS };

static const char * const op_names[NOPS] = {
	"mmap", "mprotect", "munmap", "all three",
};

/* A slow probe: when it began and what each call took */
struct slow {
	uint64_t t;
	uint64_t ns[NOPS];
};

/*
 * Shared by the controller, the holder and the targets (whose memory is
 * the holder's): kept small, since the dumpers walk it with the rest.
 */
struct tshm {
	int mphase;		/* where probes go; MAX_PHASES: nowhere */
	int started;		/* probe threads started so far */
	pid_t probe_tid;	/* the last one's */
	int probe_err;
	uint64_t exec_t0;	/* the target's clock just before execve() */
	struct hist h[MAX_PHASES][NOPS];
	struct slow top[MAX_PHASES][NTOP];
};

/* One timed syscall of a dumper: sendmsg() (first) or recvmsg() */
struct win {
	uint64_t start;
	uint64_t end;
	uint32_t bytes;		/* received by it */
	uint16_t msgs;		/* task messages among them */
	uint8_t first;
	uint8_t pad;
};

struct dump_rec {
	uint64_t start;
	uint64_t end;
	uint32_t msgs;
	uint32_t bytes;
	uint32_t max_msg;
	int err;
};

struct dumper {
	int active;
	uint64_t show;
	pid_t fixed;		/* dump this pid rather than the target */
	pid_t cur;		/* the pid being dumped, 0 when idle */
	int err;		/* could not open a socket */
	uint64_t nwin;
	uint64_t ndump;
	struct win win[MAX_WINS];
	struct dump_rec dump[MAX_DUMPS];
};

struct dshm {
	pid_t target;
	int quit;
	struct dumper d[MAX_DUMPERS];
};

struct phase {
	char name[16];
	int ndumpers;
	uint64_t show;
	bool control;
};

/* A wait on a contended rw_semaphore, traced */
struct lwait {
	uint64_t t;		/* when it began */
	uint64_t ns;
	bool write;
	char addr[24];		/* of the lock, as the trace shows it */
};

struct exec_rec {
	uint64_t t0;
	uint64_t ns;		/* call to first instruction */
	int delay_ms;
	uint64_t tm;		/* the probes counted from here */
	/* the exec'ing thread's traced waits during the exec */
	int nlock;
	struct lwait lock[8];
	/* the dumpers' windows and dumps of the round: [w0, w1), [d0, d1) */
	uint64_t w0[MAX_DUMPERS], w1[MAX_DUMPERS];
	uint64_t d0[MAX_DUMPERS], d1[MAX_DUMPERS];
	/* per dumper, the timed syscall in progress at the call, if any */
	bool in_win[MAX_DUMPERS];
	uint64_t began[MAX_DUMPERS];	/* ns before the call */
	uint64_t ended[MAX_DUMPERS];	/* ns after the call */
};

struct phase_res {
	struct phase ph;
	int nexec;
	struct exec_rec ex[MAX_EXECS];
	/* the probe thread's traced waits */
	struct lwait *waits;
	size_t nwaits, cap;
};

static struct {
	long nmaps;
	long map_kib;
	int execs;
	int dmin_ms, dmax_ms;
	long interval_us;
	long bufsize;
	unsigned long seed;
	bool verbose;
	bool self_exe;
	bool notrace;
	bool mmtrace;
} opt = {
	.nmaps = 10000,
	.map_kib = 104,
	.execs = 30,
	.dmin_ms = 100,
	.dmax_ms = 1500,
	.interval_us = 500,
	.bufsize = 32768,
};

static struct tshm *tshm;
static struct dshm *dshm;
/* Pipes: controller -> holder, holder -> controller, -> target, -> us */
static int hcmd[2], hresp[2], xcmd[2], report[2];
static int stub_fd = -1;
static size_t target_maps;	/* mappings taskdiag reports of the target */
static char *stacks;		/* the target's stacks, in the holder */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / NS, ns % NS };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stdout, "lockwait: ");
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
	exit(1);
}

/* xorshift64*: a seeded, reproducible sequence of delays */
static double rnd(void)
{
	static uint64_t x;

	if (!x)
		x = opt.seed | 1;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return ((x * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Histograms */

static unsigned int bucket(uint64_t v)
{
	unsigned int e;

	if (v < SUB)
		return v;
	e = 63 - __builtin_clzll(v);
	if (e > MAX_EXP)
		return NBUCKETS - 1;
	return (e - SUB_BITS + 1) * SUB + ((v >> (e - SUB_BITS)) & (SUB - 1));
}

/* The middle of a bucket */
static uint64_t bucket_value(unsigned int i)
{
	unsigned int e, sub;

	if (i < SUB)
		return i;
	e = i / SUB - 1 + SUB_BITS;
	sub = i % SUB;
	return ((uint64_t)(SUB + sub) << (e - SUB_BITS)) +
	       ((1ULL << (e - SUB_BITS)) >> 1);
}

static void hist_add(struct hist *h, uint64_t v)
{
	h->n++;
	if (v > h->max)
		h->max = v;
	h->b[bucket(v)]++;
}

/* The q-quantile, to the bucket (the maximum exactly) */
static uint64_t hist_q(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->n)
		return 0;
	rank = (uint64_t)(q * h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank >= h->n)
		return h->max;
	for (i = 0; i < NBUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			return bucket_value(i) < h->max ? bucket_value(i) :
							  h->max;
	}
	return h->max;
}

/* Exact quantiles of a small array, sorted in place */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t arr_q(uint64_t *v, size_t n, double q)
{
	size_t r;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	r = (size_t)(q * n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

/*
 * The stub the target becomes: clock_gettime(CLOCK_MONOTONIC) by a bare
 * syscall, write the timespec to fd 1, exit_group(0).
 */
static const unsigned char stub_code[] = {
	0x48, 0x83, 0xec, 0x10,			/* sub $16, %rsp */
	0xb8, 0xe4, 0x00, 0x00, 0x00,		/* mov $228, %eax */
	0xbf, 0x01, 0x00, 0x00, 0x00,		/* mov $1, %edi */
	0x48, 0x89, 0xe6,			/* mov %rsp, %rsi */
	0x0f, 0x05,				/* syscall */
	0xb8, 0x01, 0x00, 0x00, 0x00,		/* mov $1, %eax */
	0xbf, 0x01, 0x00, 0x00, 0x00,		/* mov $1, %edi */
	0x48, 0x89, 0xe6,			/* mov %rsp, %rsi */
	0xba, 0x10, 0x00, 0x00, 0x00,		/* mov $16, %edx */
	0x0f, 0x05,				/* syscall */
	0xb8, 0xe7, 0x00, 0x00, 0x00,		/* mov $231, %eax */
	0x31, 0xff,				/* xor %edi, %edi */
	0x0f, 0x05,				/* syscall */
};

/* A memfd holding the stub as a static ELF executable, or -1 */
static int make_stub(void)
{
#ifdef __x86_64__
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		unsigned char code[sizeof(stub_code)];
	} img;
	const uint64_t base = 0x400000;
	int fd;

	memset(&img, 0, sizeof(img));
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_X86_64;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = base + offsetof(typeof(img), code);
	img.eh.e_phoff = offsetof(typeof(img), ph);
	img.eh.e_ehsize = sizeof(img.eh);
	img.eh.e_phentsize = sizeof(img.ph);
	img.eh.e_phnum = 1;
	img.ph.p_type = PT_LOAD;
	img.ph.p_flags = PF_R | PF_X;
	img.ph.p_vaddr = base;
	img.ph.p_paddr = base;
	img.ph.p_filesz = sizeof(img);
	img.ph.p_memsz = sizeof(img);
	img.ph.p_align = 0x1000;
	memcpy(img.code, stub_code, sizeof(stub_code));

	fd = syscall(SYS_memfd_create, "lockwait-stub", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write_full(fd, &img, sizeof(img))) {
		close(fd);
		return -1;
	}
	return fd;
#else
	return -1;
#endif
}

/* -x, or the stub's job without one: report the clock at main() */
static int stamp_main(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return write(1, &ts, sizeof(ts)) == sizeof(ts) ? 0 : 1;
}

/*
 * The target process: a clone of the holder sharing its map. Only thin
 * system call wrappers and the vDSO's clock here, no stdio or malloc: the
 * C library's per-thread state is the holder's.
 */
static void probe_record(uint64_t t0, const uint64_t ns[NOPS])
{
	int ph = __atomic_load_n(&tshm->mphase, __ATOMIC_RELAXED);
	struct slow *top;
	int op, i;

	if (ph < 0 || ph >= MAX_PHASES)
		return;
	for (op = 0; op < NOPS; op++)
		hist_add(&tshm->h[ph][op], ns[op]);
	top = tshm->top[ph];
	/* Sorted by the total, slowest first */
	for (i = 0; i < NTOP; i++)
		if (ns[OP_ALL] > top[i].ns[OP_ALL])
			break;
	if (i == NTOP)
		return;
	memmove(&top[i + 1], &top[i], (NTOP - 1 - i) * sizeof(*top));
	top[i].t = t0;
	memcpy(top[i].ns, ns, sizeof(top[i].ns));
}

static int probe_thread(void *arg)
{
	struct timespec pause = { 0, opt.interval_us * 1000 };
	uint64_t t[4], ns[NOPS];
	void *p;

	tshm->probe_tid = syscall(SYS_gettid);
	__atomic_add_fetch(&tshm->started, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		t[0] = now_ns();
		p = mmap(NULL, PROBE_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t[1] = now_ns();
		if (p == MAP_FAILED) {
			tshm->probe_err = errno;
			return 1;
		}
		mprotect(p, PROBE_LEN, PROT_READ);
		t[2] = now_ns();
		munmap(p, PROBE_LEN);
		t[3] = now_ns();
		ns[OP_MMAP] = t[1] - t[0];
		ns[OP_MPROTECT] = t[2] - t[1];
		ns[OP_MUNMAP] = t[3] - t[2];
		ns[OP_ALL] = t[3] - t[0];
		probe_record(t[0], ns);
		if (opt.interval_us)
			nanosleep(&pause, NULL);
	}
}

static void exec_stub(void)
{
	static const char * const argv[] = { "/proc/self/exe", "--stamp", NULL };
	static const char * const envp[] = { NULL };
	struct timespec fail = { -1, 0 };

	if (dup2(report[1], 1) < 0)
		goto out;
	__atomic_store_n(&tshm->exec_t0, now_ns(), __ATOMIC_SEQ_CST);
	if (stub_fd >= 0)
		syscall(SYS_execveat, stub_fd, "", argv, envp, AT_EMPTY_PATH);
	else
		syscall(SYS_execve, argv[0], argv, envp);
out:
	fail.tv_nsec = errno;
	if (write(report[1], &fail, sizeof(fail)) < 0)
		_exit(2);
	_exit(1);
}

static int target_main(void *arg)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (clone(probe_thread, stacks + 2 * STACK_LEN,
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		  CLONE_THREAD | CLONE_SYSVSEM, NULL) < 0) {
		tshm->probe_err = errno;
		_exit(1);
	}
	if (read(xcmd[0], &c, 1) != 1)
		_exit(1);
	exec_stub();
	return 1;
}

/*
 * The holder: makes the map, then on each command from the controller
 * makes a target ('S'), reaps it ('W') or execs itself ('X').
 */
static void holder(void)
{
	size_t size = opt.map_kib << 10, len = size * opt.nmaps;
	uint64_t t0 = now_ns(), res[2];
	char *map, c;
	long i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(hcmd[1]);
	close(hresp[0]);
	close(xcmd[1]);
	close(report[0]);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		goto fail;
	/* Written, so resident and private, not the zero page */
	if (madvise(map, len, MADV_POPULATE_WRITE)) {
		for (i = 0; i < (long)len; i += 4096)
			map[i] = 1;
	}
	for (i = 1; i < opt.nmaps; i += 2)
		if (mprotect(map + i * size, size, PROT_READ))
			goto fail;
	stacks = mmap(NULL, 2 * STACK_LEN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stacks == MAP_FAILED)
		goto fail;
	res[0] = 0;
	res[1] = now_ns() - t0;
	if (write_full(hresp[1], res, sizeof(res)))
		_exit(1);

	while (read(hcmd[0], &c, 1) == 1) {
		pid_t pid = 0;
		int st;

		switch (c) {
		case 'S':
			pid = clone(target_main, stacks + STACK_LEN,
				    CLONE_VM | SIGCHLD, NULL);
			if (pid < 0)
				pid = -errno;
			break;
		case 'W':
			pid = waitpid(-1, &st, 0);
			pid = pid < 0 ? -errno : st;
			break;
		case 'X':
			exec_stub();
			break;
		}
		if (write_full(hresp[1], &pid, sizeof(pid)))
			_exit(1);
	}
	_exit(0);
fail:
	res[0] = errno;
	res[1] = 0;
	write_full(hresp[1], res, sizeof(res));
	_exit(1);
}

/* A dumper: dumps the target (or its fixed pid) whenever it is active */

static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	return 0;
}

static void log_win(struct dumper *me, uint64_t t0, uint64_t t1,
		    uint32_t bytes, uint16_t msgs, bool first)
{
	struct win *w;

	if (me->nwin >= MAX_WINS)
		return;
	w = &me->win[me->nwin];
	w->start = t0;
	w->end = t1;
	w->bytes = bytes;
	w->msgs = msgs;
	w->first = first;
	__atomic_store_n(&me->nwin, me->nwin + 1, __ATOMIC_RELEASE);
}

static void dump_once(struct td *td, struct dumper *me, pid_t pid)
{
	struct td_req req = {
		.dump = true,
		.has_show_flags = true,
		.show_flags = me->show,
		.has_strategy = true,
		.strategy = TASKDIAG_DUMP_STRATEGY_ONE,
		.has_pid = true,
		.pid = pid,
	};
	struct dump_rec rec = { 0 };
	size_t bytes = 0;
	unsigned int nmsg = 0;
	uint64_t t0, t1;
	int ret;

	rec.start = now_ns();
	ret = td_request(td, &req, NULL);
	t1 = now_ns();
	log_win(me, rec.start, t1, 0, 0, true);
	while (!ret || ret == 1) {
		t0 = now_ns();
		ret = td_recv_chunk(td, NULL, NULL);
		t1 = now_ns();
		log_win(me, t0, t1, td->stats.bytes - bytes,
			td->stats.nmsg - nmsg, false);
		if (td->stats.bytes - bytes > rec.max_msg)
			rec.max_msg = td->stats.bytes - bytes;
		bytes = td->stats.bytes;
		nmsg = td->stats.nmsg;
		if (ret <= 0)
			break;
	}
	rec.end = t1;
	rec.msgs = td->stats.nmsg;
	rec.bytes = td->stats.bytes;
	rec.err = ret;
	if (me->ndump < MAX_DUMPS) {
		me->dump[me->ndump] = rec;
		__atomic_store_n(&me->ndump, me->ndump + 1, __ATOMIC_RELEASE);
	}
}

static void dumper_main(struct dumper *me)
{
	struct td *td;
	pid_t pid;
	int ret;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	ret = td_open(&td, opt.bufsize, false);
	if (ret) {
		me->err = ret;
		_exit(1);
	}
	td->raw_cb = count_cb;
	while (!__atomic_load_n(&dshm->quit, __ATOMIC_SEQ_CST)) {
		pid = __atomic_load_n(&dshm->target, __ATOMIC_SEQ_CST);
		if (!pid || !__atomic_load_n(&me->active, __ATOMIC_SEQ_CST)) {
			sleep_ns(NS / 1000);
			continue;
		}
		if (me->fixed)
			pid = me->fixed;
		/* Say what we dump, then check the controller still wants it */
		__atomic_store_n(&me->cur, pid, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&dshm->target, __ATOMIC_SEQ_CST) &&
		    __atomic_load_n(&me->active, __ATOMIC_SEQ_CST))
			dump_once(td, me, pid);
		__atomic_store_n(&me->cur, 0, __ATOMIC_SEQ_CST);
	}
	_exit(0);
}

/* The controller */

static void holder_cmd(char c, pid_t *ret)
{
	if (write_full(hcmd[1], &c, 1) || read_full(hresp[0], ret, sizeof(*ret)))
		die("lost the holder");
}

/* Wait for the report of an exec (the stub's clock) */
static uint64_t wait_report(void)
{
	struct pollfd pfd = { .fd = report[0], .events = POLLIN };
	struct timespec ts;

	if (poll(&pfd, 1, 300 * 1000) != 1)
		die("no report of the exec within 300 s");
	if (read_full(report[0], &ts, sizeof(ts)))
		die("short report of the exec");
	if (ts.tv_sec < 0)
		die("the exec failed: %s", strerror(ts.tv_nsec));
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void wait_dumpers_idle(const struct phase *ph)
{
	uint64_t end = now_ns() + 600 * NS;
	int i;

	for (i = 0; i < ph->ndumpers; i++)
		while (__atomic_load_n(&dshm->d[i].cur, __ATOMIC_SEQ_CST)) {
			if (now_ns() > end)
				die("dumper %d did not stop", i);
			sleep_ns(NS / 1000);
		}
}

/* Wait until each dumper has had a message of pid filled */
static void wait_dumpers_started(const struct phase *ph, pid_t pid,
				 const uint64_t *nwin)
{
	uint64_t end = now_ns() + 600 * NS;
	struct dumper *d;
	int i;

	for (i = 0; i < ph->ndumpers; i++) {
		d = &dshm->d[i];
		while (__atomic_load_n(&d->cur, __ATOMIC_SEQ_CST) !=
		       (d->fixed ? d->fixed : pid) ||
		       __atomic_load_n(&d->nwin, __ATOMIC_ACQUIRE) < nwin[i] + 2) {
			if (d->err)
				die("dumper %d: td_open(): %s", i,
				    strerror(-d->err));
			if (now_ns() > end)
				die("dumper %d did not start", i);
			sleep_ns(NS / 1000);
		}
	}
}

/* The dumper's timed syscall in progress at t, if any (windows in order) */
static const struct win *win_at(const struct dumper *d, uint64_t t)
{
	uint64_t lo = 0, hi = d->nwin, mid;

	/* The last window that began at or before t */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->win[mid].start <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || t >= d->win[lo - 1].end)
		return NULL;
	return &d->win[lo - 1];
}

/* Tracing of the target's waits on contended rw_semaphores */

#define TRACEFS		"/sys/kernel/tracing"

static bool tracing;

static int tfs_write(const char *file, const char *val)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * The events are enabled once (that patches the kernel's text) and then
 * only their filters change: a filter by pid per round, nothing between
 * rounds. (set_event_pid, rewritten per round, registers and unregisters
 * the scheduler's tracepoints each time: the patching of __schedule() that
 * this causes crashed the debug guest under TCG with an int3 Oops.)
 */
#define BEGIN_FILTER	"(flags & 6) && !(flags & 49)"

static void trace_setup(void)
{
	const char *why = "";
	int ret;

	if (opt.notrace)
		return;
	if (access(TRACEFS "/events/lock", F_OK))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	ret = tfs_write("tracing_on", "0");
	if (!ret)
		ret = tfs_write("trace_clock", "mono");
	if (!ret)
		ret = tfs_write("buffer_size_kb", "2048");
	/* rw_semaphores only: no spinning, per-cpu or mutex flag */
	if (!ret)
		ret = tfs_write("events/lock/contention_begin/filter",
				"common_pid < 0");
	if (!ret)
		ret = tfs_write("events/lock/contention_end/filter",
				"common_pid < 0");
	if (!ret)
		ret = tfs_write("events/lock/contention_begin/enable", "1");
	if (!ret)
		ret = tfs_write("events/lock/contention_end/enable", "1");
	if (ret)
		why = strerror(-ret);
	else
		tracing = true;
	printf("lock waits: %s%s\n", tracing ?
	       "traced (lock:contention_begin/end, rw_semaphores)" :
	       "not traced: ", why);
}

static void trace_cleanup(void)
{
	if (!tracing)
		return;
	tfs_write("tracing_on", "0");
	tfs_write("events/lock/contention_begin/enable", "0");
	tfs_write("events/lock/contention_end/enable", "0");
	tfs_write("events/lock/contention_begin/filter", "0");
	tfs_write("events/lock/contention_end/filter", "0");
	if (opt.mmtrace) {
		tfs_write("events/mmap_lock/mmap_lock_released/enable", "0");
		tfs_write("events/mmap_lock/mmap_lock_acquire_returned/enable",
			  "0");
		tfs_write("events/mmap_lock/mmap_lock_released/filter", "0");
		tfs_write("events/mmap_lock/mmap_lock_acquire_returned/filter",
			  "0");
	}
	tfs_write("trace_clock", "local");
	tfs_write("trace", "");
	tfs_write("tracing_on", "1");
}

static void trace_start(pid_t pid, pid_t tid)
{
	char f[160], pids[64];

	if (!tracing)
		return;
	snprintf(pids, sizeof(pids), "common_pid == %d || common_pid == %d",
		 pid, tid);
	snprintf(f, sizeof(f), BEGIN_FILTER " && (%s)", pids);
	if (tfs_write("tracing_on", "0") || tfs_write("trace", "") ||
	    tfs_write("events/lock/contention_begin/filter", f) ||
	    tfs_write("events/lock/contention_end/filter", pids) ||
	    tfs_write("tracing_on", "1"))
		die("cannot set up tracing");
}

/* An open contention_begin of a task */
struct open_wait {
	pid_t pid;
	char addr[24];
	uint64_t t;
	bool write;
	bool open;
};

static void add_wait(struct phase_res *r, const struct lwait *w)
{
	if (r->nwaits == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->waits = realloc(r->waits, r->cap * sizeof(*r->waits));
		if (!r->waits)
			die("out of memory");
	}
	r->waits[r->nwaits++] = *w;
}

/*
 * A dumper's release or acquisition of an mmap_lock (-Y), or a mark
 * where a round's trace begins (reset)
 */
struct mev {
	uint64_t t;
	pid_t pid;
	bool acq;
	bool reset;
	char mm[24];
	int held;		/* readers of the target's lock after it */
};

static struct mev *mevs;
static size_t nmevs, mevs_cap;

enum { TL_NONE, TL_WAIT, TL_MMAP };

/*
 * One line of the trace, as
 *   COMM-PID [CPU] FLAGS SECS.USECS: contention_begin: ADDR (flags=WRITE)
 *   COMM-PID [CPU] FLAGS SECS.USECS: contention_end: ADDR (ret=0)
 *   COMM-PID [CPU] FLAGS SECS.USECS: mmap_lock_released: mm=...
 * Returns TL_WAIT with the wait a contention_end closes, TL_MMAP with a
 * mmap_lock event, or TL_NONE.
 */
static int trace_line(char *l, struct open_wait *ow, int now, pid_t *pid,
		      struct lwait *w, struct mev *m)
{
	unsigned long long sec, usec;
	char *br, *ev, *arg, *p, addr[24];
	bool begin;
	uint64_t t;
	int i;

	br = strstr(l, " [");
	if (l[0] == '#' || !br)
		return TL_NONE;
	*br = 0;
	p = strrchr(l, '-');
	if (!p)
		return TL_NONE;
	*pid = atoi(p + 1);
	ev = strstr(br + 1, ": ");
	if (!ev)
		return TL_NONE;
	*ev = 0;
	ev += 2;
	p = strrchr(br + 1, ' ');
	if (!p || sscanf(p + 1, "%llu.%llu", &sec, &usec) != 2)
		return TL_NONE;
	t = sec * NS + usec * 1000;
	arg = strstr(ev, ": ");
	if (!arg)
		return TL_NONE;
	*arg = 0;
	arg += 2;
	if (!strcmp(ev, "mmap_lock_released") ||
	    !strcmp(ev, "mmap_lock_acquire_returned")) {
		m->t = t;
		m->pid = *pid;
		m->acq = ev[strlen("mmap_lock_")] == 'a';
		m->reset = false;
		if ((m->acq && strstr(arg, "success=false")) ||
		    sscanf(arg, "mm=%23s", m->mm) != 1)
			return TL_NONE;
		return TL_MMAP;
	}
	begin = !strcmp(ev, "contention_begin");
	if ((!begin && strcmp(ev, "contention_end")) ||
	    sscanf(arg, "%23s", addr) != 1)
		return TL_NONE;
	for (i = 0; i < now; i++)
		if (ow[i].pid == *pid)
			break;
	if (i == now)
		return TL_NONE;
	if (begin) {
		/* A wait that begins again (a retry) counts from the first */
		if (ow[i].open && !strcmp(ow[i].addr, addr))
			return TL_NONE;
		ow[i].open = true;
		ow[i].t = t;
		ow[i].write = strstr(arg, "WRITE");
		snprintf(ow[i].addr, sizeof(ow[i].addr), "%s", addr);
		return TL_NONE;
	}
	if (!ow[i].open || strcmp(ow[i].addr, addr))
		return TL_NONE;
	ow[i].open = false;
	w->t = ow[i].t;
	w->ns = t - ow[i].t;
	w->write = ow[i].write;
	snprintf(w->addr, sizeof(w->addr), "%s", addr);
	return TL_WAIT;
}

static void add_mev(const struct mev *m)
{
	if (nmevs == mevs_cap) {
		mevs_cap = mevs_cap ? 2 * mevs_cap : 65536;
		mevs = realloc(mevs, mevs_cap * sizeof(*mevs));
		if (!mevs)
			die("out of memory");
	}
	mevs[nmevs++] = *m;
}

/*
 * Read the round's trace: the probe thread's waits go to the phase, the
 * exec'ing thread's during the exec to the exec, the dumpers' mmap_lock
 * events to mevs.
 */
static void trace_collect(struct phase_res *r, struct exec_rec *e, pid_t pid,
			  pid_t tid, uint64_t t1)
{
	struct open_wait ow[2] = { { .pid = pid }, { .pid = tid } };
	char *line = NULL;
	struct lwait w;
	struct mev m;
	size_t len = 0;
	pid_t who;
	FILE *f;

	if (!tracing)
		return;
	tfs_write("tracing_on", "0");
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		die("cannot read the trace: %s", strerror(errno));
	if (opt.mmtrace) {
		memset(&m, 0, sizeof(m));
		m.reset = true;
		add_mev(&m);
	}
	while (getline(&line, &len, f) > 0) {
		switch (trace_line(line, ow, 2, &who, &w, &m)) {
		case TL_MMAP:
			add_mev(&m);
			break;
		case TL_WAIT:
			if (who == tid) {
				if (w.t >= e->tm && w.t < e->t0)
					add_wait(r, &w);
			} else if (w.t >= e->t0 && w.t <= t1 &&
				   e->nlock < (int)ARRAY_SIZE(e->lock)) {
				e->lock[e->nlock++] = w;
			}
			break;
		}
	}
	free(line);
	fclose(f);
}

/* -Y: the dumpers' mmap_lock releases and acquisitions, traced */
static void trace_dumpers(const pid_t *pids, int n)
{
	char f[256];
	int i, len = 0;

	if (!tracing || !opt.mmtrace)
		return;
	for (i = 0; i < n; i++)
		len += snprintf(f + len, sizeof(f) - len, "%scommon_pid == %d",
				i ? " || " : "", pids[i]);
	if (tfs_write("events/mmap_lock/mmap_lock_released/filter", f) ||
	    tfs_write("events/mmap_lock/mmap_lock_acquire_returned/filter", f) ||
	    tfs_write("events/mmap_lock/mmap_lock_released/enable", "1") ||
	    tfs_write("events/mmap_lock/mmap_lock_acquire_returned/enable", "1"))
		die("cannot trace the mmap_lock");
	printf("the dumpers' mmap_lock releases and acquisitions: traced\n");
}

/* One target: made, dumped, exec'd after a random delay */
static void run_round(int idx, struct phase_res *r)
{
	const struct phase *ph = &r->ph;
	struct exec_rec *e = &r->ex[r->nexec];
	const struct win *w;
	struct dumper *d;
	pid_t pid, tid, st;
	int i, started;
	uint64_t t1;

	for (i = 0; i < MAX_DUMPERS; i++) {
		d = &dshm->d[i];
		d->show = ph->show;
		d->fixed = ph->control ? getpid() : 0;
		__atomic_store_n(&d->active, i < ph->ndumpers,
				 __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&tshm->mphase, MAX_PHASES, __ATOMIC_SEQ_CST);
	started = __atomic_load_n(&tshm->started, __ATOMIC_SEQ_CST);
	holder_cmd('S', &pid);
	if (pid < 0)
		die("clone of the holder: %s", strerror(-pid));
	while (__atomic_load_n(&tshm->started, __ATOMIC_SEQ_CST) == started) {
		if (tshm->probe_err)
			die("probe thread: %s", strerror(tshm->probe_err));
		sleep_ns(NS / 1000);
	}
	tid = tshm->probe_tid;
	trace_start(pid, tid);
	for (i = 0; i < MAX_DUMPERS; i++) {
		e->w0[i] = dshm->d[i].nwin;
		e->d0[i] = dshm->d[i].ndump;
	}
	__atomic_store_n(&dshm->target, pid, __ATOMIC_SEQ_CST);
	wait_dumpers_started(ph, pid, e->w0);
	e->tm = now_ns();
	__atomic_store_n(&tshm->mphase, idx, __ATOMIC_SEQ_CST);

	e->delay_ms = opt.dmin_ms + (int)(rnd() * (opt.dmax_ms - opt.dmin_ms));
	sleep_ns(e->delay_ms * 1000000ULL);
	if (write_full(xcmd[1], "x", 1))
		die("lost the target");
	t1 = wait_report();
	e->t0 = __atomic_load_n(&tshm->exec_t0, __ATOMIC_SEQ_CST);
	e->ns = t1 - e->t0;

	__atomic_store_n(&dshm->target, 0, __ATOMIC_SEQ_CST);
	wait_dumpers_idle(ph);
	for (i = 0; i < MAX_DUMPERS; i++) {
		d = &dshm->d[i];
		__atomic_store_n(&d->active, 0, __ATOMIC_SEQ_CST);
		e->w1[i] = d->nwin;
		e->d1[i] = d->ndump;
		if (i >= ph->ndumpers)
			continue;
		w = win_at(d, e->t0);
		e->in_win[i] = !!w;
		if (w) {
			e->began[i] = e->t0 - w->start;
			e->ended[i] = w->end - e->t0;
		}
	}
	holder_cmd('W', &st);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("target %d ended with status 0x%x", pid, st);
	trace_collect(r, e, pid, tid, t1);
	r->nexec++;
	if (opt.verbose)
		printf("  %-5s %2d: execve() %.2f ms\n", ph->name, r->nexec - 1,
		       e->ns / MS);
}

static bool parse_phase(const char *s, struct phase *ph)
{
	const char *g;

	memset(ph, 0, sizeof(*ph));
	snprintf(ph->name, sizeof(ph->name), "%s", s);
	if (!strcmp(s, "idle"))
		return true;
	if (s[0] < '1' || s[0] > '0' + MAX_DUMPERS)
		return false;
	ph->ndumpers = s[0] - '0';
	g = s + 1;
	if (!*g || !strcmp(g, "s")) {
		ph->show = SHOW(VMA_STAT);
	} else if (!strcmp(g, "vs")) {
		ph->show = SHOW(VMA) | SHOW(VMA_STAT);
	} else if (!strcmp(g, "v")) {
		ph->show = SHOW(VMA);
	} else if (!strcmp(g, "c")) {
		ph->show = SHOW(VMA_STAT);
		ph->control = true;
	} else {
		return false;
	}
	return true;
}

/* Output */

static const char *show_name(const struct phase *ph)
{
	if (ph->control)
		return "vma-stat, small proc";
	if (ph->show == SHOW(VMA))
		return "vma";
	if (ph->show == SHOW(VMA_STAT))
		return "vma-stat";
	return "vma + vma-stat";
}

static const char *dumpers_name(const struct phase *ph)
{
	static char buf[64];

	if (!ph->ndumpers)
		return "none";
	snprintf(buf, sizeof(buf), "%d x %s", ph->ndumpers, show_name(ph));
	return buf;
}

static void print_probes(const struct phase_res *res, int nph)
{
	int p, op;

	printf("\n1. The probe thread's calls, in us (a %d KiB mapping, every %ld us)\n",
	       PROBE_LEN >> 10, opt.interval_us);
	printf("%-6s %-26s %7s | %-9s %9s %9s %9s\n", "phase", "dumpers",
	       "probes", "call", "median", "p99", "max");
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];

		for (op = 0; op < NOPS; op++) {
			const struct hist *h = &tshm->h[p][op];
			char n[24] = "";

			if (!op)
				snprintf(n, sizeof(n), "%llu",
					 (unsigned long long)h->n);
			printf("%-6s %-26s %7s | %-9s %9.1f %9.1f %9.1f\n",
			       op ? "" : r->ph.name,
			       op ? "" : dumpers_name(&r->ph), n,
			       op_names[op], hist_q(h, 0.5) / US,
			       hist_q(h, 0.99) / US, h->max / US);
		}
	}
	printf("(median and p99 to 6%%; max exact)\n");
}

/* Ranges of wait times, in ns: below each bound */
static const struct {
	const char *name;
	uint64_t below;
} wait_ranges[] = {
	{ "<0.05", 50000 }, { "<0.2", 200000 }, { "<1", 1000000 },
	{ "<4", 4000000 }, { "<8", 8000000 }, { "<16", 16000000 },
	{ "<32", 32000000 }, { ">=32", ~0ULL },
};

static void print_probe_waits(const struct phase_res *res, int nph)
{
	uint64_t *v;
	int p, k;

	if (!tracing)
		return;
	printf("\n2. The probe thread's waits on the contended mmap_lock (traced), in ms\n");
	printf("%-6s %-26s %7s %6s %6s | %8s %8s %8s %8s\n", "phase",
	       "dumpers", "calls", "waits", ">1 ms", "median", "p99", "max",
	       "sum/s");
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];
		uint64_t sum = 0, over = 0, secs = 0;
		size_t i;

		v = malloc((r->nwaits + 1) * sizeof(*v));
		if (!v)
			die("out of memory");
		for (i = 0; i < r->nwaits; i++) {
			v[i] = r->waits[i].ns;
			sum += v[i];
			over += v[i] > 1000000;
		}
		for (k = 0; k < r->nexec; k++)
			secs += r->ex[k].delay_ms;
		printf("%-6s %-26s %7llu %6zu %6llu | %8.3f %8.3f %8.3f %8.3f\n",
		       r->ph.name, dumpers_name(&r->ph),
		       (unsigned long long)tshm->h[p][OP_ALL].n * 3,
		       r->nwaits, (unsigned long long)over,
		       arr_q(v, r->nwaits, 0.5) / MS,
		       arr_q(v, r->nwaits, 0.99) / MS,
		       arr_q(v, r->nwaits, 1) / MS,
		       secs ? sum / MS / (secs / 1000.0) : 0);
		free(v);
	}
	printf("(median, p99, max of the waits; sum/s: ms waited per second of probing)\n");

	printf("\n   How long the waits were: count per range, in ms\n");
	printf("%-6s", "phase");
	for (k = 0; k < (int)ARRAY_SIZE(wait_ranges); k++)
		printf(" %8s", wait_ranges[k].name);
	putchar('\n');
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];
		size_t i, cnt[ARRAY_SIZE(wait_ranges)] = { 0 };

		if (!r->ph.ndumpers)
			continue;
		for (i = 0; i < r->nwaits; i++) {
			for (k = 0; k < (int)ARRAY_SIZE(wait_ranges) - 1; k++)
				if (r->waits[i].ns < wait_ranges[k].below)
					break;
			cnt[k]++;
		}
		printf("%-6s", r->ph.name);
		for (k = 0; k < (int)ARRAY_SIZE(wait_ranges); k++)
			printf(" %8zu", cnt[k]);
		putchar('\n');
	}
}

/* The longest remainder of the dumpers' syscalls in progress at an exec */
static bool exec_in_msg(const struct phase_res *r, const struct exec_rec *e,
			uint64_t *ended)
{
	bool in = false;
	int i;

	*ended = 0;
	for (i = 0; i < r->ph.ndumpers; i++) {
		if (!e->in_win[i])
			continue;
		in = true;
		if (e->ended[i] > *ended)
			*ended = e->ended[i];
	}
	return in;
}

/*
 * The mmap_lock, as the trace names it: the lock the probe thread waits
 * for most often to write (the only rw_semaphore its calls take, bar an
 * anon_vma's when the mapping merges).
 */
static char mmap_lock_addr[24];

static void find_mmap_lock(const struct phase_res *res, int nph)
{
	struct {
		const char *addr;
		size_t n;
	} c[8];
	size_t i, best = 0;
	int p, j, nc = 0;

	for (p = 0; p < nph; p++) {
		for (i = 0; i < res[p].nwaits; i++) {
			const struct lwait *w = &res[p].waits[i];

			if (!w->write)
				continue;
			for (j = 0; j < nc; j++)
				if (!strcmp(c[j].addr, w->addr))
					break;
			if (j == nc) {
				if (nc == (int)ARRAY_SIZE(c))
					continue;
				c[nc].addr = w->addr;
				c[nc++].n = 0;
			}
			if (++c[j].n > best) {
				best = c[j].n;
				snprintf(mmap_lock_addr, sizeof(mmap_lock_addr),
					 "%s", w->addr);
			}
		}
	}
}

enum { LK_EUL, LK_MMAP, LK_OTHER, NLK };

/* An exec's waits by lock: exec_update_lock, mmap_lock, any other */
static void exec_waits(const struct exec_rec *e, uint64_t ns[NLK])
{
	int i;

	memset(ns, 0, NLK * sizeof(*ns));
	for (i = 0; i < e->nlock; i++) {
		const struct lwait *w = &e->lock[i];

		if (mmap_lock_addr[0] && !strcmp(w->addr, mmap_lock_addr))
			ns[LK_MMAP] += w->ns;
		else if (w->write)
			ns[LK_EUL] += w->ns;
		else
			ns[LK_OTHER] += w->ns;
	}
}

static void print_execs(const struct phase_res *res, int nph)
{
	uint64_t v[MAX_EXECS], lw[NLK][MAX_EXECS], in[MAX_EXECS];
	uint64_t rem[MAX_EXECS], out[MAX_EXECS], ns[NLK];
	int p, k, i, l, nw[NLK];

	printf("\n3. execve() from the call to the new image's first instruction, and the\n"
	       "   exec'ing thread's waits (traced) during it on exec_update_lock (for\n"
	       "   writing), on the old mm's mmap_lock and on other rw_semaphores, in ms\n");
	printf("%-6s %-26s %3s %6s %6s %6s %6s | %-14s | %-14s | %-14s\n",
	       "phase", "dumpers", "n", "min", "median", "max", "mean",
	       "exec_update", "mmap_lock", "other");
	printf("%-6s %-26s %3s %6s %6s %6s %6s | %3s %4s %5s | %3s %4s %5s | %3s %4s %5s\n",
	       "", "", "", "", "", "", "", "n", "med", "max", "n", "med",
	       "max", "n", "med", "max");
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];
		uint64_t sum = 0;

		memset(nw, 0, sizeof(nw));
		for (k = 0; k < r->nexec; k++) {
			v[k] = r->ex[k].ns;
			sum += v[k];
			exec_waits(&r->ex[k], ns);
			for (l = 0; l < NLK; l++) {
				lw[l][k] = ns[l];
				nw[l] += !!ns[l];
			}
		}
		printf("%-6s %-26s %3d %6.2f %6.2f %6.2f %6.2f",
		       r->ph.name, dumpers_name(&r->ph), r->nexec,
		       arr_q(v, r->nexec, 0) / MS, arr_q(v, r->nexec, 0.5) / MS,
		       arr_q(v, r->nexec, 1) / MS,
		       r->nexec ? sum / MS / r->nexec : 0);
		for (l = 0; l < NLK; l++) {
			if (tracing)
				printf(" | %3d %4.1f %5.2f", nw[l],
				       arr_q(lw[l], r->nexec, 0.5) / MS,
				       arr_q(lw[l], r->nexec, 1) / MS);
			else
				printf(" | %3s %4s %5s", "-", "-", "-");
		}
		putchar('\n');
	}
	printf("(n: execs that waited; med, max: over all execs)\n");

	printf("\n   The same split by whether the call came while a dumper's syscall was in\n"
	       "   progress (\"in\"), with how long that went on after the call (\"rest\", the\n"
	       "   longest over the dumpers), in ms\n");
	printf("%-6s %4s %8s %8s %8s %8s | %4s %8s %8s\n", "phase", "in",
	       "med", "max", "rest med", "rest max", "out", "med", "max");
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];
		int nin = 0, nout = 0;
		uint64_t e;

		if (!r->ph.ndumpers)
			continue;
		for (k = 0; k < r->nexec; k++) {
			if (exec_in_msg(r, &r->ex[k], &e)) {
				in[nin] = r->ex[k].ns;
				rem[nin++] = e;
			} else {
				out[nout++] = r->ex[k].ns;
			}
		}
		printf("%-6s %4d %8.2f %8.2f %8.2f %8.2f | %4d %8.2f %8.2f\n",
		       r->ph.name, nin, arr_q(in, nin, 0.5) / MS,
		       arr_q(in, nin, 1) / MS, arr_q(rem, nin, 0.5) / MS,
		       arr_q(rem, nin, 1) / MS, nout,
		       arr_q(out, nout, 0.5) / MS, arr_q(out, nout, 1) / MS);
	}
	if (!opt.verbose)
		return;
	printf("\n   Each execve(): duration; waits on exec_update_lock, mmap_lock, others;\n"
	       "   the dumpers' syscall in progress at the call (began B ms before it,\n"
	       "   ended E ms after it; - for none), in ms\n");
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];

		for (k = 0; k < r->nexec; k++) {
			const struct exec_rec *e = &r->ex[k];

			exec_waits(e, ns);
			printf("   %-6s #%-2d %7.2f  waits %6.2f %6.2f %6.2f",
			       r->ph.name, k, e->ns / MS, ns[LK_EUL] / MS,
			       ns[LK_MMAP] / MS, ns[LK_OTHER] / MS);
			for (i = 0; i < r->ph.ndumpers; i++) {
				if (e->in_win[i])
					printf("  B %6.2f E %6.2f",
					       e->began[i] / MS,
					       e->ended[i] / MS);
				else
					printf("  -");
			}
			putchar('\n');
		}
	}
}

/* What a dumper's syscalls of one phase did */
struct msg_sum {
	uint64_t n;		/* recvmsg() calls, their durations in v */
	uint64_t nf;		/* sendmsg() calls: dumps begun */
	uint64_t fmax;		/* the longest sendmsg() */
	uint64_t msgs, bytes, bmax, dumps;
};

static void sum_wins(const struct phase_res *r, int i, uint64_t *v,
		     struct msg_sum *s)
{
	const struct dumper *d = &dshm->d[i];
	uint64_t j, ns;
	int k;

	memset(s, 0, sizeof(*s));
	for (k = 0; k < r->nexec; k++) {
		const struct exec_rec *e = &r->ex[k];

		s->dumps += e->d1[i] - e->d0[i];
		for (j = e->w0[i]; j < e->w1[i]; j++) {
			const struct win *w = &d->win[j];

			ns = w->end - w->start;
			if (w->first) {
				s->nf++;
				if (ns > s->fmax)
					s->fmax = ns;
				continue;
			}
			v[s->n++] = ns;
			s->msgs += w->msgs;
			s->bytes += w->bytes;
			if (w->bytes > s->bmax)
				s->bmax = w->bytes;
		}
	}
}

/* How long the dumpers' messages take, and what they carry */
static void print_messages(const struct phase_res *res, int nph)
{
	struct msg_sum s;
	uint64_t *v, j, nd;
	int p, i, k;
	double mpd;

	v = malloc(MAX_WINS * sizeof(*v));
	if (!v)
		die("out of memory");
	printf("\n4. The dumpers' messages: each recvmsg() fills the next one\n"
	       "   (sendmsg() the first)\n");
	printf("%-6s %-2s %5s %6s %8s %8s %6s %6s | %8s %8s %8s %8s | %8s\n",
	       "phase", "#", "dumps", "msgs", "msg/dump", "maps/msg", "B/msg",
	       "B max", "fill med", "p99", "max", "1st max", "dump med");
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];

		for (i = 0; i < r->ph.ndumpers; i++) {
			const struct dumper *d = &dshm->d[i];

			sum_wins(r, i, v, &s);
			mpd = s.nf ? (double)s.msgs / s.nf : 0;
			printf("%-6s %-2d %5llu %6llu %8.1f %8.0f %6.0f %6llu",
			       i ? "" : r->ph.name, i,
			       (unsigned long long)s.dumps,
			       (unsigned long long)s.msgs, mpd,
			       mpd && !r->ph.control ? target_maps / mpd : 0,
			       s.msgs ? (double)s.bytes / s.msgs : 0,
			       (unsigned long long)s.bmax);
			printf(" | %8.2f %8.2f %8.2f %8.2f | ",
			       arr_q(v, s.n, 0.5) / MS, arr_q(v, s.n, 0.99) / MS,
			       arr_q(v, s.n, 1) / MS, s.fmax / MS);
			/* Whole dumps only: those the exec cut end early */
			nd = 0;
			for (k = 0; k < r->nexec; k++) {
				const struct exec_rec *e = &r->ex[k];

				for (j = e->d0[i]; j < e->d1[i]; j++)
					if (!d->dump[j].err &&
					    d->dump[j].msgs > 1)
						v[nd++] = d->dump[j].end -
							  d->dump[j].start;
			}
			printf("%8.1f\n", arr_q(v, nd, 0.5) / MS);
		}
	}
	printf("(ms; maps/msg: the target's mappings over messages per dump)\n");
	free(v);
}

/*
 * -Y: count the dumpers holding the target's mmap_lock after each event.
 * The target's is the lock they take most: the others are their own.
 */
static void count_holders(void)
{
	pid_t pids[MAX_DUMPERS] = { 0 };
	bool held[MAX_DUMPERS] = { 0 };
	struct {
		const char *mm;
		size_t n;
	} c[16];
	const char *mm = NULL;
	size_t i, best = 0;
	int j, nc = 0;

	for (i = 0; i < nmevs; i++) {
		if (mevs[i].reset)
			continue;
		for (j = 0; j < nc; j++)
			if (!strcmp(c[j].mm, mevs[i].mm))
				break;
		if (j == nc) {
			if (nc == (int)ARRAY_SIZE(c))
				continue;
			c[nc].mm = mevs[i].mm;
			c[nc++].n = 0;
		}
		if (++c[j].n > best) {
			best = c[j].n;
			mm = c[j].mm;
		}
	}
	for (i = 0; i < nmevs; i++) {
		struct mev *m = &mevs[i];

		if (m->reset)
			memset(held, 0, sizeof(held));
		else if (mm && !strcmp(m->mm, mm))
			for (j = 0; j < MAX_DUMPERS; j++) {
				if (pids[j] && pids[j] != m->pid)
					continue;
				pids[j] = m->pid;
				held[j] = m->acq;
				break;
			}
		m->held = 0;
		for (j = 0; j < MAX_DUMPERS; j++)
			m->held += held[j];
	}
}

/*
 * -Y: how often the target's mmap_lock was free (no dumper held it)
 * during [t, t + ns], and for how long each time before a dumper took it
 * again (median, longest): the waiting writer did not get it meanwhile
 */
static void print_releases(uint64_t t, uint64_t ns)
{
	size_t lo = 0, hi = nmevs, mid, i, n = 0;
	uint64_t gap[512], since = 0;
	int held;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (mevs[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	held = lo ? mevs[lo - 1].held : 0;
	for (i = lo; i < nmevs && mevs[i].t <= t + ns; i++) {
		if (held && !mevs[i].held)
			since = mevs[i].t;
		else if (!held && mevs[i].held && since &&
			 n < ARRAY_SIZE(gap))
			gap[n++] = mevs[i].t - since;
		held = mevs[i].held;
	}
	printf("  free %zu times for %.0f us (max %.0f)", n,
	       arr_q(gap, n, 0.5) / US, arr_q(gap, n, 1) / US);
}

/* The dumpers' syscalls in progress at t: began B ms before, lasted L ms */
static void print_wins_at(const struct phase *ph, uint64_t t, uint64_t ns)
{
	const struct win *w;
	int i;

	for (i = 0; i < ph->ndumpers; i++) {
		w = win_at(&dshm->d[i], t);
		if (w)
			printf("  B %6.2f L %6.2f", (t - w->start) / MS,
			       (w->end - w->start) / MS);
		else
			printf("  -");
	}
	if (ns && nmevs)
		print_releases(t, ns);
	putchar('\n');
}

static int cmp_wait(const void *a, const void *b)
{
	const struct lwait *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* The longest waits, and what the dumpers were doing when they began */
static void print_longest(struct phase_res *res, int nph)
{
	int p, k, n = opt.verbose ? 8 : 3;
	size_t i;

	if (tracing) {
		printf("\n5. The %d longest mmap_lock waits of the probe thread per phase\n"
		       "   (ms), and the dumpers' syscalls in progress when each began\n"
		       "   (began B ms before, lasted L ms)\n", n);
		for (p = 0; p < nph; p++) {
			struct phase_res *r = &res[p];

			qsort(r->waits, r->nwaits, sizeof(*r->waits),
			      cmp_wait);
			for (i = 0; i < r->nwaits && i < (size_t)n; i++) {
				printf("   %-6s %c %7.2f:", i ? "" : r->ph.name,
				       r->waits[i].write ? 'W' : 'R',
				       r->waits[i].ns / MS);
				print_wins_at(&r->ph, r->waits[i].t,
					      r->waits[i].ns);
			}
		}
		return;
	}
	printf("\n5. The %d slowest probes per phase (us), and the dumpers' syscalls in\n"
	       "   progress when each began (began B ms before, lasted L ms)\n", n);
	for (p = 0; p < nph; p++) {
		const struct phase_res *r = &res[p];

		for (k = 0; k < n && k < NTOP; k++) {
			const struct slow *s = &tshm->top[p][k];

			if (!s->t)
				break;
			printf("   %-6s mmap %8.1f mprotect %8.1f munmap %8.1f:",
			       k ? "" : r->ph.name, s->ns[OP_MMAP] / US,
			       s->ns[OP_MPROTECT] / US, s->ns[OP_MUNMAP] / US);
			print_wins_at(&r->ph, s->t, 0);
		}
	}
}

/* What taskdiag itself says of the holder's map */
static void check_map(pid_t pid)
{
	uint64_t rss = 0, t0;
	struct td_merge m = { 0 };
	struct td *td;
	size_t i;
	int ret;

	ret = td_open(&td, 0, true);
	if (ret)
		die("td_open(): %s", strerror(-ret));
	t0 = now_ns();
	ret = td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, pid, SHOW(VMA_STAT),
		       &m, NULL);
	if (ret)
		die("dump of the holder: %s (%s%s)", strerror(-ret),
		    td->err.msg, m.err);
	for (i = 0; i < m.nvmas; i++)
		rss += m.vmas[i].stat.v[TASKDIAG_A_VMA_STAT_RSS];
	printf("taskdiag: %zu mappings, Rss %.1f MiB, in %u messages (%.0f ms, decoded)\n",
	       m.nvmas, rss / 1048576.0, m.parts, (now_ns() - t0) / MS);
	target_maps = m.nvmas;
	if ((long)m.nvmas < opt.nmaps ||
	    rss < (uint64_t)opt.nmaps * (opt.map_kib << 10))
		die("the target is not what it should be");
	td_merge_free(&m);
	td_close(td);
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: lockwait [-n MAPPINGS] [-s KIB] [-k EXECS] [-d MIN_MS,MAX_MS]\n"
		"                [-i PROBE_INTERVAL_US] [-b RECV_BUF] [-p PHASES] [-S SEED]\n"
		"                [-v] [-x] [-T] [-Y]\n"
		"PHASES: comma-separated idle and ND[G], N dumpers (1-%d), G: s vma-stat,\n"
		"vs vma + vma-stat, v vma, c vma-stat of a small process (control)\n",
		MAX_DUMPERS);
	exit(2);
}

static void parse_args(int argc, char **argv, const char **phases)
{
	int c;

	while ((c = getopt(argc, argv, "n:s:k:d:i:b:p:S:vxTY")) != -1) {
		switch (c) {
		case 'n':
			opt.nmaps = atol(optarg);
			break;
		case 's':
			opt.map_kib = atol(optarg);
			break;
		case 'k':
			opt.execs = atoi(optarg);
			break;
		case 'd':
			if (sscanf(optarg, "%d,%d", &opt.dmin_ms,
				   &opt.dmax_ms) != 2)
				bad_usage();
			break;
		case 'i':
			opt.interval_us = atol(optarg);
			break;
		case 'b':
			opt.bufsize = atol(optarg);
			break;
		case 'p':
			*phases = optarg;
			break;
		case 'S':
			opt.seed = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'x':
			opt.self_exe = true;
			break;
		case 'T':
			opt.notrace = true;
			break;
		case 'Y':
			opt.mmtrace = true;
			break;
		default:
			bad_usage();
		}
	}
	if (opt.nmaps < 2 || opt.map_kib < 4 || opt.execs < 1 ||
	    opt.execs > MAX_EXECS || opt.dmin_ms < 0 ||
	    opt.dmax_ms < opt.dmin_ms)
		bad_usage();
}

int main(int argc, char **argv)
{
	const char *phases = "idle,1s,2s,1vs,1v,2c";
	static struct phase_res res[MAX_PHASES];
	int nph = 0, ndumpers = 0, order[MAX_PHASES], i, j, k;
	pid_t dpids[MAX_DUMPERS];
	char *list, *tok, *save;
	uint64_t t0, t1, hres[2];
	struct utsname u;
	pid_t hpid;
	long avail;
	int st;

	if (argc == 2 && !strcmp(argv[1], "--stamp"))
		return stamp_main();
	opt.seed = now_ns();
	parse_args(argc, argv, &phases);
	list = strdup(phases);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (nph == MAX_PHASES || !parse_phase(tok, &res[nph].ph))
			bad_usage();
		if (res[nph].ph.ndumpers > ndumpers)
			ndumpers = res[nph].ph.ndumpers;
		nph++;
	}
	free(list);
	setvbuf(stdout, NULL, _IOLBF, 0);

	uname(&u);
	printf("lockwait: kernel %s %s\n", u.release, u.version);
	printf("target: %ld mappings x %ld KiB = %.1f MiB; %d execs per phase, %d-%d ms into\n"
	       "the dumps; dumpers' receive buffer %ld; seed %lu\n",
	       opt.nmaps, opt.map_kib, opt.nmaps * opt.map_kib / 1024.0,
	       opt.execs, opt.dmin_ms, opt.dmax_ms, opt.bufsize, opt.seed);
	avail = mem_available_kb();
	if (avail < opt.nmaps * opt.map_kib + (128 << 10))
		die("MemAvailable %ld kB: too little for the target (boot with more memory)",
		    avail);

	if (!opt.self_exe)
		stub_fd = make_stub();
	printf("execve() into %s\n", stub_fd >= 0 ?
	       "a static stub that reads the clock at its first instruction" :
	       "/proc/self/exe --stamp (clock read once started: loader included)");
	trace_setup();
	tshm = shared_alloc(sizeof(*tshm));
	if (!tshm || pipe(hcmd) || pipe(hresp) || pipe(xcmd) || pipe(report))
		die("setup: %s", strerror(errno));
	hpid = fork();
	if (hpid < 0)
		die("fork: %s", strerror(errno));
	if (!hpid)
		holder();
	close(hcmd[0]);
	close(hresp[1]);
	close(xcmd[0]);
	close(report[1]);
	if (read_full(hresp[0], hres, sizeof(hres)))
		die("lost the holder");
	if (hres[0])
		die("holder: making the map: %s", strerror(hres[0]));
	printf("map made and written in %.1f s\n", hres[1] / 1e9);
	check_map(hpid);

	/* After the holder's fork: the dumpers' logs are not in its map */
	dshm = shared_alloc(sizeof(*dshm));
	if (!dshm)
		die("setup: %s", strerror(errno));
	for (i = 0; i < ndumpers; i++) {
		dpids[i] = fork();
		if (dpids[i] < 0)
			die("fork: %s", strerror(errno));
		if (!dpids[i])
			dumper_main(&dshm->d[i]);
	}
	trace_dumpers(dpids, ndumpers);

	/* Rounds of every phase, in a new random order each time */
	t0 = now_ns();
	for (i = 0; i < nph; i++)
		order[i] = i;
	for (k = 0; k < opt.execs; k++) {
		for (i = nph - 1; i > 0; i--) {
			j = (int)(rnd() * (i + 1));
			st = order[i];
			order[i] = order[j];
			order[j] = st;
		}
		for (i = 0; i < nph; i++)
			run_round(order[i], &res[order[i]]);
	}
	printf("%d rounds in %.1f s\n", nph * opt.execs, (now_ns() - t0) / 1e9);
	__atomic_store_n(&dshm->quit, 1, __ATOMIC_SEQ_CST);
	trace_cleanup();

	find_mmap_lock(res, nph);
	if (nmevs)
		count_holders();
	print_probes(res, nph);
	print_probe_waits(res, nph);
	print_execs(res, nph);
	print_messages(res, nph);
	print_longest(res, nph);

	/* What a real exec of such a process adds: freeing its map */
	if (write_full(hcmd[1], "X", 1))
		die("lost the holder");
	t1 = wait_report();
	t0 = __atomic_load_n(&tshm->exec_t0, __ATOMIC_SEQ_CST);
	printf("\n6. execve() by the last user of the map, which frees it under\n"
	       "   exec_update_lock held for writing, without dumpers: %.2f ms\n",
	       (t1 - t0) / MS);
	waitpid(hpid, &st, 0);
	for (i = 0; i < ndumpers; i++)
		wait(NULL);
	return 0;
}
