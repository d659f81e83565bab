/* Poise: the trial kinds, one fixed list.
 *
 * Every trial in the database has a kind naming what was recorded. New
 * trials must have a kind from this list (store_trial_begin() refuses
 * others); databases written before the list existed stay readable
 * whatever kinds they hold. The list:
 *
 *   quiet-eo, quiet-ec            quiet stance, firm surface, eyes open /
 *                                 closed (poise record; mCTSIB 1 and 2)
 *   quiet-eo-foam, quiet-ec-foam  the same on foam (mCTSIB 3 and 4)
 *   los                           one lean of the limits-of-stability test
 *                                 toward one direction (and, in databases
 *                                 from before the test, a trial holding
 *                                 los_limit_<dir>_mm metrics)
 *   symmetry                      weight bearing, standing
 *   squat                         weight bearing, in a squat
 *   sit-to-stand                  one rise from a chair
 *   test:mctsib, test:los,        a test's summary: no samples, the test's
 *   test:symmetry,                metrics over its trials (the trials of a
 *   test:sit-to-stand             test carry "test" in their parameters)
 *   game:<id>                     one game played (<id>: lower-case letters,
 *                                 digits, '-', '_')
 *
 * Pure data; used by the store (validation), `poise record`, the
 * assessments and the report (people's names for kinds).
 */
#ifndef POISE_CORE_KIND_H
#define POISE_CORE_KIND_H

#include <stdbool.h>
#include <stddef.h>

enum kind_flag {
	KIND_QUIET = 1u << 0,       /* quiet stance: sway metrics of the whole trial */
	KIND_EYES_CLOSED = 1u << 1, /* recorded with the eyes closed */
	KIND_FOAM = 1u << 2,        /* standing on foam */
	KIND_RECORDABLE = 1u << 3,  /* `poise record --trial` may record it */
	KIND_SUMMARY = 1u << 4,     /* a test's summary: no samples */
	KIND_GAME = 1u << 5,        /* game:<id> */
};

typedef struct kind_info {
	const char *kind;  /* "quiet-eo"; "game:" for the games */
	const char *label; /* for people: "Quiet stance, eyes open" */
	unsigned flags;    /* enum kind_flag */
} kind_info;

/* The list, in the order above; *n gets its length. Static storage. */
const kind_info *kind_list(size_t *n);

/* The entry of a kind ("game:reach" gives the "game:" entry), or NULL for
 * a kind not on the list. */
const kind_info *kind_find(const char *kind);

/* True if kind is on the list (kind_find() is not NULL). */
bool kind_known(const char *kind);

#endif
