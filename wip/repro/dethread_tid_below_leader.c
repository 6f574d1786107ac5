// SPDX-License-Identifier: GPL-2.0
/*
 * Reproducer: a thread whose tid T is below its leader's pid L (as after a
 * pid wrap-around) execs while a "thread" dump of the process is between
 * two parts of T's message. The walk goes on from T and finds, at L, the
 * same thread (which took the leader's id in de_thread()): it is reported
 * twice, first under T (cut short), then under L.
 * taskdiag.rst: "the thread strategies report such a thread once, under
 * its old id or under the leader's, or ... not at all".
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "taskdiag_lib.h"
#include "td_util.h"

#define T_ID	20000
#define L_ID	30000
#define NGROUPS	1000

static int go[2];

static void *thread_main(void *arg)
{
	char c;

	if (gettid() != T_ID) {
		fprintf(stderr, "thread got tid %d, not %d\n", gettid(), T_ID);
		exit(3);
	}
	if (read(go[0], &c, 1) != 1)
		exit(4);
	prctl(PR_SET_NAME, "before-exec");
	execl("/proc/self/exe", "dethread-held", "--hold", (char *)NULL);
	exit(5);
}

static int print_msg(const struct td_task *t, void *arg)
{
	int *n = arg;

	printf("message %d: pid %u tgid %u%s, base %s comm \"%s\" start %llu pid-ino %llu, cred %s (%u groups in this part)\n",
	       ++*n, t->pid, t->tgid, t->cont ? " cont" : "",
	       t->has_base ? "yes" : "no", t->has_base ? t->base.comm : "",
	       (unsigned long long)t->base.start_time,
	       (unsigned long long)t->base.pid_ino,
	       t->has_cred ? "yes" : "no", t->cred.ngroups);
	return 0;
}

int main(int argc, char **argv)
{
	struct td_req req = {
		.dump = true,
		.has_show_flags = true,
		.show_flags = (1ULL << TASKDIAG_GROUP_BASE) |
			      (1ULL << TASKDIAG_GROUP_CRED),
		.has_strategy = true,
		.strategy = TASKDIAG_DUMP_STRATEGY_THREAD,
		.has_pid = true,
		.pid = L_ID,
	};
	gid_t groups[NGROUPS];
	char path[64], buf[64];
	struct td *td;
	pthread_t th;
	int i, n = 0, ret, ready[2];
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--hold")) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (pipe(go) || pipe(ready))
		return 1;
	pid = fork_with_pid(L_ID);
	if (pid < 0) {
		perror("fork_with_pid");
		return 1;
	}
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Big cred nests: T's message takes several parts */
		for (i = 0; i < NGROUPS; i++)
			groups[i] = 10000 + i;
		if (setgroups(NGROUPS, groups))
			exit(2);
		snprintf(buf, sizeof(buf), "%d", T_ID - 1);
		{
			int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);

			if (fd < 0 || write(fd, buf, strlen(buf)) < 0)
				exit(2);
			close(fd);
		}
		if (pthread_create(&th, NULL, thread_main, NULL))
			exit(2);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	if (read(ready[0], buf, 1) != 1)
		return 1;
	usleep(100000);
	printf("process %d, thread %d (tid below the leader's pid)\n", L_ID,
	       T_ID);

	/* 4 KiB reads: the first part is filled in sendmsg() */
	if (td_open(&td, 4096, false))
		return 1;
	if (td_request(td, &req, NULL))
		return 1;
	ret = td_recv_chunk(td, print_msg, &n);
	printf("first datagram read (%d); thread %d execs now\n", ret, T_ID);
	if (write(go[1], "g", 1) != 1)
		return 1;
	/* Until the exec is over: the process has one thread, the new image */
	snprintf(path, sizeof(path), "/proc/%d/comm", L_ID);
	for (i = 0; i < 500; i++) {
		struct pidlist l = {};

		if (!proc_tids("/proc", L_ID, &l) && l.n == 1 &&
		    proc_read_small(path, buf, sizeof(buf)) > 0 &&
		    !strncmp(buf, "dethread-held", 13)) {
			pl_free(&l);
			break;
		}
		pl_free(&l);
		usleep(10000);
	}
	printf("exec done: /proc/%d has one thread, comm %s", L_ID, buf);
	while (ret == 1)
		ret = td_recv_chunk(td, print_msg, &n);
	printf("dump ended: %d, %s\n", ret, ret ? strerror(-ret) : "ok");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
