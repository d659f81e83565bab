/* Poise: the drawing kit shared by every screen: fonts, theme colours,
 * cached textures for filled circles, text labels that re-render only when
 * their text changes, and screenshots. All SDL calls of the UI go through
 * here or the screen that needs them; nothing in core or device sees SDL.
 */
#ifndef POISE_UI_GFX_H
#define POISE_UI_GFX_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdbool.h>

enum gfx_font {
	FONT_SMALL,  /* hints, axis labels */
	FONT_BODY,   /* values, status */
	FONT_TITLE,  /* headings */
	FONT_HUGE,   /* one big number a patient can read from 2 m */
	FONT_COUNT
};

/* High-contrast light theme (readable for low vision; prints well). */
typedef struct gfx_theme {
	SDL_Color bg, panel, ink, ink_soft, grid, accent, cop, trail, target, warn, ok;
	SDL_Color plate; /* the face of a drawn force plate */
} gfx_theme;

#define GFX_DISC_CACHE 24

/* A pre-coloured disc or ring at its exact pixel size: SDL's software
 * renderer blends an unscaled texture without colour modulation several
 * times faster than it scales and tints one, which matters for large
 * circles at 1080p. */
typedef struct gfx_disc_entry {
	SDL_Texture *tex;
	int diameter;
	SDL_Color color;
	bool ring;
	unsigned long last_use;
} gfx_disc_entry;

#define GFX_SPANS 2048     /* rows of a ring or disc sent to SDL at once */
#define GFX_STRIP_SEGS 512 /* segments of a thick polyline sent at once */
#define GFX_EDGE_LEVELS 16 /* coverage levels of a disc's anti-aliased edge */
#define GFX_EDGE_PTS 1024  /* edge pixels per level sent at once */

typedef struct gfx {
	SDL_Renderer *r;
	TTF_Font *font[FONT_COUNT];
	int font_px[FONT_COUNT];
	SDL_Texture *disc;     /* white anti-aliased disc, GFX_DISC_PX across */
	SDL_Texture *ring;     /* white anti-aliased ring, same size */
	gfx_theme theme;
	float scale;           /* UI scale: 1.0 at 720 px window height */
	float text_factor;     /* text size setting: 1 normal, 1.35 large, 1.7 extra large */
	gfx_disc_entry cache[GFX_DISC_CACHE];
	unsigned long uses;
	unsigned generation;   /* bumped when the fonts change size */
	/* Scratch for drawing rings and large discs as rows of pixels (no
	 * allocation per frame): a batch of spans and the edge pixels of a
	 * disc sorted by coverage. */
	SDL_FRect spans[GFX_SPANS];
	int n_spans;
	SDL_FPoint edge[GFX_EDGE_LEVELS][GFX_EDGE_PTS];
	int n_edge[GFX_EDGE_LEVELS];
	SDL_Vertex strip_v[4 * GFX_STRIP_SEGS];
	int strip_i[6 * GFX_STRIP_SEGS];
} gfx;

#define GFX_DISC_PX 128

/* A piece of text drawn from a cached texture; re-rendered only when the
 * text, font or colour changes. Zero-initialise, free with gfx_label_free. */
typedef struct gfx_label {
	char text[256];
	int font;
	SDL_Color color;
	SDL_Color bg;  /* the background it was composed on, if opaque */
	bool opaque;
	SDL_Texture *tex;
	int w, h;
	unsigned generation; /* the fonts it was rendered with (gfx.generation) */
} gfx_label;

/* The text size setting (1 normal, 1.35 large: body text ≥ 32 px at
 * 1080p, 1.7 extra large); takes effect at the next gfx_rescale(). */
void gfx_set_text_factor(gfx *g, float factor);

/* The standard light theme, or a high-contrast dark one (white and yellow
 * on black) for low vision. */
void gfx_set_theme(gfx *g, bool high_contrast);

/* Sets up fonts (from the asset directory) at sizes for a window of height
 * win_h, the theme and the circle textures. On failure writes a sentence
 * for people into msg and returns an error; g is then cleaned up. */
int gfx_init(gfx *g, SDL_Renderer *r, int win_h, char *msg, size_t msg_len);

/* Frees fonts and textures (not the renderer). */
void gfx_free(gfx *g);

/* Reloads fonts for a new window height (after a resize). */
int gfx_rescale(gfx *g, int win_h);

/* Filled disc / ring of radius rad_px centred at (cx, cy). A large
 * opaque disc is drawn row by row (opaque spans and an anti-aliased rim of
 * single pixels), which touches only its own pixels; smaller or
 * translucent ones are blitted from cached textures. */
void gfx_disc(gfx *g, float cx, float cy, float rad_px, SDL_Color c);
void gfx_ring(gfx *g, float cx, float cy, float rad_px, SDL_Color c);

/* Filled rectangle / outline with the colour's alpha. */
void gfx_fill(gfx *g, SDL_FRect rc, SDL_Color c);
void gfx_frame(gfx *g, SDL_FRect rc, SDL_Color c, int thickness);

/* A line of given thickness in pixels (1 = hairline). */
void gfx_line(gfx *g, float x0, float y0, float x1, float y1, SDL_Color c, int thickness);

/* A thick polyline through pts[0..n), segment i (pts[i] → pts[i+1]) in
 * colour cols[i] (alpha allowed; all opaque are copied, far cheaper), width in pixels: one batch of
 * quadrilaterals for SDL rather than a call per segment (a COP trail). */
void gfx_strip(gfx *g, const SDL_FPoint *pts, const SDL_Color *cols, int n, float width);

/* An arc of radius rad_px from angle a0 to a1 (radians, 0 = right,
 * counter-clockwise on screen, i.e. toward −y), thickness in pixels. The
 * band is filled row by row (one span per row and side, cut at the arc's
 * ends), so every pixel is painted once: cheap for large rings, and a
 * translucent ring has one even tint. */
void gfx_arc(gfx *g, float cx, float cy, float rad_px, double a0, double a1, SDL_Color c,
             float thickness);

/* A filled convex polygon (n ≤ 16 points). */
void gfx_polygon(gfx *g, const SDL_FPoint *pts, int n, SDL_Color c);

/* Sets a label's text (printf-style) and draws it with its top-left
 * corner (align 0), centre (1) or right edge (2) at x, top at y. */
void gfx_label_draw(gfx *g, gfx_label *l, int font, SDL_Color c, float x, float y, int align,
                    const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* As gfx_label_draw, in font or the first smaller font whose text fits
 * max_w pixels (the smallest if none does): long words at a large text
 * size never run into their neighbours. */
void gfx_label_draw_fit(gfx *g, gfx_label *l, int font, SDL_Color c, float x, float y, int align, float max_w,
                        const char *fmt, ...) __attribute__((format(printf, 9, 10)));

/* Draws text from y broken into lines no wider than max_w, one label a
 * line (at most n_labs lines; labels of lines no longer shown are
 * emptied); align as gfx_label_draw. Returns the y below the last line. */
float gfx_label_wrap(gfx *g, gfx_label *labs, int n_labs, int font, SDL_Color c, float x, float y, int align,
                     float max_w, const char *text);

/* The width in pixels of text in font. */
float gfx_text_width(gfx *g, int font, const char *text);

/* gfx_label_draw() of a label on a known plain background bg: the text is
 * composed on bg once, so each frame copies its rectangle instead of
 * blending it (a label costs a memcpy). Only where nothing else is drawn
 * under the label's box. */
void gfx_label_draw_on(gfx *g, gfx_label *l, int font, SDL_Color c, SDL_Color bg, float x, float y,
                       int align, const char *fmt, ...) __attribute__((format(printf, 9, 10)));

/* gfx_label_draw_fit() on a known plain background bg, as gfx_label_draw_on. */
void gfx_label_draw_fit_on(gfx *g, gfx_label *l, int font, SDL_Color c, SDL_Color bg, float x, float y, int align,
                           float max_w, const char *fmt, ...) __attribute__((format(printf, 10, 11)));

/* Frees the label's texture (it is made again at the next draw). */
void gfx_label_free(gfx_label *l);

/* One-off text for rarely drawn strings (renders every call). */
void gfx_text(gfx *g, int font, SDL_Color c, float x, float y, int align, const char *s);

/* Saves what the renderer shows now as a PNG file with mode 0600.
 * Returns POISE_OK or an error with msg filled. */
int gfx_screenshot(gfx *g, const char *path, char *msg, size_t msg_len);

/* Resolves a file under the asset directory into buf, as sys_asset_path()
 * (src/sys/asset.h) does. Returns false if not found anywhere. */
bool gfx_asset_path(const char *rel, char *buf, size_t len);

#endif
