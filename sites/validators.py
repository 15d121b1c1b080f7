import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SITE_CODE_RE = re.compile(r"^(?:\d{10}|bm\d{8})$")
DIVISION_CODE_RE = re.compile(r"^\d{6}$")
# One or more DNS labels, lower case; no port, no scheme, no trailing dot.
HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def validate_site_code(value: str) -> None:
    if not SITE_CODE_RE.match(value or ""):
        raise ValidationError(
            _(
                "Site code %(value)s is malformed: use 10 digits (division code "
                "and a 4-digit sequence) or bm followed by 8 digits."
            ),
            code="invalid_site_code",
            params={"value": value},
        )


def validate_division_code(value: str) -> None:
    if not DIVISION_CODE_RE.match(value or ""):
        raise ValidationError(
            _("Division code %(value)s is malformed: use 6 digits."),
            code="invalid_division_code",
            params={"value": value},
        )


def validate_hostname(value: str) -> None:
    if not HOSTNAME_RE.match(value or ""):
        raise ValidationError(
            _(
                "Host %(value)s is malformed: use a lower-case domain name such as "
                "www.example.gov.cn, without http:// or a port."
            ),
            code="invalid_host",
            params={"value": value},
        )
