/* The database commands as a user runs them: `poise record` through the
 * real device layer, `poise export` → `poise metrics` giving the metrics
 * computed live, a recording killed with SIGKILL or ended with SIGTERM, a
 * second instance on the same database, a file-size limit mid-trial,
 * damaged and newer databases, patient management with the delete
 * confirmation on a real pseudo-terminal, and the default location. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>
#include "test_assert.h"

#include "test_util.h"

#include "core/error.h"
#include "core/metrics.h"
#include "store/store.h"

typedef struct fx {
	char *dir;
	char db[600];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->dir = tu_mkdtemp();
	snprintf(f->db, sizeof f->db, "%s/station.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs `poise --db DB ARGS`; returns the exit code. */
static int poise(const fx *f, char **out, char **err, const char *args)
{
	return tu_run(out, err, "%s --db '%s' %s </dev/null", POISE_BIN, f->db, args);
}

static void poise_ok(const fx *f, const char *args)
{
	char *err = NULL;
	int rc = poise(f, NULL, &err, args);
	if (rc != 0)
		fail_msg("poise %s exited %d: %s", args, rc, err ? err : "");
	free(err);
}

static int mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static long long sql_int(const char *db_path, const char *sql)
{
	sqlite3 *db;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 2000);
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

/* Starts `poise --db DB record ...` in real time as a child process. */
static pid_t spawn_record(const fx *f, const char *seconds)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char log[700];
		snprintf(log, sizeof log, "%s/record.log", f->dir);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(POISE_BIN, POISE_BIN, "--db", f->db, "--device", "sim", "--seed", "11", "record", "--patient", "P01",
		      "--trial", "quiet-eo", "--seconds", seconds, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits until the recording child has committed at least n samples. */
static long long wait_for_samples(const fx *f, long long n)
{
	for (int i = 0; i < 400; i++) {
		long long got = sql_int(f->db, "SELECT count(*) FROM sample");
		if (got >= n)
			return got;
		struct timespec ts = {0, 25 * 1000000L};
		nanosleep(&ts, NULL);
	}
	fail_msg("the recording never reached %lld samples", n);
	return -1;
}

static store *open_store(const fx *f, unsigned flags)
{
	store *s = NULL;
	char msg[512];
	int rc = store_open(&s, f->db, flags, msg, sizeof msg);
	if (rc)
		fail_msg("store_open: %s", msg);
	return s;
}

/* The single trial of P01. */
static store_trial only_trial(store *s)
{
	store_patient p;
	assert_int_equal(store_patient_get(s, "P01", &p), POISE_OK);
	store_session *se;
	size_t ns;
	assert_int_equal(store_sessions(s, p.id, &se, &ns), POISE_OK);
	assert_int_equal(ns, 1);
	store_trial *t;
	size_t nt;
	assert_int_equal(store_trials(s, se[0].id, &t, &nt), POISE_OK);
	assert_int_equal(nt, 1);
	store_trial out = t[0];
	free(t);
	free(se);
	return out;
}

/* Every sample present: one each 10 ms (100 Hz) from 0. */
static void assert_contiguous(store *s, int64_t trial_id, size_t n_expected)
{
	store_sample *smp;
	size_t n;
	assert_int_equal(store_samples(s, trial_id, &smp, &n), POISE_OK);
	assert_int_equal(n, n_expected);
	for (size_t k = 0; k < n; k++)
		if (smp[k].t_us != (int64_t)k * 10000 || !(smp[k].flags & 0x100))
			fail_msg("sample %zu: t %lld µs, flags %#x", k, (long long)smp[k].t_us, smp[k].flags);
	free(smp);
}

static void record_export_metrics_round_trip(void **state)
{
	fx *f = *state;
	poise_ok(f, "patient add P01");
	char *out = NULL, *err = NULL;
	int rc = poise(f, &out, &err,
	               "--seed 7 record --device sim --patient P01 --trial quiet-eo --seconds 30 --fast --json");
	if (rc != 0)
		fail_msg("record exited %d: %s", rc, err);
	assert_int_equal(tu_lines(out), 1);
	assert_non_null(strstr(out, "\"status\": \"complete\""));
	assert_double_equal(tu_json_num(out, "n_samples"), 3001, 0);
	assert_double_equal(tu_json_num(out, "trial"), 1, 0);
	assert_double_equal(tu_json_num(out, "trial_duration_s"), 30, 0);
	char *live = out;
	free(err);

	char dir[700];
	snprintf(dir, sizeof dir, "%s/export", f->dir);
	char args[1000];
	snprintf(args, sizeof args, "export --patient P01 --format csv -o '%s'", dir);
	poise_ok(f, args);
	char csv[900];
	snprintf(csv, sizeof csv, "%s/P01_s1_t1_quiet-eo_samples.csv", dir);
	assert_int_equal(mode_of(csv), 0600);
	assert_int_equal(mode_of(dir), 0700);
	rc = tu_run(&out, &err, "%s metrics '%s' --json", POISE_BIN, csv);
	if (rc != 0)
		fail_msg("metrics exited %d: %s", rc, err);
	free(err);
	size_t nf;
	const met_field *fields = met_static_fields(&nf);
	for (size_t i = 0; i < nf; i++) {
		double a = tu_json_num(out, fields[i].key), b = tu_json_num(live, fields[i].key);
		if (!(fabs(a - b) <= 1e-6 * fmax(1, fabs(b))))
			fail_msg("%s: %.10g from the export, %.10g live", fields[i].key, a, b);
	}
	/* Plausible quiet stance from the simulated plate. */
	double rms = tu_json_num(live, "rms_distance_mm");
	assert_true(rms > 2 && rms < 10);
	free(out);

	snprintf(args, sizeof args, "export --patient P01 --session 1 --format json -o '%s/j'", f->dir);
	poise_ok(f, args);
	char p[900];
	snprintf(p, sizeof p, "%s/j/P01_s1_t1_quiet-eo_trial.json", f->dir);
	char *json = tu_slurp(p);
	assert_non_null(json);
	assert_int_equal(mode_of(p), 0600);
	assert_non_null(strstr(json, "\"status\": \"complete\""));
	assert_double_equal(tu_json_num(json, "rms_distance_mm"), rms, 1e-8 * rms);
	free(json);
	free(live);

	/* Bad uses. */
	assert_int_equal(poise(f, NULL, &err, "record --device sim --patient NOBODY --trial quiet-eo --seconds 1"), 2);
	assert_non_null(strstr(err, "poise patient add NOBODY"));
	free(err);
	assert_int_equal(poise(f, NULL, &err, "record --device sim --patient P01 --trial 'Quiet EO' --seconds 1"), 2);
	assert_non_null(strstr(err, "not a trial kind"));
	free(err);
	assert_int_equal(poise(f, NULL, &err, "export --patient P01 --format xml -o x"), 2);
	free(err);
}

static void kill_9_leaves_a_crashed_trial_with_its_samples(void **state)
{
	fx *f = *state;
	poise_ok(f, "patient add P01");
	pid_t pid = spawn_record(f, "60");
	long long seen = wait_for_samples(f, 150);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int wst;
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(WIFSIGNALED(wst) && WTERMSIG(wst) == SIGKILL);

	char *out = NULL;
	assert_int_equal(poise(f, &out, NULL, "patient show P01"), 0);
	assert_non_null(strstr(out, "quiet-eo     crashed"));
	free(out);
	store *s = open_store(f, 0); /* the next start */
	store_trial t = only_trial(s);
	assert_int_equal(t.status, STORE_CRASHED);
	assert_true(t.n_samples >= seen);
	assert_double_equal(t.duration_s, (double)(t.n_samples - 1) / 100, 1e-9);
	assert_contiguous(s, t.id, (size_t)t.n_samples);
	store_close(s);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM pragma_integrity_check WHERE"
	                                " integrity_check = 'ok'"),
	                 1);
}

static void a_second_instance_is_refused_and_sigterm_ends_the_trial(void **state)
{
	fx *f = *state;
	poise_ok(f, "patient add P01");
	pid_t pid = spawn_record(f, "60");
	wait_for_samples(f, 250);
	char *out = NULL, *err = NULL;
	assert_int_equal(poise(f, NULL, &err, "record --device sim --patient P01 --trial quiet-ec --seconds 5"), 1);
	assert_non_null(strstr(err, "in use by another Poise"));
	free(err);
	assert_int_equal(poise(f, NULL, &err, "patient add P02"), 1);
	assert_non_null(strstr(err, "in use by another Poise"));
	free(err);
	/* Reading goes on beside the recording. */
	assert_int_equal(poise(f, &out, NULL, "patient list"), 0);
	assert_non_null(strstr(out, "P01"));
	free(out);
	char args[800];
	snprintf(args, sizeof args, "export --patient P01 --format csv -o '%s/live'", f->dir);
	poise_ok(f, args);

	assert_int_equal(kill(pid, SIGTERM), 0);
	int wst;
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(WIFEXITED(wst));
	assert_int_equal(WEXITSTATUS(wst), 1);
	char log[700];
	snprintf(log, sizeof log, "%s/record.log", f->dir);
	char *text = tu_slurp(log);
	assert_non_null(strstr(text, "marked aborted"));
	free(text);

	store *s = open_store(f, 0);
	store_trial t = only_trial(s);
	assert_int_equal(t.status, STORE_ABORTED);
	assert_true(t.n_samples >= 250);
	assert_contiguous(s, t.id, (size_t)t.n_samples);
	store_metric *m;
	size_t n;
	assert_int_equal(store_metrics(s, t.id, &m, &n), POISE_OK);
	assert_true(n > 10); /* more than 2 s: the metrics were computed */
	free(m);
	store_close(s);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM pragma_integrity_check WHERE"
	                                " integrity_check = 'ok'"),
	                 1);
}

static void a_file_size_limit_stops_the_recording_cleanly(void **state)
{
	fx *f = *state;
	poise_ok(f, "patient add P01");
	char *out = NULL, *err = NULL;
	/* dash's ulimit -f counts 512-byte blocks: 2 MiB. */
	int rc = tu_run(&out, &err,
	                "sh -c 'trap \"\" XFSZ; ulimit -f 4096; exec %s --db %s record --device sim --patient P01"
	                " --trial quiet-eo --seconds 3600 --fast'",
	                POISE_BIN, f->db);
	if (rc != 1)
		fail_msg("exited %d: %s", rc, err);
	assert_non_null(strstr(err, "disk is full or a file-size limit was reached"));
	const char *said = strstr(err, "The ");
	assert_non_null(said);
	long long committed = strtoll(said + 4, NULL, 10);
	assert_non_null(strstr(said, " samples saved before are kept"));
	assert_true(committed > 1000);
	assert_non_null(strstr(out, "quiet-eo):"));
	free(out);
	free(err);
	store *s = open_store(f, 0);
	store_trial t = only_trial(s);
	/* 'aborted' if the status update still fitted under the limit, else
	 * left 'crashed' and finalised at this open; either way it holds
	 * exactly the samples the message promised, all of them in order. */
	assert_true(t.status == STORE_ABORTED || t.status == STORE_CRASHED);
	assert_int_equal(t.n_samples, committed);
	assert_contiguous(s, t.id, (size_t)t.n_samples);
	store_close(s);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM pragma_integrity_check WHERE"
	                                " integrity_check = 'ok'"),
	                 1);
}

static void damaged_and_newer_databases_are_refused_untouched(void **state)
{
	fx *f = *state;
	const char junk[] = "this is a shopping list, not a database\n";
	FILE *fp = fopen(f->db, "wb");
	fwrite(junk, 1, sizeof junk - 1, fp);
	fclose(fp);
	struct stat before;
	stat(f->db, &before);
	static const char *const cmds[] = {
		"patient add P01",
		"patient list",
		"record --device sim --patient P01 --trial quiet-eo --seconds 1 --fast",
		"export --patient P01 --format csv -o /nonexistent",
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char *err = NULL;
		assert_int_equal(poise(f, NULL, &err, cmds[i]), 2);
		assert_non_null(strstr(err, "is not a Poise database"));
		assert_non_null(strstr(err, "left as it is"));
		free(err);
	}
	char *now = tu_slurp(f->db);
	assert_string_equal(now, junk);
	free(now);
	struct stat after;
	stat(f->db, &after);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

	unlink(f->db);
	poise_ok(f, "patient add P01");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	char *err = NULL;
	assert_int_equal(poise(f, NULL, &err, "patient add P02"), 2);
	assert_non_null(strstr(err, "newer Poise"));
	free(err);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM patient"), 1);
}

/* Runs `poise patient delete CODE` on a pseudo-terminal and types answer. */
static int delete_on_terminal(const fx *f, const char *code, const char *answer, char *screen,
                              size_t cap)
{
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(POISE_BIN, POISE_BIN, "--db", f->db, "patient", "delete", code, (char *)NULL);
		_exit(127);
	}
	size_t n = 0;
	bool asked = false;
	while (n + 1 < cap) {
		ssize_t k = read(master, screen + n, cap - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		screen[n] = 0;
		if (!asked && strstr(screen, "Type the patient code to confirm: ")) {
			asked = true;
			assert_true(write(master, answer, strlen(answer)) == (ssize_t)strlen(answer));
		}
	}
	screen[n] = 0;
	close(master);
	int wst;
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_true(asked);
	return WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
}

static void patients_add_list_rename_and_delete_with_confirmation(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	poise_ok(f, "patient add P01 --name 'Ana B.' --birth-year 1960 --height-cm 165");
	poise_ok(f, "patient add Q-7");
	assert_int_equal(poise(f, NULL, &err, "patient add P01"), 2);
	assert_non_null(strstr(err, "already exists"));
	free(err);
	assert_int_equal(poise(f, NULL, &err, "patient add 'Ana Berg'"), 2);
	assert_non_null(strstr(err, "not a valid code"));
	free(err);
	assert_int_equal(poise(f, &out, NULL, "patient list --json"), 0);
	assert_non_null(strstr(out, "{\"code\": \"P01\", \"name\": \"Ana B.\", \"birth_year\": 1960,"
	                            " \"sessions\": 0, \"trials\": 0,"));
	free(out);
	poise_ok(f, "record --device sim --patient P01 --trial quiet-eo --seconds 3 --fast");
	poise_ok(f, "record --device sim --patient Q-7 --trial quiet-ec --seconds 3 --fast");
	poise_ok(f, "patient rename P01 P02");
	assert_int_equal(poise(f, NULL, &err, "patient rename P02 Q-7"), 2);
	assert_non_null(strstr(err, "already exists"));
	free(err);
	assert_int_equal(poise(f, &out, NULL, "patient list"), 0);
	assert_non_null(strstr(out, "P02"));
	assert_null(strstr(out, "P01"));
	free(out);

	/* No terminal and no --yes: refused. */
	assert_int_equal(poise(f, NULL, &err, "patient delete P02"), 2);
	assert_non_null(strstr(err, "--yes"));
	free(err);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM patient"), 2);
	/* On a terminal: the wrong code keeps the patient, the right one deletes. */
	char screen[4096];
	assert_int_equal(delete_on_terminal(f, "P02", "P01\n", screen, sizeof screen), 1);
	assert_non_null(strstr(screen, "1 sessions, 1 trials, 301 samples"));
	assert_non_null(strstr(screen, "was not deleted"));
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM patient"), 2);
	assert_int_equal(delete_on_terminal(f, "P02", "P02\n", screen, sizeof screen), 0);
	assert_non_null(strstr(screen, "deleted patient P02"));
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM patient"), 1);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sample"), 301); /* Q-7's */
	/* Scripts. */
	poise_ok(f, "patient delete Q-7 --yes");
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM patient"), 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM session"), 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM trial"), 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM sample"), 0);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM metric"), 0);
	assert_int_equal(poise(f, NULL, &err, "patient delete Q-7 --yes"), 2);
	free(err);
}

static void the_default_database_lives_in_xdg_data_home(void **state)
{
	fx *f = *state;
	char *err = NULL;
	int rc = tu_run(NULL, &err, "XDG_DATA_HOME='%s/data' %s patient add P01 </dev/null", f->dir,
	                POISE_BIN);
	if (rc)
		fail_msg("exited %d: %s", rc, err);
	free(err);
	char p[800];
	snprintf(p, sizeof p, "%s/data/poise/poise.db", f->dir);
	assert_int_equal(mode_of(p), 0600);
	snprintf(p, sizeof p, "%s/data/poise", f->dir);
	assert_int_equal(mode_of(p), 0700);
	char *out = NULL;
	rc = tu_run(&out, NULL, "HOME=/nonexistent XDG_DATA_HOME='%s/data' %s patient list", f->dir,
	            POISE_BIN);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "P01"));
	free(out);
}

/* The line of out that starts with prefix (a copy; caller frees), or NULL. */
static char *line_of(const char *out, const char *prefix)
{
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			return strndup(l, strcspn(l, "\n"));
	return NULL;
}

/* `poise patient show|list` mark the sessions on the simulated plate, and
 * only those. */
static void patient_show_marks_simulated_sessions(void **state)
{
	fx *f = *state;
	poise_ok(f, "patient add P01");
	poise_ok(f, "record --device sim --patient P01 --trial quiet-eo --seconds 2 --fast");
	/* a session on a real plate, as `poise record --device usb` stores it */
	store *s = open_store(f, 0);
	store_patient p;
	assert_int_equal(store_patient_get(s, "P01", &p), POISE_OK);
	store_session real = {.patient_id = p.id};
	strcpy(real.device_backend, "usb");
	strcpy(real.device_serial, "PLATE-1");
	int64_t sid, tid;
	assert_int_equal(store_session_begin(s, &real, &sid), POISE_OK);
	assert_int_equal(store_trial_begin(s, sid, "quiet-ec", NULL, NULL, 100, &tid), POISE_OK);
	assert_int_equal(store_trial_end(s, tid, STORE_COMPLETE, 0), POISE_OK);
	store_close(s);

	char *out = NULL;
	assert_int_equal(poise(f, &out, NULL, "patient show P01"), 0);
	char *s1 = line_of(out, "session 1 "), *t1 = line_of(out, "  trial 1 ");
	char *s2 = line_of(out, "session 2 "), *t2 = line_of(out, "  trial 2 ");
	assert_non_null(s1);
	assert_non_null(t1);
	assert_non_null(s2);
	assert_non_null(t2);
	assert_non_null(strstr(s1, "sim SIM-0001  SIMULATED plate: demo data, not measured"));
	assert_non_null(strstr(t1, "quiet-eo"));
	assert_non_null(strstr(t1, "  SIMULATED"));
	assert_non_null(strstr(s2, "usb PLATE-1"));
	assert_null(strstr(s2, "SIMULATED"));
	assert_null(strstr(t2, "SIMULATED"));
	assert_non_null(strstr(out, "1 of 2 sessions ran on the simulated plate: their numbers are a "
	                            "demonstration, not a measurement of this patient."));
	free(s1), free(t1), free(s2), free(t2);
	free(out);

	assert_int_equal(poise(f, &out, NULL, "patient list --json"), 0);
	assert_non_null(strstr(out, "\"sessions\": 2, \"trials\": 2, \"simulated_sessions\": 1,"));
	free(out);
	assert_int_equal(poise(f, &out, NULL, "patient list"), 0);
	assert_non_null(strstr(out, "(1 on the SIMULATED plate)"));
	free(out);
}

/* Global options after the subcommand (src/cli/global.c): as before it. */
static void global_options_work_after_the_command(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	/* --db after the command, in both spellings */
	int rc = tu_run(NULL, &err, "%s patient add P1 --db '%s' </dev/null", POISE_BIN, f->db);
	if (rc)
		fail_msg("patient add P1 --db: exit %d: %s", rc, err);
	free(err);
	assert_int_equal(mode_of(f->db), 0600);
	assert_int_equal(tu_run(NULL, NULL, "%s patient add P2 --name 'Bo C.' --db='%s'", POISE_BIN,
	                        f->db),
	                 0);
	assert_int_equal(tu_run(&out, NULL, "%s patient list --db '%s'", POISE_BIN, f->db), 0);
	assert_non_null(strstr(out, "P1 "));
	assert_non_null(strstr(out, "P2 "));
	assert_non_null(strstr(out, "Bo C."));
	free(out);
	/* before the command, as always */
	assert_int_equal(tu_run(&out, NULL, "%s --db '%s' patient list --json", POISE_BIN, f->db), 0);
	assert_non_null(strstr(out, "\"code\": \"P1\""));
	free(out);
	/* A command's own option keeps its value, even one that looks like a
	 * global option. */
	assert_int_equal(tu_run(NULL, NULL, "%s patient add P3 --name --db --db '%s'", POISE_BIN,
	                        f->db),
	                 0);
	assert_int_equal(tu_run(&out, NULL, "%s patient list --db '%s' --json", POISE_BIN, f->db), 0);
	assert_non_null(strstr(out, "{\"code\": \"P3\", \"name\": \"--db\""));
	free(out);
	/* Nothing after "--" is taken. */
	assert_int_equal(tu_run(NULL, &err, "%s --db '%s' patient list -- --seed 5", POISE_BIN, f->db),
	                 2);
	assert_non_null(strstr(err, "poise patient list: takes no arguments"));
	free(err);
	/* Unknown options and missing values are still clear errors (exit 2). */
	assert_int_equal(tu_run(NULL, &err, "%s patient list --bogus --db '%s'", POISE_BIN, f->db), 2);
	assert_non_null(strstr(err, "poise patient: unknown option '--bogus'"));
	free(err);
	assert_int_equal(tu_run(NULL, &err, "%s patient list --db", POISE_BIN), 2);
	assert_non_null(strstr(err, "poise patient: --db needs a value"));
	free(err);
	assert_int_equal(tu_run(NULL, &err, "%s patient list --fullscreen=yes --db '%s'", POISE_BIN,
	                        f->db),
	                 2);
	assert_non_null(strstr(err, "--fullscreen takes no value"));
	free(err);
	assert_int_equal(tu_run(NULL, &err, "%s patient list --db '%s' --seed many", POISE_BIN, f->db),
	                 2);
	assert_non_null(strstr(err, "--seed wants a whole number, not 'many'"));
	free(err);

	/* --seed after the command means what it means before it: the same
	 * sway, hence the same metrics. */
	char *a = NULL, *b = NULL;
	assert_int_equal(tu_run(&a, NULL, "%s --db '%s' --device sim --seed 21 record --patient P1 "
	                        "--trial quiet-eo --seconds 3 --fast --json", POISE_BIN, f->db),
	                 0);
	assert_int_equal(tu_run(&b, NULL, "%s record --patient P1 --trial quiet-eo --seconds 3 --fast "
	                        "--json --seed 21 --db '%s' --device sim", POISE_BIN, f->db),
	                 0);
	const char *va = strstr(a, "\"mean_velocity_mm_s\""), *vb = strstr(b, "\"mean_velocity_mm_s\"");
	assert_non_null(va);
	assert_non_null(vb);
	assert_int_equal(strncmp(va, vb, 40), 0);
	free(a);
	free(b);
	assert_int_equal(sql_int(f->db, "SELECT count(*) FROM session WHERE device_backend = 'sim'"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(record_export_metrics_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(kill_9_leaves_a_crashed_trial_with_its_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(a_second_instance_is_refused_and_sigterm_ends_the_trial, setup, teardown),
		cmocka_unit_test_setup_teardown(a_file_size_limit_stops_the_recording_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_and_newer_databases_are_refused_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(patients_add_list_rename_and_delete_with_confirmation, setup, teardown),
		cmocka_unit_test_setup_teardown(the_default_database_lives_in_xdg_data_home, setup, teardown),
		cmocka_unit_test_setup_teardown(global_options_work_after_the_command, setup, teardown),
		cmocka_unit_test_setup_teardown(patient_show_marks_simulated_sessions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
