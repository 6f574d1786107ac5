// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's floor: what walking the tasks and the mappings costs when
 * the kernel writes the fields of taskdiag's base and vma groups as fixed
 * records, through the BPF task and task_vma iterators (td_iter.c reads
 * them). The dumps do the same walk plus their access checks, pid
 * namespace translation and netlink framing; the difference is what the
 * series costs beyond the walk. The floor does a little less than the
 * fields need: no pid-ino, raw vm_flags and task state, global pids
 * (make bench runs in the initial pid namespace, where they are the
 * same), no [heap]/[stack]/[anon:] names, paths of at most 255 bytes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "td_iter.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * A mapping's record and its name, too big for the BPF stack, and the
 * file whose path the name is: consecutive mappings of one file (a
 * library's text, data, ...) reuse it, as the dump's name cache does.
 */
struct vma_record {
	struct td_iter_vma vma;
	char name[TD_ITER_NAME_MAX];
	struct file *named;
	long name_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vma_record);
} vma_records SEC(".maps");

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
	/* The cache is of one task's map, as the dump's */
	if (rec->vma.pid != task->tgid)
		rec->named = NULL;
	rec->vma.pid = task->tgid;
	rec->vma.pgoff = 0;
	rec->vma.inode = 0;
	rec->vma.dev = 0;
	file = vma->vm_file;
	if (file) {
		rec->vma.pgoff = vma->vm_pgoff << 12;
		rec->vma.inode = file->f_inode->i_ino;
		rec->vma.dev = file->f_inode->i_sb->s_dev;
		if (file != rec->named) {
			/* (The helper's prototype lacks the const of f_path.) */
			rec->name_len = bpf_d_path((struct path *)&file->f_path,
						   rec->name, sizeof(rec->name));
			rec->named = file;
		}
		len = rec->name_len > 0 ? rec->name_len : 0;
	}
	rec->vma.name_len = len & (TD_ITER_NAME_MAX - 1);
	bpf_seq_write(ctx->meta->seq, rec,
		      sizeof(rec->vma) + (len & (TD_ITER_NAME_MAX - 1)));
	return 0;
}
