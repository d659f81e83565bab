/* Tracking: a violet evening; follow the firefly along its path. */
#include <math.h>

#include "ui/draw_game.h"
#include "games/tracking.h"

void draw_tracking(gfx *gx, const game *base, SDL_FRect area, double alpha, gfx_label *labels)
{
	(void)labels;
	const tracking_game *g = (const tracking_game *)base;
	gfx_fill(gx, area, (SDL_Color){44, 30, 74, 255});
	game_view v = game_view_fit(area, 0.75);
	/* The whole path of this round, faintly. */
	SDL_FPoint pts[121];
	for (int i = 0; i <= 120; i++) {
		double x, y;
		tracking_target_at(&g->p, g->p.period_s * i / 120.0, &x, &y);
		game_view_px(&v, x, y, &pts[i].x, &pts[i].y);
	}
	for (int i = 0; i < 120; i++)
		gfx_line(gx, pts[i].x, pts[i].y, pts[i + 1].x, pts[i + 1].y, (SDL_Color){110, 90, 160, 255}, (int)(3 * gx->scale));
	/* The firefly, where it is between ticks. */
	double tx, ty;
	tracking_target_at(&g->p, g->phase_t_s + alpha * GAME_TICK_S, &tx, &ty);
	float fx, fy;
	game_view_px(&v, tx, ty, &fx, &fy);
	float tol = (float)g->p.tolerance * v.s;
	gfx_disc(gx, fx, fy, tol, (SDL_Color){200, 255, 120, g->inside ? 90 : 40});
	gfx_arc(gx, fx, fy, tol, 0, 2 * M_PI, (SDL_Color){200, 255, 120, 200}, 3);
	gfx_disc(gx, fx, fy, 14 * gx->scale, (SDL_Color){230, 255, 150, 255});
	/* The player's cursor: a white ring. */
	double x, y;
	game_cursor_at(base, alpha, &x, &y);
	float px, py;
	game_view_px(&v, x, y, &px, &py);
	gfx_arc(gx, px, py, 16 * gx->scale, 0, 2 * M_PI, (SDL_Color){255, 255, 255, 255}, 5 * gx->scale);
	gfx_disc(gx, px, py, 4 * gx->scale, (SDL_Color){255, 255, 255, 255});
}
