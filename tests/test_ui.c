/* The live view through SDL2's real software renderer (no window needed),
 * and the app itself under SDL's dummy video driver. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/pipeline.h"
#include "test_util.h"
#include "ui/gfx.h"
#include "ui/live.h"
#include "core/error.h"
#include "store/store.h"
#include "ui/widgets.h"

typedef struct fixture {
	SDL_Surface *surf;
	SDL_Renderer *r;
	gfx g;
	char *dir;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0)
		return -1;
	f->surf = SDL_CreateRGBSurfaceWithFormat(0, 1280, 720, 32, SDL_PIXELFORMAT_ARGB8888);
	f->r = SDL_CreateSoftwareRenderer(f->surf);
	char msg[256];
	if (!f->r || gfx_init(&f->g, f->r, 720, msg, sizeof msg) != 0) {
		fprintf(stderr, "setup: %s %s\n", msg, SDL_GetError());
		return -1;
	}
	f->dir = tu_mkdtemp();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	gfx_free(&f->g);
	SDL_DestroyRenderer(f->r);
	SDL_FreeSurface(f->surf);
	tu_rmdir(f->dir);
	free(f);
	TTF_Quit();
	SDL_Quit();
	return 0;
}

static SDL_Color pixel(SDL_Surface *s, int x, int y)
{
	Uint32 p = ((Uint32 *)s->pixels)[y * (s->pitch / 4) + x];
	SDL_Color c;
	SDL_GetRGBA(p, s->format, &c.r, &c.g, &c.b, &c.a);
	return c;
}

static bool near_color(SDL_Color a, SDL_Color b)
{
	return abs(a.r - b.r) < 12 && abs(a.g - b.g) < 12 && abs(a.b - b.b) < 12;
}

static int count_color(SDL_Surface *s, SDL_Color c)
{
	int n = 0;
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			n += near_color(pixel(s, x, y), c);
	return n;
}

/* n samples into the live history, as the session engine would hand them. */
static void feed(ses_history *h, double x, double y, uint32_t flags, int n)
{
	ses_consumer *c = ses_history_consumer(h);
	for (int i = 0; i < n; i++) {
		cop_sample s = {.t_us = (mono_us)i * 10000, .flags = flags, .x_mm = x, .y_mm = y,
		                .xf_mm = x, .yf_mm = y, .fz_n = 686.47};
		if (!(flags & SAMPLE_ON_PLATE))
			s.xf_mm = s.yf_mm = NAN;
		assert_int_equal(c->ops->sample(c, &s), 0);
	}
}

/* One sample at t_us, as the engine would hand it to the history. */
static void feed_one(ses_history *h, mono_us t_us, double x, uint32_t flags)
{
	ses_consumer *c = ses_history_consumer(h);
	cop_sample s = {.t_us = t_us, .flags = flags, .x_mm = x, .xf_mm = x, .fz_n = 196.1};
	if (!(flags & SAMPLE_ON_PLATE))
		s.xf_mm = s.yf_mm = NAN;
	assert_int_equal(c->ops->sample(c, &s), 0);
}

/* Sway across the border between two options (a patient with tremor
 * holding "9 or 10") keeps one option lit: the hold completes. Without
 * hysteresis the hover flips every 50 ms and the hold restarts forever. */
static void sway_at_a_border_does_not_restart_a_lean_choice(void **state)
{
	(void)state;
	ses_history *h;
	assert_int_equal(ses_history_create(&h, 10, 100), 0);
	ui_lean l;
	ui_lean_init(&l, 11, 75, 2.0, h);
	/* 11 options over ±75 mm: 15 mm each; the 9|10 border is at 67.5 mm. */
	mono_us t = 0;
	int chosen = -1;
	for (int i = 0; i < 300 && chosen < 0; i++, t += 10000) {
		double x = i < 20 ? 0 : 67.5 + ((i / 5) % 2 ? 3.0 : -3.0);
		feed_one(h, t, x, SAMPLE_ON_PLATE);
		chosen = ui_lean_update(&l, h);
		if (chosen >= 0)
			assert_in_range(i, 20 + 200, 20 + 215); /* after the 2 s hold */
	}
	assert_true(chosen == 9 || chosen == 10);

	/* Moving clearly into the neighbour (past the border by more than the
	 * hysteresis) does change the option. */
	ui_lean_init(&l, 11, 75, 2.0, h);
	for (int i = 0; i < 20; i++, t += 10000) {
		feed_one(h, t, i < 10 ? 0 : 60, SAMPLE_ON_PLATE); /* 60 mm: option 9 */
		assert_int_equal(ui_lean_update(&l, h), -1);
	}
	assert_int_equal(l.hover, 9);
	feed_one(h, t, 75, SAMPLE_ON_PLATE);
	ui_lean_update(&l, h);
	assert_int_equal(l.hover, 10);
	ses_history_destroy(h);
}

/* A choice opened around a known centre while the patient still leans
 * (toward the last answer): nothing is chosen until they come back near
 * the centre; then leaning and holding chooses. */
static void a_lean_choice_waits_for_the_middle(void **state)
{
	(void)state;
	ses_history *h;
	assert_int_equal(ses_history_create(&h, 10, 100), 0);
	ui_lean l;
	ui_lean_init_at(&l, 2, 80, 1.0, h, -5);
	mono_us t = 0;
	for (int i = 0; i < 300; i++, t += 10000) { /* 3 s leaning right: not "right" */
		feed_one(h, t, 70, SAMPLE_ON_PLATE);
		assert_int_equal(ui_lean_update(&l, h), -1);
	}
	assert_int_equal(l.hover, -1);
	for (int i = 0; i < 50; i++, t += 10000) { /* back in the middle */
		feed_one(h, t, -3, SAMPLE_ON_PLATE);
		assert_int_equal(ui_lean_update(&l, h), -1);
	}
	int chosen = -1, at = -1;
	for (int i = 0; i < 200 && chosen < 0; i++, t += 10000) { /* right again, held */
		feed_one(h, t, 70, SAMPLE_ON_PLATE);
		chosen = ui_lean_update(&l, h);
		at = i;
	}
	assert_int_equal(chosen, 1);
	assert_in_range(at, 99, 102); /* after the 1 s hold */
	ses_history_destroy(h);
}

/* A test mass with nobody on the plate: no patient COP (not valid), but
 * the COP of the load is there for the plate check. */
static void the_history_keeps_a_test_mass_cop(void **state)
{
	(void)state;
	ses_history *h;
	assert_int_equal(ses_history_create(&h, 1, 100), 0);
	feed_one(h, 0, 108.25, 0);
	const ses_point *p = ses_history_at(h, 0);
	assert_false(p->valid);
	assert_true(isnan(p->x_mm));
	assert_double_equal(p->cx_mm, 108.25, 1e-4);
	feed_one(h, 10000, 0, SAMPLE_NO_COP); /* an empty plate: no COP at all */
	assert_true(isnan(ses_history_at(h, 0)->cx_mm));
	ses_history_destroy(h);
}

static void the_cop_dot_is_drawn_where_the_cop_is(void **state)
{
	fixture *f = *state;
	const cop_plate plate = {433, 238};
	ses_history *h;
	assert_int_equal(ses_history_create(&h, LIVE_HIST_S, 100), 0);
	ui_live v;
	ui_live_init(&v, &plate, 100, h);
	/* Weight on the front right: x = +100 mm, y = +50 mm. */
	feed(h, 100, 50, SAMPLE_ON_PLATE, 300);
	SDL_FRect area = {16, 72, 1248, 600};
	SDL_SetRenderDrawColor(f->r, 0, 0, 0, 255);
	SDL_RenderClear(f->r);
	ui_live_draw(&v, &f->g, area, 100);
	SDL_RenderPresent(f->r);
	live_layout L;
	ui_live_layout(&v, &f->g, area, &L);
	float px, py, cx, cy;
	live_map_to_px(&L.plate, 100, 50, &px, &py);
	live_map_to_px(&L.plate, 0, 0, &cx, &cy);
	/* Right of and above the plate's centre on screen, in the COP colour. */
	assert_true(px > cx + 50 && py < cy - 20);
	assert_true(near_color(pixel(f->surf, (int)px, (int)py), f->g.theme.cop));
	assert_false(near_color(pixel(f->surf, (int)cx, (int)cy), f->g.theme.cop));
	/* The zoom panel shows it too, at its own centre (it follows the sway). */
	float zx, zy;
	live_map_to_px(&L.zoom, 100, 50, &zx, &zy);
	assert_true(SDL_PointInFRect(&(SDL_FPoint){zx, zy}, &L.zoom_panel));
	assert_true(near_color(pixel(f->surf, (int)zx, (int)zy), f->g.theme.cop));
	/* Mouse → millimetres inverts the map. */
	double mx, my;
	live_map_to_mm(&L.plate, px, py, &mx, &my);
	assert_double_equal(mx, 100, 1e-3);
	assert_double_equal(my, 50, 1e-3);
	ui_live_free(&v);
	ses_history_destroy(h);
}

static void nobody_on_the_plate_draws_no_dot(void **state)
{
	fixture *f = *state;
	const cop_plate plate = {433, 238};
	ses_history *h;
	assert_int_equal(ses_history_create(&h, LIVE_HIST_S, 100), 0);
	ui_live v;
	ui_live_init(&v, &plate, 100, h);
	feed(h, 0, 0, 0, 200);
	SDL_RenderClear(f->r);
	ui_live_draw(&v, &f->g, (SDL_FRect){16, 72, 1248, 600}, 100);
	assert_int_equal(count_color(f->surf, f->g.theme.cop), 0);
	feed(h, 0, 0, SAMPLE_ON_PLATE, 50);
	ui_live_draw(&v, &f->g, (SDL_FRect){16, 72, 1248, 600}, 100);
	assert_true(count_color(f->surf, f->g.theme.cop) > 200);
	ui_live_free(&v);
	ses_history_destroy(h);
}

/* A trail that crosses its own past: where the newer part crosses the
 * older, the newer is what shows (the trail is drawn oldest first, in
 * opaque colours faded into the plate), not a blend of both; and a
 * straight stretch of trail has no gaps. */
static void the_newest_trail_lies_on_top_where_it_crosses_its_past(void **state)
{
	fixture *f = *state;
	const cop_plate plate = {433, 238};
	ses_history *h;
	assert_int_equal(ses_history_create(&h, LIVE_HIST_S, 100), 0);
	ui_live v;
	ui_live_init(&v, &plate, 100, h);
	ses_consumer *c = ses_history_consumer(h);
	/* Older: up along x = 20 mm; newer: right along y = 0, crossing it. */
	for (int i = 0; i < 100; i++) {
		double x = i < 50 ? 20 : -40 + 80.0 * (i - 50) / 49, y = i < 50 ? -40 + 80.0 * i / 49 : 0;
		cop_sample sm = {.t_us = (mono_us)i * 10000, .flags = SAMPLE_ON_PLATE, .x_mm = x, .y_mm = y,
		                 .xf_mm = x, .yf_mm = y, .fz_n = 686.47};
		assert_int_equal(c->ops->sample(c, &sm), 0);
	}
	SDL_FRect area = {16, 72, 1248, 600};
	SDL_SetRenderDrawColor(f->r, 0, 0, 0, 255);
	SDL_RenderClear(f->r);
	ui_live_draw(&v, &f->g, area, 100);
	live_layout L;
	ui_live_layout(&v, &f->g, area, &L);
	float cx, cy, hx, hy, vx, vy;
	live_map_to_px(&L.plate, 20, 0, &cx, &cy);  /* the crossing */
	live_map_to_px(&L.plate, 14, 0, &hx, &hy);  /* the newer line beside it */
	live_map_to_px(&L.plate, 20, 8, &vx, &vy);  /* the older line above it */
	SDL_Color cross = pixel(f->surf, (int)cx, (int)cy), newer = pixel(f->surf, (int)hx, (int)hy),
	          older = pixel(f->surf, (int)vx, (int)vy);
	/* Both lines are drawn, the newer stronger, and the crossing is the newer's. */
	SDL_Color plate_face = f->g.theme.plate;
	assert_false(near_color(older, plate_face));
	assert_false(near_color(older, newer));
	assert_true(near_color(cross, newer));
	/* A straight run is solid: no row of the older line shows the plate
	 * (the rasteriser left gaps between abutting segments). */
	float top, bottom, unused;
	live_map_to_px(&L.plate, 20, 35, &unused, &top);
	live_map_to_px(&L.plate, 20, -35, &unused, &bottom);
	for (int y = (int)top; y <= (int)bottom; y++)
		if (near_color(pixel(f->surf, (int)cx, y), plate_face))
			fail_msg("row %d of the older line shows the plate", y);
	ui_live_free(&v);
	ses_history_destroy(h);
}

static bool inside(SDL_FRect a, SDL_FRect outer)
{
	return a.x >= outer.x - 0.5f && a.y >= outer.y - 0.5f && a.x + a.w <= outer.x + outer.w + 0.5f &&
	       a.y + a.h <= outer.y + outer.h + 0.5f;
}

static bool apart(SDL_FRect a, SDL_FRect b)
{
	return a.x + a.w <= b.x + 0.5f || b.x + b.w <= a.x + 0.5f || a.y + a.h <= b.y + 0.5f ||
	       b.y + b.h <= a.y + 0.5f;
}

#define CHECK_LAYOUT(cond, what)                                                                   \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail_msg("%dx%d, text ×%.2f: %s", sizes[i][0], sizes[i][1], factors[k], what);  \
	} while (0)

/* At 1280×720 and 1920×1080, in every text size, no label of the live view
 * overlaps another or the drawing it names, and each stays in its panel.
 * (At the largest text the captions sat under the readings, "front" on the
 * zoom title and the zoom's two bottom labels on each other.) */
static void the_live_view_keeps_its_labels_apart_in_every_text_size(void **state)
{
	fixture *f = *state;
	const cop_plate plate = {433, 238};
	ses_history *h;
	assert_int_equal(ses_history_create(&h, LIVE_HIST_S, 100), 0);
	ui_live v;
	ui_live_init(&v, &plate, 100, h);
	static const int sizes[2][2] = {{1280, 720}, {1920, 1080}};
	static const float factors[3] = {1.0f, 1.35f, 1.7f};
	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < 3; k++) {
			gfx_set_text_factor(&f->g, factors[k]);
			assert_int_equal(gfx_rescale(&f->g, sizes[i][1]), 0);
			/* The app's area for a screen: under the header, above the footer. */
			float s = f->g.scale;
			SDL_FRect area = {0, 70 * s, (float)sizes[i][0], (float)sizes[i][1] - 120 * s};
			live_layout L;
			ui_live_layout(&v, &f->g, area, &L);
			float ox0, oy0, ox1, oy1; /* the plate's outline */
			live_map_to_px(&L.plate, -plate.width_mm / 2 * 1.12, plate.depth_mm / 2 * 1.25, &ox0, &oy0);
			live_map_to_px(&L.plate, plate.width_mm / 2 * 1.12, -plate.depth_mm / 2 * 1.25, &ox1, &oy1);
			SDL_FRect outline = {ox0, oy0, ox1 - ox0, oy1 - oy0};
			CHECK_LAYOUT(inside(L.plate_title, L.plate_panel), "plate title outside its panel");
			CHECK_LAYOUT(inside(outline, L.plate_panel), "plate outside its panel");
			CHECK_LAYOUT(apart(L.plate_title, outline), "plate title on the plate");
			const SDL_FRect read[4] = {L.weight_cap, L.weight_val, L.rate_cap, L.rate_val};
			for (int a = 0; a < 4; a++) {
				CHECK_LAYOUT(inside(read[a], L.readouts), "a reading outside its column");
				CHECK_LAYOUT(apart(read[a], outline), "a reading on the plate");
				for (int b = a + 1; b < 4; b++)
					CHECK_LAYOUT(apart(read[a], read[b]), "readings on each other");
			}
			const SDL_FRect zl[5] = {L.zoom_title, L.zoom_front, L.zoom_grid, L.zoom_sides, L.zoom_step};
			for (int a = 0; a < 5; a++) {
				CHECK_LAYOUT(inside(zl[a], L.zoom_panel), "a zoom label outside its panel");
				for (int b = a + 1; b < 5; b++)
					CHECK_LAYOUT(apart(zl[a], zl[b]), "zoom labels or grid on each other");
			}
			CHECK_LAYOUT(L.zoom_grid.w > 100 * s, "the zoom grid too small");
			for (int ax = 0; ax < 2; ax++) {
				SDL_FRect strip = ax == 0 ? L.ml_strip : L.ap_strip, p = L.plot[ax], sc = L.scale[ax];
				CHECK_LAYOUT(inside(p, strip) && inside(sc, strip) && inside(L.name[ax], strip),
				             "a strip's plot or label outside the strip");
				CHECK_LAYOUT(apart(L.name[ax], p), "a strip's name on its plot");
				/* The scale may sit in the plot, but clear of its centre line. */
				CHECK_LAYOUT(sc.y + sc.h <= p.y + p.h / 2 || sc.y + sc.h <= p.y + 0.5f,
				             "a strip's scale on its centre line");
				CHECK_LAYOUT(p.h > 20 * s, "a strip's plot too thin");
			}
			CHECK_LAYOUT(L.plot[0].x == L.plot[1].x, "the two strips' plots not aligned");
		}
	}
	gfx_set_text_factor(&f->g, 1.0f);
	assert_int_equal(gfx_rescale(&f->g, 720), 0);
	ui_live_free(&v);
	ses_history_destroy(h);
}

/* WCAG 2 relative luminance and contrast ratio. */
static double luminance(SDL_Color c)
{
	double v[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
	for (int i = 0; i < 3; i++)
		v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : pow((v[i] + 0.055) / 1.055, 2.4);
	return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

static double contrast(SDL_Color a, SDL_Color b)
{
	double la = luminance(a), lb = luminance(b);
	return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* In both themes the drawn plate's face follows the theme, and its cells,
 * outline (ink_soft) and the COP stand out from it by at least 3:1 (WCAG's
 * figure for graphics). High contrast had kept the light face of the
 * normal theme, on which its light cells all but vanished. */
static void the_plate_and_its_cells_stand_out_in_both_themes(void **state)
{
	fixture *f = *state;
	const cop_plate plate = {433, 238};
	ses_history *h;
	assert_int_equal(ses_history_create(&h, LIVE_HIST_S, 100), 0);
	feed(h, 0, 0, SAMPLE_ON_PLATE, 50);
	for (int hc = 0; hc <= 1; hc++) {
		gfx_set_theme(&f->g, hc);
		const gfx_theme *t = &f->g.theme;
		assert_true(contrast(t->ink_soft, t->plate) >= 3.0);
		assert_true(contrast(t->cop, t->plate) >= 3.0);
		ui_live v;
		ui_live_init(&v, &plate, 100, h);
		SDL_FRect area = {16, 72, 1248, 600};
		ui_live_draw(&v, &f->g, area, 100);
		live_layout L;
		ui_live_layout(&v, &f->g, area, &L);
		float px, py; /* between the centre and the front right cell */
		live_map_to_px(&L.plate, 60, 40, &px, &py);
		SDL_Color face = pixel(f->surf, (int)px, (int)py);
		assert_true(near_color(face, t->plate));
		ui_live_free(&v);
	}
	gfx_set_theme(&f->g, false);
	ses_history_destroy(h);
}

/* Train and Assess answer the same keys the same way. */
static void the_pick_screens_share_their_keys(void **state)
{
	(void)state;
	int n = -1;
	assert_int_equal(ui_pick_key(SDLK_1, &n), UI_PICK_NUMBER);
	assert_int_equal(n, 0);
	assert_int_equal(ui_pick_key(SDLK_9, &n), UI_PICK_NUMBER);
	assert_int_equal(n, 8);
	assert_int_equal(ui_pick_key(SDLK_0, &n), UI_PICK_NONE);
	assert_int_equal(ui_pick_key(SDLK_KP_PLUS, &n), UI_PICK_MORE);
	assert_int_equal(ui_pick_key(SDLK_EQUALS, &n), UI_PICK_MORE);
	assert_int_equal(ui_pick_key(SDLK_LEFT, &n), UI_PICK_LESS);
	assert_int_equal(ui_pick_key(SDLK_KP_MINUS, &n), UI_PICK_LESS);
	assert_int_equal(ui_pick_key(SDLK_LEFTBRACKET, &n), UI_PICK_SHORTER);
	assert_int_equal(ui_pick_key(SDLK_RIGHTBRACKET, &n), UI_PICK_LONGER);
	assert_int_equal(ui_pick_key(SDLK_KP_ENTER, &n), UI_PICK_START);
	assert_int_equal(ui_pick_key(SDLK_UP, &n), UI_PICK_UP);
	assert_int_equal(ui_pick_key(SDLK_c, &n), UI_PICK_NONE);
}

static void screenshots_are_private_pngs(void **state)
{
	fixture *f = *state;
	char path[600], msg[700];
	snprintf(path, sizeof path, "%s/shot.png", f->dir);
	SDL_SetRenderDrawColor(f->r, 10, 200, 30, 255);
	SDL_RenderClear(f->r);
	assert_int_equal(gfx_screenshot(&f->g, path, msg, sizeof msg), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	SDL_Surface *back = IMG_Load(path);
	assert_non_null(back);
	assert_int_equal(back->w, 1280);
	assert_int_equal(back->h, 720);
	SDL_Surface *conv = SDL_ConvertSurfaceFormat(back, SDL_PIXELFORMAT_ARGB8888, 0);
	assert_true(near_color(pixel(conv, 5, 5), (SDL_Color){10, 200, 30, 255}));
	SDL_FreeSurface(conv);
	SDL_FreeSurface(back);
	snprintf(path, sizeof path, "%s/no/such/dir/shot.png", f->dir);
	assert_int_not_equal(gfx_screenshot(&f->g, path, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "cannot write"));

	/* An existing file is replaced by a new 0600 one (before: its 0644
	 * was kept), and a planted link is never followed (before: its
	 * target was overwritten). */
	snprintf(path, sizeof path, "%s/old.png", f->dir);
	FILE *old = fopen(path, "w");
	fclose(old);
	chmod(path, 0644);
	assert_int_equal(gfx_screenshot(&f->g, path, msg, sizeof msg), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size > 0);
	char victim[600], link[600];
	snprintf(victim, sizeof victim, "%s/victim.txt", f->dir);
	snprintf(link, sizeof link, "%s/link.png", f->dir);
	FILE *v = fopen(victim, "w");
	fputs("precious", v);
	fclose(v);
	chmod(victim, 0644);
	assert_int_equal(symlink(victim, link), 0);
	assert_int_not_equal(gfx_screenshot(&f->g, link, msg, sizeof msg), 0);
	assert_non_null(strstr(msg, "symbolic link"));
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_size, 8);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void the_app_runs_with_the_sim_and_saves_a_screenshot(void **state)
{
	fixture *f = *state;
	char path[600], db[600], *err = NULL;
	snprintf(path, sizeof path, "%s/app.png", f->dir);
	snprintf(db, sizeof db, "%s/app.db", f->dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add APP-1", POISE_BIN, db), 0);
	/* The patient's home, on the simulated plate (the operator's choice). */
	int rc = tu_run(NULL, &err, "SDL_VIDEODRIVER=dummy %s --db %s --patient APP-1 --device sim --seed 3 "
	                "--quit-after 1.5 --screenshot %s", POISE_BIN, db, path);
	if (rc != 0)
		fail_msg("poise exited %d: %s", rc, err);
	free(err);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	SDL_Surface *raw = IMG_Load(path);
	assert_non_null(raw);
	SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
	/* The simulated person stands on the plate: the COP dot is there. */
	assert_true(count_color(s, f->g.theme.cop) > 200);
	SDL_FreeSurface(s);
	SDL_FreeSurface(raw);
}

/* Frames of a --frame-log that drew a sample newer than the frame before. */
static int frames_with_new_samples(const char *log)
{
	char *text = tu_slurp(log);
	assert_non_null(text);
	int n = 0;
	unsigned long long last = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long present, newest;
		if (line[0] == '#' || sscanf(line, "%llu %llu", &present, &newest) != 2)
			continue;
		if (newest > last && last > 0)
			n++;
		if (newest > last)
			last = newest;
	}
	free(text);
	return n;
}

/* At the largest text size the header's and the footer's text stay inside
 * their bars: nothing of the title below the header's line, and the
 * footer's last row is the footer's own background (no glyph cut off at
 * the window's edge, as there was before the bars followed the text). */
static void the_largest_text_stays_inside_header_and_footer(void **state)
{
	fixture *f = *state;
	char path[600], db[600], msg[256], *err = NULL;
	snprintf(path, sizeof path, "%s/xl.png", f->dir);
	snprintf(db, sizeof db, "%s/xl.db", f->dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add XL-1", POISE_BIN, db), 0);
	store *st;
	assert_int_equal(store_open(&st, db, 0, msg, sizeof msg), POISE_OK);
	assert_int_equal(store_setting_set(st, "text_size", "2"), POISE_OK);
	store_close(st);
	int rc = tu_run(NULL, &err, "SDL_VIDEODRIVER=dummy %s --db %s --patient XL-1 --device sim --seed 3 "
	                "--size 1280x720 --quit-after 1.5 --screenshot %s", POISE_BIN, db, path);
	if (rc != 0)
		fail_msg("poise exited %d: %s", rc, err);
	free(err);
	SDL_Surface *raw = IMG_Load(path);
	assert_non_null(raw);
	SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
	const gfx_theme *t = &f->g.theme;
	/* The header's line: the first row of the grid colour at the left edge. */
	int line = -1;
	for (int y = 0; y < s->h / 4 && line < 0; y++)
		if (near_color(pixel(s, 2, y), t->grid))
			line = y;
	assert_true(line > 0);
	for (int y = line + 1; y < line + 12; y++)
		for (int x = 0; x < s->w / 3; x++)
			if (near_color(pixel(s, x, y), t->accent))
				fail_msg("the title spills below the header's line (%d) at %d,%d", line, x, y);
	for (int x = 0; x < s->w; x++)
		if (!near_color(pixel(s, x, s->h - 1), t->bg))
			fail_msg("the footer's text is cut at the window's bottom edge (x %d)", x);
	SDL_FreeSurface(s);
	SDL_FreeSurface(raw);
}

/* --live opens on the live view (a demo's, on the simulated plate): its
 * frames draw the plate's newest samples, which the patient list, where
 * the app opens without it, does not. */
static void live_opens_on_the_live_view(void **state)
{
	fixture *f = *state;
	char db[600], log[600], *err = NULL;
	snprintf(db, sizeof db, "%s/live.db", f->dir);
	snprintf(log, sizeof log, "%s/live.log", f->dir);
	for (int live = 0; live <= 1; live++) {
		int rc = tu_run(NULL, &err, "SDL_VIDEODRIVER=dummy %s --db %s --device sim --seed 3 %s --quit-after 2 "
		                "--frame-log %s", POISE_BIN, db, live ? "--live" : "", log);
		if (rc != 0)
			fail_msg("poise exited %d: %s", rc, err);
		free(err);
		int fresh = frames_with_new_samples(log);
		if (live)
			assert_true(fresh >= 30); /* 2 s at 60 Hz of a 100 Hz plate, less the start */
		else
			assert_int_equal(fresh, 0);
	}
}

static void a_game_in_the_window_is_recorded_for_the_patient(void **state)
{
	fixture *f = *state;
	char db[600], shot[600], *out = NULL, *err = NULL;
	snprintf(db, sizeof db, "%s/ui.db", f->dir);
	snprintf(shot, sizeof shot, "%s/results.png", f->dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add UI-1", POISE_BIN, db), 0);
	/* 5 s of still water after the 2 s "stand still"; the app shows the
	 * results and quits at 9 s, printing the result. */
	int rc = tu_run(&out, &err, "SDL_VIDEODRIVER=dummy %s --db %s --seed 2 --quit-after 9 --screenshot %s "
	                "--device sim play stillwater --patient UI-1 --seconds 5 --json", POISE_BIN, db, shot);
	if (rc)
		fail_msg("exit %d: %s", rc, err);
	assert_double_equal(tu_json_num(out, "play_time_s"), 5, 0.01);
	assert_true(tu_json_num(out, "sway_mean_velocity_mm_s") > 0);
	assert_non_null(strstr(out, "\"simulated\": true"));
	/* Played in the window at the window's pace, replayed from the stored
	 * samples: the same result, the same events. */
	char *why = tu_replay_differs(POISE_BIN, db, out);
	if (why)
		fail_msg("%s", why);
	free(out), free(err);
	assert_int_equal(tu_run(&out, NULL, "%s --db %s patient show UI-1", POISE_BIN, db), 0);
	assert_non_null(strstr(out, "game:stillwater"));
	assert_non_null(strstr(out, "complete"));
	free(out);
	struct stat st;
	assert_int_equal(stat(shot, &st), 0);
}

static void a_patient_without_a_plate_sees_why_and_nothing_is_recorded(void **state)
{
	fixture *f = *state;
	char db[600], shot[600], *out = NULL, *err = NULL;
	snprintf(db, sizeof db, "%s/np.db", f->dir);
	snprintf(shot, sizeof shot, "%s/noplate.png", f->dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add NP-1", POISE_BIN, db), 0);
	/* No plate on this machine: the app opens on a screen that says why
	 * (no simulated plate behind the patient's back), and R looks again. */
	int rc = tu_run(&out, &err, "SDL_VIDEODRIVER=dummy %s --db %s --patient NP-1 --quit-after 1 --screenshot %s",
	                POISE_BIN, db, shot);
	if (rc)
		fail_msg("exit %d: %s", rc, err);
	assert_non_null(strstr(err, "no force plate can be used"));
	free(out), free(err);
	SDL_Surface *raw = IMG_Load(shot);
	assert_non_null(raw);
	SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
	assert_int_equal(count_color(s, f->g.theme.cop), 0);  /* no COP: nothing measured */
	assert_true(count_color(s, f->g.theme.warn) > 500);   /* the warning title */
	SDL_FreeSurface(s);
	SDL_FreeSurface(raw);
	assert_int_equal(tu_run(&out, NULL, "%s --db %s patient show NP-1", POISE_BIN, db), 0);
	assert_non_null(strstr(out, "no sessions yet"));
	free(out);
}

static void no_display_is_a_clear_message(void **state)
{
	(void)state;
	char *err = NULL;
	int rc = tu_run(NULL, &err, "SDL_VIDEODRIVER=nosuchdriver %s --quit-after 1", POISE_BIN);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "cannot open a window"));
	free(err);
	/* No display at all and no driver asked for: SDL would fall back to an
	 * invisible window; Poise says so instead of running unseen. */
	rc = tu_run(NULL, &err, "env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER XDG_RUNTIME_DIR=/tmp %s --quit-after 5",
	            POISE_BIN);
	assert_int_equal(rc, 1); /* an invisible window would run and exit 0 */
	assert_non_null(strstr(err, "cannot open a window"));
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sway_at_a_border_does_not_restart_a_lean_choice),
		cmocka_unit_test(a_lean_choice_waits_for_the_middle),
		cmocka_unit_test(the_history_keeps_a_test_mass_cop),
		cmocka_unit_test(the_cop_dot_is_drawn_where_the_cop_is),
		cmocka_unit_test(nobody_on_the_plate_draws_no_dot),
		cmocka_unit_test(the_newest_trail_lies_on_top_where_it_crosses_its_past),
		cmocka_unit_test(the_pick_screens_share_their_keys),
		cmocka_unit_test(the_plate_and_its_cells_stand_out_in_both_themes),
		cmocka_unit_test(the_live_view_keeps_its_labels_apart_in_every_text_size),
		cmocka_unit_test(screenshots_are_private_pngs),
		cmocka_unit_test(the_app_runs_with_the_sim_and_saves_a_screenshot),
		cmocka_unit_test(the_largest_text_stays_inside_header_and_footer),
		cmocka_unit_test(live_opens_on_the_live_view),
		cmocka_unit_test(a_game_in_the_window_is_recorded_for_the_patient),
		cmocka_unit_test(a_patient_without_a_plate_sees_why_and_nothing_is_recorded),
		cmocka_unit_test(no_display_is_a_clear_message),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
