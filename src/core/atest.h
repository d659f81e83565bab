/* Poise: the standard balance tests as state machines (the protocols).
 *
 * One machine runs one test of a patient: the mCTSIB (quiet stance, eyes
 * open/closed, firm/foam), the limits of stability (LOS, 8 directions),
 * weight-bearing symmetry (standing and in a squat) or sit-to-stand. It is
 * fed the pipeline's COP samples one by one and decides, from them and
 * from their time stamps only, what the patient is asked to do (the
 * instruction, a countdown, a cue), when a trial is recorded, whether it
 * counts, and what it measured: the same samples always give the same
 * test. Nothing here reads a device, a file or a clock; the session's
 * consumer (session/assess.h) records the trials and stores the results,
 * the screens draw atest_prompt().
 *
 * A test is a plan of steps (trials), each run through these phases:
 *
 *   WAIT_ON    nobody on the plate: "Please step onto the plate"
 *   INSTRUCT   the step's instruction (instruct_s; with manual_go the
 *              first step of a new condition waits for atest_go(): the
 *              therapist places the foam, explains, then starts)
 *   WEIGH      sit-to-stand only, once: standing still gives the body weight
 *   SIT        sit-to-stand: "sit down": seated = Fz below 60 % of body
 *              weight and still for seated_s
 *   COUNTDOWN  3, 2, 1 (countdown_s); stepping off here only restarts it
 *   SETTLE     the patient stands still; the settle time (settle_s, from
 *              the moment the patient is *still*, not from first contact)
 *              is discarded. Still: over the last still_window_s every
 *              sample is on the plate with a COP, the COP stays within
 *              still_radius_mm of its mean over that window, and the total
 *              force varies by less than still_fz_pct of its mean. Not still
 *              within settle_max_s: the trial starts anyway, flagged.
 *   RECORD     the trial proper: every sample is recorded. Quiet stance:
 *              trial_s (squat: squat_s); LOS: baseline_s, the cue, move_s;
 *              sit-to-stand: baseline_s, the cue "stand up", until standing
 *              plus the sway window (or rise_timeout_s without rising)
 *   REST       between trials (rest_s), then the next step
 *   DONE
 *
 * Live quality checks while recording (quiet stance, symmetry, squat):
 *   - stepped off (the pipeline's presence turns off, or the COP is lost):
 *     the trial ends at once and is scored as a fall (ATEST_FALL; time held
 *     = until the step). Also for LOS and, once standing, sit-to-stand.
 *     A step-off while settling scores the trial as a fall held 0 s.
 *   - feet moved: the mean COP over the last jump_window_s differs from
 *     the mean over the same span jump_window_s·2 earlier by more than
 *     jump_mm (a step or a shuffle is fast; sway is not), or the cell load
 *     pattern changes: the twist q = (TL + BR − TR − BL)/Fz, which a COP
 *     shift barely moves but repositioned feet do, corrected by the
 *     bilinear share 4·x·y/(W·D) of the COP's position, departs from its
 *     mean over the trial's first second by more than twist_max;
 *   - drift: the mean COP over jump_window_s departs from the mean of the
 *     trial's first second by more than drift_mm.
 *   Feet moved and drift end the trial as invalid (not a fall): it is kept
 *   in the record and repeated, up to max_retries extra trials per
 *   condition. The thresholds are Poise's; the checks are not in the
 *   standards, which leave them to the examiner.
 *
 * Scoring and averaging (the measures are core/assess.h's):
 *   - mCTSIB (Shumway-Cook & Horak 1986; NeuroCom's mCTSIB): repeats
 *     trials (3) of trial_s (30 s) per condition; per condition the mean
 *     sway velocity of its completed trials (falls left out and counted),
 *     the mean time held (falls included), the mean equilibrium score
 *     (a fall scores 0); composite = mean of the four velocities; Romberg
 *     quotients EC/EO on firm and on foam, foam ratios foam/firm with eyes
 *     open and closed (Fujimoto et al. 2009, Clin Neurophysiol 120:1408);
 *     the sensory ratios of the equilibrium scores (assess_ctsib_ratios);
 *     per condition the smallest real difference of its mean velocity from
 *     the trials' spread, SRD = 1.96·√2·SD/√n (Beckerman et al. 2001, Qual
 *     Life Res 10:571: SRD = 1.96·√2·SEM; the SEM of a mean of n trials
 *     is SD/√n).
 *   - LOS (NeuroCom; Clark et al. 1997): one lean (repeats) toward each
 *     of 8 targets at pct % (100) of the theoretical limit from height, in
 *     the order forward, forward-right, right, back-right, back, back-left,
 *     left, forward-left; per direction reaction time (of the recorded,
 *     unfiltered COP: its first movement), movement velocity, endpoint and maximum excursion,
 *     directional control (of the COG estimated from the COP,
 *     assess_cog_estimate(), as NeuroCom measures the COG), the mean over
 *     repeats; the limit = the maximum excursion in mm; overall = the mean
 *     of the 8 directions. A fall keeps the excursion reached before it.
 *   - symmetry (NeuroCom's weight-bearing squat): repeats standing trials
 *     of trial_s then repeats squat trials of squat_s; left/right and
 *     front/back % of body weight (the mean Fz of the standing trials),
 *     the mean over trials; SRD of the left share.
 *   - sit-to-stand (NeuroCom; Cheng et al. 1998): the body weight from a
 *     quiet stance first, then repeats rises (3); the mean of the rises of
 *     weight-transfer time, rising index, sway velocity in the 5 s after
 *     rising, and the left share of the weight during the rise.
 *
 * Threads: one. Memory: all at create (sample buffers for the longest
 * trial, the trial table); atest_push() allocates nothing, except when a
 * trial ends, once, to prepare its samples for the measures (as the
 * recorder and `poise metrics` do).
 */
#ifndef POISE_CORE_ATEST_H
#define POISE_CORE_ATEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/assess.h"
#include "core/frame.h"
#include "core/los.h"
#include "core/metrics.h"
#include "core/pipeline.h"

typedef struct atest atest;

enum atest_test {
	ATEST_MCTSIB,
	ATEST_LOS,
	ATEST_SYMMETRY,
	ATEST_STS,
	ATEST_TESTS
};

/* "mctsib", "los", "symmetry", "sit-to-stand"; static. */
const char *atest_name(enum atest_test t);

/* People's name: "mCTSIB", "Limits of stability", ...; static. */
const char *atest_label(enum atest_test t);

/* The test called name (atest_name()); false if none. */
bool atest_find(const char *name, enum atest_test *out);

/* The kind of a test's summary trial: "test:mctsib", ...; static. */
const char *atest_summary_kind(enum atest_test t);

/* mCTSIB condition names, in enum assess_ctsib_cond order: "firm_eo",
 * "firm_ec", "foam_eo", "foam_ec" (metric keys), and their trial kinds
 * "quiet-eo", "quiet-ec", "quiet-eo-foam", "quiet-ec-foam"; static. */
const char *atest_ctsib_key(int cond);
const char *atest_ctsib_kind(int cond);

/* LOS direction keys in enum los_dir order: "e", "ne", "n", ... (the
 * report's los_limit_<dir>_mm); static. */
const char *atest_los_key(int dir);

typedef struct atest_cfg {
	enum atest_test test;
	double rate_hz;        /* the samples' rate (the pipeline's output) */
	double height_m;       /* LOS targets and degrees (≤ 0: 1.70 m) */
	cop_plate plate;       /* cell spacing (the load-pattern check) */
	int repeats;           /* trials per condition / direction / posture
	                        * (1..ASSESS_MAX_TRIALS); 0 = the test's default:
	                        * mCTSIB 3, LOS 1, symmetry 3, sit-to-stand 3 */
	unsigned ctsib_conditions; /* mCTSIB: bit c = condition c (0 = all four) */
	double trial_s;        /* quiet stance (mCTSIB 30 s, symmetry 10 s; 0 = default) */
	double squat_s;        /* symmetry: squat hold (5 s) */
	double settle_s;       /* discarded after the patient is still (5 s);
	                        * LOS between directions and the squat: 2 s */
	double settle_max_s;   /* start anyway after this long (20 s) */
	double instruct_s;     /* instruction shown before the countdown (3 s) */
	double countdown_s;    /* 3 s */
	double rest_s;         /* between trials (3 s) */
	bool manual_go;        /* wait for atest_go() at each new condition */
	int max_retries;       /* extra trials per condition for invalid ones (2) */
	/* stillness */
	double still_window_s; /* 1 s */
	double still_radius_mm;/* 20 mm */
	double still_fz_pct;   /* 10 % */
	/* quality */
	double jump_window_s;  /* 0.5 s */
	double jump_mm;        /* 40 mm */
	double drift_mm;       /* 50 mm */
	double twist_max;      /* 0.10 */
	/* LOS */
	double los_pct;        /* target, % of the theoretical limit (100) */
	double baseline_s;     /* before the cue (LOS 1 s, sit-to-stand 1 s) */
	double move_s;         /* after the LOS cue (8 s) */
	/* sit-to-stand */
	double seated_s;       /* seated and still this long before the countdown (1 s) */
	double rise_timeout_s; /* no rise within this after the cue: no-rise (10 s) */
	double weigh_s;        /* still standing this long gives the body weight (2 s) */
} atest_cfg;

/* Defaults above for test t at rate_hz, a person of height_m on plate. */
void atest_cfg_default(atest_cfg *cfg, enum atest_test t, double rate_hz, double height_m,
                       const cop_plate *plate);

enum atest_phase {
	ATEST_WAIT_ON,
	ATEST_INSTRUCT,
	ATEST_WEIGH,
	ATEST_SIT,
	ATEST_COUNTDOWN,
	ATEST_SETTLE,
	ATEST_RECORD,
	ATEST_REST,
	ATEST_DONE,
};

/* "wait-on", "instruct", ...; static. */
const char *atest_phase_name(enum atest_phase p);

/* Sound cues, one when a phase starts (atest_push() reports it). */
enum atest_cue {
	ATEST_CUE_NONE = 0,
	ATEST_CUE_ATTENTION, /* a new instruction */
	ATEST_CUE_TICK,      /* each second of the countdown */
	ATEST_CUE_START,     /* the trial starts (settling) / recording */
	ATEST_CUE_MOVE,      /* LOS: lean now; sit-to-stand: stand up now */
	ATEST_CUE_STOP,      /* the trial is over: relax, come back */
	ATEST_CUE_FALL,      /* the trial ended in a fall (or the feet moved) */
	ATEST_CUE_DONE,      /* the test is over */
};

/* What the simulated person (and a screen's picture) is asked to do. */
enum atest_posture { ATEST_STAND, ATEST_SIT_DOWN, ATEST_SQUAT };

/* How a trial ended. */
enum atest_outcome {
	ATEST_OK = 0,       /* completed: counts */
	ATEST_FALL,         /* stepped off: counts as a fall */
	ATEST_FEET_MOVED,   /* invalid: repeated */
	ATEST_DRIFT,        /* invalid: repeated */
	ATEST_NO_RISE,      /* sit-to-stand: did not stand up in time (counts as failed) */
	ATEST_ABORTED,      /* stopped by the therapist or a lost plate */
};

/* "ok", "fall", "feet-moved", "drift", "no-rise", "aborted"; static. */
const char *atest_outcome_name(enum atest_outcome o);

/* What the screen shows now. */
typedef struct atest_prompt {
	enum atest_phase phase;
	char text[200];         /* for the patient: plain words, no numbers */
	char detail[160];       /* for the therapist: "Foam, eyes closed · trial 2 of 3" */
	int countdown;          /* 3, 2, 1 while counting down; else 0 */
	double phase_progress;  /* 0..1 through a timed phase (0 if untimed) */
	int step, n_steps;      /* the current step (1-based) and the plan's length */
	bool eyes_closed, foam; /* the condition asked for */
	enum atest_posture posture;
	bool still;             /* the patient is still now */
	/* LOS: the target while leaning (target set), in plate mm */
	bool target;
	int direction;          /* enum los_dir */
	double centre_x_mm, centre_y_mm, target_x_mm, target_y_mm;
} atest_prompt;

/* One trial and what it measured. Per-trial measures that do not apply
 * are NaN. */
typedef struct atest_trial {
	int step;                  /* index of the plan step it ran */
	const char *kind;          /* trial kind (core/kind.h), static */
	int condition;             /* mCTSIB: enum assess_ctsib_cond; LOS: enum
	                            * los_dir; symmetry: 0 standing, 1 squat */
	int repeat;                /* 1-based attempt number within its condition */
	enum atest_outcome outcome;
	double held_s;             /* recorded time until the end (or the fall) */
	bool unsettled;            /* never still: started after settle_max_s */
	mono_us t0_us, t1_us;      /* first and last recorded sample */
	bool have_sway;            /* sway: ≥ 2 s on the plate */
	met_static sway;           /* static metrics of the on-plate samples */
	double equilibrium_score;  /* quiet stance (fall = 0) */
	/* LOS */
	assess_los_result los;
	double los_theta_rad, los_target_mm, los_excursion_mm;
	/* weight bearing (symmetry, squat; sit-to-stand: during the rise) */
	bool have_wb;
	assess_wb wb;
	/* sit-to-stand */
	bool have_sts;
	assess_sts sts;
} atest_trial;

/* A named number for the store and the JSON: the one list of a trial's
 * and a test's result names. */
typedef struct atest_value {
	char key[48];
	const char *unit; /* static: "mm/s", "%", "" */
	double v;         /* NaN: not available */
} atest_value;

/* Creates a machine for cfg (validated: POISE_E_INVALID for a bad value).
 * *out owns it; untouched on failure (also POISE_E_NOMEM). */
int atest_create(atest **out, const atest_cfg *cfg);

void atest_destroy(atest *a);

/* What atest_push() reports about one sample (bits). */
enum atest_report {
	ATEST_R_BEGIN = 1u << 0, /* a trial's recording begins with this sample */
	ATEST_R_END = 1u << 1,   /* the trial ended with this sample (it is the
	                          * trial's last): atest_last_trial() has it */
	ATEST_R_CUE = 1u << 2,   /* a sound cue: atest_cue_now() */
	ATEST_R_PHASE = 1u << 3, /* the phase changed */
	ATEST_R_LOG = 1u << 4,   /* trial-log events are waiting: atest_log() */
	ATEST_R_DONE = 1u << 5,  /* the test just finished */
};

/* Feeds one sample (time order). Returns enum atest_report bits. A
 * sample that begins a trial is also its first recorded sample; a sample
 * that ends one is its last. */
unsigned atest_push(atest *a, const cop_sample *s);

/* The therapist starts the next condition (manual_go). */
void atest_go(atest *a);

/* Stops the test: a trial being recorded ends as ATEST_ABORTED at the
 * next push (or now, reported by atest_abort's return: true if a trial was
 * open and has ended, so the caller ends its recording), then DONE. */
bool atest_abort(atest *a, mono_us t_us);

enum atest_phase atest_phase(const atest *a);
bool atest_done(const atest *a);

/* True while a trial is being recorded (between BEGIN and END). */
bool atest_recording(const atest *a);

/* The kind and the trial parameters as a JSON object of the trial being
 * recorded (or the last one): {"test": "mctsib", "condition": "foam_ec",
 * "repeat": 2, ...}. Returns buf. */
const char *atest_trial_kind(const atest *a);
const char *atest_trial_params(const atest *a, char *buf, size_t len);

/* The prompt now. */
void atest_prompt_get(const atest *a, atest_prompt *out);

/* The cue of the sample just pushed (with ATEST_R_CUE). */
enum atest_cue atest_cue_now(const atest *a);

/* Trial-log events raised by the sample just pushed: i < n; kind < 32
 * characters ("settled", "cue", "feet-moved", "fall", ...), detail JSON.
 * Returns NULL past the end. */
const char *atest_log(const atest *a, size_t i, mono_us *t_us, const char **detail);

/* The trials so far, in run order. */
size_t atest_trials(const atest *a, const atest_trial **out);

/* The trial that ended with the last ATEST_R_END; NULL before one. */
const atest_trial *atest_last_trial(const atest *a);

/* The body weight the test uses (N): sit-to-stand from the weighing,
 * symmetry from its standing trials; else the mean Fz of the recorded
 * samples; 0 until known. */
double atest_body_weight_n(const atest *a);

/* True if the test has what its summary needs (every condition or
 * direction scored, not aborted). */
bool atest_complete(const atest *a);

/* The per-trial result values of t for the store and JSON (beyond the
 * static sway metrics, which the caller stores with met_static_fields()):
 * writes up to max into out, returns how many it has. */
size_t atest_trial_values(const atest *a, const atest_trial *t, atest_value *out, size_t max);

/* The test's summary values (see the header comment for the formulas):
 * writes up to max into out, returns how many it has (≤ ATEST_MAX_VALUES). */
#define ATEST_MAX_VALUES 160
size_t atest_summary_values(const atest *a, atest_value *out, size_t max);

/* The test's settings as a JSON object for the summary trial's
 * parameters. Returns buf. */
const char *atest_cfg_json(const atest *a, char *buf, size_t len);

/* The configuration in use (defaults filled in). */
const atest_cfg *atest_config(const atest *a);

#endif
