#include "sys/asset.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by CMake: the data folder relative to the installed executable's
 * folder (e.g. "../share/poise"), or absolute for an absolute datadir. */
#ifndef POISE_DATADIR_FROM_BINDIR
#define POISE_DATADIR_FROM_BINDIR "../share/poise"
#endif

static bool readable(const char *p)
{
	return access(p, R_OK) == 0;
}

static bool put(char *buf, size_t len, const char *dir, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", dir, rel);
	return n > 0 && (size_t)n < len;
}

/* The running executable's folder into dir (PATH_MAX bytes). */
static bool exe_dir(char *dir)
{
	ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX - 1);
	if (n <= 0)
		return false;
	dir[n] = 0;
	char *slash = strrchr(dir, '/');
	if (!slash)
		return false;
	if (slash == dir)
		slash[1] = 0; /* an executable in / */
	else
		*slash = 0;
	return true;
}

/* dir (PATH_MAX bytes) joined with the relative path rel, each leading
 * "../" of rel taking one folder off dir, so messages show
 * /usr/share/poise, not /usr/bin/../share/poise. An absolute rel replaces
 * dir. */
static void join_dir(char *dir, const char *rel)
{
	if (rel[0] == '/') {
		snprintf(dir, PATH_MAX, "%s", rel);
		return;
	}
	while (strncmp(rel, "../", 3) == 0) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = 0;
		rel += 3;
	}
	size_t n = strlen(dir);
	snprintf(dir + n, PATH_MAX - n, "/%s", rel);
}

/* The source tree's assets/ if the program may read it: it runs from the
 * build tree (exe_folder NULL: unknown, so yes); else NULL. */
static const char *source_tree(const char *exe_folder)
{
#ifdef POISE_SOURCE_ASSET_DIR
	if (!exe_folder)
		return POISE_SOURCE_ASSET_DIR;
	char build[PATH_MAX];
	if (!realpath(POISE_BUILD_DIR, build))
		return NULL; /* the build tree is gone */
	size_t n = strlen(build);
	if (strncmp(exe_folder, build, n) == 0 && (exe_folder[n] == '/' || exe_folder[n] == 0))
		return POISE_SOURCE_ASSET_DIR;
#else
	(void)exe_folder;
#endif
	return NULL;
}

bool sys_asset_path(const char *rel, char *buf, size_t len)
{
	const char *env = getenv("POISE_ASSET_DIR");
	if (env && !*env)
		env = NULL;
	if (env && put(buf, len, env, rel) && readable(buf))
		return true;

	char exe[PATH_MAX], installed[PATH_MAX];
	bool have_exe = exe_dir(exe);
	if (have_exe) {
		memcpy(installed, exe, sizeof installed);
		join_dir(installed, POISE_DATADIR_FROM_BINDIR);
		if (put(buf, len, installed, rel) && readable(buf))
			return true;
	}

	const char *source = source_tree(have_exe ? exe : NULL);
	if (source && put(buf, len, source, rel) && readable(buf))
		return true;

	/* Found nowhere: name the place that was meant to have it. */
	if (env)
		put(buf, len, env, rel);
	else if (source)
		put(buf, len, source, rel);
	else if (have_exe)
		put(buf, len, installed, rel);
	else
		snprintf(buf, len, "%s", rel);
	return false;
}
