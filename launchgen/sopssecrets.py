"""sops-encrypted secrets (`launchgen new --secrets sops`) delivered as the Secret `<release>-secrets`.

`envs/<env>/secrets.yaml` in the properties repo is a flat map `ENV_VAR_NAME: value`,
every value encrypted with sops to age recipients (see docs/secrets.md).

- **render** never decrypts. It checks the file's shape on the ciphertext alone (sops
  metadata, age only, env var names, every value encrypted and a string) and passes its
  sha256 to the Launch chart as `sopsSecrets.digest`: the Deployment's pod template
  then carries the annotation `launchgen.dev/sops-secrets: sha256:...` and reads the
  Secret through `envFrom` (not optional: a missing Secret blocks the rollout). The
  digest is part of the signed manifests, so a bundle binds the secrets revision
  without holding any of it, and a new revision restarts the pods.
- **deploy** reads the file from `--properties`, checks its sha256 against the bundle's
  annotation, decrypts those exact bytes with `sops decrypt` (stdin to stdout, in
  memory), and hands the Secret to helm as one more template of the wrapper chart,
  its values fed through a FIFO in the private scratch folder: the plaintext is never
  written to a file, and the Secret is part of the release, so `helm rollback` (and
  reject, rollback) brings the previous secrets back with the previous manifests.

Every way the secrets cannot be used is a LaunchgenError naming the file; nothing is
ever dropped silently.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgen.display import printable
from launchgen.errors import LaunchgenError, ToolError

SECRETS_FILE = "secrets.yaml"
VALUE = "sopsSecrets"  # the Launch chart value render sets: sopsSecrets.digest
ANNOTATION = "launchgen.dev/sops-secrets"
SOPS_ENV_VAR = "LAUNCHGEN_SOPS"
WRAPPER_VALUE = "launchgenSopsSecret"
WRAPPER_TEMPLATE = "launchgen-sops-secret.yaml"

MAX_FILE_BYTES = 1024 * 1024
MAX_KEYS = 256
MAX_NAME = 253
MAX_VALUE_BYTES = 64 * 1024
MAX_SECRET_BYTES = 900 * 1024  # a Secret's data must stay under 1 MiB
SOPS_TIMEOUT = 120

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_B64 = r"[A-Za-z0-9+/=]*"
_ENCRYPTED = re.compile(rf"ENC\[AES256_GCM,data:{_B64},iv:{_B64},tag:{_B64},type:([a-z]+)\]")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# Key services other than age would make sops contact hosts the (untrusted) file names.
_OTHER_KEY_SERVICES = ("kms", "gcp_kms", "azure_kv", "hc_vault", "pgp", "key_groups", "huawei_kms")
_AGE_KEY_VARS = (
    "SOPS_AGE_KEY",
    "SOPS_AGE_KEY_FILE",
    "SOPS_AGE_KEY_CMD",
    "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
    "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
)
_PASSED_ENV = ("PATH", "HOME", "XDG_CONFIG_HOME", "TMPDIR", "LANG", "LC_ALL", *_AGE_KEY_VARS)


@dataclass(frozen=True)
class Encrypted:
    """An environment's secrets file as committed: ciphertext only."""

    display: str  # envs/<env>/secrets.yaml, as shown in messages
    data: bytes
    digest: str
    keys: tuple[str, ...]


def relpath(environment: str) -> str:
    return f"envs/{environment}/{SECRETS_FILE}"


def _read_bounded(path: Path, display: str) -> bytes | None:
    """The file's bytes, None when absent; symlinks and special files are refused."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LaunchgenError(f"cannot read: {exc.strerror}", path=display) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise LaunchgenError("must be a regular file (not a symlink)", path=display)
    if info.st_size > MAX_FILE_BYTES:
        raise LaunchgenError(
            f"is {info.st_size} bytes: at most {MAX_FILE_BYTES} are accepted", path=display
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LaunchgenError(f"cannot read: {exc.strerror}", path=display) from None
    if len(data) > MAX_FILE_BYTES:
        raise LaunchgenError(f"is over {MAX_FILE_BYTES} bytes", path=display)
    return data


def _check_name(key: object, display: str) -> str:
    if not isinstance(key, str) or not _ENV_NAME.fullmatch(key) or len(key) > MAX_NAME:
        raise LaunchgenError(
            f"key {printable(key, limit=80)} is not an environment variable name "
            "(letters, digits and _, not starting with a digit)",
            path=display,
        )
    return key


def parse_encrypted(data: bytes, display: str) -> Encrypted:
    """Check a secrets file's shape on its ciphertext alone (no key needed)."""
    import yaml

    from launchgen import yamlio

    text = yamlio.decode(data, display)
    loader = yaml.CSafeLoader(text)  # the C parser: a 1 MiB file in a fraction of a second
    try:
        node = loader.get_single_node()
        seen: set[object] = set()
        for key, _ in node.value if isinstance(node, yaml.MappingNode) else []:
            if not isinstance(key, yaml.ScalarNode):
                raise LaunchgenError(
                    "keys must be environment variable names",
                    path=display,
                    line=key.start_mark.line + 1,
                )
            if key.value in seen:
                raise LaunchgenError(
                    f"key {printable(key.value, limit=80)} appears twice",
                    path=display,
                    line=key.start_mark.line + 1,
                )
            seen.add(key.value)
        document = None if node is None else loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise LaunchgenError(
            f"invalid YAML: {printable(getattr(exc, 'problem', None) or 'syntax error')}",
            path=display,
            line=mark.line + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()
    if not isinstance(document, dict):
        raise LaunchgenError(
            "must be a mapping ENV_VAR_NAME: value, encrypted with sops", path=display
        )
    metadata = document.get("sops")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("mac"), str):
        shown = "/".join(display.split("/")[-3:])
        raise LaunchgenError(
            "is not sops-encrypted (no top-level sops metadata with a mac): encrypt it with "
            f"`sops encrypt --in-place {shown}`; launchgen never deploys a plaintext secrets file",
            path=display,
        )
    for service in _OTHER_KEY_SERVICES:
        if metadata.get(service):
            raise LaunchgenError(
                f"is encrypted with {service}: launchgen decrypts only files encrypted to age "
                "recipients (sops metadata `age`)",
                path=display,
            )
    if not metadata.get("age"):
        raise LaunchgenError(
            "has no age recipients in its sops metadata: encrypt it to an age key", path=display
        )
    keys = [k for k in document if k != "sops"]
    if len(keys) > MAX_KEYS:
        raise LaunchgenError(f"has {len(keys)} keys: at most {MAX_KEYS}", path=display)
    for key in keys:
        name = _check_name(key, display)
        value = document[key]
        match = _ENCRYPTED.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise LaunchgenError(
                f"{name} is not encrypted (or not a plain string): every value must be a sops "
                "ENC[...] string; re-encrypt the file without unencrypted_suffix/regex rules",
                path=display,
            )
        if match.group(1) != "str":
            raise LaunchgenError(
                f'{name} is a {match.group(1)}, not a string: quote the value (e.g. "5432") '
                "and re-encrypt",
                path=display,
            )
    return Encrypted(
        display, data, "sha256:" + hashlib.sha256(data).hexdigest(), tuple(str(k) for k in keys)
    )


def inspect(properties: Path, environment: str, origin: str | None = None) -> Encrypted | None:
    """The environment's encrypted secrets file, checked, or None when it has none."""
    display = f"{origin or properties}/{relpath(environment)}"
    folder = properties / "envs" / environment
    for other in ("secrets.yml",):
        if (folder / other).exists() or (folder / other).is_symlink():
            raise LaunchgenError(
                f"launchgen reads envs/{environment}/{SECRETS_FILE}: rename {other} to it",
                path=f"{origin or properties}/envs/{environment}/{other}",
            )
    data = _read_bounded(folder / SECRETS_FILE, display)
    return None if data is None else parse_encrypted(data, display)


# --- render -------------------------------------------------------------------------


def template_values(
    properties: Path, environment: str, origin: str | None = None
) -> dict[str, str]:
    """What `helm template` sets (--set-string) for an environment: the secrets file's digest."""
    found = inspect(properties, environment, origin)
    return {} if found is None else {f"{VALUE}.digest": found.digest}


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _workloads(
    objects: Iterable[dict[str, Any]],
) -> Iterable[tuple[dict[str, Any], str | None, list[str]]]:
    """(object, digest annotation, envFrom secret names) of each pod-template workload."""
    for obj in objects:
        spec = obj.get("spec")
        template = spec.get("template") if isinstance(spec, dict) else None
        if not isinstance(template, dict):
            continue
        metadata, pod = _mapping(template.get("metadata")), _mapping(template.get("spec"))
        digest = _mapping(metadata.get("annotations")).get(ANNOTATION)
        names: list[str] = []
        for container in _list(pod.get("containers")):
            for source in _list(_mapping(container).get("envFrom")):
                ref = _mapping(_mapping(source).get("secretRef"))
                if ref.get("name"):
                    names.append(str(ref["name"]))
        yield obj, None if digest is None else str(digest), names


def secret_name(release: str) -> str:
    """The chart's `{{ include "launch-microservice.fullname" . }}-secrets`."""
    fullname = release[:63]
    return f"{fullname[:-1] if fullname.endswith('-') else fullname}-secrets"


def bound_digest(objects: Iterable[dict[str, Any]], release: str, where: str) -> str | None:
    """The secrets digest rendered manifests carry; each annotated workload must read the Secret."""
    found: set[str] = set()
    name = secret_name(release)
    for obj, digest, names in _workloads(objects):
        if digest is None:
            continue
        what = f"{obj.get('kind')} {printable((obj.get('metadata') or {}).get('name'), limit=80)}"
        if not _DIGEST.fullmatch(digest):
            raise LaunchgenError(
                f"{what}: annotation {ANNOTATION} is not a sha256 digest", path=where
            )
        if name not in names:
            raise LaunchgenError(
                f"{what} carries {ANNOTATION} but does not read Secret {name} through envFrom",
                path=where,
            )
        found.add(digest)
    if len(found) > 1:
        raise LaunchgenError(f"workloads disagree on {ANNOTATION}", path=where)
    return found.pop() if found else None


def check_rendered(
    properties: Path,
    environment: str,
    origin: str | None,
    manifest_texts: Sequence[str],
    release: str,
    where: str,
) -> None:
    """After `helm template`: secrets are delivered exactly when the environment has them."""
    from launchgen.diff.manifests import documents

    expected = inspect(properties, environment, origin)
    objects = [doc for text in manifest_texts for doc in documents(text, where)]
    rendered = bound_digest(objects, release, where)
    if expected is None and rendered is not None:
        raise LaunchgenError(
            f"{environment}: the manifests read sops secrets ({VALUE} is set) but there is no "
            f"{relpath(environment)}: {VALUE} is set by launchgen render, remove it from values",
            path=where,
        )
    if expected is not None and rendered != expected.digest:
        raise LaunchgenError(
            f"would not be delivered: the chart rendered no workload that reads Secret "
            f"{secret_name(release)} (a vendor chart, or a Launch chart without {VALUE} "
            "support: update it); refusing to drop the secrets silently",
            path=expected.display,
        )


# --- deploy -------------------------------------------------------------------------


@dataclass
class DeploySecrets:
    """What deploy puts into the release: the Secret, decrypted in memory (None in a dry run)."""

    name: str
    encrypted: Encrypted
    values: dict[str, str] | None

    def wrapper_values(self) -> bytes:
        assert self.values is not None
        data = {k: base64.b64encode(v.encode()).decode() for k, v in sorted(self.values.items())}
        return json.dumps(
            {WRAPPER_VALUE: {"name": self.name, "digest": self.encrypted.digest, "data": data}}
        ).encode()


def find_sops() -> str:
    chosen = os.environ.get(SOPS_ENV_VAR) or "sops"
    found = shutil.which(chosen)
    if not found:
        raise ToolError(
            f"sops not found ({printable(chosen)}): it decrypts the environment's secrets file; "
            f"install it (https://github.com/getsops/sops) or set ${SOPS_ENV_VAR}"
        )
    return found


def _sops_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in _PASSED_ENV if k in os.environ}
    env["SOPS_DISABLE_VERSION_CHECK"] = "1"
    return env


def _has_age_key(env: dict[str, str]) -> bool:
    if any(env.get(k) for k in _AGE_KEY_VARS):
        return True
    config = Path(
        env.get("XDG_CONFIG_HOME") or Path(env.get("HOME") or "~").expanduser() / ".config"
    )
    return (config / "sops" / "age" / "keys.txt").is_file()


def decrypt(encrypted: Encrypted) -> dict[str, str]:
    """Decrypt exactly `encrypted.data` with sops (stdin to stdout, in memory)."""
    sops = find_sops()
    env = _sops_env()
    if not _has_age_key(env):
        raise LaunchgenError(
            "no age key to decrypt it: set SOPS_AGE_KEY_FILE (or SOPS_AGE_KEY) to the identity of "
            "one of its age recipients",
            path=encrypted.display,
        )
    argv = [
        sops,
        "decrypt",
        "--input-type",
        "yaml",
        "--output-type",
        "json",
        "--filename-override",
        SECRETS_FILE,
    ]
    try:
        proc = subprocess.run(
            argv,
            input=encrypted.data,
            capture_output=True,
            env=env,
            cwd="/",
            check=False,
            timeout=SOPS_TIMEOUT,
        )
    except OSError as exc:
        raise ToolError(f"cannot run sops at {printable(sops)}: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise ToolError(
            f"sops decrypt timed out after {SOPS_TIMEOUT}s", path=encrypted.display
        ) from None
    if proc.returncode != 0:
        reason = " ".join(proc.stderr.decode("utf-8", "replace").split())
        raise LaunchgenError(
            f"sops could not decrypt it: {printable(reason, limit=300)}", path=encrypted.display
        )
    try:
        plain = json.loads(proc.stdout)
    except ValueError:
        raise LaunchgenError("sops did not print a JSON mapping", path=encrypted.display) from None
    if not isinstance(plain, dict) or set(plain) != set(encrypted.keys):
        raise LaunchgenError(
            "decrypted keys differ from the encrypted file's", path=encrypted.display
        )
    total = 0
    values: dict[str, str] = {}
    for key, value in plain.items():
        if not isinstance(value, str):
            raise LaunchgenError(f"{key} did not decrypt to a string", path=encrypted.display)
        size = len(value.encode())
        if size > MAX_VALUE_BYTES:
            raise LaunchgenError(
                f"{key} is {size} bytes: at most {MAX_VALUE_BYTES}", path=encrypted.display
            )
        total += size + len(key)
        values[key] = value
    if total > MAX_SECRET_BYTES:
        raise LaunchgenError(
            f"the secrets total {total} bytes: at most {MAX_SECRET_BYTES}", path=encrypted.display
        )
    return values


def for_deploy(
    manifests: dict[str, bytes], release: str, environment: str, properties: Path, *, dry_run: bool
) -> DeploySecrets | None:
    """The secrets a verified bundle needs, checked against the properties repo and decrypted.

    Called before anything changes on the cluster: every refusal leaves it untouched."""
    from launchgen.diff.manifests import documents

    objects = [
        doc
        for name, data in sorted(manifests.items())
        for doc in documents(data.decode("utf-8"), name)
    ]
    wanted = bound_digest(objects, release, "bundle")
    found = inspect(properties, environment)
    shown = f"{properties}/{relpath(environment)}"
    if wanted is None and found is None:
        return None
    if wanted is None:
        raise LaunchgenError(
            "exists, but the bundle was rendered without it (nothing would read the secrets): "
            "render and package again with this launchgen",
            path=shown,
        )
    if found is None:
        raise LaunchgenError(
            f"is missing: the bundle needs the secrets it was rendered with ({wanted})", path=shown
        )
    if found.digest != wanted:
        raise LaunchgenError(
            f"is not the revision the bundle was rendered with (bundle {wanted}, file "
            f"{found.digest}): deploy a bundle rendered from this revision, or check that "
            "revision out",
            path=shown,
        )
    return DeploySecrets(secret_name(release), found, None if dry_run else decrypt(found))


SECRET_TEMPLATE = f"""\
{{{{- with .Values.{WRAPPER_VALUE} }}}}
apiVersion: v1
kind: Secret
metadata:
  name: {{{{ .name }}}}
  labels:
    app.kubernetes.io/instance: {{{{ $.Release.Name }}}}
    app.kubernetes.io/managed-by: {{{{ $.Release.Service }}}}
  annotations:
    {ANNOTATION}: {{{{ .digest | quote }}}}
type: Opaque
data:
  {{{{- toYaml .data | nindent 2 }}}}
{{{{- end }}}}
"""


def attach(secrets: DeploySecrets | None, chart: Path, *, dry_run: bool) -> str | None:
    """Make the Secret part of the wrapper chart; the values file `helm upgrade` reads
    it from (in a dry run, a placeholder saying what it would hold).

    The values go through a FIFO in the chart's private scratch folder: helm reads them
    from a pipe, nothing is written to disk, and removing the folder ends the feeder."""
    if secrets is None:
        return None
    if dry_run or secrets.values is None:
        keys = ", ".join(secrets.encrypted.keys) or "none"
        return (
            f"<Secret {secrets.name} decrypted by sops from {printable(secrets.encrypted.display)} "
            f"{secrets.encrypted.digest[:19]}, keys: {printable(keys, limit=400)}>"
        )
    (chart / "templates" / WRAPPER_TEMPLATE).write_text(SECRET_TEMPLATE)
    fifo = chart.parent / f".{WRAPPER_VALUE}-{os.urandom(8).hex()}"
    os.mkfifo(fifo, 0o600)
    threading.Thread(
        target=_feed,
        args=(fifo, secrets.wrapper_values()),
        daemon=True,
        name="launchgen-sops-values",
    ).start()
    return str(fifo)


def _feed(fifo: Path, payload: bytes, *, poll: float = 0.02) -> None:
    """Write `payload` once to the first reader of `fifo`; stop when the FIFO is removed."""
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENOENT: the scratch folder is gone
                return
            time.sleep(poll)
    try:
        os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError:
        pass
    finally:
        os.close(fd)
