/* Helpers for the tests of device backends against emulated devices
 * (test_usbplate.c, test_wbb_usb.c). Header-only on purpose: each test is
 * one executable. Include after <cmocka.h>. */
#ifndef POISE_TEST_DEV_H
#define POISE_TEST_DEV_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "device/device.h"

/* Reads until n frames or limit_ms passed (each read must succeed);
 * returns how many. */
static inline size_t td_read_frames(dev *d, poise_frame *out, size_t n, int limit_ms)
{
	size_t got = 0;
	mono_us until = dev_now_us() + (mono_us)limit_ms * 1000u;
	while (got < n && dev_now_us() < until) {
		size_t k = 0;
		int rc = d->ops->read(d, out + got, n - got < 64 ? n - got : 64, &k, 50);
		assert_int_equal(rc, POISE_OK);
		got += k;
	}
	return got;
}

/* The environment a poise child process needs beside the emulator (which
 * it reaches through UMOCKDEV_DIR and the preload, both inherited): ASan
 * must not insist on coming first. */
static inline void td_child_env(char *buf, size_t len)
{
	const char *asan = getenv("ASAN_OPTIONS");
	snprintf(buf, len, "ASAN_OPTIONS='%s%sverify_asan_link_order=0'", asan ? asan : "",
	         asan && *asan ? ":" : "");
}

/* Takes the permission on the emulated device node away from ordinary
 * users (0600), leaving them the testbed and the emulator's ioctl socket
 * (libumockdev-preload connects to it even when the open fails, and exits
 * if it cannot). Returns the prefix that runs a command as such a user
 * ("" when the tests do not run as root). */
static inline const char *td_deny_node(const char *root, const char *devnode)
{
	char node[1024], sock[1024];
	snprintf(node, sizeof node, "%s%s", root, devnode);
	assert_int_equal(chmod(node, 0600), 0);
	assert_int_equal(chmod(root, 0777), 0);
	snprintf(sock, sizeof sock, "%s/ioctl%s", root, devnode);
	assert_int_equal(chmod(sock, 0666), 0);
	return geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups" : "";
}

/* Gives the permission back. */
static inline void td_allow_node(const char *root, const char *devnode)
{
	char node[1024];
	snprintf(node, sizeof node, "%s%s", root, devnode);
	assert_int_equal(chmod(node, 0666), 0);
}

#endif
