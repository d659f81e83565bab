/* Poise: the conditions of a training trial, as MS rehabilitation varies
 * them: the stance (feet apart, together, tandem, single leg, seated on
 * the plate), the surface (firm, foam), the visual scene (static, a
 * drifting flow, a tilting scene), timed head turns, eyes closed with the
 * centre of pressure as sound, and a cognitive task beside the balance
 * task (dual-task training).
 *
 * Pure data and the rules that follow from it: names for the command
 * line, the database and the JSON (one table per dimension), how the
 * stance changes the base of support (and so the default limits of
 * stability and the simulated person's reach), the weight the plate
 * carries, and the presence thresholds for sitting. No I/O.
 *
 * Callers: games (the cognitive task, head-turn cues), the simulated
 * plate, session/training.c (parameters, prescriptions), the CLI and UI.
 */
#ifndef POISE_CORE_COND_H
#define POISE_CORE_COND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/presence.h"

enum cond_stance {
	COND_STANDING = 0,  /* feet hip-width apart (the reference) */
	COND_FEET_TOGETHER,
	COND_TANDEM,        /* heel to toe */
	COND_SINGLE_LEFT,   /* on the left leg */
	COND_SINGLE_RIGHT,
	COND_SEATED,        /* sitting on the plate, feet on the floor: trunk control */
	COND_STANCE_COUNT
};

enum cond_surface { COND_FIRM = 0, COND_FOAM, COND_SURFACE_COUNT };

enum cond_visual {
	COND_VISUAL_STATIC = 0,
	COND_VISUAL_FLOW,   /* the background drifts sideways (optic flow) */
	COND_VISUAL_TILT,   /* the background tilts to and fro */
	COND_VISUAL_COUNT
};

enum cond_dual {
	COND_DUAL_NONE = 0,
	COND_DUAL_ARITHMETIC, /* "7 + 5": Reach's targets carry answers; elsewhere aloud */
	COND_DUAL_CATEGORY,   /* "which is a fruit?": likewise */
	COND_DUAL_COUNT_BACK, /* counting back by 3 aloud */
	COND_DUAL_COUNT
};

/* One trial's conditions. Zero-initialised = standing, firm, eyes open,
 * static scene, no head turns, single task: the trials before these
 * conditions existed. */
typedef struct cond_set {
	int stance;              /* enum cond_stance */
	int surface;             /* enum cond_surface */
	int visual;              /* enum cond_visual */
	double visual_speed_deg_s; /* how fast the scene moves (COND_VISUAL_SPEED_DEFAULT if 0) */
	double head_turn_s;      /* seconds between head-turn cues; 0 = none */
	bool eyes_closed;        /* played with the eyes closed (implies audio_feedback) */
	bool audio_feedback;     /* the COP sonified (core/sonify.h) */
	int dual_task;           /* enum cond_dual */
} cond_set;

#define COND_VISUAL_SPEED_DEFAULT 10.0
#define COND_VISUAL_SPEED_MAX 60.0
#define COND_HEAD_TURN_MIN_S 1.5
#define COND_HEAD_TURN_MAX_S 30.0

/* The shown warning before a moving visual scene, for the app (before the
 * game starts) and the CLI (on stderr). Static storage. */
const char *cond_visual_warning(void);

/* Names ("feet-together", "foam", "flow", "count-back"), static storage;
 * "?" for a value out of range. */
const char *cond_stance_name(int stance);
const char *cond_surface_name(int surface);
const char *cond_visual_name(int visual);
const char *cond_dual_name(int dual);

/* For people: "Tandem stance", "Seated on the plate". */
const char *cond_stance_label(int stance);
const char *cond_dual_label(int dual);

/* Parses a name into *out; false (and *out untouched) if unknown. */
bool cond_stance_parse(const char *s, int *out);
bool cond_surface_parse(const char *s, int *out);
bool cond_visual_parse(const char *s, int *out);
bool cond_dual_parse(const char *s, int *out);

/* "a|b|c" of a dimension's names, for usage lines. Static storage. */
const char *cond_stance_names(void);
const char *cond_dual_names(void);

/* True if every field is within its range (names known, speeds and
 * rhythm within limits). */
bool cond_valid(const cond_set *c);

/* True if c is the plain condition (standing, firm, eyes open, static,
 * no head turns, no audio, no dual task). */
bool cond_is_plain(const cond_set *c);

/* The same motor condition (stance, surface, vision, scene, head turns,
 * audio): what a dual-task play is compared with. */
bool cond_same_motor(const cond_set *a, const cond_set *b);

/* The base of support of a stance as fractions of the feet-apart one:
 * medio-lateral, forward and backward. Used to scale the default limits
 * of stability (until they are measured in that stance) and the simulated
 * person's reach. Feet together: ML 0.55; tandem: ML 0.35, AP 0.9;
 * single leg: ML 0.3, AP 0.6; seated (the trunk over the seat): ML 0.6,
 * forward 0.5, back 0.4. */
void cond_support_scale(int stance, double *ml, double *fwd, double *back);

/* The share of body weight the plate carries in a stance: 1 standing,
 * 0.7 seated (the feet rest on the floor; thighs and trunk on the seat,
 * after anthropometric segment masses). */
double cond_load_fraction(int stance);

/* Presence thresholds for the stance: standing uses pres_cfg_default();
 * seated uses pres_cfg_seated() (lifting off the seat is "off"). */
void cond_presence(int stance, pres_cfg *out);

/* c as the members of a JSON object (no braces): "\"stance\": \"tandem\",
 * \"surface\": \"firm\", ...", every key always written. POISE_E_RANGE if
 * buf is too small. */
int cond_json_members(const cond_set *c, char *buf, size_t len);

/* Progression ladders. A ladder is a list of steps, each one change to
 * the condition before it: a stance name ("tandem"), a surface ("foam"),
 * "eyes-closed" (with sound), "head-turns" (every 4 s), a scene
 * ("flow", "tilt") or a dual task ("arithmetic", "category",
 * "count-back", "single" for none). Rung 0 is the prescription's own
 * condition; rung k applies steps 1..k. Applies one step to *c; false if
 * the step is unknown (c untouched). */
bool cond_apply_step(cond_set *c, const char *step);

#define COND_LADDER_MAX 8

/* Splits a comma-separated ladder ("feet-together,tandem,eyes-closed")
 * into steps and checks each; returns the number of steps (0..
 * COND_LADDER_MAX), or -1 if a step is unknown or there are too many
 * (*bad then points at the bad step inside text, if bad is not NULL). */
int cond_ladder_count(const char *text, const char **bad);

/* The condition at rung k of ladder text over base (k clamped to the
 * ladder's length). */
void cond_ladder_rung(const cond_set *base, const char *text, int k, cond_set *out);

/* Reads one value of a JSON object at a path ("$.stance"): a number
 * (true/false as 1/0) into *num, its text into text (either may be NULL);
 * POISE_E_NOT_FOUND if the key is missing. The store provides these
 * (store_trial_param, store_json_get): core reads no JSON itself. */
typedef int (*cond_json_get_fn)(void *ctx, const char *path, double *num, char *text, size_t len);

/* The conditions from a JSON object written by cond_json_members (keys
 * missing: the plain condition). POISE_E_PARSE (with the bad key's name in
 * *bad) for an unknown name or a value out of range; another error of get
 * is passed on. */
int cond_from_json(cond_json_get_fn get, void *ctx, cond_set *c, const char **bad);

/* One line for people: "tandem stance, foam, eyes closed with sound,
 * count back by 3". "standing, firm" for the plain condition. */
void cond_describe(const cond_set *c, char *buf, size_t len);

#endif
