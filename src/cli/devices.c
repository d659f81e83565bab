/* `poise devices`: which plates are there, and can we open them? */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "device/device.h"

const cli_opts cli_devices_opts = {
	"h",
	(const struct option[]){
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	},
};

int cli_devices(const cli_global *g, int argc, char **argv)
{
	(void)g;
	bool json = false;
	optind = 0; /* 0, not 1: glibc re-initialises and permutes again */
	opterr = 0;
	int c;
	while ((c = cli_getopt(argc, argv, &cli_devices_opts)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'h') {
			puts("usage: poise devices [--json]\n\nLists the force plates found, with their "
			     "backend, id, serial and rate,\nand says why a plate that is present cannot be "
			     "opened.");
			return CLI_OK;
		} else {
			fprintf(stderr, "poise devices: unknown option '%s'\nusage: poise devices [--json]\n",
			        argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "poise devices: unexpected argument '%s'\n", argv[optind]);
		return CLI_USAGE;
	}
	size_t real_found = 0, denied = 0, denied_other = 0;
	bool first = true;
	if (json)
		printf("[");
	for (const struct dev_ops *const *b = dev_backends(); *b; b++) {
		dev_info info[DEV_MAX_FOUND];
		size_t n = 0;
		int rc = (*b)->enumerate(info, DEV_MAX_FOUND, &n);
		if (rc) {
			fprintf(stderr, "poise devices: cannot look for %s plates: %s\n", (*b)->name,
			        poise_strerror(rc));
			continue;
		}
		if (n > DEV_MAX_FOUND)
			n = DEV_MAX_FOUND;
		bool is_sim = strcmp((*b)->name, "sim") == 0;
		for (size_t i = 0; i < n; i++) {
			if (!is_sim)
				real_found++;
			if (!info[i].usable && info[i].err == POISE_E_ACCESS) {
				if (strcmp((*b)->name, "usb") == 0)
					denied++;
				else
					denied_other++;
			}
			if (json) {
				printf("%s{\"backend\": ", first ? "" : ", ");
				cli_json_string(stdout, info[i].backend);
				printf(", \"id\": ");
				cli_json_string(stdout, info[i].id);
				printf(", \"name\": ");
				cli_json_string(stdout, info[i].name);
				printf(", \"serial\": ");
				cli_json_string(stdout, info[i].serial);
				printf(", \"rate_hz\": %g, \"usable\": %s, \"note\": ", info[i].rate_hz,
				       info[i].usable ? "true" : "false");
				cli_json_string(stdout, info[i].note);
				if (info[i].has_battery)
					printf(", \"battery_pct\": %d", info[i].battery_pct);
				printf("}");
			} else {
				/* A usable device's note says more about it (which adapter,
				 * its battery); an unusable one's says why. */
				printf("%-7s %-24s %-28s serial %-14s %6.0f Hz  %s%s%s\n", info[i].backend,
				       info[i].id, info[i].name, info[i].serial[0] ? info[i].serial : "-",
				       info[i].rate_hz, info[i].usable ? "ready" : "",
				       info[i].usable && info[i].note[0] ? ": " : "", info[i].note);
			}
			first = false;
		}
	}
	if (json)
		printf("]\n");
	else if (real_found == 0)
		printf("\nNo force plate found. Poise uses the simulated plate above until one is "
		       "plugged in.\n");
	else if (denied > 0)
		printf("\n%zu plate%s found, but this user may not open %s (permission denied). Install "
		       "the udev rule once,\nthen unplug and replug the plate (README, \"USB force "
		       "plate\"):\n  sudo cp assets/udev/70-poise-plate.rules /etc/udev/rules.d/ && "
		       "sudo udevadm control --reload\n",
		       denied, denied == 1 ? "" : "s", denied == 1 ? "it" : "them");
	else if (denied_other > 0)
		printf("\n%zu device%s found, but this user may not open %s (permission denied): install "
		       "the udev rule named above\n(README), then unplug and replug it.\n",
		       denied_other, denied_other == 1 ? "" : "s", denied_other == 1 ? "it" : "them");
	return CLI_OK;
}
