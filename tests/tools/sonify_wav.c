/* Renders the sonified centre of pressure for a scripted COP path into a
 * 16-bit stereo WAV, so the mapping can be heard and measured (sox FILE -n
 * stat; one position per second):
 *   0 s centre · 1 s forward 0.5 LOS · 2 s back 0.5 LOS · 3 s right 1 LOS
 *   4 s left 1 LOS · 5 s forward 0.25 with a target at forward 0.5
 *   6 s on that target · 7 s off the plate (silence)
 * The mapping is updated per COP sample (100 Hz) as in the app.
 * usage: sonify_wav OUT.wav */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sonify.h"

#define RATE 44100
#define COP_HZ 100

static void put_le(FILE *f, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		fputc((int)((v >> (8 * i)) & 0xff), f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sonify_wav OUT.wav\n");
		return 2;
	}
	static const double path[8][4] = {
		{0, 0, NAN, NAN}, {0, 0.5, NAN, NAN}, {0, -0.5, NAN, NAN}, {1, 0, NAN, NAN},
		{-1, 0, NAN, NAN}, {0, 0.25, 0, 0.5}, {0, 0.5, 0, 0.5}, {NAN, NAN, NAN, NAN},
	};
	const size_t per_cop = RATE / COP_HZ, n_cop = 8 * COP_HZ;
	size_t n = n_cop * per_cop;
	float *buf = calloc(2 * n, sizeof *buf);
	int16_t *pcm = malloc(2 * n * sizeof *pcm);
	if (!buf || !pcm)
		return 1;
	son_synth s;
	son_synth_init(&s, RATE);
	for (size_t k = 0; k < n_cop; k++) {
		const double *p = path[k / COP_HZ];
		/* a little sway around each position, as a real COP has */
		double t = (double)k / COP_HZ, wob = 0.01 * sin(2 * M_PI * 0.7 * t);
		son_frame fr;
		son_map(p[0] + wob, p[1] + wob, p[2], p[3], &fr);
		son_synth_set(&s, &fr);
		son_synth_render(&s, buf + 2 * k * per_cop, per_cop);
	}
	for (size_t i = 0; i < 2 * n; i++)
		pcm[i] = (int16_t)lrint(fmax(-1, fmin(1, buf[i])) * 32767);
	FILE *f = fopen(argv[1], "wb");
	if (!f)
		return 1;
	uint32_t data = (uint32_t)(2 * n * sizeof *pcm);
	fwrite("RIFF", 1, 4, f);
	put_le(f, 36 + data, 4);
	fwrite("WAVEfmt ", 1, 8, f);
	put_le(f, 16, 4);
	put_le(f, 1, 2); /* PCM */
	put_le(f, 2, 2);
	put_le(f, RATE, 4);
	put_le(f, RATE * 4, 4);
	put_le(f, 4, 2);
	put_le(f, 16, 2);
	fwrite("data", 1, 4, f);
	put_le(f, data, 4);
	fwrite(pcm, sizeof *pcm, 2 * n, f);
	int rc = fclose(f) == 0 ? 0 : 1;
	free(buf);
	free(pcm);
	return rc;
}
