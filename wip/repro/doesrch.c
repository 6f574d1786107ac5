// A do request naming a process that is being reaped: the error, and
// whether it carries an extack message. The reaper forks children that
// exit at once and reaps them; the requester names the latest one.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include "taskdiag_lib.h"

int main(int argc, char **argv)
{
	volatile pid_t *latest = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long n = argc > 1 ? atol(argv[1]) : 20000, i, ok = 0, esrch_msg = 0,
	     esrch_nomsg = 0, other = 0;
	struct td *td;
	pid_t reaper;

	reaper = fork();
	if (!reaper) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (unsigned int k = 0;; k++) {
			pid_t pid = fork();

			if (!pid) {
				usleep(k % 7 * 20);
				_exit(0);
			}
			*latest = pid;
			waitpid(pid, NULL, 0);
		}
	}
	if (td_open(&td, 0, false))
		return 2;
	while (!*latest)
		usleep(1000);
	for (i = 0; i < n; i++) {
		struct td_req req = { .has_pid = true, .pid = *latest };
		int ret = td_run(td, &req, NULL, NULL, NULL);

		if (!ret)
			ok++;
		else if (ret == -ESRCH && td->err.msg[0])
			esrch_msg++;
		else if (ret == -ESRCH) {
			if (!esrch_nomsg)
				printf("doesrch: do of pid %u: ESRCH, no extack message (has_offs %d)\n",
				       req.pid, td->err.has_offs);
			esrch_nomsg++;
		} else
			other++;
	}
	kill(reaper, SIGKILL);
	printf("doesrch: %ld dos: %ld replies, %ld ESRCH with extack, %ld ESRCH without, %ld other\n",
	       n, ok, esrch_msg, esrch_nomsg, other);
	return esrch_nomsg ? 1 : 0;
}
