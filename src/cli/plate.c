/* Choosing the plate for a subcommand, honestly (dev_open_choice()). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "device/device.h"

int cli_open_plate(const char *cmd, const char *spec, bool for_patient, const dev_open_cfg *oc, dev **out)
{
	char msg[1536];
	bool fell_back = false;
	int rc = dev_open_choice(out, spec, for_patient ? DEV_AUTO_REAL_ONLY : 0, oc, &fell_back, msg, sizeof msg);
	if (rc) {
		size_t n = strlen(msg);
		fprintf(stderr, "poise %s: %s%s%s\n", cmd, msg, !for_patient ? "" : n && msg[n - 1] == '.' ? " " : ". ",
		        for_patient ? "Nothing was recorded." : "");
		return rc == POISE_E_INVALID ? CLI_USAGE : CLI_FAIL; /* a setting the plate refuses */
	}
	if (fell_back)
		fprintf(stderr, "poise %s: %s\n", cmd, msg);
	return CLI_OK;
}
