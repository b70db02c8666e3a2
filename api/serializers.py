"""What each endpoint answers. Foreign keys are ids; personal data is masked as in the lists."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.models import ActivityLog, Campaign, Suggestion
from assessments.models import Cycle, Result
from branches.models import Branch, PartyGroup, Seat
from members.models import Member, Participation, Transfer
from projects.models import Project


class ProjectSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.name", read_only=True)
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "community",
            "category",
            "is_key_project",
            "total_investment",
            "engineering_established_on",
            "branches",
            "updated_at",
        ]


class BranchSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)

    class Meta:
        model = Branch
        fields = [
            "id",
            "name",
            "project",
            "project_name",
            "established_on",
            "status",
            "closed_on",
            "transformed_into",
            "successor_name",
            "updated_at",
        ]


class PartyGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartyGroup
        fields = [
            "id",
            "branch",
            "name",
            "working_group",
            "leader_name",
            "established_on",
            "dissolved_on",
            "updated_at",
        ]


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "branch", "kind", "holder_name", "origin", "started_on", "ended_on"]
        fields += ["updated_at"]


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(
        source="masked_id_number", read_only=True, help_text=_("Masked, as in the lists.")
    )
    phone = serializers.CharField(
        source="masked_phone", read_only=True, help_text=_("Masked, as in the lists.")
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "id_number",
            "phone",
            "standing",
            "joined_party_on",
            "full_member_on",
            "employer_kind",
            "employer_name",
            "job",
            "is_floating",
            "relation_state",
            "updated_at",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participation
        fields = ["id", "member", "branch", "party_group", "joined_on", "left_on", "updated_at"]


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = [
            "id",
            "member",
            "to_branch",
            "from_organisation",
            "status",
            "requested_on",
            "closed_on",
            "updated_at",
        ]


# The small whole numbers are declared plainly: from the model they would carry the database's
# integer range, and the committed document would differ between SQLite and PostgreSQL.
class ActivityLogSerializer(serializers.ModelSerializer):
    non_member_count = serializers.IntegerField(read_only=True, min_value=0)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    present = serializers.IntegerField(read_only=True, help_text=_("Members present."))
    absent = serializers.IntegerField(read_only=True, help_text=_("Members absent."))
    on_leave = serializers.IntegerField(read_only=True, help_text=_("Members on leave."))

    class Meta:
        model = ActivityLog
        fields = [
            "id",
            "branch",
            "party_group",
            "kind",
            "kind_name",
            "campaign_item",
            "title",
            "held_on",
            "starts_at",
            "place",
            "host",
            "lecturer",
            "non_member_count",
            "present",
            "absent",
            "on_leave",
            "submitted_at",
            "updated_at",
        ]


class MonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    state = serializers.ChoiceField(
        choices=["done", "missing", "open", "future", "none"],
        help_text=_("done, missing, open (the month is under way), future or none (nothing due)."),
    )
    expected = serializers.IntegerField()
    done = serializers.IntegerField()


class ComplianceSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch.pk")
    branch_name = serializers.CharField(source="branch.name")
    year = serializers.IntegerField()
    rate = serializers.FloatField(
        allow_null=True, help_text=_("Share of what was due in the finished months that was held.")
    )
    months = MonthSerializer(many=True, source="cells")


class CampaignSerializer(serializers.ModelSerializer):
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "starts_on", "ends_on", "description", "branches", "updated_at"]


class SuggestionSerializer(serializers.ModelSerializer):
    days_saved = serializers.IntegerField(read_only=True, allow_null=True, min_value=0)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "project",
            "branch",
            "working_group",
            "author",
            "author_is_member",
            "content",
            "submitted_on",
            "status",
            "reply",
            "reviewed_on",
            "implemented_on",
            "effect",
            "days_saved",
            "money_saved",
            "updated_at",
        ]


class CycleSerializer(serializers.ModelSerializer):
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "name",
            "starts_on",
            "ends_on",
            "deploy_due",
            "inspect_due",
            "assess_due",
            "status",
            "published_on",
            "branches",
            "updated_at",
        ]


class ResultSerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField(read_only=True, min_value=1)

    class Meta:
        model = Result
        fields = [
            "id",
            "cycle",
            "branch",
            "party_score",
            "construction_score",
            "bonus",
            "penalty",
            "vetoed",
            "total",
            "grade",
            "rank",
            "updated_at",
        ]


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    full = serializers.IntegerField()
    probationary = serializers.IntegerField()
    floating = serializers.IntegerField()
    pocket = serializers.IntegerField()
    transfers_in_progress = serializers.IntegerField()
    transfer_days = serializers.FloatField(allow_null=True)
    pioneer_posts = serializers.IntegerField()


class CoverageSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    covered = serializers.IntegerField()
    uncovered = serializers.IntegerField()
    key = serializers.IntegerField()
    key_covered = serializers.IntegerField()


class EnterprisesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    no_party_org = serializers.IntegerField()
    inactive = serializers.IntegerField()
    active = serializers.IntegerField()


class ActivityFiguresSerializer(serializers.Serializer):
    branch_count = serializers.IntegerField()
    behind = serializers.IntegerField(help_text=_("Branches that missed a month this year."))
    month_total = serializers.IntegerField()
    year_total = serializers.IntegerField()


class WorkbenchSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("The day the figures are for."))
    computed_at = serializers.DateTimeField()
    projects = CoverageSerializer()
    enterprises = EnterprisesSerializer()
    members = CountsSerializer()
    activities = ActivityFiguresSerializer()
