/* Poise: a small, fast, seedable random number generator (xoshiro256**,
 * Blackman & Vigna 2018) for the simulated plate and game logic. The same
 * seed gives the same sequence on every machine. Plain struct: each user
 * owns its own generator (gameplay and UI never share one).
 */
#ifndef POISE_CORE_RNG_H
#define POISE_CORE_RNG_H

#include <stdint.h>

typedef struct rng {
	uint64_t s[4];
	double spare;   /* second normal deviate of the last Box–Muller pair */
	int has_spare;
} rng;

/* Seeds the generator (any value, 0 included) through SplitMix64. */
void rng_seed(rng *r, uint64_t seed);

/* Next 64 random bits. */
uint64_t rng_u64(rng *r);

/* Uniform in [0, 1), 53 bits. */
double rng_uniform(rng *r);

/* Standard normal deviate (Box–Muller, polar form avoided for
 * reproducibility: exactly two uniforms per pair). */
double rng_normal(rng *r);

#endif
