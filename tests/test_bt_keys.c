/* The link-key store (bt_keys) in a temporary folder: paths from the
 * environment, modes 0700/0600, round trips, the adapter found by its USB
 * identity, broken files skipped, nothing half-written left behind. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "test_assert.h"
#include "test_util.h"

#include "core/error.h"
#include "device/bt_keys.h"

static int setup(void **state)
{
	*state = tu_mkdtemp();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	tu_rmdir(*state);
	return 0;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 0777;
}

static void the_root_follows_xdg_then_home(void **state)
{
	(void)state;
	char *xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char buf[512];
	setenv("XDG_DATA_HOME", "/data/x", 1);
	assert_int_equal(btk_default_root(buf, sizeof buf), POISE_OK);
	assert_string_equal(buf, "/data/x/poise/bluetooth");
	setenv("XDG_DATA_HOME", "relative", 1); /* not absolute: ignored, as the spec says */
	setenv("HOME", "/home/ana", 1);
	assert_int_equal(btk_default_root(buf, sizeof buf), POISE_OK);
	assert_string_equal(buf, "/home/ana/.local/share/poise/bluetooth");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_int_equal(btk_default_root(buf, sizeof buf), POISE_E_NOT_FOUND);
	setenv("HOME", "/h", 1);
	assert_int_equal(btk_default_root(buf, 8), POISE_E_RANGE);
	if (xdg)
		setenv("XDG_DATA_HOME", xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(xdg);
	free(home);
}

static void boards_round_trip_with_private_modes(void **state)
{
	const char *tmp = *state;
	char root[512], dir[1024], path[1200];
	snprintf(root, sizeof root, "%s/poise/bluetooth", tmp);
	bt_addr adapter = {{0x13, 0x71, 0xda, 0x7d, 0x1a, 0x00}};
	assert_int_equal(btk_adapter_dir(root, &adapter, true, dir, sizeof dir), POISE_OK);
	assert_non_null(strstr(dir, "/001A7DDA7113"));
	assert_int_equal(mode_of(dir), 0700);
	snprintf(path, sizeof path, "%s/poise", tmp);
	assert_int_equal(mode_of(path), 0700);

	btk_board b = {.addr = {{0xcc, 0xbb, 0xaa, 0x32, 0x1f, 0x00}}, .battery_pct = 77};
	snprintf(b.name, sizeof b.name, "Nintendo\nRVL-WBC-01"); /* a newline must not split the file */
	for (int i = 0; i < 16; i++)
		b.key[i] = (uint8_t)(0xf0 + i);
	assert_int_equal(btk_save(dir, &b), POISE_OK);
	snprintf(path, sizeof path, "%s/001F32AABBCC.key", dir);
	assert_int_equal(mode_of(path), 0600);
	btk_board c;
	assert_int_equal(btk_load(dir, &b.addr, &c), POISE_OK);
	assert_memory_equal(c.key, b.key, 16);
	assert_string_equal(c.name, "Nintendo?RVL-WBC-01");
	assert_int_equal(c.battery_pct, 77);
	/* Nothing temporary is left. */
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			files++;
			assert_null(strstr(e->d_name, ".tmp"));
		}
	closedir(d);
	assert_int_equal(files, 1);

	/* A second board, a broken file, a stranger: listed sorted, broken skipped. */
	btk_board b2 = {.addr = {{0x01, 0, 0, 0, 0, 0}}, .battery_pct = -1};
	assert_int_equal(btk_save(dir, &b2), POISE_OK);
	snprintf(path, sizeof path, "%s/00112233445A.key", dir);
	FILE *f = fopen(path, "w");
	fputs("addr=00:11:22:33:44:5A\nkey=nothex\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("hello\n", f);
	fclose(f);
	btk_board list[BTK_MAX_BOARDS];
	size_t n;
	assert_int_equal(btk_list(dir, list, BTK_MAX_BOARDS, &n), POISE_OK);
	assert_int_equal(n, 2);
	assert_true(bt_addr_eq(&list[0].addr, &b2.addr));
	assert_true(bt_addr_eq(&list[1].addr, &b.addr));
	assert_int_equal(list[0].battery_pct, -1);

	assert_int_equal(btk_forget(dir, &b.addr), POISE_OK);
	assert_int_equal(btk_load(dir, &b.addr, &c), POISE_E_NOT_FOUND);
	assert_int_equal(btk_forget(dir, &b.addr), POISE_OK);
	assert_int_equal(btk_list(dir, list, BTK_MAX_BOARDS, &n), POISE_OK);
	assert_int_equal(n, 1);
	/* A folder that does not exist is an empty list. */
	snprintf(path, sizeof path, "%s/none", tmp);
	assert_int_equal(btk_list(path, list, BTK_MAX_BOARDS, &n), POISE_OK);
	assert_int_equal(n, 0);
}

static void an_adapter_is_found_by_its_usb_identity(void **state)
{
	const char *tmp = *state;
	char root[512], dir[1024];
	snprintf(root, sizeof root, "%s/bt", tmp);
	bt_addr a1 = {{1, 2, 3, 4, 5, 6}}, a2 = {{6, 5, 4, 3, 2, 1}}, got;
	assert_int_equal(btk_find_by_identity(root, "0a12:0001 usb:1-2", &got), POISE_E_NOT_FOUND);
	assert_int_equal(btk_adapter_dir(root, &a1, true, dir, sizeof dir), POISE_OK);
	assert_int_equal(btk_set_identity(dir, "0a12:0001 usb:1-2"), POISE_OK);
	assert_int_equal(btk_adapter_dir(root, &a2, true, dir, sizeof dir), POISE_OK);
	assert_int_equal(btk_set_identity(dir, "0a5c:21e8 serial=5CF37090ABCD"), POISE_OK);
	assert_int_equal(btk_find_by_identity(root, "0a12:0001 usb:1-2", &got), POISE_OK);
	assert_true(bt_addr_eq(&got, &a1));
	assert_int_equal(btk_find_by_identity(root, "0a5c:21e8 serial=5CF37090ABCD", &got), POISE_OK);
	assert_true(bt_addr_eq(&got, &a2));
	assert_int_equal(btk_find_by_identity(root, "0a12:0001 usb:1-3", &got), POISE_E_NOT_FOUND);
	/* Moved to another socket: the identity follows. */
	assert_int_equal(btk_adapter_dir(root, &a1, false, dir, sizeof dir), POISE_OK);
	assert_int_equal(btk_set_identity(dir, "0a12:0001 usb:1-3"), POISE_OK);
	assert_int_equal(btk_find_by_identity(root, "0a12:0001 usb:1-3", &got), POISE_OK);
	assert_true(bt_addr_eq(&got, &a1));
}

static void a_file_in_the_way_is_an_error(void **state)
{
	const char *tmp = *state;
	char root[512], dir[1024];
	snprintf(root, sizeof root, "%s/poise", tmp);
	FILE *f = fopen(root, "w"); /* a file where the folder should be */
	fclose(f);
	bt_addr a = {{1, 2, 3, 4, 5, 6}};
	strcat(root, "/bluetooth");
	assert_int_equal(btk_adapter_dir(root, &a, true, dir, sizeof dir), POISE_E_IO);
	btk_board b = {.addr = a, .battery_pct = -1};
	assert_int_equal(btk_save(dir, &b), POISE_E_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_root_follows_xdg_then_home),
		cmocka_unit_test_setup_teardown(boards_round_trip_with_private_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(an_adapter_is_found_by_its_usb_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(a_file_in_the_way_is_an_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
