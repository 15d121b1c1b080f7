from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from sites.selectors import sites_administered_by

from . import admin_views


@hooks.register("register_admin_urls")
def register_webhook_urls():
    return [
        path("webhooks/", admin_views.webhook_index, name="subscriptions_webhooks"),
        path(
            "webhooks/new/",
            admin_views.webhook_create,
            name="subscriptions_webhook_create",
        ),
        path(
            "webhooks/<int:pk>/",
            admin_views.webhook_edit,
            name="subscriptions_webhook_edit",
        ),
    ]


class SiteAdminMenuItem(MenuItem):
    def is_shown(self, request):
        # Asked twice a page (the settings submenu asks before it renders).
        shown = getattr(request, "_subscriptions_site_admin", None)
        if shown is None:
            shown = request._subscriptions_site_admin = sites_administered_by(
                request.user
            ).exists()
        return shown


@hooks.register("register_settings_menu_item")
def register_webhook_menu():
    return SiteAdminMenuItem(
        _("Webhooks"), reverse("subscriptions_webhooks"), icon_name="link", order=900
    )
