#include <string.h>

#include "games/game.h"
#include "games/maze.h"
#include "games/reach.h"
#include "games/slalom.h"
#include "games/stillwater.h"
#include "games/tracking.h"

static const struct game_ops *const games[] = {
	&reach_ops, &slalom_ops, &stillwater_ops, &tracking_ops, &maze_ops, NULL,
};

const struct game_ops *const *game_list(void)
{
	return games;
}

const struct game_ops *game_find(const char *id)
{
	for (const struct game_ops *const *g = games; *g; g++)
		if (strcmp((*g)->id, id) == 0)
			return *g;
	return NULL;
}
