/* `poise record`: one trial, headless, from a plate into the database.
 *
 * device → acquisition thread → ring → pipeline → recorder, as in the app.
 * With --fast (simulated or replayed plates) the device is read on this
 * thread as fast as it produces frames, with no acquisition thread, so no
 * frame is lost to a full ring and a minute of data takes a moment.
 * SIGINT and SIGTERM are blocked and polled: they end the trial cleanly,
 * marked 'aborted'. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/pipeline.h"
#include "device/acq.h"
#include "device/device.h"
#include "store/recorder.h"
#include "store/store.h"

#define FRAME_BATCH 256
#define RING_FRAMES 65536
#define POLL_MS 5

static void usage(FILE *f)
{
	fputs("usage: poise [--db PATH] [--seed N] record --patient CODE --trial KIND --seconds S\n"
	      "                    [--device SPEC] [--rate HZ] [--fast] [--wait S]\n"
	      "                    [--operator NAME] [--notes TEXT] [--params JSON] [--json]\n"
	      "\n"
	      "Records one trial from a plate into the database, headless. The trial starts\n"
	      "when somebody stands on the plate and lasts S seconds; stepping off ends it\n"
	      "(status stepped-off), Ctrl-C or SIGTERM end it as aborted, an unplugged plate\n"
	      "as device-lost. Samples are saved every 0.2 s while recording; the sway\n"
	      "metrics are computed and saved at the end.\n"
	      "\n"
	      "  --patient CODE    an existing patient (poise patient add CODE)\n"
	      "  --trial KIND      quiet-eo, quiet-ec, los, game:<id>, ...\n"
	      "  --seconds S       trial length\n"
	      "  --device SPEC     as the global --device (default auto)\n"
	      "  --rate HZ         device frame rate (the simulated plate: 10-4000)\n"
	      "  --fast            simulated plate: run as fast as possible, not in real time\n"
	      "  --wait S          give up if nobody stands on the plate within S s (default 10)\n"
	      "  --operator NAME   who ran the session\n"
	      "  --notes TEXT      session notes\n"
	      "  --params JSON     the trial's parameters, a JSON object (default {})\n"
	      "  --json            print the result as one JSON object\n"
	      "\n"
	      "Exit status: 0 complete, 1 stopped early or failed (the samples recorded are\n"
	      "kept), 2 bad usage.\n",
	      f);
}

static bool parse_pos(const char *s, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > max)
		return false;
	*out = v;
	return true;
}

/* Where frames come from: the acquisition thread, or (--fast) the device
 * read directly on this thread. */
typedef struct source {
	dev *d;
	acq *a;
	bool direct;
} source;

static int source_start(source *src)
{
	if (src->direct)
		return src->d->ops->start(src->d);
	int rc = acq_create(&src->a, src->d, RING_FRAMES);
	if (rc == POISE_OK && (rc = acq_start(src->a)) != POISE_OK) {
		acq_destroy(src->a);
		src->a = NULL;
	}
	return rc;
}

static void source_stop(source *src)
{
	if (src->direct)
		src->d->ops->stop(src->d);
	else
		acq_destroy(src->a);
	src->a = NULL;
}

/* Up to max frames. *dev_err: the error that ended the stream (POISE_OK
 * while it runs). */
static size_t source_read(source *src, poise_frame *f, size_t max, int *dev_err)
{
	*dev_err = POISE_OK;
	if (src->direct) {
		size_t n = 0;
		int rc = src->d->ops->read(src->d, f, max, &n, 50);
		if (rc != POISE_OK && rc != POISE_E_TIMEOUT)
			*dev_err = rc;
		return n;
	}
	size_t n = acq_pop(src->a, f, max);
	if (n == 0) {
		int e = POISE_OK;
		if (acq_state(src->a, &e) == ACQ_ENDED) {
			n = acq_pop(src->a, f, max); /* the last frames before the end */
			if (n == 0)
				*dev_err = e ? e : POISE_E_DISCONNECTED;
		}
	}
	return n;
}

/* A blocked SIGINT/SIGTERM, waiting up to wait_ms for one. */
static int pending_signal(const sigset_t *set, int wait_ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)wait_ms * 1000000L};
	int sig = sigtimedwait(set, NULL, &ts);
	return sig > 0 ? sig : 0;
}

typedef struct rec_opts {
	const char *patient, *kind, *device, *operator_name, *notes, *params;
	double seconds, rate_hz, wait_s;
	bool fast, json;
} rec_opts;

static void print_result(const rec_opts *o, const store_patient *p, int64_t session_id,
                         const store_trial *t, const met_static *m, bool have_m)
{
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	if (o->json) {
		printf("{\"patient\": ");
		cli_json_string(stdout, p->code);
		printf(", \"session\": %lld, \"trial\": %lld, \"kind\": ", (long long)session_id,
		       (long long)t->id);
		cli_json_string(stdout, t->kind);
		printf(", \"status\": \"%s\", \"n_samples\": %lld, \"trial_duration_s\": %.6f",
		       store_status_name(t->status), (long long)t->n_samples, t->duration_s);
		if (have_m)
			for (size_t i = 0; i < nf; i++)
				printf(", \"%s\": %.10g", f[i].key, met_field_value(m, &f[i]));
		printf("}\n");
		return;
	}
	printf("patient %s, session %lld, trial %lld (%s): %s, %lld samples over %.2f s\n", p->code,
	       (long long)session_id, (long long)t->id, t->kind, store_status_name(t->status),
	       (long long)t->n_samples, t->duration_s);
	if (have_m) {
		printf("\n");
		for (size_t i = 0; i < nf; i++)
			printf("  %-30s %12.4f %s\n", f[i].label, met_field_value(m, &f[i]), f[i].unit);
	}
}

enum phase { WAITING, RECORDING, DONE };

typedef struct run {
	const rec_opts *o;
	store *s;
	store_rec *rec;
	const store_patient *p;
	dev *d;
	enum phase phase;
	bool have_first;
	mono_us first_us, t0_us;
	int64_t session_id;
	double out_rate_hz; /* the pipeline's sample rate */
	enum store_status status;
	int err;            /* a store or device error that ends the run */
	bool nobody;        /* nobody stood on the plate in time */
} run;

static void begin_trial(run *r, const cop_sample *x)
{
	store_session info = {.patient_id = r->p->id};
	snprintf(info.device_backend, sizeof info.device_backend, "%s", r->d->info.backend);
	snprintf(info.device_serial, sizeof info.device_serial, "%s", r->d->info.serial);
	snprintf(info.operator_name, sizeof info.operator_name, "%s",
	         r->o->operator_name ? r->o->operator_name : "");
	snprintf(info.notes, sizeof info.notes, "%s", r->o->notes ? r->o->notes : "");
	r->err = store_session_begin(r->s, &info, &r->session_id);
	if (r->err == POISE_OK)
		r->err = store_rec_begin(r->rec, r->session_id, r->o->kind, r->o->params, NULL,
		                         r->out_rate_hz, x->t_us, NULL);
	if (r->err) {
		r->phase = DONE;
		return;
	}
	r->t0_us = x->t_us;
	r->phase = RECORDING;
}

static void take_sample(run *r, const cop_sample *x)
{
	if (r->phase == WAITING) {
		if (!r->have_first) {
			r->have_first = true;
			r->first_us = x->t_us;
		}
		if ((x->flags & SAMPLE_ON_PLATE) && !(x->flags & SAMPLE_NO_COP)) {
			begin_trial(r, x);
		} else {
			if ((double)(x->t_us - r->first_us) / 1e6 > r->o->wait_s) {
				r->nobody = true;
				r->phase = DONE;
			}
			return;
		}
		if (r->phase != RECORDING)
			return;
	}
	if (r->phase != RECORDING)
		return;
	int err = store_rec_push(r->rec, x);
	if (err) {
		r->err = err;
		r->status = STORE_ABORTED;
		r->phase = DONE;
	} else if (x->flags & SAMPLE_STEP_OFF) {
		r->status = STORE_STEPPED_OFF;
		r->phase = DONE;
	} else if ((double)(x->t_us - r->t0_us) / 1e6 >= r->o->seconds - 1e-9) {
		r->status = STORE_COMPLETE;
		r->phase = DONE;
	}
}

static int parse_args(rec_opts *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{"patient", required_argument, NULL, 'P'},
		{"trial", required_argument, NULL, 'k'},
		{"seconds", required_argument, NULL, 's'},
		{"device", required_argument, NULL, 'd'},
		{"rate", required_argument, NULL, 'r'},
		{"fast", no_argument, NULL, 'F'},
		{"wait", required_argument, NULL, 'w'},
		{"operator", required_argument, NULL, 'o'},
		{"notes", required_argument, NULL, 'n'},
		{"params", required_argument, NULL, 'j'},
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	optind = 0; /* a fresh scan: options may follow arguments */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			o->patient = optarg;
			break;
		case 'k':
			o->kind = optarg;
			break;
		case 's':
			if (!parse_pos(optarg, 24 * 3600, &o->seconds)) {
				fprintf(stderr, "poise record: --seconds wants a duration in seconds, not '%s'\n",
				        optarg);
				return CLI_USAGE;
			}
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'r':
			if (!parse_pos(optarg, 100000, &o->rate_hz)) {
				fprintf(stderr, "poise record: --rate wants a rate in Hz, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'F':
			o->fast = true;
			break;
		case 'w':
			if (!parse_pos(optarg, 3600, &o->wait_s)) {
				fprintf(stderr, "poise record: --wait wants seconds, not '%s'\n", optarg);
				return CLI_USAGE;
			}
			break;
		case 'o':
			o->operator_name = optarg;
			break;
		case 'n':
			o->notes = optarg;
			break;
		case 'j':
			o->params = optarg;
			break;
		case 'J':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default: /* ':' (a value is missing) or '?' */
			return cli_bad_option("record", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "poise record: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	const char *missing = !o->patient ? "--patient CODE" : !o->kind ? "--trial KIND"
	                    : !(o->seconds > 0) ? "--seconds S" : NULL;
	if (missing) {
		fprintf(stderr, "poise record: %s is needed\n", missing);
		usage(stderr);
		return CLI_USAGE;
	}
	if (!store_kind_valid(o->kind)) {
		fprintf(stderr, "poise record: '%s' is not a trial kind (quiet-eo, quiet-ec, los, "
		        "game:<id>; lower-case letters, digits, '-', '_', '.', ':')\n", o->kind);
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_record(const cli_global *g, int argc, char **argv)
{
	rec_opts o = {.wait_s = 10};
	int code = parse_args(&o, argc, argv);
	if (code)
		return code < 0 ? CLI_OK : code;
	if (!o.device)
		o.device = g->device ? g->device : "auto";

	store *s = NULL;
	if ((code = cli_open_store(g, "record", 0, &s)))
		return code;
	store_patient p;
	if (store_patient_get(s, o.patient, &p) != POISE_OK) {
		fprintf(stderr, "poise record: %s; add the patient first: poise patient add %s\n",
		        store_errmsg(s), o.patient);
		store_close(s);
		return CLI_USAGE;
	}

	/* Signals end the trial cleanly: blocked here (and in the acquisition
	 * thread, which inherits the mask), polled in the loop. */
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);

	char msg[512];
	dev *d = NULL;
	pipeline *pl = NULL;
	store_rec *rec = NULL;
	cop_sample *out = NULL;
	poise_frame *frames = NULL;
	source src = {0};
	bool started = false;
	/* The simulated person sways anew in each recording unless --seed
	 * pins it, and sways more with the eyes closed (quiet-ec). */
	size_t klen = strlen(o.kind);
	dev_open_cfg oc = {.rate_hz = o.rate_hz, .realtime = !o.fast,
	                   .seed = g->seed_set ? g->seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
	                   .eyes_closed = klen >= 3 && strcmp(o.kind + klen - 3, "-ec") == 0};
	int rc = dev_open_spec(&d, o.device, &oc, msg, sizeof msg);
	if (rc) {
		fprintf(stderr, "poise record: %s\n", msg);
		code = CLI_FAIL;
		goto out;
	}
	if (o.fast && strcmp(d->info.backend, "sim") != 0 && strcmp(d->info.backend, "replay") != 0) {
		fprintf(stderr, "poise record: --fast is for the simulated plate or a replay; %s is a "
		        "real plate\n", d->info.name);
		code = CLI_USAGE;
		goto out;
	}
	pl_cfg pc;
	dev_pipeline_cfg(&d->info, &pc);
	if ((rc = pl_create(&pl, &pc)) != POISE_OK ||
	    (rc = store_rec_create(&rec, s, NULL)) != POISE_OK ||
	    !(out = malloc(pl_max_out(pl) * sizeof *out)) ||
	    !(frames = malloc(FRAME_BATCH * sizeof *frames))) {
		fprintf(stderr, "poise record: cannot set up the recording: %s\n",
		        rc == POISE_E_NOMEM || rc == POISE_OK ? "out of memory" : store_errmsg(s));
		code = CLI_FAIL;
		goto out;
	}
	src = (source){.d = d, .direct = o.fast};
	if ((rc = source_start(&src)) != POISE_OK) {
		fprintf(stderr, "poise record: cannot start %s: %s\n", d->info.name, poise_strerror(rc));
		code = CLI_FAIL;
		goto out;
	}
	started = true;

	run r = {.o = &o, .s = s, .rec = rec, .p = &p, .d = d, .phase = WAITING,
	         .out_rate_hz = pc.out_rate_hz};
	int sig = 0, dev_err = POISE_OK;
	while (r.phase != DONE) {
		size_t nf = source_read(&src, frames, FRAME_BATCH, &dev_err);
		for (size_t i = 0; i < nf && r.phase != DONE; i++) {
			size_t ns = pl_push(pl, &frames[i], out);
			for (size_t k = 0; k < ns && r.phase != DONE; k++)
				take_sample(&r, &out[k]);
		}
		if (r.phase == DONE)
			break;
		if ((sig = pending_signal(&sigs, nf == 0 && !o.fast ? POLL_MS : 0)) != 0) {
			r.status = STORE_ABORTED;
			break;
		}
		if (dev_err) {
			r.status = STORE_DEVICE_LOST;
			break;
		}
	}
	source_stop(&src);
	started = false;

	if (r.phase == WAITING || r.nobody) {
		if (r.nobody)
			fprintf(stderr, "poise record: nobody stood on the plate within %g s; nothing was "
			        "recorded\n", o.wait_s);
		else if (sig)
			fprintf(stderr, "poise record: interrupted before anybody stood on the plate; "
			        "nothing was recorded\n");
		else
			fprintf(stderr, "poise record: %s stopped (%s) before anybody stood on the plate; "
			        "nothing was recorded\n", d->info.name, poise_strerror(dev_err));
		code = CLI_FAIL;
		goto out;
	}
	if (!store_rec_active(rec)) { /* the trial could not even start */
		fprintf(stderr, "poise record: %s\n", store_errmsg(s));
		code = CLI_FAIL;
		goto out;
	}
	met_static m;
	bool have_m = false;
	int end_err = store_rec_end(rec, r.status, &m, &have_m);
	int64_t trial_id = store_rec_trial_id(rec);
	if (r.err || end_err) {
		/* The recording stopped on a store error: say so, keep going to
		 * close things cleanly. */
		fprintf(stderr, "poise record: %s\n", store_errmsg(s));
		code = CLI_FAIL;
	}
	store_session_end(s, r.session_id);
	store_trial t;
	if (store_trial_get(s, trial_id, &t) == POISE_OK) {
		if (t.n_samples < 0) { /* the final update did not fit on the disk */
			store_rec_stats rs;
			store_rec_stats_get(rec, &rs);
			t.n_samples = (int64_t)rs.samples;
		}
		print_result(&o, &p, r.session_id, &t, &m, have_m);
	}
	if (code == CLI_OK && r.status != STORE_COMPLETE) {
		code = CLI_FAIL;
		if (r.status == STORE_ABORTED)
			fprintf(stderr, "poise record: interrupted (%s); the trial is kept, marked aborted\n",
			        strsignal(sig));
		else if (r.status == STORE_STEPPED_OFF)
			fprintf(stderr, "poise record: the patient stepped off the plate after %.2f s; the "
			        "trial is kept, marked stepped-off\n", t.duration_s);
		else
			fprintf(stderr, "poise record: %s went away (%s) after %.2f s; the trial is kept, "
			        "marked device-lost\n", d->info.name, poise_strerror(dev_err), t.duration_s);
	}
out:
	if (started)
		source_stop(&src);
	store_rec_destroy(rec);
	pl_destroy(pl);
	dev_close(d);
	free(out);
	free(frames);
	store_close(s);
	while (pending_signal(&sigs, 0)) /* a late Ctrl-C: the work is already saved */
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return code;
}
