"""Sites provisioned before accounts existed become clients of the identity host
(new ones are registered when provisioned: accounts.signal_handlers)."""

from django.db import migrations


def register(apps, schema_editor):
    GovSite = apps.get_model("govsites", "GovSite")
    SsoClient = apps.get_model("accounts", "SsoClient")
    for site in GovSite.objects.all():
        SsoClient.objects.update_or_create(
            site=site,
            defaults={
                "client_id": site.code,
                "hostname": site.host.lower(),
                "active": site.status != "closed",
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("govsites", "0006_site_status_preparation"),
    ]

    operations = [migrations.RunPython(register, migrations.RunPython.noop)]
