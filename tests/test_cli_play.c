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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_game_plays_a_minute_and_scores_sensibly),
		cmocka_unit_test(the_same_seed_replays_the_same_game),
		cmocka_unit_test(list_and_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
