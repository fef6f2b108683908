"""XLIFF 2.0 out and back: every fixture body survives the round trip unchanged, a translated
file becomes the translation (through the allow-list), and a file that is not right is
refused with the reason, nothing written. Files are checked by translate-toolkit's reader
and by lxml against the structure XLIFF 2.0 requires."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from lxml import etree

from newscenter.demo.content import ARTICLES
from newscenter.demo.translations import TRANSLATIONS
from newscenter.importers.parsers.base import ImportedArticle, ParseOptions
from newscenter.importers.parsers.wxr import parser as wxr
from newscenter.news import services, translations, xliff
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from newscenter.news.rendering import sanitise_html
from tests.builders import make_article, make_user

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
THEME = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "wordpress"


def fixture_bodies() -> list[str]:
    """The demo's bodies, and every body of the WordPress exports as an import saves it."""
    bodies = [a.body for a in ARTICLES] + [t.body for t in TRANSLATIONS]
    for path in [FIXTURES / "wxr" / "norrvik_blog.xml", *THEME.glob("*.xml")]:
        items = wxr.parse(path.read_bytes(), origin=path.name, options=ParseOptions())
        bodies += [i.body_html for i in items if isinstance(i, ImportedArticle)]
    return [sanitise_html(" ".join(b.split())) for b in bodies if b.strip()]


def translated(data: bytes, change=lambda text: text) -> bytes:
    """A translator's work: each unit's target set to ``change(source)``."""
    root = etree.fromstring(data)
    for segment in root.iter(f"{XLIFF}segment"):
        target = etree.SubElement(segment, f"{XLIFF}target")
        target.text = change(segment.find(f"{XLIFF}source").text)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def test_every_fixture_body_survives_the_round_trip_unchanged():
    bodies = fixture_bodies()
    assert len(bodies) > 40
    for n, body in enumerate(bodies, 1):
        article = Article(pk=n, headline=f"Headline {n}", standfirst="", body=body, language="en")
        data = xliff.export(article, revision=1, language="de")
        back = xliff.read(translated(data))
        assert sanitise_html(back.body) == body, n
        assert (back.source_id, back.revision, back.language) == (n, 1, "de")


def test_the_file_is_xliff_2_with_one_unit_per_block():
    article = Article(pk=7, headline="Plant opens", standfirst="In Ebersfurt.",
                      body="<p>One <strong>two</strong>.</p><h2>Three</h2><p>Four</p>")  # fmt: skip
    root = etree.fromstring(xliff.export(article, revision=3, language="zh-Hans"))
    assert root.tag == f"{XLIFF}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == (
        "2.0",
        "en",
        "zh-Hans",
    )
    [file] = root.findall(f"{XLIFF}file")
    assert file.get("id") == "a7-r3"
    units = {u.get("id"): u.findtext(f"{XLIFF}segment/{XLIFF}source") for u in file}
    assert units == {
        "headline": "Plant opens",
        "standfirst": "In Ebersfurt.",
        "body-1": "<p>One <strong>two</strong>.</p>",
        "body-2": "<h2>Three</h2>",
        "body-3": "<p>Four</p>",
    }


@pytest.mark.django_db
def test_a_translated_file_becomes_the_translation_through_the_cli(tmp_path, capsys):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    source = make_article(headline="Plant opens", standfirst="In Ebersfurt.",
                          body="<p>The plant <strong>opens</strong>.</p>")  # fmt: skip
    exported = tmp_path / "plant.xlf"
    call_command("xliff", "export", str(source.pk), "--language", "de", "--output", str(exported))
    german = {"Plant opens": "Werk eröffnet", "In Ebersfurt.": "In Ebersfurt.",
              "<p>The plant <strong>opens</strong>.</p>":
                  '<p>Das Werk <strong>öffnet</strong>.<script>alert(1)</script></p>'}  # fmt: skip
    done = tmp_path / "plant.de.xlf"
    done.write_bytes(translated(exported.read_bytes(), german.__getitem__))
    translator = make_user(role="contributor", username="translator")
    call_command("xliff", "import", str(done), "--user", "translator")
    translation = Article.objects.get(language="de")
    assert translation.headline == "Werk eröffnet"
    assert translation.body == "<p>Das Werk <strong>öffnet</strong>.</p>"  # the allow-list
    assert translation.status == Article.Status.DRAFT
    assert translation.created_by == translator
    assert translation.translated_from == source
    assert "is now draft, following revision" in capsys.readouterr().out
    # A second file for the same language replaces the text of the same translation.
    call_command("xliff", "import", str(done), "--user", "translator")
    assert Article.objects.filter(language="de").count() == 1
    services.article_publish(article=translation, acting_user=SYSTEM)
    translation.refresh_from_db()
    assert translations.status(translation) == translations.Status.CURRENT


@pytest.mark.django_db
def test_a_file_from_an_older_revision_leaves_the_translation_outdated(tmp_path):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    source = make_article(headline="Plant opens", body="<p>Opens.</p>")
    data = services.translation_export_xliff(source=source, language="de")
    services.article_update(article=source, acting_user=SYSTEM, body="<p>Opens today.</p>")
    german = services.translation_import_xliff(acting_user=SYSTEM, data=translated(data))
    german = services.article_publish(article=german, acting_user=SYSTEM)
    assert translations.status(german) == translations.Status.OUTDATED


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="de">
<file id="a1-r1"><unit id="headline"><segment><source>x</source><target>&c;</target></segment>
</unit></file></xliff>"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"not xml at all", "not an XLIFF 2.0 file we can read"),
        (BILLION_LAUGHS, "not an XLIFF 2.0 file we can read"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file '
         b'source-language="en"><body/></file></xliff>', "not an XLIFF 2.0 file"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
         b'trgLang="de"><file id="f1"/></xliff>', "does not say which article it is"),
        (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
         b'trgLang="de"><file id="a99999-r1"><unit id="headline"><segment><source>x</source>'
         b"<target>y</target></segment></unit></file></xliff>", "no longer exists"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_right_is_refused_with_the_reason(data, words):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    with pytest.raises(ValidationError, match=words):
        services.translation_import_xliff(acting_user=SYSTEM, data=data)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_an_untranslated_unit_or_a_language_the_site_lacks_is_refused(tmp_path):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    source = make_article(headline="Plant opens")
    data = services.translation_export_xliff(source=source, language="de")
    with pytest.raises(ValidationError, match="Unit 'headline' has no translation"):
        services.translation_import_xliff(acting_user=SYSTEM, data=data)
    french = translated(data).replace(b'trgLang="de"', b'trgLang="fr"')
    with pytest.raises(ValidationError, match="translated into 'fr': not another"):
        services.translation_import_xliff(acting_user=SYSTEM, data=french)
    bad = tmp_path / "bad.xlf"
    bad.write_bytes(b"<nope/>")
    with pytest.raises(CommandError, match=r"not an XLIFF 2\.0 file"):
        call_command("xliff", "import", str(bad))
    assert Article.objects.count() == 1


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def translated_zip(data: bytes, change=lambda text: text) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: translated(archive.read(name), change) for name in archive.namelist()}


@pytest.mark.django_db
def test_a_batch_goes_out_as_a_zip_and_comes_back_unchanged_through_the_cli(tmp_path, capsys):
    """The demo's bodies, three articles in one zip: each translation's body is its source's."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    sources = [
        make_article(headline=a.headline, standfirst=a.standfirst, body=a.body)
        for a in ARTICLES[:3]
    ]
    batch = tmp_path / "batch.de.zip"
    ids = [str(source.pk) for source in sources]
    call_command("xliff", "export", *ids, "--language", "de", "--output", str(batch))
    files = translated_zip(batch.read_bytes())
    assert sorted(files) == sorted(f"{s.pk}-{s.slug}.de.xlf" for s in sources)
    back = tmp_path / "back.de.zip"
    back.write_bytes(zip_of({"notes.txt": b"from the agency", **files}))  # other files ignored
    capsys.readouterr()
    call_command("xliff", "import", str(back))
    assert capsys.readouterr().out.count("is now draft") == 3
    for source in sources:
        translation = Article.objects.get(translated_from=source)
        assert translation.language == "de"
        assert (translation.headline, translation.body) == (source.headline, source.body)


@pytest.mark.django_db
def test_a_batch_with_one_wrong_file_is_refused_whole_naming_it(tmp_path):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    first, second = make_article(headline="Plant opens"), make_article(headline="Line starts")
    data = services.translation_export_xliff_batch(sources=[first, second], language="de")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        good = translated(archive.read(names[0]))
        untranslated = archive.read(names[1])
    cases = [
        (zip_of({names[0]: good, names[1]: untranslated}),
         f"{names[1]}: Unit 'headline' has no translation"),
        (zip_of({names[0]: good, f"copy/{names[0]}": good}), "both translate article"),
        (zip_of({"readme.txt": b"nothing"}), "holds no XLIFF file"),
        (data[: len(data) // 2], "not a zip file we can read"),
    ]  # fmt: skip
    for upload, words in cases:
        with pytest.raises(ValidationError, match=re.escape(words)):
            services.translation_import_xliff_batch(acting_user=SYSTEM, data=upload)
    assert Article.objects.count() == 2  # the good file of the first zip was not written
    path = tmp_path / "wrong.zip"
    path.write_bytes(cases[0][0])
    with pytest.raises(CommandError, match="has no translation"):
        call_command("xliff", "import", str(path))
    with pytest.raises(CommandError, match="there is no article 999999"):
        call_command("xliff", "export", str(first.pk), "999999", "--language", "de")
    assert Article.objects.count() == 2


def test_a_zip_that_would_unpack_into_a_huge_file_is_refused_before_unpacking():
    big = zip_of({"huge.xlf": b" " * (xliff.MAX_BYTES + 1)})  # a few kilobytes packed
    assert len(big) < 100_000
    with pytest.raises(ValidationError, match=r"huge\.xlf is larger than 5 MB unpacked"):
        xliff.unpack(big)
