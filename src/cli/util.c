#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* What a file that is not a regular one is, for a sentence. */
static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device, such as /dev/null";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int cli_open_regular(const char *path, char *msg, size_t msg_len)
{
	/* O_NONBLOCK: opening a FIFO with no writer must not hang; it is
	 * refused below like every other file that is not a regular one. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(msg, msg_len, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		snprintf(msg, msg_len, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, msg_len, "it is %s, not a regular file", file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

void cli_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

int cli_getopt(int argc, char **argv, const cli_opts *o)
{
	return getopt_long(argc, argv, o->shortopts, o->longopts, NULL);
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		fprintf(stderr, "poise %s: %s needs a value\n", cmd, argv[optind - 1]);
	else
		fprintf(stderr, "poise %s: unknown option '%s'\n", cmd, argv[optind - 1]);
	return CLI_USAGE;
}
