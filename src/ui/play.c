#include "ui/play.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cond.h"
#include "core/error.h"
#include "core/sonify.h"
#include "ui/draw_game.h"
#include "ui/strings.h"

#define MAX_TILES 12
enum { L_NAME, L_LEVEL, L_HITS, L_TIME, L_SETTLE, L_SETTLE2, L_PAUSE, L_PAUSE2,
       L_R_TITLE, L_R_SCORE, L_R_SCORE_CAP, L_R_PREV, L_R_HINT, L_R_SIM, L_INSTRUCTION, L_R_TILE0,
       L_SCENE = L_R_TILE0 + 2 * MAX_TILES, L_COND = L_SCENE + 8, L_COG, L_COG2, L_COG3, L_CUE, L_EYES, L_R_COND,
       L_R_BAR0, /* score and level of each earlier play's bar: 2 × 10 */
       L_COUNT = L_R_BAR0 + 20 };
_Static_assert(L_COUNT <= sizeof ((ui_play *)0)->lab / sizeof(gfx_label), "ui_play.lab is too small");

void ui_play_init(ui_play *p, const struct game_ops *ops, audio *snd)
{
	memset(p, 0, sizeof *p);
	p->ops = ops;
	p->snd = snd;
	p->pal = audio_palette_for(ops->id);
}

/* The COP as sound: the cursor and the target where a good player aims
 * (the game's intent), silent while not playing. */
static void sonify(ui_play *p, const ses_game *sg, double x, double y, bool playing)
{
	const grun *run = ses_game_runner(sg);
	if (!p->snd || !run->g->cfg.cond.audio_feedback)
		return;
	son_frame f;
	double tx = NAN, ty = NAN;
	if (playing)
		run->g->ops->intent(run->g, &tx, &ty);
	son_map(x, y, tx, ty, &f);
	f.on = f.on && playing;
	audio_sonify(p->snd, &f);
}

static void on_cursor(void *ctx, double x, double y, bool playing)
{
	ui_play *p = ctx;
	if (p->bound)
		sonify(p, p->bound, x, y, playing);
}

void ui_play_bind(ui_play *p, ses_play *play)
{
	p->bound = ses_play_game(play);
	ses_game_set_cursor_hook(ses_play_game(play), on_cursor, p);
}

void ui_play_free(ui_play *p)
{
	son_frame off;
	son_map(NAN, NAN, NAN, NAN, &off);
	audio_sonify(p->snd, &off);
	for (size_t i = 0; i < sizeof p->lab / sizeof p->lab[0]; i++)
		gfx_label_free(&p->lab[i]);
	memset(p, 0, sizeof *p);
}

void ui_play_event(ui_play *p, const game_event *e)
{
	switch (e->kind) {
	case GAME_EV_HIT:
		audio_play(p->snd, SOUND_HIT, p->pal);
		break;
	case GAME_EV_MISS:
		audio_play(p->snd, SOUND_MISS, p->pal);
		break;
	case GAME_EV_TARGET:
		audio_play(p->snd, SOUND_TARGET, p->pal);
		break;
	case GAME_EV_LEVEL:
		audio_play(p->snd, strcmp(e->detail, "up") == 0 ? SOUND_LEVEL_UP : SOUND_LEVEL_DOWN, p->pal);
		break;
	case GAME_EV_PAUSE:
		audio_play(p->snd, SOUND_PAUSE, p->pal);
		break;
	case GAME_EV_CUE:
		audio_play(p->snd, e->value < 0 ? SOUND_CUE_LEFT : e->value > 0 ? SOUND_CUE_RIGHT : SOUND_CUE_CENTRE, p->pal);
		break;
	case GAME_EV_PROMPT:
		audio_play(p->snd, SOUND_PROMPT, p->pal);
		break;
	case GAME_EV_ANSWER:
		audio_play(p->snd, e->value == 1 ? SOUND_RIGHT : SOUND_WRONG, p->pal);
		break;
	case GAME_EV_MASTERED:
		audio_play(p->snd, SOUND_LEVEL_UP, p->pal);
		break;
	default:
		break;
	}
}

void ui_play_finished(ui_play *p)
{
	son_frame off;
	son_map(NAN, NAN, NAN, NAN, &off);
	audio_sonify(p->snd, &off);
	p->bound = NULL; /* the play is about to go */
	audio_play(p->snd, SOUND_FINISH, p->pal);
}

void ui_play_started(ui_play *p)
{
	audio_play(p->snd, SOUND_START, p->pal);
}

static void draw_hud(ui_play *p, gfx *g, SDL_FRect bar, const game *gm)
{
	float s = g->scale;
	SDL_Color white = {255, 255, 255, 255}, soft = {190, 200, 220, 255}, bg = {16, 20, 30, 255};
	/* Opaque: a translucent bar would blend 100 000 pixels a frame, over
	 * the very same bar of the frame before; its labels are composed on it. */
	gfx_fill(g, bar, bg);
	/* Left to right, each part after the one before (the words grow with
	 * the text size): name, level and ten pips, the time left, the hits. */
	gfx_label_draw_on(g, &p->lab[L_NAME], FONT_TITLE, white, bg, bar.x + 20 * s, bar.y + 14 * s, 0, "%s",
	               p->ops->name);
	float lx = fmaxf(bar.x + 240 * s, bar.x + 20 * s + (float)p->lab[L_NAME].w + 28 * s);
	gfx_label_draw_on(g, &p->lab[L_LEVEL], FONT_BODY, soft, bg, lx, bar.y + 18 * s, 0, "Level %d", gm->level);
	float px = lx + (float)p->lab[L_LEVEL].w + 18 * s;
	for (int i = 0; i < 10; i++)
		gfx_disc(g, px + (float)i * 16 * s, bar.y + bar.h / 2, 5.5f * s,
		         i < gm->level ? (SDL_Color){255, 200, 60, 255} : (SDL_Color){70, 76, 92, 255});
	/* Hits: big, with a star. */
	gfx_label_draw_on(g, &p->lab[L_HITS], FONT_TITLE, (SDL_Color){255, 210, 80, 255}, bg, bar.x + bar.w - 20 * s,
	               bar.y + 12 * s, 2, "★ %d", gm->hits);
	/* Time left: a bar that empties, and the minutes and seconds. */
	int secs = (int)ceil(fmax(0, gm->cfg.duration_s - gm->t_s));
	float hits_x = bar.x + bar.w - 20 * s - (float)p->lab[L_HITS].w;
	float tx = fmaxf(bar.x + bar.w * 0.50f, px + 10 * 16 * s + 24 * s);
	float time_w = (float)gfx_text_width(g, FONT_BODY, "00:00");
	float tw = fminf(bar.w * 0.28f, hits_x - 32 * s - time_w - 12 * s - tx);
	float ty = bar.y + bar.h / 2 - 7 * s;
	if (tw > 30 * s) {
		double left = 1 - gm->t_s / gm->cfg.duration_s;
		gfx_fill(g, (SDL_FRect){tx, ty, tw, 14 * s}, (SDL_Color){60, 66, 84, 255});
		gfx_fill(g, (SDL_FRect){tx, ty, tw * (float)fmax(0, left), 14 * s}, (SDL_Color){90, 200, 140, 255});
	} else {
		tw = 0;
	}
	gfx_label_draw_on(g, &p->lab[L_TIME], FONT_BODY, soft, bg, tx + tw + 12 * s, bar.y + 18 * s, 0, "%d:%02d",
	               secs / 60, secs % 60);
}

/* A calm panel in the middle (not a veil over everything: blending the
 * whole screen would cost a software renderer several ms a frame): a big
 * word, a line under it, and (may be NULL) the game's instruction. */
static void veil(ui_play *p, gfx *g, SDL_FRect area, int l1, int l2, const char *big, const char *small,
                 const char *instruction)
{
	float s = g->scale;
	float cx = area.x + area.w / 2, cy = area.y + area.h / 2;
	float pw = fminf(area.w * 0.8f, 980 * s), ph = (instruction ? 420 : 330) * s;
	gfx_fill(g, (SDL_FRect){cx - pw / 2, cy - 190 * s, pw, ph}, (SDL_Color){10, 12, 20, 255});
	gfx_label_draw(g, &p->lab[l1], FONT_HUGE, (SDL_Color){255, 255, 255, 255}, cx, cy + 30 * s, 1, "%s", big);
	gfx_label_draw(g, &p->lab[l2], FONT_BODY, (SDL_Color){210, 215, 230, 255}, cx,
	               cy + 40 * s + (float)g->font_px[FONT_HUGE] * 1.3f, 1, "%s", small);
	if (instruction)
		gfx_label_draw(g, &p->lab[L_INSTRUCTION], FONT_TITLE, (SDL_Color){255, 214, 90, 255}, cx,
		               cy + 60 * s + (float)g->font_px[FONT_HUGE] * 1.3f + (float)g->font_px[FONT_BODY] * 1.6f, 1,
		               "%s", instruction);
}

/* The conditions for the therapist, small, under the heads-up bar. */
static void draw_conditions(ui_play *p, gfx *g, SDL_FRect scene, const cond_set *c)
{
	if (cond_is_plain(c))
		return;
	char d[256];
	cond_describe(c, d, sizeof d);
	float s = g->scale;
	gfx_label_draw(g, &p->lab[L_COND], FONT_SMALL, (SDL_Color){220, 226, 240, 255}, -1000, -1000, 0, "%s", d);
	gfx_fill(g, (SDL_FRect){scene.x, scene.y, (float)p->lab[L_COND].w + 28 * s, (float)p->lab[L_COND].h + 12 * s},
	         (SDL_Color){16, 20, 30, 200});
	gfx_label_draw(g, &p->lab[L_COND], FONT_SMALL, (SDL_Color){220, 226, 240, 255}, scene.x + 14 * s,
	               scene.y + 6 * s, 0, "%s", d);
}

/* The thinking task's prompt, in a panel at the left of the scene (the
 * games draw their play in a square in the middle, so the side is free):
 * big for a short prompt, two lines for a long one; the expected answer
 * small under it, for the therapist (aloud tasks). A prompt answered by
 * leaning goes once answered; one said aloud turns grey once marked. */
static void draw_prompt(ui_play *p, gfx *g, SDL_FRect scene, const game *gm)
{
	const cog_task *c = &gm->cog;
	if (!c->active || (c->by_choice && c->cur.answered))
		return;
	float s = g->scale;
	const char *text = c->cur.prompt;
	size_t len = strlen(text), chars = 0;
	for (size_t k = 0; k < len; k++)
		chars += ((unsigned char)text[k] & 0xC0) != 0x80; /* UTF-8: "−" is one */
	int font = chars <= 11 ? FONT_HUGE : FONT_TITLE;
	char l1[40], l2[40] = "";
	snprintf(l1, sizeof l1, "%s", text);
	if (chars > 16) { /* two lines, split at the space nearest the middle */
		size_t best = 0;
		for (size_t k = 1; k < len; k++)
			if (text[k] == ' ' && (best == 0 || labs((long)k - (long)len / 2) < labs((long)best - (long)len / 2)))
				best = k;
		if (best) {
			snprintf(l1, sizeof l1, "%.*s", (int)best, text);
			snprintf(l2, sizeof l2, "%s", text + best + 1);
		}
	}
	float lh = (float)g->font_px[font] * 1.25f;
	float pw = fminf(scene.w * 0.25f, 460 * s), px = scene.x + 16 * s, py = scene.y + 44 * s;
	float ph = lh * (l2[0] ? 2 : 1) + 24 * s + (c->by_choice ? 0 : (float)g->font_px[FONT_SMALL] * 1.6f);
	gfx_fill(g, (SDL_FRect){px, py, pw, ph}, (SDL_Color){250, 250, 245, 255});
	SDL_Color ink = c->cur.answered ? (SDL_Color){140, 144, 150, 255} : (SDL_Color){20, 24, 34, 255};
	float cx = px + pw / 2, y = py + 12 * s;
	gfx_label_draw(g, &p->lab[L_COG], font, ink, cx, y, 1, "%s", l1);
	if (l2[0])
		gfx_label_draw(g, &p->lab[L_COG3], font, ink, cx, y + lh, 1, "%s", l2);
	if (!c->by_choice && c->cur.expected[0])
		gfx_label_draw(g, &p->lab[L_COG2], FONT_SMALL, (SDL_Color){90, 96, 110, 255}, cx,
		               py + ph - (float)g->font_px[FONT_SMALL] * 1.5f, 1, "therapist: expect %s",
		               c->cur.expected);
}

/* A head-turn cue: an arrow and a word, for two seconds after it. */
static void draw_cue(ui_play *p, gfx *g, SDL_FRect scene, const game *gm)
{
	double every = gm->cfg.cond.head_turn_s;
	if (every <= 0 || gm->cue_k == 0 || gm->t_s - (gm->cue_next_s - every) > 2.0)
		return;
	float s = g->scale, cx = scene.x + scene.w / 2, y = scene.y + scene.h * 0.70f;
	const char *text = gm->cue_dir < 0 ? "Turn your head left" : gm->cue_dir > 0 ? "Turn your head right"
	                                                                            : "Head to the centre";
	gfx_fill(g, (SDL_FRect){cx - 300 * s, y - 10 * s, 600 * s, 90 * s}, (SDL_Color){20, 30, 60, 220});
	gfx_label_draw(g, &p->lab[L_CUE], FONT_TITLE, (SDL_Color){255, 255, 255, 255}, cx, y + 22 * s, 1, "%s", text);
	if (gm->cue_dir != 0) {
		float d = (float)gm->cue_dir, ax = cx + d * 250 * s, ay = y + 35 * s;
		SDL_FPoint tri[3] = {{ax + d * 34 * s, ay}, {ax - d * 6 * s, ay - 30 * s}, {ax - d * 6 * s, ay + 30 * s}};
		gfx_polygon(g, tri, 3, (SDL_Color){255, 210, 80, 255});
	}
}

void ui_play_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_game *sg, const char *plate_lost)
{
	const grun *run = ses_game_runner(sg);
	const game *gm = run->g;
	const cond_set *cond = &gm->cfg.cond;
	float s = g->scale;
	SDL_FRect bar = {area.x, area.y, area.w, 60 * s};
	SDL_FRect scene = {area.x, area.y + bar.h, area.w, area.h - bar.h};
	double alpha = ses_game_alpha(sg);
	game_draw_scene(g, gm, scene, alpha, &p->lab[L_SCENE]);
	draw_visual_motion(g, scene, cond->visual, cond->visual_speed_deg_s, gm->t_s + alpha * GAME_TICK_S);
	draw_hud(p, g, bar, gm);
	draw_conditions(p, g, scene, cond);
	bool playing = !plate_lost && run->phase == GRUN_PLAY && !run->paused;
	if (!p->bound) /* once a frame, until the app binds the play */
		sonify(p, sg, run->in.present ? run->in.x : NAN, run->in.y, playing);
	if (playing) {
		draw_prompt(p, g, scene, gm);
		draw_cue(p, g, scene, gm);
		if (cond->eyes_closed)
			gfx_label_draw(g, &p->lab[L_EYES], FONT_TITLE, (SDL_Color){255, 236, 170, 255},
			               scene.x + scene.w / 2, scene.y + scene.h - 46 * s, 1,
			               "Eyes closed: follow the sound");
	}
	bool seated = cond->stance == COND_SEATED;
	float cx = scene.x + scene.w / 2, cy = scene.y + scene.h / 2;
	if (plate_lost) {
		veil(p, g, scene, L_PAUSE, L_PAUSE2, ui_str(UI_S_PLAY_PAUSED), plate_lost, NULL);
		gfx_fill(g, (SDL_FRect){cx - 34 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
		gfx_fill(g, (SDL_FRect){cx + 10 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
	} else if (run->phase == GRUN_SETTLE) {
		veil(p, g, scene, L_SETTLE, L_SETTLE2, ui_str(seated ? UI_S_PLAY_SIT_STILL : UI_S_PLAY_STAND_STILL),
		     ui_str(run->in.present ? UI_S_PLAY_FINDING : seated ? UI_S_PLAY_SIT_ON : UI_S_PLAY_STEP_ON),
		     p->ops->instruction ? p->ops->instruction : p->ops->goal);
		double f = grun_settle_progress(run);
		gfx_arc(g, cx, cy - 70 * s, 46 * s, M_PI / 2, M_PI / 2 - 2 * M_PI * f,
		        (SDL_Color){120, 230, 160, 255}, 10 * s);
	} else if (run->paused) {
		char more[64];
		double left = grun_resume_left_s(run);
		if (left > 0)
			snprintf(more, sizeof more, ui_str(UI_S_PLAY_RESUME_IN), (int)ceil(left));
		else
			snprintf(more, sizeof more, "%s", ui_str(seated ? UI_S_PLAY_SIT_BACK : UI_S_PLAY_STEP_BACK));
		veil(p, g, scene, L_PAUSE, L_PAUSE2, ui_str(UI_S_PLAY_PAUSED), more, NULL);
		gfx_fill(g, (SDL_FRect){cx - 34 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
		gfx_fill(g, (SDL_FRect){cx + 10 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
	}
}

static void tile(ui_play *p, gfx *g, int k, float x, float y, float w, float h, const char *cap,
                 const char *val)
{
	float s = g->scale;
	gfx_fill(g, (SDL_FRect){x, y, w, h}, g->theme.panel);
	gfx_frame(g, (SDL_FRect){x, y, w, h}, g->theme.grid, 1);
	gfx_label_draw_fit(g, &p->lab[L_R_TILE0 + 2 * k], FONT_SMALL, g->theme.ink_soft, x + 14 * s, y + 10 * s, 0,
	                   w - 28 * s, "%s", cap);
	gfx_label_draw_fit(g, &p->lab[L_R_TILE0 + 2 * k + 1], FONT_TITLE, g->theme.ink, x + 14 * s,
	                   y + 16 * s + (float)g->font_px[FONT_SMALL] * 1.2f, 0, w - 28 * s, "%s", val);
}

void ui_results_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_play_result *res, bool aborted,
                     const game_result *prev, int n_prev, bool simulated)
{
	const game_result *r = &res->result;
	float s = g->scale;
	gfx_fill(g, area, g->theme.bg);
	float cx = area.x + area.w / 2;
	gfx_label_draw(g, &p->lab[L_R_TITLE], FONT_TITLE, g->theme.accent, cx, area.y + 24 * s, 1, "%s — %s",
	               p->ops->name, ui_str(aborted ? UI_S_RESULTS_ENDED_EARLY : r->score >= 70 ? UI_S_RESULTS_WELL_DONE
	                                                                                       : UI_S_RESULTS_GOOD_EFFORT));
	float y = area.y + 30 * s + (float)g->font_px[FONT_TITLE] * 1.3f;
	gfx_label_draw(g, &p->lab[L_R_SCORE], FONT_HUGE, g->theme.ink, cx, y, 1, "%.0f", r->score);
	y += (float)g->font_px[FONT_HUGE] * 1.2f;
	gfx_label_draw(g, &p->lab[L_R_SCORE_CAP], FONT_SMALL, g->theme.ink_soft, cx, y, 1, "score out of 100");
	y += (float)g->font_px[FONT_SMALL] * 1.6f + 10 * s;
	char v[MAX_TILES][48];
	const char *caps[MAX_TILES];
	int n = 0;
	caps[n] = "Hits";
	snprintf(v[n++], sizeof v[0], "%d", r->hits);
	caps[n] = "Misses";
	snprintf(v[n++], sizeof v[0], "%d", r->misses);
	caps[n] = "In the target";
	snprintf(v[n++], sizeof v[0], "%.0f of %.0f seconds", r->time_in_target_s, r->play_time_s);
	caps[n] = "Level";
	snprintf(v[n++], sizeof v[0], "%d → %d", r->level_start, r->level_end);
	/* The therapist's numbers (reaction time, tracking error, sway) are in
	 * the therapist view (Tab), the history and the report, not here. */
	if (isfinite(r->cognitive_correct)) {
		caps[n] = "Answers right";
		snprintf(v[n++], sizeof v[0], "%.0f of %.0f", r->cognitive_correct,
		         r->cognitive_correct + r->cognitive_errors);
	}
	if (isfinite(r->cognitive_rt_s)) {
		caps[n] = "Answer time";
		snprintf(v[n++], sizeof v[0], "%.1f s", r->cognitive_rt_s);
	}
	if (isfinite(r->dual_task_cost_pct)) {
		caps[n] = "Dual-task cost, score";
		snprintf(v[n++], sizeof v[0], "%+.0f %%", r->dual_task_cost_pct);
	}
	if (isfinite(r->dual_task_cost_sway_pct)) {
		caps[n] = "Dual-task cost, sway";
		snprintf(v[n++], sizeof v[0], "%+.0f %%", r->dual_task_cost_sway_pct);
	}
	if (!cond_is_plain(&r->cond)) {
		char d[256];
		cond_describe(&r->cond, d, sizeof d);
		gfx_label_draw_fit(g, &p->lab[L_R_COND], FONT_SMALL, g->theme.ink_soft, cx, y - 6 * s, 1, area.w - 40 * s,
		                   "%s", d);
		y += (float)g->font_px[FONT_SMALL] * 1.4f;
	}
	int cols = 4, rows = (n + cols - 1) / cols;
	float tw = fminf(300 * s, (area.w - 80 * s) / cols - 16 * s);
	float th = (float)g->font_px[FONT_SMALL] * 1.2f + (float)g->font_px[FONT_TITLE] * 1.3f + 30 * s;
	float x0 = cx - (cols * tw + (cols - 1) * 16 * s) / 2, y0 = y;
	for (int i = 0; i < n; i++)
		tile(p, g, i, x0 + (float)(i % cols) * (tw + 16 * s), y0 + (float)(i / cols) * (th + 16 * s), tw, th,
		     caps[i], v[i]);
	/* The bottom lines, from the bottom up, in the height their font needs. */
	float lh = (float)g->font_px[FONT_BODY] * 1.35f, fit_w = area.w - 40 * s;
	float hint_y = area.y + area.h - lh - 6 * s, sim_y = hint_y - (simulated ? lh : 0);
	/* Earlier plays: their scores as bars (score above, level below), this
	 * one last and in colour; the bars take what is left above the line
	 * under them and the bottom lines. */
	float by = y0 + (float)(rows > 2 ? rows : 2) * (th + 16 * s) + 30 * s;
	float small = (float)g->font_px[FONT_SMALL] * 1.3f;
	float bh = fminf(110 * s, sim_y - by - small * 2 - lh - 16 * s);
	if (n_prev > 0 && bh > 30 * s) {
		int k = n_prev > 9 ? 9 : n_prev;
		float bw = 44 * s, gap = 14 * s, bx = cx - (float)(k + 1) * (bw + gap) / 2;
		by += small;
		for (int i = 0; i <= k; i++) {
			const game_result *q = i < k ? &prev[k - 1 - i] : r;
			float h = bh * (float)fmax(0.02, q->score / 100);
			float x = bx + (float)i * (bw + gap);
			gfx_fill(g, (SDL_FRect){x, by + bh - h, bw, h}, i < k ? (SDL_Color){170, 180, 196, 255} : g->theme.accent);
			gfx_label_draw_on(g, &p->lab[L_R_BAR0 + 2 * i], FONT_SMALL, g->theme.ink, g->theme.bg, x + bw / 2,
			                  by + bh - h - small, 1, "%.0f", q->score);
			gfx_label_draw_on(g, &p->lab[L_R_BAR0 + 2 * i + 1], FONT_SMALL, g->theme.ink_soft, g->theme.bg,
			                  x + bw / 2, by + bh + 4 * s, 1, "L%d", q->level_end);
		}
		by += bh + small + 8 * s;
	}
	if (by + lh > sim_y) /* no room: the line sits right above the bottom lines */
		by = sim_y - lh;
	if (n_prev > 0) {
		double d = r->score - prev[0].score;
		int dl = r->level_end - prev[0].level_end;
		gfx_label_draw_fit(g, &p->lab[L_R_PREV], FONT_BODY, g->theme.ink, cx, by, 1, fit_w,
		                   "%+.0f points and %+d level%s since last time (earlier plays in grey)", d, dl,
		                   dl == 1 || dl == -1 ? "" : "s");
	} else {
		gfx_label_draw_fit(g, &p->lab[L_R_PREV], FONT_BODY, g->theme.ink_soft, cx, by, 1, fit_w,
		                   "First play of %s: the next results will be compared with this one.", p->ops->name);
	}
	if (simulated)
		gfx_label_draw_fit(g, &p->lab[L_R_SIM], FONT_BODY, g->theme.warn, cx, sim_y, 1, fit_w,
		                   "Simulated plate: these numbers are a demonstration, not a measurement");
	gfx_label_draw_fit(g, &p->lab[L_R_HINT], FONT_BODY, g->theme.ink_soft, cx, hint_y, 1, fit_w, "%s",
	                   ui_str(UI_S_RESULTS_KEYS));
}
