"""What the platform knows of a signed-in person (name, mobile number, e-mail), for
public forms to fill in. The accounts package registers where it comes from, so
that the packages below it (interaction) never import it."""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[object], dict[str, str]]] = []


def register(provider: Callable[[object], dict[str, str]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def known_details(user) -> dict[str, str]:
    """``{"name": ..., "phone": ..., "email": ...}`` (only what is known) of
    ``user``; empty for anonymous visitors."""
    if user is None or not user.is_authenticated:
        return {}
    details: dict[str, str] = {}
    for provider in _providers:
        details.update({k: v for k, v in provider(user).items() if v})
    return details
