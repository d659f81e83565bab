#include "ui/assess_view.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/los.h"

enum {
	L_TEXT0,              /* the instruction, up to 4 lines */
	L_COUNT = L_TEXT0 + 4,
	L_DETAIL,
	L_LOST1,
	L_LOST2,
	L_TITLE,
	L_SIM,
	L_HINT,
	L_LINE,
	L_R0,                 /* the results' labels */
};

#define TEXT_LINES 4

void ui_assess_init(ui_assess *v, audio *snd)
{
	memset(v, 0, sizeof *v);
	v->snd = snd;
}

void ui_assess_free(ui_assess *v)
{
	for (int i = 0; i < UI_ASSESS_LABELS; i++)
		gfx_label_free(&v->lab[i]);
	memset(v, 0, sizeof *v);
}

void ui_assess_cue(void *ctx, enum atest_cue cue)
{
	ui_assess *v = ctx;
	static const int sound[] = {
		[ATEST_CUE_ATTENTION] = SOUND_TARGET, [ATEST_CUE_TICK] = SOUND_MISS,
		[ATEST_CUE_START] = SOUND_HIT,        [ATEST_CUE_MOVE] = SOUND_LEVEL_UP,
		[ATEST_CUE_STOP] = SOUND_LEVEL_DOWN,  [ATEST_CUE_FALL] = SOUND_PAUSE,
		[ATEST_CUE_DONE] = SOUND_FINISH,
	};
	if (v && cue > ATEST_CUE_NONE && cue <= ATEST_CUE_DONE)
		audio_play(v->snd, (enum sound_cue)sound[cue], PALETTE_BELL);
}

static const char *phase_words(const atest_prompt *p, bool manual)
{
	switch (p->phase) {
	case ATEST_WAIT_ON:
		return "waiting for the patient on the plate";
	case ATEST_INSTRUCT:
		return manual ? "instruction: waits for the therapist at a new condition" : "instruction";
	case ATEST_WEIGH:
		return "weighing";
	case ATEST_SIT:
		return "waiting until seated";
	case ATEST_COUNTDOWN:
		return "countdown";
	case ATEST_SETTLE:
		return p->still ? "settling: not recorded" : "waiting until still: not recorded";
	case ATEST_RECORD:
		return "recording";
	case ATEST_REST:
		return "rest";
	default:
		return "done";
	}
}

static void circle(gfx *g, float cx, float cy, float r, SDL_Color c);

/* The LOS field: the centre, the target and the COP cursor, in a square
 * of half-size r around (cx, cy). */
static void los_field(gfx *g, float cx, float cy, float r, const atest_prompt *p, const cop_sample *cop)
{
	float s = g->scale, k = r / 170.0f; /* px per mm: 170 mm to the edge */
	circle(g, cx, cy, r, g->theme.grid);
	circle(g, cx, cy, r * 0.5f, g->theme.grid);
	gfx_line(g, cx - r, cy, cx + r, cy, g->theme.grid, 1);
	gfx_line(g, cx, cy - r, cx, cy + r, g->theme.grid, 1);
	float tx = cx + (float)(p->target_x_mm - p->centre_x_mm) * k;
	float ty = cy - (float)(p->target_y_mm - p->centre_y_mm) * k;
	gfx_line(g, cx, cy, tx, ty, g->theme.ink_soft, (int)fmaxf(2, 3 * s));
	gfx_disc(g, tx, ty, 34 * s, g->theme.target);
	gfx_ring(g, tx, ty, 34 * s, g->theme.ink);
	gfx_disc(g, cx, cy, 8 * s, g->theme.ink_soft);
	if (cop && !(cop->flags & SAMPLE_NO_COP) && isfinite(cop->xf_mm)) {
		float x = cx + (float)(cop->xf_mm - p->centre_x_mm) * k, y = cy - (float)(cop->yf_mm - p->centre_y_mm) * k;
		x = fminf(fmaxf(x, cx - r), cx + r);
		y = fminf(fmaxf(y, cy - r), cy + r);
		gfx_disc(g, x, y, 18 * s, g->theme.cop);
	}
}

void ui_assess_draw(ui_assess *v, gfx *g, SDL_FRect area, const ses_assess *a, const cop_sample *cop,
                    const char *plate_lost)
{
	float s = g->scale, cx = area.x + area.w / 2;
	atest_prompt p;
	atest_prompt_get(ses_assess_machine(a), &p);
	gfx_fill(g, area, g->theme.bg);
	/* the therapist's line, small, at the bottom */
	gfx_label_draw(g, &v->lab[L_DETAIL], FONT_SMALL, g->theme.ink_soft, cx, area.y + area.h - 34 * s, 1,
	               "%s · %s", p.detail, phase_words(&p, atest_config(ses_assess_machine(a))->manual_go));
	float middle_top;
	if (p.target) { /* LOS: a short line on top, the field below */
		gfx_label_draw(g, &v->lab[L_TEXT0], FONT_TITLE, g->theme.ink, cx, area.y + 24 * s, 1, "%s", p.text);
		for (int i = 1; i < TEXT_LINES; i++)
			v->lab[L_TEXT0 + i].text[0] = 0;
		middle_top = area.y + 80 * s;
		float r = fminf(area.w * 0.4f, (area.y + area.h - 60 * s - middle_top) / 2);
		los_field(g, cx, middle_top + r, r, &p, cop);
	} else {
		float y = gfx_label_wrap(g, &v->lab[L_TEXT0], TEXT_LINES, FONT_TITLE, g->theme.ink, cx, area.y + 40 * s, 1,
		                         area.w * 0.8f, p.text);
		middle_top = y + 30 * s;
		float bottom = area.y + area.h - 70 * s, r = fminf((bottom - middle_top) / 2, 150 * s);
		float cy = middle_top + (bottom - middle_top) / 2;
		if (p.phase == ATEST_COUNTDOWN && p.countdown > 0) {
			gfx_label_draw(g, &v->lab[L_COUNT], FONT_HUGE, g->theme.accent, cx,
			               cy - (float)TTF_FontHeight(g->font[FONT_HUGE]) / 2, 1, "%d", p.countdown);
		}
		if (r > 20 * s && p.phase != ATEST_WAIT_ON && p.phase != ATEST_DONE) {
			/* a ring that fills while a timed phase runs */
			gfx_arc(g, cx, cy, r, 0, 2 * M_PI, g->theme.grid, 10 * s);
			if (p.phase_progress > 0)
				gfx_arc(g, cx, cy, r, M_PI / 2, M_PI / 2 - 2 * M_PI * p.phase_progress,
				        p.phase == ATEST_RECORD ? g->theme.ok : g->theme.accent, 10 * s);
			if (p.phase == ATEST_SETTLE || p.phase == ATEST_RECORD || p.phase == ATEST_WEIGH)
				gfx_disc(g, cx, cy, r * 0.35f, p.still || p.phase == ATEST_RECORD ? g->theme.ok : g->theme.warn);
		}
	}
	if (plate_lost) { /* as in the games: a panel, not a veil over everything */
		float pw = fminf(area.w * 0.6f, 760 * s), ph = 200 * s, cy = area.y + area.h / 2;
		gfx_fill(g, (SDL_FRect){cx - pw / 2, cy - ph / 2, pw, ph}, (SDL_Color){10, 12, 20, 215});
		gfx_label_draw(g, &v->lab[L_LOST1], FONT_TITLE, (SDL_Color){255, 255, 255, 255}, cx, cy - 50 * s, 1,
		               "Paused");
		gfx_label_draw(g, &v->lab[L_LOST2], FONT_BODY, (SDL_Color){210, 215, 230, 255}, cx, cy + 10 * s, 1, "%s",
		               plate_lost);
	}
}

/* ---- results ------------------------------------------------------------- */

typedef struct rview {
	ui_assess *v;
	gfx *g;
	int next; /* next free label */
} rview;

static void rtext(rview *rv, int font, SDL_Color c, float x, float y, int align, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void rtext(rview *rv, int font, SDL_Color c, float x, float y, int align, const char *fmt, ...)
{
	if (rv->next >= UI_ASSESS_LABELS)
		return;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gfx_label_draw(rv->g, &rv->v->lab[rv->next++], font, c, x, y, align, "%s", buf);
}

/* As rtext, in font or smaller (an ellipsis at the end) to fit max_w. */
static void rtext_fit(rview *rv, int font, SDL_Color c, float x, float y, int align, float max_w, const char *fmt,
                      ...) __attribute__((format(printf, 8, 9)));

static void rtext_fit(rview *rv, int font, SDL_Color c, float x, float y, int align, float max_w, const char *fmt,
                      ...)
{
	if (rv->next >= UI_ASSESS_LABELS)
		return;
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	gfx_label_draw_fit(rv->g, &rv->v->lab[rv->next++], font, c, x, y, align, max_w, "%s", buf);
}

/* A number as the screen shows it: counts whole, seconds to 0.01, the
 * rest to 0.1, with the unit. Returns buf. */
static const char *shown(char *buf, size_t len, double v, const char *unit)
{
	if (!isfinite(v))
		snprintf(buf, len, "–");
	else if (!*unit)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, strcmp(unit, "s") == 0 ? "%.2f %s" : "%.1f %s", v, unit);
	return buf;
}

/* A ratio to 0.01, or a dash. Returns buf. */
static const char *ratio(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "–");
	return buf;
}

/* A thin circle. */
static void circle(gfx *g, float cx, float cy, float r, SDL_Color c)
{
	gfx_arc(g, cx, cy, r, 0, 2 * M_PI, c, fmaxf(1.5f, 2 * g->scale));
}

static double val(const ses_assess_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static double val(const ses_assess_result *r, const char *fmt, ...)
{
	char name[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	return r ? ses_assess_value(r, name) : NAN;
}

static void mctsib_results(rview *rv, SDL_FRect box, const ses_assess_result *r, const ses_assess_result *prev)
{
	gfx *g = rv->g;
	float s = g->scale;
	static const char *const name[CTSIB_CONDS] = {"Firm, eyes open", "Firm, eyes closed", "Foam, eyes open",
	                                              "Foam, eyes closed"};
	double vmax = 1;
	for (int c = 0; c < CTSIB_CONDS; c++) {
		vmax = fmax(vmax, val(r, "mctsib_%s_velocity_mm_s", atest_ctsib_key(c)));
		vmax = fmax(vmax, val(prev, "mctsib_%s_velocity_mm_s", atest_ctsib_key(c)));
	}
	float base = box.y + box.h - 60 * s, hmax = box.h - 140 * s, slot = box.w / CTSIB_CONDS;
	gfx_line(g, box.x, base, box.x + box.w, base, g->theme.ink_soft, 2);
	for (int c = 0; c < CTSIB_CONDS; c++) {
		float x = box.x + slot * ((float)c + 0.5f), bw = slot * 0.45f;
		double vel = val(r, "mctsib_%s_velocity_mm_s", atest_ctsib_key(c));
		if (isfinite(vel)) {
			float h = hmax * (float)(vel / vmax);
			gfx_fill(g, (SDL_FRect){x - bw / 2, base - h, bw, h}, g->theme.accent);
			rtext(rv, FONT_BODY, g->theme.ink, x, base - h - 30 * s, 1, "%.1f mm/s", vel);
		} else {
			rtext(rv, FONT_SMALL, g->theme.ink_soft, x, base - 30 * s, 1, "not scored");
		}
		double pv = val(prev, "mctsib_%s_velocity_mm_s", atest_ctsib_key(c));
		if (isfinite(pv)) {
			float h = hmax * (float)(pv / vmax);
			gfx_line(g, x - bw * 0.7f, base - h, x + bw * 0.7f, base - h, g->theme.ink, (int)fmaxf(2, 3 * s));
		}
		rtext_fit(rv, FONT_BODY, g->theme.ink, x, base + 8 * s, 1, slot - 12 * s, "%s", name[c]);
		double falls = val(r, "mctsib_%s_falls", atest_ctsib_key(c));
		if (falls > 0)
			rtext(rv, FONT_SMALL, g->theme.warn, x, base + 34 * s, 1, "%.0f fall%s", falls, falls == 1 ? "" : "s");
	}
	/* Numbers not measured (a condition left out or stopped) show as a dash. */
	char comp[32], rf[32], rfo[32], feo[32], fec[32];
	rtext_fit(rv, FONT_BODY, g->theme.ink, box.x + box.w / 2, box.y, 1, box.w,
	      "composite %s · Romberg firm %s, foam %s · foam ratio eyes open %s, closed %s%s",
	      shown(comp, sizeof comp, ses_assess_value(r, "mctsib_composite_velocity_mm_s"), "mm/s"),
	      ratio(rf, sizeof rf, ses_assess_value(r, "romberg_firm")),
	      ratio(rfo, sizeof rfo, ses_assess_value(r, "romberg_foam")),
	      ratio(feo, sizeof feo, ses_assess_value(r, "foam_ratio_eo")),
	      ratio(fec, sizeof fec, ses_assess_value(r, "foam_ratio_ec")), prev ? " · dark line: previous test" : "");
}

static void los_results(rview *rv, SDL_FRect box, const ses_assess_result *r, const ses_assess_result *prev)
{
	gfx *g = rv->g;
	float s = g->scale;
	float rad = fminf(box.h * 0.45f, box.w * 0.28f), cx = box.x + rad + 40 * s, cy = box.y + box.h / 2;
	double lim[LOS_DIRS], tgt[LOS_DIRS], pl[LOS_DIRS], rmax = 1;
	for (int d = 0; d < LOS_DIRS; d++) {
		lim[d] = val(r, "los_limit_%s_mm", atest_los_key(d));
		tgt[d] = val(r, "los_target_%s_mm", atest_los_key(d));
		pl[d] = val(prev, "los_limit_%s_mm", atest_los_key(d));
		rmax = fmax(rmax, fmax(isfinite(lim[d]) ? lim[d] : 0, isfinite(tgt[d]) ? tgt[d] : 0));
		rmax = fmax(rmax, isfinite(pl[d]) ? pl[d] : 0);
	}
	float k = rad / (float)rmax;
	circle(g, cx, cy, rad, g->theme.grid);
	circle(g, cx, cy, rad / 2, g->theme.grid);
	const double *series[3] = {tgt, pl, lim};
	SDL_Color col[3] = {g->theme.ink_soft, g->theme.ink, g->theme.accent};
	for (int sr = 0; sr < 3; sr++)
		for (int d = 0; d < LOS_DIRS; d++) {
			double a0 = d * M_PI / 4, a1 = (d + 1) * M_PI / 4, r0 = series[sr][d], r1 = series[sr][(d + 1) % LOS_DIRS];
			if (!isfinite(r0) || !isfinite(r1))
				continue;
			gfx_line(g, cx + (float)(r0 * cos(a0)) * k, cy - (float)(r0 * sin(a0)) * k,
			         cx + (float)(r1 * cos(a1)) * k, cy - (float)(r1 * sin(a1)) * k, col[sr],
			         (int)fmaxf(sr == 2 ? 3 : 2, (sr == 2 ? 4 : 2) * s));
		}
	rtext(rv, FONT_SMALL, g->theme.ink_soft, cx, cy - rad - 26 * s, 1, "forward");
	rtext(rv, FONT_SMALL, g->theme.ink_soft, cx, cy + rad + 6 * s, 1, "back");
	float tx = cx + rad + 60 * s, ty = box.y + 20 * s, lh = (float)g->font_px[FONT_BODY] * 1.5f;
	static const struct {
		const char *key, *label, *unit;
	} rows[] = {{"los_rt_s", "Reaction time", "s"},      {"los_mvl_deg_s", "Movement velocity", "°/s"},
	            {"los_epe_pct", "Endpoint excursion", "%"}, {"los_mxe_pct", "Maximum excursion", "%"},
	            {"los_dcl_pct", "Directional control", "%"}, {"los_falls", "Falls", ""}};
	float label_w = 0, right = box.x + box.w;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		label_w = fmaxf(label_w, gfx_text_width(g, FONT_BODY, rows[i].label));
	float vx = tx + label_w + 30 * s;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		rtext(rv, FONT_BODY, g->theme.ink_soft, tx, ty + (float)i * lh, 0, "%s", rows[i].label);
		double x = ses_assess_value(r, rows[i].key), p = prev ? ses_assess_value(prev, rows[i].key) : NAN;
		char a[48], b[48];
		if (isfinite(p))
			rtext_fit(rv, FONT_BODY, g->theme.ink, vx, ty + (float)i * lh, 0, right - vx, "%s  (before %s)",
			          shown(a, sizeof a, x, rows[i].unit), shown(b, sizeof b, p, rows[i].unit));
		else
			rtext_fit(rv, FONT_BODY, g->theme.ink, vx, ty + (float)i * lh, 0, right - vx, "%s",
			          shown(a, sizeof a, x, rows[i].unit));
	}
	rtext_fit(rv, FONT_SMALL, g->theme.ink_soft, tx, ty + 6.5f * lh, 0, right - tx,
	      "blue: reach measured · grey: targets%s%s", prev ? " · black: previous" : "",
	      r->complete ? " · the games now use this reach" : " · incomplete: the games keep their reach");
}

static void split(rview *rv, float x, float y, float w, double left, const char *l, const char *r)
{
	gfx *g = rv->g;
	float s = g->scale, h = 34 * s;
	if (!isfinite(left))
		return;
	float k = (float)fmin(fmax(left / 100, 0), 1);
	gfx_fill(g, (SDL_FRect){x, y, w * k, h}, g->theme.accent);
	gfx_fill(g, (SDL_FRect){x + w * k, y, w * (1 - k), h}, g->theme.grid);
	gfx_line(g, x + w / 2, y - 6 * s, x + w / 2, y + h + 6 * s, g->theme.ink, 2);
	rtext(rv, FONT_BODY, g->theme.ink, x - 12 * s, y + 4 * s, 2, "%s %.0f %%", l, left);
	rtext(rv, FONT_BODY, g->theme.ink, x + w + 12 * s, y + 4 * s, 0, "%.0f %% %s", 100 - left, r);
}

static void symmetry_results(rview *rv, SDL_FRect box, const ses_assess_result *r)
{
	gfx *g = rv->g;
	float s = g->scale, x = box.x + 220 * s, w = box.w - 440 * s;
	static const char *const posture[2] = {"stand", "squat"}, *const name[2] = {"Standing", "Squat"};
	for (int p = 0; p < 2; p++) {
		float y = box.y + (float)p * 200 * s;
		double l = val(r, "wb_%s_left_pct", posture[p]), rr = val(r, "wb_%s_right_pct", posture[p]);
		double f = val(r, "wb_%s_front_pct", posture[p]), b = val(r, "wb_%s_back_pct", posture[p]);
		rtext(rv, FONT_TITLE, g->theme.ink, x, y, 0, "%s", name[p]);
		char si[32];
		rtext(rv, FONT_SMALL, g->theme.ink_soft, x + w, y + 8 * s, 2, "symmetry index %s (0 = even)",
		      shown(si, sizeof si, val(r, "wb_%s_si_pct", posture[p]), "%"));
		split(rv, x, y + 50 * s, w, l + rr > 0 ? l / (l + rr) * 100 : NAN, "left", "right");
		split(rv, x, y + 106 * s, w, f + b > 0 ? f / (f + b) * 100 : NAN, "front", "back");
	}
}

static void sts_results(rview *rv, SDL_FRect box, const ses_assess_result *r, const ses_assess_result *prev)
{
	gfx *g = rv->g;
	float s = g->scale;
	static const struct {
		const char *key, *label, *unit;
	} rows[] = {{"sts_transfer_s", "Weight-transfer time", "s"},
	            {"sts_rising_index_pct", "Rising index", "% of body weight"},
	            {"sts_sway_velocity_mm_s", "Sway after rising", "mm/s"},
	            {"sts_rise_left_pct", "Left share while rising", "%"},
	            {"sts_rises", "Rises", ""},
	            {"sts_falls", "Falls", ""}};
	/* Three columns sized by their words: label, value, the value before. */
	size_t n = sizeof rows / sizeof rows[0];
	float label_w = 0;
	for (size_t i = 0; i < n; i++)
		label_w = fmaxf(label_w, gfx_text_width(g, FONT_BODY, rows[i].label));
	float x = box.x + fmaxf(0, box.w * 0.2f - fmaxf(0, label_w - box.w * 0.3f)), lh = (float)g->font_px[FONT_TITLE] * 1.45f;
	float vx = x + label_w + 40 * s, right = box.x + box.w, value_w = prev ? (right - vx) * 0.55f : right - vx;
	for (size_t i = 0; i < n; i++) {
		float y = box.y + 20 * s + (float)i * lh;
		rtext(rv, FONT_BODY, g->theme.ink_soft, x, y, 0, "%s", rows[i].label);
		double v = ses_assess_value(r, rows[i].key), p = prev ? ses_assess_value(prev, rows[i].key) : NAN;
		char a[48];
		rtext_fit(rv, FONT_TITLE, g->theme.ink, vx, y - 6 * s, 0, value_w - 20 * s, "%s",
		          shown(a, sizeof a, v, rows[i].unit));
		if (isfinite(p))
			rtext_fit(rv, FONT_BODY, g->theme.ink_soft, vx + value_w, y, 0, right - vx - value_w, "before %s",
			          shown(a, sizeof a, p, rows[i].unit));
	}
}

void ui_assess_results_draw(ui_assess *v, gfx *g, SDL_FRect area, const ses_assess_result *r,
                            const ses_assess_result *previous, bool simulated)
{
	float s = g->scale, cx = area.x + area.w / 2;
	rview rv = {v, g, L_R0};
	gfx_fill(g, area, g->theme.bg);
	gfx_label_draw_fit(g, &v->lab[L_TITLE], FONT_TITLE, g->theme.accent, cx, area.y + 24 * s, 1, area.w - 40 * s,
	                   "%s — %s", atest_label(r->test),
	                   r->complete ? "complete" : "incomplete: a condition has no scored trial");
	float lh = (float)g->font_px[FONT_BODY] * 1.35f, hint_y = area.y + area.h - lh - 6 * s;
	float sim_y = hint_y - (simulated ? lh : 0);
	float top = area.y + 40 * s + (float)g->font_px[FONT_TITLE] * 1.4f;
	SDL_FRect box = {area.x + 60 * s, top, area.w - 120 * s, sim_y - 20 * s - top};
	switch (r->test) {
	case ATEST_MCTSIB:
		mctsib_results(&rv, box, r, previous);
		break;
	case ATEST_LOS:
		los_results(&rv, box, r, previous);
		break;
	case ATEST_SYMMETRY:
		symmetry_results(&rv, box, r);
		break;
	default:
		sts_results(&rv, box, r, previous);
		break;
	}
	if (simulated)
		gfx_label_draw_fit(g, &v->lab[L_SIM], FONT_BODY, g->theme.warn, cx, sim_y, 1, area.w - 40 * s,
		                   "Simulated plate: these numbers are a demonstration, not a measurement");
	gfx_label_draw_fit(g, &v->lab[L_HINT], FONT_BODY, g->theme.ink_soft, cx, hint_y, 1, area.w - 40 * s,
	                   "Enter: continue · R: report · F12: screenshot");
}
