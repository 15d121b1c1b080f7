"""Compress each document's body with LZ4 instead of pglz (when the server was
built with LZ4): a rebuild's COPY spent a fifth of PostgreSQL's CPU compressing
with pglz (about 55 µs a document of 1,000 characters). A server without LZ4
keeps pglz. The vectors keep pglz: it leaves them uncompressed (they do not
compress), while LZ4 compresses them by about 3%, and a search then
decompresses every candidate's vector to rank it (a frequent word's 1,001
ranked rows: 2.4 ms of server CPU instead of 0.85).

Rows written before keep their compression until they are written again:
``search_index rebuild`` rewrites every row."""

from django.db import migrations

TABLE = "govsearch_searchdocument"
COLUMNS = ("body",)


def _set(method: str) -> str:
    columns = ", ".join(
        f"ALTER COLUMN {name} SET COMPRESSION {method}" for name in COLUMNS
    )
    return f"""
        DO $$
        BEGIN
            ALTER TABLE {TABLE} {columns};
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
            RAISE NOTICE 'LZ4 is not available: pglz kept';
        END $$
    """


class Migration(migrations.Migration):
    dependencies = [("govsearch", "0004_search_one_site_in_date_order")]

    operations = [migrations.RunSQL(_set("lz4"), reverse_sql=_set("default"))]
