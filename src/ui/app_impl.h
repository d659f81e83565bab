/* Poise app, private: the app's state and the services its screens share.
 * For the files of the app shell (app.c) and its screens (scr_*.c) only.
 *
 * Screens are a stack: the top one draws and takes the keys; Esc asks the
 * top screen first (back()), then pops it, so Esc always leads back one
 * step. Each screen keeps its state in its own part of struct app. Samples
 * reach screens only through the session engine: the shell pumps it once
 * per frame; screens attach consumers (a game, a recording) and read the
 * live history.
 */
#ifndef POISE_UI_APP_IMPL_H
#define POISE_UI_APP_IMPL_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/platecal.h"
#include "device/usbplate.h"
#include "session/assess.h"
#include "session/engine.h"
#include "session/history.h"
#include "session/play.h"
#include "session/training.h"
#include "store/store.h"
#include "ui/app.h"
#include "ui/assess_view.h"
#include "ui/audio.h"
#include "ui/frame.h"
#include "ui/gfx.h"
#include "ui/live.h"
#include "ui/play.h"
#include "ui/strings.h"
#include "ui/widgets.h"

#define APP_MAX_SCREENS 8
#define APP_MAX_HITS 64
#define HISTORY_LINES 40

typedef struct app app;

/* One screen. Every operation but draw is optional (NULL). */
typedef struct app_screen {
	const char *name;   /* "patients", "check", "home"... (tests read it) */
	bool for_patient;   /* the patient reads it: plain words, no numbers */
	/* It became the top screen (pushed, or the one above it was popped). */
	void (*enter)(app *a);
	/* It leaves the stack (popped or replaced). */
	void (*leave)(app *a);
	/* A key; true if used (else the shell's keys apply). */
	bool (*key)(app *a, SDL_Keycode k, Uint16 mod);
	/* Typed text (UTF-8), while text input is on (widgets.h fields). */
	void (*text)(app *a, const char *utf8);
	/* One of its buttons (app_button) was clicked or chosen by leaning. */
	void (*action)(app *a, int id);
	/* Once per frame, after the session's samples were handed out. */
	void (*update)(app *a);
	/* Draws the screen into area (below the header). */
	void (*draw)(app *a, SDL_FRect area);
	/* Esc: true if it handled it (asked to confirm, closed a form...);
	 * false lets the shell pop it. */
	bool (*back)(app *a);
	/* Its state in a word, for scripts and tests ("step-off"...). */
	const char *(*state)(const app *a);
} app_screen;

/* A clickable area registered while drawing (reset every frame). */
typedef struct app_hit {
	SDL_FRect r;
	int id;
} app_hit;

/* The question of a confirmation dialog over any screen. */
typedef struct app_confirm {
	bool open;
	enum ui_string title, more;
	void (*yes)(app *a);
	gfx_label lab[4];
} app_confirm;

/* The app's settings (stored in the database's setting table, or the
 * defaults when there is no database). */
typedef struct app_settings {
	int text_size;        /* 0 normal, 1 large, 2 extra large */
	bool high_contrast;
	double rest_after_min; /* a rest break after this much standing (0: never) */
	int rest_s;           /* how long the break lasts */
	bool effort_rating;   /* ask for the effort (Borg CR10) after each activity */
	char export_dir[512]; /* where reports go ("" = ~/Documents/Poise) */
	char clinic[128];     /* printed on reports */
	char device[48];      /* the plate to use when --device is not given: "auto", a backend */
	bool units_cm;        /* therapist numbers in cm instead of mm */
} app_settings;

struct app {
	app_cfg cfg;
	SDL_Window *win;
	SDL_Renderer *ren;
	gfx g;
	bool gfx_ready;
	audio *snd;
	app_settings set;
	bool quit;
	/* Screens. */
	const app_screen *stack[APP_MAX_SCREENS];
	int depth;
	app_hit hits[APP_MAX_HITS];
	int n_hits;
	app_confirm confirm;
	bool overlay;         /* the therapist's numbers over the screen (Tab) */
	const char *script_shot; /* a screenshot the script asked for this frame */
	char toast[768];
	Uint64 toast_until;
	/* The plate and the session's road: NULL while there is no plate. */
	ses_engine *eng;
	ses_history *hist;
	bool fell_back;       /* "auto" found no plate: a demo on the sim */
	char plate_msg[1536]; /* why there is no plate, or the fallback note */
	Uint64 reconnect_at;
	enum ses_state last_state;
	dev_steer steer;      /* the simulated person, steered by the user */
	bool mouse_steering;
	ui_live live;
	bool live_ready;
	gfx_label lab_header[6], lab_footer, lab_toast, lab_banner, lab_overlay[12];
	/* The patient (none: a demo, nothing recorded). */
	store *db;
	store_patient patient;
	bool have_patient;
	int64_t session_id;   /* the sitting, from the first recorded activity */
	Uint64 sitting_t0;    /* when the patient's home first opened */
	double standing_s;    /* standing time in activities since the last rest */
	/* Screen states. */
	struct scr_patients_state {
		char search[64];
		store_patient *list;
		size_t n;
		int sel;
		bool editing, creating;
		bool edit_current;  /* opened from the patient's home to edit them */
		ui_form form;
		gfx_label lab[24];
	} patients;
	struct scr_check_state {
		int phase;        /* see scr_check.c */
		Uint64 phase_t;
		bool tare_ok;
		double weight_kg;
		gfx_label lab[48];
		/* known-mass check */
		bool mass;
		int mass_step;
		double mass_kg;
		double acc_fz, acc_x, acc_y;
		long acc_n;
		double err_mm[5], err_kg[5], meas_kg[5];
		bool done[5];
	} check;
	/* The plate set-up (scr_calibrate.c): a USB plate opened for
	 * calibrating (raw counts, outside the session's road: a->eng is
	 * closed meanwhile), the readings and the fit. */
	struct scr_calib_state {
		usbp_cal *cal;         /* the plate, or NULL */
		char which[128];       /* its id or serial, to open it */
		enum usbp_cal_state was; /* its block when opened */
		pp_calib old;          /* that block, if it was valid */
		dev_info info;
		int step;              /* see scr_calibrate.c */
		int spot;              /* the placement being measured */
		double mass_kg;
		bool streaming, measuring;
		Uint64 measure_t;
		int look;              /* the last window's enum pcal_look */
		int warn;              /* a problem to show (a ui_string id), 0 none */
		int warn_cell;
		pcal_window win;
		pcal_input in;
		pcal_result fit;
		int fit_rc;
		int32_t counts[CELL_COUNT]; /* the newest raw counts */
		bool have_counts;
		usbp_raw_frame buf[256];
		char msg[320];         /* why the plate cannot be used here */
		/* Found by the plate check: a plate its calibration keeps from use. */
		bool candidate;
		char candidate_id[128];
		gfx_label lab[80];
	} calib;
	struct scr_home_state {
		train_plan plans[16];  /* per game, for the prescription and last results */
		int n_plans;
		gfx_label lab[40];
	} home;
	struct scr_train_state {
		int sel;               /* game index */
		int level;             /* 0: the plan's */
		double seconds;        /* 0: the plan's playing time */
		bool plate_centre;     /* centre at the plate's centre, not the patient's */
		bool again;            /* the results asked for the same game again */
		gfx_label lab[32];
	} train;
	struct scr_play_state {
		ses_play *play;
		ui_play view;
		train_plan plan;
		const struct game_ops *ops;
		ses_play_result result;
		bool result_aborted;
		int64_t trial_id;
		int rating;            /* Borg CR10 chosen, −1 none */
		ui_lean lean;
		Uint64 rest_until;
		double play_s;         /* standing time this game added */
		bool manual_steer;
		bool was_playing;      /* the game had begun (for the start cue) */
		bool have_centre;      /* where the patient stood in the game */
		double centre_x_mm;
		gfx_label lab_choice[2];
		gfx_label lab[24];
	} play;
	struct scr_assess_state {
		int sel;               /* enum atest_test */
		int repeats;           /* 0: the test's default */
		double trial_s;        /* 0: the test's default */
		ses_assess *run;       /* the test running (attached), or NULL */
		ui_assess view;
		ses_assess_result res, prev;
		bool have_prev;
		char last[ATEST_TESTS][STORE_TIME_LEN]; /* the latest complete one, "" none */
		gfx_label lab[24];
	} assess;
	struct scr_history_state {
		int scroll;
		char lines[HISTORY_LINES][200]; /* newest first, built on entry */
		bool line_sim[HISTORY_LINES];
		int n_lines;
		gfx_label lab[48];
	} history;
	struct scr_settings_state {
		int sel;
		bool editing;
		ui_field field;
		gfx_label lab[24];
	} settings;
	/* Demo history of results (no patient), per game, newest first. */
	game_result *demo_results;
	int *n_demo_results;
	int n_games;
	/* Frame statistics. */
	ui_frames frames;     /* the frame clock and what frames cost */
};

/* ---- the shell's services (app.c) ------------------------------------ */

/* Screens. push adds on top; pop removes the top (its leave, then the new
 * top's enter); replace swaps the top. */
void app_push(app *a, const app_screen *s);
void app_pop(app *a);
void app_replace(app *a, const app_screen *s);
const app_screen *app_top(const app *a);

/* A message at the bottom for four seconds (printf-like). */
void app_toast(app *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* Asks a yes/no question over the current screen; yes() runs on Yes. */
void app_ask(app *a, enum ui_string title, enum ui_string more, void (*yes)(app *a));

/* Draws a button and makes it clickable for this frame: a click calls the
 * top screen's action(id). selected: drawn highlighted (keyboard focus). */
void app_button(app *a, SDL_FRect r, gfx_label *lab, const char *text, int id, bool selected);

/* The width a button needs for text (at least min_w): for rows of
 * buttons that grow with the text size. */
float app_button_width(app *a, const char *text, float min_w);

/* The key hints along the bottom of the screen. */
void app_footer(app *a, const char *text);

/* Opens the plate for the current patient (honestly: a patient's "auto"
 * is a real plate or none) with the live history on the road. false, with
 * a->plate_msg saying why, if there is none. */
bool app_open_plate(app *a);

/* True while the plate streams (not lost, not silent). */
bool app_plate_ok(const app *a);

/* Why the plate cannot be used now ("waiting for the plate"...), or NULL. */
const char *app_plate_problem(const app *a);

/* The patient's sitting (a database session), started on first use. */
int app_sitting(app *a, int64_t *session_id);

/* Loads the settings (database or defaults) and applies text size and
 * theme; app_settings_save() stores them. */
void app_settings_load(app *a);
int app_settings_save(app *a);

/* Applies text size and theme to the drawing kit (after a change). */
void app_apply_look(app *a);

/* Writes the patient's sway report into the export folder; the path (or
 * why not) into msg. */
int app_export_report(app *a, char *msg, size_t len);

/* Seconds since the sitting began (0 without a patient). */
double app_sitting_s(const app *a);

/* Closes the plate and the session's road (a patient replaces a demo). */
void app_close_plate(app *a);

/* The per-game plans of the current patient (or the demo's), into
 * a->home.plans (scr_home.c). */
void home_plans_refresh(app *a);

/* The longest this patient's sitting should be, minutes (0: no limit). */
int home_max_session_min(app *a);
int patient_max_session_min(app *a, int64_t patient_id);

/* The plate check's known-mass check, started from outside (the plate
 * set-up goes on to it with its mass). scr_check.c. */
void check_mass_begin(app *a, double mass_kg);

/* The plate set-up (scr_calibrate.c). calib_find() looks for a USB plate
 * whose calibration keeps it from use (sets a->calib.candidate; the
 * plate check's "no plate" screen offers its set-up); calib_start()
 * closes the app's plate and opens the set-up for the plate in use if it
 * is a USB plate, else for the plate calib_find() finds; false (with a
 * toast) when there is none. */
bool calib_find(app *a);
bool calib_start(app *a);

/* Where the calibration and the known-mass check put the mass: "at the
 * centre", "front left"... (k as pcal_spot()). */
const char *calib_spot_name(int k);

/* The screens. */
extern const app_screen scr_patients, scr_check, scr_home, scr_train, scr_play, scr_rest, scr_rating,
	scr_results, scr_history, scr_settings, scr_live, scr_assess_pick, scr_assess, scr_assess_results,
	scr_calibrate;

/* For the screens' files: the game list, its size. */
const struct game_ops *app_game(const app *a, int i);

#endif
