"""The figures of a cohort (docs/figures.md) and `tracker metrics`."""
