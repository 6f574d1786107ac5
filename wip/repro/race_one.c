#define _GNU_SOURCE
#include <assert.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "td_util.h"
#include "td_harness.h"
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#if defined(__x86_64__)
#define HAVE_HELPER	1
static const unsigned char helper_code[] = {
	0x4c, 0x8b, 0x2c, 0x24, 0x4c, 0x8d, 0x64, 0x24, 0x08, 0x48, 0x8d, 0x1d,
	0xd0, 0x00, 0x00, 0x00, 0xf7, 0x03, 0x01, 0x00, 0x00, 0x00, 0x74, 0x4b,
	0xb8, 0x02, 0x00, 0x00, 0x00, 0x48, 0x8d, 0xbb, 0x04, 0x01, 0x00, 0x00,
	0x31, 0xf6, 0x31, 0xd2, 0x0f, 0x05, 0x85, 0xc0, 0x0f, 0x88, 0xa2, 0x00,
	0x00, 0x00, 0x49, 0x89, 0xc0, 0x31, 0xff, 0xbe, 0x00, 0x10, 0x00, 0x00,
	0xba, 0x01, 0x00, 0x00, 0x00, 0x41, 0xba, 0x02, 0x00, 0x00, 0x00, 0x45,
	0x31, 0xc9, 0xb8, 0x09, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x3d, 0x01,
	0xf0, 0xff, 0xff, 0x73, 0x7b, 0x4c, 0x89, 0xc7, 0xb8, 0x03, 0x00, 0x00,
	0x00, 0x0f, 0x05, 0x49, 0x83, 0xfd, 0x01, 0x77, 0x2a, 0xf7, 0x03, 0x02,
	0x00, 0x00, 0x00, 0x74, 0x2b, 0xbf, 0x00, 0x0f, 0x05, 0x00, 0x48, 0x8d,
	0x35, 0x63, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x45, 0x31, 0xd2, 0x45, 0x31,
	0xc0, 0xb8, 0x38, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x74,
	0x0b, 0x78, 0x41, 0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7,
	0xf7, 0x03, 0x04, 0x00, 0x00, 0x00, 0x74, 0x20, 0xbf, 0xfe, 0xff, 0x00,
	0x00, 0x89, 0xfe, 0x89, 0xfa, 0xb8, 0x75, 0x00, 0x00, 0x00, 0x0f, 0x05,
	0x85, 0xc0, 0x75, 0x1c, 0xbf, 0x00, 0x00, 0x04, 0x00, 0xb8, 0x87, 0x00,
	0x00, 0x00, 0x0f, 0x05, 0xb8, 0x3b, 0x00, 0x00, 0x00, 0x48, 0x8d, 0x7b,
	0x04, 0x4c, 0x89, 0xe6, 0x31, 0xd2, 0x0f, 0x05, 0xbf, 0x01, 0x00, 0x00,
	0x00, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05,
};

#define HELPER_MACHINE	EM_X86_64
#else
#define HAVE_HELPER	0
static const unsigned char helper_code[1];
#define HELPER_MACHINE	EM_NONE
#endif

#define HF_MARKER	1	/* map the marker file first */
#define HF_THREAD	2	/* exec from a new thread */
#define HF_DROP		4	/* become nobody before the exec */
#define HELPER_PATH	256
#define HELPER_VADDR	0x400000UL

struct helper_params {
	uint32_t flags;
	char path[HELPER_PATH];		/* what to exec */
	char marker[HELPER_PATH];
};

/* The file: one segment, read and execute, the parameters after the code */
struct helper_image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned char code[sizeof(helper_code)];
	struct helper_params params;	/* at code + 0xe0, the code's params */
};

/* Where the code looks for them: nothing in between */
static_assert(offsetof(struct helper_image, code) ==
	      sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), "helper layout");
static_assert(!HAVE_HELPER || offsetof(struct helper_image, params) -
	      offsetof(struct helper_image, code) == 0xe0, "helper layout");

static int write_helper(const char *path, mode_t mode, uint32_t flags,
			const char *exec_path, const char *marker)
{
	struct helper_image img = {};
	int fd, ret = 0;

	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_ident[EI_VERSION] = EV_CURRENT;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = HELPER_MACHINE;
	img.eh.e_version = EV_CURRENT;
	img.eh.e_entry = HELPER_VADDR + offsetof(struct helper_image, code);
	img.eh.e_phoff = offsetof(struct helper_image, ph);
	img.eh.e_ehsize = sizeof(img.eh);
	img.eh.e_phentsize = sizeof(img.ph);
	img.eh.e_phnum = 1;
	img.ph.p_type = PT_LOAD;
	img.ph.p_flags = PF_R | PF_X;
	img.ph.p_vaddr = HELPER_VADDR;
	img.ph.p_paddr = HELPER_VADDR;
	img.ph.p_filesz = sizeof(img);
	img.ph.p_memsz = sizeof(img);
	img.ph.p_align = 4096;
	memcpy(img.code, helper_code, sizeof(helper_code));
	img.params.flags = flags;
	if (snprintf(img.params.path, HELPER_PATH, "%s", exec_path) >=
	    HELPER_PATH ||
	    snprintf(img.params.marker, HELPER_PATH, "%s", marker) >=
	    HELPER_PATH)
		return -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (fd < 0)
		return -1;
	/* The mode after the write, which would clear a set-uid bit */
	if (write_full(fd, &img, sizeof(img)) || fchmod(fd, mode))
		ret = -1;
	close(fd);
	return ret;
}


static int cnt_cb(const struct td_task *t, void *arg)
{
	uint32_t *p = arg;
	if (t->pid == p[0]) p[1]++;
	p[2]++;
	return 0;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 60;
	uint32_t strat = argc > 2 ? atoi(argv[2]) : TASKDIAG_DUMP_STRATEGY_ONE;
	char path[] = "/tmp/td_race_helper";
	pid_t init, pid;
	int st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	unlink(path);
	if (write_helper(path, 0755, HF_THREAD, path, "")) { perror("helper"); return 1; }
	init = fork_pidns_init();
	if (init) { waitpid(init, &st, 0); return WEXITSTATUS(st); }
	pid = fork();
	if (!pid) {
		char *av[] = { path, NULL };
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execve(path, av, NULL);
		_exit(127);
	}
	usleep(100000);
	{
		struct td *td;
		double t0 = now();
		unsigned long dumps = 0, missing = 0, errs = 0, twice = 0;
		char stat0[256] = "", stat1[256] = "", p[64];
		snprintf(p, sizeof(p), "/proc/%d/stat", pid);
		td_open(&td, 32768, false);
		while (now() - t0 < secs) {
			struct td_req req = td_dump_req(strat, pid);
			uint32_t c[3] = { pid, 0, 0 };
			int ret;
			req.has_show_flags = true;
			req.show_flags = 0;
			ret = td_run(td, &req, NULL, cnt_cb, c);
			dumps++;
			if (ret) { errs++; if (errs < 5) printf("err %d %s\n", ret, td->err.msg); continue; }
			if (!c[1]) { missing++; if (missing < 10) printf("dump %lu: %u missing (%u msgs) at %.2f s\n", dumps, pid, c[2], now() - t0); }
			if (c[1] > 1) twice++;
		}
		printf("strategy %u: %lu dumps, %lu with %d missing, %lu twice, %lu errors\n", strat, dumps, missing, pid, twice, errs);
		(void)stat0; (void)stat1;
	}
	kill(pid, SIGKILL);
	_exit(0);
}
