#include "core/fft.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

bool fft_is_pow2(size_t n)
{
	return n && !(n & (n - 1));
}

size_t fft_next_pow2(size_t n)
{
	size_t p = 1;
	while (p < n) {
		if (p > SIZE_MAX / 2)
			return 0;
		p <<= 1;
	}
	return p;
}

size_t fft_twiddles_len(size_t n)
{
	return 2 * n;
}

/* The table of the stage whose butterflies span half points: cosines at
 * [0, half), sines at [half, 2·half). */
static const double *stage_table(const double *tw, size_t half)
{
	return tw + 2 * (half - 1);
}

void fft_twiddles(double *tw, size_t n)
{
	for (size_t half = 1; half <= n / 2; half <<= 1) {
		double *c = tw + 2 * (half - 1), *s = c + half;
		size_t stride = n / (2 * half);
		for (size_t k = 0; k < half; k++) {
			/* The angle of 2π·(k·stride)/n written as it always was, so
			 * every stage uses the very same numbers. */
			double a = 2.0 * M_PI * (double)(k * stride) / (double)n;
			c[k] = cos(a);
			s[k] = sin(a);
		}
	}
}

static void bit_reverse(double *re, double *im, size_t n)
{
	for (size_t i = 1, j = 0; i < n; i++) {
		size_t bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j |= bit;
		if (i < j) {
			double t = re[i];
			re[i] = re[j];
			re[j] = t;
			t = im[i];
			im[i] = im[j];
			im[j] = t;
		}
	}
}

/* Two lanes of doubles: the butterflies of two neighbouring k at once.
 * Each lane does exactly the scalar operations, so the numbers are the
 * same; the compiler maps it to SSE2/NEON or to scalar code. */
typedef double v2d __attribute__((vector_size(2 * sizeof(double))));

static inline v2d ld2(const double *p)
{
	v2d v;
	memcpy(&v, p, sizeof v);
	return v;
}

static inline void st2(double *p, v2d v)
{
	memcpy(p, &v, sizeof v);
}

/* Butterflies (a + k, b + k) ← (a + w·b, a − w·b) for k < count, with
 * w = (wc[k], sign·ws[k]). */
static void butterflies(double *re, double *im, size_t a, size_t b, size_t count,
                        const double *wc, const double *ws, double sign)
{
	size_t k = 0;
	v2d sg = {sign, sign};
	for (; k + 2 <= count; k += 2) {
		v2d wr = ld2(wc + k), wi = sg * ld2(ws + k);
		v2d br = ld2(re + b + k), bi = ld2(im + b + k);
		v2d xr = br * wr - bi * wi;
		v2d xi = br * wi + bi * wr;
		v2d ar = ld2(re + a + k), ai = ld2(im + a + k);
		st2(re + b + k, ar - xr);
		st2(im + b + k, ai - xi);
		st2(re + a + k, ar + xr);
		st2(im + a + k, ai + xi);
	}
	for (; k < count; k++) {
		double wr = wc[k], wi = sign * ws[k];
		double xr = re[b + k] * wr - im[b + k] * wi;
		double xi = re[b + k] * wi + im[b + k] * wr;
		re[b + k] = re[a + k] - xr;
		im[b + k] = im[a + k] - xi;
		re[a + k] += xr;
		im[a + k] += xi;
	}
}

/* The stages with blocks of len_from … n points (radix 2, decimation in
 * time). Where blocks are small the stages run two at a time (the second
 * while the first's block is still in the cache); the butterflies and
 * their order per point are those of one stage at a time. */
static void run_stages(double *re, double *im, size_t n, size_t len_from, const double *tw,
                       bool inverse)
{
	double sign = inverse ? 1.0 : -1.0;
	for (size_t len = len_from; len <= n; len <<= 1) {
		size_t half = len / 2;
		const double *c = stage_table(tw, half), *s = c + half;
		if (len * 2 <= n && half >= 2) { /* this stage and the next, block by block */
			const double *c2 = stage_table(tw, len), *s2 = c2 + len;
			for (size_t start = 0; start < n; start += 2 * len) {
				butterflies(re, im, start, start + half, half, c, s, sign);
				butterflies(re, im, start + len, start + len + half, half, c, s, sign);
				butterflies(re, im, start, start + len, len, c2, s2, sign);
			}
			len <<= 1;
			continue;
		}
		for (size_t start = 0; start < n; start += len)
			butterflies(re, im, start, start + half, half, c, s, sign);
	}
}

void fft_run(double *re, double *im, size_t n, const double *tw, bool inverse)
{
	if (n < 2)
		return;
	bit_reverse(re, im, n);
	run_stages(re, im, n, 2, tw, inverse);
}

void fft_run_padded(double *re, double *im, size_t n, size_t m, const double *tw, bool inverse)
{
	size_t q = fft_next_pow2(m ? m : 1);
	if (n < 2 || q * 2 > n) {
		fft_run(re, im, n, tw, inverse);
		return;
	}
	/* After bit reversal, each block of p = n/q points of the first
	 * log2(p) stages holds one input that may be non-zero (x[j], j < q)
	 * and zeros: its transform is x[j] in every point. So those stages are
	 * a fill: block b takes x[rev(b)], rev over log2(q) bits. */
	size_t p = n / q;
	bit_reverse(re, im, q);
	for (size_t b = q; b-- > 0;) {
		double vr = re[b], vi = im[b];
		for (size_t i = 0; i < p; i++) {
			re[b * p + i] = vr;
			im[b * p + i] = vi;
		}
	}
	run_stages(re, im, n, 2 * p, tw, inverse);
}
