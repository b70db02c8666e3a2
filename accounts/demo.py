"""The demo log-ins: street staff, a committee admin, and one secretary per pilot branch."""

from accounts.models import User
from core.demo import DEMO_PASSWORD, DemoContext

# Log-in names of the secretaries, in the order of projects.demo.PROJECTS.
SECRETARY_USERNAMES = ["xingguang", "huijin", "jianghai", "daxuecheng", "luhongzha"]
# Street staff and the committee admin (superuser).
STAFF_USERNAMES = ["jiedao", "admin"]


def _ensure(username: str, *, role: str, full_name: str, superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            role=role,
            full_name=full_name,
            is_staff=superuser or role == User.Role.COMMITTEE_ADMIN,
            is_superuser=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    return user


def load(ctx: DemoContext) -> None:
    staff = _ensure("jiedao", role=User.Role.STREET_STAFF, full_name=ctx.person_name())
    ctx.logins.append((staff.username, staff.get_role_display(), "every project and branch"))
    admin = _ensure(
        "admin", role=User.Role.COMMITTEE_ADMIN, full_name=ctx.person_name(), superuser=True
    )
    ctx.logins.append((admin.username, admin.get_role_display(), "the admin site at /admin/"))
    ctx.objects["staff_user"] = staff
    ctx.objects["secretaries"] = [
        _ensure(username, role=User.Role.BRANCH_SECRETARY, full_name=ctx.person_name())
        for username in SECRETARY_USERNAMES
    ]
