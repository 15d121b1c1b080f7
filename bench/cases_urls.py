"""The platform's URLs, plus the benchmark's baseline: a plain Django form that
validates two fields and saves one row (no captcha, no idempotency, no
encryption, no sequence), through the same middleware."""

from django import forms
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as platform_urlpatterns

TABLE = "bench_plain_row"


class PlainForm(forms.Form):
    title = forms.CharField(max_length=100)
    content = forms.CharField(max_length=5000)


def _save(request):
    form = PlainForm(request.POST)
    if not form.is_valid():
        return HttpResponse("invalid", status=400)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (title, content) VALUES (%s, %s) RETURNING id",  # noqa: S608
            [form.cleaned_data["title"], form.cleaned_data["content"]],
        )
        row_id = cursor.fetchone()[0]
    return HttpResponse(f"saved {row_id}")


def plain_form(request):
    if request.method == "POST":
        return _save(request)
    token = get_token(request)
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        f'value="{token}"><input name="title"><textarea name="content"></textarea>'
        "</form>"
    )


plain_post = csrf_exempt(_save)

urlpatterns = [
    path("bench/plain-form/", plain_form),
    path("bench/plain-post/", plain_post),
    *platform_urlpatterns,
]
