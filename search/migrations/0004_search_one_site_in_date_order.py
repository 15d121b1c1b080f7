"""Search one site without filtering every match of the platform.

- ``(site_id, published_at DESC)``: a site's own documents in date order (the
  most recent matches of a frequent word are the first rows of the site, not the
  first rows of every site filtered by their sites); it replaces the foreign
  key's own index of ``site_id``.
- a GIN index of ``site_ids[2:]``: the documents shown on a site besides their own
  (syndication), few; with the constraint that ``site_ids`` starts with the
  document's own site, the two give exactly the documents whose ``site_ids``
  hold the site.
- ``site_ids`` and ``title_vector`` kept in the row (storage MAIN, as ``vector``
  since 0003): a row with its vector in it is always over PostgreSQL's TOAST
  target, so every other column of more than 24 bytes (a one-site ``site_ids``
  is 28) was moved to the TOAST table, and reading a candidate's sites or title
  vector cost three or four more buffers. Rows written before keep their storage
  until ``search_index rebuild`` writes them again.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

TABLE = "govsearch_searchdocument"


class Migration(migrations.Migration):
    dependencies = [
        ("govsearch", "0003_vector_stored_in_row"),
        ("govsites", "0006_site_status_preparation"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} ALTER COLUMN site_ids SET STORAGE MAIN, "
            "ALTER COLUMN title_vector SET STORAGE MAIN",
            reverse_sql=f"ALTER TABLE {TABLE} ALTER COLUMN site_ids SET STORAGE "
            "EXTENDED, ALTER COLUMN title_vector SET STORAGE EXTENDED",
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="site",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="govsites.govsite",
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["site", "-published_at"], name="searchdoc_site_published"
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                models.Func(models.F("site_ids"), template="(%(expressions)s)[2:]"),
                name="searchdoc_shared_site_ids_gin",
            ),
        ),
        migrations.AddConstraint(
            model_name="searchdocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("site_ids__0", models.F("site"))),
                name="searchdoc_own_site_first",
            ),
        ),
    ]
