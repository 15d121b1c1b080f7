"""Remove Wagtail's default "Editors" and "Moderators" groups.

Wagtail creates them with page permissions at the tree root and global image and
document permissions: anyone put into one could edit every site on the platform.
Here every role group belongs to one site (SiteGroup), created by provisioning.
Only untouched groups (no members, no site link) are removed.
"""

from django.db import migrations


def remove_default_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        if group.user_set.exists() or group.site_links.exists():
            continue
        group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0002_remove_wagtail_default_site"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(remove_default_groups, migrations.RunPython.noop)
    ]
