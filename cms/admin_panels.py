"""Reminders on the admin dashboard: closed consultations still owing their
adoption report (意见采纳情况)."""

from __future__ import annotations

from wagtail.admin.ui.components import Component


class AwaitingReportPanel(Component):
    name = "cms_awaiting_adoption_report"
    template_name = "cms/admin/awaiting_report_panel.html"
    order = 60

    def __init__(self, *, consultations) -> None:
        self.consultations = consultations

    def get_context_data(self, parent_context):
        return {"consultations": self.consultations}
