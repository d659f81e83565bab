#include "core/cond.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"

/* One row per value, in enum order: the name used on the command line, in
 * the database and the JSON, and the words for people. */
typedef struct cond_name {
	const char *name;
	const char *label;
} cond_name;

static const cond_name stances[COND_STANCE_COUNT] = {
	{"standing", "Standing, feet apart"},
	{"feet-together", "Feet together"},
	{"tandem", "Tandem stance (heel to toe)"},
	{"single-left", "On the left leg"},
	{"single-right", "On the right leg"},
	{"seated", "Seated on the plate"},
};
static const cond_name surfaces[COND_SURFACE_COUNT] = {{"firm", "Firm"}, {"foam", "Foam"}};
static const cond_name visuals[COND_VISUAL_COUNT] = {
	{"static", "Still scene"}, {"flow", "Drifting scene"}, {"tilt", "Tilting scene"}};
static const cond_name duals[COND_DUAL_COUNT] = {
	{"none", "Single task"},
	{"arithmetic", "Sums"},
	{"category", "Word categories"},
	{"count-back", "Counting back by 3"},
};

static const char *name_of(const cond_name *t, int n, int v)
{
	return v >= 0 && v < n ? t[v].name : "?";
}

static bool parse_in(const cond_name *t, int n, const char *s, int *out)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, t[i].name) == 0) {
			*out = i;
			return true;
		}
	return false;
}

const char *cond_visual_warning(void)
{
	return "Moving scene: the background drifts or tilts. People prone to motion sickness, "
	       "dizziness or migraine can feel unwell: ask first, stand by, and stop at once if "
	       "they feel sick.";
}

#define N(t) ((int)(sizeof t / sizeof t[0]))

const char *cond_stance_name(int v) { return name_of(stances, N(stances), v); }
const char *cond_surface_name(int v) { return name_of(surfaces, N(surfaces), v); }
const char *cond_visual_name(int v) { return name_of(visuals, N(visuals), v); }
const char *cond_dual_name(int v) { return name_of(duals, N(duals), v); }

const char *cond_stance_label(int v)
{
	return v >= 0 && v < N(stances) ? stances[v].label : "?";
}

const char *cond_dual_label(int v)
{
	return v >= 0 && v < N(duals) ? duals[v].label : "?";
}

bool cond_stance_parse(const char *s, int *out) { return parse_in(stances, N(stances), s, out); }
bool cond_surface_parse(const char *s, int *out) { return parse_in(surfaces, N(surfaces), s, out); }
bool cond_visual_parse(const char *s, int *out) { return parse_in(visuals, N(visuals), s, out); }
bool cond_dual_parse(const char *s, int *out) { return parse_in(duals, N(duals), s, out); }

const char *cond_stance_names(void)
{
	return "standing|feet-together|tandem|single-left|single-right|seated";
}

const char *cond_dual_names(void)
{
	return "none|arithmetic|category|count-back";
}

bool cond_valid(const cond_set *c)
{
	return c->stance >= 0 && c->stance < COND_STANCE_COUNT && c->surface >= 0 &&
	       c->surface < COND_SURFACE_COUNT && c->visual >= 0 && c->visual < COND_VISUAL_COUNT &&
	       c->dual_task >= 0 && c->dual_task < COND_DUAL_COUNT && c->visual_speed_deg_s >= 0 &&
	       c->visual_speed_deg_s <= COND_VISUAL_SPEED_MAX &&
	       (c->head_turn_s == 0 ||
	        (c->head_turn_s >= COND_HEAD_TURN_MIN_S && c->head_turn_s <= COND_HEAD_TURN_MAX_S));
}

bool cond_same_motor(const cond_set *a, const cond_set *b)
{
	return a->stance == b->stance && a->surface == b->surface && a->visual == b->visual &&
	       a->head_turn_s == b->head_turn_s && a->eyes_closed == b->eyes_closed &&
	       a->audio_feedback == b->audio_feedback;
}

bool cond_is_plain(const cond_set *c)
{
	static const cond_set plain;
	return cond_same_motor(c, &plain) && c->dual_task == COND_DUAL_NONE;
}

void cond_support_scale(int stance, double *ml, double *fwd, double *back)
{
	static const double t[COND_STANCE_COUNT][3] = {
		[COND_STANDING] = {1, 1, 1},
		[COND_FEET_TOGETHER] = {0.55, 1, 1},
		[COND_TANDEM] = {0.35, 0.9, 0.9},
		[COND_SINGLE_LEFT] = {0.3, 0.6, 0.6},
		[COND_SINGLE_RIGHT] = {0.3, 0.6, 0.6},
		[COND_SEATED] = {0.6, 0.5, 0.4},
	};
	int k = stance >= 0 && stance < COND_STANCE_COUNT ? stance : COND_STANDING;
	*ml = t[k][0];
	*fwd = t[k][1];
	*back = t[k][2];
}

double cond_load_fraction(int stance)
{
	return stance == COND_SEATED ? 0.7 : 1.0;
}

void cond_presence(int stance, pres_cfg *out)
{
	if (stance == COND_SEATED)
		pres_cfg_seated(out);
	else
		pres_cfg_default(out);
}

int cond_json_members(const cond_set *c, char *buf, size_t len)
{
	int k = snprintf(buf, len,
	                 "\"stance\": \"%s\", \"surface\": \"%s\", \"visual\": \"%s\", "
	                 "\"visual_speed_deg_s\": %.17g, \"head_turn_s\": %.17g, \"eyes_closed\": %s, "
	                 "\"audio_feedback\": %s, \"dual_task\": \"%s\"",
	                 cond_stance_name(c->stance), cond_surface_name(c->surface), cond_visual_name(c->visual),
	                 c->visual_speed_deg_s, c->head_turn_s, c->eyes_closed ? "true" : "false",
	                 c->audio_feedback ? "true" : "false", cond_dual_name(c->dual_task));
	return k > 0 && (size_t)k < len ? POISE_OK : POISE_E_RANGE;
}

bool cond_apply_step(cond_set *c, const char *step)
{
	cond_set n = *c;
	int v;
	if (cond_stance_parse(step, &v))
		n.stance = v;
	else if (cond_surface_parse(step, &v))
		n.surface = v;
	else if (strcmp(step, "eyes-closed") == 0)
		n.eyes_closed = n.audio_feedback = true;
	else if (strcmp(step, "eyes-open") == 0)
		n.eyes_closed = false;
	else if (strcmp(step, "head-turns") == 0)
		n.head_turn_s = 4;
	else if ((strcmp(step, "flow") == 0 || strcmp(step, "tilt") == 0) && cond_visual_parse(step, &v))
		n.visual = v;
	else if (strcmp(step, "single") == 0)
		n.dual_task = COND_DUAL_NONE;
	else if (strcmp(step, "none") != 0 && cond_dual_parse(step, &v))
		n.dual_task = v;
	else
		return false;
	*c = n;
	return true;
}

/* Calls fn on each comma-separated step of text (at most COND_LADDER_MAX
 * + 1 are looked at); stops at the first false. Returns the steps seen. */
static int each_step(const char *text, bool (*fn)(void *, const char *, const char *), void *ctx)
{
	int n = 0;
	const char *p = text;
	while (p && *p && n <= COND_LADDER_MAX) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char step[32];
		snprintf(step, sizeof step, "%.*s", (int)(l < sizeof step ? l : sizeof step - 1), p);
		n++;
		if (l >= sizeof step || !fn(ctx, step, p))
			return -n;
		p = e ? e + 1 : NULL;
	}
	return n;
}

typedef struct check_ctx {
	const char *bad;
} check_ctx;

static bool check_step(void *ctx, const char *step, const char *at)
{
	cond_set c = {0};
	if (cond_apply_step(&c, step))
		return true;
	((check_ctx *)ctx)->bad = at;
	return false;
}

int cond_ladder_count(const char *text, const char **bad)
{
	check_ctx cc = {NULL};
	int n = each_step(text, check_step, &cc);
	if (n < 0 || n > COND_LADDER_MAX) {
		if (bad)
			*bad = cc.bad ? cc.bad : text;
		return -1;
	}
	return n;
}

typedef struct rung_ctx {
	cond_set c;
	int left;
} rung_ctx;

static bool rung_step(void *ctx, const char *step, const char *at)
{
	(void)at;
	rung_ctx *r = ctx;
	if (r->left-- <= 0)
		return false;
	cond_apply_step(&r->c, step);
	return true;
}

void cond_ladder_rung(const cond_set *base, const char *text, int k, cond_set *out)
{
	rung_ctx r = {*base, k};
	each_step(text, rung_step, &r);
	*out = r.c;
}

void cond_describe(const cond_set *c, char *buf, size_t len)
{
	text_buf t = {buf, len, 0};
	buf[0] = 0;
	text_add(&t, "%s, %s", cond_stance_name(c->stance), cond_surface_name(c->surface));
	if (c->eyes_closed)
		text_add(&t, ", eyes closed");
	if (c->audio_feedback)
		text_add(&t, ", with sound");
	if (c->visual != COND_VISUAL_STATIC)
		text_add(&t, ", %s scene", cond_visual_name(c->visual));
	if (c->head_turn_s > 0)
		text_add(&t, ", head turns every %.3g s", c->head_turn_s);
	if (c->dual_task != COND_DUAL_NONE)
		text_add(&t, ", dual task: %s", cond_dual_name(c->dual_task));
}

int cond_from_json(cond_json_get_fn get, void *ctx, cond_set *c, const char **bad)
{
	static const struct {
		const char *path;
		bool (*parse)(const char *, int *);
		size_t off;
	} names[] = {
		{"$.stance", cond_stance_parse, offsetof(cond_set, stance)},
		{"$.surface", cond_surface_parse, offsetof(cond_set, surface)},
		{"$.visual", cond_visual_parse, offsetof(cond_set, visual)},
		{"$.dual_task", cond_dual_parse, offsetof(cond_set, dual_task)},
	};
	*c = (cond_set){0};
	char text[32];
	double v;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int rc = get(ctx, names[i].path, NULL, text, sizeof text);
		if (rc == POISE_E_NOT_FOUND)
			continue;
		if (rc || !names[i].parse(text, (int *)((char *)c + names[i].off))) {
			*bad = names[i].path + 2;
			return rc && rc != POISE_E_PARSE ? rc : POISE_E_PARSE;
		}
	}
	if (get(ctx, "$.visual_speed_deg_s", &v, NULL, 0) == POISE_OK)
		c->visual_speed_deg_s = v;
	if (get(ctx, "$.head_turn_s", &v, NULL, 0) == POISE_OK)
		c->head_turn_s = v;
	if (get(ctx, "$.eyes_closed", &v, NULL, 0) == POISE_OK)
		c->eyes_closed = v == 1;
	if (get(ctx, "$.audio_feedback", &v, NULL, 0) == POISE_OK)
		c->audio_feedback = v == 1;
	if (!cond_valid(c)) {
		*bad = "conditions (a speed or rhythm out of range)";
		return POISE_E_PARSE;
	}
	return POISE_OK;
}
