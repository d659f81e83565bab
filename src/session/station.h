/* Poise: what a station keeps about its plates: a scale correction per
 * plate from its known-mass checks (for a plate without calibration of
 * its own, such as the Wii Balance Board), applied to every session on
 * that plate. Stored in the database's settings as
 * "scale.<backend>.<serial>". Callers: the app and the headless commands,
 * right after the session's engine is made.
 */
#ifndef POISE_SESSION_STATION_H
#define POISE_SESSION_STATION_H

#include "session/engine.h"
#include "store/store.h"

/* Applies the stored scale correction of the engine's plate (if any) to
 * its pipeline's cell gains; *scale (may be NULL) gets the factor (1 when
 * none). A USB plate keeps its own calibration: nothing is applied.
 * POISE_OK, or POISE_E_PARSE for a damaged stored value (not applied). */
int ses_station_apply_scale(store *s, ses_engine *e, double *scale);

/* The setting's key for a plate: "scale.<backend>.<serial>". */
void ses_station_scale_key(const dev_info *plate, char *buf, size_t len);

#endif
