/* The app shell: the window, the frame loop, the screen stack, the plate
 * and the session's road, and the services the screens share (buttons,
 * toasts, a yes/no question, the header and footer, the therapist's
 * overlay, settings). The screens are in scr_*.c. */
#include "ui/app.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "device/device.h"
#include "report/report.h"
#include "session/station.h"
#include "ui/app_impl.h"

#define APP_RING_FRAMES 16384 /* 16 s at 1 kHz: a stalled frame loses nothing */
#define STEER_SPEED_MM_S 80.0
#define HEADER_H 56
#define FOOTER_H 34

/* A bar holding a line of font: its design height, or taller when the
 * text size needs it (large text must not spill out of its bar). Design
 * height and margin in pixels at 720p. */
static float bar_height(const gfx *g, int font, float design, float margin)
{
	return fmaxf(design * g->scale, (float)TTF_FontHeight(g->font[font]) + margin * g->scale);
}

static float header_h(const gfx *g)
{
	return bar_height(g, FONT_TITLE, HEADER_H, 16);
}

static float footer_h(const gfx *g)
{
	return bar_height(g, FONT_SMALL, FOOTER_H, 14);
}

/* The y that centres a line of font in a bar of height bar_h from top. */
static float centred_y(const gfx *g, int font, float top, float bar_h)
{
	return top + (bar_h - (float)TTF_FontHeight(g->font[font])) / 2;
}

static Uint64 now_ticks(void)
{
	return SDL_GetPerformanceCounter();
}

static double ticks_to_s(Uint64 t)
{
	return (double)t / (double)SDL_GetPerformanceFrequency();
}

/* ---- screens ---------------------------------------------------------- */

const app_screen *app_top(const app *a)
{
	return a->depth > 0 ? a->stack[a->depth - 1] : NULL;
}

void app_push(app *a, const app_screen *s)
{
	if (a->depth == APP_MAX_SCREENS)
		return;
	a->stack[a->depth++] = s;
	if (s->enter)
		s->enter(a);
}

void app_pop(app *a)
{
	if (a->depth == 0)
		return;
	const app_screen *s = a->stack[--a->depth];
	if (s->leave)
		s->leave(a);
	const app_screen *t = app_top(a);
	if (t && t->enter)
		t->enter(a);
	if (!t)
		a->quit = true;
}

void app_replace(app *a, const app_screen *s)
{
	if (a->depth == 0) {
		app_push(a, s);
		return;
	}
	const app_screen *old = a->stack[a->depth - 1];
	if (old->leave)
		old->leave(a);
	a->stack[a->depth - 1] = s;
	if (s->enter)
		s->enter(a);
}

const struct game_ops *app_game(const app *a, int i)
{
	return i >= 0 && i < a->n_games ? game_list()[i] : NULL;
}

/* ---- messages, questions, buttons ----------------------------------- */

void app_toast(app *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->toast, sizeof a->toast, fmt, ap);
	va_end(ap);
	a->toast_until = now_ticks() + 4 * SDL_GetPerformanceFrequency();
	fprintf(stderr, "poise: %s\n", a->toast);
}

void app_ask(app *a, enum ui_string title, enum ui_string more, void (*yes)(app *a))
{
	a->confirm.open = true;
	a->confirm.title = title;
	a->confirm.more = more;
	a->confirm.yes = yes;
}

void app_button(app *a, SDL_FRect r, gfx_label *lab, const char *text, int id, bool selected)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	SDL_Color ink = selected ? t->panel : t->ink;
	gfx_fill(g, r, selected ? t->accent : t->panel);
	gfx_frame(g, r, selected ? t->accent : t->ink_soft, (int)fmaxf(2, 2 * g->scale));
	gfx_label_draw_fit(g, lab, FONT_BODY, ink, -1000, -1000, 0, r.w - 16 * g->scale, "%s", text);
	gfx_label_draw_fit(g, lab, FONT_BODY, ink, r.x + r.w / 2, r.y + (r.h - (float)lab->h) / 2, 1,
	                   r.w - 16 * g->scale, "%s", text);
	if (a->n_hits < APP_MAX_HITS)
		a->hits[a->n_hits++] = (app_hit){r, id};
}

float app_button_width(app *a, const char *text, float min_w)
{
	float w = gfx_text_width(&a->g, FONT_BODY, text) + 40 * a->g.scale;
	return w > min_w ? w : min_w;
}

void app_footer(app *a, const char *text)
{
	int w, h;
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	gfx *g = &a->g;
	float s = g->scale;
	float fh = footer_h(g);
	gfx_fill(g, (SDL_FRect){0, (float)h - fh, (float)w, fh}, g->theme.bg);
	gfx_label_draw_fit_on(g, &a->lab_footer, FONT_SMALL, g->theme.ink_soft, g->theme.bg, 16 * s,
	                      centred_y(g, FONT_SMALL, (float)h - fh, fh), 0, (float)w - 32 * s, "%s", text);
}

/* ---- settings --------------------------------------------------------- */

static const struct {
	const char *key;
	size_t off;
	char type; /* 'i' int, 'd' double, 'b' bool, 's' string */
	size_t len;
} setting_keys[] = {
	{"text_size", offsetof(app_settings, text_size), 'i', 0},
	{"high_contrast", offsetof(app_settings, high_contrast), 'b', 0},
	{"rest_after_min", offsetof(app_settings, rest_after_min), 'd', 0},
	{"rest_s", offsetof(app_settings, rest_s), 'i', 0},
	{"effort_rating", offsetof(app_settings, effort_rating), 'b', 0},
	{"export_dir", offsetof(app_settings, export_dir), 's', sizeof ((app_settings *)0)->export_dir},
	{"clinic", offsetof(app_settings, clinic), 's', sizeof ((app_settings *)0)->clinic},
	{"device", offsetof(app_settings, device), 's', sizeof ((app_settings *)0)->device},
	{"units_cm", offsetof(app_settings, units_cm), 'b', 0},
};

void app_settings_load(app *a)
{
	a->set = (app_settings){.rest_after_min = 5, .rest_s = 60, .effort_rating = true};
	for (size_t i = 0; a->db && i < sizeof setting_keys / sizeof setting_keys[0]; i++) {
		char v[512];
		if (store_setting_get(a->db, setting_keys[i].key, v, sizeof v) != POISE_OK)
			continue;
		char *p = (char *)&a->set + setting_keys[i].off;
		if (setting_keys[i].type == 'i')
			*(int *)p = atoi(v);
		else if (setting_keys[i].type == 'd')
			*(double *)p = atof(v);
		else if (setting_keys[i].type == 'b')
			*(bool *)p = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
		else
			snprintf(p, setting_keys[i].len, "%s", v);
	}
	if (a->set.text_size < 0 || a->set.text_size > 2)
		a->set.text_size = 0;
	if (!(a->set.rest_after_min >= 0 && a->set.rest_after_min <= 120))
		a->set.rest_after_min = 5;
	if (a->set.rest_s < 3 || a->set.rest_s > 900)
		a->set.rest_s = 60;
}

int app_settings_save(app *a)
{
	if (!a->db)
		return POISE_E_STATE;
	for (size_t i = 0; i < sizeof setting_keys / sizeof setting_keys[0]; i++) {
		char v[512];
		const char *p = (const char *)&a->set + setting_keys[i].off;
		if (setting_keys[i].type == 'i')
			snprintf(v, sizeof v, "%d", *(const int *)p);
		else if (setting_keys[i].type == 'd')
			snprintf(v, sizeof v, "%g", *(const double *)p);
		else if (setting_keys[i].type == 'b')
			snprintf(v, sizeof v, "%d", *(const bool *)p ? 1 : 0);
		else
			snprintf(v, sizeof v, "%s", p);
		int rc = store_setting_set(a->db, setting_keys[i].key, v);
		if (rc)
			return rc;
	}
	return POISE_OK;
}

void app_apply_look(app *a)
{
	static const float text_factor[3] = {1.0f, 1.35f, 1.7f};
	int w, h;
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	gfx_set_text_factor(&a->g, text_factor[a->set.text_size]);
	gfx_set_theme(&a->g, a->set.high_contrast);
	gfx_rescale(&a->g, h);
}

/* ---- the plate -------------------------------------------------------- */

void app_close_plate(app *a)
{
	ses_destroy(a->eng); /* consumers are only forgotten */
	ses_history_destroy(a->hist);
	a->eng = NULL;
	a->hist = NULL;
	if (a->live_ready)
		ui_live_free(&a->live);
	a->live_ready = false;
}

bool app_open_plate(app *a)
{
	if (a->eng)
		return true;
	dev_open_cfg oc = {.seed = a->cfg.seed, .realtime = true, .answer_error_rate = a->cfg.sim_error_rate};
	dev *d = NULL;
	/* The command line's --device, else the station's setting. */
	const char *spec = a->cfg.device ? a->cfg.device : a->set.device[0] ? a->set.device : "auto";
	int rc = dev_open_choice(&d, spec, a->have_patient ? DEV_AUTO_REAL_ONLY : 0, &oc, &a->fell_back,
	                         a->plate_msg, sizeof a->plate_msg);
	if (rc) {
		fprintf(stderr, "poise: %s\n", a->plate_msg);
		return false;
	}
	ses_source *src = NULL;
	ses_cfg sc;
	if ((rc = ses_source_thread(&src, d, APP_RING_FRAMES)) != POISE_OK) {
		dev_close(d);
	} else {
		ses_cfg_default(&sc, &src->info);
		if ((rc = ses_create(&a->eng, src, &sc)) != POISE_OK)
			ses_source_destroy(src);
	}
	if (rc == POISE_OK && (rc = ses_history_create(&a->hist, LIVE_HIST_S, sc.pipeline.out_rate_hz)) == POISE_OK &&
	    (rc = ses_attach(a->eng, ses_history_consumer(a->hist))) == POISE_OK)
		rc = ses_start(a->eng);
	if (rc) {
		snprintf(a->plate_msg, sizeof a->plate_msg, "cannot start the plate: %s", poise_strerror(rc));
		app_close_plate(a);
		return false;
	}
	double scale = 1;
	if (ses_station_apply_scale(a->db, a->eng, &scale) != POISE_OK)
		app_toast(a, "The stored scale correction of this plate is damaged: do a known-mass check (K).");
	else if (scale != 1)
		fprintf(stderr, "poise: %s: scale correction ×%.4f from its known-mass check\n", ses_device(a->eng)->name,
		        scale);
	ui_live_init(&a->live, &ses_device(a->eng)->plate, ses_sample_rate_hz(a->eng), a->hist);
	a->live_ready = true;
	a->steer = (dev_steer){.on_plate = true};
	a->last_state = SES_IDLE;
	if (a->fell_back) {
		app_toast(a, "No force plate found: this is the simulated plate, a demonstration.");
	}
	return true;
}

bool app_plate_ok(const app *a)
{
	return a->eng && ses_state(a->eng, NULL) == SES_RUNNING;
}

const char *app_plate_problem(const app *a)
{
	if (!a->eng)
		return ui_str(UI_S_PLAY_PLATE_WAIT);
	switch (ses_state(a->eng, NULL)) {
	case SES_NO_DATA:
		return ui_str(UI_S_PLAY_NO_DATA);
	case SES_LOST:
		return ui_str(UI_S_PLAY_PLATE_WAIT);
	default:
		return NULL;
	}
}

int app_sitting(app *a, int64_t *session_id)
{
	if (!a->have_patient || !a->eng)
		return POISE_E_STATE;
	if (!a->session_id) {
		int rc = train_sitting_begin(a->db, a->patient.id, ses_device(a->eng), a->cfg.operator_name, NULL,
		                             &a->session_id);
		if (rc)
			return rc;
	}
	*session_id = a->session_id;
	return POISE_OK;
}

double app_sitting_s(const app *a)
{
	return a->sitting_t0 ? ticks_to_s(now_ticks() - a->sitting_t0) : 0;
}

/* One turn of the session's road per frame; a lost plate is looked for
 * once a second; changes are said on stderr too. */
static void pump_session(app *a)
{
	if (!a->eng)
		return;
	ses_pump(a->eng, 0, SIZE_MAX, NULL);
	int err;
	enum ses_state st = ses_state(a->eng, &err);
	if (st != a->last_state) {
		const char *name = ses_device(a->eng)->name;
		if (st == SES_NO_DATA)
			fprintf(stderr, "poise: no data from %s for 2 s; it is still connected\n", name);
		else if (st == SES_LOST)
			fprintf(stderr, "poise: %s stopped: %s\n", name, poise_strerror(err));
		else if (st == SES_RUNNING && a->last_state != SES_IDLE)
			fprintf(stderr, "poise: %s streams again\n", name);
		a->last_state = st;
	}
	if (st == SES_LOST && now_ticks() >= a->reconnect_at) {
		a->reconnect_at = now_ticks() + SDL_GetPerformanceFrequency();
		dev_open_cfg oc = {.seed = a->cfg.seed, .realtime = true, .answer_error_rate = a->cfg.sim_error_rate};
		if (ses_reconnect(a->eng, &oc) == POISE_OK)
			app_toast(a, "The plate is back: streaming again.");
	}
}

/* ---- reports ---------------------------------------------------------- */

/* The export folder: the setting, else ~/Documents/Poise (made 0700). */
static int export_dir(app *a, char *buf, size_t len)
{
	if (a->set.export_dir[0]) {
		snprintf(buf, len, "%s", a->set.export_dir);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return POISE_E_NOT_FOUND;
		snprintf(buf, len, "%s/Documents", home);
		mkdir(buf, 0700);
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, "/Poise");
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return POISE_E_IO;
	return POISE_OK;
}

int app_export_report(app *a, char *msg, size_t len)
{
	if (!a->have_patient) {
		snprintf(msg, len, "A report needs a patient.");
		return POISE_E_STATE;
	}
	char dir[600], path[900], stamp[32];
	if (export_dir(a, dir, sizeof dir) != POISE_OK) {
		snprintf(msg, len, "Cannot make the export folder %s: choose another in Settings.", dir);
		return POISE_E_IO;
	}
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(path, sizeof path, "%s/poise-report-%s-%s.pdf", dir, a->patient.code, stamp);
	return report_export_pdf_store(a->db, a->patient.code, path, NULL, msg, len);
}

/* ---- the shell's own drawing -------------------------------------------- */

static void draw_header(app *a, int w)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, bar_h = header_h(g);
	gfx_fill(g, (SDL_FRect){0, 0, (float)w, bar_h}, t->panel);
	gfx_line(g, 0, bar_h, (float)w, bar_h, t->grid, 1);
	/* The labels are composed on the bar's colour: copied, not blended. */
	gfx_label_draw_on(g, &a->lab_header[0], FONT_TITLE, t->accent, t->panel, 20 * s,
	                  centred_y(g, FONT_TITLE, 0, bar_h), 0, "%s", ui_str(UI_S_APP_NAME));
	float x = 20 * s + (float)a->lab_header[0].w + 24 * s;
	char who[256] = "";
	if (a->have_patient) {
		int secs = (int)app_sitting_s(a);
		snprintf(who, sizeof who, "%s%s%s · %d:%02d", a->patient.code, a->patient.display_name[0] ? ", " : "",
		         a->patient.display_name, secs / 60, secs % 60);
	} else if (a->eng) {
		snprintf(who, sizeof who, "%s", ui_str(a->fell_back ? UI_S_DEMO_FALLBACK : UI_S_DEMO));
	}
	gfx_label_draw_on(g, &a->lab_header[1], FONT_BODY, t->ink, t->panel, x, centred_y(g, FONT_BODY, 0, bar_h), 0,
	                  "%s", who);
	if (!a->eng)
		return;
	bool sim = ses_simulated(a->eng);
	const dev_info *d = ses_device(a->eng);
	bool on = ses_history_on_plate(a->hist);
	gfx_label_draw_on(g, &a->lab_header[3], FONT_BODY, on ? t->ok : t->ink_soft, t->panel, (float)w - 20 * s,
	                  centred_y(g, FONT_BODY, 0, bar_h), 2, "%s", ui_str(on ? UI_S_ON_PLATE : UI_S_PLATE_EMPTY));
	float rx = (float)w - 20 * s - (float)a->lab_header[3].w - 24 * s;
	bool low = d->has_battery && d->battery_pct <= 20;
	char battery[40] = "";
	if (d->has_battery && !sim)
		snprintf(battery, sizeof battery, " · battery %d %%%s", d->battery_pct, low ? ": change soon" : "");
	gfx_label_draw_on(g, &a->lab_header[2], FONT_SMALL, sim || low ? t->warn : t->ink_soft, t->panel, rx,
	                  centred_y(g, FONT_SMALL, 0, bar_h), 2, "%s%s",
	                  sim && a->have_patient ? ui_str(UI_S_SIMULATED) : d->name, battery);
}

static void draw_banner(app *a, int w)
{
	int err = POISE_OK;
	enum ses_state st = a->eng ? ses_state(a->eng, &err) : SES_RUNNING;
	if (st != SES_LOST && st != SES_NO_DATA)
		return;
	gfx *g = &a->g;
	float bar_h = header_h(g);
	char msg[320];
	if (st == SES_LOST)
		snprintf(msg, sizeof msg, ui_str(UI_S_CHECK_LOST), poise_strerror(err));
	else
		snprintf(msg, sizeof msg, "%s", ui_str(UI_S_CHECK_NO_DATA));
	float band_h = bar_height(g, FONT_BODY, 48, 16);
	gfx_fill(g, (SDL_FRect){0, bar_h, (float)w, band_h}, g->theme.warn);
	gfx_label_draw_on(g, &a->lab_banner, FONT_BODY, (SDL_Color){255, 255, 255, 255}, g->theme.warn, (float)w / 2,
	                  centred_y(g, FONT_BODY, bar_h, band_h), 1, "%s", msg);
}

static void draw_toast(app *a, int w, int h)
{
	if (!a->toast[0] || now_ticks() >= a->toast_until)
		return;
	gfx *g = &a->g;
	/* Above the footer and the screens' buttons. */
	float s = g->scale, bottom = (float)h - 110 * s;
	/* An opaque box, the text composed on it: blending a box this wide
	 * cost the software renderer a quarter of a live view's frame. */
	SDL_Color white = {255, 255, 255, 255}, box_c = {30, 34, 42, 255};
	gfx_label_draw_on(g, &a->lab_toast, FONT_BODY, white, box_c, -1000, -1000, 0, "%s", a->toast);
	float tw = fminf((float)a->lab_toast.w + 40 * s, (float)w - 20 * s), th = (float)a->lab_toast.h + 20 * s;
	SDL_FRect box = {((float)w - tw) / 2, bottom - th, tw, th};
	gfx_fill(g, box, box_c);
	gfx_label_draw_on(g, &a->lab_toast, FONT_BODY, white, box_c, (float)w / 2, box.y + 10 * s, 1, "%s", a->toast);
}

enum { HIT_CONFIRM_YES = -100, HIT_CONFIRM_NO = -101 };

static void draw_confirm(app *a, int w, int h)
{
	if (!a->confirm.open)
		return;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, bw = fminf((float)w * 0.7f, 900 * s), bh = 280 * s;
	SDL_FRect box = {((float)w - bw) / 2, ((float)h - bh) / 2, bw, bh};
	gfx_fill(g, box, t->panel);
	gfx_frame(g, box, t->accent, (int)fmaxf(3, 4 * s));
	gfx_label_draw(g, &a->confirm.lab[0], FONT_TITLE, t->ink, box.x + bw / 2, box.y + 30 * s, 1, "%s",
	               ui_str(a->confirm.title));
	gfx_label_draw(g, &a->confirm.lab[1], FONT_BODY, t->ink_soft, box.x + bw / 2, box.y + 90 * s, 1, "%s",
	               ui_str(a->confirm.more));
	float bwid = 180 * s, bht = 64 * s, y = box.y + bh - bht - 30 * s;
	a->n_hits = 0; /* only the dialog's buttons answer now */
	app_button(a, (SDL_FRect){box.x + bw / 2 - bwid - 20 * s, y, bwid, bht}, &a->confirm.lab[2],
	           ui_str(UI_S_CONFIRM_YES), HIT_CONFIRM_YES, false);
	app_button(a, (SDL_FRect){box.x + bw / 2 + 20 * s, y, bwid, bht}, &a->confirm.lab[3], ui_str(UI_S_CONFIRM_NO),
	           HIT_CONFIRM_NO, true);
}

/* The therapist's numbers over any screen (Tab): weight and its split,
 * sample rate, live sway of the last 10 s, the game's figures. */
static void draw_overlay(app *a, int w)
{
	if (!a->overlay || !a->eng)
		return;
	gfx *g = &a->g;
	float s = g->scale, pw = 420 * s, x = (float)w - pw - 12 * s, y = header_h(g) + 12 * s;
	int lines = 0;
	char line[8][160];
	double fz = ses_history_fz_n(a->hist);
	snprintf(line[lines++], sizeof line[0], "Weight %.1f kg", fz / 9.80665);
	/* The last samples' cell forces are not in the history: the split
	 * left/right comes from the COP (x = a·(R − L)/Fz). */
	const dev_info *d = ses_device(a->eng);
	if (ses_history_count(a->hist) && ses_history_at(a->hist, 0)->valid) {
		double xm = ses_history_at(a->hist, 0)->x_mm, half = d->plate.width_mm / 2;
		double right = 50 + 50 * xm / half;
		snprintf(line[lines++], sizeof line[0], "Left %.0f %% · right %.0f %%", 100 - right, right);
	}
	snprintf(line[lines++], sizeof line[0], "Sample rate %.0f Hz", ses_rate_hz(a->eng));
	/* Sway of the last 10 s of the display COP: path per second. */
	size_t n = ses_history_count(a->hist);
	double path = 0, span = 0;
	for (size_t i = 1; i < n; i++) {
		const ses_point *p = ses_history_at(a->hist, i - 1), *q = ses_history_at(a->hist, i);
		if (!p->valid || !q->valid)
			continue;
		path += hypot(p->x_mm - q->x_mm, p->y_mm - q->y_mm);
		span += (double)(p->t_us - q->t_us) * 1e-6;
	}
	double unit = a->set.units_cm ? 10 : 1;
	if (span > 1)
		snprintf(line[lines++], sizeof line[0], "Sway velocity (display) %.1f %s/s", path / span / unit,
		         a->set.units_cm ? "cm" : "mm");
	if (a->play.play) {
		game_result r;
		ses_game_result(ses_play_game(a->play.play), &r, NULL, NULL);
		snprintf(line[lines++], sizeof line[0], "%s: level %d, %d hits, %d misses", r.game, r.level_end, r.hits,
		         r.misses);
		snprintf(line[lines++], sizeof line[0], "time in target %.1f s of %.1f s", r.time_in_target_s,
		         r.play_time_s);
	}
	float lh = (float)g->font_px[FONT_SMALL] * 1.5f;
	gfx_fill(g, (SDL_FRect){x, y, pw, 40 * s + lh * (float)lines}, (SDL_Color){16, 20, 30, 230});
	gfx_label_draw(g, &a->lab_overlay[0], FONT_SMALL, (SDL_Color){255, 210, 80, 255}, x + 12 * s, y + 8 * s, 0,
	               "%s", ui_str(UI_S_OVERLAY_TITLE));
	for (int i = 0; i < lines && i < 11; i++)
		gfx_label_draw(g, &a->lab_overlay[i + 1], FONT_SMALL, (SDL_Color){235, 238, 245, 255}, x + 12 * s,
		               y + 32 * s + lh * (float)i, 0, "%s", line[i]);
}

static void draw(app *a)
{
	int w, h;
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	gfx *g = &a->g;
	a->n_hits = 0;
	const app_screen *top = app_top(a);
	bool full = top && top->for_patient; /* the patient's screens use every pixel */
	SDL_FRect area = full ? (SDL_FRect){0, 0, (float)w, (float)h}
	                      : (SDL_FRect){0, header_h(g), (float)w, (float)h - header_h(g) - footer_h(g)};
	if (!full)
		gfx_fill(g, (SDL_FRect){0, 0, (float)w, (float)h}, g->theme.bg);
	if (top)
		top->draw(a, area);
	if (!full)
		draw_header(a, w);
	draw_banner(a, w);
	draw_overlay(a, w);
	draw_confirm(a, w, h);
	draw_toast(a, w, h);
}

/* ---- input -------------------------------------------------------------- */

static void take_screenshot(app *a, const char *path)
{
	char name[64], msg[320];
	if (!path) {
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(name, sizeof name, "poise-%Y%m%d-%H%M%S.png", &tm);
		path = name;
	}
	gfx_screenshot(&a->g, path, msg, sizeof msg);
	app_toast(a, "%s", msg);
}

static void clamp_steer(app *a)
{
	const dev_info *info = ses_device(a->eng);
	double hw = info->plate.width_mm / 2, hd = info->plate.depth_mm / 2;
	a->steer.x_mm = fmax(-hw, fmin(hw, a->steer.x_mm));
	a->steer.y_mm = fmax(-hd, fmin(hd, a->steer.y_mm));
}

static void push_steer(app *a)
{
	if (app_top(a) == &scr_play)
		a->play.manual_steer = true;
	ses_steer(a->eng, &a->steer);
	a->live.target_on = a->steer.active;
	a->live.target_x = a->steer.x_mm;
	a->live.target_y = a->steer.y_mm;
}

/* The arrow keys lean the simulated person while held (demos): on the
 * game and the live view as they are, elsewhere with Ctrl (the arrows
 * there move through lists). */
static void steer_keys(app *a, double dt)
{
	if (!a->eng || !ses_can_steer(a->eng) || a->mouse_steering || a->confirm.open)
		return;
	const Uint8 *ks = SDL_GetKeyboardState(NULL);
	double dx = (ks[SDL_SCANCODE_RIGHT] ? 1 : 0) - (ks[SDL_SCANCODE_LEFT] ? 1 : 0);
	double dy = (ks[SDL_SCANCODE_UP] ? 1 : 0) - (ks[SDL_SCANCODE_DOWN] ? 1 : 0);
	bool free_arrows = app_top(a) == &scr_play || app_top(a) == &scr_live;
	if (!(free_arrows || ks[SDL_SCANCODE_LCTRL] || ks[SDL_SCANCODE_RCTRL]) || (dx == 0 && dy == 0))
		return;
	a->steer.active = true;
	a->steer.x_mm += dx * STEER_SPEED_MM_S * dt;
	a->steer.y_mm += dy * STEER_SPEED_MM_S * dt;
	clamp_steer(a);
	push_steer(a);
}

static void quit_yes(app *a)
{
	a->quit = true;
}

static void handle_key(app *a, const SDL_KeyboardEvent *k)
{
	SDL_Keycode key = k->keysym.sym;
	if (a->confirm.open) {
		if (key == SDLK_RETURN || key == SDLK_KP_ENTER || key == SDLK_y) {
			a->confirm.open = false;
			if (a->confirm.yes)
				a->confirm.yes(a);
		} else if (key == SDLK_ESCAPE || key == SDLK_n) {
			a->confirm.open = false;
		}
		return;
	}
	const app_screen *top = app_top(a);
	if (key == SDLK_ESCAPE) {
		if (top && top->back && top->back(a))
			return;
		if (a->depth <= 1) {
			app_ask(a, UI_S_QUIT_ASK, UI_S_QUIT_ASK_MORE, quit_yes);
			return;
		}
		app_pop(a);
		return;
	}
	if (top && top->key && top->key(a, key, k->keysym.mod))
		return;
	switch (key) {
	case SDLK_F12:
		take_screenshot(a, NULL);
		break;
	case SDLK_F11: {
		Uint32 fs = SDL_GetWindowFlags(a->win) & SDL_WINDOW_FULLSCREEN_DESKTOP;
		SDL_SetWindowFullscreen(a->win, fs ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
		break;
	}
	case SDLK_TAB:
		a->overlay = !a->overlay;
		break;
	default:
		break;
	}
}

static void handle_click(app *a, float x, float y)
{
	SDL_FPoint p = {x, y};
	for (int i = a->n_hits; i-- > 0;) {
		if (!SDL_PointInFRect(&p, &a->hits[i].r))
			continue;
		int id = a->hits[i].id;
		if (id == HIT_CONFIRM_YES || id == HIT_CONFIRM_NO) {
			a->confirm.open = false;
			if (id == HIT_CONFIRM_YES && a->confirm.yes)
				a->confirm.yes(a);
			return;
		}
		const app_screen *top = app_top(a);
		if (top && top->action)
			top->action(a, id);
		return;
	}
}

static void handle_event(app *a, const SDL_Event *e)
{
	switch (e->type) {
	case SDL_QUIT:
		app_ask(a, UI_S_QUIT_ASK, UI_S_QUIT_ASK_MORE, quit_yes);
		break;
	case SDL_KEYDOWN:
		handle_key(a, &e->key);
		break;
	case SDL_TEXTINPUT: {
		const app_screen *top = app_top(a);
		if (!a->confirm.open && top && top->text)
			top->text(a, e->text.text);
		break;
	}
	case SDL_MOUSEBUTTONDOWN:
		if (e->button.button == SDL_BUTTON_LEFT)
			handle_click(a, (float)e->button.x, (float)e->button.y);
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
			gfx_rescale(&a->g, e->window.data2);
			if (a->live_ready)
				ui_live_free(&a->live);
		}
		break;
	default:
		break;
	}
}

/* ---- start, the frame loop, the end -------------------------------------- */

static int open_db(app *a, char *msg, size_t msg_len)
{
	char path[4096];
	const char *p = a->cfg.db;
	int rc;
	if (!p || !*p) {
		if ((rc = store_default_path(path, sizeof path, msg, msg_len)) != POISE_OK)
			return rc;
		p = path;
	}
	return store_open(&a->db, p, 0, msg, msg_len);
}

/* Opens the patient named on the command line. */
static int open_patient(app *a, char *msg, size_t msg_len)
{
	int rc = store_patient_get(a->db, a->cfg.patient, &a->patient);
	if (rc) {
		snprintf(msg, msg_len, "%s", rc == POISE_E_NOT_FOUND
		         ? "no such patient in the database (poise patient list; poise patient add CODE)"
		         : store_errmsg(a->db));
		return rc;
	}
	a->have_patient = true;
	a->sitting_t0 = now_ticks();
	return POISE_OK;
}

static void app_cleanup(app *a)
{
	while (a->depth > 0) { /* each screen closes what it holds (a game: aborted) */
		const app_screen *s = a->stack[--a->depth];
		if (s->leave)
			s->leave(a);
	}
	app_close_plate(a);
	if (a->session_id)
		store_session_end(a->db, a->session_id);
	gfx_label *labs[] = {&a->lab_footer, &a->lab_toast, &a->lab_banner};
	for (size_t i = 0; i < sizeof labs / sizeof labs[0]; i++)
		gfx_label_free(labs[i]);
	for (size_t i = 0; i < sizeof a->lab_header / sizeof a->lab_header[0]; i++)
		gfx_label_free(&a->lab_header[i]);
	for (size_t i = 0; i < sizeof a->lab_overlay / sizeof a->lab_overlay[0]; i++)
		gfx_label_free(&a->lab_overlay[i]);
	for (size_t i = 0; i < sizeof a->confirm.lab / sizeof a->confirm.lab[0]; i++)
		gfx_label_free(&a->confirm.lab[i]);
	free(a->demo_results);
	free(a->n_demo_results);
	store_close(a->db);
	audio_close(a->snd);
	if (a->gfx_ready)
		gfx_free(&a->g);
	if (a->ren)
		SDL_DestroyRenderer(a->ren);
	if (a->win)
		SDL_DestroyWindow(a->win);
	TTF_Quit();
	SDL_Quit();
}

/* SDL, the font engine and (if there is one) sound. */
static int start_sdl(app *a, char *msg, size_t msg_len)
{
	/* Without a GPU, SDL's software renderer drawing straight into the
	 * window is the fastest path (DESIGN.md, Performance); a user may still
	 * pick another with SDL_RENDER_DRIVER. */
	SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		snprintf(msg, msg_len,
		         "cannot open a window: %s. Poise needs a desktop session (X11 or Wayland); "
		         "without a screen, try: xvfb-run -a build/default/src/poise",
		         SDL_GetError());
		return POISE_E_UNSUPPORTED;
	}
	/* With no display at all SDL may fall back to an invisible driver;
	 * a window nobody can see is worse than a clear message. */
	const char *drv = SDL_GetCurrentVideoDriver();
	const char *asked = getenv("SDL_VIDEODRIVER");
	if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) && !(asked && *asked)) {
		snprintf(msg, msg_len,
		         "cannot open a window: no display found (neither X11 nor Wayland). Poise needs "
		         "a desktop session; without a screen, try: xvfb-run -a build/default/src/poise");
		return POISE_E_UNSUPPORTED;
	}
	if (TTF_Init() != 0) {
		snprintf(msg, msg_len, "cannot start the font engine: %s", TTF_GetError());
		return POISE_E_UNSUPPORTED;
	}
	/* Sound is a bonus: without an audio device the app plays silently.
	 * With no sound card at all, skip ALSA (it would fill the terminal
	 * with complaints) and try only the sound servers. */
	if (!getenv("SDL_AUDIODRIVER") && access("/dev/snd", F_OK) != 0)
		SDL_SetHint(SDL_HINT_AUDIODRIVER, "pulseaudio,pipewire,dummy");
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) == 0)
		a->snd = audio_open();
	return POISE_OK;
}

static int open_window(app *a, char *msg, size_t msg_len)
{
	int w = a->cfg.width > 0 ? a->cfg.width : 1280, h = a->cfg.height > 0 ? a->cfg.height : 720;
	a->win = SDL_CreateWindow("Poise", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
	                          SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
	                              (a->cfg.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
	if (!a->win) {
		snprintf(msg, msg_len, "cannot open a window: %s", SDL_GetError());
		return POISE_E_UNSUPPORTED;
	}
	SDL_SetWindowMinimumSize(a->win, 800, 500);
	a->ren = SDL_CreateRenderer(a->win, -1, 0);
	if (!a->ren) {
		snprintf(msg, msg_len, "cannot create a renderer: %s", SDL_GetError());
		return POISE_E_UNSUPPORTED;
	}
	SDL_GetRendererOutputSize(a->ren, &w, &h);
	if (gfx_init(&a->g, a->ren, h, msg, msg_len) != POISE_OK)
		return POISE_E_NOT_FOUND;
	a->gfx_ready = true;
	app_apply_look(a);
	SDL_StartTextInput();
	return POISE_OK;
}

/* The script's turn (tests, demos): it sees the top screen's name and
 * may push events or steer the simulated person. */
static void run_script(app *a, double t_s)
{
	if (!a->cfg.script)
		return;
	const app_screen *top = app_top(a);
	app_script_io io = {.screen = top ? top->name : "", .state = top && top->state ? top->state(a) : "",
	                    .t_s = t_s, .confirm_open = a->confirm.open};
	if (a->cfg.script(a->cfg.script_ctx, &io))
		a->quit = true;
	if (io.steer_set && a->eng) {
		a->steer = io.steer;
		push_steer(a);
	}
	a->script_shot = io.screenshot;
}

/* The t_us of the newest sample the frame is drawn from (0: none yet). */
static mono_us newest_sample_us(const app *a)
{
	return a->hist && ses_history_count(a->hist) ? ses_history_at(a->hist, 0)->t_us : 0;
}

/* Presents the frame and books it (ui/frame.h). */
static void frame_end(app *a)
{
	mono_us p0 = dev_now_us();
	SDL_RenderPresent(a->ren);
	ui_frames_end(&a->frames, p0, newest_sample_us(a));
}

/* The frame loop. Each frame waits until as late as its work allows
 * (ui_frames_wait), then takes the events and the ring's newest samples,
 * draws and presents by its deadline. */
static void run_frames(app *a)
{
	Uint64 start = now_ticks(), last = start;
	while (!a->quit) {
		ui_frames_wait(&a->frames, newest_sample_us(a), a->eng ? ses_sample_rate_hz(a->eng) : 0);
		ui_frames_begin(&a->frames);
		Uint64 t = now_ticks();
		run_script(a, ticks_to_s(t - start));
		SDL_Event e;
		while (SDL_PollEvent(&e))
			handle_event(a, &e);
		steer_keys(a, ticks_to_s(t - last));
		last = t;
		pump_session(a);
		const app_screen *top = app_top(a);
		if (top && top->update)
			top->update(a);
		if (!app_top(a))
			break;
		draw(a);
		if (a->script_shot) { /* the script's pictures: said on stderr only */
			char m[320];
			gfx_screenshot(&a->g, a->script_shot, m, sizeof m);
			fprintf(stderr, "poise: %s\n", m);
			a->script_shot = NULL;
		}
		if (a->cfg.quit_after_s > 0 && ticks_to_s(now_ticks() - start) >= a->cfg.quit_after_s) {
			if (a->cfg.screenshot)
				take_screenshot(a, a->cfg.screenshot);
			a->quit = true;
		}
		frame_end(a);
	}
}

/* The display's refresh rate (60 when it does not say). */
static double refresh_hz(app *a)
{
	SDL_DisplayMode mode;
	return SDL_GetWindowDisplayMode(a->win, &mode) == 0 && mode.refresh_rate > 0 ? mode.refresh_rate : 60;
}

/* Where the app starts: straight into a game (poise play), the patient's
 * home (--patient), or the patient list; with --live, the live view over
 * the patient's home or over a demo's (as F5 on the patient list). */
static void first_screen(app *a)
{
	if (a->cfg.play) {
		if (app_open_plate(a))
			app_push(a, &scr_play);
		else
			app_push(a, &scr_check); /* says why there is no plate */
		return;
	}
	if (a->have_patient) {
		app_open_plate(a);
		app_push(a, &scr_home);
	} else {
		app_push(a, &scr_patients);
		if (!a->cfg.live)
			return;
		if (!app_open_plate(a)) {
			app_push(a, &scr_check);
			return;
		}
		app_push(a, &scr_home);
	}
	if (a->cfg.live)
		app_push(a, &scr_live);
}

int app_run(const app_cfg *cfg, char *msg, size_t msg_len)
{
	app *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(msg, msg_len, "out of memory");
		return 1;
	}
	a->cfg = *cfg;
	a->play.rating = -1;
	int code = 1;
	while (game_list()[a->n_games])
		a->n_games++;
	a->demo_results = calloc((size_t)a->n_games * 10, sizeof *a->demo_results);
	a->n_demo_results = calloc((size_t)a->n_games, sizeof *a->n_demo_results);
	if (!a->demo_results || !a->n_demo_results) {
		snprintf(msg, msg_len, "out of memory");
		goto out;
	}
	if (start_sdl(a, msg, msg_len) != POISE_OK)
		goto out;
	/* A game straight from `poise play` without a patient needs no
	 * database; everything else does (the patient list). */
	if ((cfg->patient || !cfg->play) && open_db(a, msg, msg_len) != POISE_OK)
		goto out;
	if (cfg->patient && open_patient(a, msg, msg_len) != POISE_OK)
		goto out;
	app_settings_load(a);
	if (open_window(a, msg, msg_len) != POISE_OK)
		goto out;
	if (!ui_frames_init(&a->frames, refresh_hz(a), cfg->frame_log, msg, msg_len))
		goto out;
	first_screen(a);
	run_frames(a);
	code = 0;
	if (cfg->frame_stats) {
		int w, h;
		SDL_GetRendererOutputSize(a->ren, &w, &h);
		ui_frames_report(&a->frames, stderr, w, h);
	}
out:
	ui_frames_free(&a->frames);
	app_cleanup(a);
	free(a);
	return code;
}
