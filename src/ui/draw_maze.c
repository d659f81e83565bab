/* Maze: a wooden labyrinth board with a steel marble and a hole. */
#include <math.h>

#include "ui/draw_game.h"
#include "games/maze.h"

void draw_maze(gfx *gx, const game *base, SDL_FRect area, double alpha, gfx_label *labels)
{
	(void)labels;
	const maze_game *g = (const maze_game *)base;
	gfx_fill(gx, area, (SDL_Color){60, 42, 30, 255});
	float side = fminf(area.w, area.h) * 0.94f;
	float cell = side / (float)g->n;
	float ox = area.x + (area.w - side) / 2, oy = area.y + (area.h - side) / 2;
	gfx_fill(gx, (SDL_FRect){ox, oy, side, side}, (SDL_Color){214, 170, 112, 255});
	/* Cell (x, y) has y up: screen row n−1−y. */
#define SX(x) (ox + (float)(x) * cell)
#define SY(y) (oy + side - (float)(y) * cell)
	float hx = SX(g->n - 0.5), hy = SY(g->n - 0.5);
	gfx_disc(gx, hx, hy, cell * 0.32f, (SDL_Color){20, 14, 10, 255});
	gfx_arc(gx, hx, hy, cell * 0.32f, 0, 2 * M_PI, (SDL_Color){120, 200, 90, 255}, 4);
	int wt = (int)fmaxf(4, cell * 0.10f);
	SDL_Color wall = {92, 56, 28, 255};
	for (int x = 0; x < g->n; x++)
		for (int y = 0; y < g->n; y++) {
			if (maze_wall(g, x, y, 0) && x < g->n - 1)
				gfx_line(gx, SX(x + 1), SY(y), SX(x + 1), SY(y + 1), wall, wt);
			if (maze_wall(g, x, y, 1) && y < g->n - 1)
				gfx_line(gx, SX(x), SY(y + 1), SX(x + 1), SY(y + 1), wall, wt);
		}
	gfx_frame(gx, (SDL_FRect){ox - wt / 2.0f, oy - wt / 2.0f, side + wt, side + wt}, wall, wt);
	/* The marble between ticks. */
	double mx = g->prev_px + alpha * (g->px - g->prev_px), my = g->prev_py + alpha * (g->py - g->prev_py);
	float r = cell * (float)MARBLE_R;
	gfx_disc(gx, SX(mx) + 3, SY(my) + 4, r, (SDL_Color){60, 40, 20, 110});
	gfx_disc(gx, SX(mx), SY(my), r, (SDL_Color){150, 158, 170, 255});
	gfx_disc(gx, SX(mx) - r * 0.3f, SY(my) - r * 0.3f, r * 0.35f, (SDL_Color){235, 240, 248, 255});
	if (g->win_s > 0)
		gfx_arc(gx, hx, hy, cell * (0.4f + 0.6f * (1 - (float)g->win_s)), 0, 2 * M_PI,
		        (SDL_Color){120, 230, 90, (Uint8)(255 * g->win_s)}, 6);
	/* The lean: an arrow from the board's corner badge. */
	double lx, ly;
	game_cursor_at(base, alpha, &lx, &ly);
	float bx = area.x + 60 * gx->scale, by = area.y + area.h - 60 * gx->scale, br = 44 * gx->scale;
	gfx_disc(gx, bx, by, br, (SDL_Color){40, 28, 20, 255});
	gfx_arc(gx, bx, by, br * (float)MAZE_DEAD_ZONE, 0, 2 * M_PI, (SDL_Color){120, 90, 60, 255}, 2);
	float ex = bx + (float)(fmax(-1, fmin(1, lx))) * br, ey = by - (float)(fmax(-1, fmin(1, ly))) * br;
	gfx_line(gx, bx, by, ex, ey, (SDL_Color){240, 200, 120, 255}, (int)(5 * gx->scale));
	gfx_disc(gx, ex, ey, 7 * gx->scale, (SDL_Color){240, 200, 120, 255});
#undef SX
#undef SY
}
