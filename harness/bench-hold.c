// SPDX-License-Identifier: GPL-2.0
/*
 * bench-hold: the task populations of make bench (harness/bench-guest.py).
 *
 *   bench-hold PROCESSES [THREADS [MAPPINGS]]
 *
 * Forks PROCESSES children that each run THREADS threads in all (default 1)
 * and own MAPPINGS more mappings (default 0), prints "ready" once every
 * child is set up, and waits. On SIGTERM it kills and reaps its children
 * and exits, so that no zombie is left in the next population's counts.
 *
 * Built static by harness/bench.sh: a child is then a few pages of memory
 * and forks fast, where a dynamically linked program or a shell would cost
 * far more under emulation at 50,000 copies.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *idle(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/*
 * MAPPINGS pages, touched so that smaps has something to count, with
 * every other page read-only so that no two neighbours merge into one
 * mapping.
 */
static void map(long pages)
{
	long page = sysconf(_SC_PAGESIZE), i;
	char *p;

	p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("bench-hold: mmap");
	for (i = 0; i < pages; i++)
		p[i * page] = 1;
	for (i = 1; i < pages; i += 2)
		if (mprotect(p + i * page, page, PROT_READ))
			die("bench-hold: mprotect");
}

static void child(int ready, long threads, long mappings)
{
	pthread_attr_t attr;
	pthread_t t;
	long i;

	/* The children go if the holder dies before it can kill them */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	for (i = 1; i < threads; i++)
		if (pthread_create(&t, &attr, idle, NULL))
			die("bench-hold: pthread_create");
	if (mappings)
		map(mappings);
	if (write(ready, "", 1) != 1)
		die("bench-hold: write");
	idle(NULL);
}

int main(int argc, char **argv)
{
	long procs, threads, mappings, i, n;
	int fds[2], sig;
	sigset_t term;
	pid_t *pids;
	char buf[4096];
	ssize_t r;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: bench-hold PROCESSES [THREADS [MAPPINGS]]\n");
		return 2;
	}
	procs = atol(argv[1]);
	threads = argc > 2 ? atol(argv[2]) : 1;
	mappings = argc > 3 ? atol(argv[3]) : 0;
	pids = calloc(procs, sizeof(*pids));
	if (!pids || pipe(fds))
		die("bench-hold");

	/* SIGTERM is taken by sigwait() below; the children get SIGKILL */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);

	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("bench-hold: fork");
		if (!pids[i]) {
			close(fds[0]);
			child(fds[1], threads, mappings);
		}
	}
	close(fds[1]);
	for (n = 0; n < procs; n += r) {
		r = read(fds[0], buf, sizeof(buf));
		if (r <= 0) {
			fprintf(stderr, "bench-hold: a child failed\n");
			break;
		}
	}
	if (n == procs) {
		printf("ready\n");
		fflush(stdout);
		sigwait(&term, &sig);
	}
	for (i = 0; i < procs; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return n == procs ? 0 : 1;
}
