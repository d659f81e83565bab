#include "ui/strings.h"

static const char *const english[UI_S_COUNT] = {
#define UI_STRING_TEXT(id, text) [UI_S_##id] = text,
	UI_STRINGS(UI_STRING_TEXT)
#undef UI_STRING_TEXT
};

const char *ui_str(enum ui_string id)
{
	return (unsigned)id < UI_S_COUNT && english[id] ? english[id] : "";
}
