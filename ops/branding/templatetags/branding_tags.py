from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@register.simple_tag
def platform_name() -> str:
    return str(settings.PLATFORM_NAME)


@register.simple_tag
def platform_logo_url() -> str:
    """PLATFORM_LOGO as a URL: kept as it is when absolute, else a static path."""
    logo = settings.PLATFORM_LOGO
    if logo.startswith(("http://", "https://", "/")):
        return logo
    return static(logo or "branding/platform-mark.svg")
