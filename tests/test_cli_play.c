/* `poise play` headless with the simulated player: every game plays a
 * full minute, scores sensibly, and the same seed replays exactly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "test_util.h"

static const char *const games[] = {"reach", "slalom", "stillwater", "tracking", "maze"};

static char *play_json(const char *game, int seed, int level)
{
	char *out = NULL, *err = NULL;
	int rc = tu_run(&out, &err, "%s --device sim --seed %d play %s --level %d --seconds 60 --headless --json",
	                POISE_BIN, seed, game, level);
	if (rc != 0)
		fail_msg("poise play %s exited %d: %s", game, rc, err);
	free(err);
	return out;
}

static void every_game_plays_a_minute_and_scores_sensibly(void **state)
{
	(void)state;
	for (size_t i = 0; i < 5; i++) {
		char *j = play_json(games[i], 7, 1);
		char want[64];
		snprintf(want, sizeof want, "\"game\": \"%s\"", games[i]);
		assert_non_null(strstr(j, want));
		const char *keys[] = {"level_start", "level_end", "score", "hits", "misses", "time_in_target_s",
		                      "sway_mean_velocity_mm_s"};
		for (size_t k = 0; k < 7; k++)
			if (!isfinite(tu_json_num(j, keys[k])))
				fail_msg("%s: no %s in %s", games[i], keys[k], j);
		assert_double_equal(tu_json_num(j, "play_time_s"), 60, 0.01);
		assert_int_equal((int)tu_json_num(j, "level_start"), 1);
		/* The simulated player is competent at level 1: it scores well and
		 * succeeds (the maze, with a 250 ms reaction time and the COP's
		 * counter-movements, is the hardest: a maze or two a minute). */
		double score = tu_json_num(j, "score");
		if (score < 60 || tu_json_num(j, "hits") < 1)
			fail_msg("%s: the simulated player scored %.0f with %.0f hits: %s", games[i], score,
			         tu_json_num(j, "hits"), j);
		assert_true(tu_json_num(j, "level_end") >= 1 && tu_json_num(j, "level_end") <= 10);
		free(j);
	}
}

static void the_same_seed_replays_the_same_game(void **state)
{
	(void)state;
	char *a = play_json("reach", 11, 3), *b = play_json("reach", 11, 3), *c = play_json("reach", 12, 3);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a), free(b), free(c);
}

static void list_and_bad_input(void **state)
{
	(void)state;
	char *out = NULL, *err = NULL;
	assert_int_equal(tu_run(&out, NULL, "%s play --list", POISE_BIN), 0);
	for (size_t i = 0; i < 5; i++)
		assert_non_null(strstr(out, games[i]));
	assert_non_null(strstr(out, "level 10:"));
	free(out);
	assert_int_equal(tu_run(NULL, &err, "%s play pong --headless", POISE_BIN), 2);
	assert_non_null(strstr(err, "no game called 'pong'"));
	free(err);
	assert_int_equal(tu_run(NULL, &err, "%s play reach --level 11 --headless", POISE_BIN), 2);
	free(err);
	assert_int_equal(tu_run(NULL, &err, "%s play --headless", POISE_BIN), 2);
	free(err);
}

/* The first number after "key": in s at or after from; NAN if absent. */
static double num_after(const char *s, const char *key)
{
	return tu_json_num(s, key);
}

static void a_patients_games_follow_the_prescription_and_are_recorded(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp(), *out = NULL, *err = NULL;
	char db[600];
	snprintf(db, sizeof db, "%s/p.db", dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add P-7", POISE_BIN, db), 0);
	assert_int_equal(tu_run(&out, &err, "%s --db %s prescribe P-7 reach --levels 3-5 --los 30-70 --seconds 45",
	                        POISE_BIN, db), 0);
	assert_non_null(strstr(out, "levels 3-5 (adaptive), LOS 30-70 %, 45 s"));
	free(out), free(err);
	/* First play: starts at the bottom of the range, 45 s, never above 5. */
	int rc = tu_run(&out, &err, "%s --db %s --device sim --seed 4 play reach --patient P-7 --headless --json", POISE_BIN, db);
	if (rc)
		fail_msg("play: %s", err);
	assert_int_equal((int)num_after(out, "level_start"), 3);
	int end1 = (int)num_after(out, "level_end");
	assert_true(end1 >= 3 && end1 <= 5);
	assert_true(num_after(out, "level_max") <= 5);
	assert_double_equal(num_after(out, "play_time_s"), 45, 0.01);
	double score1 = num_after(out, "score"), vel1 = num_after(out, "sway_mean_velocity_mm_s");
	free(out), free(err);
	/* Second play starts where the first ended. */
	assert_int_equal(tu_run(&out, &err, "%s --db %s --device sim --seed 5 play reach --patient P-7 --headless --json",
	                        POISE_BIN, db), 0);
	assert_int_equal((int)num_after(out, "level_start"), end1);
	free(out), free(err);
	/* The record: a game trial per play with every sample, the game's
	 * results and the sway metrics of the same COP, and the level changes
	 * and hits in the trial log. */
	assert_int_equal(tu_run(&out, &err, "%s --db %s export --patient P-7 --session 1 --format json -o %s/x",
	                        POISE_BIN, db, dir), 0);
	free(out), free(err);
	char path[700];
	snprintf(path, sizeof path, "%s/x/P-7_s1_t1_game-reach_trial.json", dir);
	char *j = tu_slurp(path);
	assert_non_null(j);
	assert_non_null(strstr(j, "\"kind\": \"game:reach\""));
	assert_non_null(strstr(j, "\"status\": \"complete\""));
	assert_non_null(strstr(j, "\"level_min\": 3"));
	assert_double_equal(tu_json_num(strstr(j, "\"metrics\""), "score"), score1, 1e-6);
	assert_double_equal(tu_json_num(strstr(j, "\"metrics\""), "mean_velocity_mm_s"), vel1, 1e-3 * vel1);
	assert_non_null(strstr(j, "\"kind\": \"hit\""));
	if (end1 > 3)
		assert_non_null(strstr(j, "\"kind\": \"level\", \"detail\": \"{\\\"level\\\": 4"));
	free(j);
	/* An unknown patient is a clear error, nothing played. */
	assert_int_equal(tu_run(NULL, &err, "%s --db %s play reach --patient NOBODY --headless", POISE_BIN, db), 2);
	assert_non_null(strstr(err, "no such patient"));
	free(err);
	tu_rmdir(dir);
}

static void assert_replays_as_played(const char *db, const char *played)
{
	char *why = tu_replay_differs(POISE_BIN, db, played);
	if (why)
		fail_msg("%s", why);
}

static void a_headless_game_replays_exactly(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp(), *out = NULL, *err = NULL;
	char db[600];
	snprintf(db, sizeof db, "%s/r.db", dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add R-1 --height-cm 158", POISE_BIN, db), 0);
	const char *games_to_try[] = {"reach", "maze"};
	for (size_t i = 0; i < 2; i++) {
		int rc = tu_run(&out, &err, "%s --db %s --device sim --seed %zu play %s --patient R-1 --seconds 20 "
		                "--headless --json", POISE_BIN, db, 20 + i, games_to_try[i]);
		if (rc)
			fail_msg("play: %s", err);
		assert_non_null(strstr(out, "\"simulated\": true"));
		assert_replays_as_played(db, out);
		free(out), free(err);
	}
	/* A trial that is not a game, or not there: clear refusals. */
	assert_int_equal(tu_run(NULL, &err, "%s --db %s replay 99", POISE_BIN, db), 2);
	assert_non_null(strstr(err, "no trial 99"));
	free(err);
	assert_int_equal(tu_run(NULL, &err, "%s --db %s replay x1", POISE_BIN, db), 2);
	free(err);
	tu_rmdir(dir);
}

/* The training conditions on the command line: in the JSON (with the
 * thinking task's numbers and, against a single-task play of the same
 * game and level, the dual-task cost), replayed as played; bad values are
 * refused. */
static void conditions_are_played_printed_and_replayed(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp(), *out = NULL, *err = NULL;
	char db[600];
	snprintf(db, sizeof db, "%s/c.db", dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add C-1", POISE_BIN, db), 0);
	int rc = tu_run(&out, &err, "%s --db %s --device sim --seed 3 play reach --patient C-1 --level 2 --seconds 30 "
	                "--headless --json", POISE_BIN, db);
	if (rc)
		fail_msg("play: %s", err);
	assert_non_null(strstr(out, "\"stance\": \"standing\""));
	assert_non_null(strstr(out, "\"dual_task\": \"none\""));
	assert_non_null(strstr(out, "\"cognitive_correct\": null"));
	assert_non_null(strstr(out, "\"dual_task_cost_pct\": null"));
	double single = tu_json_num(out, "score");
	free(out), free(err);
	rc = tu_run(&out, &err, "%s --db %s --device sim --seed 4 play reach --patient C-1 --level 2 --seconds 30 "
	            "--stance seated --surface foam --dual-task arithmetic --head-turns 5 --audio-feedback "
	            "--headless --json", POISE_BIN, db);
	if (rc)
		fail_msg("play: %s", err);
	assert_non_null(strstr(out, "\"stance\": \"seated\""));
	assert_non_null(strstr(out, "\"surface\": \"foam\""));
	assert_non_null(strstr(out, "\"audio_feedback\": true"));
	assert_non_null(strstr(out, "\"dual_task\": \"arithmetic\""));
	assert_true(tu_json_num(out, "cognitive_correct") >= 1);
	assert_true(tu_json_num(out, "cognitive_errors") >= 0);
	/* Seated is another motor condition: no single-task reference yet. */
	assert_non_null(strstr(out, "\"dual_task_cost_pct\": null"));
	assert_replays_as_played(db, out);
	free(out), free(err);
	rc = tu_run(&out, &err, "%s --db %s --device sim --seed 5 play reach --patient C-1 --level 2 --seconds 30 "
	            "--dual-task category --headless --json", POISE_BIN, db);
	if (rc)
		fail_msg("play: %s", err);
	double cost = tu_json_num(out, "dual_task_cost_pct");
	assert_double_equal(cost, (tu_json_num(out, "score") - single) / single * 100, 1e-3 * fabs(cost) + 1e-3);
	assert_true(isfinite(tu_json_num(out, "dual_task_cost_sway_pct")));
	assert_replays_as_played(db, out);
	free(out), free(err);
	/* A moving scene warns first; bad values are refused. */
	rc = tu_run(&out, &err, "%s --device sim play tracking --visual tilt --seconds 5 --headless --json", POISE_BIN);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(err, "motion sickness"));
	assert_non_null(strstr(out, "\"visual\": \"tilt\""));
	free(out), free(err);
	const char *bad[] = {"--stance sitting", "--surface sand", "--visual spin", "--dual-task chess",
	                     "--head-turns 0.1", "--visual-speed 500", "--sim-error-rate 2"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(tu_run(NULL, &err, "%s play reach --headless %s", POISE_BIN, bad[i]), 2);
		assert_non_null(strstr(err, "wants"));
		free(err);
	}
	/* The prescription: conditions and a ladder, stored and shown. */
	assert_int_equal(tu_run(&out, &err, "%s --db %s prescribe C-1 stillwater --stance tandem --dual-task count-back "
	                        "--ladder single-left,eyes-closed", POISE_BIN, db), 0);
	assert_non_null(strstr(out, "tandem, firm, dual task: count-back; ladder: single-left,eyes-closed"));
	free(out), free(err);
	assert_int_equal(tu_run(NULL, &err, "%s --db %s prescribe C-1 reach --ladder tandem,moonwalk", POISE_BIN, db), 2);
	assert_non_null(strstr(err, "moonwalk"));
	free(err);
	rc = tu_run(&out, &err, "%s --db %s --device sim play stillwater --patient C-1 --seconds 10 --headless --json",
	            POISE_BIN, db);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\"stance\": \"tandem\""));
	assert_non_null(strstr(out, "\"dual_task\": \"count-back\""));
	free(out), free(err);
	tu_rmdir(dir);
}

static void a_patient_is_never_played_on_an_invented_plate(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp(), *out = NULL, *err = NULL;
	char db[600];
	snprintf(db, sizeof db, "%s/h.db", dir);
	assert_int_equal(tu_run(NULL, NULL, "%s --db %s patient add H-1", POISE_BIN, db), 0);
	/* No plate here: auto refuses for a patient, says what it found and
	 * what to do, and records nothing. */
	int rc = tu_run(&out, &err, "%s --db %s play reach --patient H-1 --headless --json", POISE_BIN, db);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "no force plate can be used"));
	assert_non_null(strstr(err, "USB force plate"));
	assert_non_null(strstr(err, "Wii Balance Board"));
	assert_non_null(strstr(err, "--device sim"));
	assert_string_equal(out, "");
	free(out), free(err);
	assert_int_equal(tu_run(&out, NULL, "%s --db %s patient show H-1", POISE_BIN, db), 0);
	assert_non_null(strstr(out, "no sessions yet"));
	free(out);
	/* Without a patient (a demo), auto falls back to the simulated plate
	 * and says so. */
	rc = tu_run(&out, &err, "%s --seed 2 play slalom --seconds 5 --headless --json", POISE_BIN);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(err, "using the simulated plate"));
	assert_non_null(strstr(out, "\"simulated\": true"));
	assert_null(strstr(out, "trial_id"));
	free(out), free(err);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_game_plays_a_minute_and_scores_sensibly),
		cmocka_unit_test(conditions_are_played_printed_and_replayed),
		cmocka_unit_test(the_same_seed_replays_the_same_game),
		cmocka_unit_test(list_and_bad_input),
		cmocka_unit_test(a_patients_games_follow_the_prescription_and_are_recorded),
		cmocka_unit_test(a_headless_game_replays_exactly),
		cmocka_unit_test(a_patient_is_never_played_on_an_invented_plate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
