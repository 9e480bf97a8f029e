"""What became of the trainees: certification and situation at exit, +3 and +6 months."""
