"""Sign-in, sign-out, password reset and the lockout page, one language per page."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from hub.accounts.access import landing_url, may_open
from hub.accounts.links import localized_reverse, localized_reverse_lazy


class SignInView(auth_views.LoginView):
    """One login page for every role; `next` wins when it is safe and the user may open it."""

    template_name = "accounts/login.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            requested = self.get_redirect_url()
            if not requested or may_open(request.user, requested):
                return HttpResponseRedirect(self.get_success_url())
            # Signed in, but not as someone who may open `next`: offer to sign in as another user.
            return self.render_to_response(self.get_context_data(signed_in_without_access=True))
        return super().get(request, *args, **kwargs)

    def get_success_url(self) -> str:
        requested = self.get_redirect_url()  # Django's check: same host, allowed scheme, else ""
        if requested and may_open(self.request.user, requested):
            return requested
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_url"] = localized_reverse("accounts:password_reset")
        return context


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5); back to the sign-in page with a note."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Du har loggat ut."))
        return response

    def get_default_redirect_url(self) -> str:
        return localized_reverse("accounts:login")


def legacy_portal_login(request: HttpRequest) -> HttpResponse:
    """/sv/leverantor/logga-in/ moved to the one login page; a safe `next` goes along."""
    url = localized_reverse("accounts:login")
    requested = request.GET.get("next", "")
    if requested and url_has_allowed_host_and_scheme(
        requested, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{url}?{urlencode({'next': requested})}"
    return HttpResponseRedirect(url)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = localized_reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        # The link uses the configured address, never the request's Host header.
        return {"base_url": settings.HUB_BASE_URL.rstrip("/")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = localized_reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password ends any lockout of the account (django-axes).
        reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_url"] = localized_reverse("accounts:login")
        return context


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): 429 and how long to wait, in the page's language."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {"minutes": minutes, "password_reset_url": localized_reverse("accounts:password_reset")}
    return render(request, "accounts/lockout.html", context, status=429)
