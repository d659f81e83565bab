#include "session/history.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"

struct ses_history {
	ses_consumer base;
	ses_point *pts;
	size_t cap, head, count;
	uint64_t total;
	double fz_n;
	uint32_t flags;
};

static int history_sample(ses_consumer *c, const cop_sample *s)
{
	ses_history *h = (ses_history *)c;
	bool valid = (s->flags & SAMPLE_ON_PLATE) && !(s->flags & SAMPLE_NO_COP) &&
	             isfinite(s->xf_mm) && isfinite(s->yf_mm);
	bool cop = !(s->flags & SAMPLE_NO_COP) && isfinite(s->x_mm) && isfinite(s->y_mm);
	h->pts[h->head] = (ses_point){
		.t_us = s->t_us,
		.x_mm = valid ? (float)s->xf_mm : NAN,
		.y_mm = valid ? (float)s->yf_mm : NAN,
		.fz_n = (float)s->fz_n,
		.cx_mm = cop ? (float)s->x_mm : NAN,
		.cy_mm = cop ? (float)s->y_mm : NAN,
		.valid = valid,
	};
	h->head = (h->head + 1) % h->cap;
	if (h->count < h->cap)
		h->count++;
	h->total++;
	h->fz_n = s->fz_n;
	h->flags = s->flags;
	return POISE_OK;
}

static const struct ses_consumer_ops history_ops = {
	.name = "history",
	.sample = history_sample,
};

int ses_history_create(ses_history **out, double seconds, double rate_hz)
{
	if (!out || !(seconds > 0) || !(rate_hz > 0) || seconds * rate_hz > 1e7)
		return POISE_E_INVALID;
	ses_history *h = calloc(1, sizeof *h);
	if (!h)
		return POISE_E_NOMEM;
	h->cap = (size_t)ceil(seconds * rate_hz) + 1;
	h->pts = calloc(h->cap, sizeof *h->pts);
	if (!h->pts) {
		free(h);
		return POISE_E_NOMEM;
	}
	h->base.ops = &history_ops;
	*out = h;
	return POISE_OK;
}

void ses_history_destroy(ses_history *h)
{
	if (!h)
		return;
	free(h->pts);
	free(h);
}

ses_consumer *ses_history_consumer(ses_history *h)
{
	return &h->base;
}

void ses_history_clear(ses_history *h)
{
	h->head = h->count = 0;
	h->fz_n = 0;
	h->flags = 0;
}

size_t ses_history_count(const ses_history *h)
{
	return h->count;
}

const ses_point *ses_history_at(const ses_history *h, size_t i)
{
	return &h->pts[(h->head + h->cap - 1 - i) % h->cap];
}

uint64_t ses_history_total(const ses_history *h)
{
	return h->total;
}

double ses_history_fz_n(const ses_history *h)
{
	return h->fz_n;
}

uint32_t ses_history_flags(const ses_history *h)
{
	return h->flags;
}

bool ses_history_on_plate(const ses_history *h)
{
	return (h->flags & SAMPLE_ON_PLATE) != 0;
}
