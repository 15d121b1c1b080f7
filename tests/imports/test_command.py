"""``manage.py import_content``: arguments, output and exit status."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Page

from cms.imports.models import ImportedItem
from cms.models import ArticlePage
from sites.tenancy import all_sites, use_site
from tests.imports.conftest import line, news

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def export(tmp_path):
    def write(*lines):
        path = tmp_path / "export.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return str(path)

    return write


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_content", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_then_finds_everything_unchanged(site, export):
    path = export(line(**news("n1")), line(**news("n2", kind="notice")))

    out, err = run("--site", site.code, path)
    assert "Imported: 2, updated: 0, unchanged: 0, rejected: 0." in out
    assert err == ""

    out, _ = run("--site", site.code, path)
    assert "Imported: 0, updated: 0, unchanged: 2, rejected: 0." in out


def test_command_reports_rejected_lines_and_fails(site, export):
    path = export(line(**news("n1")), "not json", line(**news("n3", kind="video")))

    with pytest.raises(CommandError) as raised:
        run("--site", site.code, path)

    assert raised.value.returncode == 1
    assert "Lines rejected: 2." in str(raised.value)
    with use_site(site):
        assert list(ImportedItem.objects.values_list("external_id", flat=True)) == [
            "n1"
        ]


def test_command_prints_line_numbers_and_counts(site, export, capsys):
    path = export(line(**news("n1")), "not json", line(**news("n3", kind="video")))
    from io import StringIO

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_content", "--site", site.code, path, stdout=out, stderr=err
        )

    assert "Imported: 1, updated: 0, unchanged: 0, rejected: 2." in out.getvalue()
    errors = err.getvalue().splitlines()
    assert errors[0].startswith("Line 2 rejected: The line is not valid JSON")
    assert errors[1].startswith('Line 3 rejected: Unknown kind "video"')


def test_command_into_a_named_column(site, export):
    path = export(line(**news("n1")))
    run("--site", site.code, "--column", "bmdt", path)
    page = ArticlePage.objects.descendant_of(site.root_page).get()
    assert page.get_parent().specific.code == "bmdt"


def test_unknown_site_is_an_error_and_imports_nothing(site, export):
    path = export(line(**news("n1")))
    pages = Page.objects.count()

    with pytest.raises(CommandError, match="no site with the code 9999999999"):
        run("--site", "9999999999", path)

    assert Page.objects.count() == pages
    with all_sites():
        assert not ImportedItem.objects.exists()


def test_unknown_column_is_an_error_and_imports_nothing(site, export):
    path = export(line(**news("n1")))

    with pytest.raises(CommandError, match="no column with the code nosuch"):
        run("--site", site.code, "--column", "nosuch", path)

    assert not ArticlePage.objects.descendant_of(site.root_page).exists()


def test_unreadable_file_is_an_error(site, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("--site", site.code, str(tmp_path / "missing.jsonl"))
