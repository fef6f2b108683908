"""``{% desk_date_hierarchy cl %}`` and ``{% desk_result_list cl %}``: the admin's date
hierarchy and rows for a list of any size (desk.listing), in Django's own templates."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from newscenter.desk import listing

register = template.Library()


def _django_tag(name: str, func, template_name: str) -> None:
    def tag(parser, token):
        return InclusionAdminNode(
            parser, token, func=func, template_name=template_name, takes_context=False
        )

    register.tag(name=name)(tag)


_django_tag("desk_date_hierarchy", listing.date_hierarchy, "date_hierarchy.html")
_django_tag("desk_result_list", listing.result_list, "change_list_results.html")
