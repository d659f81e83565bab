#include "session/record.h"

#include <stdlib.h>

#include "core/error.h"

struct ses_record {
	ses_consumer base;
	ses_record_cfg cfg;
	ses_writer *w;
	enum ses_record_phase phase;
	enum ses_record_end end;
	bool interrupted;
	int dev_err;
	bool have_t0;
	mono_us t0_us;         /* the trial's first sample */
	bool have_wait0;
	mono_us wait0_host_us; /* the first tick */
	bool have_first;
	mono_us first_us;      /* the first sample seen (waiting in sample time) */
};

static void done(ses_record *r, enum ses_record_end why)
{
	if (r->phase == SES_REC_DONE)
		return;
	r->phase = SES_REC_DONE;
	r->end = why;
}

static int record_sample(ses_consumer *c, const cop_sample *s)
{
	ses_record *r = (ses_record *)c;
	if (r->phase == SES_REC_DONE)
		return POISE_OK;
	if (ses_writer_push(r->w, s) != POISE_OK) {
		done(r, SES_REC_END_WRITE_FAILED);
		return POISE_OK;
	}
	if (!ses_writer_begun(r->w)) { /* still waiting for somebody on the plate */
		if (!r->have_first) {
			r->have_first = true;
			r->first_us = s->t_us;
		}
		/* In sample time too: a fast simulated plate outruns the clock. */
		if ((double)(s->t_us - r->first_us) / 1e6 >= r->cfg.wait_s)
			done(r, SES_REC_END_NOBODY);
		return POISE_OK;
	}
	if (!r->have_t0) {
		r->have_t0 = true;
		r->t0_us = s->t_us;
		r->phase = SES_REC_RECORDING;
	}
	if (s->flags & SAMPLE_STEP_OFF)
		done(r, SES_REC_END_STEPPED_OFF);
	else if ((double)(s->t_us - r->t0_us) / 1e6 >= r->cfg.seconds - 1e-9)
		done(r, SES_REC_END_COMPLETE);
	return POISE_OK;
}

static int record_note(ses_consumer *c, enum ses_note what, mono_us t_us, int err)
{
	ses_record *r = (ses_record *)c;
	if (r->phase == SES_REC_DONE)
		return POISE_OK;
	ses_writer_consumer(r->w)->ops->note(ses_writer_consumer(r->w), what, t_us, err);
	if (what == SES_NOTE_LOST) {
		r->dev_err = err;
		done(r, SES_REC_END_DEVICE_LOST);
	} else if (what == SES_NOTE_NO_DATA && r->phase == SES_REC_RECORDING) {
		done(r, SES_REC_END_NO_DATA);
	}
	return POISE_OK;
}

static const struct ses_consumer_ops record_ops = {
	.name = "record",
	.sample = record_sample,
	.note = record_note,
};

int ses_record_create(ses_record **out, const ses_record_cfg *cfg)
{
	if (!out || !cfg || !(cfg->seconds > 0) || !(cfg->wait_s > 0))
		return POISE_E_INVALID;
	ses_record *r = calloc(1, sizeof *r);
	if (!r)
		return POISE_E_NOMEM;
	r->cfg = *cfg;
	ses_writer_cfg wc = cfg->writer;
	wc.wait_for_plate = true;
	int rc = ses_writer_create(&r->w, &wc);
	if (rc) {
		free(r);
		return rc;
	}
	r->base.ops = &record_ops;
	*out = r;
	return POISE_OK;
}

void ses_record_destroy(ses_record *r)
{
	if (!r)
		return;
	ses_writer_destroy(r->w);
	free(r);
}

ses_consumer *ses_record_consumer(ses_record *r)
{
	return &r->base;
}

void ses_record_tick(ses_record *r, mono_us now_us)
{
	if (!r->have_wait0) {
		r->have_wait0 = true;
		r->wait0_host_us = now_us;
	}
	if (r->phase == SES_REC_WAITING && (double)(now_us - r->wait0_host_us) / 1e6 >= r->cfg.wait_s)
		done(r, SES_REC_END_NOBODY);
}

void ses_record_interrupt(ses_record *r)
{
	if (r->phase == SES_REC_DONE)
		return;
	r->interrupted = true;
	done(r, ses_writer_begun(r->w) ? SES_REC_END_NONE : SES_REC_END_NOBODY);
}

enum ses_record_phase ses_record_phase(const ses_record *r)
{
	return r->phase;
}

enum ses_record_end ses_record_end_reason(const ses_record *r)
{
	return r->end;
}

int ses_record_device_error(const ses_record *r)
{
	return r->dev_err;
}

enum store_status ses_record_status(const ses_record *r)
{
	if (r->interrupted || r->end == SES_REC_END_WRITE_FAILED)
		return STORE_ABORTED;
	switch (r->end) {
	case SES_REC_END_COMPLETE:
		return STORE_COMPLETE;
	case SES_REC_END_STEPPED_OFF:
		return STORE_STEPPED_OFF;
	case SES_REC_END_DEVICE_LOST:
	case SES_REC_END_NO_DATA:
		return STORE_DEVICE_LOST;
	default:
		return STORE_ABORTED;
	}
}

int ses_record_finish(ses_record *r, met_static *m, bool *have)
{
	if (have)
		*have = false;
	if (!ses_writer_begun(r->w))
		return POISE_E_STATE;
	done(r, SES_REC_END_NONE);
	return ses_writer_end(r->w, ses_record_status(r), m, have);
}

ses_writer *ses_record_writer(ses_record *r)
{
	return r->w;
}
