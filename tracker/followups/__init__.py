"""A trainee's positioning on entry and the follow-ups that prevent drop-outs."""
