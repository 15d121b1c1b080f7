import pytest

from core.workdays import services


@pytest.fixture(autouse=True)
def fresh_calendar_warnings(monkeypatch):
    """The once-per-process warning memory (and the years found confirmed) starts
    empty in every test."""
    monkeypatch.setattr(services, "_warned_years", set())
    monkeypatch.setattr(services, "_confirmed_years", set())
