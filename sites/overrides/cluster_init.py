"""Building a page (or any clusterable model) from a database row without
modelcluster's scan of its fields.

``modelcluster.models.ClusterableModel.__init__`` lists the model's child
relations and parental many-to-many fields (two walks over ``_meta.get_fields()``)
on every instance, to pick child lists out of the keyword arguments. A row read
from the database (``Model.from_db``) passes its values by position, no keyword
at all, and those lists are then thrown away: about 0.06 ms a page instance, a
tenth of an uncached article's CPU and more on a list of 20 pages (every item is
a ``Page`` and its specific row). The replacement skips the walks when there is
no keyword argument and calls modelcluster's own ``__init__`` otherwise, so
``Page(title=…, tags=…)`` and child lists passed by keyword behave as before.

No hook exists (``__init__`` of a base class every page type inherits through
Wagtail's ``Page``). ``tests/overrides/test_cluster_init.py`` pins the
behaviour it keeps.
"""

from __future__ import annotations

import inspect

from modelcluster.models import ClusterableModel

ORIGINALS: dict = {}


def _init(self, *args, **kwargs):
    if kwargs:
        ORIGINALS["__init__"](self, *args, **kwargs)
    else:
        # What modelcluster's ``__init__`` does when no child list is passed.
        super(ClusterableModel, self).__init__(*args)


def install() -> None:
    if not ORIGINALS:
        ORIGINALS["__init__"] = inspect.getattr_static(ClusterableModel, "__init__")
    ClusterableModel.__init__ = _init


def uninstall() -> None:
    ClusterableModel.__init__ = ORIGINALS["__init__"]
