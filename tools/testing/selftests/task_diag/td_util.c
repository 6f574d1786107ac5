// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the taskdiag selftests that do not need the test harness.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/taskstats.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "td_util.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif

int pl_add(struct pidlist *l, uint32_t pid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		uint32_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = pid;
	return 0;
}

void pl_free(struct pidlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void pl_sort(struct pidlist *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
}

bool pl_contains(const struct pidlist *l, uint32_t pid)
{
	return l->n && bsearch(&pid, l->v, l->n, sizeof(*l->v), cmp_u32);
}

bool pl_ascending(const struct pidlist *l)
{
	size_t i;

	for (i = 1; i < l->n; i++)
		if (l->v[i - 1] >= l->v[i])
			return false;
	return true;
}

size_t pl_diff(const struct pidlist *a, const struct pidlist *b,
	       size_t *only_b, uint32_t *first_a, uint32_t *first_b)
{
	size_t i = 0, j = 0, na = 0, nb = 0;

	*first_a = 0;
	*first_b = 0;
	while (i < a->n || j < b->n) {
		if (j == b->n || (i < a->n && a->v[i] < b->v[j])) {
			if (!na++)
				*first_a = a->v[i];
			i++;
		} else if (i == a->n || b->v[j] < a->v[i]) {
			if (!nb++)
				*first_b = b->v[j];
			j++;
		} else {
			i++;
			j++;
		}
	}
	*only_b = nb;
	return na;
}

int tl_add_cb(const struct td_task *t, void *arg)
{
	struct tasklist *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct td_task *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = *t;
	/* These point into a datagram that is about to be freed */
	l->v[l->n].cred.groups = NULL;
	l->v[l->n].vmas = NULL;
	l->v[l->n].vmas_len = 0;
	l->n++;
	return 0;
}

void tl_free(struct tasklist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct td_task *tl_find(const struct tasklist *l, uint32_t pid)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].pid == pid)
			return &l->v[i];
	return NULL;
}

int tl_pids(const struct tasklist *l, struct pidlist *pids)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (pl_add(pids, l->v[i].pid))
			return -ENOMEM;
	return 0;
}

static int list_numeric(const char *dir, struct pidlist *l)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long v = strtoul(de->d_name, &end, 10);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end)
			continue;
		ret = pl_add(l, v);
		if (ret)
			break;
	}
	closedir(d);
	pl_sort(l);
	return ret;
}

int proc_tgids(const char *proc, struct pidlist *l)
{
	return list_numeric(proc, l);
}

int proc_tids(const char *proc, uint32_t tgid, struct pidlist *l)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%u/task", proc, tgid);
	return list_numeric(path, l);
}

int proc_all_tids(const char *proc, struct pidlist *l)
{
	struct pidlist tgids = {};
	size_t i;
	int ret;

	ret = proc_tgids(proc, &tgids);
	for (i = 0; !ret && i < tgids.n; i++) {
		ret = proc_tids(proc, tgids.v[i], l);
		/* A process that exited meanwhile has no threads left */
		if (ret == -ENOENT)
			ret = 0;
	}
	pl_free(&tgids);
	pl_sort(l);
	return ret;
}

int proc_children(const char *proc, uint32_t pid, struct pidlist *l)
{
	struct pidlist tids = {};
	char path[PATH_MAX], buf[65536], *p, *end;
	size_t i;
	ssize_t n;
	int fd, ret;

	ret = proc_tids(proc, pid, &tids);
	for (i = 0; !ret && i < tids.n; i++) {
		snprintf(path, sizeof(path), "%s/%u/task/%u/children", proc,
			 pid, tids.v[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			break;
		}
		/* The file is made in one piece for up to a page per read */
		p = buf;
		while ((n = read(fd, p, buf + sizeof(buf) - 1 - p)) > 0)
			p += n;
		close(fd);
		if (n < 0) {
			ret = -errno;
			break;
		}
		*p = '\0';
		for (p = buf;; p = end) {
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			ret = pl_add(l, v);
			if (ret)
				break;
		}
	}
	pl_free(&tids);
	pl_sort(l);
	return ret;
}

unsigned long long ns_to_ticks(uint64_t ns)
{
	return ns / (1000000000ULL / sysconf(_SC_CLK_TCK));
}

uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int pid_ino(pid_t pid, bool thread, uint64_t *ino)
{
	struct stat st;
	int fd, ret = 0;

	fd = syscall(SYS_pidfd_open, pid, thread ? PIDFD_THREAD : 0);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else
		*ino = st.st_ino;
	close(fd);
	return ret;
}

struct field {
	const char *name;
	unsigned long long nl;		/* from netlink */
	unsigned long long proc;	/* from /proc */
};

/* 0 if all fields match, else 1 with the first mismatch described in why */
static int cmp_fields(const struct field *f, size_t n, const char *dir,
		      const char *file, char *why, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].nl != f[i].proc) {
			snprintf(why, len, "%s %s: netlink %llu, %s %llu", dir,
				 f[i].name, f[i].nl, file, f[i].proc);
			return 1;
		}
	}
	return 0;
}

static int cmp_stat(const struct td_task *t, const struct proc_stat *ps,
		    const char *dir, const char *file, char *why, size_t len)
{
	const struct td_base *b = &t->base;
	const struct field f[] = {
		{ "pid", t->pid, ps->pid },
		{ "ppid", b->ppid, ps->ppid },
		{ "pgid", b->pgid, ps->pgid },
		{ "sid", b->sid, ps->sid },
		{ "start time (ticks)", ns_to_ticks(b->start_time),
		  ps->start_ticks },
		{ "kthread flag", !!(b->flags & TASKDIAG_TASK_FLAGS_KTHREAD),
		  !!(ps->flags & PF_KTHREAD_) },
		{ "user-worker flag",
		  !!(b->flags & TASKDIAG_TASK_FLAGS_USER_WORKER),
		  !!(ps->flags & PF_USER_WORKER_) },
		{ "exiting flag", !!(b->flags & TASKDIAG_TASK_FLAGS_EXITING),
		  !!(ps->flags & PF_EXITING_) },
		{ "unknown flags",
		  b->flags & ~(TASKDIAG_TASK_FLAGS_KTHREAD |
			       TASKDIAG_TASK_FLAGS_USER_WORKER |
			       TASKDIAG_TASK_FLAGS_EXITING), 0 },
	};

	return cmp_fields(f, ARRAY_SIZE(f), dir, file, why, len);
}

static int cmp_status(const struct td_task *t, long tgid, long tpid,
		      const char *dir, const char *file, char *why, size_t len)
{
	const struct field f[] = {
		{ "tgid", t->tgid, tgid },
		{ "tpid", t->base.tpid, tpid },
	};

	return cmp_fields(f, ARRAY_SIZE(f), dir, file, why, len);
}

int td_cmp_proc(const struct td_task *t, const char *proc, unsigned int what,
		char *why, size_t len)
{
	const struct td_base *b = &t->base;
	char dir[PATH_MAX], file[PATH_MAX + 16];
	uint32_t want_present = 0;
	struct proc_stat ps;
	long tgid, tpid;
	int ret, i;

	/* A process as /proc/PID shows it, a thread as /proc/PID/task/TID */
	if (t->pid == t->tgid)
		snprintf(dir, sizeof(dir), "%s/%u", proc, t->pid);
	else
		snprintf(dir, sizeof(dir), "%s/%u/task/%u", proc, t->tgid,
			 t->pid);
	if (!t->has_pid || !t->has_tgid || !t->has_base) {
		snprintf(why, len, "%s: pid, tgid or base missing", dir);
		return 1;
	}
	for (i = TASKDIAG_A_BASE_PPID; i <= TASKDIAG_A_BASE_MAX; i++)
		want_present |= 1U << i;
	if (t->bad_task || t->bad_base || b->present != want_present) {
		snprintf(why, len,
			 "%s: malformed (task 0x%x base 0x%x) or missing (0x%x) attributes",
			 dir, t->bad_task, t->bad_base,
			 want_present & ~b->present);
		return 1;
	}

	snprintf(file, sizeof(file), "%s/stat", dir);
	ret = proc_read_stat(file, &ps);
	if (ret)
		return ret;
	if (strcmp(b->comm, ps.comm)) {
		snprintf(why, len, "%s comm: netlink \"%s\", %s \"%s\"", dir,
			 b->comm, file, ps.comm);
		return 1;
	}
	if ((what & TDC_STATE) && td_state_letter(b->state) != ps.state) {
		snprintf(why, len, "%s state: netlink %u (%c), %s %c", dir,
			 b->state, td_state_letter(b->state), file, ps.state);
		return 1;
	}
	if (cmp_stat(t, &ps, dir, file, why, len))
		return 1;

	if (what & TDC_STATUS) {
		snprintf(file, sizeof(file), "%s/status", dir);
		ret = proc_read_status(file, "Tgid", &tgid);
		if (!ret)
			ret = proc_read_status(file, "TracerPid", &tpid);
		if (ret)
			return ret;
		if (cmp_status(t, tgid, tpid, dir, file, why, len))
			return 1;
	}

	if (what & TDC_PIDINO) {
		uint64_t ino;

		ret = pid_ino(t->pid, t->pid != t->tgid, &ino);
		if (ret)
			return ret;
		if (b->pid_ino != ino) {
			snprintf(why, len, "%s pid-ino: netlink %llu, pidfd %llu",
				 dir, (unsigned long long)b->pid_ino,
				 (unsigned long long)ino);
			return 1;
		}
	}
	return 0;
}

struct sleeper {
	sem_t started;
	const char *name;
};

static void *sleeper_thread(void *arg)
{
	struct sleeper *s = arg;

	if (s->name)
		prctl(PR_SET_NAME, s->name);
	sem_post(&s->started);
	for (;;)
		pause();
	return NULL;
}

static void sleeper_main(int nthreads, const char * const *names,
			 int ready_fd, pid_t parent)
{
	struct sleeper s = {};
	pthread_attr_t attr;
	pthread_t th;
	char c = 'R';
	int i;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	/*
	 * Inherited descriptors, netlink sockets in particular, would live on
	 * in the population: a test closing its socket would not close it.
	 */
	if (ready_fd != 3) {
		if (dup2(ready_fd, 3) != 3)
			_exit(1);
		ready_fd = 3;
	}
	if (close_range(4, ~0U, 0))
		_exit(1);
	sem_init(&s.started, 0, 0);
	pthread_attr_init(&attr);
	/* Small stacks: a population of thousands of threads stays cheap */
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (i = 1; i < nthreads; i++) {
		s.name = names ? names[i] : NULL;
		if (pthread_create(&th, &attr, sleeper_thread, &s)) {
			c = 'E';
			break;
		}
		/* One at a time: s.name is shared */
		sem_wait(&s.started);
	}
	if (names && names[0])
		prctl(PR_SET_NAME, names[0]);
	if (write(ready_fd, &c, 1) != 1 || c != 'R')
		_exit(1);
	close(ready_fd);
	for (;;)
		pause();
}

int wait_sleeping(const char *proc, pid_t pid)
{
	struct pidlist tids = {};
	struct proc_stat ps;
	char path[PATH_MAX];
	size_t i = 0;
	int ret, tries;

	ret = proc_tids(proc, pid, &tids);
	for (tries = 0; !ret && i < tids.n; tries++) {
		if (tries == 3000) {
			ret = -ETIMEDOUT;
			break;
		}
		/* Each thread once asleep stays asleep: move on */
		while (!ret && i < tids.n) {
			snprintf(path, sizeof(path), "%s/%d/task/%u/stat", proc,
				 pid, tids.v[i]);
			ret = proc_read_stat(path, &ps);
			if (ret || ps.state != 'S')
				break;
			i++;
		}
		if (!ret && i < tids.n)
			usleep(10000);
	}
	pl_free(&tids);
	return ret;
}

int spawn_sleepers(int n, int nthreads, const char * const *names,
		   pid_t *pids)
{
	pid_t parent = getpid();
	int fds[2], i, ret = 0;
	char c;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			ret = -errno;
			break;
		}
		if (!pids[i]) {
			close(fds[0]);
			sleeper_main(nthreads, names, fds[1], parent);
		}
	}
	close(fds[1]);
	/* Each child writes one byte when ready; EOF means one died */
	for (n = i; n > 0; n--) {
		if (read(fds[0], &c, 1) != 1) {
			ret = ret ?: -ECHILD;
			break;
		}
		if (c != 'R')
			ret = ret ?: -EAGAIN;
	}
	close(fds[0]);
	for (n = 0; !ret && n < i; n++)
		ret = wait_sleeping("/proc", pids[n]);
	if (ret)
		while (i-- > 0)
			kill_wait(pids[i]);
	return ret;
}

pid_t spawn_sleeper(int nthreads, const char * const *names)
{
	pid_t pid;
	int ret;

	ret = spawn_sleepers(1, nthreads, names, &pid);
	return ret ? ret : pid;
}

void kill_wait(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

long mem_available_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int sysctl_raise(const char *path, long val, long *old, bool *set)
{
	char buf[32];
	int ret;

	*set = false;
	ret = proc_read_small(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	*old = strtol(buf, NULL, 10);
	if (*old >= val)
		return 0;
	ret = sysctl_set(path, val, NULL);
	*set = !ret;
	return ret;
}

long ensure_threads_max(long want)
{
	long old = -1;
	bool set;

	sysctl_raise("/proc/sys/kernel/threads-max", want, &old, &set);
	return old;
}

pid_t fork_pidns_init(void)
{
	int self_ns;
	pid_t pid;

	self_ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (self_ns < 0)
		return -1;
	if (unshare(CLONE_NEWPID)) {
		close(self_ns);
		return -1;
	}
	pid = fork();
	if (pid) {
		/* Later children of the caller go to its own namespace again */
		if (setns(self_ns, CLONE_NEWPID) && pid > 0) {
			kill_wait(pid);
			pid = -1;
		}
		close(self_ns);
		return pid;
	}
	close(self_ns);
	/* Killing the init process ends the namespace: die with the caller */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(2);
	/*
	 * A procfs mounted here shows the namespace of the mounter: do it in
	 * a private mount namespace so that nobody else sees it.
	 */
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL)) {
		perror("pid namespace init: mounting /proc");
		_exit(2);
	}
	return 0;
}

int send_fd(int sock, int fd, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == (ssize_t)len ? 0 : -EIO;
}

int recv_fd(int sock, int *fd, void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != (ssize_t)len)
		return -EIO;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}

int read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ENODATA;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

int write_full(int fd, const void *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

/* A number at the start of s, in base; -1 if there is none or it overflows */
static int parse_ull(const char *s, int base, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, base);
	return end == s || errno ? -1 : 0;
}

static int parse_uint(const char *s, unsigned int *v)
{
	unsigned long long x;

	if (parse_ull(s, 10, &x) || x > UINT32_MAX)
		return -1;
	*v = x;
	return 0;
}

static const char *status_line(const char *buf, const char *key)
{
	size_t klen = strlen(key);
	const char *p;

	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return p + klen + 1;
	return NULL;
}

int proc_read_cred(const char *path, struct proc_cred *pc)
{
	static const char * const caps[] = {
		"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"
	};
	/* 65536 groups of up to 11 characters fit */
	size_t len = 1 << 20;
	const char *p;
	char *buf, *end;
	ssize_t n;
	unsigned long long cap;
	int i;

	memset(pc, 0, sizeof(*pc));
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	n = proc_read_small(path, buf, len);
	if (n < 0) {
		free(buf);
		return n;
	}
	p = status_line(buf, "Uid");
	if (!p || sscanf(p, "%u %u %u %u", &pc->uid[0], &pc->uid[1],
			 &pc->uid[2], &pc->uid[3]) != 4)
		goto bad;
	p = status_line(buf, "Gid");
	if (!p || sscanf(p, "%u %u %u %u", &pc->gid[0], &pc->gid[1],
			 &pc->gid[2], &pc->gid[3]) != 4)
		goto bad;
	for (i = 0; i < 5; i++) {
		p = status_line(buf, caps[i]);
		if (!p || parse_ull(p, 16, &cap))
			goto bad;
		pc->cap[i] = cap;
	}
	p = status_line(buf, "NoNewPrivs");
	if (!p || parse_uint(p, &pc->nnp))
		goto bad;
	p = status_line(buf, "Seccomp");
	if (!p || parse_uint(p, &pc->seccomp))
		goto bad;
	p = status_line(buf, "Seccomp_filters");
	if (!p || parse_uint(p, &pc->filters))
		goto bad;
	p = status_line(buf, "Groups");
	if (!p)
		goto bad;
	pc->groups = malloc(65536 * sizeof(*pc->groups));
	if (!pc->groups)
		goto bad;
	for (;;) {
		unsigned long g;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			break;
		g = strtoul(p, &end, 10);
		if (end == p || pc->ngroups == 65536)
			goto bad;
		pc->groups[pc->ngroups++] = g;
		p = end;
	}
	free(buf);
	return 0;
bad:
	free(pc->groups);
	pc->groups = NULL;
	free(buf);
	return -EINVAL;
}

int proc_read_stat_fields(const char *path, unsigned long long *v)
{
	char buf[2048], *p, *end;
	ssize_t n;
	int i;

	n = proc_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	memset(v, 0, PROC_STAT_FIELDS * sizeof(*v));
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EINVAL;
	v[3] = p[2];
	p += 3;
	for (i = 4; i < PROC_STAT_FIELDS; i++) {
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			return i > 44 ? 0 : -EINVAL;
		p = end;
	}
	return 0;
}

int proc_read_io(const char *path, unsigned long long io[7])
{
	static const char * const keys[] = {
		"rchar", "wchar", "syscr", "syscw", "read_bytes",
		"write_bytes", "cancelled_write_bytes"
	};
	char buf[1024];
	const char *p;
	ssize_t n;
	int i;

	n = proc_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	for (i = 0; i < 7; i++) {
		p = status_line(buf, keys[i]);
		if (!p || parse_ull(p, 10, &io[i]))
			return -EINVAL;
	}
	return 0;
}

struct ts_arg {
	struct taskstats *ts;
	bool found;
};

static int taskstats_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[TASKSTATS_TYPE_MAX + 1], *nb[TASKSTATS_TYPE_MAX + 1];
	struct ts_arg *a = arg;
	struct nlattr *aggr;
	int len;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, TASKSTATS_TYPE_MAX, NULL))
		return NL_SKIP;
	aggr = tb[TASKSTATS_TYPE_AGGR_PID] ?: tb[TASKSTATS_TYPE_AGGR_TGID];
	if (!aggr || nla_parse_nested(nb, TASKSTATS_TYPE_MAX, aggr, NULL) ||
	    !nb[TASKSTATS_TYPE_STATS])
		return NL_SKIP;
	/* The struct only grows: take what both sides know */
	len = nla_len(nb[TASKSTATS_TYPE_STATS]);
	if (len > (int)sizeof(*a->ts))
		len = sizeof(*a->ts);
	memset(a->ts, 0, sizeof(*a->ts));
	memcpy(a->ts, nla_data(nb[TASKSTATS_TYPE_STATS]), len);
	a->found = true;
	return NL_OK;
}

int taskstats_get_timed(pid_t pid, bool tgid, struct taskstats *ts,
			uint64_t *b0, uint64_t *b1)
{
	struct ts_arg a = { .ts = ts };
	struct nl_sock *sk;
	struct nl_msg *msg;
	int fam, ret;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = -EIO;
	if (genl_connect(sk) < 0)
		goto out;
	fam = genl_ctrl_resolve(sk, TASKSTATS_GENL_NAME);
	if (fam < 0) {
		ret = -ENOENT;
		goto out;
	}
	msg = nlmsg_alloc();
	if (!msg)
		goto out;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0,
			 TASKSTATS_CMD_GET, TASKSTATS_VERSION) ||
	    nla_put_u32(msg, tgid ? TASKSTATS_CMD_ATTR_TGID :
			TASKSTATS_CMD_ATTR_PID, pid)) {
		nlmsg_free(msg);
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, taskstats_cb, &a);
	/* The reply is made in sendmsg(): the clock brackets the request */
	if (b0)
		*b0 = boottime_ns();
	ret = nl_send_auto(sk, msg);
	if (b1)
		*b1 = boottime_ns();
	nlmsg_free(msg);
	if (ret < 0) {
		ret = -EIO;
		goto out;
	}
	ret = nl_recvmsgs_default(sk);
	ret = ret < 0 ? -EIO : a.found ? 0 : -ENODATA;
out:
	nl_socket_free(sk);
	return ret;
}

int taskstats_get(pid_t pid, bool tgid, struct taskstats *ts)
{
	return taskstats_get_timed(pid, tgid, ts, NULL, NULL);
}

int sysctl_set(const char *path, long val, long *old)
{
	char buf[32];
	int fd, len;

	if (old) {
		if (proc_read_small(path, buf, sizeof(buf)) < 0)
			return -errno;
		*old = strtol(buf, NULL, 10);
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%ld\n", val);
	if (write(fd, buf, len) != len) {
		len = -errno;
		close(fd);
		return len;
	}
	close(fd);
	return 0;
}

struct fetch_arg {
	struct td_merge *m;
	struct tasklist *list;
	unsigned int tasks;
};

static int fetch_cb(const struct td_task *t, void *arg)
{
	struct fetch_arg *a = arg;
	int ret = td_merge_add(a->m, t);

	if (ret <= 0)
		return ret;
	a->tasks++;
	return a->list ? tl_add_cb(&a->m->task, a->list) : 0;
}

int td_fetch_req(struct td *td, const struct td_req *req, struct td_merge *m,
		 struct tasklist *list)
{
	struct fetch_arg a = { .m = m, .list = list };
	int ret;

	m->open = false;
	m->done = false;
	m->err[0] = '\0';
	ret = td_run(td, req, NULL, fetch_cb, &a);
	if (ret)
		return ret;
	if (m->open) {
		snprintf(m->err, sizeof(m->err), "the last part had cont");
		return -EPROTO;
	}
	/* A do is of one process, like strategy one */
	if ((!req->dump || req->strategy == TASKDIAG_DUMP_STRATEGY_ONE) &&
	    a.tasks != 1) {
		snprintf(m->err, sizeof(m->err), "%u tasks for one", a.tasks);
		return -EPROTO;
	}
	return 0;
}

int td_fetch(struct td *td, uint32_t strategy, uint32_t pid, uint64_t show,
	     struct td_merge *m, struct tasklist *list)
{
	struct td_req req = {
		.dump = true,
		.has_show_flags = true,
		.show_flags = show,
		.has_strategy = true,
		.strategy = strategy,
		.has_pid = strategy != TASKDIAG_DUMP_STRATEGY_ALL &&
			   strategy != TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
		.pid = pid,
	};

	return td_fetch_req(td, &req, m, list);
}

struct each_arg {
	struct td_merge *m;
	td_merged_cb cb;
	void *arg;
};

static int each_cb(const struct td_task *t, void *arg)
{
	struct each_arg *a = arg;
	int ret = td_merge_add(a->m, t);

	if (ret <= 0)
		return ret;
	ret = a->cb(a->m, a->arg);
	/* 1 would mean "more to come" to td_recv_chunk() */
	return ret > 0 ? -ECANCELED : ret;
}

int td_fetch_each(struct td *td, const struct td_req *req,
		  struct td_merge *m, td_merged_cb cb, void *arg)
{
	struct each_arg a = { .m = m, .cb = cb, .arg = arg };
	int ret;

	m->open = false;
	m->done = false;
	m->err[0] = '\0';
	ret = td_run(td, req, NULL, each_cb, &a);
	if (!ret && m->open) {
		snprintf(m->err, sizeof(m->err), "the last part had cont");
		ret = -EPROTO;
	}
	return ret;
}

int td_request_slow(struct td *td, const struct td_req *req,
		    const struct ucred *creds, size_t len,
		    void (*before)(void *arg), void *arg)
{
	struct ucred c = creds ? *creds : (struct ucred){};
	char cbuf[CMSG_SPACE(sizeof(c))] = {};
	struct iovec iov;
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = creds ? cbuf : NULL,
		.msg_controllen = creds ? sizeof(cbuf) : 0,
	};
	struct nlmsghdr *nlh;
	struct nl_msg *msg;
	int sndbuf, ret;
	char *buf;

	len = len < 4096 ? 4096 : len;
	/* Room for it all in one message: root may go past wmem_max */
	sndbuf = len + 4096;
	if (setsockopt(td_fd(td), SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
		       sizeof(sndbuf)))
		return -errno;
	msg = td_msg_alloc(td, req->dump);
	if (!msg)
		return -ENOMEM;
	ret = td_msg_put_req(msg, req);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	nl_complete_msg(td->sk, msg);
	nlh = nlmsg_hdr(msg);
	/* Zeros after the request: netlink stops at a message of length 0 */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	memcpy(buf, nlh, nlh->nlmsg_len);
	iov = (struct iovec){ .iov_base = buf, .iov_len = len };
	if (creds) {
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(c));
		memcpy(CMSG_DATA(cm), &c, sizeof(c));
	}
	memset(&td->err, 0, sizeof(td->err));
	memset(&td->stats, 0, sizeof(td->stats));
	td->seq = nlh->nlmsg_seq;
	nlmsg_free(msg);
	if (before)
		before(arg);
	ret = sendmsg(td_fd(td), &mh, 0) < 0 ? -errno : 0;
	munmap(buf, len);
	if (ret)
		td->err.error = ret;
	else
		td->in_flight = true;
	return ret;
}

pid_t fork_with_pid(pid_t pid)
{
	uint64_t tid = pid;
	struct clone_args args = {
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)&tid,
		.set_tid_size = 1,
	};

	return syscall(SYS_clone3, &args, sizeof(args));
}

/*
 * A child that runs setup(arg), reports its result on a pipe and then
 * blocks in read() until the parent closes *hold (or kills it). Only read,
 * write and exit are used after setup, so that strict seccomp allows them.
 */
pid_t spawn_prepared(int (*setup)(void *), void *arg, int *hold)
{
	int ready[2], h[2];
	char c = 1;
	pid_t pid;

	if (pipe(ready) || pipe(h))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(ready[0]);
		close(h[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		c = setup(arg) ? 0 : 1;
		if (write(ready[1], &c, 1) != 1 || !c)
			syscall(SYS_exit, 1);
		while (read(h[0], &c, 1) > 0)
			;
		syscall(SYS_exit, 0);
	}
	close(ready[1]);
	close(h[0]);
	if (read(ready[0], &c, 1) != 1 || !c) {
		close(ready[0]);
		close(h[1]);
		kill_wait(pid);
		return -1;
	}
	close(ready[0]);
	*hold = h[1];
	return pid;
}

int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

/* Become nobody, dumpable or not (the uid change made it non-dumpable) */
static int become_nobody(void *dumpable)
{
	return drop_to_nobody() || prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0);
}

pid_t spawn_nobody(bool dumpable, int *hold)
{
	return spawn_prepared(become_nobody, dumpable ? (void *)1 : NULL, hold);
}

void fetch_one(struct td *td, pid_t pid, uint64_t show,
	       struct fetch_result *r)
{
	struct td_merge m = {};

	r->err = td_fetch(td, TASKDIAG_DUMP_STRATEGY_ONE, pid, show, &m, NULL);
	r->t = m.task;
	td_merge_free(&m);
}

/* Nobody, with CAP_SYS_PTRACE as its only capability */
static int drop_to_nobody_ptrace(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {
		{ 1U << CAP_SYS_PTRACE, 1U << CAP_SYS_PTRACE, 0 },
	};

	if (prctl(PR_SET_KEEPCAPS, 1) || drop_to_nobody())
		return -1;
	return syscall(SYS_capset, &hdr, data);
}

/* 0 if /proc/PID/io of pid can be read, or the errno of the failure */
static int read_io_errno(pid_t pid)
{
	char path[64], buf[512];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/io", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* The child of fetch_as(): its findings go to fd */
static void fetch_child(enum fetch_mode mode, pid_t target, uint64_t show,
			int fd)
{
	struct fetch_result r = { .err = 1 };
	struct td *td;
	int ret;

	if (mode == AS_NOBODY && drop_to_nobody())
		goto out;
	if (mode == AS_NOBODY_PTRACE && drop_to_nobody_ptrace())
		goto out;
	ret = td_open(&td, 0, false);
	if (ret) {
		r.enoent = ret == -ENOENT;
		goto out;
	}
	if (mode == DROP_AFTER_OPEN && drop_to_nobody())
		goto out;
	fetch_one(td, target ?: getpid(), show, &r);
	r.io_errno = read_io_errno(target ?: getpid());
out:
	_exit(write_full(fd, &r, sizeof(r)) ? 1 : 0);
}

void fetch_as(enum fetch_mode mode, pid_t target, uint64_t show,
	      struct fetch_result *r)
{
	int p[2];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->err = 1;
	if (pipe(p))
		return;
	pid = fork();
	if (!pid) {
		close(p[0]);
		fetch_child(mode, target, show, p[1]);
	}
	close(p[1]);
	if (pid < 0 || read_full(p[0], r, sizeof(*r)))
		r->err = 1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int nobody_socket(void)
{
	int sp[2], fd = -EIO;
	struct td *td;
	pid_t pid;
	char c;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp))
		return -errno;
	pid = fork();
	if (!pid) {
		if (drop_to_nobody() || td_open(&td, 0, false) ||
		    send_fd(sp[1], td_fd(td), "x", 1))
			_exit(1);
		_exit(0);
	}
	if (pid > 0) {
		if (recv_fd(sp[0], &fd, &c, 1))
			fd = -EIO;
		waitpid(pid, NULL, 0);
	}
	close(sp[0]);
	close(sp[1]);
	return fd;
}

int race_seconds(void)
{
	const char *s = getenv("TASKDIAG_RACE_SECONDS");

	return s && atoi(s) > 0 ? atoi(s) : 10;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void *shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

size_t page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	return remove(path);
}

void remove_dir(const char *dir)
{
	if (dir[0])
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int write_str(const char *path, const char *s)
{
	size_t len = strlen(s);
	int fd, ret = 0;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The whole file in *bufp, malloc()ed, NUL-terminated. 0 or -errno */
static int read_whole(const char *path, char **bufp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *b;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			b = realloc(buf, cap);
			if (!b) {
				ret = -ENOMEM;
				break;
			}
			buf = b;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0)
			ret = -errno;
		else
			len += n;
	} while (n > 0);
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	*bufp = buf;
	return 0;
}

void proc_map_free(struct proc_map *map)
{
	size_t i;

	for (i = 0; i < map->n; i++)
		free(map->v[i].name);
	free(map->v);
	memset(map, 0, sizeof(*map));
}

static struct proc_vma *proc_map_new(struct proc_map *map)
{
	if (map->n == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 64;
		struct proc_vma *v = realloc(map->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		map->v = v;
		map->cap = cap;
	}
	memset(&map->v[map->n], 0, sizeof(map->v[0]));
	return &map->v[map->n++];
}

/*
 * A line of maps: show_map_vma() pads what precedes the name to 72
 * columns (on 64-bit) and adds a space, so the name begins after that
 * whatever it begins with.
 */
static int parse_maps_line(const char *line, struct proc_vma *v)
{
	unsigned long long start, end, pgoff, ino;
	int n = -1, at;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu%n", &start, &end,
		   v->perms, &pgoff, &v->major, &v->minor, &ino, &n) != 7 ||
	    n < 0 || (line[n] != ' '))
		return -EINVAL;
	v->start = start;
	v->end = end;
	v->pgoff = pgoff;
	v->inode = ino;
	if (!line[n + 1])
		return 0;
	at = (n + 1 > 72 ? n + 1 : 72) + 1;
	if (strlen(line) <= (size_t)at)
		return -EINVAL;
	v->name = strdup(line + at);
	return v->name ? 0 : -ENOMEM;
}

static int parse_vmflags(const char *s, struct proc_vma *v)
{
	unsigned int f;

	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s)
			return 0;
		for (f = 0; td_vma_flag_code(f); f++)
			if (!strncmp(s, td_vma_flag_code(f), 2))
				break;
		if (td_vma_flag_code(f) && (s[2] == ' ' || !s[2]))
			v->flags |= 1ULL << f;
		else
			snprintf(v->bad_code, sizeof(v->bad_code), "%.2s", s);
		s += strcspn(s, " ");
	}
}

/* A "Key: value [kB]" line of smaps */
static int parse_smaps_field(const char *line, struct proc_vma *v)
{
	const char *colon = strchr(line, ':');
	unsigned long long val;
	size_t klen;
	unsigned int a;

	if (!colon)
		return -EINVAL;
	klen = colon - line;
	if (klen == 7 && !strncmp(line, "VmFlags", 7))
		return parse_vmflags(colon + 1, v);
	if (parse_ull(colon + 1, 10, &val))
		return -EINVAL;
	if (klen == 4 && !strncmp(line, "Size", 4)) {
		v->size_kb = val;
		return 0;
	}
	for (a = 0; a <= TASKDIAG_A_VMA_STAT_MAX; a++) {
		const char *key = td_smaps_key(a);

		if (key && strlen(key) == klen && !strncmp(line, key, klen)) {
			v->v[a] = val;
			v->present |= 1ULL << a;
			return 0;
		}
	}
	/* A line of a newer kernel: not compared */
	return 0;
}

int proc_read_map(pid_t pid, bool smaps, struct proc_map *map)
{
	struct proc_vma *v = NULL;
	char path[64], *buf = NULL, *line, *nl;
	int ret = 0;

	memset(map, 0, sizeof(*map));
	map->smaps = smaps;
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, smaps ? "smaps" : "maps");
	ret = read_whole(path, &buf);
	if (ret)
		return ret;
	for (line = buf; !ret && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			ret = -EINVAL;
			break;
		}
		*nl = '\0';
		/* Field lines are "Key:"; a mapping's begins with a hex digit */
		if (smaps && line[0] >= 'A' && line[0] <= 'Z') {
			ret = v ? parse_smaps_field(line, v) : -EINVAL;
			continue;
		}
		v = proc_map_new(map);
		ret = v ? parse_maps_line(line, v) : -ENOMEM;
	}
	free(buf);
	if (ret)
		proc_map_free(map);
	return ret;
}

static bool proc_vma_equal(const struct proc_vma *a, const struct proc_vma *b)
{
	return a->start == b->start && a->end == b->end &&
	       !strcmp(a->perms, b->perms) && a->pgoff == b->pgoff &&
	       a->major == b->major && a->minor == b->minor &&
	       a->inode == b->inode &&
	       !strcmp(a->name ?: "", b->name ?: "") &&
	       a->size_kb == b->size_kb && a->flags == b->flags &&
	       !strcmp(a->bad_code, b->bad_code) &&
	       a->present == b->present && !memcmp(a->v, b->v, sizeof(a->v));
}

bool proc_map_equal(const struct proc_map *a, const struct proc_map *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!proc_vma_equal(&a->v[i], &b->v[i]))
			return false;
	return true;
}

const struct proc_vma *proc_map_find(const struct proc_map *map,
				     uint64_t start)
{
	size_t i;

	for (i = 0; i < map->n; i++)
		if (map->v[i].start == start)
			return &map->v[i];
	return NULL;
}

/* The attributes of a mapping that are always there */
#define TD_VMA_ALWAYS	(1ULL << TASKDIAG_A_VMA_INFO)

/* The maps column perms of the flags of a mapping */
static void vma_perms(uint64_t flags, char perms[5])
{
	perms[0] = flags & (1ULL << TASKDIAG_VMA_FLAG_READ) ? 'r' : '-';
	perms[1] = flags & (1ULL << TASKDIAG_VMA_FLAG_WRITE) ? 'w' : '-';
	perms[2] = flags & (1ULL << TASKDIAG_VMA_FLAG_EXEC) ? 'x' : '-';
	perms[3] = flags & (1ULL << TASKDIAG_VMA_FLAG_MAY_SHARE) ? 's' : 'p';
	perms[4] = '\0';
}

/* The line of maps of a mapping, everything but its name */
static int cmp_maps_line(const struct td_vma *v, const struct proc_vma *p,
			 char *why, size_t len)
{
	const struct field {
		const char *name;
		uint64_t nl, proc;
	} f[] = {
		{ "start", v->info.start, p->start },
		{ "end", v->info.end, p->end },
		{ "pgoff", v->file.pgoff, p->pgoff },
		{ "dev-major", v->file.dev_major, p->major },
		{ "dev-minor", v->file.dev_minor, p->minor },
		{ "inode", v->file.inode, p->inode },
	};
	char perms[5];
	size_t i;

	if (v->bad || v->stat.bad ||
	    (v->present & TD_VMA_ALWAYS) != TD_VMA_ALWAYS) {
		snprintf(why, len,
			 "malformed (%#llx, vma-stat %#llx) or missing (%#llx)",
			 (unsigned long long)v->bad,
			 (unsigned long long)v->stat.bad,
			 (unsigned long long)(TD_VMA_ALWAYS & ~v->present));
		return 1;
	}
	/*
	 * file is in the vmas of mapped files only, and every file system has
	 * a device number other than 0:0 (anonymous ones count from 0:1),
	 * while inode and pgoff may be 0 (the first SysV segment's inode).
	 */
	if (!(v->present & (1ULL << TASKDIAG_A_VMA_FILE)) !=
	    !(p->major || p->minor)) {
		snprintf(why, len, "file attribute %s, maps device %02x:%02x",
			 v->present & (1ULL << TASKDIAG_A_VMA_FILE) ?
			 "present" : "absent", p->major, p->minor);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		if (f[i].nl != f[i].proc) {
			snprintf(why, len, "%s: netlink %#llx, maps %#llx",
				 f[i].name, (unsigned long long)f[i].nl,
				 (unsigned long long)f[i].proc);
			return 1;
		}
	}
	vma_perms(v->info.flags, perms);
	if (strcmp(perms, p->perms)) {
		snprintf(why, len, "perms of the flags %s, maps %s", perms,
			 p->perms);
		return 1;
	}
	return 0;
}

/* name: the path column; name-too-long when it does not fit PATH_MAX */
static int cmp_name(const struct td_vma *v, const struct proc_vma *p,
		    char *why, size_t len)
{
	bool too_long = v->present & (1ULL << TASKDIAG_A_VMA_NAME_TOO_LONG);
	size_t plen = p->name ? strlen(p->name) : 0;

	if (too_long != (plen + 1 > PATH_MAX) || (too_long && v->name)) {
		snprintf(why, len, "name-too-long %d, name %s, maps name of %zu bytes",
			 too_long, v->name ? "present" : "absent", plen);
		return 1;
	}
	if (!too_long && strcmp(v->name ?: "", p->name ?: "")) {
		snprintf(why, len, "name \"%s\", maps \"%s\"", v->name ?: "",
			 p->name ?: "");
		return 1;
	}
	return 0;
}

/* The VmFlags line of smaps */
static int cmp_flags(const struct td_vma *v, const struct proc_vma *p,
		     char *why, size_t len)
{
	uint64_t flags = v->info.flags;

	if (p->bad_code[0]) {
		snprintf(why, len, "smaps VmFlags code \"%s\" of no flag",
			 p->bad_code);
		return 1;
	}
	if (flags != p->flags) {
		snprintf(why, len, "flags %#llx, smaps VmFlags %#llx",
			 (unsigned long long)flags,
			 (unsigned long long)p->flags);
		return 1;
	}
	return 0;
}

/* The vma-stat attributes sent even when 0 */
#define TD_VMA_STAT_NOT_OMITTED	(1ULL << TASKDIAG_A_VMA_STAT_PROTECTION_KEY)

/* The attributes of s that are there with the value 0, but those sent so */
static uint64_t td_vma_stat_zeros_sent(const struct td_vma_stat *s)
{
	uint64_t zeros = 0;
	unsigned int a;

	for (a = 0; a <= TASKDIAG_A_VMA_STAT_MAX; a++)
		if ((s->present & (1ULL << a)) && !s->v[a])
			zeros |= 1ULL << a;
	return zeros & ~TD_VMA_STAT_NOT_OMITTED;
}

/* The vma-stat nest against the lines of smaps, which show bytes >> 10 */
static int cmp_vma_stat(const struct td_vma *v, const struct proc_vma *p,
			char *why, size_t len)
{
	const struct td_vma_stat *s = &v->stat;
	uint64_t zeros = td_vma_stat_zeros_sent(s);
	uint64_t want = p->present;
	unsigned int a;

	if (!(v->present & (1ULL << TASKDIAG_A_VMA_VMA_STAT))) {
		snprintf(why, len, "no vma-stat");
		return 1;
	}
	/*
	 * Only lines smaps has, counters left out when 0, and the protection
	 * key wherever smaps shows it, 0 included.
	 */
	if ((s->present & ~want) || zeros ||
	    (want & ~s->present & TD_VMA_STAT_NOT_OMITTED)) {
		snprintf(why, len,
			 "vma-stat attributes %#llx (%#llx of them 0), smaps lines %#llx",
			 (unsigned long long)s->present,
			 (unsigned long long)zeros, (unsigned long long)want);
		return 1;
	}
	if (p->size_kb != (v->info.end - v->info.start) >> 10) {
		snprintf(why, len, "smaps Size %llu kB",
			 (unsigned long long)p->size_kb);
		return 1;
	}
	for (a = 0; a <= TASKDIAG_A_VMA_STAT_MAX; a++) {
		uint64_t nl = s->v[a];

		if (!(want & (1ULL << a)))
			continue;
		if (!td_smaps_raw(a))
			nl >>= 10;
		if (nl != p->v[a]) {
			snprintf(why, len, "%s: netlink %llu (bytes %llu), smaps %llu",
				 td_smaps_key(a), (unsigned long long)nl,
				 (unsigned long long)s->v[a],
				 (unsigned long long)p->v[a]);
			return 1;
		}
	}
	return 0;
}

static int cmp_vma(const struct td_vma *v, const struct proc_vma *p,
		   bool smaps, bool stat, char *why, size_t len)
{
	if (cmp_maps_line(v, p, why, len) || cmp_name(v, p, why, len))
		return 1;
	if (smaps && cmp_flags(v, p, why, len))
		return 1;
	if (stat)
		return cmp_vma_stat(v, p, why, len);
	if (v->present & (1ULL << TASKDIAG_A_VMA_VMA_STAT)) {
		snprintf(why, len, "vma-stat not asked for");
		return 1;
	}
	return 0;
}

int td_cmp_map(const struct td_vma *v, size_t n, const struct proc_map *pm,
	       bool stat, char *why, size_t len)
{
	char line[256], sub[512];
	size_t i;

	for (i = 0; i < n && i < pm->n; i++) {
		if (!cmp_vma(&v[i], &pm->v[i], pm->smaps, stat, sub,
			     sizeof(sub)))
			continue;
		td_vma_maps_line(&v[i], line, sizeof(line));
		snprintf(why, len, "mapping %zu, %s: %s", i, line, sub);
		return 1;
	}
	if (n != pm->n) {
		const struct proc_vma *p = i < pm->n ? &pm->v[i] : NULL;

		snprintf(why, len, "%zu mappings, maps %zu; maps %zu: %llx-%llx %s",
			 n, pm->n, i, p ? (unsigned long long)p->start : 0,
			 p ? (unsigned long long)p->end : 0,
			 p && p->name ? p->name : "");
		return 1;
	}
	return 0;
}

/* /proc/PID/stat fields by TASKDIAG_A_STAT_*, 0 for those stat lacks */
const int td_stat_field[TASKDIAG_A_STAT_MAX + 1] = {
	[TASKDIAG_A_STAT_MINFLT] = 10, [TASKDIAG_A_STAT_CMINFLT] = 11,
	[TASKDIAG_A_STAT_MAJFLT] = 12, [TASKDIAG_A_STAT_CMAJFLT] = 13,
	[TASKDIAG_A_STAT_UTIME] = 14, [TASKDIAG_A_STAT_STIME] = 15,
	[TASKDIAG_A_STAT_CUTIME] = 16, [TASKDIAG_A_STAT_CSTIME] = 17,
	[TASKDIAG_A_STAT_PRIORITY] = 18, [TASKDIAG_A_STAT_NICE] = 19,
	[TASKDIAG_A_STAT_THREADS] = 20, [TASKDIAG_A_STAT_VSIZE] = 23,
	[TASKDIAG_A_STAT_RSS] = 24, [TASKDIAG_A_STAT_PROCESSOR] = 39,
	[TASKDIAG_A_STAT_RT_PRIORITY] = 40, [TASKDIAG_A_STAT_POLICY] = 41,
};

/* What /proc/PID/stat prints for the attribute */
long long td_stat_as_proc(const struct td_task *t, int a)
{
	uint64_t v = t->stat.v[a];

	switch (a) {
	case TASKDIAG_A_STAT_UTIME ... TASKDIAG_A_STAT_CSTIME:
		return ns_to_ticks(v);
	case TASKDIAG_A_STAT_RSS:
		return v / sysconf(_SC_PAGESIZE);
	case TASKDIAG_A_STAT_NICE:
	case TASKDIAG_A_STAT_PRIORITY:
		return (int64_t)v;
	default:
		return v;
	}
}

/* The /proc/PID/status names of the cred attributes */
const char * const td_cred_names[TASKDIAG_A_CRED_MAX + 1] = {
	[TASKDIAG_A_CRED_UID] = "uid", [TASKDIAG_A_CRED_EUID] = "euid",
	[TASKDIAG_A_CRED_SUID] = "suid", [TASKDIAG_A_CRED_FSUID] = "fsuid",
	[TASKDIAG_A_CRED_GID] = "gid", [TASKDIAG_A_CRED_EGID] = "egid",
	[TASKDIAG_A_CRED_SGID] = "sgid", [TASKDIAG_A_CRED_FSGID] = "fsgid",
	[TASKDIAG_A_CRED_CAP_INHERITABLE] = "CapInh",
	[TASKDIAG_A_CRED_CAP_PERMITTED] = "CapPrm",
	[TASKDIAG_A_CRED_CAP_EFFECTIVE] = "CapEff",
	[TASKDIAG_A_CRED_CAP_BSET] = "CapBnd",
	[TASKDIAG_A_CRED_CAP_AMBIENT] = "CapAmb",
	[TASKDIAG_A_CRED_NO_NEW_PRIVS] = "NoNewPrivs",
	[TASKDIAG_A_CRED_SECCOMP] = "Seccomp",
	[TASKDIAG_A_CRED_SECCOMP_FILTERS] = "Seccomp_filters",
};
