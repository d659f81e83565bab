#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/cond.h"
#include "core/text.h"

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
	text_json_fputs(f, s);
}

int cli_text_opt(const char *cmd, const char *opt, const char *value, char *dst, size_t cap,
                 bool multiline)
{
	char why[64];
	enum text_problem p = text_check(value, cap - 1, multiline);
	if (p != TEXT_OK) {
		fprintf(stderr, "poise%s%s: %s %s\n", cmd ? " " : "", cmd ? cmd : "", opt,
		        text_problem_str(p, cap - 1, why, sizeof why));
		return CLI_USAGE;
	}
	if (dst)
		memcpy(dst, value, strlen(value) + 1);
	return CLI_OK;
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

bool cli_cond_option(const char *cmd, int c, const char *arg, cond_set *k)
{
	char *end;
	double v = 0;
	switch (c) {
	case 'S':
		if (cond_stance_parse(arg, &k->stance))
			return true;
		fprintf(stderr, "poise %s: --stance wants %s, not '%s'\n", cmd, cond_stance_names(), arg);
		return false;
	case 'U':
		if (cond_surface_parse(arg, &k->surface))
			return true;
		fprintf(stderr, "poise %s: --surface wants firm or foam, not '%s'\n", cmd, arg);
		return false;
	case 'V':
		if (cond_visual_parse(arg, &k->visual)) {
			if (k->visual != COND_VISUAL_STATIC && k->visual_speed_deg_s == 0)
				k->visual_speed_deg_s = COND_VISUAL_SPEED_DEFAULT;
			return true;
		}
		fprintf(stderr, "poise %s: --visual wants static, flow or tilt, not '%s'\n", cmd, arg);
		return false;
	case 'v':
		v = strtod(arg, &end);
		if (end != arg && !*end && v >= 1 && v <= COND_VISUAL_SPEED_MAX) {
			k->visual_speed_deg_s = v;
			return true;
		}
		fprintf(stderr, "poise %s: --visual-speed wants 1 to %.0f degrees a second, not '%s'\n", cmd,
		        COND_VISUAL_SPEED_MAX, arg);
		return false;
	case 'T':
		v = strtod(arg, &end);
		if (end != arg && !*end && v >= COND_HEAD_TURN_MIN_S && v <= COND_HEAD_TURN_MAX_S) {
			k->head_turn_s = v;
			return true;
		}
		fprintf(stderr, "poise %s: --head-turns wants %.1f to %.0f seconds between cues, not '%s'\n", cmd,
		        COND_HEAD_TURN_MIN_S, COND_HEAD_TURN_MAX_S, arg);
		return false;
	case 'E':
		k->eyes_closed = k->audio_feedback = true;
		return true;
	case 'A':
		k->audio_feedback = true;
		return true;
	default: /* 'D' */
		if (cond_dual_parse(arg, &k->dual_task))
			return true;
		fprintf(stderr, "poise %s: --dual-task wants %s, not '%s'\n", cmd, cond_dual_names(), arg);
		return false;
	}
}

bool cli_parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return false;
	*out = v;
	return true;
}
