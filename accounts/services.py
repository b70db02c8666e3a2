from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    full_name: str = "",
    email: str = "",
) -> User:
    """Create a log-in. A committee admin gets the admin site; nobody else does."""
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        is_staff=role == User.Role.COMMITTEE_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
