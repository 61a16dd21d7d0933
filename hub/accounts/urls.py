"""Sign-in pages inside i18n_patterns: /sv/logga-in/ and /en/sign-in/ (plus sign-out and password reset).

Each page has a Swedish and an English route (`name`, `name_en`); hub.accounts.links picks the one
for the page's language.
"""

from django.urls import path

from hub.accounts import views

app_name = "accounts"


def bilingual(swedish: str, english: str, view, name: str) -> list:
    return [path(swedish, view, name=name), path(english, view, name=f"{name}_en")]


urlpatterns = [
    *bilingual("logga-in/", "sign-in/", views.SignInView.as_view(), "login"),
    # The supplier portal's old login page; bookmarks are redirected to the one login page.
    path("leverantor/logga-in/", views.legacy_portal_login, name="legacy_portal_login"),
    *bilingual("logga-ut/", "sign-out/", views.SignOutView.as_view(), "logout"),
    *bilingual("logga-in/aterstall/", "sign-in/reset/", views.PasswordResetView.as_view(), "password_reset"),
    *bilingual(
        "logga-in/aterstall/skickat/",
        "sign-in/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        "password_reset_done",
    ),
    *bilingual(
        "logga-in/aterstall/<uidb64>/<token>/",
        "sign-in/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        "password_reset_confirm",
    ),
    *bilingual(
        "logga-in/aterstall/klart/",
        "sign-in/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        "password_reset_complete",
    ),
]
