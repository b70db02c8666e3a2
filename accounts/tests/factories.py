import factory

from accounts.models import User

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    role = User.Role.BRANCH_SECRETARY
    password = factory.django.Password(PASSWORD)


class StreetStaffFactory(UserFactory):
    role = User.Role.STREET_STAFF


class CommitteeAdminFactory(UserFactory):
    role = User.Role.COMMITTEE_ADMIN
    is_staff = True
