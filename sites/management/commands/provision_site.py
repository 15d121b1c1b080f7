import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.models import SiteLevel
from sites.services import SiteDetails, site_provision


def site_as_dict(site) -> dict:
    return {
        "code": site.code,
        "name": site.name,
        "level": site.level,
        "parent_code": site.parent.code if site.parent_id else None,
        "host": site.host,
        "port": site.wagtail_site.port,
        "status": site.status,
        "theme": site.theme,
        "aliases": sorted(h.hostname for h in site.hosts.all() if not h.is_primary),
    }


def one_line(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class Command(BaseCommand):
    help = "Provision a new government site in one step and print it as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="site code (网站标识码)")
        parser.add_argument("--name", required=True)
        parser.add_argument("--level", required=True, choices=SiteLevel.values)
        parser.add_argument("--host", required=True, help="primary host name")
        parser.add_argument("--division-code", required=True)
        parser.add_argument("--parent", dest="parent_code", help="parent site code")
        parser.add_argument("--short-name", default="")
        parser.add_argument("--alias", dest="aliases", action="append", default=[])
        parser.add_argument("--theme", default="")
        parser.add_argument("--port", type=int)
        for name in (
            "organiser",
            "operator",
            "contact-address",
            "contact-phone",
            "contact-email",
            "icp-number",
            "public-security-number",
        ):
            parser.add_argument(f"--{name}", default="")

    def handle(self, *args, **options):
        details = SiteDetails(
            code=options["code"],
            name=options["name"],
            level=options["level"],
            host=options["host"].lower(),
            division_code=options["division_code"],
            parent_code=options["parent_code"],
            short_name=options["short_name"],
            aliases=tuple(a.lower() for a in options["aliases"]),
            theme=options["theme"],
            organiser=options["organiser"],
            operator=options["operator"],
            contact_address=options["contact_address"],
            contact_phone=options["contact_phone"],
            contact_email=options["contact_email"],
            icp_number=options["icp_number"],
            public_security_number=options["public_security_number"],
        )
        try:
            site = site_provision(details=details, port=options["port"])
        except ValidationError as error:
            raise CommandError(one_line(error)) from None
        self.stdout.write(json.dumps(site_as_dict(site), ensure_ascii=False))
