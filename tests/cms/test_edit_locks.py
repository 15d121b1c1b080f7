"""A page's saves take turns (cms/edit_locks.py): the lock one request holds is
refused to another connection until it is released; other pages are free."""

import threading

import pytest
from django.db import connection

from cms.edit_locks import LOCK_SPACE, hold_page_edit_lock

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _try_from_another_connection(page_id: int) -> bool:
    result = []

    def attempt():
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, page_id]
                )
                got = cursor.fetchone()[0]
                if got:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, page_id]
                    )
                result.append(got)
        finally:
            connection.close()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    return result[0]


def test_a_pages_edit_lock_is_held_until_released():
    release = hold_page_edit_lock(7)
    assert release is not None
    try:
        assert _try_from_another_connection(7) is False
        assert _try_from_another_connection(8) is True
    finally:
        release()
    assert _try_from_another_connection(7) is True
