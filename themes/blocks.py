from django.utils.translation import gettext_lazy as _
from wagtail import blocks

QUICK_LINK_ICONS = [
    ("service", _("Government-service platform")),
    ("hotline", _("12345 / 8890 hotline")),
    ("trading", _("Public-resource trading")),
    ("mail", _("Mailbox")),
    ("disclosure", _("Information disclosure")),
    ("link", _("Other platform")),
]


class QuickLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=30)
    url = blocks.URLBlock(label=_("address"))
    icon = blocks.ChoiceBlock(label=_("icon"), choices=QUICK_LINK_ICONS, default="link")

    class Meta:
        icon = "link"
        label = _("Quick link")
