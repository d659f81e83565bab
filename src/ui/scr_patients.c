/* The patient screen: search by code (or name), open, create, edit. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "ui/app_impl.h"

enum { ACT_NEW = 1, ACT_EDIT, ACT_OPEN, ACT_SETTINGS, ACT_DEMO, ACT_ROW0 = 100 };
enum { F_CODE, F_NAME, F_BIRTH, F_SEX, F_HEIGHT, F_WEIGHT, F_SIDE, F_DIAGNOSIS, F_NOTES, F_MAX_SESSION, F_COUNT };
#define ROWS_MAX 12

/* True if text contains q, ignoring the case of ASCII letters. */
static bool contains(const char *text, const char *q)
{
	size_t n = strlen(q);
	for (; *text; text++)
		if (strncasecmp(text, q, n) == 0)
			return true;
	return n == 0;
}

/* True if the patient matches the search (code or name, any case). */
static bool matches(const store_patient *p, const char *q)
{
	return !*q || contains(p->code, q) || contains(p->display_name, q);
}

/* Copies a form field into a record's field (the form already limits its
 * length to the field's). */
static void put(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void reload(app *a)
{
	struct scr_patients_state *st = &a->patients;
	free(st->list);
	st->list = NULL;
	st->n = 0;
	store_patient *all = NULL;
	size_t n = 0;
	if (store_patient_list(a->db, &all, &n) != POISE_OK) {
		app_toast(a, "%s", store_errmsg(a->db));
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (matches(&all[i], st->search))
			all[k++] = all[i];
	st->list = all;
	st->n = k;
	if (st->sel >= (int)k)
		st->sel = k ? (int)k - 1 : 0;
}

static void open_form(app *a, bool create);

static void patients_enter(app *a)
{
	struct scr_patients_state *st = &a->patients;
	if (st->edit_current && a->have_patient && !st->editing) {
		/* F2 on the patient's home: their form, at once. */
		snprintf(st->search, sizeof st->search, "%s", a->patient.code);
		reload(a);
		st->sel = 0;
		open_form(a, false);
		return;
	}
	reload(a);
}

static void patients_leave(app *a)
{
	free(a->patients.list);
	a->patients.list = NULL;
	a->patients.n = 0;
	for (size_t i = 0; i < sizeof a->patients.lab / sizeof a->patients.lab[0]; i++)
		gfx_label_free(&a->patients.lab[i]);
}

static void fmt_num(char *buf, size_t len, double v, const char *f)
{
	if (v > 0)
		snprintf(buf, len, f, v);
	else
		buf[0] = 0;
}

int patient_max_session_min(app *a, int64_t patient_id)
{
	char key[64], v[32];
	snprintf(key, sizeof key, "patient.%lld.max_session_min", (long long)patient_id);
	return a->db && store_setting_get(a->db, key, v, sizeof v) == POISE_OK ? atoi(v) : 0;
}

/* Opens the form, empty (creating) or with the selected patient. */
static void open_form(app *a, bool create)
{
	struct scr_patients_state *st = &a->patients;
	store_patient p = {0};
	if (!create) {
		if (!st->n)
			return;
		p = st->list[st->sel];
	}
	st->editing = true;
	st->creating = create;
	ui_form *fm = &st->form;
	char birth[16], height[16], weight[16];
	fmt_num(birth, sizeof birth, p.birth_year, "%.0f");
	fmt_num(height, sizeof height, p.height_cm, "%.0f");
	fmt_num(weight, sizeof weight, p.weight_kg, "%.1f");
	ui_field_init(&fm->f[F_CODE], ui_str(UI_S_PATIENT_CODE), p.code, STORE_CODE_MAX, false);
	ui_field_init(&fm->f[F_NAME], ui_str(UI_S_PATIENT_NAME), p.display_name, sizeof p.display_name - 1, false);
	ui_field_init(&fm->f[F_BIRTH], ui_str(UI_S_PATIENT_BIRTH), birth, 4, true);
	ui_field_init(&fm->f[F_SEX], ui_str(UI_S_PATIENT_SEX), p.sex, 6, false);
	ui_field_init(&fm->f[F_HEIGHT], ui_str(UI_S_PATIENT_HEIGHT), height, 5, true);
	ui_field_init(&fm->f[F_WEIGHT], ui_str(UI_S_PATIENT_WEIGHT), weight, 5, true);
	ui_field_init(&fm->f[F_SIDE], ui_str(UI_S_PATIENT_SIDE), p.affected_side, 5, false);
	ui_field_init(&fm->f[F_DIAGNOSIS], ui_str(UI_S_PATIENT_DIAGNOSIS), p.diagnosis, sizeof p.diagnosis - 1, false);
	ui_field_init(&fm->f[F_NOTES], ui_str(UI_S_PATIENT_NOTES), p.notes, 200, false);
	char max_min[16] = "";
	if (!create)
		snprintf(max_min, sizeof max_min, "%d", patient_max_session_min(a, p.id));
	ui_field_init(&fm->f[F_MAX_SESSION], ui_str(UI_S_PATIENT_MAX_SESSION), max_min, 3, true);
	fm->n = F_COUNT;
	fm->focus = create ? F_CODE : F_NAME;
}

/* The form into a patient record; false (with a message) if a field is
 * not right. */
static bool form_to_patient(app *a, store_patient *p)
{
	const ui_form *fm = &a->patients.form;
	put(p->code, sizeof p->code, fm->f[F_CODE].text);
	put(p->display_name, sizeof p->display_name, fm->f[F_NAME].text);
	p->birth_year = fm->f[F_BIRTH].text[0] ? atoi(fm->f[F_BIRTH].text) : 0;
	p->height_cm = fm->f[F_HEIGHT].text[0] ? atof(fm->f[F_HEIGHT].text) : 0;
	p->weight_kg = fm->f[F_WEIGHT].text[0] ? atof(fm->f[F_WEIGHT].text) : 0;
	put(p->sex, sizeof p->sex, fm->f[F_SEX].text);
	put(p->affected_side, sizeof p->affected_side, fm->f[F_SIDE].text);
	put(p->diagnosis, sizeof p->diagnosis, fm->f[F_DIAGNOSIS].text);
	put(p->notes, sizeof p->notes, fm->f[F_NOTES].text);
	for (char *c = p->sex; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = p->affected_side; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (p->height_cm && (p->height_cm < 50 || p->height_cm > 250)) {
		app_toast(a, "Height: 50 to 250 cm, please.");
		a->patients.form.focus = F_HEIGHT;
		return false;
	}
	if (p->weight_kg && (p->weight_kg < 10 || p->weight_kg > 400)) {
		app_toast(a, "Weight: 10 to 400 kg, please.");
		a->patients.form.focus = F_WEIGHT;
		return false;
	}
	return true;
}

static void save_form(app *a)
{
	struct scr_patients_state *st = &a->patients;
	store_patient p = st->creating ? (store_patient){0} : st->list[st->sel];
	int64_t id = p.id;
	if (!form_to_patient(a, &p))
		return;
	int rc = st->creating ? store_patient_add(a->db, &p, &id) : store_patient_update(a->db, &p);
	if (rc) {
		app_toast(a, "%s", store_errmsg(a->db));
		return;
	}
	char key[64];
	snprintf(key, sizeof key, "patient.%lld.max_session_min", (long long)id);
	if (store_setting_set(a->db, key, st->form.f[F_MAX_SESSION].text[0] ? st->form.f[F_MAX_SESSION].text : "0"))
		app_toast(a, "%s", store_errmsg(a->db));
	st->editing = false;
	snprintf(st->search, sizeof st->search, "%s", p.code);
	reload(a);
	st->sel = 0;
	if (a->have_patient && a->patient.id == id)
		store_patient_get(a->db, p.code, &a->patient); /* the open patient, edited */
	app_toast(a, "%s %s", p.code, ui_str(UI_S_PATIENT_SAVED));
	if (st->edit_current) { /* edited from the patient's home: back there */
		st->edit_current = false;
		app_pop(a);
	}
}

/* Opens patient p: a new sitting, the plate (a real one for a patient),
 * then the plate check. */
static void open_patient(app *a, const store_patient *p)
{
	if (a->session_id) {
		store_session_end(a->db, a->session_id);
		a->session_id = 0;
	}
	a->patient = *p;
	a->have_patient = true;
	a->sitting_t0 = SDL_GetPerformanceCounter();
	a->standing_s = 0;
	if (a->eng && a->fell_back) /* a demo's simulated plate is no plate for a patient */
		app_close_plate(a);
	app_open_plate(a);
	app_push(a, &scr_check);
}

static void start_demo(app *a)
{
	a->have_patient = false;
	if (!app_open_plate(a)) {
		app_push(a, &scr_check);
		return;
	}
	app_push(a, &scr_home);
}

static void patients_action(app *a, int id)
{
	struct scr_patients_state *st = &a->patients;
	if (st->editing) {
		if (id == ACT_OPEN)
			save_form(a);
		return;
	}
	if (id >= ACT_ROW0 && id < ACT_ROW0 + ROWS_MAX) {
		int row = id - ACT_ROW0;
		if (row == st->sel && row < (int)st->n)
			open_patient(a, &st->list[row]);
		else
			st->sel = row;
		return;
	}
	switch (id) {
	case ACT_NEW:
		open_form(a, true);
		break;
	case ACT_EDIT:
		open_form(a, false);
		break;
	case ACT_OPEN:
		if (st->n)
			open_patient(a, &st->list[st->sel]);
		break;
	case ACT_SETTINGS:
		app_push(a, &scr_settings);
		break;
	case ACT_DEMO:
		start_demo(a);
		break;
	}
}

static bool patients_key(app *a, SDL_Keycode k, Uint16 mod)
{
	struct scr_patients_state *st = &a->patients;
	bool ctrl = mod & KMOD_CTRL;
	if (st->editing) {
		if (k == SDLK_RETURN || k == SDLK_KP_ENTER)
			save_form(a);
		else
			ui_form_key(&st->form, k);
		return true;
	}
	switch (k) {
	case SDLK_UP:
		if (st->sel > 0)
			st->sel--;
		return true;
	case SDLK_DOWN:
		if (st->sel + 1 < (int)st->n)
			st->sel++;
		return true;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		patients_action(a, ACT_OPEN);
		return true;
	case SDLK_BACKSPACE: {
		size_t n = strlen(st->search);
		if (n) {
			st->search[n - 1] = 0;
			reload(a);
		}
		return true;
	}
	case SDLK_F2:
		patients_action(a, ACT_EDIT);
		return true;
	case SDLK_F3:
		patients_action(a, ACT_NEW);
		return true;
	case SDLK_F4:
		patients_action(a, ACT_SETTINGS);
		return true;
	case SDLK_F5:
		patients_action(a, ACT_DEMO);
		return true;
	default:
		if (ctrl && k == SDLK_n) {
			patients_action(a, ACT_NEW);
			return true;
		}
		return false;
	}
}

static void patients_text(app *a, const char *utf8)
{
	struct scr_patients_state *st = &a->patients;
	if (st->editing) {
		ui_field_type(&st->form.f[st->form.focus], utf8);
		return;
	}
	size_t n = strlen(st->search);
	if (n + strlen(utf8) < sizeof st->search) {
		strcat(st->search, utf8);
		st->sel = 0;
		reload(a);
	}
}

static bool patients_back(app *a)
{
	struct scr_patients_state *st = &a->patients;
	if (st->editing) {
		st->editing = false;
		if (st->edit_current) {
			st->edit_current = false;
			return false; /* back to the patient's home */
		}
		return true;
	}
	if (st->search[0]) {
		st->search[0] = 0;
		reload(a);
		return true;
	}
	return false; /* the bottom screen: the shell asks before quitting */
}

/* One line about a patient for the list. */
static void describe(const store_patient *p, char *buf, size_t len)
{
	char extra[384] = "";
	size_t k = 0;
	if (p->birth_year)
		k += (size_t)snprintf(extra + k, sizeof extra - k, " · born %d", p->birth_year);
	if (p->affected_side[0] && k < sizeof extra)
		k += (size_t)snprintf(extra + k, sizeof extra - k, " · affected side %s", p->affected_side);
	if (p->diagnosis[0] && k < sizeof extra)
		snprintf(extra + k, sizeof extra - k, " · %s", p->diagnosis);
	snprintf(buf, len, "%s%s%s%s", p->code, p->display_name[0] ? ", " : "", p->display_name, extra);
}

static void draw_list(app *a, SDL_FRect area)
{
	struct scr_patients_state *st = &a->patients;
	gfx *g = &a->g;
	const gfx_theme *t = &g->theme;
	float s = g->scale, x = area.x + 40 * s, w = area.w - 80 * s;
	float y = area.y + 24 * s;
	gfx_label_draw(g, &st->lab[0], FONT_TITLE, t->ink, x, y, 0, "%s", ui_str(UI_S_PATIENTS_TITLE));
	y += (float)st->lab[0].h + 16 * s;
	SDL_FRect sbox = {x, y, w * 0.6f, (float)g->font_px[FONT_BODY] * 1.3f + 16 * s};
	gfx_fill(g, sbox, t->panel);
	gfx_frame(g, sbox, t->accent, (int)fmaxf(2, 2 * s));
	gfx_label_draw(g, &st->lab[1], FONT_BODY, t->ink, sbox.x + 12 * s, sbox.y + 8 * s, 0, "%s%s▏",
	               ui_str(UI_S_PATIENTS_SEARCH), st->search);
	y += sbox.h + 20 * s;
	float row_h = (float)g->font_px[FONT_BODY] * 1.3f + 20 * s;
	float buttons_h = (float)g->font_px[FONT_BODY] * 1.4f + 40 * s;
	int rows = (int)((area.y + area.h - y - buttons_h - 20 * s) / row_h);
	rows = rows > ROWS_MAX ? ROWS_MAX : rows < 1 ? 1 : rows;
	int first = st->sel >= rows ? st->sel - rows + 1 : 0;
	if (st->n == 0)
		gfx_label_draw(g, &st->lab[2], FONT_BODY, t->ink_soft, x, y + 8 * s, 0, "%s",
		               ui_str(st->search[0] ? UI_S_PATIENTS_NO_MATCH : UI_S_PATIENTS_NONE));
	for (int i = 0; i < rows && first + i < (int)st->n; i++) {
		const store_patient *p = &st->list[first + i];
		bool sel = first + i == st->sel;
		SDL_FRect r = {x, y + (float)i * row_h, w, row_h - 6 * s};
		gfx_fill(g, r, sel ? t->accent : t->panel);
		char line[512];
		describe(p, line, sizeof line);
		gfx_label_draw_fit(g, &st->lab[4 + i], FONT_BODY, sel ? t->panel : t->ink, r.x + 14 * s, r.y + 10 * s, 0,
		                   r.w - 28 * s, "%s%s", sel ? "▶ " : "", line);
		if (a->n_hits < APP_MAX_HITS)
			a->hits[a->n_hits++] = (app_hit){r, ACT_ROW0 + i + first};
	}
	float by = area.y + area.h - buttons_h, bh = (float)g->font_px[FONT_BODY] * 1.4f + 26 * s, bx = x;
	static const int acts[] = {ACT_OPEN, ACT_NEW, ACT_EDIT, ACT_SETTINGS, ACT_DEMO};
	static const enum ui_string names[] = {UI_S_PATIENTS_OPEN, UI_S_PATIENT_NEW, UI_S_PATIENTS_EDIT,
	                                       UI_S_SETTINGS_TITLE, UI_S_PATIENTS_DEMO};
	for (int i = 0; i < 5; i++) {
		float bw = app_button_width(a, ui_str(names[i]), 180 * s);
		app_button(a, (SDL_FRect){bx, by, bw, bh}, &st->lab[16 + i], ui_str(names[i]), acts[i], i == 0 && st->n > 0);
		bx += bw + 16 * s;
	}
}

static void patients_draw(app *a, SDL_FRect area)
{
	struct scr_patients_state *st = &a->patients;
	if (st->editing) {
		gfx *g = &a->g;
		float s = g->scale;
		gfx_label_draw(g, &st->lab[0], FONT_TITLE, g->theme.ink, area.x + 40 * s, area.y + 24 * s, 0, "%s",
		               ui_str(st->creating ? UI_S_PATIENT_NEW : UI_S_PATIENT_EDIT));
		ui_form_draw(&st->form, g, (SDL_FRect){area.x + 40 * s, area.y + 90 * s, area.w - 80 * s, area.h - 180 * s},
		             a->patients.lab + 4);
		float bh = (float)g->font_px[FONT_BODY] * 1.4f + 26 * s;
		app_button(a, (SDL_FRect){area.x + 40 * s, area.y + area.h - bh - 14 * s, 210 * s, bh}, &st->lab[22],
		           ui_str(UI_S_PATIENTS_SAVE), ACT_OPEN, true);
		app_footer(a, ui_str(UI_S_PATIENT_FORM_KEYS));
		return;
	}
	draw_list(a, area);
	app_footer(a, ui_str(UI_S_PATIENTS_KEYS));
}

const app_screen scr_patients = {
	.name = "patients",
	.enter = patients_enter,
	.leave = patients_leave,
	.key = patients_key,
	.text = patients_text,
	.action = patients_action,
	.draw = patients_draw,
	.back = patients_back,
};
