/* Poise: the simulated plate.
 *
 * A person modelled as an inverted pendulum per axis (Winter 1995: the COP
 * leads and brackets the centre of mass): the centre of mass c obeys
 * c'' = (g/h)·(c − p), and the nervous system sets the COP p = c +
 * Kp·(c − r) + Kd·c' + m, a stiffness/damping feedback around a reference
 * r plus motor noise m (an Ornstein–Uhlenbeck process). Quiet stance comes
 * out at RMS ≈ 2.5 mm ML / 4 mm AP and mean velocity ≈ 12 mm/s, like the
 * AMTI reference recording; steering moves r smoothly toward a target, so
 * the COP first swings the other way and then shifts weight, as people do.
 * Forces are split over the four cells with a little sensor noise and a
 * breathing ripple. Deterministic for a seed (steering aside).
 */
#ifndef POISE_DEVICE_SIM_H
#define POISE_DEVICE_SIM_H

#include "device/device.h"

extern const struct dev_ops sim_ops;

/* The sim's plate: a Wii-Balance-Board-sized 433 × 238 mm. */
#define SIM_PLATE_WIDTH_MM 433.0
#define SIM_PLATE_DEPTH_MM 238.0

#endif
