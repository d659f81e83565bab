#include "core/pipeline.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/filter.h"
#include "core/resample.h"

/* Resampled channels: COP x, y, Fz, then the four cell forces. */
enum { CH_X, CH_Y, CH_FZ, CH_F0, CH_COUNT = CH_F0 + CELL_COUNT };

struct pipeline {
	pl_cfg cfg;
	bool antialias;
	flt_butter aa[CELL_COUNT];
	pres_state pres;
	rs_state rs;
	rs_out *rs_buf;
	size_t rs_cap;
	bool display;
	flt_butter disp_x, disp_y;
	flt_oneeuro euro;
	uint32_t pending_flags; /* frame flags and presence events not yet
	                         * attached to an output sample */
	bool tare_running;
	int tare_result;
	double tare_max_sd_n;
	cop_tare tare;
};

void pl_cfg_game_cursor(pl_cfg *cfg)
{
	cfg->display_filter = PL_DISPLAY_ONE_EURO;
	cfg->display_lowpass_hz = PL_GAME_MIN_CUTOFF_HZ;
	cfg->display_beta = PL_GAME_BETA;
}

void pl_cfg_default(pl_cfg *cfg, const cop_plate *plate, double in_rate_hz)
{
	*cfg = (pl_cfg){
		.plate = *plate,
		.in_rate_hz = in_rate_hz,
		.out_rate_hz = 100,
		.display_lowpass_hz = 6,
		.min_fz_n = 20,
		.max_gap_s = 0.25,
		.resample_method = RS_LINEAR,
		.resample_window_s = RS_WINDOW_DEFAULT_S,
	};
	cop_calib_identity(&cfg->calib);
	pres_cfg_default(&cfg->presence);
}

int pl_create(pipeline **out, const pl_cfg *cfg)
{
	if (!out || !cfg || !cop_plate_valid(&cfg->plate) || !(cfg->out_rate_hz > 0) ||
	    cfg->display_lowpass_hz < 0 || cfg->display_lowpass_hz >= cfg->out_rate_hz / 2 ||
	    cfg->in_rate_hz < 0)
		return POISE_E_INVALID;
	pipeline *pl = calloc(1, sizeof *pl);
	if (!pl)
		return POISE_E_NOMEM;
	pl->cfg = *cfg;
	int rc = rs_init(&pl->rs, &(rs_cfg){.rate_hz = cfg->out_rate_hz, .n_ch = CH_COUNT,
	                                    .max_gap_s = cfg->max_gap_s,
	                                    .method = cfg->resample_method,
	                                    .window_s = cfg->resample_window_s});
	if (rc)
		goto fail;
	pl->rs_cap = rs_max_out(&pl->rs.cfg);
	pl->rs_buf = calloc(pl->rs_cap, sizeof *pl->rs_buf);
	if (!pl->rs_buf) {
		rc = POISE_E_NOMEM;
		goto fail;
	}
	/* A plate faster than 1.5× the output clock is low-passed at 40 % of the
	 * output rate before resampling, so decimation does not alias. */
	if (cfg->in_rate_hz > 1.5 * cfg->out_rate_hz) {
		for (int c = 0; c < CELL_COUNT; c++) {
			rc = flt_butter_design(&pl->aa[c], 2, 0.4 * cfg->out_rate_hz, cfg->in_rate_hz);
			if (rc)
				goto fail;
		}
		pl->antialias = true;
	}
	rc = pl_set_display(pl, cfg->display_filter, cfg->display_lowpass_hz, cfg->display_beta);
	if (rc)
		goto fail;
	pres_init(&pl->pres, &cfg->presence);
	pl->tare_result = POISE_E_STATE;
	*out = pl;
	return POISE_OK;
fail:
	pl_destroy(pl);
	return rc;
}

void pl_destroy(pipeline *pl)
{
	if (!pl)
		return;
	free(pl->rs_buf);
	free(pl);
}

size_t pl_max_out(const pipeline *pl)
{
	return pl->rs_cap;
}

int pl_set_display(pipeline *pl, enum pl_display_filter f, double cutoff_hz, double beta)
{
	if (cutoff_hz < 0 || cutoff_hz >= pl->cfg.out_rate_hz / 2)
		return POISE_E_INVALID;
	flt_oneeuro euro;
	flt_butter bx, by;
	int rc = POISE_OK;
	if (cutoff_hz > 0 && f == PL_DISPLAY_ONE_EURO)
		rc = flt_oneeuro_init(&euro, pl->cfg.out_rate_hz, cutoff_hz, beta, 1.0);
	else if (cutoff_hz > 0) {
		rc = flt_butter_design(&bx, 2, cutoff_hz, pl->cfg.out_rate_hz);
		if (!rc)
			rc = flt_butter_design(&by, 2, cutoff_hz, pl->cfg.out_rate_hz);
	}
	if (rc)
		return rc;
	pl->cfg.display_filter = f;
	pl->cfg.display_lowpass_hz = cutoff_hz;
	pl->cfg.display_beta = beta;
	pl->display = cutoff_hz > 0;
	if (pl->display && f == PL_DISPLAY_ONE_EURO)
		pl->euro = euro;
	else if (pl->display) {
		pl->disp_x = bx;
		pl->disp_y = by;
	}
	return POISE_OK;
}

void pl_set_calib(pipeline *pl, const cop_calib *c)
{
	pl->cfg.calib = *c;
}

const cop_calib *pl_calib(const pipeline *pl)
{
	return &pl->cfg.calib;
}

void pl_set_presence(pipeline *pl, const pres_cfg *c)
{
	pl->cfg.presence = *c;
	pres_set_cfg(&pl->pres, c);
}

const pres_cfg *pl_presence(const pipeline *pl)
{
	return &pl->cfg.presence;
}

void pl_tare_start(pipeline *pl, uint32_t n_frames, double max_sd_n)
{
	cop_tare_begin(&pl->tare, n_frames);
	pl->tare_max_sd_n = max_sd_n;
	pl->tare_running = true;
	pl->tare_result = POISE_E_STATE;
}

int pl_tare_result(const pipeline *pl)
{
	return pl->tare_result;
}

double pl_body_weight_n(const pipeline *pl)
{
	return pl->pres.body_weight_n;
}

uint64_t pl_dropped_frames(const pipeline *pl)
{
	return pl->rs.n_dropped;
}

static double display_step(flt_butter *f, bool valid, double v)
{
	if (!valid) {
		flt_butter_reset(f);
		return NAN;
	}
	return flt_butter_step(f, v);
}

size_t pl_push(pipeline *pl, const poise_frame *fr, cop_sample *out)
{
	double f[CELL_COUNT];
	memcpy(f, fr->force_n, sizeof f);

	if (pl->tare_running && cop_tare_add(&pl->tare, f)) {
		pl->tare_running = false;
		pl->tare_result = cop_tare_finish(&pl->tare, pl->tare_max_sd_n, &pl->cfg.calib);
	}
	cop_calib_apply(&pl->cfg.calib, f);
	if (pl->antialias)
		for (int c = 0; c < CELL_COUNT; c++)
			f[c] = flt_butter_step(&pl->aa[c], f[c]);

	cop_point p;
	cop_from_forces(&pl->cfg.plate, f, pl->cfg.min_fz_n, &p);
	switch (pres_update(&pl->pres, fr->t_us, p.fz_n)) {
	case PRES_STEP_ON:
		pl->pending_flags |= SAMPLE_STEP_ON;
		break;
	case PRES_STEP_OFF:
		pl->pending_flags |= SAMPLE_STEP_OFF;
		break;
	case PRES_NONE:
		break;
	}
	pl->pending_flags |= fr->flags & SAMPLE_FRAME_FLAGS;

	double v[CH_COUNT] = {p.x_mm, p.y_mm, p.fz_n};
	memcpy(&v[CH_F0], f, sizeof f);
	size_t n = rs_push(&pl->rs, fr->t_us, v, pl->rs_buf);

	bool on = pl->pres.on;
	for (size_t i = 0; i < n; i++) {
		const rs_out *o = &pl->rs_buf[i];
		cop_sample *s = &out[i];
		bool cop_ok = isfinite(o->v[CH_X]) && isfinite(o->v[CH_Y]);
		s->t_us = o->t_us;
		s->seq = fr->seq;
		s->flags = pl->pending_flags | (on ? SAMPLE_ON_PLATE : 0) |
		           (o->gap ? SAMPLE_RESTART : 0) | (cop_ok ? 0 : SAMPLE_NO_COP);
		pl->pending_flags = 0;
		s->x_mm = o->v[CH_X];
		s->y_mm = o->v[CH_Y];
		s->fz_n = o->v[CH_FZ];
		memcpy(s->force_n, &o->v[CH_F0], sizeof s->force_n);
		bool show = cop_ok && on;
		if (pl->display && pl->cfg.display_filter == PL_DISPLAY_ONE_EURO) {
			if (o->gap || !show)
				flt_oneeuro_reset(&pl->euro);
			s->xf_mm = show ? s->x_mm : NAN;
			s->yf_mm = show ? s->y_mm : NAN;
			if (show)
				flt_oneeuro_step(&pl->euro, &s->xf_mm, &s->yf_mm);
		} else if (pl->display) {
			if (o->gap) {
				flt_butter_reset(&pl->disp_x);
				flt_butter_reset(&pl->disp_y);
			}
			s->xf_mm = display_step(&pl->disp_x, show, s->x_mm);
			s->yf_mm = display_step(&pl->disp_y, show, s->y_mm);
		} else {
			s->xf_mm = show ? s->x_mm : NAN;
			s->yf_mm = show ? s->y_mm : NAN;
		}
	}
	return n;
}
