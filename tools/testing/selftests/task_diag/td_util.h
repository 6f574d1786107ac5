/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the taskdiag selftests that do not depend on the test harness:
 * lists of pids and tasks, /proc listings, populations of sleeping tasks,
 * pid namespaces, fd passing, and the field-by-field comparison of a reply
 * with /proc.
 */
#ifndef TD_UTIL_H
#define TD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "taskdiag_lib.h"

#define PF_EXITING_		0x00000004
#define PF_USER_WORKER_		0x00004000
#define PF_KTHREAD_		0x00200000

/* A growable array of pids */
struct pidlist {
	uint32_t *v;
	size_t n;
	size_t cap;
};

int pl_add(struct pidlist *l, uint32_t pid);
void pl_free(struct pidlist *l);
void pl_sort(struct pidlist *l);
/* l sorted */
bool pl_contains(const struct pidlist *l, uint32_t pid);
/* Strictly ascending, i.e. sorted and without duplicates */
bool pl_ascending(const struct pidlist *l);
/*
 * Compare two sorted lists: the number of elements only in a and only in b;
 * the first of each is stored in *first_a / *first_b.
 */
size_t pl_diff(const struct pidlist *a, const struct pidlist *b,
	       size_t *only_b, uint32_t *first_a, uint32_t *first_b);

/* A growable array of parsed replies */
struct tasklist {
	struct td_task *v;
	size_t n;
	size_t cap;
};

/* A td_task_cb that appends to the struct tasklist in arg */
int tl_add_cb(const struct td_task *t, void *arg);
void tl_free(struct tasklist *l);
const struct td_task *tl_find(const struct tasklist *l, uint32_t pid);
/* Fill pids with the pids of l, in message order */
int tl_pids(const struct tasklist *l, struct pidlist *pids);

/*
 * /proc listings; proc is the procfs mount to read ("/proc", or e.g.
 * "/proc/123/root/proc" for the view of another pid namespace). The lists are
 * sorted.
 */
int proc_tgids(const char *proc, struct pidlist *l);
int proc_tids(const char *proc, uint32_t tgid, struct pidlist *l);
int proc_all_tids(const char *proc, struct pidlist *l);
/* The union of PROC/PID/task/ANY/children */
int proc_children(const char *proc, uint32_t pid, struct pidlist *l);

/* What td_cmp_proc() compares besides ids, names, relations and times */
#define TDC_STATE	0x1	/* state letter: for tasks known not to change */
#define TDC_STATUS	0x2	/* Tgid and TracerPid of the status file */
#define TDC_PIDINO	0x4	/* pid-ino vs a pidfd: the caller's own pid ns */
#define TDC_ALL		(TDC_STATE | TDC_STATUS | TDC_PIDINO)

/*
 * Compare a reply with the stat (and status) file of PROC/PID for a process,
 * of PROC/TGID/task/TID for a thread. Returns 0 if all match, 1 with a
 * description in why otherwise, a negative errno if /proc could not be read
 * (e.g. the task is gone).
 */
int td_cmp_proc(const struct td_task *t, const char *proc, unsigned int what,
		char *why, size_t len);

/* stat field 22 of a start time in ns */
unsigned long long ns_to_ticks(uint64_t ns);
/* pidfs inode of the task (PIDFD_THREAD for a thread) */
int pid_ino(pid_t pid, bool thread, uint64_t *ino);
uint64_t boottime_ns(void);

/*
 * Fork n processes of nthreads threads each (the main one included) that
 * sleep until killed, and wait until all their threads exist. names, if not
 * NULL, has nthreads names: names[0] for the main thread. The processes die
 * with the calling thread (PR_SET_PDEATHSIG). Returns 0 or a negative errno.
 */
int spawn_sleepers(int n, int nthreads, const char * const *names,
		   pid_t *pids);
pid_t spawn_sleeper(int nthreads, const char * const *names);
/*
 * Wait until every thread of process pid is asleep (S) in PROC: a task that
 * just said it is ready may not be yet. Returns 0, or a negative errno
 * after about 30 s.
 */
int wait_sleeping(const char *proc, pid_t pid);
void kill_wait(pid_t pid);
/*
 * A child that runs setup(arg), reports its result on a pipe and then
 * blocks in read() until *hold is closed (or it is killed); -1 on failure.
 */
pid_t spawn_prepared(int (*setup)(void *), void *arg, int *hold);
/* MemAvailable of /proc/meminfo in KiB, or -1 */
long mem_available_kb(void);
/* Raise kernel.threads-max to at least want; returns the old value or -1 */
long ensure_threads_max(long want);
/*
 * Raise a sysctl or module parameter to val unless it is at least that:
 * its value before in *old, whether it was written in *set (left alone
 * when it was high enough). Returns 0 or a negative errno.
 */
int sysctl_raise(const char *path, long val, long *old, bool *set);

/*
 * Fork a child that is the first process (pid 1) of a new pid namespace and
 * that has a private mount namespace in which /proc shows the new pid
 * namespace. Returns like fork(); the caller's later children are still
 * created in the caller's pid namespace.
 */
pid_t fork_pidns_init(void);

int send_fd(int sock, int fd, const void *data, size_t len);
int recv_fd(int sock, int *fd, void *data, size_t len);
int read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);

/*
 * A dump of the given strategy and groups, its split messages merged:
 * tasks go to list (without their groups and mappings). For strategy one,
 * *m keeps the task with its groups and mappings. Returns 0 or a negative
 * errno (td->err, m->err).
 */
int td_fetch(struct td *td, uint32_t strategy, uint32_t pid, uint64_t show,
	     struct td_merge *m, struct tasklist *list);
/* The same for any request, a do included */
int td_fetch_req(struct td *td, const struct td_req *req, struct td_merge *m,
		 struct tasklist *list);

/*
 * Called for each task of a dump put together from its parts: m->task,
 * m->groups and m->vmas are valid during the call. A nonzero return stops
 * the dump (td_fetch_each() returns it).
 */
typedef int (*td_merged_cb)(const struct td_merge *m, void *arg);
/*
 * Run any request and merge the parts of every task, whatever the
 * strategy: parts of two tasks interleaved, a group repeated, or a last
 * part with cont fail with -EPROTO and the reason in m->err. Returns 0,
 * or a negative errno (td->err, m->err), or what cb returned.
 */
int td_fetch_each(struct td *td, const struct td_req *req,
		  struct td_merge *m, td_merged_cb cb, void *arg);

/*
 * Send req in a message padded with zeros to len bytes (at least a page),
 * with creds as SCM_CREDENTIALS if not NULL: the kernel checks the
 * credentials, then copies the message from memory that is not populated
 * yet, a page fault per page, and only then hands it to taskdiag. A pid
 * that the socket layer found can be gone by then: that window lasts
 * about a second for 64 MiB under emulation. before(arg), if set, runs
 * just before sendmsg(). The replies are read as after td_request().
 * Returns 0 or the negative errno of sendmsg() (or of the setup).
 */
int td_request_slow(struct td *td, const struct td_req *req,
		    const struct ucred *creds, size_t len,
		    void (*before)(void *arg), void *arg);

/*
 * fork() a child that gets the given pid in the caller's pid namespace
 * (clone3() with set_tid: CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE over
 * the namespace). Returns like fork(), -1 with errno (EEXIST: taken).
 */
pid_t fork_with_pid(pid_t pid);

#define NOBODY			65534

/* Become nobody: no groups, every uid and gid 65534. 0 or -1 */
int drop_to_nobody(void);
/* A nobody process, dumpable or not, until hold is closed (spawn_prepared) */
pid_t spawn_nobody(bool dumpable, int *hold);

/* What fetch_as() found */
struct fetch_result {
	int err;		/* of the dump, or 1 when a step failed */
	bool enoent;		/* no taskdiag family */
	struct td_task t;	/* merged; t.nvmas counts the mappings */
	int io_errno;		/* of reading /proc/PID/io then, or 0 */
};

enum fetch_mode {
	AS_NOBODY,		/* open the socket as nobody */
	DROP_AFTER_OPEN,	/* open it as root, then become nobody */
	AS_NOBODY_PTRACE,	/* as nobody with CAP_SYS_PTRACE alone */
};

/* Dump process pid (strategy one) with show, its parts merged */
void fetch_one(struct td *td, pid_t pid, uint64_t show,
	       struct fetch_result *r);
/*
 * The same in a child, as nobody; target 0 is the child itself. The child
 * then reads /proc/PID/io of the target with the same credentials.
 */
void fetch_as(enum fetch_mode mode, pid_t target, uint64_t show,
	      struct fetch_result *r);
/*
 * A taskdiag socket that a child opened as nobody, passed over SCM_RIGHTS.
 * Returns the descriptor or a negative errno.
 */
int nobody_socket(void);

/* Seconds of churn per test, TASKDIAG_RACE_SECONDS in the environment */
int race_seconds(void);
/* CLOCK_MONOTONIC in seconds */
double now(void);

/* Anonymous memory shared with the children forked after; NULL on failure */
void *shared_alloc(size_t len);
size_t page_size(void);
/* Remove a directory and what is in it, if dir is not ""; errors ignored */
void remove_dir(const char *dir);
/* Write s to a (/proc, /sys) file: 0, a negative errno, -EIO if short */
int write_str(const char *path, const char *s);
/* The next number of a xorshift sequence (13, 7, 17); *x must not be 0 */
uint64_t xorshift(uint64_t *x);

/* A mapping as /proc/PID/maps, or smaps, shows it */
struct proc_vma {
	uint64_t start;
	uint64_t end;
	char perms[5];
	uint64_t pgoff;
	unsigned int major;
	unsigned int minor;
	uint64_t inode;
	char *name;		/* the path column, NULL if empty */
	/* smaps only */
	uint64_t size_kb;
	uint64_t flags;		/* 1ULL << enum taskdiag_vma_flag of VmFlags */
	char bad_code[3];	/* a VmFlags code of no flag, "" if none */
	/* by TASKDIAG_A_VMA_STAT_*: kB, or as shown for td_smaps_raw() */
	uint64_t v[TASKDIAG_A_VMA_STAT_MAX + 1];
	uint64_t present;	/* 1ULL << TASKDIAG_A_VMA_STAT_* */
};

struct proc_map {
	struct proc_vma *v;
	size_t n;
	size_t cap;
	bool smaps;
};

/* Read /proc/PID/maps, or smaps. Returns 0 or a negative errno */
int proc_read_map(pid_t pid, bool smaps, struct proc_map *map);
void proc_map_free(struct proc_map *map);
/* Two reads of the same file show the same mappings and values */
bool proc_map_equal(const struct proc_map *a, const struct proc_map *b);
/* The mapping of map that starts at start, or NULL */
const struct proc_vma *proc_map_find(const struct proc_map *map,
				     uint64_t start);

/*
 * Compare mappings of a reply with /proc/PID/maps or smaps: each mapping
 * and field; with smaps the flags, with stat the vma-stat counters too
 * (without, the reply must have none). Returns 0 if all match, 1 with
 * the first mismatch described in why otherwise.
 */
int td_cmp_map(const struct td_vma *v, size_t n, const struct proc_map *pm,
	       bool stat, char *why, size_t len);

/* The credential lines of a status file */
struct proc_cred {
	uint32_t uid[4];	/* real, effective, saved, fs */
	uint32_t gid[4];
	uint32_t *groups;	/* malloc()ed */
	size_t ngroups;
	uint64_t cap[5];	/* CapInh CapPrm CapEff CapBnd CapAmb */
	unsigned int nnp;
	unsigned int seccomp;
	unsigned int filters;
};

int proc_read_cred(const char *path, struct proc_cred *pc);

/* Every field of a stat file: v[n] is field n (n >= 4; v[3] the state) */
#define PROC_STAT_FIELDS	53
int proc_read_stat_fields(const char *path, unsigned long long *v);

/* A io file: rchar wchar syscr syscw read_bytes write_bytes cancelled */
int proc_read_io(const char *path, unsigned long long io[7]);

struct taskstats;
/*
 * TASKSTATS_CMD_GET of a thread (TASKSTATS_CMD_ATTR_PID) or a process
 * (_TGID). Returns 0, -ENOENT without TASKSTATS, or a negative errno.
 */
int taskstats_get(pid_t pid, bool tgid, struct taskstats *ts);
/*
 * The same, with CLOCK_BOOTTIME read just before and after the request is
 * sent (the kernel builds the reply in sendmsg()) in *b0 and *b1.
 */
int taskstats_get_timed(pid_t pid, bool tgid, struct taskstats *ts,
			uint64_t *b0, uint64_t *b1);
/* Write val to a /proc/sys file; the old value in *old if not NULL */
int sysctl_set(const char *path, long val, long *old);

/* /proc/PID/stat's field number of each TASKDIAG_A_STAT_*, 0 if none */
extern const int td_stat_field[TASKDIAG_A_STAT_MAX + 1];
/* An attribute of the stat group as /proc/PID/stat prints it */
long long td_stat_as_proc(const struct td_task *t, int a);
/* The /proc/PID/status names of TASKDIAG_A_CRED_* */
extern const char * const td_cred_names[TASKDIAG_A_CRED_MAX + 1];

#endif /* TD_UTIL_H */
