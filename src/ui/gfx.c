#include "ui/gfx.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "sys/asset.h"
#include "sys/outfile.h"

static const char *const font_file[FONT_COUNT] = {
	"fonts/DejaVuSans.ttf", "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf",
	"fonts/DejaVuSans-Bold.ttf",
};
static const int font_base_px[FONT_COUNT] = {15, 20, 26, 56};

bool gfx_asset_path(const char *rel, char *buf, size_t len)
{
	return sys_asset_path(rel, buf, len);
}

/* A disc (inner_frac 0) or ring of the given diameter in colour c. */
static SDL_Texture *circle_texture(SDL_Renderer *r, int size, double inner_frac, SDL_Color col)
{
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, size, size, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!s)
		return NULL;
	double c = size / 2.0, rad = c - 1.0, inner = rad * inner_frac;
	Uint32 *px = s->pixels;
	Uint32 rgb = (Uint32)col.r << 16 | (Uint32)col.g << 8 | col.b;
	/* Distances are compared squared; only the one-pixel rims need a
	 * square root (this runs when a large circle first appears). */
	double o_in = (rad - 0.5) * (rad - 0.5), o_out = (rad + 0.5) * (rad + 0.5);
	double i_in = inner > 0 ? (inner - 0.5) * (inner - 0.5) : -1, i_out = inner > 0 ? (inner + 0.5) * (inner + 0.5) : -1;
	for (int y = 0; y < size; y++) {
		Uint32 *row = &px[y * (s->pitch / 4)];
		double dy = y + 0.5 - c;
		for (int x = 0; x < size; x++) {
			double dx = x + 0.5 - c, d2 = dx * dx + dy * dy;
			double a;
			if (d2 >= o_out || (inner > 0 && d2 <= i_in)) {
				row[x] = rgb; /* transparent */
				continue;
			}
			if (d2 <= o_in && (inner <= 0 || d2 >= i_out)) {
				a = 1;
			} else {
				/* One-pixel linear ramps at the edges: anti-aliasing. */
				double d = sqrt(d2);
				a = fmin(fmax(rad - d + 0.5, 0), 1);
				if (inner > 0)
					a = fmin(a, fmin(fmax(d - inner + 0.5, 0), 1));
			}
			row[x] = (Uint32)lround(a * col.a) << 24 | rgb;
		}
	}
	SDL_Texture *t = SDL_CreateTextureFromSurface(r, s);
	SDL_FreeSurface(s);
	if (t) {
		SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
		SDL_SetTextureScaleMode(t, SDL_ScaleModeLinear);
	}
	return t;
}

static SDL_Texture *make_circle_texture(SDL_Renderer *r, double inner_frac)
{
	return circle_texture(r, GFX_DISC_PX, inner_frac, (SDL_Color){255, 255, 255, 255});
}

static void close_fonts(gfx *g)
{
	for (int i = 0; i < FONT_COUNT; i++) {
		if (g->font[i])
			TTF_CloseFont(g->font[i]);
		g->font[i] = NULL;
	}
}

int gfx_rescale(gfx *g, int win_h)
{
	float scale = win_h > 0 ? (float)win_h / 720.0f : 1.0f;
	if (scale < 0.6f)
		scale = 0.6f;
	TTF_Font *f[FONT_COUNT] = {0};
	for (int i = 0; i < FONT_COUNT; i++) {
		char path[PATH_MAX];
		if (!gfx_asset_path(font_file[i], path, sizeof path))
			goto fail;
		f[i] = TTF_OpenFont(path, (int)lroundf(font_base_px[i] * scale * g->text_factor));
		if (!f[i])
			goto fail;
	}
	close_fonts(g);
	for (int i = 0; i < FONT_COUNT; i++) {
		g->font[i] = f[i];
		g->font_px[i] = (int)lroundf(font_base_px[i] * scale * g->text_factor);
	}
	g->scale = scale;
	g->generation++; /* every cached label renders anew at the new size */
	return POISE_OK;
fail:
	for (int i = 0; i < FONT_COUNT; i++)
		if (f[i])
			TTF_CloseFont(f[i]);
	return POISE_E_NOT_FOUND;
}

void gfx_set_text_factor(gfx *g, float factor)
{
	g->text_factor = factor >= 0.5f && factor <= 3.0f ? factor : 1.0f;
}

void gfx_set_theme(gfx *g, bool high_contrast)
{
	if (high_contrast)
		g->theme = (gfx_theme){
			.bg = {0, 0, 0, 255},
			.panel = {18, 18, 18, 255},
			.ink = {255, 255, 255, 255},
			.ink_soft = {225, 225, 225, 255},
			.grid = {120, 120, 120, 255},
			.accent = {255, 214, 0, 255},
			.cop = {255, 128, 0, 255},
			.trail = {255, 128, 0, 170},
			.target = {0, 230, 140, 255},
			.warn = {255, 96, 96, 255},
			.ok = {90, 255, 140, 255},
			.plate = {44, 44, 44, 255},
		};
	else
		g->theme = (gfx_theme){
			.bg = {245, 244, 240, 255},
			.panel = {255, 255, 255, 255},
			.ink = {20, 24, 32, 255},
			.ink_soft = {96, 102, 112, 255},
			.grid = {214, 216, 220, 255},
			.accent = {0, 92, 175, 255},
			.cop = {214, 70, 0, 255},
			.trail = {214, 70, 0, 150},
			.target = {0, 122, 80, 255},
			.warn = {180, 20, 30, 255},
			.ok = {0, 122, 80, 255},
			.plate = {236, 238, 242, 255},
		};
}

int gfx_init(gfx *g, SDL_Renderer *r, int win_h, char *msg, size_t msg_len)
{
	memset(g, 0, sizeof *g);
	g->r = r;
	g->text_factor = 1.0f;
	gfx_set_theme(g, false);
	if (gfx_rescale(g, win_h) != POISE_OK) {
		/* Name the font that is missing, else the one that would not load. */
		char path[PATH_MAX];
		for (int i = 0; i < FONT_COUNT; i++) {
			if (!gfx_asset_path(font_file[i], path, sizeof path)) {
				snprintf(msg, msg_len,
				         "the font %s is missing: reinstall Poise, or set POISE_ASSET_DIR "
				         "to a folder holding %s",
				         path, font_file[i]);
				return POISE_E_NOT_FOUND;
			}
		}
		gfx_asset_path(font_file[0], path, sizeof path);
		snprintf(msg, msg_len,
		         "cannot load the font %s (%s); set POISE_ASSET_DIR to the assets folder",
		         path, TTF_GetError());
		return POISE_E_NOT_FOUND;
	}
	g->disc = make_circle_texture(r, 0);
	g->ring = make_circle_texture(r, 0.84);
	if (!g->disc || !g->ring) {
		snprintf(msg, msg_len, "cannot create textures: %s", SDL_GetError());
		gfx_free(g);
		return POISE_E_NOMEM;
	}
	return POISE_OK;
}

void gfx_free(gfx *g)
{
	close_fonts(g);
	if (g->disc)
		SDL_DestroyTexture(g->disc);
	if (g->ring)
		SDL_DestroyTexture(g->ring);
	g->disc = g->ring = NULL;
	for (int i = 0; i < GFX_DISC_CACHE; i++)
		if (g->cache[i].tex)
			SDL_DestroyTexture(g->cache[i].tex);
	memset(g->cache, 0, sizeof g->cache);
}

/* The cached texture for a large circle, made on first use (least recently
 * used entry replaced); NULL if it cannot be made. */
static SDL_Texture *cached_circle(gfx *g, int diameter, SDL_Color c, bool ring)
{
	gfx_disc_entry *victim = &g->cache[0];
	for (int i = 0; i < GFX_DISC_CACHE; i++) {
		gfx_disc_entry *e = &g->cache[i];
		if (e->tex && e->diameter == diameter && e->ring == ring && e->color.r == c.r &&
		    e->color.g == c.g && e->color.b == c.b && e->color.a == c.a) {
			e->last_use = ++g->uses;
			return e->tex;
		}
		if (!e->tex || e->last_use < victim->last_use)
			victim = e;
	}
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	*victim = (gfx_disc_entry){circle_texture(g->r, diameter, ring ? 0.84 : 0, c), diameter, c, ring,
	                           ++g->uses};
	return victim->tex;
}

/* ---- rows of pixels: rings, arcs and large discs ---------------------- */

static void spans_flush(gfx *g)
{
	if (g->n_spans > 0)
		SDL_RenderFillRectsF(g->r, g->spans, g->n_spans);
	g->n_spans = 0;
}

/* Queues the pixels j0..j1 of row y (nothing if j1 < j0). */
static void span_add(gfx *g, int y, int j0, int j1)
{
	if (j1 < j0)
		return;
	if (g->n_spans == GFX_SPANS)
		spans_flush(g);
	g->spans[g->n_spans++] = (SDL_FRect){(float)j0, (float)y, (float)(j1 - j0 + 1), 1};
}

/* The arc's angles: from a_s, counter-clockwise over len (≥ 2π: whole). */
typedef struct arc_range {
	double a_s, len;
	bool whole;
} arc_range;

static bool in_arc(const arc_range *ar, double cx, double cy, double x, double yc)
{
	double th = atan2(cy - yc, x - cx);
	return fmod(th - ar->a_s + 4 * M_PI, 2 * M_PI) <= ar->len;
}

/* The pixels of row y whose centres lie in [x0, x1] and in the arc: the
 * arc's two end rays cut the span into at most three pieces, each wholly
 * in or out (the angle changes monotonically along a row on one side of
 * the centre), so one angle per piece decides. */
static void span_in_arc(gfx *g, const arc_range *ar, double cx, double cy, int y, double x0,
                        double x1)
{
	int j0 = (int)ceil(x0 - 0.5), j1 = (int)floor(x1 - 0.5);
	if (j1 < j0)
		return;
	if (ar->whole) {
		span_add(g, y, j0, j1);
		return;
	}
	double yc = y + 0.5, cut[4];
	int n = 0;
	cut[n++] = j0;
	double ends[2] = {ar->a_s, ar->a_s + ar->len};
	for (int e = 0; e < 2; e++) {
		double sn = sin(ends[e]), cs = cos(ends[e]);
		if (fabs(sn) < 1e-12)
			continue;
		double t = (cy - yc) / sn; /* the ray meets the row's centre line here */
		double x = cx + t * cs - 0.5; /* as a pixel index */
		if (t > 0 && x > j0 && x < j1 + 1)
			cut[n++] = x;
	}
	cut[n++] = j1 + 1;
	if (n == 4 && cut[1] > cut[2]) {
		double tmp = cut[1];
		cut[1] = cut[2];
		cut[2] = tmp;
	}
	for (int k = 0; k + 1 < n; k++) {
		int a = (int)ceil(cut[k]), b = (int)ceil(cut[k + 1]) - 1;
		if (k == 0)
			a = j0;
		if (b < a)
			continue;
		if (in_arc(ar, cx, cy, 0.5 * (a + b) + 0.5, yc))
			span_add(g, y, a, b);
	}
}

/* The band between radii r_in and r_out around (cx, cy), within ar. */
static void band_spans(gfx *g, double cx, double cy, double r_in, double r_out, const arc_range *ar)
{
	int y0 = (int)floor(cy - r_out), y1 = (int)ceil(cy + r_out);
	for (int y = y0; y <= y1; y++) {
		double dy = y + 0.5 - cy;
		if (fabs(dy) > r_out)
			continue;
		double wo = sqrt(r_out * r_out - dy * dy);
		if (r_in > 0 && fabs(dy) < r_in) {
			double wi = sqrt(r_in * r_in - dy * dy);
			span_in_arc(g, ar, cx, cy, y, cx - wo, cx - wi);
			span_in_arc(g, ar, cx, cy, y, cx + wi, cx + wo);
		} else {
			span_in_arc(g, ar, cx, cy, y, cx - wo, cx + wo);
		}
	}
}

static void set_color(gfx *g, SDL_Color c)
{
	SDL_SetRenderDrawBlendMode(g->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, c.a);
}

/* An opaque disc as rows: the pixels wholly inside as spans, the rim
 * (centres within half a pixel of the circle) as single pixels whose alpha
 * is their coverage, max(0, min(1, r + ½ − d)), as the disc textures have
 * it. False if the rim does not fit the scratch buffers. */
static bool disc_rows(gfx *g, float cx, float cy, float rad, SDL_Color c)
{
	double r_full = rad - 0.5, r_edge = rad + 0.5;
	int y0 = (int)floor(cy - r_edge), y1 = (int)ceil(cy + r_edge);
	memset(g->n_edge, 0, sizeof g->n_edge);
	g->n_spans = 0;
	set_color(g, c);
	for (int y = y0; y <= y1; y++) {
		double dy = y + 0.5 - cy;
		if (fabs(dy) >= r_edge)
			continue;
		double we = sqrt(r_edge * r_edge - dy * dy);
		double wf = fabs(dy) < r_full ? sqrt(r_full * r_full - dy * dy) : 0;
		int f0 = (int)ceil(cx - wf - 0.5), f1 = (int)floor(cx + wf - 0.5);
		if (wf > 0)
			span_add(g, y, f0, f1);
		else
			f0 = (int)floor(cx), f1 = f0 - 1; /* no full pixel on this row */
		int e0 = (int)ceil(cx - we - 0.5), e1 = (int)floor(cx + we - 0.5);
		for (int j = e0; j <= e1; j++) {
			if (j == f0 && f1 >= f0) {
				j = f1;
				continue;
			}
			double dx = j + 0.5 - cx, d = sqrt(dx * dx + dy * dy);
			double a = rad + 0.5 - d;
			if (a <= 0)
				continue;
			int lv = a >= 1 ? GFX_EDGE_LEVELS - 1 : (int)(a * GFX_EDGE_LEVELS);
			if (lv >= GFX_EDGE_LEVELS)
				lv = GFX_EDGE_LEVELS - 1;
			if (g->n_edge[lv] == GFX_EDGE_PTS) {
				g->n_spans = 0;
				return false;
			}
			g->edge[lv][g->n_edge[lv]++] = (SDL_FPoint){(float)j + 0.5f, (float)y + 0.5f};
		}
	}
	spans_flush(g);
	SDL_SetRenderDrawBlendMode(g->r, SDL_BLENDMODE_BLEND);
	for (int lv = 0; lv < GFX_EDGE_LEVELS; lv++) {
		if (!g->n_edge[lv])
			continue;
		Uint8 alpha = (Uint8)lround(c.a * (lv + 0.5) / GFX_EDGE_LEVELS);
		SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, alpha);
		SDL_RenderDrawPointsF(g->r, g->edge[lv], g->n_edge[lv]);
	}
	return true;
}

/* Discs this large (radius in pixels) and opaque are drawn as rows: a
 * texture blit blends every pixel of the square around the disc. */
#define DISC_ROWS_MIN_PX 40

static void draw_circle_tex(gfx *g, SDL_Texture *t, float cx, float cy, float rad, SDL_Color c)
{
	if (t == g->disc && rad >= DISC_ROWS_MIN_PX && c.a == 255 && disc_rows(g, cx, cy, rad, c))
		return;
	if (rad > 24) {
		/* Diameters in 4-pixel steps: a shrinking ring reuses textures. */
		int d = 4 * (int)lroundf(rad / 2);
		SDL_Texture *ct = cached_circle(g, d, c, t == g->ring);
		if (ct) {
			SDL_FRect dst = {roundf(cx - d / 2.0f), roundf(cy - d / 2.0f), (float)d, (float)d};
			SDL_RenderCopyF(g->r, ct, NULL, &dst);
			return;
		}
	}
	SDL_SetTextureColorMod(t, c.r, c.g, c.b);
	SDL_SetTextureAlphaMod(t, c.a);
	SDL_FRect dst = {cx - rad, cy - rad, 2 * rad, 2 * rad};
	SDL_RenderCopyF(g->r, t, NULL, &dst);
}

void gfx_disc(gfx *g, float cx, float cy, float rad_px, SDL_Color c)
{
	draw_circle_tex(g, g->disc, cx, cy, rad_px, c);
}

void gfx_ring(gfx *g, float cx, float cy, float rad_px, SDL_Color c)
{
	draw_circle_tex(g, g->ring, cx, cy, rad_px, c);
}

void gfx_fill(gfx *g, SDL_FRect rc, SDL_Color c)
{
	set_color(g, c);
	SDL_RenderFillRectF(g->r, &rc);
}

void gfx_frame(gfx *g, SDL_FRect rc, SDL_Color c, int t)
{
	gfx_fill(g, (SDL_FRect){rc.x, rc.y, rc.w, (float)t}, c);
	gfx_fill(g, (SDL_FRect){rc.x, rc.y + rc.h - (float)t, rc.w, (float)t}, c);
	gfx_fill(g, (SDL_FRect){rc.x, rc.y, (float)t, rc.h}, c);
	gfx_fill(g, (SDL_FRect){rc.x + rc.w - (float)t, rc.y, (float)t, rc.h}, c);
}

void gfx_line(gfx *g, float x0, float y0, float x1, float y1, SDL_Color c, int thickness)
{
	if (thickness <= 1) {
		set_color(g, c);
		SDL_RenderDrawLineF(g->r, x0, y0, x1, y1);
		return;
	}
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	if (len < 1e-3f)
		return;
	float half = (float)thickness * 0.5f;
	if (dx == 0 || dy == 0) { /* along an axis: a rectangle fill is the cheapest */
		SDL_FRect rc = dx == 0 ? (SDL_FRect){x0 - half, fminf(y0, y1), (float)thickness, fabsf(dy)}
		                       : (SDL_FRect){fminf(x0, x1), y0 - half, fabsf(dx), (float)thickness};
		gfx_fill(g, rc, c);
		return;
	}
	float nx = -dy / len * half, ny = dx / len * half;
	SDL_Vertex v[4] = {
		{{x0 + nx, y0 + ny}, c, {0, 0}},
		{{x1 + nx, y1 + ny}, c, {0, 0}},
		{{x1 - nx, y1 - ny}, c, {0, 0}},
		{{x0 - nx, y0 - ny}, c, {0, 0}},
	};
	static const int idx[6] = {0, 1, 2, 0, 2, 3};
	SDL_SetRenderDrawBlendMode(g->r, SDL_BLENDMODE_BLEND);
	SDL_RenderGeometry(g->r, NULL, v, 4, idx, 6);
}

void gfx_strip(gfx *g, const SDL_FPoint *pts, const SDL_Color *cols, int n, float width)
{
	float half = width * 0.5f;
	int k = 0;
	bool opaque = true; /* then copied, not blended: several times cheaper */
	for (int i = 0; i + 1 < n; i++)
		opaque = opaque && cols[i].a == 255;
	SDL_SetRenderDrawBlendMode(g->r, opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	for (int i = 0; i + 1 < n; i++) {
		float dx = pts[i + 1].x - pts[i].x, dy = pts[i + 1].y - pts[i].y;
		float len = sqrtf(dx * dx + dy * dy);
		if (len < 1e-3f)
			continue;
		float nx = -dy / len * half, ny = dx / len * half;
		/* Opaque segments get square caps: they overlap at the joints,
		 * which closes the gaps the rasteriser leaves between abutting
		 * quads and at bends (overlapping blended ones would darken). */
		float ex = opaque ? dx / len * half : 0, ey = opaque ? dy / len * half : 0;
		float x0 = pts[i].x - ex, y0 = pts[i].y - ey, x1 = pts[i + 1].x + ex, y1 = pts[i + 1].y + ey;
		SDL_Vertex *v = &g->strip_v[4 * k];
		SDL_Color c = cols[i];
		v[0] = (SDL_Vertex){{x0 + nx, y0 + ny}, c, {0, 0}};
		v[1] = (SDL_Vertex){{x1 + nx, y1 + ny}, c, {0, 0}};
		v[2] = (SDL_Vertex){{x1 - nx, y1 - ny}, c, {0, 0}};
		v[3] = (SDL_Vertex){{x0 - nx, y0 - ny}, c, {0, 0}};
		int *ix = &g->strip_i[6 * k], b = 4 * k;
		ix[0] = b, ix[1] = b + 1, ix[2] = b + 2, ix[3] = b, ix[4] = b + 2, ix[5] = b + 3;
		if (++k == GFX_STRIP_SEGS) {
			SDL_RenderGeometry(g->r, NULL, g->strip_v, 4 * k, g->strip_i, 6 * k);
			k = 0;
		}
	}
	if (k)
		SDL_RenderGeometry(g->r, NULL, g->strip_v, 4 * k, g->strip_i, 6 * k);
}

void gfx_arc(gfx *g, float cx, float cy, float rad_px, double a0, double a1, SDL_Color c,
             float thickness)
{
	double len = fabs(a1 - a0);
	if (len <= 0 || rad_px <= 0)
		return;
	arc_range ar = {fmin(a0, a1), len, len >= 2 * M_PI - 1e-9};
	set_color(g, c);
	if (thickness >= 1.5f) {
		/* The band, row by row. */
		double h = thickness / 2.0;
		g->n_spans = 0;
		band_spans(g, cx, cy, rad_px - h > 0 ? rad_px - h : 0, rad_px + h, &ar);
		spans_flush(g);
		return;
	}
	/* A hairline: one polyline. */
	SDL_FPoint pts[257];
	int n = (int)(len * rad_px / 5) + 2;
	if (n > 256)
		n = 256;
	for (int i = 0; i <= n; i++) {
		double a = a0 + (a1 - a0) * i / n;
		pts[i] = (SDL_FPoint){cx + rad_px * (float)cos(a), cy - rad_px * (float)sin(a)};
	}
	SDL_RenderDrawLinesF(g->r, pts, n + 1);
}

void gfx_polygon(gfx *g, const SDL_FPoint *pts, int n, SDL_Color c)
{
	if (n < 3 || n > 16)
		return;
	SDL_Vertex v[16];
	int idx[3 * 14];
	for (int i = 0; i < n; i++)
		v[i] = (SDL_Vertex){pts[i], c, {0, 0}};
	for (int i = 1; i + 1 < n; i++) {
		idx[3 * (i - 1)] = 0;
		idx[3 * (i - 1) + 1] = i;
		idx[3 * (i - 1) + 2] = i + 1;
	}
	SDL_SetRenderDrawBlendMode(g->r, SDL_BLENDMODE_BLEND);
	SDL_RenderGeometry(g->r, NULL, v, n, idx, 3 * (n - 2));
}

static bool color_eq(SDL_Color a, SDL_Color b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static void blit_aligned(gfx *g, SDL_Texture *t, int w, int h, float x, float y, int align)
{
	if (align == 1)
		x -= (float)w / 2;
	else if (align == 2)
		x -= (float)w;
	SDL_FRect dst = {roundf(x), roundf(y), (float)w, (float)h};
	SDL_RenderCopyF(g->r, t, NULL, &dst);
}

/* Draws l with text buf; remakes its texture when anything changed. bg:
 * NULL for a blended label, else the colour it is composed on. */
static void label_draw(gfx *g, gfx_label *l, int font, SDL_Color c, const SDL_Color *bg, float x, float y,
                       int align, const char *buf)
{
	bool opaque = bg != NULL;
	if (!l->tex || l->font != font || l->generation != g->generation || !color_eq(l->color, c) ||
	    l->opaque != opaque || (opaque && !color_eq(l->bg, *bg)) || strcmp(buf, l->text) != 0) {
		gfx_label_free(l);
		if (!buf[0])
			return;
		SDL_Surface *s = opaque ? TTF_RenderUTF8_Shaded(g->font[font], buf, c, *bg)
		                        : TTF_RenderUTF8_Blended(g->font[font], buf, c);
		if (!s)
			return;
		l->tex = SDL_CreateTextureFromSurface(g->r, s);
		l->w = s->w;
		l->h = s->h;
		SDL_FreeSurface(s);
		if (!l->tex)
			return;
		if (opaque)
			SDL_SetTextureBlendMode(l->tex, SDL_BLENDMODE_NONE);
		snprintf(l->text, sizeof l->text, "%s", buf);
		l->font = font;
		l->color = c;
		l->generation = g->generation;
		l->opaque = opaque;
		if (opaque)
			l->bg = *bg;
	}
	blit_aligned(g, l->tex, l->w, l->h, x, y, align);
}

void gfx_label_draw(gfx *g, gfx_label *l, int font, SDL_Color c, float x, float y, int align,
                    const char *fmt, ...)
{
	char buf[sizeof l->text];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	label_draw(g, l, font, c, NULL, x, y, align, buf);
}

void gfx_label_draw_on(gfx *g, gfx_label *l, int font, SDL_Color c, SDL_Color bg, float x, float y,
                       int align, const char *fmt, ...)
{
	char buf[sizeof l->text];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	label_draw(g, l, font, c, &bg, x, y, align, buf);
}

/* Draws buf in font or the first smaller font whose text fits max_w,
 * cutting whole characters (with an ellipsis) when even the smallest is
 * too wide; bg as label_draw. */
static void label_fit(gfx *g, gfx_label *l, int font, SDL_Color c, const SDL_Color *bg, float x, float y,
                      int align, float max_w, char *buf, size_t size)
{
	int f = font, w = 0, h = 0;
	for (; f > FONT_SMALL; f--)
		if (TTF_SizeUTF8(g->font[f], buf, &w, &h) == 0 && (float)w <= max_w)
			break;
	size_t n = strlen(buf);
	while (n > 0 && TTF_SizeUTF8(g->font[f], buf, &w, &h) == 0 && (float)w > max_w) {
		do
			n--;
		while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
		if (n + 4 > size)
			break;
		memcpy(buf + n, "…", 4); /* three bytes and the end */
	}
	label_draw(g, l, f, c, bg, x, y, align, buf);
}

void gfx_label_draw_fit(gfx *g, gfx_label *l, int font, SDL_Color c, float x, float y, int align, float max_w,
                        const char *fmt, ...)
{
	char buf[sizeof l->text];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	label_fit(g, l, font, c, NULL, x, y, align, max_w, buf, sizeof buf);
}

void gfx_label_draw_fit_on(gfx *g, gfx_label *l, int font, SDL_Color c, SDL_Color bg, float x, float y, int align,
                           float max_w, const char *fmt, ...)
{
	char buf[sizeof l->text];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	label_fit(g, l, font, c, &bg, x, y, align, max_w, buf, sizeof buf);
}

float gfx_label_wrap(gfx *g, gfx_label *labs, int n_labs, int font, SDL_Color c, float x, float y, int align,
                     float max_w, const char *text)
{
	char line[400], word[128];
	int n = 0, lh = TTF_FontLineSkip(g->font[font]);
	const char *p = text;
	line[0] = 0;
	while (*p && n < n_labs) {
		size_t k = strcspn(p, " ");
		snprintf(word, sizeof word, "%.*s", (int)(k < sizeof word - 1 ? k : sizeof word - 1), p);
		p += k;
		while (*p == ' ')
			p++;
		char trial[560];
		snprintf(trial, sizeof trial, "%s%s%s", line, line[0] ? " " : "", word);
		int w = 0, h = 0;
		TTF_SizeUTF8(g->font[font], trial, &w, &h);
		if (w > max_w && line[0]) { /* the word starts the next line */
			gfx_label_draw(g, &labs[n], font, c, x, y + (float)(n * lh), align, "%s", line);
			n++;
			snprintf(line, sizeof line, "%s", word);
		} else {
			snprintf(line, sizeof line, "%.399s", trial);
		}
	}
	if (line[0] && n < n_labs) {
		gfx_label_draw(g, &labs[n], font, c, x, y + (float)(n * lh), align, "%s", line);
		n++;
	}
	for (int i = n; i < n_labs; i++) /* lines no longer shown */
		labs[i].text[0] = 0;
	return y + (float)(n * lh);
}

float gfx_text_width(gfx *g, int font, const char *text)
{
	int w = 0, h = 0;
	return TTF_SizeUTF8(g->font[font], text, &w, &h) == 0 ? (float)w : 0;
}

void gfx_label_free(gfx_label *l)
{
	if (l->tex)
		SDL_DestroyTexture(l->tex);
	l->tex = NULL;
	l->text[0] = 0;
	l->w = l->h = 0;
}

void gfx_text(gfx *g, int font, SDL_Color c, float x, float y, int align, const char *s)
{
	if (!s || !*s)
		return;
	SDL_Surface *surf = TTF_RenderUTF8_Blended(g->font[font], s, c);
	if (!surf)
		return;
	SDL_Texture *t = SDL_CreateTextureFromSurface(g->r, surf);
	if (t) {
		blit_aligned(g, t, surf->w, surf->h, x, y, align);
		SDL_DestroyTexture(t);
	}
	SDL_FreeSurface(surf);
}

static cairo_status_t write_png(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int gfx_screenshot(gfx *g, const char *path, char *msg, size_t msg_len)
{
	int w, h;
	if (SDL_GetRendererOutputSize(g->r, &w, &h) != 0) {
		snprintf(msg, msg_len, "screenshot failed: %s", SDL_GetError());
		return POISE_E_IO;
	}
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!s) {
		snprintf(msg, msg_len, "screenshot failed: %s", SDL_GetError());
		return POISE_E_NOMEM;
	}
	int rc = POISE_OK;
	if (SDL_RenderReadPixels(g->r, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) != 0) {
		snprintf(msg, msg_len, "screenshot failed: %s", SDL_GetError());
		rc = POISE_E_IO;
		goto out;
	}
	/* The screen may show patient data: the file is for the user only
	 * (0600, a new file; a regular file of that name is replaced, a
	 * link, FIFO or device never). */
	sys_outfile of;
	if ((rc = sys_out_open(&of, path, SYS_OUT_REPLACE, msg, msg_len)) != POISE_OK)
		goto out;
	int fd = fcntl(of.fd, F_DUPFD_CLOEXEC, 0);
	FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!fp) {
		snprintf(msg, msg_len, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		sys_out_abort(&of);
		rc = POISE_E_IO;
		goto out;
	}
	/* PNG through cairo (linked for the report anyway), not SDL_image,
	 * whose image libraries every poise process would load for nothing.
	 * ARGB8888 is cairo's RGB24 (a native-endian 32-bit pixel). */
	cairo_surface_t *cs = cairo_image_surface_create_for_data(s->pixels, CAIRO_FORMAT_RGB24, w, h, s->pitch);
	cairo_status_t st = cairo_surface_status(cs);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(cs, write_png, fp);
	cairo_surface_destroy(cs);
	if (fclose(fp) != 0 && st == CAIRO_STATUS_SUCCESS)
		st = CAIRO_STATUS_WRITE_ERROR;
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(msg, msg_len, "cannot write %s: %s", path, cairo_status_to_string(st));
		sys_out_abort(&of);
		rc = POISE_E_IO;
		goto out;
	}
	if ((rc = sys_out_commit(&of, msg, msg_len)) != POISE_OK)
		goto out;
	snprintf(msg, msg_len, "Screenshot saved: %s", path);
out:
	SDL_FreeSurface(s);
	return rc;
}
