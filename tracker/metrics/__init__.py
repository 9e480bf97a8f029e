"""The figures of a cohort ("The numbers" of DESIGN.md) and `tracker metrics`."""
