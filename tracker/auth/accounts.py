"""The administrator's pages for accounts: list, create, edit, disable, reset a password."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from tracker.access import allow
from tracker.auth import links, operations
from tracker.auth.forms import AccountForm, ConfirmForm, ResetPasswordForm
from tracker.auth.models import User
from tracker.cohorts.models import Cohort, Trainee
from tracker.extensions import db
from tracker.i18n import of

bp = Blueprint("accounts", __name__, url_prefix="/admin/accounts")


def _choices(form: AccountForm, user: User | None) -> None:
    """Offer every cohort, and the trainees without an account (or this account's own)."""
    form.cohorts.choices = [
        SelectChoice(cohort.id, f"{cohort.name} ({cohort.slug})")
        for cohort in db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc()))
    ]
    taken = select(User.trainee_id).where(User.trainee_id.is_not(None))
    if user is not None and user.trainee_id:
        taken = taken.where(User.trainee_id != user.trainee_id)
    trainees = db.session.execute(
        select(Trainee.id, Trainee.ref, Trainee.first_name, Trainee.last_name, Cohort.slug)
        .join(Cohort)
        .where(Trainee.id.not_in(taken))
        .order_by(Cohort.slug, Trainee.ref)
    )
    form.trainee.choices = [SelectChoice(0, _("None"))] + [
        SelectChoice(row.id, f"{row.slug} · {row.ref} · {row.first_name} {row.last_name}")
        for row in trainees
    ]


def _apply_error(form: AccountForm, error: operations.AccountError) -> None:
    """Show an operation's refusal beside the field it names."""
    field = getattr(form, error.field, None) or form.email
    field.errors = [*field.errors, sentence(error.message)]


def sentence(message: str) -> str:
    """Write an operation's refusal, read after its field's name, as a sentence of its own."""
    return message[:1].upper() + message[1:]


@bp.route("")
@allow("admin")
def index():
    """List every account with its role and links."""
    users = db.session.scalars(
        select(User)
        .options(selectinload(User.cohorts), selectinload(User.trainee))
        .order_by(User.role, User.email)
    ).all()
    return render_template("accounts/index.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@allow("admin")
def create():
    """Create an account with a first password, or invite its owner by mail to choose one."""
    form = AccountForm()
    form.is_new = True
    _choices(form, None)
    if form.validate_on_submit():
        try:
            user = operations.add_user(
                form.email.data,
                form.role.data,
                form.password.data or None,
                name=form.name.data or "",
                cohorts=_selected_cohorts(form),
                trainee=db.session.get(Trainee, form.trainee.data) if form.trainee.data else None,
                language=form.language.data,
            )
        except operations.AccountError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            if form.password.data:
                message = _("Account %(email)s created.", email=user.email)
            else:
                links.send_invitation(user)
                message = _(
                    "Account %(email)s created: an invitation to choose a password is on its way.",
                    email=user.email,
                )
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("accounts.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/form.html", form=form, user=None), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit(user_id: int):
    """Edit an account's email, name, role and links."""
    user = db.get_or_404(User, user_id)
    form = AccountForm(obj=user)
    if not form.is_submitted():
        form.cohorts.data = [cohort.id for cohort in user.cohorts]
        form.trainee.data = user.trainee_id or 0
    _choices(form, user)
    if form.validate_on_submit():
        try:
            operations.update_account(
                user,
                email=form.email.data,
                name=form.name.data or "",
                role=form.role.data,
                cohorts=_selected_cohorts(form),
                trainee=db.session.get(Trainee, form.trainee.data) if form.trainee.data else None,
                language=form.language.data,
            )
        except operations.AccountError as error:
            db.session.rollback()
            user = db.get_or_404(User, user_id)
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("accounts.index"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "accounts/form.html", form=form, user=user, password_form=ResetPasswordForm()
    ), status


@bp.route("/<int:user_id>/active", methods=["POST"])
@allow("admin")
def set_active(user_id: int):
    """Disable an account (signing it out everywhere) or enable it again."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.set_active(user, not user.active, by=current_user)
    except operations.AccountError as error:
        db.session.rollback()
        flash(sentence(error.message), "error")
        return redirect(url_for("accounts.edit", user_id=user.id)), 303
    db.session.commit()
    message = _("Account %(email)s enabled.") if user.active else _("Account %(email)s disabled.")
    flash(message % {"email": user.email}, "success")
    return redirect(url_for("accounts.index"))


@bp.route("/<int:user_id>/invitation", methods=["POST"])
@allow("admin")
def invite(user_id: int):
    """Send an account a link to choose its password."""
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.active:
        abort(409, description=_("This account is disabled: enable it before inviting its owner."))
    links.send_invitation(user)
    db.session.commit()
    flash(
        _("An invitation to choose a password is on its way to %(email)s.", email=user.email),
        "success",
    )
    return redirect(url_for("accounts.edit", user_id=user.id)), 303


@bp.route("/<int:user_id>/password", methods=["POST"])
@allow("admin")
def reset_password(user_id: int):
    """Set a new password for an account and sign it out everywhere."""
    user = db.get_or_404(User, user_id)
    password_form = ResetPasswordForm()
    if password_form.validate_on_submit():
        operations.set_password(user, password_form.new_password.data)
        db.session.commit()
        flash(_("The password %(of_email)s is reset.", of_email=of(user.email)), "success")
        return redirect(url_for("accounts.index"))
    form = AccountForm(obj=user)
    form.cohorts.data = [cohort.id for cohort in user.cohorts]
    form.trainee.data = user.trainee_id or 0
    _choices(form, user)
    return render_template(
        "accounts/form.html", form=form, user=user, password_form=password_form
    ), 422


def _selected_cohorts(form: AccountForm) -> list[Cohort]:
    if not form.cohorts.data:
        return []
    return list(db.session.scalars(select(Cohort).where(Cohort.id.in_(form.cohorts.data))))
