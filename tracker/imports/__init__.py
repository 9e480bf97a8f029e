"""CSV imports of a cohort's trainees, curriculum, timetable, roll calls, results and budget."""
