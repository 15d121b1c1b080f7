"""Choice lists of government content."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Validity(models.TextChoices):
    IN_FORCE = "in_force", pgettext_lazy("validity", "In force")
    AMENDED = "amended", pgettext_lazy("validity", "Amended")
    REPEALED = "repealed", pgettext_lazy("validity", "Repealed")
    EXPIRED = "expired", pgettext_lazy("validity", "Expired")


class SubjectCategory(models.TextChoices):
    """主题分类 of the government information disclosure catalogue."""

    GENERAL = "general", _("General government affairs")
    ECONOMY = "economy", _("Economic management and state assets")
    FINANCE = "finance", _("Finance, banking and audit")
    LAND = "land", _("Land resources and energy")
    AGRICULTURE = "agriculture", _("Agriculture, forestry and water")
    INDUSTRY = "industry", _("Industry and transport")
    COMMERCE = "commerce", _("Commerce, customs and tourism")
    MARKET = "market", _("Market regulation and work safety")
    CONSTRUCTION = "construction", _("Urban and rural construction, environment")
    SCIENCE = "science", _("Science and education")
    CULTURE = "culture", _("Culture, broadcasting and press")
    HEALTH = "health", _("Health and sports")
    POPULATION = "population", _("Population, women and children")
    LABOUR = "labour", _("Labour, personnel and supervision")
    SECURITY = "security", _("Public security and justice")
    CIVIL = "civil", _("Civil affairs, poverty relief and disaster relief")
    ETHNIC = "ethnic", _("Ethnic and religious affairs")
    FOREIGN = "foreign", _("Foreign affairs")
    OTHER = "other", pgettext_lazy("subject category", "Other")


class InterpretationForm(models.TextChoices):
    TEXT = "text", pgettext_lazy("interpretation form", "Text")
    GRAPHIC = "graphic", _("Graphic")
    VIDEO = "video", _("Video")
    INTERVIEW = "interview", _("Interview")


class ConsultationKind(models.TextChoices):
    """The kind of draft decides the legal minimum comment period."""

    RULE_DRAFT = "rule_draft", _("Draft local government rule")
    NORMATIVE = "normative", _("Normative document")
    NORMATIVE_BUSINESS = (
        "normative_business",
        _("Normative document closely affecting businesses"),
    )
    OTHER = "other", pgettext_lazy("consultation kind", "Other draft")


class ConsultationState(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", pgettext_lazy("consultation state", "Open")
    CLOSED = "closed", pgettext_lazy("consultation state", "Closed")
    REPORTED = "reported", _("Adoption report published")


class InterpretationRule(models.TextChoices):
    WARN = "warn", _("Warn the editor")
    BLOCK = "block", _("Block publishing")
