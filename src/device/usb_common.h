/* Poise: what the libusb backends (usb plate, wbb-usb) share. Main or
 * acquisition thread; no state. */
#ifndef POISE_DEVICE_USB_COMMON_H
#define POISE_DEVICE_USB_COMMON_H

#include <stddef.h>

#include <libusb.h>

/* A libusb error code as a POISE_E_* (the one place that translates). */
int dev_from_libusb(int r);

/* "usb:BUS-PORT.PORT...": where the device is plugged, stable while it
 * stays in the same socket (used as the device id). Written into out. */
void dev_usb_locator(libusb_device *ld, char *out, size_t len);

/* Calls fn(ld, ctx) for every USB device present, in a libusb context of
 * its own (closed before returning: what fn opens it must close). For a
 * backend's enumerate. POISE_E_UNSUPPORTED if libusb cannot start,
 * POISE_E_IO if the devices cannot be listed. */
int dev_usb_each(void (*fn)(libusb_device *ld, void *ctx), void *ctx);

#endif
