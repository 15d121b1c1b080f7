"""Site admins of sites provisioned before this app existed may edit their site's
theme settings too (provisioning grants it to new sites)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("themes")
    if getattr(config, "models_module", None) is None:  # historical apps
        config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    SiteGroup = apps.get_model("govsites", "SiteGroup")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    permission = Permission.objects.get(
        content_type__app_label="themes", codename="change_themesettings"
    )
    for link in SiteGroup.objects.filter(role="admin").select_related("site"):
        GroupSitePermission.objects.get_or_create(
            group_id=link.group_id,
            site_id=link.site.wagtail_site_id,
            permission=permission,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0001_initial"),
        ("govsites", "0004_site_review_workflows"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
