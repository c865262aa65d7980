// SPDX-License-Identifier: GPL-2.0
/*
 * Throwaway test binary for the runner's self-check (scripts/selfcheck.sh),
 * never part of the series. Each mode misbehaves in one way the runner must
 * report:
 *   pass  exit 0                       -> PASS
 *   skip  exit 4 (KSFT_SKIP)           -> SKIP
 *   fail  exit 1                       -> FAIL (exit status)
 *   hang  never exits                  -> FAIL (timeout)
 *   warn  exit 0 after a kernel WARN   -> FAIL (kernel report)
 *   taint exit 0 after tainting the kernel (TAINT_OOT_MODULE, bit 12,
 *         through /proc/sys/kernel/tainted: no report on the console)
 *                                      -> FAIL (taint)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int fd;

	printf("harness_selfcheck: mode %s\n", mode);
	if (!strcmp(mode, "pass"))
		return 0;
	if (!strcmp(mode, "skip"))
		return 4;
	if (!strcmp(mode, "fail"))
		return 1;
	if (!strcmp(mode, "hang"))
		for (;;)
			pause();
	if (!strcmp(mode, "warn")) {
		if (system("modprobe lkdtm"))
			return 2;
		fd = open("/sys/kernel/debug/provoke-crash/DIRECT", O_WRONLY);
		if (fd < 0 || write(fd, "WARNING\n", 8) != 8) {
			perror("provoke-crash");
			return 2;
		}
		close(fd);
		return 0;
	}
	if (!strcmp(mode, "taint")) {
		fd = open("/proc/sys/kernel/tainted", O_WRONLY);
		if (fd < 0 || write(fd, "4096\n", 5) != 5) {
			perror("/proc/sys/kernel/tainted");
			return 2;
		}
		close(fd);
		return 0;
	}
	fprintf(stderr, "unknown mode\n");
	return 2;
}
