/* Opening the station database for a subcommand, and `poise db check|backup`. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "store/store.h"

int cli_open_store(const cli_global *g, const char *cmd, unsigned flags, struct store **out)
{
	char path[4096], msg[1024];
	const char *p = g->db;
	if (p && !*p) {
		fprintf(stderr, "poise %s: --db wants the database file, not an empty path\n", cmd);
		return CLI_USAGE;
	}
	if (!p) {
		int rc = store_default_path(path, sizeof path, msg, sizeof msg);
		if (rc) {
			fprintf(stderr, "poise %s: %s\n", cmd, msg);
			return CLI_FAIL;
		}
		p = path;
	}
	int rc = store_open(out, p, flags, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "poise %s: %s\n", cmd, msg);
		return rc == POISE_E_PARSE || rc == POISE_E_UNSUPPORTED || rc == POISE_E_INVALID
		     ? CLI_USAGE : CLI_FAIL;
	}
	return CLI_OK;
}

int cli_open_patient(const cli_global *g, const char *cmd, const char *code, store **s, store_patient *p)
{
	int rc = cli_open_store(g, cmd, 0, s);
	if (rc)
		return rc;
	if (store_patient_get(*s, code, p) != POISE_OK) {
		fprintf(stderr, "poise %s: %s; add the patient first: poise patient add %s\n", cmd, store_errmsg(*s),
		        code);
		store_close(*s);
		*s = NULL;
		return CLI_USAGE;
	}
	return CLI_OK;
}

static void db_usage(FILE *f)
{
	fputs("usage: poise [--db PATH] db check\n"
	      "       poise [--db PATH] db backup DEST.db [--force]\n"
	      "\n"
	      "check   runs SQLite's full integrity check on the database and lists what is\n"
	      "        wrong, if anything (exit 0 healthy, 2 damaged, 1 cannot be read).\n"
	      "backup  copies the database to DEST.db (a new file, mode 0600) with SQLite's\n"
	      "        online backup: a consistent copy, safe while the app or a recording\n"
	      "        is using the database. An existing DEST.db is replaced only with\n"
	      "        --force; a link, FIFO or device there never.\n"
	      "Both only read the database, also a damaged one that Poise refuses to\n"
	      "write to.\n",
	      f);
}

const cli_opts cli_db_opts = {
	":hf",
	(const struct option[]){
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_db(const cli_global *g, int argc, char **argv)
{
	bool force = false;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_db_opts)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'h':
			db_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_option("db", c, argv);
		}
	}
	const char *action = optind < argc ? argv[optind] : NULL;
	int n_args = argc - optind - 1;
	bool check = action && strcmp(action, "check") == 0 && n_args == 0;
	bool backup = action && strcmp(action, "backup") == 0 && n_args == 1;
	if (!check && !backup) {
		fprintf(stderr, "poise db: %s\n", !action ? "which action? check or backup DEST.db"
		                                 : strcmp(action, "backup") == 0 ? "backup wants one destination file"
		                                 : strcmp(action, "check") == 0  ? "check takes no arguments"
		                                                                 : "the actions are check and backup DEST.db");
		db_usage(stderr);
		return CLI_USAGE;
	}
	char path[4096], msg[1024];
	const char *p = g->db;
	if (!p) {
		if (store_default_path(path, sizeof path, msg, sizeof msg)) {
			fprintf(stderr, "poise db: %s\n", msg);
			return CLI_FAIL;
		}
		p = path;
	}
	int rc;
	if (check) {
		char *report = NULL;
		rc = store_db_check(p, &report, msg, sizeof msg);
		if (rc == POISE_E_PARSE && report)
			fputs(report, stdout);
		free(report);
		fprintf(rc ? stderr : stdout, "%s%s\n", rc ? "poise db check: " : "", msg);
		return rc == POISE_OK ? CLI_OK : rc == POISE_E_PARSE || rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL;
	}
	rc = store_db_backup(p, argv[optind + 1], force, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "poise db backup: %s\n", msg);
		return rc == POISE_E_EXISTS || rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL;
	}
	printf("backed up %s to %s\n", p, argv[optind + 1]);
	return CLI_OK;
}
