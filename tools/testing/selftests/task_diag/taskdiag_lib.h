/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small client of the taskdiag generic netlink family, shared by the
 * selftests and the task_diag_all tool, plus a parser of /proc/PID/stat
 * shared by the selftests and the task_proc_all tool.
 */
#ifndef TASKDIAG_LIB_H
#define TASKDIAG_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>

#include <linux/taskdiag.h>

/* Longest comm the kernel reports (kernel threads' full names), with NUL */
#define TD_COMM_LEN		64
#define TD_EXTACK_LEN		256

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* The /proc letters of enum taskdiag_task_state, in enum order */
#define TD_STATE_LETTERS	"RSDTtXZPI"

struct td_base {
	uint32_t ppid;
	uint32_t tpid;
	uint32_t sid;
	uint32_t pgid;
	uint8_t state;
	char comm[TD_COMM_LEN];
	uint64_t start_time;
	uint32_t flags;
	uint64_t pid_ino;
	/* 1 << TASKDIAG_A_BASE_* for each attribute found */
	uint32_t present;
};

/*
 * The cred group. Values are indexed by TASKDIAG_A_CRED_* (ids as u32,
 * capability sets as u64, no-new-privs, seccomp and its filter count).
 * The supplementary groups of one message are read with td_cred_group():
 * they stay in the received datagram, valid during the td_task_cb call only
 * (td_merge collects a task's whole list).
 */
struct td_cred {
	uint64_t v[TASKDIAG_A_CRED_MAX + 1];
	/* 1 << TASKDIAG_A_CRED_* for each attribute found */
	uint32_t present;
	const void *groups;	/* the first group attribute's payload */
	uint32_t ngroups;
};

/*
 * The stat group, indexed by TASKDIAG_A_STAT_*; nice and priority are s32
 * sign-extended into the u64.
 */
struct td_stat {
	uint64_t v[TASKDIAG_A_STAT_MAX + 1];
	/* 1ULL << TASKDIAG_A_STAT_* for each attribute found */
	uint64_t present;
};

/* The stat attributes behind PTRACE_MODE_READ_FSCREDS (/proc/PID/io, delays) */
#define TD_STAT_PROTECTED						\
	(((1ULL << (TASKDIAG_A_STAT_MAX + 1)) - 1) &			\
	 ~((1ULL << TASKDIAG_A_STAT_RCHAR) - 1))
/* The /proc/PID/stat part of the stat group, visible for every task */
#define TD_STAT_PUBLIC							\
	(((1ULL << TASKDIAG_A_STAT_RCHAR) - 1) &			\
	 ~((1ULL << (TASKDIAG_A_STAT_PAD + 1)) - 1))
/* The stat attributes that are not counters: never left out as 0 */
#define TD_STAT_ALWAYS							\
	(((1ULL << (TASKDIAG_A_STAT_RSS + 1)) - 1) &			\
	 ~((1ULL << TASKDIAG_A_STAT_THREADS) - 1))
/* The counters, left out when 0 */
#define TD_STAT_COUNTERS	((TD_STAT_PUBLIC & ~TD_STAT_ALWAYS) | TD_STAT_PROTECTED)
#define TD_CRED_ALL							\
	(((1U << (TASKDIAG_A_CRED_MAX + 1)) - 1) &			\
	 ~((1U << (TASKDIAG_A_CRED_PAD + 1)) - 1))

/* The show-flags of the groups of the memory map */
#define TD_SHOW_VMA							\
	((1ULL << TASKDIAG_GROUP_VMA) | (1ULL << TASKDIAG_GROUP_VMA_STAT))

/*
 * With the memory map, the parts of a dump are at least PATH_MAX + 1 KiB
 * whatever the reader received before (a mapping with the longest name
 * fits one): the documentation asks for a buffer of TD_VMA_DUMP_BUF_SIZE
 * at least. The reply of a do is up to TD_VMA_BUF_SIZE. td_request()
 * raises the buffer of a socket that does not peek to these sizes for
 * such requests, and no more: a socket of libnl's default buffer (16 KiB)
 * keeps it for a dump.
 */
#define TD_VMA_BUF_SIZE		32768
#define TD_VMA_DUMP_BUF_SIZE	8192

/* In the bad masks below: the nest has bytes left over after its attributes */
#define TD_BAD_NEST		1ULL

/* The vma-stat nest of a mapping, indexed by TASKDIAG_A_VMA_STAT_* */
struct td_vma_stat {
	uint64_t v[TASKDIAG_A_VMA_STAT_MAX + 1];
	/* 1ULL << TASKDIAG_A_VMA_STAT_* for each attribute found, malformed */
	uint64_t present;
	uint64_t bad;
};

/*
 * One mapping: info and file are the vma-info and vma-file structs (zeros
 * if absent), the integers are indexed by TASKDIAG_A_VMA_* (none yet).
 * name is the path column of maps (NULL if absent): it points into the received
 * datagram, valid during the td_vma_cb call only, except in a td_merge,
 * which keeps copies. name-too-long and vma-stat are in present.
 */
struct td_vma {
	uint64_t v[TASKDIAG_A_VMA_MAX + 1];
	/* 1ULL << TASKDIAG_A_VMA_* for each attribute found, malformed */
	uint64_t present;
	uint64_t bad;
	struct taskdiag_vma_info info;
	struct taskdiag_vma_file file;
	const char *name;
	struct td_vma_stat stat;
};

struct td_task {
	uint32_t pid;
	uint32_t tgid;
	bool has_pid;
	bool has_tgid;
	bool cont;
	bool has_withheld;
	uint64_t withheld;
	bool has_base;
	struct td_base base;
	bool has_cred;
	struct td_cred cred;
	bool has_stat;
	struct td_stat stat;
	/*
	 * The vma nests of the message stay in the received datagram, valid
	 * during the td_task_cb call only: td_parse_vmas() parses them.
	 * A td_merge's task has no vmas but the count of all its parts'.
	 */
	const void *vmas;	/* the first one */
	int vmas_len;		/* bytes from there to the end of the message */
	uint32_t nvmas;
	/*
	 * Attributes of a wrong size or otherwise malformed:
	 * 1 << TASKDIAG_A_TASK_* in bad_task, 1 << TASKDIAG_A_BASE_* in
	 * bad_base, and so on; TD_BAD_NEST for bytes left over.
	 */
	uint32_t bad_task;
	uint32_t bad_base;
	uint32_t bad_cred;
	uint64_t bad_stat;
};

/*
 * A task put together from the messages of a split reply: the parts of a
 * task repeat its pid and tgid, all but the last carry cont, and the groups
 * of a cred nest and the mappings accumulate.
 */
struct td_merge {
	struct td_task task;	/* groups, vmas: not valid, see below */
	uint32_t *groups;	/* every part's groups, in message order */
	size_t ngroups;
	size_t cap;
	struct td_vma *vmas;	/* every part's mappings, names copied */
	size_t nvmas;
	size_t vmas_cap;
	unsigned int parts;	/* messages of the task so far */
	unsigned int cred_parts;	/* of which with a cred nest */
	bool open;		/* the last part had cont */
	bool done;		/* a complete task is in task */
	/* what went wrong: a part of another task, nests repeated, ... */
	char err[128];
};

/*
 * Add one message. Returns 1 when it completes a task (m->task, m->groups
 * and m->vmas hold it until the next call), 0 when the task continues, or
 * a negative errno with m->err set when the parts do not fit together.
 */
int td_merge_add(struct td_merge *m, const struct td_task *part);
void td_merge_free(struct td_merge *m);
/* Supplementary group i of the message a td_task_cb was called for */
uint32_t td_cred_group(const struct td_cred *c, uint32_t i);

/* Called for each mapping; a nonzero return stops the walk */
typedef int (*td_vma_cb)(const struct td_vma *vma, void *arg);
/*
 * Parse the mappings of the message a td_task_cb was called for, in
 * order. Returns 0, or what the callback returned to stop.
 */
int td_parse_vmas(const struct td_task *t, td_vma_cb cb, void *arg);
/*
 * The line of /proc/PID/maps of a mapping, without the newline, in buf of
 * len bytes (truncated if needed); a name too long to be reported shows as
 * TD_NAME_TOO_LONG. Returns the length of the whole line, as snprintf().
 */
#define TD_NAME_TOO_LONG	"(name longer than PATH_MAX)"
int td_vma_maps_line(const struct td_vma *v, char *buf, size_t len);
/* The fields of a vma-info struct, " info START-END ...", to f */
void td_print_vma_info(FILE *f, const struct td_vma *v);
/* The two-letter VmFlags code of enum taskdiag_vma_flag flag, or NULL */
const char *td_vma_flag_code(unsigned int flag);
/*
 * The smaps key of TASKDIAG_A_VMA_STAT_* attr ("Rss", "THPeligible"), or
 * NULL; smaps shows every value in kB but those of td_smaps_raw().
 */
const char *td_smaps_key(unsigned int attr);
bool td_smaps_raw(unsigned int attr);

/* The error of the last request, as the kernel reported it */
struct td_err {
	int error;		/* 0 or a negative errno */
	bool in_done;		/* reported by NLMSG_DONE, i.e. during a dump */
	char msg[TD_EXTACK_LEN];	/* extack message, "" if none */
	bool has_offs;
	uint32_t offs;		/* offset of the bad attribute in the request */
	bool has_miss_type;
	uint32_t miss_type;	/* type of the missing attribute */
};

/* What the last request's replies looked like */
struct td_stats {
	unsigned int nrecv;	/* datagrams received */
	unsigned int nmsg;	/* task messages */
	size_t bytes;		/* bytes received */
	size_t max_chunk;	/* largest datagram */
	bool dump_intr;		/* NLM_F_DUMP_INTR seen */
};

/*
 * Called for each task message, undecoded, instead of a td_task_cb when
 * set in struct td: for readers that only count, as task_diag_all --quiet
 * does. A negative return stops the reception.
 */
typedef int (*td_msg_cb)(const struct nlmsghdr *nlh, void *arg);

struct td {
	struct nl_sock *sk;
	int family;
	size_t bufsize;		/* of each recvmsg(), 0 for libnl's default */
	bool peek;
	uint32_t seq;		/* sequence number of the request in flight */
	bool in_flight;		/* replies of that request are still due */
	td_msg_cb raw_cb;	/* if set, messages are not decoded */
	struct td_err err;
	struct td_stats stats;
};

struct td_req {
	bool dump;
	bool has_show_flags;
	uint64_t show_flags;
	bool has_strategy;
	uint32_t strategy;
	bool has_pid;
	uint32_t pid;
};

/* Called for each task message; a negative return stops the reception */
typedef int (*td_task_cb)(const struct td_task *task, void *arg);

/*
 * Open a socket and resolve the family. bufsize is the receive buffer of
 * libnl (0 keeps libnl's default), peek makes libnl peek at the size of each
 * datagram first. Returns 0, -ENOENT when the family is not registered, or
 * another negative errno.
 *
 * The kernel makes the datagrams of a dump as large as the largest
 * recvmsg() ever done on the socket (up to about 32 KiB): a buffer can
 * grow, but a smaller one than before needs peeking or a new socket.
 */
int td_open(struct td **tdp, size_t bufsize, bool peek);

/*
 * Wrap a socket received from another process. family is the family id,
 * seq the sequence number of the request in flight on the socket.
 */
int td_open_fd(struct td **tdp, int fd, int family, uint32_t seq,
	       size_t bufsize, bool peek);
/*
 * Take over the replies of a request that another process sent on this
 * socket (shared by fork() or SCM_RIGHTS), seq being its sequence number.
 */
void td_adopt(struct td *td, uint32_t seq);
void td_close(struct td *td);
int td_fd(const struct td *td);
void td_set_bufsize(struct td *td, size_t bufsize, bool peek);

/* A request message with the genetlink header, to which attributes are added */
struct nl_msg *td_msg_alloc(struct td *td, bool dump);
int td_msg_put_req(struct nl_msg *msg, const struct td_req *req);
/* Offset of the first top-level attribute of this type, -1 if there is none */
long td_msg_attr_offset(struct nl_msg *msg, int type);

/*
 * Send a request message; creds, if not NULL, go as SCM_CREDENTIALS.
 * Returns 0 or the negative errno of sendmsg().
 */
int td_send(struct td *td, struct nl_msg *msg, const struct ucred *creds);
int td_request(struct td *td, const struct td_req *req,
	       const struct ucred *creds);

/*
 * Receive one datagram and handle the messages it carries. Returns 1 if more
 * replies are due, 0 when the request completed successfully, a negative
 * errno when it failed (td->err has the details), or the negative value a
 * callback returned (the rest of the replies is then left unread).
 */
int td_recv_chunk(struct td *td, td_task_cb cb, void *arg);
/* td_recv_chunk() until the request completes */
int td_recv_all(struct td *td, td_task_cb cb, void *arg);
/* td_request() + td_recv_all() */
int td_run(struct td *td, const struct td_req *req, const struct ucred *creds,
	   td_task_cb cb, void *arg);

/* Parse one taskdiag reply message (exposed for the tests) */
int td_parse_task(struct nlmsghdr *nlh, struct td_task *task);

char td_state_letter(unsigned int state);
int td_state_from_letter(char c);
const char *td_strategy_name(unsigned int strategy);

/* /proc/PID/stat, as far as the base group covers it */
struct proc_stat {
	uint32_t pid;
	char comm[TD_COMM_LEN];
	char state;
	uint32_t ppid;
	uint32_t pgid;
	uint32_t sid;
	uint32_t flags;
	unsigned long long start_ticks;
};

/*
 * A small /proc file in one open/read/close, as a minimal ps reads it,
 * NUL-terminated. Returns its length or a negative errno.
 */
ssize_t proc_read_small(const char *path, char *buf, size_t size);
/* Parse the stat file at path. Returns 0 or a negative errno */
int proc_read_stat(const char *path, struct proc_stat *ps);
/* The numeric value of a "Key:\tvalue" line of a status file */
int proc_read_status(const char *path, const char *key, long *val);

#endif /* TASKDIAG_LIB_H */
