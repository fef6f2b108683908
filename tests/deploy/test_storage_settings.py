"""Object storage by environment: what settings.py makes of NEWSCENTER_S3_* in a fresh process,
and the deploy checks for a site spread over several machines."""

from __future__ import annotations

from tests.deploy.environment import newscenter, settings_from_environment

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def test_without_a_bucket_media_stay_on_disk(tmp_path):
    config = settings_from_environment(tmp_path)
    assert config["storage"] == {"BACKEND": FILE_SYSTEM}
    assert config["media_url"] == "/media/"
    assert config["img_src"] == ["'self'", "data:"]


def test_an_s3_compatible_service_gets_path_style_urls(tmp_path):
    config = settings_from_environment(
        tmp_path,
        NEWSCENTER_S3_BUCKET="newscenter-media",
        NEWSCENTER_S3_ENDPOINT_URL="http://minio:9000/",
        NEWSCENTER_S3_REGION="eu-central-1",
    )
    assert config["storage"]["BACKEND"] == S3
    options = config["storage"]["OPTIONS"]
    assert options["bucket_name"] == "newscenter-media"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["region_name"] == "eu-central-1"
    assert options["addressing_style"] == "path"
    # Public, unsigned URLs built from a domain: no request to the store to make one.
    assert (options["url_protocol"], options["custom_domain"]) == (
        "http:",
        "minio:9000/newscenter-media",
    )
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert "immutable" in options["object_parameters"]["CacheControl"]
    assert config["media_url"] == "http://minio:9000/newscenter-media/"
    assert config["img_src"] == ["'self'", "data:", "http://minio:9000"]


def test_a_cdn_in_front_of_the_bucket_is_where_pages_link(tmp_path):
    config = settings_from_environment(
        tmp_path,
        NEWSCENTER_S3_BUCKET="newscenter-media",
        NEWSCENTER_S3_PUBLIC_URL="https://media.example.com/news/",
    )
    options = config["storage"]["OPTIONS"]
    assert (options["url_protocol"], options["custom_domain"]) == (
        "https:",
        "media.example.com/news",
    )
    assert options["endpoint_url"] is None  # AWS itself
    assert options["addressing_style"] == "virtual"
    assert config["media_url"] == "https://media.example.com/news/"
    assert config["img_src"] == ["'self'", "data:", "https://media.example.com"]


def test_on_aws_pages_link_to_the_bucket_host(tmp_path):
    config = settings_from_environment(tmp_path, NEWSCENTER_S3_BUCKET="acme-news")
    assert config["media_url"] == "https://acme-news.s3.amazonaws.com/"
    assert config["storage"]["OPTIONS"]["custom_domain"] == "acme-news.s3.amazonaws.com"


def test_an_explicit_media_origin_wins(tmp_path):
    config = settings_from_environment(
        tmp_path,
        NEWSCENTER_S3_BUCKET="acme-news",
        NEWSCENTER_MEDIA_ORIGIN="https://cdn.example.net",
    )
    assert config["img_src"] == ["'self'", "data:", "https://cdn.example.net"]


# --- `newscenter check --deploy` ------------------------------------------------------------

DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")
SHARED = {
    "DJANGO_DEBUG": "false",
    "NEWSCENTER_S3_BUCKET": "acme-news",
    "NEWSCENTER_S3_PUBLIC_URL": "https://media.example.com",
}

ONE_KEY = {"DJANGO_SECRET_KEY": "a-key-shared-by-every-app-server-" + "x" * 40}
ONE_CACHE = {"CACHE_URL": "redis://cache.internal:6379/0"}  # not connected to by the checks


def test_shared_storage_with_a_key_of_its_own_warns(tmp_path):
    result = newscenter(tmp_path, *DEPLOY_CHECK, **SHARED)
    assert result.returncode != 0
    assert "newscenter.W001" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_shared_database_with_a_key_of_its_own_warns(tmp_path):
    shared_database = {"DATABASE_URL": "postgres://news@db.internal:5432/news"}
    result = newscenter(tmp_path, *DEPLOY_CHECK, DJANGO_DEBUG="false", **shared_database)
    assert "newscenter.W001" in result.stderr


def test_one_key_and_one_cache_for_every_server_pass(tmp_path):
    result = newscenter(tmp_path, *DEPLOY_CHECK, **SHARED, **ONE_KEY, **ONE_CACHE)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_cache_in_each_servers_memory_warns(tmp_path):
    result = newscenter(tmp_path, *DEPLOY_CHECK, **SHARED, **ONE_KEY)
    assert "newscenter.W003" in result.stderr
    assert "CACHE_URL" in result.stderr
    assert "newscenter.W001" not in result.stderr


def test_media_over_plain_http_on_an_https_site_warns(tmp_path):
    plain = SHARED | {"NEWSCENTER_S3_PUBLIC_URL": "http://media.example.com"}
    result = newscenter(tmp_path, *DEPLOY_CHECK, **plain, **ONE_KEY, **ONE_CACHE)
    assert "newscenter.W002" in result.stderr
    assert "newscenter.W001" not in result.stderr
