"""Keep each document's vector in its row (storage MAIN) instead of in the TOAST
table: ranking the candidates of a query reads every candidate's vector, and
fetching it from TOAST (the index lookup and two or three chunks a row) was most
of a frequent word's query time. PostgreSQL still moves a vector out of the row
when the row would not fit on a page (a very long document).

Rows written before keep their storage until they are written again:
``search_index rebuild`` rewrites every row."""

from django.db import migrations

TABLE = "govsearch_searchdocument"


class Migration(migrations.Migration):
    dependencies = [("govsearch", "0002_mask_personal_data_in_query_statistics")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE MAIN",
            reverse_sql=f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE EXTENDED",
        )
    ]
