#include "ui/widgets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LEAN_HYSTERESIS 0.3 /* of an option's width, past its border */

void ui_field_init(ui_field *f, const char *label, const char *text, size_t max, bool digits_only)
{
	memset(f, 0, sizeof *f);
	f->label = label;
	f->max = max < sizeof f->text ? max : sizeof f->text - 1;
	f->digits_only = digits_only;
	ui_field_type(f, text ? text : "");
}

/* Bytes of the UTF-8 character starting at s (1 for a stray byte). */
static size_t utf8_len(const unsigned char *s)
{
	if (*s < 0x80)
		return 1;
	size_t n = (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 1;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

void ui_field_type(ui_field *f, const char *utf8)
{
	size_t len = strlen(f->text);
	for (const unsigned char *p = (const unsigned char *)utf8; *p;) {
		size_t n = utf8_len(p);
		bool ok = *p >= 0x20 && *p != 0x7f;
		if (f->digits_only)
			ok = (*p >= '0' && *p <= '9') || (*p == '.' && !strchr(f->text, '.'));
		if (ok && len + n <= f->max) {
			memcpy(f->text + len, p, n);
			len += n;
			f->text[len] = 0;
		}
		p += n;
	}
}

void ui_field_backspace(ui_field *f)
{
	size_t len = strlen(f->text);
	while (len > 0) {
		len--;
		if (((unsigned char)f->text[len] & 0xC0) != 0x80)
			break;
	}
	f->text[len] = 0;
}

void ui_form_draw(const ui_form *fm, gfx *g, SDL_FRect area, gfx_label *labels)
{
	const gfx_theme *t = &g->theme;
	float s = g->scale;
	float row = (float)g->font_px[FONT_BODY] * 1.25f + 18 * s;
	float label_w = area.w * 0.38f;
	for (int i = 0; i < fm->n; i++) {
		const ui_field *f = &fm->f[i];
		float y = area.y + (float)i * row;
		if (y + row > area.y + area.h)
			break;
		bool focus = i == fm->focus;
		gfx_label_draw(g, &labels[2 * i], FONT_BODY, focus ? t->ink : t->ink_soft, area.x,
		               y + 8 * s, 0, "%s", f->label);
		SDL_FRect box = {area.x + label_w, y, area.w - label_w, row - 8 * s};
		gfx_fill(g, box, t->panel);
		gfx_frame(g, box, focus ? t->accent : t->grid, focus ? (int)fmaxf(2, 3 * s) : 1);
		gfx_label_draw(g, &labels[2 * i + 1], FONT_BODY, t->ink, box.x + 10 * s, y + 8 * s, 0, "%s%s",
		               f->text, focus ? "▏" : "");
	}
}

bool ui_form_key(ui_form *fm, SDL_Keycode k)
{
	switch (k) {
	case SDLK_TAB:
	case SDLK_DOWN:
		fm->focus = (fm->focus + 1) % fm->n;
		return true;
	case SDLK_UP:
		fm->focus = (fm->focus + fm->n - 1) % fm->n;
		return true;
	case SDLK_BACKSPACE:
		ui_field_backspace(&fm->f[fm->focus]);
		return true;
	default:
		return false;
	}
}

void ui_lean_init(ui_lean *l, int n, double reach_mm, double hold_s, const ses_history *h)
{
	*l = (ui_lean){.n = n, .hold_s = hold_s, .reach_mm = reach_mm > 5 ? reach_mm : 5, .hover = -1,
	               .chosen = -1};
	l->seen = h ? ses_history_total(h) : 0; /* from now on */
}

void ui_lean_init_at(ui_lean *l, int n, double reach_mm, double hold_s, const ses_history *h, double cx_mm)
{
	ui_lean_init(l, n, reach_mm, hold_s, h);
	l->have_centre = l->fixed = true;
	l->cx_mm = cx_mm;
}

/* The option at sideways offset dx (mm from the centre), or −1 (the dead
 * middle of a two-way choice). */
static int option_at(const ui_lean *l, double dx)
{
	double u = dx / l->reach_mm; /* −1 .. 1 across the options */
	if (l->n == 2)
		return u < -0.35 ? 0 : u > 0.35 ? 1 : -1;
	double k = (u + 1) / 2 * (l->n - 1);
	/* Hysteresis: the option under the patient stays until they are well
	 * into a neighbour, so sway at a border does not restart the hold. */
	if (l->hover >= 0 && fabs(k - l->hover) < 0.5 + LEAN_HYSTERESIS)
		return l->hover;
	int i = (int)lround(k);
	return i < 0 ? 0 : i >= l->n ? l->n - 1 : i;
}

int ui_lean_update(ui_lean *l, const ses_history *h)
{
	if (l->chosen >= 0)
		return l->chosen;
	uint64_t total = ses_history_total(h);
	size_t fresh = total - l->seen > ses_history_count(h) ? ses_history_count(h) : (size_t)(total - l->seen);
	l->seen = total;
	for (size_t i = fresh; i-- > 0;) {
		const ses_point *p = ses_history_at(h, i);
		const ses_point *prev = i + 1 < ses_history_count(h) ? ses_history_at(h, i + 1) : NULL;
		double dt = prev ? (double)(p->t_us - prev->t_us) * 1e-6 : 0;
		if (dt < 0 || dt > 0.5)
			dt = 0;
		if (!p->valid) { /* off the plate: start over */
			l->hover = -1;
			l->held_s = 0;
			l->have_centre = l->fixed;
			l->armed = false;
			continue;
		}
		if (!l->have_centre) {
			l->have_centre = true;
			l->cx_mm = p->x_mm;
			continue;
		}
		double dx = p->x_mm - l->cx_mm;
		if (l->fixed && !l->armed) { /* back near the centre first */
			l->armed = fabs(dx) < 0.25 * l->reach_mm;
			continue;
		}
		if (fabs(dx) > 0.3 * l->reach_mm)
			l->moved = true; /* standing still never answers */
		int o = l->moved ? option_at(l, dx) : -1;
		if (o != l->hover) {
			l->hover = o;
			l->held_s = 0;
		} else if (o >= 0) {
			l->held_s += dt;
			if (l->held_s >= l->hold_s) {
				l->chosen = o;
				return o;
			}
		}
	}
	return -1;
}

double ui_lean_fill(const ui_lean *l)
{
	if (l->hover < 0 || !(l->hold_s > 0))
		return 0;
	return fmin(1, l->held_s / l->hold_s);
}

/* ---- a list to pick from ----------------------------------------------- */

enum ui_pick_key ui_pick_key(SDL_Keycode k, int *number)
{
	if (k >= SDLK_1 && k <= SDLK_9) {
		*number = (int)(k - SDLK_1);
		return UI_PICK_NUMBER;
	}
	switch (k) {
	case SDLK_UP:
		return UI_PICK_UP;
	case SDLK_DOWN:
		return UI_PICK_DOWN;
	case SDLK_LEFT:
	case SDLK_MINUS:
	case SDLK_KP_MINUS:
		return UI_PICK_LESS;
	case SDLK_RIGHT:
	case SDLK_PLUS:
	case SDLK_EQUALS:
	case SDLK_KP_PLUS:
		return UI_PICK_MORE;
	case SDLK_LEFTBRACKET:
		return UI_PICK_SHORTER;
	case SDLK_RIGHTBRACKET:
		return UI_PICK_LONGER;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
		return UI_PICK_START;
	default:
		return UI_PICK_NONE;
	}
}
