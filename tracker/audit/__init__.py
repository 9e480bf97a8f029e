"""The trail: every change to the course's records, append-only and hash-chained.

`capture` writes an entry for each row that a statement or a flush changes, in the same
transaction; `chain` links the entries and checks the links; `replay` gives the records as they
stood at an earlier instant.
"""
