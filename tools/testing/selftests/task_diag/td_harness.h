/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Macros of the taskdiag selftests that use the test harness: include after
 * kselftest_harness.h.
 */
#ifndef TD_HARNESS_H
#define TD_HARNESS_H

#include <errno.h>
#include <string.h>

#include "taskdiag_lib.h"
#include "td_util.h"

#define TD_SKIP_MSG \
	"no \"taskdiag\" generic netlink family: kernel without CONFIG_TASK_DIAG"

/* Open a taskdiag socket, or skip the test if the kernel has none */
#define TD_OPEN_OR_SKIP(tdp, bufsize, peek) do {			\
	int __ret = td_open(tdp, bufsize, peek);			\
									\
	if (__ret == -ENOENT)						\
		SKIP(return, TD_SKIP_MSG);				\
	ASSERT_EQ(0, __ret) TH_LOG("td_open(): %s", strerror(-__ret)); \
} while (0)

/* Skip the test if a fetch_result says the kernel has no taskdiag */
#define SKIP_IF_NONE(r) do {						\
	if ((r)->enoent)						\
		SKIP(return, TD_SKIP_MSG);				\
} while (0)

/* Log the error of a failed request */
#define TD_LOG_ERR(td)							\
	TH_LOG("request failed: %s (%d)%s, extack \"%s\"",		\
	       strerror(-(td)->err.error), (td)->err.error,		\
	       (td)->err.in_done ? " in NLMSG_DONE" : "", (td)->err.msg)

static inline struct td_req td_dump_req(uint32_t strategy, uint32_t pid)
{
	struct td_req req = {
		.dump = true,
		.has_strategy = true,
		.strategy = strategy,
	};

	/* all and all-thread take no pid */
	if (strategy != TASKDIAG_DUMP_STRATEGY_ALL &&
	    strategy != TASKDIAG_DUMP_STRATEGY_ALL_THREAD) {
		req.has_pid = true;
		req.pid = pid;
	}
	return req;
}

#endif /* TD_HARNESS_H */
