from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import EditorGuideView

# Wagtail's own help items that lead to its English website.
WAGTAIL_HELP_ITEMS = {"editor-guide"}


@hooks.register("register_admin_urls")
def register_guide_url():
    return [path("guide/", EditorGuideView.as_view(), name="branding_guide")]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem(
        _("Editor's guide"), reverse("branding_guide"), icon_name="help", order=1100
    )


@hooks.register("construct_help_menu")
def drop_wagtail_guide_links(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in WAGTAIL_HELP_ITEMS and not item.name.startswith("whats-new")
    ]
