"""The workbench's filter: street staff narrow it to one project, one community's projects or
one street's (for a district or city running the portal for several streets)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Community, Project, Street


class WorkbenchFilter(forms.Form):
    # A city has thousands of projects: the project is chosen from a link (a row of the
    # workbench), not from a list of them all.
    project = forms.IntegerField(
        label=_("project"), min_value=1, required=False, widget=forms.HiddenInput
    )
    street = forms.IntegerField(label=_("street"), min_value=1, required=False)
    community = forms.IntegerField(label=_("community"), min_value=1, required=False)

    def resolve(self) -> tuple[dict, list[Street], list[Community]]:
        """The scope chosen (project, community or street; an unknown one is ignored) and the
        streets and communities to choose from, read in one query (none once narrowed to a
        project, where they do not apply)."""
        chosen = self.cleaned_data if self.is_valid() else {}
        if chosen.get("project"):
            project = Project.objects.filter(pk=chosen["project"]).first()
            if project:
                return {"project": project}, [], []
        communities = list(
            Community.objects.select_related("street").order_by("street__name", "name")
        )
        streets = list({c.street_id: c.street for c in communities}.values())
        scope = {
            "community": next((c for c in communities if c.pk == chosen.get("community")), None),
            "street": next((s for s in streets if s.pk == chosen.get("street")), None),
        }
        return scope, streets, communities
