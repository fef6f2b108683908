"""Deleting what article bodies may use (library images, attached files) from the desk."""

from __future__ import annotations

from newscenter.desk.valid_html import ValidHtmlAdmin


class UsedInBodies(ValidHtmlAdmin):
    """Deleted through a service, one by one; while an article's body uses one, the
    confirmation page names the article and the delete is refused."""

    used_words = ""

    def delete_one(self, request, obj) -> None:
        raise NotImplementedError

    def bodies_using(self, obj):
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_one(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_one(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for headline in self.bodies_using(obj).values_list("headline", flat=True):
                protected.append(f"Article “{headline}” {self.used_words}")
        return deleted, counts, perms_needed, protected
