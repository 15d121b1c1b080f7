"""Settings of the cases benchmark's server: the platform's own (dev) settings with
one extra URL module holding the baseline form. Used only by bench/cases.py."""

from config.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.cases_urls"
