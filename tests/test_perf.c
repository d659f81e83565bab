/* Performance guards for ctest: a few seconds, and they fail only on a
 * gross regression (several times slower than now), never on a busy
 * machine: every time is the best of several tries and is compared with a
 * reference measured in the same run (strtod, a full-screen fill), or the
 * test checks that work is bounded (a still COP, a locked database). The
 * full figures are the benchmark's (scripts/dev bench). */
#include <SDL.h>
#include <SDL_ttf.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "test_assert.h"

#include <sqlite3.h>

#include "core/analysis.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/metrics_ext.h"
#include "core/rng.h"
#include "games/runner.h"
#include "session/history.h"
#include "store/recorder.h"
#include "store/store.h"
#include "test_util.h"
#include "ui/draw_game.h"
#include "ui/gfx.h"
#include "ui/live.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Under AddressSanitizer everything is several times slower, and not
 * evenly: the absolute limits stretch. */
static double slack(void)
{
	return getenv("ASAN_OPTIONS") ? 10 : 1;
}

/* ---- reading a CSV ------------------------------------------------- */

static char *make_csv(size_t rows, size_t *len)
{
	size_t cap = rows * 40 + 64, n = 0;
	char *t = malloc(cap);
	rng g;
	rng_seed(&g, 1);
	n += (size_t)snprintf(t, cap, "t,cop_x,cop_y,fz_N\n");
	double x = 0, y = 0;
	for (size_t i = 0; i < rows; i++) {
		x = 0.999 * x + 0.05 * rng_normal(&g);
		y = 0.999 * y + 0.08 * rng_normal(&g);
		n += (size_t)snprintf(t + n, cap - n, "%.3f,%.4f,%.4f,%.2f\n", (double)i / 1000.0, x, y,
		                      686 + rng_normal(&g));
	}
	*len = n;
	return t;
}

/* The reference: what reading the same cells with strtod costs. */
static double strtod_time(const char *t, size_t len)
{
	double best = INFINITY, sink = 0;
	for (int rep = 0; rep < 5; rep++) {
		double a = now_s();
		const char *p = (const char *)memchr(t, '\n', len) + 1, *end = t + len;
		while (p < end) {
			char *e;
			for (int c = 0; c < 3; c++) {
				sink += strtod(p, &e);
				p = e + 1;
			}
			p = memchr(p, '\n', (size_t)(end - p));
			p = p ? p + 1 : end;
		}
		best = fmin(best, now_s() - a);
	}
	return sink == 1.5 ? best + 1 : best;
}

/* The CSV reader (line splitting, three cells, checks, arrays) takes well
 * under what strtod alone takes for the same cells; reading through
 * strtod again would be about 1.3 times it. */
static void reading_a_csv_beats_strtod(void **state)
{
	(void)state;
	size_t len;
	char *t = make_csv(120000, &len); /* 2 minutes at 1 kHz, 3.6 MB */
	double ref = strtod_time(t, len), best = INFINITY;
	for (int rep = 0; rep < 5; rep++) {
		csv_cop c;
		csv_error e;
		double a = now_s();
		assert_int_equal(csv_cop_parse(t, len, 1, &c, &e), POISE_OK);
		best = fmin(best, now_s() - a);
		assert_int_equal(c.n, 120000);
		csv_cop_free(&c);
	}
	printf("CSV: %.1f ms for %.1f MB (strtod alone: %.1f ms), ratio %.2f\n", best * 1e3, (double)len / 1e6,
	       ref * 1e3, best / ref);
	free(t);
	/* (AddressSanitizer instruments the reader, not the C library.) */
	if (!(best < 0.9 * ref * (slack() > 1 ? 4 : 1)))
		fail_msg("reading the CSV took %.1f ms, strtod alone %.1f ms", best * 1e3, ref * 1e3);
}

/* ---- metrics: bounded work ------------------------------------------- */

/* A COP that never moves stays in every sample's circle: the sway density
 * used to walk the whole record for every sample (n², minutes for an hour
 * at 1 kHz); now about a pyramid's height per sample. */
static void sway_density_of_a_still_cop_is_quick(void **state)
{
	(void)state;
	size_t n = 200000;
	double *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y), *sd = malloc(n * sizeof *sd);
	double a = now_s();
	met_sway_density(x, y, n, 1000, 3, sd);
	double el = now_s() - a;
	printf("sway density of %zu still samples: %.1f ms\n", n, el * 1e3);
	assert_double_equal(sd[0], (double)(n - 1) / 1000, 1e-9);
	assert_double_equal(sd[n / 2], (double)(n - 1) / 1000, 1e-9);
	if (!(el < 0.5 * slack()))
		fail_msg("%.1f ms: the stays are walked sample by sample again?", el * 1e3);
	free(x);
	free(y);
	free(sd);
}

/* Every measure of ten minutes at 1 kHz, in process: the benchmark's
 * whole `poise metrics` takes about 0.1 s on the reference machine; 5× that
 * for the analysis alone is a gross regression. */
static void metrics_of_ten_minutes(void **state)
{
	(void)state;
	size_t len;
	char *t = make_csv(600001, &len);
	csv_cop c;
	csv_error e;
	assert_int_equal(csv_cop_parse(t, len, 1, &c, &e), POISE_OK);
	free(t);
	ana_cfg ac;
	ana_cfg_default(&ac);
	met_ext_cfg ec;
	met_ext_cfg_default(&ec);
	met_static m;
	met_ext x;
	double best = INFINITY;
	for (int rep = 0; rep < 2; rep++) {
		double *tt = malloc(c.n * sizeof *tt), *xx = malloc(c.n * sizeof *xx), *yy = malloc(c.n * sizeof *yy);
		memcpy(tt, c.t_s, c.n * sizeof *tt);
		memcpy(xx, c.x_mm, c.n * sizeof *xx);
		memcpy(yy, c.y_mm, c.n * sizeof *yy);
		double a = now_s();
		assert_int_equal(ana_all_metrics_owned(tt, xx, yy, c.n, &ac, &ec, &m, &x), POISE_OK);
		best = fmin(best, now_s() - a);
	}
	printf("metrics of 10 min at 1 kHz (analysis only): %.1f ms\n", best * 1e3);
	assert_true(isfinite(x.sway_density_peak_s) && isfinite(x.psd_ml.total_power_mm2));
	if (!(best < 0.5 * slack()))
		fail_msg("the analysis of 10 minutes took %.0f ms", best * 1e3);
	csv_cop_free(&c);
}

/* ---- the recorder never waits for the database ----------------------- */

typedef struct locker {
	const char *path;
	double hold_s;
	volatile int locked;
} locker;

/* Another connection holds the database's write lock for a while, as a
 * slow disk or a busy writer would. */
static void *hold_lock(void *arg)
{
	locker *l = arg;
	sqlite3 *db;
	if (sqlite3_open(l->path, &db) == SQLITE_OK &&
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
		l->locked = 1;
		struct timespec ts = {0, (long)(l->hold_s * 1e9)};
		nanosleep(&ts, NULL);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	l->locked = 2;
	sqlite3_close(db);
	return NULL;
}

static void the_recorder_does_not_wait_for_a_locked_database(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp();
	char path[600], msg[256];
	snprintf(path, sizeof path, "%s/perf.db", dir);
	store *s;
	assert_int_equal(store_open(&s, path, 0, msg, sizeof msg), POISE_OK);
	store_patient p = {0};
	strcpy(p.code, "P1");
	store_session se = {0};
	strcpy(se.device_backend, "sim");
	int64_t sid;
	assert_int_equal(store_patient_add(s, &p, &se.patient_id), POISE_OK);
	assert_int_equal(store_session_begin(s, &se, &sid), POISE_OK);
	store_rec *r;
	assert_int_equal(store_rec_create(&r, s, NULL), POISE_OK);
	assert_int_equal(store_rec_begin(r, sid, "quiet-eo", NULL, NULL, 1000, 0, NULL), POISE_OK);
	/* 1.2 s of 1 kHz samples, 17 per 60 fps frame, while the lock is held
	 * from 0.1 s to 0.6 s: six batches wait for the disk meanwhile. */
	locker l = {.path = path, .hold_s = 0.5};
	pthread_t th;
	double worst = 0, t0 = now_s();
	bool started = false;
	for (size_t k = 0; k < 1200; k++) {
		if (!started && now_s() - t0 > 0.1) {
			pthread_create(&th, NULL, hold_lock, &l);
			started = true;
			while (!l.locked)
				usleep(100);
		}
		cop_sample x = {.t_us = (mono_us)k * 1000, .flags = SAMPLE_ON_PLATE, .x_mm = 1, .y_mm = 2,
		                .fz_n = 700};
		double a = now_s();
		assert_int_equal(store_rec_push(r, &x), POISE_OK);
		worst = fmax(worst, now_s() - a);
		if (k % 17 == 16)
			usleep(16667);
	}
	pthread_join(th, NULL);
	assert_int_equal(l.locked, 2);
	assert_int_equal(store_rec_end(r, STORE_COMPLETE, NULL, NULL), POISE_OK);
	store_rec_stats st;
	store_rec_stats_get(r, &st);
	printf("recorder: worst push %.2f ms with the database locked for %.0f ms (longest commit %.0f ms)\n",
	       worst * 1e3, l.hold_s * 1e3, st.worst_commit_ms);
	assert_int_equal(st.samples, 1200);
	assert_true(st.worst_commit_ms > 200); /* the writer did wait */
	if (!(worst < 0.1 * slack()))
		fail_msg("a push waited %.0f ms for the database", worst * 1e3);
	store_rec_destroy(r);
	store_close(s);
	tu_rmdir(dir);
}

/* ---- drawing a frame ------------------------------------------------- */

typedef struct canvas {
	SDL_Surface *surf;
	SDL_Renderer *r;
	gfx g;
} canvas;

static double fill_time(canvas *cv)
{
	double best = INFINITY;
	for (int rep = 0; rep < 20; rep++) {
		double a = now_s();
		gfx_fill(&cv->g, (SDL_FRect){0, 0, 1920, 1080}, (SDL_Color){10, 20, 30, 255});
		SDL_RenderFlush(cv->r);
		best = fmin(best, now_s() - a);
	}
	return best;
}

/* Every game's scene and the live view at 1920×1080 through SDL's real
 * software renderer cost a few full-screen fills (measured: 1.5 to 5.1):
 * more than 12 is a gross regression. */
static void drawing_a_frame_costs_a_few_screen_fills(void **state)
{
	(void)state;
	assert_int_equal(SDL_Init(SDL_INIT_VIDEO), 0);
	assert_int_equal(TTF_Init(), 0);
	canvas cv;
	cv.surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1080, 32, SDL_PIXELFORMAT_RGB888);
	cv.r = SDL_CreateSoftwareRenderer(cv.surf);
	char msg[256];
	assert_int_equal(gfx_init(&cv.g, cv.r, 1080, msg, sizeof msg), POISE_OK);
	double fill = fill_time(&cv);
	SDL_FRect area = {0, 90, 1920, 990};
	const struct game_ops *const *games = game_list();
	for (int k = -1; k < 0 || games[k]; k++) {
		double best = INFINITY;
		grun *run = NULL;
		ses_history *h = NULL;
		ui_live v;
		if (k < 0) {
			assert_int_equal(ses_history_create(&h, 10, 100), POISE_OK);
			ses_consumer *c = ses_history_consumer(h);
			for (int i = 0; i < 1000; i++) {
				cop_sample smp = {.t_us = (mono_us)i * 10000, .flags = SAMPLE_ON_PLATE, .fz_n = 686,
				                  .x_mm = 5 * sin(i * 0.01), .y_mm = 4 * cos(i * 0.013)};
				smp.xf_mm = smp.x_mm;
				smp.yf_mm = smp.y_mm;
				c->ops->sample(c, &smp);
			}
			ui_live_init(&v, &(cop_plate){433, 238}, 100, h);
		} else {
			game_cfg gc = {.level = 5, .seed = 1, .duration_s = 600, .los_min = 0, .los_max = 1};
			grun_cfg rc;
			grun_cfg_default(&rc);
			rc.settle_s = 0;
			assert_int_equal(grun_create(&run, games[k], &gc, &rc), POISE_OK);
		}
		for (int f = 0; f < 30; f++) {
			if (run) {
				grun_set_cop(run, 20 * sin(f * 0.1), 10 * cos(f * 0.1), true);
				grun_advance(run, 1.0 / 60);
			}
			double a = now_s();
			if (run)
				game_draw_scene(&cv.g, run->g, area, 0.5, NULL);
			else
				ui_live_draw(&v, &cv.g, area, 100);
			SDL_RenderFlush(cv.r);
			if (f >= 5) /* the first frames make textures and labels */
				best = fmin(best, now_s() - a);
		}
		const char *name = run ? games[k]->id : "live view";
		printf("%-10s %.2f ms a frame at 1920x1080 = %.1f full-screen fills (%.2f ms)\n", name, best * 1e3,
		       best / fill, fill * 1e3);
		if (!(best < 12 * fill))
			fail_msg("%s: a frame costs %.1f full-screen fills", name, best / fill);
		if (run)
			grun_destroy(run);
		else
			ui_live_free(&v);
		ses_history_destroy(h);
	}
	gfx_free(&cv.g);
	SDL_DestroyRenderer(cv.r);
	SDL_FreeSurface(cv.surf);
	TTF_Quit();
	SDL_Quit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reading_a_csv_beats_strtod),
		cmocka_unit_test(sway_density_of_a_still_cop_is_quick),
		cmocka_unit_test(metrics_of_ten_minutes),
		cmocka_unit_test(the_recorder_does_not_wait_for_a_locked_database),
		cmocka_unit_test(drawing_a_frame_costs_a_few_screen_fills),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
