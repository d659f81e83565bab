/* Choosing the device (src/device/registry.c) on the machine the test runs
 * on: "auto" for a patient never falls back to the simulated plate, "auto"
 * for a demo does and says so, an explicit "sim" always opens. The
 * expectations are computed from what the backends enumerate first, so
 * the test holds both on a machine without plates (CI, where every real
 * backend is "none found") and with a plate plugged in. The emulated-plate
 * cases (a plate found but unusable, a plate that opens) are in
 * test_usbplate.c, which runs under umockdev. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "test_assert.h"
#include "test_util.h"

#include "core/error.h"
#include "device/device.h"
#include "device/sim.h"

#define TAIL "Connect a plate, or choose --device sim for a demo: such sessions are stored as " \
             "simulated."

/* What the real backends see on this machine. */
typedef struct machine {
	size_t usable;     /* real plates that enumerate as usable */
	size_t unusable;   /* real plates found but unusable */
	int first_err;     /* the error of the first unusable one */
} machine;

static machine look(void)
{
	machine m = {0};
	for (const struct dev_ops *const *b = dev_backends(); *b; b++) {
		if (*b == &sim_ops)
			continue;
		dev_info found[DEV_MAX_FOUND];
		size_t n = 0;
		if ((*b)->enumerate(found, DEV_MAX_FOUND, &n) != POISE_OK)
			continue;
		for (size_t i = 0; i < n && i < DEV_MAX_FOUND; i++) {
			if (found[i].usable) {
				m.usable++;
			} else {
				if (!m.unusable)
					m.first_err = found[i].err ? found[i].err : POISE_E_ACCESS;
				m.unusable++;
			}
		}
	}
	return m;
}

/* Every real backend is named in msg: as "<label>: none found" when it
 * found nothing, else with the id of each plate it found. */
static void assert_names_every_real_backend(const char *msg)
{
	for (const struct dev_ops *const *b = dev_backends(); *b; b++) {
		if (*b == &sim_ops)
			continue;
		assert_non_null((*b)->label);
		if (!strstr(msg, (*b)->label))
			fail_msg("\"%s\" does not name the %s backend (%s)", msg, (*b)->name, (*b)->label);
		dev_info found[DEV_MAX_FOUND];
		size_t n = 0;
		if ((*b)->enumerate(found, DEV_MAX_FOUND, &n) != POISE_OK)
			continue;
		char none[96];
		snprintf(none, sizeof none, "%s: none found", (*b)->label);
		if (n == 0 && !strstr(msg, none))
			fail_msg("\"%s\" lacks \"%s\"", msg, none);
		for (size_t i = 0; i < n && i < DEV_MAX_FOUND; i++)
			if (!strstr(msg, found[i].id))
				fail_msg("\"%s\" does not name the plate %s", msg, found[i].id);
	}
	/* the sim is no plate to look for */
	assert_null(strstr(msg, sim_ops.label));
}

static void auto_real_only_never_opens_the_sim(void **state)
{
	(void)state;
	machine m = look();
	dev *d = NULL;
	bool fell_back = true;
	char msg[1024];
	int rc = dev_open_choice(&d, "auto", DEV_AUTO_REAL_ONLY, &(dev_open_cfg){0}, &fell_back, msg,
	                         sizeof msg);
	assert_false(fell_back);
	if (rc == POISE_OK) {
		/* a plate is plugged in here and it opened */
		assert_true(m.usable > 0);
		assert_non_null(d);
		assert_false(dev_is_simulated(&d->info));
		assert_string_equal(msg, "");
		dev_close(d);
		return;
	}
	assert_null(d); /* untouched */
	assert_true(m.usable == 0 || m.unusable > 0);
	assert_int_equal(rc, m.unusable ? m.first_err : POISE_E_NOT_FOUND);
	if (!tu_ends_with(msg, TAIL))
		fail_msg("the refusal does not end with what to do: \"%s\"", msg);
	assert_true(strncmp(msg, "no force plate can be used:\n  ", 30) == 0);
	assert_names_every_real_backend(msg);
}

static void auto_falls_back_to_the_sim_and_says_so(void **state)
{
	(void)state;
	machine m = look();
	dev *d = NULL;
	bool fell_back = false;
	char msg[1024];
	assert_int_equal(dev_open_choice(&d, "auto", 0, &(dev_open_cfg){0}, &fell_back, msg,
	                                 sizeof msg),
	                 POISE_OK);
	assert_non_null(d);
	if (!dev_is_simulated(&d->info)) {
		/* a real plate opened: no fallback, nothing to say */
		assert_true(m.usable > 0);
		assert_false(fell_back);
		assert_string_equal(msg, "");
	} else {
		assert_true(fell_back);
		assert_string_equal(d->info.backend, "sim");
		if (!tu_ends_with(msg, "using the simulated plate (demo, nothing measured)"))
			fail_msg("the fallback note reads \"%s\"", msg);
		if (m.usable + m.unusable == 0) {
			assert_string_equal(msg, "no force plate found; using the simulated plate (demo, "
			                         "nothing measured)");
		} else {
			/* plates are there but unusable: the note says why */
			assert_true(strncmp(msg, "no usable force plate (", 23) == 0);
			assert_names_every_real_backend(msg);
		}
	}
	dev_close(d);

	/* dev_open_spec() keeps its old contract: auto opens something. */
	d = NULL;
	assert_int_equal(dev_open_spec(&d, "auto", &(dev_open_cfg){0}, msg, sizeof msg), POISE_OK);
	assert_non_null(d);
	dev_close(d);
}

static void explicit_sim_is_never_refused(void **state)
{
	(void)state;
	const char *specs[] = {"sim", "sim:sim", "sim:SIM-0001"};
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		dev *d = NULL;
		bool fell_back = true;
		char msg[256] = "junk";
		int rc = dev_open_choice(&d, specs[i], DEV_AUTO_REAL_ONLY, &(dev_open_cfg){.seed = 3},
		                         &fell_back, msg, sizeof msg);
		if (rc)
			fail_msg("--device %s was refused: %s", specs[i], msg);
		assert_true(dev_is_simulated(&d->info));
		assert_false(fell_back); /* the operator's choice, not a fallback */
		assert_string_equal(msg, "");
		dev_close(d);
	}
}

static void unknown_and_missing_devices_still_fail_clearly(void **state)
{
	(void)state;
	dev *d = NULL;
	bool fell_back = true;
	char msg[256];
	assert_int_equal(dev_open_choice(&d, "floppy", DEV_AUTO_REAL_ONLY, NULL, &fell_back, msg,
	                                 sizeof msg),
	                 POISE_E_NOT_FOUND);
	assert_null(d);
	assert_false(fell_back);
	assert_non_null(strstr(msg, "unknown device 'floppy' (known: usb wbb wbb-usb sim)"));
	assert_int_equal(dev_open_choice(&d, "sim:nonesuch", 0, NULL, NULL, msg, sizeof msg),
	                 POISE_E_NOT_FOUND);
	assert_null(d);
	assert_string_equal(msg, "no sim device found matching nonesuch");
}

static void only_the_sim_is_simulated(void **state)
{
	(void)state;
	dev_info info = {0};
	assert_false(dev_is_simulated(NULL));
	assert_false(dev_is_simulated(&info));
	for (const struct dev_ops *const *b = dev_backends(); *b; b++) {
		snprintf(info.backend, sizeof info.backend, "%s", (*b)->name);
		assert_int_equal(dev_is_simulated(&info), *b == &sim_ops);
	}
	snprintf(info.backend, sizeof info.backend, "simulated"); /* not a prefix match */
	assert_false(dev_is_simulated(&info));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_real_only_never_opens_the_sim),
		cmocka_unit_test(auto_falls_back_to_the_sim_and_says_so),
		cmocka_unit_test(explicit_sim_is_never_refused),
		cmocka_unit_test(unknown_and_missing_devices_still_fail_clearly),
		cmocka_unit_test(only_the_sim_is_simulated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
