/* Poise: the app's screens for the standard tests (mCTSIB, limits of
 * stability, weight bearing, sit-to-stand): the running test and its
 * results. They draw what the session's test consumer holds
 * (session/assess.h: ses_assess_machine() → atest_prompt_get(), the
 * trials; ses_assess_finish() → the result) and play the test's sound
 * cues; they keep no test state of their own, only cached labels.
 *
 * The running screen is for the patient: the instruction in plain words,
 * big; the countdown as one huge number; a ring that fills while a timed
 * phase runs; in the LOS test the target and the COP cursor; and one small
 * line for the therapist at the bottom (test, condition, trial, phase).
 * The results screen is for the therapist and shows numbers.
 *
 * How the app uses it (the lead wires it into src/ui/app.c):
 *
 *   ui_assess v;  ui_assess_init(&v, snd);
 *   ses_assess_cfg ac = {.db = db, .session_id = sid,
 *                        .on_cue = ui_assess_cue, .ctx = &v};
 *   atest_cfg_default(&ac.test, ATEST_MCTSIB, ses_sample_rate_hz(e),
 *                     patient_height_m, &ses_device(e)->plate);
 *   ac.test.manual_go = true;             // the therapist presses Enter
 *   ses_assess_create(&a, &ac); ses_attach(e, ses_assess_consumer(a));
 *   each frame:  ses_pump(...);
 *                if (sim) { ses_assess_intent(a, 0.9, &st, &pose);
 *                           ses_steer(e, &st); ses_posture(e, &pose); }
 *                ui_assess_draw(&v, g, area, a, last_cop, lost_msg);
 *   Enter:       ses_assess_go(a);        Esc: ses_assess_stop(a);
 *   when ses_assess_done(a): ses_assess_finish(a, &res);
 *                ses_detach(...); then each frame
 *                ui_assess_results_draw(&v, g, area, &res, prev_or_NULL, sim);
 *   at the end:  ses_assess_destroy(a); ui_assess_free(&v);
 *
 * Main thread (SDL). Both screens work from 1280×720 up.
 */
#ifndef POISE_UI_ASSESS_VIEW_H
#define POISE_UI_ASSESS_VIEW_H

#include <SDL.h>
#include <stdbool.h>

#include "core/atest.h"
#include "core/pipeline.h"
#include "session/assess.h"
#include "ui/audio.h"
#include "ui/gfx.h"

#define UI_ASSESS_LABELS 64

typedef struct ui_assess {
	audio *snd;                       /* not owned; may be NULL (silent) */
	gfx_label lab[UI_ASSESS_LABELS];
} ui_assess;

/* Prepares the screens (no allocation). snd may be NULL. */
void ui_assess_init(ui_assess *v, audio *snd);

/* Frees the cached labels. */
void ui_assess_free(ui_assess *v);

/* The test's sound cue: pass as ses_assess_cfg.on_cue with ctx = the
 * ui_assess. */
void ui_assess_cue(void *ctx, enum atest_cue cue);

/* The running test into area. cop: the newest COP sample (the LOS cursor
 * uses its display-filtered position; NULL: none yet); plate_lost: NULL,
 * or why the plate is gone (drawn over the screen, as in the games). */
void ui_assess_draw(ui_assess *v, gfx *g, SDL_FRect area, const ses_assess *a, const cop_sample *cop,
                    const char *plate_lost);

/* The results of a finished test into area: the mCTSIB's velocities per
 * condition as bars, the LOS reach as a polar plot, the weight bearing as
 * split bars, the sit-to-stand numbers; previous: the patient's previous
 * result of the same test (NULL: none) drawn beside; simulated: said on
 * the screen. */
void ui_assess_results_draw(ui_assess *v, gfx *g, SDL_FRect area, const ses_assess_result *r,
                            const ses_assess_result *previous, bool simulated);

#endif
