/* The moving scene of a visual challenge (core/cond.h): translucent bands
 * over the game's scene that drift sideways (optic flow) or tilt to and
 * fro, at the prescribed angular speed. The screen is taken to span about
 * 60° of the patient's view (a large screen at 1.5–2 m), so a speed of
 * S °/s moves the bands S/60 of the screen's width a second. Drawn from
 * game time, so a paused game's scene stands still. */
#include <math.h>

#include "ui/draw_game.h"

#define VIEW_DEG 60.0
#define TILT_DEG 10.0 /* the scene tilts ±10° */

void draw_visual_motion(gfx *gx, SDL_FRect area, int visual, double speed_deg_s, double t_s)
{
	if (visual == COND_VISUAL_STATIC)
		return;
	double speed = speed_deg_s > 0 ? speed_deg_s : COND_VISUAL_SPEED_DEFAULT;
	SDL_Rect clip = {(int)area.x, (int)area.y, (int)ceilf(area.w), (int)ceilf(area.h)};
	SDL_RenderSetClipRect(gx->r, &clip);
	SDL_Color band = {110, 160, 255, 52}; /* shows on light and dark scenes alike */
	if (visual == COND_VISUAL_FLOW) {
		float spacing = area.w / 6, w = spacing / 2;
		double px_s = speed / VIEW_DEG * area.w;
		float off = (float)fmod(t_s * px_s, spacing);
		for (float x = area.x - spacing + off; x < area.x + area.w; x += spacing)
			gfx_fill(gx, (SDL_FRect){x, area.y, w, area.h}, band);
	} else {
		/* θ(t) = A·sin(ω t) with peak angular speed A·ω = speed. */
		double a = TILT_DEG * M_PI / 180, w = speed / TILT_DEG;
		double th = a * sin(w * t_s);
		float cx = area.x + area.w / 2, cy = area.y + area.h / 2;
		float half = hypotf(area.w, area.h) / 2;
		float c = (float)cos(th), s = (float)sin(th);
		int n = 9;
		float step = area.h / (float)(n - 1);
		SDL_Color line = {110, 160, 255, 90};
		for (int i = 0; i < n; i++) {
			float d = (float)(i - n / 2) * step; /* offset along the normal */
			float x0 = cx - half * c - d * s, y0 = cy - half * s + d * c;
			float x1 = cx + half * c - d * s, y1 = cy + half * s + d * c;
			gfx_line(gx, x0, y0, x1, y1, line, (int)(4 * gx->scale));
		}
	}
	SDL_RenderSetClipRect(gx->r, NULL);
}
