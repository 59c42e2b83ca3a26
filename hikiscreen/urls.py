from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from questionnaires.forms.accounts import PasswordResetRequestForm
from questionnaires.security.ratelimits import login_ratelimit, password_reset_ratelimit
from questionnaires.views import accounts
from questionnaires.views.public import favicon, healthz

account_urls: list[URLPattern | URLResolver] = [
    # Django's login view, with sign-in attempts limited per client address.
    path("login/", login_ratelimit(auth_views.LoginView.as_view()), name="login"),
    # Django's reset page, limited per address and per account, sending by task.
    path(
        "password_reset/",
        password_reset_ratelimit(
            auth_views.PasswordResetView.as_view(form_class=PasswordResetRequestForm)
        ),
        name="password_reset",
    ),
    path("language/", accounts.account_language, name="account-language"),
    path("two-factor/", accounts.enrol_two_factor, name="two-factor-enrol"),
    path("two-factor/code/", accounts.verify_two_factor, name="two-factor-verify"),
    path("two-factor/qr.svg", accounts.two_factor_qr, name="two-factor-qr"),
    path("two-factor/remove/", accounts.remove_two_factor, name="two-factor-remove"),
    path("", include("django.contrib.auth.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("questionnaires.urls")),
]
