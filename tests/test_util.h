/* Helpers shared by the tests: temporary directories, running the poise
 * binary, reading numbers out of its flat JSON. Header-only on purpose:
 * each test is one executable. */
#ifndef POISE_TEST_UTIL_H
#define POISE_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A fresh directory under $TMPDIR (or /tmp); the caller removes it with
 * tu_rmdir. */
static inline char *tu_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *p = malloc(512);
	snprintf(p, 512, "%s/poise-test-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static inline void tu_rmdir(char *dir)
{
	if (!dir)
		return;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

/* Reads a whole small file (NUL-terminated, caller frees); NULL if absent. */
static inline char *tu_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	size_t got = fread(b, 1, (size_t)n, f);
	b[got] = 0;
	fclose(f);
	return b;
}

/* Runs a shell command line, capturing stdout and stderr into malloc'ed
 * strings; returns the exit code (-1 if it did not exit normally). */
__attribute__((format(printf, 3, 4)))
static inline int tu_run(char **out, char **err, const char *fmt, ...)
{
	char cmd[4096], dir_out[] = "/tmp/poise-run-XXXXXX";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (!mkdtemp(dir_out))
		return -1;
	char full[4600];
	snprintf(full, sizeof full, "%s >%s/out 2>%s/err", cmd, dir_out, dir_out);
	int st = system(full);
	char p[600];
	snprintf(p, sizeof p, "%s/out", dir_out);
	char *o = tu_slurp(p);
	snprintf(p, sizeof p, "%s/err", dir_out);
	char *e = tu_slurp(p);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	snprintf(full, sizeof full, "rm -rf %s", dir_out);
	if (system(full) != 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number after "key": in a flat JSON object; NAN if the key is absent. */
static inline double tu_json_num(const char *json, const char *key)
{
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = json ? strstr(json, pat) : NULL;
	if (!p)
		return 0.0 / 0.0;
	return strtod(p + strlen(pat), NULL);
}

/* Replays the game trial that `poise play --json` printed as played (its
 * trial_id) with `poise replay --json` on database db, and checks that the
 * replay prints the same object with "replay_matches": true added. Returns
 * NULL if so, else a malloc'ed explanation. */
static inline char *tu_replay_differs(const char *bin, const char *db, const char *played)
{
	double id = tu_json_num(played, "trial_id");
	char *why = malloc(16384);
	if (!(id >= 1)) {
		snprintf(why, 16384, "no trial_id in %s", played);
		return why;
	}
	char *out = NULL, *err = NULL;
	int rc = tu_run(&out, &err, "%s --db %s replay %.0f --json", bin, db, id);
	size_t n = strlen(played);
	while (n > 0 && (played[n - 1] == '\n' || played[n - 1] == '}'))
		n--;
	if (rc)
		snprintf(why, 16384, "replay exited %d: %s%s", rc, err, out);
	else if (strncmp(out, played, n) != 0)
		snprintf(why, 16384, "the replay differs:\nplayed:   %s\nreplayed: %s", played, out);
	else if (!strstr(out, "\"replay_matches\": true") || !strstr(out, "\"replay_differences\": 0"))
		snprintf(why, 16384, "the replay does not match: %s", out);
	else {
		free(why);
		why = NULL;
	}
	free(out);
	free(err);
	return why;
}

/* Counts the lines of s. */
static inline int tu_lines(const char *s)
{
	int n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

/* True if s ends with tail. */
static inline int tu_ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcmp(s + n - k, tail) == 0;
}

#endif
