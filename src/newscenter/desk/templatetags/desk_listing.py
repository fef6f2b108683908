"""``{% desk_date_hierarchy cl %}``: the admin's date hierarchy for a list of any size."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from newscenter.desk import listing

register = template.Library()


@register.tag(name="desk_date_hierarchy")
def desk_date_hierarchy(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=listing.date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
