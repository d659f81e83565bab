/* Fuzz target: a patient's text fields as a database may hold them (any
 * bytes, any length: a damaged, foreign or hand-edited file), read back
 * by the store into its fixed arrays and printed as JSON (`poise patient
 * list --json`) and for a terminal; and the same bytes offered to the
 * store as a new patient.
 *
 * Input: up to four fields separated by NUL bytes: name, diagnosis,
 * notes, created_at.
 * Checks: what is read back is terminated and, when the stored text was
 * UTF-8, still UTF-8 (never cut inside a character); JSON strings and
 * terminal text are valid UTF-8 without raw control characters; the
 * store accepts a new patient only with valid UTF-8 text, which reads back
 * byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/text.h"
#include "fuzz.h"
#include "store/store.h"
#include "store/store_impl.h"

static store *st;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	char path[256], msg[512];
	snprintf(path, sizeof path, "%s/text.db", fuzz_tmpdir());
	FUZZ_CHECK(store_open(&st, path, 0, msg, sizeof msg) == POISE_OK);
	store_patient p = {.code = "FUZZ"};
	FUZZ_CHECK(store_patient_add(st, &p, NULL) == POISE_OK);
	FUZZ_CHECK(sqlite3_exec(st->db, "PRAGMA ignore_check_constraints = ON; PRAGMA synchronous = OFF",
	                        NULL, NULL, NULL) == SQLITE_OK);
	return 0;
}

/* No byte below 0x20 and valid UTF-8. */
static void check_clean(const char *s, size_t n)
{
	FUZZ_CHECK(text_utf8_valid(s, n));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check_json(const char *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	FUZZ_CHECK(f);
	cli_json_string(f, s);
	fclose(f);
	check_clean(buf, n);
	FUZZ_CHECK(n >= 2 && buf[0] == '"' && buf[n - 1] == '"');
	free(buf);
}

static void check_field(const char *stored, size_t stored_len, const char *read, size_t cap)
{
	FUZZ_CHECK(memchr(read, 0, cap) != NULL);
	size_t n = strlen(read);
	if (text_utf8_valid(stored, stored_len))
		FUZZ_CHECK(text_utf8_valid(read, n));
	check_json(read);
	char term[128];
	text_printable(term, sizeof term, read);
	check_clean(term, strlen(term));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[4] = {"", "", "", ""};
	size_t len[4] = {0};
	char *copy = malloc(size + 1);
	FUZZ_CHECK(copy);
	memcpy(copy, data, size);
	copy[size] = 0;
	for (size_t i = 0, k = 0, start = 0; i <= size && k < 4; i++)
		if (i == size || copy[i] == 0) {
			f[k] = copy + start;
			len[k++] = i - start;
			start = i + 1;
		}

	/* What a database may hold. */
	sqlite3_stmt *q;
	FUZZ_CHECK(sqlite3_prepare_v2(st->db,
	                              "UPDATE patient SET display_name = ?1, diagnosis = ?2, notes = ?3,"
	                              " created_at = ?4 WHERE code = 'FUZZ'",
	                              -1, &q, NULL) == SQLITE_OK);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(q, i + 1, f[i], (int)len[i], SQLITE_STATIC);
	FUZZ_CHECK(sqlite3_step(q) == SQLITE_DONE);
	sqlite3_finalize(q);
	store_patient p;
	memset(&p, 0x55, sizeof p);
	if (store_patient_get(st, "FUZZ", &p) == POISE_OK) {
		check_field(f[0], len[0], p.display_name, sizeof p.display_name);
		check_field(f[1], len[1], p.diagnosis, sizeof p.diagnosis);
		check_field(f[2], len[2], p.notes, sizeof p.notes);
		check_field(f[3], len[3], p.created_at, sizeof p.created_at);
	}

	/* The same bytes offered as a new patient. */
	store_patient np = {.code = "FUZZ2"};
	snprintf(np.display_name, sizeof np.display_name, "%s", f[0]);
	snprintf(np.diagnosis, sizeof np.diagnosis, "%s", f[1]);
	snprintf(np.notes, sizeof np.notes, "%s", f[2]);
	if (store_patient_add(st, &np, NULL) == POISE_OK) {
		FUZZ_CHECK(text_utf8_valid(np.display_name, strlen(np.display_name)));
		FUZZ_CHECK(text_utf8_valid(np.diagnosis, strlen(np.diagnosis)));
		FUZZ_CHECK(text_utf8_valid(np.notes, strlen(np.notes)));
		store_patient back;
		FUZZ_CHECK(store_patient_get(st, "FUZZ2", &back) == POISE_OK);
		FUZZ_CHECK(strcmp(back.display_name, np.display_name) == 0);
		FUZZ_CHECK(strcmp(back.diagnosis, np.diagnosis) == 0);
		FUZZ_CHECK(strcmp(back.notes, np.notes) == 0);
		FUZZ_CHECK(store_patient_delete(st, "FUZZ2") == POISE_OK);
	}
	free(copy);
	return 0;
}
