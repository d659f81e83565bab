#include "core/clkmap.h"

#include <math.h>
#include <string.h>

void clkmap_init(clkmap *c, double block_s, double max_drift_ppm)
{
	memset(c, 0, sizeof *c);
	c->block_us = block_s > 0 ? block_s * 1e6 : 1e6;
	c->max_slope = fabs(max_drift_ppm) * 1e-6;
}

static void refit(clkmap *c)
{
	unsigned n = c->n;
	double md = 0, mo = 0;
	for (unsigned i = 0; i < n; i++) {
		md += c->bd[i];
		mo += c->bo[i];
	}
	md /= n;
	mo /= n;
	double sxx = 0, sxy = 0;
	for (unsigned i = 0; i < n; i++) {
		sxx += (c->bd[i] - md) * (c->bd[i] - md);
		sxy += (c->bd[i] - md) * (c->bo[i] - mo);
	}
	double b = sxx > 0 ? sxy / sxx : 0;
	if (b > c->max_slope)
		b = c->max_slope;
	if (b < -c->max_slope)
		b = -c->max_slope;
	/* For a clamped slope, the best intercept is the mean residual. */
	double a = 0;
	for (unsigned i = 0; i < n; i++)
		a += c->bo[i] - b * (c->bd[i] - md);
	a /= n;
	c->a = a;
	c->b = b;
	c->dref = md;
	c->fitted = true;
}

static void close_block(clkmap *c)
{
	unsigned i = c->n < CLKMAP_BLOCKS ? c->n : c->head;
	c->bd[i] = c->blk_min_d;
	c->bo[i] = c->blk_min_off;
	if (c->n < CLKMAP_BLOCKS)
		c->n++;
	else
		c->head = (c->head + 1) % CLKMAP_BLOCKS;
	c->blk_any = false;
	if (c->n >= 2)
		refit(c);
}

void clkmap_add(clkmap *c, uint64_t dev_us, mono_us host_us)
{
	if (c->have_ref && dev_us < c->dev_last) {
		double block_s = c->block_us / 1e6, ppm = c->max_slope * 1e6;
		clkmap_init(c, block_s, ppm);
	}
	if (!c->have_ref) {
		c->have_ref = true;
		c->dev0 = dev_us;
		c->host0 = host_us;
		c->run_min_off = INFINITY;
	}
	c->dev_last = dev_us;
	double d = (double)(dev_us - c->dev0);
	double off = (double)(int64_t)(host_us - c->host0) - d;
	if (c->blk_any && d - c->blk_start >= c->block_us)
		close_block(c);
	if (!c->blk_any) {
		c->blk_any = true;
		c->blk_start = d;
		c->blk_min_off = off;
		c->blk_min_d = d;
	} else if (off < c->blk_min_off) {
		c->blk_min_off = off;
		c->blk_min_d = d;
	}
	if (off < c->run_min_off)
		c->run_min_off = off;
}

mono_us clkmap_map(const clkmap *c, uint64_t dev_us)
{
	if (!c->have_ref)
		return 0;
	double d = (double)(int64_t)(dev_us - c->dev0);
	double off = c->fitted ? c->a + c->b * (d - c->dref) : c->run_min_off;
	double t = (double)c->host0 + d + off;
	return t <= 0 ? 0 : (mono_us)llround(t);
}

double clkmap_drift_ppm(const clkmap *c)
{
	return c->fitted ? c->b * 1e6 : 0;
}
