/* Poise: is somebody standing on the plate?
 *
 * A two-state detector on the total vertical force with hysteresis (the
 * step-on threshold sits above the step-off threshold) and debounce (the
 * condition must hold for a while before the state flips), so a patient who
 * shifts weight or bounces does not flicker on and off. Once somebody has
 * stood on the plate, the thresholds follow their body weight: taking most
 * of the weight off the plate (stepping off with one foot, hanging on the
 * rail) counts as stepping off, and coming back needs most of that weight
 * again. An empty plate (below off_n) forgets the body weight, so the next,
 * perhaps lighter, person steps on at the absolute threshold.
 */
#ifndef POISE_CORE_PRESENCE_H
#define POISE_CORE_PRESENCE_H

#include <stdbool.h>

#include "core/frame.h"

typedef struct pres_cfg {
	double on_n;          /* step-on needs Fz ≥ max(on_n, on_frac·body weight) */
	double on_frac;
	double off_n;         /* step-off when Fz < max(off_n, off_frac·body weight) */
	double off_frac;
	double on_debounce_ms;  /* how long the step-on condition must hold */
	double off_debounce_ms; /* how long the step-off condition must hold */
	double bw_tau_s;      /* time constant of the body-weight estimate */
} pres_cfg;

enum pres_event {
	PRES_NONE = 0,
	PRES_STEP_ON,
	PRES_STEP_OFF,
};

typedef struct pres_state {
	pres_cfg cfg;
	bool on;
	bool pending;        /* the opposite condition is holding since since_us */
	mono_us since_us;
	mono_us last_us;
	double body_weight_n; /* 0 until somebody has stood on the plate */
} pres_state;

/* Defaults: on at 150 N / 80 % BW held 300 ms; off below 80 N / 60 % BW
 * held 150 ms; body weight averaged over 2 s. */
void pres_cfg_default(pres_cfg *cfg);

/* Seated on the plate (trunk training: the feet rest on the floor, the
 * plate carries about 70 % of the body weight, and leaning the trunk
 * forward moves weight to the feet): on at 100 N / 80 % of the seated
 * load held 500 ms; off — lifted off the seat — below 60 N / 35 % of the
 * seated load held 400 ms, so a deep forward lean is not "stepping off",
 * but standing up is. */
void pres_cfg_seated(pres_cfg *cfg);

/* Starts in the "off" state with no body weight known. */
void pres_init(pres_state *p, const pres_cfg *cfg);

/* Feeds one total-force reading taken at t_us (non-decreasing). Returns
 * PRES_STEP_ON/PRES_STEP_OFF on the reading at which the state flips (the
 * debounce delay is included in that reading's time), PRES_NONE otherwise. */
enum pres_event pres_update(pres_state *p, mono_us t_us, double fz_n);

/* Replaces the thresholds of a running detector, keeping its state (on or
 * off, the load it follows), e.g. when a game played seated starts. */
void pres_set_cfg(pres_state *p, const pres_cfg *cfg);

#endif
