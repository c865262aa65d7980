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

/* Write STR to PATH: 0, or 2 (the harness's own error) with a message. */
static int write_file(const char *path, const char *str)
{
	ssize_t len = strlen(str);
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, str, len) != len) {
		perror(path);
		return 2;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

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
		return write_file("/sys/kernel/debug/provoke-crash/DIRECT", "WARNING\n");
	}
	if (!strcmp(mode, "taint"))
		return write_file("/proc/sys/kernel/tainted", "4096\n");
	fprintf(stderr, "unknown mode\n");
	return 2;
}
