/* Poise: the measures of the assessment protocols, as pure functions:
 * arrays from one attempt or trial in, numbers out. The protocol state
 * machines (cueing, timing, trial bookkeeping) call these; nothing here
 * knows about devices, files or screens.
 *
 *   - limits of stability (LOS): theoretical targets from body height and
 *     the five measures of one lean toward a target;
 *   - weight-bearing symmetry from the four cell forces;
 *   - sit-to-stand: weight-transfer time, rising index, sway after rising;
 *   - sensory tests: equilibrium score, mCTSIB/Romberg arithmetic, the SOT
 *     sensory ratios.
 *
 * Conventions as everywhere in Poise: x = ML (mm, + right), y = AP (mm,
 * + forward), directions as angles counter-clockwise from the patient's
 * right (0 = right, π/2 = forward; the LOS_E..LOS_SE order of core/los.h).
 * A measure an attempt cannot give is NaN (callers print null).
 *
 * Sources (each definition below names its own):
 *   NeuroCom International, Balance Master and SMART EquiTest system
 *     operator's manuals: the LOS, sit-to-stand, weight-bearing and mCTSIB
 *     test definitions (the LOS measures as used by Clark, Rose & Fujimoto
 *     1997, Arch Phys Med Rehabil 78:1078–1084, and Pickerill & Harter
 *     2011, J Athl Train 46:600–606; the sit-to-stand measures as used by
 *     Cheng et al. 1998, Arch Phys Med Rehabil 79:1043–1046).
 *   Nashner 1993 (in Jacobson, Newman & Kartush, Handbook of Balance
 *     Function Testing): the theoretical sway limits, 12.5° AP (8° forward,
 *     4.5° back) and 16° ML (8° a side), and the equilibrium score.
 *   Shumway-Cook & Horak 1986 (Phys Ther 66:1548–1550): the CTSIB; Cohen,
 *     Blatchly & Gombash 1993 (Phys Ther 73:346–351): foam standing for
 *     the sway-referenced support of the SOT.
 *   Robinson, Herzog & Nigg 1987 (J Manipulative Physiol Ther 10:172–176):
 *     the symmetry index.
 */
#ifndef POISE_CORE_ASSESS_H
#define POISE_CORE_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

/* ---- Limits of stability: the targets ---- */

typedef struct assess_los_geom {
	double height_m;   /* body height */
	double com_ratio;  /* COM height / body height (default 0.5527, the
	                    * factor NeuroCom's COG-angle computations use; ≈ the
	                    * 55 % of height of anthropometric tables) */
	double forward_deg;  /* theoretical limits (Nashner 1993): 8 */
	double backward_deg; /* 4.5 */
	double side_deg;     /* 8 */
} assess_los_geom;

/* The defaults above for a person of height_m. */
void assess_los_geom_default(assess_los_geom *g, double height_m);

/* COM height in mm: com_ratio × height. */
double assess_com_height_mm(const assess_los_geom *g);

/* The theoretical limit, in degrees of lean about the ankles, toward
 * direction theta: the ellipse through the side and forward limits in the
 * front half-plane, through the side and backward limits behind
 * (1/√((cos θ/side)² + (sin θ/fwd-or-back)²)). NeuroCom publishes the
 * cardinal limits only; the ellipse between them is Poise's choice. */
double assess_los_limit_deg(const assess_los_geom *g, double theta);

/* The COP distance of a target at pct % of the limit toward theta:
 * h_COM·tan(pct/100 · limit). A lean of angle α about the ankles moves the
 * COM, and in a held lean the COP under it, by h·tan α. */
double assess_los_target_mm(const assess_los_geom *g, double theta, double pct);

/* ---- Limits of stability: one attempt ---- */

typedef struct assess_los_cfg {
	double baseline_s;        /* quiet stance before the cue giving the
	                           * centre and the resting speed (default 1 s;
	                           * at least 0.25 s must be recorded) */
	double onset_speed_mm_s;  /* detection: COP speed above the larger of
	                           * this (default 20 mm/s) … */
	double onset_sd_k;        /* … and the baseline mean + k·SD (default 3) */
	double onset_hold_s;      /* for this long (default 0.05 s) */
	double progress_pct;      /* the primary movement has begun once the
	                           * COP has gone this far toward the target
	                           * (default 5 % of the target distance) */
} assess_los_cfg;

/* The defaults above. */
void assess_los_cfg_default(assess_los_cfg *cfg);

typedef struct assess_los_result {
	bool moved;                   /* a movement onset was found */
	double reaction_time_s;       /* RT: cue → movement onset */
	double movement_velocity_mm_s;/* MVL: mean velocity toward the target
	                               * between 5 % and 95 % of the endpoint
	                               * distance */
	double movement_velocity_deg_s; /* the same as a lean angle rate */
	double endpoint_excursion_pct;/* EPE: end of the primary movement, % of
	                               * the target distance */
	double max_excursion_pct;     /* MXE: farthest point after the cue */
	double directional_control_pct; /* DCL: (on − off)/on × 100 over the
	                               * primary movement */
	double onset_t_s;             /* when the movement began */
	double endpoint_t_s;          /* when the primary movement ended */
	double centre_x_mm, centre_y_mm; /* the start: mean COP of the baseline */
} assess_los_result;

/* The LOS measures of one attempt: the COP (t_s, x_mm, y_mm)[0..n), times
 * increasing, recorded from before the cue at cue_t_s to the end of the
 * attempt, toward direction theta_rad with the target target_mm from the
 * start; com_height_mm converts to degrees. Pass the COP low-passed (the
 * recorded signal through ana_prepare(), or a COG estimate), as the
 * definitions below read velocities. Definitions (NeuroCom, Clark et al.
 * 1997; the thresholds are Poise's):
 *   - start: the mean COP over the baseline_s before the cue; distances
 *     are measured from it: u along the target direction, w across it;
 *   - onset: the COP speed (between consecutive samples) exceeds the
 *     detection threshold for onset_hold_s; the onset is the start of the
 *     run of samples before that faster than the baseline's mean speed
 *     (so a noise-free movement's onset is exact). RT = onset − cue;
 *   - primary movement: from the onset, once u has reached progress_pct of
 *     the target, until u stops advancing (its rate falls to the baseline
 *     mean speed or below); EPE = u there / target × 100;
 *   - MXE = the largest u after the cue / target × 100;
 *   - MVL = 0.9·u_end / (t95 − t5), t5 and t95 the first times u reaches 5
 *     and 95 % of u_end (interpolated between samples); in deg/s with the
 *     lean angles atan(u/h_COM);
 *   - DCL over the primary movement (onset → end): on = Σ forward steps of
 *     u, off = Σ |steps of w| + Σ backward steps of u (movement away from
 *     the target), DCL = (on − off)/on × 100: 100 for a straight line,
 *     lower (even negative) for a wandering one.
 * Without an onset, moved is false and every measure but MXE is NaN;
 * without a primary movement (u never reaches progress_pct), EPE, MVL and
 * DCL are NaN. Returns POISE_E_RANGE when less than 0.25 s or 3 samples
 * precede the cue or fewer than 3 follow it, POISE_E_INVALID for a
 * non-finite sample, times that do not increase, or a target or COM height
 * that is not positive; out is then untouched. */
int assess_los_attempt(const double *t_s, const double *x_mm, const double *y_mm, size_t n,
                       double cue_t_s, double theta_rad, double target_mm, double com_height_mm,
                       const assess_los_cfg *cfg, assess_los_result *out);

/* A centre-of-gravity estimate from one COP coordinate cop_mm[0..n),
 * sampled at fs_hz, for a person whose COM is com_height_mm above the
 * ankles, into cog_mm (may be cop_mm). The body as an inverted pendulum
 * (a point mass: ω0² = g/h) gives COP = COG − COG''/ω0², so each
 * frequency f of the COG is the COP's scaled by 1/(1 + (2πf/ω0)²): a
 * zero-phase low-pass at ω0/2π ≈ 0.5 Hz (Brenière 1996, J Mot Behav
 * 28:291–298; Caron, Faure & Brenière 1997, J Biomech 30:1169–1171). The
 * straight line through the first and last samples is taken out before
 * the transform (it passes unchanged) and added back, so the ends do not
 * wrap around. NeuroCom's LOS measures are of the COG; the COP's
 * anticipatory counter-movement before a lean would otherwise spoil the
 * onset and the end of the movement. POISE_E_RANGE for n < 4,
 * POISE_E_INVALID for a non-finite sample or a rate or height that is not
 * positive, POISE_E_NOMEM (it allocates a transform buffer). */
int assess_cog_estimate(const double *cop_mm, size_t n, double fs_hz, double com_height_mm,
                        double *cog_mm);

/* ---- Weight-bearing symmetry ---- */

typedef struct assess_wb {
	double mean_total_n;   /* mean of TL + TR + BL + BR */
	double left_pct;       /* (TL + BL) / total × 100, over the window */
	double right_pct;      /* (TR + BR) / total × 100 */
	double front_pct;      /* (TL + TR) / total × 100 */
	double back_pct;       /* (BL + BR) / total × 100 */
	double left_bw_pct;    /* mean (TL + BL) / body weight × 100 (NaN
	                        * without a body weight) */
	double right_bw_pct;
	double front_bw_pct;
	double back_bw_pct;
	double symmetry_index_pct; /* (R − L)/((R + L)/2) × 100: 0 when even,
	                            * + when the right bears more (Robinson et al.
	                            * 1987) */
} assess_wb;

/* Weight bearing over a window of n samples of the four cell forces,
 * force_n[4·i + CELL_TL..CELL_BR] (newtons, canonical order as seen by the
 * patient, core/frame.h; a double[n][4] passes as &f[0][0]): the shares
 * are ratios of the window's mean forces (NeuroCom's weight-bearing test
 * reports % of body weight per side). body_weight_n ≤ 0: no % of body
 * weight. Returns POISE_E_RANGE for n = 0 or a mean total force that is
 * not positive, POISE_E_INVALID for a non-finite force; out is then
 * untouched. */
int assess_weight_bearing(const double *force_n, size_t n, double body_weight_n, assess_wb *out);

/* ---- Sit-to-stand ---- */

typedef struct assess_sts_cfg {
	double settle_band_pct; /* standing is reached when Fz stays within
	                         * this % of body weight (default 5) … */
	double settle_s;        /* … for this long (default 0.5 s) */
	double sway_window_s;   /* sway measured over this long after (5 s) */
} assess_sts_cfg;

/* The defaults above. */
void assess_sts_cfg_default(assess_sts_cfg *cfg);

typedef struct assess_sts {
	double weight_transfer_s;  /* cue → seat-off */
	double rising_index_pct;   /* peak Fz of the rise / body weight × 100 */
	double rising_excess_pct;  /* (peak Fz − body weight)/body weight × 100 */
	double sway_velocity_mm_s; /* COP path / time over sway_window_s after
	                            * standing is reached (NaN if the record
	                            * ends sooner) */
	double sway_velocity_deg_s;/* the same in lean degrees (with
	                            * com_height_mm > 0; NaN otherwise) */
	double seat_off_t_s;       /* Fz first reaches body weight after the cue */
	double peak_t_s;           /* the peak of the rise */
	double stand_t_s;          /* standing reached */
} assess_sts;

/* Sit-to-stand measures from the vertical force under the feet fz_n and
 * the COP (x_mm, y_mm), sampled at t_s[0..n), the patient seated with the
 * feet on the plate at the cue cue_t_s; body_weight_n from a quiet stance.
 * Definitions (NeuroCom sit-to-stand test, Cheng et al. 1998; the
 * thresholds are Poise's):
 *   - seat-off: the first time after the cue that Fz reaches body weight
 *     (the whole weight over the feet), interpolated between samples;
 *     weight-transfer time = seat-off − cue;
 *   - standing: the first time after seat-off from which Fz stays within
 *     settle_band_pct of body weight for settle_s;
 *   - rising index: the largest Fz from the cue to standing / body weight
 *     × 100 (the brief's and NeuroCom's "force exerted by the legs during
 *     the rising phase"; NeuroCom's published norms of tens of % read
 *     like the excess over body weight, given as rising_excess_pct);
 *   - sway velocity: COP path length / time over the sway_window_s after
 *     standing (NeuroCom reports the COG sway velocity for 5 s after
 *     rising); in deg/s through atan(·/h_COM) of the path.
 * With no seat-off, or no standing, the measures that depend on it are
 * NaN. Returns POISE_E_RANGE for fewer than 3 samples after the cue,
 * POISE_E_INVALID for a non-finite sample, times that do not increase or
 * a body weight that is not positive. */
int assess_sit_to_stand(const double *t_s, const double *fz_n, const double *x_mm,
                        const double *y_mm, size_t n, double cue_t_s, double body_weight_n,
                        double com_height_mm, const assess_sts_cfg *cfg, assess_sts *out);

/* ---- Sensory tests ---- */

/* NeuroCom's equilibrium score of one SOT (or mCTSIB) trial from the AP
 * sway of the COM (or a low-passed COP) y_mm[0..n) about the ankles:
 * ES = (12.5° − (θmax − θmin))/12.5° × 100, θ = atan(y/h_COM) (Nashner
 * 1993). A fall scores 0. Clamped at 0 below (sway wider than 12.5°).
 * NaN for n = 0 or a COM height that is not positive. */
double assess_equilibrium_score(const double *y_mm, size_t n, double com_height_mm, bool fell);

/* Romberg quotient: the eyes-closed value over the eyes-open one (sway
 * velocity or area; Romberg's test as a ratio, e.g. Prieto et al. 1996's
 * EC/EO comparisons). NaN unless both are finite and eyes-open > 0. */
double assess_romberg(double eyes_closed, double eyes_open);

#define ASSESS_MAX_TRIALS 8

/* One trial of a sensory condition. */
typedef struct assess_trial {
	double sway_velocity; /* mean sway velocity (mm/s or deg/s: one unit
	                       * for all trials) of the part held */
	double held_s;        /* how long the patient stood (the trial length
	                       * when completed) */
	bool fell;            /* ended by a step, a grab or a fall */
} assess_trial;

/* The four mCTSIB conditions (Shumway-Cook & Horak 1986, modified without
 * the dome): */
enum assess_ctsib_cond {
	CTSIB_FIRM_EO, /* 1: firm surface, eyes open */
	CTSIB_FIRM_EC, /* 2: firm, eyes closed */
	CTSIB_FOAM_EO, /* 3: foam, eyes open */
	CTSIB_FOAM_EC, /* 4: foam, eyes closed */
	CTSIB_CONDS
};

typedef struct assess_ctsib {
	double mean_velocity[CTSIB_CONDS]; /* mean over the completed trials;
	                                    * NaN when every trial fell */
	double mean_held_s[CTSIB_CONDS];   /* mean time held over all trials
	                                    * (the CTSIB's timed score) */
	int trials[CTSIB_CONDS];
	int falls[CTSIB_CONDS];
	double composite_velocity;   /* mean of the four condition means (NaN
	                              * if one is NaN) */
	double romberg_firm;         /* firm EC / firm EO velocity */
	double romberg_foam;         /* foam EC / foam EO velocity */
	double foam_quotient_eo;     /* foam EO / firm EO velocity */
} assess_ctsib;

/* The trials of an mCTSIB: trial[c][0..n[c]) for each condition c. */
typedef struct assess_ctsib_trials {
	assess_trial trial[CTSIB_CONDS][ASSESS_MAX_TRIALS];
	int n[CTSIB_CONDS];
} assess_ctsib_trials;

/* mCTSIB arithmetic over the trials of each condition. The rule for a
 * fall: NeuroCom's SOT scores a fall as the worst score (0) and keeps it
 * in the mean; a sway velocity has no worst value, so a fallen trial's
 * velocity is left out of the condition's mean and counted in falls, while
 * its time held still enters mean_held_s (the timed CTSIB scoring).
 * Returns POISE_E_INVALID for a count outside 0..ASSESS_MAX_TRIALS, a time
 * held that is not finite and ≥ 0, or a completed trial whose velocity is
 * not finite and ≥ 0; out is then untouched. */
int assess_ctsib_summary(const assess_ctsib_trials *in, assess_ctsib *out);

/* The SOT sensory analysis (NeuroCom; Nashner & Peters 1990, Neurol Clin
 * 8:331–349) from the six conditions' mean equilibrium scores es[0..5]
 * (conditions 1–6):
 *   somatosensory = ES2/ES1, visual = ES4/ES1, vestibular = ES5/ES1,
 *   visual preference = (ES3 + ES6)/(ES2 + ES5);
 * and the composite: (ES1 + ES2 + the 3 trials each of conditions 3–6)/14,
 * here (ES1 + ES2 + 3·(ES3 + ES4 + ES5 + ES6))/14 from the means. NaN where
 * a divisor is not positive. */
typedef struct assess_sensory {
	double somatosensory, visual, vestibular, visual_preference, composite;
} assess_sensory;
void assess_sot_ratios(const double es[6], assess_sensory *out);

/* The same ratios from the four mCTSIB conditions' mean equilibrium
 * scores, foam standing for the SOT's sway-referenced support (Cohen et al.
 * 1993): somatosensory = ES(firm EC)/ES(firm EO), visual = ES(foam EO)/
 * ES(firm EO) (as SOT 4), vestibular = ES(foam EC)/ES(firm EO) (as SOT
 * 5); visual preference needs sway-referenced vision and is NaN; the
 * composite is the mean of the four. */
void assess_ctsib_ratios(const double es[CTSIB_CONDS], assess_sensory *out);

#endif
