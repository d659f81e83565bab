/* Poise: the real-time pipeline from frames to COP samples.
 *
 *   frame → tare/calibration → anti-alias (fast plates) → presence → COP
 *         → resample onto the fixed clock → causal display low-pass
 *
 * Runs on the main thread, one frame at a time, as frames come out of the
 * ring. Allocates at create only. The COP sample keeps both the resampled,
 * unfiltered COP (what is recorded and analysed: metrics never see the
 * display filter) and the low-passed COP for the live view and games.
 */
#ifndef POISE_CORE_PIPELINE_H
#define POISE_CORE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/cop.h"
#include "core/frame.h"
#include "core/presence.h"
#include "core/resample.h"

/* Sample flags. The low byte carries the frame_flag bits of the frames
 * that went into the sample (ORed); the rest are the pipeline's own. */
enum sample_flag {
	SAMPLE_FRAME_FLAGS = 0xffu,
	SAMPLE_ON_PLATE = 1u << 8,  /* somebody is standing on the plate */
	SAMPLE_STEP_ON = 1u << 9,   /* presence turned on at this sample */
	SAMPLE_STEP_OFF = 1u << 10, /* presence turned off at this sample */
	SAMPLE_RESTART = 1u << 11,  /* first sample, or first after an input gap
	                             * longer than max_gap_s */
	SAMPLE_NO_COP = 1u << 12,   /* Fz below min_fz_n: x, y are NaN */
};

typedef struct cop_sample {
	mono_us t_us;        /* on the fixed output clock */
	uint32_t seq;        /* sequence number of the newest frame used */
	uint32_t flags;      /* enum sample_flag */
	double x_mm, y_mm;   /* COP, resampled, not display-filtered */
	double xf_mm, yf_mm; /* COP through the causal display low-pass */
	double fz_n;         /* total vertical force */
	double force_n[CELL_COUNT]; /* calibrated cell forces, resampled */
} cop_sample;

/* The causal filter between the recorded COP and what the screen shows. */
enum pl_display_filter {
	PL_DISPLAY_BUTTERWORTH = 0, /* 2nd order at display_lowpass_hz: smooth trail */
	PL_DISPLAY_ONE_EURO,        /* adaptive, low lag: the game cursor */
};

typedef struct pl_cfg {
	cop_plate plate;
	cop_calib calib;
	pres_cfg presence;
	double in_rate_hz;         /* nominal device rate; 0 if unknown */
	double out_rate_hz;        /* fixed output clock (default 100) */
	double display_lowpass_hz; /* Butterworth cutoff, or the One Euro minimum
	                            * cutoff; 0 = no display filter */
	enum pl_display_filter display_filter;
	double display_beta;       /* One Euro speed coefficient, Hz per mm/s */
	double min_fz_n;           /* COP undefined below this (default 20 N) */
	double max_gap_s;          /* input gaps longer than this restart the
	                            * output clock instead of being bridged */
	rs_method resample_method; /* RS_LINEAR for regular plates (default);
	                            * RS_WINDOW for irregular ones (a device
	                            * with dev_info.rate_irregular) */
	double resample_window_s;  /* RS_WINDOW's window (default 0.05 s) */
} pl_cfg;

typedef struct pipeline pipeline;

/* Defaults for a plate: identity calibration, default presence, 100 Hz
 * out, 6 Hz Butterworth display low-pass, 20 N, 0.25 s, linear resampling
 * (set resample_method = RS_WINDOW for an irregular device). */
void pl_cfg_default(pl_cfg *cfg, const cop_plate *plate, double in_rate_hz);

/* The game cursor's One Euro filter, tuned with tests/bench (≈ 2 ms lag on
 * a brisk weight shift, ≈ 15 ms on quiet sway, no overshoot). */
#define PL_GAME_MIN_CUTOFF_HZ 0.5
#define PL_GAME_BETA 0.4

/* Switches cfg's display filter to the game cursor's One Euro filter. */
void pl_cfg_game_cursor(pl_cfg *cfg);

/* Creates a pipeline; *out owns it (pl_destroy). POISE_E_INVALID for a bad
 * plate, rate or cutoff; *out untouched on failure. */
int pl_create(pipeline **out, const pl_cfg *cfg);

void pl_destroy(pipeline *pl);

/* The most samples one pl_push() can write. */
size_t pl_max_out(const pipeline *pl);

/* Feeds one frame (frames in time order). Writes the COP samples it
 * completes to out[] (room for pl_max_out()) and returns how many. */
size_t pl_push(pipeline *pl, const poise_frame *f, cop_sample *out);

/* Switches the display filter (e.g. to the game cursor's One Euro when a
 * game starts, back to the Butterworth after) without disturbing the rest
 * of the pipeline; the filter restarts from the next sample.
 * POISE_E_INVALID for a bad cutoff, the old filter then stays. */
int pl_set_display(pipeline *pl, enum pl_display_filter f, double cutoff_hz, double beta);

/* Replaces the calibration (e.g. after the device's calibration block was
 * read). Takes effect from the next frame. */
void pl_set_calib(pipeline *pl, const cop_calib *c);

const cop_calib *pl_calib(const pipeline *pl);

/* Replaces the presence thresholds (pres_set_cfg: the state is kept), e.g.
 * seated play (cond_presence()). Takes effect from the next frame. */
void pl_set_presence(pipeline *pl, const pres_cfg *c);

/* The presence thresholds in force. */
const pres_cfg *pl_presence(const pipeline *pl);

/* Starts a tare over the next n_frames frames: their mean raw force per
 * cell becomes the offsets, unless the total force's standard deviation
 * exceeds max_sd_n (someone touched the plate). Frames keep flowing
 * through the pipeline meanwhile. */
void pl_tare_start(pipeline *pl, uint32_t n_frames, double max_sd_n);

/* POISE_E_STATE while a tare runs (or none was started), then its result:
 * POISE_OK (offsets applied) or POISE_E_RANGE (plate not still; the old
 * calibration stays). */
int pl_tare_result(const pipeline *pl);

/* Body weight estimated by presence detection, N (0 if nobody yet). */
double pl_body_weight_n(const pipeline *pl);

/* Frames the resampler ignored because their time did not advance. */
uint64_t pl_dropped_frames(const pipeline *pl);

#endif
