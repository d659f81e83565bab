#include "session/plate.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

int ses_open_plate(dev **out, const char *spec, bool for_patient, const dev_open_cfg *cfg, bool *fell_back,
                   char *msg, size_t msg_len)
{
	char one[512];
	if (fell_back)
		*fell_back = false;
	msg[0] = 0;
	if (spec && *spec && strcmp(spec, "auto") != 0)
		return dev_open_spec(out, spec, cfg, msg, msg_len); /* the operator's choice */
	/* Auto: the first real plate that opens; remember why the others did not,
	 * a line each, named for people ("Wii Balance Board: ..."). */
	char why[1024] = "";
	size_t k = 0;
	int last = POISE_E_NOT_FOUND;
	for (const struct dev_ops *const *b = dev_backends(); *b; b++) {
		if (strcmp((*b)->name, "sim") == 0)
			continue;
		int rc = dev_open_spec(out, (*b)->name, cfg, one, sizeof one);
		if (rc == POISE_OK)
			return POISE_OK;
		if (rc != POISE_E_NOT_FOUND)
			last = rc;
		const char *paren = strstr((*b)->description, " (");
		int name_len = paren ? (int)(paren - (*b)->description) : (int)strlen((*b)->description);
		int w = snprintf(why + k, sizeof why - k, "\n  %.*s: %s", name_len, (*b)->description, one);
		if (w > 0 && (size_t)w < sizeof why - k)
			k += (size_t)w;
	}
	if (for_patient) {
		snprintf(msg, msg_len,
		         "no force plate can be used:%s\nConnect a plate, or choose --device sim for a "
		         "demonstration: such sessions are stored and shown as simulated.",
		         why);
		return last;
	}
	int rc = dev_open_spec(out, "sim", cfg, msg, msg_len);
	if (rc)
		return rc;
	if (fell_back)
		*fell_back = true;
	snprintf(msg, msg_len, "no force plate found; using the simulated plate (a demonstration: nothing is "
	         "measured)");
	return POISE_OK;
}
