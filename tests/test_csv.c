/* Reading COP CSV text: good files in several dialects, and every kind of
 * bad file with the line it names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"

#include "core/csv.h"
#include "core/error.h"

static int parse(const char *text, csv_cop *c, csv_error *e)
{
	return csv_cop_parse(text, strlen(text), 1, c, e);
}

static void reads_columns_by_name_in_any_order(void **state)
{
	(void)state;
	const char *text = "fz_N,cop_y,extra,t,cop_x\n"
	                   "700,-1.5,x,0.00,2.5\n"
	                   "701,-1.0,y,0.01,3.0\n";
	csv_cop c;
	csv_error e;
	assert_int_equal(parse(text, &c, &e), POISE_OK);
	assert_int_equal(c.n, 2);
	assert_double_equal(c.t_s[1], 0.01, 0);
	assert_double_equal(c.x_mm[0], 2.5, 0);
	assert_double_equal(c.y_mm[1], -1.0, 0);
	assert_int_equal(c.first_line, 2);
	assert_int_equal(c.last_line, 3);
	csv_cop_free(&c);
}

static void accepts_crlf_bom_quotes_comments_semicolons(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBF# exported by a lab system\r\n"
	                   "\"t\";\"cop_x\";\"cop_y\"\r\n"
	                   "\r\n"
	                   "1.0; 0.1 ;0.2\r\n"
	                   "# a note\r\n"
	                   "1.5;0.3;0.4"; /* no final newline */
	csv_cop c;
	csv_error e;
	assert_int_equal(parse(text, &c, &e), POISE_OK);
	assert_int_equal(c.n, 2);
	assert_double_equal(c.x_mm[0], 0.1, 0);
	assert_double_equal(c.y_mm[1], 0.4, 0);
	assert_int_equal(c.first_line, 4);
	assert_int_equal(c.last_line, 6);
	csv_cop_free(&c);
	/* tabs */
	assert_int_equal(parse("t\tcop_x\tcop_y\n0\t1\t2\n", &c, &e), POISE_OK);
	assert_double_equal(c.y_mm[0], 2, 0);
	csv_cop_free(&c);
}

static void converts_units(void **state)
{
	(void)state;
	csv_cop c;
	csv_error e;
	const char *text = "t,cop_x,cop_y\n0,0.5,-0.25\n";
	assert_int_equal(csv_cop_parse(text, strlen(text), 10, &c, &e), POISE_OK);
	assert_double_equal(c.x_mm[0], 5, 1e-12);
	assert_double_equal(c.y_mm[0], -2.5, 1e-12);
	csv_cop_free(&c);
	assert_int_equal(csv_cop_parse(text, strlen(text), 1000, &c, &e), POISE_OK);
	assert_double_equal(c.x_mm[0], 500, 1e-12);
	csv_cop_free(&c);
}

static void bad_files_name_the_line_and_problem(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t line;
		const char *says;
	} bad[] = {
		{"", 1, "empty file"},
		{"# only a comment\n\n", 2, "empty file"},
		{"t,cop_x,cop_y\n", 1, "no data rows"},
		{"t,cop_x\n0,1\n", 1, "missing column 'cop_y'"},
		{"time,cop_x,cop_y\n0,1,2\n", 1, "missing column 't'"},
		{"t,cop_x,cop_y\n0,1,2\n0.01,1\n", 3, "2 fields"},
		{"t,cop_x,cop_y\n0,1,2\n0.01,abc,2\n", 3, "'abc' is not a number"},
		{"t,cop_x,cop_y\n0,1,2\n0.01,1.5e,2\n", 3, "is not a number"},
		{"t,cop_x,cop_y\n0,1,2\n0.01,,2\n", 3, "column 'cop_x' is empty"},
		{"t,cop_x,cop_y\n0,1,nan\n", 2, "NaN"},
		{"t,cop_x,cop_y\n0,inf,1\n", 2, "not finite"},
		{"t,cop_x,cop_y\n0,1,2\n1,1,2\n1,1,2\n", 4, "not after the previous row"},
		{"t,cop_x,cop_y\n0,1,2\n1,1,2\n0.5,1,2\n", 4, "not after the previous row"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		csv_cop c = {0};
		csv_error e = {0};
		assert_int_equal(parse(bad[i].text, &c, &e), POISE_E_PARSE);
		if (e.line != bad[i].line || !strstr(e.msg, bad[i].says))
			fail_msg("case %zu: got line %zu '%s', want line %zu '%s'", i, e.line, e.msg,
			         bad[i].line, bad[i].says);
		assert_null(c.t_s); /* nothing handed out */
	}
}

static void never_reads_past_the_buffer(void **state)
{
	(void)state;
	/* A buffer without a terminating NUL: the parser must respect len. */
	char buf[64];
	memset(buf, '9', sizeof buf);
	const char *text = "t,cop_x,cop_y\n0,1,2\n1,3,4";
	memcpy(buf, text, strlen(text));
	csv_cop c;
	csv_error e;
	assert_int_equal(csv_cop_parse(buf, strlen(text), 1, &c, &e), POISE_OK);
	assert_int_equal(c.n, 2);
	assert_double_equal(c.y_mm[1], 4, 0);
	csv_cop_free(&c);
}

/* Fed in pieces of any size, the reader gives what the whole text gives:
 * the same rows, the same error on the same line. */
static void reader_in_any_cutting_gives_the_same(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"\xEF\xBB\xBF# a note\r\n\"t\";\"cop_x\";\"cop_y\"\r\n\r\n1.0; 0.1 ;0.2\r\n# x\r\n1.5;0.3;0.4",
		"fz_N,cop_y,extra,t,cop_x\n700,-1.5,x,0.00,2.5\n701,-1.0,y,0.01,3.0\n702,1e-3,z,0.02,-0\n",
		"t,cop_x,cop_y\n0,1,2\n0.01,1\n",
		"t,cop_x,cop_y\n0,1,2\n1,1,2\n0.5,1,2\n",
		"t,cop_x,cop_y\n0,1,2\n1,2,3\n2,3\0" "9,1\n",
		"t,cop_x,cop_y\n",
		"",
		"t\tcop_x\tcop_y\n0\t1\t2\n1\t3\t4\n2\t5\t6",
	};
	for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		size_t len = k == 4 ? 34 : strlen(texts[k]); /* 4 holds a NUL */
		csv_cop whole = {0};
		csv_error ew = {0};
		int rw = csv_cop_parse(texts[k], len, 1, &whole, &ew);
		for (size_t piece = 1; piece <= len + 1; piece++) {
			csv_cop_reader *r;
			assert_int_equal(csv_cop_reader_create(&r, 1), POISE_OK);
			csv_cop got = {0};
			csv_error e = {0};
			int rc = POISE_OK;
			for (size_t at = 0; at < len && rc == POISE_OK; at += piece)
				rc = csv_cop_reader_feed(r, texts[k] + at, at + piece < len ? piece : len - at, &e);
			if (rc == POISE_OK)
				rc = csv_cop_reader_finish(r, &got, &e);
			csv_cop_reader_destroy(r);
			if (rc != rw || (rc && (e.line != ew.line || strcmp(e.msg, ew.msg) != 0)))
				fail_msg("text %zu, pieces of %zu: %d line %zu '%s', whole: %d line %zu '%s'", k, piece,
				         rc, e.line, e.msg, rw, ew.line, ew.msg);
			if (rc == POISE_OK) {
				assert_int_equal(got.n, whole.n);
				assert_memory_equal(got.t_s, whole.t_s, got.n * sizeof *got.t_s);
				assert_memory_equal(got.x_mm, whole.x_mm, got.n * sizeof *got.x_mm);
				assert_memory_equal(got.y_mm, whole.y_mm, got.n * sizeof *got.y_mm);
				assert_int_equal(got.first_line, whole.first_line);
				assert_int_equal(got.last_line, whole.last_line);
			}
			csv_cop_free(&got);
		}
		csv_cop_free(&whole);
	}
}

/* A NUL byte in a cell that is read is an error, not the end of the
 * number; one in a column that is not read is ignored like the rest. */
static void nul_bytes_in_cells(void **state)
{
	(void)state;
	const char bad[] = "t,cop_x,cop_y\n0,1,2\n1,2\0" "5,3\n";
	csv_cop c = {0};
	csv_error e = {0};
	assert_int_equal(csv_cop_parse(bad, sizeof bad - 1, 1, &c, &e), POISE_E_PARSE);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.msg, "column 'cop_x' holds a NUL byte"));
	const char ok[] = "t,cop_x,cop_y,note\n0,1,2,a\0b\n1,2,3,\0\n";
	assert_int_equal(csv_cop_parse(ok, sizeof ok - 1, 1, &c, &e), POISE_OK);
	assert_int_equal(c.n, 2);
	csv_cop_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_columns_by_name_in_any_order),
		cmocka_unit_test(accepts_crlf_bom_quotes_comments_semicolons),
		cmocka_unit_test(converts_units),
		cmocka_unit_test(bad_files_name_the_line_and_problem),
		cmocka_unit_test(never_reads_past_the_buffer),
		cmocka_unit_test(reader_in_any_cutting_gives_the_same),
		cmocka_unit_test(nul_bytes_in_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
