"""The page every site's home page descends from and the collection every site's
collection descends from were created by Wagtail as "Root"; platform admins meet
them in the page explorer and the image and document filters, so they take a
Chinese name."""

from django.db import migrations

OLD = "Root"
NEW = "全平台"


def _rename(apps, old, new):
    Collection = apps.get_model("wagtailcore", "Collection")
    Collection.objects.filter(depth=1, name=old).update(name=new)
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0004_site_review_workflows"),
        ("wagtailcore", "0025_collection_initial_data"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
