from django.views.generic import TemplateView


class EditorGuideView(TemplateView):
    """The platform's editor's guide (编辑指南), in Chinese, inside the admin."""

    template_name = "branding/guide.html"
