"""The restore drill of the README, for real: content and a case, a backup, a
fresh database and an empty media folder, a restore, and everything back, the
case's personal data readable again with the same key."""

import subprocess
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from wagtail.models import Page

from interaction.models import Case
from ops.backup import DATABASE_FILE, MANIFEST, find_tool
from sites.models import GovSite
from sites.tenancy import all_sites
from tests.factories import SiteFactory
from tests.factories.content import ArticleFactory, column
from tests.interaction.conftest import file_case

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEY = "cmVzdG9yZS1kcmlsbC1rZXktMzItYnl0ZXMtbG9uZyE="
OTHER_KEY = "b3RoZXIta2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMtISE="


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INTERACTION_DATA_KEY = KEY
    return settings.MEDIA_ROOT


def _admin_connection():
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def fresh_database():
    """An empty database on the same server, reachable as the alias "drill"."""
    name = f"{connection.settings_dict['NAME']}_drill_{uuid.uuid4().hex[:8]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    # A connection made here, not a configured alias (the test case allows
    # dynamically created connections only).
    default = connections["default"]
    drill = default.__class__({**default.settings_dict, "NAME": name}, "drill")
    connections["drill"] = drill
    try:
        yield "drill"
    finally:
        drill.close()
        del connections["drill"]
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _content():
    site = SiteFactory(name="恢复演练市人民政府")
    ArticleFactory(parent=column(site, "zwyw"), title="恢复演练稿件", publish=True)
    case, _code = file_case(site, title="恢复演练信件", phone="13900001111")
    return site, case


def _restore(source, *args):
    out, err = StringIO(), StringIO()
    call_command("restore", str(source), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_restore_drill_brings_back_content_media_and_readable_cases(
    media, fresh_database, tmp_path, settings
):
    site, case = _content()
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "演练附件.txt").write_text("附件内容")
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())

    # Lost: a new, empty database and an empty media folder.
    settings.MEDIA_ROOT = tmp_path / "new-media"
    out, err = _restore(backup, "--database", fresh_database)
    assert "restored" in out and err == ""

    drill = fresh_database
    assert GovSite.objects.using(drill).get(code=site.code).name == "恢复演练市人民政府"
    assert Page.objects.using(drill).filter(title="恢复演练稿件", live=True).exists()
    with all_sites():
        restored = Case.objects.using(drill).get(tracking_number=case.tracking_number)
    assert restored.phone == "13900001111"
    assert restored.title == "恢复演练信件"
    restored_file = tmp_path / "new-media" / "documents" / "演练附件.txt"
    assert restored_file.read_text() == "附件内容"

    # The database is not empty now: a second restore needs --force.
    with pytest.raises(CommandError, match="not empty"):
        _restore(backup, "--database", drill)
    # With another key in the environment, the restore warns.
    settings.INTERACTION_DATA_KEY = OTHER_KEY
    _out, err = _restore(backup, "--database", drill, "--force")
    assert "INTERACTION_DATA_KEY is not the key" in err
    assert GovSite.objects.using(drill).filter(code=site.code).count() == 1


def test_backup_never_holds_the_personal_data_key(media, tmp_path):
    _content()
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())
    manifest = (backup / MANIFEST).read_text()
    assert "data_key_fingerprint" in manifest
    pg_restore = find_tool("pg_restore", server_major=connection.pg_version // 10000)
    sql = subprocess.run(
        [str(pg_restore), "--file=-", str(backup / DATABASE_FILE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "13900001111" not in sql  # stored encrypted
    for text in (manifest, sql):
        assert KEY not in text


def test_restore_refuses_a_damaged_backup_before_touching_anything(
    media, fresh_database, tmp_path
):
    _content()
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())
    dump = Path(backup / DATABASE_FILE)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(CommandError) as error:
        _restore(backup, "--database", fresh_database)
    assert str(error.value) == (
        "backup damaged: database.dump does not match its checksum"
    )
    with connections[fresh_database].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0


def test_restore_refuses_a_database_that_is_not_empty(media, tmp_path):
    _content()
    backup = tmp_path / "backup"
    call_command("backup", str(backup), stdout=StringIO())
    with pytest.raises(CommandError, match="not empty"):
        _restore(backup)


def test_backup_refuses_an_existing_folder(media, tmp_path):
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(tmp_path), stdout=StringIO())
