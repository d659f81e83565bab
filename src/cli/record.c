/* `poise record`: one trial, headless, from a plate into the database.
 *
 * The session engine carries the samples (session/engine.h) to the
 * recording protocol (session/record.h), as in the app: through the
 * acquisition thread, or with --fast (the simulated plate) read on this
 * thread as fast as it produces frames, so a minute of data takes a
 * moment. SIGINT and SIGTERM are blocked and polled: they end the trial
 * cleanly, marked 'aborted'. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/kind.h"
#include "device/device.h"
#include "session/engine.h"
#include "session/record.h"
#include "session/station.h"
#include "session/training.h"
#include "store/store.h"

#define POLL_MS 5

static void usage(FILE *f)
{
	fputs("usage: poise record --patient CODE --trial KIND --seconds S [--device SPEC]\n"
	      "                    [--rate HZ] [--fast] [--wait S] [--db PATH] [--seed N]\n"
	      "                    [--operator NAME] [--notes TEXT] [--params JSON] [--json]\n"
	      "\n"
	      "Records one trial from a plate into the database, headless. The trial starts\n"
	      "when somebody stands on the plate and lasts S seconds; stepping off ends it\n"
	      "(status stepped-off), Ctrl-C or SIGTERM end it as aborted, an unplugged plate\n"
	      "as device-lost, so does a plate that stops sending data for 2 s. Samples are\n"
	      "saved every 0.2 s while recording; the sway metrics are computed and saved\n"
	      "at the end. A patient's trial needs a real plate: with no plate usable,\n"
	      "--device auto says which were found and why not, and records nothing;\n"
	      "--device sim records on the simulated plate, stored as simulated.\n"
	      "\n"
	      "  --patient CODE    an existing patient (poise patient add CODE)\n"
	      "  --trial KIND      quiet-eo, quiet-ec, quiet-eo-foam, quiet-ec-foam (the\n"
	      "                    standard tests: poise assess)\n"
	      "  --seconds S       trial length\n"
	      "  --device SPEC     auto (a real plate), sim, or BACKEND[:ID] (poise devices)\n"
	      "  --rate HZ         device frame rate (the simulated plate: 10-4000)\n"
	      "  --fast            simulated plate: run as fast as possible, not in real time\n"
	      "  --wait S          give up if nobody stands on the plate within S s, even when\n"
	      "                    the plate sends nothing at all (default 10)\n"
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

typedef struct rec_opts {
	const char *patient, *kind, *device, *operator_name, *notes, *params;
	double seconds, rate_hz, wait_s;
	bool fast, json;
} rec_opts;

static void print_result(const rec_opts *o, const store_patient *p, int64_t session_id,
                         const store_trial *t, bool simulated, const met_static *m, bool have_m)
{
	size_t nf;
	const met_field *f = met_static_fields(&nf);
	if (o->json) {
		printf("{\"patient\": ");
		cli_json_string(stdout, p->code);
		printf(", \"session\": %lld, \"trial\": %lld, \"kind\": ", (long long)session_id,
		       (long long)t->id);
		cli_json_string(stdout, t->kind);
		printf(", \"status\": \"%s\", \"simulated\": %s, \"n_samples\": %lld, \"trial_duration_s\": %.6f",
		       store_status_name(t->status), simulated ? "true" : "false", (long long)t->n_samples,
		       t->duration_s);
		if (have_m)
			for (size_t i = 0; i < nf; i++)
				printf(", \"%s\": %.10g", f[i].key, met_field_value(m, &f[i]));
		printf("}\n");
		return;
	}
	printf("%spatient %s, session %lld, trial %lld (%s): %s, %lld samples over %.2f s\n",
	       simulated ? "SIMULATED PLATE: " : "", p->code,
	       (long long)session_id, (long long)t->id, t->kind, store_status_name(t->status),
	       (long long)t->n_samples, t->duration_s);
	if (have_m) {
		printf("\n");
		for (size_t i = 0; i < nf; i++)
			printf("  %-30s %12.4f %s\n", f[i].label, met_field_value(m, &f[i]), f[i].unit);
	}
}


/* Runs the trial until it ends; returns the signal that interrupted it (0
 * if none). */
static int run_trial(ses_engine *e, ses_record *r, const cli_signals *sigs, bool fast)
{
	int sig = 0;
	while (ses_record_phase(r) != SES_REC_DONE) {
		size_t n = 0;
		ses_pump(e, fast ? 0 : POLL_MS, fast ? 4096 : SIZE_MAX, &n);
		ses_record_tick(r, dev_now_us());
		if (ses_record_phase(r) == SES_REC_DONE)
			break;
		if ((sig = cli_signal_pending(sigs, n == 0 && !fast ? POLL_MS : 0)) != 0) {
			ses_record_interrupt(r);
			break;
		}
	}
	return sig;
}

/* Says why nothing was recorded. */
static void say_nothing(const rec_opts *o, ses_record *r, const dev_info *plate, int sig)
{
	if (sig)
		fprintf(stderr, "poise record: interrupted before anybody stood on the plate; nothing was recorded\n");
	else if (ses_record_end_reason(r) == SES_REC_END_DEVICE_LOST)
		fprintf(stderr, "poise record: %s stopped (%s) before anybody stood on the plate; nothing was "
		        "recorded\n", plate->name, poise_strerror(ses_record_device_error(r)));
	else if (ses_record_end_reason(r) == SES_REC_END_WRITE_FAILED)
		fprintf(stderr, "poise record: the trial could not be started; nothing was recorded\n");
	else
		fprintf(stderr, "poise record: nobody stood on the plate within %g s; nothing was recorded\n",
		        o->wait_s);
}

/* Says why a trial ended early. */
static void say_early(ses_record *r, const dev_info *plate, const store_trial *t, int sig)
{
	switch (ses_record_end_reason(r)) {
	case SES_REC_END_STEPPED_OFF:
		fprintf(stderr, "poise record: the patient stepped off the plate after %.2f s; the trial is kept, "
		        "marked stepped-off\n", t->duration_s);
		break;
	case SES_REC_END_DEVICE_LOST:
		fprintf(stderr, "poise record: %s went away (%s) after %.2f s; the trial is kept, marked "
		        "device-lost\n", plate->name, poise_strerror(ses_record_device_error(r)), t->duration_s);
		break;
	case SES_REC_END_NO_DATA:
		fprintf(stderr, "poise record: %s stopped sending data after %.2f s (still connected?); the trial "
		        "is kept, marked device-lost\n", plate->name, t->duration_s);
		break;
	default:
		if (sig)
			fprintf(stderr, "poise record: interrupted (%s); the trial is kept, marked aborted\n",
			        strsignal(sig));
		break;
	}
}

static int record(const cli_global *g, const rec_opts *o, store *s, const store_patient *p,
                  const cli_signals *sigs)
{
	/* The simulated person sways anew in each recording unless --seed
	 * pins it, and sways more with the eyes closed or on foam. */
	const kind_info *ki = kind_find(o->kind);
	dev_open_cfg oc = {.rate_hz = o->rate_hz, .realtime = !o->fast,
	                   .seed = g->seed_set ? g->seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
	                   .eyes_closed = ki && (ki->flags & KIND_EYES_CLOSED), .foam = ki && (ki->flags & KIND_FOAM)};
	dev *d = NULL;
	int open_code = cli_open_plate("record", o->device, true, &oc, &d);
	if (open_code)
		return open_code;
	if (o->fast && strcmp(d->info.backend, "sim") != 0) {
		fprintf(stderr, "poise record: --fast is for the simulated plate; %s is a real plate\n", d->info.name);
		dev_close(d);
		return CLI_USAGE;
	}
	ses_engine *e = NULL;
	ses_record *r = NULL;
	int64_t session_id = 0;
	int code = CLI_FAIL;
	int rc = cli_engine_open(d, o->fast, &e);
	if (rc) {
		fprintf(stderr, "poise record: cannot set up the recording: %s\n", poise_strerror(rc));
		return CLI_FAIL;
	}
	const dev_info *plate = ses_device(e);
	if (ses_station_apply_scale(s, e, NULL) != POISE_OK)
		fprintf(stderr, "poise record: the stored scale correction of %s is damaged and was not used; "
		        "do a known-mass check in the app\n", plate->name);
	if ((rc = train_sitting_begin(s, p->id, plate, o->operator_name, o->notes, &session_id)) != POISE_OK) {
		fprintf(stderr, "poise record: %s\n", store_errmsg(s));
		goto out;
	}
	ses_record_cfg rcfg = {.writer = {.db = s, .session_id = session_id, .kind = o->kind,
	                                  .params_json = o->params, .rate_hz = ses_sample_rate_hz(e)},
	                       .seconds = o->seconds, .wait_s = o->wait_s};
	if ((rc = ses_record_create(&r, &rcfg)) != POISE_OK || (rc = ses_attach(e, ses_record_consumer(r))) != POISE_OK) {
		fprintf(stderr, "poise record: cannot set up the recording: %s\n",
		        rc == POISE_E_NOMEM ? "out of memory" : store_errmsg(s));
		goto out;
	}
	if ((rc = ses_start(e)) != POISE_OK) {
		fprintf(stderr, "poise record: cannot start %s: %s\n", plate->name, poise_strerror(rc));
		goto out;
	}
	int sig = run_trial(e, r, sigs, o->fast);
	ses_stop(e);
	met_static m;
	bool have_m = false;
	rc = ses_record_finish(r, &m, &have_m);
	if (rc == POISE_E_STATE) { /* it never began */
		say_nothing(o, r, plate, sig);
		goto out;
	}
	code = CLI_OK;
	if (rc) {
		/* The recording stopped on a store error: say so, close cleanly. */
		fprintf(stderr, "poise record: %s\n", store_errmsg(s));
		code = CLI_FAIL;
	}
	store_trial t;
	int64_t trial_id = ses_writer_trial_id(ses_record_writer(r));
	if (store_trial_get(s, trial_id, &t) == POISE_OK) {
		if (t.n_samples < 0) { /* the final update did not fit on the disk */
			store_rec_stats rs;
			ses_writer_stats(ses_record_writer(r), &rs);
			t.n_samples = (int64_t)rs.samples;
		}
		print_result(o, p, session_id, &t, ses_simulated(e), &m, have_m);
		if (code == CLI_OK && t.status != STORE_COMPLETE) {
			code = CLI_FAIL;
			say_early(r, plate, &t, sig);
		}
	}
out:
	if (session_id)
		store_session_end(s, session_id);
	ses_destroy(e);
	ses_record_destroy(r);
	return code;
}

const cli_opts cli_record_opts = {
	":h",
	(const struct option[]){
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
	},
};

static int parse_args(rec_opts *o, int argc, char **argv)
{
	optind = 0; /* a fresh scan: options may follow arguments */
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_record_opts)) != -1) {
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
			if (cli_text_opt("record", "--operator", optarg, NULL,
			                 sizeof ((store_session *)0)->operator_name, false))
				return CLI_USAGE;
			o->operator_name = optarg;
			break;
		case 'n':
			if (cli_text_opt("record", "--notes", optarg, NULL, sizeof ((store_session *)0)->notes, true))
				return CLI_USAGE;
			o->notes = optarg;
			break;
		case 'j':
			if (cli_text_opt("record", "--params", optarg, NULL, sizeof ((store_trial *)0)->params_json,
			                 true))
				return CLI_USAGE;
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
	const kind_info *ki = kind_find(o->kind);
	if (!ki || !(ki->flags & KIND_RECORDABLE)) {
		fprintf(stderr, "poise record: '%s' is not a trial kind to record here: quiet-eo, quiet-ec, "
		        "quiet-eo-foam, quiet-ec-foam%s\n", o->kind,
		        ki ? " (the tests run with poise assess los|mctsib|symmetry|sit-to-stand; games with "
		             "poise play)" : "");
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_record(const cli_global *g, int argc, char **argv)
{
	rec_opts o = {.wait_s = 10, .patient = g->patient, .operator_name = g->operator_name};
	int code = parse_args(&o, argc, argv);
	if (code)
		return code < 0 ? CLI_OK : code;
	if (!o.device)
		o.device = g->device;

	store *s = NULL;
	store_patient p;
	if ((code = cli_open_patient(g, "record", o.patient, &s, &p)))
		return code;
	if (o.params && !store_json_is_object(s, o.params)) { /* before a session is begun */
		fprintf(stderr, "poise record: --params wants a JSON object such as '{\"level\": 2}'; "
		        "this one is not valid JSON or not an object\n");
		store_close(s);
		return CLI_USAGE;
	}
	/* Signals end the trial cleanly: blocked here (and in the acquisition
	 * thread, which inherits the mask), polled in the loop. */
	cli_signals sigs;
	cli_signals_block(&sigs);
	code = record(g, &o, s, &p, &sigs);
	store_close(s);
	cli_signals_restore(&sigs);
	return code;
}
