/* Poise: every word the app shows, in one place, ready for translation.
 *
 * A string is named by an id (UI_S_...); ui_str() gives its text. Texts
 * with printf conversions say so in their id's comment and are used only
 * with the arguments listed there. A translation replaces the table in
 * strings.c (one table per language; English is the only one today).
 * Patients read the texts marked "patient": plain words, no units of
 * measurement; therapists read the others.
 */
#ifndef POISE_UI_STRINGS_H
#define POISE_UI_STRINGS_H

#define UI_STRINGS(X)                                                                                 \
	X(APP_NAME, "Poise")                                                                              \
	X(DEMO, "demo, nothing recorded")                                                                 \
	X(DEMO_FALLBACK, "demo: no plate found, nothing measured or recorded")                            \
	X(SIMULATED, "SIMULATED plate: stored as simulated")                                              \
	X(ON_PLATE, "● On the plate")                                                                     \
	X(PLATE_EMPTY, "○ Plate empty")                                                                   \
	X(BACK, "Esc back")                                                                               \
	X(CONFIRM_YES, "Yes")                                                                             \
	X(CONFIRM_NO, "No")                                                                               \
	X(QUIT_ASK, "Leave Poise?")                                                                       \
	X(QUIT_ASK_MORE, "Everything recorded is saved.")                                                 \
	X(ABORT_ASK, "Stop this activity?")                                                               \
	X(ABORT_ASK_MORE, "What was recorded so far is kept, marked stopped early.")                      \
	/* patients */                                                                                    \
	X(PATIENTS_TITLE, "Patients")                                                                     \
	X(PATIENTS_SEARCH, "Search by code: ")                                                            \
	X(PATIENTS_NONE, "No patient yet: F3 (New patient) adds the first one.")                          \
	X(PATIENTS_NO_MATCH, "No patient matches.")                                                       \
	X(PATIENTS_KEYS, "Type to search · ↑↓ choose · Enter open · F3 new · F2 edit · F4 settings · F5 demo · Esc quit") \
	X(PATIENTS_OPEN, "Open")                                                                          \
	X(PATIENTS_EDIT, "Edit")                                                                          \
	X(PATIENTS_SAVE, "Save")                                                                          \
	X(PATIENTS_DEMO, "Demo (simulated)")                                                              \
	X(PATIENT_NEW, "New patient")                                                                     \
	X(PATIENT_EDIT, "Edit patient")                                                                   \
	X(PATIENT_CODE, "Code (pseudonymous)")                                                            \
	X(PATIENT_NAME, "Name (optional)")                                                                \
	X(PATIENT_BIRTH, "Birth year")                                                                    \
	X(PATIENT_SEX, "Sex (female, male, other)")                                                       \
	X(PATIENT_HEIGHT, "Height, cm")                                                                   \
	X(PATIENT_WEIGHT, "Weight, kg")                                                                   \
	X(PATIENT_SIDE, "Affected side (left, right, both, none)")                                        \
	X(PATIENT_DIAGNOSIS, "Diagnosis note")                                                            \
	X(PATIENT_NOTES, "Notes")                                                                         \
	X(PATIENT_MAX_SESSION, "Longest session, minutes (0: no limit)")                                  \
	X(PATIENT_FORM_KEYS, "Tab / ↑↓ next field · Enter save · Esc cancel")                             \
	X(PATIENT_SAVED, "Saved.")                                                                        \
	/* plate check */                                                                                 \
	X(CHECK_TITLE, "Plate check")                                                                     \
	X(CHECK_RATE, "Sample rate")                                                                      \
	X(CHECK_BATTERY_LOW, "Battery low: change the batteries soon")                                    \
	X(CHECK_STEP_OFF, "Step off the plate: Poise sets zero")                                          \
	X(CHECK_TARING, "Setting zero: keep the plate empty and still…")                                  \
	X(CHECK_TARED, "Zero set")                                                                        \
	X(CHECK_TARE_FAILED, "The plate was not still: keep it empty and press T to try again")           \
	X(CHECK_STEP_ON, "Now step on the plate")                                                         \
	X(CHECK_ON_PLATE, "On the plate")                                                                 \
	X(CHECK_WEIGHT, "Weight")                                                                         \
	X(CHECK_WEIGHT_DIFF, "%.1f kg, the record says %.1f kg: check the plate, or update the record (F2)") \
	X(CHECK_KEYS, "T set zero · K known-mass check · Enter continue · Esc patients")                  \
	X(CHECK_CONTINUE, "Continue")                                                                     \
	X(CHECK_SET_ZERO, "Set zero (T)")                                                                 \
	X(CHECK_MASS, "Known mass (K)")                                                                   \
	X(CHECK_NO_PLATE, "No force plate can be used")                                                   \
	X(CHECK_NO_PLATE_KEYS, "R look again · Esc patients")                                             \
	X(CHECK_NO_DATA, "No data from the plate: it is connected but sends nothing. Check its power.")   \
	X(CHECK_LOST, "The plate stopped: %s. Check the cable; Poise looks for it every second.")        \
	/* known-mass check */                                                                            \
	X(MASS_TITLE, "Known-mass check")                                                                 \
	X(MASS_PLACE, "Place the %.0f kg mass %s, then press Enter")                                      \
	X(MASS_MEASURING, "Measuring… keep it still")                                                     \
	X(MASS_COL_SPOT, "Spot")                                                                          \
	X(MASS_COL_WEIGHT, "Weight")                                                                      \
	X(MASS_COL_ERROR, "Error")                                                                        \
	X(MASS_COL_COP, "COP off by")                                                                     \
	X(MASS_PASS, "The plate passed: errors within %.1f mm and %.1f %%.")                              \
	X(MASS_FAIL, "The plate is off: check its feet and level, then calibrate it.")                    \
	X(MASS_KEYS, "Enter measure · +/− mass · Esc back")                                               \
	X(MASS_SCALE_SAVED, "Scale correction for this board saved: ×%.4f")                               \
	/* home */                                                                                        \
	X(HOME_ASSESS, "Assess")                                                                          \
	X(HOME_TRAIN, "Train")                                                                            \
	X(HOME_HISTORY, "History")                                                                        \
	X(HOME_LIVE, "Live view")                                                                         \
	X(TRAIN_PLAY, "Play")                                                                             \
	X(HOME_PRESCRIPTION, "Prescription")                                                              \
	X(HOME_NO_PRESCRIPTION, "no prescription: levels 1–10, adaptive, the whole range")                \
	X(HOME_LAST, "Last results")                                                                      \
	X(HOME_NO_RESULTS, "No games played yet.")                                                        \
	X(HOME_SESSION, "Session %d:%02d")                                                                \
	X(HOME_SESSION_LONG, "Session %d:%02d, longer than the %d minutes set for this patient")          \
	X(HOME_KEYS, "A assess · T train · H history · L live view · R report · Tab numbers · F2 edit patient · Esc patients") \
	X(HOME_REPORT_SAVED, "Report saved: %s")                                                          \
	/* assess */                                                                                      \
	X(ASSESS_TITLE, "Assess: choose a test")                                                          \
	X(ASSESS_MCTSIB, "Quiet stance on the firm plate and on foam, eyes open and closed: sway velocity per condition, Romberg quotients") \
	X(ASSESS_LOS, "A lean toward 8 targets from the patient's height: reaction time, velocity, reach, control; the reach becomes the games' space") \
	X(ASSESS_SYMMETRY, "Weight bearing left/right and front/back, standing and in a squat")           \
	X(ASSESS_STS, "Rising from a chair, the feet on the plate: weight-transfer time, rising index, sway after rising") \
	X(ASSESS_TRIALS, "%d trials per condition")                                                       \
	X(ASSESS_TRIAL, "1 trial per condition")                                                          \
	X(ASSESS_SECONDS, "%.0f s a trial")                                                               \
	X(ASSESS_LAST, "Last complete: %s")                                                               \
	X(ASSESS_NEVER, "Not done yet")                                                                   \
	X(ASSESS_START, "Start")                                                                          \
	X(ASSESS_KEYS, "1–4 or ↑↓ test · ←→ trials · [ ] seconds · Enter start · Esc home")              \
	X(ASSESS_RUN_KEYS, "Enter: go on · S: step off/on (simulated) · Esc: stop")                       \
	X(ASSESS_STOP_ASK, "Stop this test?")                                                             \
	X(ASSESS_STOP_MORE, "The trials recorded so far are kept; the test is marked incomplete.")        \
	X(ASSESS_STORE_FAILED, "The test could not be stored: %s")                                        \
	/* train */                                                                                       \
	X(TRAIN_TITLE, "Train: choose a game")                                                            \
	X(TRAIN_LEVEL, "Level %d")                                                                        \
	X(TRAIN_LEVEL_PLAN, "Level %d: where %s left off")                                                \
	X(TRAIN_LEVEL_CLAMPED, "Level %d: the prescription allows %d–%d")                                 \
	X(TRAIN_KEYS, "1–9 or ↑↓ game · ←→ level · [ ] playing time · C centre: plate / patient · Enter play · Esc home")    \
	X(TRAIN_CENTRE_PLATE, "Centre: the plate's centre (offset shown)")                                \
	X(TRAIN_CENTRE_PATIENT, "Centre: where the patient stands")                                       \
	/* play (patient) */                                                                              \
	X(PLAY_STAND_STILL, "Stand still")                                                                \
	X(PLAY_SIT_STILL, "Sit still")                                                                    \
	X(PLAY_SIT_ON, "sit on the plate")                                                                \
	X(PLAY_SIT_BACK, "sit back on the plate to go on")                                                \
	X(PLAY_FINDING, "finding your centre…")                                                           \
	X(PLAY_STEP_ON, "step onto the plate")                                                            \
	X(PLAY_PAUSED, "Paused")                                                                          \
	X(PLAY_STEP_BACK, "step back onto the plate to go on")                                            \
	X(PLAY_RESUME_IN, "going on in %d…")                                                              \
	X(PLAY_PLATE_WAIT, "waiting for the plate")                                                       \
	X(PLAY_NO_DATA, "the plate sends no data")                                                        \
	/* rest, rating, results (patient) */                                                             \
	X(REST_TITLE, "Time for a rest")                                                                  \
	X(REST_SIT, "Please sit down. We go on in")                                                       \
	X(REST_KEYS, "Enter: skip the rest")                                                              \
	X(RATING_TITLE, "How hard was that?")                                                             \
	X(RATING_LEAN, "Lean to your answer and hold, or press 0–10")                                     \
	X(RATING_KEYS, "0–9, X for 10 · ←→ · Enter choose · S skip")                                      \
	X(RATING_0, "nothing at all")                                                                     \
	X(RATING_1, "very, very easy")                                                                    \
	X(RATING_2, "easy")                                                                               \
	X(RATING_3, "moderate")                                                                           \
	X(RATING_4, "somewhat hard")                                                                      \
	X(RATING_5, "hard")                                                                               \
	X(RATING_7, "very hard")                                                                          \
	X(RATING_10, "the hardest")                                                                       \
	X(RESULTS_WELL_DONE, "well done!")                                                                \
	X(RESULTS_GOOD_EFFORT, "good effort")                                                             \
	X(RESULTS_ENDED_EARLY, "ended early")                                                             \
	X(RESULTS_KEYS, "Lean to a choice and hold · Enter done · A again · F12 screenshot")             \
	X(RESULTS_AGAIN, "◀  Play again")                                                                  \
	X(RESULTS_DONE, "Done  ▶")                                                                         \
	/* history */                                                                                     \
	X(HISTORY_TITLE, "History")                                                                       \
	X(HISTORY_NONE, "Nothing recorded yet.")                                                          \
	X(HISTORY_KEYS, "↑↓ scroll · R report · Esc home")                                                \
	/* settings */                                                                                    \
	X(SETTINGS_TITLE, "Settings")                                                                     \
	X(SETTINGS_KEYS, "↑↓ choose · ←→ change · Enter edit text · Esc save and back")                   \
	X(SETTINGS_SAVED, "Settings saved.")                                                              \
	/* therapist overlay */                                                                           \
	X(OVERLAY_TITLE, "Therapist view (Tab hides)")

enum ui_string {
#define UI_STRING_ID(id, text) UI_S_##id,
	UI_STRINGS(UI_STRING_ID)
#undef UI_STRING_ID
	UI_S_COUNT
};

/* The text of string id in the app's language. Static storage. */
const char *ui_str(enum ui_string id);

#endif
