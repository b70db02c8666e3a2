"""Admin pieces the apps share."""

from core.models import Revisioned


class RevisionAdminMixin:
    """A change saved in the admin is a new revision of the record too, so a portal form opened
    before it is refused rather than silently overwriting the admin's change."""

    def save_model(self, request, obj, form, change):
        if change and isinstance(obj, Revisioned):
            obj.revision += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if issubclass(formset.model, Revisioned):
            for inline in formset.forms:
                if inline.instance.pk is not None and inline.has_changed():
                    inline.instance.revision += 1
        super().save_formset(request, form, formset, change)
