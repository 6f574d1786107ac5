// SPDX-License-Identifier: GPL-2.0
/*
 * Security review PoCs for taskdiag (not a selftest: prints what it finds).
 *
 *  nomm     - I/O counters and delays of a task without an mm (a zombie,
 *             or a process whose leader exited) go to the same uid even
 *             when the process is non-dumpable, where /proc/PID/io is
 *             root-owned 0400 (EACCES).
 *  thrchild - hidepid=noaccess: children of a process /proc lists but does
 *             not show, asked for through a non-leader thread that /proc
 *             does show (per-thread credentials).
 *  gcleak   - a dump in progress abandoned on a socket that ends in an
 *             unreachable SCM_RIGHTS cycle, or whose requester exits: the
 *             captured root must be let go (umount succeeds).
 *  scm      - nobody claiming pid 1 in SCM_CREDENTIALS.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/taskstats.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "td_util.h"

#define G(g)	(1ULL << TASKDIAG_GROUP_##g)

static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (proc_read_small(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

static int wait_state(pid_t pid, char st)
{
	int i;

	for (i = 0; i < 300; i++) {
		if (proc_state(pid) == st)
			return 0;
		usleep(10000);
	}
	return -1;
}

static void try_read(const char *path)
{
	char buf[1024];
	ssize_t n = proc_read_small(path, buf, sizeof(buf));
	char *nl;

	if (n < 0) {
		printf("    /proc read %-28s -> %s\n", path, strerror(-n));
		return;
	}
	while ((nl = strchr(buf, '\n')))
		*nl = ' ';
	printf("    /proc read %-28s -> \"%.100s\"\n", path, buf);
}

/* ---- nomm ---- */

static int w_pipe[2];

static void *writer(void *arg)
{
	static char blk[4096];
	pid_t tid = gettid();
	int fd = open("/dev/null", O_WRONLY), i;

	for (i = 0; i < 1000; i++)
		if (write(fd, blk, sizeof(blk)) < 0)
			break;
	if (write(w_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

static void show_one(struct td *td, const char *what, pid_t pid)
{
	struct fetch_result r;
	const struct td_stat *s = &r.t.stat;

	fetch_one(td, pid, G(BASE) | G(STAT), &r);
	printf("  %-36s pid %d: err %d state %c withheld %s%#llx wchar %s%llu write_bytes/syscw %llu\n",
	       what, pid, r.err, td_state_letter(r.t.base.state),
	       r.t.has_withheld ? "" : "(none) ",
	       (unsigned long long)r.t.withheld,
	       s->present & (1ULL << TASKDIAG_A_STAT_WCHAR) ? "" : "(absent) ",
	       (unsigned long long)s->v[TASKDIAG_A_STAT_WCHAR],
	       (unsigned long long)s->v[TASKDIAG_A_STAT_SYSCW]);
}

static void nomm(void)
{
	pid_t p, z, z2, w = 0, n, d, r;
	int hold_n, hold_d, st;
	char path[64];

	printf("== nomm: protected stat of tasks without an mm\n");
	if (pipe(w_pipe))
		return;
	/* P: nobody, non-dumpable, leader exits, a thread writes 4 MB */
	p = fork();
	if (!p) {
		pthread_t t;

		if (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 0))
			_exit(1);
		pthread_create(&t, NULL, writer, NULL);
		pthread_exit(NULL);
	}
	if (read(w_pipe[0], &w, sizeof(w)) != sizeof(w) || wait_state(p, 'Z'))
		printf("  setup of P failed\n");
	/* Z: nobody, non-dumpable, writes 2 MB and exits unreaped */
	z = fork();
	if (!z) {
		static char blk[4096];
		int fd = open("/dev/null", O_WRONLY), i;

		if (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 0))
			_exit(1);
		for (i = 0; i < 500; i++)
			if (write(fd, blk, sizeof(blk)) < 0)
				break;
		_exit(0);
	}
	if (wait_state(z, 'Z'))
		printf("  setup of Z failed\n");
	n = spawn_nobody(false, &hold_n);
	d = spawn_nobody(true, &hold_d);

	/* Z2: nobody, dumpable, writes 1 MB and exits unreaped */
	z2 = fork();
	if (!z2) {
		static char blk[4096];
		int fd = open("/dev/null", O_WRONLY), i;

		if (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1))
			_exit(1);
		for (i = 0; i < 250; i++)
			if (write(fd, blk, sizeof(blk)) < 0)
				break;
		_exit(0);
	}
	if (wait_state(z2, 'Z'))
		printf("  setup of Z2 failed\n");

	/* The requester: nobody too */
	r = fork();
	if (!r) {
		struct td *td;

		if (drop_to_nobody() || td_open(&td, 0, false))
			_exit(1);
		show_one(td, "live, dumpable (control)", d);
		show_one(td, "live, non-dumpable (control)", n);
		show_one(td, "non-dumpable, leader exited", p);
		show_one(td, "non-dumpable zombie", z);
		show_one(td, "dumpable zombie", z2);
		snprintf(path, sizeof(path), "/proc/%d/io", p);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/io", p, w);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/io", z);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/io", z2);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/io", n);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/io", d);
		try_read(path);
		_exit(0);
	}
	waitpid(r, &st, 0);
	close(hold_n);
	close(hold_d);
	kill_wait(n);
	kill_wait(d);
	kill_wait(p);
	waitpid(z, NULL, 0);
	waitpid(z2, NULL, 0);
}

/* ---- thrchild ---- */

static int t_pipe[2];

static void *switcher(void *arg)
{
	pid_t ids[2];

	if (syscall(SYS_setgroups, 0, NULL) ||
	    syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) ||
	    syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY) ||
	    prctl(PR_SET_DUMPABLE, 1))
		_exit(1);
	ids[0] = gettid();
	ids[1] = fork();
	if (!ids[1]) {
		for (;;)
			pause();
	}
	if (write(t_pipe[1], ids, sizeof(ids)) != sizeof(ids))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

static void show_set(struct td *td, const char *what, uint32_t strategy,
		     pid_t pid)
{
	struct tasklist l = {};
	struct td_merge m = {};
	int err;
	size_t i;

	err = td_fetch(td, strategy, pid, G(BASE), &m, &l);
	printf("  %-30s %s pid %d: err %d (%s)", what,
	       td_strategy_name(strategy), pid, err, err ? td->err.msg : "");
	for (i = 0; i < l.n; i++)
		printf(" [pid %u tgid %u%s%s]", l.v[i].pid, l.v[i].tgid,
		       l.v[i].has_withheld ? " withheld" : "",
		       l.v[i].has_base ? " base" : "");
	printf("\n");
	tl_free(&l);
	td_merge_free(&m);
}

static void thrchild(void)
{
	pid_t p, c, r, ids[2] = {}, l_ids[2];
	int lp[2], st;
	char path[96];

	printf("== thrchild: hidepid=noaccess, root process with a nobody thread\n");
	if (pipe(t_pipe) || pipe(lp))
		return;
	p = fork();
	if (!p) {
		pthread_t t;

		l_ids[0] = fork();	/* C: a root child of the leader */
		if (!l_ids[0]) {
			for (;;)
				pause();
		}
		if (write(lp[1], l_ids, sizeof(l_ids)) != sizeof(l_ids))
			_exit(1);
		pthread_create(&t, NULL, switcher, NULL);
		for (;;)
			pause();
	}
	if (read(lp[0], l_ids, sizeof(l_ids)) != sizeof(l_ids) ||
	    read(t_pipe[0], ids, sizeof(ids)) != sizeof(ids)) {
		printf("  setup failed\n");
		kill_wait(p);
		return;
	}
	c = l_ids[0];
	printf("  P (root leader) %d, its root child C %d, nobody thread T %d, T's child %d\n",
	       p, c, ids[0], ids[1]);

	r = fork();
	if (!r) {
		struct td *td;

		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "hidepid=noaccess") ||
		    drop_to_nobody() || td_open(&td, 0, false)) {
			printf("  requester setup failed: %m\n");
			_exit(1);
		}
		show_set(td, "leader (LISTED)", TASKDIAG_DUMP_STRATEGY_CHILDREN, p);
		show_set(td, "nobody thread T (VISIBLE)", TASKDIAG_DUMP_STRATEGY_CHILDREN, ids[0]);
		show_set(td, "nobody thread T", TASKDIAG_DUMP_STRATEGY_ONE, ids[0]);
		show_set(td, "nobody thread T", TASKDIAG_DUMP_STRATEGY_THREAD, ids[0]);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", p, p);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", ids[0], p);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", ids[0], ids[0]);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/stat", c);
		try_read(path);
		snprintf(path, sizeof(path), "/proc/%d/status", c);
		try_read(path);
		_exit(0);
	}
	waitpid(r, &st, 0);
	kill(c, SIGKILL);
	kill(ids[1], SIGKILL);
	kill_wait(p);
}

/* ---- gcleak ---- */

#define GC_DIR	"/tmp/td-attack-gc"

static int start_dump(struct td **tdp)
{
	struct td_req req = {
		.dump = true, .has_show_flags = true,
		.show_flags = G(BASE) | G(CRED) | G(STAT) | G(VMA) | G(VMA_STAT),
		.has_strategy = true, .strategy = TASKDIAG_DUMP_STRATEGY_ALL,
	};
	int ret;

	ret = td_open(tdp, 8192, false);
	if (ret)
		return ret;
	if (chroot(GC_DIR) || chdir("/"))
		return -errno;
	ret = td_request(*tdp, &req, NULL);
	if (ret)
		return ret;
	return td_recv_chunk(*tdp, NULL, NULL) == 1 ? 0 : -EIO;
}

static void gc_kick(void)
{
	int sp[2], sp2[2];

	/* Closing a unix socket while fds are in flight runs the collector */
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, sp2))
		return;
	send_fd(sp[0], sp2[0], "k", 1);
	close(sp[0]);
	close(sp[1]);
	close(sp2[0]);
	close(sp2[1]);
}

static void gc_case(const char *what, int how)
{
	int i, st, ret = -1, err = 0;
	pid_t pid;

	if (mkdir(GC_DIR, 0755) && errno != EEXIST)
		return;
	if (mount("tmpfs", GC_DIR, "tmpfs", 0, NULL)) {
		printf("  mount: %m\n");
		return;
	}
	pid = fork();
	if (!pid) {
		struct td *td;
		int sp[2];

		if (start_dump(&td))
			_exit(2);
		if (how == 0) {		/* an unreachable SCM_RIGHTS cycle */
			if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) ||
			    send_fd(sp[0], td_fd(td), "a", 1) ||
			    send_fd(sp[0], sp[1], "b", 1))
				_exit(3);
			close(sp[0]);
			close(sp[1]);
			close(td_fd(td));
		}
		/* how 1: exit with the dump in progress */
		_exit(0);
	}
	waitpid(pid, &st, 0);
	for (i = 0; i < 100; i++) {
		ret = umount(GC_DIR);
		if (!ret)
			break;
		err = errno;
		gc_kick();
		usleep(50000);
	}
	printf("  %-40s requester status %d, umount %s after %d tries%s%s\n",
	       what, WEXITSTATUS(st), ret ? "FAILED" : "ok", i,
	       ret ? ": " : "", ret ? strerror(err) : "");
	if (ret)
		umount2(GC_DIR, MNT_DETACH);
	rmdir(GC_DIR);
}

static void gcleak(void)
{
	printf("== gcleak: abandoned dumps let the captured root go\n");
	gc_case("socket in an unreachable fd cycle", 0);
	gc_case("requester exits mid-dump", 1);
}

/* ---- deputy ---- */

/*
 * nobody, under a /proc of hidepid=invisible in its mount namespace, opens
 * a socket and hands it to root, whose /proc (the default one) has no
 * hidepid; root writes a request on it, nobody reads the reply.
 */
static void deputy(void)
{
	int sp[2], fd, family = 0, st;
	uint32_t seq;
	pid_t n;

	printf("== deputy: nobody's socket written by root in another mount namespace\n");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		return;
	n = fork();
	if (!n) {
		struct pidlist mine = {};
		struct tasklist l = {};
		struct td *td;
		size_t i, root_owned = 0;
		int ret;

		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "hidepid=invisible") ||
		    drop_to_nobody() || td_open(&td, 0, false) ||
		    send_fd(sp[1], td_fd(td), &td->family, sizeof(td->family)) ||
		    read_full(sp[1], &seq, sizeof(seq)))
			_exit(1);
		td_adopt(td, seq);
		ret = td_recv_all(td, tl_add_cb, &l);
		for (i = 0; i < l.n; i++)
			root_owned += l.v[i].has_cred &&
				      !l.v[i].cred.v[TASKDIAG_A_CRED_EUID];
		proc_tgids("/proc", &mine);
		printf("  nobody reads: err %d, %zu processes, %zu of them root's (pid 1 %s);"
		       " nobody's own /proc lists %zu\n", ret, l.n, root_owned,
		       tl_find(&l, 1) ? "included" : "absent", mine.n);
		_exit(0);
	}
	if (!recv_fd(sp[0], &fd, &family, sizeof(family))) {
		struct td_req req = {
			.dump = true, .has_show_flags = true,
			.show_flags = G(BASE) | G(CRED),
		};
		struct td *rtd;

		if (!td_open_fd(&rtd, fd, family, 0, 0, false) &&
		    !td_request(rtd, &req, NULL)) {
			seq = rtd->seq;
			write_full(sp[0], &seq, sizeof(seq));
		}
	}
	waitpid(n, &st, 0);
}

/* ---- siglock ---- */

/*
 * How long the target's siglock is held, as one of its own threads sees
 * it: the latency of sigprocmask(), which takes current->sighand->siglock
 * with interrupts off, while other (unprivileged) processes ask about the
 * target in a loop. Phases: idle, taskdiag base, taskdiag stat, and the
 * /proc files of the same data (stat, io, status).
 */
#define PHASES	4
static const char * const phase_name[PHASES] = {
	"idle", "taskdiag one base", "taskdiag one stat", "/proc stat+io+status",
};

struct probe {
	volatile int phase;
	volatile int stop;
	volatile int ready;
	/* slot PHASES: while the requesters of a phase stop */
	uint64_t max[PHASES + 1];
	uint64_t spin[PHASES + 1];	/* of which on CPU: not preempted */
	uint64_t n[PHASES + 1];
	uint64_t reqs[PHASES + 1];
	uint64_t req_ns[PHASES + 1];
};

static struct probe *pr;

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *prober(void *arg)
{
	struct timespec c0, c1;
	uint64_t t0, d, cpu;
	sigset_t set;
	int ph, flip = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pr->ready = 1;
	while (!pr->stop) {
		ph = pr->phase;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
		t0 = ns_now();
		/* An unchanged mask takes no lock: alternate */
		syscall(SYS_rt_sigprocmask, flip ? SIG_BLOCK : SIG_UNBLOCK,
			&set, NULL, 8);
		flip = !flip;
		d = ns_now() - t0;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		cpu = (c1.tv_sec - c0.tv_sec) * 1000000000ULL + c1.tv_nsec -
		      c0.tv_nsec;
		if (d > pr->max[ph])
			pr->max[ph] = d;
		if (cpu > d)
			cpu = d;
		if (cpu > pr->spin[ph])
			pr->spin[ph] = cpu;
		pr->n[ph]++;
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void hammer(pid_t target, int ph)
{
	uint64_t t0, reqs = 0, busy = 0;
	char path[64], buf[4096];
	struct td *td = NULL;

	if (drop_to_nobody() || td_open(&td, 0, false))
		_exit(1);
	while (pr->phase == ph) {
		t0 = ns_now();
		if (ph == 3) {
			snprintf(path, sizeof(path), "/proc/%d/stat", target);
			proc_read_small(path, buf, sizeof(buf));
			snprintf(path, sizeof(path), "/proc/%d/io", target);
			proc_read_small(path, buf, sizeof(buf));
			snprintf(path, sizeof(path), "/proc/%d/status", target);
			proc_read_small(path, buf, sizeof(buf));
		} else {
			struct td_merge m = {};

			td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, target,
				 ph == 2 ? G(BASE) | G(STAT) : G(BASE), &m, NULL);
			td_merge_free(&m);
		}
		busy += ns_now() - t0;
		reqs++;
	}
	__atomic_add_fetch(&pr->reqs[ph], reqs, __ATOMIC_RELAXED);
	__atomic_add_fetch(&pr->req_ns[ph], busy, __ATOMIC_RELAXED);
	_exit(0);
}

static void siglock(int nthreads)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	pid_t target, h[2];
	int ph, i, go[2];
	char c;

	printf("== siglock: a nobody process of %d threads, asked about by 2 nobody processes\n",
	       nthreads);
	if (!pr)
		pr = mmap(NULL, sizeof(*pr), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pr == MAP_FAILED || pipe(go))
		return;
	memset(pr, 0, sizeof(*pr));
	ensure_threads_max(2 * nthreads + 1000);
	setrlimit(RLIMIT_NPROC, &rl);
	sysctl_set("/proc/sys/kernel/task_delayacct", 1, NULL);
	target = fork();
	if (!target) {
		pthread_attr_t a;
		pthread_t t;

		if (drop_to_nobody() || prctl(PR_SET_DUMPABLE, 1))
			_exit(1);
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		for (i = 0; i < nthreads - 2; i++)
			if (pthread_create(&t, &a, sleeper, NULL)) {
				printf("  only %d threads\n", i);
				break;
			}
		pthread_create(&t, &a, prober, NULL);
		while (!pr->ready)
			usleep(1000);
		if (write(go[1], "x", 1) != 1)
			_exit(1);
		while (!pr->stop)
			usleep(10000);
		_exit(0);
	}
	if (read(go[0], &c, 1) != 1) {
		printf("  target setup failed\n");
		return;
	}
	if (!fork()) {
		if (drop_to_nobody())
			_exit(1);
		struct nl_sock *sk = nl_socket_alloc();
		struct nl_msg *msg = nlmsg_alloc();
		int fam;

		if (!sk || !msg || genl_connect(sk))
			_exit(1);
		fam = genl_ctrl_resolve(sk, "TASKSTATS");
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, NLM_F_REQUEST,
			    TASKSTATS_CMD_GET, 1);
		nla_put_u32(msg, TASKSTATS_CMD_ATTR_TGID, target);
		nl_send_auto(sk, msg);
		i = nl_wait_for_ack(sk);
		printf("  nobody's TASKSTATS_CMD_GET tgid %d (same per-thread loop under siglock): %s\n",
		       target, nl_geterror(i));
		_exit(0);
	}
	wait(NULL);
	for (ph = 0; ph < PHASES; ph++) {
		pr->phase = ph;
		h[0] = h[1] = 0;
		if (ph) {
			for (i = 0; i < 2; i++) {
				h[i] = fork();
				if (!h[i])
					hammer(target, ph);
			}
		}
		sleep(3);
		pr->phase = PHASES;
		for (i = 0; i < 2; i++)
			if (h[i])
				waitpid(h[i], NULL, 0);
	}
	pr->stop = 1;
	waitpid(target, NULL, 0);
	for (ph = 0; ph < PHASES; ph++)
		printf("  %-22s sigprocmask max %8.3f ms wall, %8.3f ms on CPU (spinning), over %7llu calls; %6llu requests, %.3f ms each\n",
		       phase_name[ph], pr->max[ph] / 1e6, pr->spin[ph] / 1e6,
		       (unsigned long long)pr->n[ph],
		       (unsigned long long)pr->reqs[ph],
		       pr->reqs[ph] ? pr->req_ns[ph] / 1e6 / pr->reqs[ph] : 0.0);
}

/* ---- scm ---- */

static void scm(void)
{
	printf("== scm: nobody claims pid 1 in SCM_CREDENTIALS\n");
	pid_t r = fork();

	if (!r) {
		struct ucred cr = { .pid = 1, .uid = NOBODY, .gid = NOBODY };
		struct td_req req = { .dump = true };
		struct td *td;
		int ret;

		if (drop_to_nobody() || td_open(&td, 0, false))
			_exit(1);
		ret = td_request(td, &req, &cr);
		printf("  sendmsg: %d (%s)\n", ret, strerror(-ret));
		_exit(0);
	}
	waitpid(r, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!only || !strcmp(only, "nomm"))
		nomm();
	if (!only || !strcmp(only, "thrchild"))
		thrchild();
	if (!only || !strcmp(only, "gcleak"))
		gcleak();
	if (!only || !strcmp(only, "deputy"))
		deputy();
	if (only && !strcmp(only, "siglock")) {
		int i;

		for (i = 2; i < argc; i++)
			siglock(atoi(argv[i]));
	}
	if (!only || !strcmp(only, "scm"))
		scm();
	return 0;
}
