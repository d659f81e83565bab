#include "ui/live.h"

#include <math.h>
#include <string.h>

enum { LAB_WEIGHT, LAB_WEIGHT_CAP, LAB_RATE, LAB_RATE_CAP, LAB_PLATE, LAB_ZOOM, LAB_ML, LAB_AP,
       LAB_PROMPT, LAB_SCALE, LAB_TIME, LAB_FRONT, LAB_LEFT, LAB_ML_SCALE, LAB_AP_SCALE, LAB_COUNT };

void ui_live_init(ui_live *v, const cop_plate *plate, double rate_hz, const ses_history *h)
{
	memset(v, 0, sizeof *v);
	v->plate = *plate;
	v->rate_hz = rate_hz > 0 ? rate_hz : 100;
	v->h = h;
	v->seen = ses_history_total(h);
	v->zoom_mm = 25;
}

void ui_live_free(ui_live *v)
{
	for (size_t i = 0; i < sizeof v->lab / sizeof v->lab[0]; i++)
		gfx_label_free(&v->lab[i]);
}

static size_t hist_count(const ui_live *v)
{
	return ses_history_count(v->h);
}

/* The i-th newest point (0 = newest). */
static const ses_point *hist_at(const ui_live *v, size_t i)
{
	return ses_history_at(v->h, i);
}

static bool on_plate(const ui_live *v)
{
	return ses_history_on_plate(v->h);
}

void ui_live_sync(ui_live *v)
{
	uint64_t total = ses_history_total(v->h);
	size_t fresh = total - v->seen > hist_count(v) ? hist_count(v) : (size_t)(total - v->seen);
	v->seen = total;
	/* The zoom window follows the sway's centre with a 3 s lag, and widens
	 * (never below ±25 mm) to keep the dot inside. */
	double a = 1.0 / (3.0 * v->rate_hz);
	for (size_t i = fresh; i-- > 0;) {
		const ses_point *p = hist_at(v, i);
		if (!p->valid)
			continue;
		const ses_point *before = i + 1 < hist_count(v) ? hist_at(v, i + 1) : NULL;
		if (!before || !before->valid) {
			v->zoom_cx = p->x_mm;
			v->zoom_cy = p->y_mm;
		}
		v->zoom_cx += a * (p->x_mm - v->zoom_cx);
		v->zoom_cy += a * (p->y_mm - v->zoom_cy);
	}
}

void live_map_to_px(const live_map *m, double x_mm, double y_mm, float *px, float *py)
{
	*px = m->cx + (float)((x_mm - m->ox) * m->s);
	*py = m->cy - (float)((y_mm - m->oy) * m->s);
}

void live_map_to_mm(const live_map *m, float px, float py, double *x_mm, double *y_mm)
{
	*x_mm = m->ox + (px - m->cx) / m->s;
	*y_mm = m->oy - (py - m->cy) / m->s;
}

/* The zoom half-width: the smallest of 25, 50, 75 ... mm that holds the
 * last ten seconds of sway around the zoom centre, with a margin. */
static void update_zoom(ui_live *v)
{
	double need = 0;
	for (size_t i = 0; i < hist_count(v); i++) {
		const ses_point *p = hist_at(v, i);
		if (p->valid)
			need = fmax(need, fmax(fabs(p->x_mm - v->zoom_cx), fabs(p->y_mm - v->zoom_cy)));
	}
	v->zoom_mm = fmin(fmax(25.0, ceil(need * 1.15 / 25.0) * 25.0), 250.0);
}

/* The box of text in font with its top-left corner at (x, y). */
static SDL_FRect text_box(gfx *g, int font, float x, float y, const char *text)
{
	return (SDL_FRect){x, y, gfx_text_width(g, font, text), (float)TTF_FontHeight(g->font[font])};
}

static double grid_step(const ui_live *v)
{
	return v->zoom_mm > 50 ? 25 : v->zoom_mm > 25 ? 10 : 5;
}

/* A strip: its name centred in a column col wide on the left, the plot in
 * the rest. */
static void strip_layout(gfx *g, const ui_live *v, SDL_FRect r, float col, const char *name, SDL_FRect *plot,
                         SDL_FRect *name_box, SDL_FRect *scale_box)
{
	float s = g->scale, pad = 10 * s, sh = (float)TTF_FontHeight(g->font[FONT_SMALL]);
	*name_box = text_box(g, FONT_SMALL, r.x + 10 * s, r.y + (r.h - sh) / 2, name);
	*plot = (SDL_FRect){r.x + col, r.y + pad, r.w - col - 10 * s, r.h - 2 * pad};
	/* The scale inside the plot's top right corner when it clears the
	 * centre line, else in a line of its own above the plot. */
	char text[64];
	snprintf(text, sizeof text, "±%.0f mm · last %.0f s", v->zoom_mm, LIVE_HIST_S);
	*scale_box = text_box(g, FONT_SMALL, 0, plot->y + 2, text);
	if (scale_box->y + scale_box->h + 2 > plot->y + plot->h / 2) {
		scale_box->y = r.y + pad / 2;
		plot->y = scale_box->y + sh + 2 * s;
		plot->h = r.y + r.h - pad / 2 - plot->y;
	}
	scale_box->x = plot->x + plot->w - 6 * s - scale_box->w;
}

void ui_live_layout(const ui_live *v, gfx *g, SDL_FRect a, live_layout *o)
{
	float s = g->scale, sh = (float)TTF_FontHeight(g->font[FONT_SMALL]);
	float gap = a.h * 0.025f;
	float strips_h = a.h * 0.32f;
	float top_h = a.h - strips_h - gap;
	float zoom_w = fminf(top_h, a.w * 0.40f);
	o->zoom_panel = (SDL_FRect){a.x + a.w - zoom_w, a.y, zoom_w, top_h};
	o->plate_panel = (SDL_FRect){a.x, a.y, a.w - zoom_w - gap, top_h};
	float strip_h = (strips_h - gap) / 2;
	o->ml_strip = (SDL_FRect){a.x, a.y + top_h + gap, a.w, strip_h};
	o->ap_strip = (SDL_FRect){a.x, a.y + top_h + gap + strip_h + gap, a.w, strip_h};

	/* Plate panel: its title along the top, a column of readouts on the
	 * left, the whole plate (its outline reaches 1.12 × its width and
	 * 1.25 × its depth) in the rest, under the title. */
	const SDL_FRect *p = &o->plate_panel;
	char text[96];
	snprintf(text, sizeof text, "Plate  %.0f × %.0f mm (front is up)", v->plate.width_mm, v->plate.depth_mm);
	o->plate_title = text_box(g, FONT_SMALL, p->x + 12 * s, p->y + 8 * s, text);
	float col = p->w * 0.27f;
	o->readouts = (SDL_FRect){p->x, p->y, col, p->h};
	float pw = p->w - col, band_top = o->plate_title.y + sh + 6 * s, band_h = p->y + p->h - 8 * s - band_top;
	float sx = pw * 0.84f / (float)v->plate.width_mm;
	float sy = band_h / (1.25f * (float)v->plate.depth_mm);
	o->plate = (live_map){p->x + col + pw / 2, band_top + band_h / 2, fminf(sx, sy), 0, 0};
	float th = (float)TTF_FontHeight(g->font[FONT_TITLE]), x = p->x + 16 * s, y = p->y + p->h * 0.30f;
	o->weight_cap = text_box(g, FONT_SMALL, x, y, "Weight");
	o->weight_val = text_box(g, FONT_TITLE, x, y + sh + 2 * s, "000.0 kg");
	y = o->weight_val.y + th + 16 * s;
	o->rate_cap = text_box(g, FONT_SMALL, x, y, "Sample rate");
	o->rate_val = text_box(g, FONT_TITLE, x, y + sh + 2 * s, "0000 Hz");

	/* Zoom panel: title, "front", the grid square, and under it the
	 * sides and the grid's step: in one line when both fit, else two. */
	const SDL_FRect *z = &o->zoom_panel;
	snprintf(text, sizeof text, "Sway, zoomed (±%.0f mm)", v->zoom_mm);
	o->zoom_title = text_box(g, FONT_SMALL, z->x + 12 * s, z->y + 8 * s, text);
	o->zoom_sides = text_box(g, FONT_SMALL, 0, 0, "← left · right →");
	snprintf(text, sizeof text, "grid %.0f mm", grid_step(v));
	o->zoom_step = text_box(g, FONT_SMALL, 0, 0, text);
	bool one_line = o->zoom_sides.w + o->zoom_step.w + 16 * s <= z->w - 24 * s;
	float under = 4 * s + (one_line ? sh : 2 * sh + 2 * s) + 8 * s;
	float grid_top = o->zoom_title.y + sh + 2 * s + sh + 2 * s; /* title, then "front" */
	float band = z->y + z->h - under - grid_top;
	float side = fmaxf(fminf(z->w * 0.84f, band), 0);
	grid_top += (band - side) / 2;
	float cx = z->x + z->w / 2;
	o->zoom_grid = (SDL_FRect){cx - side / 2, grid_top, side, side};
	o->zoom_front = text_box(g, FONT_SMALL, 0, grid_top - 2 * s - sh, "front");
	o->zoom_front.x = cx - o->zoom_front.w / 2;
	float below = grid_top + side + 4 * s;
	o->zoom_sides.x = z->x + 12 * s;
	o->zoom_sides.y = below;
	o->zoom_step.x = one_line ? z->x + z->w - 12 * s - o->zoom_step.w : z->x + 12 * s;
	o->zoom_step.y = one_line ? below : below + sh + 2 * s;
	o->zoom = (live_map){cx, grid_top + side / 2, side / (float)(2 * v->zoom_mm), v->zoom_cx, v->zoom_cy};

	/* The strips: one name column, as wide as the wider name needs. */
	float names = fmaxf(gfx_text_width(g, FONT_SMALL, "ML (mm)"), gfx_text_width(g, FONT_SMALL, "AP (mm)"));
	float name_col = fmaxf(90 * s, names + 20 * s);
	strip_layout(g, v, o->ml_strip, name_col, "ML (mm)", &o->plot[0], &o->name[0], &o->scale[0]);
	strip_layout(g, v, o->ap_strip, name_col, "AP (mm)", &o->plot[1], &o->name[1], &o->scale[1]);
}

/* c seen at alpha a over bg, as an opaque colour. */
static SDL_Color over(SDL_Color c, Uint8 a, SDL_Color bg)
{
	return (SDL_Color){(Uint8)((c.r * a + bg.r * (255 - a) + 127) / 255),
	                   (Uint8)((c.g * a + bg.g * (255 - a) + 127) / 255),
	                   (Uint8)((c.b * a + bg.b * (255 - a) + 127) / 255), 255};
}

/* The trail: the last LIVE_TRAIL_S seconds, fading toward the past into
 * the plain background bg it is drawn on, as one batch of segments (an
 * unbroken run of valid points each), oldest first so the newest lies on
 * top. Opaque colours: the software renderer fills a blended segment at
 * several times the cost. */
static void draw_trail(ui_live *v, gfx *g, const live_map *m, float width, SDL_Color bg)
{
	size_t n = (size_t)(LIVE_TRAIL_S * v->rate_hz);
	if (n > hist_count(v))
		n = hist_count(v);
	if (n > LIVE_TRAIL_MAX)
		n = LIVE_TRAIL_MAX;
	SDL_FPoint pts[LIVE_TRAIL_MAX];
	SDL_Color cols[LIVE_TRAIL_MAX];
	int k = 0;
	for (size_t j = 0; j <= n; j++) { /* j = n: the end, after the newest */
		size_t age = n - 1 - j;   /* 0 = the newest point */
		const ses_point *p = j < n ? hist_at(v, age) : NULL;
		if (!p || !p->valid) { /* the run ends here */
			gfx_strip(g, pts, cols, k, width);
			k = 0;
			continue;
		}
		SDL_FPoint q;
		live_map_to_px(m, p->x_mm, p->y_mm, &q.x, &q.y);
		/* A point within a pixel of the last one kept adds nothing to
		 * see, only a segment for the renderer to fill (at 100 Hz most
		 * of a quiet stance's points on the whole-plate view); the
		 * newest always ends the trail. */
		if (k > 0) {
			float dx = q.x - pts[k - 1].x, dy = q.y - pts[k - 1].y;
			if (dx * dx + dy * dy < 1.0f) {
				if (age == 0)
					pts[k - 1] = q;
				continue;
			}
			/* segment k - 1 (the point before to this, newer one) */
			cols[k - 1] = over(g->theme.trail, (Uint8)(200.0 * (1.0 - (double)(age + 1) / (double)n) + 20),
			                   bg);
		}
		pts[k++] = q;
	}
}

/* The plate outline, its cells, the target and the COP with its trail. */
static void draw_plate_body(ui_live *v, gfx *g, const live_layout *L)
{
	const gfx_theme *t = &g->theme;
	const live_map *m = &L->plate;
	/* Plate outline a little beyond the cells, centre cross, cells. */
	double hw = v->plate.width_mm / 2, hd = v->plate.depth_mm / 2;
	float x0, y0, x1, y1;
	live_map_to_px(m, -hw * 1.12, hd * 1.25, &x0, &y0);
	live_map_to_px(m, hw * 1.12, -hd * 1.25, &x1, &y1);
	SDL_FRect outline = {x0, y0, x1 - x0, y1 - y0};
	gfx_fill(g, outline, t->plate);
	gfx_frame(g, outline, t->ink_soft, (int)fmaxf(2, 2 * g->scale));
	float cx, cy;
	live_map_to_px(m, 0, 0, &cx, &cy);
	gfx_line(g, x0, cy, x1, cy, t->grid, 1);
	gfx_line(g, cx, y0, cx, y1, t->grid, 1);
	for (int c = 0; c < CELL_COUNT; c++) {
		double sxm = (c == CELL_TR || c == CELL_BR) ? hw : -hw;
		double sym = (c == CELL_TL || c == CELL_TR) ? hd : -hd;
		float px, py;
		live_map_to_px(m, sxm, sym, &px, &py);
		gfx_ring(g, px, py, 9 * g->scale, t->ink_soft);
	}
	if (v->target_on) {
		float tx, ty;
		live_map_to_px(m, v->target_x, v->target_y, &tx, &ty);
		gfx_ring(g, tx, ty, 16 * g->scale, t->target);
	}
	if (!on_plate(v)) {
		if (!v->quiet)
			gfx_label_draw_fit(g, &v->lab[LAB_PROMPT], FONT_TITLE, t->ink, cx, cy - 20 * g->scale, 1,
			                   outline.w - 16 * g->scale, "Step onto the plate");
		return;
	}
	draw_trail(v, g, m, 3 * g->scale, t->plate);
	const ses_point *now = hist_at(v, 0);
	if (hist_count(v) && now->valid) {
		float px, py;
		live_map_to_px(m, now->x_mm, now->y_mm, &px, &py);
		gfx_disc(g, px, py, 13 * g->scale, t->cop);
		gfx_ring(g, px, py, 14 * g->scale, t->panel);
	}
}

static void draw_plate_panel(ui_live *v, gfx *g, const live_layout *L)
{
	const gfx_theme *t = &g->theme;
	gfx_fill(g, L->plate_panel, t->panel);
	gfx_label_draw_on(g, &v->lab[LAB_PLATE], FONT_SMALL, t->ink_soft, t->panel, L->plate_title.x, L->plate_title.y,
	                  0, "Plate  %.0f × %.0f mm (front is up)", v->plate.width_mm, v->plate.depth_mm);
	draw_plate_body(v, g, L);
}

static void draw_zoom_panel(ui_live *v, gfx *g, const live_layout *L)
{
	const gfx_theme *t = &g->theme;
	const live_map *m = &L->zoom;
	const SDL_FRect *p = &L->zoom_panel;
	gfx_fill(g, *p, t->panel);
	gfx_label_draw_on(g, &v->lab[LAB_ZOOM], FONT_SMALL, t->ink_soft, t->panel, L->zoom_title.x, L->zoom_title.y, 0,
	                  "Sway, zoomed (±%.0f mm)", v->zoom_mm);
	/* Grid every 5 mm (10 or 25 mm when zoomed out), the axes stronger. */
	double step = grid_step(v);
	float left, top, right, bottom;
	live_map_to_px(m, m->ox - v->zoom_mm, m->oy + v->zoom_mm, &left, &top);
	live_map_to_px(m, m->ox + v->zoom_mm, m->oy - v->zoom_mm, &right, &bottom);
	for (double mm = ceil((m->ox - v->zoom_mm) / step) * step; mm <= m->ox + v->zoom_mm; mm += step) {
		float px, py;
		live_map_to_px(m, mm, 0, &px, &py);
		gfx_line(g, px, top, px, bottom, fabs(mm) < 1e-9 ? t->ink_soft : t->grid, 1);
	}
	for (double mm = ceil((m->oy - v->zoom_mm) / step) * step; mm <= m->oy + v->zoom_mm; mm += step) {
		float px, py;
		live_map_to_px(m, 0, mm, &px, &py);
		gfx_line(g, left, py, right, py, fabs(mm) < 1e-9 ? t->ink_soft : t->grid, 1);
	}
	gfx_frame(g, (SDL_FRect){left, top, right - left, bottom - top}, t->grid, 1);
	gfx_label_draw_on(g, &v->lab[LAB_SCALE], FONT_SMALL, t->ink_soft, t->panel, L->zoom_step.x, L->zoom_step.y, 0,
	                  "grid %.0f mm", step);
	gfx_label_draw_on(g, &v->lab[LAB_FRONT], FONT_SMALL, t->ink_soft, t->panel, L->zoom_front.x, L->zoom_front.y, 0,
	                  "front");
	gfx_label_draw_on(g, &v->lab[LAB_LEFT], FONT_SMALL, t->ink_soft, t->panel, L->zoom_sides.x, L->zoom_sides.y, 0,
	                  "← left · right →");
	if (!on_plate(v))
		return;
	draw_trail(v, g, m, 2 * g->scale, t->panel);
	const ses_point *now = hist_at(v, 0);
	if (hist_count(v) && now->valid) {
		float px, py;
		live_map_to_px(m, now->x_mm, now->y_mm, &px, &py);
		gfx_disc(g, px, py, 8 * g->scale, t->cop);
	}
}

static void draw_strip(ui_live *v, gfx *g, const live_layout *L, int axis, gfx_label *lab, gfx_label *scale,
                       const char *name)
{
	const gfx_theme *t = &g->theme;
	SDL_FRect r = axis == 0 ? L->ml_strip : L->ap_strip, plot = L->plot[axis];
	gfx_fill(g, r, t->panel);
	double centre = axis == 0 ? v->zoom_cx : v->zoom_cy;
	gfx_line(g, plot.x, plot.y + plot.h / 2, plot.x + plot.w, plot.y + plot.h / 2, t->grid, 1);
	gfx_frame(g, plot, t->grid, 1);
	gfx_label_draw_on(g, scale, FONT_SMALL, t->ink_soft, t->panel, L->scale[axis].x, L->scale[axis].y, 0,
	                  "±%.0f mm · last %.0f s", v->zoom_mm, LIVE_HIST_S);
	gfx_label_draw_on(g, lab, FONT_SMALL, t->ink_soft, t->panel, L->name[axis].x, L->name[axis].y, 0, "%s", name);
	size_t n = (size_t)(LIVE_HIST_S * v->rate_hz);
	if (n > hist_count(v))
		n = hist_count(v);
	if (n > LIVE_HIST_MAX)
		n = LIVE_HIST_MAX;
	if (n < 2 || !on_plate(v))
		return;
	float dx = plot.w / (float)(LIVE_HIST_S * v->rate_hz);
	float sy = plot.h / (float)(2 * v->zoom_mm);
	SDL_FPoint pts[LIVE_HIST_MAX];
	size_t k = 0;
	SDL_SetRenderDrawBlendMode(g->r, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(g->r, t->accent.r, t->accent.g, t->accent.b, 255);
	for (size_t i = 0; i < n; i++) {
		const ses_point *p = hist_at(v, i);
		if (!p->valid) {
			if (k > 1)
				SDL_RenderDrawLinesF(g->r, pts, (int)k);
			k = 0;
			continue;
		}
		float val = (float)(((axis == 0 ? p->x_mm : p->y_mm) - centre) * sy);
		val = fmaxf(-plot.h / 2, fminf(plot.h / 2, val));
		pts[k++] = (SDL_FPoint){plot.x + plot.w - (float)i * dx, plot.y + plot.h / 2 - val};
	}
	if (k > 1)
		SDL_RenderDrawLinesF(g->r, pts, (int)k);
}

void ui_live_draw(ui_live *v, gfx *g, SDL_FRect area, double frame_rate_hz)
{
	ui_live_sync(v);
	update_zoom(v);
	/* The layout changes with the area, the fonts and the zoom only. */
	if (v->layout_generation != g->generation || v->layout_zoom_mm != v->zoom_mm ||
	    memcmp(&v->layout_area, &area, sizeof area) != 0) {
		ui_live_layout(v, g, area, &v->layout);
		v->layout_area = area;
		v->layout_generation = g->generation;
		v->layout_zoom_mm = v->zoom_mm;
	}
	live_layout L = v->layout;
	/* ...and the zoom's centre, which follows the sway every frame. */
	L.zoom.ox = v->zoom_cx;
	L.zoom.oy = v->zoom_cy;
	draw_plate_panel(v, g, &L);
	draw_zoom_panel(v, g, &L);
	draw_strip(v, g, &L, 0, &v->lab[LAB_ML], &v->lab[LAB_ML_SCALE], "ML (mm)");
	draw_strip(v, g, &L, 1, &v->lab[LAB_AP], &v->lab[LAB_AP_SCALE], "AP (mm)");

	/* Weight and rate in the readout column. */
	const gfx_theme *t = &g->theme;
	gfx_label_draw_on(g, &v->lab[LAB_WEIGHT_CAP], FONT_SMALL, t->ink_soft, t->panel, L.weight_cap.x, L.weight_cap.y, 0,
	                  "Weight");
	gfx_label_draw_on(g, &v->lab[LAB_WEIGHT], FONT_TITLE, on_plate(v) ? t->ink : t->ink_soft, t->panel,
	                  L.weight_val.x, L.weight_val.y, 0, on_plate(v) ? "%.1f kg" : "– kg",
	                  ses_history_fz_n(v->h) / 9.80665);
	gfx_label_draw_on(g, &v->lab[LAB_RATE_CAP], FONT_SMALL, t->ink_soft, t->panel, L.rate_cap.x, L.rate_cap.y, 0,
	                  "Sample rate");
	gfx_label_draw_on(g, &v->lab[LAB_RATE], FONT_TITLE, t->ink, t->panel, L.rate_val.x, L.rate_val.y, 0, "%.0f Hz",
	                  frame_rate_hz);
}

void ui_live_draw_plate(ui_live *v, gfx *g, SDL_FRect area, double frame_rate_hz)
{
	ui_live_sync(v);
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	/* The numbers in a line along the top, the plate under them. */
	gfx_fill(g, area, t->panel);
	if (on_plate(v) || v->quiet) /* quiet: a test mass's weight too */
		gfx_label_draw(g, &v->lab[LAB_WEIGHT], FONT_BODY, t->ink, area.x + 12 * s, area.y + 10 * s, 0,
		               "%.1f kg · %.0f Hz", ses_history_fz_n(v->h) / 9.80665, frame_rate_hz);
	else
		gfx_label_draw(g, &v->lab[LAB_WEIGHT], FONT_BODY, t->ink_soft, area.x + 12 * s, area.y + 10 * s, 0,
		               "– kg · %.0f Hz", frame_rate_hz);
	live_layout L = {0};
	float top = (float)g->font_px[FONT_BODY] * 1.5f + 16 * s;
	L.plate_panel = (SDL_FRect){area.x, area.y + top, area.w, area.h - top};
	ui_live_plate_map(v, g, area, &L.plate);
	draw_plate_body(v, g, &L);
}

void ui_live_plate_map(const ui_live *v, const gfx *g, SDL_FRect area, live_map *out)
{
	float top = (float)g->font_px[FONT_BODY] * 1.5f + 16 * g->scale;
	float sx = area.w * 0.84f / (float)v->plate.width_mm, sy = (area.h - top) * 0.80f / (float)v->plate.depth_mm;
	*out = (live_map){area.x + area.w / 2, area.y + top + (area.h - top) / 2, fminf(sx, sy), 0, 0};
}
