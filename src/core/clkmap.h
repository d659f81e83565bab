/* Poise: mapping a device's clock onto the host's monotonic clock.
 *
 * A USB plate stamps every frame with its own crystal's time; the host
 * sees each frame some variable time later (USB polling, scheduling), and
 * the two crystals disagree by tens of ppm. The mapping uses the lower
 * envelope of the offset host − device, which is where the transport delay
 * is smallest and least variable: the minimum offset of each block of
 * device time (1 s by default) is kept for the last CLKMAP_BLOCKS blocks,
 * and a least-squares line through those minima gives offset and drift
 * (the approach of NTP-style skew estimators, e.g. Moon, Skelly & Towsley
 * 1999, "Estimation and removal of clock skew from network delay
 * measurements"). Mapped times therefore sit at the minimum observed
 * delay after the true sampling instant, without the jitter.
 *
 * Plain struct, no allocation, pure: fed by the USB backend on its
 * acquisition thread, one call per frame.
 */
#ifndef POISE_CORE_CLKMAP_H
#define POISE_CORE_CLKMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/frame.h"

#define CLKMAP_BLOCKS 32

typedef struct clkmap {
	double block_us;      /* block length, device µs */
	double max_slope;     /* |drift| bound, as a fraction (ppm · 1e-6) */
	bool have_ref;
	uint64_t dev0;        /* reference point: first sample */
	mono_us host0;
	uint64_t dev_last;
	/* The block being filled. */
	bool blk_any;
	double blk_start, blk_min_off, blk_min_d;
	/* Minima of the closed blocks (ring). */
	double bd[CLKMAP_BLOCKS], bo[CLKMAP_BLOCKS];
	unsigned n, head;
	double run_min_off;   /* before the first fit: the smallest offset seen */
	bool fitted;
	double a, b, dref;    /* offset(d) = a + b·(d − dref), µs */
} clkmap;

/* Starts empty. block_s: block length in seconds (> 0; 1.0 is a good
 * choice); max_drift_ppm: the largest drift believed (crystals: ±100 ppm;
 * 500 leaves room), beyond which the fit is clamped. */
void clkmap_init(clkmap *c, double block_s, double max_drift_ppm);

/* One observation: the frame stamped dev_us by the device arrived at
 * host_us. A device time that goes backwards (the device restarted)
 * starts the map over. */
void clkmap_add(clkmap *c, uint64_t dev_us, mono_us host_us);

/* Host time of device time dev_us. Before any observation it returns 0.
 * Between refits it is a straight line, so consecutive device times map to
 * increasing host times; a refit (once per block) may move the line by a
 * few microseconds. */
mono_us clkmap_map(const clkmap *c, uint64_t dev_us);

/* The drift estimate in ppm (device slow → positive: the host's clock runs
 * ahead); 0 until the first fit. */
double clkmap_drift_ppm(const clkmap *c);

#endif
