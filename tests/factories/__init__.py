from .sites import SiteFactory, UserFactory

__all__ = ["SiteFactory", "UserFactory"]
