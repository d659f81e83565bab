/* The subcommands of `poise`: one table for dispatch, `poise --help` and
 * telling their own options from the global ones. */
#include <string.h>

#include "cli/cli.h"

/* play.c and record.c still keep their getopt tables inside their
 * parsers; these are copies of them (same names, same has_arg), so that
 * cli_global_take() leaves their options alone. When those files are next
 * changed, their parsers should use cli_play_opts / cli_record_opts and
 * these definitions move there, as the other commands already do. */
const cli_opts cli_play_opts = {
	":h",
	(const struct option[]){
		{"level", required_argument, NULL, 'l'},
		{"patient", required_argument, NULL, 'p'},
		{"operator", required_argument, NULL, 'o'},
		{"seconds", required_argument, NULL, 's'},
		{"headless", no_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{"list", no_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

const cli_opts cli_record_opts = {
	":h",
	(const struct option[]){
		{"patient", required_argument, NULL, 'P'},
		{"trial", required_argument, NULL, 'k'},
		{"seconds", required_argument, NULL, 's'},
		{"device", required_argument, NULL, 'd'},
		{"rate", required_argument, NULL, 'r'},
		{"fast", no_argument, NULL, 'F'},
		{"wait", required_argument, NULL, 'w'},
		{"operator", required_argument, NULL, 'o'},
		{"notes", required_argument, NULL, 'n'},
		{"params", required_argument, NULL, 'j'},
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

static const cli_command commands[] = {
	{"metrics", "metrics FILE.csv", "sway metrics of a COP recording (poise metrics --help)",
	 &cli_metrics_opts, cli_metrics},
	{"devices", "devices", "list the force plates found", &cli_devices_opts, cli_devices},
	{"play", "play GAME", "play one game (poise play --list)", &cli_play_opts, cli_play},
	{"prescribe", "prescribe CODE",
	 "a patient's game levels and LOS range (poise prescribe --help)", &cli_prescribe_opts,
	 cli_prescribe},
	{"record", "record", "record a trial into the database (poise record --help)",
	 &cli_record_opts, cli_record},
	{"export", "export", "a patient's recordings as CSV/JSON (poise export --help)",
	 &cli_export_opts, cli_export},
	{"patient", "patient", "add, list, show, rename, delete patients", &cli_patient_opts,
	 cli_patient},
	{"report", "report", "a patient's sway report as a PDF (poise report --help)",
	 &cli_report_opts, cli_report},
	{0},
};

const cli_command *cli_commands(void)
{
	return commands;
}

const cli_command *cli_command_find(const char *name)
{
	for (const cli_command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
