/* Poise: a small radix-2 fast Fourier transform for the offline measures
 * (Welch spectra in core/psd, the diffusion plot in core/sda).
 *
 * Iterative Cooley–Tukey (decimation in time, bit-reversed input order) on
 * split real and imaginary arrays. The caller owns every buffer; nothing is
 * allocated here, so a spectrum of many segments takes its memory once.
 */
#ifndef POISE_CORE_FFT_H
#define POISE_CORE_FFT_H

#include <stdbool.h>
#include <stddef.h>

/* True when n is a power of two (1, 2, 4, …). */
bool fft_is_pow2(size_t n);

/* The smallest power of two ≥ n (n ≥ 1); 0 if that would overflow. */
size_t fft_next_pow2(size_t n);

/* Doubles of the twiddle table for transforms of length n: 2n. */
size_t fft_twiddles_len(size_t n);

/* Fills the twiddle table for transforms of length n (a power of two ≥ 2),
 * fft_twiddles_len(n) doubles: per stage, its butterflies' cos(2πk/len)
 * then sin(2πk/len), k < len/2, one contiguous run per stage. */
void fft_twiddles(double *tw, size_t n);

/* In-place transform of (re, im)[0..n): X[k] = Σ x[j]·e^(∓2πi·jk/n), the
 * minus sign for the forward transform (inverse = false), plus for the
 * inverse, which is not scaled (divide by n yourself). n must be a power of
 * two and tw the table from fft_twiddles(tw, n). */
void fft_run(double *re, double *im, size_t n, const double *tw, bool inverse);

/* fft_run() of a zero-padded signal: (re, im)[m..q) must be zero, where
 * q is the power of two ≥ m; points from q on are not read (only
 * written), so they need not be cleared. Skips
 * the first log2(n/q) stages (q the power of two ≥ m), whose blocks hold
 * one non-zero point each, so a segment padded 16-fold costs 10 stages of
 * 14. Same result as fft_run() up to rounding (the skipped stages only
 * multiplied by 1 and added 0). */
void fft_run_padded(double *re, double *im, size_t n, size_t m, const double *tw, bool inverse);

#endif
