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
#include <linux/kthread.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/time_namespace.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "taskdiag-nl-gen.h"

/* Groups this kernel can return. */
#define TASKDIAG_SHOW_SUPPORTED		BIT_ULL(TASKDIAG_GROUP_BASE)

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
 */
struct taskdiag_request {
	struct pid_namespace *ns;
	const struct cred *requester;
	const struct cred *opener;
	struct pid *target;
	u64 show;
	u32 strategy;
	u64 boottime_offset;
};

/**
 * struct taskdiag_dump_ctx - state of a dump between chunks, in cb->ctx
 * @req: the request, allocated in .start and freed in .done
 * @next_nr: cursor: the id, in @req->ns, from which to look for the next
 *	task of the set
 */
struct taskdiag_dump_ctx {
	struct taskdiag_request *req;
	u32 next_nr;
};

/*
 * Iterators, one per strategy. Each returns, with a reference held, the
 * task of the request's set with the smallest id >= *@nr, and sets *@nr to
 * that id; NULL when there is none. Ids are pids for processes and tids
 * for threads, numbers in the request's namespace.
 */
typedef struct task_struct *(taskdiag_iter_t)(const struct taskdiag_request *req,
					      u32 *nr);

/* The task with the smallest id >= *nr attached to @pid's @type. */
static struct task_struct *taskdiag_next_by_pid(struct pid_namespace *ns,
						u32 *nr, enum pid_type type)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	while (!task && (pid = find_ge_pid(*nr, ns))) {
		*nr = pid_nr_ns(pid, ns);
		/* Non-NULL for PIDTYPE_TGID only if @pid is a leader's. */
		task = pid_task(pid, type);
		if (task)
			get_task_struct(task);
		else
			(*nr)++;
	}
	rcu_read_unlock();
	return task;
}

static struct task_struct *taskdiag_next_process(const struct taskdiag_request *req,
						 u32 *nr)
{
	return taskdiag_next_by_pid(req->ns, nr, PIDTYPE_TGID);
}

/*
 * Threads in tid order over the whole namespace rather than grouped by
 * process: one ordered walk of the pid map gives every thread exactly once
 * with a cursor of one number.
 */
static struct task_struct *taskdiag_next_any_thread(const struct taskdiag_request *req,
						    u32 *nr)
{
	return taskdiag_next_by_pid(req->ns, nr, PIDTYPE_PID);
}

/* Keep @task as *best if its id is >= @nr and smaller than *best's. */
static void taskdiag_keep_lowest(const struct taskdiag_request *req, u32 nr,
				 struct task_struct *task,
				 struct task_struct **best, u32 *best_nr)
{
	u32 id = task_pid_nr_ns(task, req->ns);

	if (id && id >= nr && (!*best || id < *best_nr)) {
		*best = task;
		*best_nr = id;
	}
}

/* Take a reference on the task picked, and move the cursor to its id. */
static struct task_struct *taskdiag_take(struct task_struct *best, u32 best_nr,
					 u32 *nr)
{
	if (best) {
		get_task_struct(best);
		*nr = best_nr;
	}
	return best;
}

/*
 * Thread lists are in creation order, not tid order, so finding the next
 * tid takes a pass over the list: O(threads) per thread reported, in
 * exchange for a cursor that survives threads exiting between chunks.
 */
static struct task_struct *taskdiag_next_thread(const struct taskdiag_request *req,
						u32 *nr)
{
	struct task_struct *leader, *t, *best = NULL;
	u32 best_nr = 0;

	rcu_read_lock();
	leader = pid_task(req->target, PIDTYPE_TGID);
	if (leader) {
		for_each_thread(leader, t)
			taskdiag_keep_lowest(req, *nr, t, &best, &best_nr);
	}
	best = taskdiag_take(best, best_nr, nr);
	rcu_read_unlock();
	return best;
}

/*
 * Children of any thread of the process, as /proc/PID/task/TID/children
 * lists them: ->children links only thread-group leaders, and is protected
 * by tasklist_lock, not RCU.
 */
static struct task_struct *taskdiag_next_child(const struct taskdiag_request *req,
					       u32 *nr)
{
	struct task_struct *leader, *t, *child, *best = NULL;
	u32 best_nr = 0;

	read_lock(&tasklist_lock);
	leader = pid_task(req->target, PIDTYPE_TGID);
	if (leader) {
		for_each_thread(leader, t) {
			list_for_each_entry(child, &t->children, sibling)
				taskdiag_keep_lowest(req, *nr, child, &best,
						     &best_nr);
		}
	}
	best = taskdiag_take(best, best_nr, nr);
	read_unlock(&tasklist_lock);
	return best;
}

static struct task_struct *taskdiag_next_one(const struct taskdiag_request *req,
					     u32 *nr)
{
	struct task_struct *leader, *best = NULL;
	u32 best_nr = 0;

	rcu_read_lock();
	leader = pid_task(req->target, PIDTYPE_TGID);
	if (leader)
		taskdiag_keep_lowest(req, *nr, leader, &best, &best_nr);
	best = taskdiag_take(best, best_nr, nr);
	rcu_read_unlock();
	return best;
}

static taskdiag_iter_t * const taskdiag_iters[] = {
	[TASKDIAG_DUMP_STRATEGY_ALL]		= taskdiag_next_process,
	[TASKDIAG_DUMP_STRATEGY_ALL_THREAD]	= taskdiag_next_any_thread,
	[TASKDIAG_DUMP_STRATEGY_CHILDREN]	= taskdiag_next_child,
	[TASKDIAG_DUMP_STRATEGY_THREAD]		= taskdiag_next_thread,
	[TASKDIAG_DUMP_STRATEGY_ONE]		= taskdiag_next_one,
};

/*
 * Access checks are evaluated for the captured credentials, not for
 * current: a later chunk runs in whoever reads the socket.
 */
static bool taskdiag_cred_may_access(const struct cred *cred,
				     struct task_struct *task, unsigned int mode)
{
	const struct cred *old = override_creds(cred);
	bool allowed = ptrace_may_access(task, mode);

	revert_creds(old);
	return allowed;
}

/*
 * A check passes only if it passes for both the requester and the opener
 * of the socket, as netlink_ns_capable() does for capabilities: whoever
 * writes to a socket someone else opened gains nothing, and neither does
 * a process that dropped its privileges after opening one.
 */
static bool taskdiag_may_access(const struct taskdiag_request *req,
				struct task_struct *task, unsigned int mode)
{
	return taskdiag_cred_may_access(req->requester, task, mode) &&
	       taskdiag_cred_may_access(req->opener, task, mode);
}

/* The name stat field 2 shows, which for kernel threads may exceed comm. */
static void taskdiag_get_comm(char *buf, size_t size, struct task_struct *task)
{
	/* Workqueue workers are kernel threads too: test them first. */
	if (task->flags & PF_WQ_WORKER)
		wq_worker_comm(buf, size, task);
	else if (task->flags & PF_KTHREAD)
		get_kthread_comm(buf, size, task);
	else
		__get_task_comm(buf, size, task);
}

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

/* ->thread_pid is cleared when the task is reaped; the pid is RCU-freed. */
static u64 taskdiag_pid_ino(struct task_struct *task)
{
	struct pid *pid;
	u64 ino = 0;

	rcu_read_lock();
	pid = READ_ONCE(task->thread_pid);
	if (pid)
		ino = pid->ino;
	rcu_read_unlock();
	return ino;
}

static u32 taskdiag_tracer_nr(struct task_struct *task, struct pid_namespace *ns)
{
	struct task_struct *tracer;
	u32 nr = 0;

	rcu_read_lock();
	tracer = ptrace_parent(task);
	if (tracer)
		nr = task_pid_nr_ns(tracer, ns);
	rcu_read_unlock();
	return nr;
}

static int taskdiag_fill_base(struct sk_buff *skb,
			      const struct taskdiag_request *req,
			      struct task_struct *task)
{
	struct pid_namespace *ns = req->ns;
	struct nlattr *nest;
	char comm[64];

	taskdiag_get_comm(comm, sizeof(comm), task);

	nest = nla_nest_start(skb, TASKDIAG_A_TASK_BASE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, TASKDIAG_A_BASE_PPID, task_ppid_nr_ns(task, ns)) ||
	    nla_put_u32(skb, TASKDIAG_A_BASE_TPID, taskdiag_tracer_nr(task, ns)) ||
	    nla_put_u32(skb, TASKDIAG_A_BASE_SID, task_session_nr_ns(task, ns)) ||
	    nla_put_u32(skb, TASKDIAG_A_BASE_PGID, task_pgrp_nr_ns(task, ns)) ||
	    nla_put_u8(skb, TASKDIAG_A_BASE_STATE, task_state_index(task)) ||
	    nla_put_string(skb, TASKDIAG_A_BASE_COMM, comm) ||
	    nla_put_u64_64bit(skb, TASKDIAG_A_BASE_START_TIME,
			      task->start_boottime + req->boottime_offset,
			      TASKDIAG_A_BASE_PAD) ||
	    nla_put_u32(skb, TASKDIAG_A_BASE_FLAGS, taskdiag_task_flags(task)) ||
	    nla_put_u64_64bit(skb, TASKDIAG_A_BASE_PID_INO,
			      taskdiag_pid_ino(task), TASKDIAG_A_BASE_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * struct taskdiag_group_ops - how to return one group
 * @fill: puts the group's attributes for a task into the message
 * @ptrace_mode: the ptrace_may_access() mode the requester and the opener
 *	both need for the task, or 0 if every task's group is visible
 */
struct taskdiag_group_ops {
	int (*fill)(struct sk_buff *skb, const struct taskdiag_request *req,
		    struct task_struct *task);
	unsigned int ptrace_mode;
};

static const struct taskdiag_group_ops taskdiag_groups[] = {
	[TASKDIAG_GROUP_BASE] = { .fill = taskdiag_fill_base },
};

/* Groups asked for that the access rules withhold for @task. */
static u64 taskdiag_withheld(const struct taskdiag_request *req,
			     struct task_struct *task)
{
	unsigned long show = req->show;
	unsigned int group;
	u64 withheld = 0;

	for_each_set_bit(group, &show, ARRAY_SIZE(taskdiag_groups)) {
		unsigned int mode = taskdiag_groups[group].ptrace_mode;

		if (mode && !taskdiag_may_access(req, task, mode))
			withheld |= BIT_ULL(group);
	}
	return withheld;
}

/*
 * Put one message about @task. Returns -ESRCH, and puts nothing, if the
 * task was reaped since it was found: it no longer has ids to report.
 */
static int taskdiag_fill_task(struct sk_buff *skb,
			      const struct taskdiag_request *req,
			      struct task_struct *task, u32 portid, u32 seq,
			      int flags)
{
	u32 pid = task_pid_nr_ns(task, req->ns);
	u32 tgid = task_tgid_nr_ns(task, req->ns);
	unsigned long show;
	unsigned int group;
	u64 withheld;
	void *hdr;
	int err;

	if (!pid || !tgid)
		return -ESRCH;

	hdr = genlmsg_put(skb, portid, seq, &taskdiag_nl_family, flags,
			  TASKDIAG_CMD_TASK_GET);
	if (!hdr)
		return -EMSGSIZE;

	withheld = taskdiag_withheld(req, task);
	if (nla_put_u32(skb, TASKDIAG_A_TASK_PID, pid) ||
	    nla_put_u32(skb, TASKDIAG_A_TASK_TGID, tgid) ||
	    (withheld && nla_put_u64_64bit(skb, TASKDIAG_A_TASK_WITHHELD,
					   withheld, TASKDIAG_A_TASK_PAD))) {
		err = -EMSGSIZE;
		goto cancel;
	}

	show = req->show & ~withheld;
	for_each_set_bit(group, &show, ARRAY_SIZE(taskdiag_groups)) {
		err = taskdiag_groups[group].fill(skb, req, task);
		if (err)
			goto cancel;
	}

	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return err;
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

	if (GENL_REQ_ATTR_CHECK(info, TASKDIAG_A_TASK_PID))
		return -EINVAL;

	rcu_read_lock();
	task = pid_task(find_pid_ns(nla_get_u32(attr), req->ns), PIDTYPE_PID);
	if (task)
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
	/* What /proc would add for the requester's time namespace. */
	req->boottime_offset = timens_add_boottime_ns(0);

	err = taskdiag_parse_pidns(req, skb, info->extack);
	if (err)
		return err;
	err = taskdiag_parse_creds(req, skb, info->extack);
	if (err)
		return err;
	return taskdiag_parse_target(req, info);
}

int taskdiag_nl_task_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct taskdiag_request req = {};
	struct task_struct *task;
	struct sk_buff *msg;
	u32 nr = 0;
	int err;

	err = taskdiag_request_init(&req, skb, info,
				    TASKDIAG_DUMP_STRATEGY_ONE);
	if (err)
		goto out;

	err = -ESRCH;
	task = taskdiag_next_one(&req, &nr);
	if (!task)
		goto out;

	err = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (msg)
		err = taskdiag_fill_task(msg, &req, task, info->snd_portid,
					 info->snd_seq, 0);
	put_task_struct(task);
	if (err) {
		nlmsg_free(msg);
		if (err == -EMSGSIZE)
			GENL_SET_ERR_MSG(info,
					 "task data does not fit one message, use a dump");
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	taskdiag_request_release(&req);
	return err;
}

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
	ctx->next_nr = 0;
	return 0;
}

int taskdiag_nl_task_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct taskdiag_dump_ctx *ctx = (void *)cb->ctx;
	const struct taskdiag_request *req = ctx->req;
	taskdiag_iter_t *next = taskdiag_iters[req->strategy];
	struct task_struct *task;
	int err = 0;

	while ((task = next(req, &ctx->next_nr))) {
		err = taskdiag_fill_task(skb, req, task,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI);
		put_task_struct(task);
		if (err == -ESRCH)
			err = 0;
		if (err)
			break;
		ctx->next_nr++;

		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}

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
	return genl_register_family(&taskdiag_nl_family);
}
subsys_initcall(taskdiag_init);
