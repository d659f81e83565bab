#include "ui/audio.h"

#include <SDL.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RATE 44100
#define VOICES 16

enum wave { W_SINE, W_TRIANGLE, W_NOISE };

typedef struct voice {
	bool on;
	enum wave wave;
	double f0, f1;       /* Hz, slides from f0 to f1 */
	double dur_s, t_s, delay_s;
	double amp, decay;   /* exponential decay rate, 1/s */
	double phase;
	unsigned noise;
	double pan;          /* −1 left … +1 right */
} voice;

struct audio {
	SDL_AudioDeviceID dev;
	voice v[VOICES];
	son_synth son;       /* the sonified COP */
};

static void mix(void *ud, Uint8 *stream, int len)
{
	audio *a = ud;
	float *out = (float *)stream;
	int n = len / (int)sizeof(float) / 2; /* stereo frames */
	memset(stream, 0, (size_t)len);
	for (int k = 0; k < VOICES; k++) {
		voice *v = &a->v[k];
		if (!v->on)
			continue;
		for (int i = 0; i < n; i++) {
			if (v->delay_s > 0) {
				v->delay_s -= 1.0 / RATE;
				continue;
			}
			double u = v->t_s / v->dur_s;
			if (u >= 1) {
				v->on = false;
				break;
			}
			double f = v->f0 + (v->f1 - v->f0) * u;
			v->phase += f / RATE;
			v->phase -= floor(v->phase);
			double s;
			switch (v->wave) {
			case W_TRIANGLE:
				s = 4 * fabs(v->phase - 0.5) - 1;
				break;
			case W_NOISE:
				v->noise = v->noise * 1103515245u + 12345u;
				s = ((v->noise >> 16) & 0x7fff) / 16384.0 - 1;
				break;
			default:
				s = sin(2 * M_PI * v->phase);
			}
			double attack = fmin(1, v->t_s / 0.005); /* no clicks */
			double env = attack * exp(-v->decay * v->t_s) * fmin(1, (1 - u) / 0.05);
			double y = v->amp * env * s, pa = (v->pan + 1) * M_PI / 4;
			out[2 * i] += (float)(y * cos(pa) * M_SQRT2);
			out[2 * i + 1] += (float)(y * sin(pa) * M_SQRT2);
			v->t_s += 1.0 / RATE;
		}
	}
	son_synth_render(&a->son, out, (size_t)n);
	for (int i = 0; i < 2 * n; i++)
		out[i] = out[i] > 1 ? 1 : out[i] < -1 ? -1 : out[i];
}

audio *audio_open(void)
{
	if (!(SDL_WasInit(SDL_INIT_AUDIO) & SDL_INIT_AUDIO))
		return NULL;
	audio *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	son_synth_init(&a->son, RATE);
	SDL_AudioSpec want = {.freq = RATE, .format = AUDIO_F32SYS, .channels = 2, .samples = 256,
	                      .callback = mix, .userdata = a};
	a->dev = SDL_OpenAudioDevice(NULL, 0, &want, NULL, 0);
	if (!a->dev) {
		free(a);
		return NULL;
	}
	SDL_PauseAudioDevice(a->dev, 0);
	return a;
}

void audio_close(audio *a)
{
	if (!a)
		return;
	SDL_CloseAudioDevice(a->dev);
	free(a);
}

static void add_panned(audio *a, enum wave w, double f0, double f1, double dur, double delay, double amp,
                       double decay, double pan)
{
	for (int k = 0; k < VOICES; k++)
		if (!a->v[k].on) {
			a->v[k] = (voice){true, w, f0, f1, dur, 0, delay, amp, decay, 0, 12345u + (unsigned)k, pan};
			return;
		}
}

static void add(audio *a, enum wave w, double f0, double f1, double dur, double delay, double amp,
                double decay)
{
	add_panned(a, w, f0, f1, dur, delay, amp, decay, 0);
}

void audio_sonify(audio *a, const son_frame *f)
{
	if (!a)
		return;
	SDL_LockAudioDevice(a->dev);
	son_synth_set(&a->son, f);
	SDL_UnlockAudioDevice(a->dev);
}

void audio_play(audio *a, enum sound_cue cue, enum sound_palette p)
{
	if (!a)
		return;
	static const struct {
		enum wave wave;
		double base_hz, decay, slide; /* slide: f1 = f0·slide */
	} pal[PALETTE_COUNT] = {
		[PALETTE_BELL] = {W_SINE, 880, 6, 1.0},
		[PALETTE_SNOW] = {W_TRIANGLE, 660, 5, 1.0},
		[PALETTE_WATER] = {W_SINE, 700, 9, 0.55},
		[PALETTE_FLUTE] = {W_TRIANGLE, 523, 3, 1.0},
		[PALETTE_WOOD] = {W_TRIANGLE, 330, 18, 0.9},
	};
	double f = pal[p].base_hz, d = pal[p].decay, sl = pal[p].slide;
	enum wave w = pal[p].wave;
	SDL_LockAudioDevice(a->dev);
	switch (cue) {
	case SOUND_TARGET:
		add(a, w, f * 0.75, f * 0.75 * sl, 0.12, 0, 0.10, d);
		break;
	case SOUND_HIT:
		add(a, w, f, f * sl, 0.35, 0, 0.22, d);
		add(a, w, f * 1.26, f * 1.26 * sl, 0.45, 0.09, 0.22, d);
		if (p == PALETTE_SNOW)
			add(a, W_NOISE, 1, 1, 0.18, 0, 0.05, 12);
		if (p == PALETTE_WOOD)
			add(a, W_NOISE, 1, 1, 0.05, 0, 0.15, 40);
		break;
	case SOUND_MISS:
		add(a, W_SINE, f * 0.4, f * 0.33, 0.40, 0, 0.18, 4);
		break;
	case SOUND_LEVEL_UP:
		for (int i = 0; i < 3; i++)
			add(a, w, f * (i == 0 ? 1 : i == 1 ? 1.26 : 1.5), f * sl, 0.4, 0.11 * i, 0.2, d * 0.6);
		break;
	case SOUND_LEVEL_DOWN:
		add(a, w, f * 0.75, f * 0.75, 0.3, 0, 0.16, d * 0.6);
		add(a, w, f * 0.6, f * 0.6, 0.4, 0.14, 0.16, d * 0.6);
		break;
	case SOUND_PAUSE:
		add(a, W_SINE, 392, 392, 0.25, 0, 0.15, 3);
		add(a, W_SINE, 330, 330, 0.35, 0.2, 0.15, 3);
		break;
	case SOUND_FINISH:
		for (int i = 0; i < 4; i++)
			add(a, w, f * (i == 0 ? 1 : i == 1 ? 1.26 : i == 2 ? 1.5 : 2), f * 2 * sl, 0.6, 0.13 * i, 0.18, d * 0.4);
		break;
	case SOUND_START: /* two rising notes: "here we go" */
		add(a, w, f * 0.75, f * 0.75 * sl, 0.3, 0, 0.18, d * 0.6);
		add(a, w, f, f * sl, 0.45, 0.16, 0.2, d * 0.6);
		break;
	case SOUND_CUE_LEFT:
	case SOUND_CUE_CENTRE:
	case SOUND_CUE_RIGHT: {
		/* A call from where the head should turn: fully to that side. */
		double pan = cue == SOUND_CUE_LEFT ? -1 : cue == SOUND_CUE_RIGHT ? 1 : 0;
		add_panned(a, W_SINE, 660, 660, 0.18, 0, 0.22, 4, pan);
		add_panned(a, W_SINE, cue == SOUND_CUE_CENTRE ? 660 : 880, cue == SOUND_CUE_CENTRE ? 660 : 880, 0.25,
		           0.2, 0.22, 4, pan);
		break;
	}
	case SOUND_PROMPT:
		add(a, W_TRIANGLE, 520, 520, 0.08, 0, 0.15, 25);
		add(a, W_TRIANGLE, 520, 520, 0.08, 0.12, 0.15, 25);
		break;
	case SOUND_RIGHT:
		add(a, W_SINE, 1320, 1320, 0.25, 0, 0.12, 8);
		break;
	case SOUND_WRONG:
		add(a, W_TRIANGLE, 180, 170, 0.25, 0, 0.12, 6);
		break;
	}
	SDL_UnlockAudioDevice(a->dev);
}

enum sound_palette audio_palette_for(const char *id)
{
	static const char *const ids[PALETTE_COUNT] = {"reach", "slalom", "stillwater", "tracking", "maze"};
	for (int i = 0; i < PALETTE_COUNT; i++)
		if (strcmp(id, ids[i]) == 0)
			return (enum sound_palette)i;
	return PALETTE_BELL;
}
