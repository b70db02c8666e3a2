from rest_framework.permissions import BasePermission

from accounts.access import is_street_staff
from api.models import Consumer


class IsConsumer(BasePermission):
    """A call with a consumer's valid token."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Consumer)


class IsConsumerOrStaff(BasePermission):
    """The OpenAPI document: for consumers, and for street staff logged in to the portal."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Consumer) or is_street_staff(request.user)


class IsStreetStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_street_staff(request.user)
