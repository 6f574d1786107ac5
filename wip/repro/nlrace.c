// Two threads on one NETLINK_GENERIC socket: one sends nlctrl GETFAMILY
// dumps (one datagram each), the other receives. Counts recvmsg() errors.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

static int fd;
static volatile int stop;
static long einval, other, msgs, ebusy;

static void *rx(void *arg)
{
	static char buf[65536];
	while (!stop) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINVAL)
				einval++;
			else if (errno != EAGAIN)
				other++;
			continue;
		}
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			msgs++;
			if (h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *)NLMSG_DATA(h))->error == -EBUSY)
				ebusy++;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct { struct nlmsghdr n; struct genlmsghdr g; } req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = GENL_ID_CTRL,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	pthread_t th;
	int i, iters = argc > 1 ? atoi(argv[1]) : 20000;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	bind(fd, (void *)&sa, sizeof(sa));
	pthread_create(&th, NULL, rx, NULL);
	for (i = 0; i < iters; i++) {
		req.n.nlmsg_seq = i;
		send(fd, &req, sizeof(req), 0);
	}
	sleep(1);
	stop = 1;
	pthread_join(th, NULL);
	printf("nlrace: %d dumps sent, %ld messages, %ld EBUSY, recvmsg errors: %ld EINVAL, %ld other\n",
	       iters, msgs, ebusy, einval, other);
	return einval ? 1 : 0;
}
