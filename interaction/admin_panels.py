from wagtail.admin.ui.components import Component


class DeadlinePanel(Component):
    """Dashboard: the user's sites' overdue, nearly overdue and open cases."""

    name = "interaction_deadlines"
    order = 90
    template_name = "interaction/admin/deadline_panel.html"

    def __init__(self, *, counts) -> None:
        self.counts = counts

    def get_context_data(self, parent_context):
        return {"counts": self.counts}
