from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts import throttle
from accounts.forms import ThrottledAuthenticationForm
from accounts.forms_password_reset import (
    GovukSetPasswordForm,
    ThrottledPasswordResetForm,
    link_lifetime,
)
from core.security_log import security_event


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


# Password reset: Django's views and tokens (a link that works once, for a few days,
# and stops working once the password changes); our forms add GOV.UK messages, the
# shared throttle and the security log.


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ThrottledPasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lifetime": link_lifetime()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = GovukSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        # A page (not the redirect that hides the token) for a link that does not
        # work: expired, used already, altered or guessed.
        if not self.validlink and response.status_code == 200:
            security_event(
                "password_reset", outcome="refused", request=self.request, reason="invalid_link"
            )
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.reset_completed(self.request, form.user)
        security_event(
            "password_reset", outcome="success", request=self.request, user=form.user.get_username()
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
