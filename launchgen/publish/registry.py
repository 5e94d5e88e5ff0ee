"""The registry client publish uses: oras (PyPI `oras`), bounded and without retries.

oras does the distribution protocol (uploads, manifests, token auth with the
Docker config's credentials). Here it gets a timeout on every request, no retry
loop (its default waits minutes before saying a registry is unreachable), and
responses read within a size limit; failures become one-line errors.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import partial
from typing import Any

from launchgen.display import printable
from launchgen.errors import ToolError
from launchgen.publish.ociref import Repository

TIMEOUT = (10, 120)  # seconds: to connect, to read
MANIFEST_LIMIT = 4 * 1024 * 1024  # as the distribution spec lets registries cap manifests
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"


class RegistryError(ToolError):
    """The registry refused a request or could not be reached (exit 2)."""


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(value: Any) -> bytes:
    """The bytes launchgen writes for a manifest or config: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


class Registry:
    def __init__(self, repo: Repository, *, plain_http: bool = False) -> None:
        try:
            import oras.provider
        except ImportError:  # pragma: no cover - a dependency of launchgen
            raise ToolError("publish --oci needs the oras package: pip install oras") from None

        unwrapped = oras.provider.Registry.do_request.__wrapped__

        class _Once(oras.provider.Registry):  # type: ignore[misc]
            """oras's registry, each request made once (the caller reports failures)."""

            def do_request(self, *args: Any, **kwargs: Any) -> Any:
                return unwrapped(self, *args, **kwargs)

        self.repo = repo
        self.client = _Once(hostname=repo.host, insecure=plain_http)
        self.client.session.request = partial(self.client.session.request, timeout=TIMEOUT)
        self.container = self.client.get_container(f"{repo.host}/{repo.path}")
        self.prefix = "http" if plain_http else "https"
        self._auth_loaded = False

    def _request(self, method: str, url: str, what: str, **kwargs: Any) -> Any:
        import requests

        if not self._auth_loaded:
            self.client.auth.load_configs(self.container)
            self._auth_loaded = True
        try:
            return self.client.do_request(url, method, **kwargs)
        except requests.RequestException as exc:
            reason = type(exc).__name__ if not str(exc) else str(exc)
            raise RegistryError(
                f"registry {printable(self.repo.host)} is not reachable ({what}): {printable(reason, limit=300)}"
            ) from None
        except ValueError as exc:  # oras: authentication was asked for and could not be given
            raise RegistryError(
                f"registry {printable(self.repo.host)} refused {what}: {printable(str(exc), limit=300)}"
            ) from None

    def _fail(self, response: Any, what: str) -> RegistryError:
        detail = ""
        try:
            errors = response.json().get("errors") or []
            detail = "; ".join(
                str(e.get("message") or e.get("code")) for e in errors if isinstance(e, dict)
            )
        except (ValueError, AttributeError):
            pass
        return RegistryError(
            f"registry {printable(self.repo.host)} refused {what}: HTTP {response.status_code}"
            + (f" ({printable(detail, limit=300)})" if detail else "")
        )

    def _url(self, kind: str, reference: str) -> str:
        return f"{self.prefix}://{self.repo.host}/v2/{self.repo.path}/{kind}/{reference}"

    def push_blob(self, data: bytes, media_type: str) -> dict[str, Any]:
        """Upload `data` (unless the registry has it) and return its descriptor."""
        import oras.oci

        with tempfile.NamedTemporaryFile(prefix="launchgen-blob-", delete=False) as handle:
            handle.write(data)
        try:
            layer = oras.oci.NewLayer(handle.name, media_type, is_dir=False)
            what = f"uploading a blob to {self.repo.url}"
            if self._request("HEAD", self._url("blobs", layer["digest"]), what).status_code != 200:
                response = self._upload(handle.name, layer, what)
                if response.status_code not in (200, 201, 202):
                    raise self._fail(response, what)
        finally:
            os.unlink(handle.name)
        return {"mediaType": media_type, "digest": digest_of(data), "size": len(data)}

    def _upload(self, path: str, layer: dict[str, Any], what: str) -> Any:
        import requests

        try:
            return self.client.put_upload(path, self.container, layer)
        except requests.RequestException as exc:
            raise RegistryError(
                f"registry {printable(self.repo.host)} is not reachable ({what}): {printable(str(exc), limit=300)}"
            ) from None
        except ValueError as exc:
            raise RegistryError(f"{what}: {printable(str(exc), limit=300)}") from None

    def push_manifest(self, data: bytes, media_type: str, reference: str) -> str:
        """PUT the manifest's exact bytes under `reference` (a tag or its digest); its digest."""
        what = f"a manifest for {self.repo.ref(reference)}"
        response = self._request(
            "PUT",
            self._url("manifests", reference),
            what,
            data=data,
            headers={"Content-Type": media_type},
        )
        if response.status_code not in (200, 201, 202):
            raise self._fail(response, what)
        return digest_of(data)

    def _read(self, response: Any, limit: int, what: str) -> bytes:
        chunks, size = [], 0
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > limit:
                response.close()
                raise RegistryError(f"{what} is larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def manifest(
        self, reference: str, accept: tuple[str, ...] = (MANIFEST, INDEX)
    ) -> tuple[bytes, str] | None:
        """(bytes, media type) of the manifest at `reference`; None when there is none.
        A manifest asked for by digest must have that digest."""
        what = f"reading {self.repo.ref(reference)}"
        response = self._request(
            "GET",
            self._url("manifests", reference),
            what,
            headers={"Accept": ", ".join(accept)},
            stream=True,
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._fail(response, what)
        data = self._read(response, MANIFEST_LIMIT, what)
        if reference.startswith("sha256:") and digest_of(data) != reference:
            raise RegistryError(f"{what}: the registry returned a manifest with another digest")
        return data, str(response.headers.get("Content-Type", "")).split(";")[0]

    def blob(self, digest: str, limit: int) -> bytes:
        """The blob `digest`, read within `limit` bytes and checked against its digest."""
        what = f"reading blob {digest} of {self.repo.url}"
        response = self._request("GET", self._url("blobs", digest), what, stream=True)
        if response.status_code != 200:
            raise self._fail(response, what)
        data = self._read(response, limit, what)
        if digest_of(data) != digest:
            raise RegistryError(f"{what}: the registry returned other bytes than the digest names")
        return data

    def referrers(self, digest: str) -> dict[str, Any] | None:
        """The referrers index of `digest`; None when the registry has no referrers API."""
        what = f"listing the referrers of {self.repo.ref(digest)}"
        response = self._request(
            "GET", self._url("referrers", digest), what, headers={"Accept": INDEX}, stream=True
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._fail(response, what)
        try:
            index = json.loads(self._read(response, MANIFEST_LIMIT, what))
        except ValueError:
            raise RegistryError(f"{what}: the answer is not JSON") from None
        if not isinstance(index, dict):
            raise RegistryError(f"{what}: the answer is not an image index")
        return index
