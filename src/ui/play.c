#include "ui/play.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "ui/draw_game.h"

enum { L_NAME, L_LEVEL, L_HITS, L_TIME, L_SETTLE, L_SETTLE2, L_PAUSE, L_PAUSE2,
       L_R_TITLE, L_R_SCORE, L_R_SCORE_CAP, L_R_PREV, L_R_HINT, L_R_SIM, L_R_TILE0, L_SCENE = 32,
       L_R_BAR0 = 40 /* score and level of each earlier play's bar: 2 × 10 */ };

void ui_play_init(ui_play *p, const struct game_ops *ops, audio *snd)
{
	memset(p, 0, sizeof *p);
	p->ops = ops;
	p->snd = snd;
	p->pal = audio_palette_for(ops->id);
}

void ui_play_free(ui_play *p)
{
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
	default:
		break;
	}
}

void ui_play_finished(ui_play *p)
{
	audio_play(p->snd, SOUND_FINISH, p->pal);
}

static void draw_hud(ui_play *p, gfx *g, SDL_FRect bar, const game *gm)
{
	float s = g->scale;
	SDL_Color white = {255, 255, 255, 255}, soft = {190, 200, 220, 255}, bg = {16, 20, 30, 255};
	/* Opaque: a translucent bar would blend 100 000 pixels a frame, over
	 * the very same bar of the frame before. */
	gfx_fill(g, bar, bg);
	gfx_label_draw_on(g, &p->lab[L_NAME], FONT_TITLE, white, bg, bar.x + 20 * s, bar.y + 14 * s, 0, "%s",
	               p->ops->name);
	/* Level: a number and ten pips. */
	float lx = bar.x + 240 * s;
	gfx_label_draw_on(g, &p->lab[L_LEVEL], FONT_BODY, soft, bg, lx, bar.y + 18 * s, 0, "Level %d", gm->level);
	for (int i = 0; i < 10; i++)
		gfx_disc(g, lx + 110 * s + (float)i * 16 * s, bar.y + bar.h / 2, 5.5f * s,
		         i < gm->level ? (SDL_Color){255, 200, 60, 255} : (SDL_Color){70, 76, 92, 255});
	/* Hits: big, with a star. */
	gfx_label_draw_on(g, &p->lab[L_HITS], FONT_TITLE, (SDL_Color){255, 210, 80, 255}, bg, bar.x + bar.w - 20 * s,
	               bar.y + 12 * s, 2, "★ %d", gm->hits);
	/* Time left: a bar that empties. */
	float tw = bar.w * 0.28f, tx = bar.x + bar.w * 0.50f, ty = bar.y + bar.h / 2 - 7 * s;
	double left = 1 - gm->t_s / gm->cfg.duration_s;
	gfx_fill(g, (SDL_FRect){tx, ty, tw, 14 * s}, (SDL_Color){60, 66, 84, 255});
	gfx_fill(g, (SDL_FRect){tx, ty, tw * (float)fmax(0, left), 14 * s}, (SDL_Color){90, 200, 140, 255});
	int secs = (int)ceil(fmax(0, gm->cfg.duration_s - gm->t_s));
	gfx_label_draw_on(g, &p->lab[L_TIME], FONT_BODY, soft, bg, tx + tw + 12 * s, bar.y + 18 * s, 0, "%d:%02d",
	               secs / 60, secs % 60);
}

static void veil(ui_play *p, gfx *g, SDL_FRect area, int l1, int l2, const char *big, const char *small)
{
	float s = g->scale;
	float cx = area.x + area.w / 2, cy = area.y + area.h / 2;
	/* A panel in the middle rather than a veil over everything: blending
	 * the whole screen would cost a software renderer several ms a frame. */
	float pw = fminf(area.w * 0.6f, 760 * s), ph = 330 * s;
	gfx_fill(g, (SDL_FRect){cx - pw / 2, cy - 190 * s, pw, ph}, (SDL_Color){10, 12, 20, 215});
	gfx_label_draw(g, &p->lab[l1], FONT_HUGE, (SDL_Color){255, 255, 255, 255}, cx, cy + 40 * s, 1, "%s", big);
	gfx_label_draw(g, &p->lab[l2], FONT_BODY, (SDL_Color){210, 215, 230, 255}, cx, cy + 120 * s, 1, "%s", small);
}

void ui_play_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_game *sg, const char *plate_lost)
{
	const grun *run = ses_game_runner(sg);
	float s = g->scale;
	SDL_FRect bar = {area.x, area.y, area.w, 60 * s};
	SDL_FRect scene = {area.x, area.y + bar.h, area.w, area.h - bar.h};
	game_draw_scene(g, run->g, scene, ses_game_alpha(sg), &p->lab[L_SCENE]);
	draw_hud(p, g, bar, run->g);
	float cx = scene.x + scene.w / 2, cy = scene.y + scene.h / 2;
	if (plate_lost) {
		veil(p, g, scene, L_PAUSE, L_PAUSE2, "Paused", plate_lost);
		gfx_fill(g, (SDL_FRect){cx - 34 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
		gfx_fill(g, (SDL_FRect){cx + 10 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
	} else if (run->phase == GRUN_SETTLE) {
		veil(p, g, scene, L_SETTLE, L_SETTLE2, "Stand still",
		     run->in.present ? "finding your centre…" : "step onto the plate");
		double f = grun_settle_progress(run);
		gfx_arc(g, cx, cy - 70 * s, 46 * s, M_PI / 2, M_PI / 2 - 2 * M_PI * f,
		        (SDL_Color){120, 230, 160, 255}, 10 * s);
	} else if (run->paused) {
		veil(p, g, scene, L_PAUSE, L_PAUSE2, "Paused", "step back onto the plate to go on");
		gfx_fill(g, (SDL_FRect){cx - 34 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
		gfx_fill(g, (SDL_FRect){cx + 10 * s, cy - 120 * s, 24 * s, 90 * s}, (SDL_Color){255, 255, 255, 255});
	}
}

static void tile(ui_play *p, gfx *g, int k, float x, float y, float w, float h, const char *cap,
                 const char *val)
{
	float s = g->scale;
	gfx_fill(g, (SDL_FRect){x, y, w, h}, (SDL_Color){255, 255, 255, 255});
	gfx_frame(g, (SDL_FRect){x, y, w, h}, (SDL_Color){214, 216, 220, 255}, 1);
	gfx_label_draw_on(g, &p->lab[L_R_TILE0 + 2 * k], FONT_SMALL, g->theme.ink_soft, g->theme.panel, x + 14 * s, y + 10 * s, 0,
	               "%s", cap);
	gfx_label_draw_on(g, &p->lab[L_R_TILE0 + 2 * k + 1], FONT_TITLE, g->theme.ink, g->theme.panel, x + 14 * s, y + 34 * s, 0,
	               "%s", val);
}

void ui_results_draw(ui_play *p, gfx *g, SDL_FRect area, const ses_play_result *res, bool aborted,
                     const game_result *prev, int n_prev, bool simulated)
{
	const game_result *r = &res->result;
	float s = g->scale;
	gfx_fill(g, area, g->theme.bg);
	float cx = area.x + area.w / 2;
	gfx_label_draw_on(g, &p->lab[L_R_TITLE], FONT_TITLE, g->theme.accent, g->theme.bg, cx, area.y + 24 * s, 1, "%s — %s",
	               p->ops->name, aborted ? "ended early" : r->score >= 70 ? "well done!" : "time's up, good effort");
	gfx_label_draw_on(g, &p->lab[L_R_SCORE], FONT_HUGE, g->theme.ink, g->theme.bg, cx, area.y + 70 * s, 1, "%.0f", r->score);
	gfx_label_draw_on(g, &p->lab[L_R_SCORE_CAP], FONT_SMALL, g->theme.ink_soft, g->theme.bg, cx, area.y + 140 * s, 1,
	               "score out of 100");
	char v[8][48];
	const char *caps[8];
	int n = 0;
	caps[n] = "Hits";
	snprintf(v[n++], sizeof v[0], "%d", r->hits);
	caps[n] = "Misses";
	snprintf(v[n++], sizeof v[0], "%d", r->misses);
	caps[n] = "Time in target";
	snprintf(v[n++], sizeof v[0], "%.0f s of %.0f s", r->time_in_target_s, r->play_time_s);
	caps[n] = "Level";
	snprintf(v[n++], sizeof v[0], "%d → %d", r->level_start, r->level_end);
	if (isfinite(r->tracking_rms)) {
		caps[n] = "Tracking error";
		snprintf(v[n++], sizeof v[0], "%.0f %% LOS", r->tracking_rms * 100);
	}
	if (isfinite(r->reaction_time_s)) {
		caps[n] = "Reaction time";
		snprintf(v[n++], sizeof v[0], "%.2f s", r->reaction_time_s);
	}
	if (isfinite(r->path_efficiency)) {
		caps[n] = "Path efficiency";
		snprintf(v[n++], sizeof v[0], "%.0f %%", r->path_efficiency * 100);
	}
	if (res->have_sway) {
		caps[n] = "Sway velocity";
		snprintf(v[n++], sizeof v[0], "%.1f mm/s", res->sway.mean_velocity_mm_s);
	}
	int cols = 4;
	float tw = fminf(240 * s, (area.w - 80 * s) / cols - 16 * s), th = 82 * s;
	float x0 = cx - (cols * tw + (cols - 1) * 16 * s) / 2, y0 = area.y + 180 * s;
	for (int i = 0; i < n; i++)
		tile(p, g, i, x0 + (float)(i % cols) * (tw + 16 * s), y0 + (float)(i / cols) * (th + 16 * s), tw, th,
		     caps[i], v[i]);
	/* Earlier plays: their scores as bars (score above, level below), this
	 * one last and in colour. */
	float by = y0 + 2 * (th + 16 * s) + 40 * s;
	if (n_prev > 0) {
		int k = n_prev > 9 ? 9 : n_prev;
		float bw = 44 * s, gap = 14 * s, bh = 110 * s, bx = cx - (float)(k + 1) * (bw + gap) / 2;
		for (int i = 0; i <= k; i++) {
			const game_result *q = i < k ? &prev[k - 1 - i] : r;
			float h = bh * (float)fmax(0.02, q->score / 100);
			float x = bx + (float)i * (bw + gap);
			gfx_fill(g, (SDL_FRect){x, by + bh - h, bw, h}, i < k ? (SDL_Color){170, 180, 196, 255} : g->theme.accent);
			gfx_label_draw_on(g, &p->lab[L_R_BAR0 + 2 * i], FONT_SMALL, g->theme.ink, g->theme.bg, x + bw / 2,
			                  by + bh - h - 20 * s, 1, "%.0f", q->score);
			gfx_label_draw_on(g, &p->lab[L_R_BAR0 + 2 * i + 1], FONT_SMALL, g->theme.ink_soft, g->theme.bg,
			                  x + bw / 2, by + bh + 4 * s, 1, "L%d", q->level_end);
		}
		double d = r->score - prev[0].score;
		int dl = r->level_end - prev[0].level_end;
		gfx_label_draw_on(g, &p->lab[L_R_PREV], FONT_BODY, g->theme.ink, g->theme.bg, cx, by + bh + 30 * s, 1,
		               "%+.0f points and %+d level%s since last time (earlier plays in grey)", d, dl,
		               dl == 1 || dl == -1 ? "" : "s");
	} else {
		gfx_label_draw_on(g, &p->lab[L_R_PREV], FONT_BODY, g->theme.ink_soft, g->theme.bg, cx, by + 20 * s, 1,
		               "First play of %s: the next results will be compared with this one.",
		               p->ops->name);
	}
	if (simulated)
		gfx_label_draw_on(g, &p->lab[L_R_SIM], FONT_BODY, g->theme.warn, g->theme.bg, cx, area.y + area.h - 76 * s, 1,
		               "Simulated plate: these numbers are a demonstration, not a measurement");
	gfx_label_draw_on(g, &p->lab[L_R_HINT], FONT_BODY, g->theme.ink_soft, g->theme.bg, cx, area.y + area.h - 40 * s, 1,
	               "Enter: continue · F12: screenshot");
}
