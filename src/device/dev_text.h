/* Poise: text helpers the device backends share (sysfs attributes, key
 * files, notes for people). No state; any thread. */
#ifndef POISE_DEVICE_DEV_TEXT_H
#define POISE_DEVICE_DEV_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* snprintf that may truncate on purpose: notes and paths have fixed room;
 * a longer one is cut, never overflowed. */
void dev_fmt(char *dst, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* Reads a small text file into buf (NUL-terminated, at most len - 1
 * bytes). False if it cannot be opened or read. */
bool dev_read_text(const char *path, char *buf, size_t len);

#endif
