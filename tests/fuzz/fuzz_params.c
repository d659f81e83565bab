/* Fuzz target: a trial's stored parameters read back for a replay
 * (train_params_read in src/session/training.c), through a real store: the
 * params column of a database is outside data (a damaged or hand-edited
 * file). The game a replay would build from them is created too.
 *
 * Input: byte 0 picks the game and whether the bytes are stored as text or
 * as a blob; the rest is the params column.
 * Checks: a trial is either refused with a message or gives settings
 * inside the documented ranges, from which the game is created or refused
 * (POISE_E_INVALID); never a crash, a leak or undefined behaviour. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "fuzz.h"
#include "games/game.h"
#include "session/game.h"
#include "session/training.h"
#include "store/store.h"
#include "store/store_impl.h"

static store *st;
static int64_t trial[16];
static size_t n_games;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	char path[256], msg[512];
	snprintf(path, sizeof path, "%s/params.db", fuzz_tmpdir());
	FUZZ_CHECK(store_open(&st, path, 0, msg, sizeof msg) == POISE_OK);
	store_patient p = {.code = "FUZZ"};
	FUZZ_CHECK(store_patient_add(st, &p, &p.id) == POISE_OK);
	store_session se = {.patient_id = p.id, .device_backend = "sim"};
	int64_t sid;
	FUZZ_CHECK(store_session_begin(st, &se, &sid) == POISE_OK);
	const struct game_ops *const *g = game_list();
	for (n_games = 0; g[n_games] && n_games < 16; n_games++) {
		char kind[64];
		train_kind(g[n_games], kind, sizeof kind);
		FUZZ_CHECK(store_trial_begin(st, sid, kind, "{}", NULL, 100, &trial[n_games]) == POISE_OK);
	}
	FUZZ_CHECK(n_games > 0);
	/* What a damaged or hand-edited file can hold, the schema's CHECKs
	 * (params is JSON) notwithstanding. */
	FUZZ_CHECK(sqlite3_exec(st->db, "PRAGMA ignore_check_constraints = ON; PRAGMA synchronous = OFF",
	                        NULL, NULL, NULL) == SQLITE_OK);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int64_t id = trial[data[0] % n_games];
	sqlite3_stmt *q;
	FUZZ_CHECK(sqlite3_prepare_v2(st->db, "UPDATE trial SET params = ?1 WHERE id = ?2", -1, &q,
	                              NULL) == SQLITE_OK);
	if (data[0] & 0x80)
		sqlite3_bind_blob(q, 1, data + 1, (int)(size - 1), SQLITE_STATIC);
	else
		sqlite3_bind_text(q, 1, (const char *)data + 1, (int)(size - 1), SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, id);
	FUZZ_CHECK(sqlite3_step(q) == SQLITE_DONE);
	sqlite3_finalize(q);

	ses_game_cfg c;
	char msg[512];
	msg[0] = 0;
	int rc = train_params_read(st, id, &c, msg, sizeof msg);
	if (rc != POISE_OK) {
		FUZZ_CHECK(msg[0] != 0);
		return 0;
	}
	FUZZ_CHECK(c.ops && isfinite(c.rate_hz) && c.rate_hz >= 1 && c.rate_hz <= 100000);
	FUZZ_CHECK(isfinite(c.game.duration_s) && c.game.duration_s > 0);
	ses_game *g = NULL;
	rc = ses_game_create(&g, &c);
	FUZZ_CHECK(rc == POISE_OK || rc == POISE_E_INVALID);
	ses_game_destroy(g);
	return 0;
}
