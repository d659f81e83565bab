#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>

void text_add(text_buf *t, const char *fmt, ...)
{
	if (!t->buf || t->len == 0 || t->used >= t->len - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	t->used += (size_t)n;
	if (t->used >= t->len)
		t->used = t->len - 1;
}
