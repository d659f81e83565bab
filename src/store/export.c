/* CSV/JSON export of a patient's trials. */
#include "store/export.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/pipeline.h"
#include "core/text.h"
#include "store/store_impl.h"
#include "sys/outfile.h"

static const char readme[] =
	"Poise export\n"
	"============\n"
	"\n"
	"One set of files per trial, named <patient>_s<session>_t<trial>_<kind>_...\n"
	"Times are seconds since the start of the trial (host clock); wall-clock\n"
	"times are ISO 8601 UTC. Numbers use '.' as the decimal point.\n"
	"\n"
	"*_samples.csv: one row per COP sample, on the fixed output clock of the\n"
	"pipeline (resampled, not display-filtered; the signal the metrics use).\n"
	"  t           s    time since the trial's start\n"
	"  cop_x       mm   centre of pressure, medio-lateral, + = patient's right\n"
	"  cop_y       mm   centre of pressure, antero-posterior, + = forward\n"
	"                   (both empty when the total force was too low for a COP)\n"
	"  fz_n        N    total vertical force\n"
	"  force_tl_n, force_tr_n, force_bl_n, force_br_n\n"
	"              N    force on the top-left, top-right, bottom-left,\n"
	"                   bottom-right load cell (as seen by the patient)\n"
	"  on_plate    1/0  somebody was standing on the plate\n"
	"  flags            bits: 1 frames lost before this sample, 2-16 a cell\n"
	"                   over range, 32 converter fault, 64 battery low,\n"
	"                   256 on plate, 512 stepped on, 1024 stepped off,\n"
	"                   2048 clock restarted after an input gap, 4096 no COP\n"
	"  simulated   1/0  1: recorded on the simulated plate (see below)\n"
	"`poise metrics FILE_samples.csv` computes the sway metrics of the file;\n"
	"for a trial where the patient stepped off, keep the rows with\n"
	"on_plate = 1 first (pandas: df[df.on_plate == 1]), as Poise does.\n"
	"\n"
	"*_metrics.csv (CSV export) / \"metrics\" (JSON export): the static sway\n"
	"metrics Poise computed at the end of the trial from its on-plate samples\n"
	"(resampled to 100 Hz, zero-phase 10 Hz low-pass, mean removed; Prieto\n"
	"et al. 1996). The unit is in the name and in the unit column.\n"
	"\n"
	"*_events.csv / \"events\": t (s), kind (step-on, step-off, gap, level,\n"
	"...), detail.\n"
	"\n"
	"Simulated data. Every CSV file has a column `simulated` (on every row,\n"
	"so it survives concatenating files) and every *_trial.json has\n"
	"\"simulated\": true/false in its session and trial: 1 / true means the\n"
	"trial was recorded on Poise's simulated plate (a demonstration or a\n"
	"test): its samples, metrics and events were invented by the program and\n"
	"are not a measurement of the patient. Leave such trials out of any\n"
	"analysis (pandas: df[df.simulated == 0]).\n"
	"\n"
	"trials.csv (CSV export) / *_trial.json (JSON export): the trial and its\n"
	"session: kind, status (complete, aborted, stepped-off, device-lost,\n"
	"crashed = Poise was stopped before the trial ended; its samples up to\n"
	"then are kept), start, duration, sample rate, device, simulated,\n"
	"operator, parameters and level (JSON), and the session's notes and the\n"
	"therapist's comment. A trial of kind test:<name> (test:mctsib, test:los,\n"
	"test:symmetry, test:sit-to-stand) is a test's summary: it has no samples;\n"
	"its metrics are the test's results and its parameters list its trials.\n";

typedef struct out_file {
	FILE *f;           /* on a duplicate of of.fd */
	sys_outfile of;    /* the temporary file, put in place by out_close */
	char path[4096];
} out_file;

static int io_err(int e)
{
	return e == ENOSPC || e == EFBIG || e == EDQUOT ? POISE_E_NOSPACE
	     : e == EACCES || e == EROFS || e == EPERM   ? POISE_E_ACCESS
	                                                 : POISE_E_IO;
}

static int out_open(store *s, out_file *o, const char *dir, const char *name)
{
	int k = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	if (k < 0 || (size_t)k >= sizeof o->path)
		return store_fail(s, POISE_E_RANGE, "cannot export: the path %s/%s is too long", dir, name);
	/* A new export of the same trial replaces its files; a link, FIFO or
	 * device planted under one of the names is refused. */
	char msg[512];
	int rc = sys_out_open(&o->of, o->path, SYS_OUT_REPLACE, msg, sizeof msg);
	if (rc)
		return store_fail(s, rc, "%s", msg);
	int fd = fcntl(o->of.fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		sys_out_abort(&o->of);
		return store_fail(s, io_err(e), "cannot write %s: %s", o->path, strerror(e));
	}
	return POISE_OK;
}

/* Closes; an error of any earlier write shows here. */
static int out_close(store *s, out_file *o, size_t *files)
{
	errno = 0;
	bool bad = ferror(o->f) != 0;
	int e = errno;
	if (fclose(o->f) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	o->f = NULL;
	if (bad) {
		if (!e)
			e = EIO;
		sys_out_abort(&o->of);
		return store_fail(s, io_err(e), "cannot write %s: %s; the export is incomplete",
		                  o->path, e == EFBIG ? "file too large (a file-size limit)" : strerror(e));
	}
	char msg[512];
	int rc = sys_out_commit(&o->of, msg, sizeof msg);
	if (rc)
		return store_fail(s, rc, "%s; the export is incomplete", msg);
	(*files)++;
	return POISE_OK;
}

static int make_dirs(store *s, const char *dir)
{
	char p[4096];
	int k = snprintf(p, sizeof p, "%s", dir);
	if (k <= 0 || (size_t)k >= sizeof p)
		return store_fail(s, POISE_E_RANGE, "cannot export: bad folder '%s'", dir);
	for (char *c = p + 1;; c++) {
		bool end = *c == 0;
		if (*c == '/' || end) {
			*c = 0;
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				int e = errno;
				return store_fail(s, io_err(e), "cannot create the folder %s: %s", p, strerror(e));
			}
			if (end)
				break;
			*c = '/';
		}
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return store_fail(s, POISE_E_INVALID, "cannot export into %s: not a folder", dir);
	return POISE_OK;
}

/* A CSV field, quoted when it needs to be. */
static void csv_text(FILE *f, const char *t)
{
	if (!strpbrk(t, ",;\"\n\r\t")) {
		fputs(t, f);
		return;
	}
	fputc('"', f);
	for (; *t; t++) {
		if (*t == '"')
			fputc('"', f);
		fputc(*t, f);
	}
	fputc('"', f);
}

static void json_text_or_null(FILE *f, const char *t)
{
	if (t && *t)
		text_json_fputs(f, t);
	else
		fputs("null", f);
}

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.10g", v);
	else
		fputs("null", f);
}

void store_export_samples_name(char *buf, size_t len, const char *code, int64_t session_id,
                               int64_t trial_id, const char *kind)
{
	char k[48];
	snprintf(k, sizeof k, "%s", kind);
	for (char *c = k; *c; c++)
		if (*c == ':' || *c == '/')
			*c = '-';
	snprintf(buf, len, "%s_s%lld_t%lld_%s_samples.csv", code, (long long)session_id,
	         (long long)trial_id, k);
}

/* The name with "_samples.csv" replaced by suffix. */
static void sibling_name(char *buf, size_t len, const char *samples_name, const char *suffix)
{
	size_t n = strlen(samples_name) - strlen("_samples.csv");
	snprintf(buf, len, "%.*s%s", (int)n, samples_name, suffix);
}

static int write_samples(store *s, const store_trial *t, bool sim, const char *dir,
                         const char *name, size_t *files)
{
	store_sample *smp;
	size_t n;
	int err = store_samples(s, t->id, &smp, &n);
	if (err)
		return err;
	out_file o;
	if ((err = out_open(s, &o, dir, name))) {
		free(smp);
		return err;
	}
	fputs("t,cop_x,cop_y,fz_n,force_tl_n,force_tr_n,force_bl_n,force_br_n,on_plate,flags,"
	      "simulated\n", o.f);
	for (size_t i = 0; i < n; i++) {
		const store_sample *x = &smp[i];
		long long a = x->t_us < 0 ? -(long long)x->t_us : (long long)x->t_us;
		fprintf(o.f, "%s%lld.%06lld,", x->t_us < 0 ? "-" : "", a / 1000000, a % 1000000);
		if (isfinite(x->x_mm) && isfinite(x->y_mm))
			fprintf(o.f, "%.6f,%.6f,", x->x_mm, x->y_mm);
		else
			fputs(",,", o.f);
		fprintf(o.f, "%.4f,%.4f,%.4f,%.4f,%.4f,%d,%u,%d\n", x->fz_n, x->force_n[0],
		        x->force_n[1], x->force_n[2], x->force_n[3], (x->flags & SAMPLE_ON_PLATE) ? 1 : 0,
		        x->flags, sim);
	}
	free(smp);
	return out_close(s, &o, files);
}

static int write_csv(store *s, const store_trial *t, bool sim, const char *dir,
                     const char *samples_name, size_t *files)
{
	store_metric *m;
	size_t nm;
	int err = store_metrics(s, t->id, &m, &nm);
	if (err)
		return err;
	char name[512];
	out_file o;
	sibling_name(name, sizeof name, samples_name, "_metrics.csv");
	if ((err = out_open(s, &o, dir, name))) {
		free(m);
		return err;
	}
	fputs("name,value,unit,simulated\n", o.f);
	for (size_t i = 0; i < nm; i++) {
		csv_text(o.f, m[i].name);
		if (isfinite(m[i].value))
			fprintf(o.f, ",%.10g,", m[i].value);
		else
			fputs(",,", o.f);
		csv_text(o.f, m[i].unit);
		fprintf(o.f, ",%d\n", sim);
	}
	free(m);
	if ((err = out_close(s, &o, files)))
		return err;

	store_event *ev;
	size_t ne;
	if ((err = store_events(s, t->id, &ev, &ne)))
		return err;
	sibling_name(name, sizeof name, samples_name, "_events.csv");
	if ((err = out_open(s, &o, dir, name))) {
		free(ev);
		return err;
	}
	fputs("t,kind,detail,simulated\n", o.f);
	for (size_t i = 0; i < ne; i++) {
		fprintf(o.f, "%.6f,", (double)ev[i].t_us / 1e6);
		csv_text(o.f, ev[i].kind);
		fputc(',', o.f);
		csv_text(o.f, ev[i].detail);
		fprintf(o.f, ",%d\n", sim);
	}
	free(ev);
	return out_close(s, &o, files);
}

static int write_json(store *s, const char *code, const store_session *se, const store_trial *t,
                      const char *dir, const char *samples_name, size_t *files)
{
	store_metric *m;
	size_t nm;
	int err = store_metrics(s, t->id, &m, &nm);
	if (err)
		return err;
	store_event *ev;
	size_t ne;
	if ((err = store_events(s, t->id, &ev, &ne))) {
		free(m);
		return err;
	}
	char name[512];
	out_file o;
	sibling_name(name, sizeof name, samples_name, "_trial.json");
	if ((err = out_open(s, &o, dir, name))) {
		free(m);
		free(ev);
		return err;
	}
	FILE *f = o.f;
	fputs("{\n  \"patient\": ", f);
	text_json_fputs(f, code);
	fprintf(f, ",\n  \"session\": {\"id\": %lld, \"started_at\": ", (long long)se->id);
	text_json_fputs(f, se->started_at);
	fputs(", \"ended_at\": ", f);
	json_text_or_null(f, se->ended_at);
	fputs(", \"device\": ", f);
	text_json_fputs(f, se->device_backend);
	fputs(", \"device_serial\": ", f);
	json_text_or_null(f, se->device_serial);
	fprintf(f, ", \"simulated\": %s", store_session_is_simulated(se) ? "true" : "false");
	fputs(", \"operator\": ", f);
	json_text_or_null(f, se->operator_name);
	fputs(", \"notes\": ", f);
	json_text_or_null(f, se->notes);
	fputs(", \"comment\": ", f);
	json_text_or_null(f, se->comment);
	fprintf(f, "},\n  \"trial\": {\"id\": %lld, \"kind\": ", (long long)t->id);
	text_json_fputs(f, t->kind);
	fprintf(f, ", \"status\": \"%s\", \"simulated\": %s, \"started_at\": ",
	        store_status_name(t->status), store_session_is_simulated(se) ? "true" : "false");
	text_json_fputs(f, t->started_at);
	fputs(", \"duration_s\": ", f);
	json_num(f, t->duration_s);
	fputs(", \"rate_hz\": ", f);
	json_num(f, t->rate_hz > 0 ? t->rate_hz : NAN);
	fputs(", \"n_samples\": ", f);
	if (t->n_samples >= 0)
		fprintf(f, "%lld", (long long)t->n_samples);
	else
		fputs("null", f);
	/* params and level are JSON already (checked by the schema). */
	fprintf(f, ", \"params\": %s, \"level\": %s},\n  \"samples_csv\": ",
	        t->params_json[0] ? t->params_json : "{}", t->level_json[0] ? t->level_json : "null");
	text_json_fputs(f, samples_name);
	fputs(",\n  \"metrics\": {", f);
	for (size_t i = 0; i < nm; i++) {
		fputs(i ? ", " : "", f);
		text_json_fputs(f, m[i].name);
		fputs(": ", f);
		json_num(f, m[i].value);
	}
	fputs("},\n  \"metric_units\": {", f);
	for (size_t i = 0; i < nm; i++) {
		fputs(i ? ", " : "", f);
		text_json_fputs(f, m[i].name);
		fputs(": ", f);
		text_json_fputs(f, m[i].unit);
	}
	fputs("},\n  \"events\": [", f);
	for (size_t i = 0; i < ne; i++) {
		fprintf(f, "%s{\"t\": %.6f, \"kind\": ", i ? ", " : "", (double)ev[i].t_us / 1e6);
		text_json_fputs(f, ev[i].kind);
		fputs(", \"detail\": ", f);
		text_json_fputs(f, ev[i].detail);
		fputs("}", f);
	}
	fputs("]\n}\n", f);
	free(m);
	free(ev);
	return out_close(s, &o, files);
}

static void index_row(FILE *f, const char *code, const store_session *se, const store_trial *t,
                      const char *samples_name)
{
	csv_text(f, code);
	fprintf(f, ",%lld,%lld,", (long long)se->id, (long long)t->id);
	csv_text(f, t->kind);
	fprintf(f, ",%s,%s,%.6f,%g,", store_status_name(t->status), t->started_at, t->duration_s,
	        t->rate_hz);
	if (t->n_samples >= 0)
		fprintf(f, "%lld", (long long)t->n_samples);
	fputc(',', f);
	csv_text(f, se->device_backend);
	fputc(',', f);
	csv_text(f, se->device_serial);
	fprintf(f, ",%d,", store_session_is_simulated(se));
	csv_text(f, se->operator_name);
	fputc(',', f);
	csv_text(f, t->params_json);
	fputc(',', f);
	csv_text(f, t->level_json);
	fputc(',', f);
	csv_text(f, samples_name);
	fputc(',', f);
	csv_text(f, se->notes);
	fputc(',', f);
	csv_text(f, se->comment);
	fputc('\n', f);
}

int store_export(store *s, const char *code, int64_t session_id, enum store_export_format fmt,
                 const char *dir, store_export_result *res)
{
	store_patient p;
	int err = store_patient_get(s, code, &p);
	if (err)
		return err;
	store_session *se;
	size_t ns;
	if ((err = store_sessions(s, p.id, &se, &ns)))
		return err;
	if (session_id > 0) {
		size_t k = 0;
		for (size_t i = 0; i < ns; i++)
			if (se[i].id == session_id)
				se[k++] = se[i];
		if (k == 0) {
			free(se);
			return store_fail(s, POISE_E_NOT_FOUND, "patient %s has no session %lld", code,
			                  (long long)session_id);
		}
		ns = k;
	}
	store_export_result r = {0};
	out_file idx = {0};
	if ((err = make_dirs(s, dir)))
		goto out;
	out_file rd;
	if ((err = out_open(s, &rd, dir, "README.txt")))
		goto out;
	fputs(readme, rd.f);
	if ((err = out_close(s, &rd, &r.files)))
		goto out;
	if (fmt == STORE_EXPORT_CSV) {
		if ((err = out_open(s, &idx, dir, "trials.csv")))
			goto out;
		fputs("patient,session,trial,kind,status,started_at,duration_s,rate_hz,n_samples,device,"
		      "device_serial,simulated,operator,params,level,samples_file,session_notes,"
		      "session_comment\n",
		      idx.f);
	}
	for (size_t i = 0; i < ns && !err; i++) {
		store_trial *t;
		size_t nt;
		if ((err = store_trials(s, se[i].id, &t, &nt)))
			break;
		for (size_t j = 0; j < nt && !err; j++) {
			char name[512];
			store_export_samples_name(name, sizeof name, p.code, se[i].id, t[j].id, t[j].kind);
			bool sim = store_session_is_simulated(&se[i]);
			err = write_samples(s, &t[j], sim, dir, name, &r.files);
			if (!err && fmt == STORE_EXPORT_CSV) {
				err = write_csv(s, &t[j], sim, dir, name, &r.files);
				index_row(idx.f, p.code, &se[i], &t[j], name);
			} else if (!err) {
				err = write_json(s, p.code, &se[i], &t[j], dir, name, &r.files);
			}
			if (!err)
				r.trials++;
		}
		free(t);
	}
	if (idx.f) {
		if (err)
			fclose(idx.f);
		else
			err = out_close(s, &idx, &r.files);
	}
out:
	free(se);
	if (!err && res)
		*res = r;
	return err;
}
