// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's floor: what walking the tasks and the mappings costs when
 * the kernel writes the fields of taskdiag's base and vma groups as fixed
 * records, through the BPF task and task_vma iterators (td_iter.c reads
 * them). The dumps do the same walk plus their access checks, pid
 * namespace translation and netlink framing; the difference is what the
 * series costs beyond the walk. The floor does a little less than the
 * fields need, which makes it lower, never higher: no pid-ino, raw
 * vm_flags and task state, global pids (make bench runs in the initial
 * pid namespace, where they are the same), no [heap]/[stack]/[anon:]
 * names, and a file's path within its mount rather than from a root.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "td_iter.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * A mapping's record and its name, too big for the BPF stack. The name
 * is read a component at a time, each into room for the longest: twice
 * the longest name, of which at most TD_ITER_NAME_MAX - 1 bytes are sent.
 */
struct vma_record {
	struct td_iter_vma vma;
	char name[2 * TD_ITER_NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vma_record);
} vma_records SEC(".maps");

/* Deepest path of a mapped file that the floor names in full */
#define TD_ITER_DEPTH	16

/*
 * The path of a mapped file, within its mount. bpf_d_path() does not take
 * a mapping's file (not a trusted pointer to the verifier), so walk the
 * dentries: one read per component, as d_path() does, though leaf first
 * ("libc.so.6/lib/usr/"): the same bytes, not prepended into a page.
 */
static long file_name(struct file *file, char *name)
{
	struct dentry *dentry = file->f_path.dentry;
	long len = 0;
	int i;

	for (i = 0; i < TD_ITER_DEPTH; i++) {
		struct dentry *parent = dentry->d_parent;
		long n;

		if (parent == dentry)
			break;
		n = bpf_probe_read_kernel_str(name + (len & (TD_ITER_NAME_MAX - 1)),
					      TD_ITER_NAME_MAX,
					      dentry->d_name.name);
		if (n <= 0 || len + n >= TD_ITER_NAME_MAX)
			break;
		len += n;
		name[(len - 1) & (TD_ITER_NAME_MAX - 1)] = '/';
		dentry = parent;
	}
	return len;
}

/* The number of a pid in the initial namespace, where make bench runs */
static __u32 pid_nr(struct pid *pid)
{
	return pid ? pid->numbers[0].nr : 0;
}

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct td_iter_task rec = {};

	/* Processes only, as the dump's "all" strategy */
	if (!task || task->pid != task->tgid)
		return 0;
	rec.pid = task->tgid;
	rec.ppid = task->real_parent->tgid;
	rec.tpid = task->ptrace ? task->parent->pid : 0;
	rec.sid = pid_nr(task->signal->pids[PIDTYPE_SID]);
	rec.pgid = pid_nr(task->signal->pids[PIDTYPE_PGID]);
	rec.flags = task->flags;
	rec.state = task->__state;
	rec.start_time = task->start_boottime;
	bpf_probe_read_kernel_str(rec.comm, sizeof(rec.comm), task->comm);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

SEC("iter/task_vma")
int dump_vma(struct bpf_iter__task_vma *ctx)
{
	struct vm_area_struct *vma = ctx->vma;
	struct task_struct *task = ctx->task;
	struct vma_record *rec;
	struct file *file;
	__u32 zero = 0;
	long len = 0;

	if (!vma || !task)
		return 0;
	rec = bpf_map_lookup_elem(&vma_records, &zero);
	if (!rec)
		return 0;
	rec->vma.start = vma->vm_start;
	rec->vma.end = vma->vm_end;
	rec->vma.flags = vma->vm_flags;
	rec->vma.pid = task->tgid;
	rec->vma.pgoff = 0;
	rec->vma.inode = 0;
	rec->vma.dev = 0;
	file = vma->vm_file;
	if (file) {
		rec->vma.pgoff = vma->vm_pgoff << 12;
		rec->vma.inode = file->f_inode->i_ino;
		rec->vma.dev = file->f_inode->i_sb->s_dev;
		len = file_name(file, rec->name);
	}
	rec->vma.name_len = len & (TD_ITER_NAME_MAX - 1);
	bpf_seq_write(ctx->meta->seq, rec,
		      sizeof(rec->vma) + (len & (TD_ITER_NAME_MAX - 1)));
	return 0;
}
