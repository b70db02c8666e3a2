"""Every list of the portal is shown a page at a time (50 rows by default), with its total.

`paginate()` takes any queryset (filters and ordering already in the database) and answers the
page asked for in `?page=`; `templates/_pagination.html` draws the total ("共 N 条") and links
that keep the list's other parameters (its filters). Counts shown beside the rows (attendance,
photos) are to be computed for `page.object_list` only.
"""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, object_list, *, per_page: int = PER_PAGE, param: str = "page") -> Page:
    """The page of `object_list` asked for; a page number out of range gives the last page."""
    return Paginator(object_list, per_page).get_page(request.GET.get(param))
