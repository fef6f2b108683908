"""The domain's writes, one module per entity; every caller (desk, CLI, importers) uses
these, so the policy, validation, audit trail and change signal hold for all of them.

Modules import one another in one direction only: ``saving`` (the one save path of an
article) below ``articles`` and ``workflow``, ``articles`` below ``revisions``. This package
re-exports their public names so that callers write ``services.article_create(...)``.
"""

from newscenter.news.services.accounts import (
    user_create,
    user_delete,
    user_reset_second_factor,
    user_set_password,
    user_set_role,
    user_update,
)
from newscenter.news.services.articles import (
    STATUS_BY_WORKFLOW,
    NewArticle,
    article_bulk_create,
    article_create,
    article_delete,
    article_update,
)
from newscenter.news.services.images import (
    ImageInUse,
    ImageRejected,
    image_create,
    image_delete,
    image_renditions_remake,
    image_update,
)
from newscenter.news.services.review_links import review_link_create, review_link_revoke
from newscenter.news.services.revisions import revision_restore
from newscenter.news.services.saving import ARTICLE_FIELDS
from newscenter.news.services.site import site_settings_update
from newscenter.news.services.taxonomy import (
    author_for_user,
    author_get_or_create,
    section_get_or_create,
    tag_get_or_create,
    taxonomy_delete,
    taxonomy_save,
)
from newscenter.news.services.translations import (
    translation_create,
    translation_export_xliff,
    translation_export_xliff_batch,
    translation_group_link,
    translation_import_xliff,
    translation_import_xliff_batch,
    translation_machine_draft,
    translation_mark_current,
)
from newscenter.news.services.workflow import (
    article_archive,
    article_embargo,
    article_publish,
    article_publish_or_schedule,
    article_reopen,
    article_return,
    article_schedule,
    article_submit,
    article_take_down,
    article_transition,
    article_unpublish,
)

__all__ = [
    "ARTICLE_FIELDS",
    "STATUS_BY_WORKFLOW",
    "ImageInUse",
    "ImageRejected",
    "NewArticle",
    "article_archive",
    "article_bulk_create",
    "article_create",
    "article_delete",
    "article_embargo",
    "article_publish",
    "article_publish_or_schedule",
    "article_reopen",
    "article_return",
    "article_schedule",
    "article_submit",
    "article_take_down",
    "article_transition",
    "article_unpublish",
    "article_update",
    "author_for_user",
    "author_get_or_create",
    "image_create",
    "image_delete",
    "image_renditions_remake",
    "image_update",
    "review_link_create",
    "review_link_revoke",
    "revision_restore",
    "section_get_or_create",
    "site_settings_update",
    "tag_get_or_create",
    "taxonomy_delete",
    "taxonomy_save",
    "translation_create",
    "translation_export_xliff",
    "translation_export_xliff_batch",
    "translation_group_link",
    "translation_import_xliff",
    "translation_import_xliff_batch",
    "translation_machine_draft",
    "translation_mark_current",
    "user_create",
    "user_delete",
    "user_reset_second_factor",
    "user_set_password",
    "user_set_role",
    "user_update",
]
