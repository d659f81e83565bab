/* Poise: finding the files shipped in assets/ (fonts, sounds), without SDL,
 * so the command line and the report find them as the app does. */
#ifndef POISE_SYS_ASSET_H
#define POISE_SYS_ASSET_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves rel (e.g. "fonts/DejaVuSans.ttf") under the asset directory into
 * buf: $POISE_ASSET_DIR, then ../share/poise/assets next to the running
 * executable, then the source tree's assets/ (a build never installed).
 * Called by gfx_asset_path() (the app) and the report. Returns false, with
 * the source-tree candidate in buf, if the file is found nowhere. */
bool sys_asset_path(const char *rel, char *buf, size_t len);

#endif
