/* Poise store, private: the schema and its forward migrations.
 *
 * Migration k brings a database from user_version k−1 to k. Version 1 is
 * the first schema. A later issue that adds tables appends one entry to
 * the list in schema.c and bumps STORE_SCHEMA_VERSION; databases written by
 * any earlier version are then upgraded when a writing open finds them.
 * The tests use store_migrate() with an extra step to prove the mechanism.
 */
#ifndef POISE_STORE_SCHEMA_H
#define POISE_STORE_SCHEMA_H

#include <stddef.h>

#include <sqlite3.h>

/* PRAGMA application_id of a Poise database ("Pois"). */
#define STORE_APPLICATION_ID 0x506f6973

typedef struct store_migration {
	int version;     /* user_version after this step */
	const char *sql; /* statements run inside the migration transaction */
} store_migration;

/* The built-in migrations, versions 1..STORE_SCHEMA_VERSION in order;
 * *n gets how many. Static storage. */
const store_migration *store_migrations(size_t *n);

/* Applies, in one IMMEDIATE transaction, every step of steps[0..n) whose
 * version is above the database's user_version, setting user_version (and
 * the application id) as it goes. Steps must be in increasing version
 * order, without holes. All or nothing: on failure nothing changes,
 * msg says which step failed and the SQLite message, and the result is a
 * POISE_E_* code (POISE_E_NOSPACE for a full disk). Called by store_open()
 * on writing opens. */
int store_migrate(sqlite3 *db, const store_migration *steps, size_t n, char *msg, size_t msg_len);

#endif
