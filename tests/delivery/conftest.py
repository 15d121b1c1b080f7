import pytest


@pytest.fixture
def static_root(settings, tmp_path, db):
    """A static tree of the test's own, written at once (no delays), and an empty
    queue (provisioning the shared sites queued their whole-site rows)."""
    from django_tasks_db.models import DBTaskResult

    from delivery.models import PendingPublish

    PendingPublish.objects.all().delete()
    DBTaskResult.objects.all().delete()
    settings.DELIVERY_STATIC_ROOT = tmp_path / "public"
    settings.DELIVERY_PAGE_DELAY = 0
    settings.DELIVERY_LIST_DELAY = 0
    return tmp_path / "public"


@pytest.fixture
def renders(monkeypatch):
    """Every address rendered for the static tree, in order (host, path)."""
    from delivery import rendering

    seen = []
    real = rendering.render

    def spy(host, path):
        seen.append((host, path))
        return real(host, path)

    monkeypatch.setattr(rendering, "render", spy)
    return seen
