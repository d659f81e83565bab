/* The run-time table of backends and opening a device by spec. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/text.h"
#include "device/device.h"
#include "device/sim.h"
#include "device/usbplate.h"
#include "device/wbb.h"
#include "device/wbb_usb.h"

static const struct dev_ops *const backends[] = {
	/* Real plates first, in auto-detection order; the sim last. */
	&usbp_ops,
	&wbb_ops,
	&wbbu_ops,
	&sim_ops,
	NULL,
};

const struct dev_ops *const *dev_backends(void)
{
	return backends;
}

const struct dev_ops *dev_backend(const char *name)
{
	for (const struct dev_ops *const *b = backends; *b; b++)
		if (strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}

void dev_pipeline_cfg(const dev_info *info, pl_cfg *cfg)
{
	pl_cfg_default(cfg, &info->plate, info->rate_hz);
	if (info->rate_irregular)
		cfg->resample_method = RS_WINDOW;
}

void dev_close(dev *d)
{
	if (d)
		d->ops->close(d);
}

static int open_first_of(const struct dev_ops *ops, const char *want, dev **out,
                         const dev_open_cfg *cfg, char *msg, size_t msg_len)
{
	dev_info found[DEV_MAX_FOUND];
	size_t n = 0;
	int rc = ops->enumerate(found, DEV_MAX_FOUND, &n);
	if (rc) {
		snprintf(msg, msg_len, "cannot look for %s devices: %s", ops->name, poise_strerror(rc));
		return rc;
	}
	if (n > DEV_MAX_FOUND)
		n = DEV_MAX_FOUND;
	const dev_info *denied = NULL;
	for (size_t i = 0; i < n; i++) {
		if (want && *want && strcmp(found[i].id, want) != 0 && strcmp(found[i].serial, want) != 0)
			continue;
		if (!found[i].usable) {
			denied = &found[i];
			continue;
		}
		char why[256] = "";
		rc = ops->open_msg ? ops->open_msg(out, &found[i], cfg, why, sizeof why)
		                   : ops->open(out, &found[i], cfg);
		if (rc == POISE_OK)
			return POISE_OK;
		if (rc == POISE_E_INVALID && cfg && cfg->rate_hz > 0 && !why[0]) /* the only setting a caller gives */
			snprintf(msg, msg_len, "cannot open %s (%s) at %g Hz: it does not run at that rate "
			         "(--rate)", found[i].name, found[i].id, cfg->rate_hz);
		else
			snprintf(msg, msg_len, "cannot open %s (%s): %s", found[i].name, found[i].id,
			         why[0] ? why : poise_strerror(rc));
		return rc;
	}
	if (denied) {
		snprintf(msg, msg_len, "%s (%s) was found but cannot be opened: %s", denied->name,
		         denied->id, denied->note[0] ? denied->note : "permission denied");
		return denied->err ? denied->err : POISE_E_ACCESS;
	}
	snprintf(msg, msg_len, "no %s device found%s%s", ops->name, want && *want ? " matching " : "",
	         want && *want ? want : "");
	return POISE_E_NOT_FOUND;
}

/* One clause of why a plate that is present cannot be used: "USB force
 * plate usb:1-2 (serial X): permission denied: install the udev rule …". */
static void say_unusable(text_buf *why, const char *sep, const char *label, const dev_info *di,
                         const char *note)
{
	text_add(why, "%s%s %s%s%s%s: %s", why->used ? sep : "", label, di->id,
	         di->serial[0] ? " (serial " : "", di->serial, di->serial[0] ? ")" : "", note);
}

/* Tries the real plates in dev_backends() order and opens the first that
 * opens. Otherwise writes one clause per backend, and per plate found,
 * into why (separated by sep), sets *noteworthy if a plate was there at all or a backend
 * could not look (more to say than "none found"), and returns the
 * error of the first plate found but unusable, else POISE_E_NOT_FOUND. */
static int open_first_real(dev **out, const dev_open_cfg *cfg, const char *sep, text_buf *why,
                           bool *noteworthy)
{
	int first_err = POISE_OK;
	for (const struct dev_ops *const *b = backends; *b; b++) {
		if (*b == &sim_ops)
			continue;
		const char *label = (*b)->label ? (*b)->label : (*b)->name;
		dev_info found[DEV_MAX_FOUND];
		size_t n = 0;
		int rc = (*b)->enumerate(found, DEV_MAX_FOUND, &n);
		if (rc) {
			text_add(why, "%s%s: cannot look for one (%s)", why->used ? sep : "", label,
			         poise_strerror(rc));
			*noteworthy = true;
			continue;
		}
		if (n == 0) {
			text_add(why, "%s%s: none found", why->used ? sep : "", label);
			continue;
		}
		*noteworthy = true;
		size_t shown = n > DEV_MAX_FOUND ? DEV_MAX_FOUND : n;
		for (size_t i = 0; i < shown; i++) {
			int err;
			char note[160];
			if (found[i].usable) {
				if ((err = (*b)->open(out, &found[i], cfg)) == POISE_OK)
					return POISE_OK;
				snprintf(note, sizeof note, "cannot open it (%s)", poise_strerror(err));
			} else {
				err = found[i].err ? found[i].err : POISE_E_ACCESS;
				snprintf(note, sizeof note, "%s",
				         found[i].note[0] ? found[i].note : poise_strerror(err));
			}
			say_unusable(why, sep, label, &found[i], note);
			if (!first_err)
				first_err = err;
		}
		if (n > shown)
			text_add(why, " (and %zu more)", n - shown);
	}
	return first_err ? first_err : POISE_E_NOT_FOUND;
}

/* msg = head + why + tail, shortening why (never the tail, which says
 * what to do) when msg is too small. */
static void say_with_tail(char *msg, size_t len, const char *head, const char *why,
                          const char *tail)
{
	if (len == 0)
		return;
	size_t fixed = strlen(head) + strlen(tail), n = strlen(why);
	size_t room = len - 1 > fixed ? len - 1 - fixed : 0;
	const char *cut = "";
	if (n > room) {
		n = room > 3 ? room - 3 : 0;
		while (n > 0 && ((unsigned char)why[n] & 0xC0) == 0x80) /* not inside a UTF-8 character */
			n--;
		cut = "...";
	}
	snprintf(msg, len, "%s%.*s%s%s", head, (int)n, why, cut, tail);
}

static int open_auto(dev **out, unsigned flags, const dev_open_cfg *cfg, bool *fell_back,
                     char *msg, size_t msg_len)
{
	char why_buf[1024] = "";
	text_buf why = {why_buf, sizeof why_buf, 0};
	bool noteworthy = false;
	bool refuse = flags & DEV_AUTO_REAL_ONLY;
	/* A refusal lists a plate a line (the app shows it as a list). */
	int rc = open_first_real(out, cfg, refuse ? "\n  " : "; ", &why, &noteworthy);
	if (rc == POISE_OK)
		return POISE_OK;
	if (refuse) {
		say_with_tail(msg, msg_len, "no force plate can be used:\n  ", why_buf,
		              "\nConnect a plate, or choose --device sim for a demo: such sessions are "
		              "stored as simulated.");
		return rc;
	}
	if ((rc = open_first_of(&sim_ops, NULL, out, cfg, msg, msg_len)) != POISE_OK)
		return rc;
	if (fell_back)
		*fell_back = true;
	if (noteworthy)
		say_with_tail(msg, msg_len, "no usable force plate (", why_buf,
		              "); using the simulated plate (demo, nothing measured)");
	else
		snprintf(msg, msg_len, "no force plate found; using the simulated plate (demo, nothing "
		         "measured)");
	return POISE_OK;
}

bool dev_is_simulated(const dev_info *info)
{
	return info && strcmp(info->backend, sim_ops.name) == 0;
}

int dev_open_spec(dev **out, const char *spec, const dev_open_cfg *cfg, char *msg,
                  size_t msg_len)
{
	return dev_open_choice(out, spec, 0, cfg, NULL, msg, msg_len);
}

int dev_open_choice(dev **out, const char *spec, unsigned flags, const dev_open_cfg *cfg,
                    bool *fell_back, char *msg, size_t msg_len)
{
	if (fell_back)
		*fell_back = false;
	if (msg_len)
		msg[0] = 0;
	if (!spec || !*spec || strcmp(spec, "auto") == 0)
		return open_auto(out, flags, cfg, fell_back, msg, msg_len);
	char name[16];
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (len >= sizeof name) {
		snprintf(msg, msg_len, "unknown device '%s'", spec);
		return POISE_E_NOT_FOUND;
	}
	memcpy(name, spec, len);
	name[len] = 0;
	const struct dev_ops *ops = dev_backend(name);
	if (!ops) {
		int k = snprintf(msg, msg_len, "unknown device '%s' (known:", spec);
		for (const struct dev_ops *const *b = backends; *b && k > 0 && (size_t)k < msg_len; b++)
			k += snprintf(msg + k, msg_len - (size_t)k, " %s", (*b)->name);
		if (k > 0 && (size_t)k < msg_len)
			snprintf(msg + k, msg_len - (size_t)k, ")");
		return POISE_E_NOT_FOUND;
	}
	return open_first_of(ops, colon ? colon + 1 : NULL, out, cfg, msg, msg_len);
}
