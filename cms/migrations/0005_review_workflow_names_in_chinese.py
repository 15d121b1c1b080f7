"""Review workflows provisioned while English was active are named
"<site> two-step review" (tasks "<site> Reviewer approval" …): the submit button
and the e-mails show the name, so give them their Chinese names."""

from django.db import migrations

RENAMES = [
    (" two-step review", "两级审核流程"),
    (" Reviewer approval", " 审核员审核"),
    (" Site admin approval", " 站点管理员审核"),
]


def rename(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for model in (Workflow, Task):
        for english, chinese in RENAMES:
            for row in model.objects.filter(name__endswith=english):
                row.name = row.name.removesuffix(english) + chinese
                row.save(update_fields=["name"])


def rename_back(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for model in (Workflow, Task):
        for english, chinese in RENAMES:
            for row in model.objects.filter(name__endswith=chinese):
                row.name = row.name.removesuffix(chinese) + english
                row.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_content_confirmed_warnings"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
