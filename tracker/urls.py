"""Numbers in addresses: an id the databases cannot hold is simply not found."""

from werkzeug.routing import IntegerConverter

# The largest id of any database the tracker runs on: PostgreSQL's integer (32 bits) is the
# narrowest. Beyond it, PostgreSQL refuses the query and SQLite's driver cannot even send it.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """A whole number of an address, from 0 to LARGEST_ID; anything larger answers 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
