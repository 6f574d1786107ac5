// SPDX-License-Identifier: GPL-2.0
/*
 * taskdiag: information about tasks in bulk, over generic netlink.
 *
 * One request names a set of tasks (a dump strategy and a pid) and a set
 * of data (a mask of groups); the reply is one message per task. Reading
 * the same from /proc costs an open, a read and a close per task and file.
 *
 * A dump runs in chunks: the first one in the requester's sendmsg(), the
 * later ones in whoever calls recvmsg() on the socket, which need not be
 * the requester. Everything that depends on who asks (the pid namespace,
 * the credentials of the requester and of the socket's opener, the time
 * namespace) is therefore captured once, when the request arrives, and
 * later chunks use only what was captured. Between chunks the dump keeps
 * a cursor by id (the next pid), never a pointer or a position, so tasks
 * that come and go neither make it repeat nor skip a task that lives
 * through the whole dump.
 *
 * See Documentation/userspace-api/taskdiag.rst.
 */

#include <linux/cred.h>
#include <linux/delayacct.h>
#include <linux/fs_struct.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_maps.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/taskstats_kern.h>
#include <linux/time_namespace.h>
#include <linux/unaligned.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "taskdiag-nl-gen.h"

/*
 * The family is declared here, not generated: the spec uses struct
 * attributes, which only the genetlink-legacy protocol of YNL has, and
 * the generator emits the family structure for genetlink specs only.
 */
static struct genl_family taskdiag_nl_family __ro_after_init = {
	.name		= TASKDIAG_FAMILY_NAME,
	.version	= TASKDIAG_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= taskdiag_nl_ops,
	.n_split_ops	= ARRAY_SIZE(taskdiag_nl_ops),
};

/* The memory map comes from the code behind /proc/PID/maps and smaps. */
#ifdef CONFIG_PROC_PAGE_MONITOR
#define TASKDIAG_SHOW_VMA		(BIT_ULL(TASKDIAG_GROUP_VMA) |	\
					 BIT_ULL(TASKDIAG_GROUP_VMA_STAT))
#else
#define TASKDIAG_SHOW_VMA		0
#endif

/* Groups this kernel can return. */
#define TASKDIAG_SHOW_SUPPORTED		(BIT_ULL(TASKDIAG_GROUP_BASE) |	\
					 BIT_ULL(TASKDIAG_GROUP_CRED) |	\
					 BIT_ULL(TASKDIAG_GROUP_STAT) |	\
					 TASKDIAG_SHOW_VMA)

/**
 * struct taskdiag_request - what a request asks for, captured on arrival
 * @ns: pid namespace walked; all pids are reported as numbers in it
 * @requester: credentials of the task that sent the request
 * @opener: credentials of the task that opened the socket
 * @target: tgid of the process named by the request's pid attribute,
 *	for the strategies that name one; NULL otherwise
 * @show: groups asked for, 1 << enum taskdiag_group each
 * @strategy: which tasks, enum taskdiag_dump_strategy
 * @boottime_offset: offset of the requester's time namespace from the
 *	host's boot time, added to start times as /proc adds it
 * @taskstats: scratch space to add up delay accounting in, if asked for
 * @vma_name: scratch space (PATH_MAX) to build mapping names in, if asked
 *	for; a dump's chunks run one at a time
 * @root: the requester's root, which mapping names are relative to, as
 *	/proc/PID/maps shows them to it; if mappings are asked for
 * @proc: the procfs instance at /proc from the requester's root, whose
 *	hidepid= rules say which tasks the reply may show; none if there is
 *	no procfs there
 */
struct taskdiag_request {
	struct pid_namespace *ns;
	const struct cred *requester;
	const struct cred *opener;
	struct pid *target;
	u64 show;
	u32 strategy;
	u64 boottime_offset;
	struct taskstats *taskstats;
	char *vma_name;
	struct path root;
	struct path proc;
};

/**
 * struct taskdiag_task_id - who a message is about, read with the task
 * @pid: id of the task in the request's namespace, as its iterator found it
 * @tgid: id of its thread group there
 * @ino: inode number (struct pid::ino, never reused) of the struct pid at
 *	@pid, never of the other id a task passes through in de_thread()
 * @listed_only: the requester's /proc lists the task but shows nothing of
 *	it (hidepid=noaccess): the message carries its ids only
 *
 * The iterator reads the ids in the RCU section in which it finds the task
 * at its pid, so that they are of one moment, and a task reaped while its
 * message is being filled still closes its parts under its own name.
 */
struct taskdiag_task_id {
	u32 pid;
	u32 tgid;
	u64 ino;
	bool listed_only;
};

/*
 * Iterators, one per strategy. Each returns, with a reference held, the
 * task of the request's set with the smallest id >= @id->pid, and fills
 * @id with its ids (but @id->listed_only); NULL, @id undefined, when there
 * is none. Ids are pids for processes and tids for threads, numbers in the
 * request's namespace.
 *
 * All but "one" walk the namespace's pid map in id order and keep the
 * tasks of their set: a dump costs O(tasks in the namespace), whatever
 * the shape of the set, and holds no lock but RCU.
 */
typedef struct task_struct *(taskdiag_iter_t)(const struct taskdiag_request *req,
					      struct taskdiag_task_id *id);
typedef bool (taskdiag_match_t)(const struct taskdiag_request *req,
				struct task_struct *task);

/*
 * Pids looked at per RCU read-side section. A sparse set (the children of
 * a childless process) is looked for among every pid of the namespace:
 * the walk lets RCU and the scheduler in between batches, so that its
 * read-side sections and non-preemptible stretches stay short whatever the
 * namespace's size.
 */
#define TASKDIAG_PIDS_PER_RCU	256

/*
 * The ids of @task, attached to @pid, which is @nr in the namespace, as
 * @type. Called under RCU. The thread group id of a process found as the
 * leader of its group is @nr, which saves a lookup per task of a dump; a
 * thread's is read, and is 0 if its group is being reaped: then false,
 * and the thread is left out as if it were gone. (A task released after
 * this is caught when its message is complete: taskdiag_still_at_id().)
 */
static bool taskdiag_read_id(const struct taskdiag_request *req,
			     struct task_struct *task, struct pid *pid, u32 nr,
			     enum pid_type type, struct taskdiag_task_id *id)
{
	id->pid = nr;
	id->tgid = type == PIDTYPE_TGID ? nr : task_tgid_nr_ns(task, req->ns);
	id->ino = pid->ino;
	return id->tgid;
}

/*
 * The task with the smallest id >= id->pid attached to a pid of the
 * namespace as @type (as PIDTYPE_TGID only if it leads its thread group)
 * that @match, if given, accepts.
 */
static struct task_struct *taskdiag_next_by_pid(const struct taskdiag_request *req,
						struct taskdiag_task_id *id,
						enum pid_type type,
						taskdiag_match_t *match)
{
	struct task_struct *task = NULL;
	unsigned int batch = 0;
	u32 nr = id->pid;
	struct pid *pid;

	rcu_read_lock();
	while ((pid = find_ge_pid(nr, req->ns))) {
		nr = pid_nr_ns(pid, req->ns);
		task = pid_task(pid, type);
		if (task && (!match || match(req, task)) &&
		    taskdiag_read_id(req, task, pid, nr, type, id)) {
			get_task_struct(task);
			break;
		}
		task = NULL;
		nr++;
		if (++batch == TASKDIAG_PIDS_PER_RCU) {
			/* The cursor is nr: nothing to revalidate. */
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			batch = 0;
		}
	}
	rcu_read_unlock();
	return task;
}

static struct task_struct *taskdiag_next_process(const struct taskdiag_request *req,
						 struct taskdiag_task_id *id)
{
	return taskdiag_next_by_pid(req, id, PIDTYPE_TGID, NULL);
}

/* Threads in tid order over the whole namespace, not grouped by process. */
static struct task_struct *taskdiag_next_any_thread(const struct taskdiag_request *req,
						    struct taskdiag_task_id *id)
{
	return taskdiag_next_by_pid(req, id, PIDTYPE_PID, NULL);
}

static bool taskdiag_is_target_thread(const struct taskdiag_request *req,
				      struct task_struct *task)
{
	return task_tgid(task) == req->target;
}

static struct task_struct *taskdiag_next_thread(const struct taskdiag_request *req,
						struct taskdiag_task_id *id)
{
	return taskdiag_next_by_pid(req, id, PIDTYPE_PID,
				    taskdiag_is_target_thread);
}

/*
 * A child of any thread of the target, as /proc/PID/task/TID/children
 * lists them: a process whose real parent is in the target's group.
 */
static bool taskdiag_is_target_child(const struct taskdiag_request *req,
				     struct task_struct *task)
{
	return task_tgid(rcu_dereference(task->real_parent)) == req->target;
}

static struct task_struct *taskdiag_next_child(const struct taskdiag_request *req,
					       struct taskdiag_task_id *id)
{
	return taskdiag_next_by_pid(req, id, PIDTYPE_TGID,
				    taskdiag_is_target_child);
}

static struct task_struct *taskdiag_next_one(const struct taskdiag_request *req,
					     struct taskdiag_task_id *id)
{
	struct task_struct *leader;
	u32 nr;

	rcu_read_lock();
	leader = pid_task(req->target, PIDTYPE_TGID);
	nr = pid_nr_ns(req->target, req->ns);
	if (leader && nr >= id->pid &&
	    taskdiag_read_id(req, leader, req->target, nr, PIDTYPE_TGID, id))
		get_task_struct(leader);
	else
		leader = NULL;
	rcu_read_unlock();
	return leader;
}

static taskdiag_iter_t * const taskdiag_iters[] = {
	[TASKDIAG_DUMP_STRATEGY_ALL]		= taskdiag_next_process,
	[TASKDIAG_DUMP_STRATEGY_ALL_THREAD]	= taskdiag_next_any_thread,
	[TASKDIAG_DUMP_STRATEGY_CHILDREN]	= taskdiag_next_child,
	[TASKDIAG_DUMP_STRATEGY_THREAD]		= taskdiag_next_thread,
	[TASKDIAG_DUMP_STRATEGY_ONE]		= taskdiag_next_one,
};

/*
 * A check passes only if it passes for both the requester and the opener
 * of the socket, as netlink_ns_capable() does for capabilities: whoever
 * writes to a socket someone else opened gains nothing, and neither does
 * a process that dropped its privileges after opening one. Both are
 * decided for the captured credentials alone, never for current (a later
 * chunk runs in whoever reads the socket, which may be the target itself),
 * and leave no trace on current (no PF_SUPERPRIV, no audit record).
 */
static bool taskdiag_may_access(const struct taskdiag_request *req,
				struct task_struct *task, unsigned int mode)
{
	return ptrace_cred_may_access(req->requester, task, mode) &&
	       ptrace_cred_may_access(req->opener, task, mode);
}

/* The same for the permission check of opening a procfs file. */
static bool taskdiag_may_open(const struct taskdiag_request *req,
			      struct task_struct *task,
			      bool (*may_open)(const struct cred *cred,
					       struct task_struct *task))
{
	return may_open(req->requester, task) && may_open(req->opener, task);
}

/*
 * Every message keeps room for the flag that says the task continues in
 * the next one, so that it can be split after any group or list item.
 */
#define TASKDIAG_CLOSE_ROOM	nla_total_size(0)

static bool taskdiag_room_left(const struct sk_buff *skb)
{
	return skb_tailroom(skb) >= TASKDIAG_CLOSE_ROOM;
}

/**
 * struct taskdiag_cursor - where a task's data resumes in its next message
 * @group: the first group (enum taskdiag_group) still to be filled
 * @pos: where that group resumes, in its own terms; 0 for its start
 * @exec_id: the task's self_exec_id when the part before was filled: a
 *	memory map resumes only in the image it began in
 */
struct taskdiag_cursor {
	u32 group;
	u64 pos;
	u64 exec_id;
};

/**
 * struct taskdiag_fill - one message about one task being filled
 * @skb: the message's buffer
 * @req: the request
 * @task: the task
 * @id: the task's ids
 * @in_dump: the message is a part of a dump, which may end early and
 *	resume in the next part
 * @withheld: groups whose protected data the access rules deny
 * @mm: the memory map to report, pinned when access to it was decided;
 *	NULL if none is (not a leader, no map, or withheld)
 * @exec_lock: the task's exec_update_lock while held for the decision
 * @exec_id: the task's self_exec_id at the decision: which image @mm is of
 * @pos: where the group being filled starts; when it returns -EMSGSIZE,
 *	where it resumes in the next message
 * @name: the name of the last file mapping put, of @name_file with the
 *	anonymous shmem name @name_anon, built in req->vma_name; valid while
 *	@name_file is not NULL
 * @name_file: see @name
 * @name_anon: see @name
 */
struct taskdiag_fill {
	struct sk_buff *skb;
	const struct taskdiag_request *req;
	struct task_struct *task;
	struct taskdiag_task_id id;
	bool in_dump;
	u64 withheld;
	struct mm_struct *mm;
	struct rw_semaphore *exec_lock;
	u64 exec_id;
	u64 pos;
	const char *name;
	const struct file *name_file;
	const struct anon_vma_name *name_anon;
};

/*
 * Group fill functions put their nest into f->skb and return 0, or
 * -EMSGSIZE with what they could put left in place (or nothing) and f->pos
 * set to where they resume. They must leave TASKDIAG_CLOSE_ROOM free.
 */

static u32 taskdiag_task_flags(struct task_struct *task)
{
	unsigned int pf = READ_ONCE(task->flags);
	u32 flags = 0;

	if (pf & PF_KTHREAD)
		flags |= TASKDIAG_TASK_FLAGS_KTHREAD;
	if (pf & PF_USER_WORKER)
		flags |= TASKDIAG_TASK_FLAGS_USER_WORKER;
	if (pf & PF_EXITING)
		flags |= TASKDIAG_TASK_FLAGS_EXITING;
	return flags;
}

/* The pid numbers of the base group, in the requester's namespace */
struct taskdiag_base_ids {
	u32 ppid;
	u32 tpid;
	u32 sid;
	u32 pgid;
};

/*
 * As task_ppid_nr_ns(), task_session_nr_ns(), task_pgrp_nr_ns() and the
 * tracer's task_pid_nr_ns() compute them, with the same checks (a released
 * task has no parent), in one RCU read-side section rather than one per
 * number and two calls each: for every task of a dump.
 */
static void taskdiag_get_base_ids(struct task_struct *task,
				  struct pid_namespace *ns,
				  struct taskdiag_base_ids *ids)
{
	struct task_struct *tracer;

	rcu_read_lock();
	ids->ppid = pid_alive(task) ?
		pid_nr_ns(task_tgid(rcu_dereference(task->real_parent)), ns) : 0;
	ids->sid = pid_nr_ns(task_session(task), ns);
	ids->pgid = pid_nr_ns(task_pgrp(task), ns);
	tracer = ptrace_parent(task);
	ids->tpid = tracer ? pid_nr_ns(task_pid(tracer), ns) : 0;
	rcu_read_unlock();
}

/*
 * Runs of u32 and u64 attributes, put from a table. A dump puts about ten
 * per task and eight per mapping: one tailroom check and one skb_put()
 * per run, rather than one nla_put() each, took a third off the time of a
 * dump. Where a u64 needs padding to be aligned, nla_put_u64_64bit() puts
 * them one by one and adds it.
 */
struct taskdiag_u32 {
	int type;
	u32 value;
};

struct taskdiag_u64 {
	int type;
	u64 value;
};

static void *taskdiag_reserve(struct sk_buff *skb, unsigned int len)
{
	return skb_tailroom(skb) < len ? NULL : skb_put(skb, len);
}

/* Write an attribute into room reserved for it; return where the next goes */
static void *taskdiag_write_attr(void *at, int type, const void *data, int len)
{
	struct nlattr *nla = at;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memcpy(nla_data(nla), data, len);
	memset(nla_data(nla) + len, 0, nla_padlen(len));
	return at + nla_total_size(len);
}

static void *taskdiag_write_u32s(void *at, const struct taskdiag_u32 *attrs,
				 unsigned int count)
{
	struct nlattr *nla = at;
	unsigned int i;

	for (i = 0; i < count; i++) {
		nla->nla_type = attrs[i].type;
		nla->nla_len = nla_attr_size(sizeof(u32));
		*(u32 *)nla_data(nla) = attrs[i].value;
		nla = (void *)nla + nla_total_size(sizeof(u32));
	}
	return nla;
}

static int taskdiag_put_u32s(struct sk_buff *skb, const struct taskdiag_u32 *attrs,
			     unsigned int count)
{
	void *at = taskdiag_reserve(skb, count * nla_total_size(sizeof(u32)));

	if (!at)
		return -EMSGSIZE;
	taskdiag_write_u32s(at, attrs, count);
	return 0;
}

static int taskdiag_put_u64s(struct sk_buff *skb, const struct taskdiag_u64 *attrs,
			     unsigned int count, int padattr)
{
	struct nlattr *nla;
	unsigned int i;

	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS)) {
		for (i = 0; i < count; i++)
			if (nla_put_u64_64bit(skb, attrs[i].type,
					      attrs[i].value, padattr))
				return -EMSGSIZE;
		return 0;
	}
	nla = taskdiag_reserve(skb, count * nla_total_size(sizeof(u64)));
	if (!nla)
		return -EMSGSIZE;
	for (i = 0; i < count; i++) {
		nla->nla_type = attrs[i].type;
		nla->nla_len = nla_attr_size(sizeof(u64));
		put_unaligned(attrs[i].value, (u64 *)nla_data(nla));
		nla = (void *)nla + nla_total_size(sizeof(u64));
	}
	return 0;
}

/*
 * Put the counters whose value is not 0: the spec documents them as
 * absent when 0, as most of a mapping's smaps counters and many of a
 * task's stat counters are. attrs is overwritten: the counters put are
 * moved to its front.
 */
static int taskdiag_put_counters(struct sk_buff *skb,
				 struct taskdiag_u64 *attrs,
				 unsigned int count, int padattr)
{
	unsigned int i, kept = 0;

	for (i = 0; i < count; i++)
		if (attrs[i].value)
			attrs[kept++] = attrs[i];
	return taskdiag_put_u64s(skb, attrs, kept, padattr);
}

/* Room for every name proc_task_comm() gives, with its NUL */
#define TASKDIAG_COMM_SIZE	64

/*
 * Write the task's name into the room @nla starts, reserved for the
 * longest name at the tail of @skb, and cut that room to its length: no
 * copy of it on the stack, zeroed (auto-var-init) and copied for every task.
 */
static void taskdiag_write_comm(struct sk_buff *skb, struct nlattr *nla,
				struct task_struct *task)
{
	unsigned int size;

	proc_task_comm(nla_data(nla), TASKDIAG_COMM_SIZE, task);
	size = strlen(nla_data(nla)) + 1;
	nla->nla_type = TASKDIAG_A_BASE_COMM;
	nla->nla_len = nla_attr_size(size);
	memset(nla_data(nla) + size, 0, nla_padlen(size));
	skb_trim(skb, skb->len - nla_total_size(TASKDIAG_COMM_SIZE) +
		 nla_total_size(size));
}

/*
 * The base group is in every dump and the largest part of a dump of it:
 * its nest and attributes up to the name go into one reservation rather
 * than one nla_put() each, the u64s into a second.
 */
static int taskdiag_fill_base(struct taskdiag_fill *f)
{
	struct task_struct *task = f->task;
	struct sk_buff *skb = f->skb;
	struct taskdiag_base_ids b;
	struct nlattr *nest;
	u8 state;
	void *at;

	taskdiag_get_base_ids(task, f->req->ns, &b);
	state = task_state_index(task);

	const struct taskdiag_u32 ids[] = {
		{ TASKDIAG_A_BASE_PPID, b.ppid },
		{ TASKDIAG_A_BASE_TPID, b.tpid },
		{ TASKDIAG_A_BASE_SID, b.sid },
		{ TASKDIAG_A_BASE_PGID, b.pgid },
		{ TASKDIAG_A_BASE_FLAGS, taskdiag_task_flags(task) },
	};
	const struct taskdiag_u64 times[] = {
		{ TASKDIAG_A_BASE_START_TIME,
		  task->start_boottime + f->req->boottime_offset },
		{ TASKDIAG_A_BASE_PID_INO, f->id.ino },
	};

	nest = taskdiag_reserve(skb, NLA_HDRLEN +
				ARRAY_SIZE(ids) * nla_total_size(sizeof(u32)) +
				nla_total_size(sizeof(state)) +
				nla_total_size(TASKDIAG_COMM_SIZE));
	if (!nest)
		return -EMSGSIZE;
	nest->nla_type = TASKDIAG_A_TASK_BASE | NLA_F_NESTED;
	at = taskdiag_write_u32s(nla_data(nest), ids, ARRAY_SIZE(ids));
	at = taskdiag_write_attr(at, TASKDIAG_A_BASE_STATE, &state,
				 sizeof(state));
	taskdiag_write_comm(skb, at, task);
	if (taskdiag_put_u64s(skb, times, ARRAY_SIZE(times),
			      TASKDIAG_A_BASE_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int taskdiag_put_cred_ids(struct sk_buff *skb, const struct cred *cred,
				 struct user_namespace *ns)
{
	const struct taskdiag_u32 ids[] = {
		{ TASKDIAG_A_CRED_UID, from_kuid_munged(ns, cred->uid) },
		{ TASKDIAG_A_CRED_EUID, from_kuid_munged(ns, cred->euid) },
		{ TASKDIAG_A_CRED_SUID, from_kuid_munged(ns, cred->suid) },
		{ TASKDIAG_A_CRED_FSUID, from_kuid_munged(ns, cred->fsuid) },
		{ TASKDIAG_A_CRED_GID, from_kgid_munged(ns, cred->gid) },
		{ TASKDIAG_A_CRED_EGID, from_kgid_munged(ns, cred->egid) },
		{ TASKDIAG_A_CRED_SGID, from_kgid_munged(ns, cred->sgid) },
		{ TASKDIAG_A_CRED_FSGID, from_kgid_munged(ns, cred->fsgid) },
	};

	return taskdiag_put_u32s(skb, ids, ARRAY_SIZE(ids));
}

static int taskdiag_put_cred_caps(struct sk_buff *skb, const struct cred *cred)
{
	const struct taskdiag_u64 caps[] = {
		{ TASKDIAG_A_CRED_CAP_INHERITABLE, cred->cap_inheritable.val },
		{ TASKDIAG_A_CRED_CAP_PERMITTED, cred->cap_permitted.val },
		{ TASKDIAG_A_CRED_CAP_EFFECTIVE, cred->cap_effective.val },
		{ TASKDIAG_A_CRED_CAP_BSET, cred->cap_bset.val },
		{ TASKDIAG_A_CRED_CAP_AMBIENT, cred->cap_ambient.val },
	};

	return taskdiag_put_u64s(skb, caps, ARRAY_SIZE(caps), TASKDIAG_A_CRED_PAD);
}

/* What /proc/PID/status shows after the capabilities. */
static int taskdiag_put_cred_restrictions(struct sk_buff *skb,
					  struct task_struct *task)
{
	if (nla_put_u8(skb, TASKDIAG_A_CRED_NO_NEW_PRIVS, task_no_new_privs(task)))
		return -EMSGSIZE;
#ifdef CONFIG_SECCOMP
	if (nla_put_u32(skb, TASKDIAG_A_CRED_SECCOMP, task->seccomp.mode))
		return -EMSGSIZE;
#endif
#ifdef CONFIG_SECCOMP_FILTER
	if (nla_put_u32(skb, TASKDIAG_A_CRED_SECCOMP_FILTERS,
			atomic_read(&task->seccomp.filter_count)))
		return -EMSGSIZE;
#endif
	return 0;
}

/*
 * The supplementary groups are a list that may continue in the next
 * message. group_info is sorted by kernel gid but may hold duplicates, so
 * a continuation resumes at a gid and a count of its copies already sent:
 * that neither repeats nor skips one even if the task changes its groups
 * in between. f->pos holds TASKDIAG_GROUPS_CONT | copies << 32 | gid.
 */
#define TASKDIAG_GROUPS_CONT	BIT_ULL(63)

static int taskdiag_put_cred_groups(struct taskdiag_fill *f,
				    const struct group_info *groups,
				    struct user_namespace *ns)
{
	u32 from_gid = lower_32_bits(f->pos);
	u32 from_copy = upper_32_bits(f->pos & ~TASKDIAG_GROUPS_CONT);
	u32 gid, prev = 0, copy = 0;
	unsigned char *mark;
	int i;

	for (i = 0; i < groups->ngroups; i++, prev = gid) {
		gid = __kgid_val(groups->gid[i]);
		copy = i && gid == prev ? copy + 1 : 0;
		if (f->pos && (gid < from_gid ||
			       (gid == from_gid && copy < from_copy)))
			continue;
		mark = skb_tail_pointer(f->skb);
		if (nla_put_u32(f->skb, TASKDIAG_A_CRED_GROUPS,
				from_kgid_munged(ns, groups->gid[i])) ||
		    !taskdiag_room_left(f->skb)) {
			nlmsg_trim(f->skb, mark);
			f->pos = TASKDIAG_GROUPS_CONT | (u64)copy << 32 | gid;
			return -EMSGSIZE;
		}
	}
	return 0;
}

static int taskdiag_fill_cred(struct taskdiag_fill *f)
{
	struct user_namespace *ns = f->req->requester->user_ns;
	const struct cred *cred = get_task_cred(f->task);
	struct sk_buff *skb = f->skb;
	struct nlattr *nest;
	int err = -EMSGSIZE;

	nest = nla_nest_start(skb, TASKDIAG_A_TASK_CRED);
	if (!nest)
		goto out;
	/* A continuation carries more groups only. */
	if (!f->pos && (taskdiag_put_cred_ids(skb, cred, ns) ||
			taskdiag_put_cred_caps(skb, cred) ||
			taskdiag_put_cred_restrictions(skb, f->task))) {
		nla_nest_cancel(skb, nest);
		goto out;
	}
	err = taskdiag_put_cred_groups(f, cred->group_info, ns);
	/* nla_len() is set only by nla_nest_end(): compare with the tail. */
	if (skb_tail_pointer(skb) > (unsigned char *)nla_data(nest))
		nla_nest_end(skb, nest);
	else
		nla_nest_cancel(skb, nest);
out:
	put_cred(cred);
	return err;
}

static bool taskdiag_per_thread(const struct taskdiag_request *req)
{
	return req->strategy == TASKDIAG_DUMP_STRATEGY_ALL_THREAD ||
	       req->strategy == TASKDIAG_DUMP_STRATEGY_THREAD;
}

/*
 * Context switches of a task, or of its process as getrusage() counts
 * them: what exited threads left plus the live ones.
 */
static void taskdiag_get_csw(struct task_struct *task, bool whole,
			     unsigned long *nvcsw, unsigned long *nivcsw)
{
	struct signal_struct *sig = task->signal;
	struct task_struct *t;

	if (!whole) {
		*nvcsw = task->nvcsw;
		*nivcsw = task->nivcsw;
		return;
	}
	scoped_seqlock_read(&sig->stats_lock, ss_lock_irqsave) {
		*nvcsw = sig->nvcsw;
		*nivcsw = sig->nivcsw;
		rcu_read_lock();
		__for_each_thread(sig, t) {
			*nvcsw += t->nvcsw;
			*nivcsw += t->nivcsw;
		}
		rcu_read_unlock();
	}
}

/* CPU times and faults as /proc/PID/stat shows them, context switches. */
static int taskdiag_put_stat_cpu(struct taskdiag_fill *f)
{
	bool whole = !taskdiag_per_thread(f->req);
	unsigned long nvcsw, nivcsw;
	struct proc_task_times times;

	proc_task_times(f->task, whole, &times);
	taskdiag_get_csw(f->task, whole, &nvcsw, &nivcsw);

	struct taskdiag_u64 attrs[] = {
		{ TASKDIAG_A_STAT_UTIME, times.utime },
		{ TASKDIAG_A_STAT_STIME, times.stime },
		{ TASKDIAG_A_STAT_CUTIME, times.cutime },
		{ TASKDIAG_A_STAT_CSTIME, times.cstime },
		{ TASKDIAG_A_STAT_MINFLT, times.min_flt },
		{ TASKDIAG_A_STAT_MAJFLT, times.maj_flt },
		{ TASKDIAG_A_STAT_CMINFLT, times.cmin_flt },
		{ TASKDIAG_A_STAT_CMAJFLT, times.cmaj_flt },
		{ TASKDIAG_A_STAT_NVCSW, nvcsw },
		{ TASKDIAG_A_STAT_NIVCSW, nivcsw },
	};

	return taskdiag_put_counters(f->skb, attrs, ARRAY_SIZE(attrs),
				     TASKDIAG_A_STAT_PAD);
}

static int taskdiag_put_stat_sched(struct taskdiag_fill *f)
{
	struct task_struct *task = f->task;
	struct sk_buff *skb = f->skb;

	if (nla_put_u32(skb, TASKDIAG_A_STAT_THREADS, get_nr_threads(task)) ||
	    nla_put_s32(skb, TASKDIAG_A_STAT_NICE, task_nice(task)) ||
	    nla_put_s32(skb, TASKDIAG_A_STAT_PRIORITY, task_prio(task)) ||
	    nla_put_u32(skb, TASKDIAG_A_STAT_POLICY, task->policy) ||
	    nla_put_u32(skb, TASKDIAG_A_STAT_RT_PRIORITY, task->rt_priority) ||
	    nla_put_u32(skb, TASKDIAG_A_STAT_PROCESSOR, task_cpu(task)))
		return -EMSGSIZE;
	return 0;
}

/* Sizes of the memory map, as stat fields 23 and 24 (in bytes here). */
static int taskdiag_put_stat_mm(struct taskdiag_fill *f)
{
	struct mm_struct *mm = get_task_mm(f->task);
	u64 vsize = 0, rss = 0;

	if (mm) {
		vsize = PAGE_SIZE * READ_ONCE(mm->total_vm);	/* task_vsize() */
		rss = (u64)get_mm_rss(mm) << PAGE_SHIFT;
		mmput(mm);
	}

	const struct taskdiag_u64 attrs[] = {
		{ TASKDIAG_A_STAT_VSIZE, vsize },
		{ TASKDIAG_A_STAT_RSS, rss },
	};

	return taskdiag_put_u64s(f->skb, attrs, ARRAY_SIZE(attrs),
				 TASKDIAG_A_STAT_PAD);
}

#ifdef CONFIG_TASK_IO_ACCOUNTING
/* The counters of /proc/PID/io, under exec_update_lock as it reads them. */
static int taskdiag_put_stat_io(struct taskdiag_fill *f)
{
	struct task_io_accounting acct;

	proc_task_io_accounting(f->task, !taskdiag_per_thread(f->req), &acct);

	struct taskdiag_u64 attrs[] = {
		{ TASKDIAG_A_STAT_RCHAR, acct.rchar },
		{ TASKDIAG_A_STAT_WCHAR, acct.wchar },
		{ TASKDIAG_A_STAT_SYSCR, acct.syscr },
		{ TASKDIAG_A_STAT_SYSCW, acct.syscw },
		{ TASKDIAG_A_STAT_READ_BYTES, acct.read_bytes },
		{ TASKDIAG_A_STAT_WRITE_BYTES, acct.write_bytes },
		{ TASKDIAG_A_STAT_CANCELLED_WRITE_BYTES, acct.cancelled_write_bytes },
	};

	return taskdiag_put_counters(f->skb, attrs, ARRAY_SIZE(attrs),
				     TASKDIAG_A_STAT_PAD);
}

/* Whom /proc/PID/io (0400, root's for a zombie) opens for. */
#define TASKDIAG_STAT_MAY_OPEN	proc_task_io_may_open
#else
static int taskdiag_put_stat_io(struct taskdiag_fill *f)
{
	return 0;
}

#define TASKDIAG_STAT_MAY_OPEN	NULL
#endif

#ifdef CONFIG_TASK_DELAY_ACCT
/*
 * Delay accounting totals as TASKSTATS reports them: of the task, or of
 * its process, what its exited threads left plus its live threads.
 */
static int taskdiag_put_stat_delays(struct taskdiag_fill *f)
{
	struct taskstats *ts = f->req->taskstats;

	memset(ts, 0, sizeof(*ts));
	if (taskdiag_per_thread(f->req))
		delayacct_add_tsk(ts, f->task);
	else
		taskstats_fill_tgid(f->task, ts);	/* 0s once reaped */

	struct taskdiag_u64 attrs[] = {
		{ TASKDIAG_A_STAT_CPU_DELAY_COUNT, ts->cpu_count },
		{ TASKDIAG_A_STAT_CPU_DELAY_TOTAL, ts->cpu_delay_total },
		{ TASKDIAG_A_STAT_BLKIO_DELAY_COUNT, ts->blkio_count },
		{ TASKDIAG_A_STAT_BLKIO_DELAY_TOTAL, ts->blkio_delay_total },
		{ TASKDIAG_A_STAT_SWAPIN_DELAY_COUNT, ts->swapin_count },
		{ TASKDIAG_A_STAT_SWAPIN_DELAY_TOTAL, ts->swapin_delay_total },
		{ TASKDIAG_A_STAT_FREEPAGES_DELAY_COUNT, ts->freepages_count },
		{ TASKDIAG_A_STAT_FREEPAGES_DELAY_TOTAL, ts->freepages_delay_total },
		{ TASKDIAG_A_STAT_THRASHING_DELAY_COUNT, ts->thrashing_count },
		{ TASKDIAG_A_STAT_THRASHING_DELAY_TOTAL, ts->thrashing_delay_total },
		{ TASKDIAG_A_STAT_COMPACT_DELAY_COUNT, ts->compact_count },
		{ TASKDIAG_A_STAT_COMPACT_DELAY_TOTAL, ts->compact_delay_total },
		{ TASKDIAG_A_STAT_WPCOPY_DELAY_COUNT, ts->wpcopy_count },
		{ TASKDIAG_A_STAT_WPCOPY_DELAY_TOTAL, ts->wpcopy_delay_total },
		{ TASKDIAG_A_STAT_IRQ_DELAY_COUNT, ts->irq_count },
		{ TASKDIAG_A_STAT_IRQ_DELAY_TOTAL, ts->irq_delay_total },
	};

	return taskdiag_put_counters(f->skb, attrs, ARRAY_SIZE(attrs),
				     TASKDIAG_A_STAT_PAD);
}
#else
static int taskdiag_put_stat_delays(struct taskdiag_fill *f)
{
	return 0;
}
#endif

static int taskdiag_fill_stat(struct taskdiag_fill *f)
{
	bool protected = !(f->withheld & BIT_ULL(TASKDIAG_GROUP_STAT));
	struct nlattr *nest;

	nest = nla_nest_start(f->skb, TASKDIAG_A_TASK_STAT);
	if (!nest)
		return -EMSGSIZE;
	if (taskdiag_put_stat_cpu(f) || taskdiag_put_stat_sched(f) ||
	    taskdiag_put_stat_mm(f) ||
	    (protected && (taskdiag_put_stat_io(f) ||
			   taskdiag_put_stat_delays(f)))) {
		nla_nest_cancel(f->skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(f->skb, nest);
	return 0;
}

#ifdef CONFIG_PROC_PAGE_MONITOR
/*
 * The VmFlags code of each enum taskdiag_vma_flag. These values are ABI;
 * which vm_flags bit each code stands for is smaps' business, read from
 * it once at boot into taskdiag_vma_flag_of_bit[].
 */
static const char taskdiag_vma_flag_codes[][3] = {
	[TASKDIAG_VMA_FLAG_READ]		= "rd",
	[TASKDIAG_VMA_FLAG_WRITE]		= "wr",
	[TASKDIAG_VMA_FLAG_EXEC]		= "ex",
	[TASKDIAG_VMA_FLAG_SHARED]		= "sh",
	[TASKDIAG_VMA_FLAG_MAY_READ]		= "mr",
	[TASKDIAG_VMA_FLAG_MAY_WRITE]		= "mw",
	[TASKDIAG_VMA_FLAG_MAY_EXEC]		= "me",
	[TASKDIAG_VMA_FLAG_MAY_SHARE]		= "ms",
	[TASKDIAG_VMA_FLAG_GROWS_DOWN]		= "gd",
	[TASKDIAG_VMA_FLAG_PFN_MAP]		= "pf",
	[TASKDIAG_VMA_FLAG_LOCKED]		= "lo",
	[TASKDIAG_VMA_FLAG_IO]			= "io",
	[TASKDIAG_VMA_FLAG_SEQ_READ]		= "sr",
	[TASKDIAG_VMA_FLAG_RAND_READ]		= "rr",
	[TASKDIAG_VMA_FLAG_DONT_COPY]		= "dc",
	[TASKDIAG_VMA_FLAG_DONT_EXPAND]		= "de",
	[TASKDIAG_VMA_FLAG_LOCK_ON_FAULT]	= "lf",
	[TASKDIAG_VMA_FLAG_ACCOUNT]		= "ac",
	[TASKDIAG_VMA_FLAG_NO_RESERVE]		= "nr",
	[TASKDIAG_VMA_FLAG_HUGETLB]		= "ht",
	[TASKDIAG_VMA_FLAG_SYNC]		= "sf",
	[TASKDIAG_VMA_FLAG_ARCH_1]		= "ar",
	[TASKDIAG_VMA_FLAG_WIPE_ON_FORK]	= "wf",
	[TASKDIAG_VMA_FLAG_DONT_DUMP]		= "dd",
	[TASKDIAG_VMA_FLAG_ARM64_BTI]		= "bt",
	[TASKDIAG_VMA_FLAG_SOFT_DIRTY]		= "sd",
	[TASKDIAG_VMA_FLAG_MIXED_MAP]		= "mm",
	[TASKDIAG_VMA_FLAG_HUGEPAGE]		= "hg",
	[TASKDIAG_VMA_FLAG_NO_HUGEPAGE]		= "nh",
	[TASKDIAG_VMA_FLAG_MERGEABLE]		= "mg",
	[TASKDIAG_VMA_FLAG_UFFD_MISSING]	= "um",
	[TASKDIAG_VMA_FLAG_UFFD_WP]		= "uw",
	[TASKDIAG_VMA_FLAG_ARM64_MTE]		= "mt",
	[TASKDIAG_VMA_FLAG_UFFD_MINOR]		= "ui",
	[TASKDIAG_VMA_FLAG_SHADOW_STACK]	= "ss",
	[TASKDIAG_VMA_FLAG_DROPPABLE]		= "dp",
	[TASKDIAG_VMA_FLAG_SEALED]		= "sl",
};

/* 1 << enum taskdiag_vma_flag for each vm_flags bit smaps shows, else 0 */
static u64 taskdiag_vma_flag_of_bit[BITS_PER_LONG] __ro_after_init;

static void __init taskdiag_vma_flags_init(void)
{
	unsigned int bit, flag;
	const char *code;

	BUILD_BUG_ON(ARRAY_SIZE(taskdiag_vma_flag_codes) !=
		     TASKDIAG_VMA_FLAG_SEALED + 1);
	for (bit = 0; bit < BITS_PER_LONG; bit++) {
		code = proc_vma_flag_code(bit);
		if (!code)
			continue;
		for (flag = 0; flag < ARRAY_SIZE(taskdiag_vma_flag_codes); flag++)
			if (!strcmp(code, taskdiag_vma_flag_codes[flag]))
				break;
		/*
		 * A code smaps gained before the spec did: readers see that a
		 * mapping has such a flag, and smaps says which.
		 */
		if (flag == ARRAY_SIZE(taskdiag_vma_flag_codes)) {
			pr_info("taskdiag: VmFlags code %s reported as unknown\n",
				code);
			flag = TASKDIAG_VMA_FLAG_UNKNOWN;
		}
		taskdiag_vma_flag_of_bit[bit] = BIT_ULL(flag);
	}
}

static u64 taskdiag_vma_flags(const struct vm_area_struct *vma)
{
	unsigned long vm_flags = vma->vm_flags;
	unsigned int bit;
	u64 flags = 0;

	for_each_set_bit(bit, &vm_flags, BITS_PER_LONG)
		flags |= taskdiag_vma_flag_of_bit[bit];
	return flags;
}

/*
 * A mapping's range and flags: its maps line's addresses and permissions,
 * and the VmFlags of smaps. Every vma has one.
 */
static int taskdiag_put_vma_info(struct sk_buff *skb,
				 const struct vm_area_struct *vma)
{
	struct taskdiag_vma_info info = {
		.start = vma->vm_start,
		.end = vma->vm_end,
		.flags = taskdiag_vma_flags(vma),
	};

	/* Every byte reaches user space: the struct must have no padding. */
	static_assert(sizeof(info) == TASKDIAG_VMA_INFO_SIZE_VER0);
	return nla_put_64bit(skb, TASKDIAG_A_VMA_INFO, sizeof(info), &info,
			     TASKDIAG_A_VMA_PAD);
}

/*
 * The file columns of the maps line (offset, device, inode), for a mapping
 * of a file: maps shows zeros for the others, which the reply leaves out.
 */
static int taskdiag_put_vma_file(struct sk_buff *skb,
				 const struct vm_area_struct *vma)
{
	const struct inode *inode = file_user_inode(vma->vm_file);
	dev_t dev = inode->i_sb->s_dev;
	struct taskdiag_vma_file file = {
		.pgoff = (u64)vma->vm_pgoff << PAGE_SHIFT,
		.inode = inode->i_ino,
		.dev_major = MAJOR(dev),
		.dev_minor = MINOR(dev),
	};

	static_assert(sizeof(file) == TASKDIAG_VMA_FILE_SIZE_VER0);
	return nla_put_64bit(skb, TASKDIAG_A_VMA_FILE, sizeof(file), &file,
			     TASKDIAG_A_VMA_PAD);
}

/*
 * Forget the name built last. The cache compares pointers, which hold only
 * while the mmap lock keeps the mappings' files and anon names alive, and
 * it points into a buffer that any other name overwrites.
 */
static void taskdiag_vma_name_forget(struct taskdiag_fill *f)
{
	f->name_file = NULL;
}

/*
 * Consecutive mappings of one file (a library's text, data...) have the
 * same name: build it once. The name maps shows for a file mapping
 * depends only on the file and on an anonymous shmem name.
 */
static const char *taskdiag_vma_name(struct taskdiag_fill *f,
				     struct vm_area_struct *vma)
{
	const struct anon_vma_name *anon;

	/* Not the gate area either: it has no mm to ask for an anon name. */
	if (!vma->vm_file) {
		taskdiag_vma_name_forget(f);
		return proc_vma_name(vma, &f->req->root, f->req->vma_name,
				     PATH_MAX);
	}
	anon = anon_vma_name(vma);
	if (vma->vm_file != f->name_file || anon != f->name_anon) {
		f->name = proc_vma_name(vma, &f->req->root, f->req->vma_name,
					PATH_MAX);
		f->name_file = vma->vm_file;
		f->name_anon = anon;
	}
	return f->name;
}

static int taskdiag_put_vma_name(struct taskdiag_fill *f,
				 struct vm_area_struct *vma)
{
	const char *name = taskdiag_vma_name(f, vma);

	if (IS_ERR(name))
		return nla_put_flag(f->skb, TASKDIAG_A_VMA_NAME_TOO_LONG);
	if (name)
		return nla_put_string(f->skb, TASKDIAG_A_VMA_NAME, name);
	return 0;
}

/* Walks the mapping's page tables, as reading its smaps entry does. */
static int taskdiag_put_vma_stat(struct sk_buff *skb,
				 struct vm_area_struct *vma)
{
	struct proc_vma_stats st;
	struct nlattr *nest;

	proc_vma_stats(vma, &st);

	struct taskdiag_u64 attrs[] = {
		{ TASKDIAG_A_VMA_STAT_RSS, st.rss },
		{ TASKDIAG_A_VMA_STAT_PSS, st.pss },
		{ TASKDIAG_A_VMA_STAT_PSS_DIRTY, st.pss_dirty },
		{ TASKDIAG_A_VMA_STAT_SHARED_CLEAN, st.shared_clean },
		{ TASKDIAG_A_VMA_STAT_SHARED_DIRTY, st.shared_dirty },
		{ TASKDIAG_A_VMA_STAT_PRIVATE_CLEAN, st.private_clean },
		{ TASKDIAG_A_VMA_STAT_PRIVATE_DIRTY, st.private_dirty },
		{ TASKDIAG_A_VMA_STAT_REFERENCED, st.referenced },
		{ TASKDIAG_A_VMA_STAT_ANONYMOUS, st.anonymous },
		{ TASKDIAG_A_VMA_STAT_KSM, st.ksm },
		{ TASKDIAG_A_VMA_STAT_LAZYFREE, st.lazyfree },
		{ TASKDIAG_A_VMA_STAT_ANON_HUGE, st.anon_huge },
		{ TASKDIAG_A_VMA_STAT_SHMEM_PMD_MAPPED, st.shmem_pmd_mapped },
		{ TASKDIAG_A_VMA_STAT_FILE_PMD_MAPPED, st.file_pmd_mapped },
		{ TASKDIAG_A_VMA_STAT_SHARED_HUGETLB, st.shared_hugetlb },
		{ TASKDIAG_A_VMA_STAT_PRIVATE_HUGETLB, st.private_hugetlb },
		{ TASKDIAG_A_VMA_STAT_SWAP, st.swap },
		{ TASKDIAG_A_VMA_STAT_SWAP_PSS, st.swap_pss },
		{ TASKDIAG_A_VMA_STAT_LOCKED, st.locked },
		{ TASKDIAG_A_VMA_STAT_KERNEL_PAGE_SIZE, st.kernel_page_size },
		{ TASKDIAG_A_VMA_STAT_MMU_PAGE_SIZE, st.mmu_page_size },
	};

	nest = nla_nest_start(skb, TASKDIAG_A_VMA_VMA_STAT);
	if (!nest)
		return -EMSGSIZE;
	if (taskdiag_put_counters(skb, attrs, ARRAY_SIZE(attrs),
				  TASKDIAG_A_VMA_STAT_PAD) ||
	    (st.thp_eligible &&
	     nla_put_flag(skb, TASKDIAG_A_VMA_STAT_THP_ELIGIBLE)) ||
	    (st.pkey >= 0 &&
	     nla_put_u32(skb, TASKDIAG_A_VMA_STAT_PROTECTION_KEY, st.pkey))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int taskdiag_put_vma(struct taskdiag_fill *f, struct vm_area_struct *vma)
{
	struct sk_buff *skb = f->skb;
	struct nlattr *nest;

	nest = nla_nest_start(skb, TASKDIAG_A_TASK_VMA);
	if (!nest)
		return -EMSGSIZE;
	if (taskdiag_put_vma_info(skb, vma) ||
	    (vma->vm_file && taskdiag_put_vma_file(skb, vma)) ||
	    taskdiag_put_vma_name(f, vma) ||
	    (f->req->show & BIT_ULL(TASKDIAG_GROUP_VMA_STAT) &&
	     taskdiag_put_vma_stat(skb, vma))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Page walks may take long: let a writer waiting for the lock (a fault
 * that needs it, an mmap) have it, as smaps_rollup does. Returns with the
 * lock held again and @vmi set to re-find the map at @addr, or an error
 * with the lock released.
 */
static int taskdiag_yield_mmap_lock(struct taskdiag_fill *f,
				    struct vma_iterator *vmi,
				    unsigned long addr)
{
	struct mm_struct *mm = f->mm;
	int err;

	mmap_read_unlock(mm);
	taskdiag_vma_name_forget(f);
	err = mmap_read_lock_killable(mm);
	if (!err)
		vma_iter_set(vmi, addr);
	return err;
}

/* One mapping, unless the message is full or the reader is being killed. */
static int taskdiag_put_vma_item(struct taskdiag_fill *f,
				 struct vm_area_struct *vma)
{
	unsigned char *mark = skb_tail_pointer(f->skb);

	if (taskdiag_put_vma(f, vma) || !taskdiag_room_left(f->skb)) {
		nlmsg_trim(f->skb, mark);
		f->pos = vma->vm_start;
		return -EMSGSIZE;
	}
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/*
 * The mappings from f->pos on: the first is the one that ends above it,
 * so that a map read in several messages resumes where the last one
 * ended, as reading /proc/PID/maps in several reads does. Like maps, the
 * gate area (x86's vsyscall page), which is not in the tree, comes last.
 */
static int taskdiag_put_vmas(struct taskdiag_fill *f)
{
	bool walks = f->req->show & BIT_ULL(TASKDIAG_GROUP_VMA_STAT);
	struct mm_struct *mm = f->mm;
	unsigned long from = f->pos;
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	int err;

	err = mmap_read_lock_killable(mm);
	if (err)
		return err;
	taskdiag_vma_name_forget(f);
	vma_iter_init(&vmi, mm, from);
	for_each_vma(vmi, vma) {
		err = taskdiag_put_vma_item(f, vma);
		if (err)
			goto unlock;
		if (!mmap_lock_is_contended(mm))
			continue;
		/*
		 * A writer waits. A dump ends the message here: re-taking the
		 * lock at once, the walk could get it again before the woken
		 * writer runs (readers may take an rwsem from a writer that
		 * was woken but has not run), and the writer would wait for
		 * the whole message. A do has one message to fill: it lets go
		 * between page walks, as smaps_rollup does.
		 */
		if (f->in_dump) {
			f->pos = vma->vm_end;
			err = -EMSGSIZE;
			goto unlock;
		}
		/* If that fails, the lock is no longer held. */
		if (walks && taskdiag_yield_mmap_lock(f, &vmi, vma->vm_end))
			return -EINTR;
	}
	vma = get_gate_vma(mm);
	if (vma && vma->vm_end > from)
		err = taskdiag_put_vma_item(f, vma);
unlock:
	mmap_read_unlock(mm);
	return err;
}

static void taskdiag_exec_unlock(struct taskdiag_fill *f);

/*
 * The memory map pinned when access to it was decided, as mm_access()
 * pins it (see taskdiag_decide()). Page walks may take long: the target's
 * exec, and whoever waits for its exec_update_lock, must not wait for them.
 */
static int taskdiag_fill_vma(struct taskdiag_fill *f)
{
	taskdiag_exec_unlock(f);
	return f->mm ? taskdiag_put_vmas(f) : 0;
}

/* Whether the access rules of the vma groups apply: there is a map to show. */
static bool taskdiag_has_vmas(struct task_struct *task)
{
	return thread_group_leader(task) && !(task->flags & PF_KTHREAD) &&
	       READ_ONCE(task->mm);
}

/*
 * With exec_update_lock held and access decided: the map to report, if the
 * task has one (it leads its group: thread strategies report the map with
 * the leader) and it is not withheld. Decided here once: a thread that
 * becomes the leader by an exec later in the fill gets no map unchecked.
 */
static struct mm_struct *taskdiag_pin_mm(struct taskdiag_fill *f)
{
	if (!(f->req->show & BIT_ULL(TASKDIAG_GROUP_VMA)) ||
	    f->withheld & BIT_ULL(TASKDIAG_GROUP_VMA) ||
	    !taskdiag_has_vmas(f->task))
		return NULL;
	return get_task_mm(f->task);
}
#else
static void taskdiag_vma_flags_init(void)
{
}

static int taskdiag_fill_vma(struct taskdiag_fill *f)
{
	return 0;
}

static bool taskdiag_has_vmas(struct task_struct *task)
{
	return false;
}

static struct mm_struct *taskdiag_pin_mm(struct taskdiag_fill *f)
{
	return NULL;
}
#endif /* CONFIG_PROC_PAGE_MONITOR */

/**
 * struct taskdiag_group_ops - how to return one group
 * @fill: puts the group's data about a task into the message; NULL for a
 *	group that modifies another one's (vma-stat adds to vma's nests)
 * @ptrace_mode: the ptrace_may_access() mode that the requester and the
 *	opener both need for the group's protected data, or 0 if all of it
 *	is visible for every task
 * @may_open: whether credentials that pass @ptrace_mode may also open the
 *	file procfs shows the protected data in, if its mode is stricter
 *	than that check; NULL if not
 * @protects: whether the task has protected data in this group; NULL if
 *	every task has
 */
struct taskdiag_group_ops {
	int (*fill)(struct taskdiag_fill *f);
	unsigned int ptrace_mode;
	bool (*may_open)(const struct cred *cred, struct task_struct *task);
	bool (*protects)(struct task_struct *task);
};

static const struct taskdiag_group_ops taskdiag_groups[] = {
	[TASKDIAG_GROUP_BASE]	  = { .fill = taskdiag_fill_base },
	[TASKDIAG_GROUP_CRED]	  = { .fill = taskdiag_fill_cred },
	[TASKDIAG_GROUP_STAT]	  = { .fill = taskdiag_fill_stat,
				      .ptrace_mode = PTRACE_MODE_READ_FSCREDS,
				      .may_open = TASKDIAG_STAT_MAY_OPEN },
	/* As /proc/PID/maps and smaps: a task without a map has nothing. */
	[TASKDIAG_GROUP_VMA]	  = { .fill = taskdiag_fill_vma,
				      .ptrace_mode = PTRACE_MODE_READ_FSCREDS,
				      .protects = taskdiag_has_vmas },
	[TASKDIAG_GROUP_VMA_STAT] = { .ptrace_mode = PTRACE_MODE_READ_FSCREDS,
				      .protects = taskdiag_has_vmas },
};

/*
 * Groups asked for whose protected data the access rules deny for @task.
 * The groups share one mode: the check, the costly part, is done once.
 */
static u64 taskdiag_withheld(const struct taskdiag_request *req,
			     struct task_struct *task, unsigned long groups)
{
	const struct taskdiag_group_ops *ops;
	unsigned int group, checked = 0;
	bool allowed = true;
	u64 withheld = 0;

	for_each_set_bit(group, &groups, ARRAY_SIZE(taskdiag_groups)) {
		ops = &taskdiag_groups[group];
		if (!ops->ptrace_mode || (ops->protects && !ops->protects(task)))
			continue;
		if (ops->ptrace_mode != checked) {
			allowed = taskdiag_may_access(req, task, ops->ptrace_mode);
			checked = ops->ptrace_mode;
		}
		if (!allowed || (ops->may_open &&
				 !taskdiag_may_open(req, task, ops->may_open)))
			withheld |= BIT_ULL(group);
	}
	return withheld;
}

/* Whether any of @groups has data the access rules protect. */
static bool taskdiag_checks_access(unsigned long groups)
{
	unsigned int group;

	for_each_set_bit(group, &groups, ARRAY_SIZE(taskdiag_groups))
		if (taskdiag_groups[group].ptrace_mode)
			return true;
	return false;
}

/*
 * Fill the groups of one message from cursor @cur on. Returns 0 if the
 * task's data is complete, -EMSGSIZE with @cur moved to where the next
 * message resumes if not.
 */
static int taskdiag_fill_groups(struct taskdiag_fill *f, unsigned long groups,
				struct taskdiag_cursor *cur)
{
	unsigned char *mark;
	unsigned int group;
	int err;

	for_each_set_bit(group, &groups, ARRAY_SIZE(taskdiag_groups)) {
		if (!taskdiag_groups[group].fill)
			continue;
		f->pos = group == cur->group ? cur->pos : 0;
		mark = skb_tail_pointer(f->skb);
		err = taskdiag_groups[group].fill(f);
		/*
		 * Whether it is complete or continues, what the group put must
		 * leave room for the cont flag; if not, it starts over from
		 * where it started in this message, in the next one.
		 */
		if ((!err || err == -EMSGSIZE) && !taskdiag_room_left(f->skb)) {
			nlmsg_trim(f->skb, mark);
			f->pos = group == cur->group ? cur->pos : 0;
			err = -EMSGSIZE;
		}
		if (err) {
			cur->group = group;
			cur->pos = f->pos;
			cur->exec_id = f->exec_id;
			return err;
		}
	}
	return 0;
}

/*
 * Decide, under the task's exec_update_lock as procfs does, which groups'
 * protected data the access rules withhold, and pin the map to report, so
 * that an exec of a set-uid program cannot slip in between the decision
 * and the data. The lock stays held while the groups that read protected
 * data directly from the task (stat's I/O counters, as /proc/PID/io) are
 * filled, and is let go before the map is walked.
 */
static int taskdiag_decide(struct taskdiag_fill *f, unsigned long groups)
{
	int err;

	if (!taskdiag_checks_access(groups))
		return 0;
	f->exec_lock = &f->task->signal->exec_update_lock;
	err = down_read_killable(f->exec_lock);
	if (err) {
		f->exec_lock = NULL;
		return err;
	}
	f->withheld = taskdiag_withheld(f->req, f->task, groups);
	f->mm = taskdiag_pin_mm(f);
	/* An exec changes it with the map, under this lock held for write. */
	f->exec_id = READ_ONCE(f->task->self_exec_id);
	return 0;
}

/*
 * A map that began in an earlier part resumes only if the task has not
 * exec'd since: the new image's mappings above the cursor would be
 * reported as the rest of the old map. As reading /proc/PID/maps across
 * an exec ends at the old map's end, the task's map then ends here.
 */
static void taskdiag_drop_replaced_map(struct taskdiag_fill *f,
				       const struct taskdiag_cursor *cur)
{
	if (!f->mm || cur->group != TASKDIAG_GROUP_VMA || !cur->pos ||
	    cur->exec_id == f->exec_id)
		return;
	mmput(f->mm);
	f->mm = NULL;
}

static void taskdiag_exec_unlock(struct taskdiag_fill *f)
{
	if (f->exec_lock)
		up_read(f->exec_lock);
	f->exec_lock = NULL;
}

/* A task the requester's /proc lists but shows nothing of. */
static int taskdiag_fill_listed(struct sk_buff *skb,
				const struct taskdiag_request *req,
				const struct taskdiag_task_id *id, u32 portid,
				u32 seq, int flags)
{
	const struct taskdiag_u32 ids[] = {
		{ TASKDIAG_A_TASK_PID, id->pid },
		{ TASKDIAG_A_TASK_TGID, id->tgid },
	};
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &taskdiag_nl_family, flags,
			  TASKDIAG_CMD_TASK_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (taskdiag_put_u32s(skb, ids, ARRAY_SIZE(ids)) ||
	    nla_put_u64_64bit(skb, TASKDIAG_A_TASK_WITHHELD, req->show,
			      TASKDIAG_A_TASK_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Whether @task is still the task at the id @id it was found at: not
 * released since (reaped), and still attached to the pid it was found at,
 * which in de_thread() the thread that execs takes over from the leader,
 * leaving it its own old one; a process must also still lead its group.
 * procfs looks a task up at its id on each read and would not show another
 * task there.
 */
static bool taskdiag_still_at_id(const struct taskdiag_request *req,
				 struct task_struct *task,
				 const struct taskdiag_task_id *id)
{
	struct pid *pid;
	bool still;

	rcu_read_lock();
	pid = READ_ONCE(task->thread_pid);
	still = pid && pid->ino == id->ino &&
		(taskdiag_per_thread(req) || thread_group_leader(task));
	rcu_read_unlock();
	return still;
}

/*
 * Put one message about the task @id names, with its data from cursor
 * @cur on. Returns 0 when the task's data is complete; -EMSGSIZE when the
 * message is full, either ending with the cont flag (@cur moved to where
 * the next part starts) or, if it would hold nothing of the task's data,
 * cancelled; -EAGAIN, the message cancelled, if the task was released
 * while it was being filled: then the task at its id is to be looked up
 * again.
 */
static int taskdiag_fill_task(struct sk_buff *skb,
			      const struct taskdiag_request *req,
			      struct task_struct *task,
			      const struct taskdiag_task_id *id,
			      struct taskdiag_cursor *cur, u32 portid, u32 seq,
			      int flags)
{
	struct taskdiag_fill f = { .skb = skb, .req = req, .task = task,
				   .id = *id, .in_dump = flags & NLM_F_MULTI };
	unsigned long groups = req->show & ~(BIT_ULL(cur->group) - 1);
	const struct taskdiag_u32 ids[] = {
		{ TASKDIAG_A_TASK_PID, id->pid },
		{ TASKDIAG_A_TASK_TGID, id->tgid },
	};
	struct taskdiag_cursor start = *cur;
	unsigned int empty;
	void *hdr;
	int err;

	if (id->listed_only)
		return taskdiag_fill_listed(skb, req, id, portid, seq, flags);
	err = taskdiag_decide(&f, groups);
	if (err)
		return err;
	taskdiag_drop_replaced_map(&f, cur);

	err = -EMSGSIZE;
	hdr = genlmsg_put(skb, portid, seq, &taskdiag_nl_family, flags,
			  TASKDIAG_CMD_TASK_GET);
	if (!hdr)
		goto out;
	if (taskdiag_put_u32s(skb, ids, ARRAY_SIZE(ids)) ||
	    (f.withheld && nla_put_u64_64bit(skb, TASKDIAG_A_TASK_WITHHELD,
					     f.withheld, TASKDIAG_A_TASK_PAD)))
		goto cancel;
	empty = skb->len;

	err = taskdiag_fill_groups(&f, groups, cur);
	if ((!err || (err == -EMSGSIZE && skb->len > empty)) &&
	    !taskdiag_still_at_id(req, task, id))
		err = -EAGAIN;
	/* The groups left room for the flag. */
	if (err == -EMSGSIZE && skb->len > empty &&
	    !nla_put_flag(skb, TASKDIAG_A_TASK_CONT)) {
		genlmsg_end(skb, hdr);
		goto out;
	}
	if (!err) {
		genlmsg_end(skb, hdr);
		goto out;
	}
	*cur = start;
cancel:
	genlmsg_cancel(skb, hdr);
out:
	taskdiag_exec_unlock(&f);
	if (f.mm)
		mmput(f.mm);
	return err;
}

/*
 * What the requester's /proc shows of @task, to both the requester and the
 * opener. With no procfs there, the strictest reading (hidepid=ptraceable).
 */
static enum proc_pid_visibility
taskdiag_visibility(const struct taskdiag_request *req, struct task_struct *task)
{
	struct super_block *sb = req->proc.mnt ? req->proc.mnt->mnt_sb : NULL;
	enum proc_pid_visibility vis;

	if (!sb)
		return taskdiag_may_access(req, task, PTRACE_MODE_READ_FSCREDS) ?
		       PROC_PID_VISIBLE : PROC_PID_HIDDEN;
	vis = min(proc_pid_visibility(sb, req->requester, task),
		  proc_pid_visibility(sb, req->opener, task));
	/*
	 * /proc lists threads only in /proc/PID/task, which cannot be read
	 * when /proc/PID cannot.
	 */
	if (vis == PROC_PID_LISTED && taskdiag_per_thread(req))
		vis = PROC_PID_HIDDEN;
	return vis;
}

/*
 * Whether the requester's /proc shows @task: 0, or -ESRCH if it hides it;
 * @id->listed_only if it lists it but shows nothing of it.
 */
static int taskdiag_check_visible(const struct taskdiag_request *req,
				  struct task_struct *task,
				  struct taskdiag_task_id *id)
{
	enum proc_pid_visibility vis = taskdiag_visibility(req, task);

	id->listed_only = vis == PROC_PID_LISTED;
	return vis == PROC_PID_HIDDEN ? -ESRCH : 0;
}

/*
 * What the requester's /proc hides does not exist for it. Of a process it
 * lists but shows nothing of, it shows no children either: the children
 * files in /proc/PID/task cannot be read, and the ppid of a child that is
 * itself only listed is not shown anywhere.
 */
static bool taskdiag_target_visible(const struct taskdiag_request *req,
				    struct task_struct *task)
{
	enum proc_pid_visibility vis = taskdiag_visibility(req, task);

	if (req->strategy == TASKDIAG_DUMP_STRATEGY_CHILDREN)
		return vis == PROC_PID_VISIBLE;
	return vis != PROC_PID_HIDDEN;
}

/* The process named by the pid attribute, for the strategies that need one. */
static int taskdiag_parse_target(struct taskdiag_request *req,
				 const struct genl_info *info)
{
	struct nlattr *attr = info->attrs[TASKDIAG_A_TASK_PID];
	struct task_struct *task;

	switch (req->strategy) {
	case TASKDIAG_DUMP_STRATEGY_ALL:
	case TASKDIAG_DUMP_STRATEGY_ALL_THREAD:
		if (attr) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "pid is not used by this dump strategy");
			return -EINVAL;
		}
		return 0;
	}

	/* Sets the missing attribute's type, but no message. */
	if (GENL_REQ_ATTR_CHECK(info, TASKDIAG_A_TASK_PID)) {
		NL_SET_ERR_MSG(info->extack,
			       "missing attribute: pid is required by this dump strategy");
		return -EINVAL;
	}

	rcu_read_lock();
	task = pid_task(find_pid_ns(nla_get_u32(attr), req->ns), PIDTYPE_PID);
	if (task && taskdiag_target_visible(req, task))
		req->target = get_pid(task_tgid(task));
	rcu_read_unlock();
	if (!req->target) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no such process in the pid namespace");
		return -ESRCH;
	}
	return 0;
}

/*
 * The namespace walked is the active pid namespace of the process whose
 * pid the request carries in SCM_CREDENTIALS. That pid is a number in the
 * sender's namespace, and this runs in the sender's sendmsg().
 */
static int taskdiag_parse_pidns(struct taskdiag_request *req,
				struct sk_buff *skb,
				struct netlink_ext_ack *extack)
{
	struct pid *pid = find_get_pid(NETLINK_CREDS(skb)->pid);

	if (!pid) {
		NL_SET_ERR_MSG(extack, "pid of SCM_CREDENTIALS not found");
		return -ESRCH;
	}
	req->ns = get_pid_ns(ns_of_pid(pid));
	put_pid(pid);
	return 0;
}

/*
 * The procfs instance the requester uses as /proc: the one mounted at
 * /proc from its root when the request arrives, if any. Only the root of
 * a procfs of the namespace walked counts: a procfs of another pid
 * namespace (one an unprivileged user can mount in its own user and pid
 * namespaces) shows none of its tasks, and its hidepid= options are not
 * the administrator's; a bind mount of a procfs subdirectory is no /proc.
 */
static int taskdiag_parse_procfs(struct taskdiag_request *req,
				 struct netlink_ext_ack *extack)
{
	struct path path;
	int err;

	err = kern_path("/proc", LOOKUP_FOLLOW, &path);
	switch (err) {
	case 0:
		break;
	/* Nothing usable at /proc: the strictest reading applies. */
	case -ENOENT:
	case -ENOTDIR:
	case -EACCES:
	case -ELOOP:
		return 0;
	/* Not a reason to show less than /proc would (-ENOMEM, a signal). */
	default:
		NL_SET_ERR_MSG(extack, "cannot look up /proc");
		return err;
	}
	if (path.mnt->mnt_sb->s_magic == PROC_SUPER_MAGIC &&
	    path.dentry == path.mnt->mnt_sb->s_root &&
	    proc_sb_info(path.mnt->mnt_sb)->pid_ns == req->ns)
		req->proc = path;
	else
		path_put(&path);
	return 0;
}

static int taskdiag_parse_creds(struct taskdiag_request *req,
				struct sk_buff *skb,
				struct netlink_ext_ack *extack)
{
	struct socket *sock = NETLINK_CB(skb).sk->sk_socket;

	if (!sock || !sock->file) {
		NL_SET_ERR_MSG(extack, "socket has no opener");
		return -EPERM;
	}
	req->opener = get_cred(sock->file->f_cred);
	req->requester = get_current_cred();
	return 0;
}

static void taskdiag_request_release(struct taskdiag_request *req)
{
	if (req->proc.mnt)
		path_put(&req->proc);
	if (req->root.mnt)
		path_put(&req->root);
	kfree(req->vma_name);
	kfree(req->taskstats);
	put_pid(req->target);
	if (req->opener)
		put_cred(req->opener);
	if (req->requester)
		put_cred(req->requester);
	if (req->ns)
		put_pid_ns(req->ns);
}

/*
 * Capture everything a request depends on. Runs in the sender's context;
 * on error, the caller releases what was captured.
 */
static int taskdiag_request_init(struct taskdiag_request *req,
				 struct sk_buff *skb,
				 const struct genl_info *info, u32 strategy)
{
	struct nlattr *show = info->attrs[TASKDIAG_A_TASK_SHOW_FLAGS];
	int err;

	req->strategy = strategy;
	req->show = show ? nla_get_u64(show) : BIT_ULL(TASKDIAG_GROUP_BASE);
	if (req->show & ~TASKDIAG_SHOW_SUPPORTED) {
		NL_SET_ERR_MSG_ATTR(info->extack, show,
				    "group not supported by this kernel");
		return -EOPNOTSUPP;
	}
	if (req->show & BIT_ULL(TASKDIAG_GROUP_VMA_STAT))
		req->show |= BIT_ULL(TASKDIAG_GROUP_VMA);
	if (req->show & BIT_ULL(TASKDIAG_GROUP_VMA)) {
		req->vma_name = kmalloc(PATH_MAX, GFP_KERNEL);
		if (!req->vma_name)
			return -ENOMEM;
		/* Later chunks run in whoever reads: keep the requester's root. */
		get_fs_root(current->fs, &req->root);
	}
	/* What /proc would add for the requester's time namespace. */
	req->boottime_offset = timens_add_boottime_ns(0);
	if (IS_ENABLED(CONFIG_TASK_DELAY_ACCT) &&
	    req->show & BIT_ULL(TASKDIAG_GROUP_STAT)) {
		req->taskstats = kmalloc(sizeof(*req->taskstats), GFP_KERNEL);
		if (!req->taskstats)
			return -ENOMEM;
	}

	err = taskdiag_parse_pidns(req, skb, info->extack);
	if (err)
		return err;
	err = taskdiag_parse_creds(req, skb, info->extack);
	if (err)
		return err;
	err = taskdiag_parse_procfs(req, info->extack);
	if (err)
		return err;
	return taskdiag_parse_target(req, info);
}

/*
 * The smallest dump message that holds a task's header and one mapping:
 * its name (PATH_MAX at most), its other attributes and its statistics
 * (under 512 bytes).
 */
#define TASKDIAG_VMA_DUMP_SIZE	(PATH_MAX + SZ_1K)

/*
 * A do's reply is built in the first of these buffers that holds it: one
 * page for most tasks, and at most what a reader's 32 KiB dump buffer
 * holds, no more (the allocation is exactly 32 KiB, order 3).
 */
static const unsigned int taskdiag_do_sizes[] = {
	NLMSG_GOODSIZE,
	SKB_WITH_OVERHEAD(SZ_32K),
};

/* The reply to a do in a buffer that holds @size bytes, not one more. */
static int taskdiag_do_reply(struct sk_buff **msgp, unsigned int size,
			     const struct taskdiag_request *req,
			     struct task_struct *task,
			     const struct taskdiag_task_id *id,
			     const struct genl_info *info)
{
	struct taskdiag_cursor cur = {};
	struct sk_buff *msg;
	int err;

	msg = alloc_skb(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	/* alloc_skb() rounds the buffer up: use what was asked for only. */
	skb_reserve(msg, skb_tailroom(msg) - size);
	err = taskdiag_fill_task(msg, req, task, id, &cur, info->snd_portid,
				 info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	*msgp = msg;
	return 0;
}

/* The reply about @task, in the first of taskdiag_do_sizes that holds it. */
static int taskdiag_do_task(struct sk_buff **msgp,
			    const struct taskdiag_request *req,
			    struct task_struct *task,
			    struct taskdiag_task_id *id, struct genl_info *info)
{
	unsigned int i;
	int err;

	err = taskdiag_check_visible(req, task, id);
	if (err)
		return err;
	err = -EMSGSIZE;
	for (i = 0; err == -EMSGSIZE && i < ARRAY_SIZE(taskdiag_do_sizes); i++)
		err = taskdiag_do_reply(msgp, taskdiag_do_sizes[i], req, task,
					id, info);
	return err;
}

int taskdiag_nl_task_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct taskdiag_task_id id = {};
	struct taskdiag_request req = {};
	struct task_struct *task;
	struct sk_buff *msg;
	int err;

	err = taskdiag_request_init(&req, skb, info,
				    TASKDIAG_DUMP_STRATEGY_ONE);
	if (err)
		goto out;

	do {
		err = -ESRCH;
		task = taskdiag_next_one(&req, &id);
		if (!task)
			break;
		err = taskdiag_do_task(&msg, &req, task, &id, info);
		put_task_struct(task);
		if (err == -EAGAIN && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	} while (err == -EAGAIN);
	/*
	 * The process found when the request was parsed has gone since, or
	 * the requester's /proc hides it.
	 */
	if (err == -ESRCH)
		GENL_SET_ERR_MSG(info, "no such process in the pid namespace");
	if (err == -EMSGSIZE)
		GENL_SET_ERR_MSG(info,
				 "task data does not fit one message, use a dump");
	if (!err)
		err = genlmsg_reply(msg, info);
out:
	taskdiag_request_release(&req);
	return err;
}

/**
 * struct taskdiag_dump_ctx - state of a dump between chunks, in cb->ctx
 * @req: the request, allocated in .start and freed in .done
 * @next_nr: the id, in @req->ns, of the task whose data @cur points into,
 *	or from which to look for the next task of the set
 * @split_tgid: tgid of the task @cur points into
 * @cur: where that task's data resumes
 * @split_ino: pid inode of the task @cur points into, to tell it from a
 *	task that reused its pid; 0 when no task is split
 */
struct taskdiag_dump_ctx {
	struct taskdiag_request *req;
	u32 next_nr;
	u32 split_tgid;
	struct taskdiag_cursor cur;
	u64 split_ino;
};

int taskdiag_nl_task_get_start(struct netlink_callback *cb)
{
	const struct genl_info *info = genl_info_dump(cb);
	struct taskdiag_dump_ctx *ctx = (void *)cb->ctx;
	struct nlattr *strategy = info->attrs[TASKDIAG_A_TASK_DUMP_STRATEGY];
	struct taskdiag_request *req;
	int err;

	NL_ASSERT_DUMP_CTX_FITS(struct taskdiag_dump_ctx);

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	err = taskdiag_request_init(req, cb->skb, info,
				    strategy ? nla_get_u32(strategy) :
					       TASKDIAG_DUMP_STRATEGY_ALL);
	if (err) {
		taskdiag_request_release(req);
		kfree(req);
		return err;
	}
	ctx->req = req;
	/* A message must hold one mapping with a PATH_MAX name. */
	if (req->show & BIT_ULL(TASKDIAG_GROUP_VMA))
		cb->min_dump_alloc = TASKDIAG_VMA_DUMP_SIZE;
	return 0;
}

/*
 * The task split over messages ended before its next part: send that part
 * empty, with pid and tgid only, so that a reader never waits for a part
 * that will not come.
 */
static int taskdiag_end_split(struct sk_buff *skb, struct netlink_callback *cb,
			      struct taskdiag_dump_ctx *ctx)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &taskdiag_nl_family, NLM_F_MULTI,
			  TASKDIAG_CMD_TASK_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TASKDIAG_A_TASK_PID, ctx->next_nr) ||
	    nla_put_u32(skb, TASKDIAG_A_TASK_TGID, ctx->split_tgid)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	ctx->cur = (struct taskdiag_cursor){};
	ctx->split_ino = 0;
	return 0;
}

/*
 * The next task of the set and its ids (in @id, with the error of
 * taskdiag_check_visible() in @vis_err), or NULL at the end of the set.
 */
static struct task_struct *taskdiag_dump_next(struct taskdiag_dump_ctx *ctx,
					      struct taskdiag_task_id *id,
					      int *vis_err)
{
	struct task_struct *task;

	id->pid = ctx->next_nr;
	task = taskdiag_iters[ctx->req->strategy](ctx->req, id);
	if (task)
		*vis_err = taskdiag_check_visible(ctx->req, task, id);
	return task;
}

/*
 * One task, or its next part, unless taskdiag_check_visible() failed
 * with @vis_err; moves the dump's state past what went out. A task
 * released while it was filled leaves the state as it was: the next task
 * is looked for at its id again.
 */
static int taskdiag_dump_task(struct sk_buff *skb, struct netlink_callback *cb,
			      struct taskdiag_dump_ctx *ctx,
			      struct task_struct *task,
			      const struct taskdiag_task_id *id, int vis_err)
{
	struct taskdiag_cursor start = ctx->cur;
	int err = vis_err;

	if (!err)
		err = taskdiag_fill_task(skb, ctx->req, task, id, &ctx->cur,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI);
	if (err == -EMSGSIZE) {
		/* Unless the message was cancelled, a part went out. */
		if (ctx->cur.group != start.group || ctx->cur.pos != start.pos) {
			ctx->split_ino = id->ino;
			ctx->split_tgid = id->tgid;
		}
		return err;
	}
	/* Released while it was filled: look again at its id. */
	if (err == -EAGAIN)
		return 0;
	/* Hidden: as if it did not exist. */
	if (err == -ESRCH)
		err = ctx->split_ino ? taskdiag_end_split(skb, cb, ctx) : 0;
	if (err)
		return err;
	ctx->cur = (struct taskdiag_cursor){};
	ctx->split_ino = 0;
	ctx->next_nr++;
	return 0;
}

int taskdiag_nl_task_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct taskdiag_dump_ctx *ctx = (void *)cb->ctx;
	struct taskdiag_task_id id;
	struct task_struct *task;
	int err = 0, vis_err;

	do {
		task = taskdiag_dump_next(ctx, &id, &vis_err);
		/* A task split over messages may have ended in between. */
		if (ctx->split_ino &&
		    (!task || id.pid != ctx->next_nr ||
		     id.ino != ctx->split_ino)) {
			err = taskdiag_end_split(skb, cb, ctx);
			if (err)
				break;
		}
		if (!task)
			break;
		ctx->next_nr = id.pid;
		err = taskdiag_dump_task(skb, cb, ctx, task, &id, vis_err);
		put_task_struct(task);
		task = NULL;
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	} while (!err);

	if (task)
		put_task_struct(task);
	/* With messages in the skb, -EMSGSIZE means "more to come". */
	if (err == -EMSGSIZE && !skb->len)
		NL_SET_ERR_MSG(cb->extack,
			       "task data does not fit an empty message");
	return err;
}

int taskdiag_nl_task_get_done(struct netlink_callback *cb)
{
	struct taskdiag_dump_ctx *ctx = (void *)cb->ctx;

	if (ctx->req) {
		taskdiag_request_release(ctx->req);
		kfree(ctx->req);
	}
	return 0;
}

static int __init taskdiag_init(void)
{
	taskdiag_vma_flags_init();
	return genl_register_family(&taskdiag_nl_family);
}
subsys_initcall(taskdiag_init);
