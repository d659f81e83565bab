/* Train: choose a game and its level (the level shown is the level played,
 * or the screen says why not), and where the centre is: where the patient
 * stands (found in the first seconds), or the plate's centre, so a patient
 * who bears weight on one side trains toward the middle. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "ui/app_impl.h"

enum { ACT_PLAY = 1, ACT_LEVEL_DOWN, ACT_LEVEL_UP, ACT_CENTRE, ACT_SHORTER, ACT_LONGER, ACT_GAME0 = 100 };

/* Playing times the therapist steps through with [ and ]. */
static const double durations[] = {10, 20, 30, 45, 60, 90, 120, 180, 240, 300};
#define N_DURATIONS (sizeof durations / sizeof durations[0])

static double seconds_to_play(const app *a)
{
	return a->train.seconds > 0 ? a->train.seconds : a->home.plans[a->train.sel].game.duration_s;
}

static void change_seconds(app *a, int d)
{
	double now = seconds_to_play(a);
	size_t i = 0;
	while (i + 1 < N_DURATIONS && durations[i] < now - 1e-9)
		i++;
	if (d < 0 && i > 0 && durations[i] >= now - 1e-9)
		i--;
	else if (d > 0 && durations[i] <= now + 1e-9 && i + 1 < N_DURATIONS)
		i++;
	a->train.seconds = durations[i];
}

static void start(app *a);

static void train_enter(app *a)
{
	struct scr_train_state *t = &a->train;
	if (t->sel >= a->n_games)
		t->sel = 0;
	home_plans_refresh(a);
	if (t->again) { /* "Play again" on the results: the same game, its next level */
		t->again = false;
		start(a);
	}
}

static void train_leave(app *a)
{
	for (size_t i = 0; i < sizeof a->train.lab / sizeof a->train.lab[0]; i++)
		gfx_label_free(&a->train.lab[i]);
}

/* The level that will be played: the one chosen here, kept inside the
 * prescription; else where the patient left off. *why says which. */
static int level_to_play(app *a, char *why, size_t len)
{
	struct scr_train_state *t = &a->train;
	const train_plan *p = &a->home.plans[t->sel];
	if (t->level <= 0) {
		snprintf(why, len, ui_str(UI_S_TRAIN_LEVEL_PLAN), p->game.level,
		         a->have_patient ? a->patient.code : "the demo");
		return p->game.level;
	}
	int lo = p->stair.min_level, hi = p->stair.max_level;
	int l = t->level < lo ? lo : t->level > hi ? hi : t->level;
	if (l != t->level)
		snprintf(why, len, ui_str(UI_S_TRAIN_LEVEL_CLAMPED), l, lo, hi);
	else
		snprintf(why, len, ui_str(UI_S_TRAIN_LEVEL), l);
	return l;
}

static void start(app *a)
{
	struct scr_train_state *t = &a->train;
	char why[160];
	a->play.plan = a->home.plans[t->sel];
	a->play.plan.game.level = level_to_play(a, why, sizeof why);
	a->play.plan.game.duration_s = seconds_to_play(a);
	a->play.ops = app_game(a, t->sel);
	int max_min = home_max_session_min(a);
	if (max_min > 0 && app_sitting_s(a) > max_min * 60)
		app_toast(a, "This sitting is past the %d minutes set for %s.", max_min, a->patient.code);
	app_push(a, &scr_play);
}

static void change_level(app *a, int d)
{
	struct scr_train_state *t = &a->train;
	char why[160];
	int l = t->level > 0 ? t->level : level_to_play(a, why, sizeof why);
	l += d;
	t->level = l < 1 ? 1 : l > 10 ? 10 : l;
}

/* Picks game i (its level and duration start from its own). */
static void pick_game(app *a, int i)
{
	struct scr_train_state *t = &a->train;
	t->sel = i;
	t->level = 0;
	t->seconds = 0;
}

static void train_action(app *a, int id)
{
	struct scr_train_state *t = &a->train;
	if (id >= ACT_GAME0 && id < ACT_GAME0 + a->n_games) {
		if (t->sel == id - ACT_GAME0)
			start(a);
		else
			pick_game(a, id - ACT_GAME0);
		return;
	}
	switch (id) {
	case ACT_PLAY:
		start(a);
		break;
	case ACT_LEVEL_DOWN:
		change_level(a, -1);
		break;
	case ACT_LEVEL_UP:
		change_level(a, +1);
		break;
	case ACT_CENTRE:
		t->plate_centre = !t->plate_centre;
		break;
	case ACT_SHORTER:
		change_seconds(a, -1);
		break;
	case ACT_LONGER:
		change_seconds(a, +1);
		break;
	}
}

static bool train_key(app *a, SDL_Keycode k, Uint16 mod)
{
	(void)mod;
	struct scr_train_state *t = &a->train;
	if (k == SDLK_c) {
		train_action(a, ACT_CENTRE);
		return true;
	}
	int n = 0;
	switch (ui_pick_key(k, &n)) {
	case UI_PICK_NUMBER:
		if (n >= a->n_games)
			return false;
		pick_game(a, n);
		return true;
	case UI_PICK_UP:
		pick_game(a, (t->sel + a->n_games - 1) % a->n_games);
		return true;
	case UI_PICK_DOWN:
		pick_game(a, (t->sel + 1) % a->n_games);
		return true;
	case UI_PICK_LESS:
		change_level(a, -1);
		return true;
	case UI_PICK_MORE:
		change_level(a, +1);
		return true;
	case UI_PICK_SHORTER:
		train_action(a, ACT_SHORTER);
		return true;
	case UI_PICK_LONGER:
		train_action(a, ACT_LONGER);
		return true;
	case UI_PICK_START:
		start(a);
		return true;
	case UI_PICK_NONE:
		break;
	}
	return false;
}

static void train_draw(app *a, SDL_FRect area)
{
	struct scr_train_state *t = &a->train;
	gfx *g = &a->g;
	const gfx_theme *th = &g->theme;
	float s = g->scale, x = area.x + 40 * s, y = area.y + 24 * s, w = area.w - 80 * s;
	gfx_label_draw(g, &t->lab[0], FONT_TITLE, th->ink, x, y, 0, "%s", ui_str(UI_S_TRAIN_TITLE));
	y += (float)t->lab[0].h + 20 * s;
	float row = (float)g->font_px[FONT_BODY] * 1.4f + (float)g->font_px[FONT_SMALL] * 1.4f + 22 * s;
	for (int i = 0; i < a->n_games && i < 10; i++) {
		const struct game_ops *ops = app_game(a, i);
		bool sel = i == t->sel;
		SDL_FRect r = {x, y, w * 0.62f, row - 8 * s};
		gfx_fill(g, r, sel ? th->accent : th->panel);
		gfx_label_draw(g, &t->lab[2 + 2 * i], FONT_BODY, sel ? th->panel : th->ink, r.x + 14 * s, r.y + 8 * s, 0,
		               "%d  %s%s", i + 1, ops->name, sel ? "  ◀" : "");
		gfx_label_draw_fit(g, &t->lab[3 + 2 * i], FONT_SMALL, sel ? th->panel : th->ink_soft, r.x + 14 * s,
		                   r.y + 8 * s + (float)g->font_px[FONT_BODY] * 1.35f, 0, r.w - 28 * s, "%s", ops->goal);
		if (a->n_hits < APP_MAX_HITS)
			a->hits[a->n_hits++] = (app_hit){r, ACT_GAME0 + i};
		y += row;
	}
	/* The chosen game's level and centre, on the right. */
	float rx = x + w * 0.66f, ry = area.y + 24 * s + (float)t->lab[0].h + 20 * s, bh = 60 * s;
	char why[160], desc[160];
	int level = level_to_play(a, why, sizeof why);
	app_game(a, t->sel)->describe_level(level, desc, sizeof desc);
	app_button(a, (SDL_FRect){rx, ry, bh, bh}, &t->lab[26], "−", ACT_LEVEL_DOWN, false);
	gfx_label_draw(g, &t->lab[27], FONT_TITLE, th->ink, rx + bh + 16 * s, ry + 8 * s, 0, "%d", level);
	app_button(a, (SDL_FRect){rx + bh + 32 * s + (float)t->lab[27].w, ry, bh, bh}, &t->lab[28], "+", ACT_LEVEL_UP,
	           false);
	ry += bh + 14 * s;
	float rw = area.x + area.w - 20 * s - rx;
	gfx_label_draw_fit(g, &t->lab[29], FONT_SMALL, th->ink, rx, ry, 0, rw, "%s", why);
	ry += (float)g->font_px[FONT_SMALL] * 1.5f;
	gfx_label_draw_fit(g, &t->lab[30], FONT_SMALL, th->ink_soft, rx, ry, 0, rw, "%s", desc);
	ry += (float)g->font_px[FONT_SMALL] * 2.5f;
	app_button(a, (SDL_FRect){rx, ry, bh, bh}, &t->lab[24], "−", ACT_SHORTER, false);
	gfx_label_draw(g, &t->lab[25], FONT_BODY, th->ink, rx + bh + 16 * s, ry + 12 * s, 0, "%.0f s%s",
	               seconds_to_play(a), t->seconds > 0 ? "" : a->home.plans[t->sel].prescribed ? " (prescribed)" : "");
	app_button(a, (SDL_FRect){rx + bh + 32 * s + (float)t->lab[25].w, ry, bh, bh}, &t->lab[23], "+", ACT_LONGER,
	           false);
	ry += bh + 14 * s;
	app_button(a, (SDL_FRect){rx, ry, w * 0.34f, bh}, &t->lab[31],
	           ui_str(t->plate_centre ? UI_S_TRAIN_CENTRE_PLATE : UI_S_TRAIN_CENTRE_PATIENT), ACT_CENTRE, false);
	ry += bh + 30 * s;
	app_button(a, (SDL_FRect){rx, ry, w * 0.34f, 80 * s}, &t->lab[1], ui_str(UI_S_TRAIN_PLAY), ACT_PLAY, true);
	app_footer(a, ui_str(UI_S_TRAIN_KEYS));
}

const app_screen scr_train = {
	.name = "train",
	.enter = train_enter,
	.leave = train_leave,
	.key = train_key,
	.action = train_action,
	.draw = train_draw,
};
