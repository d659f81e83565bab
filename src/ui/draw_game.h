/* Poise: drawing the games (SDL, through the UI's drawing kit). Each game
 * has its own look; the logic never sees SDL. Positions move smoothly
 * between logic ticks: `alpha` (0..1) is the fraction of the next tick
 * already elapsed (Fiedler's interpolated rendering).
 */
#ifndef POISE_UI_DRAW_GAME_H
#define POISE_UI_DRAW_GAME_H

#include <SDL.h>

#include "games/game.h"
#include "ui/gfx.h"

/* LOS units ↔ pixels inside a game's area: px = cx + x·s, py = cy − y·s. */
typedef struct game_view {
	SDL_FRect area;
	float cx, cy, s;
} game_view;

/* Fits ±extent LOS units into area, centred. */
game_view game_view_fit(SDL_FRect area, double extent);

void game_view_px(const game_view *v, double x, double y, float *px, float *py);

/* Draws game g's scene (not the HUD) into area. labels: scratch labels
 * the caller keeps between frames (at least 8). */
void game_draw_scene(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels);

/* Per game: */
void draw_reach(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels);
void draw_slalom(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels);
void draw_stillwater(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels);
void draw_tracking(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels);
void draw_maze(gfx *gx, const game *g, SDL_FRect area, double alpha, gfx_label *labels);

/* The moving scene of a visual challenge (enum cond_visual) over area, at
 * speed_deg_s (0: the default), at game time t_s; nothing for a static
 * scene. */
void draw_visual_motion(gfx *gx, SDL_FRect area, int visual, double speed_deg_s, double t_s);

/* The cursor's interpolated position in LOS units. */
void game_cursor_at(const game *g, double alpha, double *x, double *y);

#endif
