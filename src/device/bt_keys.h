/* Poise: the boards a USB Bluetooth adapter is paired with, and their link
 * keys, in files (the wbb-usb backend's own Bluetooth host keeps no other
 * state between runs).
 *
 * A board paired with the red sync button remembers the adapter's address
 * and reconnects to it by itself when switched on; the adapter's side of
 * that pairing is the link key stored here. So the store is per adapter,
 * by its Bluetooth address:
 *
 *   <root>/<ADAPTER>/adapter        where the adapter was last plugged in
 *                                   (its USB identity: "0a12:0001 usb:1-2",
 *                                   or "... serial=S" when it has a serial)
 *   <root>/<ADAPTER>/<BOARD>.key    one paired board: address, name, link
 *                                   key, battery when last connected
 *
 * <root> is $XDG_DATA_HOME/poise/bluetooth (else ~/.local/share/poise/
 * bluetooth); addresses are 12 upper-case hex digits. Folders are created
 * 0700 and files 0600, written to a temporary file and renamed, so a crash
 * never leaves half a key. Nothing here talks to a device.
 */
#ifndef POISE_DEVICE_BT_KEYS_H
#define POISE_DEVICE_BT_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "device/bt_proto.h"

#define BTK_PATH_MAX 1024
#define BTK_MAX_BOARDS 8 /* paired boards listed per adapter */

/* One paired board. */
typedef struct btk_board {
	bt_addr addr;
	char name[64];        /* as the board told it ("Nintendo RVL-WBC-01") */
	uint8_t key[16];      /* the link key from the pairing */
	int battery_pct;      /* when it was last connected; -1 unknown */
} btk_board;

/* Writes the store's root folder into buf (not created here).
 * POISE_E_NOT_FOUND if neither XDG_DATA_HOME nor HOME is set,
 * POISE_E_RANGE if the path does not fit. */
int btk_default_root(char *buf, size_t len);

/* Writes the folder of the adapter at addr into dir; with create, makes it
 * (and the folders above it) 0700. POISE_E_IO (errno kept) if it cannot. */
int btk_adapter_dir(const char *root, const bt_addr *adapter, bool create, char *dir, size_t len);

/* Records the adapter's USB identity in its folder (dir must exist). */
int btk_set_identity(const char *dir, const char *identity);

/* Finds the adapter last seen with this USB identity: its address into
 * *adapter. POISE_E_NOT_FOUND if none (a never-used adapter). */
int btk_find_by_identity(const char *root, const char *identity, bt_addr *adapter);

/* Lists up to max paired boards of the adapter folder dir into out,
 * sorted by address; *n = how many there are. A missing folder is an
 * empty list; an unreadable or malformed key file is skipped. */
int btk_list(const char *dir, btk_board *out, size_t max, size_t *n);

/* Loads the board at addr. POISE_E_NOT_FOUND if it is not paired. */
int btk_load(const char *dir, const bt_addr *addr, btk_board *out);

/* Stores (or replaces) the board, atomically, mode 0600. */
int btk_save(const char *dir, const btk_board *b);

/* Forgets the board (its key no longer works: the board was paired with
 * another host since). POISE_OK if it was not there. */
int btk_forget(const char *dir, const bt_addr *addr);

#endif
