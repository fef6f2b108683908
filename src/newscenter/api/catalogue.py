"""``/api/v1/sections``, ``/tags``, ``/authors`` and ``/images``: what articles are filed
under and illustrated with. The lists are answered without ninja's check of each item
(http.answer): ``named_data`` gives the schema's fields (``Named``) in order."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from newscenter.api import listing
from newscenter.api.auth import OPTIONAL, Caller, TokenAuth
from newscenter.api.http import answer
from newscenter.api.problems import Problem
from newscenter.api.schemas import ImageOut, ImagePatch, NamedList
from newscenter.news import services
from newscenter.news.models import Author, Image, Section, Tag
from newscenter.news.representation import image_data, named_data

router = Router()
PUBLIC = TokenAuth(optional=True)
TOKEN = TokenAuth()


@router.get(
    "/sections",
    response=NamedList,
    auth=PUBLIC,
    openapi_extra=OPTIONAL,
    tags=["sections, tags, authors"],
)
def section_list(request, limit: int = Query(100, ge=1, le=1000), cursor: str | None = None):
    rows = Section.objects.all()
    return answer(request, listing.page(request, rows, cursor, limit, named_data("news:section")))


@router.get(
    "/tags",
    response=NamedList,
    auth=PUBLIC,
    openapi_extra=OPTIONAL,
    tags=["sections, tags, authors"],
)
def tag_list(request, limit: int = Query(100, ge=1, le=1000), cursor: str | None = None):
    rows = Tag.objects.all()
    return answer(request, listing.page(request, rows, cursor, limit, named_data("news:tag")))


@router.get(
    "/authors",
    response=NamedList,
    auth=PUBLIC,
    openapi_extra=OPTIONAL,
    tags=["sections, tags, authors"],
)
def author_list(request, limit: int = Query(100, ge=1, le=1000), cursor: str | None = None):
    rows = Author.objects.all()
    return answer(request, listing.page(request, rows, cursor, limit, named_data("news:author")))


@router.get(
    "/images/{image_id}",
    response=ImageOut,
    auth=TOKEN,
    tags=["images"],
    summary="A library image with its renditions",
)
def image_detail(request, image_id: int):
    caller: Caller = request.auth
    if not (caller.has("media:write") or caller.has("articles:write")):
        caller.require("media:write")
    return image_data(_image(image_id))


@router.post(
    "/images",
    response={201: ImageOut},
    auth=TOKEN,
    tags=["images"],
    summary="Upload an image to the media library",
)
def image_upload(
    request,
    file: UploadedFile = File(...),
    alt: str = Form(..., min_length=1, max_length=300, description="What the picture shows."),
    caption: str = Form("", max_length=1000),
    credit: str = Form("", max_length=200),
):
    caller: Caller = request.auth
    caller.require("media:write")
    try:
        image = services.image_create(
            file_or_bytes=file, acting_user=caller.user, alt=alt, caption=caption, credit=credit
        )
    except services.ImageRejected as exc:
        raise Problem(
            "validation-error", str(exc), errors=[{"field": "file", "message": str(exc)}]
        ) from None
    return Status(201, image_data(image))


@router.patch(
    "/images/{image_id}",
    response=ImageOut,
    auth=TOKEN,
    tags=["images"],
    summary="Change an image's alternative text, caption or credit",
)
def image_update(request, image_id: int, data: ImagePatch):
    caller: Caller = request.auth
    caller.require("media:write")
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    image = services.image_update(image=_image(image_id), acting_user=caller.user, **changes)
    return image_data(image)


def _image(image_id: int) -> Image:
    return get_object_or_404(Image.objects.prefetch_related("renditions"), pk=image_id)
