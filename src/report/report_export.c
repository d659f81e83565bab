/* The app's one-call export: database → PDF. */
#include <stdio.h>

#include "core/error.h"
#include "report/report.h"
#include "store/store.h"

int report_export_pdf(const char *db_path, const char *code, const char *pdf_path,
                      report_result *res, char *msg, size_t len)
{
	if (!code || !*code) {
		snprintf(msg, len, "no patient chosen: start Poise with --patient CODE to export a report");
		return POISE_E_INVALID;
	}
	char path[4096];
	int rc;
	if (!db_path || !*db_path) {
		if ((rc = store_default_path(path, sizeof path, msg, len)) != POISE_OK)
			return rc;
		db_path = path;
	}
	store *s = NULL;
	if ((rc = store_open(&s, db_path, STORE_READ_ONLY, msg, len)) != POISE_OK)
		return rc;
	rc = report_export_pdf_store(s, code, pdf_path, res, msg, len);
	store_close(s);
	return rc;
}

int report_export_pdf_store(store *s, const char *code, const char *pdf_path, report_result *res,
                            char *msg, size_t len)
{
	if (!code || !*code) {
		snprintf(msg, len, "no patient chosen: start Poise with --patient CODE to export a report");
		return POISE_E_INVALID;
	}
	report_data d;
	int rc = report_load(s, code, NULL, &d, msg, len);
	if (rc)
		return rc;
	report_result r = {0};
	rc = report_render(&d, NULL, pdf_path, &r, msg, len);
	if (rc == POISE_OK) {
		snprintf(msg, len, "Report of %s (session of %s, %d pages) saved as %s", d.patient.code,
		         d.visits[d.current].date, r.pages, pdf_path);
		if (res)
			*res = r;
	}
	report_data_free(&d);
	return rc;
}
