"""Excel workbooks of supervision's tables (openpyxl): the annual report of a site,
the roll-up of a level, the statistics; answered as a download."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .annual_report import (
    MANUAL_FIELDS,
    NUMBERS,
    disclosure_tables,
    manual_display,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters Excel refuses in a sheet's title.
_BAD_TITLE = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def sheet_title(text: str) -> str:
    return str(text).translate(_BAD_TITLE)[:31]


def _widen(sheet, widths) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_response(book: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def annual_report_workbook(*, figures: dict, manual: dict) -> Workbook:
    """A site's 政府网站年度报表 in the template's order (one sheet), and the
    政府信息公开工作年度报告's tables the platform fills (another sheet)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(f"{figures['year']}年政府网站年度报表")
    sheet.append(["项目", "内容"])
    for label, key in (
        ("网站名称", "site_name"),
        ("首页网址", "home_url"),
        ("主办单位", "organiser"),
        ("政府网站标识码", "site_code"),
        ("ICP备案号", "icp_number"),
        ("公安机关备案号", "public_security_number"),
    ):
        sheet.append([label, figures.get(key, "")])
    numbers = figures.get("numbers", {})
    for key, label in NUMBERS:
        sheet.append([label, numbers.get(key, 0)])
    for key, label, kind in MANUAL_FIELDS:
        value = manual.get(key)
        sheet.append(
            [label, value if kind == "number" else manual_display(manual, key, kind)]
        )
    _widen(sheet, (36, 48))

    sheet = book.create_sheet(sheet_title("政府信息公开年度报告数据"))
    for table in disclosure_tables(figures.get("disclosure", {})):
        sheet.append([table["title"]])
        sheet.append(table["headings"])
        for row in table["rows"]:
            sheet.append(row)
        sheet.append([])
    _widen(sheet, (36, 16, 16, 16, 20, 20))
    return book


def _sites(count: int) -> str:
    return ngettext("%(count)d site", "%(count)d sites", count) % {"count": count}


def rollup_workbook(*, site, year: int, rollup: dict) -> Workbook:
    """The roll-up of ``site``'s level for ``year``: one row per site below it
    (blank figures where no report was generated), subtotals per level, total."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(f"{year}年度报表汇总")
    labels = [label for _key, label in NUMBERS]
    keys = [key for key, _label in NUMBERS]
    sheet.append([_("Site"), _("Site code"), _("Site level"), *labels])
    for row in rollup["rows"]:
        each = row["site"]
        numbers = row["numbers"]
        sheet.append(
            [
                each.name,
                each.code,
                each.get_level_display(),
                *(
                    (numbers.get(key, 0) for key in keys)
                    if numbers is not None
                    else [_("not generated")] + [None] * (len(keys) - 1)
                ),
            ]
        )
    sheet.append([])
    for level in rollup["levels"]:
        sheet.append(
            [
                _("Subtotal: %(level)s") % {"level": level["level"]},
                "",
                _sites(level["sites"]),
                *(level[key] for key in keys),
            ]
        )
    sheet.append(
        [
            _("Total"),
            site.code,
            _sites(rollup["generated"]),
            *(rollup["total"][key] for key in keys),
        ]
    )
    _widen(sheet, (30, 14, 12, *([14] * len(keys))))
    return book
