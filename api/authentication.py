"""`Authorization: Bearer <token>`: the consumer whose token it is, with its scope, while the
token is neither revoked nor expired. Anything else is 401."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.access import Scope, ScopedPrincipal
from api.models import Consumer
from api.services import token_digest


def principal_for(consumer: Consumer) -> ScopedPrincipal:
    """The consumer as the access module sees it: the whole street, or its branches."""
    if consumer.whole_street:
        scope = Scope(sees_everything=True, branch_ids=frozenset())
    else:
        ids = consumer.branches.values_list("pk", flat=True)
        scope = Scope(sees_everything=False, branch_ids=frozenset(ids))
    principal = ScopedPrincipal(name=consumer.name, scope=scope)
    principal.consumer = consumer
    return principal


class ConsumerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        consumer = Consumer.objects.filter(token_hash=token_digest(token)).first()
        if consumer is None or not consumer.is_usable:
            raise exceptions.AuthenticationFailed(_("Unknown, revoked or expired token."))
        return principal_for(consumer), consumer

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ConsumerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ConsumerTokenAuthentication"
    name = "consumerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("The token shown once when a committee admin registered you."),
        }
