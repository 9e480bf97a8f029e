"""The scanned, signed paper sheet of a cohort's week: uploaded by an administrator, kept
privately, downloaded by those who see the cohort's trainees."""
