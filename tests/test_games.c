/* The games, headless, with scripted players. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/error.h"
#include "games/game.h"
#include "games/maze.h"
#include "games/reach.h"
#include "games/runner.h"
#include "games/slalom.h"
#include "games/stillwater.h"
#include "games/tracking.h"

typedef enum { STILL, PERFECT } player;

static game_cfg cfg_of(int level, uint64_t seed, double seconds)
{
	return (game_cfg){.level = level, .seed = seed, .duration_s = seconds, .los_min = 0, .los_max = 1};
}

/* Plays a game tick by tick: STILL keeps the cursor at the centre, PERFECT
 * puts it exactly where the game's intent says. */
static game_result play(const struct game_ops *ops, game_cfg c, player p)
{
	game *g;
	assert_int_equal(ops->create(&g, &c), POISE_OK);
	while (!game_finished(g)) {
		game_input in = {.present = true};
		if (p == PERFECT)
			ops->intent(g, &in.x, &in.y);
		game_step(g, &in);
	}
	game_result r;
	game_get_result(g, &r);
	game_destroy(g);
	return r;
}

static void reach_perfect_hits_everything(void **state)
{
	(void)state;
	game_result r = play(&reach_ops, cfg_of(5, 1, 60), PERFECT);
	assert_true(r.hits >= 15);
	assert_int_equal(r.misses, 0);
	assert_double_equal(r.score, 100, 0);
	/* jumping straight onto the target: reaction at the first tick, a
	 * perfectly straight path */
	assert_double_equal(r.reaction_time_s, 1.0 / GAME_TICK_HZ, 1e-9);
	assert_double_equal(r.path_efficiency, 1.0, 1e-9);
}

static void reach_still_cursor_scores_nothing(void **state)
{
	(void)state;
	game_result r = play(&reach_ops, cfg_of(5, 1, 60), STILL);
	assert_int_equal(r.hits, 0);
	assert_double_equal(r.score, 0, 0);
	assert_double_equal(r.time_in_target_s, 0, 0);
	/* level 5: 7.8 s per target after a 0.3 s hold at home */
	assert_int_equal(r.misses, (int)(60 / (game_level_lerp(5, 10, 5) + 0.3 + 1.0 / 120)));
	assert_true(isnan(r.reaction_time_s));
}

static void reach_covers_all_eight_directions_in_turn(void **state)
{
	(void)state;
	game *g;
	game_cfg c = cfg_of(1, 42, 300);
	assert_int_equal(reach_ops.create(&g, &c), POISE_OK);
	int seen = 0, targets = 0;
	while (targets < 8) {
		game_input in = {.present = true};
		reach_ops.intent(g, &in.x, &in.y);
		game_step(g, &in);
		game_event e;
		while (game_pop_event(g, &e))
			if (e.kind == GAME_EV_TARGET) {
				targets++;
				seen |= 1 << ((reach_game *)g)->dir;
				/* at the level-1 distance, 35 % LOS */
				reach_game *rg = (reach_game *)g;
				assert_double_equal(hypot(rg->tx, rg->ty), 0.35, 1e-9);
			}
	}
	assert_int_equal(seen, 0xff);
	game_destroy(g);
}

static void reach_distance_is_clamped_to_the_working_range(void **state)
{
	(void)state;
	game *g;
	game_cfg c = cfg_of(10, 3, 60);
	c.los_min = 0.4;
	c.los_max = 0.6;
	assert_int_equal(reach_ops.create(&g, &c), POISE_OK);
	for (int i = 0; i < 200; i++) {
		game_input in = {.present = true};
		reach_ops.intent(g, &in.x, &in.y);
		game_step(g, &in);
	}
	reach_game *rg = (reach_game *)g;
	assert_int_equal(rg->state, REACH_OUT);
	assert_double_equal(hypot(rg->tx, rg->ty), 0.6, 1e-9); /* 0.90 wanted */
	game_destroy(g);
}

static void tracking_perfect_tracker_scores_full_marks(void **state)
{
	(void)state;
	for (int level = 1; level <= 10; level += 3) {
		game *g;
		game_cfg c = cfg_of(level, 7, 60);
		assert_int_equal(tracking_ops.create(&g, &c), POISE_OK);
		while (!game_finished(g)) {
			tracking_game *tg = (tracking_game *)g;
			game_input in = {.present = true};
			tracking_target_at(&tg->p, tg->phase_t_s, &in.x, &in.y);
			game_step(g, &in);
		}
		game_result r;
		game_get_result(g, &r);
		assert_double_equal(r.score, 100, 1e-9);
		assert_double_equal(r.tracking_rms, 0, 1e-12);
		assert_double_equal(r.time_in_target_s, 60, 1e-6);
		assert_int_equal(r.misses, 0);
		tracking_params p;
		tracking_level_params(level, &p);
		assert_int_equal(r.hits, (int)(60 / p.period_s + 1e-9));
		game_destroy(g);
	}
}

static void tracking_still_cursor_has_the_paths_rms_error(void **state)
{
	(void)state;
	/* Level 4: a circle of radius 0.30 around the still cursor: the error
	 * is 0.30 at every instant, never inside the 0.12 target. */
	game_result r = play(&tracking_ops, cfg_of(4, 1, 40), STILL);
	assert_double_equal(r.tracking_rms, 0.30, 1e-9);
	assert_double_equal(r.score, 0, 0);
	assert_int_equal(r.hits, 0);
	assert_int_equal(r.misses, 4);
}

static void slalom_perfect_skier_passes_every_gate(void **state)
{
	(void)state;
	game_result r = play(&slalom_ops, cfg_of(10, 5, 60), PERFECT);
	assert_int_equal(r.misses, 0);
	assert_int_equal(r.hits, 30 - 2); /* 30 gates a minute, the first two spacings ahead */
	game_result s = play(&slalom_ops, cfg_of(10, 5, 60), STILL);
	assert_int_equal(s.hits, 0);
	assert_int_equal(s.misses, 28);
}

static void stillwater_calm_shrinks_the_ring(void **state)
{
	(void)state;
	game *g;
	game_cfg c = cfg_of(1, 1, 60);
	assert_int_equal(stillwater_ops.create(&g, &c), POISE_OK);
	while (!game_finished(g))
		game_step(g, &(game_input){0.01, -0.02, true});
	game_result r;
	game_get_result(g, &r);
	assert_double_equal(r.score, 100, 1e-9);
	assert_int_equal(r.hits, 15); /* one calm spell every 4 s */
	assert_int_equal(r.misses, 0);
	assert_double_equal(((stillwater_game *)g)->radius, 0.10, 1e-12); /* shrunk to the floor */
	game_destroy(g);
}

static void stillwater_leaving_the_ring_is_a_miss(void **state)
{
	(void)state;
	game *g;
	game_cfg c = cfg_of(1, 1, 30);
	assert_int_equal(stillwater_ops.create(&g, &c), POISE_OK);
	int tick = 0;
	while (!game_finished(g)) {
		/* 2 s inside, 1 s far outside, repeated */
		bool out = (tick % 360) >= 240;
		game_step(g, &(game_input){out ? 0.9 : 0, 0, true});
		tick++;
	}
	game_result r;
	game_get_result(g, &r);
	assert_int_equal(r.misses, 10);
	assert_int_equal(r.hits, 0); /* never 4 s calm */
	assert_double_equal(r.score, 100.0 * 20 / 30, 0.5);
	game_destroy(g);
}

static void maze_leaning_along_the_path_solves_mazes(void **state)
{
	(void)state;
	game_result r = play(&maze_ops, cfg_of(1, 9, 120), PERFECT);
	assert_true(r.hits >= 3);
	assert_int_equal(r.misses, 0);
	assert_true(r.path_efficiency > 0.5 && r.path_efficiency <= 1.0);
	game_result s = play(&maze_ops, cfg_of(1, 9, 120), STILL);
	assert_int_equal(s.hits, 0);
	assert_int_equal(s.misses, 1); /* 90 s per maze at level 1 */
}

static void maze_is_perfect_and_the_marble_stays_inside(void **state)
{
	(void)state;
	game *g;
	game_cfg c = cfg_of(10, 11, 30);
	assert_int_equal(maze_ops.create(&g, &c), POISE_OK);
	maze_game *m = (maze_game *)g;
	assert_int_equal(m->n, 8);
	/* A perfect maze on n² cells has exactly n² − 1 open inner walls. */
	int open = 0;
	for (int x = 0; x < m->n; x++)
		for (int y = 0; y < m->n; y++)
			open += !maze_wall(m, x, y, 0) + !maze_wall(m, x, y, 1);
	assert_int_equal(open, m->n * m->n - 1);
	/* Leaning hard into a corner for 30 s never leaves the board. */
	while (!game_finished(g)) {
		game_step(g, &(game_input){-1, -1, true});
		assert_true(m->px >= MARBLE_R - 1e-9 && m->py >= MARBLE_R - 1e-9);
	}
	game_destroy(g);
}

static void same_seed_same_game(void **state)
{
	(void)state;
	for (const struct game_ops *const *ops = game_list(); *ops; ops++) {
		game *a, *b, *c;
		game_cfg k = cfg_of(6, 123, 30), k2 = cfg_of(6, 124, 30);
		assert_int_equal((*ops)->create(&a, &k), POISE_OK);
		assert_int_equal((*ops)->create(&b, &k), POISE_OK);
		assert_int_equal((*ops)->create(&c, &k2), POISE_OK);
		int differ = 0;
		while (!game_finished(a)) {
			/* a wandering scripted player, the same for all three */
			double t = a->t_s;
			game_input in = {0.5 * sin(1.3 * t), 0.4 * cos(0.7 * t), true};
			game_step(a, &in);
			game_step(b, &in);
			game_step(c, &in);
			double xa, ya, xb, yb, xc, yc;
			(*ops)->intent(a, &xa, &ya);
			(*ops)->intent(b, &xb, &yb);
			(*ops)->intent(c, &xc, &yc);
			assert_true(xa == xb && ya == yb);
			differ += xa != xc || ya != yc;
		}
		game_result ra, rb;
		game_get_result(a, &ra);
		game_get_result(b, &rb);
		assert_int_equal(ra.hits, rb.hits);
		assert_int_equal(ra.misses, rb.misses);
		assert_true(ra.time_in_target_s == rb.time_in_target_s);
		if (strcmp((*ops)->id, "stillwater") != 0 && strcmp((*ops)->id, "tracking") != 0)
			assert_true(differ > 0); /* seeded content: another seed, another game */
		game_destroy(a), game_destroy(b), game_destroy(c);
	}
}

static void every_level_is_described_and_bad_levels_refused(void **state)
{
	(void)state;
	for (const struct game_ops *const *ops = game_list(); *ops; ops++) {
		for (int l = 1; l <= 10; l++) {
			char buf[128] = "";
			(*ops)->describe_level(l, buf, sizeof buf);
			assert_true(strlen(buf) > 10);
		}
		game *g = NULL;
		game_cfg c = cfg_of(0, 1, 30);
		assert_int_equal((*ops)->create(&g, &c), POISE_E_INVALID);
		c = cfg_of(11, 1, 30);
		assert_int_equal((*ops)->create(&g, &c), POISE_E_INVALID);
		assert_null(g);
	}
	assert_ptr_equal(game_find("maze"), &maze_ops);
	assert_null(game_find("pong"));
}

/* --- the runner --- */

static grun *runner(const struct game_ops *ops, int level, const grun_cfg *rc)
{
	grun *r;
	game_cfg c = cfg_of(level, 2, 60);
	assert_int_equal(grun_create(&r, ops, &c, rc), POISE_OK);
	return r;
}

static void runner_levels_up_on_success_and_down_on_failure(void **state)
{
	(void)state;
	grun_cfg rc;
	grun_cfg_default(&rc);
	rc.settle_s = 0;
	/* Perfect reaching from level 2: every third hit goes up one level. */
	grun *r = runner(&reach_ops, 2, &rc);
	int hits = 0, levels = 0, last_level = 2;
	while (r->phase != GRUN_DONE) {
		double x, y;
		grun_intent_mm(r, &x, &y);
		grun_set_cop(r, x, y, true);
		grun_advance(r, 1.0 / 128);
		game_event e;
		while (grun_pop_event(r, &e)) {
			if (e.kind == GAME_EV_HIT)
				hits++;
			if (e.kind == GAME_EV_LEVEL) {
				levels++;
				assert_int_equal((int)e.value, last_level + 1);
				assert_string_equal(e.detail, "up");
				last_level = (int)e.value;
				assert_int_equal(hits % 3, 0);
			}
		}
	}
	assert_true(hits >= 12);
	assert_int_equal(levels, (hits / 3 + 2 > 10) ? 8 : hits / 3);
	grun_destroy(r);
	/* Standing still from level 6 with the range 4–8: down to 4, no lower. */
	rc.stair.min_level = 4;
	rc.stair.max_level = 8;
	r = runner(&reach_ops, 6, &rc);
	while (r->phase != GRUN_DONE) {
		grun_set_cop(r, 0, 0, true);
		grun_advance(r, 1.0 / 128);
	}
	assert_int_equal(r->g->level, 4);
	game_result res;
	game_get_result(r->g, &res);
	assert_int_equal(res.level_start, 6);
	assert_int_equal(res.level_end, 4);
	grun_destroy(r);
}

static void runner_pauses_while_off_the_plate(void **state)
{
	(void)state;
	grun_cfg rc;
	grun_cfg_default(&rc);
	rc.settle_s = 0;
	grun *r = runner(&stillwater_ops, 1, &rc);
	for (int i = 0; i < 128; i++) { /* 1 s on */
		grun_set_cop(r, 0, 0, true);
		grun_advance(r, 1.0 / 128);
	}
	double t_on = r->g->t_s;
	for (int i = 0; i < 640; i++) { /* 5 s off: the game clock stops */
		grun_set_cop(r, NAN, NAN, false);
		grun_advance(r, 1.0 / 128);
	}
	assert_double_equal(r->g->t_s, t_on, 1e-12);
	/* Back on the plate: a calm 3 s countdown, the game still waits... */
	for (int i = 0; i < 3 * 128 - 1; i++) {
		grun_set_cop(r, 0, 0, true);
		grun_advance(r, 1.0 / 128);
		assert_true(r->paused);
		assert_double_equal(grun_resume_left_s(r), 3.0 - (i + 1) / 128.0, 1e-9);
	}
	assert_double_equal(r->g->t_s, t_on, 1e-12);
	/* ...then goes on. */
	grun_set_cop(r, 0, 0, true);
	grun_advance(r, 1.0 / 128);
	assert_false(r->paused);
	grun_advance(r, 2.0 / 128);
	assert_true(r->g->t_s > t_on);
	int pauses = 0, resumes = 0;
	game_event e;
	while (grun_pop_event(r, &e)) {
		pauses += e.kind == GAME_EV_PAUSE;
		resumes += e.kind == GAME_EV_RESUME;
	}
	assert_int_equal(pauses, 1);
	assert_int_equal(resumes, 1);
	assert_double_equal(t_on, 1.0, 1.5 / 120);
	/* Stepping off during the countdown starts it over. */
	grun_set_cop(r, NAN, NAN, false);
	grun_advance(r, 1.0 / 128);
	grun_set_cop(r, 0, 0, true);
	grun_advance(r, 1.0);
	grun_set_cop(r, NAN, NAN, false);
	grun_advance(r, 1.0 / 128);
	grun_set_cop(r, 0, 0, true);
	grun_advance(r, 1.0 / 128);
	assert_double_equal(grun_resume_left_s(r), 3.0 - 1.0 / 128, 1e-9);
	grun_destroy(r);
}

static void runner_finds_the_centre_first(void **state)
{
	(void)state;
	grun_cfg rc;
	grun_cfg_default(&rc);
	grun *r = runner(&stillwater_ops, 1, &rc);
	/* The patient stands 30 mm right and 15 mm forward of the plate's centre. */
	for (int i = 0; i < 2 * 128; i++) {
		assert_int_equal(r->phase, GRUN_SETTLE);
		grun_set_cop(r, 30 + (i % 2 ? 1 : -1), 15, true);
		grun_advance(r, 1.0 / 128);
	}
	assert_int_equal(r->phase, GRUN_PLAY);
	assert_double_equal(r->los.origin_x_mm, 30, 0.01);
	assert_double_equal(r->los.origin_y_mm, 15, 1e-9);
	/* standing there is the centre of the game */
	grun_set_cop(r, 30, 15, true);
	grun_advance(r, 0.5);
	assert_double_equal(r->in.x, 0, 1e-12);
	double x, y;
	grun_intent_mm(r, &x, &y);
	assert_double_equal(x, 30, 1e-9);
	grun_destroy(r);
}

static void runner_is_independent_of_the_frame_rate(void **state)
{
	(void)state;
	/* The same COP stream (128 Hz), drawn at 128, 256 and 512 frames/s:
	 * the game plays out identically. */
	game_result res[3];
	for (int k = 0; k < 3; k++) {
		grun_cfg rc;
		grun_cfg_default(&rc);
		rc.settle_s = 0;
		grun *r = runner(&tracking_ops, 4, &rc);
		int split = 1 << k;
		for (long i = 0; r->phase != GRUN_DONE; i++) {
			double t = i / 128.0;
			grun_set_cop(r, 40 * sin(t), 30 * cos(0.8 * t), true);
			for (int j = 0; j < split; j++)
				grun_advance(r, 1.0 / 128 / split);
		}
		game_get_result(r->g, &res[k]);
		grun_destroy(r);
	}
	for (int k = 1; k < 3; k++) {
		assert_int_equal(res[k].hits, res[0].hits);
		assert_true(res[k].tracking_rms == res[0].tracking_rms);
		assert_true(res[k].time_in_target_s == res[0].time_in_target_s);
	}
}

/* Reach with a dual task: two targets carry the choices; a player who
 * knows the answers leans to the right one, one who never does to the
 * other. Both reach (motor hits); only one answers right. */
static void reach_dual_task_is_answered_by_leaning(void **state)
{
	(void)state;
	for (int wrong = 0; wrong < 2; wrong++) {
		game_cfg c = cfg_of(3, 7, 60);
		c.cond.dual_task = COND_DUAL_ARITHMETIC;
		game *g;
		assert_int_equal(reach_ops.create(&g, &c), POISE_OK);
		int prompts = 0, answers = 0;
		while (!game_finished(g)) {
			game_input in = {.present = true};
			reach_ops.intent(g, &in.x, &in.y);
			const cog_item *it = &g->cog.cur;
			if (wrong && ((reach_game *)g)->state == REACH_OUT && it->n_choices == 2) {
				in.x = it->x[1 - it->right];
				in.y = it->y[1 - it->right];
				/* the other choice lies opposite the first */
				assert_double_equal(it->x[0], -it->x[1], 1e-12);
				assert_double_equal(it->y[0], -it->y[1], 1e-12);
			}
			game_step(g, &in);
			game_event e;
			while (game_pop_event(g, &e)) {
				prompts += e.kind == GAME_EV_PROMPT;
				answers += e.kind == GAME_EV_ANSWER;
				if (e.kind == GAME_EV_ANSWER)
					assert_string_equal(e.detail, "lean");
			}
		}
		game_result r;
		game_get_result(g, &r);
		assert_true(r.hits >= 10);
		assert_int_equal(r.misses, 0);
		assert_int_equal(answers, r.hits);
		assert_true(prompts == answers || prompts == answers + 1); /* the last may be open */
		assert_double_equal(r.cognitive_correct, wrong ? 0 : r.hits, 0);
		assert_double_equal(r.cognitive_errors, wrong ? r.hits : 0, 0);
		if (wrong)
			assert_true(isnan(r.cognitive_rt_s));
		else
			assert_true(r.cognitive_rt_s > 0 && r.cognitive_rt_s < 5);
		/* marks are for aloud tasks only */
		assert_false(game_cog_mark(g, false));
		game_destroy(g);
	}
}

/* Aloud: a prompt every 5 s of play; the therapist's marks; unmarked
 * prompts count as right when the next comes. Head turns: left, centre,
 * right, centre at the rhythm. */
static void aloud_prompts_marks_and_head_turn_cues(void **state)
{
	(void)state;
	game_cfg c = cfg_of(1, 3, 31);
	c.cond.dual_task = COND_DUAL_COUNT_BACK;
	c.cond.head_turn_s = 3;
	game *g;
	assert_int_equal(stillwater_ops.create(&g, &c), POISE_OK);
	assert_false(game_cog_mark(g, false)); /* nothing asked yet */
	int prompts = 0, cues = 0, k = 0;
	static const int dirs[4] = {-1, 0, 1, 0};
	int first_value = 0;
	while (!game_finished(g)) {
		game_input in = {.present = true};
		game_step(g, &in);
		game_event e;
		while (game_pop_event(g, &e)) {
			if (e.kind == GAME_EV_PROMPT) {
				prompts++;
				assert_double_equal(e.t_s, 5.0 * prompts, 1e-6);
				if (prompts == 1)
					assert_int_equal(sscanf(e.detail, "Count back by 3 from %d", &first_value), 1);
				else
					assert_int_equal(atoi(g->cog.cur.expected), first_value - 3 * prompts);
				/* the 2nd and 4th answered wrong, the 3rd right */
				if (prompts >= 2 && prompts <= 4) {
					assert_true(game_cog_mark(g, prompts == 3));
					assert_false(game_cog_mark(g, true)); /* once per prompt */
				}
			} else if (e.kind == GAME_EV_CUE) {
				assert_double_equal(e.t_s, 3.0 * (cues + 1), 1e-6);
				assert_int_equal((int)e.value, dirs[k++ % 4]);
				assert_string_equal(e.detail, game_cue_word(dirs[(k - 1) % 4]));
				cues++;
			}
		}
	}
	game_result r;
	game_get_result(g, &r);
	assert_int_equal(prompts, 6);   /* 5, 10, ... 30 s */
	assert_int_equal(cues, 10);     /* 3, 6, ... 30 s */
	/* prompts 1 and 5 unmarked (right, counted when the next came), 2 and 4
	 * wrong, 3 right; 6 still open at the end, not counted */
	assert_double_equal(r.cognitive_errors, 2, 0);
	assert_double_equal(r.cognitive_correct, 3, 0);
	assert_double_equal(r.cognitive_rt_s, GAME_TICK_S, 1e-9); /* marked one tick after it came */
	game_destroy(g);
	/* Without a dual task: no numbers, no prompts. */
	game_result plain = play(&stillwater_ops, cfg_of(1, 3, 20), STILL);
	assert_true(isnan(plain.cognitive_correct) && isnan(plain.cognitive_errors) && isnan(plain.dual_task_cost_pct));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reach_dual_task_is_answered_by_leaning),
		cmocka_unit_test(aloud_prompts_marks_and_head_turn_cues),
		cmocka_unit_test(reach_perfect_hits_everything),
		cmocka_unit_test(reach_still_cursor_scores_nothing),
		cmocka_unit_test(reach_covers_all_eight_directions_in_turn),
		cmocka_unit_test(reach_distance_is_clamped_to_the_working_range),
		cmocka_unit_test(tracking_perfect_tracker_scores_full_marks),
		cmocka_unit_test(tracking_still_cursor_has_the_paths_rms_error),
		cmocka_unit_test(slalom_perfect_skier_passes_every_gate),
		cmocka_unit_test(stillwater_calm_shrinks_the_ring),
		cmocka_unit_test(stillwater_leaving_the_ring_is_a_miss),
		cmocka_unit_test(maze_leaning_along_the_path_solves_mazes),
		cmocka_unit_test(maze_is_perfect_and_the_marble_stays_inside),
		cmocka_unit_test(same_seed_same_game),
		cmocka_unit_test(every_level_is_described_and_bad_levels_refused),
		cmocka_unit_test(runner_levels_up_on_success_and_down_on_failure),
		cmocka_unit_test(runner_pauses_while_off_the_plate),
		cmocka_unit_test(runner_finds_the_centre_first),
		cmocka_unit_test(runner_is_independent_of_the_frame_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
