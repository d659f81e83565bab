/* Poise: choosing the plate for a session, honestly.
 *
 * "auto" takes the first real plate that can be opened. When none can:
 * for a patient it never falls back to the simulated plate (a number in a
 * patient's record comes from a real plate unless the operator chose the
 * simulated one), and says which plates were found and why each cannot be
 * used; for a demo (no patient) it opens the simulated plate and says so.
 * A spec naming a backend ("sim", "usb", "usb:SERIAL") is the operator's
 * choice and is opened as asked.
 *
 * Main thread. Used by the app and the headless commands.
 */
#ifndef POISE_SESSION_PLATE_H
#define POISE_SESSION_PLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "device/device.h"

/* Opens the plate for spec (NULL or "" = "auto"). On success *out is open
 * (the caller owns it) and *fell_back (may be NULL) tells whether "auto"
 * fell back to the simulated plate; msg then holds a sentence to show
 * ("no force plate found; using the simulated plate..."), else "". On
 * failure *out is untouched, msg says what was found and why each plate
 * cannot be used (a line each, after the first: "\n  USB force plate:
 * ..."), and what to do (the last line); the result is POISE_E_NOT_FOUND (or the
 * open error of an explicit spec). */
int ses_open_plate(dev **out, const char *spec, bool for_patient, const dev_open_cfg *cfg, bool *fell_back,
                   char *msg, size_t msg_len);

#endif
