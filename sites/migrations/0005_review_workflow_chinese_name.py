"""Review workflows provisioned while English was active were named
"<site> two-step review"; they take the Chinese name provisioning now gives."""

from django.db import migrations

OLD = " two-step review"
NEW = "两级审核流程"


def forwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    for workflow in Workflow.objects.filter(name__endswith=OLD):
        workflow.name = workflow.name[: -len(OLD)] + NEW
        workflow.save(update_fields=["name"])


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    for workflow in Workflow.objects.filter(name__endswith=NEW):
        workflow.name = workflow.name[: -len(NEW)] + OLD
        workflow.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0004_site_review_workflows"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
