#include "device/reconnect.h"

#include <string.h>

#include "core/error.h"

int dev_reopen(dev **out, const dev_info *lost, const dev_open_cfg *cfg)
{
	const struct dev_ops *ops = dev_backend(lost->backend);
	if (!ops)
		return POISE_E_NOT_FOUND;
	dev_info found[DEV_MAX_FOUND];
	size_t n = 0;
	int rc = ops->enumerate(found, DEV_MAX_FOUND, &n);
	if (rc)
		return rc;
	if (n > DEV_MAX_FOUND)
		n = DEV_MAX_FOUND;
	for (size_t i = 0; i < n; i++) {
		bool same = lost->serial[0] ? strcmp(found[i].serial, lost->serial) == 0
		                            : strcmp(found[i].id, lost->id) == 0;
		if (!same)
			continue;
		if (!found[i].usable)
			return found[i].err ? found[i].err : POISE_E_ACCESS;
		dev_open_cfg again = cfg ? *cfg : (dev_open_cfg){0};
		again.reopen = true;
		return ops->open(out, &found[i], &again);
	}
	return POISE_E_NOT_FOUND;
}

int dev_reconnect(dev **d, acq **a, size_t ring_frames, const dev_open_cfg *cfg)
{
	dev *nd;
	int rc = dev_reopen(&nd, &(*d)->info, cfg);
	if (rc)
		return rc;
	acq *na;
	rc = acq_create(&na, nd, ring_frames);
	if (rc) {
		dev_close(nd);
		return rc;
	}
	rc = acq_start(na);
	if (rc) {
		acq_destroy(na);
		dev_close(nd);
		return rc;
	}
	acq_destroy(*a);
	dev_close(*d);
	*a = na;
	*d = nd;
	return POISE_OK;
}
