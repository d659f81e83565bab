#include "core/fft.h"

#include <math.h>
#include <stdint.h>

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

void fft_twiddles(double *tw, size_t n)
{
	for (size_t k = 0; k < n / 2; k++) {
		double a = 2.0 * M_PI * (double)k / (double)n;
		tw[2 * k] = cos(a);
		tw[2 * k + 1] = sin(a);
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

void fft_run(double *re, double *im, size_t n, const double *tw, bool inverse)
{
	if (n < 2)
		return;
	bit_reverse(re, im, n);
	double sign = inverse ? 1.0 : -1.0;
	for (size_t len = 2; len <= n; len <<= 1) {
		size_t half = len / 2, stride = n / len;
		for (size_t start = 0; start < n; start += len) {
			for (size_t k = 0; k < half; k++) {
				double wr = tw[2 * k * stride], wi = sign * tw[2 * k * stride + 1];
				size_t a = start + k, b = a + half;
				double xr = re[b] * wr - im[b] * wi;
				double xi = re[b] * wi + im[b] * wr;
				re[b] = re[a] - xr;
				im[b] = im[a] - xi;
				re[a] += xr;
				im[a] += xi;
			}
		}
	}
}
