/* Poise: writing an output file safely: the one way every file Poise
 * writes for people comes to be (export files, the report's PDF, PNG and
 * CSV pages, screenshots, database backups).
 *
 * The file is written under a temporary name in the same folder (created
 * with O_EXCL, mode 0600, so it is never someone else's file or a planted
 * link), and renamed over the final name only when everything was written
 * and synced: a failure never leaves a partial file, and a reader never
 * sees one. The final name is checked (lstat) when opening and again just
 * before the rename: a symbolic link, a FIFO, a device node, a socket or a
 * folder there is never replaced or written through (POISE_E_INVALID, with
 * a sentence saying what is there); an existing regular file is replaced
 * only with SYS_OUT_REPLACE, else POISE_E_EXISTS.
 */
#ifndef POISE_SYS_OUTFILE_H
#define POISE_SYS_OUTFILE_H

#include <stddef.h>

enum sys_out_flags {
	SYS_OUT_REPLACE = 1u << 0, /* an existing regular file may be replaced */
};

/* One file being written. fd is open for writing (the caller writes to it
 * or wraps it with fdopen: then fflush before commit, and do not fclose:
 * commit closes fd). The struct is the caller's, usually on the stack. */
typedef struct sys_outfile {
	int fd;
	unsigned flags;
	char tmp[4096];
	char path[4096];
} sys_outfile;

/* Starts writing path. Returns POISE_OK with f->fd open, or (nothing
 * created, f->fd = -1, msg "cannot write PATH: why; what to do"):
 * POISE_E_INVALID (a link, FIFO, device, folder... is there, or the path
 * is too long), POISE_E_EXISTS (a regular file is there, no
 * SYS_OUT_REPLACE), POISE_E_ACCESS, POISE_E_NOT_FOUND (no such folder),
 * POISE_E_NOSPACE, POISE_E_IO. */
int sys_out_open(sys_outfile *f, const char *path, unsigned flags, char *msg, size_t msg_len);

/* Syncs and closes f->fd, then puts the file in place (rename, after
 * checking the final name again; without SYS_OUT_REPLACE a hard link,
 * which cannot replace anything). On failure the temporary file is
 * removed, nothing is left and msg says why (codes as sys_out_open). */
int sys_out_commit(sys_outfile *f, char *msg, size_t msg_len);

/* Abandons the file: closes f->fd (unless the caller already did and set
 * it to -1) and removes the temporary file. Safe after a failed open. */
void sys_out_abort(sys_outfile *f);

/* Writes all of buf to fd, retrying short writes and EINTR. POISE_OK,
 * POISE_E_NOSPACE or POISE_E_IO. */
int sys_write_all(int fd, const void *buf, size_t n);

/* The POISE_E_* code for an errno value of a file operation. */
int sys_errno_code(int e);

/* What to do about errno e when writing a file, for people ("free some
 * disk space or choose another disk"). Static storage. */
const char *sys_errno_advice(int e);

#endif
