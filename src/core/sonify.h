/* Poise: the centre of pressure as sound, so a game can be played with the
 * eyes closed (audio biofeedback, as in Dozza et al. 2005, Arch Phys Med
 * Rehabil 86:1401, and Chiari et al. 2005, IEEE TBME 52:2108: pitch for
 * one axis, stereo balance for the other).
 *
 * The mapping, from the game cursor (x right, y forward, in LOS units:
 * 1 = the patient's limit of stability) to one voice:
 *   pitch    f = SON_CENTRE_HZ · 2^(y / SON_LOS_PER_OCTAVE): forward is
 *            higher, one octave per half of the LOS (220 Hz at −1 LOS back,
 *            440 Hz at the centre, 1760 Hz at +1 LOS forward); y is
 *            clamped to ±SON_Y_MAX;
 *   pan      p = clamp(x, −1, 1): left −1 … right +1, equal-power gains
 *            gL = cos((p + 1)·π/4), gR = sin((p + 1)·π/4);
 *   timbre   leaning right adds the 2nd harmonic (bright, an octave),
 *            leaning left the 3rd (hollow, a twelfth), each with amplitude
 *            0.5·|p| on its side, so left and right differ for a listener
 *            with one ear too;
 *   target   a soft second voice (gain SON_TARGET_GAIN) at the target's
 *            own pitch and pan: on the target the two voices sound in
 *            unison; no target, no second voice.
 *
 * Latency: the mapping is pure and cheap, so it is applied to every COP
 * sample (100 Hz); the synthesiser glides to new values within
 * SON_GLIDE_MS (no clicks) and the audio device's buffer is 256 frames
 * (5.8 ms at 44.1 kHz): sound follows the COP within ≈ 15 ms, under one
 * display frame plus the cursor's filter.
 *
 * Pure: no I/O. The UI's audio callback and the test tool that renders a
 * WAV both use son_synth_render().
 */
#ifndef POISE_CORE_SONIFY_H
#define POISE_CORE_SONIFY_H

#include <stdbool.h>
#include <stddef.h>

#define SON_CENTRE_HZ 440.0
#define SON_LOS_PER_OCTAVE 0.5
#define SON_Y_MAX 1.2
#define SON_GAIN 0.30
#define SON_TARGET_GAIN 0.12
#define SON_GLIDE_MS 5.0

/* One sonified position. */
typedef struct son_voice {
	double freq_hz;
	double pan;        /* −1 left … +1 right */
	double gain_l, gain_r; /* equal-power, times the voice's gain */
	double h2, h3;     /* amplitudes of the 2nd and 3rd harmonics (0..0.5) */
} son_voice;

/* What to sound now: the cursor's voice and, if has_target, the
 * target's. */
typedef struct son_frame {
	son_voice cursor;
	son_voice target;
	bool has_target;
	bool on;           /* false: silence (paused, off the plate) */
} son_frame;

/* The voice for a position (LOS units) with gain. */
void son_map_voice(double x, double y, double gain, son_voice *out);

/* The frame for a cursor and an optional target (NAN target: none). */
void son_map(double x, double y, double target_x, double target_y, son_frame *out);

/* The synthesiser: a phase-continuous pair of additive voices gliding to
 * the newest frame. Fill with son_synth_init; no allocation. */
typedef struct son_synth {
	double rate_hz;
	son_frame want;    /* the newest frame */
	son_frame now;     /* where the glide is */
	double ph_c, ph_t; /* phases, cycles */
	double level;      /* 0..1 fade for on/off */
} son_synth;

void son_synth_init(son_synth *s, double rate_hz);

/* Sets the frame the synthesiser glides to (any time between renders). */
void son_synth_set(son_synth *s, const son_frame *f);

/* Adds n stereo frames (interleaved L, R) into out (mixes: out is not
 * cleared). */
void son_synth_render(son_synth *s, float *out, size_t n);

#endif
