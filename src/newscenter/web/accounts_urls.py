"""``/accounts/``: signing in with the second factor, and password reset (web/accounts.py)."""

from django.urls import path

from newscenter.web import accounts

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("login/code/", accounts.VerifyView.as_view(), name="verify"),
    path("login/authenticator/", accounts.EnrolView.as_view(), name="enrol"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
