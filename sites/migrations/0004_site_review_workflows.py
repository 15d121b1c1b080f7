"""Every existing site gets its two-step review workflow (reviewers, then site
admins), reviewers lose direct publishing, site admins may edit their site's
settings; Wagtail's default "Moderators approval" workflow on the root goes."""

from django.db import migrations

REVIEWER_NAME = "审核员审核"
ADMIN_NAME = "站点管理员审核"


def forwards(apps, schema_editor):
    GovSite = apps.get_model("govsites", "GovSite")
    SiteGroup = apps.get_model("govsites", "SiteGroup")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")

    WorkflowPage.objects.filter(page__depth=1).delete()
    Workflow.objects.filter(name="Moderators approval", workflow_pages=None).delete()

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    settings_type, _ = ContentType.objects.get_or_create(
        app_label="cms", model="publishingsettings"
    )
    change_settings, _ = Permission.objects.get_or_create(
        content_type=settings_type,
        codename="change_publishingsettings",
        defaults={"name": "Can change publishing settings"},
    )
    for site in GovSite.objects.select_related("wagtail_site"):
        groups = {link.role: link.group for link in SiteGroup.objects.filter(site=site)}
        if {"admin", "editor", "reviewer"} - set(groups):
            continue
        GroupPagePermission.objects.filter(
            group=groups["reviewer"], permission__codename="publish_page"
        ).delete()
        GroupSitePermission.objects.get_or_create(
            group=groups["admin"], site=site.wagtail_site, permission=change_settings
        )
        home_id = site.wagtail_site.root_page_id
        if WorkflowPage.objects.filter(page_id=home_id).exists():
            continue
        workflow = Workflow.objects.create(name=f"{site.name} 两级审核")
        for order, (role, name) in enumerate(
            [("reviewer", REVIEWER_NAME), ("admin", ADMIN_NAME)]
        ):
            task = GroupApprovalTask.objects.create(
                name=f"{site.name} {name}", content_type=task_type
            )
            task.groups.set([groups[role]])
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
        WorkflowPage.objects.create(workflow=workflow, page_id=home_id)


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0003_remove_wagtail_default_groups"),
        ("cms", "0003_content_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Backwards leaves the workflows in place: they are ordinary admin data then.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
