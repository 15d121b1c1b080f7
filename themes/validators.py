from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .colours import HEX, contrast


def validate_primary_colour(value: str) -> None:
    if not HEX.match(value):
        raise ValidationError(
            _("Write the colour as # and six hexadecimal digits, e.g. #b3131b."),
            code="format",
        )
    ratio = contrast(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "White text on %(colour)s has a contrast of %(ratio).1f:1; "
                "accessibility (WCAG 2.1 AA) needs at least 4.5:1. Choose a "
                "darker colour."
            ),
            code="contrast",
            params={"colour": value, "ratio": ratio},
        )
