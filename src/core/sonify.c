#include "core/sonify.h"

#include <math.h>
#include <string.h>

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void son_map_voice(double x, double y, double gain, son_voice *out)
{
	double yy = clampd(isfinite(y) ? y : 0, -SON_Y_MAX, SON_Y_MAX);
	double p = clampd(isfinite(x) ? x : 0, -1, 1);
	double a = (p + 1) * M_PI / 4;
	*out = (son_voice){
		.freq_hz = SON_CENTRE_HZ * exp2(yy / SON_LOS_PER_OCTAVE),
		.pan = p,
		.gain_l = gain * cos(a),
		.gain_r = gain * sin(a),
		.h2 = p > 0 ? 0.5 * p : 0,
		.h3 = p < 0 ? -0.5 * p : 0,
	};
}

void son_map(double x, double y, double tx, double ty, son_frame *out)
{
	memset(out, 0, sizeof *out);
	out->on = isfinite(x) && isfinite(y);
	son_map_voice(x, y, SON_GAIN, &out->cursor);
	out->has_target = isfinite(tx) && isfinite(ty);
	/* No target: a silent target voice where the cursor is, so the glide
	 * always has a pitch to go from. */
	if (out->has_target)
		son_map_voice(tx, ty, SON_TARGET_GAIN, &out->target);
	else
		son_map_voice(x, y, 0, &out->target);
}

void son_synth_init(son_synth *s, double rate_hz)
{
	memset(s, 0, sizeof *s);
	s->rate_hz = rate_hz;
	son_map(0, 0, NAN, NAN, &s->want);
	s->want.on = false;
	s->now = s->want;
}

void son_synth_set(son_synth *s, const son_frame *f)
{
	s->want = *f;
}

static void glide(son_voice *v, const son_voice *to, double k)
{
	/* Pitch glides in log frequency: equal steps sound equal. */
	v->freq_hz *= exp(k * log(to->freq_hz / v->freq_hz));
	v->gain_l += k * (to->gain_l - v->gain_l);
	v->gain_r += k * (to->gain_r - v->gain_r);
	v->h2 += k * (to->h2 - v->h2);
	v->h3 += k * (to->h3 - v->h3);
	v->pan = to->pan;
}

/* One sample of a voice: fundamental plus its harmonics, peak-normalised
 * so the loudness does not jump with the timbre. */
static double voice_sample(const son_voice *v, double ph)
{
	double w = 2 * M_PI * ph;
	return (sin(w) + v->h2 * sin(2 * w) + v->h3 * sin(3 * w)) / (1 + v->h2 + v->h3);
}

void son_synth_render(son_synth *s, float *out, size_t n)
{
	/* A one-pole glide with time constant SON_GLIDE_MS. */
	double k = 1 - exp(-1000.0 / (SON_GLIDE_MS * s->rate_hz));
	double want_level = s->want.on ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		glide(&s->now.cursor, &s->want.cursor, k);
		glide(&s->now.target, &s->want.target, k);
		s->level += k * (want_level - s->level);
		double c = voice_sample(&s->now.cursor, s->ph_c);
		double t = voice_sample(&s->now.target, s->ph_t);
		out[2 * i] += (float)(s->level * (c * s->now.cursor.gain_l + t * s->now.target.gain_l));
		out[2 * i + 1] += (float)(s->level * (c * s->now.cursor.gain_r + t * s->now.target.gain_r));
		s->ph_c += s->now.cursor.freq_hz / s->rate_hz;
		s->ph_c -= floor(s->ph_c);
		s->ph_t += s->now.target.freq_hz / s->rate_hz;
		s->ph_t -= floor(s->ph_t);
	}
}
