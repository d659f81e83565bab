/* The training conditions (names, ladders, bases of support) and the
 * sonification of the centre of pressure (the COP → pitch and pan
 * mapping, and the synthesiser's output measured from its samples). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/cond.h"
#include "core/error.h"
#include "core/sonify.h"

static void every_name_parses_back_and_the_usage_lists_them(void **state)
{
	(void)state;
	char names[256] = "";
	for (int i = 0; i < COND_STANCE_COUNT; i++) {
		int v = -1;
		assert_true(cond_stance_parse(cond_stance_name(i), &v));
		assert_int_equal(v, i);
		strcat(names, i ? "|" : "");
		strcat(names, cond_stance_name(i));
	}
	assert_string_equal(names, cond_stance_names());
	names[0] = 0;
	for (int i = 0; i < COND_DUAL_COUNT; i++) {
		int v = -1;
		assert_true(cond_dual_parse(cond_dual_name(i), &v));
		assert_int_equal(v, i);
		strcat(names, i ? "|" : "");
		strcat(names, cond_dual_name(i));
	}
	assert_string_equal(names, cond_dual_names());
	for (int i = 0; i < COND_VISUAL_COUNT; i++) {
		int v = -1;
		assert_true(cond_visual_parse(cond_visual_name(i), &v) && v == i);
	}
	int v = 7;
	assert_false(cond_stance_parse("sitting", &v));
	assert_int_equal(v, 7);
	assert_string_equal(cond_stance_name(99), "?");
	cond_set c = {0};
	assert_true(cond_is_plain(&c) && cond_valid(&c));
	c.head_turn_s = 0.5; /* too fast to follow */
	assert_false(cond_valid(&c));
	char json[512];
	c = (cond_set){.stance = COND_TANDEM, .surface = COND_FOAM, .dual_task = COND_DUAL_COUNT_BACK,
	               .eyes_closed = true, .audio_feedback = true};
	assert_int_equal(cond_json_members(&c, json, sizeof json), POISE_OK);
	assert_non_null(strstr(json, "\"stance\": \"tandem\""));
	assert_non_null(strstr(json, "\"dual_task\": \"count-back\""));
	assert_non_null(strstr(json, "\"audio_feedback\": true"));
	assert_int_equal(cond_json_members(&c, json, 20), POISE_E_RANGE);
	assert_non_null(strstr(cond_visual_warning(), "motion sickness"));
}

static void a_ladder_changes_one_thing_per_rung(void **state)
{
	(void)state;
	const char *lad = "feet-together,tandem,eyes-closed,count-back";
	assert_int_equal(cond_ladder_count(lad, NULL), 4);
	const char *bad = NULL;
	assert_int_equal(cond_ladder_count("tandem,cartwheel", &bad), -1);
	assert_string_equal(bad, "cartwheel");
	assert_int_equal(cond_ladder_count("a,b,c,d,e,f,g,h,i", NULL), -1);
	cond_set base = {.surface = COND_FOAM}, c;
	cond_ladder_rung(&base, lad, 0, &c);
	assert_memory_equal(&c, &base, sizeof c);
	cond_ladder_rung(&base, lad, 2, &c);
	assert_int_equal(c.stance, COND_TANDEM);
	assert_int_equal(c.surface, COND_FOAM);
	assert_false(c.eyes_closed);
	cond_ladder_rung(&base, lad, 4, &c);
	assert_true(c.eyes_closed && c.audio_feedback);
	assert_int_equal(c.dual_task, COND_DUAL_COUNT_BACK);
	cond_ladder_rung(&base, lad, 99, &c); /* past the end: the last rung */
	assert_int_equal(c.dual_task, COND_DUAL_COUNT_BACK);
	/* The motor condition ignores only the dual task. */
	cond_set d = c;
	d.dual_task = COND_DUAL_NONE;
	assert_true(cond_same_motor(&c, &d));
	d.stance = COND_SEATED;
	assert_false(cond_same_motor(&c, &d));
}

static void narrow_stances_shrink_the_base_of_support(void **state)
{
	(void)state;
	double prev_ml = 2, ml, fwd, back;
	const int narrowing[] = {COND_STANDING, COND_FEET_TOGETHER, COND_TANDEM, COND_SINGLE_LEFT};
	for (size_t i = 0; i < 4; i++) {
		cond_support_scale(narrowing[i], &ml, &fwd, &back);
		assert_true(ml < prev_ml);
		assert_true(fwd > 0 && fwd <= 1 && back > 0 && back <= 1);
		prev_ml = ml;
	}
	cond_support_scale(COND_STANDING, &ml, &fwd, &back);
	assert_true(ml == 1 && fwd == 1 && back == 1);
	assert_double_equal(cond_load_fraction(COND_SEATED), 0.7, 0);
	assert_double_equal(cond_load_fraction(COND_TANDEM), 1.0, 0);
}

/* ---- sonification --------------------------------------------------- */

static void cop_maps_to_pitch_and_pan(void **state)
{
	(void)state;
	son_voice v;
	son_map_voice(0, 0, 1, &v); /* the centre: A4, both ears alike */
	assert_double_equal(v.freq_hz, 440, 1e-9);
	assert_double_equal(v.gain_l, v.gain_r, 1e-12);
	assert_double_equal(v.gain_l * v.gain_l + v.gain_r * v.gain_r, 1, 1e-12); /* equal power */
	assert_double_equal(v.h2 + v.h3, 0, 0);
	son_map_voice(0, 0.5, 1, &v); /* half the LOS forward: one octave up */
	assert_double_equal(v.freq_hz, 880, 1e-9);
	son_map_voice(0, 1, 1, &v);
	assert_double_equal(v.freq_hz, 1760, 1e-9);
	son_map_voice(0, -1, 1, &v); /* the LOS back: two octaves down */
	assert_double_equal(v.freq_hz, 110, 1e-9);
	son_map_voice(0, 5, 1, &v); /* past the limit: clamped */
	assert_double_equal(v.freq_hz, 440 * exp2(SON_Y_MAX / SON_LOS_PER_OCTAVE), 1e-9);
	son_map_voice(1, 0, 1, &v); /* fully right: right ear only, bright */
	assert_double_equal(v.gain_l, 0, 1e-12);
	assert_double_equal(v.gain_r, 1, 1e-12);
	assert_double_equal(v.h2, 0.5, 0);
	assert_double_equal(v.h3, 0, 0);
	son_map_voice(-0.5, 0, 1, &v); /* half left: louder left, hollow */
	assert_double_equal(v.pan, -0.5, 0);
	assert_double_equal(v.gain_l, cos(M_PI / 8), 1e-12);
	assert_double_equal(v.gain_r, sin(M_PI / 8), 1e-12);
	assert_double_equal(v.h3, 0.25, 1e-12);
	assert_double_equal(v.h2, 0, 0);
	/* Pitch rises with every step forward; pan with every step right. */
	double prev_f = 0, prev_p = -2;
	for (double y = -1.2; y <= 1.2; y += 0.1) {
		son_map_voice(y, y, 1, &v);
		assert_true(v.freq_hz > prev_f);
		prev_f = v.freq_hz;
		if (y > -1 && y < 1)
			assert_true(v.pan > prev_p);
		prev_p = v.pan;
	}
	son_frame f;
	son_map(0.2, 0.1, NAN, NAN, &f);
	assert_true(f.on && !f.has_target);
	assert_double_equal(f.target.gain_l + f.target.gain_r, 0, 0); /* silent, but a pitch to glide from */
	son_map(0.2, 0.1, 0.2, 0.1, &f); /* on the target: unison */
	assert_true(f.has_target);
	assert_double_equal(f.cursor.freq_hz, f.target.freq_hz, 0);
	son_map(NAN, 0, NAN, NAN, &f);
	assert_false(f.on);
}

/* Zero crossings of one channel per second / 2: the frequency of a sine. */
static double zc_freq(const float *st, size_t n, int ch, double rate)
{
	int z = 0;
	for (size_t i = 1; i < n; i++)
		if ((st[2 * (i - 1) + ch] < 0) != (st[2 * i + ch] < 0))
			z++;
	return z / 2.0 / (n / rate);
}

static double rms(const float *st, size_t n, int ch)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)st[2 * i + ch] * st[2 * i + ch];
	return sqrt(s / n);
}

static void the_synthesiser_sounds_the_mapping(void **state)
{
	(void)state;
	const double rate = 48000;
	const size_t n = 48000; /* one second per position */
	float *buf = malloc(2 * n * sizeof *buf);
	son_synth s;
	son_synth_init(&s, rate);
	const struct {
		double x, y, f;
	} path[] = {{0, 0, 440}, {0, 0.5, 880}, {0, -0.5, 220}, {0.3, 0.25, 622.25}};
	for (size_t k = 0; k < 4; k++) {
		son_frame f;
		son_map(path[k].x, path[k].y, NAN, NAN, &f);
		son_synth_set(&s, &f);
		memset(buf, 0, 2 * n * sizeof *buf);
		son_synth_render(&s, buf, n);
		/* Skip the 5 ms glide: measure the last 0.9 s. */
		size_t skip = n / 10;
		double fl = zc_freq(buf + 2 * skip, n - skip, 0, rate);
		if (path[k].x == 0)
			assert_double_equal(fl, path[k].f, path[k].f * 0.01);
		double l = rms(buf + 2 * skip, n - skip, 0), r = rms(buf + 2 * skip, n - skip, 1);
		if (path[k].x == 0)
			assert_double_equal(l, r, 1e-3);
		else
			assert_true(r > 1.5 * l); /* right of centre: louder on the right */
		assert_true(l + r > 0.1);
	}
	/* Off the plate: silence within a few glide times. */
	son_frame off;
	son_map(NAN, NAN, NAN, NAN, &off);
	son_synth_set(&s, &off);
	memset(buf, 0, 2 * n * sizeof *buf);
	son_synth_render(&s, buf, n);
	assert_true(rms(buf + n, n / 2, 0) < 1e-6);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_name_parses_back_and_the_usage_lists_them),
		cmocka_unit_test(a_ladder_changes_one_thing_per_rung),
		cmocka_unit_test(narrow_stances_shrink_the_base_of_support),
		cmocka_unit_test(cop_maps_to_pitch_and_pan),
		cmocka_unit_test(the_synthesiser_sounds_the_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
