/* Still water: a pond at dusk; a floating ball inside a ring of light. */
#include <math.h>

#include "ui/draw_game.h"
#include "games/stillwater.h"

void draw_stillwater(gfx *gx, const game *base, SDL_FRect area, double alpha, gfx_label *labels)
{
	(void)labels;
	const stillwater_game *g = (const stillwater_game *)base;
	gfx_fill(gx, area, (SDL_Color){14, 78, 96, 255});
	/* The pond shows ±0.45 LOS: small sways are big here. */
	game_view v = game_view_fit(area, 0.45);
	float cx, cy;
	game_view_px(&v, 0, 0, &cx, &cy);
	/* Slow concentric ripples for calm. */
	double t = base->t_s + alpha * GAME_TICK_S;
	for (int k = 0; k < 4; k++) {
		double ph = fmod(t / 6.0 + k / 4.0, 1.0);
		SDL_Color c = {120, 200, 210, (Uint8)(60 * (1 - ph))};
		gfx_arc(gx, cx, cy, (float)(0.05 + 0.5 * ph) * v.s, 0, 2 * M_PI, c, 2);
	}
	/* Lily pads. */
	const double pads[4][3] = {{-0.36, 0.30, 0.05}, {0.34, -0.28, 0.06}, {0.38, 0.26, 0.04}, {-0.30, -0.33, 0.05}};
	for (int i = 0; i < 4; i++) {
		float px, py;
		game_view_px(&v, pads[i][0], pads[i][1], &px, &py);
		gfx_disc(gx, px, py, (float)pads[i][2] * v.s, (SDL_Color){60, 140, 70, 255});
	}
	/* The ring: it glows green while calm fills, flashes on a shrink. */
	float r = (float)g->radius * v.s;
	gfx_disc(gx, cx, cy, r, (SDL_Color){40, 120, 130, 255});
	SDL_Color ring = g->shrink_s > 0 ? (SDL_Color){180, 255, 200, 255} : (SDL_Color){230, 250, 250, 255};
	gfx_arc(gx, cx, cy, r, 0, 2 * M_PI, ring, 5 * gx->scale);
	double f = g->calm_s / g->calm_need_s;
	if (f > 0)
		gfx_arc(gx, cx, cy, r + 10 * gx->scale, M_PI / 2, M_PI / 2 - 2 * M_PI * f,
		        (SDL_Color){150, 255, 170, 255}, 6 * gx->scale);
	if (g->ripple_s > 0) {
		double k = 1 - g->ripple_s / 0.8;
		gfx_arc(gx, cx, cy, r * (1 + 0.4f * (float)k), 0, 2 * M_PI,
		        (SDL_Color){255, 150, 120, (Uint8)(220 * (1 - k))}, 4);
	}
	double x, y;
	game_cursor_at(base, alpha, &x, &y);
	float bx, by;
	game_view_px(&v, x, y, &bx, &by);
	float br = 18 * gx->scale;
	gfx_disc(gx, bx + 3, by + 4, br, (SDL_Color){0, 30, 40, 90});
	gfx_disc(gx, bx, by, br, (SDL_Color){255, 205, 40, 255});
	gfx_disc(gx, bx - br * 0.3f, by - br * 0.3f, br * 0.35f, (SDL_Color){255, 245, 200, 255});
}
