/* History: the patient's sessions and trials, newest first, with the
 * numbers the therapist reads (scores, levels, sway, effort), the
 * simulated ones marked; R writes the report. And the settings screen. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "device/device.h"
#include "ui/app_impl.h"

static void add_line(struct scr_history_state *h, bool sim, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void add_line(struct scr_history_state *h, bool sim, const char *fmt, ...)
{
	if (h->n_lines == HISTORY_LINES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h->lines[h->n_lines], sizeof h->lines[0], fmt, ap);
	va_end(ap);
	h->line_sim[h->n_lines++] = sim;
}

/* One trial's line: its kind, status and the numbers that matter. */
static void trial_line(app *a, const store_trial *t, bool sim)
{
	store_metric *m = NULL;
	size_t n = 0;
	store_metrics(a->db, t->id, &m, &n);
	char nums[160] = "";
	double score = store_metric_find(m, n, "score"), vel = store_metric_find(m, n, "mean_velocity_mm_s");
	double le = store_metric_find(m, n, "level_end"), effort = store_metric_find(m, n, "effort_borg");
	size_t k = 0;
	if (isfinite(score))
		k += (size_t)snprintf(nums + k, sizeof nums - k, "score %.0f, level %.0f · ", score, le);
	if (isfinite(vel) && k < sizeof nums)
		k += (size_t)snprintf(nums + k, sizeof nums - k, "sway %.1f %s/s · ", vel / (a->set.units_cm ? 10 : 1),
		                      a->set.units_cm ? "cm" : "mm");
	if (isfinite(effort) && k < sizeof nums)
		snprintf(nums + k, sizeof nums - k, "effort %.0f/10", effort);
	add_line(&a->history, sim, "    %-16s %-11s %5.0f s  %s%s", t->kind, store_status_name(t->status), t->duration_s, nums,
	         sim ? "  SIMULATED" : "");
	free(m);
}

static void history_enter(app *a)
{
	struct scr_history_state *h = &a->history;
	h->n_lines = 0;
	h->scroll = 0;
	store_session *se = NULL;
	size_t ns = 0;
	if (store_sessions(a->db, a->patient.id, &se, &ns) != POISE_OK) {
		app_toast(a, "%s", store_errmsg(a->db));
		return;
	}
	for (size_t i = ns; i-- > 0 && h->n_lines < HISTORY_LINES;) {
		bool sim = store_session_is_simulated(&se[i]);
		add_line(h, sim, "%.16s  %s %s%s%s", se[i].started_at, se[i].device_backend, se[i].device_serial,
		         se[i].comment[0] ? " · " : "", se[i].comment);
		store_trial *t = NULL;
		size_t nt = 0;
		if (store_trials(a->db, se[i].id, &t, &nt) == POISE_OK)
			for (size_t j = 0; j < nt; j++)
				trial_line(a, &t[j], sim);
		free(t);
	}
	free(se);
}

static void history_leave(app *a)
{
	for (size_t i = 0; i < sizeof a->history.lab / sizeof a->history.lab[0]; i++)
		gfx_label_free(&a->history.lab[i]);
}

static bool history_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	char msg[900];
	switch (k) {
	case SDLK_UP:
		if (a->history.scroll > 0)
			a->history.scroll--;
		return true;
	case SDLK_DOWN:
		if (a->history.scroll + 1 < a->history.n_lines)
			a->history.scroll++;
		return true;
	case SDLK_r:
		app_export_report(a, msg, sizeof msg);
		app_toast(a, "%s", msg);
		return true;
	default:
		return false;
	}
}

static void history_draw(app *a, SDL_FRect area)
{
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 24 * s;
	gfx_label_draw(g, &a->history.lab[0], FONT_TITLE, t->ink, x, y, 0, "%s — %s", ui_str(UI_S_HISTORY_TITLE),
	               a->patient.code);
	y += (float)a->history.lab[0].h + 16 * s;
	const struct scr_history_state *h = &a->history;
	if (!h->n_lines)
		gfx_label_draw(g, &a->history.lab[1], FONT_BODY, t->ink_soft, x, y, 0, "%s", ui_str(UI_S_HISTORY_NONE));
	float lh = (float)g->font_px[FONT_SMALL] * 1.5f;
	for (int i = h->scroll, k = 2; i < h->n_lines && y + lh < area.y + area.h && k < 48; i++, k++) {
		bool session = h->lines[i][0] != ' ';
		gfx_label_draw_fit(g, &a->history.lab[k], session ? FONT_BODY : FONT_SMALL,
		                   h->line_sim[i] ? t->warn : session ? t->ink : t->ink_soft, x, y, 0, area.w - 80 * s, "%s",
		                   h->lines[i]);
		y += session ? (float)g->font_px[FONT_BODY] * 1.6f : lh;
	}
	app_footer(a, ui_str(UI_S_HISTORY_KEYS));
}

const app_screen scr_history = {
	.name = "history",
	.enter = history_enter,
	.leave = history_leave,
	.key = history_key,
	.draw = history_draw,
};

/* ---- settings ------------------------------------------------------------ */

enum { SET_TEXT, SET_THEME, SET_REST, SET_REST_S, SET_EFFORT, SET_UNITS, SET_DEVICE, SET_EXPORT, SET_CLINIC,
       SET_COUNT };

/* The plates the station can be set to: "auto" (the first real plate;
 * the simulated one only for demos), then each backend by name. */
static int device_choices(const char *out[], int max)
{
	int n = 0;
	out[n++] = "auto";
	for (const struct dev_ops *const *b = dev_backends(); *b && n < max; b++)
		out[n++] = (*b)->name;
	return n;
}

static void setting_text(const app *a, int i, char *buf, size_t len)
{
	static const char *const sizes[3] = {"normal", "large", "extra large"};
	const app_settings *st = &a->set;
	switch (i) {
	case SET_TEXT:
		snprintf(buf, len, "Text size: %s", sizes[st->text_size]);
		break;
	case SET_THEME:
		snprintf(buf, len, "Colours: %s", st->high_contrast ? "high contrast" : "standard");
		break;
	case SET_REST:
		if (st->rest_after_min > 0)
			snprintf(buf, len, "Rest break after %g minutes of standing", st->rest_after_min);
		else
			snprintf(buf, len, "Rest breaks: off");
		break;
	case SET_REST_S:
		snprintf(buf, len, "A rest lasts %d s", st->rest_s);
		break;
	case SET_EFFORT:
		snprintf(buf, len, "Ask for the effort (0–10) after each activity: %s", st->effort_rating ? "yes" : "no");
		break;
	case SET_UNITS:
		snprintf(buf, len, "Therapist numbers in %s", st->units_cm ? "cm" : "mm");
		break;
	case SET_EXPORT:
		snprintf(buf, len, "Reports go to: %s", st->export_dir[0] ? st->export_dir : "~/Documents/Poise");
		break;
	case SET_CLINIC:
		snprintf(buf, len, "Clinic name (on reports): %s", st->clinic[0] ? st->clinic : "—");
		break;
	case SET_DEVICE:
		snprintf(buf, len, "Plate: %s%s", st->device[0] ? st->device : "auto",
		         a->cfg.device ? " (this time --device chose it)" : " (used from the next start)");
		break;
	}
}

static void change(app *a, int d)
{
	app_settings *st = &a->set;
	switch (a->settings.sel) {
	case SET_TEXT:
		st->text_size = (st->text_size + 3 + d) % 3;
		app_apply_look(a);
		break;
	case SET_THEME:
		st->high_contrast = !st->high_contrast;
		app_apply_look(a);
		break;
	case SET_REST:
		st->rest_after_min = round(st->rest_after_min) + d;
		st->rest_after_min = st->rest_after_min < 0 ? 0 : st->rest_after_min > 60 ? 60 : st->rest_after_min;
		break;
	case SET_REST_S:
		st->rest_s += 15 * d;
		st->rest_s = st->rest_s < 15 ? 15 : st->rest_s > 600 ? 600 : st->rest_s;
		break;
	case SET_EFFORT:
		st->effort_rating = !st->effort_rating;
		break;
	case SET_UNITS:
		st->units_cm = !st->units_cm;
		break;
	case SET_DEVICE: {
		const char *names[16];
		int n = device_choices(names, 16), i = 0;
		while (i < n && strcmp(names[i], st->device[0] ? st->device : "auto") != 0)
			i++;
		i = i == n ? 0 : (i + n + d) % n;
		snprintf(st->device, sizeof st->device, "%s", names[i]);
		break;
	}
	}
}

static bool settings_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	struct scr_settings_state *ss = &a->settings;
	if (ss->editing) {
		if (k == SDLK_RETURN || k == SDLK_KP_ENTER) {
			char *dst = ss->sel == SET_EXPORT ? a->set.export_dir : a->set.clinic;
			size_t len = ss->sel == SET_EXPORT ? sizeof a->set.export_dir : sizeof a->set.clinic;
			snprintf(dst, len, "%s", ss->field.text);
			ss->editing = false;
		} else if (k == SDLK_BACKSPACE) {
			ui_field_backspace(&ss->field);
		}
		return true;
	}
	switch (k) {
	case SDLK_UP:
		ss->sel = (ss->sel + SET_COUNT - 1) % SET_COUNT;
		return true;
	case SDLK_DOWN:
		ss->sel = (ss->sel + 1) % SET_COUNT;
		return true;
	case SDLK_LEFT:
		change(a, -1);
		return true;
	case SDLK_RIGHT:
		change(a, +1);
		return true;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		if (ss->sel == SET_EXPORT || ss->sel == SET_CLINIC) {
			ss->editing = true;
			ui_field_init(&ss->field, "", ss->sel == SET_EXPORT ? a->set.export_dir : a->set.clinic, 200, false);
		} else {
			change(a, +1);
		}
		return true;
	default:
		return false;
	}
}

static void settings_text(app *a, const char *utf8)
{
	if (a->settings.editing)
		ui_field_type(&a->settings.field, utf8);
}

static bool settings_back(app *a)
{
	if (a->settings.editing) {
		a->settings.editing = false;
		return true;
	}
	if (app_settings_save(a) == POISE_OK)
		app_toast(a, "%s", ui_str(UI_S_SETTINGS_SAVED));
	else
		app_toast(a, "The settings are used now but could not be saved: %s", a->db ? store_errmsg(a->db) : "no database");
	return false;
}

static void settings_action(app *a, int id)
{
	a->settings.sel = id;
	change(a, +1);
}

static void settings_leave(app *a)
{
	for (size_t i = 0; i < sizeof a->settings.lab / sizeof a->settings.lab[0]; i++)
		gfx_label_free(&a->settings.lab[i]);
}

static void settings_draw(app *a, SDL_FRect area)
{
	struct scr_settings_state *ss = &a->settings;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 24 * s, w = area.w - 80 * s;
	gfx_label_draw(g, &ss->lab[0], FONT_TITLE, t->ink, x, y, 0, "%s", ui_str(UI_S_SETTINGS_TITLE));
	y += (float)ss->lab[0].h + 20 * s;
	float row = (float)g->font_px[FONT_BODY] * 1.4f + 18 * s;
	for (int i = 0; i < SET_COUNT; i++) {
		char text[700];
		if (ss->editing && i == ss->sel)
			snprintf(text, sizeof text, "%s▏", ss->field.text);
		else
			setting_text(a, i, text, sizeof text);
		bool sel = i == ss->sel;
		SDL_FRect r = {x, y, w, row - 8 * s};
		gfx_fill(g, r, sel ? t->accent : t->panel);
		gfx_label_draw(g, &ss->lab[1 + i], FONT_BODY, sel ? t->panel : t->ink, r.x + 14 * s, r.y + 8 * s, 0, "%s%s",
		               sel ? "▶ " : "", text);
		if (a->n_hits < APP_MAX_HITS)
			a->hits[a->n_hits++] = (app_hit){r, i};
		y += row;
	}
	app_footer(a, ui_str(UI_S_SETTINGS_KEYS));
}

const app_screen scr_settings = {
	.name = "settings",
	.leave = settings_leave,
	.key = settings_key,
	.text = settings_text,
	.action = settings_action,
	.draw = settings_draw,
	.back = settings_back,
};
