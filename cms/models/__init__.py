"""The content models of a government site (page types and publishing registries)."""

from .content import (
    ArticlePage,
    ArticlePageTag,
    ConsultationPage,
    ContentPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from .registries import Counter, NormativeRegistration
from .site_pages import ColumnKind, ColumnPage, HomePage, ListLayout
from .site_settings import PublishingSettings

__all__ = [
    "ArticlePage",
    "ArticlePageTag",
    "ColumnKind",
    "ColumnPage",
    "ConsultationPage",
    "ContentPage",
    "Counter",
    "HomePage",
    "InterpretationPage",
    "ListLayout",
    "NormativeRegistration",
    "PolicyDocumentPage",
    "PublishingSettings",
]
