/* The session engine with a fake source and fake consumers: order of
 * delivery, attaching and detaching on the way, a consumer that fails, a
 * plate that goes silent or away mid-trial, stop; then the game consumer
 * (sample time, replay from samples), the trial writer and the recording
 * protocol on a real SQLite file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "games/game.h"
#include "games/reach.h"
#include "session/engine.h"
#include "session/game.h"
#include "session/history.h"
#include "session/play.h"
#include "session/record.h"
#include "session/replay.h"
#include "session/station.h"
#include "session/training.h"
#include "session/writer.h"
#include "store/store.h"
#include "test_util.h"

/* ---- a scripted source ---------------------------------------------- */

/* Frames of a person of 70 kg standing still at (x, y) mm on a 400 × 200
 * mm plate, 100 Hz; the script says how many frames each read returns and
 * when the plate falls silent or goes away. */
typedef struct fake_source {
	ses_source base;
	int started, stopped;
	uint32_t seq;
	mono_us t_us;
	double x_mm, y_mm;
	size_t per_read;      /* frames per read while streaming */
	size_t until_silent;  /* frames left before it sends nothing (SIZE_MAX: never) */
	size_t until_lost;    /* frames left before it goes away */
	bool lost;
	int reconnects;       /* reconnect() calls */
	bool can_come_back;
} fake_source;

static void person_forces(double x, double y, double out[CELL_COUNT])
{
	/* Forces that put the COP at (x, y) on a plate with half-spacings
	 * a = 200, b = 100 mm (cop.h's formula, inverted). */
	double fz = 70 * 9.80665, a = 200, b = 100;
	double right = fz * (0.5 + x / (2 * a)), front = fz * (0.5 + y / (2 * b));
	double tr = right * front / fz;
	out[CELL_TR] = tr;
	out[CELL_TL] = front - tr;
	out[CELL_BR] = right - tr;
	out[CELL_BL] = fz - out[CELL_TL] - out[CELL_TR] - out[CELL_BR];
}

static int fake_start(ses_source *s)
{
	((fake_source *)s)->started++;
	return POISE_OK;
}

static int fake_read(ses_source *s, poise_frame *out, size_t max, size_t *n_read, int wait_ms)
{
	(void)wait_ms;
	fake_source *f = (fake_source *)s;
	*n_read = 0;
	if (f->lost)
		return POISE_E_DISCONNECTED;
	size_t n = f->per_read < max ? f->per_read : max;
	for (size_t i = 0; i < n; i++) {
		if (f->until_lost == 0) {
			f->lost = true;
			return *n_read ? POISE_OK : POISE_E_DISCONNECTED;
		}
		if (f->until_silent == 0)
			break;
		poise_frame *fr = &out[(*n_read)++];
		memset(fr, 0, sizeof *fr);
		fr->t_us = f->t_us;
		fr->seq = f->seq++;
		person_forces(f->x_mm, f->y_mm, fr->force_n);
		f->t_us += 10000;
		if (f->until_silent != SIZE_MAX)
			f->until_silent--;
		if (f->until_lost != SIZE_MAX)
			f->until_lost--;
	}
	return POISE_OK;
}

static void fake_stop(ses_source *s)
{
	((fake_source *)s)->stopped++;
}

static int fake_reconnect(ses_source *s, const dev_open_cfg *cfg)
{
	(void)cfg;
	fake_source *f = (fake_source *)s;
	f->reconnects++;
	if (!f->can_come_back)
		return POISE_E_NOT_FOUND;
	f->lost = false;
	f->until_lost = SIZE_MAX;
	f->t_us += 2000000; /* two seconds later */
	return POISE_OK;
}

static void fake_destroy(ses_source *s)
{
	free(s);
}

static const struct ses_source_ops fake_ops = {
	.name = "fake",
	.start = fake_start,
	.read = fake_read,
	.stop = fake_stop,
	.reconnect = fake_reconnect,
	.destroy = fake_destroy,
};

static fake_source *fake_new(size_t per_read)
{
	fake_source *f = calloc(1, sizeof *f);
	f->base.ops = &fake_ops;
	snprintf(f->base.info.backend, sizeof f->base.info.backend, "usb");
	snprintf(f->base.info.name, sizeof f->base.info.name, "Fake plate");
	f->base.info.plate = (cop_plate){400, 200};
	f->base.info.rate_hz = 100;
	f->t_us = 5000000;
	f->per_read = per_read;
	f->until_silent = f->until_lost = SIZE_MAX;
	return f;
}

/* A test clock for the watchdog. */
static mono_us test_clock_us;
static mono_us test_now(void *ctx)
{
	(void)ctx;
	return test_clock_us;
}

static ses_engine *engine_on(fake_source *f)
{
	ses_cfg c;
	ses_cfg_default(&c, &f->base.info);
	c.now_us = test_now;
	ses_engine *e = NULL;
	assert_int_equal(ses_create(&e, &f->base, &c), POISE_OK);
	return e;
}

/* ---- fake consumers -------------------------------------------------- */

/* Remembers what it saw; may fail at a given sample, or detach someone. */
typedef struct spy {
	ses_consumer base;
	int id;
	int *order;          /* shared log of consumer ids, one per delivery */
	size_t *n_order;
	size_t samples;
	mono_us first_t, last_t;
	size_t fail_at;      /* 1-based sample index that fails (0: never) */
	ses_consumer *detach_on_first; /* detached by this one at its first sample */
	enum ses_note notes[16];
	size_t n_notes;
} spy;

static int spy_sample(ses_consumer *c, const cop_sample *s)
{
	spy *p = (spy *)c;
	p->samples++;
	if (p->samples == 1)
		p->first_t = s->t_us;
	p->last_t = s->t_us;
	if (p->order)
		p->order[(*p->n_order)++] = p->id;
	if (p->samples == 1 && p->detach_on_first)
		ses_detach(c->engine, p->detach_on_first);
	return p->fail_at && p->samples == p->fail_at ? POISE_E_NOSPACE : POISE_OK;
}

static int spy_note(ses_consumer *c, enum ses_note what, mono_us t_us, int err)
{
	(void)t_us, (void)err;
	spy *p = (spy *)c;
	if (p->n_notes < 16)
		p->notes[p->n_notes++] = what;
	return POISE_OK;
}

static const struct ses_consumer_ops spy_ops = {.name = "spy", .sample = spy_sample, .note = spy_note};

static void spy_init(spy *p, int id, int *order, size_t *n_order)
{
	memset(p, 0, sizeof *p);
	p->base.ops = &spy_ops;
	p->id = id;
	p->order = order;
	p->n_order = n_order;
}

/* ---- the engine ------------------------------------------------------ */

static void every_sample_reaches_every_consumer_in_attach_order(void **state)
{
	(void)state;
	fake_source *f = fake_new(10);
	ses_engine *e = engine_on(f);
	int order[4096];
	size_t n_order = 0;
	spy a, b, c;
	spy_init(&a, 1, order, &n_order);
	spy_init(&b, 2, order, &n_order);
	spy_init(&c, 3, order, &n_order);
	assert_int_equal(ses_attach(e, &a.base), POISE_OK);
	assert_int_equal(ses_attach(e, &b.base), POISE_OK);
	assert_int_equal(ses_attach(e, &b.base), POISE_E_STATE); /* once only */
	assert_int_equal(ses_pump(e, 0, SIZE_MAX, NULL), POISE_E_STATE); /* not started */
	assert_int_equal(ses_start(e), POISE_OK);
	assert_int_equal(f->started, 1);
	size_t got = 0, n;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(ses_pump(e, 0, 10, &n), POISE_OK);
		got += n;
	}
	/* 200 frames at 100 Hz in, 100 Hz out: every frame after the first
	 * makes one sample on the output clock. */
	assert_true(got >= 198 && got <= 200);
	assert_int_equal(a.samples, got);
	assert_int_equal(b.samples, got);
	for (size_t i = 0; i < n_order; i++)
		assert_int_equal(order[i], 1 + (int)(i % 2));
	/* A consumer attached later sees the samples from then on. */
	assert_int_equal(ses_attach(e, &c.base), POISE_OK);
	mono_us before = a.last_t;
	assert_int_equal(ses_pump(e, 0, 10, &n), POISE_OK);
	assert_int_equal(c.samples, n);
	assert_true(c.first_t > before);
	ses_stats st;
	ses_stats_get(e, &st);
	assert_int_equal(st.frames, 210);
	assert_int_equal(st.samples, got + n);
	/* Stop: nothing more is delivered. */
	ses_stop(e);
	ses_stop(e);
	assert_int_equal(f->stopped, 1);
	assert_int_equal(ses_pump(e, 0, 10, &n), POISE_E_STATE);
	assert_int_equal(ses_state(e, NULL), SES_STOPPED);
	ses_destroy(e);
	assert_null(a.base.engine); /* forgotten, not freed */
}

static void a_failing_consumer_leaves_and_the_others_go_on(void **state)
{
	(void)state;
	fake_source *f = fake_new(50);
	ses_engine *e = engine_on(f);
	spy a, bad, c;
	spy_init(&a, 1, NULL, NULL);
	spy_init(&bad, 2, NULL, NULL);
	spy_init(&c, 3, NULL, NULL);
	bad.fail_at = 7;
	ses_attach(e, &a.base);
	ses_attach(e, &bad.base);
	ses_attach(e, &c.base);
	ses_start(e);
	size_t n;
	assert_int_equal(ses_pump(e, 0, SIZE_MAX, &n), POISE_OK); /* one read of 50 */
	assert_int_equal(bad.samples, 7);
	assert_int_equal(bad.base.err, POISE_E_NOSPACE);
	assert_null(bad.base.engine);
	assert_int_equal(a.samples, n);
	assert_int_equal(c.samples, n); /* the one after it missed nothing */
	assert_int_equal(ses_pump(e, 0, SIZE_MAX, &n), POISE_OK);
	assert_int_equal(bad.samples, 7);
	assert_int_equal(c.samples, a.samples);
	ses_destroy(e);
}

static void a_consumer_may_detach_another_mid_batch(void **state)
{
	(void)state;
	fake_source *f = fake_new(20);
	ses_engine *e = engine_on(f);
	spy first, victim, last;
	spy_init(&first, 1, NULL, NULL);
	spy_init(&victim, 2, NULL, NULL);
	spy_init(&last, 3, NULL, NULL);
	ses_attach(e, &first.base);
	ses_attach(e, &victim.base);
	ses_attach(e, &last.base);
	first.detach_on_first = &victim.base;
	ses_start(e);
	size_t n;
	ses_pump(e, 0, SIZE_MAX, &n);
	assert_true(n > 10);
	assert_int_equal(victim.samples, 0); /* gone before its turn */
	assert_int_equal(victim.base.err, POISE_OK);
	assert_int_equal(last.samples, n);
	/* Detaching oneself: no further sample, not even in this batch. */
	victim.detach_on_first = NULL;
	spy self;
	spy_init(&self, 4, NULL, NULL);
	self.detach_on_first = &self.base;
	ses_attach(e, &self.base);
	ses_pump(e, 0, SIZE_MAX, &n);
	assert_int_equal(self.samples, 1);
	ses_destroy(e);
}

static void a_silent_plate_is_noticed_and_the_rate_falls_to_zero(void **state)
{
	(void)state;
	fake_source *f = fake_new(100);
	ses_engine *e = engine_on(f);
	spy s;
	spy_init(&s, 1, NULL, NULL);
	ses_attach(e, &s.base);
	test_clock_us = 1000000;
	ses_start(e);
	/* Three seconds of data, pumped as a 60 Hz loop would (100 frames a
	 * second in one read). */
	for (int i = 0; i < 3; i++) {
		test_clock_us += 1000000;
		ses_pump(e, 0, SIZE_MAX, NULL);
	}
	assert_double_equal(ses_rate_hz(e), 100, 1);
	assert_int_equal(ses_state(e, NULL), SES_RUNNING);
	f->until_silent = 0; /* connected, but nothing comes */
	test_clock_us += 1500000;
	ses_pump(e, 0, SIZE_MAX, NULL);
	assert_int_equal(ses_state(e, NULL), SES_RUNNING); /* 1.5 s: not yet */
	assert_double_equal(ses_rate_hz(e), 0, 0);        /* but the rate says it */
	test_clock_us += 600000;
	ses_pump(e, 0, SIZE_MAX, NULL);
	assert_int_equal(ses_state(e, NULL), SES_NO_DATA); /* 2.1 s */
	assert_int_equal(s.n_notes, 1);
	assert_int_equal(s.notes[0], SES_NOTE_NO_DATA);
	/* Data again. */
	f->until_silent = SIZE_MAX;
	test_clock_us += 10000;
	ses_pump(e, 0, SIZE_MAX, NULL);
	assert_int_equal(ses_state(e, NULL), SES_RUNNING);
	assert_int_equal(s.n_notes, 2);
	assert_int_equal(s.notes[1], SES_NOTE_DATA_BACK);
	ses_destroy(e);
}

static void a_plate_lost_mid_trial_keeps_every_sample_and_can_come_back(void **state)
{
	(void)state;
	fake_source *f = fake_new(30);
	f->until_lost = 95;
	ses_engine *e = engine_on(f);
	spy s;
	spy_init(&s, 1, NULL, NULL);
	ses_attach(e, &s.base);
	ses_start(e);
	int rc = POISE_OK;
	for (int i = 0; i < 10 && rc == POISE_OK; i++)
		rc = ses_pump(e, 0, SIZE_MAX, NULL);
	assert_int_equal(rc, POISE_E_DISCONNECTED);
	int err;
	assert_int_equal(ses_state(e, &err), SES_LOST);
	assert_int_equal(err, POISE_E_DISCONNECTED);
	/* Every frame read before the loss made its sample (frames on the
	 * output clock: one sample each). */
	assert_int_equal(s.samples, 95);
	assert_int_equal(s.notes[s.n_notes - 1], SES_NOTE_LOST);
	assert_int_equal(ses_pump(e, 0, SIZE_MAX, NULL), POISE_E_DISCONNECTED);
	/* Not back yet; then back. */
	assert_int_equal(ses_reconnect(e, NULL), POISE_E_NOT_FOUND);
	f->can_come_back = true;
	assert_int_equal(ses_reconnect(e, NULL), POISE_OK);
	assert_int_equal(s.notes[s.n_notes - 1], SES_NOTE_BACK);
	assert_int_equal(ses_state(e, NULL), SES_RUNNING);
	size_t before = s.samples;
	assert_int_equal(ses_pump(e, 0, SIZE_MAX, NULL), POISE_OK);
	assert_true(s.samples > before);
	assert_int_equal(ses_reconnect(e, NULL), POISE_E_STATE); /* not lost */
	ses_destroy(e);
}

static void the_live_history_keeps_the_last_seconds(void **state)
{
	(void)state;
	fake_source *f = fake_new(100);
	f->x_mm = 12;
	f->y_mm = -7;
	ses_engine *e = engine_on(f);
	ses_history *h;
	assert_int_equal(ses_history_create(&h, 2.0, 100), POISE_OK);
	ses_attach(e, ses_history_consumer(h));
	ses_start(e);
	for (int i = 0; i < 5; i++)
		ses_pump(e, 0, SIZE_MAX, NULL);
	assert_int_equal(ses_history_count(h), 201); /* 2 s at 100 Hz, and one */
	assert_int_equal(ses_history_total(h), 500);
	const ses_point *p = ses_history_at(h, 0);
	assert_true(p->valid);
	assert_true(ses_history_on_plate(h));
	assert_double_equal(p->x_mm, 12, 0.5); /* display-filtered, settled */
	assert_double_equal(p->y_mm, -7, 0.5);
	assert_double_equal(ses_history_fz_n(h), 70 * 9.80665, 0.01);
	assert_true(ses_history_at(h, 0)->t_us > ses_history_at(h, 1)->t_us);
	ses_destroy(e);
	ses_history_destroy(h);
}

/* ---- games on the road ----------------------------------------------- */

/* Drives the game consumer by hand with the samples of a person who
 * leans toward where the game wants (the game's intent), 100 Hz. */
static void play_scripted(ses_game *g, cop_sample *keep, size_t cap, size_t *n_keep, size_t max)
{
	ses_consumer *c = ses_game_consumer(g);
	double x = 0, y = 0;
	for (size_t i = 0; i < max && !ses_game_done(g); i++) {
		double tx, ty;
		ses_game_intent_mm(g, &tx, &ty);
		x += 0.08 * (tx - x);
		y += 0.08 * (ty - y);
		cop_sample s = {.t_us = 1000000 + (mono_us)i * 10000, .flags = SAMPLE_ON_PLATE, .x_mm = x, .y_mm = y,
		                .xf_mm = NAN, .yf_mm = NAN, .fz_n = 686};
		if (i >= 1500 && i < 1700) /* a step off in the middle */
			s.flags = SAMPLE_NO_COP, s.x_mm = s.y_mm = NAN, s.fz_n = 5;
		assert_int_equal(c->ops->sample(c, &s), POISE_OK);
		if (keep && *n_keep < cap)
			keep[(*n_keep)++] = s;
	}
}

static int count_events(void *ctx, mono_us t_us, const game_event *e)
{
	(void)t_us, (void)e;
	(*(int *)ctx)++;
	return POISE_OK;
}

static void a_game_advances_by_sample_time_and_replays_from_its_samples(void **state)
{
	(void)state;
	const struct game_ops *ops = game_find("reach");
	ses_game_cfg gc;
	ses_game_cfg_default(&gc, ops, 100);
	gc.game.duration_s = 30;
	gc.game.seed = 42;
	int n_ev1 = 0, n_ev2 = 0;
	gc.on_event = count_events;
	gc.ctx = &n_ev1;
	ses_game *g1, *g2;
	assert_int_equal(ses_game_create(&g1, &gc), POISE_OK);
	size_t cap = 8000, n = 0;
	cop_sample *kept = calloc(cap, sizeof *kept);
	play_scripted(g1, kept, cap, &n, cap);
	assert_true(ses_game_done(g1));
	/* 2 s to find the centre, 30 s of play, 2 s off the plate and 3 s of
	 * countdown back on it: 3700 samples of 10 ms, give or take the last
	 * tick. */
	assert_true(n >= 3698 && n <= 3702);
	game_result r1, r2;
	met_static s1, s2;
	bool h1, h2;
	ses_game_result(g1, &r1, &s1, &h1);
	assert_double_equal(r1.play_time_s, 30, 0.01);
	assert_true(r1.hits > 3);
	assert_true(h1);
	/* Sway while playing: the playing samples only, not the centre
	 * finding, not the 2 s off the plate nor the countdown. */
	assert_true(ses_game_sway_samples(g1) >= 2990 && ses_game_sway_samples(g1) <= 3001);
	/* The same samples through a new game: the same game, bit for bit. */
	gc.ctx = &n_ev2;
	assert_int_equal(ses_game_create(&g2, &gc), POISE_OK);
	ses_consumer *c2 = ses_game_consumer(g2);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(c2->ops->sample(c2, &kept[i]), POISE_OK);
	assert_true(ses_game_done(g2));
	ses_game_result(g2, &r2, &s2, &h2);
	assert_memory_equal(&r1, &r2, sizeof r1);
	assert_memory_equal(&s1, &s2, sizeof s1);
	assert_int_equal(n_ev1, n_ev2);
	assert_true(n_ev1 > 10);
	ses_game_destroy(g1);
	ses_game_destroy(g2);
	free(kept);
}

/* ---- on a real database ----------------------------------------------- */

typedef struct db_fixture {
	char *dir;
	store *s;
	store_patient p;
} db_fixture;

static int db_setup(void **state)
{
	db_fixture *f = calloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	char path[600], msg[512];
	snprintf(path, sizeof path, "%s/s.db", f->dir);
	if (store_open(&f->s, path, 0, msg, sizeof msg)) {
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	snprintf(f->p.code, sizeof f->p.code, "S-1");
	f->p.height_cm = 180;
	if (store_patient_add(f->s, &f->p, &f->p.id))
		return -1;
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	db_fixture *f = *state;
	store_close(f->s);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

static void a_played_game_is_stored_and_replays_the_same(void **state)
{
	db_fixture *f = *state;
	fake_source *src = fake_new(16);
	ses_engine *e = engine_on(src);
	int64_t sid;
	assert_int_equal(train_sitting_begin(f->s, f->p.id, ses_device(e), "T", NULL, &sid), POISE_OK);
	train_plan plan;
	assert_int_equal(train_plan_load(f->s, &f->p, game_find("stillwater"), false, &plan), POISE_OK);
	/* A 180 cm patient's game space is larger than the default 170 cm. */
	los_model def;
	los_default(&def, 0);
	assert_true(plan.los.limit_mm[LOS_N] > def.limit_mm[LOS_N]);
	ses_play_cfg pc = {.db = f->s, .session_id = sid};
	train_game_cfg(&plan, game_find("stillwater"), ses_sample_rate_hz(e), &pc.game);
	pc.game.game.duration_s = 10;
	pc.game.game.seed = 9;
	ses_play *p;
	assert_int_equal(ses_play_create(&p, &pc), POISE_OK);
	assert_int_equal(ses_attach(e, ses_play_consumer(p)), POISE_OK);
	ses_start(e);
	while (!ses_play_done(p)) {
		/* The person leans a little each turn, to make a game of it. */
		src->x_mm = 3 * sin((double)src->seq / 50.0);
		assert_int_equal(ses_pump(e, 0, 16, NULL), POISE_OK);
	}
	ses_play_result r;
	assert_int_equal(ses_play_finish(p, STORE_COMPLETE, &r), POISE_OK);
	assert_true(r.trial_id > 0);
	assert_true(r.have_sway);
	ses_detach(e, ses_play_consumer(p));
	ses_play_destroy(p);
	ses_destroy(e);
	store_trial t;
	assert_int_equal(store_trial_get(f->s, r.trial_id, &t), POISE_OK);
	assert_int_equal(t.status, STORE_COMPLETE);
	assert_string_equal(t.kind, "game:stillwater");
	/* The stored sway is the play's own (one definition). */
	store_metric *m;
	size_t nm;
	assert_int_equal(store_metrics(f->s, r.trial_id, &m, &nm), POISE_OK);
	bool found = false;
	for (size_t i = 0; i < nm; i++)
		if (strcmp(m[i].name, "mean_velocity_mm_s") == 0) {
			found = true;
			assert_true(m[i].value == r.sway.mean_velocity_mm_s);
		}
	assert_true(found);
	free(m);
	ses_replay rp;
	char msg[256];
	assert_int_equal(ses_replay_run(f->s, r.trial_id, &rp, msg, sizeof msg), POISE_OK);
	if (rp.differences)
		fail_msg("replay differs: %s", rp.first_difference);
	assert_memory_equal(&rp.result, &r.result, offsetof(game_result, path_efficiency));
	assert_true(rp.n_events > 0);
	assert_int_equal(rp.n_events, rp.n_stored_events);
	ses_replay_free(&rp);
	/* The next play on a real plate starts from this one; a demonstration
	 * on the simulated plate never moves the patient's progression. */
	train_plan real, sim;
	assert_int_equal(train_plan_load(f->s, &f->p, game_find("stillwater"), false, &real), POISE_OK);
	assert_int_equal(train_plan_load(f->s, &f->p, game_find("stillwater"), true, &sim), POISE_OK);
	assert_int_equal(real.n_prev, 1);
	assert_int_equal(real.prev[0].level_end, r.result.level_end);
	assert_int_equal(sim.n_prev, 0);
	assert_int_equal(sim.game.level, 1);
	/* A quiet-stance trial is not a game: a clear refusal. */
	int64_t tid;
	assert_int_equal(store_trial_begin(f->s, sid, "quiet-eo", NULL, NULL, 100, &tid), POISE_OK);
	assert_int_equal(ses_replay_run(f->s, tid, &rp, msg, sizeof msg), POISE_E_UNSUPPORTED);
	assert_non_null(strstr(msg, "not a game"));
}

static void a_failing_recorder_never_stops_the_game(void **state)
{
	db_fixture *f = *state;
	fake_source *src = fake_new(16);
	ses_engine *e = engine_on(src);
	int64_t sid;
	assert_int_equal(train_sitting_begin(f->s, f->p.id, ses_device(e), NULL, NULL, &sid), POISE_OK);
	ses_play_cfg pc = {.db = f->s, .session_id = sid};
	ses_game_cfg_default(&pc.game, game_find("tracking"), 100);
	pc.game.game.duration_s = 5;
	/* A session that does not exist: the trial row cannot be written. */
	pc.session_id = 999999;
	ses_play *p;
	assert_int_equal(ses_play_create(&p, &pc), POISE_OK);
	ses_attach(e, ses_play_consumer(p));
	ses_start(e);
	while (!ses_play_done(p))
		assert_int_equal(ses_pump(e, 0, 16, NULL), POISE_OK);
	assert_int_not_equal(ses_play_record_error(p), POISE_OK);
	assert_int_equal(ses_play_consumer(p)->err, POISE_OK); /* the game went on */
	ses_play_result r;
	ses_play_finish(p, STORE_COMPLETE, &r);
	assert_double_equal(r.result.play_time_s, 5, 0.01);
	assert_int_equal(r.trial_id, 0);
	ses_detach(e, ses_play_consumer(p));
	ses_play_destroy(p);
	ses_destroy(e);
}

static void a_recording_waits_for_the_plate_and_ends_when_the_plate_goes(void **state)
{
	db_fixture *f = *state;
	fake_source *src = fake_new(20);
	src->until_lost = 400; /* 4 s of data, then the plate is gone */
	ses_engine *e = engine_on(src);
	int64_t sid;
	assert_int_equal(train_sitting_begin(f->s, f->p.id, ses_device(e), NULL, NULL, &sid), POISE_OK);
	ses_record_cfg rc = {.writer = {.db = f->s, .session_id = sid, .kind = "quiet-eo", .rate_hz = 100},
	                     .seconds = 30, .wait_s = 10};
	ses_record *r;
	assert_int_equal(ses_record_create(&r, &rc), POISE_OK);
	ses_attach(e, ses_record_consumer(r));
	ses_start(e);
	test_clock_us = 0;
	while (ses_record_phase(r) != SES_REC_DONE) {
		ses_pump(e, 0, SIZE_MAX, NULL);
		ses_record_tick(r, test_clock_us += 10000);
	}
	assert_int_equal(ses_record_end_reason(r), SES_REC_END_DEVICE_LOST);
	assert_int_equal(ses_record_device_error(r), POISE_E_DISCONNECTED);
	assert_int_equal(ses_record_status(r), STORE_DEVICE_LOST);
	met_static m;
	bool have;
	assert_int_equal(ses_record_finish(r, &m, &have), POISE_OK);
	int64_t tid = ses_writer_trial_id(ses_record_writer(r));
	store_trial t;
	assert_int_equal(store_trial_get(f->s, tid, &t), POISE_OK);
	assert_int_equal(t.status, STORE_DEVICE_LOST);
	/* Every sample from the step on (after the 0.3 s debounce) to the
	 * last frame is kept. */
	if (t.n_samples < 369 || t.n_samples > 371)
		fail_msg("%lld samples kept of 370", (long long)t.n_samples);
	store_event *ev;
	size_t ne;
	assert_int_equal(store_events(f->s, tid, &ev, &ne), POISE_OK);
	bool lost = false;
	for (size_t i = 0; i < ne; i++)
		lost |= strcmp(ev[i].kind, "device-lost") == 0;
	assert_true(lost); /* the log says where the data stopped */
	free(ev);
	ses_destroy(e);
	ses_record_destroy(r);
	/* A plate that sends nothing at all: waiting gives up on the host
	 * clock. */
	src = fake_new(20);
	src->until_silent = 0;
	e = engine_on(src);
	rc.wait_s = 2;
	assert_int_equal(ses_record_create(&r, &rc), POISE_OK);
	ses_attach(e, ses_record_consumer(r));
	ses_start(e);
	test_clock_us = 0;
	int turns = 0;
	while (ses_record_phase(r) != SES_REC_DONE && turns < 1000) {
		ses_pump(e, 0, SIZE_MAX, NULL);
		ses_record_tick(r, test_clock_us += 100000);
		turns++;
	}
	assert_int_equal(ses_record_end_reason(r), SES_REC_END_NOBODY);
	assert_true(turns <= 21); /* 2 s of host time */
	assert_int_equal(ses_record_finish(r, NULL, NULL), POISE_E_STATE); /* nothing recorded */
	ses_destroy(e);
	ses_record_destroy(r);
}

/* The game space is the patient's: at the same level, a 180 cm patient's
 * Reach targets lie farther out on the plate than a 150 cm patient's. */
static double first_target_mm(db_fixture *f, double height_cm)
{
	store_patient p = {.height_cm = height_cm};
	snprintf(p.code, sizeof p.code, "H%.0f", height_cm);
	assert_int_equal(store_patient_add(f->s, &p, &p.id), POISE_OK);
	const struct game_ops *ops = game_find("reach");
	train_plan plan;
	assert_int_equal(train_plan_load(f->s, &p, ops, false, &plan), POISE_OK);
	ses_game_cfg gc;
	train_game_cfg(&plan, ops, 100, &gc);
	gc.game.level = 5;
	gc.game.seed = 3;
	gc.run.settle_s = 0; /* the centre at the plate's centre */
	ses_game *g;
	assert_int_equal(ses_game_create(&g, &gc), POISE_OK);
	ses_consumer *c = ses_game_consumer(g);
	const reach_game *rg = (const reach_game *)ses_game_runner(g)->g;
	double best = 0;
	for (int i = 0; i < 400 && best == 0; i++) { /* the first outward target */
		cop_sample s = {.t_us = (mono_us)i * 10000, .flags = SAMPLE_ON_PLATE, .fz_n = 600};
		assert_int_equal(c->ops->sample(c, &s), POISE_OK);
		if (rg->index > 0 && hypot(rg->tx, rg->ty) > 0.2) {
			double x, y;
			los_to_mm(&ses_game_runner(g)->los, rg->tx, rg->ty, &x, &y);
			best = hypot(x, y);
		}
	}
	ses_game_destroy(g);
	return best;
}

static void a_taller_patient_reaches_farther(void **state)
{
	db_fixture *f = *state;
	double tall = first_target_mm(f, 180), small = first_target_mm(f, 150);
	assert_true(small > 0);
	/* Same seed, same level, same direction: the distance scales with height. */
	assert_double_equal(tall / small, 180.0 / 150.0, 1e-9);
}

/* A board's scale correction from its known-mass checks is applied to
 * every session on that board (and only that board). */
static void a_plates_scale_correction_is_applied(void **state)
{
	db_fixture *f = *state;
	for (int k = 0; k < 3; k++) {
		fake_source *src = fake_new(100);
		snprintf(src->base.info.backend, sizeof src->base.info.backend, "%s", k == 2 ? "usb" : "wbb");
		snprintf(src->base.info.serial, sizeof src->base.info.serial, "B1");
		ses_engine *e = engine_on(src);
		assert_int_equal(store_setting_set(f->s, "scale.wbb.B1", k == 1 ? "garbage" : "1.1"), POISE_OK);
		assert_int_equal(store_setting_set(f->s, "scale.usb.B1", "1.1"), POISE_OK);
		double scale = 0;
		assert_int_equal(ses_station_apply_scale(f->s, e, &scale), k == 1 ? POISE_E_PARSE : POISE_OK);
		ses_history *h;
		assert_int_equal(ses_history_create(&h, 2, 100), POISE_OK);
		ses_attach(e, ses_history_consumer(h));
		ses_start(e);
		for (int i = 0; i < 5; i++)
			ses_pump(e, 0, SIZE_MAX, NULL);
		/* 70 kg read as 77 kg on the corrected board; a USB plate keeps
		 * its own calibration; a damaged value is not used. */
		double want = k == 0 ? 1.1 : 1.0;
		assert_double_equal(scale, k == 1 ? 1.0 : want, 1e-12);
		assert_double_equal(ses_history_fz_n(h), 70 * 9.80665 * want, 1e-6);
		ses_destroy(e);
		ses_history_destroy(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_sample_reaches_every_consumer_in_attach_order),
		cmocka_unit_test(a_failing_consumer_leaves_and_the_others_go_on),
		cmocka_unit_test(a_consumer_may_detach_another_mid_batch),
		cmocka_unit_test(a_silent_plate_is_noticed_and_the_rate_falls_to_zero),
		cmocka_unit_test(a_plate_lost_mid_trial_keeps_every_sample_and_can_come_back),
		cmocka_unit_test(the_live_history_keeps_the_last_seconds),
		cmocka_unit_test(a_game_advances_by_sample_time_and_replays_from_its_samples),
		cmocka_unit_test_setup_teardown(a_played_game_is_stored_and_replays_the_same, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(a_failing_recorder_never_stops_the_game, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(a_taller_patient_reaches_farther, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(a_plates_scale_correction_is_applied, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(a_recording_waits_for_the_plate_and_ends_when_the_plate_goes, db_setup,
		                                db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
