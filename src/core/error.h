/* Poise: one error enum for the whole project.
 *
 * Every function that can fail returns an int: POISE_OK (0) or one of the
 * negative POISE_E_* codes below. Results travel through out-parameters.
 * Backends translate errno, libusb and SQLite codes into these at their
 * edge, so callers never see a foreign error space.
 */
#ifndef POISE_CORE_ERROR_H
#define POISE_CORE_ERROR_H

typedef enum poise_err {
	POISE_OK = 0,
	POISE_E_INVALID = -1,      /* a bad argument or configuration */
	POISE_E_NOMEM = -2,        /* out of memory */
	POISE_E_IO = -3,           /* an operating-system read/write failed */
	POISE_E_NOT_FOUND = -4,    /* no such device, file or record */
	POISE_E_ACCESS = -5,       /* permission denied (udev rule missing?) */
	POISE_E_BUSY = -6,         /* resource held by someone else */
	POISE_E_TIMEOUT = -7,      /* nothing arrived in time; not fatal */
	POISE_E_DISCONNECTED = -8, /* the device went away */
	POISE_E_PROTOCOL = -9,     /* a device sent something malformed */
	POISE_E_UNSUPPORTED = -10, /* valid, but this build/device cannot do it */
	POISE_E_PARSE = -11,       /* a malformed file or text */
	POISE_E_RANGE = -12,       /* a value out of range, or too little data */
	POISE_E_STATE = -13,       /* called in the wrong state (e.g. read before start) */
	POISE_E_NOSPACE = -14,     /* disk full or file-size limit reached */
	POISE_E_EXISTS = -15,      /* already there (e.g. a patient code in use) */
	POISE_E_OVERFLOW = -16,    /* a queue or buffer was full: something was lost */
} poise_err;

/* The enum's name for a code ("POISE_E_IO"); "POISE_E_UNKNOWN" for a code
 * that is not in the enum. Static storage: never free it. */
const char *poise_err_name(int err);

/* A short lower-case sentence for people ("the device went away"); static
 * storage. Callers add the what and where around it. */
const char *poise_strerror(int err);

#endif
