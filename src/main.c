/* poise: the GUI by default, headless subcommands for scripted work. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "ui/app.h"

#ifndef POISE_VERSION
#define POISE_VERSION "0.0.0"
#endif

static void usage(FILE *f)
{
	fputs("usage: poise [options]                 the app (a window)\n"
	      "       poise [options] COMMAND [args]  headless work\n"
	      "\n"
	      "commands:\n",
	      f);
	for (const cli_command *c = cli_commands(); c->name; c++)
		fprintf(f, "  %-18s %s\n", c->synopsis, c->summary);
	fputs("\n"
	      "options (before or after the command; a command's own option of the same\n"
	      "name, such as record --device or play --patient, is the command's):\n"
	      "  --device SPEC      auto (default: the first plate that can be used; without a\n"
	      "                     patient, else the simulated plate), sim, or BACKEND:ID as\n"
	      "                     listed by `poise devices`\n"
	      "  --db PATH          the database (default $XDG_DATA_HOME/poise/poise.db)\n"
	      "  --patient CODE     the app's patient: the games played are recorded for them,\n"
	      "                     and E on the live screen exports their report\n"
	      "  --operator NAME    who runs the session (stored with it)\n"
	      "  --fullscreen       start in full screen (F11 toggles)\n"
	      "  --size WxH         window size (default 1280x720)\n"
	      "  --seed N           seed of the simulated plate (same seed, same sway)\n"
	      "  --screenshot FILE  with --quit-after: save a PNG of the window before quitting\n"
	      "  --quit-after S     quit by itself after S seconds (demos and tests)\n"
	      "  --frame-stats      print frame-time percentiles when quitting\n"
	      "  --frame-log FILE   a line per frame: when it was shown, the newest sample in\n"
	      "                     it, what it cost (for the benchmark, scripts/dev bench)\n"
	      "  --live             open on the live view (the patient's, or a demo's on the\n"
	      "                     simulated plate without --patient); Esc leads home\n"
	      "  --version, --help  (before the command)\n",
	      f);
}

int main(int argc, char **argv)
{
	/* Patient data: every file Poise creates is for its user only. */
	umask(077);

	cli_global g = {.device = "auto"};
	opterr = 0;
	int c;
	/* '+': stop at the first non-option, the subcommand. */
	while ((c = getopt_long(argc, argv, "+:h", cli_global_options(), NULL)) != -1) {
		switch (c) {
		case 'V':
			printf("poise %s\n", POISE_VERSION);
			return CLI_OK;
		case 'h':
			usage(stdout);
			return CLI_OK;
		case ':':
			fprintf(stderr, "poise: %s needs a value\n", argv[optind - 1]);
			usage(stderr);
			return CLI_USAGE;
		case '?':
			fprintf(stderr, "poise: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return CLI_USAGE;
		default:
			if (cli_global_set(&g, c, optarg))
				return CLI_USAGE;
		}
	}

	if (optind < argc) {
		const char *name = argv[optind];
		int sub_argc = argc - optind;
		char **sub_argv = argv + optind;
		if (strcmp(name, "help") == 0) {
			usage(stdout);
			return CLI_OK;
		}
		const cli_command *cmd = cli_command_find(name);
		if (!cmd) {
			fprintf(stderr, "poise: unknown command '%s'\n", name);
			usage(stderr);
			return CLI_USAGE;
		}
		if (cli_global_take(&g, cmd->name, cmd->opts, &sub_argc, sub_argv))
			return CLI_USAGE;
		return cmd->run(&g, sub_argc, sub_argv);
	}

	app_cfg ac = {.device = g.device_set ? g.device : NULL, .db = g.db, .seed = g.seed, .fullscreen = g.fullscreen,
	              .width = g.width, .height = g.height, .screenshot = g.screenshot,
	              .quit_after_s = g.quit_after_s, .frame_stats = g.frame_stats,
	              .frame_log = g.frame_log, .patient = g.patient, .operator_name = g.operator_name,
	              .live = g.live};
	char msg[512];
	int code = app_run(&ac, msg, sizeof msg);
	if (code)
		fprintf(stderr, "poise: %s\n", msg);
	return code;
}
