"""Masking rules, the swappable cipher, the captcha and the rate-limit cache."""

import base64
import threading

import pytest
from django.core.cache import caches
from django.db import connections

from interaction import crypto
from interaction.masking import (
    mask_email,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    mask_text_with,
)


def test_names_phones_ids_and_emails_are_masked():
    assert mask_name("张三") == "张**"
    assert mask_name("欧阳娜娜") == "欧**"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("210102199001011234") == "2****************4"
    assert mask_email("zhangsan@example.org") == "z***@example.org"


def test_personal_data_typed_inside_text_is_masked():
    text = (
        "张三，手机138 1234 1234，座机024-23456789，身份证21010219900101123X，"
        "邮箱zs@example.org，金额12345元"
    )
    masked = mask_text_with(text, names=["张三"])
    assert masked.startswith("张**")
    for secret in ("1234 1234", "23456789", "21010219900101123X", "zs@example.org"):
        assert secret not in masked
    assert "138****1234" in masked and "024-****6789" in masked
    assert "12345元" in masked  # ordinary numbers stay


@pytest.mark.parametrize(
    ("text", "secret", "masked"),
    [
        ("电话138.1234.5678", "1234.5678", "电话138****5678"),
        ("手机１３８１２３４５６７８。", "１２３４", "手机138****5678。"),
        ("手机１３８－１２３４－５６７８", "１２３４", "手机138****5678"),
        ("座机024 2345 6789", "2345 6789", "座机024-****6789"),
        ("座机（024）23456789", "23456789", "座机024-****6789"),
        ("+86 138 1234 5678", "1234 5678", "138****5678"),
        ("邮箱zhang.san＠example.com", "zhang.san", "邮箱z***@example.com"),
        ("邮箱zs @ example.org", "zs @", "邮箱z***@example.org"),
        (
            "身份证号210102199001011234X先生",
            "210102199001011234",
            "身份证号2****************4X先生",
        ),
        ("证件ID210102199001011234", "210102199001011234", "证件ID2****************4"),
        (
            "身份证２１０１０２１９９００１０１１２３Ｘ",
            "１９９００１０１",
            "身份证2****************X",
        ),
    ],
)
def test_personal_data_written_in_other_forms_is_masked_in_place(text, secret, masked):
    assert secret not in mask_text(text)
    assert mask_text(text) == masked


def test_mask_text_leaves_text_without_personal_data_alone():
    assert mask_text("2026年12月1日上午9点，3号楼") == "2026年12月1日上午9点，3号楼"


@pytest.mark.parametrize(
    "path", ["interaction.crypto.AesGcmCipher", "interaction.crypto.Sm4GcmCipher"]
)
def test_each_cipher_round_trips_and_tags_its_values(settings, path):
    settings.INTERACTION_CIPHER = path
    stored = crypto.encrypt("13812345678")
    assert "13812345678" not in stored
    assert crypto.decrypt(stored) == "13812345678"
    assert crypto.encrypt("13812345678") != stored  # a fresh nonce each time


def test_values_written_under_one_cipher_stay_readable_after_switching(settings):
    settings.INTERACTION_CIPHER = "interaction.crypto.AesGcmCipher"
    aes = crypto.encrypt("210102199001011234")
    settings.INTERACTION_CIPHER = "interaction.crypto.Sm4GcmCipher"
    assert crypto.encrypt("x").startswith("s1:")
    assert crypto.decrypt(aes) == "210102199001011234"


def test_a_wrong_key_or_tampered_value_does_not_decrypt(settings):
    stored = crypto.encrypt("secret")
    settings.INTERACTION_DATA_KEY = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored)
    settings.INTERACTION_DATA_KEY = ""
    tag, body = stored.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{tag}:{base64.b64encode(bytes(raw)).decode()}")


def test_a_malformed_key_stops_with_a_clear_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.INTERACTION_DATA_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured, match="INTERACTION_DATA_KEY"):
        crypto.encrypt("x")


def test_plain_text_strips_markup_and_control_characters():
    from interaction.text import plain_text

    assert plain_text("<b>粗</b><!-- c -->体\u202e\x00") == "粗体"
    assert plain_text("a &amp; b &lt;i&gt;") == "a & b <i>"
    assert plain_text("第一行\r\n第二行") == "第一行\n第二行"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rate_limit_cache_counts_atomically_across_connections():
    cache = caches["ratelimit"]
    assert cache.add("k", 0, 60)
    assert not cache.add("k", 0, 60)
    barrier = threading.Barrier(8)

    def bump():
        barrier.wait()
        for _ in range(25):
            cache.incr("k")
        connections.close_all()

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("k") == 200
    with pytest.raises(ValueError):
        cache.incr("missing")


@pytest.mark.django_db
def test_an_expired_counter_starts_again():
    cache = caches["ratelimit"]
    cache.set("old", 99, 60)
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "UPDATE interaction_ratecounter SET expires = now() - interval '1 second'"
        )
    assert cache.get("old") is None
    assert cache.add("old", 1, 60)
    assert cache.get("old") == 1


def test_the_default_cache_configuration_passes_django_ratelimit_checks(settings):
    from django_ratelimit.checks import check_caches

    errors = [e for e in check_caches(None) if e.level >= 40]
    assert errors == []
    assert settings.CACHES["ratelimit"]["BACKEND"].endswith("AtomicCounterCache")


@pytest.mark.django_db
def test_counters_expire_after_their_timeout():
    from django.utils import timezone

    cache = caches["ratelimit"]
    cache.add("short", 1, 60)
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM interaction_ratecounter WHERE key LIKE '%short'"
        )
        (expires,) = cursor.fetchone()
    left = (expires - timezone.now()).total_seconds()
    assert 50 < left <= 60
