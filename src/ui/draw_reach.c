/* Reach: a night sky; golden targets around a home base. */
#include <math.h>

#include "ui/draw_game.h"
#include "games/reach.h"

void draw_reach(gfx *gx, const game *base, SDL_FRect area, double alpha, gfx_label *labels)
{
	const reach_game *g = (const reach_game *)base;
	gfx_fill(gx, area, (SDL_Color){18, 28, 58, 255});
	game_view v = game_view_fit(area, 1.12);
	float cx, cy;
	game_view_px(&v, 0, 0, &cx, &cy);
	/* The patient's limits: rings at 50 % and 100 % LOS, and the eight
	 * directions as spokes. */
	gfx_arc(gx, cx, cy, v.s * 1.0f, 0, 2 * M_PI, (SDL_Color){70, 90, 140, 255}, 2);
	gfx_arc(gx, cx, cy, v.s * 0.5f, 0, 2 * M_PI, (SDL_Color){50, 66, 110, 255}, 1.5f);
	for (int d = 0; d < 8; d++) {
		float x, y;
		game_view_px(&v, cos(d * M_PI / 4), sin(d * M_PI / 4), &x, &y);
		gfx_line(gx, cx, cy, x, y, (SDL_Color){40, 54, 96, 255}, 1);
	}
	/* Home base. */
	gfx_disc(gx, cx, cy, v.s * 0.12f, (SDL_Color){40, 60, 110, 255});
	gfx_arc(gx, cx, cy, v.s * 0.12f, 0, 2 * M_PI, (SDL_Color){120, 150, 210, 255}, 3);
	float tx, ty;
	game_view_px(&v, g->tx, g->ty, &tx, &ty);
	float tr = (float)g->radius * v.s;
	const cog_item *it = &base->cog.cur;
	int n_choices = g->state == REACH_OUT && cog_by_choice(&base->cog) ? it->n_choices : 0;
	if (n_choices > 0) {
		/* A dual task: two targets, each with an answer on it; the hold
		 * fills the rim of the one held. Both look alike: the patient
		 * chooses by the answer, not the colour. */
		for (int k = 0; k < n_choices; k++) {
			float cx2, cy2;
			game_view_px(&v, it->x[k], it->y[k], &cx2, &cy2);
			gfx_disc(gx, cx2, cy2, tr * 1.35f, (SDL_Color){255, 190, 60, 40});
			gfx_disc(gx, cx2, cy2, tr, (SDL_Color){255, 180, 40, 255});
			gfx_arc(gx, cx2, cy2, tr, 0, 2 * M_PI, (SDL_Color){255, 230, 150, 255}, 4);
			double f = g->held == k ? g->hold_s / g->hold_need_s : 0;
			if (f > 0)
				gfx_arc(gx, cx2, cy2, tr + 10, M_PI / 2, M_PI / 2 - 2 * M_PI * f,
				        (SDL_Color){120, 255, 160, 255}, 8);
			gfx_label_draw(gx, &labels[k], FONT_TITLE, (SDL_Color){40, 30, 10, 255}, cx2,
			               cy2 - (float)gx->font_px[FONT_TITLE] * 0.62f, 1, "%s", it->choice[k]);
		}
		double left = 1 - g->elapsed_s / g->limit_s;
		gfx_arc(gx, tx, ty, tr + 22, M_PI / 2, M_PI / 2 + 2 * M_PI * left, (SDL_Color){120, 140, 190, 200}, 3);
	} else if (g->state == REACH_OUT) {
		/* The target: a golden disc with a bright rim; the hold fills its
		 * rim clockwise like a clock. */
		gfx_disc(gx, tx, ty, tr * 1.35f, (SDL_Color){255, 190, 60, 40});
		gfx_disc(gx, tx, ty, tr, (SDL_Color){255, 180, 40, 255});
		gfx_arc(gx, tx, ty, tr, 0, 2 * M_PI, (SDL_Color){255, 230, 150, 255}, 4);
		double f = g->hold_s / g->hold_need_s;
		if (f > 0)
			gfx_arc(gx, tx, ty, tr + 10, M_PI / 2, M_PI / 2 - 2 * M_PI * f,
			        (SDL_Color){120, 255, 160, 255}, 8);
		/* Time left: a thin ring shrinking around it. */
		double left = 1 - g->elapsed_s / g->limit_s;
		gfx_arc(gx, tx, ty, tr + 22, M_PI / 2, M_PI / 2 + 2 * M_PI * left, (SDL_Color){120, 140, 190, 200}, 3);
	} else {
		double f = g->hold_s / g->hold_need_s;
		if (f > 0)
			gfx_arc(gx, cx, cy, tr + 8, M_PI / 2, M_PI / 2 - 2 * M_PI * f,
			        (SDL_Color){160, 190, 255, 255}, 5);
	}
	if (g->flash_s > 0) {
		/* Hit: a green burst where the target was; miss: a grey fade. */
		double k = 1 - g->flash_s / 0.6;
		SDL_Color c = g->last_hit ? (SDL_Color){120, 255, 160, 255} : (SDL_Color){150, 150, 170, 255};
		c.a = (Uint8)(255 * (1 - k));
		float fx, fy;
		game_view_px(&v, g->last_tx, g->last_ty, &fx, &fy);
		gfx_arc(gx, fx, fy, (float)(g->last_r * v.s) * (1.0f + (float)k), 0, 2 * M_PI, c, 6);
	}
	double x, y;
	game_cursor_at(base, alpha, &x, &y);
	float px, py;
	game_view_px(&v, x, y, &px, &py);
	gfx_disc(gx, px, py, 16 * gx->scale, (SDL_Color){255, 255, 255, 255});
	gfx_arc(gx, px, py, 16 * gx->scale, 0, 2 * M_PI, (SDL_Color){60, 140, 255, 255}, 5 * gx->scale);
}
