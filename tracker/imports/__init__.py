"""Imports of a cohort's trainees, curriculum, timetable, roll calls, results and budget, from
CSV files or XLSX workbooks."""
