#include "core/staircase.h"

#include "core/error.h"

void stair_cfg_default(stair_cfg *cfg)
{
	*cfg = (stair_cfg){.min_level = 1, .max_level = 10, .up_after = 3, .down_after = 2,
	                   .adaptive = true};
}

int stair_init(stair *s, const stair_cfg *cfg, int start_level)
{
	if (cfg->min_level > cfg->max_level || cfg->up_after < 1 || cfg->down_after < 1)
		return POISE_E_INVALID;
	int l = start_level < cfg->min_level ? cfg->min_level
	      : start_level > cfg->max_level ? cfg->max_level : start_level;
	*s = (stair){.cfg = *cfg, .level = l};
	return POISE_OK;
}

int stair_record(stair *s, bool success)
{
	if (success) {
		s->successes++;
		s->failures = 0;
	} else {
		s->failures++;
		s->successes = 0;
	}
	if (!s->cfg.adaptive)
		return 0;
	int change = 0;
	if (s->successes >= s->cfg.up_after && s->level < s->cfg.max_level)
		change = 1;
	else if (s->failures >= s->cfg.down_after && s->level > s->cfg.min_level)
		change = -1;
	if (s->successes >= s->cfg.up_after || s->failures >= s->cfg.down_after)
		s->successes = s->failures = 0;
	s->level += change;
	return change;
}
