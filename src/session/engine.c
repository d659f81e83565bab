#include "session/engine.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define SES_BATCH 256     /* frames per source read */
#define RATE_WINDOW_US 1000000
#define RATE_STALE_US 1000000 /* no frame for this long: the rate reads 0 */

struct ses_engine {
	ses_source *src;
	pipeline *pl;
	ses_cfg cfg;
	enum ses_state state;
	int lost_err;
	ses_consumer *cons[SES_MAX_CONSUMERS];
	size_t n_cons;
	poise_frame frames[SES_BATCH];
	cop_sample *samples; /* pl_max_out() long */
	/* Watchdog and measured rate. */
	mono_us last_frame_host_us;
	uint64_t rate_frames;
	mono_us rate_t0_us;
	double rate_hz;
	ses_stats stats;
	bool delivering;     /* inside deliver(): attach starts with the next sample */
};

const char *ses_note_name(enum ses_note n)
{
	switch (n) {
	case SES_NOTE_NO_DATA:
		return "no-data";
	case SES_NOTE_DATA_BACK:
		return "data-back";
	case SES_NOTE_LOST:
		return "device-lost";
	case SES_NOTE_BACK:
		return "device-back";
	}
	return "note";
}

static mono_us clock_now(void *ctx)
{
	(void)ctx;
	return dev_now_us();
}

void ses_cfg_default(ses_cfg *cfg, const dev_info *info)
{
	memset(cfg, 0, sizeof *cfg);
	dev_pipeline_cfg(info, &cfg->pipeline);
	cfg->no_data_s = 2.0;
}

int ses_create(ses_engine **out, ses_source *src, const ses_cfg *cfg)
{
	if (!out || !src || !cfg || !(cfg->no_data_s > 0))
		return POISE_E_INVALID;
	ses_engine *e = calloc(1, sizeof *e);
	if (!e)
		return POISE_E_NOMEM;
	e->cfg = *cfg;
	if (!e->cfg.now_us)
		e->cfg.now_us = clock_now;
	int rc = pl_create(&e->pl, &cfg->pipeline);
	if (rc == POISE_OK) {
		e->samples = calloc(pl_max_out(e->pl), sizeof *e->samples);
		if (!e->samples)
			rc = POISE_E_NOMEM;
	}
	if (rc) {
		pl_destroy(e->pl);
		free(e);
		return rc;
	}
	e->src = src;
	*out = e;
	return POISE_OK;
}

void ses_destroy(ses_engine *e)
{
	if (!e)
		return;
	ses_stop(e);
	for (size_t i = 0; i < e->n_cons; i++)
		e->cons[i]->engine = NULL;
	ses_source_destroy(e->src);
	pl_destroy(e->pl);
	free(e->samples);
	free(e);
}

static mono_us now(const ses_engine *e)
{
	return e->cfg.now_us(e->cfg.now_ctx);
}

int ses_start(ses_engine *e)
{
	if (e->state != SES_IDLE)
		return POISE_E_STATE;
	int rc = e->src->ops->start(e->src);
	if (rc)
		return rc;
	e->state = SES_RUNNING;
	e->last_frame_host_us = now(e);
	return POISE_OK;
}

void ses_stop(ses_engine *e)
{
	if (e->state == SES_IDLE || e->state == SES_STOPPED)
		return;
	e->src->ops->stop(e->src);
	e->state = SES_STOPPED;
}

int ses_attach(ses_engine *e, ses_consumer *c)
{
	if (!c || !c->ops || !c->ops->sample)
		return POISE_E_INVALID;
	if (c->engine)
		return POISE_E_STATE;
	if (e->n_cons == SES_MAX_CONSUMERS)
		return POISE_E_RANGE;
	e->cons[e->n_cons++] = c;
	c->engine = e;
	c->err = POISE_OK;
	c->from = e->stats.samples + (e->delivering ? 1 : 0);
	return POISE_OK;
}

void ses_detach(ses_engine *e, ses_consumer *c)
{
	for (size_t i = 0; i < e->n_cons; i++) {
		if (e->cons[i] != c)
			continue;
		memmove(&e->cons[i], &e->cons[i + 1], (e->n_cons - i - 1) * sizeof e->cons[0]);
		e->n_cons--;
		c->engine = NULL;
		return;
	}
}

/* A consumer failed: it leaves the road, its error stays with it. */
static void drop(ses_engine *e, ses_consumer *c, int err)
{
	ses_detach(e, c);
	c->err = err;
}

/* Hands s to every consumer in order. A consumer may detach itself or a
 * later one (or attach another) from inside sample(): the loop follows the
 * list as it is after each call. */
static void deliver(ses_engine *e, const cop_sample *s)
{
	e->delivering = true;
	for (size_t i = 0; i < e->n_cons;) {
		ses_consumer *c = e->cons[i];
		int rc = c->from <= e->stats.samples ? c->ops->sample(c, s) : POISE_OK;
		if (rc)
			drop(e, c, rc);
		if (i < e->n_cons && e->cons[i] == c)
			i++;
	}
	e->delivering = false;
	e->stats.samples++;
}

static void notify(ses_engine *e, enum ses_note what, int err)
{
	mono_us t = now(e);
	for (size_t i = 0; i < e->n_cons;) {
		ses_consumer *c = e->cons[i];
		int rc = c->ops->note ? c->ops->note(c, what, t, err) : POISE_OK;
		if (rc)
			drop(e, c, rc);
		if (i < e->n_cons && e->cons[i] == c)
			i++;
	}
}

/* The measured rate: frames counted over at least a second of the
 * device's own clock. */
static void count_rate(ses_engine *e, const poise_frame *f)
{
	if (e->rate_frames == 0 || f->t_us < e->rate_t0_us) {
		e->rate_t0_us = f->t_us;
		e->rate_frames = 0;
	} else if (f->t_us - e->rate_t0_us >= RATE_WINDOW_US) {
		e->rate_hz = (double)e->rate_frames * 1e6 / (double)(f->t_us - e->rate_t0_us);
		e->rate_frames = 0;
		e->rate_t0_us = f->t_us;
	}
	e->rate_frames++;
}

static void watch(ses_engine *e, size_t n_frames)
{
	mono_us t = now(e);
	if (n_frames > 0) {
		e->last_frame_host_us = t;
		if (e->state == SES_NO_DATA) {
			e->state = SES_RUNNING;
			notify(e, SES_NOTE_DATA_BACK, POISE_OK);
		}
		return;
	}
	mono_us quiet = t > e->last_frame_host_us ? t - e->last_frame_host_us : 0;
	if (quiet >= RATE_STALE_US) {
		e->rate_hz = 0;
		e->rate_frames = 0;
	}
	if (e->state == SES_RUNNING && (double)quiet >= e->cfg.no_data_s * 1e6) {
		e->state = SES_NO_DATA;
		notify(e, SES_NOTE_NO_DATA, POISE_OK);
	}
}

int ses_pump(ses_engine *e, int wait_ms, size_t max_frames, size_t *n_samples)
{
	size_t delivered0 = (size_t)e->stats.samples;
	if (n_samples)
		*n_samples = 0;
	if (e->state == SES_IDLE || e->state == SES_STOPPED)
		return POISE_E_STATE;
	if (e->state == SES_LOST)
		return e->lost_err;
	size_t total = 0;
	int rc = POISE_OK;
	while (total < max_frames) {
		size_t want = max_frames - total < SES_BATCH ? max_frames - total : SES_BATCH;
		size_t n = 0;
		rc = e->src->ops->read(e->src, e->frames, want, &n, total == 0 ? wait_ms : 0);
		for (size_t i = 0; i < n; i++) {
			count_rate(e, &e->frames[i]);
			size_t m = pl_push(e->pl, &e->frames[i], e->samples);
			for (size_t k = 0; k < m; k++)
				deliver(e, &e->samples[k]);
		}
		total += n;
		e->stats.frames += n;
		if (rc != POISE_OK || n < want)
			break;
	}
	watch(e, total);
	if (n_samples)
		*n_samples = (size_t)e->stats.samples - delivered0;
	if (rc != POISE_OK) {
		e->state = SES_LOST;
		e->lost_err = rc;
		e->rate_hz = 0;
		e->rate_frames = 0;
		notify(e, SES_NOTE_LOST, rc);
	}
	return rc;
}

int ses_reconnect(ses_engine *e, const dev_open_cfg *cfg)
{
	if (e->state != SES_LOST)
		return POISE_E_STATE;
	if (!e->src->ops->reconnect)
		return POISE_E_UNSUPPORTED;
	int rc = e->src->ops->reconnect(e->src, cfg);
	if (rc)
		return rc;
	e->state = SES_RUNNING;
	e->lost_err = POISE_OK;
	e->last_frame_host_us = now(e);
	notify(e, SES_NOTE_BACK, POISE_OK);
	return POISE_OK;
}

enum ses_state ses_state(const ses_engine *e, int *err)
{
	if (err)
		*err = e->state == SES_LOST ? e->lost_err : POISE_OK;
	return e->state;
}

const dev_info *ses_device(const ses_engine *e)
{
	return &e->src->info;
}

double ses_rate_hz(const ses_engine *e)
{
	return e->state == SES_RUNNING ? e->rate_hz : 0;
}

double ses_sample_rate_hz(const ses_engine *e)
{
	return e->cfg.pipeline.out_rate_hz;
}

pipeline *ses_pipeline(ses_engine *e)
{
	return e->pl;
}

bool ses_simulated(const ses_engine *e)
{
	return strcmp(e->src->info.backend, "sim") == 0;
}

bool ses_can_steer(const ses_engine *e)
{
	return e->src->d && e->src->d->ops->steer;
}

void ses_steer(ses_engine *e, const dev_steer *st)
{
	if (ses_can_steer(e))
		e->src->d->ops->steer(e->src->d, st);
}

void ses_pose(ses_engine *e, const dev_pose *p)
{
	if (e->src->d && e->src->d->ops->pose)
		e->src->d->ops->pose(e->src->d, p);
}

void ses_stats_get(const ses_engine *e, ses_stats *out)
{
	*out = e->stats;
	out->overflows = e->src->ops->overflows ? e->src->ops->overflows(e->src) : 0;
	out->dropped = pl_dropped_frames(e->pl);
}
