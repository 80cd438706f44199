"""Run folders stored in S3 (AWS, MinIO, Ceph...), read with the server's credentials."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from biovista.config import Settings, get_settings
from biovista.errors import StorageError
from biovista.storage.base import HASH_CHUNK, SourceEntry

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def s3_client(settings: Settings) -> S3Client:
    """A client for the configured endpoint; credentials never leave this process."""
    secret = settings.s3_secret_access_key
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        config=Config(
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
        ),
    )


def split_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (``bucket``, ``some/prefix``)."""
    without = url.removeprefix("s3://")
    bucket, _, prefix = without.partition("/")
    if not bucket:
        raise StorageError(f"{url!r} names no bucket; expected s3://bucket/prefix")
    return bucket, prefix.strip("/")


class S3Source:
    """Objects below ``s3://bucket/prefix``, seen as files relative to the prefix."""

    def __init__(self, root: str, settings: Settings | None = None) -> None:
        self.root = root.rstrip("/")
        self.bucket, self.prefix = split_url(root)
        self._client = s3_client(settings or get_settings())

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def walk(self) -> Iterator[SourceEntry]:
        paginator = self._client.get_paginator("list_objects_v2")
        start = f"{self.prefix}/" if self.prefix else ""
        with self._errors(self.root):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=start):
                for item in page.get("Contents", []):
                    relative = item["Key"][len(start) :]
                    if not relative or relative.endswith("/") or _hidden(relative):
                        continue
                    modified = item["LastModified"].timestamp()
                    yield SourceEntry(
                        relative, item["Size"], int(modified * 1_000_000_000), item.get("ETag")
                    )

    def stat(self, path: str) -> SourceEntry:
        with self._errors(f"{self.root}/{path}"):
            head = self._client.head_object(Bucket=self.bucket, Key=self._key(path))
        modified = head["LastModified"].timestamp()
        return SourceEntry(
            path, head["ContentLength"], int(modified * 1_000_000_000), head.get("ETag")
        )

    def sha256(self, path: str) -> str:
        digest = hashlib.sha256()
        with self._errors(f"{self.root}/{path}"):
            body = self._client.get_object(Bucket=self.bucket, Key=self._key(path))["Body"]
            for chunk in body.iter_chunks(HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    @contextmanager
    def local_path(self, path: str) -> Iterator[Path]:
        """A downloaded copy under the object's own name (parsers look at endings)."""
        with tempfile.TemporaryDirectory(prefix="biovista-s3-") as scratch:
            target = Path(scratch) / PurePosixPath(path).name
            with self._errors(f"{self.root}/{path}"):
                self._client.download_file(self.bucket, self._key(path), str(target))
            yield target

    def presigned_url(self, path: str, seconds: int) -> str:
        """A link that downloads one object for ``seconds``, without any credential."""
        return self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self._key(path)}, ExpiresIn=seconds
        )

    @contextmanager
    def _errors(self, where: str) -> Iterator[None]:
        """botocore's errors as one line naming the object; never a secret."""
        try:
            yield
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            reason = {
                "NoSuchBucket": f"bucket {self.bucket!r} does not exist",
                "NoSuchKey": "no such object",
                "404": "no such object",
                "AccessDenied": "access denied",
                "403": "access denied",
            }.get(code, code or "request failed")
            raise StorageError(f"cannot read {where}: {reason}") from None
        except BotoCoreError as exc:
            raise StorageError(f"cannot reach S3 for {where}: {exc}") from None


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))
