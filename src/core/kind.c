#include "core/kind.h"

#include <string.h>

static const kind_info kinds[] = {
	{"quiet-eo", "Quiet stance, eyes open", KIND_QUIET | KIND_RECORDABLE},
	{"quiet-ec", "Quiet stance, eyes closed", KIND_QUIET | KIND_EYES_CLOSED | KIND_RECORDABLE},
	{"quiet-eo-foam", "Quiet stance on foam, eyes open", KIND_QUIET | KIND_FOAM | KIND_RECORDABLE},
	{"quiet-ec-foam", "Quiet stance on foam, eyes closed",
	 KIND_QUIET | KIND_EYES_CLOSED | KIND_FOAM | KIND_RECORDABLE},
	{"los", "Limits of stability", 0},
	{"symmetry", "Weight bearing, standing", 0},
	{"squat", "Weight bearing, squat", 0},
	{"sit-to-stand", "Sit to stand", 0},
	{"test:mctsib", "mCTSIB", KIND_SUMMARY},
	{"test:los", "Limits of stability", KIND_SUMMARY},
	{"test:symmetry", "Weight-bearing symmetry", KIND_SUMMARY},
	{"test:sit-to-stand", "Sit to stand", KIND_SUMMARY},
	{"game:", "Game", KIND_GAME},
};

const kind_info *kind_list(size_t *n)
{
	*n = sizeof kinds / sizeof kinds[0];
	return kinds;
}

static bool game_id_valid(const char *id)
{
	if (!*id || strlen(id) > 40)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

const kind_info *kind_find(const char *kind)
{
	if (!kind)
		return NULL;
	size_t n = sizeof kinds / sizeof kinds[0];
	for (size_t i = 0; i < n; i++) {
		if (kinds[i].flags & KIND_GAME) {
			size_t k = strlen(kinds[i].kind);
			if (strncmp(kind, kinds[i].kind, k) == 0 && game_id_valid(kind + k))
				return &kinds[i];
		} else if (strcmp(kind, kinds[i].kind) == 0) {
			return &kinds[i];
		}
	}
	return NULL;
}

bool kind_known(const char *kind)
{
	return kind_find(kind) != NULL;
}
