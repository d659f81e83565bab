/* `poise assess TEST`: one standard balance test of a patient, headless.
 *
 * Runs on the session engine with the test's consumer (session/assess.h),
 * as the app does: the simulated plate is read on this thread, faster
 * than real time, and the simulated patient does what the test asks
 * (ses_assess_intent()); a real plate runs in real time through the
 * acquisition thread, and the instructions are printed for the operator
 * to read out. SIGINT/SIGTERM stop the test cleanly (what was recorded is
 * kept; the summary says the test is incomplete). */
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
#include "core/atest.h"
#include "core/error.h"
#include "device/device.h"
#include "session/assess.h"
#include "session/engine.h"
#include "session/training.h"
#include "store/store.h"

#define SIM_FRAMES 8      /* frames per turn on the simulated plate: the
                           * simulated patient follows the prompt every 80 ms */
#define SIM_MAX_S 7200.0  /* a test on the simulated plate never runs longer */
#define STEP_OFF_S 2.0    /* how long the simulated patient stays off */

static void usage(FILE *f)
{
	fputs("usage: poise assess TEST --patient CODE [--device SPEC] [--json] [--repeats N]\n"
	      "                   [--seconds S] [--settle S] [--conditions LIST] [--target-pct P]\n"
	      "                   [--operator NAME] [--notes TEXT] [--seed N] [--db PATH]\n"
	      "                   [--sim-reach PCT] [--sim-step-off N@S]\n"
	      "\n"
	      "Runs one standard balance test of a patient and stores it: every trial with\n"
	      "its samples, events and measures, and the test's summary (a trial test:TEST).\n"
	      "Each trial starts with the instruction and a countdown; the first seconds\n"
	      "after the patient is still are discarded (--settle); stepping off ends a\n"
	      "trial as a fall, moved feet or drifting end it as invalid and it is repeated.\n"
	      "\n"
	      "Tests:\n"
	      "  mctsib        quiet stance, firm/foam × eyes open/closed, 3 trials of 30 s\n"
	      "                each: sway velocity per condition, composite, Romberg quotients\n"
	      "  los           limits of stability: a lean toward 8 targets at 100 % of the\n"
	      "                theoretical limit from the patient's height; the measured\n"
	      "                limits become the patient's game space\n"
	      "  symmetry      weight bearing left/right and front/back, standing (3 × 10 s)\n"
	      "                and in a squat (3 × 5 s)\n"
	      "  sit-to-stand  3 rises from a chair, feet on the plate: weight-transfer time,\n"
	      "                rising index, sway after rising\n"
	      "\n"
	      "  --patient CODE     an existing patient (the height sets the LOS targets)\n"
	      "  --device SPEC      auto (a real plate), sim, or BACKEND[:ID]; a patient's test\n"
	      "                     needs a real plate unless sim is chosen (stored as simulated)\n"
	      "  --json             print the result as one JSON object\n"
	      "  --repeats N        trials per condition (default: mctsib 3, los 1, symmetry 3,\n"
	      "                     sit-to-stand 3)\n"
	      "  --seconds S        quiet-stance trial length (mctsib 30, symmetry 10)\n"
	      "  --settle S         seconds discarded once the patient is still (default 5)\n"
	      "  --conditions LIST  mctsib: some of firm_eo,firm_ec,foam_eo,foam_ec\n"
	      "  --target-pct P     los: targets at P %% of the theoretical limit (default 100)\n"
	      "  --operator NAME    who ran the session\n"
	      "  --notes TEXT       session notes\n"
	      "  --sim-reach PCT    the simulated patient leans PCT %% of the way to each LOS\n"
	      "                     target (default 90)\n"
	      "  --sim-step-off N@S the simulated patient steps off in the N-th recorded trial\n"
	      "                     after S seconds, and back on 2 s later\n"
	      "\n"
	      "Exit status: 0 the test is complete, 1 incomplete or failed (what was recorded\n"
	      "is kept), 2 bad usage.\n",
	      f);
}

typedef struct as_opts {
	enum atest_test test;
	const char *patient, *operator_name, *notes;
	int repeats;
	double seconds, settle_s, target_pct, reach_pct;
	unsigned conditions;
	int off_trial;
	double off_after_s;
	bool json;
} as_opts;

static bool parse_conditions(const char *s, unsigned *out)
{
	unsigned m = 0;
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = 0;
		while (c < CTSIB_CONDS && strcmp(tok, atest_ctsib_key(c)) != 0)
			c++;
		if (c == CTSIB_CONDS)
			return false;
		m |= 1u << c;
	}
	*out = m;
	return m != 0;
}

const cli_opts cli_assess_opts = {
	":h",
	(const struct option[]){
		{"patient", required_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'J'},
		{"repeats", required_argument, NULL, 'r'},
		{"seconds", required_argument, NULL, 's'},
		{"settle", required_argument, NULL, 'S'},
		{"conditions", required_argument, NULL, 'c'},
		{"target-pct", required_argument, NULL, 't'},
		{"operator", required_argument, NULL, 'o'},
		{"notes", required_argument, NULL, 'n'},
		{"sim-reach", required_argument, NULL, 'R'},
		{"sim-step-off", required_argument, NULL, 'X'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

static int bad_value(const char *opt, const char *want, const char *got)
{
	fprintf(stderr, "poise assess: %s wants %s, not '%s'\n", opt, want, got);
	return CLI_USAGE;
}

static int parse_args(as_opts *o, int argc, char **argv)
{
	optind = 0;
	opterr = 0;
	int c;
	double v;
	while ((c = cli_getopt(argc, argv, &cli_assess_opts)) != -1) {
		switch (c) {
		case 'P':
			o->patient = optarg;
			break;
		case 'J':
			o->json = true;
			break;
		case 'r':
			if (!cli_parse_num(optarg, 1, ASSESS_MAX_TRIALS, &v) || v != floor(v))
				return bad_value("--repeats", "1 to 8", optarg);
			o->repeats = (int)v;
			break;
		case 's':
			if (!cli_parse_num(optarg, 5, 600, &o->seconds))
				return bad_value("--seconds", "5 to 600", optarg);
			break;
		case 'S':
			if (!cli_parse_num(optarg, 0, 60, &o->settle_s))
				return bad_value("--settle", "0 to 60 seconds", optarg);
			break;
		case 'c':
			if (!parse_conditions(optarg, &o->conditions))
				return bad_value("--conditions", "a list of firm_eo, firm_ec, foam_eo, foam_ec", optarg);
			break;
		case 't':
			if (!cli_parse_num(optarg, 10, 150, &o->target_pct))
				return bad_value("--target-pct", "10 to 150", optarg);
			break;
		case 'o':
			o->operator_name = optarg;
			break;
		case 'n':
			o->notes = optarg;
			break;
		case 'R':
			if (!cli_parse_num(optarg, 5, 150, &o->reach_pct))
				return bad_value("--sim-reach", "5 to 150 (%)", optarg);
			break;
		case 'X': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '@' || n < 1 || !cli_parse_num(end + 1, 0, 600, &o->off_after_s))
				return bad_value("--sim-step-off", "N@S, e.g. 2@10", optarg);
			o->off_trial = (int)n;
			break;
		}
		case 'h':
			usage(stdout);
			return -1;
		default:
			cli_bad_option("assess", c, argv);
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "poise assess: which test? mctsib, los, symmetry or sit-to-stand\n");
		usage(stderr);
		return CLI_USAGE;
	}
	if (!atest_find(argv[optind], &o->test)) {
		fprintf(stderr, "poise assess: no test called '%s'; the tests are mctsib, los, symmetry, "
		        "sit-to-stand\n", argv[optind]);
		return CLI_USAGE;
	}
	if (!o->patient) {
		fprintf(stderr, "poise assess: --patient CODE is needed (poise patient add CODE)\n");
		return CLI_USAGE;
	}
	if (o->conditions && o->test != ATEST_MCTSIB) {
		fprintf(stderr, "poise assess: --conditions is for mctsib\n");
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* The simulated patient: follows the prompt, and steps off when asked. */
typedef struct sim_patient {
	int recorded;        /* trials begun */
	bool was_recording;
	double rec_t0_s, off_until_s;
	bool off_done;
} sim_patient;

static void steer_sim(ses_engine *e, ses_assess *a, const as_opts *o, sim_patient *sp)
{
	ses_stats st;
	ses_stats_get(e, &st);
	double now = (double)st.samples / ses_sample_rate_hz(e);
	bool rec = atest_recording(ses_assess_machine(a));
	if (rec && !sp->was_recording) {
		sp->recorded++;
		sp->rec_t0_s = now;
	}
	sp->was_recording = rec;
	dev_steer steer;
	dev_posture pose;
	ses_assess_intent(a, (o->reach_pct > 0 ? o->reach_pct : 90) / 100, &steer, &pose);
	if (o->off_trial && !sp->off_done && rec && sp->recorded == o->off_trial &&
	    now - sp->rec_t0_s >= o->off_after_s) {
		sp->off_done = true;
		sp->off_until_s = now + STEP_OFF_S;
	}
	if (now < sp->off_until_s)
		steer.on_plate = false;
	ses_steer(e, &steer);
	ses_posture(e, &pose);
}

/* A real plate: says each new instruction for the operator to read out. */
static void say_prompt(ses_assess *a, char *last, size_t len)
{
	atest_prompt p;
	atest_prompt_get(ses_assess_machine(a), &p);
	char line[400];
	if (p.phase == ATEST_COUNTDOWN)
		snprintf(line, sizeof line, "%s  %d", p.detail, p.countdown);
	else
		snprintf(line, sizeof line, "%s  %s", p.detail, p.text);
	if (strcmp(line, last) != 0) {
		fprintf(stderr, "%s\n", line);
		snprintf(last, len, "%s", line);
	}
}

/* Runs the test to its end; returns the device error that ended it, or 0. */
static int run_test(ses_engine *e, ses_assess *a, const as_opts *o, const cli_signals *sigs)
{
	bool sim = ses_can_steer(e);
	sim_patient sp = {0};
	char last[400] = "";
	int rc = POISE_OK;
	while (!ses_assess_done(a)) {
		if (sim)
			steer_sim(e, a, o, &sp);
		size_t n = 0;
		if ((rc = ses_pump(e, sim ? 0 : 20, sim ? SIM_FRAMES : SIZE_MAX, &n)) != POISE_OK)
			break; /* the engine told the test (device lost) */
		if (!sim)
			say_prompt(a, last, sizeof last);
		ses_stats st;
		ses_stats_get(e, &st);
		if (sim && (double)st.samples / ses_sample_rate_hz(e) > SIM_MAX_S) {
			fprintf(stderr, "poise assess: the simulated test did not end within %.0f s; stopped\n", SIM_MAX_S);
			ses_assess_stop(a);
		}
		int sig = cli_signal_pending(sigs, 0);
		if (sig) {
			fprintf(stderr, "poise assess: interrupted (%s); the trials recorded are kept\n", strsignal(sig));
			ses_assess_stop(a);
		}
	}
	if (!ses_assess_done(a))
		ses_assess_stop(a);
	return rc;
}

static void json_value(const atest_value *v)
{
	if (isfinite(v->v))
		printf(", \"%s\": %.10g", v->key, v->v);
	else
		printf(", \"%s\": null", v->key);
}

static void print_result(const as_opts *o, const store_patient *p, int64_t session_id, ses_assess *a,
                         const ses_assess_result *r, bool simulated)
{
	const atest *m = ses_assess_machine(a);
	const atest_trial *t;
	size_t nt = atest_trials(m, &t);
	if (o->json) {
		printf("{\"test\": \"%s\", \"patient\": ", atest_name(o->test));
		cli_json_string(stdout, p->code);
		printf(", \"session\": %lld, \"summary_trial\": %lld, \"simulated\": %s, \"complete\": %s",
		       (long long)session_id, (long long)r->summary_trial_id, simulated ? "true" : "false",
		       r->complete ? "true" : "false");
		for (size_t i = 0; i < r->n_values; i++)
			json_value(&r->values[i]);
		printf(", \"trials\": [");
		atest_value tv[32];
		for (size_t i = 0; i < nt; i++) {
			printf("%s{\"trial\": %lld, \"kind\": \"%s\", \"repeat\": %d, \"outcome\": \"%s\"", i ? ", " : "",
			       (long long)ses_assess_trial_id(a, i), t[i].kind, t[i].repeat, atest_outcome_name(t[i].outcome));
			size_t nv = atest_trial_values(m, &t[i], tv, 32);
			for (size_t k = 0; k < nv && k < 32; k++)
				json_value(&tv[k]);
			if (t[i].have_sway)
				printf(", \"mean_velocity_mm_s\": %.10g", t[i].sway.mean_velocity_mm_s);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	printf("%s%s of %s, session %lld: %s", simulated ? "SIMULATED PLATE: " : "", atest_label(o->test), p->code,
	       (long long)session_id, r->complete ? "complete" : "incomplete");
	if (r->summary_trial_id)
		printf(" (summary: trial %lld)", (long long)r->summary_trial_id);
	printf("\n\n");
	for (size_t i = 0; i < nt; i++) {
		printf("  trial %-6lld %-14s #%d  %-10s held %5.1f s", (long long)ses_assess_trial_id(a, i), t[i].kind,
		       t[i].repeat, atest_outcome_name(t[i].outcome), t[i].held_s);
		if (t[i].have_sway)
			printf("  sway %.1f mm/s", t[i].sway.mean_velocity_mm_s);
		printf("\n");
	}
	printf("\n");
	for (size_t i = 0; i < r->n_values; i++) {
		if (isfinite(r->values[i].v))
			printf("  %-34s %10.3f %s\n", r->values[i].key, r->values[i].v, r->values[i].unit);
		else
			printf("  %-34s %10s\n", r->values[i].key, "n/a");
	}
}

static void test_cfg(const as_opts *o, const store_patient *p, const ses_engine *e, atest_cfg *c)
{
	atest_cfg_default(c, o->test, ses_sample_rate_hz(e), p->height_cm > 0 ? p->height_cm / 100 : 0,
	                  &ses_device(e)->plate);
	if (o->repeats)
		c->repeats = o->repeats;
	if (o->seconds > 0)
		c->trial_s = o->seconds;
	if (o->settle_s >= 0)
		c->settle_s = o->settle_s;
	if (o->conditions)
		c->ctsib_conditions = o->conditions;
	if (o->target_pct > 0)
		c->los_pct = o->target_pct;
}

static int assess(const cli_global *g, const as_opts *o, store *s, const store_patient *p, const cli_signals *sigs)
{
	dev_open_cfg oc = {.realtime = false,
	                   .seed = g->seed_set ? g->seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
	                   .height_m = p->height_cm > 0 ? p->height_cm / 100 : 0,
	                   .body_mass_kg = p->weight_kg > 0 ? p->weight_kg : 0};
	dev *d = NULL;
	if (cli_open_plate("assess", g->device, true, &oc, &d))
		return CLI_FAIL;
	ses_engine *e = NULL;
	ses_assess *a = NULL;
	int64_t session_id = 0;
	int code = CLI_FAIL;
	int rc = cli_engine_open(d, dev_is_simulated(&d->info), &e);
	if (rc) {
		fprintf(stderr, "poise assess: cannot set up the test: %s\n", poise_strerror(rc));
		return CLI_FAIL;
	}
	if ((rc = train_sitting_begin(s, p->id, ses_device(e), o->operator_name, o->notes, &session_id)) != POISE_OK) {
		fprintf(stderr, "poise assess: %s\n", store_errmsg(s));
		goto out;
	}
	ses_assess_cfg ac = {.db = s, .session_id = session_id};
	test_cfg(o, p, e, &ac.test);
	if ((rc = ses_assess_create(&a, &ac)) != POISE_OK || (rc = ses_attach(e, ses_assess_consumer(a))) != POISE_OK ||
	    (rc = ses_start(e)) != POISE_OK) {
		fprintf(stderr, "poise assess: cannot start the test on %s: %s\n", ses_device(e)->name,
		        poise_strerror(rc));
		goto out;
	}
	int dev_err = run_test(e, a, o, sigs);
	ses_stop(e);
	if (dev_err)
		fprintf(stderr, "poise assess: %s stopped (%s); the test ends here, the trials recorded are kept\n",
		        ses_device(e)->name, poise_strerror(dev_err));
	ses_assess_result *r = malloc(sizeof *r);
	if (!r) {
		fprintf(stderr, "poise assess: out of memory\n");
		goto out;
	}
	if (ses_assess_finish(a, r) != POISE_OK)
		fprintf(stderr, "poise assess: the results could not all be stored: %s\n", store_errmsg(s));
	else
		code = r->complete ? CLI_OK : CLI_FAIL;
	print_result(o, p, session_id, a, r, ses_simulated(e));
	if (!r->complete)
		fprintf(stderr, "poise assess: the test is incomplete (a condition or direction has no scored "
		        "trial); what was recorded is kept\n");
	free(r);
out:
	if (session_id)
		store_session_end(s, session_id);
	ses_destroy(e);
	ses_assess_destroy(a);
	return code;
}

int cli_assess(const cli_global *g, int argc, char **argv)
{
	as_opts o = {.patient = g->patient, .operator_name = g->operator_name, .settle_s = -1};
	int code = parse_args(&o, argc, argv);
	if (code)
		return code < 0 ? CLI_OK : code;
	store *s = NULL;
	store_patient p;
	if ((code = cli_open_patient(g, "assess", o.patient, &s, &p)))
		return code;
	cli_signals sigs;
	cli_signals_block(&sigs);
	code = assess(g, &o, s, &p, &sigs);
	store_close(s);
	cli_signals_restore(&sigs);
	return code;
}
