/* Poise: the live history, a session consumer that keeps the last seconds
 * of samples for whoever shows them (the live view, the plate check, the
 * therapist's second window): the display-filtered COP, whether it was
 * valid (somebody on the plate and a defined COP), the total force, and
 * the newest sample's flags.
 *
 * Main thread (fed by ses_pump(), read while drawing). Allocates at create.
 */
#ifndef POISE_SESSION_HISTORY_H
#define POISE_SESSION_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pipeline.h"
#include "session/engine.h"

typedef struct ses_history ses_history;

/* One remembered sample. */
typedef struct ses_point {
	mono_us t_us;
	float x_mm, y_mm; /* display-filtered COP (xf, yf); NaN if !valid */
	float fz_n;
	float cx_mm, cy_mm; /* the COP before the display filter, whenever the
	                     * load defines one, also with nobody on the plate
	                     * (a test mass); NaN otherwise */
	bool valid;       /* on the plate with a defined COP */
} ses_point;

/* Creates a history of `seconds` of samples at rate_hz (the pipeline's
 * output rate). *out owns it (ses_history_destroy); untouched on failure
 * (POISE_E_INVALID, POISE_E_NOMEM). */
int ses_history_create(ses_history **out, double seconds, double rate_hz);

/* Frees h; it must not be attached. NULL is fine. */
void ses_history_destroy(ses_history *h);

/* The consumer to attach to an engine. */
ses_consumer *ses_history_consumer(ses_history *h);

/* Forgets everything (e.g. after a new plate). */
void ses_history_clear(ses_history *h);

/* How many points are held (≤ capacity). */
size_t ses_history_count(const ses_history *h);

/* The i-th newest point (0 = newest); i < ses_history_count(). */
const ses_point *ses_history_at(const ses_history *h, size_t i);

/* Samples seen since create (never wraps in practice): a reader keeps the
 * value it saw last to process only what is new. */
uint64_t ses_history_total(const ses_history *h);

/* The newest sample's total force and flags (0 before the first). */
double ses_history_fz_n(const ses_history *h);
uint32_t ses_history_flags(const ses_history *h);

/* True if the newest sample says somebody is on the plate. */
bool ses_history_on_plate(const ses_history *h);

#endif
