from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from sites.permissions import PlatformAdminPermissionPolicy
from sites.selectors import manages_any_site

from . import admin_views
from .models import Synonym


class SynonymViewSet(ModelViewSet):
    model = Synonym
    icon = "search"
    menu_label = _("Search synonyms")
    add_to_settings_menu = True
    form_fields = ["term", "synonyms"]
    list_display = ["term", "synonyms"]
    search_fields = ["term", "synonyms"]


# Synonyms change every site's search: platform admins only.
register_permission_policy(Synonym, PlatformAdminPermissionPolicy(Synonym))


@hooks.register("register_admin_viewset")
def register_synonym_viewset():
    return SynonymViewSet("search_synonyms")


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return manages_any_site(request.user)


@hooks.register("register_admin_urls")
def register_statistics_url():
    return [
        path(
            "search/statistics/",
            admin_views.query_statistics,
            name="search_query_statistics",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_statistics_menu_item():
    return StatisticsMenuItem(
        _("Search statistics"),
        reverse("search_query_statistics"),
        icon_name="search",
        order=900,
    )
