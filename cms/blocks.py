"""StreamField blocks of government content pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# Rich text in a government article: no embeds, no raw HTML, no colours.
BODY_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=200,
        help_text=_(
            "Describe the image for people who cannot see it (required for "
            "accessibility)."
        ),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image_block.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Attachment")
        template = "cms/blocks/attachment_block.html"


class VideoLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("video address"))
    title = blocks.CharBlock(label=_("title"), max_length=200)

    class Meta:
        icon = "media"
        label = _("Video link")
        template = "cms/blocks/video_block.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=BODY_FEATURES, label=_("Paragraph"))
    heading = blocks.CharBlock(max_length=120, icon="title", label=_("Heading"))
    image = ImageBlock()
    table = TableBlock(label=_("Table"))
    attachment = AttachmentBlock()
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
    video = VideoLinkBlock()


class AttachmentListBlock(blocks.StreamBlock):
    attachment = AttachmentBlock()


class HeadlinesBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=40)
    column = blocks.PageChooserBlock(
        page_type="cms.ColumnPage",
        label=_("column"),
        required=False,
        help_text=_("Empty: the newest items of the whole site."),
    )
    count = blocks.IntegerBlock(label=_("number of items"), min_value=1, max_value=20)

    class Meta:
        icon = "pick"
        label = _("Headlines")


class ColumnSectionBlock(blocks.StructBlock):
    column = blocks.PageChooserBlock(page_type="cms.ColumnPage", label=_("column"))
    count = blocks.IntegerBlock(label=_("number of items"), min_value=1, max_value=20)

    class Meta:
        icon = "list-ul"
        label = _("Column block")


class EntranceBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=40)
    url = blocks.URLBlock(label=_("address"))
    icon = blocks.ChoiceBlock(
        label=_("icon"),
        choices=[
            ("service", _("Government services")),
            ("hotline", _("Hotline 12345")),
            ("trading", _("Public resource trading")),
            ("disclosure", _("Information disclosure")),
            ("mail", _("Mailbox")),
            ("link", _("Other")),
        ],
        default="link",
    )


class EntrancesBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=40)
    entrances = blocks.ListBlock(EntranceBlock(), label=_("entrances"))

    class Meta:
        icon = "link"
        label = _("Service entrances")


class HomeSectionBlock(blocks.StreamBlock):
    headlines = HeadlinesBlock()
    column = ColumnSectionBlock()
    entrances = EntrancesBlock()
