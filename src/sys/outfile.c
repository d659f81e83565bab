/* Output files: temporary file, checks, rename (see outfile.h). */
#define _GNU_SOURCE /* mkostemp */
#include "sys/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

int sys_errno_code(int e)
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
	case EEXIST:
		return POISE_E_EXISTS;
	case ELOOP:
	case EISDIR:
	case ENAMETOOLONG:
		return POISE_E_INVALID;
	default:
		return POISE_E_IO;
	}
}

const char *sys_errno_advice(int e)
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

static int fail_errno(char *msg, size_t len, const char *path, int e)
{
	snprintf(msg, len, "cannot write %s: %s; %s", path, strerror(e), sys_errno_advice(e));
	return sys_errno_code(e);
}

/* What kind of thing st is, for a message. */
static const char *kind_of(const struct stat *st)
{
	return S_ISLNK(st->st_mode)  ? "a symbolic link"
	     : S_ISDIR(st->st_mode)  ? "a folder"
	     : S_ISFIFO(st->st_mode) ? "a FIFO (named pipe)"
	     : S_ISCHR(st->st_mode)  ? "a character device"
	     : S_ISBLK(st->st_mode)  ? "a block device"
	     : S_ISSOCK(st->st_mode) ? "a socket"
	                             : "not a regular file";
}

/* May the final name be written? POISE_OK if nothing is there, or a
 * regular file and replacing is allowed. */
static int check_target(const char *path, unsigned flags, char *msg, size_t len)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return POISE_OK;
		return fail_errno(msg, len, path, errno);
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "cannot write %s: %s", path, sys_errno_advice(EISDIR));
		return POISE_E_INVALID;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, len, "cannot write %s: it is %s, which Poise never replaces or writes "
		         "through; remove it or choose another name", path, kind_of(&st));
		return POISE_E_INVALID;
	}
	if (!(flags & SYS_OUT_REPLACE)) {
		snprintf(msg, len, "cannot write %s: the file exists; remove it, choose another name, "
		         "or use --force to replace it", path);
		return POISE_E_EXISTS;
	}
	return POISE_OK;
}

int sys_out_open(sys_outfile *f, const char *path, unsigned flags, char *msg, size_t msg_len)
{
	f->fd = -1;
	f->flags = flags;
	f->tmp[0] = 0;
	if (!path || !*path) {
		snprintf(msg, msg_len, "no output file given");
		return POISE_E_INVALID;
	}
	/* The temporary file: ".NAME.XXXXXX" in the same folder (a rename
	 * never crosses file systems). */
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	if (!*base) {
		snprintf(msg, msg_len, "cannot write %s: %s", path, sys_errno_advice(EISDIR));
		return POISE_E_INVALID;
	}
	if (snprintf(f->path, sizeof f->path, "%s", path) >= (int)sizeof f->path ||
	    snprintf(f->tmp, sizeof f->tmp, "%.*s.%s.XXXXXX", dir_len, path, base) >= (int)sizeof f->tmp) {
		f->tmp[0] = 0;
		snprintf(msg, msg_len, "cannot write %.200s...: the path is too long", path);
		return POISE_E_INVALID;
	}
	int rc = check_target(path, flags, msg, msg_len);
	if (rc) {
		f->tmp[0] = 0;
		return rc;
	}
	int fd = mkostemp(f->tmp, O_CLOEXEC); /* O_CREAT | O_EXCL: never an existing name */
	if (fd < 0) {
		int e = errno;
		f->tmp[0] = 0;
		return fail_errno(msg, msg_len, path, e);
	}
	if (fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		unlink(f->tmp);
		f->tmp[0] = 0;
		return fail_errno(msg, msg_len, path, e);
	}
	f->fd = fd;
	return POISE_OK;
}

/* Puts the temporary file in place. */
static int place(sys_outfile *f, char *msg, size_t len)
{
	int rc = check_target(f->path, f->flags, msg, len);
	if (rc)
		return rc;
	if (!(f->flags & SYS_OUT_REPLACE)) {
		/* link() never replaces: a file that appeared since the check
		 * is left alone. File systems without hard links fall back to
		 * the checked rename. */
		if (link(f->tmp, f->path) == 0) {
			unlink(f->tmp);
			f->tmp[0] = 0;
			return POISE_OK;
		}
		int e = errno;
		if (e == EEXIST) { /* appeared since the check: say what it is */
			int c = check_target(f->path, f->flags, msg, len);
			return c ? c : fail_errno(msg, len, f->path, e);
		}
		if (e != EPERM && e != ENOTSUP && e != EOPNOTSUPP && e != EXDEV && e != EMLINK)
			return fail_errno(msg, len, f->path, e);
	}
	if (rename(f->tmp, f->path) != 0)
		return fail_errno(msg, len, f->path, errno);
	f->tmp[0] = 0;
	return POISE_OK;
}

int sys_out_commit(sys_outfile *f, char *msg, size_t msg_len)
{
	int rc = POISE_OK;
	if (f->fd >= 0) {
		if (fsync(f->fd) != 0 && errno != EINVAL)
			rc = fail_errno(msg, msg_len, f->path, errno);
		if (close(f->fd) != 0 && !rc)
			rc = fail_errno(msg, msg_len, f->path, errno);
		f->fd = -1;
	}
	if (!rc)
		rc = place(f, msg, msg_len);
	if (f->tmp[0])
		unlink(f->tmp); /* not placed */
	f->tmp[0] = 0;
	return rc;
}

void sys_out_abort(sys_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp[0])
		unlink(f->tmp);
	f->tmp[0] = 0;
}

int sys_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			int c = sys_errno_code(errno);
			return c == POISE_E_NOSPACE ? c : POISE_E_IO;
		}
		p += k;
		n -= (size_t)k;
	}
	return POISE_OK;
}
