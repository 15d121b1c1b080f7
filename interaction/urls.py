from django.urls import path

from . import views

app_name = "interaction"

urlpatterns = [
    path("cases/", views.case_public_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/submitted/", views.case_submitted, name="case_submitted"),
    path("cases/mine/", views.case_mine, name="case_mine"),
    path("cases/lookup/", views.case_lookup, name="case_lookup"),
    path("cases/rate/", views.case_rate, name="case_rate"),
    path(
        "consultations/<int:page_id>/comment/",
        views.comment_new,
        name="comment_new",
    ),
]
