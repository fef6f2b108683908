"""Library images in templates, as responsive ``<picture>`` elements, and body blocks.

{% picture image sizes="8rem" alt=article.lead_image_alt_text loading="eager" %}
{{ article.body|library_pictures|body_blocks }}
"""

from __future__ import annotations

from django import template

from newscenter.news import blocks, pictures

register = template.Library()


@register.simple_tag
def picture(
    image,
    sizes: str = pictures.COLUMN_SIZES,
    alt: str | None = None,
    loading: str = "lazy",
    fetchpriority: str = "",
) -> str:
    """The image's ``<picture>``; nothing at all when there is no image."""
    if not image:
        return ""
    return pictures.picture_html(
        image, sizes=sizes, alt=alt, loading=loading, fetchpriority=fetchpriority
    )


@register.filter
def library_pictures(body: str):
    """Sanitised body HTML with its library images as ``<picture>`` (see news.pictures)."""
    return pictures.pictures_in_body(body)


@register.filter
def body_blocks(body: str):
    """Sanitised body HTML with click-to-load videos and readable tables (see news.blocks)."""
    return blocks.blocks_in_body(body)
