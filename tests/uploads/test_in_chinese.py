"""Refusals reach editors in Chinese, the admin's default language."""

import pytest
from django.utils import translation

from tests.conftest import admin_client_for
from tests.uploads import files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():  # overrides the package's English default: this test is Chinese
    with translation.override("zh-hans"):
        yield


def test_a_renamed_program_is_refused_in_chinese(settings, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LANGUAGE_CODE = "zh-hans"
    response = admin_client_for(editor).post(
        "/admin/documents/add/",
        {"title": "报告", "file": SimpleUploadedFile("report.pdf", files.EXE)},
    )
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0]
    assert "“report.pdf”" in message and "Windows" in message
    assert "不是" in message  # “report.pdf”不是 PDF 文件：其内容是 Windows 程序……
