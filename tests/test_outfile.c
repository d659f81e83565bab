/* sys/outfile.h: every output file comes to be through a temporary file in
 * the same folder and a checked rename; links, FIFOs, devices and folders
 * are never written through or replaced; existing files only with
 * SYS_OUT_REPLACE; nothing is left behind on failure. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_util.h"

#include "core/error.h"
#include "sys/outfile.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tu_mkdtemp();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static const char *in_dir(const char *name)
{
	static char p[8][700];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static int files_in_dir(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static int write_file(const char *path, unsigned flags, const char *text, char *msg, size_t len)
{
	sys_outfile f;
	int rc = sys_out_open(&f, path, flags, msg, len);
	if (rc)
		return rc;
	assert_int_equal(sys_write_all(f.fd, text, strlen(text)), POISE_OK);
	return sys_out_commit(&f, msg, len);
}

static void a_new_file_is_0600_and_whole(void **state)
{
	(void)state;
	char msg[512];
	mode_t old = umask(0);
	assert_int_equal(write_file(in_dir("a.txt"), 0, "hello\n", msg, sizeof msg), POISE_OK);
	umask(old);
	struct stat st;
	assert_int_equal(stat(in_dir("a.txt"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *t = tu_slurp(in_dir("a.txt"));
	assert_string_equal(t, "hello\n");
	free(t);
	assert_int_equal(files_in_dir(), 1); /* no temporary file left */
}

static void an_existing_file_is_replaced_only_when_allowed(void **state)
{
	(void)state;
	char msg[512];
	int before = files_in_dir();
	FILE *f = fopen(in_dir("b.txt"), "w");
	fputs("old\n", f);
	fclose(f);
	chmod(in_dir("b.txt"), 0644);
	assert_int_equal(write_file(in_dir("b.txt"), 0, "new\n", msg, sizeof msg), POISE_E_EXISTS);
	assert_non_null(strstr(msg, "--force"));
	char *t = tu_slurp(in_dir("b.txt"));
	assert_string_equal(t, "old\n");
	free(t);
	assert_int_equal(write_file(in_dir("b.txt"), SYS_OUT_REPLACE, "new\n", msg, sizeof msg), POISE_OK);
	t = tu_slurp(in_dir("b.txt"));
	assert_string_equal(t, "new\n");
	free(t);
	struct stat st;
	assert_int_equal(stat(in_dir("b.txt"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600); /* not the old file's 0644 */
	assert_int_equal(files_in_dir(), before + 1);
}

static void links_fifos_devices_and_folders_are_never_touched(void **state)
{
	(void)state;
	char msg[512];
	FILE *f = fopen(in_dir("victim"), "w");
	fputs("precious\n", f);
	fclose(f);
	chmod(in_dir("victim"), 0644);
	assert_int_equal(symlink(in_dir("victim"), in_dir("link")), 0);
	assert_int_equal(symlink(in_dir("nowhere"), in_dir("dangling")), 0);
	assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
	mkdir(in_dir("sub"), 0700);
	const char *bad[] = {in_dir("link"), in_dir("dangling"), in_dir("fifo"), in_dir("sub"), "/dev/null"};
	const char *says[] = {"symbolic link", "symbolic link", "FIFO", "folder", "character device"};
	for (int i = 0; i < 5; i++) {
		for (unsigned fl = 0; fl <= SYS_OUT_REPLACE; fl++) {
			int rc = write_file(bad[i], fl, "x\n", msg, sizeof msg);
			assert_int_equal(rc, POISE_E_INVALID);
			if (!strstr(msg, says[i]))
				fail_msg("%s: \"%s\" lacks \"%s\"", bad[i], msg, says[i]);
		}
	}
	char *t = tu_slurp(in_dir("victim"));
	assert_string_equal(t, "precious\n");
	free(t);
	struct stat st;
	assert_int_equal(lstat(in_dir("link"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(in_dir("dangling"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(in_dir("nowhere"), &st), -1);
	assert_int_equal(lstat(in_dir("fifo"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(stat(in_dir("victim"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

static void a_link_planted_while_writing_is_not_followed(void **state)
{
	(void)state;
	char msg[512];
	FILE *f = fopen(in_dir("victim2"), "w");
	fputs("precious\n", f);
	fclose(f);
	sys_outfile o;
	assert_int_equal(sys_out_open(&o, in_dir("race"), SYS_OUT_REPLACE, msg, sizeof msg), POISE_OK);
	assert_int_equal(sys_write_all(o.fd, "x\n", 2), POISE_OK);
	assert_int_equal(symlink(in_dir("victim2"), in_dir("race")), 0); /* between open and commit */
	assert_int_equal(sys_out_commit(&o, msg, sizeof msg), POISE_E_INVALID);
	char *t = tu_slurp(in_dir("victim2"));
	assert_string_equal(t, "precious\n");
	free(t);
	/* a file that appears without SYS_OUT_REPLACE is not replaced either */
	assert_int_equal(sys_out_open(&o, in_dir("late"), 0, msg, sizeof msg), POISE_OK);
	f = fopen(in_dir("late"), "w");
	fputs("first\n", f);
	fclose(f);
	assert_int_equal(sys_out_commit(&o, msg, sizeof msg), POISE_E_EXISTS);
	t = tu_slurp(in_dir("late"));
	assert_string_equal(t, "first\n");
	free(t);
}

static void an_abandoned_file_leaves_nothing(void **state)
{
	(void)state;
	char msg[512];
	int before = files_in_dir();
	sys_outfile o;
	assert_int_equal(sys_out_open(&o, in_dir("gone"), 0, msg, sizeof msg), POISE_OK);
	assert_int_equal(sys_write_all(o.fd, "partial", 7), POISE_OK);
	sys_out_abort(&o);
	sys_out_abort(&o); /* twice is fine */
	assert_int_equal(files_in_dir(), before);
	assert_int_equal(sys_out_open(&o, in_dir("nodir/x"), 0, msg, sizeof msg), POISE_E_NOT_FOUND);
	assert_non_null(strstr(msg, "folder does not exist"));
	assert_int_equal(sys_out_open(&o, "", 0, msg, sizeof msg), POISE_E_INVALID);
	assert_int_equal(files_in_dir(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_file_is_0600_and_whole),
		cmocka_unit_test(an_existing_file_is_replaced_only_when_allowed),
		cmocka_unit_test(links_fifos_devices_and_folders_are_never_touched),
		cmocka_unit_test(a_link_planted_while_writing_is_not_followed),
		cmocka_unit_test(an_abandoned_file_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
