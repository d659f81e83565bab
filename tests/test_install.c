/* `cmake --install` into a temporary prefix, the tree then moved elsewhere:
 * the installed poise runs from there (--version, metrics, the window under
 * SDL's dummy driver, a sway report) with its own assets, never the source
 * tree's (with its fonts taken away the app and the report fail, naming
 * the installed path), and every file lands where Debian looks for it: udev
 * rules, menu entry, icons, one manual page per command of `poise --help`
 * holding every option it names, bash completion, doc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "test_assert.h"

#include "test_util.h"

typedef struct fx {
	char *tmp;        /* removed at teardown */
	char prefix[600]; /* the installed tree, after the move */
	char bin[700];    /* its poise */
} fx;

/* The environment of every command run here: no asset override, the
 * database and settings in the temporary folder. */
#define ENV "unset POISE_ASSET_DIR; export HOME=%s XDG_DATA_HOME=%s/data; "

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->tmp = tu_mkdtemp();
	if (!f->tmp)
		return -1;
	char *err = NULL;
	int rc = tu_run(NULL, &err, "'%s' --install '%s' --prefix '%s/stage'", POISE_CMAKE,
	                POISE_BUILD_TREE, f->tmp);
	if (rc != 0) {
		fprintf(stderr, "cmake --install failed (%d): %s\n", rc, err ? err : "");
		free(err);
		return -1;
	}
	free(err);
	/* Moved: nothing may depend on the prefix it was installed to. */
	snprintf(f->prefix, sizeof f->prefix, "%s/moved", f->tmp);
	rc = tu_run(NULL, NULL, "mv '%s/stage' '%s'", f->tmp, f->prefix);
	if (rc != 0)
		return -1;
	snprintf(f->bin, sizeof f->bin, "%s/bin/poise", f->prefix);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	tu_rmdir(f->tmp);
	free(f);
	return 0;
}

static void assert_file(const fx *f, const char *rel)
{
	char p[1200];
	snprintf(p, sizeof p, "%s/%s", f->prefix, rel);
	struct stat st;
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		fail_msg("not installed (or empty): %s", rel);
}

static void installed_version(void **state)
{
	fx *f = *state;
	char *out = NULL;
	assert_int_equal(tu_run(&out, NULL, ENV "%s --version", f->tmp, f->tmp, f->bin), 0);
	assert_string_equal(out, "poise " POISE_VERSION_WANT "\n");
	free(out);
	/* The package's changelog is at the same version. */
	assert_int_equal(tu_run(&out, NULL, "gzip -dc '%s/share/doc/poise/changelog.gz' | head -n 1",
	                        f->prefix),
	                 0);
	assert_non_null(strstr(out, "poise (" POISE_VERSION_WANT ")"));
	free(out);
}

static void installed_metrics(void **state)
{
	fx *f = *state;
	char *out = NULL, *err = NULL;
	int rc = tu_run(&out, &err, ENV "%s metrics --json %s/circle_r10_f0.5.csv", f->tmp, f->tmp,
	                f->bin, POISE_TEST_DATA);
	if (rc != 0)
		fail_msg("installed poise metrics exited %d: %s", rc, err ? err : "");
	assert_double_equal(tu_json_num(out, "n_samples"), 3001, 0);
	assert_double_equal(tu_json_num(out, "mean_distance_mm"), 10, 0.05);
	free(out);
	free(err);
}

/* The window opens (its fonts load) and saves a screenshot. */
static void installed_window(void **state)
{
	fx *f = *state;
	char *err = NULL, shot[700];
	snprintf(shot, sizeof shot, "%s/shot.png", f->tmp);
	int rc = tu_run(NULL, &err,
	                ENV "SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy %s --seed 1 --quit-after 1 "
	                    "--screenshot %s",
	                f->tmp, f->tmp, f->bin, shot);
	if (rc != 0)
		fail_msg("installed poise --quit-after 1 exited %d: %s", rc, err ? err : "");
	free(err);
	struct stat st;
	assert_int_equal(stat(shot, &st), 0);
	assert_true(st.st_size > 1000);
}

/* A patient, a trial and their sway report (the report's fonts too). */
static void installed_report(void **state)
{
	fx *f = *state;
	char *err = NULL;
	int rc = tu_run(NULL, &err,
	                ENV "%s --db %s/r.db patient add P1 && %s --db %s/r.db --seed 1 record --device sim --patient P1 "
	                    "--trial quiet-eo --seconds 2 --fast && %s --db %s/r.db report --patient P1 -o %s/r.pdf",
	                f->tmp, f->tmp, f->bin, f->tmp, f->bin, f->tmp, f->bin, f->tmp, f->tmp);
	if (rc != 0)
		fail_msg("installed poise record/report exited %d: %s", rc, err ? err : "");
	free(err);
	char p[700];
	snprintf(p, sizeof p, "%s/r.pdf", f->tmp);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_true(st.st_size > 1000);
}

/* Without its fonts the installed program fails and names the installed
 * path: it does not fall back on the source tree (whose fonts are there);
 * POISE_ASSET_DIR then points it to fonts elsewhere. Runs last: it takes
 * the fonts away (and uses installed_report's database). */
static void installed_missing_fonts_named(void **state)
{
	fx *f = *state;
	assert_int_equal(tu_run(NULL, NULL, "mv '%s/share/poise/fonts' '%s/fonts'", f->prefix, f->tmp), 0);
	char *err = NULL, want[800];
	int rc = tu_run(NULL, &err, ENV "SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy %s --quit-after 1",
	                f->tmp, f->tmp, f->bin);
	assert_int_not_equal(rc, 0);
	snprintf(want, sizeof want, "%s/share/poise/fonts/DejaVuSans.ttf", f->prefix);
	if (!err || !strstr(err, want))
		fail_msg("the app should name %s, it says: %s", want, err ? err : "(nothing)");
	free(err);
	rc = tu_run(NULL, &err, ENV "%s --db %s/r.db report --patient P1 -o %s/r2.pdf", f->tmp, f->tmp,
	            f->bin, f->tmp, f->tmp);
	assert_int_not_equal(rc, 0);
	if (!err || !strstr(err, want))
		fail_msg("the report should name %s, it says: %s", want, err ? err : "(nothing)");
	free(err);

	rc = tu_run(NULL, &err,
	            ENV "POISE_ASSET_DIR=%s SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy %s --quit-after 0.2",
	            f->tmp, f->tmp, f->tmp, f->bin);
	if (rc != 0)
		fail_msg("with POISE_ASSET_DIR the installed poise exited %d: %s", rc, err ? err : "");
	free(err);
}

static void installed_layout(void **state)
{
	fx *f = *state;
	assert_file(f, "lib/udev/rules.d/70-poise-plate.rules");
	assert_file(f, "lib/udev/rules.d/70-poise-wbb.rules");
	assert_file(f, "share/applications/poise.desktop");
	assert_file(f, "share/icons/hicolor/scalable/apps/poise.svg");
	static const char *const sizes[] = {"16x16", "32x32", "48x48", "64x64", "128x128", "256x256"};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		char p[200];
		snprintf(p, sizeof p, "share/icons/hicolor/%s/apps/poise.png", sizes[i]);
		assert_file(f, p);
	}
	assert_file(f, "share/bash-completion/completions/poise");
	assert_file(f, "share/doc/poise/copyright");
	assert_file(f, "share/poise/fonts/DejaVuSans.ttf");
	assert_file(f, "share/poise/fonts/DejaVuSans-Bold.ttf");
	/* The old places are gone: udev never read share/poise/assets/udev. */
	char *out = NULL;
	assert_int_equal(tu_run(&out, NULL, "cd '%s' && find . -path ./share/poise/assets -o -path '*share/poise/udev*'",
	                        f->prefix),
	                 0);
	assert_string_equal(out, "");
	free(out);

	char *err = NULL;
	int rc = tu_run(NULL, &err, "desktop-file-validate '%s/share/applications/poise.desktop'", f->prefix);
	if (rc != 0 || (err && *err))
		fail_msg("desktop-file-validate: %s", err ? err : "");
	free(err);
}

/* One manual page per command that `poise --help` lists, plus poise(1); all
 * readable by man without warnings. */
static void installed_manual_pages(void **state)
{
	fx *f = *state;
	char *out = NULL;
	assert_int_equal(tu_run(&out, NULL,
	                        ENV "%s --help | awk 'tolower($0) ~ /^commands:/ { on = 1; next } "
	                            "on && /^[ \\t]*$/ { exit } on { print $1 }'",
	                        f->tmp, f->tmp, f->bin),
	                 0);
	assert_true(tu_lines(out) >= 5);
	assert_file(f, "share/man/man1/poise.1.gz");
	char *save = NULL;
	for (char *cmd = strtok_r(out, "\n", &save); cmd; cmd = strtok_r(NULL, "\n", &save)) {
		char p[200];
		snprintf(p, sizeof p, "share/man/man1/poise-%s.1.gz", cmd);
		assert_file(f, p);
	}
	free(out);
	char *err = NULL;
	int rc = tu_run(&out, &err,
	                "for p in '%s'/share/man/man1/*.1.gz; do "
	                "MANWIDTH=80 man --warnings -E UTF-8 -l \"$p\" >/dev/null || exit 1; done",
	                f->prefix);
	if (rc != 0 || (err && *err))
		fail_msg("man --warnings: %s", err ? err : "");
	free(out);
	free(err);
	/* Each page holds every option its --help names. */
	rc = tu_run(&out, &err,
	            ENV "cd '%s/share/man/man1' && for p in poise*.1.gz; do "
	                "c=${p#poise}; c=${c#-}; c=${c%%.1.gz}; "
	                "page=$(MANWIDTH=1000 man -l \"$p\"); "
	                "for o in $(%s $c --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do "
	                "printf '%%s\\n' \"$page\" | grep -q -e \"$o\" || echo \"$p lacks $o\"; "
	                "done; done",
	            f->tmp, f->tmp, f->prefix, f->bin);
	if (rc != 0 || !out || *out)
		fail_msg("the manual pages and --help differ: %s %s", out ? out : "", err ? err : "");
	free(out);
	free(err);
}

/* The completion offers every command, a command's options and a game. */
static void installed_completion(void **state)
{
	fx *f = *state;
	static const struct {
		const char *line, *want;
	} cases[] = {
	    {"poise \"\"", "metrics"},
	    {"poise \"\"", "report"},
	    {"poise me", "metrics"},
	    {"poise metrics --j", "--json"},
	    {"poise play \"\"", "reach"},
	    {"poise patient \"\"", "delete"},
	    {"poise export --format \"\"", "json"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *out = NULL, *err = NULL;
		int rc = tu_run(&out, &err,
		                ENV "PATH='%s/bin':\"$PATH\" bash -c '. \"$0\"; COMP_WORDS=(%s); "
		                    "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _poise; printf \"%%s\\n\" \"${COMPREPLY[@]}\"' "
		                    "'%s/share/bash-completion/completions/poise'",
		                f->tmp, f->tmp, f->prefix, cases[i].line, f->prefix);
		char want[64];
		snprintf(want, sizeof want, "%s\n", cases[i].want);
		if (rc != 0 || !out || !strstr(out, want))
			fail_msg("completing [%s]: want %s, got: %s %s", cases[i].line, cases[i].want,
			         out ? out : "", err ? err : "");
		free(out);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(installed_version),
	    cmocka_unit_test(installed_metrics),
	    cmocka_unit_test(installed_window),
	    cmocka_unit_test(installed_layout),
	    cmocka_unit_test(installed_manual_pages),
	    cmocka_unit_test(installed_completion),
	    cmocka_unit_test(installed_report),
	    cmocka_unit_test(installed_missing_fonts_named),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
