"""The supervision panel of the admin dashboard: the warnings of the user's sites."""

from __future__ import annotations

from wagtail.admin.ui.components import Component


class WarningsPanel(Component):
    name = "supervision_warnings"
    template_name = "supervision/admin/warnings_panel.html"
    order = 40

    def __init__(self, *, counts: dict, warnings: list) -> None:
        self.counts = counts
        self.warnings = warnings

    def get_context_data(self, parent_context):
        return {"counts": self.counts, "warnings": self.warnings}
