"""Project pages. Reads go through the selectors (scoped), writes through the services."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import is_street_staff, street_staff_required
from assessments.selectors import third_sync_for_project
from core.forms import EndDateForm, options_on_demand
from core.pages import form_page
from core.pagination import paginate, paginate_keyset, paginate_narrow
from projects import services
from projects.filters import CoordinationFilter, EnterpriseFilter, ProjectFilter
from projects.forms import (
    CoordinationItemForm,
    CoordinationMoveForm,
    EnterpriseForm,
    ParticipationForm,
    ProjectForm,
    ProjectManagerForm,
    TimelineForm,
    WorkingGroupForm,
    WorkingGroupMemberForm,
)
from projects.models import Project, WorkingGroup
from projects.selectors import (
    PROJECT_ORDER,
    SyncState,
    branches_of_project,
    coordination_history,
    coordination_item_get_for_user,
    coordination_items_for_user,
    coordination_items_of_project,
    enterprise_figures_for_page,
    enterprise_get_for_user,
    enterprise_list_for_user,
    lead_time_figures,
    lead_times_for_street,
    managers_of_project,
    membership_get_for_user,
    participation_history_for_project,
    project_figures_for_page,
    project_get_for_user,
    project_list_for_user,
    projects_needing_branch,
    timeline_of_project,
    working_group_get_for_user,
    working_groups_of_project,
)


def _own(related_manager, pk: int):
    """A row of an object the user was already scoped to (a project's manager, say): else 404."""
    return get_object_or_404(related_manager.all(), pk=pk)


# Projects ----------------------------------------------------------------------------------------


@require_GET
def project_list(request):
    project_filter = ProjectFilter(request.GET, queryset=project_list_for_user(user=request.user))
    page = paginate_keyset(request, project_filter.qs, ordering=PROJECT_ORDER)
    project_figures_for_page(page)
    needing_branch = projects_needing_branch() if is_street_staff(request.user) else []
    return render(
        request,
        "projects/project_list.html",
        {"filter": project_filter, "page": page, "needing_branch": needing_branch},
    )


@require_GET
def project_detail(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "branches": branches_of_project(project=project),
            "managers": managers_of_project(project=project),
            "participations": participation_history_for_project(project=project),
            "timeline": timeline_of_project(project=project),
            "working_groups": working_groups_of_project(project=project),
            "coordination_items": coordination_items_of_project(project=project, user=request.user),
            "sync_states": SyncState,
            "third_sync": third_sync_for_project(project=project),
            "needs_branch": projects_needing_branch(projects=Project.objects.filter(pk=project.pk)),
            "can_edit": is_street_staff(request.user),
        },
    )


@street_staff_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    form = ProjectForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("New project"),
        cancel_url=reverse("projects:list"),
        on_valid=lambda f: services.project_save(project=f.instance).get_absolute_url(),
        success_message=_("The project was saved."),
    )


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    form = ProjectForm(request.POST or None, instance=project)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": project.name},
        cancel_url=project.get_absolute_url(),
        on_valid=lambda f: services.project_save(project=f.instance).get_absolute_url(),
        success_message=_("The project was saved."),
    )


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def project_timeline_edit(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    form = TimelineForm(request.POST or None, project=project)

    def save(f):
        services.project_timeline_update(project=project, dates=f.dates(), shown=f.shown())
        return project.get_absolute_url() + "#timeline"

    return form_page(
        request,
        form=form,
        title=_("Timeline of %(name)s") % {"name": project.name},
        intro=_("Dates follow the order of the stages; an actual date cannot be in the future."),
        cancel_url=project.get_absolute_url(),
        on_valid=save,
        success_message=_("The timeline was saved."),
    )


@require_GET
def lead_times(request):
    projects = lead_times_for_street(user=request.user)
    return render(
        request,
        "projects/lead_times.html",
        {"page": paginate(request, projects), **lead_time_figures(projects)},
    )


# Engineering department and enterprises ----------------------------------------------------------


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def manager_appoint(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    form = ProjectManagerForm(request.POST or None, project=project)

    def save(f):
        services.project_manager_appoint(project=project, **f.cleaned_data)
        return project.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Appoint the project manager of %(name)s") % {"name": project.name},
        cancel_url=project.get_absolute_url(),
        on_valid=save,
        success_message=_("The project manager was appointed."),
    )


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def manager_end(request, pk: int, manager_pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    manager = _own(project.managers, manager_pk)
    form = EndDateForm(request.POST or None, label=_("ended on"))

    def save(f):
        services.project_manager_end(manager=manager, ended_on=f.cleaned_data["on"])
        return project.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("End the appointment of %(name)s") % {"name": manager.name},
        cancel_url=project.get_absolute_url(),
        on_valid=save,
        success_message=_("The appointment was ended."),
        danger=True,
    )


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def participation_add(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    form = ParticipationForm(request.POST or None)

    def save(f):
        services.participation_add(project=project, **f.cleaned_data)
        return project.get_absolute_url() + "#enterprises"

    return form_page(
        request,
        form=form,
        title=_("Add an investor or contractor to %(name)s") % {"name": project.name},
        cancel_url=project.get_absolute_url(),
        on_valid=save,
        success_message=_("The enterprise was added to the project."),
    )


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def participation_end(request, pk: int, participation_pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    participation = _own(project.participations, participation_pk)
    form = EndDateForm(request.POST or None, label=_("left on"))

    def save(f):
        services.participation_end(participation=participation, ended_on=f.cleaned_data["on"])
        return project.get_absolute_url() + "#enterprises"

    return form_page(
        request,
        form=form,
        title=_("%(enterprise)s leaves %(project)s")
        % {"enterprise": participation.enterprise, "project": project},
        cancel_url=project.get_absolute_url(),
        on_valid=save,
        success_message=_("The enterprise's part in the project was ended."),
        danger=True,
    )


@require_GET
def enterprise_list(request):
    enterprise_filter = EnterpriseFilter(
        request.GET, queryset=enterprise_list_for_user(user=request.user)
    )
    page = paginate(request, enterprise_filter.qs)
    enterprise_figures_for_page(page)
    return render(
        request,
        "projects/enterprise_list.html",
        {"filter": enterprise_filter, "page": page, "can_edit": is_street_staff(request.user)},
    )


def _save_enterprise(form) -> str:
    services.enterprise_save(enterprise=form.instance)
    return reverse("projects:enterprises")


@street_staff_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    return form_page(
        request,
        form=form,
        title=_("New enterprise"),
        cancel_url=reverse("projects:enterprises"),
        on_valid=_save_enterprise,
        success_message=_("The enterprise was saved."),
    )


@street_staff_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    enterprise = enterprise_get_for_user(user=request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": enterprise.name},
        cancel_url=reverse("projects:enterprises"),
        on_valid=_save_enterprise,
        success_message=_("The enterprise was saved."),
    )


# Working groups ----------------------------------------------------------------------------------


@street_staff_required(within=("projects.Project", "pk", "branches__id"))
@require_http_methods(["GET", "POST"])
def working_group_create(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    form = WorkingGroupForm(request.POST or None, instance=WorkingGroup(project=project))
    return form_page(
        request,
        form=form,
        title=_("New working group on %(name)s") % {"name": project.name},
        cancel_url=project.get_absolute_url(),
        on_valid=lambda f: services.working_group_save(group=f.instance).get_absolute_url(),
        success_message=_("The working group was saved."),
    )


@street_staff_required(within=("projects.WorkingGroup", "group_pk", "project__branches__id"))
@require_http_methods(["GET", "POST"])
def working_group_edit(request, group_pk: int):
    group = working_group_get_for_user(user=request.user, pk=group_pk)
    form = WorkingGroupForm(request.POST or None, instance=group)
    return form_page(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": group.name},
        cancel_url=group.get_absolute_url(),
        on_valid=lambda f: services.working_group_save(group=f.instance).get_absolute_url(),
        success_message=_("The working group was saved."),
    )


@street_staff_required(within=("projects.WorkingGroup", "group_pk", "project__branches__id"))
@require_http_methods(["GET", "POST"])
def working_group_member_add(request, group_pk: int):
    group = working_group_get_for_user(user=request.user, pk=group_pk)
    form = WorkingGroupMemberForm(request.POST or None)

    def save(f):
        services.working_group_member_add(group=group, **f.cleaned_data)
        return group.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Add someone to %(name)s") % {"name": group.name},
        cancel_url=group.get_absolute_url(),
        on_valid=save,
        success_message=_("Added to the working group."),
    )


@street_staff_required(
    within=("projects.WorkingGroupMember", "membership_pk", "working_group__project__branches__id")
)
@require_http_methods(["GET", "POST"])
def working_group_member_leave(request, membership_pk: int):
    membership = membership_get_for_user(user=request.user, pk=membership_pk)
    group = membership.working_group
    form = EndDateForm(request.POST or None, label=_("left on"))

    def save(f):
        services.working_group_member_leave(membership=membership, left_on=f.cleaned_data["on"])
        return group.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("%(name)s leaves %(group)s") % {"name": membership.name, "group": group.name},
        cancel_url=group.get_absolute_url(),
        on_valid=save,
        success_message=_("The departure was recorded."),
        danger=True,
    )


# Coordination ledger -----------------------------------------------------------------------------


@require_GET
def coordination_list(request):
    item_filter = CoordinationFilter(
        request.GET, queryset=coordination_items_for_user(user=request.user), request=request
    )
    if answer := options_on_demand(request, item_filter):
        return answer
    return render(
        request,
        "projects/coordination_list.html",
        # The ledger's order (overdue or not, as of today) is computed: sorted over the ids.
        {"filter": item_filter, "page": paginate_narrow(request, item_filter.qs)},
    )


@require_GET
def coordination_detail(request, item_pk: int):
    item = coordination_item_get_for_user(user=request.user, pk=item_pk)
    return render(
        request,
        "projects/coordination_detail.html",
        {
            "item": item,
            "events": coordination_history(item=item),
            "move_form": CoordinationMoveForm(item=item) if not item.is_closed else None,
        },
    )


@require_http_methods(["GET", "POST"])
def coordination_raise(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    form = CoordinationItemForm(request.POST or None, project=project)

    def save(f):
        item = services.coordination_item_raise(
            project=project, actor=request.user, **f.cleaned_data
        )
        return item.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Raise a coordination item on %(name)s") % {"name": project.name},
        cancel_url=project.get_absolute_url(),
        on_valid=save,
        success_message=_("The coordination item was recorded."),
    )


@require_http_methods(["GET", "POST"])
def coordination_move(request, item_pk: int):
    item = coordination_item_get_for_user(user=request.user, pk=item_pk)
    if item.is_closed:
        messages.info(request, _("This item is resolved: it can no longer change."))
        return redirect(item.get_absolute_url())
    form = CoordinationMoveForm(request.POST or None, item=item)

    def save(f):
        services.coordination_item_move(item=item, actor=request.user, **f.cleaned_data)
        return item.get_absolute_url()

    return form_page(
        request,
        form=form,
        title=_("Next step: %(title)s") % {"title": item.title},
        cancel_url=item.get_absolute_url(),
        on_valid=save,
        success_message=_("The step was recorded."),
    )
