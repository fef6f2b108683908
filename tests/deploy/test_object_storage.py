"""Media on S3-compatible object storage, for real: moto's S3 server on loopback, the storage
configured as settings.py makes it from NEWSCENTER_S3_*, images uploaded through our service
and the admin, and the pages readers get."""

from __future__ import annotations

import io
import json
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

import boto3
import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image as Pillow

from newscenter.news.models import Image
from newscenter.news.policy import SYSTEM
from newscenter.news.services import images
from tests.builders import make_article, make_image
from tests.deploy.environment import settings_from_environment

pytestmark = pytest.mark.django_db

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "newscenter-test", "AWS_SECRET_ACCESS_KEY": "not-a-secret"}


@dataclass
class ObjectStore:
    server: ThreadedMotoServer
    client: object  # boto3's S3 client, to look into the bucket behind our back
    bucket: str
    public_url: str

    def keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return {entry["Key"] for entry in listing.get("Contents", [])}


@pytest.fixture
def object_store(settings, tmp_path, monkeypatch):
    """A bucket on moto's S3 server, and our default storage pointed at it as the settings
    module configures it from the environment."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"newscenter-{uuid.uuid4().hex[:12]}"
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    # Readers fetch media straight from the bucket: anonymous reads, as docs/deploy.md sets up.
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read(bucket)))
    config = settings_from_environment(
        tmp_path,
        NEWSCENTER_S3_BUCKET=bucket,
        NEWSCENTER_S3_ENDPOINT_URL=endpoint,
        NEWSCENTER_S3_REGION="us-east-1",
        **CREDENTIALS,
    )
    # Setting STORAGES resets django.core.files.storage.storages (django.test.signals).
    settings.STORAGES = {**settings.STORAGES, "default": config["storage"]}
    settings.MEDIA_URL = config["media_url"]
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "img-src": config["img_src"]}}
    store = ObjectStore(server, client, bucket, public_url=config["media_url"])
    yield store
    if server._server_ready_event.is_set():  # a test may have stopped it already
        server.stop()


def public_read(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


def rendition_names(image: Image) -> set[str]:
    return set(image.renditions.values_list("file", flat=True))


def fetch(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (names in any case) and body, fetched as a browser would."""
    with urllib.request.urlopen(url) as response:
        return response.status, response.headers, response.read()


def test_an_upload_lands_in_the_bucket_with_its_renditions(object_store):
    image = make_image(1200, 800)
    assert object_store.keys() == {image.file.name, *rendition_names(image)}
    widths = image.renditions.filter(crop="")
    assert widths.count() == 8  # 320, 640, 960, 1200 in WebP and JPEG, and the 16x9 crop
    status, headers, body = fetch(image.file.url)
    assert image.file.url.startswith(object_store.public_url)
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with Pillow.open(io.BytesIO(body)) as stored:
        assert stored.size == (1200, 800)


def test_an_admin_upload_lands_in_the_bucket(object_store, admin_client):
    buffer = io.BytesIO()
    Pillow.new("RGB", (700, 400), "darkorange").save(buffer, format="JPEG")
    form = {"alt": "Sunrise over the works", "caption": "", "credit": ""}
    upload = SimpleUploadedFile("sunrise.jpg", buffer.getvalue())
    response = admin_client.post("/admin/news/image/add/", {**form, "upload": upload})
    assert response.status_code == 302
    image = Image.objects.get(alt="Sunrise over the works")
    assert object_store.keys() == {image.file.name, *rendition_names(image)}


def test_article_pages_link_to_the_object_store(object_store, client):
    lead = make_image(2000, 1333, alt="The new furnace")
    inline = make_image(800, 600, alt="The hall")
    article = make_article(
        lead_image=lead, body=f'<p>Inside:</p><p><img src="{inline.file.url}" alt="The hall"></p>'
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    lead_picture = page.select_one("figure.lead-image picture")
    body_picture = page.select_one(".body picture")  # the body's <img> became a <picture>
    urls = []
    for picture in (lead_picture, body_picture):
        urls += [c.split()[0] for c in picture.source["srcset"].split(", ")]
        urls += [c.split()[0] for c in picture.img["srcset"].split(", ")]
        urls.append(picture.img["src"])
    assert len(urls) == (5 + 5 + 1) + (3 + 3 + 1)  # 2000 wide: five widths; 800: three
    stored = object_store.keys()
    for url in urls:
        assert url.startswith(object_store.public_url)
        assert url.removeprefix(object_store.public_url) in stored
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(object_store.public_url))
    assert origin in response["Content-Security-Policy"]
    assert fetch(lead_picture.img["src"])[0] == 200


def test_pages_render_without_asking_the_store(object_store, client):
    """Rendering trusts the database: with the store unreachable, pages still render whole."""
    article = make_article(lead_image=make_image(1200, 800, alt="Night shift"))
    make_article(lead_image=make_image(640, 480, alt="Day shift"))
    object_store.server.stop()
    for path in (article.get_absolute_url(), "/news/"):
        response = client.get(path)
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        for img in page.select("picture img"):
            assert img["src"].startswith(object_store.public_url)
            assert "srcset" in img.attrs  # no rendition was dropped for want of an answer


def test_deleting_an_image_deletes_its_objects(object_store, django_capture_on_commit_callbacks):
    keep = make_image(400, 300)
    gone = make_image(640, 480)
    with django_capture_on_commit_callbacks(execute=True):
        images.image_delete(image=gone, acting_user=SYSTEM)
    assert object_store.keys() == {keep.file.name, *rendition_names(keep)}


def test_remade_renditions_get_new_objects_and_the_old_go(
    object_store, django_capture_on_commit_callbacks
):
    image = make_image(700, 400)
    before = rendition_names(image)
    with django_capture_on_commit_callbacks(execute=True):
        images.image_renditions_remake(image=image, acting_user=SYSTEM)
    after = rendition_names(image)
    assert len(after) == len(before) == 6
    assert not after & before  # never written over: each name holds one file forever
    assert object_store.keys() == {image.file.name, *after}
