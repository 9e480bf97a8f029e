"""Access table of sign-in, sign-out and password pages."""

from tests.access import Case, answers

CASES = [
    Case("auth.home", "GET", "/", answers(200)),
    Case("auth.login", "GET", "/login", answers(200, anonymous=200)),
    Case("auth.login", "POST", "/login", answers(400, anonymous=400)),
    Case("auth.logout", "POST", "/logout", answers(302)),
    # Pinged by static/keepalive.js: a script, told 401 rather than sent to sign in.
    Case("auth.alive", "GET", "/account/alive", answers(204, anonymous=401)),
    Case("auth.change_password", "GET", "/account/password", answers(200)),
    Case("auth.change_password", "POST", "/account/password", answers(422)),
    # Public, signed in or not: a forgotten password, a link sent by mail (not valid here).
    Case("auth.forgotten_password", "GET", "/password/forgotten", answers(200, anonymous=200)),
    Case("auth.forgotten_password", "POST", "/password/forgotten", answers(400, anonymous=400)),
    Case("auth.choose_password", "GET", "/password/reset/x", answers(400, anonymous=400)),
    Case("auth.choose_password", "POST", "/password/invitation/x", answers(400, anonymous=400)),
]
