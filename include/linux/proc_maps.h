/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc/PID/maps and /proc/PID/smaps show for one mapping, for kernel
 * code that reports mappings in another form (the taskdiag netlink
 * family): the same name, flag codes and counters, from the same code.
 * Implemented in fs/proc/task_mmu.c.
 */
#ifndef _LINUX_PROC_MAPS_H
#define _LINUX_PROC_MAPS_H

#include <linux/types.h>

struct path;
struct vm_area_struct;

/**
 * struct proc_vma_stats - what /proc/PID/smaps shows for a mapping
 *	beyond its maps line; sizes in bytes (smaps prints them in kB)
 * @rss: Rss
 * @pss: Pss
 * @pss_dirty: Pss_Dirty
 * @shared_clean: Shared_Clean
 * @shared_dirty: Shared_Dirty
 * @private_clean: Private_Clean
 * @private_dirty: Private_Dirty
 * @referenced: Referenced
 * @anonymous: Anonymous
 * @ksm: KSM
 * @lazyfree: LazyFree
 * @anon_huge: AnonHugePages
 * @shmem_pmd_mapped: ShmemPmdMapped
 * @file_pmd_mapped: FilePmdMapped
 * @shared_hugetlb: Shared_Hugetlb
 * @private_hugetlb: Private_Hugetlb
 * @swap: Swap
 * @swap_pss: SwapPss
 * @locked: Locked
 * @kernel_page_size: KernelPageSize
 * @mmu_page_size: MMUPageSize
 * @thp_eligible: THPeligible
 * @pkey: ProtectionKey, or -1 where smaps does not show it
 */
struct proc_vma_stats {
	u64 rss;
	u64 pss;
	u64 pss_dirty;
	u64 shared_clean;
	u64 shared_dirty;
	u64 private_clean;
	u64 private_dirty;
	u64 referenced;
	u64 anonymous;
	u64 ksm;
	u64 lazyfree;
	u64 anon_huge;
	u64 shmem_pmd_mapped;
	u64 file_pmd_mapped;
	u64 shared_hugetlb;
	u64 private_hugetlb;
	u64 swap;
	u64 swap_pss;
	u64 locked;
	u64 kernel_page_size;
	u64 mmu_page_size;
	bool thp_eligible;
	int pkey;
};

#ifdef CONFIG_PROC_PAGE_MONITOR
const char *proc_vma_name(struct vm_area_struct *vma, const struct path *root,
			  char *buf, size_t size);
const char *proc_vma_flag_code(unsigned int bit);
void proc_vma_stats(struct vm_area_struct *vma, struct proc_vma_stats *stats);
#endif

#endif /* _LINUX_PROC_MAPS_H */
