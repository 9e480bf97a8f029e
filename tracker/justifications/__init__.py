"""Absence justifications: a trainee declares an absence with its reason and a document; an
instructor of the cohort or an administrator accepts it (the half-days become excused) or
refuses it with a reason."""
