#include "ui/gfx.h"

#include <SDL_image.h>
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

static void draw_circle_tex(gfx *g, SDL_Texture *t, float cx, float cy, float rad, SDL_Color c)
{
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
	SDL_SetRenderDrawBlendMode(g->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, c.a);
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
		SDL_SetRenderDrawBlendMode(g->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
		SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, c.a);
		SDL_RenderDrawLineF(g->r, x0, y0, x1, y1);
		return;
	}
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	if (len < 1e-3f)
		return;
	float nx = -dy / len * (float)thickness * 0.5f, ny = dx / len * (float)thickness * 0.5f;
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

void gfx_arc(gfx *g, float cx, float cy, float rad_px, double a0, double a1, SDL_Color c,
             float thickness)
{
	/* Concentric one-pixel polylines rather than triangles: SDL's software
	 * renderer blends a triangle batch over its whole bounding box, which
	 * for a large ring is most of the screen; lines touch only their own
	 * pixels. */
	SDL_FPoint pts[257];
	/* Half-pixel steps between the layers, so no pixel of the band is
	 * skipped by the line rasteriser. */
	int layers = (int)lroundf(thickness < 1 ? 1 : 2 * thickness - 1);
	SDL_SetRenderDrawBlendMode(g->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(g->r, c.r, c.g, c.b, c.a);
	for (int k = 0; k < layers; k++) {
		float rr = rad_px - thickness / 2 + 0.5f + 0.5f * (float)k;
		if (rr <= 0)
			continue;
		int n = (int)(fabs(a1 - a0) * rr / 5) + 2;
		if (n > 256)
			n = 256;
		for (int i = 0; i <= n; i++) {
			double a = a0 + (a1 - a0) * i / n;
			pts[i] = (SDL_FPoint){cx + rr * (float)cos(a), cy - rr * (float)sin(a)};
		}
		SDL_RenderDrawLinesF(g->r, pts, n + 1);
	}
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

void gfx_label_draw(gfx *g, gfx_label *l, int font, SDL_Color c, float x, float y, int align,
                    const char *fmt, ...)
{
	char buf[sizeof l->text];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (!l->tex || l->font != font || l->generation != g->generation || !color_eq(l->color, c) ||
	    strcmp(buf, l->text) != 0) {
		gfx_label_free(l);
		if (!buf[0])
			return;
		SDL_Surface *s = TTF_RenderUTF8_Blended(g->font[font], buf, c);
		if (!s)
			return;
		l->tex = SDL_CreateTextureFromSurface(g->r, s);
		l->w = s->w;
		l->h = s->h;
		SDL_FreeSurface(s);
		if (!l->tex)
			return;
		memcpy(l->text, buf, sizeof buf);
		l->font = font;
		l->color = c;
		l->generation = g->generation;
	}
	blit_aligned(g, l->tex, l->w, l->h, x, y, align);
}

void gfx_label_draw_fit(gfx *g, gfx_label *l, int font, SDL_Color c, float x, float y, int align, float max_w,
                        const char *fmt, ...)
{
	char buf[sizeof l->text];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	int f = font, w = 0, h = 0;
	for (; f > FONT_SMALL; f--)
		if (TTF_SizeUTF8(g->font[f], buf, &w, &h) == 0 && (float)w <= max_w)
			break;
	/* Even the smallest is too wide: cut whole characters and say so. */
	size_t n = strlen(buf);
	while (n > 0 && TTF_SizeUTF8(g->font[f], buf, &w, &h) == 0 && (float)w > max_w) {
		do
			n--;
		while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80);
		if (n + 4 > sizeof buf)
			break;
		memcpy(buf + n, "…", 4); /* three bytes and the end */
	}
	gfx_label_draw(g, l, f, c, x, y, align, "%s", buf);
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
	/* The screen may show patient data: the file is for the user only. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!fp) {
		snprintf(msg, msg_len, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		rc = POISE_E_IO;
		goto out;
	}
	SDL_RWops *rw = SDL_RWFromFP(fp, SDL_TRUE);
	if (!rw || IMG_SavePNG_RW(s, rw, 1) != 0) {
		snprintf(msg, msg_len, "cannot write %s: %s", path, IMG_GetError());
		if (!rw)
			fclose(fp);
		rc = POISE_E_IO;
		goto out;
	}
	snprintf(msg, msg_len, "Screenshot saved: %s", path);
out:
	SDL_FreeSurface(s);
	return rc;
}
