/* Opening the station database for a subcommand. */
#include <stdio.h>

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
