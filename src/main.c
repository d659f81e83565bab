/* poise: the GUI by default, headless subcommands for scripted work. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
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
	      "commands:\n"
	      "  metrics FILE.csv   sway metrics of a COP recording (poise metrics --help)\n"
	      "  devices            list the force plates found\n"
	      "  play GAME          play one game (poise play --list)\n"
	      "  replay TRIAL       play a recorded game trial again and check it (poise replay --help)\n"
	      "  prescribe CODE     a patient's game levels and LOS range (poise prescribe --help)\n"
	      "  record             record a trial into the database (poise record --help)\n"
	      "  export             a patient's recordings as CSV/JSON (poise export --help)\n"
	      "  patient            add, list, show, rename, delete patients\n"
	      "  report             a patient's sway report as a PDF (poise report --help)\n"
	      "\n"
	      "options:\n"
	      "  --device SPEC      auto (default: the first plate found; without a patient,\n"
	      "                     else the simulated plate), sim, or BACKEND:ID as listed\n"
	      "                     by `poise devices`\n"
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
	      "  --version, --help\n",
	      f);
}

int main(int argc, char **argv)
{
	/* Patient data: every file Poise creates is for its user only. */
	umask(077);

	static const struct option opts[] = {
		{"device", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'b'},
		{"fullscreen", no_argument, NULL, 'f'},
		{"size", required_argument, NULL, 'z'},
		{"seed", required_argument, NULL, 's'},
		{"screenshot", required_argument, NULL, 'p'},
		{"quit-after", required_argument, NULL, 'q'},
		{"frame-stats", no_argument, NULL, 'F'},
		{"patient", required_argument, NULL, 'P'},
		{"operator", required_argument, NULL, 'O'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	cli_global g = {.device = "auto"};
	opterr = 0;
	int c;
	/* '+': stop at the first non-option, the subcommand. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'd':
			g.device = optarg;
			break;
		case 'b':
			g.db = optarg;
			break;
		case 'f':
			g.fullscreen = true;
			break;
		case 'z':
			if (sscanf(optarg, "%dx%d", &g.width, &g.height) != 2 || g.width < 320 ||
			    g.height < 240) {
				fprintf(stderr, "poise: --size wants WIDTHxHEIGHT, e.g. 1280x720, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 's':
			errno = 0;
			g.seed = strtoull(optarg, &end, 10);
			g.seed_set = true;
			if (errno || end == optarg || *end) {
				fprintf(stderr, "poise: --seed wants a whole number, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'p':
			g.screenshot = optarg;
			break;
		case 'q':
			g.quit_after_s = strtod(optarg, &end);
			if (end == optarg || *end || !(g.quit_after_s > 0)) {
				fprintf(stderr, "poise: --quit-after wants seconds, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'F':
			g.frame_stats = true;
			break;
		case 'P':
			g.patient = optarg;
			break;
		case 'O':
			g.operator_name = optarg;
			break;
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
		default:
			fprintf(stderr, "poise: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return CLI_USAGE;
		}
	}

	if (optind < argc) {
		const char *cmd = argv[optind];
		int sub_argc = argc - optind;
		char **sub_argv = argv + optind;
		if (strcmp(cmd, "metrics") == 0)
			return cli_metrics(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "devices") == 0)
			return cli_devices(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "play") == 0)
			return cli_play(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "prescribe") == 0)
			return cli_prescribe(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "record") == 0)
			return cli_record(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "replay") == 0)
			return cli_replay(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "export") == 0)
			return cli_export(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "patient") == 0)
			return cli_patient(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "report") == 0)
			return cli_report(&g, sub_argc, sub_argv);
		if (strcmp(cmd, "help") == 0) {
			usage(stdout);
			return CLI_OK;
		}
		fprintf(stderr, "poise: unknown command '%s'\n", cmd);
		usage(stderr);
		return CLI_USAGE;
	}

	app_cfg ac = {.device = g.device, .db = g.db, .seed = g.seed, .fullscreen = g.fullscreen,
	              .width = g.width, .height = g.height, .screenshot = g.screenshot,
	              .quit_after_s = g.quit_after_s, .frame_stats = g.frame_stats,
	              .patient = g.patient, .operator_name = g.operator_name};
	char msg[512];
	int code = app_run(&ac, msg, sizeof msg);
	if (code)
		fprintf(stderr, "poise: %s\n", msg);
	return code;
}
