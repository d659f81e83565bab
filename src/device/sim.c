#include "device/sim.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/cond.h"
#include "core/error.h"
#include "core/rng.h"

#define G_M_S2 9.81
#define SIM_REACTION_S 0.25 /* a quick, healthy reaction time */
#define SIM_DELAY_MAX 1024
#define KP_ACTIVE 3.0 /* voluntary shifts: stiffer ... */
#define KD_ACTIVE 1.7 /* ... and better damped than quiet stance */
#define SIM_ERROR_RATE 0.15 /* cognitive answers wrong by default */
/* The feet-apart base of support: the COP reaches ±160 mm sideways,
 * 160 mm forward (toes) and 90 mm back (heels). */
#define BOS_ML_MM 160.0
#define BOS_FWD_MM 160.0
#define BOS_BACK_MM 90.0
#define EC_NOISE 1.45 /* eyes closed: motor noise (a Romberg quotient ≈ 1.5) */
#define FOAM_NOISE 1.6 /* on foam: noisier ... */
#define FOAM_KP 0.75  /* ... and less stiff */
#define SIT_NOISE 0.5 /* seated on a chair: the feet barely move the COP */
#define SQUAT_NOISE 1.3
#define SIT_SHARE 0.25 /* seated on a chair: the share of the weight on the feet */
#define SQUAT_DEPTH_M 0.25 /* how far the centre of mass drops in a squat */

/* One horizontal axis of the simulated person. Millimetres and seconds. */
typedef struct sim_axis {
	double kp, kd;        /* feedback stiffness (1) and damping (s) */
	double kp0, noise0_mm; /* standing on a firm floor, eyes open */
	double p_min, p_max;  /* the base of support: the COP cannot leave the feet */
	double noise_mm;      /* motor noise RMS */
	double noise_tau_s;   /* motor noise correlation time */
	double c, v;          /* centre of mass position and velocity */
	double r, rv;         /* reference and its rate */
	double m1, m;         /* motor noise: OU state, and that low-passed */
	double p;             /* last COP */
} sim_axis;

typedef struct sim_dev {
	struct dev base;
	dev_open_cfg cfg;
	rng rng;
	sim_axis ax[2];
	double omega0_sq;     /* g / COM height */
	double weight_n;
	double load;          /* 0 = nobody on the plate, 1 = on it */
	double share, share_v; /* of the weight on the feet (1 standing, ≈ ¼
	                        * seated) and its rate */
	double zt, z, zv, zacc; /* squat: target and centre-of-mass drop (m),
	                        * its rate and acceleration */
	double breath_phase;
	unsigned substeps;    /* integration steps per frame (≈ 1 kHz) */
	double dt_s;          /* integration step */
	bool running;
	mono_us t0_us;
	uint64_t k;           /* next frame index */
	/* Steering as the person perceives it: commands reach the body after
	 * a reaction time (a delay line of SIM_REACTION_S). */
	double delay_x[SIM_DELAY_MAX], delay_y[SIM_DELAY_MAX];
	bool delay_active[SIM_DELAY_MAX];
	unsigned char delay_body[SIM_DELAY_MAX]; /* sit, squat: after the reaction time */
	unsigned delay_n, delay_head;
	/* Steering, written by any thread. */
	_Atomic double steer_x, steer_y, steer_object_kg;
	atomic_bool steer_active, steer_on;
	atomic_int steer_stance, steer_body;
	atomic_bool steer_foam, steer_ec;
	int stance, body;     /* the posture the body is in (acquisition thread) */
	bool foam, ec;
	double error_rate;    /* cognitive answers wrong */
} sim_dev;

static int sim_enumerate(dev_info *out, size_t max, size_t *n_found)
{
	if (max > 0) {
		memset(out, 0, sizeof *out);
		strcpy(out->backend, "sim");
		strcpy(out->id, "sim");
		strcpy(out->name, "Simulated plate");
		strcpy(out->serial, "SIM-0001");
		out->rate_hz = 100;
		out->plate = (cop_plate){SIM_PLATE_WIDTH_MM, SIM_PLATE_DEPTH_MM};
		out->usable = true;
	}
	*n_found = 1;
	return POISE_OK;
}

static void axis_init(sim_axis *a, double kp, double kd, double noise_mm, double tau_s, double p_min,
                      double p_max)
{
	*a = (sim_axis){.kp = kp, .kd = kd, .noise_mm = noise_mm, .noise_tau_s = tau_s, .p_min = p_min,
	                .p_max = p_max, .kp0 = kp, .noise0_mm = noise_mm};
}

/* The body's posture: the base of support of the stance, and how much
 * more it sways. Narrow stances sway more sideways (feet together ×1.4,
 * tandem ×1.8, one leg ×2.2 ML); foam makes the body noisier (×1.6) and
 * less stiff (×0.75), closed eyes noisier (×1.45, a typical Romberg
 * quotient); seated, the trunk (or, on a chair, the feet) sway about half
 * as much as standing, a held squat a little more. */
static void apply_posture(sim_dev *s)
{
	double ml, fwd, back;
	cond_support_scale(s->stance, &ml, &fwd, &back);
	static const double ml_noise[COND_STANCE_COUNT] = {1, 1.4, 1.8, 2.2, 2.2, 0.5};
	static const double ap_noise[COND_STANCE_COUNT] = {1, 1.05, 1.3, 1.6, 1.6, 0.5};
	double k = (s->foam ? FOAM_NOISE : 1.0) * (s->ec ? EC_NOISE : 1.0) *
	           (s->body == DEV_SIT ? SIT_NOISE : s->body == DEV_SQUAT ? SQUAT_NOISE : 1.0);
	s->ax[0].p_min = -BOS_ML_MM * ml;
	s->ax[0].p_max = BOS_ML_MM * ml;
	s->ax[1].p_min = -BOS_BACK_MM * back;
	s->ax[1].p_max = BOS_FWD_MM * fwd;
	s->ax[0].noise_mm = s->ax[0].noise0_mm * ml_noise[s->stance] * k;
	s->ax[1].noise_mm = s->ax[1].noise0_mm * ap_noise[s->stance] * k;
	for (int a = 0; a < 2; a++)
		s->ax[a].kp = s->ax[a].kp0 * (s->foam ? FOAM_KP : 1.0);
}

static int sim_open(dev **out, const dev_info *which, const dev_open_cfg *cfg)
{
	(void)which;
	double rate = cfg && cfg->rate_hz > 0 ? cfg->rate_hz : 100;
	if (rate < 10 || rate > 4000)
		return POISE_E_INVALID;
	sim_dev *s = calloc(1, sizeof *s);
	if (!s)
		return POISE_E_NOMEM;
	if (cfg)
		s->cfg = *cfg;
	size_t n;
	sim_enumerate(&s->base.info, 1, &n);
	s->base.ops = &sim_ops;
	s->base.info.rate_hz = rate;
	double mass = s->cfg.body_mass_kg > 0 ? s->cfg.body_mass_kg : 70;
	double height = s->cfg.height_m > 0 ? s->cfg.height_m : 1.70;
	s->weight_n = mass * G_M_S2;
	/* Centre of mass at about 55 % of body height (Winter's anthropometry). */
	s->omega0_sq = G_M_S2 / (0.55 * height);
	/* ML is stiffer and quieter than AP with the feet side by side. */
	axis_init(&s->ax[0], 0.45, 0.20, 1.25, 0.25, -BOS_ML_MM, BOS_ML_MM);
	axis_init(&s->ax[1], 0.28, 0.16, 1.5, 0.3, -BOS_BACK_MM, BOS_FWD_MM);
	s->ec = s->cfg.eyes_closed;
	s->foam = s->cfg.foam;
	apply_posture(s);
	s->error_rate = s->cfg.answer_error_rate > 0 ? fmin(1, s->cfg.answer_error_rate)
	              : s->cfg.answer_error_rate < 0 ? 0 : SIM_ERROR_RATE;
	s->substeps = (unsigned)ceil(1000.0 / rate);
	s->delay_n = (unsigned)lround(SIM_REACTION_S * rate);
	if (s->delay_n >= SIM_DELAY_MAX)
		s->delay_n = SIM_DELAY_MAX - 1;
	s->dt_s = 1.0 / (rate * s->substeps);
	rng_seed(&s->rng, s->cfg.seed);
	s->load = 1;
	s->share = 1;
	atomic_init(&s->steer_x, 0.0);
	atomic_init(&s->steer_y, 0.0);
	atomic_init(&s->steer_active, false);
	atomic_init(&s->steer_on, true);
	atomic_init(&s->steer_object_kg, 0.0);
	atomic_init(&s->steer_stance, 0);
	atomic_init(&s->steer_body, DEV_STAND);
	atomic_init(&s->steer_foam, s->cfg.foam);
	atomic_init(&s->steer_ec, s->cfg.eyes_closed);
	*out = &s->base;
	return POISE_OK;
}

static int sim_start(dev *d)
{
	sim_dev *s = (sim_dev *)d;
	s->running = true;
	s->t0_us = dev_now_us();
	s->k = 0;
	return POISE_OK;
}

static int sim_stop(dev *d)
{
	((sim_dev *)d)->running = false;
	return POISE_OK;
}

static void sim_close(dev *d)
{
	free(d);
}

static int sim_steer(dev *d, const dev_steer *st)
{
	sim_dev *s = (sim_dev *)d;
	atomic_store(&s->steer_x, st->x_mm);
	atomic_store(&s->steer_y, st->y_mm);
	atomic_store(&s->steer_on, st->on_plate);
	atomic_store(&s->steer_active, st->active);
	atomic_store(&s->steer_object_kg, st->object_kg > 0 ? st->object_kg : 0);
	return POISE_OK;
}

static int sim_posture(dev *d, const dev_posture *p)
{
	sim_dev *s = (sim_dev *)d;
	atomic_store(&s->steer_stance, p->stance >= 0 && p->stance < COND_STANCE_COUNT ? p->stance : 0);
	atomic_store(&s->steer_foam, p->foam || s->cfg.foam);
	atomic_store(&s->steer_ec, p->eyes_closed || s->cfg.eyes_closed);
	atomic_store(&s->steer_body, p->body >= DEV_STAND && p->body <= DEV_SQUAT ? (int)p->body : DEV_STAND);
	return POISE_OK;
}

/* A 64-bit mix (splitmix64's finaliser): the answer to a prompt depends
 * only on the seed and the prompt, so asking twice gives the same answer
 * and no state is shared with the acquisition thread. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int sim_answer(dev *d, uint32_t prompt, int n_choices)
{
	sim_dev *s = (sim_dev *)d;
	if (n_choices < 2)
		return 0;
	uint64_t h = mix64(s->cfg.seed * 0x9e3779b97f4a7c15ull + prompt + 1);
	double u = (double)(h >> 11) * 0x1.0p-53;
	if (u >= s->error_rate)
		return 0;
	return 1 + (int)(mix64(h) % (uint64_t)(n_choices - 1));
}

/* Advances one axis by dt toward target (mm). */
static void axis_step(sim_axis *a, rng *r, double omega0_sq, double target, bool active, double dt)
{
	/* The reference follows the target critically damped (≈ 0.3 s), as a
	 * person plans a smooth weight shift rather than a jump. */
	const double wr = 2.0 * M_PI * 0.9;
	double ra = wr * wr * (target - a->r) - 2.0 * wr * a->rv;
	a->rv += ra * dt;
	a->r += a->rv * dt;
	/* Ornstein–Uhlenbeck motor noise (stationary RMS noise_mm), smoothed
	 * by a 40 ms first-order lag: muscles do not twitch infinitely fast. */
	double decay = exp(-dt / a->noise_tau_s);
	a->m1 = a->m1 * decay + a->noise_mm * sqrt(1.0 - decay * decay) * rng_normal(r);
	a->m += (a->m1 - a->m) * (dt / (0.08 + dt));
	/* A voluntary weight shift is a stiffer, faster control than quiet
	 * stance, and damps relative to the planned motion rather than to
	 * standing still (Winter 1995; values tuned so the simulated player
	 * tracks a 0.2 Hz target). */
	double kp = active ? KP_ACTIVE * a->kp : a->kp, kd = active ? KD_ACTIVE * a->kd : a->kd;
	/* Steering adds the feed-forward a planned shift needs: to accelerate
	 * the body by r'' the COP must first move by −r''/ω0² (the
	 * anticipatory postural adjustment). */
	double ff = active ? ra / omega0_sq : 0;
	a->p = a->c + kp * (a->c - a->r) + kd * (a->v - (active ? a->rv : 0)) - ff + a->m;
	a->p = fmax(a->p_min, fmin(a->p_max, a->p));
	double acc = omega0_sq * (a->c - a->p);
	a->v += acc * dt; /* semi-implicit Euler: stable for this oscillator */
	a->c += a->v * dt;
}

/* The vertical: the share of the weight on the feet (seated ≈ ¼; a rise
 * from the chair is an underdamped second-order response, ζ = 0.45 at
 * 0.7 Hz, so the force overshoots body weight by ≈ 15 % and seat-off
 * comes ≈ 0.5 s after the start, as in healthy rises (Cheng et al. 1998);
 * sitting down is critically damped), and a squat's centre-of-mass drop
 * (second order at 0.6 Hz, ζ = 0.55, after a 0.1 s smoothing of the
 * command), whose acceleration adds m·z'' to the force: a dip on the way
 * down, an overshoot as the descent is braked. */
static void vertical_step(sim_dev *s, int body, double dt)
{
	double target = body == DEV_SIT ? SIT_SHARE : 1.0;
	double w = 2 * M_PI * 0.7, zeta = target > s->share ? 0.45 : 1.0;
	double a = w * w * (target - s->share) - 2 * zeta * w * s->share_v;
	s->share_v += a * dt;
	s->share += s->share_v * dt;
	s->zt += ((body == DEV_SQUAT ? -SQUAT_DEPTH_M : 0) - s->zt) * dt / (0.1 + dt);
	double wz = 2 * M_PI * 0.6;
	s->zacc = wz * wz * (s->zt - s->z) - 2 * 0.55 * wz * s->zv;
	s->zv += s->zacc * dt;
	s->z += s->zv * dt;
}

static void sim_next_frame(sim_dev *s, poise_frame *f)
{
	/* Today's command enters the delay line; the body acts on the one from
	 * a reaction time ago. */
	unsigned in = (s->delay_head + s->delay_n) % SIM_DELAY_MAX;
	s->delay_active[in] = atomic_load(&s->steer_active);
	s->delay_x[in] = atomic_load(&s->steer_x);
	s->delay_y[in] = atomic_load(&s->steer_y);
	s->delay_body[in] = (unsigned char)atomic_load(&s->steer_body);
	bool active = s->delay_active[s->delay_head];
	int body = s->delay_body[s->delay_head];
	double tx = active ? s->delay_x[s->delay_head] : 0;
	double ty = active ? s->delay_y[s->delay_head] : 0;
	s->delay_head = (s->delay_head + 1) % SIM_DELAY_MAX;
	int stance = atomic_load(&s->steer_stance);
	bool foam = atomic_load(&s->steer_foam), ec = atomic_load(&s->steer_ec);
	if (stance != s->stance || foam != s->foam || ec != s->ec || body != s->body) {
		s->stance = stance;
		s->foam = foam;
		s->ec = ec;
		s->body = body;
		apply_posture(s);
	}
	double load_target = atomic_load(&s->steer_on) ? cond_load_fraction(s->stance) : 0.0;
	for (unsigned i = 0; i < s->substeps; i++) {
		axis_step(&s->ax[0], &s->rng, s->omega0_sq, tx, active, s->dt_s);
		axis_step(&s->ax[1], &s->rng, s->omega0_sq, ty, active, s->dt_s);
		/* Stepping on or off takes about 0.4 s. */
		double dl = s->dt_s / 0.4;
		s->load += fmax(-dl, fmin(dl, load_target - s->load));
		s->breath_phase += 2.0 * M_PI * 0.25 * s->dt_s;
		vertical_step(s, body, s->dt_s);
	}
	if (s->load <= 0) {
		/* An empty plate: the person is reset to quiet stance. */
		for (int a = 0; a < 2; a++) {
			s->ax[a].c = s->ax[a].v = s->ax[a].r = s->ax[a].rv = 0;
		}
	}
	double fz = s->load * (s->weight_n * s->share + s->weight_n * s->zacc / G_M_S2 +
	                       1.5 * sin(s->breath_phase) + 0.5 * rng_normal(&s->rng));
	double period_us = 1e6 / s->base.info.rate_hz;
	f->t_us = s->t0_us + (mono_us)llround((double)s->k * period_us);
	f->seq = (uint32_t)s->k;
	f->flags = 0;
	double object_kg = atomic_load(&s->steer_object_kg);
	if (object_kg > 0) /* a still mass where it was put, no person */
		cop_to_forces(&s->base.info.plate, atomic_load(&s->steer_x), atomic_load(&s->steer_y),
		              object_kg * 9.80665, f->force_n);
	else
		cop_to_forces(&s->base.info.plate, s->ax[0].p, s->ax[1].p, fz, f->force_n);
	for (int c = 0; c < CELL_COUNT; c++)
		f->force_n[c] += 0.15 * rng_normal(&s->rng); /* load-cell noise */
	s->k++;
}

static int sim_read(dev *d, poise_frame *out, size_t max, size_t *n_read, int timeout_ms)
{
	sim_dev *s = (sim_dev *)d;
	*n_read = 0;
	if (!s->running)
		return POISE_E_STATE;
	if (max == 0)
		return POISE_OK;
	double period_us = 1e6 / s->base.info.rate_hz;
	if (s->cfg.realtime) {
		mono_us due = s->t0_us + (mono_us)llround((double)s->k * period_us);
		mono_us limit = dev_now_us() + (mono_us)(timeout_ms > 0 ? timeout_ms : 0) * 1000u;
		if (due > limit) {
			dev_sleep_until(limit);
			return POISE_OK;
		}
		dev_sleep_until(due);
		mono_us now = dev_now_us();
		size_t n = 0;
		while (n < max &&
		       s->t0_us + (mono_us)llround((double)s->k * period_us) <= now)
			sim_next_frame(s, &out[n++]);
		*n_read = n;
		return POISE_OK;
	}
	for (size_t i = 0; i < max; i++)
		sim_next_frame(s, &out[i]);
	*n_read = max;
	return POISE_OK;
}

const struct dev_ops sim_ops = {
	.name = "sim",
	.label = "simulated plate",
	.description = "simulated plate (quiet-stance sway; steer it with the mouse or arrow keys)",
	.enumerate = sim_enumerate,
	.open = sim_open,
	.start = sim_start,
	.read = sim_read,
	.stop = sim_stop,
	.close = sim_close,
	.steer = sim_steer,
	.answer = sim_answer,
	.posture = sim_posture,
};
