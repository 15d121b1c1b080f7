"""The dashboard's count of items other sites sent (推送信息) and not dealt with."""

from __future__ import annotations

from wagtail.admin.ui.components import Component


class InboxPanel(Component):
    name = "syndication_inbox"
    template_name = "syndication/admin/inbox_panel.html"
    order = 60

    def __init__(self, *, count: int) -> None:
        self.count = count

    def get_context_data(self, parent_context):
        return {"count": self.count}
