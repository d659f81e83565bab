/* The plate set-up: calibrating a USB force plate from the app.
 *
 * Reached from the plate check: its "no plate" screen offers it for a USB
 * plate whose calibration block is blank, corrupt or unusable, and C on
 * the plate check recalibrates the USB plate in use. The steps: the empty
 * plate (the zero), the known mass (20 kg, + and −), the mass on each of
 * the five spots in turn (the picture shows where), the empty plate
 * again; then the fit (core/platecal.h) with its numbers, and only on
 * the therapist's W and Yes the new block is written to the plate and
 * read back (usbplate.h, usbp_cal_write). The plate is then opened the
 * usual way and the plate check's known-mass check follows with the same
 * mass. The write is stored in the device_check table (kind
 * "calibration": a row for the block, one per spot).
 *
 * Honest data: while the set-up runs the app's plate is closed (a->eng is
 * NULL) and the plate streams raw counts through usbp_cal, which is not a
 * device of the session's road: nothing reaches a recording, and no
 * newton is shown from an uncalibrated plate. The counts are read here on
 * the main thread, one poll per frame (the plate streams at its lowest
 * rate, so nothing is lost at 60 frames a second); the samples do not
 * travel the session's road because they must never reach it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "ui/app_impl.h"

enum step { S_FAILED, S_EMPTY, S_MASS, S_PLACE, S_EMPTY_AFTER, S_FIT };
enum { ACT_MEASURE = 1, ACT_AGAIN, ACT_WRITE, ACT_MORE, ACT_LESS };

#define CAL_WINDOW_S 1.0 /* one reading: a second of samples */
#define CAL_WAIT_S 10.0  /* longest wait for a steady reading */
#define CAL_MASS_DEFAULT_KG 20.0
#define CAL_MASS_STEP_KG 0.5
#define CAL_MASS_MIN_KG 5.0
#define CAL_MASS_MAX_KG 150.0
#define CAL_STEPS (3 + PCAL_SPOTS + 1) /* empty, mass, the spots, empty, the fit */
#define LOOK_LOADED 100 /* beside enum pcal_look: the plate should be empty and is not */

/* Labels (a->calib.lab). */
#define CELL_COLS 5
#define SPOT_COLS 3
enum {
	L_TITLE, L_STEP, L_STATE, L_RAW, L_TEXT = L_RAW + 2, L_WARN = L_TEXT + 4, L_MASS = L_WARN + 2, L_SPOTS,
	L_COUNTS = L_SPOTS + PCAL_SPOTS, L_FRONT = L_COUNTS + 2, L_CELL, L_BUTTON = L_CELL + CELL_COUNT,
	L_CELLS_HEAD = L_BUTTON + 4, L_CELL_ROW = L_CELLS_HEAD + CELL_COLS,
	L_SPOTS_HEAD = L_CELL_ROW + CELL_COUNT * CELL_COLS, L_SPOT_ROW = L_SPOTS_HEAD + SPOT_COLS,
	L_REVERSED = L_SPOT_ROW + PCAL_SPOTS * SPOT_COLS, L_VERDICT = L_REVERSED + 2, L_ASK = L_VERDICT + 3,
	L_COUNT = L_ASK + 2
};
_Static_assert(L_COUNT <= (int)(sizeof ((app *)0)->calib.lab / sizeof(gfx_label)), "labels");

static const char *const spot_names[PCAL_SPOTS] = {"at the centre", "front left", "front right", "back left",
                                                   "back right"};
static const char *const cell_names[CELL_COUNT] = {"front-left (TL)", "front-right (TR)", "back-left (BL)",
                                                   "back-right (BR)"};
static const char *const cell_abbr[CELL_COUNT] = {"TL", "TR", "BL", "BR"};

const char *calib_spot_name(int k)
{
	return k >= 0 && k < PCAL_SPOTS ? spot_names[k] : "";
}

static double secs(Uint64 since)
{
	return (double)(SDL_GetPerformanceCounter() - since) / (double)SDL_GetPerformanceFrequency();
}

/* ---- finding the plate, starting ---------------------------------------- */

bool calib_find(app *a)
{
	struct scr_calib_state *c = &a->calib;
	usbp_cal_found f[4];
	size_t n = 0;
	c->candidate = false;
	if (usbp_cal_enumerate(f, 4, &n) != POISE_OK)
		return false;
	for (size_t i = 0; i < n && i < 4; i++) {
		if (f[i].can_calibrate && f[i].cal != USBP_CAL_VALID) {
			c->candidate = true;
			snprintf(c->candidate_id, sizeof c->candidate_id, "%s", f[i].info.id);
			return true;
		}
	}
	return false;
}

bool calib_start(app *a)
{
	struct scr_calib_state *c = &a->calib;
	if (a->eng && strcmp(ses_device(a->eng)->backend, "usb") == 0)
		snprintf(c->which, sizeof c->which, "%s", ses_device(a->eng)->id);
	else if (calib_find(a))
		snprintf(c->which, sizeof c->which, "%s", c->candidate_id);
	else {
		app_toast(a, "%s", ui_str(UI_S_CHECK_NOTHING_TO_CALIBRATE));
		return false;
	}
	app_close_plate(a); /* one owner at a time; and no sample on the road meanwhile */
	a->check.phase_t = 0; /* the plate comes back as a new session: its zero is set again */
	app_push(a, &scr_calibrate);
	return true;
}

/* ---- the readings -------------------------------------------------------- */

static uint32_t window_n(const app *a)
{
	return (uint32_t)lround(a->calib.info.rate_hz * CAL_WINDOW_S);
}

static void stream(app *a, bool on)
{
	struct scr_calib_state *c = &a->calib;
	if (!c->cal || c->streaming == on)
		return;
	if (on && usbp_cal_start(c->cal) != POISE_OK) {
		c->step = S_FAILED;
		snprintf(c->msg, sizeof c->msg, "%s", ui_str(UI_S_CAL_LOST));
		return;
	}
	if (!on)
		usbp_cal_stop(c->cal);
	c->streaming = on;
}

/* Back to the first step, the readings forgotten. */
static void start_over(app *a)
{
	struct scr_calib_state *c = &a->calib;
	c->step = S_EMPTY;
	c->spot = 0;
	c->measuring = false;
	c->warn = 0;
	memset(&c->in, 0, sizeof c->in);
	stream(a, true);
}

static void measure(app *a)
{
	struct scr_calib_state *c = &a->calib;
	if (c->step == S_MASS) {
		c->step = S_PLACE;
		c->spot = 0;
		return;
	}
	if (c->step != S_EMPTY && c->step != S_PLACE && c->step != S_EMPTY_AFTER)
		return;
	c->measuring = true;
	c->measure_t = SDL_GetPerformanceCounter();
	c->look = PCAL_LOOK_STILL;
	c->warn = 0;
	pcal_window_begin(&c->win, window_n(a));
}

static void fit(app *a)
{
	struct scr_calib_state *c = &a->calib;
	c->in.plate = c->info.plate;
	c->in.mass_kg = c->mass_kg;
	c->in.n_places = PCAL_SPOTS;
	c->fit_rc = pcal_fit(&c->in, &c->fit);
	stream(a, false); /* the plate must be stopped to take a calibration */
	c->step = S_FIT;
}

/* A full window: kept if it looks as this step needs, else the next
 * window is tried (until CAL_WAIT_S). */
static void window_done(app *a, const pcal_reading *r)
{
	struct scr_calib_state *c = &a->calib;
	int look = PCAL_LOOK_MOVING; /* enum pcal_look or LOOK_LOADED */
	switch (c->step) {
	case S_EMPTY:
		if ((look = pcal_judge(r, NULL)) == PCAL_LOOK_STILL) {
			c->in.empty = *r;
			c->step = S_MASS;
		}
		break;
	case S_PLACE:
		if ((look = pcal_judge(r, &c->in.empty)) == PCAL_LOOK_STILL) {
			pcal_place *p = &c->in.place[c->spot];
			pcal_spot(&c->info.plate, c->spot, &p->x_mm, &p->y_mm);
			p->r = *r;
			if (++c->spot == PCAL_SPOTS)
				c->step = S_EMPTY_AFTER;
		}
		break;
	case S_EMPTY_AFTER:
		look = pcal_judge(r, NULL);
		if (look == PCAL_LOOK_STILL && pcal_judge(r, &c->in.empty) != PCAL_LOOK_NO_LOAD)
			look = LOOK_LOADED;
		if (look == PCAL_LOOK_STILL) {
			c->in.empty_after = *r;
			c->measuring = false;
			fit(a);
			return;
		}
		break;
	default:
		break;
	}
	c->look = look;
	if (look == PCAL_LOOK_STILL)
		c->measuring = false;
	else
		pcal_window_begin(&c->win, window_n(a));
}

static void take(app *a, const usbp_raw_frame *f)
{
	struct scr_calib_state *c = &a->calib;
	memcpy(c->counts, f->counts, sizeof c->counts);
	c->have_counts = true;
	if (!c->measuring)
		return;
	if (f->flags & (FRAME_OVERRANGE_ANY | FRAME_ADC_FAULT)) {
		/* A cell at its limit has no count to trust: stop and say which. */
		c->measuring = false;
		c->warn = UI_S_CAL_OVERRANGE;
		c->warn_cell = 0;
		for (int i = CELL_COUNT - 1; i >= 0; i--)
			if (f->flags & FRAME_OVERRANGE(i))
				c->warn_cell = i;
		return;
	}
	if (!pcal_window_add(&c->win, f->counts))
		return;
	pcal_reading r;
	pcal_window_reading(&c->win, &r);
	window_done(a, &r);
}

static void cal_update(app *a)
{
	struct scr_calib_state *c = &a->calib;
	if (!c->cal || !c->streaming)
		return;
	for (int round = 0; round < 8; round++) {
		size_t n = 0;
		int rc = usbp_cal_read(c->cal, c->buf, sizeof c->buf / sizeof c->buf[0], &n, 0);
		for (size_t i = 0; i < n && c->streaming; i++)
			take(a, &c->buf[i]);
		if (rc != POISE_OK) {
			c->streaming = c->measuring = false;
			c->step = S_FAILED;
			snprintf(c->msg, sizeof c->msg, "%s", ui_str(UI_S_CAL_LOST));
			return;
		}
		if (n < sizeof c->buf / sizeof c->buf[0] || !c->streaming)
			break;
	}
	if (c->measuring && secs(c->measure_t) > CAL_WAIT_S) {
		c->measuring = false;
		c->warn = c->look == PCAL_LOOK_NO_LOAD ? UI_S_CAL_NO_LOAD
		          : c->look == LOOK_LOADED ? UI_S_CAL_STILL_LOADED
		                                             : UI_S_CAL_NOT_STILL;
	}
}

/* ---- writing ------------------------------------------------------------- */

/* The write in the device_check table: a row for the block (position
 * "all": the numbers in its note), one per spot with what the new
 * calibration makes of that reading. */
static void store_write(app *a, const pp_calib *pc, int rc, const char *msg)
{
	struct scr_calib_state *c = &a->calib;
	if (!a->db)
		return;
	const pcal_result *f = &c->fit;
	double g = PCAL_G_M_S2;
	store_check sc = {.mass_kg = c->mass_kg, .expected_x_mm = NAN, .expected_y_mm = NAN, .measured_x_mm = NAN,
	                  .measured_y_mm = NAN, .measured_kg = NAN, .error_mm = f->max_cop_err_mm,
	                  .error_kg = f->max_fz_err_n / g, .passed = rc == POISE_OK};
	snprintf(sc.device_backend, sizeof sc.device_backend, "usb");
	snprintf(sc.device_serial, sizeof sc.device_serial, "%s", c->info.serial);
	snprintf(sc.kind, sizeof sc.kind, "calibration");
	snprintf(sc.position, sizeof sc.position, "all");
	if (rc == POISE_OK)
		snprintf(sc.note, sizeof sc.note,
		         "written and read back: offsets %d %d %d %d counts, gains %.5e %.5e %.5e %.5e N/count "
		         "(TL TR BL BR); zero shift %+.2f N",
		         pc->offset_counts[0], pc->offset_counts[1], pc->offset_counts[2], pc->offset_counts[3],
		         (double)pc->gain_n_per_count[0], (double)pc->gain_n_per_count[1],
		         (double)pc->gain_n_per_count[2], (double)pc->gain_n_per_count[3], f->zero_shift_n);
	else
		snprintf(sc.note, sizeof sc.note, "not written: %.240s", msg);
	int r = store_check_add(a->db, &sc, NULL);
	for (int k = 0; k < PCAL_SPOTS && r == POISE_OK; k++) {
		sc.expected_x_mm = c->in.place[k].x_mm;
		sc.expected_y_mm = c->in.place[k].y_mm;
		sc.measured_x_mm = f->cop_x_mm[k];
		sc.measured_y_mm = f->cop_y_mm[k];
		sc.measured_kg = f->fz_n[k] / g;
		sc.error_mm = f->cop_err_mm[k];
		sc.error_kg = f->fz_err_n[k] / g;
		snprintf(sc.position, sizeof sc.position, "%s", k == 0 ? "centre" : spot_names[k]);
		sc.note[0] = '\0';
		r = store_check_add(a->db, &sc, NULL);
	}
	if (r != POISE_OK)
		app_toast(a, "%s", store_errmsg(a->db));
}

static void write_yes(app *a)
{
	struct scr_calib_state *c = &a->calib;
	if (c->step != S_FIT || c->fit_rc != POISE_OK || !c->cal)
		return;
	pp_calib pc = {.calibrated_at_s = (uint32_t)time(NULL)};
	for (int i = 0; i < CELL_COUNT; i++) {
		pc.offset_counts[i] = (int32_t)lround(c->fit.offset_counts[i]);
		pc.gain_n_per_count[i] = (float)c->fit.gain_n_per_count[i];
	}
	char msg[256];
	int rc = usbp_cal_write(c->cal, &pc, msg, sizeof msg);
	store_write(a, &pc, rc, msg);
	if (rc != POISE_OK) {
		app_toast(a, ui_str(UI_S_CAL_WRITE_FAILED), msg);
		return;
	}
	fprintf(stderr, "poise: %s %s: %s\n", c->info.name, c->info.serial, msg);
	usbp_cal_close(c->cal);
	c->cal = NULL;
	c->streaming = false;
	/* The plate, the usual way; then the known-mass check on it. */
	bool open = app_open_plate(a);
	char serial[sizeof c->info.serial];
	snprintf(serial, sizeof serial, "%s", c->info.serial);
	double mass = c->mass_kg;
	app_pop(a);
	const dev_info *d = open ? ses_device(a->eng) : NULL;
	if (d && strcmp(d->backend, "usb") == 0 && strcmp(d->serial, serial) == 0) {
		app_toast(a, "%s", ui_str(UI_S_CAL_WRITTEN));
		check_mass_begin(a, mass);
	} else {
		app_toast(a, ui_str(UI_S_CAL_WRITTEN_OTHER), d ? d->name : "none");
	}
}

/* ---- the screen ---------------------------------------------------------- */

static void cal_enter(app *a)
{
	struct scr_calib_state *c = &a->calib;
	if (c->cal)
		return;
	c->streaming = c->measuring = c->have_counts = false;
	c->warn = 0;
	if (!(c->mass_kg >= CAL_MASS_MIN_KG))
		c->mass_kg = CAL_MASS_DEFAULT_KG;
	char msg[256];
	if (usbp_cal_open(&c->cal, c->which, msg, sizeof msg) != POISE_OK) {
		c->step = S_FAILED;
		snprintf(c->msg, sizeof c->msg, ui_str(UI_S_CAL_OPEN_FAILED), msg);
		return;
	}
	c->info = *usbp_cal_info(c->cal);
	c->was = usbp_cal_state(c->cal, &c->old);
	start_over(a);
}

static void cal_leave(app *a)
{
	struct scr_calib_state *c = &a->calib;
	usbp_cal_close(c->cal); /* stops it */
	c->cal = NULL;
	c->streaming = c->measuring = false;
	for (size_t i = 0; i < sizeof c->lab / sizeof c->lab[0]; i++)
		gfx_label_free(&c->lab[i]);
	if (!a->eng && !a->quit)
		app_open_plate(a); /* as it was; or the plate check says why not */
}

/* The plate seen from above, front up: its cells, the five spots (done
 * ones ticked, the one to measure now large). */
static void draw_plate(app *a, SDL_FRect r)
{
	struct scr_calib_state *c = &a->calib;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	const cop_plate *p = &c->info.plate;
	gfx_fill(g, r, t->panel);
	float lh = (float)g->font_px[FONT_SMALL] * 1.6f;
	gfx_label_draw(g, &c->lab[L_FRONT], FONT_SMALL, t->ink_soft, r.x + r.w / 2, r.y + 8 * s, 1, "front (toes)");
	/* The plate between the word "front" and the two lines of counts. */
	float top_y = r.y + 1.4f * lh, bottom_y = r.y + r.h - (c->streaming ? 2.4f : 0.4f) * lh;
	float k = fminf(r.w * 0.70f / (float)p->width_mm, (bottom_y - top_y) * 0.72f / (float)p->depth_mm);
	float cx = r.x + r.w / 2, cy = (top_y + bottom_y) / 2;
	float hw = (float)p->width_mm / 2 * k, hd = (float)p->depth_mm / 2 * k;
	SDL_FRect top = {cx - hw * 1.25f, cy - hd * 1.35f, hw * 2.5f, hd * 2.7f};
	gfx_fill(g, top, t->bg);
	gfx_frame(g, top, t->ink_soft, (int)fmaxf(2, 2 * s));
	static const float sx[CELL_COUNT] = {-1, 1, -1, 1}, sy[CELL_COUNT] = {-1, -1, 1, 1};
	for (int i = 0; i < CELL_COUNT; i++) {
		float x = cx + sx[i] * hw, y = cy + sy[i] * hd;
		gfx_fill(g, (SDL_FRect){x - 9 * s, y - 9 * s, 18 * s, 18 * s}, t->ink_soft);
		gfx_label_draw(g, &c->lab[L_CELL + i], FONT_SMALL, t->ink_soft, x - sx[i] * 16 * s,
		               y - (float)g->font_px[FONT_SMALL] * 0.7f, sx[i] < 0 ? 0 : 2, "%s", cell_abbr[i]);
	}
	bool placing = c->step == S_PLACE;
	for (int i = 0; i < PCAL_SPOTS; i++) {
		double x, y;
		pcal_spot(p, i, &x, &y);
		float px = cx + (float)x * k, py = cy - (float)y * k;
		bool done = c->step > S_PLACE || (placing && i < c->spot);
		if (placing && i == c->spot) {
			gfx_disc(g, px, py, 22 * s, t->accent);
			gfx_ring(g, px, py, 34 * s, t->accent);
		} else if (c->step == S_FIT && i == c->fit.place) {
			gfx_disc(g, px, py, 11 * s, t->warn);
		} else if (done) {
			gfx_disc(g, px, py, 11 * s, t->ok);
		} else {
			gfx_ring(g, px, py, 11 * s, t->ink_soft);
		}
	}
	/* The fit: where the new calibration puts each placement's centre of
	 * pressure (on its dot when all is well; a mass on the wrong spot
	 * shows where it stood). */
	for (int n = 0; c->step == S_FIT && n < PCAL_SPOTS; n++) {
		int i = (c->fit.place + 1 + n) % PCAL_SPOTS; /* a culprit last, on top */
		if (c->fit.place < 0)
			i = n;
		double x = c->fit.cop_x_mm[i], y = c->fit.cop_y_mm[i];
		if (isfinite(x) && isfinite(y) && fabs(x) < p->width_mm && fabs(y) < p->depth_mm)
			gfx_ring(g, cx + (float)x * k, cy - (float)y * k, 17 * s, i == c->fit.place ? t->warn : t->ink);
	}
	/* The raw counts, for the therapist: a dead or saturated cell shows here. */
	if (c->have_counts && c->streaming) {
		gfx_label_draw_fit(g, &c->lab[L_COUNTS], FONT_SMALL, t->ink_soft, r.x + r.w / 2, r.y + r.h - 2 * lh, 1,
		                   r.w - 16 * s, "raw counts: TL %d · TR %d", c->counts[0], c->counts[1]);
		gfx_label_draw_fit(g, &c->lab[L_COUNTS + 1], FONT_SMALL, t->ink_soft, r.x + r.w / 2, r.y + r.h - lh, 1,
		                   r.w - 16 * s, "BL %d · BR %d", c->counts[2], c->counts[3]);
	}
}

static int step_number(const struct scr_calib_state *c)
{
	switch (c->step) {
	case S_EMPTY:
		return 1;
	case S_MASS:
		return 2;
	case S_PLACE:
		return 3 + c->spot;
	case S_EMPTY_AFTER:
		return 3 + PCAL_SPOTS;
	default:
		return CAL_STEPS;
	}
}

static float draw_buttons(app *a, SDL_FRect area, const enum ui_string *names, const int *acts, int n, int selected)
{
	gfx *g = &a->g;
	float s = g->scale, bh = (float)g->font_px[FONT_BODY] * 1.4f + 26 * s, by = area.y + area.h - bh - 14 * s;
	float bx = area.x + 40 * s;
	for (int i = 0; i < n; i++) {
		float bw = app_button_width(a, ui_str(names[i]), 200 * s);
		app_button(a, (SDL_FRect){bx, by, bw, bh}, &a->calib.lab[L_BUTTON + i], ui_str(names[i]), acts[i],
		           i == selected);
		bx += bw + 16 * s;
	}
	return by;
}

static void draw_steps(app *a, SDL_FRect area, float x, float y, float col_w)
{
	struct scr_calib_state *c = &a->calib;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	char text[400];
	if (c->step == S_EMPTY)
		snprintf(text, sizeof text, "%s", ui_str(UI_S_CAL_EMPTY));
	else if (c->step == S_MASS)
		snprintf(text, sizeof text, ui_str(UI_S_CAL_MASS), c->mass_kg);
	else if (c->step == S_PLACE)
		snprintf(text, sizeof text, ui_str(UI_S_CAL_PLACE), c->mass_kg, spot_names[c->spot]);
	else
		snprintf(text, sizeof text, "%s", ui_str(UI_S_CAL_EMPTY_AFTER));
	y = gfx_label_wrap(g, &c->lab[L_TEXT], 4, FONT_TITLE, t->ink, x, y, 0, col_w, text) + 16 * s;
	if (c->step == S_MASS) {
		gfx_label_draw(g, &c->lab[L_MASS], FONT_HUGE, t->accent, x, y, 0, "%.1f kg", c->mass_kg);
		float bw = 70 * s, bh = (float)g->font_px[FONT_HUGE] * 1.1f;
		float bx = x + (float)c->lab[L_MASS].w + 30 * s;
		app_button(a, (SDL_FRect){bx, y, bw, bh}, &c->lab[L_BUTTON + 2], "−", ACT_LESS, false);
		app_button(a, (SDL_FRect){bx + bw + 12 * s, y, bw, bh}, &c->lab[L_BUTTON + 3], "+", ACT_MORE, false);
		y += bh + 16 * s;
	}
	if (c->measuring) {
		gfx_label_draw(g, &c->lab[L_WARN], FONT_BODY, t->ink, x, y, 0, "%s", ui_str(UI_S_CAL_MEASURING));
		c->lab[L_WARN + 1].text[0] = 0;
	} else if (c->warn) {
		if (c->warn == UI_S_CAL_OVERRANGE)
			snprintf(text, sizeof text, ui_str(UI_S_CAL_OVERRANGE), cell_names[c->warn_cell]);
		else if (c->warn == UI_S_CAL_NOT_STILL)
			snprintf(text, sizeof text, ui_str(UI_S_CAL_NOT_STILL), CAL_WAIT_S);
		else
			snprintf(text, sizeof text, "%s", ui_str((enum ui_string)c->warn));
		gfx_label_wrap(g, &c->lab[L_WARN], 2, FONT_BODY, t->warn, x, y, 0, col_w, text);
	}
	y += (float)g->font_px[FONT_BODY] * 3.2f;
	/* Where the spots stand (the picture says it too: left out when the
	 * text is large and there is no room). */
	float bottom = area.y + area.h - ((float)g->font_px[FONT_BODY] * 1.4f + 50 * s);
	if (c->step >= S_PLACE && y + PCAL_SPOTS * (float)g->font_px[FONT_BODY] * 1.5f < bottom) {
		for (int i = 0; i < PCAL_SPOTS; i++) {
			bool done = c->step > S_PLACE || i < c->spot, now = c->step == S_PLACE && i == c->spot;
			gfx_label_draw(g, &c->lab[L_SPOTS + i], FONT_BODY, done ? t->ok : now ? t->ink : t->ink_soft, x,
			               y + (float)i * (float)g->font_px[FONT_BODY] * 1.5f, 0, "%s %s",
			               done ? "✓" : now ? "▶" : "○", spot_names[i]);
		}
	}
	const enum ui_string names[] = {c->step == S_MASS ? UI_S_CAL_NEXT : UI_S_CAL_MEASURE, UI_S_CAL_AGAIN};
	static const int acts[] = {ACT_MEASURE, ACT_AGAIN};
	draw_buttons(a, area, names, acts, c->step == S_EMPTY ? 1 : 2, c->measuring ? -1 : 0);
	app_footer(a, ui_str(UI_S_CAL_KEYS));
}

/* The verdict in words. */
static void verdict(const struct scr_calib_state *c, char *buf, size_t len)
{
	const pcal_result *f = &c->fit;
	double g = PCAL_G_M_S2;
	switch (f->problem) {
	case PCAL_OK:
		snprintf(buf, len, ui_str(UI_S_CAL_FIT_GOOD), fmax(f->max_cop_err_mm, 0.1), f->max_fz_err_n / g);
		break;
	case PCAL_TOO_FEW:
		snprintf(buf, len, "%s", ui_str(UI_S_CAL_WHY_TOO_FEW));
		break;
	case PCAL_NO_RESPONSE:
		snprintf(buf, len, ui_str(UI_S_CAL_WHY_NO_RESPONSE), cell_names[f->cell >= 0 ? f->cell : 0]);
		break;
	case PCAL_NOT_FOLLOWING:
		snprintf(buf, len, ui_str(UI_S_CAL_WHY_NOT_FOLLOWING), cell_names[f->cell >= 0 ? f->cell : 0]);
		break;
	case PCAL_ZERO_MOVED:
		snprintf(buf, len, ui_str(UI_S_CAL_WHY_ZERO), f->zero_shift_n / g);
		break;
	case PCAL_MASS_MOVED: {
		/* Say what was off at that spot: the COP, the total, or the steadiness. */
		int k = f->place >= 0 ? f->place : 0;
		char what[160];
		if (f->cop_err_mm[k] > PCAL_COP_TOL_MM)
			snprintf(what, sizeof what, ui_str(UI_S_CAL_MOVED_COP), f->cop_err_mm[k]);
		else if (fabs(f->fz_err_n[k]) > PCAL_FZ_TOL_FRAC * c->mass_kg * g)
			snprintf(what, sizeof what, ui_str(UI_S_CAL_MOVED_TOTAL), f->fz_err_n[k] / g);
		else
			snprintf(what, sizeof what, "%s", ui_str(UI_S_CAL_MOVED_SPREAD));
		snprintf(buf, len, ui_str(UI_S_CAL_WHY_MOVED), spot_names[k], what);
		break;
	}
	}
}

/* One row of a table: texts at column edges (cols[i] × w from x; the
 * first left-aligned, the others right-aligned at their edge). */
static void table_row(app *a, int lab0, int n, const float *cols, float x, float y, float w, SDL_Color c,
                      char text[][64])
{
	for (int i = 0; i < n; i++)
		gfx_label_draw(&a->g, &a->calib.lab[lab0 + i], FONT_SMALL, c, x + cols[i] * w, y, i == 0 ? 0 : 2, "%s",
		               text[i]);
}

static void draw_fit(app *a, SDL_FRect area, float x, float y, float col_w, SDL_FRect pic)
{
	struct scr_calib_state *c = &a->calib;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, lh = (float)g->font_px[FONT_SMALL] * 1.55f;
	const pcal_result *f = &c->fit;
	bool ok = c->fit_rc == POISE_OK;
	char text[400], cell[CELL_COLS][64];
	verdict(c, text, sizeof text);
	y = gfx_label_wrap(g, &c->lab[L_VERDICT], 3, FONT_BODY, ok ? t->ok : t->warn, x, y, 0, col_w, text) + 10 * s;
	/* The numbers: per cell, then per spot (a refused fit shows what it got). */
	static const float cell_cols[CELL_COLS] = {0, 0.32f, 0.60f, 0.78f, 1.0f};
	static const enum ui_string cell_head[CELL_COLS] = {UI_S_CAL_COL_CELL, UI_S_CAL_COL_OFFSET, UI_S_CAL_COL_GAIN,
	                                                    UI_S_CAL_COL_NOISE, UI_S_CAL_COL_RESID};
	for (int i = 0; i < CELL_COLS; i++)
		snprintf(cell[i], sizeof cell[i], "%s", ui_str(cell_head[i]));
	table_row(a, L_CELLS_HEAD, CELL_COLS, cell_cols, x, y, col_w, t->ink_soft, cell);
	y += lh;
	char reversed[160] = "";
	for (int i = 0; i < CELL_COUNT; i++) {
		double gain = f->gain_n_per_count[i];
		char was[32] = "";
		if (c->was == USBP_CAL_VALID && c->old.gain_n_per_count[i] != 0 && isfinite(gain))
			snprintf(was, sizeof was, " (%+.1f %%)", (gain / (double)c->old.gain_n_per_count[i] - 1) * 100);
		snprintf(cell[0], sizeof cell[0], "%s", cell_abbr[i]);
		snprintf(cell[1], sizeof cell[1], "%.0f", f->offset_counts[i]);
		snprintf(cell[2], sizeof cell[2], "%.4e%s", gain, was);
		snprintf(cell[3], sizeof cell[3], "%.2f N", f->noise_n[i]);
		snprintf(cell[4], sizeof cell[4], "%.2f N", f->rms_resid_n[i]);
		table_row(a, L_CELL_ROW + i * CELL_COLS, CELL_COLS, cell_cols, x, y, col_w,
		          i == f->cell ? t->warn : t->ink, cell);
		y += lh;
		if (f->reversed[i]) {
			size_t n = strlen(reversed);
			snprintf(reversed + n, sizeof reversed - n, "%s%s", n ? ", " : "", cell_names[i]);
		}
	}
	if (reversed[0]) {
		snprintf(text, sizeof text, ui_str(UI_S_CAL_REVERSED), reversed);
		y = gfx_label_wrap(g, &c->lab[L_REVERSED], 2, FONT_SMALL, t->ink_soft, x, y, 0, col_w, text);
	}
	/* The question, if there is room above the buttons (they ask it too). */
	float bottom = area.y + area.h - ((float)g->font_px[FONT_BODY] * 1.4f + 46 * s);
	if (ok && y + lh * 0.5f + 2.4f * (float)g->font_px[FONT_BODY] < bottom)
		gfx_label_wrap(g, &c->lab[L_ASK], 2, FONT_BODY, t->ink, x, y + lh * 0.5f, 0, col_w, ui_str(UI_S_CAL_FIT_ASK));
	/* The spots, under the picture. */
	x = pic.x;
	y = pic.y + pic.h + 16 * s;
	col_w = pic.w;
	static const float spot_cols[SPOT_COLS] = {0, 0.62f, 1.0f};
	static const enum ui_string spot_head[SPOT_COLS] = {UI_S_CAL_COL_SPOT, UI_S_CAL_COL_TOTAL, UI_S_CAL_COL_COP};
	for (int i = 0; i < SPOT_COLS; i++)
		snprintf(cell[i], sizeof cell[i], "%s", ui_str(spot_head[i]));
	table_row(a, L_SPOTS_HEAD, SPOT_COLS, spot_cols, x, y, col_w, t->ink_soft, cell);
	y += lh;
	for (int k = 0; k < PCAL_SPOTS; k++) {
		snprintf(cell[0], sizeof cell[0], "%s", spot_names[k]);
		snprintf(cell[1], sizeof cell[1], "%+.2f kg", round(f->fz_err_n[k] / PCAL_G_M_S2 * 100) / 100 + 0.0);
		snprintf(cell[2], sizeof cell[2], "%.1f mm", f->cop_err_mm[k]);
		table_row(a, L_SPOT_ROW + k * SPOT_COLS, SPOT_COLS, spot_cols, x, y, col_w,
		          k == f->place ? t->warn : t->ink, cell);
		y += lh;
	}
	static const enum ui_string names_ok[] = {UI_S_CAL_WRITE, UI_S_CAL_AGAIN}, names_no[] = {UI_S_CAL_AGAIN};
	static const int acts_ok[] = {ACT_WRITE, ACT_AGAIN}, acts_no[] = {ACT_AGAIN};
	draw_buttons(a, area, ok ? names_ok : names_no, ok ? acts_ok : acts_no, ok ? 2 : 1, 0);
	app_footer(a, ui_str(ok ? UI_S_CAL_FIT_KEYS : UI_S_CAL_REFUSED_KEYS));
}

static void cal_draw(app *a, SDL_FRect area)
{
	struct scr_calib_state *c = &a->calib;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 20 * s;
	float col_w = area.w * 0.58f - 60 * s;
	if (c->step == S_FAILED) {
		gfx_label_draw(g, &c->lab[L_TITLE], FONT_TITLE, t->ink, x, y, 0, "%s", ui_str(UI_S_CAL_TITLE));
		gfx_label_wrap(g, &c->lab[L_TEXT], 4, FONT_BODY, t->warn, x, y + 70 * s, 0, area.w - 80 * s, c->msg);
		app_footer(a, ui_str(UI_S_BACK));
		return;
	}
	gfx_label_draw_fit(g, &c->lab[L_TITLE], FONT_TITLE, t->ink, x, y, 0, col_w, "%s — %s%s%s",
	                   ui_str(UI_S_CAL_TITLE), c->info.name, c->info.serial[0] ? " " : "", c->info.serial);
	y += (float)g->font_px[FONT_TITLE] * 1.5f;
	SDL_FRect pic = {area.x + area.w * 0.60f, area.y + 20 * s, area.w * 0.38f - 20 * s, area.h * 0.62f};
	if (c->step == S_FIT) {
		/* The numbers need the room: a smaller picture, the spots under it. */
		pic.h = area.h * 0.42f;
		draw_plate(a, pic);
		draw_fit(a, area, x, y, col_w, pic);
		return;
	}
	static const enum ui_string state_text[] = {UI_S_CAL_STATE_VALID, UI_S_CAL_STATE_BLANK, UI_S_CAL_STATE_CORRUPT,
	                                            UI_S_CAL_STATE_UNUSABLE};
	gfx_label_draw_fit(g, &c->lab[L_STATE], FONT_BODY, c->was == USBP_CAL_VALID ? t->ink_soft : t->warn, x, y, 0,
	                   col_w, "%s", ui_str(state_text[c->was]));
	y += (float)g->font_px[FONT_BODY] * 1.5f;
	y = gfx_label_wrap(g, &c->lab[L_RAW], 2, FONT_SMALL, t->ink_soft, x, y, 0, col_w, ui_str(UI_S_CAL_RAW));
	y += (float)g->font_px[FONT_SMALL] * 0.9f;
	char step[64];
	snprintf(step, sizeof step, ui_str(UI_S_CAL_STEP), step_number(c), CAL_STEPS);
	gfx_label_draw(g, &c->lab[L_STEP], FONT_SMALL, t->accent, x, y, 0, "%s", step);
	y += (float)g->font_px[FONT_SMALL] * 1.8f;
	draw_plate(a, pic);
	draw_steps(a, area, x, y, col_w);
}

static void stop_yes(app *a)
{
	app_pop(a);
}

static void write_ask(app *a)
{
	if (a->calib.step == S_FIT && a->calib.fit_rc == POISE_OK)
		app_ask(a, UI_S_CAL_WRITE_ASK, UI_S_CAL_WRITE_ASK_MORE, write_yes);
}

static void cal_action(app *a, int id)
{
	struct scr_calib_state *c = &a->calib;
	if (c->step == S_FAILED)
		return;
	switch (id) {
	case ACT_MEASURE:
		if (!c->measuring)
			measure(a);
		break;
	case ACT_AGAIN:
		start_over(a);
		break;
	case ACT_WRITE:
		write_ask(a);
		break;
	case ACT_MORE:
	case ACT_LESS:
		if (c->step == S_MASS)
			c->mass_kg = fmin(CAL_MASS_MAX_KG, fmax(CAL_MASS_MIN_KG, c->mass_kg + (id == ACT_MORE ? 1 : -1) *
			                                                                      CAL_MASS_STEP_KG));
		break;
	}
}

static bool cal_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	switch (k) {
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		cal_action(a, ACT_MEASURE);
		return true;
	case SDLK_r:
		cal_action(a, ACT_AGAIN);
		return true;
	case SDLK_w:
		cal_action(a, ACT_WRITE);
		return true;
	case SDLK_PLUS:
	case SDLK_EQUALS:
	case SDLK_KP_PLUS:
		cal_action(a, ACT_MORE);
		return true;
	case SDLK_MINUS:
	case SDLK_KP_MINUS:
		cal_action(a, ACT_LESS);
		return true;
	default:
		return false;
	}
}

static bool cal_back(app *a)
{
	if (a->calib.step == S_FAILED)
		return false;
	app_ask(a, UI_S_CAL_STOP_ASK, UI_S_CAL_STOP_ASK_MORE, stop_yes);
	return true;
}

static const char *cal_state(const app *a)
{
	const struct scr_calib_state *c = &a->calib;
	static const char *const names[] = {"failed", "empty", "mass", "place", "empty-after", "fit"};
	static const char *const measuring[] = {"failed", "empty-measuring", "mass", "place-measuring",
	                                        "empty-after-measuring", "fit"};
	if (c->step == S_FIT && c->fit_rc != POISE_OK)
		return "refused";
	return c->measuring ? measuring[c->step] : names[c->step];
}

const app_screen scr_calibrate = {
	.name = "calibrate",
	.enter = cal_enter,
	.leave = cal_leave,
	.key = cal_key,
	.action = cal_action,
	.update = cal_update,
	.draw = cal_draw,
	.back = cal_back,
	.state = cal_state,
};
