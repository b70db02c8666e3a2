"""Who may see what: the one place every selector asks.

Street staff and committee admins see everything. A branch secretary sees the branches in
which their log-in holds a seat today (书记, 副书记 or 委员), and nothing of any other branch:
objects outside the scope are answered with 404, as if they did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User

_CACHE_ATTR = "_portal_scope"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    sees_everything: bool
    branch_ids: frozenset[int]

    def covers_branch(self, branch_id: int | None) -> bool:
        return self.sees_everything or branch_id in self.branch_ids


NOTHING = Scope(sees_everything=False, branch_ids=frozenset())


class ScopedPrincipal:
    """Someone calling without a log-in, whose scope was granted otherwise: a consumer of the
    read API (api/), with the whole street or some branches. It goes through `restrict` and
    `get_in_scope_or_404` like a user; it is never street staff (no page, no admin)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    role = None
    pk = id = None

    def __init__(self, *, name: str, scope: Scope) -> None:
        self.name = name
        setattr(self, _CACHE_ATTR, scope)

    def __str__(self) -> str:
        return self.name


def is_street_staff(user) -> bool:
    """Street staff, committee admins and superusers work across every branch."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (User.Role.STREET_STAFF, User.Role.COMMITTEE_ADMIN))
    )


def scope_for(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not (user.is_authenticated and user.is_active):
        scope = NOTHING
    elif is_street_staff(user):
        scope = Scope(sees_everything=True, branch_ids=frozenset())
    else:
        # The seats this log-in holds today (branches.Seat, through its `user` relation: the
        # scope reads the seats without this module importing the app above it).
        today = timezone.localdate()
        ids = user.seats.held_on(today).values_list("branch_id", flat=True)
        scope = Scope(sees_everything=False, branch_ids=frozenset(ids))
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope (after the user's seats change within one request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def restrict(queryset: QuerySet[M], user, *, branch_path: str) -> QuerySet[M]:
    """Limit a queryset to what the user may see. branch_path leads from the model to its branch
    id ("id" for branches themselves, "branch_id" for a seat, "branches__id" for a project)."""
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    if branch_path in ("id", "pk", "branch_id"):
        return queryset.filter(**{f"{branch_path}__in": scope.branch_ids})
    # Across a to-many relation a join would repeat rows: filter through a subquery instead.
    first, _, rest = branch_path.partition("__")
    relation = queryset.model._meta.get_field(first)
    if relation.one_to_many and rest:
        # The rows on the many side, e.g. a member's participations, asked for directly: the
        # database probes them by the row's key as it reads the list in its order.
        related = relation.related_model._default_manager.filter(
            **{relation.field.name: OuterRef("pk"), f"{rest}__in": scope.branch_ids}
        )
        return queryset.filter(Exists(related))
    visible = queryset.model._default_manager.filter(**{f"{branch_path}__in": scope.branch_ids})
    return queryset.filter(pk__in=visible.values("pk"))


def get_in_scope_or_404(queryset: QuerySet[M], user, *, branch_path: str, **lookup) -> M:
    """Fetch one object the user may see; anything else, existing or not, is a 404."""
    try:
        return restrict(queryset, user, branch_path=branch_path).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(queryset.model._meta.verbose_name) from exc


def street_staff_required(
    view: Callable | None = None, *, within: tuple[str, str, str] | None = None
) -> Callable:
    """Pages for street staff only: a secretary is refused (403).

    `within` names the object a page acts on — (model label, URL argument, branch path), e.g.
    ("branches.Branch", "pk", "id") — so that a secretary asking for another branch's object gets
    404, as everywhere else, and 403 only for an object of their own branch."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_street_staff(request.user):
                if within is not None:
                    label, argument, branch_path = within
                    model = apps.get_model(label)
                    get_in_scope_or_404(
                        model._default_manager.all(),
                        request.user,
                        branch_path=branch_path,
                        pk=kwargs[argument],
                    )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
