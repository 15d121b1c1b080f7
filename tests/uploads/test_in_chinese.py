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


def test_the_letter_form_refuses_a_pdf_with_a_script_in_chinese(settings, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.interaction.conftest import public_client
    from tests.interaction.helpers import form_fields

    settings.LANGUAGE_CODE = "zh-hans"
    client = public_client(site)
    form = "/interaction/cases/new/?channel=complaints"
    fields = form_fields(client.get(form).content.decode())
    response = client.post(
        form,
        {
            "kind": "complaint",
            "title": "路灯不亮",
            "content": "幸福路的路灯坏了三天。",
            **fields,
            "attachments": [
                SimpleUploadedFile(
                    "证明.pdf", files.PDF_WITH_OPEN_ACTION_SCRIPT, "application/pdf"
                )
            ],
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "“证明.pdf”含有脚本或启动程序的动作（/JavaScript）" in page
