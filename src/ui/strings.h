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
	X(CHECK_KEYS, "T set zero · K known-mass check · C calibrate · Enter continue · Esc patients")    \
	X(CHECK_CONTINUE, "Continue")                                                                     \
	X(CHECK_SET_ZERO, "Set zero (T)")                                                                 \
	X(CHECK_MASS, "Known mass (K)")                                                                   \
	X(CHECK_NO_PLATE, "No force plate can be used")                                                   \
	X(CHECK_NO_PLATE_KEYS, "R look again · Esc patients")                                             \
	X(CHECK_NO_PLATE_SETUP_KEYS, "C set up the plate · R look again · Esc patients")                  \
	X(CHECK_CALIBRATE, "Calibrate (C)")                                                               \
	X(CHECK_SET_UP, "Set up this plate (C)")                                                          \
	X(CHECK_NOTHING_TO_CALIBRATE, "No USB force plate to calibrate here (a balance board is checked with K).") \
	X(CHECK_NO_DATA, "No data from the plate: it is connected but sends nothing. Check its power.")   \
	X(CHECK_LOST, "The plate stopped: %s. Check the cable; Poise looks for it every second.")        \
	/* known-mass check */                                                                            \
	X(MASS_TITLE, "Known-mass check")                                                                 \
	X(MASS_PLACE, "Place the %g kg mass %s, then press Enter")                                            \
	X(MASS_MEASURING, "Measuring… keep it still")                                                     \
	X(MASS_COL_SPOT, "Spot")                                                                          \
	X(MASS_COL_WEIGHT, "Weight")                                                                      \
	X(MASS_COL_ERROR, "Error")                                                                        \
	X(MASS_COL_COP, "COP off by")                                                                     \
	X(MASS_PASS, "The plate passed: errors within %.1f mm and %.1f %%.")                              \
	X(MASS_FAIL, "The plate is off: check its feet and level, then calibrate it.")                    \
	X(MASS_KEYS, "Enter measure · +/− mass · Esc back")                                               \
	X(MASS_SCALE_SAVED, "Scale correction for this board saved: ×%.4f")                               \
	/* plate set-up (calibration), for therapists; with printf conversions where said */ \
	X(CAL_TITLE, "Plate set-up")                                                                          \
	X(CAL_RAW, "Raw counts, not newtons: nothing is measured or recorded until the plate is calibrated.") \
	X(CAL_STATE_BLANK, "This plate has never been calibrated.")                                           \
	X(CAL_STATE_CORRUPT, "The calibration stored in this plate is damaged.")                              \
	X(CAL_STATE_UNUSABLE, "The calibration stored in this plate is unusable.")                            \
	X(CAL_STATE_VALID, "Recalibrating: the plate keeps its calibration until the new one is written.")    \
	X(CAL_EMPTY, "Step off: nothing on the plate, nothing touching it. Then press Enter.")                \
	X(CAL_MASS, "The known mass: %.1f kg. Change it with + and −, then press Enter.")                     \
	X(CAL_PLACE, "Place the %.1f kg mass %s (the dot), let go, press Enter.")                             \
	X(CAL_EMPTY_AFTER, "Take the mass off: nothing on the plate. Then press Enter.")                      \
	X(CAL_MEASURING, "Measuring… hands off, keep still")                                                  \
	X(CAL_NOT_STILL, "No steady reading in %.0f s: make sure nothing moves or touches the plate, then press Enter again.") \
	X(CAL_NO_LOAD, "The plate reads no mass: place it on the dot and press Enter again.")                 \
	X(CAL_STILL_LOADED, "The plate still reads a load: take everything off and press Enter again.")       \
	X(CAL_OVERRANGE, "The %s cell is at the end of its range: take the load off and check its cable.")    \
	X(CAL_STEP, "Step %d of %d")                                                                          \
	X(CAL_FIT_GOOD, "The fit is good: centre of pressure within %.1f mm and total within %.2f kg at every spot.") \
	X(CAL_FIT_ASK, "Write it to the plate with W: the known-mass check follows.")                         \
	X(CAL_WHY_TOO_FEW, "The placements do not load every cell enough to tell its gain: use the centre and the four spots.") \
	X(CAL_WHY_NO_RESPONSE, "The %s cell does not respond: its counts hardly change under the mass. Check its cable and connector.") \
	X(CAL_WHY_NOT_FOLLOWING, "The %s cell does not follow where the mass stands: are two cells' cables swapped?") \
	X(CAL_WHY_ZERO, "The empty plate read %+.2f kg at the end against the start: something rested on it, or it drifts. Clear it and start again (R).") \
	X(CAL_WHY_MOVED, "The mass moved, or stood off its mark, %s: %s. Start again (R).")                   \
	X(CAL_MOVED_COP, "its centre of pressure is %.0f mm from the dot")                                    \
	X(CAL_MOVED_TOTAL, "its total is %+.2f kg off")                                                       \
	X(CAL_MOVED_SPREAD, "the reading was not steady")                                                     \
	X(CAL_REVERSED, "%s: negative gain, the cell is wired the other way round (allowed)")                                 \
	X(CAL_COL_CELL, "Cell")                                                                               \
	X(CAL_COL_OFFSET, "Offset")                                                                   \
	X(CAL_COL_GAIN, "Gain, N/count")                                                                      \
	X(CAL_COL_NOISE, "Noise")                                                                             \
	X(CAL_COL_RESID, "Residual")                                                                          \
	X(CAL_COL_SPOT, "Spot")                                                                               \
	X(CAL_COL_TOTAL, "Total")                                                            \
	X(CAL_COL_COP, "COP off by")                                                                    \
	X(CAL_KEYS, "Enter measure · +/− mass · R start again · Esc stop")                                    \
	X(CAL_FIT_KEYS, "W write to the plate · R start again · Esc stop")                                    \
	X(CAL_REFUSED_KEYS, "R start again · Esc stop")                                                       \
	X(CAL_WRITE, "Write to the plate (W)")                                                                \
	X(CAL_AGAIN, "Start again (R)")                                                                       \
	X(CAL_MEASURE, "Measure (Enter)")                                                                     \
	X(CAL_NEXT, "Next (Enter)")                                                                           \
	X(CAL_WRITE_ASK, "Write the new calibration to the plate?")                                           \
	X(CAL_WRITE_ASK_MORE, "It replaces the calibration stored in the plate.")                             \
	X(CAL_STOP_ASK, "Stop setting up the plate?")                                                         \
	X(CAL_STOP_ASK_MORE, "Nothing has been written to the plate.")                                        \
	X(CAL_WRITTEN, "Calibration written to the plate and read back. Now the known-mass check with the same mass.") \
	X(CAL_WRITTEN_OTHER, "Calibration written to the plate and read back; Poise opened another plate (%s): choose the USB plate to check it.") \
	X(CAL_WRITE_FAILED, "Not written: %s")                                                                \
	X(CAL_OPEN_FAILED, "The plate cannot be opened for set-up: %s")                                       \
	X(CAL_LOST, "The plate went away: plug it in again, then Esc and C to start again.")                  \
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
