"""Reminders on the admin dashboard: online sites whose registry lacks a filing
number (ICP备案号, 公安机关备案号), which the footer must show."""

from __future__ import annotations

from wagtail.admin.ui.components import Component


class MissingFilingNumbersPanel(Component):
    name = "govsites_missing_filing_numbers"
    template_name = "sites/admin/missing_filing_numbers_panel.html"
    order = 50

    def __init__(self, *, sites, total: int, can_edit: bool) -> None:
        self.sites = sites
        self.total = total
        self.can_edit = can_edit

    def get_context_data(self, parent_context):
        return {
            "sites": self.sites,
            "more": self.total - len(self.sites),
            "can_edit": self.can_edit,
        }
