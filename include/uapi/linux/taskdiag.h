/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/taskdiag.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TASKDIAG_H
#define _UAPI_LINUX_TASKDIAG_H

#include <linux/types.h>

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
 * enum taskdiag_dump_strategy - Which tasks a request returns. A dump reports
 *   each task of the set that exists for the whole dump and keeps its id
 *   exactly once, in id order. A thread that calls execve() while another
 *   leads its group takes the leader's id: the thread strategies may then
 *   report it under both ids (its own below the leader's) or under neither
 *   (above); see Documentation/userspace-api/taskdiag.rst.
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
 * @TASKDIAG_TASK_STATE_RUNNING: R: running or runnable.
 * @TASKDIAG_TASK_STATE_SLEEPING: S: interruptible sleep.
 * @TASKDIAG_TASK_STATE_DISK_SLEEP: D: uninterruptible sleep.
 * @TASKDIAG_TASK_STATE_STOPPED: T: stopped by a signal.
 * @TASKDIAG_TASK_STATE_TRACING_STOP: t: stopped by a tracer.
 * @TASKDIAG_TASK_STATE_DEAD: X: dead.
 * @TASKDIAG_TASK_STATE_ZOMBIE: Z: exited, not yet reaped.
 * @TASKDIAG_TASK_STATE_PARKED: P: a parked kernel thread.
 * @TASKDIAG_TASK_STATE_IDLE: I: an idle kernel thread.
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

/**
 * enum taskdiag_seccomp_mode - Seccomp mode of a task, as the Seccomp line of
 *   /proc/PID/status.
 * @TASKDIAG_SECCOMP_MODE_DISABLED: No seccomp (SECCOMP_MODE_DISABLED).
 * @TASKDIAG_SECCOMP_MODE_STRICT: Strict mode (SECCOMP_MODE_STRICT).
 * @TASKDIAG_SECCOMP_MODE_FILTER: Filter mode (SECCOMP_MODE_FILTER).
 */
enum taskdiag_seccomp_mode {
	TASKDIAG_SECCOMP_MODE_DISABLED,
	TASKDIAG_SECCOMP_MODE_STRICT,
	TASKDIAG_SECCOMP_MODE_FILTER,
};

/**
 * enum taskdiag_sched_policy - Scheduling policy of a task (SCHED_*), as stat
 *   field 41.
 * @TASKDIAG_SCHED_POLICY_NORMAL: SCHED_NORMAL (SCHED_OTHER).
 * @TASKDIAG_SCHED_POLICY_FIFO: SCHED_FIFO.
 * @TASKDIAG_SCHED_POLICY_RR: SCHED_RR.
 * @TASKDIAG_SCHED_POLICY_BATCH: SCHED_BATCH.
 * @TASKDIAG_SCHED_POLICY_ISO: Reserved (SCHED_ISO, not implemented).
 * @TASKDIAG_SCHED_POLICY_IDLE: SCHED_IDLE.
 * @TASKDIAG_SCHED_POLICY_DEADLINE: SCHED_DEADLINE.
 * @TASKDIAG_SCHED_POLICY_EXT: SCHED_EXT.
 */
enum taskdiag_sched_policy {
	TASKDIAG_SCHED_POLICY_NORMAL,
	TASKDIAG_SCHED_POLICY_FIFO,
	TASKDIAG_SCHED_POLICY_RR,
	TASKDIAG_SCHED_POLICY_BATCH,
	TASKDIAG_SCHED_POLICY_ISO,
	TASKDIAG_SCHED_POLICY_IDLE,
	TASKDIAG_SCHED_POLICY_DEADLINE,
	TASKDIAG_SCHED_POLICY_EXT,
};

/**
 * enum taskdiag_vma_flag - Properties of a mapping, one for each two-letter
 *   code the VmFlags line of /proc/PID/smaps can show on 6.12 (the code begins
 *   each entry's doc). The values are fixed for good; a kernel flag without a
 *   code is never reported, one whose code has no value here is reported as
 *   unknown. The flags attribute of a vma carries 1 << value for each.
 * @TASKDIAG_VMA_FLAG_READ: rd: Readable (VM_READ).
 * @TASKDIAG_VMA_FLAG_WRITE: wr: Writable (VM_WRITE).
 * @TASKDIAG_VMA_FLAG_EXEC: ex: Executable (VM_EXEC).
 * @TASKDIAG_VMA_FLAG_SHARED: sh: Shared (VM_SHARED).
 * @TASKDIAG_VMA_FLAG_MAY_READ: mr: May be made readable (VM_MAYREAD).
 * @TASKDIAG_VMA_FLAG_MAY_WRITE: mw: May be made writable (VM_MAYWRITE).
 * @TASKDIAG_VMA_FLAG_MAY_EXEC: me: May be made executable (VM_MAYEXEC).
 * @TASKDIAG_VMA_FLAG_MAY_SHARE: ms: May be shared (VM_MAYSHARE).
 * @TASKDIAG_VMA_FLAG_GROWS_DOWN: gd: Stack segment that grows down
 *   (VM_GROWSDOWN).
 * @TASKDIAG_VMA_FLAG_PFN_MAP: pf: Pure PFN range (VM_PFNMAP).
 * @TASKDIAG_VMA_FLAG_LOCKED: lo: Pages are locked in memory (VM_LOCKED).
 * @TASKDIAG_VMA_FLAG_IO: io: Memory-mapped I/O area (VM_IO).
 * @TASKDIAG_VMA_FLAG_SEQ_READ: sr: Sequential read advised (VM_SEQ_READ).
 * @TASKDIAG_VMA_FLAG_RAND_READ: rr: Random read advised (VM_RAND_READ).
 * @TASKDIAG_VMA_FLAG_DONT_COPY: dc: Not copied on fork (VM_DONTCOPY).
 * @TASKDIAG_VMA_FLAG_DONT_EXPAND: de: Not expanded by mremap (VM_DONTEXPAND).
 * @TASKDIAG_VMA_FLAG_LOCK_ON_FAULT: lf: Locked as pages fault in
 *   (VM_LOCKONFAULT).
 * @TASKDIAG_VMA_FLAG_ACCOUNT: ac: Accounted as committed memory (VM_ACCOUNT).
 * @TASKDIAG_VMA_FLAG_NO_RESERVE: nr: No swap space reserved (VM_NORESERVE).
 * @TASKDIAG_VMA_FLAG_HUGETLB: ht: Hugetlb mapping (VM_HUGETLB).
 * @TASKDIAG_VMA_FLAG_SYNC: sf: Synchronous page faults (VM_SYNC).
 * @TASKDIAG_VMA_FLAG_ARCH_1: ar: Architecture-specific flag (VM_ARCH_1).
 * @TASKDIAG_VMA_FLAG_WIPE_ON_FORK: wf: Wiped in the child on fork
 *   (VM_WIPEONFORK).
 * @TASKDIAG_VMA_FLAG_DONT_DUMP: dd: Left out of core dumps (VM_DONTDUMP).
 * @TASKDIAG_VMA_FLAG_ARM64_BTI: bt: arm64 Branch Target Identification guarded
 *   (VM_ARM64_BTI).
 * @TASKDIAG_VMA_FLAG_SOFT_DIRTY: sd: Soft-dirty (VM_SOFTDIRTY).
 * @TASKDIAG_VMA_FLAG_MIXED_MAP: mm: Mixed map (VM_MIXEDMAP).
 * @TASKDIAG_VMA_FLAG_HUGEPAGE: hg: Transparent huge pages advised
 *   (VM_HUGEPAGE).
 * @TASKDIAG_VMA_FLAG_NO_HUGEPAGE: nh: Transparent huge pages advised against
 *   (VM_NOHUGEPAGE).
 * @TASKDIAG_VMA_FLAG_MERGEABLE: mg: KSM may merge its pages (VM_MERGEABLE).
 * @TASKDIAG_VMA_FLAG_UFFD_MISSING: um: userfaultfd missing-page tracking
 *   (VM_UFFD_MISSING).
 * @TASKDIAG_VMA_FLAG_UFFD_WP: uw: userfaultfd write-protect tracking
 *   (VM_UFFD_WP).
 * @TASKDIAG_VMA_FLAG_ARM64_MTE: mt: arm64 Memory Tagging Extension tags
 *   enabled (VM_MTE).
 * @TASKDIAG_VMA_FLAG_UFFD_MINOR: ui: userfaultfd minor-fault tracking
 *   (VM_UFFD_MINOR).
 * @TASKDIAG_VMA_FLAG_SHADOW_STACK: ss: Shadow stack (VM_SHADOW_STACK).
 * @TASKDIAG_VMA_FLAG_DROPPABLE: dp: Droppable under memory pressure
 *   (VM_DROPPABLE).
 * @TASKDIAG_VMA_FLAG_SEALED: sl: Sealed against changes (VM_SEALED).
 * @TASKDIAG_VMA_FLAG_UNKNOWN: The mapping has a flag whose smaps code this
 *   version of the enum has no value for (one a later kernel added before its
 *   spec did): its code is on the VmFlags line of smaps.
 */
enum taskdiag_vma_flag {
	TASKDIAG_VMA_FLAG_READ,
	TASKDIAG_VMA_FLAG_WRITE,
	TASKDIAG_VMA_FLAG_EXEC,
	TASKDIAG_VMA_FLAG_SHARED,
	TASKDIAG_VMA_FLAG_MAY_READ,
	TASKDIAG_VMA_FLAG_MAY_WRITE,
	TASKDIAG_VMA_FLAG_MAY_EXEC,
	TASKDIAG_VMA_FLAG_MAY_SHARE,
	TASKDIAG_VMA_FLAG_GROWS_DOWN,
	TASKDIAG_VMA_FLAG_PFN_MAP,
	TASKDIAG_VMA_FLAG_LOCKED,
	TASKDIAG_VMA_FLAG_IO,
	TASKDIAG_VMA_FLAG_SEQ_READ,
	TASKDIAG_VMA_FLAG_RAND_READ,
	TASKDIAG_VMA_FLAG_DONT_COPY,
	TASKDIAG_VMA_FLAG_DONT_EXPAND,
	TASKDIAG_VMA_FLAG_LOCK_ON_FAULT,
	TASKDIAG_VMA_FLAG_ACCOUNT,
	TASKDIAG_VMA_FLAG_NO_RESERVE,
	TASKDIAG_VMA_FLAG_HUGETLB,
	TASKDIAG_VMA_FLAG_SYNC,
	TASKDIAG_VMA_FLAG_ARCH_1,
	TASKDIAG_VMA_FLAG_WIPE_ON_FORK,
	TASKDIAG_VMA_FLAG_DONT_DUMP,
	TASKDIAG_VMA_FLAG_ARM64_BTI,
	TASKDIAG_VMA_FLAG_SOFT_DIRTY,
	TASKDIAG_VMA_FLAG_MIXED_MAP,
	TASKDIAG_VMA_FLAG_HUGEPAGE,
	TASKDIAG_VMA_FLAG_NO_HUGEPAGE,
	TASKDIAG_VMA_FLAG_MERGEABLE,
	TASKDIAG_VMA_FLAG_UFFD_MISSING,
	TASKDIAG_VMA_FLAG_UFFD_WP,
	TASKDIAG_VMA_FLAG_ARM64_MTE,
	TASKDIAG_VMA_FLAG_UFFD_MINOR,
	TASKDIAG_VMA_FLAG_SHADOW_STACK,
	TASKDIAG_VMA_FLAG_DROPPABLE,
	TASKDIAG_VMA_FLAG_SEALED,
	TASKDIAG_VMA_FLAG_UNKNOWN,
};

#define TASKDIAG_VMA_INFO_SIZE_VER0	24
#define TASKDIAG_VMA_FILE_SIZE_VER0	24

/**
 * struct taskdiag_vma_info - A mapping's range and flags (the address range
 *   and permissions of its line of /proc/PID/maps, and the VmFlags of smaps):
 *   the info attribute of every vma. Size-versioned, as vma-file: fields are
 *   only ever added at the end, every byte is initialised, and a reader copies
 *   min(attribute length, sizeof) bytes into a zeroed struct (the attribute is
 *   only 4-byte aligned where the CPU reads unaligned u64 cheaply), so that a
 *   field newer than the kernel reads as 0 and one newer than the reader is
 *   ignored. An attribute shorter than vma-info-size-ver0 is malformed.
 * @start: First address of the mapping.
 * @end: First address past the mapping.
 * @flags: Properties of the mapping (the VmFlags line of smaps): 1 << value
 *   for each value of enum vma-flag.
 */
struct taskdiag_vma_info {
	__u64 start;
	__u64 end;
	__u64 flags;
};

/**
 * struct taskdiag_vma_file - The file columns of a mapping's line of
 *   /proc/PID/maps (offset, device, inode): the file attribute of a vma, in
 *   mappings of a file only. Size-versioned as vma-info; shorter than
 *   vma-file-size-ver0 is malformed.
 * @pgoff: Offset of the mapping in its file, in bytes.
 * @inode: Inode number of the mapped file.
 * @dev_major: Major number of the device of the mapped file.
 * @dev_minor: Minor number of the device of the mapped file.
 */
struct taskdiag_vma_file {
	__u64 pgoff;
	__u64 inode;
	__u32 dev_major;
	__u32 dev_minor;
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
	TASKDIAG_A_TASK_CRED,
	TASKDIAG_A_TASK_STAT,
	TASKDIAG_A_TASK_VMA,

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
	TASKDIAG_A_CRED_PAD = 1,
	TASKDIAG_A_CRED_UID,
	TASKDIAG_A_CRED_EUID,
	TASKDIAG_A_CRED_SUID,
	TASKDIAG_A_CRED_FSUID,
	TASKDIAG_A_CRED_GID,
	TASKDIAG_A_CRED_EGID,
	TASKDIAG_A_CRED_SGID,
	TASKDIAG_A_CRED_FSGID,
	TASKDIAG_A_CRED_CAP_INHERITABLE,
	TASKDIAG_A_CRED_CAP_PERMITTED,
	TASKDIAG_A_CRED_CAP_EFFECTIVE,
	TASKDIAG_A_CRED_CAP_BSET,
	TASKDIAG_A_CRED_CAP_AMBIENT,
	TASKDIAG_A_CRED_GROUPS,
	TASKDIAG_A_CRED_NO_NEW_PRIVS,
	TASKDIAG_A_CRED_SECCOMP,
	TASKDIAG_A_CRED_SECCOMP_FILTERS,

	__TASKDIAG_A_CRED_MAX,
	TASKDIAG_A_CRED_MAX = (__TASKDIAG_A_CRED_MAX - 1)
};

enum {
	TASKDIAG_A_STAT_PAD = 1,
	TASKDIAG_A_STAT_UTIME,
	TASKDIAG_A_STAT_STIME,
	TASKDIAG_A_STAT_CUTIME,
	TASKDIAG_A_STAT_CSTIME,
	TASKDIAG_A_STAT_MINFLT,
	TASKDIAG_A_STAT_MAJFLT,
	TASKDIAG_A_STAT_CMINFLT,
	TASKDIAG_A_STAT_CMAJFLT,
	TASKDIAG_A_STAT_NVCSW,
	TASKDIAG_A_STAT_NIVCSW,
	TASKDIAG_A_STAT_THREADS,
	TASKDIAG_A_STAT_NICE,
	TASKDIAG_A_STAT_PRIORITY,
	TASKDIAG_A_STAT_POLICY,
	TASKDIAG_A_STAT_RT_PRIORITY,
	TASKDIAG_A_STAT_PROCESSOR,
	TASKDIAG_A_STAT_VSIZE,
	TASKDIAG_A_STAT_RSS,
	TASKDIAG_A_STAT_RCHAR,
	TASKDIAG_A_STAT_WCHAR,
	TASKDIAG_A_STAT_SYSCR,
	TASKDIAG_A_STAT_SYSCW,
	TASKDIAG_A_STAT_READ_BYTES,
	TASKDIAG_A_STAT_WRITE_BYTES,
	TASKDIAG_A_STAT_CANCELLED_WRITE_BYTES,
	TASKDIAG_A_STAT_CPU_DELAY_COUNT,
	TASKDIAG_A_STAT_CPU_DELAY_TOTAL,
	TASKDIAG_A_STAT_BLKIO_DELAY_COUNT,
	TASKDIAG_A_STAT_BLKIO_DELAY_TOTAL,
	TASKDIAG_A_STAT_SWAPIN_DELAY_COUNT,
	TASKDIAG_A_STAT_SWAPIN_DELAY_TOTAL,
	TASKDIAG_A_STAT_FREEPAGES_DELAY_COUNT,
	TASKDIAG_A_STAT_FREEPAGES_DELAY_TOTAL,
	TASKDIAG_A_STAT_THRASHING_DELAY_COUNT,
	TASKDIAG_A_STAT_THRASHING_DELAY_TOTAL,
	TASKDIAG_A_STAT_COMPACT_DELAY_COUNT,
	TASKDIAG_A_STAT_COMPACT_DELAY_TOTAL,
	TASKDIAG_A_STAT_WPCOPY_DELAY_COUNT,
	TASKDIAG_A_STAT_WPCOPY_DELAY_TOTAL,
	TASKDIAG_A_STAT_IRQ_DELAY_COUNT,
	TASKDIAG_A_STAT_IRQ_DELAY_TOTAL,

	__TASKDIAG_A_STAT_MAX,
	TASKDIAG_A_STAT_MAX = (__TASKDIAG_A_STAT_MAX - 1)
};

enum {
	TASKDIAG_A_VMA_PAD = 1,
	TASKDIAG_A_VMA_INFO,
	TASKDIAG_A_VMA_FILE,
	TASKDIAG_A_VMA_NAME,
	TASKDIAG_A_VMA_NAME_TOO_LONG,
	TASKDIAG_A_VMA_VMA_STAT,

	__TASKDIAG_A_VMA_MAX,
	TASKDIAG_A_VMA_MAX = (__TASKDIAG_A_VMA_MAX - 1)
};

enum {
	TASKDIAG_A_VMA_STAT_PAD = 1,
	TASKDIAG_A_VMA_STAT_RSS,
	TASKDIAG_A_VMA_STAT_PSS,
	TASKDIAG_A_VMA_STAT_PSS_DIRTY,
	TASKDIAG_A_VMA_STAT_SHARED_CLEAN,
	TASKDIAG_A_VMA_STAT_SHARED_DIRTY,
	TASKDIAG_A_VMA_STAT_PRIVATE_CLEAN,
	TASKDIAG_A_VMA_STAT_PRIVATE_DIRTY,
	TASKDIAG_A_VMA_STAT_REFERENCED,
	TASKDIAG_A_VMA_STAT_ANONYMOUS,
	TASKDIAG_A_VMA_STAT_KSM,
	TASKDIAG_A_VMA_STAT_LAZYFREE,
	TASKDIAG_A_VMA_STAT_ANON_HUGE,
	TASKDIAG_A_VMA_STAT_SHMEM_PMD_MAPPED,
	TASKDIAG_A_VMA_STAT_FILE_PMD_MAPPED,
	TASKDIAG_A_VMA_STAT_SHARED_HUGETLB,
	TASKDIAG_A_VMA_STAT_PRIVATE_HUGETLB,
	TASKDIAG_A_VMA_STAT_SWAP,
	TASKDIAG_A_VMA_STAT_SWAP_PSS,
	TASKDIAG_A_VMA_STAT_LOCKED,
	TASKDIAG_A_VMA_STAT_KERNEL_PAGE_SIZE,
	TASKDIAG_A_VMA_STAT_MMU_PAGE_SIZE,
	TASKDIAG_A_VMA_STAT_THP_ELIGIBLE,
	TASKDIAG_A_VMA_STAT_PROTECTION_KEY,

	__TASKDIAG_A_VMA_STAT_MAX,
	TASKDIAG_A_VMA_STAT_MAX = (__TASKDIAG_A_VMA_STAT_MAX - 1)
};

enum {
	TASKDIAG_CMD_TASK_GET = 1,

	__TASKDIAG_CMD_MAX,
	TASKDIAG_CMD_MAX = (__TASKDIAG_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_TASKDIAG_H */
