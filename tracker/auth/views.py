"""Sign-in and sign-out."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from tracker.auth.forms import LoginForm
from tracker.auth.models import User
from tracker.auth.passwords import verify_password
from tracker.extensions import db, login_manager

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the signed-in account from the session."""
    return db.session.get(User, int(user_id))


@bp.route("/")
def home():
    """Show the signed-in user's home page, or send them to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/home.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with an email and a password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user and user.active and verify_password(user.password_hash, form.password.data):
            login_user(user)
            return redirect(url_for("auth.home"))
        flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))
