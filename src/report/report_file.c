/* Files the report writes: mode 0600, atomically (temporary file, then
 * rename), so a failure never leaves a partial report behind. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "report/report_impl.h"

int report_errno_code(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
		return POISE_E_ACCESS;
	case ENOENT:
	case ENOTDIR:
		return POISE_E_NOT_FOUND;
	case ENOSPC:
	case EFBIG:
	case EDQUOT:
		return POISE_E_NOSPACE;
	case ENOMEM:
		return POISE_E_NOMEM;
	default:
		return POISE_E_IO;
	}
}

/* What to do about a file error, for people. */
static const char *advice(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return "choose a folder you may write to";
	case EROFS:
		return "the file system is read-only; choose another folder";
	case ENOENT:
	case ENOTDIR:
		return "the folder does not exist; create it or choose another";
	case ENOSPC:
	case EFBIG:
	case EDQUOT:
		return "free some disk space or choose another disk";
	case EISDIR:
		return "that is a folder; give a file name";
	default:
		return "check the disk and the path";
	}
}

int report_file_errmsg(char *msg, size_t len, const char *path, int e)
{
	snprintf(msg, len, "cannot write %s: %s; %s", path, strerror(e), advice(e));
	return report_errno_code(e);
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
		snprintf(msg, len, "cannot create the folder %s: %s; %s", dir, strerror(e), advice(e));
		return report_errno_code(e);
	}
	return POISE_OK;
}

int report_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return report_errno_code(errno);
		}
		p += k;
		n -= (size_t)k;
	}
	return POISE_OK;
}

int report_file_open(report_file *f, const char *path, char *msg, size_t len)
{
	f->fd = -1;
	if (snprintf(f->path, sizeof f->path, "%s", path) >= (int)sizeof f->path ||
	    snprintf(f->tmp, sizeof f->tmp, "%s.XXXXXX", path) >= (int)sizeof f->tmp) {
		snprintf(msg, len, "the path %.200s... is too long", path);
		return POISE_E_INVALID;
	}
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "cannot write %s: %s", path, advice(EISDIR));
		return POISE_E_INVALID;
	}
	int fd = mkstemp(f->tmp);
	if (fd < 0) {
		int e = errno;
		snprintf(msg, len, "cannot write %s: %s; %s", path, strerror(e), advice(e));
		return report_errno_code(e);
	}
	fchmod(fd, 0600);
	f->fd = fd;
	return POISE_OK;
}

int report_file_commit(report_file *f, char *msg, size_t len)
{
	int rc = POISE_OK, e = 0;
	if (fsync(f->fd) != 0 && errno != EINVAL) {
		e = errno;
		rc = report_errno_code(e);
	}
	if (close(f->fd) != 0 && !rc) {
		e = errno;
		rc = report_errno_code(e);
	}
	f->fd = -1;
	if (!rc && rename(f->tmp, f->path) != 0) {
		e = errno;
		rc = report_errno_code(e);
	}
	if (rc) {
		unlink(f->tmp);
		snprintf(msg, len, "cannot write %s: %s; %s", f->path, strerror(e), advice(e));
	}
	return rc;
}

void report_file_abort(report_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	unlink(f->tmp);
}
