/* Choosing the plate for a subcommand, honestly (session/plate.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "core/error.h"
#include "session/plate.h"

int cli_open_plate(const char *cmd, const char *spec, bool for_patient, const dev_open_cfg *oc, dev **out)
{
	char msg[1536];
	bool fell_back = false;
	int rc = ses_open_plate(out, spec, for_patient, oc, &fell_back, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "poise %s: %s%s\n", cmd, msg, for_patient ? " Nothing was recorded." : "");
		return CLI_FAIL;
	}
	if (fell_back)
		fprintf(stderr, "poise %s: %s\n", cmd, msg);
	return CLI_OK;
}
