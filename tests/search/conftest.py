import pytest

from tests.tasks import run_queued_tasks


@pytest.fixture
def index():
    """Run the queued index updates (as the worker would)."""

    def run():
        return run_queued_tasks()

    return run
