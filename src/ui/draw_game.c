#include "ui/draw_game.h"

#include <math.h>
#include <string.h>

game_view game_view_fit(SDL_FRect area, double extent)
{
	float s = fminf(area.w, area.h) / (float)(2 * extent);
	return (game_view){area, area.x + area.w / 2, area.y + area.h / 2, s};
}

void game_view_px(const game_view *v, double x, double y, float *px, float *py)
{
	*px = v->cx + (float)(x * v->s);
	*py = v->cy - (float)(y * v->s);
}

void game_cursor_at(const game *g, double alpha, double *x, double *y)
{
	*x = g->prev_in.x + alpha * (g->in.x - g->prev_in.x);
	*y = g->prev_in.y + alpha * (g->in.y - g->prev_in.y);
}

void game_draw_scene(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels)
{
	static const struct {
		const char *id;
		void (*draw)(gfx *, const game *, SDL_FRect, double, gfx_label *);
	} table[] = {
		{"reach", draw_reach}, {"slalom", draw_slalom}, {"stillwater", draw_stillwater},
		{"tracking", draw_tracking}, {"maze", draw_maze},
	};
	/* Scenery never spills outside the game's area (onto the HUD). */
	SDL_Rect clip = {(int)area.x, (int)area.y, (int)ceilf(area.w), (int)ceilf(area.h)};
	SDL_RenderSetClipRect(gx->r, &clip);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(g->ops->id, table[i].id) == 0)
			table[i].draw(gx, g, area, alpha, labels);
	SDL_RenderSetClipRect(gx->r, NULL);
}
