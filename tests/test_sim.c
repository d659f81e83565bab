/* The simulated plate: deterministic, plausible, steerable. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/analysis.h"
#include "core/cond.h"
#include "core/error.h"
#include "core/pipeline.h"
#include "device/device.h"
#include "device/sim.h"

static dev *open_sim(uint64_t seed, double rate)
{
	dev *d = NULL;
	dev_open_cfg cfg = {.seed = seed, .rate_hz = rate};
	assert_int_equal(sim_ops.open(&d, NULL, &cfg), POISE_OK);
	assert_int_equal(sim_ops.start(d), POISE_OK);
	return d;
}

static void read_n(dev *d, poise_frame *f, size_t n)
{
	size_t got;
	assert_int_equal(d->ops->read(d, f, n, &got, 0), POISE_OK);
	assert_int_equal(got, n);
}

static void same_seed_same_sway(void **state)
{
	(void)state;
	poise_frame *a = calloc(2000, sizeof *a), *b = calloc(2000, sizeof *b), *c = calloc(2000, sizeof *c);
	dev *d1 = open_sim(7, 100), *d2 = open_sim(7, 100), *d3 = open_sim(8, 100);
	read_n(d1, a, 2000);
	read_n(d2, b, 2000);
	read_n(d3, c, 2000);
	int differ = 0;
	for (size_t i = 0; i < 2000; i++) {
		assert_memory_equal(a[i].force_n, b[i].force_n, sizeof a[i].force_n);
		assert_int_equal(a[i].seq, i);
		differ += a[i].force_n[0] != c[i].force_n[0];
	}
	assert_true(differ > 1900);
	dev_close(d1), dev_close(d2), dev_close(d3);
	free(a), free(b), free(c);
}

static void timestamps_are_even_at_the_chosen_rate(void **state)
{
	(void)state;
	double rates[] = {100, 1000, 60};
	for (size_t k = 0; k < 3; k++) {
		dev *d = open_sim(1, rates[k]);
		poise_frame f[500];
		read_n(d, f, 500);
		for (size_t i = 1; i < 500; i++) {
			double dt = (double)(f[i].t_us - f[i - 1].t_us);
			assert_double_equal(dt, 1e6 / rates[k], 1.0);
		}
		dev_close(d);
	}
}

/* Runs the sim for secs through the default pipeline and returns the
 * metrics of the on-plate part. */
static met_static quiet_metrics_in(uint64_t seed, double secs, const dev_posture *pos)
{
	dev *d = open_sim(seed, 100);
	if (pos)
		assert_int_equal(d->ops->posture(d, pos), POISE_OK);
	pl_cfg pc;
	pl_cfg_default(&pc, &d->info.plate, 100);
	pipeline *pl;
	assert_int_equal(pl_create(&pl, &pc), POISE_OK);
	cop_sample *out = calloc(pl_max_out(pl), sizeof *out);
	size_t cap = (size_t)(secs * 100) + 10, n = 0;
	double *t = malloc(cap * sizeof *t), *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
	for (size_t k = 0; k < (size_t)(secs * 100); k++) {
		poise_frame f;
		read_n(d, &f, 1);
		size_t m = pl_push(pl, &f, out);
		for (size_t i = 0; i < m; i++)
			if ((out[i].flags & SAMPLE_ON_PLATE) && n < cap) {
				t[n] = (double)out[i].t_us * 1e-6;
				x[n] = out[i].x_mm;
				y[n] = out[i].y_mm;
				n++;
			}
	}
	ana_cfg ac;
	ana_cfg_default(&ac);
	met_static m;
	assert_int_equal(ana_static_metrics(t, x, y, n, &ac, &m), POISE_OK);
	free(t), free(x), free(y), free(out);
	pl_destroy(pl);
	dev_close(d);
	return m;
}

static met_static quiet_metrics(uint64_t seed, double secs)
{
	return quiet_metrics_in(seed, secs, NULL);
}

static void quiet_stance_looks_like_a_person(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		met_static m = quiet_metrics(seed, 60);
		/* Quiet stance, 70 kg adult: RMS distance ≈ 3–8 mm, mean velocity
		 * ≈ 8–20 mm/s, AP sway larger than ML with the feet together. */
		if (m.rms_distance_mm < 3 || m.rms_distance_mm > 8 || m.mean_velocity_mm_s < 8 ||
		    m.mean_velocity_mm_s > 20 || m.rms_ap_mm < m.rms_ml_mm)
			fail_msg("seed %d: RMS %.2f mm (ML %.2f, AP %.2f), velocity %.2f mm/s", (int)seed,
			         m.rms_distance_mm, m.rms_ml_mm, m.rms_ap_mm, m.mean_velocity_mm_s);
		assert_true(fabs(m.mean_ml_mm) < 10 && fabs(m.mean_ap_mm) < 10);
	}
}

/* Narrow stances sway more sideways, foam and closed eyes more in both
 * directions, the seated trunk less; seated, 70 % of the weight is on the
 * plate. */
static void the_posture_changes_the_sway(void **state)
{
	(void)state;
	met_static st = quiet_metrics(4, 60);
	dev_posture tandem = {.stance = COND_TANDEM}, foam_ec = {.foam = true, .eyes_closed = true},
	            seated = {.stance = COND_SEATED};
	met_static tn = quiet_metrics_in(4, 60, &tandem), fe = quiet_metrics_in(4, 60, &foam_ec),
	           se = quiet_metrics_in(4, 60, &seated);
	assert_true(tn.rms_ml_mm > 1.4 * st.rms_ml_mm);
	assert_true(fe.mean_velocity_mm_s > 1.5 * st.mean_velocity_mm_s);
	assert_true(se.mean_velocity_mm_s < 0.7 * st.mean_velocity_mm_s);
	dev *d = NULL;
	dev_open_cfg cfg = {.seed = 3, .body_mass_kg = 80};
	assert_int_equal(sim_ops.open(&d, NULL, &cfg), POISE_OK);
	sim_ops.start(d);
	sim_ops.posture(d, &seated);
	poise_frame f[300];
	read_n(d, f, 100); /* sitting down takes 0.4 s */
	read_n(d, f, 300);
	double sum = 0;
	for (int i = 0; i < 300; i++)
		sum += f[i].force_n[0] + f[i].force_n[1] + f[i].force_n[2] + f[i].force_n[3];
	assert_double_equal(sum / 300, 0.7 * 80 * 9.81, 3.0);
	dev_close(d);
}

static void the_simulated_person_answers_at_the_error_rate(void **state)
{
	(void)state;
	dev *d = NULL, *never = NULL;
	dev_open_cfg cfg = {.seed = 5, .answer_error_rate = 0.2}, perfect = {.seed = 5, .answer_error_rate = -1};
	assert_int_equal(sim_ops.open(&d, NULL, &cfg), POISE_OK);
	assert_int_equal(sim_ops.open(&never, NULL, &perfect), POISE_OK);
	int wrong = 0, n = 5000;
	for (int p = 1; p <= n; p++) {
		int a = sim_ops.answer(d, (uint32_t)p, 3);
		assert_true(a >= 0 && a <= 2);
		assert_int_equal(sim_ops.answer(d, (uint32_t)p, 3), a); /* asked again: the same */
		wrong += a != 0;
		assert_int_equal(sim_ops.answer(never, (uint32_t)p, 3), 0);
	}
	assert_double_equal((double)wrong / n, 0.2, 0.02);
	dev_close(d);
	dev_close(never);
}

static void body_weight_is_on_the_plate(void **state)
{
	(void)state;
	dev *d = NULL;
	dev_open_cfg cfg = {.seed = 3, .body_mass_kg = 82};
	assert_int_equal(sim_ops.open(&d, NULL, &cfg), POISE_OK);
	sim_ops.start(d);
	poise_frame f[1000];
	read_n(d, f, 1000);
	double sum = 0;
	for (int i = 0; i < 1000; i++)
		sum += f[i].force_n[0] + f[i].force_n[1] + f[i].force_n[2] + f[i].force_n[3];
	assert_double_equal(sum / 1000, 82 * 9.81, 2.0);
	dev_close(d);
}

static void steering_shifts_the_weight_to_the_target(void **state)
{
	(void)state;
	dev *d = open_sim(5, 100);
	poise_frame f[400];
	read_n(d, f, 100);
	dev_steer st = {.x_mm = 60, .y_mm = -40, .on_plate = true, .active = true};
	assert_int_equal(d->ops->steer(d, &st), POISE_OK);
	read_n(d, f, 300); /* 3 s to get there */
	read_n(d, f, 100);
	double mx = 0, my = 0;
	for (int i = 0; i < 100; i++) {
		cop_point p;
		assert_int_equal(cop_from_forces(&d->info.plate, f[i].force_n, 20, &p), POISE_OK);
		mx += p.x_mm / 100;
		my += p.y_mm / 100;
	}
	assert_double_equal(mx, 60, 8);
	assert_double_equal(my, -40, 8);
	dev_close(d);
}

static void stepping_off_empties_the_plate(void **state)
{
	(void)state;
	dev *d = open_sim(2, 100);
	poise_frame f[100];
	dev_steer st = {.on_plate = false};
	d->ops->steer(d, &st);
	read_n(d, f, 100);
	double fz = f[99].force_n[0] + f[99].force_n[1] + f[99].force_n[2] + f[99].force_n[3];
	assert_true(fabs(fz) < 5);
	st.on_plate = true;
	d->ops->steer(d, &st);
	read_n(d, f, 100);
	fz = f[99].force_n[0] + f[99].force_n[1] + f[99].force_n[2] + f[99].force_n[3];
	assert_double_equal(fz, 70 * 9.81, 10);
	dev_close(d);
}

/* Eyes closed and foam: more sway, in the order the mCTSIB expects. */
static void eyes_closed_and_foam_sway_more(void **state)
{
	(void)state;
	double v[4] = {0};
	for (uint64_t seed = 1; seed <= 3; seed++)
		for (int c = 0; c < 4; c++) {
			dev_posture p = {.eyes_closed = c & 1, .foam = c >= 2};
			v[c] += quiet_metrics_in(seed, 30, &p).mean_velocity_mm_s / 3;
		}
	/* Romberg quotient ≈ 1.5 on firm ground; foam ≈ 1.5–2.5 times firm */
	if (!(v[1] / v[0] > 1.2 && v[1] / v[0] < 1.9 && v[2] / v[0] > 1.3 && v[2] / v[0] < 2.6 && v[3] > v[2] &&
	      v[3] > v[1]))
		fail_msg("velocities firm EO %.1f, EC %.1f, foam EO %.1f, EC %.1f mm/s", v[0], v[1], v[2], v[3]);
}

static double frame_fz(const poise_frame *f)
{
	return f->force_n[0] + f->force_n[1] + f->force_n[2] + f->force_n[3];
}

/* Seated: a quarter of the weight on the plate; standing up: the force
 * overshoots body weight, as a real rise does, after the reaction time. */
static void sitting_and_standing_up(void **state)
{
	(void)state;
	dev *d = open_sim(4, 100);
	poise_frame *f = calloc(600, sizeof *f);
	double w = 70 * 9.81;
	dev_posture p = {.body = DEV_SIT};
	d->ops->posture(d, &p);
	read_n(d, f, 400);
	assert_double_equal(frame_fz(&f[399]), 0.25 * w, 0.03 * w);
	p.body = DEV_STAND;
	d->ops->posture(d, &p);
	read_n(d, f, 600);
	assert_true(frame_fz(&f[20]) < 0.3 * w); /* the reaction time */
	double peak = 0;
	int seat_off = -1;
	for (int i = 0; i < 600; i++) {
		peak = fmax(peak, frame_fz(&f[i]));
		if (seat_off < 0 && frame_fz(&f[i]) >= w)
			seat_off = i;
	}
	if (!(peak > 1.08 * w && peak < 1.25 * w && seat_off > 40 && seat_off < 120))
		fail_msg("rise: peak %.0f %% of body weight, seat-off after %d ms", peak / w * 100, seat_off * 10);
	assert_double_equal(frame_fz(&f[599]), w, 0.03 * w);
	/* a squat: the force dips, then overshoots, then holds the weight */
	p.body = DEV_SQUAT;
	d->ops->posture(d, &p);
	read_n(d, f, 600);
	double lo = INFINITY, hi = 0;
	for (int i = 0; i < 300; i++) {
		lo = fmin(lo, frame_fz(&f[i]));
		hi = fmax(hi, frame_fz(&f[i]));
	}
	if (!(lo < 0.9 * w && hi > 1.05 * w))
		fail_msg("squat: force from %.0f to %.0f %% of body weight", lo / w * 100, hi / w * 100);
	assert_double_equal(frame_fz(&f[599]), w, 0.03 * w);
	free(f);
	dev_close(d);
}

static void realtime_frames_are_never_from_the_future(void **state)
{
	(void)state;
	dev *d = NULL;
	dev_open_cfg cfg = {.seed = 1, .realtime = true};
	assert_int_equal(sim_ops.open(&d, NULL, &cfg), POISE_OK);
	sim_ops.start(d);
	size_t total = 0;
	while (total < 20) {
		poise_frame f[8];
		size_t n;
		assert_int_equal(d->ops->read(d, f, 8, &n, 100), POISE_OK);
		mono_us now = dev_now_us();
		for (size_t i = 0; i < n; i++)
			assert_true(f[i].t_us <= now);
		total += n;
	}
	sim_ops.stop(d);
	size_t n;
	poise_frame f;
	assert_int_equal(d->ops->read(d, &f, 1, &n, 10), POISE_E_STATE);
	dev_close(d);
}

static void registry_finds_the_sim(void **state)
{
	(void)state;
	assert_ptr_equal(dev_backend("sim"), &sim_ops);
	assert_null(dev_backend("nope"));
	dev *d = NULL;
	char msg[256];
	dev_open_cfg cfg = {0};
	assert_int_equal(dev_open_spec(&d, "auto", &cfg, msg, sizeof msg), POISE_OK);
	assert_string_equal(d->info.backend, "sim");
	dev_close(d);
	assert_int_equal(dev_open_spec(&d, "floppy", &cfg, msg, sizeof msg), POISE_E_NOT_FOUND);
	assert_non_null(strstr(msg, "unknown device 'floppy'"));
	assert_non_null(strstr(msg, "sim"));
	assert_int_equal(dev_open_spec(&d, "sim:nonesuch", &cfg, msg, sizeof msg), POISE_E_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_sway),
		cmocka_unit_test(timestamps_are_even_at_the_chosen_rate),
		cmocka_unit_test(quiet_stance_looks_like_a_person),
		cmocka_unit_test(body_weight_is_on_the_plate),
		cmocka_unit_test(the_posture_changes_the_sway),
		cmocka_unit_test(the_simulated_person_answers_at_the_error_rate),
		cmocka_unit_test(steering_shifts_the_weight_to_the_target),
		cmocka_unit_test(stepping_off_empties_the_plate),
		cmocka_unit_test(eyes_closed_and_foam_sway_more),
		cmocka_unit_test(sitting_and_standing_up),
		cmocka_unit_test(realtime_frames_are_never_from_the_future),
		cmocka_unit_test(registry_finds_the_sim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
