/* A USB device emulated at the usbdevfs level for tests, answered in this
 * process: the part the emulated USB plate (plate_emu) and the emulated
 * Bluetooth adapter (bt_emu) share.
 *
 * umockdev provides the device in sysfs and /dev/bus/usb; every usbdevfs
 * ioctl that libusb sends to it (capabilities, claim/release, the kernel
 * driver's GETDRIVER/DISCONNECT/CONNECT, submit, reap, discard, clear halt)
 * is answered here. What the device does with its URBs is the device's
 * business, through the callbacks of ufs_cb.
 *
 * Readiness like the kernel's: the device node is a FIFO whose writability
 * (what libusb polls for) is switched on exactly when a URB can be reaped,
 * so libusb sleeps in poll() between packets as with real hardware.
 *
 * A kernel driver can hold interface 0 (as btusb holds a Bluetooth
 * adapter): claiming it is then EBUSY until libusb detaches the driver; a
 * CONNECT binds it again if the driver is "loaded".
 *
 * Threads: umockdev answers ioctls on its worker thread, devices usually
 * run a ticker thread, tests call in from theirs. One mutex guards the
 * device: the callbacks run with it held, and device code outside them
 * takes it with ufs_lock().
 */
#ifndef POISE_TEST_USBFS_EMU_H
#define POISE_TEST_USBFS_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ufs ufs;

/* A submitted URB as the device sees it. */
typedef struct ufs_urb {
	uint8_t type;     /* USBDEVFS_URB_TYPE_CONTROL, _BULK, _INTERRUPT */
	uint8_t endpoint; /* with the direction bit */
	uint8_t *data;    /* the buffer (control: the 8-byte setup first) */
	int length;       /* its length */
	int filled;       /* IN: bytes the device put in so far */
	bool done;        /* complete: reapable */
	int status;       /* once done: 0, or -errno */
	uint64_t note[4]; /* the device's notes, kept until the reap */
} ufs_urb;

typedef struct ufs_cb {
	void *ctx;
	/* A control URB at submit (not a standard string-descriptor request,
	 * which is answered from ufs_cfg.strings): setup in data[0..8), the
	 * data stage after it. Returns 0 with *actual (the data-stage bytes
	 * written or taken) or -EPIPE to stall. */
	int (*control)(void *ctx, ufs_urb *u, size_t *actual);
	/* A bulk or interrupt OUT URB at submit: take its data now (optional:
	 * NULL refuses OUT URBs with EINVAL). */
	void (*out)(void *ctx, ufs_urb *u);
	/* An IN URB without data yet, offered at submit and at every
	 * ufs_kick(): the device fills it (data, filled) and sets done, or
	 * leaves it. on_demand: the host is reaping and nothing is done. */
	void (*fill)(void *ctx, ufs_urb *u, bool on_demand);
	/* Optional: true if fill(on_demand) would complete an URB now. */
	bool (*fills_on_demand)(void *ctx);
	/* Optional: an IN URB with data was reaped by the host (status 0). */
	void (*reaped)(void *ctx, const ufs_urb *u);
	/* Which IN endpoints the device streams on (others are refused). */
	uint8_t in_eps[4];
	uint8_t out_eps[4];
} ufs_cb;

typedef struct ufs_cfg {
	const uint8_t *descriptors; /* device descriptor, then the configuration */
	size_t descriptors_len;
	uint16_t vid, pid;
	const char *serial;         /* NULL: none */
	const char *strings[4];     /* string descriptors 1..4 (NULL: absent) */
	unsigned n_ifaces;          /* interfaces that may be claimed */
	const char *kernel_driver;  /* holds interface 0 at plug-in (NULL: none) */
	bool driver_loaded;         /* kernel_driver binds again on CONNECT */
	ufs_cb cb;
} ufs_cfg;

/* Re-executes the program under libumockdev-preload if it is not there
 * yet (call first thing in main). Returns only when the preload is active;
 * on failure prints why and returns false. */
bool ufs_ensure_preload(char **argv);

/* Creates the umockdev testbed and plugs the device in. Must come before
 * any libusb context of the process. *out untouched on failure; returns 0
 * or -1 (message on stderr). */
int ufs_create(ufs **out, const ufs_cfg *cfg);

/* Unplugs and frees everything. Every libusb context must be closed. */
void ufs_destroy(ufs *u);

void ufs_lock(ufs *u);
void ufs_unlock(ufs *u);

/* With the lock held: offers the IN URBs without data to the device again
 * and updates the node's readiness. Call after the device has new data. */
void ufs_kick(ufs *u);

/* Starts a thread that calls tick(ctx) once per millisecond (a USB frame)
 * with the lock held, while the device is plugged in; tick calls
 * ufs_kick() when it has new data. After a stall (a debugger, a loaded
 * machine) it resumes from now rather than racing through the missed
 * milliseconds. ufs_destroy() stops it. 0 or -1. */
int ufs_start_ticker(ufs *u, void (*tick)(void *ctx), void *ctx);

/* Pulls the cable: URBs in flight end with -ESHUTDOWN (those complete are
 * still reaped, as with the kernel), every later ioctl fails with ENODEV,
 * the device leaves sysfs with a "remove" uevent. Without the lock. */
void ufs_unplug(ufs *u);

/* Plugs it back in at the next device address (the device resets its own
 * state first). -1 if it is plugged in. Without the lock. */
int ufs_replug(ufs *u);

/* True while the device is plugged in. With the lock. */
bool ufs_present(const ufs *u);

/* True while the kernel driver holds interface 0. With the lock. */
bool ufs_kernel_bound(const ufs *u);

/* The current device node ("/dev/bus/usb/001/002") and the testbed's root. */
const char *ufs_devnode(const ufs *u);
const char *ufs_root(const ufs *u);

#endif
