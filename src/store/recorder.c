/* The trial recorder: batched inserts of COP samples into the database. */
#include "store/recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "store/store_impl.h"

typedef struct rec_event {
	int64_t t_us; /* since t0 */
	char kind[32];
	char detail[256];
} rec_event;

/* The WAL syncer: a thread that fdatasync()s the WAL file while the main
 * thread commits into it. It shares only atomics with the main thread. */
typedef struct syncer {
	pthread_t thread;
	bool running;
	int fd;
	double period_s;
	atomic_bool quit;
	atomic_bool dirty; /* a batch was committed since the last sync */
	atomic_uint_fast64_t syncs;
} syncer;

/* One batch of samples and events on its way to the database. */
typedef struct rec_batch {
	cop_sample *smp;
	size_t n;
	rec_event *ev;
	size_t n_ev;
	int64_t first_i; /* trial index of smp[0] */
} rec_batch;

/* Batches in flight: the one being filled, and up to REC_SLOTS − 1 handed
 * to the writer thread (1.4 s of 0.2 s batches before push() would wait). */
#define REC_SLOTS 8

struct store_rec {
	store *s;
	store_rec_cfg cfg;
	/* The writer's own connection to the file (NULL: batches are committed
	 * on the caller's thread through the store's connection) and its
	 * statements. */
	sqlite3 *wdb;
	sqlite3_stmt *ins_sample, *ins_event, *begin, *commit;
	rec_batch slot[REC_SLOTS];
	/* The queue, under mu: slots [q_head, q_head + q_len) (mod REC_SLOTS)
	 * are the writer's. The slot after them is the caller's, being filled:
	 * its index is kept apart in fill, which only the caller's thread
	 * touches, so that finding its batch never reads q_head and q_len
	 * while the writer moves them. */
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	size_t q_head, q_len;
	size_t fill;
	bool quit;
	pthread_t thread;
	bool thread_running;
	/* Written by whoever commits (under mu when the writer runs). */
	int w_err;            /* why the writer stopped; POISE_OK if it did not */
	char w_why[256];      /* SQLite's words for it */
	atomic_int w_err_seen;/* w_err, for push() to read without the lock */
	int64_t last_t_us;    /* newest committed sample, since t0 */
	bool have_sample;
	store_rec_stats stats;
	/* The caller's thread only. */
	bool active;
	int fail_err;      /* the error that stopped the trial, POISE_OK if none */
	int64_t trial_id;
	mono_us t0_us;
	int64_t next_i;    /* trial index of the next sample handed over */
	syncer sync;
};

void store_rec_cfg_default(store_rec_cfg *cfg)
{
	*cfg = (store_rec_cfg){.batch_s = 0.2, .max_samples = 4096, .max_events = 256,
	                       .min_metrics_s = 2.0, .sync_s = 1.0, .writer_thread = true};
	ana_cfg_default(&cfg->analysis);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The writer's connection: the same file, configured as the store's
 * (WAL is the file's; the rest is per connection). NULL if it cannot be
 * had: then the caller's thread commits. */
static sqlite3 *open_writer_db(store *s)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(db, 1);
	/* The caller's connection may hold the write lock for a moment (a
	 * trial's row); never fail on that. */
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db,
	                 "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
	                 " PRAGMA wal_autocheckpoint = 0; PRAGMA secure_delete = ON;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

int store_rec_create(store_rec **out, store *s, const store_rec_cfg *cfg)
{
	if (!out || !s)
		return POISE_E_INVALID;
	if (s->read_only)
		return store_fail(s, POISE_E_STATE, "cannot record: %s was opened read-only", s->path);
	store_rec_cfg c;
	if (cfg)
		c = *cfg;
	else
		store_rec_cfg_default(&c);
	if (!(c.batch_s > 0) || c.max_samples < 1 || c.max_events < 4 || !(c.sync_s >= 0))
		return store_fail(s, POISE_E_INVALID, "cannot record: bad recorder settings");
	store_rec *r = calloc(1, sizeof *r);
	if (!r)
		return POISE_E_NOMEM;
	r->s = s;
	r->cfg = c;
	int err = POISE_OK;
	for (size_t k = 0; k < REC_SLOTS && !err; k++) {
		r->slot[k].smp = malloc(c.max_samples * sizeof *r->slot[k].smp);
		r->slot[k].ev = malloc(c.max_events * sizeof *r->slot[k].ev);
		if (!r->slot[k].smp || !r->slot[k].ev)
			err = POISE_E_NOMEM;
	}
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->done, NULL);
	atomic_init(&r->w_err_seen, POISE_OK);
	if (!err && c.writer_thread)
		r->wdb = open_writer_db(s);
	sqlite3 *db = r->wdb ? r->wdb : s->db;
	static const char *const sql[] = {
		("INSERT INTO sample (trial_id, i, t_us, flags, cop_x_mm, cop_y_mm, fz_n,"
		 " f_tl_n, f_tr_n, f_bl_n, f_br_n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		"INSERT INTO event (trial_id, t_us, kind, detail) VALUES (?, ?, ?, ?)",
		"BEGIN",
		"COMMIT",
	};
	sqlite3_stmt **st[] = {&r->ins_sample, &r->ins_event, &r->begin, &r->commit};
	for (size_t i = 0; i < 4 && !err; i++) {
		int rc = sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, st[i], NULL);
		if (rc != SQLITE_OK)
			err = store_fail(s, store_sqlite_err(db, rc), "cannot prepare the recorder: %s",
			                 sqlite3_errmsg(db));
	}
	if (err) {
		store_rec_destroy(r);
		return err;
	}
	*out = r;
	return POISE_OK;
}

void store_rec_destroy(store_rec *r)
{
	if (!r)
		return;
	if (r->active)
		store_rec_end(r, STORE_ABORTED, NULL, NULL);
	sqlite3_finalize(r->ins_sample);
	sqlite3_finalize(r->ins_event);
	sqlite3_finalize(r->begin);
	sqlite3_finalize(r->commit);
	sqlite3_close(r->wdb);
	for (size_t k = 0; k < REC_SLOTS; k++) {
		free(r->slot[k].smp);
		free(r->slot[k].ev);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->done);
	free(r);
}

static void *sync_main(void *arg)
{
	syncer *y = arg;
	const long step_ns = 20 * 1000000L;
	while (!atomic_load(&y->quit)) {
		for (double waited = 0; waited < y->period_s && !atomic_load(&y->quit); waited += 0.02) {
			struct timespec ts = {0, step_ns};
			nanosleep(&ts, NULL);
		}
		if (atomic_exchange(&y->dirty, false) && fdatasync(y->fd) == 0)
			atomic_fetch_add(&y->syncs, 1);
	}
	return NULL;
}

/* Starts the syncer on the store's WAL file; without one (no WAL file,
 * no thread) the trial is still recorded, only synced at its end. */
static void sync_start(store_rec *r)
{
	syncer *y = &r->sync;
	y->running = false;
	if (!(r->cfg.sync_s > 0))
		return;
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", sqlite3_db_filename(r->s->db, "main"));
	/* The WAL holds no POSIX locks (SQLite locks the -shm file), so this
	 * descriptor can be closed without dropping SQLite's locks. */
	y->fd = open(wal, O_RDONLY | O_CLOEXEC);
	if (y->fd < 0)
		return;
	y->period_s = r->cfg.sync_s;
	atomic_init(&y->quit, false);
	atomic_init(&y->dirty, false);
	atomic_init(&y->syncs, 0);
	if (pthread_create(&y->thread, NULL, sync_main, y) != 0) {
		close(y->fd);
		return;
	}
	y->running = true;
}

static void sync_stop(store_rec *r)
{
	syncer *y = &r->sync;
	if (!y->running)
		return;
	atomic_store(&y->quit, true);
	pthread_join(y->thread, NULL);
	close(y->fd);
	y->running = false;
	r->stats.syncs = atomic_load(&y->syncs);
}

bool store_rec_active(const store_rec *r)
{
	return r && r->active;
}

int64_t store_rec_trial_id(const store_rec *r)
{
	return r->trial_id;
}

void store_rec_stats_get(const store_rec *r, store_rec_stats *out)
{
	pthread_mutex_lock((pthread_mutex_t *)&r->mu);
	*out = r->stats;
	pthread_mutex_unlock((pthread_mutex_t *)&r->mu);
}

static rec_batch *cur_batch(store_rec *r)
{
	return &r->slot[r->fill];
}

static int64_t rel_us(const store_rec *r, mono_us t_us)
{
	return (int64_t)(t_us - r->t0_us);
}

static void bind_cop(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* Steps one insert and resets it; SQLITE_DONE on success. */
static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc;
}

/* Writes batch b in one transaction on the recorder's connection (on the
 * writer thread, or the caller's without one). Returns SQLITE_DONE, or the
 * failing code with the transaction rolled back and SQLite's words in
 * r->w_why. Touches nothing of r but its statements and w_why. */
static int commit_batch(store_rec *r, const rec_batch *b)
{
	sqlite3 *db = r->wdb ? r->wdb : r->s->db;
	int rc = step_reset(r->begin);
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_stmt *st = r->ins_sample;
	sqlite3_bind_int64(st, 1, r->trial_id);
	for (size_t k = 0; k < b->n; k++) {
		const cop_sample *x = &b->smp[k];
		sqlite3_bind_int64(st, 2, b->first_i + (int64_t)k);
		sqlite3_bind_int64(st, 3, rel_us(r, x->t_us));
		sqlite3_bind_int64(st, 4, x->flags);
		bind_cop(st, 5, x->x_mm);
		bind_cop(st, 6, x->y_mm);
		sqlite3_bind_double(st, 7, x->fz_n);
		for (int c = 0; c < CELL_COUNT; c++)
			sqlite3_bind_double(st, 8 + c, x->force_n[c]);
		if ((rc = step_reset(st)) != SQLITE_DONE)
			goto fail;
	}
	st = r->ins_event;
	sqlite3_bind_int64(st, 1, r->trial_id);
	for (size_t k = 0; k < b->n_ev; k++) {
		sqlite3_bind_int64(st, 2, b->ev[k].t_us);
		sqlite3_bind_text(st, 3, b->ev[k].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, b->ev[k].detail, -1, SQLITE_STATIC);
		if ((rc = step_reset(st)) != SQLITE_DONE)
			goto fail;
	}
	if ((rc = step_reset(r->commit)) != SQLITE_DONE)
		goto fail;
	return SQLITE_DONE;
fail:
	snprintf(r->w_why, sizeof r->w_why, "%s", sqlite3_errmsg(db));
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Commits b and books it (under mu when a writer thread runs): the
 * counters, the newest sample, or the error that stops the recording. */
static void commit_and_book(store_rec *r, const rec_batch *b, bool locked_outside)
{
	double t0 = now_ms();
	int rc = commit_batch(r, b);
	double ms = now_ms() - t0;
	if (locked_outside)
		pthread_mutex_lock(&r->mu);
	if (rc != SQLITE_DONE) {
		int err = store_sqlite_err(r->wdb ? r->wdb : r->s->db, rc);
		r->w_err = err ? err : POISE_E_IO;
		atomic_store(&r->w_err_seen, r->w_err);
	} else {
		if (b->n) {
			r->last_t_us = rel_us(r, b->smp[b->n - 1].t_us);
			r->have_sample = true;
		}
		r->stats.samples += b->n;
		r->stats.commits++;
		r->stats.total_commit_ms += ms;
		if (ms > r->stats.worst_commit_ms)
			r->stats.worst_commit_ms = ms;
		if (r->sync.running)
			atomic_store_explicit(&r->sync.dirty, true, memory_order_relaxed);
	}
	if (locked_outside)
		pthread_mutex_unlock(&r->mu);
}

/* The writer thread: commits the queued batches in order. After an error
 * it drops what is queued (the recording has stopped) and waits to quit. */
static void *writer_main(void *arg)
{
	store_rec *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		if (r->q_len == 0) {
			if (r->quit)
				break;
			pthread_cond_wait(&r->work, &r->mu);
			continue;
		}
		rec_batch *b = &r->slot[r->q_head];
		if (r->w_err == POISE_OK) {
			pthread_mutex_unlock(&r->mu);
			commit_and_book(r, b, true);
			pthread_mutex_lock(&r->mu);
		}
		r->q_head = (r->q_head + 1) % REC_SLOTS;
		r->q_len--;
		pthread_cond_broadcast(&r->done);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int store_rec_begin(store_rec *r, int64_t session_id, const char *kind, const char *params_json,
                    const char *level_json, double rate_hz, mono_us t0_us, int64_t *trial_id)
{
	if (r->active)
		return store_fail(r->s, POISE_E_STATE, "cannot start a trial: trial %lld is still being "
		                  "recorded", (long long)r->trial_id);
	int64_t id;
	int err = store_trial_begin(r->s, session_id, kind, params_json, level_json, rate_hz, &id);
	if (err)
		return err;
	r->active = true;
	r->fail_err = POISE_OK;
	r->w_err = POISE_OK;
	atomic_store(&r->w_err_seen, POISE_OK);
	r->trial_id = id;
	r->t0_us = t0_us;
	r->next_i = 0;
	r->last_t_us = 0;
	r->have_sample = false;
	r->q_head = r->q_len = r->fill = 0;
	r->quit = false;
	cur_batch(r)->n = cur_batch(r)->n_ev = 0;
	memset(&r->stats, 0, sizeof r->stats);
	sync_start(r);
	r->thread_running = r->wdb && pthread_create(&r->thread, NULL, writer_main, r) == 0;
	if (trial_id)
		*trial_id = id;
	return POISE_OK;
}

/* The writer has stopped on an error: say so (once, here on the caller's
 * thread, which owns the store's message) and stop taking samples. */
static int stopped(store_rec *r)
{
	if (r->fail_err)
		return r->fail_err;
	pthread_mutex_lock(&r->mu);
	int err = r->w_err;
	char why[sizeof r->w_why];
	memcpy(why, r->w_why, sizeof why);
	uint64_t saved = r->stats.samples;
	pthread_mutex_unlock(&r->mu);
	r->fail_err = err;
	store_fail(r->s, err, "the recording of trial %lld stopped: %s (%s; SQLite: %s). The %llu "
	           "samples saved before are kept in the database; free some space or check the "
	           "disk, then start a new trial",
	           (long long)r->trial_id, store_err_text(err), r->s->path, why,
	           (unsigned long long)saved);
	return err;
}

/* Hands the batch being filled to the writer (or, without a writer thread,
 * commits it here) and starts an empty one. Waits only when every slot is
 * still queued (the disk is seconds behind). */
static int hand_over(store_rec *r)
{
	if (atomic_load(&r->w_err_seen))
		return stopped(r);
	rec_batch *b = cur_batch(r);
	if (b->n == 0 && b->n_ev == 0)
		return POISE_OK;
	b->first_i = r->next_i;
	r->next_i += (int64_t)b->n;
	if (!r->thread_running) {
		commit_and_book(r, b, false);
		b->n = b->n_ev = 0;
		return atomic_load(&r->w_err_seen) ? stopped(r) : POISE_OK;
	}
	pthread_mutex_lock(&r->mu);
	if (r->q_len == REC_SLOTS - 1) {
		double t0 = now_ms();
		while (r->q_len == REC_SLOTS - 1)
			pthread_cond_wait(&r->done, &r->mu);
		double ms = now_ms() - t0;
		if (ms > r->stats.worst_wait_ms)
			r->stats.worst_wait_ms = ms;
	}
	r->q_len++;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->mu);
	/* The next slot is free: the writer's are at most REC_SLOTS − 1. */
	r->fill = (r->fill + 1) % REC_SLOTS;
	rec_batch *next = cur_batch(r);
	next->n = next->n_ev = 0;
	return POISE_OK;
}

/* Hands over what is buffered and waits until the writer has committed
 * everything (or stopped). */
static int drain(store_rec *r)
{
	int err = hand_over(r);
	if (err)
		return err;
	if (r->thread_running) {
		pthread_mutex_lock(&r->mu);
		while (r->q_len > 0)
			pthread_cond_wait(&r->done, &r->mu);
		pthread_mutex_unlock(&r->mu);
	}
	return atomic_load(&r->w_err_seen) ? stopped(r) : POISE_OK;
}

static void writer_stop(store_rec *r)
{
	if (!r->thread_running)
		return;
	pthread_mutex_lock(&r->mu);
	r->quit = true;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	r->thread_running = false;
}

static void queue_event(store_rec *r, int64_t t_rel_us, const char *kind, const char *detail)
{
	rec_batch *b = cur_batch(r);
	rec_event *e = &b->ev[b->n_ev++];
	e->t_us = t_rel_us;
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	snprintf(e->detail, sizeof e->detail, "%s", detail ? detail : "");
}

int store_rec_event(store_rec *r, mono_us t_us, const char *kind, const char *detail)
{
	if (!r->active)
		return store_fail(r->s, POISE_E_STATE, "cannot add an event: no trial is being recorded");
	if (r->fail_err || atomic_load(&r->w_err_seen))
		return stopped(r);
	if (!kind || !*kind || strlen(kind) >= sizeof r->slot[0].ev[0].kind ||
	    (detail && strlen(detail) >= sizeof r->slot[0].ev[0].detail))
		return store_fail(r->s, POISE_E_INVALID, "cannot add an event: bad kind or detail too long");
	if (cur_batch(r)->n_ev == r->cfg.max_events) {
		int err = hand_over(r);
		if (err)
			return err;
	}
	queue_event(r, rel_us(r, t_us), kind, detail);
	return POISE_OK;
}

int store_rec_push(store_rec *r, const cop_sample *smp)
{
	if (!r->active)
		return POISE_E_STATE;
	if (r->fail_err || atomic_load(&r->w_err_seen))
		return stopped(r);
	rec_batch *b = cur_batch(r);
	/* Room for this sample's events (at most three) and the sample. */
	if (b->n_ev + 3 > r->cfg.max_events || b->n == r->cfg.max_samples) {
		int err = hand_over(r);
		if (err)
			return err;
		b = cur_batch(r);
	}
	b->smp[b->n++] = *smp;
	int64_t t = rel_us(r, smp->t_us);
	if (smp->flags & SAMPLE_STEP_ON)
		queue_event(r, t, "step-on", NULL);
	if (smp->flags & SAMPLE_STEP_OFF)
		queue_event(r, t, "step-off", NULL);
	if (smp->flags & FRAME_GAP)
		queue_event(r, t, "gap", "frames were lost before this sample");
	else if ((smp->flags & SAMPLE_RESTART) && (r->next_i > 0 || b->n > 1))
		queue_event(r, t, "gap", "the input stopped; the sample clock restarted");
	double span_s = (double)(smp->t_us - b->smp[0].t_us) / 1e6;
	if (span_s >= r->cfg.batch_s || b->n == r->cfg.max_samples)
		return hand_over(r);
	return POISE_OK;
}

int store_rec_flush(store_rec *r)
{
	if (!r->active)
		return POISE_E_STATE;
	return drain(r);
}

/* Metrics of the trial's on-plate samples, read back from the database. */
static int trial_metrics(store_rec *r, met_static *m, bool *have)
{
	*have = false;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(r->s->db,
	                            "SELECT t_us, cop_x_mm, cop_y_mm FROM sample WHERE trial_id = ?"
	                            " AND (flags & ?) != 0 AND cop_x_mm IS NOT NULL"
	                            " AND cop_y_mm IS NOT NULL ORDER BY i",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		return store_fail_sqlite(r->s, rc, "cannot read the trial back for its metrics");
	sqlite3_bind_int64(st, 1, r->trial_id);
	sqlite3_bind_int64(st, 2, SAMPLE_ON_PLATE);
	size_t cap = (size_t)r->stats.samples + 1, n = 0;
	double *t = malloc(cap * sizeof *t), *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
	int err = t && x && y ? POISE_OK : POISE_E_NOMEM;
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW && n < cap) {
		t[n] = (double)sqlite3_column_int64(st, 0) / 1e6;
		x[n] = sqlite3_column_double(st, 1);
		y[n] = sqlite3_column_double(st, 2);
		n++;
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = store_fail_sqlite(r->s, rc, "cannot read the trial back for its metrics");
	sqlite3_finalize(st);
	if (err == POISE_E_NOMEM)
		store_fail(r->s, err, "cannot compute the trial's metrics: out of memory");
	if (!err && n >= 3 && t[n - 1] - t[0] >= r->cfg.min_metrics_s &&
	    ana_static_metrics(t, x, y, n, &r->cfg.analysis, m) == POISE_OK) {
		*have = true;
		err = store_metrics_put_static(r->s, r->trial_id, m);
	}
	free(t);
	free(x);
	free(y);
	return err;
}

int store_rec_end(store_rec *r, enum store_status status, met_static *metrics, bool *have_metrics)
{
	if (have_metrics)
		*have_metrics = false;
	if (!r->active)
		return store_fail(r->s, POISE_E_STATE, "cannot end the trial: none is being recorded");
	int err = drain(r);
	writer_stop(r);
	sync_stop(r);
	double duration_s = r->have_sample ? (double)r->last_t_us / 1e6 : 0;
	r->active = false;
	if (err) {
		/* Keep the recorder's message; mark the trial if the disk lets us. */
		char msg[sizeof r->s->msg];
		memcpy(msg, r->s->msg, sizeof msg);
		store_trial_end(r->s, r->trial_id, status == STORE_COMPLETE ? STORE_ABORTED : status,
		                duration_s);
		memcpy(r->s->msg, msg, sizeof msg);
		return err;
	}
	met_static m;
	bool have = false;
	err = r->cfg.caller_metrics ? POISE_OK : trial_metrics(r, &m, &have);
	int err2 = store_trial_end(r->s, r->trial_id, status, duration_s);
	store_checkpoint(r->s);
	if (!err)
		err = err2;
	if (have && metrics)
		*metrics = m;
	if (have_metrics)
		*have_metrics = have;
	return err;
}
