/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/taskdiag.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TASKDIAG_H
#define _UAPI_LINUX_TASKDIAG_H

#define TASKDIAG_FAMILY_NAME	"taskdiag"
#define TASKDIAG_FAMILY_VERSION	1

/**
 * enum taskdiag_group - Groups of attributes a request can ask for. A
 *   request's show-flags carry 1 << value for each group.
 * @TASKDIAG_GROUP_BASE: Identity, relations, state and name of the task (as
 *   /proc/PID/stat).
 * @TASKDIAG_GROUP_CRED: Credentials (as the credential lines of
 *   /proc/PID/status).
 * @TASKDIAG_GROUP_STAT: CPU, fault, scheduling and I/O statistics.
 * @TASKDIAG_GROUP_VMA: The memory map (as /proc/PID/maps).
 * @TASKDIAG_GROUP_VMA_STAT: Per-mapping memory statistics (as
 *   /proc/PID/smaps); implies vma.
 */
enum taskdiag_group {
	TASKDIAG_GROUP_BASE,
	TASKDIAG_GROUP_CRED,
	TASKDIAG_GROUP_STAT,
	TASKDIAG_GROUP_VMA,
	TASKDIAG_GROUP_VMA_STAT,
};

/**
 * enum taskdiag_dump_strategy - Which tasks a request returns.
 * @TASKDIAG_DUMP_STRATEGY_ALL: Every process (thread-group leader) of the pid
 *   namespace.
 * @TASKDIAG_DUMP_STRATEGY_ALL_THREAD: Every thread of every process of the pid
 *   namespace.
 * @TASKDIAG_DUMP_STRATEGY_CHILDREN: The children of process pid, i.e. the
 *   children of all its threads, as the children files of /proc/PID/task list
 *   them.
 * @TASKDIAG_DUMP_STRATEGY_THREAD: Every thread of process pid.
 * @TASKDIAG_DUMP_STRATEGY_ONE: Process pid only.
 */
enum taskdiag_dump_strategy {
	TASKDIAG_DUMP_STRATEGY_ALL,
	TASKDIAG_DUMP_STRATEGY_ALL_THREAD,
	TASKDIAG_DUMP_STRATEGY_CHILDREN,
	TASKDIAG_DUMP_STRATEGY_THREAD,
	TASKDIAG_DUMP_STRATEGY_ONE,
};

/**
 * enum taskdiag_task_state - Scheduler state of a task, in the order of the
 *   letters of the third field of /proc/PID/stat: R S D T t X Z P I.
 */
enum taskdiag_task_state {
	TASKDIAG_TASK_STATE_RUNNING,
	TASKDIAG_TASK_STATE_SLEEPING,
	TASKDIAG_TASK_STATE_DISK_SLEEP,
	TASKDIAG_TASK_STATE_STOPPED,
	TASKDIAG_TASK_STATE_TRACING_STOP,
	TASKDIAG_TASK_STATE_DEAD,
	TASKDIAG_TASK_STATE_ZOMBIE,
	TASKDIAG_TASK_STATE_PARKED,
	TASKDIAG_TASK_STATE_IDLE,
};

/**
 * enum taskdiag_task_flags - Properties of a task.
 * @TASKDIAG_TASK_FLAGS_KTHREAD: A kernel thread (PF_KTHREAD); it has no memory
 *   map.
 * @TASKDIAG_TASK_FLAGS_USER_WORKER: A kernel worker thread of a user process
 *   (PF_USER_WORKER).
 * @TASKDIAG_TASK_FLAGS_EXITING: The task is exiting (PF_EXITING).
 */
enum taskdiag_task_flags {
	TASKDIAG_TASK_FLAGS_KTHREAD = 1,
	TASKDIAG_TASK_FLAGS_USER_WORKER = 2,
	TASKDIAG_TASK_FLAGS_EXITING = 4,
};

enum {
	TASKDIAG_A_TASK_PAD = 1,
	TASKDIAG_A_TASK_PID,
	TASKDIAG_A_TASK_TGID,
	TASKDIAG_A_TASK_SHOW_FLAGS,
	TASKDIAG_A_TASK_DUMP_STRATEGY,
	TASKDIAG_A_TASK_CONT,
	TASKDIAG_A_TASK_WITHHELD,
	TASKDIAG_A_TASK_BASE,

	__TASKDIAG_A_TASK_MAX,
	TASKDIAG_A_TASK_MAX = (__TASKDIAG_A_TASK_MAX - 1)
};

enum {
	TASKDIAG_A_BASE_PAD = 1,
	TASKDIAG_A_BASE_PPID,
	TASKDIAG_A_BASE_TPID,
	TASKDIAG_A_BASE_SID,
	TASKDIAG_A_BASE_PGID,
	TASKDIAG_A_BASE_STATE,
	TASKDIAG_A_BASE_COMM,
	TASKDIAG_A_BASE_START_TIME,
	TASKDIAG_A_BASE_FLAGS,
	TASKDIAG_A_BASE_PID_INO,

	__TASKDIAG_A_BASE_MAX,
	TASKDIAG_A_BASE_MAX = (__TASKDIAG_A_BASE_MAX - 1)
};

enum {
	TASKDIAG_CMD_TASK_GET = 1,

	__TASKDIAG_CMD_MAX,
	TASKDIAG_CMD_MAX = (__TASKDIAG_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_TASKDIAG_H */
