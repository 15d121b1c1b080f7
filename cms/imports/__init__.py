"""Bringing old sites' content onto the platform (``manage.py import_content``)."""
