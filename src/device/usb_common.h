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

#endif
