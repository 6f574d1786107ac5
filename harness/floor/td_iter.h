/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records of make bench's BPF floor (td_iter.bpf.c writes them,
 * td_iter.c reads them): the fields of the taskdiag base group for a
 * process, and of the vma group for a mapping, in fixed layouts.
 */
#ifndef TD_ITER_H
#define TD_ITER_H

#define TD_ITER_NAME_MAX	256

struct td_iter_task {
	__u32 pid;
	__u32 ppid;
	__u32 tpid;
	__u32 sid;
	__u32 pgid;
	__u32 flags;
	__u32 state;
	__u32 pad;
	__u64 start_time;
	char comm[16];
};

/*
 * Followed by name_len bytes of the file's path, its NUL included
 * (0 if anonymous)
 */
struct td_iter_vma {
	__u64 start;
	__u64 end;
	__u64 pgoff;
	__u64 flags;
	__u64 inode;
	__u32 dev;
	__u32 pid;
	__u32 name_len;
	__u32 pad;
};

#endif /* TD_ITER_H */
