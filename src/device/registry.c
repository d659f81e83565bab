/* The run-time table of backends and opening a device by spec. */
#include <stdio.h>
#include <string.h>

#include "core/error.h"
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

int dev_open_spec(dev **out, const char *spec, const dev_open_cfg *cfg, char *msg,
                  size_t msg_len)
{
	if (!spec || !*spec || strcmp(spec, "auto") == 0) {
		for (const struct dev_ops *const *b = backends; *b; b++) {
			if (*b == &sim_ops)
				continue;
			if (open_first_of(*b, NULL, out, cfg, msg, msg_len) == POISE_OK)
				return POISE_OK;
		}
		return open_first_of(&sim_ops, NULL, out, cfg, msg, msg_len);
	}
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
