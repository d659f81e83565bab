/* Opening the station database for a subcommand. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/error.h"
#include "store/store.h"

int cli_open_store(const cli_global *g, const char *cmd, unsigned flags, struct store **out)
{
	char path[4096], msg[1024];
	const char *p = g->db;
	if (!p || !*p) {
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
