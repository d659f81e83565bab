/* Slalom: a snowy slope seen from above; the course scrolls down. */
#include <math.h>

#include "ui/draw_game.h"
#include "games/slalom.h"

/* A cheap hash for scenery that stays put as the course scrolls. */
static double hash01(long k)
{
	unsigned long x = (unsigned long)k * 2654435761ul;
	x ^= x >> 13;
	x *= 0x5bd1e995ul;
	x ^= x >> 15;
	return (double)(x & 0xffff) / 65535.0;
}

static void draw_tree(gfx *gx, float x, float y, float size)
{
	SDL_FPoint t[3] = {{x, y - size}, {x - size * 0.6f, y + size * 0.5f}, {x + size * 0.6f, y + size * 0.5f}};
	gfx_polygon(gx, t, 3, (SDL_Color){34, 100, 60, 255});
	gfx_fill(gx, (SDL_FRect){x - size * 0.1f, y + size * 0.5f, size * 0.2f, size * 0.3f},
	         (SDL_Color){100, 70, 40, 255});
}

void draw_slalom(gfx *gx, const game *base, SDL_FRect area, double alpha, gfx_label *labels)
{
	(void)labels;
	const slalom_game *g = (const slalom_game *)base;
	gfx_fill(gx, area, (SDL_Color){242, 247, 252, 255});
	game_view v = game_view_fit(area, 1.1);
	float spacing = area.h * 0.30f;                /* pixels per gate spacing */
	float skier_y = area.y + area.h * 0.78f;
	double pos = g->pos + alpha * g->speed * GAME_TICK_S;
	/* Scenery: trees along both edges, snow tracks. */
	long first = (long)floor(pos * 3) - 2;
	for (long k = first; k < first + 16; k++) {
		float y = skier_y - (float)((k / 3.0 - pos) * spacing);
		if (y < area.y - 40 || y > area.y + area.h + 40)
			continue;
		float xl = area.x + (float)(0.04 + 0.06 * hash01(k)) * area.w;
		float xr = area.x + area.w - (float)(0.04 + 0.06 * hash01(k + 999)) * area.w;
		draw_tree(gx, xl, y, 26 * gx->scale);
		draw_tree(gx, xr, y, 26 * gx->scale);
	}
	float cx0, cy0;
	game_view_px(&v, 0, 0, &cx0, &cy0);
	gfx_line(gx, cx0, area.y, cx0, area.y + area.h, (SDL_Color){220, 230, 242, 255}, 2);
	/* Gates: two poles and a banner, red on the left side, blue on the right. */
	for (int i = -1; i < SLALOM_GATES; i++) {
		const slalom_gate *gt = i < 0 ? (g->have_last ? &g->last : NULL) : &g->gate[(g->next + i) % SLALOM_GATES];
		if (!gt)
			continue;
		float y = skier_y - (float)((gt->pos - pos) * spacing);
		if (y < area.y - 30 || y > area.y + area.h + 30)
			continue;
		float xl, xr, yy;
		game_view_px(&v, gt->x - gt->half, 0, &xl, &yy);
		game_view_px(&v, gt->x + gt->half, 0, &xr, &yy);
		SDL_Color c = gt->x < 0 ? (SDL_Color){210, 40, 40, 255} : (SDL_Color){30, 80, 200, 255};
		if (gt->result < 0)
			c = (SDL_Color){160, 160, 160, 255};
		gfx_fill(gx, (SDL_FRect){xl, y - 4 * gx->scale, xr - xl, 8 * gx->scale},
		         (SDL_Color){c.r, c.g, c.b, 70});
		gfx_disc(gx, xl, y, 9 * gx->scale, c);
		gfx_disc(gx, xr, y, 9 * gx->scale, c);
		if (gt->result > 0)
			gfx_arc(gx, (xl + xr) / 2, y, 18 * gx->scale, 0, 2 * M_PI, (SDL_Color){40, 170, 80, 255}, 4);
	}
	/* The skier: skis and a body, leaning with the cursor. */
	double x, yv;
	game_cursor_at(base, alpha, &x, &yv);
	float sx, sy;
	game_view_px(&v, x, 0, &sx, &sy);
	float s = gx->scale;
	gfx_line(gx, sx - 10 * s, skier_y - 20 * s, sx - 10 * s, skier_y + 26 * s, (SDL_Color){40, 40, 50, 255}, (int)(5 * s));
	gfx_line(gx, sx + 10 * s, skier_y - 20 * s, sx + 10 * s, skier_y + 26 * s, (SDL_Color){40, 40, 50, 255}, (int)(5 * s));
	gfx_disc(gx, sx, skier_y, 17 * s, (SDL_Color){230, 120, 20, 255});
	gfx_disc(gx, sx, skier_y - 4 * s, 8 * s, (SDL_Color){250, 220, 180, 255});
}
