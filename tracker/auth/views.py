"""Sign-in, sign-out and password change."""

import hashlib
import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from tracker.access import PUBLIC, allow
from tracker.auth import devices, links, operations
from tracker.auth.forms import ChoosePasswordForm, ForgottenPasswordForm, LoginForm, PasswordForm
from tracker.auth.models import ROLES, User
from tracker.auth.passwords import verify_password
from tracker.extensions import db, login_manager
from tracker.timeutil import utc_now

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = None
TOKEN_KEY = "login_token"


@login_manager.unauthorized_handler
def unauthorized():
    """Send a visitor who is not signed in to the sign-in page; the API answers 401 in JSON."""
    if request.blueprint == "api":
        return jsonify(error="sign in first", status=401), 401
    if request.endpoint == "auth.alive":
        return "", 401
    if request.method == "GET":
        wanted = request.full_path.rstrip("?")
    else:
        # A form sent after the session ended: back to its page once signed in again, where
        # static/keepalive.js puts back what was typed.
        wanted = page_the_form_was_on()
        flash(
            _("Your session had ended: nothing was saved. Sign in again to go back to the page."),
            "warning",
        )
    return redirect(url_for("auth.login", next=page_of_this_site(wanted)))


def page_the_form_was_on() -> str:
    """Return the page of this site that a form was sent from: its referrer, or its own address."""
    if request.referrer:
        referrer = urlsplit(request.referrer)
        if referrer.netloc == request.host and referrer.scheme == request.scheme:
            page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
            if page_of_this_site(page):
                return page
    return request.full_path.rstrip("?")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the account of the browser's live signed-in session, touching it."""
    config = current_app.config
    login = operations.find_login_session(
        session.get(TOKEN_KEY),
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )
    if login is None or str(login.user_id) != user_id:
        return None
    now = utc_now()
    if now - login.last_seen_at > timedelta(minutes=1):
        # Housekeeping outside the view's own change: the idle timeout counts from here.
        login.last_seen_at = now
        db.session.commit()
    return login.user


def start_fresh_session() -> None:
    """Empty the browser's session, keeping only the language it chose.

    Nothing else from before signing in or out survives (session fixation); the language is
    the visitor's own choice, made on the sign-in page itself.
    """
    language = session.get("lang")
    session.clear()
    if language is not None:
        session["lang"] = language


def page_of_this_site(wanted: str | None) -> str | None:
    """Return a path of this site to go back to, or None when it could lead anywhere else.

    Browsers drop tabs and newlines inside a URL, strip leading control characters and spaces,
    and read a backslash as a slash: `next=/%09/evil.example` (a tab) or `next=/%5Cevil.example`
    would leave for another host, and a newline breaks the header. So refuse any such character
    outright, then accept an absolute path only:
    no scheme, no host, not `//`.
    """
    if not wanted or any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in wanted):
        return None
    parts = urlsplit(wanted)
    if parts.scheme or parts.netloc or not wanted.startswith("/") or wanted.startswith("//"):
        return None
    return wanted


@bp.route("/")
@allow(PUBLIC)
def home():
    """Show the signed-in user's home page, or send them to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    from tracker.attendance.closing import close_overdue
    from tracker.cohorts.views import home_page

    # The home page counts the roll calls still to close, and a trainee's what they may still
    # sign: close the overdue ones first. An officer's shows neither.
    if current_user.role != "officer" and close_overdue():
        db.session.commit()
    return home_page()


@bp.route("/account/alive")
@allow(*ROLES)
def alive():
    """Answer a page still being filled in: asking is enough to keep the session alive."""
    return "", 204


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    """Sign in with an email and a password, slowed down after repeated failures."""
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/login.html", form=form), status
    config = current_app.config
    email = form.email.data.strip().lower()
    device = devices.trusted_device(request.cookies.get(devices.COOKIE), email)
    keys = operations.throttle_keys(email, request.remote_addr or "unknown", device)
    attempt = operations.record_sign_in_attempt(keys)
    # Counted before the password is checked, and seen by every worker: of many attempts made
    # at once, no more than the limit get a password check.
    db.session.commit()
    limits = {
        "device": config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
        "account": config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
        "address": config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
    }
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    if wait := operations.sign_in_wait(keys, attempt, limits, window):
        operations.forget_sign_in_attempt(attempt)  # it checked no password
        db.session.commit()
        flash(
            ngettext(
                "Too many failed sign-ins. Wait %(num)d minute and try again.",
                "Too many failed sign-ins. Wait %(num)d minutes and try again.",
                math.ceil(wait / 60),
            ),
            "error",
        )
        response = current_app.make_response((render_template("auth/login.html", form=form), 429))
        response.headers["Retry-After"] = str(wait)
        return response
    user = db.session.scalar(select(User).where(User.email == email))
    # The same password check whether the account exists or not: no telling who has one.
    password_right = verify_password(user.password_hash if user else None, form.password.data)
    if user is None or not user.active or not password_right:
        flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    operations.forget_sign_in_attempt(
        attempt, failures_of=[key for key in keys if not key.startswith("address:")]
    )
    start_fresh_session()
    session[TOKEN_KEY] = operations.start_login_session(user)
    login_user(user)
    db.session.commit()
    response = redirect(page_of_this_site(request.args.get("next")) or url_for("auth.home"))
    devices.remember_device(response, request.cookies.get(devices.COOKIE), email)
    return response


@bp.route("/logout", methods=["POST"])
@allow(*ROLES)
def logout():
    """Sign out: end the session on the server, so that a copy of the cookie is worthless."""
    operations.end_login_session(session.get(TOKEN_KEY))
    db.session.commit()
    logout_user()
    start_fresh_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(*ROLES)
def change_password():
    """Change one's own password; other signed-in browsers are signed out."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            operations.set_password(
                current_user, form.new_password.data, keep_token=session.get(TOKEN_KEY)
            )
            db.session.commit()
            flash(_("Your password is changed."), "info")
            return redirect(url_for("auth.home"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/password/forgotten", methods=["GET", "POST"])
@allow(PUBLIC)
def forgotten_password():
    """Send a link to choose a new password, answering the same whether the address has an
    account or not."""
    form = ForgottenPasswordForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/forgotten.html", form=form), status
    config = current_app.config
    email = form.email.data.strip().lower()
    # Counted like sign-ins: per address (walking through emails), and per account whatever
    # the address (flooding one inbox).
    keys = [
        f"reset-account:{hashlib.sha256(email.encode()).hexdigest()}",
        f"reset-address:{request.remote_addr or 'unknown'}",
    ]
    attempt = operations.record_sign_in_attempt(keys)
    db.session.commit()
    limits = {
        "reset-account": config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"],
        "reset-address": config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
    }
    window = timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    if wait := operations.sign_in_wait(keys, attempt, limits, window):
        operations.forget_sign_in_attempt(attempt)
        db.session.commit()
        raise TooManyRequests(
            description=ngettext(
                "Too many requests for a new password. Wait %(num)d minute and try again.",
                "Too many requests for a new password. Wait %(num)d minutes and try again.",
                math.ceil(wait / 60),
            ),
            retry_after=wait,
        )
    user = db.session.scalar(select(User).where(User.email == email, User.active.is_(True)))
    links.send_password_reset(user, stand_in=User(id=0, email=email, name="", password_hash=""))
    db.session.commit()
    flash(
        _(
            "If an account uses %(email)s, a message with a link to choose a new password is on"
            " its way to it. The link is valid for an hour.",
            email=email,
        ),
        "info",
    )
    return redirect(url_for("auth.forgotten_password")), 303


@bp.route("/password/<any(invitation, reset):purpose>/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def choose_password(purpose: str, token: str):
    """Choose one's password with a link sent by mail: an invitation or a forgotten password."""
    try:
        user = links.account_of(token, purpose)
    except links.LinkRefused as refusal:
        abort(refusal.status, description=refusal.message)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        operations.set_password(user, form.new_password.data)
        db.session.commit()
        flash(_("Your password is chosen. Sign in with it."), "success")
        return redirect(url_for("auth.login")), 303
    status = 422 if form.is_submitted() else 200
    return render_template(
        "auth/choose_password.html", form=form, user=user, purpose=purpose
    ), status
