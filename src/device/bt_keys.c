#include "device/bt_keys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "device/dev_text.h"

#define KEY_SUFFIX ".key"

static void addr_hex(const bt_addr *a, char out[13])
{
	snprintf(out, 13, "%02X%02X%02X%02X%02X%02X", a->b[5], a->b[4], a->b[3], a->b[2], a->b[1],
	         a->b[0]);
}

int btk_default_root(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int k;
	if (xdg && xdg[0] == '/')
		k = snprintf(buf, len, "%s/poise/bluetooth", xdg);
	else if (home && home[0] == '/')
		k = snprintf(buf, len, "%s/.local/share/poise/bluetooth", home);
	else
		return POISE_E_NOT_FOUND;
	return k < 0 || (size_t)k >= len ? POISE_E_RANGE : POISE_OK;
}

/* mkdir -p, 0700 for what it creates. */
static int make_dirs(const char *path)
{
	char tmp[BTK_PATH_MAX];
	size_t n = strlen(path);
	if (n >= sizeof tmp)
		return POISE_E_RANGE;
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != 0)
			continue;
		char c = tmp[i];
		tmp[i] = 0;
		struct stat st;
		if (mkdir(tmp, 0700) != 0 &&
		    (errno != EEXIST || stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)))
			return errno == EACCES ? POISE_E_ACCESS : POISE_E_IO;
		tmp[i] = c;
	}
	return POISE_OK;
}

int btk_adapter_dir(const char *root, const bt_addr *adapter, bool create, char *dir, size_t len)
{
	char hex[13];
	addr_hex(adapter, hex);
	int k = snprintf(dir, len, "%s/%s", root, hex);
	if (k < 0 || (size_t)k >= len)
		return POISE_E_RANGE;
	return create ? make_dirs(dir) : POISE_OK;
}

/* Writes text to dir/name through a temporary file, mode 0600. */
static int write_file(const char *dir, const char *name, const char *text)
{
	char path[BTK_PATH_MAX], tmp[BTK_PATH_MAX + 8];
	int k = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (k < 0 || (size_t)k >= sizeof path)
		return POISE_E_RANGE;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EACCES ? POISE_E_ACCESS : POISE_E_IO;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
	ok &= close(fd) == 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return errno == ENOSPC ? POISE_E_NOSPACE : POISE_E_IO;
	}
	return POISE_OK;
}

/* The value of "key=" on its own line of text, into out; false if absent. */
static bool field(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) != 0 || p[kl] != '=')
			continue;
		const char *v = p + kl + 1, *end = strchr(v, '\n');
		size_t n = end ? (size_t)(end - v) : strlen(v);
		if (n >= len)
			n = len - 1;
		memcpy(out, v, n);
		out[n] = 0;
		return true;
	}
	return false;
}

int btk_set_identity(const char *dir, const char *identity)
{
	char text[256];
	snprintf(text, sizeof text, "usb=%s\n", identity);
	return write_file(dir, "adapter", text);
}

int btk_find_by_identity(const char *root, const char *identity, bt_addr *adapter)
{
	DIR *d = opendir(root);
	if (!d)
		return POISE_E_NOT_FOUND;
	int rc = POISE_E_NOT_FOUND;
	struct dirent *e;
	while (rc != POISE_OK && (e = readdir(d))) {
		bt_addr a;
		if (strlen(e->d_name) != 12 || bt_addr_parse(e->d_name, &a) != POISE_OK)
			continue;
		char path[BTK_PATH_MAX], text[256], id[200];
		snprintf(path, sizeof path, "%s/%s/adapter", root, e->d_name);
		if (dev_read_text(path, text, sizeof text) && field(text, "usb", id, sizeof id) &&
		    strcmp(id, identity) == 0) {
			*adapter = a;
			rc = POISE_OK;
		}
	}
	closedir(d);
	return rc;
}

static int parse_board(const char *text, btk_board *out)
{
	char v[80];
	btk_board b = {.battery_pct = -1};
	if (!field(text, "addr", v, sizeof v) || bt_addr_parse(v, &b.addr) != POISE_OK)
		return POISE_E_PARSE;
	if (!field(text, "key", v, sizeof v) || strlen(v) != 32)
		return POISE_E_PARSE;
	for (int i = 0; i < 16; i++) {
		unsigned x;
		if (sscanf(v + 2 * i, "%2x", &x) != 1)
			return POISE_E_PARSE;
		b.key[i] = (uint8_t)x;
	}
	field(text, "name", b.name, sizeof b.name);
	if (field(text, "battery", v, sizeof v)) {
		char *end;
		long pct = strtol(v, &end, 10);
		if (end != v && pct >= 0 && pct <= 100)
			b.battery_pct = (int)pct;
	}
	*out = b;
	return POISE_OK;
}

int btk_load(const char *dir, const bt_addr *addr, btk_board *out)
{
	char hex[13], path[BTK_PATH_MAX], text[512];
	addr_hex(addr, hex);
	snprintf(path, sizeof path, "%s/%s" KEY_SUFFIX, dir, hex);
	btk_board b;
	if (!dev_read_text(path, text, sizeof text) || parse_board(text, &b) != POISE_OK ||
	    !bt_addr_eq(&b.addr, addr))
		return POISE_E_NOT_FOUND;
	*out = b;
	return POISE_OK;
}

static int cmp_board(const void *a, const void *b)
{
	const btk_board *x = a, *y = b;
	for (int i = 5; i >= 0; i--)
		if (x->addr.b[i] != y->addr.b[i])
			return x->addr.b[i] < y->addr.b[i] ? -1 : 1;
	return 0;
}

int btk_list(const char *dir, btk_board *out, size_t max, size_t *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return POISE_OK;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bt_addr a;
		char hex[13];
		if (len != 12 + strlen(KEY_SUFFIX) || strcmp(e->d_name + 12, KEY_SUFFIX) != 0)
			continue;
		memcpy(hex, e->d_name, 12);
		hex[12] = 0;
		btk_board b;
		if (bt_addr_parse(hex, &a) != POISE_OK || btk_load(dir, &a, &b) != POISE_OK)
			continue;
		if (*n < max)
			out[*n] = b;
		(*n)++;
	}
	closedir(d);
	qsort(out, *n < max ? *n : max, sizeof *out, cmp_board);
	return POISE_OK;
}

int btk_save(const char *dir, const btk_board *b)
{
	char hex[13], name[32], addr[BT_ADDR_STR_LEN], key[33], text[512];
	addr_hex(&b->addr, hex);
	bt_addr_str(&b->addr, addr);
	for (int i = 0; i < 16; i++)
		snprintf(key + 2 * i, 3, "%02x", b->key[i]);
	/* A name is one line of printable text. */
	char clean[sizeof b->name];
	size_t k = 0;
	for (size_t i = 0; b->name[i] && k + 1 < sizeof clean; i++)
		clean[k++] = (unsigned char)b->name[i] < 0x20 ? '?' : b->name[i];
	clean[k] = 0;
	snprintf(name, sizeof name, "%s" KEY_SUFFIX, hex);
	int n = snprintf(text, sizeof text, "addr=%s\nname=%s\nkey=%s\n", addr, clean, key);
	if (b->battery_pct >= 0 && n > 0 && (size_t)n < sizeof text)
		snprintf(text + n, sizeof text - (size_t)n, "battery=%d\n", b->battery_pct);
	return write_file(dir, name, text);
}

int btk_forget(const char *dir, const bt_addr *addr)
{
	char hex[13], path[BTK_PATH_MAX];
	addr_hex(addr, hex);
	snprintf(path, sizeof path, "%s/%s" KEY_SUFFIX, dir, hex);
	if (unlink(path) != 0 && errno != ENOENT)
		return POISE_E_IO;
	return POISE_OK;
}
