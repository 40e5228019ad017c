"""Administration: contracting authorities and their officers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from safkat.accounts import services
from safkat.accounts.forms import AuthorityForm, EmptyForm, StaffUserForm
from safkat.accounts.models import ContractingAuthority, Enterprise, Role, User
from safkat.errors import DomainError
from safkat.i18n import current_language
from safkat.web import flash_domain_error, get_or_404, get_session, hasher, now, require
from safkat.wilayas import wilaya_choices

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_admins():
    require("admin.access")


@bp.route("/")
def dashboard():
    session = get_session()
    counts = {
        "authorities": session.scalar(select(func.count()).select_from(ContractingAuthority)),
        "officers": session.scalar(select(func.count()).where(User.role == Role.OFFICER)),
        "enterprises": session.scalar(select(func.count()).select_from(Enterprise)),
        "pending": session.scalar(select(func.count()).where(Enterprise.status == "pending")),
    }
    return render_template("admin/dashboard.html", counts=counts)


@bp.route("/authorities")
def authorities():
    rows = get_session().scalars(select(ContractingAuthority).order_by(ContractingAuthority.code)).all()
    return render_template("admin/authorities.html", authorities=rows)


def _authority_form(authority=None) -> AuthorityForm:
    form = AuthorityForm(obj=authority)
    form.wilaya_code.choices = [("", _("Choose a wilaya"))] + wilaya_choices(current_language())
    return form


@bp.route("/authorities/new", methods=["GET", "POST"])
@bp.route("/authorities/<int:authority_id>/edit", methods=["GET", "POST"])
def edit_authority(authority_id: int | None = None):
    authority = get_or_404(ContractingAuthority, authority_id) if authority_id else None
    form = _authority_form(authority)
    if form.validate_on_submit():
        data = services.AuthorityData(form.code.data, form.name_fr.data, form.name_ar.data, form.wilaya_code.data)
        try:
            authority = services.save_authority(get_session(), data, current_user, now(), authority)
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("The authority %(code)s is saved.", code=authority.code), "success")
            return redirect(url_for("admin.authority", authority_id=authority.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/authority_form.html", form=form, authority=authority), status


@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
def authority(authority_id: int):
    authority = get_or_404(ContractingAuthority, authority_id)
    form = StaffUserForm()
    if form.validate_on_submit():
        try:
            officer = services.create_staff_user(
                get_session(),
                actor=current_user,
                email=form.email.data,
                full_name=form.full_name.data,
                role=Role.OFFICER,
                password=form.password.data,
                hasher=hasher(),
                now=now(),
                authority=authority,
            )
        except DomainError as error:
            flash_domain_error(error)
        else:
            flash(_("The officer account of %(email)s is created.", email=officer.email), "success")
            return redirect(url_for("admin.authority", authority_id=authority.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/authority.html", authority=authority, form=form, toggle_form=EmptyForm()), status


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def toggle_user(user_id: int):
    user = get_or_404(User, user_id)
    if EmptyForm().validate_on_submit() and user.id != current_user.id:
        services.set_user_active(get_session(), user, current_user, not user.is_active, now())
        flash(_("Account enabled.") if user.is_active else _("Account disabled."), "success")
    if user.authority_id:
        return redirect(url_for("admin.authority", authority_id=user.authority_id))
    return redirect(url_for("admin.dashboard"))
