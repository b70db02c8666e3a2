"""What a committee admin may do in the admin site."""

from django.contrib.auth.backends import BaseBackend

from accounts.models import User


class CommitteeAdminBackend(BaseBackend):
    """A committee admin (项目党委管理员) runs the admin site: reference data, users and roles,
    the reminder schedules. The role carries every permission of the admin, so no permission
    has to be ticked by hand for each new admin; only granting superuser status stays with a
    superuser (see UserAdmin)."""

    @staticmethod
    def _is_committee_admin(user) -> bool:
        return bool(
            user.is_active
            and user.is_staff
            and getattr(user, "role", None) == User.Role.COMMITTEE_ADMIN
        )

    def has_perm(self, user_obj, perm, obj=None):
        return self._is_committee_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return self._is_committee_admin(user_obj)
