"""Every list of the portal is shown a page at a time (50 rows by default), with its total.

`paginate()` takes any queryset (filters and ordering already in the database) and answers the
page asked for in `?page=`; `templates/_pagination.html` draws the total ("共 N 条") and links
that keep the list's other parameters (its filters). Counts shown beside the rows (attendance,
photos) are computed for `page.object_list` only (`figures_for_page`).

A list that grows to a million rows (the activity logs) pages with `paginate_keyset()`: its
links carry the position of the last (or first) row shown, so page 2,000 is read from the index
like page 1, where an OFFSET would walk every row before it. Both kinds of page answer the same
template contract: `page.link(which)` gives the parameters of the "first", "previous", "next" and
"last" links, `page.param` names the parameter of the page number.
"""

import hashlib
import math
from collections.abc import Sequence

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

PER_PAGE = 50

# Counting a million rows takes the database about 0.1 s, on every page: a total this large is
# kept for a minute (per query, so per filter and per user's scope). Smaller totals are counted
# each time, exact.
LARGE_COUNT = 10_000
LARGE_COUNT_SECONDS = 60


def count_rows(queryset: QuerySet) -> int:
    """The number of rows of a list; a large total is read from the cache for a minute.

    Counted over the ids alone: the list's computed columns (a project's timeline is eleven
    subqueries) are neither written into the cache key's SQL nor into the count's, unless a
    filter uses them."""
    queryset = queryset.order_by().values("pk")
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on an empty list (a log-in with no seat): nothing to count
        return 0
    digest = hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    key = f"list-count:{digest}"
    total = cache.get(key)
    if total is None:
        total = queryset.count()
        if total >= LARGE_COUNT:
            cache.set(key, total, LARGE_COUNT_SECONDS)
    return total


class ListPage(Page):
    """A page reached by its number (OFFSET): fine for lists of a few thousand rows."""

    param = "page"
    cursor_params: tuple[str, ...] = ()

    def link(self, which: str) -> dict[str, object]:
        number = {
            "first": 1,
            "previous": self.number - 1,
            "next": self.number + 1,
            "last": self.paginator.num_pages,
        }[which]
        return {self.param: number}


class ListPaginator(Paginator):
    def __init__(self, *args, param: str = "page", **kwargs):
        super().__init__(*args, **kwargs)
        self.param = param

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)
        return super().count

    def _get_page(self, *args, **kwargs):
        page = ListPage(*args, **kwargs)
        page.param = self.param
        return page


def paginate(request, object_list, *, per_page: int = PER_PAGE, param: str = "page") -> ListPage:
    """The page of `object_list` asked for; a page number out of range gives the last page."""
    return ListPaginator(object_list, per_page, param=param).get_page(request.GET.get(param))


def paginate_narrow(request, queryset: QuerySet, *, per_page: int = PER_PAGE) -> ListPage:
    """For a list whose order is computed (today's "overdue" first or last: no index serves it):
    the order is sorted over the ids alone, then the page's rows are read with their joins. The
    database sorts 20,000 narrow rows in memory, not 20,000 joined ones spilled to disk."""
    page = paginate(request, queryset.values_list("pk", flat=True), per_page=per_page)
    ids = list(page.object_list)
    rows = queryset.in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def count_per(queryset: QuerySet, key: str) -> Coalesce:
    """The number of rows of `queryset` whose `key` (a foreign key) is the outer row: a
    correlated subquery, so that a page of rows counts only its own (no join multiplying them),
    each row planned as one of average size."""
    counted = (
        queryset.filter(**{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def figures_for_page(page: Page, queryset: QuerySet, **annotations) -> None:
    """Set, on each row of the page, figures counted in one aggregate over that page's rows only
    (`queryset` is the rows' model, e.g. `ActivityLog.objects`): never over the whole table."""
    rows = list(page.object_list)
    ids = [row.pk for row in rows]
    figures = {
        values.pop("pk"): values
        for values in queryset.filter(pk__in=ids).order_by().values("pk").annotate(**annotations)
    }
    for row in rows:
        for name, value in figures.get(row.pk, dict.fromkeys(annotations, 0)).items():
            setattr(row, name, value)
    page.object_list = rows


# Keyset pagination -------------------------------------------------------------------------------


class KeysetPaginator:
    """Pages of a queryset ordered by a unique key read in one direction, e.g. ("-held_on",
    "-pk"): the link to the next page carries the key of the page's last row ("after"), the
    link to the previous page the key of its first row ("before"); "last" reads the list from
    its end. The page number is carried along for display; a page number asked for with no
    position (typed in by hand) is found by OFFSET. The ordering's fields are NOT NULL and the
    last one is unique (the id)."""

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        ordering: Sequence[str],
        count: int | None = None,
    ):
        self.object_list = object_list.order_by(*ordering)
        self.per_page = per_page
        self.ordering = list(ordering)
        self._plain = ListPaginator(self.object_list, per_page)
        if count is not None:  # the list's total, known more cheaply than by counting it
            self._plain.count = count

    @property
    def count(self) -> int:
        return self._plain.count

    @property
    def num_pages(self) -> int:
        return max(math.ceil(self.count / self.per_page), 1)

    # The key of a row, as text in a link, and back.
    def _fields(self) -> list[tuple[str, bool]]:
        return [(name.lstrip("-"), name.startswith("-")) for name in self.ordering]

    def _attname(self, name: str) -> str:
        return self.object_list.model._meta.pk.attname if name == "pk" else name

    def key_of(self, row) -> str:
        return "~".join(str(getattr(row, self._attname(name))) for name, _ in self._fields())

    def _parse(self, text: str) -> list | None:
        # Only the first field may hold a "~" itself (a name); the others are dates and ids.
        parts = text.rsplit("~", len(self.ordering) - 1)
        if len(parts) != len(self.ordering):
            return None
        values = []
        for (name, _descending), part in zip(self._fields(), parts, strict=True):
            field = self.object_list.model._meta.get_field(self._attname(name))
            try:
                value = field.to_python(part)
            except ValidationError:  # a broken link gives the first page
                return None
            if value is None:
                return None
            values.append(value)
        return values

    def _beyond(self, values: list, *, forward: bool) -> Q:
        """Rows strictly after (forward) or before the key, in the list's order. The first
        field is also bounded on its own so the database reads a range of the index."""
        fields = self._fields()
        condition = Q()
        for depth in range(len(fields) - 1, -1, -1):
            name, descending = fields[depth]
            lookup = "lt" if descending == forward else "gt"
            step = Q(**{f"{name}__{lookup}": values[depth]})
            condition = (
                step
                if depth == len(fields) - 1
                else step | (Q(**{name: values[depth]}) & condition)
            )
        first, descending = fields[0]
        bound = "lte" if descending == forward else "gte"
        return Q(**{f"{first}__{bound}": values[0]}) & condition

    def _reversed(self) -> list:
        return [
            F(name).asc() if descending else F(name).desc() for name, descending in self._fields()
        ]

    def page(self, params) -> "KeysetPage":
        after = self._parse(params.get("after", "")) if params.get("after") else None
        before = self._parse(params.get("before", "")) if params.get("before") else None
        number = params.get("page")
        if after is not None:
            rows = list(
                self.object_list.filter(self._beyond(after, forward=True))[: self.per_page + 1]
            )
            has_next, rows = len(rows) > self.per_page, rows[: self.per_page]
            if rows:
                return KeysetPage(
                    rows, self, _number(number, 2), has_previous=True, has_next=has_next
                )
            number = "last"  # a link past the end (rows deleted since): the last page
        elif before is not None:
            rows = list(
                self.object_list.filter(self._beyond(before, forward=False)).order_by(
                    *self._reversed()
                )[: self.per_page + 1]
            )
            has_previous, rows = len(rows) > self.per_page, rows[: self.per_page]
            rows.reverse()
            if rows:
                number = max(_number(number, 2), 2) if has_previous else 1
                return KeysetPage(rows, self, number, has_previous=has_previous, has_next=True)
            number = 1  # a link before the start: the first page
        if number == "last" and self.num_pages > 1:
            on_last = self.count - (self.num_pages - 1) * self.per_page
            rows = list(self.object_list.order_by(*self._reversed())[:on_last])
            rows.reverse()
            return KeysetPage(rows, self, self.num_pages, has_previous=True, has_next=False)
        plain = self._plain.get_page(number)
        return KeysetPage(
            list(plain.object_list), self, plain.number,
            has_previous=plain.has_previous(), has_next=plain.has_next(),
        )  # fmt: skip


def _number(text, default: int) -> int:
    try:
        return max(int(text), 1)
    except (TypeError, ValueError):
        return default


class KeysetPage(Sequence):
    param = "page"
    cursor_params = ("after", "before")

    def __init__(self, rows, paginator: KeysetPaginator, number, *, has_previous, has_next):
        self.object_list = rows
        self.paginator = paginator
        self.number = min(number, paginator.num_pages)
        self._has_previous = has_previous and bool(rows)
        self._has_next = has_next and bool(rows)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def __repr__(self) -> str:
        return f"<Page {self.number} of {self.paginator.num_pages}>"

    def has_previous(self) -> bool:
        return self._has_previous

    def has_next(self) -> bool:
        return self._has_next

    def has_other_pages(self) -> bool:
        return self._has_previous or self._has_next

    def previous_page_number(self) -> int:
        return max(self.number - 1, 1)

    def next_page_number(self) -> int:
        return min(self.number + 1, self.paginator.num_pages)

    def link(self, which: str) -> dict[str, object]:
        if which == "first":
            return {self.param: 1}
        if which == "last":
            return {self.param: "last"}
        if which == "next":
            key = self.paginator.key_of(self.object_list[-1])
            return {self.param: self.next_page_number(), "after": key}
        key = self.paginator.key_of(self.object_list[0])
        return {self.param: self.previous_page_number(), "before": key}


def paginate_keyset(
    request,
    queryset: QuerySet,
    *,
    ordering: Sequence[str],
    per_page: int = PER_PAGE,
    count: int | None = None,
) -> KeysetPage:
    """The page of a long list asked for by position (see `KeysetPaginator`). `count`, when
    given, is the list's total (counted another way, e.g. over fewer rows)."""
    return KeysetPaginator(queryset, per_page, ordering=ordering, count=count).page(request.GET)


PAGING_PARAMS = frozenset({"page", "after", "before"})


def is_filtered(query) -> bool:
    """Whether a list's query string narrows it (its page or cursor alone does not)."""
    return any(value for key, value in query.lists() if key not in PAGING_PARAMS and any(value))
