#include "core/error.h"

#include <stddef.h>

static const struct {
	int code;
	const char *name;
	const char *text;
} err_table[] = {
	{POISE_OK, "POISE_OK", "success"},
	{POISE_E_INVALID, "POISE_E_INVALID", "invalid argument"},
	{POISE_E_NOMEM, "POISE_E_NOMEM", "out of memory"},
	{POISE_E_IO, "POISE_E_IO", "input/output error"},
	{POISE_E_NOT_FOUND, "POISE_E_NOT_FOUND", "not found"},
	{POISE_E_ACCESS, "POISE_E_ACCESS", "permission denied"},
	{POISE_E_BUSY, "POISE_E_BUSY", "resource busy"},
	{POISE_E_TIMEOUT, "POISE_E_TIMEOUT", "timed out"},
	{POISE_E_DISCONNECTED, "POISE_E_DISCONNECTED", "the device went away"},
	{POISE_E_PROTOCOL, "POISE_E_PROTOCOL", "malformed data from the device"},
	{POISE_E_UNSUPPORTED, "POISE_E_UNSUPPORTED", "not supported"},
	{POISE_E_PARSE, "POISE_E_PARSE", "malformed input"},
	{POISE_E_RANGE, "POISE_E_RANGE", "value out of range"},
	{POISE_E_STATE, "POISE_E_STATE", "not allowed in the current state"},
	{POISE_E_NOSPACE, "POISE_E_NOSPACE", "no space left on the disk"},
	{POISE_E_EXISTS, "POISE_E_EXISTS", "already exists"},
	{POISE_E_OVERFLOW, "POISE_E_OVERFLOW", "a queue was full and data were lost"},
};

static size_t err_index(int err)
{
	for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
		if (err_table[i].code == err)
			return i;
	return (size_t)-1;
}

const char *poise_err_name(int err)
{
	size_t i = err_index(err);
	return i == (size_t)-1 ? "POISE_E_UNKNOWN" : err_table[i].name;
}

const char *poise_strerror(int err)
{
	size_t i = err_index(err);
	return i == (size_t)-1 ? "unknown error" : err_table[i].text;
}
