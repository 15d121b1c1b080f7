"""A query by primary key compiled once per process.

Compiling a queryset to SQL costs more CPU than PostgreSQL spends answering a
look-up by primary key: about 1.5 ms for a page with each content type's row
joined (``select_related`` of four child tables), on every uncached public
page. ``ByPk`` compiles its queryset once (lazily, on first use) and then only
executes the kept SQL with the new id, building the instances as Django's
``ModelIterable`` does (the same converters, the same related populators), so
a request reads the same objects a ``.filter(pk=...).first()`` gives.

It keeps SQL text and Django's compiled column maps, never rows or instances:
every call reads the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

_SENTINEL = -2_000_000_001


class ByPk:
    """``make(pk)`` is a queryset filtered on ``pk`` and nothing that varies
    (joins, ``select_related`` and fixed filters may be added);
    ``ByPk(make).get(pk)`` is ``make(pk).first()`` without compiling it again;
    with ``many``, ``ByPk(make, many=True).all(pk)`` is ``list(make(pk))``."""

    def __init__(self, make: Callable[[int], QuerySet], *, many: bool = False) -> None:
        self.make = make
        self.many = many
        self._compiled = None
        self._lock = threading.Lock()

    def _compile(self):
        queryset = self.make(_SENTINEL)
        if not self.many:
            queryset = queryset[:1]
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        # Only the id varies: a fixed parameter (a tenant filter django-multitenant
        # adds while a site is current, say) would be kept for every later call.
        if list(params) != [_SENTINEL]:
            raise ValueError("the queryset must take the id as its only parameter")
        at = list(params).index(_SENTINEL)
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return (
            sql,
            tuple(params),
            at,
            compiler,
            compiler.get_converters([column for column, _, _ in select]),
            klass_info["model"],
            start,
            end,
            [column.target.attname for column, _, _ in select[start:end]],
            get_related_populators(klass_info, select, DEFAULT_DB_ALIAS),
        )

    def get(self, pk: int):
        found = self._read(pk, many=False)
        return found[0] if found else None

    def all(self, pk: int) -> list:
        return self._read(pk, many=True)

    def _read(self, pk: int, *, many: bool) -> list:
        if many != self.many:
            raise TypeError("get() reads one row, all() a ByPk made with many=True")
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile()
                compiled = self._compiled
        sql, params, at, compiler, converters, model, start, end, names, related = (
            compiled
        )
        values = list(params)
        values[at] = pk
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        found = []
        for row in rows:
            instance = model.from_db(DEFAULT_DB_ALIAS, names, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            found.append(instance)
        return found


_tags_by_object: dict[type, ByPk] = {}


def prefetch_tags(instance, name: str = "tags") -> None:
    """``prefetch_related_objects([instance], name)`` for a saved instance's
    taggit tags (through a ``TaggedItemBase`` model: ``content_object``, ``tag``),
    with the query compiled once per process: ``instance.<name>.all()`` then
    reads no more. Tags in the through rows' order, each once."""
    manager = getattr(instance, name)
    through = manager.through
    query = _tags_by_object.get(through)
    if query is None:
        query = _tags_by_object.setdefault(
            through,
            ByPk(
                lambda pk: (
                    through.objects.filter(content_object_id=pk)
                    .select_related("tag")
                    .order_by("pk")
                ),
                many=True,
            ),
        )
    tags = list({item.tag_id: item.tag for item in query.all(instance.pk)}.values())
    queryset = through.tag_model()._default_manager.all()
    queryset._result_cache = tags
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.prefetch_cache_name] = queryset
