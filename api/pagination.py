from rest_framework.pagination import CursorPagination


class UpdatedCursorPagination(CursorPagination):
    """Pages in the order rows last changed (then by id): a consumer that keeps the cursor, or
    passes `updated_since`, reads each change once, and a page is read from the index however
    deep it is."""

    ordering = ("updated_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 200


class IdCursorPagination(UpdatedCursorPagination):
    ordering = ("id",)
