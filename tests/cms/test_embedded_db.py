"""The embedded PostgreSQL: clear messages when its data folder cannot be used."""

import pytest

from ops.embedded_db.server import EmbeddedDatabaseError, ensure_running


def test_damaged_data_folder_gives_one_clear_line(tmp_path):
    data = tmp_path / "pgdata"
    data.mkdir()
    (data / "PG_VERSION").write_text("18\n")  # initialised once, its files now gone
    with pytest.raises(EmbeddedDatabaseError) as error:
        ensure_running(data)
    message = str(error.value)
    assert "damaged" in message
    assert str(data) in message
    assert "\n" not in message


def test_folder_that_is_not_a_database_gives_one_clear_line(tmp_path):
    data = tmp_path / "pgdata"
    data.mkdir()
    (data / "notes.txt").write_text("someone else's files")
    with pytest.raises(EmbeddedDatabaseError) as error:
        ensure_running(data)
    message = str(error.value)
    assert "could not start" in message
    assert str(data) in message
    assert "\n" not in message
