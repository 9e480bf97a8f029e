"""The users' documentation (the repository's docs/ folder), served to signed-in users."""
