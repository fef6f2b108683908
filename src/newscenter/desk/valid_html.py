"""What the desk changes in Django's admin widgets so that its screens are valid HTML (the Nu
HTML Checker runs over them in tests/web/test_html_validity.py).

- An autocomplete's empty choice is ``<option value=""></option>``: HTML wants an option with
  no text to have a ``label``. It gets one; select2 shows its placeholder all the same.
- A field whose default is callable (``JSONField(default=list)``) gets a hidden "initial" input
  that copies the field's ``aria-describedby``, which a hidden input must not have. The admin
  needs that input only to tell an unchanged inline row from a new one; the desk has no inlines.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import widgets


class AutocompleteSelect(widgets.AutocompleteSelect):
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value == "" and not label:
            option["attrs"]["label"] = "none"
        return option


class ValidHtmlAdmin(admin.ModelAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.show_hidden_initial = False
        return field
