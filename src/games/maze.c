#include "games/maze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static const int DX[4] = {1, 0, -1, 0}, DY[4] = {0, 1, 0, -1};

#define FRICTION 4.0 /* 1/s: the marble settles to the lean's speed in ≈ 0.25 s */

static void level_params(int level, int *n, double *limit, double *pull, double *vmax)
{
	*n = 3 + (int)lround(5.0 * (level - 1) / 9.0);
	*limit = game_level_lerp(level, 90, 60);
	*vmax = game_level_lerp(level, 2.0, 3.5);
	*pull = FRICTION * *vmax; /* full lean: top speed */
}

static void describe(int level, char *buf, size_t len)
{
	int n;
	double l, p, v;
	level_params(level, &n, &l, &p, &v);
	snprintf(buf, len, "%d × %d maze, %.0f s each, top speed %.1f cells/s", n, n, l, v);
}

bool maze_wall(const maze_game *g, int x, int y, int d)
{
	int nx = x + DX[d], ny = y + DY[d];
	if (nx < 0 || ny < 0 || nx >= g->n || ny >= g->n)
		return true;
	switch (d) {
	case 0:
		return g->wall[x][y] & MAZE_WALL_E;
	case 1:
		return g->wall[x][y] & MAZE_WALL_N;
	case 2:
		return g->wall[nx][ny] & MAZE_WALL_E;
	default:
		return g->wall[nx][ny] & MAZE_WALL_N;
	}
}

static void open_wall(maze_game *g, int x, int y, int d)
{
	switch (d) {
	case 0:
		g->wall[x][y] &= (unsigned char)~MAZE_WALL_E;
		break;
	case 1:
		g->wall[x][y] &= (unsigned char)~MAZE_WALL_N;
		break;
	case 2:
		g->wall[x - 1][y] &= (unsigned char)~MAZE_WALL_E;
		break;
	default:
		g->wall[x][y - 1] &= (unsigned char)~MAZE_WALL_N;
		break;
	}
}

/* A perfect maze by depth-first search (recursive backtracker) with the
 * game's RNG, iterative with an explicit stack. */
static void generate(maze_game *g)
{
	memset(g->wall, MAZE_WALL_E | MAZE_WALL_N, sizeof g->wall);
	bool seen[MAZE_MAX][MAZE_MAX] = {{false}};
	int sx[MAZE_MAX * MAZE_MAX], sy[MAZE_MAX * MAZE_MAX], top = 0;
	sx[0] = 0, sy[0] = 0, top = 1;
	seen[0][0] = true;
	while (top) {
		int x = sx[top - 1], y = sy[top - 1];
		int opts[4], k = 0;
		for (int d = 0; d < 4; d++) {
			int nx = x + DX[d], ny = y + DY[d];
			if (nx >= 0 && ny >= 0 && nx < g->n && ny < g->n && !seen[nx][ny])
				opts[k++] = d;
		}
		if (!k) {
			top--;
			continue;
		}
		int d = opts[(int)(rng_uniform(&g->base.rng) * k)];
		open_wall(g, x, y, d);
		seen[x + DX[d]][y + DY[d]] = true;
		sx[top] = x + DX[d];
		sy[top] = y + DY[d];
		top++;
	}
}

/* Breadth-first distances to the goal (n−1, n−1); -1 where unreachable. */
static void distances(const maze_game *g, int dist[MAZE_MAX][MAZE_MAX])
{
	for (int x = 0; x < MAZE_MAX; x++)
		for (int y = 0; y < MAZE_MAX; y++)
			dist[x][y] = -1;
	int qx[MAZE_MAX * MAZE_MAX], qy[MAZE_MAX * MAZE_MAX], h = 0, t = 0;
	qx[t] = g->n - 1, qy[t++] = g->n - 1;
	dist[g->n - 1][g->n - 1] = 0;
	while (h < t) {
		int x = qx[h], y = qy[h++];
		for (int d = 0; d < 4; d++) {
			if (maze_wall(g, x, y, d))
				continue;
			int nx = x + DX[d], ny = y + DY[d];
			if (dist[nx][ny] < 0) {
				dist[nx][ny] = dist[x][y] + 1;
				qx[t] = nx, qy[t++] = ny;
			}
		}
	}
}

static void new_maze(maze_game *g)
{
	int n;
	level_params(g->pending_level, &n, &g->limit_s, &g->pull, &g->vmax);
	g->n = n;
	generate(g);
	int dist[MAZE_MAX][MAZE_MAX];
	distances(g, dist);
	memset(g->on_path, 0, sizeof g->on_path);
	int x = 0, y = 0;
	g->path_len = 1;
	g->on_path[0][0] = 1;
	while (dist[x][y] > 0) {
		for (int d = 0; d < 4; d++)
			if (!maze_wall(g, x, y, d) && dist[x + DX[d]][y + DY[d]] == dist[x][y] - 1) {
				x += DX[d], y += DY[d];
				break;
			}
		g->on_path[x][y] = 1;
		g->path_len++;
	}
	g->px = g->py = g->prev_px = g->prev_py = 0.5;
	g->vx = g->vy = 0;
	g->rolled = 0;
	g->maze_t_s = 0;
	game_emit(&g->base, GAME_EV_TARGET, ++g->index, "");
}

static int maze_create(game **out, const game_cfg *cfg)
{
	maze_game *g = calloc(1, sizeof *g);
	if (!g)
		return POISE_E_NOMEM;
	int rc = game_base_init(&g->base, &maze_ops, cfg);
	if (rc) {
		free(g);
		return rc;
	}
	g->pending_level = cfg->level;
	new_maze(g);
	*out = &g->base;
	return POISE_OK;
}

/* Pushes the marble out of any wall it overlaps. Walls are line segments
 * on the cell edges (their ends are the corner posts), so the marble
 * slides along walls and rolls round corners; the velocity into a wall is
 * reflected with a soft bounce. */
static void collide(maze_game *g)
{
	for (int iter = 0; iter < 3; iter++) {
		int cx = (int)floor(g->px), cy = (int)floor(g->py);
		for (int x = cx - 1; x <= cx + 1; x++) {
			for (int y = cy - 1; y <= cy + 1; y++) {
				/* the east edge of (x, y) and the north edge of (x, y) */
				for (int k = 0; k < 2; k++) {
					bool present;
					double ax, ay, bx, by;
					if (k == 0) {
						if (x < -1 || x > g->n - 1 || y < 0 || y > g->n - 1)
							continue;
						present = x == -1 || x == g->n - 1 || (g->wall[x][y] & MAZE_WALL_E);
						ax = bx = x + 1;
						ay = y, by = y + 1;
					} else {
						if (y < -1 || y > g->n - 1 || x < 0 || x > g->n - 1)
							continue;
						present = y == -1 || y == g->n - 1 || (g->wall[x][y] & MAZE_WALL_N);
						ay = by = y + 1;
						ax = x, bx = x + 1;
					}
					if (!present)
						continue;
					double ux = bx - ax, uy = by - ay;
					double t = ((g->px - ax) * ux + (g->py - ay) * uy) / (ux * ux + uy * uy);
					t = t < 0 ? 0 : t > 1 ? 1 : t;
					double qx = ax + t * ux, qy = ay + t * uy;
					double dx = g->px - qx, dy = g->py - qy, d = hypot(dx, dy);
					if (d >= MARBLE_R || d < 1e-12)
						continue;
					double nx = dx / d, ny = dy / d;
					g->px = qx + nx * MARBLE_R;
					g->py = qy + ny * MARBLE_R;
					double vn = g->vx * nx + g->vy * ny;
					if (vn < 0) {
						g->vx -= 1.3 * vn * nx;
						g->vy -= 1.3 * vn * ny;
					}
				}
			}
		}
	}
}

static void maze_tick(game *base)
{
	maze_game *g = (maze_game *)base;
	if (g->win_s > 0)
		g->win_s -= GAME_TICK_S;
	double tx = base->in.x, ty = base->in.y, m = hypot(tx, ty);
	double ax = 0, ay = 0;
	if (m > MAZE_DEAD_ZONE) {
		double s = fmin(1.0, (m - MAZE_DEAD_ZONE) / (1 - MAZE_DEAD_ZONE)) / m;
		ax = g->pull * tx * s;
		ay = g->pull * ty * s;
	}
	const double dt = GAME_TICK_S, friction = FRICTION;
	g->vx += (ax - friction * g->vx) * dt;
	g->vy += (ay - friction * g->vy) * dt;
	double sp = hypot(g->vx, g->vy);
	if (sp > g->vmax) {
		g->vx *= g->vmax / sp;
		g->vy *= g->vmax / sp;
	}
	g->prev_px = g->px;
	g->prev_py = g->py;
	g->px += g->vx * dt;
	g->py += g->vy * dt;
	collide(g);
	g->rolled += hypot(g->px - g->prev_px, g->py - g->prev_py);
	g->maze_t_s += dt;
	int cx = (int)floor(g->px), cy = (int)floor(g->py);
	if (g->on_path[cx][cy] && hypot(g->vx, g->vy) > 0.3)
		base->in_target_s += dt; /* rolling along the way out */
	double gx = g->n - 0.5, gy = g->n - 0.5;
	if (hypot(g->px - gx, g->py - gy) < 0.3) {
		double shortest = g->path_len - 1;
		if (g->rolled > 0)
			base->eff_sum += fmin(1.0, shortest / g->rolled), base->eff_n++;
		game_hit(base, "solved");
		g->win_s = 1.0;
		new_maze(g);
	} else if (game_reached(g->maze_t_s, g->limit_s)) {
		game_miss(base, "time out");
		new_maze(g);
	}
}

static void maze_set_level(game *base, int level)
{
	base->level = level;
	((maze_game *)base)->pending_level = level; /* the next maze */
}

/* Lean toward the next cell on the shortest path: a velocity controller
 * that asks for a moderate speed toward the waypoint (slower near it),
 * planning from where the marble will be after a reaction time, and
 * leaning just enough, past the dead zone, to get that speed against the
 * friction. */
static void maze_intent(const game *base, double *x, double *y)
{
	const maze_game *g = (const maze_game *)base;
	int dist[MAZE_MAX][MAZE_MAX];
	distances(g, dist);
	/* Plan from where the marble will be after a reaction time. */
	const double H = 0.4;
	double ppx = fmin(g->n - 0.01, fmax(0.01, g->px + g->vx * H));
	double ppy = fmin(g->n - 0.01, fmax(0.01, g->py + g->vy * H));
	int cx = (int)floor(ppx), cy = (int)floor(ppy);
	double wx = g->n - 0.5, wy = g->n - 0.5;
	for (int d = 0; d < 4; d++) {
		if (dist[cx][cy] > 0 && !maze_wall(g, cx, cy, d) &&
		    dist[cx + DX[d]][cy + DY[d]] == dist[cx][cy] - 1) {
			/* Centre across the corridor first, then go through. */
			double mx = cx + 0.5, my = cy + 0.5;
			bool centred = fabs((d % 2 ? ppx : ppy) - (d % 2 ? mx : my)) < 0.12;
			wx = centred ? cx + 0.5 + DX[d] : (d % 2 ? mx : ppx);
			wy = centred ? cy + 0.5 + DY[d] : (d % 2 ? ppy : my);
			break;
		}
	}
	double dx = wx - ppx, dy = wy - ppy, dd = hypot(dx, dy);
	double want = fmin(0.4 * g->vmax, 1.5 * dd);
	double vdx = dd > 1e-9 ? dx / dd * want : 0, vdy = dd > 1e-9 ? dy / dd * want : 0;
	const double friction = FRICTION, k = 0.5;
	double ax = friction * vdx + k * (vdx - g->vx), ay = friction * vdy + k * (vdy - g->vy);
	double a = hypot(ax, ay);
	if (a < 1e-6) {
		*x = *y = 0;
		return;
	}
	double lean = MAZE_DEAD_ZONE + (1 - MAZE_DEAD_ZONE) * fmin(1.0, a / g->pull);
	lean = fmin(lean, 0.7);
	*x = ax / a * lean;
	*y = ay / a * lean;
}

static void maze_result(const game *base, game_result *r)
{
	(void)base;
	(void)r;
}

static void maze_destroy(game *g)
{
	free(g);
}

const struct game_ops maze_ops = {
	.id = "maze",
	.name = "Maze",
	.goal = "Lean to roll the marble through the maze to the hole",
	.instruction = "Lean to roll the marble to the hole",
	.default_duration_s = 180,
	.create = maze_create,
	.tick = maze_tick,
	.set_level = maze_set_level,
	.intent = maze_intent,
	.result = maze_result,
	.describe_level = describe,
	.destroy = maze_destroy,
};
