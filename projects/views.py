from django.shortcuts import render
from django.views.decorators.http import require_GET

from projects.filters import ProjectFilter
from projects.selectors import (
    branches_of_project,
    participation_history_for_project,
    project_get_for_user,
    project_list_for_user,
)


@require_GET
def project_list(request):
    project_filter = ProjectFilter(request.GET, queryset=project_list_for_user(user=request.user))
    return render(request, "projects/project_list.html", {"filter": project_filter})


@require_GET
def project_detail(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "branches": branches_of_project(project=project),
            "participations": participation_history_for_project(project=project),
        },
    )
