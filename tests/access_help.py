"""Access table of the help: the documents of docs/, for every signed-in user."""

from tests.access import Case, answers

CASES = [
    Case("help.page", "GET", "/help/imports", answers(200)),
    Case("help.page", "GET", "/help/figures?lang=en", answers(200)),
    Case("help.page", "GET", "/help/trail", answers(200)),
    # Only the documents of the help: no other file of docs/ or elsewhere.
    Case("help.page", "GET", "/help/nothing", answers(404)),
    Case("help.page", "GET", "/help/README", answers(404)),
    # A path out of the folder names no page at all.
    Case("help.page", "GET", "/help/..%2FREADME", answers(404, anonymous=404)),
]
