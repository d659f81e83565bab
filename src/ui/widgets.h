/* Poise: the app's small widgets: a line of text being typed, a form of
 * such lines, and choosing by leaning (hands-free: a patient holding a
 * rail with both hands answers by shifting weight toward an answer and
 * holding it there while a fill grows).
 *
 * Pure state plus drawing helpers; the screens own them (no allocation).
 */
#ifndef POISE_UI_WIDGETS_H
#define POISE_UI_WIDGETS_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "session/history.h"
#include "ui/gfx.h"

/* ---- a line of text ---------------------------------------------------- */

typedef struct ui_field {
	const char *label;   /* static */
	char text[256];
	size_t max;          /* longest allowed (bytes, < sizeof text) */
	bool digits_only;    /* numbers: digits and one '.' */
} ui_field;

/* Sets up f with its label, initial text and limits. */
void ui_field_init(ui_field *f, const char *label, const char *text, size_t max, bool digits_only);

/* Appends typed UTF-8 text (what does not fit or is not allowed is
 * dropped whole characters at a time). */
void ui_field_type(ui_field *f, const char *utf8);

/* Removes the last character (UTF-8 aware). */
void ui_field_backspace(ui_field *f);

/* ---- a form ------------------------------------------------------------ */

#define UI_FORM_MAX 12

typedef struct ui_form {
	ui_field f[UI_FORM_MAX];
	int n, focus;
} ui_form;

/* Draws the form in area: a label and a box per field, the focused one
 * highlighted with a caret. labels: scratch labels (2 per field). */
void ui_form_draw(const ui_form *fm, gfx *g, SDL_FRect area, gfx_label *labels);

/* Keys of a form: Tab/↓ next, ↑ previous, Backspace. true if used. */
bool ui_form_key(ui_form *fm, SDL_Keycode k);

/* ---- choosing by leaning ------------------------------------------------ */

typedef struct ui_lean {
	int n;               /* options, left to right */
	double hold_s;       /* how long to hold (2 s) */
	double reach_mm;     /* a full lean: the outermost option (from the LOS) */
	bool have_centre;
	double cx_mm;        /* the patient's centre when the choice opened */
	bool fixed;          /* the centre was given (ui_lean_init_at) */
	bool armed;          /* with a given centre: the patient has been back
	                      * near it since the choice opened */
	bool moved;          /* leaned out once (30 % of reach): standing
	                      * still in the middle never answers */
	int hover;           /* the option leaned toward now, −1 none */
	double held_s;       /* how long it has been held */
	uint64_t seen;       /* history samples already looked at */
	int chosen;          /* −1 until one is chosen */
} ui_lean;

/* Starts a choice among n options, from the samples h gets after now;
 * reach_mm: the sideways lean that points at the outermost option (e.g.
 * 60 % of the patient's sideways LOS). */
void ui_lean_init(ui_lean *l, int n, double reach_mm, double hold_s, const ses_history *h);

/* As ui_lean_init, around a known centre (e.g. where the patient stood
 * in the game just played): a patient still leaning when the choice opens
 * (toward the last target, or the last answer) must come back near the
 * centre (within 25 % of reach) before an option can be chosen. */
void ui_lean_init_at(ui_lean *l, int n, double reach_mm, double hold_s, const ses_history *h, double cx_mm);

/* Follows the new samples of the live history (display-filtered COP):
 * the first sample fixes the centre; once the patient has leaned out (30 %
 * of reach), the sideways offset picks the option (with a dead zone in the
 * middle for two options), and held for hold_s in sample time it is
 * chosen. Returns the chosen option, or −1.
 * Stepping off the plate resets the hold. */
int ui_lean_update(ui_lean *l, const ses_history *h);

/* 0..1: how far the hover option's fill has grown. */
double ui_lean_fill(const ui_lean *l);

/* ---- a list to pick from, with settings to adjust ------------------------ */

/* What a key means on a screen that lists things to pick (Train, Assess),
 * the same keys on each: number keys pick, up/down move, left/right and
 * -/+ adjust the setting, [ and ] the duration, Enter starts. */
enum ui_pick_key {
	UI_PICK_NONE = 0,
	UI_PICK_NUMBER, /* *number: 0 for key 1, ... 8 for key 9 */
	UI_PICK_UP,
	UI_PICK_DOWN,
	UI_PICK_LESS,
	UI_PICK_MORE,
	UI_PICK_SHORTER,
	UI_PICK_LONGER,
	UI_PICK_START,
};
enum ui_pick_key ui_pick_key(SDL_Keycode k, int *number);

#endif
