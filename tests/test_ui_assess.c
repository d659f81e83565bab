/* The test screens (ui/assess_view) through SDL2's software renderer at
 * 1280×720 and 1920×1080, driven by a real test on the simulated plate:
 * the LOS target is drawn where the prompt puts it, the countdown shows,
 * the results are drawn. Screenshots go to $POISE_SHOTS if set (to look
 * at them), else to a temporary folder. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "device/device.h"
#include "session/assess.h"
#include "session/engine.h"
#include "test_util.h"
#include "ui/assess_view.h"
#include "ui/gfx.h"

typedef struct screen {
	SDL_Surface *surf;
	SDL_Renderer *r;
	gfx g;
	int w, h;
} screen;

static void screen_open(screen *sc, int w, int h)
{
	sc->w = w;
	sc->h = h;
	sc->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	sc->r = SDL_CreateSoftwareRenderer(sc->surf);
	char msg[256];
	if (!sc->r || gfx_init(&sc->g, sc->r, h, msg, sizeof msg) != 0)
		fail_msg("gfx: %s %s", msg, SDL_GetError());
}

static void screen_close(screen *sc)
{
	gfx_free(&sc->g);
	SDL_DestroyRenderer(sc->r);
	SDL_FreeSurface(sc->surf);
}

static SDL_Color pixel(const screen *sc, int x, int y)
{
	Uint32 p = ((Uint32 *)sc->surf->pixels)[y * (sc->surf->pitch / 4) + x];
	SDL_Color c;
	SDL_GetRGBA(p, sc->surf->format, &c.r, &c.g, &c.b, &c.a);
	return c;
}

static bool near(SDL_Color a, SDL_Color b)
{
	return abs(a.r - b.r) < 20 && abs(a.g - b.g) < 20 && abs(a.b - b.b) < 20;
}

static void shot(screen *sc, const char *dir, const char *name)
{
	char path[700], msg[256];
	snprintf(path, sizeof path, "%s/%s-%dx%d.png", dir, name, sc->w, sc->h);
	SDL_RenderPresent(sc->r);
	assert_int_equal(gfx_screenshot(&sc->g, path, msg, sizeof msg), POISE_OK);
}

typedef struct run {
	ses_engine *e;
	ses_assess *a;
} run;

static void fast(atest_cfg *c)
{
	c->trial_s = 10;
	c->repeats = 1;
	c->settle_s = 2;
	c->rest_s = 1;
	c->instruct_s = 1;
	c->move_s = 4;
}

static void run_start(run *rn, enum atest_test t)
{
	dev *d = NULL;
	char msg[256];
	dev_open_cfg oc = {.seed = 3};
	assert_int_equal(dev_open_spec(&d, "sim", &oc, msg, sizeof msg), POISE_OK);
	ses_source *src;
	assert_int_equal(ses_source_direct(&src, d), POISE_OK);
	ses_cfg sc;
	ses_cfg_default(&sc, &src->info);
	assert_int_equal(ses_create(&rn->e, src, &sc), POISE_OK);
	ses_assess_cfg ac = {0};
	atest_cfg_default(&ac.test, t, ses_sample_rate_hz(rn->e), 1.7, &ses_device(rn->e)->plate);
	fast(&ac.test);
	assert_int_equal(ses_assess_create(&rn->a, &ac), POISE_OK);
	assert_int_equal(ses_attach(rn->e, ses_assess_consumer(rn->a)), POISE_OK);
	assert_int_equal(ses_start(rn->e), POISE_OK);
}

/* Pumps until until(prompt) holds (or the test ends). */
static void run_until(run *rn, bool (*until)(const atest_prompt *))
{
	for (int i = 0; i < 200000 && !ses_assess_done(rn->a); i++) {
		atest_prompt p;
		atest_prompt_get(ses_assess_machine(rn->a), &p);
		if (until && until(&p))
			return;
		dev_steer st;
		dev_posture pose;
		ses_assess_intent(rn->a, 0.9, &st, &pose);
		ses_steer(rn->e, &st);
		ses_posture(rn->e, &pose);
		assert_int_equal(ses_pump(rn->e, 0, 4, NULL), POISE_OK);
	}
}

static void run_end(run *rn)
{
	ses_detach(rn->e, ses_assess_consumer(rn->a));
	ses_assess_destroy(rn->a);
	ses_destroy(rn->e);
}

static bool leaning(const atest_prompt *p)
{
	static int n;
	n = p->target ? n + 1 : 0;
	return n > 30; /* 1.2 s into the lean (4 samples a turn) */
}

static bool instructing(const atest_prompt *p)
{
	return p->phase == ATEST_INSTRUCT;
}

static bool counting(const atest_prompt *p)
{
	return p->phase == ATEST_COUNTDOWN && p->countdown == 2;
}

static const char *shots_dir(char **tmp)
{
	const char *d = getenv("POISE_SHOTS");
	*tmp = NULL;
	if (d && *d)
		return d;
	*tmp = tu_mkdtemp();
	return *tmp;
}

static void the_running_test_is_drawn_for_the_patient(void **state)
{
	(void)state;
	char *tmp;
	const char *dir = shots_dir(&tmp);
	int sizes[2][2] = {{1280, 720}, {1920, 1080}};
	for (int k = 0; k < 2; k++) {
		screen sc;
		screen_open(&sc, sizes[k][0], sizes[k][1]);
		ui_assess v;
		ui_assess_init(&v, NULL);
		SDL_FRect area = {0, 0, (float)sc.w, (float)sc.h};
		run rn;
		/* the LOS lean: the target disc where the prompt puts it */
		run_start(&rn, ATEST_LOS);
		run_until(&rn, leaning);
		atest_prompt p;
		atest_prompt_get(ses_assess_machine(rn.a), &p);
		assert_true(p.target);
		/* the COP cursor halfway to the target, to the right of it */
		cop_sample cop = {.xf_mm = p.centre_x_mm + 60, .yf_mm = p.centre_y_mm + 0.5 * (p.target_y_mm - p.centre_y_mm)};
		ui_assess_draw(&v, &sc.g, area, rn.a, &cop, NULL);
		/* the field: 170 mm to the edge of a circle of radius r below the
		 * title (as ui_assess_draw lays it out) */
		float s = sc.g.scale, top = 80 * s, r = fminf(sc.w * 0.4f, (sc.h - 60 * s - top) / 2);
		float tx = sc.w / 2.0f + (float)(p.target_x_mm - p.centre_x_mm) * r / 170;
		float ty = top + r - (float)(p.target_y_mm - p.centre_y_mm) * r / 170;
		if (!near(pixel(&sc, (int)tx, (int)ty), sc.g.theme.target))
			fail_msg("no target at (%.0f, %.0f)", tx, ty);
		float ux = sc.w / 2.0f + 60 * r / 170, uy = top + r - (float)(cop.yf_mm - p.centre_y_mm) * r / 170;
		if (!near(pixel(&sc, (int)ux, (int)uy), sc.g.theme.cop))
			fail_msg("no COP cursor at (%.0f, %.0f)", ux, uy);
		shot(&sc, dir, "assess-los");
		run_end(&rn);
		/* the mCTSIB: the instruction, wrapped; the countdown: one huge number */
		run_start(&rn, ATEST_MCTSIB);
		run_until(&rn, instructing);
		ui_assess_draw(&v, &sc.g, area, rn.a, NULL, NULL);
		assert_true(v.lab[0].text[0] && v.lab[1].text[0]); /* two lines at least */
		shot(&sc, dir, "assess-instruction");
		run_until(&rn, counting);
		ui_assess_draw(&v, &sc.g, area, rn.a, NULL, NULL);
		assert_string_equal(v.lab[4].text, "2"); /* the countdown's label */
		shot(&sc, dir, "assess-countdown");
		run_until(&rn, NULL);
		ses_assess_result *res = malloc(sizeof *res);
		assert_int_equal(ses_assess_finish(rn.a, res), POISE_OK);
		ui_assess_results_draw(&v, &sc.g, area, res, res, true);
		shot(&sc, dir, "assess-mctsib-results");
		run_end(&rn);
		static const enum atest_test more[] = {ATEST_LOS, ATEST_SYMMETRY, ATEST_STS};
		static const char *const names[] = {"assess-los-results", "assess-symmetry-results",
		                                    "assess-sts-results"};
		for (int t = 0; t < 3; t++) {
			run_start(&rn, more[t]);
			run_until(&rn, NULL);
			assert_int_equal(ses_assess_finish(rn.a, res), POISE_OK);
			assert_true(res->complete);
			ui_assess_results_draw(&v, &sc.g, area, res, NULL, true);
			shot(&sc, dir, names[t]);
			run_end(&rn);
		}
		free(res);
		ui_assess_free(&v);
		screen_close(&sc);
	}
	tu_rmdir(tmp);
}

static int setup(void **state)
{
	(void)state;
	return SDL_Init(SDL_INIT_VIDEO) != 0 || TTF_Init() != 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	TTF_Quit();
	SDL_Quit();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_running_test_is_drawn_for_the_patient),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
