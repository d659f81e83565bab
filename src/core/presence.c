#include "core/presence.h"

#include <math.h>

void pres_cfg_default(pres_cfg *cfg)
{
	*cfg = (pres_cfg){
		.on_n = 150,
		.on_frac = 0.8,
		.off_n = 80,
		.off_frac = 0.6,
		.on_debounce_ms = 300,
		.off_debounce_ms = 150,
		.bw_tau_s = 2.0,
	};
}

void pres_cfg_seated(pres_cfg *cfg)
{
	*cfg = (pres_cfg){
		.on_n = 100,
		.on_frac = 0.8,
		.off_n = 60,
		.off_frac = 0.35,
		.on_debounce_ms = 500,
		.off_debounce_ms = 400,
		.bw_tau_s = 2.0,
	};
}

void pres_set_cfg(pres_state *p, const pres_cfg *cfg)
{
	p->cfg = *cfg;
	p->pending = false;
}

void pres_init(pres_state *p, const pres_cfg *cfg)
{
	*p = (pres_state){.cfg = *cfg};
}

static double fmax2(double a, double b)
{
	return a > b ? a : b;
}

enum pres_event pres_update(pres_state *p, mono_us t_us, double fz_n)
{
	const pres_cfg *c = &p->cfg;
	double dt_s = p->last_us && t_us > p->last_us ? (double)(t_us - p->last_us) * 1e-6 : 0;
	p->last_us = t_us;
	if (!isfinite(fz_n))
		fz_n = 0; /* an invalid reading never keeps somebody "on" */

	bool flip_wanted;
	double debounce_ms;
	if (p->on) {
		flip_wanted = fz_n < fmax2(c->off_n, c->off_frac * p->body_weight_n);
		debounce_ms = c->off_debounce_ms;
		if (!flip_wanted && dt_s > 0) {
			double a = dt_s / (c->bw_tau_s + dt_s);
			p->body_weight_n += a * (fz_n - p->body_weight_n);
		}
	} else {
		if (fz_n < c->off_n)
			p->body_weight_n = 0; /* plate empty: the next person may be lighter */
		flip_wanted = fz_n >= fmax2(c->on_n, c->on_frac * p->body_weight_n);
		debounce_ms = c->on_debounce_ms;
	}

	if (!flip_wanted) {
		p->pending = false;
		return PRES_NONE;
	}
	if (!p->pending) {
		p->pending = true;
		p->since_us = t_us;
	}
	if ((double)(t_us - p->since_us) < debounce_ms * 1000.0)
		return PRES_NONE;

	p->pending = false;
	p->on = !p->on;
	if (p->on) {
		p->body_weight_n = fz_n;
		return PRES_STEP_ON;
	}
	return PRES_STEP_OFF;
}
