"""Sites start in preparation (筹备/建设中) and go online only with their ICP and
public-security filing numbers. Sites already online stay as they are, with or
without the numbers (their dashboard warns their admins). Reversible: going back,
sites still in preparation count as active, the only status there was for them."""

from django.db import migrations, models


def preparation_to_active(apps, schema_editor):
    GovSite = apps.get_model("govsites", "GovSite")
    GovSite.objects.filter(status="preparation").update(status="active")


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0005_root_collection_chinese_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="govsite",
            name="status",
            field=models.CharField(
                choices=[
                    ("preparation", "In preparation"),
                    ("active", "Active"),
                    ("closed", "Closed"),
                    ("archived", "Archived"),
                ],
                default="preparation",
                max_length=12,
                verbose_name="status",
            ),
        ),
        # Listed after the field change so that, reversed, it runs first: no
        # "preparation" is left when the column shrinks back to 10 characters.
        migrations.RunPython(migrations.RunPython.noop, preparation_to_active),
    ]
