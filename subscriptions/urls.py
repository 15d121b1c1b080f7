from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("confirm/", views.confirm, name="confirm"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("manage/", views.manage, name="manage"),
    path("manage/link/", views.manage_link, name="manage_link"),
    path("mine/", views.mine, name="mine"),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/count.json",
        views.notification_count,
        name="notification_count",
    ),
    path("home/", views.home, name="home"),
]
