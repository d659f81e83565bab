/* The report's folders and file messages; the files themselves are
 * written through sys/outfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "report/report_impl.h"

int report_file_errmsg(char *msg, size_t len, const char *path, int e)
{
	snprintf(msg, len, "cannot write %s: %s; %s", path, strerror(e), sys_errno_advice(e));
	return sys_errno_code(e);
}

int report_mkdir(const char *dir, char *msg, size_t len)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return POISE_OK;
		snprintf(msg, len, "cannot write into %s: it is a file, not a folder", dir);
		return POISE_E_INVALID;
	}
	if (mkdir(dir, 0700) != 0) {
		int e = errno;
		snprintf(msg, len, "cannot create the folder %s: %s; %s", dir, strerror(e), sys_errno_advice(e));
		return sys_errno_code(e);
	}
	return POISE_OK;
}
