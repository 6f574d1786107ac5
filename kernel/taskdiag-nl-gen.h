/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/taskdiag.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_TASKDIAG_GEN_H
#define _LINUX_TASKDIAG_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/taskdiag.h>

/* Ops table for taskdiag */
extern const struct genl_split_ops taskdiag_nl_ops[2];

int taskdiag_nl_task_get_start(struct netlink_callback *cb);
int taskdiag_nl_task_get_done(struct netlink_callback *cb);

int taskdiag_nl_task_get_doit(struct sk_buff *skb, struct genl_info *info);
int taskdiag_nl_task_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);

#endif /* _LINUX_TASKDIAG_GEN_H */
