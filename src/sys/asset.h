/* Poise: finding the files shipped in assets/ (fonts), without SDL, so the
 * command line and the report find them as the app does. */
#ifndef POISE_SYS_ASSET_H
#define POISE_SYS_ASSET_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves rel (e.g. "fonts/DejaVuSans.ttf") into buf (len bytes, the
 * caller's), looking in order in:
 *   1. $POISE_ASSET_DIR, if set;
 *   2. the installed data folder, found from the running executable: the
 *      GNUInstallDirs datadir + "/poise" relative to bindir (for a prefix
 *      install, PREFIX/bin/poise reads PREFIX/share/poise), so an installed
 *      tree works wherever it is moved;
 *   3. the source tree's assets/, but only for an executable that lies in
 *      the build tree it was built in (a build never installed); an
 *      installed or copied program never reads the source tree.
 * Called by gfx_asset_path() (the app) and the report whenever they open an
 * asset. Returns true with the file's path in buf; false if the file is
 * found nowhere, with buf holding where it was expected (the first of the
 * places above that applies), so the caller's message can name it. */
bool sys_asset_path(const char *rel, char *buf, size_t len);

#endif
