// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/taskdiag.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "taskdiag-nl-gen.h"

#include <uapi/linux/taskdiag.h>

/* TASKDIAG_CMD_TASK_GET - do */
static const struct nla_policy taskdiag_task_get_do_nl_policy[TASKDIAG_A_TASK_SHOW_FLAGS + 1] = {
	[TASKDIAG_A_TASK_SHOW_FLAGS] = NLA_POLICY_MASK(NLA_U64, 0x1f),
	[TASKDIAG_A_TASK_PID] = { .type = NLA_U32, },
};

/* TASKDIAG_CMD_TASK_GET - dump */
static const struct nla_policy taskdiag_task_get_dump_nl_policy[TASKDIAG_A_TASK_DUMP_STRATEGY + 1] = {
	[TASKDIAG_A_TASK_SHOW_FLAGS] = NLA_POLICY_MASK(NLA_U64, 0x1f),
	[TASKDIAG_A_TASK_DUMP_STRATEGY] = NLA_POLICY_MAX(NLA_U32, 4),
	[TASKDIAG_A_TASK_PID] = { .type = NLA_U32, },
};

/* Ops table for taskdiag */
const struct genl_split_ops taskdiag_nl_ops[2] = {
	{
		.cmd		= TASKDIAG_CMD_TASK_GET,
		.doit		= taskdiag_nl_task_get_doit,
		.policy		= taskdiag_task_get_do_nl_policy,
		.maxattr	= TASKDIAG_A_TASK_SHOW_FLAGS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= TASKDIAG_CMD_TASK_GET,
		.start		= taskdiag_nl_task_get_start,
		.dumpit		= taskdiag_nl_task_get_dumpit,
		.done		= taskdiag_nl_task_get_done,
		.policy		= taskdiag_task_get_dump_nl_policy,
		.maxattr	= TASKDIAG_A_TASK_DUMP_STRATEGY,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};
