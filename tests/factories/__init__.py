from .content import (
    ArticleFactory,
    ConsultationFactory,
    InterpretationFactory,
    PolicyDocumentFactory,
    column,
)
from .sites import SiteFactory, UserFactory

__all__ = [
    "ArticleFactory",
    "ConsultationFactory",
    "InterpretationFactory",
    "PolicyDocumentFactory",
    "SiteFactory",
    "UserFactory",
    "column",
]
