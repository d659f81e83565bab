#include "device/dev_text.h"

#include <stdarg.h>
#include <stdio.h>

void dev_fmt(char *dst, size_t len, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	vsnprintf(dst, len, f, ap);
	va_end(ap);
}

bool dev_read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, len - 1, f);
	bool ok = !ferror(f);
	fclose(f);
	buf[n] = 0;
	return ok;
}
