/* Hostile inputs to the poise program, as an audit found them (issue 14):
 * planted links and special files where outputs go, text that does not
 * fit or is not UTF-8, control characters in names, impossible dates in a
 * database, not-a-number options, invalid JSON, an empty --db, damaged
 * databases, a database in a read-only folder. Each case asserts the
 * clean outcome: exit 2 with one line naming the file or option and the
 * problem (or a correct result), and nothing outside changed. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "test_util.h"

#include "core/error.h"
#include "store/store.h"

typedef struct fx {
	char *dir;
	char db[600];
	char *out, *err;
} fx;

static fx *F; /* the group fixture: one recorded trial, made once */

static void sql(const char *db, const char *q)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 2000);
	char *e = NULL;
	if (sqlite3_exec(h, q, NULL, NULL, &e) != SQLITE_OK)
		fail_msg("%s: %s", q, e);
	sqlite3_close(h);
}

/* Runs `poise ARGS` (on the fixture's database unless ARGS has --db);
 * the output stays in F->out / F->err until the next call. */
__attribute__((format(printf, 1, 2)))
static int poise(const char *fmt, ...)
{
	char args[3000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	free(F->out);
	free(F->err);
	F->out = F->err = NULL;
	return tu_run(&F->out, &F->err, "cd '%s' && %s %s%s%s </dev/null", F->dir, POISE_BIN,
	              strstr(args, "--db") ? "" : "--db ", strstr(args, "--db") ? "" : F->db, args);
}

static void err_has(const char *what)
{
	if (!F->err || !strstr(F->err, what))
		fail_msg("stderr lacks \"%s\"; it reads: %s", what, F->err ? F->err : "(nothing)");
	if (tu_lines(F->err) != 1)
		fail_msg("stderr should be one line; it reads: %s", F->err);
}

static int group_setup(void **state)
{
	(void)state;
	F = calloc(1, sizeof *F);
	F->dir = tu_mkdtemp();
	snprintf(F->db, sizeof F->db, "%s/station.db", F->dir);
	if (poise(" patient add P1 --name Anna") != 0 ||
	    poise(" record --patient P1 --trial quiet-eo --device sim --fast --seconds 3 --wait 1 --seed 7") != 0) {
		fprintf(stderr, "fixture: %s\n", F->err ? F->err : "");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(F->out);
	free(F->err);
	tu_rmdir(F->dir);
	free(F);
	return 0;
}

static char *path_in(const char *name)
{
	static char p[4][700];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", F->dir, name);
	return p[k];
}

/* ---- outputs: links, FIFOs, devices ----------------------------------- */

static void export_never_writes_through_a_planted_link(void **state)
{
	(void)state;
	/* The victim: a file of somebody else's, readable by all. */
	char *victim = path_in("victim.txt");
	FILE *v = fopen(victim, "w");
	fputs("precious\n", v);
	fclose(v);
	chmod(victim, 0644);
	char *dir = path_in("exp");
	mkdir(dir, 0700);
	/* Every name the export will write, planted as a link to the victim. */
	assert_int_equal(poise(" export --patient P1 --format csv -o %s", path_in("probe")), 0);
	char cmd[2000];
	snprintf(cmd, sizeof cmd, "cd '%s' && for f in *; do ln -s '%s' '%s/'\"$f\"; done", path_in("probe"),
	         victim, dir);
	assert_int_equal(system(cmd), 0);
	/* Before: the victim was overwritten and made 0600. */
	assert_int_equal(poise(" export --patient P1 --format csv -o %s", dir), 2);
	err_has("symbolic link");
	char *text = tu_slurp(victim);
	assert_string_equal(text, "precious\n");
	free(text);
	struct stat st;
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void report_never_replaces_a_fifo_or_a_device(void **state)
{
	(void)state;
	char *fifo = path_in("out.fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* Before: the FIFO was replaced by a regular file. */
	assert_int_equal(poise(" report --patient P1 -o %s", fifo), 2);
	err_has("FIFO");
	struct stat st;
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* As root, -o /dev/full replaced the device with a regular file: a
	 * device is never written through or replaced. As root the test
	 * makes its own node (a regression must not break the machine's
	 * /dev/null); otherwise /dev/null cannot be replaced anyway. */
	char *dev = path_in("null.dev");
	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) != 0)
		dev = "/dev/null";
	assert_int_equal(poise(" report --patient P1 -o %s", dev), 2);
	err_has("character device");
	assert_int_equal(lstat(dev, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* A regular file is replaced (the report's convention), 0600. */
	char *pdf = path_in("r.pdf");
	FILE *f = fopen(pdf, "w");
	fclose(f);
	chmod(pdf, 0644);
	assert_int_equal(poise(" report --patient P1 -o %s", pdf), 0);
	assert_int_equal(stat(pdf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size > 1000);
}

/* ---- text, names, dates, numbers ---------------------------------------- */

static void text_too_long_or_not_utf8_is_refused_not_cut(void **state)
{
	(void)state;
	char name[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(name, "\xc3\xa9"); /* é: 200 bytes, more than the 127 a name holds */
	/* Before: cut at 127 bytes, inside an é, and accepted. */
	assert_int_equal(poise(" patient add P2 --name '%s'", name), 2);
	err_has("--name is longer than the 127 bytes allowed");
	assert_int_equal(poise(" patient add P2 --name \"$(printf '\\377\\376')\""), 2);
	err_has("--name is not valid UTF-8 text");
	assert_int_equal(poise(" patient add P2 --name \"$(printf 'Eve\\033[2J')\""), 2);
	err_has("--name contains a control character");
	assert_int_equal(poise(" record --patient P1 --trial quiet-eo --device sim --fast --seconds 3 "
	                       "--operator '%s%s'", name, name),
	                 2);
	err_has("--operator is longer than");
	/* What fits is kept byte for byte, and JSON stays valid. */
	assert_int_equal(poise(" patient add P3 --name 'Zo\xc3\xab \xe6\x9d\xb1' --diagnosis 'MS, \"RR\"'"), 0);
	assert_int_equal(poise(" patient list --json"), 0);
	assert_non_null(strstr(F->out, "\"Zo\xc3\xab \xe6\x9d\xb1\""));
}

static void names_from_the_database_are_shown_without_control_characters(void **state)
{
	(void)state;
	/* A name written by another program (or an older Poise): an escape
	 * sequence, a cut UTF-8 character, a quote. */
	sql(F->db, "UPDATE patient SET display_name = 'Eve' || char(27) || '[2J' || x'c3' || '\"',"
	           " notes = 'a' || char(7) || 'b' WHERE code = 'P1'");
	assert_int_equal(poise(" patient show P1"), 0);
	assert_null(strchr(F->out, 27));
	assert_null(strchr(F->out, 7));
	assert_non_null(strstr(F->out, "Eve?[2J?\""));
	assert_int_equal(poise(" patient list --json"), 0);
	assert_null(strchr(F->out, 27));
	assert_non_null(strstr(F->out, "\"Eve\\u001b[2J\\ufffd\\\"\""));
	sql(F->db, "UPDATE patient SET display_name = 'Anna', notes = NULL WHERE code = 'P1'");
}

static void impossible_dates_in_the_database_give_a_clean_report(void **state)
{
	(void)state;
	char *pdf = path_in("dates.pdf");
	/* A five-digit year (before: an unterminated date string, read past
	 * its end), then years that overflow int arithmetic: the report is
	 * written, the dates shown as unknown. */
	const char *dates[] = {"10000-01-01T00:00:00.000Z", "2147483647-12-31T00:00:00.000Z",
	                       "-2147483648-01-01T00:00:00Z", "2024-02-30T25:61:00Z", "garbage"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		char q[300];
		snprintf(q, sizeof q, "UPDATE session SET started_at = '%s'; UPDATE trial SET started_at = '%s'",
		         dates[i], dates[i]);
		sql(F->db, q);
		int rc = poise(" report --patient P1 -o %s", pdf);
		if (rc != 0)
			fail_msg("report with date %s exited %d: %s", dates[i], rc, F->err);
	}
	sql(F->db, "UPDATE session SET started_at = '2024-05-02T09:30:12.345Z';"
	           "UPDATE trial SET started_at = '2024-05-02T09:30:13.000Z'");
	assert_int_equal(poise(" report --patient P1 -o %s", pdf), 0);
}

static void options_that_are_not_numbers_or_not_json_start_nothing(void **state)
{
	(void)state;
	/* Before: NaN passed every range check, the default was used. */
	assert_int_equal(poise(" prescribe P1 stillwater --seconds nan"), 2);
	err_has("--seconds wants 30 to 600, not 'nan'");
	/* Before: exit 1, and an empty session was left in the database. */
	assert_int_equal(poise(" patient show P1"), 0);
	int sessions_before = 0;
	for (const char *p = F->out; (p = strstr(p, "session ")); p++)
		sessions_before++;
	assert_int_equal(poise(" record --patient P1 --trial quiet-eo --device sim --fast --seconds 3 "
	                       "--params '{\"level\": '"),
	                 2);
	err_has("--params wants a JSON object");
	assert_int_equal(poise(" record --patient P1 --trial quiet-eo --device sim --fast --seconds 3 "
	                       "--params '[1, 2]'"),
	                 2);
	assert_int_equal(poise(" patient show P1"), 0);
	int sessions_after = 0;
	for (const char *p = F->out; (p = strstr(p, "session ")); p++)
		sessions_after++;
	assert_int_equal(sessions_after, sessions_before);
	/* Before: an empty --db silently meant the default database. */
	assert_int_equal(poise(" --db '' patient list"), 2);
	err_has("--db wants the database file, not an empty path");
	assert_int_equal(poise(" patient list --db ''"), 2);
	/* Before: "which game?" for two games. */
	assert_int_equal(poise(" play stillwater maze --device sim"), 2);
	assert_non_null(strstr(F->err, "one game at a time"));
}

/* ---- damaged and read-only databases ------------------------------------ */

/* Flips the cell pointers of a leaf page of the sample table: a damage
 * SQLite's integrity check sees, but an open does not. */
static void damage(const char *db)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT max(pageno) FROM dbstat WHERE name = 'sample' AND "
	                                       "pagetype = 'leaf'", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long page = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	assert_true(page > 1);
	int fd = open(db, O_RDWR);
	assert_true(fd >= 0);
	const unsigned char junk[4] = {0xff, 0xf0, 0x00, 0x01};
	assert_int_equal(pwrite(fd, junk, 4, (page - 1) * 4096 + 8), 4);
	close(fd);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static void a_damaged_database_is_refused_for_writing_and_can_be_checked_and_copied(void **state)
{
	(void)state;
	char *db = path_in("damaged.db");
	char cmd[2000];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", F->db, db);
	assert_int_equal(system(cmd), 0);
	damage(db);
	char *before = tu_slurp(db);
	struct stat st0;
	assert_int_equal(stat(db, &st0), 0);
	/* Before: record wrote into it and the file failed integrity_check. */
	assert_int_equal(poise(" --db %s record --patient P1 --trial quiet-eo --device sim --fast --seconds 3",
	                       db),
	                 2);
	err_has("is damaged");
	assert_non_null(strstr(F->err, "poise db check"));
	struct stat st1;
	assert_int_equal(stat(db, &st1), 0);
	assert_int_equal(st1.st_size, st0.st_size);
	char *after = tu_slurp(db);
	assert_memory_equal(before, after, (size_t)st0.st_size);
	free(before);
	free(after);
	/* Before: empty -wal and -shm files were left beside it. */
	char side[800];
	snprintf(side, sizeof side, "%s-wal", db);
	assert_false(exists(side));
	snprintf(side, sizeof side, "%s-shm", db);
	assert_false(exists(side));
	assert_int_equal(poise(" --db %s patient add P9", db), 2);

	assert_int_equal(poise(" --db %s db check", db), 2);
	assert_non_null(strstr(F->out, "page"));
	assert_int_equal(poise(" db check"), 0);
	char *copy = path_in("copy.db");
	assert_int_equal(poise(" --db %s db backup %s", db, copy), 0);
	assert_true(exists(copy));
	assert_int_equal(poise(" --db %s db backup %s", db, copy), 2);
	err_has("use --force");
	assert_int_equal(poise(" --db %s db backup %s --force", db, copy), 0);
	assert_int_equal(symlink("/dev/null", path_in("link.db")), 0);
	assert_int_equal(poise(" db backup %s --force", path_in("link.db")), 2);
	err_has("symbolic link");
}

static void a_backup_is_taken_while_another_poise_writes(void **state)
{
	(void)state;
	store *s;
	char msg[512];
	assert_int_equal(store_open(&s, F->db, 0, msg, sizeof msg), POISE_OK); /* holds the writer's lock */
	store_patient p = {.code = "LIVE"};
	assert_int_equal(store_patient_add(s, &p, NULL), POISE_OK);
	char *copy = path_in("live.db");
	assert_int_equal(poise(" db backup %s", copy), 0);
	store_close(s);
	assert_int_equal(poise(" --db %s patient show LIVE", copy), 0);
	struct stat st;
	assert_int_equal(stat(copy, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(poise(" --db %s db check", copy), 0);
}

static void a_database_in_a_read_only_folder_can_be_read(void **state)
{
	(void)state;
	char *ro = path_in("ro");
	mkdir(ro, 0700);
	char cmd[2000];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s/station.db'", F->db, ro);
	assert_int_equal(system(cmd), 0);
	/* As root the folder's mode does not stop writes: the reader runs as
	 * nobody then, which may read the file but not write the folder. */
	struct passwd *nobody = getuid() == 0 ? getpwnam("nobody") : NULL;
	if (getuid() == 0 && !nobody)
		skip();
	char db[800];
	snprintf(db, sizeof db, "%s/station.db", ro);
	if (nobody) {
		chmod(F->dir, 0755);
		assert_int_equal(chown(db, nobody->pw_uid, nobody->pw_gid), 0);
	}
	chmod(ro, 0555);
	/* Before: "unable to open database file" (no -shm could be made). */
	int rc;
	if (nobody) {
		free(F->out);
		free(F->err);
		rc = tu_run(&F->out, &F->err, "setpriv --reuid=%d --regid=%d --clear-groups %s --db %s patient list --json",
		            (int)nobody->pw_uid, (int)nobody->pw_gid, POISE_BIN, db);
	} else {
		rc = poise(" --db %s patient list --json", db);
	}
	chmod(ro, 0700);
	if (rc != 0)
		fail_msg("reading %s in a read-only folder exited %d: %s", db, rc, F->err);
	assert_non_null(strstr(F->out, "\"P1\""));
	snprintf(cmd, sizeof cmd, "%s-shm", db);
	assert_false(exists(cmd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(export_never_writes_through_a_planted_link),
		cmocka_unit_test(report_never_replaces_a_fifo_or_a_device),
		cmocka_unit_test(text_too_long_or_not_utf8_is_refused_not_cut),
		cmocka_unit_test(names_from_the_database_are_shown_without_control_characters),
		cmocka_unit_test(impossible_dates_in_the_database_give_a_clean_report),
		cmocka_unit_test(options_that_are_not_numbers_or_not_json_start_nothing),
		cmocka_unit_test(a_damaged_database_is_refused_for_writing_and_can_be_checked_and_copied),
		cmocka_unit_test(a_backup_is_taken_while_another_poise_writes),
		cmocka_unit_test(a_database_in_a_read_only_folder_can_be_read),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
