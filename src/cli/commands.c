/* The subcommands of `poise`: one table for dispatch, `poise --help` and
 * telling their own options from the global ones. */
#include <string.h>

#include "cli/cli.h"

static const cli_command commands[] = {
	{"metrics", "metrics FILE.csv", "sway metrics of a COP recording (poise metrics --help)",
	 &cli_metrics_opts, cli_metrics},
	{"devices", "devices", "list the force plates found", &cli_devices_opts, cli_devices},
	{"play", "play GAME", "play one game (poise play --list)", &cli_play_opts, cli_play},
	{"replay", "replay TRIAL", "play a recorded game again and check it (poise replay --help)",
	 &cli_replay_opts, cli_replay},
	{"prescribe", "prescribe CODE",
	 "a patient's game levels and LOS range (poise prescribe --help)", &cli_prescribe_opts,
	 cli_prescribe},
	{"record", "record", "record a trial into the database (poise record --help)",
	 &cli_record_opts, cli_record},
	{"assess", "assess TEST", "a standard balance test: mctsib, los, symmetry, sit-to-stand "
	 "(poise assess --help)", &cli_assess_opts, cli_assess},
	{"export", "export", "a patient's recordings as CSV/JSON (poise export --help)",
	 &cli_export_opts, cli_export},
	{"patient", "patient", "add, list, show, rename, delete patients", &cli_patient_opts,
	 cli_patient},
	{"report", "report", "a patient's sway report as a PDF (poise report --help)",
	 &cli_report_opts, cli_report},
	{"db", "db check|backup DEST", "check the database, or copy it safely (poise db --help)",
	 &cli_db_opts, cli_db},
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
