"""Reader queries compiled once per process: each request binds its values to SQL built before.

Building and compiling a queryset costs a reader's page far more CPU than the database takes to
answer it: 2.5 ms against 0.1 ms for a story page's main query on SQLite (issue #17). A
prepared query is written as usual, with the ORM and the querysets' publication rule, as a
function of its values. It is built and compiled once per process, database and list length,
with stand-in values, and each call puts its own values where the stand-ins were::

    STORY = PreparedQuery(lambda pk: Article.objects.published().filter(pk=pk), pk=int)
    STORY.fetch(pk=7)   # a list of Article, prefetches done

The publication rule's clock is a value too: while a prepared query is built, ``now()`` gives a
stand-in, and each call binds the time of the call. A query whose SQL depends on its values (a
value tested for None, or changed in Python before it reaches the query) is refused when it is
prepared: it is built twice with different stand-ins, and the SQL must be the same and the
parameters must differ exactly where the stand-ins are. A list (``ids=list``, of integers) is
prepared once for each length it comes in. Integers (``pk=int``, ``ids=list``) are ids, compared
for equality: one past the database's 64 bits matches nothing.

A prepared query returns a list, never a queryset: chaining onto it would describe a query the
prepared SQL is not. Prefetches (``prefetch_related``) run as usual after it.
"""

import datetime
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.utils import timezone

# While a prepared query is built: the stand-in for the publication rule's clock.
_building_now: ContextVar[datetime.datetime | None] = ContextVar("newsroom_prepared_now", default=None)


def now() -> datetime.datetime:
    """The publication rule's clock: the current time, or a stand-in while a prepared query is built."""
    return _building_now.get() or timezone.now()


@contextmanager
def _clock_standing_in(moment: datetime.datetime) -> Iterator[None]:
    token = _building_now.set(moment)
    try:
        yield
    finally:
        _building_now.reset(token)


class NotPreparable(Exception):
    """The query's SQL depends on its values, or a value does not reach the query as given."""


# Where a value is bound: (name, None) for a single value, (name, index) for a list's item.
Slot = tuple[str, int | None]
NOW: Slot = ("now", None)
KINDS = (int, str, list, datetime.date, datetime.datetime)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    bindings: tuple[tuple[int, Slot], ...]  # parameter position -> the value it takes
    compiler: Any  # the stand-in build's compiler: its select and klass_info describe the rows
    queryset: QuerySet  # the stand-in build, never evaluated: its model, prefetches and iterable
    # The rows' converters (the same select every time) per connection: working them out was
    # a sixth of a prepared query's cost.
    converters: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary, compare=False)


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in KINDS or name == "now":
                raise TypeError(f"{name}: a prepared value is one of {KINDS} and not called 'now'")
        self.build = build
        self.kinds = kinds
        self._compiled: dict[tuple, _Compiled] = {}

    def fetch(self, **values: Any) -> list:
        """The rows of ``build(**values)``, as the queryset would give them, prefetches included."""
        if values.keys() != self.kinds.keys():
            raise TypeError(f"prepared query takes {sorted(self.kinds)}, got {sorted(values)}")
        for name, kind in self.kinds.items():
            # An id past 64 bits matches nothing (the ORM's own check says the same without asking
            # the database, whose driver would refuse the number: /articles/9223372036854775808/).
            if kind is int and not _fits(values[name]):
                return []
            if kind is list:
                values[name] = [item for item in values[name] if _fits(item)]
        lengths = tuple(len(values[name]) for name, kind in self.kinds.items() if kind is list)
        if any(length == 0 for length in lengths):
            return []  # an empty IN matches nothing, and compiles to no SQL at all
        template = self._template_queryset()
        alias = router.db_for_read(template.model, **template._hints)
        compiled = self._compiled.get((alias, lengths))
        if compiled is None:
            compiled = self._compiled[(alias, lengths)] = self._compile(alias, values)
        connection = connections[alias]
        at = now()
        params = list(compiled.params)
        for position, (name, index) in compiled.bindings:
            value = at if name == "now" else values[name] if index is None else values[name][index]
            params[position] = _adapt(connection, value)
        return list(_bound_queryset(compiled, alias, connection, params))

    def first(self, **values: Any) -> Model | None:
        """The first row, or None (``build`` orders the rows, or asks for at most one)."""
        rows = self.fetch(**values)
        return rows[0] if rows else None

    def _template_queryset(self) -> QuerySet:
        template = getattr(self, "_template", None)
        if template is None:
            template = self._template = self._build(0, {})
        return template

    def _stand_ins(self, round_: int, values: dict) -> tuple[dict, dict[Any, Slot]]:
        """Values for one stand-in build (round 0 or 1) and the slot each stands in for."""
        stand_ins, slots = {}, {}
        for number, (name, kind) in enumerate(self.kinds.items(), start=1):
            if kind is list:
                items = [_stand_in(int, round_, number * 1000 + index) for index in range(len(values.get(name, [0])))]
                stand_ins[name] = items
                slots.update({item: (name, index) for index, item in enumerate(items)})
            else:
                stand_ins[name] = _stand_in(kind, round_, number)
                slots[stand_ins[name]] = (name, None)
        return stand_ins, slots

    def _build(self, round_: int, values: dict) -> QuerySet:
        stand_ins, _slots = self._stand_ins(round_, values)
        with _clock_standing_in(_stand_in(datetime.datetime, round_, 0)):
            queryset = self.build(**stand_ins)
        if not isinstance(queryset, QuerySet) or queryset._result_cache is not None:
            raise NotPreparable("build must return a queryset that was not evaluated")
        return queryset

    def _compile(self, alias: str, values: dict) -> _Compiled:
        connection = connections[alias]
        rounds = []
        for round_ in (0, 1):
            stand_ins, slots = self._stand_ins(round_, values)
            slots[_stand_in(datetime.datetime, round_, 0)] = NOW
            queryset = self._build(round_, values)
            compiler = queryset.query.get_compiler(using=alias)
            with _clock_standing_in(_stand_in(datetime.datetime, round_, 0)):
                sql, params = compiler.as_sql()
            adapted = {_adapt(connection, stand_in): slot for stand_in, slot in slots.items()}
            bindings = tuple((position, adapted[param]) for position, param in enumerate(params) if _hashable_in(param, adapted))
            rounds.append((sql, tuple(params), bindings, compiler, queryset))
        (sql, params, bindings, compiler, queryset), (sql_b, params_b, bindings_b, _, _) = rounds
        if sql != sql_b or len(params) != len(params_b):
            raise NotPreparable(f"the SQL of {self.build} depends on its values")
        if bindings != bindings_b:
            raise NotPreparable(f"the values of {self.build} do not reach the same parameters each time")
        changed = {position for position, (a, b) in enumerate(zip(params, params_b)) if a != b}
        if changed != {position for position, _slot in bindings}:
            raise NotPreparable(f"{self.build} changes a value in Python before the query uses it")
        unused = {name for name in self.kinds} - {name for _position, (name, _index) in bindings}
        if unused:
            raise NotPreparable(f"{self.build} does not use {sorted(unused)}")
        return _Compiled(sql, params, bindings, compiler, queryset)


def _fits(number: int) -> bool:
    return -(2**63) <= number < 2**63


def _stand_in(kind: type, round_: int, number: int) -> Any:
    """A value no real request sends: far-future dates, integers near two billion."""
    if kind is int:
        return 1_900_000_000 + round_ * 100_000 + number
    if kind is str:
        return f"\x1fprepared-{round_}-{number}\x1f"
    if kind is datetime.datetime:
        moment = datetime.datetime(2990 + round_, 1 + number // 28 % 12, 1 + number % 28, 1, 2, 3, 456789)
        return timezone.make_aware(moment, datetime.UTC)
    return datetime.date(2980 + round_, 1 + number // 28 % 12, 1 + number % 28)


def _adapt(connection, value: Any) -> Any:
    """A value as the ORM hands it to the database driver."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _hashable_in(value: Any, mapping: dict) -> bool:
    try:
        return value in mapping
    except TypeError:
        return False


class _BoundQuery:
    """The stand-in build's query, answering ``get_compiler`` with the bound compiler."""

    def __init__(self, query, compiler) -> None:
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


def _bound_queryset(compiled: _Compiled, alias: str, connection, params: list) -> QuerySet:
    compiler = compiled.compiler.__class__.__new__(compiled.compiler.__class__)
    compiler.__dict__.update(compiled.compiler.__dict__)
    compiler.connection = connection  # connections are per thread
    compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
    known = compiled.converters.setdefault(connection, {})
    get_converters = compiler.get_converters

    def known_converters(expressions):
        key = tuple(map(id, expressions))
        found = known.get(key)
        if found is None:
            found = known[key] = get_converters(expressions)
        return found

    compiler.get_converters = known_converters
    template = compiled.queryset
    queryset = template.__class__(model=template.model, using=alias, hints=template._hints)
    queryset._query = _BoundQuery(template.query, compiler)
    queryset._iterable_class = template._iterable_class
    queryset._fields = template._fields
    queryset._prefetch_related_lookups = template._prefetch_related_lookups
    queryset._known_related_objects = template._known_related_objects
    return queryset


class PreparedPrefetch:
    """A reverse foreign key's rows for many instances in one prepared query: what
    ``prefetch_related(name)`` leaves behind, without building a queryset per request, nor one
    per instance as Django's prefetch does to keep its cache chainable::

        STORY_CREDITS = PreparedPrefetch(Article, "credits", lambda ids: Credit.objects.filter(article__in=ids))
        STORY_CREDITS.attach(stories)   # story.credits.all(): no query

    ``build(ids)`` returns the related rows of the instances with those ids, in their order.
    """

    def __init__(self, model: type[Model], name: str, build: Callable[[list], QuerySet]) -> None:
        self.model = model
        self.name = name
        self.query = PreparedQuery(build, ids=list)

    @cached_property
    def relation(self):
        # The reverse side of a ForeignKey; looked up late, as its model's app may load later.
        return self.model._meta.get_field(self.name)

    def attach(self, instances: list[Model]) -> None:
        instances = [instance for instance in instances if instance is not None]
        if not instances:
            return
        foreign_key = self.relation.field
        by_owner: dict[Any, list] = {instance.pk: [] for instance in instances}
        owners = {instance.pk: instance for instance in instances}
        for row in self.query.fetch(ids=list(owners)):
            owner_id = getattr(row, foreign_key.attname)
            foreign_key.set_cached_value(row, owners[owner_id])  # row.<fk> without a query
            by_owner[owner_id].append(row)
        for instance in instances:
            cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[foreign_key.remote_field.cache_name] = _PrefetchedRows.of(
                self.relation.related_model, by_owner[instance.pk], instance, self.name
            )


class _PrefetchedRows:
    """One instance's prefetched rows, in a queryset of the relation's own class. Read, it is
    those rows; chained (``filter()`` and the like), it starts from the relation's queryset, as a
    Django prefetch cache does."""

    @classmethod
    def of(cls, model: type[Model], rows: list, instance: Model, name: str) -> QuerySet:
        queryset_class = type(model._default_manager.all())
        rows_queryset = _prefetched_class(queryset_class)(model=model)
        rows_queryset._result_cache = rows
        rows_queryset._prefetch_done = True
        rows_queryset._owner = (instance, name)
        return rows_queryset

    def _chain(self) -> QuerySet:
        instance, name = self._owner
        return getattr(instance, name)._apply_rel_filters(self.model._default_manager.all())._chain()


@lru_cache(maxsize=None)
def _prefetched_class(queryset_class: type[QuerySet]) -> type[QuerySet]:
    return type(f"Prefetched{queryset_class.__name__}", (_PrefetchedRows, queryset_class), {})
