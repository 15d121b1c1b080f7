"""Demo content: Liaoning's province portal, its 14 cities, some counties and
department sites, with one admin, editor and reviewer each, every home page set up
with headlines, news, notices and service entrances. Idempotent.

Run with the ``SITE_PORT`` the demo is served on (``make demo`` passes its PORT):
the demo sites' addresses follow it, also when the demo moves to another port."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Site

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.staff.models import StaffRole, StaffRoleAssignment
from accounts.staff.services import mfa_enrol_for_demo, staff_role_grant
from cms.models import HomePage
from delivery.publishing import platform_publish
from demo.content import seed_home_sections, seed_site_content
from sites import routing
from sites.models import GovSite, SiteRole, SiteStatus
from sites.services import (
    SiteDetails,
    site_member_add,
    site_provision,
    site_status_change,
    site_update,
)

# The demo's three separated administrators (三员分立), one role each.
ROLE_ACCOUNTS = [
    ("sysadmin", StaffRole.SYSTEM_ADMIN),
    ("secadmin", StaffRole.SECURITY_ADMIN),
    ("auditor", StaffRole.AUDIT_ADMIN),
]
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - demo only, printed and documented as such
PLATFORM_ADMIN = "platform-admin"
# The demo citizen (a public account, shared by every site), with a verified mobile
# number from the range used in examples; signs in by name, number or code.
DEMO_CITIZEN = "demo-citizen"
DEMO_CITIZEN_PHONE = "13800138000"
# Demo staff get addresses under example.cn, the domain of the project's examples:
# notification mail to them shows what staff receive (`make demo` prints mail to
# the console; nothing is sent).
DEMO_MAIL_DOMAIN = "example.cn"

PROVINCE = ("2100000001", "辽宁省人民政府", "辽宁", "ln", "210000")
# The province's one-character abbreviation, which starts its filing numbers.
PROVINCE_ABBREVIATION = "辽"
CITIES = [
    ("沈阳", "shenyang", "210100"),
    ("大连", "dalian", "210200"),
    ("鞍山", "anshan", "210300"),
    ("抚顺", "fushun", "210400"),
    ("本溪", "benxi", "210500"),
    ("丹东", "dandong", "210600"),
    ("锦州", "jinzhou", "210700"),
    ("营口", "yingkou", "210800"),
    ("阜新", "fuxin", "210900"),
    ("辽阳", "liaoyang", "211000"),
    ("盘锦", "panjin", "211100"),
    ("铁岭", "tieling", "211200"),
    ("朝阳", "chaoyang", "211300"),
    ("葫芦岛", "huludao", "211400"),
]
COUNTIES = {
    "shenyang": [
        ("和平区", "heping", "210102"),
        ("沈河区", "shenhe", "210103"),
        ("浑南区", "hunnan", "210112"),
        ("康平县", "kangping", "210123"),
        ("新民市", "xinmin", "210181"),
    ],
    "dalian": [
        ("中山区", "zhongshan", "210202"),
        ("甘井子区", "ganjingzi", "210211"),
        ("金州区", "jinzhou", "210213"),
        ("瓦房店市", "wafangdian", "210281"),
        ("庄河市", "zhuanghe", "210283"),
    ],
}
DEPARTMENTS = [
    # parent code, code, name, host prefix
    ("2100000001", "2100000002", "辽宁省司法厅", "sft"),
    ("2100000001", "2100000003", "辽宁省发展和改革委员会", "fgw"),
    ("2100000001", "2100000004", "辽宁省营商环境建设局", "yshj"),
    ("2101000001", "2101000002", "沈阳市司法局", "sfj"),
    ("2102000001", "2102000002", "大连市营商环境建设局", "yshj"),
]

# Sites that get every page type (the others get a few news items).
FULL_CONTENT = {"2100000001", "2101000001", "2101020001", "2100000002"}

INTRO = (
    "<p>{name}深入推进“放管服”改革，按照“一次认证、全网通办”的要求，"
    "依托全省一体化在线政务服务平台，推动政务服务事项网上可办、“最多跑一次”。"
    "本网站是{name}依法公开政府信息、发布政策文件及其解读、回应群众关切、"
    "征集社会意见的主渠道。</p>"
)


def seed_demo_citizen() -> None:
    """The demo citizen, registered as a person would be (consent recorded, the
    mobile number verified and encrypted); idempotent."""
    if account_selectors.account_for_identifier(DEMO_CITIZEN) is not None:
        return
    account = account_services.account_register(
        channel="phone", address=DEMO_CITIZEN_PHONE, username=DEMO_CITIZEN
    )
    account.name = "演示市民"
    account.email = account.user.email = demo_email(DEMO_CITIZEN)
    account.email_verified_at = account.phone_verified_at
    account.save(update_fields=["name", "email", "email_verified_at"])
    account.user.set_password(DEMO_PASSWORD)
    account.user.save(update_fields=["password", "email"])


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_MAIL_DOMAIN}"


def demo_filing_numbers(code: str, division_code: str) -> dict[str, str]:
    """Realistic (made-up) filing numbers for a demo site, as its footer shows
    them: ICP备案号 like 辽ICP备21010001号-1 and 公安机关备案号 like
    辽公网安备 21010002000001号 (the filing police's division code, 8 digits)."""
    abbr = PROVINCE_ABBREVIATION
    return {
        "icp_number": f"{abbr}ICP备{code[:6]}{code[-2:]}号-1",
        "public_security_number": f"{abbr}公网安备 {division_code}02{code[-6:]}号",
    }


def launch(site: GovSite) -> None:
    """Fill a demo site's missing filing numbers and put it online, as a
    platform admin does once the site is built (sites seeded before the numbers
    get them too)."""
    numbers = demo_filing_numbers(site.code, site.division_code)
    missing = {
        name: value for name, value in numbers.items() if not getattr(site, name)
    }
    if missing:
        site_update(site=site, **missing)
    if site.status == SiteStatus.PREPARATION:
        site_status_change(site=site, status=SiteStatus.ACTIVE)


class Command(BaseCommand):
    help = "Create the Liaoning demo sites and their demo accounts (idempotent)."

    def handle(self, *args, **options):
        user_model = get_user_model()
        admin, created = user_model.objects.get_or_create(
            username=PLATFORM_ADMIN,
            defaults={
                "is_superuser": True,
                "is_staff": True,
                "email": demo_email(PLATFORM_ADMIN),
            },
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        elif admin.email in ("", "admin@localhost"):  # seeded before the addresses
            admin.email = demo_email(PLATFORM_ADMIN)
            admin.save(update_fields=["email"])

        province_code, name, short, host, division = PROVINCE
        specs = [
            SiteDetails(
                code=province_code,
                name=name,
                short_name=short,
                level="province",
                host=f"{host}.localhost",
                division_code=division,
                aliases=(f"www.{host}.localhost",),
                organiser=name,
                operator="辽宁省人民政府办公厅",
            ),
        ]
        for city, slug, division in CITIES:
            city_name = f"{city}市人民政府"
            specs.append(
                SiteDetails(
                    code=f"{division}0001",
                    name=city_name,
                    short_name=f"{city}市",
                    level="city",
                    host=f"{slug}.localhost",
                    division_code=division,
                    parent_code=province_code,
                    organiser=city_name,
                    operator=f"{city}市人民政府办公室",
                )
            )
            for county, county_slug, county_division in COUNTIES.get(slug, ()):
                county_name = f"{city}市{county}人民政府"
                specs.append(
                    SiteDetails(
                        code=f"{county_division}0001",
                        name=county_name,
                        short_name=county,
                        level="county",
                        host=f"{county_slug}.{slug}.localhost",
                        division_code=county_division,
                        parent_code=f"{division}0001",
                        organiser=county_name,
                    )
                )
        hosts = {spec.code: spec.host for spec in specs}
        for parent_code, code, dept_name, prefix in DEPARTMENTS:
            specs.append(
                SiteDetails(
                    code=code,
                    name=dept_name,
                    level="department",
                    host=f"{prefix}.{hosts[parent_code]}",
                    division_code=code[:6],
                    parent_code=parent_code,
                    organiser=dept_name,
                )
            )

        existing = set(GovSite.objects.values_list("code", flat=True))
        made = 0
        for spec in specs:
            if spec.code in existing:
                continue
            with transaction.atomic():
                site = site_provision(details=spec)
                home = HomePage.objects.get(pk=site.wagtail_site.root_page_id)
                home.intro = INTRO.format(name=spec.name)
                home.save_revision().publish()
                for role in SiteRole:
                    username = f"{site.code}-{role.value}"
                    site_member_add(
                        site=site,
                        actor=admin,
                        username=username,
                        role=role,
                        password=DEMO_PASSWORD,
                    )
            made += 1
            self.stdout.write(
                f"  {spec.code} {spec.name} {site.wagtail_site.root_url}/"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{made} demo sites created, {len(specs) - made} already present."
            )
        )
        demo_sites = GovSite.objects.filter(code__in=[spec.code for spec in specs])
        for site in demo_sites:
            launch(site)
        # Staff accounts seeded without an address (also by earlier versions).
        for site in demo_sites:
            for role in SiteRole:
                username = f"{site.code}-{role.value}"
                user_model.objects.filter(username=username, email="").update(
                    email=demo_email(username)
                )
        # The demo served on another port than it was seeded for: its sites move
        # along, so links between them and in notifications carry the new port.
        moved = Site.objects.filter(
            pk__in=demo_sites.values("wagtail_site_id")
        ).exclude(port=settings.SITE_PORT)
        for wagtail_site in moved:
            wagtail_site.port = settings.SITE_PORT
            wagtail_site.save(update_fields=["port"])  # clears Wagtail's own cache
        routing.invalidate()
        pages = 0
        for site in demo_sites:
            with transaction.atomic():
                pages += seed_site_content(site, full=site.code in FULL_CONTENT)
                seed_home_sections(site)
        self.stdout.write(self.style.SUCCESS(f"{pages} demo pages published."))
        self._seed_staff_security(admin, demo_sites)
        seed_demo_citizen()
        # Every public page as a file (静态化): `publish_static check` is clean.
        written = sum(len(r.written) for r in platform_publish().values())
        self.stdout.write(f"{written} files written to the static tree.")
        self.stdout.write(
            f"Demo accounts (demo only!): {PLATFORM_ADMIN}, and <site code>-admin, "
            f"-editor, -reviewer for every site; password: {DEMO_PASSWORD}"
        )
        self.stdout.write(
            f"Demo citizen (public account, every site): {DEMO_CITIZEN} or "
            f"{DEMO_CITIZEN_PHONE}; password: {DEMO_PASSWORD}"
        )
        self.stdout.write(
            "Administrator roles: "
            + ", ".join(f"{name} ({role.label})" for name, role in ROLE_ACCOUNTS)
            + "; every staff account has a second factor: "
            "`python manage.py demo_otp USERNAME` prints its current code."
        )

    def _seed_staff_security(self, admin, demo_sites):
        """The three administrator roles, and a second factor for every demo
        staff account (its codes from ``demo_otp``)."""
        user_model = get_user_model()
        for username, role in ROLE_ACCOUNTS:
            user, created = user_model.objects.get_or_create(
                username=username, defaults={"email": demo_email(username)}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if not StaffRoleAssignment.objects.filter(user=user).exists():
                staff_role_grant(actor=admin, user=user, role=role)
        names = [PLATFORM_ADMIN, *(name for name, _role in ROLE_ACCOUNTS)]
        names += [
            f"{site.code}-{role.value}" for site in demo_sites for role in SiteRole
        ]
        for user in user_model.objects.filter(username__in=names):
            mfa_enrol_for_demo(user=user)
