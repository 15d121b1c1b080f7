from django.apps import AppConfig


class BrandingConfig(AppConfig):
    """The admin wears the platform's name and mark, and links the platform's own
    Chinese editor's guide instead of Wagtail's English one."""

    name = "ops.branding"
    label = "branding"
    verbose_name = "Admin branding"
