from django.shortcuts import render
from django.views.decorators.http import require_GET

from branches.selectors import branch_get_for_user, branch_list_for_user, seat_history_for_branch


@require_GET
def branch_list(request):
    return render(
        request, "branches/branch_list.html", {"branches": branch_list_for_user(user=request.user)}
    )


@require_GET
def branch_detail(request, pk: int):
    branch = branch_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "branches/branch_detail.html",
        {"branch": branch, "seats": seat_history_for_branch(branch=branch)},
    )
