/* Poise: the live view: the plate with the COP dot and its trail, a zoomed
 * sway view (statokinesigram), the ML and AP stabilograms of the last ten
 * seconds, body weight and sample rate. It draws from the session's live
 * history (session/history.h), a consumer on the session's road; the view
 * keeps only what it draws with (the zoom, cached labels).
 */
#ifndef POISE_UI_LIVE_H
#define POISE_UI_LIVE_H

#include <SDL.h>
#include <stdbool.h>

#include "core/cop.h"
#include "core/pipeline.h"
#include "session/history.h"
#include "ui/gfx.h"

#define LIVE_HIST_S 10.0
#define LIVE_TRAIL_S 1.5
#define LIVE_HIST_MAX 4096
#define LIVE_TRAIL_MAX 1024 /* points of the trail drawn (1.5 s up to ~680 Hz) */

/* Plate millimetres ↔ window pixels for one panel: px = cx + x·s,
 * py = cy − y·s (anterior is up on the screen). */
typedef struct live_map {
	float cx, cy;   /* where plate (0, 0) or the zoom centre lands */
	float s;        /* pixels per millimetre */
	double ox, oy;  /* millimetres at (cx, cy) */
} live_map;

/* Where everything of the view goes; the boxes of the labels with fixed
 * words are their exact extents in the fonts of the moment (so a test can
 * check at every text size that none overlaps another or leaves its
 * panel). */
typedef struct live_layout {
	SDL_FRect plate_panel, readouts, zoom_panel, ml_strip, ap_strip;
	live_map plate, zoom;
	SDL_FRect plate_title;                             /* "Plate 433 × 238 mm ..." */
	SDL_FRect weight_cap, weight_val, rate_cap, rate_val; /* values: room for "000.0 kg" */
	SDL_FRect zoom_title, zoom_front, zoom_grid;      /* zoom_grid: the grid square */
	SDL_FRect zoom_sides, zoom_step;                 /* "← left · right →", "grid 5 mm" */
	SDL_FRect plot[2], name[2], scale[2];             /* the ML [0] and AP [1] strips */
} live_layout;

typedef struct ui_live {
	cop_plate plate;
	double rate_hz;
	const ses_history *h;    /* not owned */
	uint64_t seen;           /* history samples already followed by the zoom */
	double zoom_mm;          /* half-width of the zoom panel */
	double zoom_cx, zoom_cy; /* its centre, following the sway slowly */
	bool target_on;          /* the sim's steering target, drawn if on */
	double target_x, target_y;
	bool quiet;              /* no "step onto the plate" (a test mass on it) */
	gfx_label lab[16];
	/* The last layout and what it was made for: measuring the labels'
	 * text costs more than drawing them, so a frame reuses it. */
	live_layout layout;
	SDL_FRect layout_area;
	unsigned layout_generation; /* gfx.generation; 0: none yet */
	double layout_zoom_mm;
} ui_live;

/* A view of history h (not owned; at least LIVE_HIST_S long) of a plate
 * whose samples come at rate_hz. */
void ui_live_init(ui_live *v, const cop_plate *plate, double rate_hz, const ses_history *h);

/* Frees cached labels. */
void ui_live_free(ui_live *v);

/* Follows the samples new in the history (the zoom's centre); called by
 * ui_live_draw, and by the app before it maps the mouse. */
void ui_live_sync(ui_live *v);

/* Computes where the panels and labels go inside area, in g's fonts of
 * the moment (text size). Pure: used by draw and by tests. */
void ui_live_layout(const ui_live *v, gfx *g, SDL_FRect area, live_layout *out);

/* Pixel ↔ millimetre through a map. */
void live_map_to_px(const live_map *m, double x_mm, double y_mm, float *px, float *py);
void live_map_to_mm(const live_map *m, float px, float py, double *x_mm, double *y_mm);

/* A small view for a corner of another screen: the plate with the COP
 * and its trail, weight and rate in a line above. */
void ui_live_draw_plate(ui_live *v, gfx *g, SDL_FRect area, double frame_rate_hz);

/* Where ui_live_draw_plate() puts the plate in area: to draw over it. */
void ui_live_plate_map(const ui_live *v, const gfx *g, SDL_FRect area, live_map *out);

/* Draws the view into area. frame_rate_hz is the measured device rate. */
void ui_live_draw(ui_live *v, gfx *g, SDL_FRect area, double frame_rate_hz);

#endif
