"""Reading a page the way a browser does, for tests that play two people at once."""

import lxml.html


def shown_form(response, *, having: str = "rendered") -> dict:
    """What a browser would send back from the page's form that has a field named `having` (by
    default the portal's edit form, which carries the values it was shown with) if the user
    changed nothing: checked boxes, selected options, hidden fields."""
    page = lxml.html.fromstring(response.content.decode())
    forms = [form for form in page.forms if having in form.fields]
    assert len(forms) == 1, f"{len(forms)} edit forms on the page"
    for textarea in forms[0].xpath(".//textarea"):
        # A browser drops the line break that follows <textarea>; lxml keeps it.
        if textarea.text and textarea.text.startswith("\n"):
            textarea.text = textarea.text[1:]
    values: dict[str, list[str]] = {}
    for name, value in forms[0].form_values():
        values.setdefault(name, []).append(value)
    return {name: items[0] if len(items) == 1 else items for name, items in values.items()}
