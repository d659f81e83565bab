/* Maze: roll a marble through a maze to the hole by leaning (tilt
 * control). The lean is the board's tilt: the marble accelerates toward
 * where you lean, beyond a small dead zone so quiet sway does not roll it.
 *
 * Level | maze    | time per maze | top speed (full lean)
 *   1   | 3 × 3   |     90 s      |  2.0 cells/s
 *  10   | 8 × 8   |     60 s      |  3.5 cells/s
 * (size rounds 3 + 5·(level−1)/9; others linear). The marble settles to
 * the speed of the lean in about a quarter of a second (rolling friction),
 * so it answers the lean rather than sliding like on ice. One attempt = one maze:
 * reaching the hole = hit, time out = miss; a new maze follows either
 * way. Time in target: time rolling (faster than 0.3 cells/s) on the
 * shortest path's cells. Path
 * efficiency: shortest path over the distance rolled, per solved maze.
 */
#ifndef POISE_GAMES_MAZE_H
#define POISE_GAMES_MAZE_H

#include "games/game.h"

extern const struct game_ops maze_ops;

#define MAZE_MAX 8
#define MAZE_WALL_E 1u /* wall on the cell's east side */
#define MAZE_WALL_N 2u /* wall on the cell's north side (toward +y) */
#define MARBLE_R 0.22  /* marble radius, cells */
#define MAZE_DEAD_ZONE 0.12

typedef struct maze_game {
	game base;
	int n;                               /* cells per side */
	unsigned char wall[MAZE_MAX][MAZE_MAX]; /* [x][y]; outer walls implied */
	unsigned char on_path[MAZE_MAX][MAZE_MAX]; /* shortest start→goal path */
	int path_len;                        /* cells on it */
	double px, py, vx, vy;               /* marble, cells (0..n), cells/s */
	double prev_px, prev_py;
	double rolled;                       /* distance rolled in this maze */
	double maze_t_s, limit_s, pull, vmax;
	int pending_level;
	int index;
	double win_s;                        /* > 0 just after a solve */
} maze_game;

/* True if a wall separates cell (x, y) from its neighbour in direction
 * d (0 E, 1 N, 2 W, 3 S); the outside counts as wall. */
bool maze_wall(const maze_game *g, int x, int y, int d);

#endif
