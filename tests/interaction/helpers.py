import re

_QUESTION = re.compile(r'class="captcha-question"[^>]*>\D*?(\d+)\D+?(\d+)')
_TOKEN = re.compile(r'name="captcha_1" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_fields(html: str) -> dict:
    """The hidden fields of a rendered form, and the captcha solved."""
    fields = {"csrfmiddlewaretoken": _CSRF.search(html).group(1)}
    key = _KEY.search(html)
    if key:
        fields["idempotency_key"] = key.group(1)
    question = _QUESTION.search(html)
    if question:
        fields["captcha_0"] = str(int(question.group(1)) + int(question.group(2)))
        fields["captcha_1"] = _TOKEN.search(html).group(1)
    return fields
