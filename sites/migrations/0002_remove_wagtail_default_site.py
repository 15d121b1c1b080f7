"""Remove Wagtail's default site and welcome page.

Wagtail serves its default site for any host it does not know; on a multi-tenant
platform that would show one tenant's pages at another's address. Sites here are
only ever created by provisioning, and an unknown host is a 404.
"""

from django.db import migrations


def remove_default_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Site.objects.filter(is_default_site=True).delete()
    generic = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if generic is None:
        return
    Page.objects.filter(depth=2, content_type=generic, numchild=0).delete()
    for root in Page.objects.filter(depth=1):
        root.numchild = Page.objects.filter(depth=2, path__startswith=root.path).count()
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_default_site, migrations.RunPython.noop)]
