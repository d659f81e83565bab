/* The global options of `poise`, before or after the subcommand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static const struct option global_opts[] = {
	{"device", required_argument, NULL, 'd'},
	{"db", required_argument, NULL, 'b'},
	{"fullscreen", no_argument, NULL, 'f'},
	{"size", required_argument, NULL, 'z'},
	{"seed", required_argument, NULL, 's'},
	{"screenshot", required_argument, NULL, 'p'},
	{"quit-after", required_argument, NULL, 'q'},
	{"frame-stats", no_argument, NULL, 'F'},
	{"frame-log", required_argument, NULL, 'L'},
	{"live", no_argument, NULL, 'W'},
	{"patient", required_argument, NULL, 'P'},
	{"operator", required_argument, NULL, 'O'},
	{"version", no_argument, NULL, 'V'},
	{"help", no_argument, NULL, 'h'},
	{0, 0, 0, 0},
};

const struct option *cli_global_options(void)
{
	return global_opts;
}

int cli_global_set(cli_global *g, int code, const char *value)
{
	char *end;
	switch (code) {
	case 'd':
		g->device = value;
		g->device_set = true;
		return CLI_OK;
	case 'b':
		if (!*value) {
			fprintf(stderr, "poise: --db wants the database file, not an empty path\n");
			return CLI_USAGE;
		}
		g->db = value;
		return CLI_OK;
	case 'f':
		g->fullscreen = true;
		return CLI_OK;
	case 'z':
		if (sscanf(value, "%dx%d", &g->width, &g->height) != 2 || g->width < 320 ||
		    g->height < 240) {
			fprintf(stderr, "poise: --size wants WIDTHxHEIGHT, e.g. 1280x720, not '%s'\n", value);
			return CLI_USAGE;
		}
		return CLI_OK;
	case 's':
		errno = 0;
		g->seed = strtoull(value, &end, 10);
		g->seed_set = true;
		if (errno || end == value || *end || value[0] == '-') {
			fprintf(stderr, "poise: --seed wants a whole number, not '%s'\n", value);
			return CLI_USAGE;
		}
		return CLI_OK;
	case 'p':
		g->screenshot = value;
		return CLI_OK;
	case 'q':
		g->quit_after_s = strtod(value, &end);
		if (end == value || *end || !(g->quit_after_s > 0)) {
			fprintf(stderr, "poise: --quit-after wants seconds, not '%s'\n", value);
			return CLI_USAGE;
		}
		return CLI_OK;
	case 'F':
		g->frame_stats = true;
		return CLI_OK;
	case 'L':
		g->frame_log = value;
		return CLI_OK;
	case 'W':
		g->live = true;
		return CLI_OK;
	case 'P':
		g->patient = value;
		return CLI_OK;
	case 'O':
		if (cli_text_opt(NULL, "--operator", value, NULL,
		                 sizeof ((store_session *)0)->operator_name, false))
			return CLI_USAGE;
		g->operator_name = value;
		return CLI_OK;
	default:
		fprintf(stderr, "poise: internal error: no global option %d\n", code);
		return CLI_USAGE;
	}
}

/* The long option `name` (n characters) of opts: exactly, or (prefix)
 * as getopt_long() would take an abbreviation of it. */
static const struct option *find_long(const struct option *opts, const char *name, size_t n,
                                      bool prefix)
{
	for (const struct option *o = opts; o && o->name; o++)
		if (strncmp(o->name, name, n) == 0 && (prefix || o->name[n] == 0))
			return o;
	return NULL;
}

/* True if the short-option cluster c ("-xo" without the dash) ends with an
 * option that takes its value from the next argument. */
static bool short_wants_next(const char *shortopts, const char *c)
{
	for (; *c; c++) {
		const char *p = *c != ':' ? strchr(shortopts, *c) : NULL;
		if (p && p[1] == ':')
			return c[1] == 0; /* else the rest of the cluster is the value */
	}
	return false;
}

int cli_global_take(cli_global *g, const char *cmd, const cli_opts *own, int *argc, char **argv)
{
	int out = 1, i = 1;
	for (; i < *argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == 0) { /* an argument, or "-" for stdin */
			argv[out++] = a;
			continue;
		}
		if (a[1] != '-') { /* short options: the subcommand's */
			argv[out++] = a;
			if (short_wants_next(own->shortopts, a + 1) && i + 1 < *argc)
				argv[out++] = argv[++i];
			continue;
		}
		const char *name = a + 2;
		size_t n = strcspn(name, "=");
		const struct option *o = find_long(own->longopts, name, n, false);
		const struct option *go = o ? NULL : find_long(global_opts, name, n, false);
		if (go && (go->val == 'h' || go->val == 'V'))
			go = NULL;
		if (!o && !go)
			o = find_long(own->longopts, name, n, true);
		if (!go) { /* the subcommand's, or unknown: it will say so */
			argv[out++] = a;
			if (o && o->has_arg == required_argument && !name[n] && i + 1 < *argc)
				argv[out++] = argv[++i];
			continue;
		}
		const char *value = NULL;
		if (go->has_arg == required_argument) {
			if (name[n] == '=') {
				value = name + n + 1;
			} else if (i + 1 < *argc) {
				value = argv[++i];
			} else {
				fprintf(stderr, "poise %s: --%s needs a value\n", cmd, go->name);
				return CLI_USAGE;
			}
		} else if (name[n] == '=') {
			fprintf(stderr, "poise %s: --%s takes no value\n", cmd, go->name);
			return CLI_USAGE;
		}
		int rc = cli_global_set(g, go->val, value);
		if (rc)
			return rc;
	}
	while (i < *argc)
		argv[out++] = argv[i++];
	argv[out] = NULL;
	*argc = out;
	return CLI_OK;
}
