/* The plate check before a patient's activities: which plate, its rate
 * and battery, zero with the plate empty (tare), the weight with the
 * patient on it (against the record), and the known-mass check of the
 * plate itself (a mass at the centre and four spots; the errors stored
 * per plate serial; for a board without its own calibration, a scale
 * correction). Without a usable plate it says why, with a retry. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "session/station.h"
#include "ui/app_impl.h"

enum phase { P_NO_PLATE, P_STEP_OFF, P_TARING, P_STEP_ON, P_READY };
enum { ACT_CONTINUE = 1, ACT_TARE, ACT_MASS, ACT_RETRY, ACT_MEASURE, ACT_CALIBRATE };

#define EMPTY_BEFORE_TARE_S 1.0
#define ON_BEFORE_WEIGHT_S 2.0
#define WEIGHT_WARN_KG 5.0
#define MASS_SPOTS PCAL_SPOTS
#define MASS_ROW_LAB 16 /* the table's labels: 5 a row from here */
#define MASS_MEASURE_S 2.0
#define MASS_WAIT_S 10.0 /* longest wait for a steady reading */
#define MASS_SCALE_MIN 0.002 /* a smaller correction is noise, not kept */
#define MASS_TOL_MM 5.0   /* COP error a plate may have (Leach et al. 2014: 0.5–2 mm calibrated) */
#define MASS_TOL_FRAC 0.02

/* Where spot k is on the plate: the centre, and half-way to each corner
 * cell (marks a clinic puts on the plate once; the plate set-up uses the
 * same). */
static void spot_xy(const app *a, int k, double *x, double *y)
{
	pcal_spot(&ses_device(a->eng)->plate, k, x, y);
}

static double secs(Uint64 since)
{
	return (double)(SDL_GetPerformanceCounter() - since) / (double)SDL_GetPerformanceFrequency();
}

static void set_phase(app *a, enum phase p)
{
	a->check.phase = p;
	a->check.phase_t = SDL_GetPerformanceCounter();
}

static void check_enter(app *a)
{
	struct scr_check_state *c = &a->check;
	if (c->mass)
		return;
	if (!a->eng && !app_open_plate(a)) {
		set_phase(a, P_NO_PLATE);
		calib_find(a); /* a USB plate its calibration keeps from use: offer its set-up */
		return;
	}
	if (c->phase == P_NO_PLATE || c->phase_t == 0)
		set_phase(a, P_STEP_OFF);
}

static void check_leave(app *a)
{
	struct scr_check_state *c = &a->check;
	for (size_t i = 0; i < sizeof c->lab / sizeof c->lab[0]; i++)
		gfx_label_free(&c->lab[i]);
	c->phase_t = 0;
	c->mass = false;
}

static void start_tare(app *a)
{
	pl_tare_start(ses_pipeline(a->eng), (uint32_t)ses_device(a->eng)->rate_hz, 5.0);
	set_phase(a, P_TARING);
}

/* Mean total force and COP of the valid samples of the last `sec` seconds;
 * false if there are too few (someone stepped off, no data). */
/* The mean load and COP over the newest `sec` of history, if all of it
 * was steady: somebody on the plate (the display COP) or, for a test mass
 * with nobody on it, any load that defines a COP (the unfiltered COP). */
static bool recent_mean(const app *a, double sec, bool object, double *fz, double *x, double *y)
{
	size_t n = ses_history_count(a->hist), k = 0;
	if (!n)
		return false;
	mono_us newest = ses_history_at(a->hist, 0)->t_us;
	double sf = 0, sx = 0, sy = 0;
	for (size_t i = 0; i < n; i++) {
		const ses_point *p = ses_history_at(a->hist, i);
		if ((double)(newest - p->t_us) * 1e-6 > sec)
			break;
		double px = object ? p->cx_mm : p->x_mm, py = object ? p->cy_mm : p->y_mm;
		if (!(object || p->valid) || !isfinite(px) || !isfinite(py))
			return false;
		sf += p->fz_n;
		sx += px;
		sy += py;
		k++;
	}
	if (k < 10)
		return false;
	*fz = sf / (double)k;
	*x = sx / (double)k;
	*y = sy / (double)k;
	return true;
}

static void update_steps(app *a)
{
	struct scr_check_state *c = &a->check;
	bool on = ses_history_on_plate(a->hist);
	switch ((enum phase)c->phase) {
	case P_STEP_OFF:
		if (on)
			c->phase_t = SDL_GetPerformanceCounter();
		else if (app_plate_ok(a) && secs(c->phase_t) >= EMPTY_BEFORE_TARE_S)
			start_tare(a);
		break;
	case P_TARING: {
		int rc = pl_tare_result(ses_pipeline(a->eng));
		if (rc == POISE_E_STATE)
			break;
		c->tare_ok = rc == POISE_OK;
		if (!c->tare_ok)
			app_toast(a, "%s", ui_str(UI_S_CHECK_TARE_FAILED));
		set_phase(a, P_STEP_ON);
		break;
	}
	case P_STEP_ON: {
		double fz, x, y;
		if (!on)
			c->phase_t = SDL_GetPerformanceCounter();
		else if (secs(c->phase_t) >= ON_BEFORE_WEIGHT_S && recent_mean(a, 1.0, false, &fz, &x, &y)) {
			c->weight_kg = fz / 9.80665;
			set_phase(a, P_READY);
		}
		break;
	}
	default:
		break;
	}
}

/* ---- the known-mass check ---------------------------------------------- */

void check_mass_begin(app *a, double mass_kg)
{
	struct scr_check_state *c = &a->check;
	c->mass = true;
	c->mass_step = 0;
	if (mass_kg > 0)
		c->mass_kg = mass_kg;
	if (!(c->mass_kg > 0))
		c->mass_kg = 20;
	c->acc_n = -1;
	memset(c->done, 0, sizeof c->done);
}

static void mass_measure(app *a)
{
	struct scr_check_state *c = &a->check;
	if (c->mass_step >= MASS_SPOTS)
		return;
	c->acc_n = 0; /* measuring from now */
	c->phase_t = SDL_GetPerformanceCounter();
}

/* Stores spot k's result; after the last, the verdict and (for a plate
 * without its own calibration) the scale correction. */
static void mass_store(app *a, int k, double fz, double x, double y)
{
	struct scr_check_state *c = &a->check;
	const dev_info *d = ses_device(a->eng);
	double ex, ey;
	spot_xy(a, k, &ex, &ey);
	c->meas_kg[k] = fz / 9.80665;
	c->err_kg[k] = c->meas_kg[k] - c->mass_kg;
	c->err_mm[k] = hypot(x - ex, y - ey);
	c->done[k] = true;
	bool pass = c->err_mm[k] <= MASS_TOL_MM && fabs(c->err_kg[k]) <= MASS_TOL_FRAC * c->mass_kg;
	if (a->db) {
		store_check sc = {.mass_kg = c->mass_kg, .expected_x_mm = ex, .expected_y_mm = ey, .measured_x_mm = x,
		                  .measured_y_mm = y, .measured_kg = c->meas_kg[k], .error_mm = c->err_mm[k],
		                  .error_kg = c->err_kg[k], .passed = pass};
		snprintf(sc.device_backend, sizeof sc.device_backend, "%s", d->backend);
		snprintf(sc.device_serial, sizeof sc.device_serial, "%s", d->serial);
		snprintf(sc.kind, sizeof sc.kind, "known-mass");
		snprintf(sc.position, sizeof sc.position, "%s", k == 0 ? "centre" : calib_spot_name(k));
		if (store_check_add(a->db, &sc, NULL) != POISE_OK)
			app_toast(a, "%s", store_errmsg(a->db));
	}
	c->mass_step = k + 1;
	c->acc_n = -1;
	if (c->mass_step < MASS_SPOTS)
		return;
	/* A board's scale from the five spots: the mass over what it read. */
	double sum = 0;
	for (int i = 0; i < MASS_SPOTS; i++)
		sum += c->meas_kg[i];
	double scale = c->mass_kg * MASS_SPOTS / sum;
	if (a->db && strcmp(d->backend, "usb") != 0 && fabs(scale - 1) > MASS_SCALE_MIN) {
		/* The new correction multiplies the one in force now. */
		char key[96], v[32];
		ses_station_scale_key(d, key, sizeof key);
		double now = 1;
		if (store_setting_get(a->db, key, v, sizeof v) == POISE_OK)
			now = atof(v) > 0 ? atof(v) : 1;
		snprintf(v, sizeof v, "%.6f", now * scale);
		pipeline *pl = ses_pipeline(a->eng);
		cop_calib cal = *pl_calib(pl);
		for (int i = 0; i < CELL_COUNT; i++)
			cal.gain[i] *= scale;
		pl_set_calib(pl, &cal);
		if (store_setting_set(a->db, key, v) == POISE_OK)
			app_toast(a, ui_str(UI_S_MASS_SCALE_SAVED), now * scale);
	}
}

static void mass_update(app *a)
{
	struct scr_check_state *c = &a->check;
	if (c->acc_n < 0 || c->mass_step >= MASS_SPOTS)
		return;
	if (secs(c->phase_t) < MASS_MEASURE_S)
		return;
	double fz, x, y;
	/* The reading waits for a steady stretch (a hand just leaving the
	 * mass, the plate settling) and gives up after MASS_WAIT_S. */
	if (!recent_mean(a, MASS_MEASURE_S * 0.8, true, &fz, &x, &y)) {
		if (secs(c->phase_t) >= MASS_WAIT_S) {
			app_toast(a, "Nothing steady on the plate: place the mass and press Enter again.");
			c->acc_n = -1;
		}
		return;
	}
	mass_store(a, c->mass_step, fz, x, y);
}

static void draw_mass(app *a, SDL_FRect area)
{
	struct scr_check_state *c = &a->check;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 24 * s;
	float col_w = area.w * 0.58f - 60 * s; /* the plate's picture takes the right */
	gfx_label_draw_fit(g, &c->lab[0], FONT_TITLE, t->ink, x, y, 0, col_w, "%s — %s", ui_str(UI_S_MASS_TITLE),
	                   ses_device(a->eng)->name);
	y += (float)g->font_px[FONT_TITLE] * 1.8f;
	char line[240];
	bool all = true;
	for (int i = 0; i < MASS_SPOTS; i++)
		all &= c->done[i] && c->err_mm[i] <= MASS_TOL_MM && fabs(c->err_kg[i]) <= MASS_TOL_FRAC * c->mass_kg;
	if (c->mass_step < MASS_SPOTS && c->acc_n >= 0)
		snprintf(line, sizeof line, "%s", ui_str(UI_S_MASS_MEASURING));
	else if (c->mass_step < MASS_SPOTS)
		snprintf(line, sizeof line, ui_str(UI_S_MASS_PLACE), c->mass_kg, calib_spot_name(c->mass_step));
	else if (all)
		snprintf(line, sizeof line, ui_str(UI_S_MASS_PASS), MASS_TOL_MM, MASS_TOL_FRAC * 100);
	else
		snprintf(line, sizeof line, "%s", ui_str(UI_S_MASS_FAIL));
	gfx_label_draw_fit(g, &c->lab[1], FONT_BODY, c->mass_step < MASS_SPOTS ? t->ink : all ? t->ok : t->warn, x, y,
	                   0, col_w, "%s", line);
	y += (float)g->font_px[FONT_BODY] * 2.0f;
	/* The readings as a table: spot, weight, its error, the COP's error;
	 * the columns as wide as their words. */
	if (c->done[0]) {
		static const enum ui_string head[4] = {UI_S_MASS_COL_SPOT, UI_S_MASS_COL_WEIGHT, UI_S_MASS_COL_ERROR,
		                                       UI_S_MASS_COL_COP};
		float colx[4], cx = x + gfx_text_width(g, FONT_BODY, "✓ ");
		float w0 = 0;
		for (int i = 0; i < MASS_SPOTS; i++)
			w0 = fmaxf(w0, gfx_text_width(g, FONT_BODY, calib_spot_name(i)));
		colx[0] = cx;
		colx[1] = colx[0] + fmaxf(w0, gfx_text_width(g, FONT_SMALL, ui_str(head[0]))) + 24 * s;
		colx[2] = colx[1] + fmaxf(gfx_text_width(g, FONT_BODY, "00.00 kg"), gfx_text_width(g, FONT_SMALL, ui_str(head[1]))) +
		          24 * s;
		colx[3] = colx[2] + fmaxf(gfx_text_width(g, FONT_BODY, "+0.00"), gfx_text_width(g, FONT_SMALL, ui_str(head[2]))) +
		          24 * s;
		for (int k = 0; k < 4; k++)
			gfx_label_draw_fit(g, &c->lab[7 + k], FONT_SMALL, t->ink_soft, colx[k], y, 0,
			                   k < 3 ? colx[k + 1] - colx[k] : x + col_w - colx[k], "%s", ui_str(head[k]));
		y += (float)g->font_px[FONT_SMALL] * 1.5f;
		for (int i = 0; i < MASS_SPOTS; i++) {
			if (!c->done[i])
				continue;
			bool pass = c->err_mm[i] <= MASS_TOL_MM && fabs(c->err_kg[i]) <= MASS_TOL_FRAC * c->mass_kg;
			SDL_Color ink = pass ? t->ink : t->warn;
			gfx_label *row = &c->lab[MASS_ROW_LAB + 5 * i];
			gfx_label_draw(g, &row[0], FONT_BODY, ink, x, y, 0, "%s", pass ? "✓" : "✗");
			gfx_label_draw(g, &row[1], FONT_BODY, ink, colx[0], y, 0, "%s", calib_spot_name(i));
			gfx_label_draw(g, &row[2], FONT_BODY, ink, colx[1], y, 0, "%.2f kg", c->meas_kg[i]);
			gfx_label_draw(g, &row[3], FONT_BODY, ink, colx[2], y, 0, "%+.2f",
			               fabs(c->err_kg[i]) < 0.005 ? 0.0 : c->err_kg[i]); /* no "−0.00" */
			gfx_label_draw(g, &row[4], FONT_BODY, ink, colx[3], y, 0, "%.1f mm", c->err_mm[i]);
			y += (float)g->font_px[FONT_BODY] * 1.45f;
		}
	}
	/* The plate: the spot to use ringed, the mass's centre of pressure as a
	 * square once something stands on the plate. */
	SDL_FRect pic = {area.x + area.w * 0.60f, area.y + 24 * s, area.w * 0.38f, area.h * 0.7f};
	if (c->mass_step < MASS_SPOTS) {
		a->live.target_on = true;
		spot_xy(a, c->mass_step, &a->live.target_x, &a->live.target_y);
	} else {
		a->live.target_on = false;
	}
	a->live.quiet = true;
	ui_live_draw_plate(&a->live, g, pic, ses_rate_hz(a->eng));
	a->live.quiet = false;
	const ses_point *p = ses_history_count(a->hist) ? ses_history_at(a->hist, 0) : NULL;
	if (p && isfinite(p->cx_mm) && p->fz_n > 20) {
		live_map m;
		ui_live_plate_map(&a->live, g, pic, &m);
		float px, py, h = 10 * s;
		live_map_to_px(&m, p->cx_mm, p->cy_mm, &px, &py);
		gfx_fill(g, (SDL_FRect){px - h, py - h, 2 * h, 2 * h}, t->cop);
	}
	app_button(a, (SDL_FRect){x, area.y + area.h - 80 * s, app_button_width(a, "Measure", 240 * s), 60 * s},
	           &c->lab[14], c->mass_step < MASS_SPOTS ? "Measure" : "Done", ACT_MEASURE, true);
	app_footer(a, ui_str(UI_S_MASS_KEYS));
}

/* ---- drawing ------------------------------------------------------------ */

static void draw_no_plate(app *a, SDL_FRect area)
{
	struct scr_check_state *c = &a->check;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, cx = area.x + area.w / 2, y = area.y + area.h * 0.18f;
	gfx_label_draw(g, &c->lab[0], FONT_TITLE, t->warn, cx, y, 1, "%s", ui_str(UI_S_CHECK_NO_PLATE));
	y += 64 * s;
	const char *line = strchr(a->plate_msg, '\n'); /* the first line repeats the title */
	for (int i = 1; line && i < 10; i++) {
		line++;
		const char *end = strchr(line, '\n');
		int len = end ? (int)(end - line) : (int)strlen(line);
		while (len > 0 && *line == ' ')
			line++, len--;
		gfx_label_draw(g, &c->lab[i], FONT_BODY, t->ink, cx, y, 1, "%.*s", len, line);
		y += (float)g->font_px[FONT_BODY] * 1.6f;
		line = end;
	}
	if (!strchr(a->plate_msg, '\n'))
		gfx_label_draw(g, &c->lab[1], FONT_BODY, t->ink, cx, y, 1, "%s", a->plate_msg);
	app_button(a, (SDL_FRect){cx - 140 * s, y + 60 * s, 280 * s, 60 * s}, &c->lab[12], "Look again (R)", ACT_RETRY,
	           !a->calib.candidate);
	if (a->calib.candidate) {
		float bw = app_button_width(a, ui_str(UI_S_CHECK_SET_UP), 280 * s);
		app_button(a, (SDL_FRect){cx - bw / 2, y + 136 * s, bw, 60 * s}, &c->lab[13], ui_str(UI_S_CHECK_SET_UP),
		           ACT_CALIBRATE, true);
	}
	app_footer(a, ui_str(a->calib.candidate ? UI_S_CHECK_NO_PLATE_SETUP_KEYS : UI_S_CHECK_NO_PLATE_KEYS));
}

static void draw_steps(app *a, SDL_FRect area)
{
	struct scr_check_state *c = &a->check;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 24 * s;
	const dev_info *d = ses_device(a->eng);
	float col_w = area.w * 0.58f - 60 * s; /* the live plate takes the right */
	gfx_label_draw_fit(g, &c->lab[0], FONT_TITLE, t->ink, x, y, 0, col_w, "%s — %s%s%s", ui_str(UI_S_CHECK_TITLE),
	                   d->name, d->serial[0] ? " " : "", d->serial);
	y += (float)g->font_px[FONT_TITLE] * 1.6f;
	char battery[48] = "";
	if (d->has_battery)
		snprintf(battery, sizeof battery, " · battery %d %%", d->battery_pct);
	gfx_label_draw_fit(g, &c->lab[1], FONT_BODY, t->ink_soft, x, y, 0, col_w, "%s %.0f Hz (nominal %.0f Hz)%s%s",
	                   ui_str(UI_S_CHECK_RATE), ses_rate_hz(a->eng), d->rate_hz, battery,
	                   ses_history_flags(a->hist) & FRAME_BATTERY_LOW ? " · " : "");
	if (ses_history_flags(a->hist) & FRAME_BATTERY_LOW)
		gfx_label_draw(g, &c->lab[2], FONT_BODY, t->warn, x + (float)c->lab[1].w + 8 * s, y, 0, "%s",
		               ui_str(UI_S_CHECK_BATTERY_LOW));
	y += (float)g->font_px[FONT_BODY] * 2.2f;
	/* The three steps, each with a mark: ✓ done, ▶ now, ○ to come. */
	enum phase p = (enum phase)c->phase;
	const char *step[3] = {
		p == P_TARING ? ui_str(UI_S_CHECK_TARING) : p > P_TARING ? ui_str(UI_S_CHECK_TARED) : ui_str(UI_S_CHECK_STEP_OFF),
		p > P_STEP_ON ? ui_str(UI_S_CHECK_ON_PLATE) : ui_str(UI_S_CHECK_STEP_ON), NULL};
	int now = p <= P_TARING ? 0 : p == P_STEP_ON ? 1 : 2;
	char weight[200] = "";
	if (p == P_READY) {
		if (a->have_patient && a->patient.weight_kg > 0 && fabs(c->weight_kg - a->patient.weight_kg) > WEIGHT_WARN_KG)
			snprintf(weight, sizeof weight, ui_str(UI_S_CHECK_WEIGHT_DIFF), c->weight_kg, a->patient.weight_kg);
		else
			snprintf(weight, sizeof weight, "%s %.1f kg", ui_str(UI_S_CHECK_WEIGHT), c->weight_kg);
		step[2] = weight;
	}
	for (int i = 0; i < 3; i++) {
		const char *text = step[i] ? step[i] : ui_str(UI_S_CHECK_WEIGHT);
		bool warn = i == 0 && p > P_TARING && !c->tare_ok;
		SDL_Color col = i == now ? t->ink : i < now ? (warn ? t->warn : t->ok) : t->ink_soft;
		gfx_label_draw_fit(g, &c->lab[3 + i], FONT_TITLE, col, x, y, 0, col_w, "%s %s",
		                   i < now ? (warn ? "✗" : "✓") : i == now ? "▶" : "○",
		                   i == 0 && warn ? ui_str(UI_S_CHECK_TARE_FAILED) : text);
		y += (float)g->font_px[FONT_TITLE] * 1.8f;
	}
	/* The live plate, small, so the therapist sees who stands where. */
	SDL_FRect live = {area.x + area.w * 0.60f, area.y + 24 * s, area.w * 0.38f - 20 * s, area.h * 0.55f};
	ui_live_draw_plate(&a->live, g, live, ses_rate_hz(a->eng));
	float bh = (float)g->font_px[FONT_BODY] * 1.4f + 26 * s, by = area.y + area.h - bh - 14 * s, bx = x;
	static const int acts[] = {ACT_CONTINUE, ACT_TARE, ACT_MASS, ACT_CALIBRATE};
	static const enum ui_string names[] = {UI_S_CHECK_CONTINUE, UI_S_CHECK_SET_ZERO, UI_S_CHECK_MASS,
	                                       UI_S_CHECK_CALIBRATE};
	int n_buttons = strcmp(d->backend, "usb") == 0 ? 4 : 3; /* a USB plate can be calibrated here */
	for (int i = 0; i < n_buttons; i++) {
		float bw = app_button_width(a, ui_str(names[i]), 200 * s);
		app_button(a, (SDL_FRect){bx, by, bw, bh}, &c->lab[12 + i], ui_str(names[i]), acts[i], i == 0 && p == P_READY);
		bx += bw + 16 * s;
	}
	app_footer(a, ui_str(UI_S_CHECK_KEYS));
}

static void check_draw(app *a, SDL_FRect area)
{
	if (!a->eng) {
		draw_no_plate(a, area);
		return;
	}
	if (a->check.mass)
		draw_mass(a, area);
	else
		draw_steps(a, area);
}

static void check_update(app *a)
{
	if (!a->eng) {
		a->check.phase = P_NO_PLATE;
		return;
	}
	if (a->check.phase == P_NO_PLATE)
		set_phase(a, P_STEP_OFF);
	if (a->check.mass)
		mass_update(a);
	else
		update_steps(a);
}

static void go_on(app *a)
{
	if (a->cfg.play) { /* poise play: the plate is back, the game starts */
		app_replace(a, &scr_play);
		return;
	}
	app_replace(a, &scr_home);
}

static void check_action(app *a, int id)
{
	switch (id) {
	case ACT_RETRY:
		if (app_open_plate(a))
			set_phase(a, P_STEP_OFF);
		else if (!calib_find(a))
			app_toast(a, "Still no plate.");
		break;
	case ACT_CALIBRATE:
		calib_start(a);
		break;
	case ACT_CONTINUE:
		if (a->eng)
			go_on(a);
		break;
	case ACT_TARE:
		if (a->eng && ses_history_on_plate(a->hist))
			app_toast(a, "%s", ui_str(UI_S_CHECK_STEP_OFF));
		else if (a->eng)
			start_tare(a);
		break;
	case ACT_MASS:
		if (a->eng)
			check_mass_begin(a, 0);
		break;
	case ACT_MEASURE:
		if (a->check.mass_step >= MASS_SPOTS)
			a->check.mass = false;
		else
			mass_measure(a);
		break;
	}
}

static bool check_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	struct scr_check_state *c = &a->check;
	if (c->mass) {
		if (k == SDLK_RETURN || k == SDLK_KP_ENTER)
			check_action(a, ACT_MEASURE);
		else if ((k == SDLK_PLUS || k == SDLK_EQUALS || k == SDLK_KP_PLUS) && c->mass_step == 0)
			c->mass_kg += 5;
		else if ((k == SDLK_MINUS || k == SDLK_KP_MINUS) && c->mass_step == 0 && c->mass_kg > 5)
			c->mass_kg -= 5;
		else
			return false;
		return true;
	}
	switch (k) {
	case SDLK_r:
		check_action(a, ACT_RETRY);
		return true;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		check_action(a, ACT_CONTINUE);
		return true;
	case SDLK_t:
		check_action(a, ACT_TARE);
		return true;
	case SDLK_k:
		check_action(a, ACT_MASS);
		return true;
	case SDLK_c:
		check_action(a, ACT_CALIBRATE);
		return true;
	default:
		return false;
	}
}

static bool check_back(app *a)
{
	if (a->check.mass) {
		a->check.mass = false;
		return true;
	}
	return false;
}

static const char *check_state(const app *a)
{
	static const char *const names[] = {"no-plate", "step-off", "taring", "step-on", "ready"};
	if (a->check.mass)
		return a->check.mass_step >= MASS_SPOTS ? "mass-done" : a->check.acc_n >= 0 ? "mass-measuring" : "mass-place";
	return a->eng ? names[a->check.phase] : "no-plate";
}

const app_screen scr_check = {
	.name = "check",
	.enter = check_enter,
	.leave = check_leave,
	.key = check_key,
	.action = check_action,
	.update = check_update,
	.draw = check_draw,
	.back = check_back,
	.state = check_state,
};
