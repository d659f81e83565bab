#include "sys/asset.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef POISE_SOURCE_ASSET_DIR
#define POISE_SOURCE_ASSET_DIR "assets"
#endif

static bool readable(const char *p)
{
	return access(p, R_OK) == 0;
}

bool sys_asset_path(const char *rel, char *buf, size_t len)
{
	const char *env = getenv("POISE_ASSET_DIR");
	if (env && *env) {
		snprintf(buf, len, "%s/%s", env, rel);
		if (readable(buf))
			return true;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, len, "%s/../share/poise/assets/%s", exe, rel);
			if (readable(buf))
				return true;
		}
	}
	snprintf(buf, len, "%s/%s", POISE_SOURCE_ASSET_DIR, rel);
	return readable(buf);
}
