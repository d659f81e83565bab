#include "session/station.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void ses_station_scale_key(const dev_info *plate, char *buf, size_t len)
{
	snprintf(buf, len, "scale.%s.%s", plate->backend, plate->serial);
}

int ses_station_apply_scale(store *s, ses_engine *e, double *scale)
{
	if (scale)
		*scale = 1;
	const dev_info *d = ses_device(e);
	if (!s || strcmp(d->backend, "usb") == 0)
		return POISE_OK;
	char key[96], v[64], *end;
	ses_station_scale_key(d, key, sizeof key);
	if (store_setting_get(s, key, v, sizeof v) != POISE_OK)
		return POISE_OK;
	double k = strtod(v, &end);
	if (end == v || *end || !(k > 0.5 && k < 2.0)) /* a scale this far off is no correction */
		return POISE_E_PARSE;
	pipeline *pl = ses_pipeline(e);
	cop_calib c = *pl_calib(pl);
	for (int i = 0; i < CELL_COUNT; i++)
		c.gain[i] *= k;
	pl_set_calib(pl, &c);
	if (scale)
		*scale = k;
	return POISE_OK;
}
