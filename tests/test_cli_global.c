/* cli_global_take() (src/cli/global.c) on argument lists: which arguments
 * it takes as global options, which it leaves to the subcommand, and what
 * the subcommand's parser sees afterwards. The same through the poise
 * binary is in test_cli_store.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "cli/cli.h"

#define MAXARGS 16

/* A mutable argv of the words in the NULL-terminated list. */
typedef struct args {
	int argc;
	char *argv[MAXARGS + 1];
	char buf[MAXARGS][64];
} args;

static void make(args *a, const char *const *words)
{
	memset(a, 0, sizeof *a);
	for (; *words; words++) {
		snprintf(a->buf[a->argc], sizeof a->buf[0], "%s", *words);
		a->argv[a->argc] = a->buf[a->argc];
		a->argc++;
	}
	a->argv[a->argc] = NULL;
}

/* The arguments left, joined by spaces. */
static const char *left(const args *a, char *out, size_t len)
{
	out[0] = 0;
	for (int i = 0; i < a->argc; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? " " : "", a->argv[i]);
	return out;
}

static int take(cli_global *g, const char *cmd, args *a)
{
	const cli_command *c = cli_command_find(cmd);
	assert_non_null(c);
	return cli_global_take(g, cmd, c->opts, &a->argc, a->argv);
}

static void globals_are_taken_out_with_their_values(void **state)
{
	(void)state;
	args a;
	char s[512];
	cli_global g = {.device = "auto"};
	make(&a, (const char *const[]){"patient", "list", "--db", "x.db", "--json", "--seed=42",
	                               "--fullscreen", "--size", "800x600", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "patient list --json");
	assert_null(a.argv[a.argc]);
	assert_string_equal(g.db, "x.db");
	assert_true(g.seed_set);
	assert_int_equal(g.seed, 42);
	assert_true(g.fullscreen);
	assert_int_equal(g.width, 800);
	assert_int_equal(g.height, 600);
	assert_string_equal(g.device, "auto");
}

static void a_commands_own_options_stay_with_it(void **state)
{
	(void)state;
	args a;
	char s[512];
	cli_global g = {.device = "auto"};
	/* record has --device itself; play has --patient and --operator */
	make(&a, (const char *const[]){"record", "--device", "sim", "--patient", "P1", "--dev=usb",
	                               "--operator", "--db", NULL});
	assert_int_equal(take(&g, "record", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s),
	                    "record --device sim --patient P1 --dev=usb --operator --db");
	assert_string_equal(g.device, "auto");
	assert_null(g.db); /* "--db" was the value of --operator */
	make(&a, (const char *const[]){"play", "reach", "--patient", "P1", "--operator", "Jo",
	                               "--seed", "3", NULL});
	assert_int_equal(take(&g, "play", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "play reach --patient P1 --operator Jo");
	assert_null(g.patient);
	assert_null(g.operator_name);
	assert_int_equal(g.seed, 3);
	/* but where the command has no such option, the global one is taken */
	make(&a, (const char *const[]){"devices", "--patient", "P9", "--json", NULL});
	assert_int_equal(take(&g, "devices", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "devices --json");
	assert_string_equal(g.patient, "P9");
}

static void short_option_values_and_the_double_dash_are_respected(void **state)
{
	(void)state;
	args a;
	char s[512];
	cli_global g = {0};
	/* export's -o takes a value; a value that looks like an option is it */
	make(&a, (const char *const[]){"export", "-o", "--db", "--patient", "P1", "--db", "real.db",
	                               "--", "--seed", "9", NULL});
	assert_int_equal(take(&g, "export", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "export -o --db --patient P1 -- --seed 9");
	assert_string_equal(g.db, "real.db");
	assert_false(g.seed_set);
	/* -oDIR carries its value; the next argument is free again */
	make(&a, (const char *const[]){"report", "-oout.pdf", "--db", "y.db", "-", NULL});
	assert_int_equal(take(&g, "report", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "report -oout.pdf -");
	assert_string_equal(g.db, "y.db");
}

static void help_version_and_unknown_options_go_to_the_command(void **state)
{
	(void)state;
	args a;
	char s[512];
	cli_global g = {0};
	make(&a, (const char *const[]){"metrics", "--help", "--version", "--bogus", "f.csv", "-x",
	                               NULL});
	assert_int_equal(take(&g, "metrics", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "metrics --help --version --bogus f.csv -x");
	/* a global option is only taken by its full name */
	make(&a, (const char *const[]){"patient", "list", "--d", "z.db", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_OK);
	assert_string_equal(left(&a, s, sizeof s), "patient list --d z.db");
	assert_null(g.db);
}

static void bad_global_options_are_usage_errors(void **state)
{
	(void)state;
	args a;
	cli_global g = {0};
	make(&a, (const char *const[]){"patient", "list", "--db", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_USAGE);
	make(&a, (const char *const[]){"patient", "list", "--frame-stats=1", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_USAGE);
	make(&a, (const char *const[]){"patient", "list", "--seed", "-1", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_USAGE);
	make(&a, (const char *const[]){"patient", "list", "--size", "10x10", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_USAGE);
	make(&a, (const char *const[]){"patient", "list", "--quit-after", "0", NULL});
	assert_int_equal(take(&g, "patient", &a), CLI_USAGE);
}

/* Every command in the table has options, and --help among them. */
static void every_command_declares_its_options(void **state)
{
	(void)state;
	size_t n = 0;
	for (const cli_command *c = cli_commands(); c->name; c++, n++) {
		assert_non_null(c->run);
		assert_non_null(c->opts);
		assert_non_null(c->opts->shortopts);
		bool help = false;
		for (const struct option *o = c->opts->longopts; o->name; o++)
			help |= strcmp(o->name, "help") == 0;
		if (!help)
			fail_msg("poise %s has no --help in its option table", c->name);
		assert_ptr_equal(cli_command_find(c->name), c);
	}
	assert_int_equal(n, 11); /* metrics ... report, assess, db */
	assert_non_null(cli_command_find("assess"));
	assert_non_null(cli_command_find("db"));
	assert_null(cli_command_find("nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(globals_are_taken_out_with_their_values),
		cmocka_unit_test(a_commands_own_options_stay_with_it),
		cmocka_unit_test(short_option_values_and_the_double_dash_are_respected),
		cmocka_unit_test(help_version_and_unknown_options_go_to_the_command),
		cmocka_unit_test(bad_global_options_are_usage_errors),
		cmocka_unit_test(every_command_declares_its_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
