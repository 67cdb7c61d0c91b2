"""Login and user management within the manager's scope."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.forms import GrantForm, LoginForm, UserCreateForm
from shoumen.accounts.login_limits import login_address_seconds_locked, login_failure_count
from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.accounts.selectors import user_for, users_visible_to
from shoumen.accounts.services import (
    role_assignment_grant,
    role_assignment_revoke,
    user_can_be_managed_by,
    user_create,
    user_set_active,
)
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted

MSG_USER_CREATED = _("User %(name)s was created.")
MSG_ROLE_GRANTED = _("The role was granted.")
MSG_ROLE_REVOKED = _("The role was revoked.")
MSG_ACTIVATED = _("The account is active again.")
MSG_DEACTIVATED = _("The account was deactivated; it can no longer log in.")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        seconds = login_address_seconds_locked(request)
        if seconds:  # refused before the password is even checked, right or wrong
            response = render(request, "accounts/locked_out.html", {"by_address": True}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_failure_count(self.request)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def _require_manager(user):
    if not can(user, Perm.MANAGE_USERS):
        raise PermissionDenied


@login_required
@require_safe
def user_list(request):
    _require_manager(request.user)
    page = paginate(request, users_visible_to(request.user))
    return render(request, "accounts/user_list.html", {"page": page})


@login_required
def user_new(request):
    _require_manager(request.user)
    form = UserCreateForm(posted(request), actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                role=data["role"],
                org_unit=data["org_unit"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_USER_CREATED % {"name": created.username})
            return redirect("accounts:user_detail", pk=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


def _managed_user(request, pk):
    target = or_404(user_for, request.user, pk=pk)
    if not user_can_be_managed_by(request.user, target):
        raise Http404
    return target


@login_required
@require_safe
def user_detail(request, pk):
    _require_manager(request.user)
    target = or_404(user_for, request.user, pk=pk)
    manageable = user_can_be_managed_by(request.user, target)
    form = GrantForm(actor=request.user) if manageable else None
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "manageable": manageable, "form": form},
    )


@login_required
@require_POST
def user_grant(request, pk):
    _require_manager(request.user)
    target = _managed_user(request, pk)
    form = GrantForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            role_assignment_grant(
                actor=request.user,
                user=target,
                role=form.cleaned_data["role"],
                org_unit=form.cleaned_data["org_unit"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_ROLE_GRANTED)
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "manageable": True, "form": form},
        status=400,
    )


@login_required
@require_POST
def user_revoke(request, pk, assignment_pk):
    _require_manager(request.user)
    target = _managed_user(request, pk)
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("org_unit"), pk=assignment_pk, user=target
    )
    try:
        role_assignment_revoke(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, MSG_ROLE_REVOKED)
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_active(request, pk):
    _require_manager(request.user)
    target = _managed_user(request, pk)
    active = request.POST.get("active") == "1"
    user_set_active(actor=request.user, user=target, active=active)
    messages.success(request, MSG_ACTIVATED if active else MSG_DEACTIVATED)
    return redirect("accounts:user_detail", pk=target.pk)
