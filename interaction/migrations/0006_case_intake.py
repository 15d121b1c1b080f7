"""Case intake rows: each filed case's tracking number and idempotency key, unique
on the site it was filed on (services.case_submit inserts one per letter instead
of looking both up across the province's tree). Filled from the cases there are;
the cases' own idempotency constraint, which held only per handling site, goes."""

import django.db.models.deletion
import django_multitenant.mixins
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("govsites", "0006_site_status_preparation"),
        ("interaction", "0005_comment_reply"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseIntake",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("tracking_number", models.CharField(max_length=32)),
                ("idempotency_key", models.CharField(max_length=64)),
            ],
            bases=(django_multitenant.mixins.TenantModelMixin, models.Model),
        ),
        migrations.RemoveConstraint(
            model_name="case",
            name="case_unique_idempotency_key",
        ),
        migrations.AddField(
            model_name="caseintake",
            name="site",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to="govsites.govsite"
            ),
        ),
        migrations.AddConstraint(
            model_name="caseintake",
            constraint=models.UniqueConstraint(
                fields=("site", "tracking_number"),
                name="caseintake_unique_tracking_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="caseintake",
            constraint=models.UniqueConstraint(
                fields=("site", "idempotency_key"),
                name="caseintake_unique_idempotency_key",
            ),
        ),
        migrations.RunSQL(
            """
            INSERT INTO interaction_caseintake (site_id, tracking_number, idempotency_key)
            SELECT intake_site_id, tracking_number, idempotency_key
            FROM interaction_case ORDER BY id
            ON CONFLICT DO NOTHING
            """,
            migrations.RunSQL.noop,
        ),
    ]
