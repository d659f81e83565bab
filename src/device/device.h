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
	bool foam;          /* sim: standing on foam: less stiff, noisier */
	double plate_depth_mm; /* wbb: AP sensor spacing (0: 238 mm) */
	double answer_error_rate; /* sim: the share of cognitive-task answers the
	                     * simulated person gets wrong (0: the default 15 %;
	                     * negative: never wrong) */
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
	double object_kg;  /* > 0: no person but a still object of this mass
	                    * standing at (x, y): a known-mass plate check */
} dev_steer;

/* What the simulated person's body does (dev_posture.body). */
enum dev_body {
	DEV_STAND = 0, /* standing */
	DEV_SIT,       /* seated on a chair, the feet on the plate (about a
	                * quarter of the weight on the plate); standing up
	                * again rises with the force overshoot of a real rise */
	DEV_SQUAT,     /* knees bent and held: the force dips, then overshoots
	                * as the descent is braked; a little more sway */
};

/* How the simulated person stands (zero: feet apart, standing, firm, eyes
 * open): the stance sets their base of support (cond_support_scale) and,
 * seated on the plate, the weight on it (cond_load_fraction); narrow
 * stances, foam and closed eyes make them sway more. A change of `body`
 * reaches the body after the person's reaction time; the rest at once. */
typedef struct dev_posture {
	int stance;        /* enum cond_stance */
	bool foam;         /* on foam: noisier and less stiff */
	bool eyes_closed;  /* more sway (as dev_open_cfg.eyes_closed) */
	enum dev_body body;
} dev_posture;

typedef struct dev dev;

struct dev_ops {
	/* Short backend name used on the command line ("sim", "usb"). */
	const char *name;
	/* What people call such a device, for sentences ("USB force plate",
	 * "Wii Balance Board"); NULL = name. */
	const char *label;
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
	/* Optional (NULL for real plates): the simulated person answers item
	 * `prompt` of a cognitive task with n_choices possible answers (2 for
	 * an answer said aloud: right or wrong). Returns 0 for the right answer,
	 * 1..n_choices−1 for a wrong one, at the device's error rate; the same
	 * prompt always gets the same answer (deterministic for the seed). Any
	 * thread. */
	int (*answer)(dev *d, uint32_t prompt, int n_choices);
	/* Optional (NULL for real plates): how the simulated person stands from
	 * now on. Any thread. */
	int (*posture)(dev *d, const dev_posture *p);
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

/* Flags for dev_open_choice(). */
enum dev_open_flag {
	/* "auto" means a real plate or nothing: when no real plate can be
	 * opened, fail instead of falling back to the simulated plate. For
	 * everything recorded for a patient (honest data: a number in their
	 * record comes from a real plate unless the operator chose the sim).
	 * An explicit "sim" is the operator's choice and still opens. */
	DEV_AUTO_REAL_ONLY = 1u << 0,
};

/* Opens the device the operator chose. spec is "auto" (or NULL or ""):
 * the first real plate that opens, in dev_backends() order; or a backend
 * name ("sim", "usb", "wbb"), optionally followed by ":" and a device id
 * or serial.
 *
 * For "auto" with no usable real plate: with DEV_AUTO_REAL_ONLY it fails;
 * msg then names every real backend and each plate found with why it
 * cannot be used, a line each after the first ("no force plate can be
 * used:\n  USB force plate: none found\n  Wii Balance Board
 * /dev/input/event7 (serial 00:1f:…): permission denied …") and ends with
 * a line saying what to do (connect a plate, or choose --device sim for a
 * demo), and the
 * return value is the error of the first plate found but unusable
 * (POISE_E_ACCESS for a missing udev rule, POISE_E_BUSY, ...), else
 * POISE_E_NOT_FOUND. Without the flag it opens the simulated plate,
 * returns POISE_OK, sets *fell_back and puts a note for people into msg
 * ("no force plate found; using the simulated plate (demo, nothing
 * measured)", naming plates found but unusable), which callers show on
 * stderr or on screen.
 *
 * Callers: the app, `poise play` and `poise record` (through the session
 * engine), on the main thread. fell_back (may be NULL) is set to false on
 * every other outcome; msg is "" after a plain success and a sentence for
 * people (what happened and what to do) on failure. On success *out is
 * the open device, owned by the caller (dev_close); on failure *out is
 * untouched. */
int dev_open_choice(dev **out, const char *spec, unsigned flags, const dev_open_cfg *cfg,
                    bool *fell_back, char *msg, size_t msg_len);

/* dev_open_choice() without flags and without telling a fallback apart:
 * "auto" falls back to the simulated plate (msg then holds the note).
 * Kept for callers that do not record (tests, the benchmark). */
int dev_open_spec(dev **out, const char *spec, const dev_open_cfg *cfg, char *msg,
                  size_t msg_len);

/* True if the device is the simulated plate (backend "sim"): its frames
 * are invented, so whatever is recorded from it must be marked simulated
 * (store_backend_is_simulated() says the same of a stored session). */
bool dev_is_simulated(const dev_info *info);

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
