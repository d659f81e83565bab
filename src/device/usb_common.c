#include "device/usb_common.h"

#include <stdio.h>

#include "core/error.h"

int dev_from_libusb(int r)
{
	switch (r) {
	case LIBUSB_SUCCESS:
		return POISE_OK;
	case LIBUSB_ERROR_ACCESS:
		return POISE_E_ACCESS;
	case LIBUSB_ERROR_NO_DEVICE:
		return POISE_E_DISCONNECTED;
	case LIBUSB_ERROR_NOT_FOUND:
		return POISE_E_NOT_FOUND;
	case LIBUSB_ERROR_BUSY:
		return POISE_E_BUSY;
	case LIBUSB_ERROR_TIMEOUT:
		return POISE_E_TIMEOUT;
	case LIBUSB_ERROR_PIPE:
	case LIBUSB_ERROR_OVERFLOW:
		return POISE_E_PROTOCOL;
	case LIBUSB_ERROR_NO_MEM:
		return POISE_E_NOMEM;
	case LIBUSB_ERROR_NOT_SUPPORTED:
		return POISE_E_UNSUPPORTED;
	default:
		return POISE_E_IO;
	}
}

void dev_usb_locator(libusb_device *ld, char *out, size_t len)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(ld, ports, 8);
	int k = snprintf(out, len, "usb:%u", libusb_get_bus_number(ld));
	for (int i = 0; i < n && k > 0 && (size_t)k < len; i++)
		k += snprintf(out + k, len - (size_t)k, "%c%u", i == 0 ? '-' : '.', ports[i]);
	if (n <= 0 && k > 0 && (size_t)k < len)
		snprintf(out + k, len - (size_t)k, ".%u", libusb_get_device_address(ld));
}

int dev_usb_each(void (*fn)(libusb_device *ld, void *ctx), void *ctx)
{
	libusb_context *lc;
	if (libusb_init(&lc) != 0)
		return POISE_E_UNSUPPORTED;
	libusb_device **list;
	ssize_t n = libusb_get_device_list(lc, &list);
	if (n < 0) {
		libusb_exit(lc);
		return POISE_E_IO;
	}
	for (ssize_t i = 0; i < n; i++)
		fn(list[i], ctx);
	libusb_free_device_list(list, 1);
	libusb_exit(lc);
	return POISE_OK;
}
