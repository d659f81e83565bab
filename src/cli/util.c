#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/text.h"

char *cli_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	for (;;) {
		if (n + 1 >= cap) { /* the file grew while we read it */
			char *b2 = realloc(buf, cap * 2);
			if (!b2) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = b2;
			cap *= 2;
		}
		size_t k = fread(buf + n, 1, cap - 1 - n, f);
		n += k;
		if (k == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
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
