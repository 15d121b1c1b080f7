from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("register/", views.register, name="register"),
    path("logout/", views.sign_out, name="logout"),
    path("privacy/", views.privacy, name="privacy"),
    path("sso/authorize/", views.sso_authorize, name="sso_authorize"),
    path("sso/callback/", views.sso_callback, name="sso_callback"),
    path("upstream/", views.upstream_start, name="upstream"),
    path("upstream/callback/", views.upstream_callback, name="upstream_callback"),
    path("me/", views.me_profile, name="me"),
    path("me/letters/", views.me_letters, name="me_letters"),
    path("me/comments/", views.me_comments, name="me_comments"),
    path("me/security/", views.me_security, name="me_security"),
    path("me/export/", views.me_export, name="me_export"),
]
