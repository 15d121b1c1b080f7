"""Static names before and after collectstatic (ops/static.py): runserver on a
fresh clone serves pages before anything was collected, production stays strict."""

import json

import pytest

from ops.static import FirstRunStaticFilesStorage


def _storage(tmp_path):
    return FirstRunStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_before_collectstatic_a_page_gets_the_plain_names(tmp_path):
    assert _storage(tmp_path).url("themes/base/base.css") == (
        "/static/themes/base/base.css"
    )


def test_after_collectstatic_the_manifest_names_the_files(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps(
            {
                "version": "1.1",
                "paths": {"themes/base/base.css": "themes/base/base.0123abcd.css"},
            }
        )
    )
    storage = _storage(tmp_path)
    assert storage.url("themes/base/base.css") == (
        "/static/themes/base/base.0123abcd.css"
    )
    # A file the manifest does not name is an error, as in production.
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("themes/base/never-collected.css")
