/* The patient's home: who they are (with the notes the therapist needs),
 * the sitting's time, the prescription and the last results per game, and
 * the way to Assess, Train, History, the live view and the report. A demo
 * (no patient) has Train and the live view. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ui/app_impl.h"

enum { ACT_ASSESS = 1, ACT_TRAIN, ACT_HISTORY, ACT_LIVE, ACT_REPORT, ACT_CHECK, ACT_EDIT };

/* The most minutes this patient's sitting should last (0: no limit), from
 * the station's settings. */
int home_max_session_min(app *a)
{
	return a->have_patient ? patient_max_session_min(a, a->patient.id) : 0;
}

void home_plans_refresh(app *a)
{
	struct scr_home_state *h = &a->home;
	h->n_plans = 0;
	bool sim = a->eng && ses_simulated(a->eng);
	for (int i = 0; i < a->n_games && i < 16; i++) {
		train_plan *p = &h->plans[h->n_plans++];
		if (!a->have_patient || train_plan_load(a->db, &a->patient, app_game(a, i), sim, p) != POISE_OK)
			train_plan_default(app_game(a, i), p);
	}
}

static void home_enter(app *a)
{
	home_plans_refresh(a);
}

static void home_leave(app *a)
{
	for (size_t i = 0; i < sizeof a->home.lab / sizeof a->home.lab[0]; i++)
		gfx_label_free(&a->home.lab[i]);
}

static void home_action(app *a, int id)
{
	char msg[900];
	switch (id) {
	case ACT_ASSESS:
		if (!a->have_patient)
			break;
		app_push(a, a->eng ? &scr_assess_pick : &scr_check);
		break;
	case ACT_TRAIN:
		if (!a->eng) {
			app_push(a, &scr_check);
			break;
		}
		app_push(a, &scr_train);
		break;
	case ACT_HISTORY:
		if (a->have_patient)
			app_push(a, &scr_history);
		break;
	case ACT_LIVE:
		if (a->eng)
			app_push(a, &scr_live);
		break;
	case ACT_REPORT:
		app_export_report(a, msg, sizeof msg);
		app_toast(a, "%s", msg);
		break;
	case ACT_CHECK:
		app_push(a, &scr_check);
		break;
	case ACT_EDIT:
		if (a->have_patient) {
			a->patients.edit_current = true;
			app_push(a, &scr_patients);
		}
		break;
	}
}

static bool home_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	static const struct {
		SDL_Keycode k;
		int act;
	} keys[] = {{SDLK_a, ACT_ASSESS}, {SDLK_t, ACT_TRAIN}, {SDLK_h, ACT_HISTORY}, {SDLK_l, ACT_LIVE},
	            {SDLK_r, ACT_REPORT}, {SDLK_p, ACT_CHECK}, {SDLK_F2, ACT_EDIT}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].k == k) {
			home_action(a, keys[i].act);
			return true;
		}
	return false;
}

/* The patient card: who, and what the therapist needs to keep in mind. */
static float draw_card(app *a, float x, float y, float w)
{
	struct scr_home_state *h = &a->home;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	if (!a->have_patient) {
		gfx_label_draw(g, &h->lab[0], FONT_TITLE, t->ink, x, y, 0, "Demo on the %s",
		               a->eng ? ses_device(a->eng)->name : "plate");
		return y + 60 * s;
	}
	const store_patient *p = &a->patient;
	gfx_label_draw(g, &h->lab[0], FONT_TITLE, t->ink, x, y, 0, "%s%s%s", p->code, p->display_name[0] ? " · " : "",
	               p->display_name);
	y += (float)h->lab[0].h + 8 * s;
	char facts[300] = "";
	size_t k = 0;
	const char *sep = "";
#define FACT(...)                                                                                         \
	do {                                                                                              \
		if (k < sizeof facts)                                                                     \
			k += (size_t)snprintf(facts + k, sizeof facts - k, "%s", sep);                   \
		if (k < sizeof facts)                                                                     \
			k += (size_t)snprintf(facts + k, sizeof facts - k, __VA_ARGS__);                  \
		sep = " · ";                                                                              \
	} while (0)
	if (p->birth_year)
		FACT("born %d", p->birth_year);
	if (p->sex[0])
		FACT("%s", p->sex);
	if (p->height_cm > 0)
		FACT("%.0f cm", p->height_cm);
	if (p->weight_kg > 0)
		FACT("%.1f kg", p->weight_kg);
	if (p->affected_side[0])
		FACT("affected side: %s", p->affected_side);
#undef FACT
	gfx_label_draw(g, &h->lab[1], FONT_BODY, t->ink_soft, x, y, 0, "%s", facts[0] ? facts : "no details yet (F2)");
	y += (float)g->font_px[FONT_BODY] * 1.5f;
	if (p->diagnosis[0] || p->notes[0]) {
		gfx_label_draw_fit(g, &h->lab[2], FONT_BODY, t->ink, x, y, 0, w, "%s%s%s", p->diagnosis,
		                   p->diagnosis[0] && p->notes[0] ? " — " : "", p->notes);
		y += (float)g->font_px[FONT_BODY] * 1.5f;
	}
	int secs = (int)app_sitting_s(a), max_min = home_max_session_min(a);
	bool long_session = max_min > 0 && secs > max_min * 60;
	char timer[160];
	if (long_session)
		snprintf(timer, sizeof timer, ui_str(UI_S_HOME_SESSION_LONG), secs / 60, secs % 60, max_min);
	else
		snprintf(timer, sizeof timer, ui_str(UI_S_HOME_SESSION), secs / 60, secs % 60);
	gfx_label_draw(g, &h->lab[3], FONT_BODY, long_session ? t->warn : t->ink_soft, x, y, 0, "%s%s", timer,
	               long_session ? "  ⚠" : "");
	(void)w;
	return y + 50 * s;
}

/* Per game: the prescription and the last result. */
static void draw_plans(app *a, float x, float y, float w, float bottom)
{
	struct scr_home_state *h = &a->home;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, lh = (float)g->font_px[FONT_SMALL] * 1.45f;
	gfx_label_draw(g, &h->lab[4], FONT_BODY, t->ink, x, y, 0, "%s · %s", ui_str(UI_S_HOME_PRESCRIPTION),
	               ui_str(UI_S_HOME_LAST));
	y += (float)g->font_px[FONT_BODY] * 1.6f;
	for (int i = 0; i < h->n_plans && y + 2 * lh < bottom && 5 + 2 * i + 1 < 40; i++) {
		const train_plan *p = &h->plans[i];
		const struct game_ops *ops = app_game(a, i);
		char rx[200], last[200];
		if (p->prescribed)
			snprintf(rx, sizeof rx, "%s: levels %d–%d%s, %.0f–%.0f %% of the limits, %.0f s", ops->name,
			         p->stair.min_level, p->stair.max_level, p->stair.adaptive ? " adaptive" : " fixed",
			         p->game.los_min * 100, p->game.los_max * 100, p->game.duration_s);
		else
			snprintf(rx, sizeof rx, "%s: %s", ops->name, ui_str(UI_S_HOME_NO_PRESCRIPTION));
		if (p->n_prev > 0)
			snprintf(last, sizeof last, "    last: score %.0f, level %d → %d, %d hits; next starts at level %d",
			         p->prev[0].score, p->prev[0].level_start, p->prev[0].level_end, p->prev[0].hits,
			         p->game.level);
		else
			snprintf(last, sizeof last, "    %s", ui_str(UI_S_HOME_NO_RESULTS));
		gfx_label_draw_fit(g, &h->lab[5 + 2 * i], FONT_SMALL, t->ink, x, y, 0, w, "%s", rx);
		gfx_label_draw_fit(g, &h->lab[6 + 2 * i], FONT_SMALL, t->ink_soft, x, y + lh, 0, w, "%s", last);
		y += 2 * lh + 6 * s;
	}
}

static void home_draw(app *a, SDL_FRect area)
{
	struct scr_home_state *h = &a->home;
	gfx *g = &a->g;
	float s = g->scale, x = area.x + 40 * s, w = area.w * 0.58f - 40 * s;
	float y = draw_card(a, x, area.y + 24 * s, w);
	/* The big choices, as wide as their words need. */
	float bh = (float)g->font_px[FONT_BODY] * 1.4f + 50 * s, bx = x;
	static const int acts[] = {ACT_ASSESS, ACT_TRAIN, ACT_HISTORY, ACT_LIVE};
	const char *names[] = {ui_str(UI_S_HOME_ASSESS), ui_str(UI_S_HOME_TRAIN), ui_str(UI_S_HOME_HISTORY),
	                       ui_str(UI_S_HOME_LIVE)};
	for (int i = 0; i < 4; i++) {
		if (!a->have_patient && (acts[i] == ACT_ASSESS || acts[i] == ACT_HISTORY))
			continue;
		float bw = app_button_width(a, names[i], fminf(200 * s, (w - 48 * s) / 4));
		if (bx > x && bx + bw > x + w) { /* a second row when the words are large */
			bx = x;
			y += bh + 12 * s;
		}
		app_button(a, (SDL_FRect){bx, y, bw, bh}, &h->lab[30 + i], names[i], acts[i], acts[i] == ACT_TRAIN);
		bx += bw + 16 * s;
	}
	y += bh + 30 * s;
	draw_plans(a, x, y, w, area.y + area.h - 20 * s);
	/* The live plate on the right: is the patient on it, where. */
	if (a->eng) {
		SDL_FRect live = {area.x + area.w * 0.60f, area.y + 24 * s, area.w * 0.38f, area.h * 0.7f};
		ui_live_draw_plate(&a->live, g, live, ses_rate_hz(a->eng));
	} else {
		gfx_label_draw(g, &h->lab[36], FONT_BODY, g->theme.warn, area.x + area.w * 0.62f, area.y + 40 * s, 0,
		               "%s (P)", ui_str(UI_S_CHECK_NO_PLATE));
	}
	app_footer(a, a->have_patient ? ui_str(UI_S_HOME_KEYS) : "T train · L live view · Tab numbers · Esc patients");
}

static bool home_back(app *a)
{
	if (a->cfg.patient && a->depth == 1) {
		/* Opened straight on this patient: back is the patient list. */
		app_replace(a, &scr_patients);
		return true;
	}
	return false;
}

const app_screen scr_home = {
	.name = "home",
	.enter = home_enter,
	.leave = home_leave,
	.key = home_key,
	.action = home_action,
	.draw = home_draw,
	.back = home_back,
};
