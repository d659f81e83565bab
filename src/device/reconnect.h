/* Poise: bringing a plate back after it was unplugged, without restarting
 * the app. Main thread, typically once a second while the live view shows
 * "waiting for the plate".
 */
#ifndef POISE_DEVICE_RECONNECT_H
#define POISE_DEVICE_RECONNECT_H

#include <stddef.h>

#include "device/acq.h"
#include "device/device.h"

/* Looks among the present devices of lost->backend for the same plate
 * (same serial; the same id if it has none) and opens it, with
 * cfg->reopen set (a wireless backend then takes its device only if it is
 * already back, without waiting for it). Returns POISE_OK
 * with *out open, POISE_E_NOT_FOUND while it is not back, or the open
 * error (POISE_E_ACCESS, POISE_E_BUSY, POISE_E_PROTOCOL...). *out untouched
 * on failure. */
int dev_reopen(dev **out, const dev_info *lost, const dev_open_cfg *cfg);

/* The whole swap after an acquisition ended (ACQ_ENDED) and its ring was
 * drained: reopens (*d)->info's plate, starts a new acquisition with a ring
 * of ring_frames, then destroys *a and closes *d and puts the new ones in
 * their place. On failure *d and *a are untouched and the error is as for
 * dev_reopen (or acq_start's). */
int dev_reconnect(dev **d, acq **a, size_t ring_frames, const dev_open_cfg *cfg);

#endif
