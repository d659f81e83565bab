/* Poise: the device seam. Every plate (USB force plate, Wii Balance Board,
 * simulated plate, replay of a recording) is a backend behind one table of
 * operations, chosen at run time from dev_backends(). An open device is a
 * struct that begins with `struct dev`, so it carries its own ops pointer.
 *
 * Threads: enumerate/open/close run on the main thread; start, read and
 * stop on the acquisition thread (acq.h) once it owns the device; steer may
 * be called from any thread while the device runs.
 */
#ifndef POISE_DEVICE_DEVICE_H
#define POISE_DEVICE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cop.h"
#include "core/frame.h"
#include "core/pipeline.h"

#define DEV_MAX_FOUND 16

/* What a backend knows about one device it found or opened. */
typedef struct dev_info {
	char backend[12]; /* "sim", "usb", "wbb", "replay" */
	char id[128];     /* backend locator: "sim", "usb:1-2.3", "/dev/input/event7" */
	char name[64];    /* for people: "Simulated plate" */
	char serial[40];  /* "" if the device has none */
	char note[128];   /* why it cannot be used, e.g. permission denied; "" */
	double rate_hz;   /* nominal frame rate */
	cop_plate plate;  /* cell spacing */
	bool usable;      /* false: found but cannot be opened (see note) */
	bool rate_irregular; /* frame intervals jitter (Wii Balance Board): the
	                      * pipeline resamples with a sliding-window average */
	int err;          /* if !usable, why: POISE_E_ACCESS, POISE_E_BUSY,
	                   * POISE_E_PROTOCOL...; 0 = not said (ACCESS) */
	bool has_battery; /* battery_pct is known (wbb-usb: read at open) */
	int battery_pct;  /* the device's battery charge, 0–100 %, an estimate */
} dev_info;

/* Options for opening. Backends ignore what does not apply to them. */
typedef struct dev_open_cfg {
	double rate_hz;     /* requested frame rate; 0 = the device's default */
	uint64_t seed;      /* sim: random seed (same seed, same sway) */
	bool realtime;      /* sim/replay: pace frames by the clock (false: as
	                     * fast as read() is called, timestamps still even) */
	double body_mass_kg;/* sim: the simulated person's mass (0: 70 kg) */
	double height_m;    /* sim: the simulated person's height (0: 1.70 m) */
	bool eyes_closed;   /* sim: without vision people sway more (Romberg):
	                     * the simulated person's motor noise rises ≈ 45 % */
	double plate_depth_mm; /* wbb: AP sensor spacing (0: 238 mm) */
	bool reopen;        /* set by dev_reopen(): the device went away and is
	                     * looked for again, typically once a second on the
	                     * main thread. A backend that would wait for its
	                     * device to connect (wbb-usb) only takes one that is
	                     * already there, else POISE_E_NOT_FOUND at once. */
} dev_open_cfg;

/* Lean the simulated person: where they aim their centre of pressure, and
 * whether they stand on the plate at all. Only the sim implements it. */
typedef struct dev_steer {
	double x_mm, y_mm; /* target COP, plate coordinates */
	bool on_plate;
	bool active;       /* false: quiet stance around the centre, x/y ignored */
} dev_steer;

typedef struct dev dev;

struct dev_ops {
	/* Short backend name used on the command line ("sim", "usb"). */
	const char *name;
	/* One line for `poise devices` and --help. */
	const char *description;
	/* Lists present devices into out[0..max) and sets *n_found to how many
	 * were found (may exceed max). Found-but-unusable devices (permission
	 * denied, in use) are listed with usable = false and a note. Returns
	 * POISE_OK even when none is found; an error only if the backend
	 * itself cannot look (e.g. no USB subsystem). Never starts streaming. */
	int (*enumerate)(dev_info *out, size_t max, size_t *n_found);
	/* Opens the device `which` (from enumerate; NULL = the first one).
	 * On success *out is the open device, owned by the caller until
	 * close(). On failure *out is untouched and the return value says why
	 * (POISE_E_NOT_FOUND, POISE_E_ACCESS, POISE_E_BUSY, POISE_E_PROTOCOL
	 * for a device speaking a protocol version we do not know). Reads the
	 * device's calibration and geometry into d->info. */
	int (*open)(dev **out, const dev_info *which, const dev_open_cfg *cfg);
	/* Starts streaming. Acquisition thread. */
	int (*start)(dev *d);
	/* Waits up to timeout_ms for frames and copies up to max of them,
	 * oldest first, into out; *n_read says how many. Returns POISE_OK
	 * (possibly with 0 frames when the timeout passed), or
	 * POISE_E_DISCONNECTED when the device went away (frames read before
	 * that were already returned), or another error. Never invents a
	 * frame: lost frames show as FRAME_GAP on the next good one. */
	int (*read)(dev *d, poise_frame *out, size_t max, size_t *n_read, int timeout_ms);
	/* Stops streaming; read() returns nothing afterwards. Idempotent. */
	int (*stop)(dev *d);
	/* Frees everything of d; NULL is fine. The device must be stopped. */
	void (*close)(dev *d);
	/* Optional (NULL for real plates): steers the simulated person. Any
	 * thread. */
	int (*steer)(dev *d, const dev_steer *s);
	/* Optional (NULL: open's error code says enough): open, writing on
	 * failure a sentence for people into msg (what failed, where, what to
	 * do: "no balance board connected within 10 s: switch a paired board
	 * on..."). dev_open_spec() uses it instead of open when present. */
	int (*open_msg)(dev **out, const dev_info *which, const dev_open_cfg *cfg, char *msg,
	                size_t msg_len);
};

/* The head of every backend's device struct. */
struct dev {
	const struct dev_ops *ops;
	dev_info info;
};

/* The backends of this build in auto-detection order, NULL-terminated;
 * the sim comes last. Static storage. */
const struct dev_ops *const *dev_backends(void);

/* The backend called `name`, or NULL. */
const struct dev_ops *dev_backend(const char *name);

/* Opens a device by spec: "auto" (the first real plate found, else the
 * simulated plate), or a backend name ("sim", "usb"), optionally followed
 * by ":" and a device id or serial. On failure writes a sentence for
 * people into msg (what happened and what to do) and returns the error. */
int dev_open_spec(dev **out, const char *spec, const dev_open_cfg *cfg, char *msg,
                  size_t msg_len);

/* The pipeline settings that suit a device: its plate geometry, nominal
 * rate and, for a plate with irregular timing (the Wii Balance Board), the
 * window resampler. Everything else at the pipeline's defaults. */
void dev_pipeline_cfg(const dev_info *info, pl_cfg *cfg);

/* d->ops->close(d), NULL-safe. */
void dev_close(dev *d);

/* CLOCK_MONOTONIC now, in µs: the host time base of every frame. */
mono_us dev_now_us(void);

/* Sleeps until the monotonic clock reaches t_us (returns at once if past). */
void dev_sleep_until(mono_us t_us);

#endif
