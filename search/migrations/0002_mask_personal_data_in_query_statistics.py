"""Query statistics stored before e-mail addresses and phone numbers written with
separators were masked: mask them now, adding each row's counts to the row of its
masked query (site, day and query stay unique)."""

from django.db import migrations


def mask_stored_queries(apps, schema_editor):
    from core.privacy import mask_search_query

    log = apps.get_model("govsearch", "SearchQueryLog")
    for row in log.objects.order_by("pk").iterator():
        masked = mask_search_query(row.query)[:100]
        if masked == row.query:
            continue
        target, _ = log.objects.get_or_create(
            site_id=row.site_id,
            day=row.day,
            query=masked,
            defaults={"searches": 0, "zero_results": 0},
        )
        target.searches += row.searches
        target.zero_results += row.zero_results
        target.save(update_fields=["searches", "zero_results"])
        row.delete()


class Migration(migrations.Migration):
    dependencies = [("govsearch", "0001_initial")]

    # Masked queries cannot be unmasked: going back leaves them masked.
    operations = [migrations.RunPython(mask_stored_queries, migrations.RunPython.noop)]
