"""sops secrets without a cluster: the file's checks, render, package, and every deploy refusal.

Refusals are exercised with a kubeconfig that points nowhere and without --dry-run: a
refusal must come before any cluster access, so reaching kubectl would fail differently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from launchgen import helmargv, sopssecrets
from launchgen.errors import LaunchgenError
from tests.deploy.helpers import Service
from tests.helpers.cli import invoke
from tests.helpers.tools import HELM_VERSIONS, tool
from tests.secrets.helpers import (
    PLAIN,
    PLAINTEXTS,
    AgeKey,
    age_key,
    encrypt,
    files_under,
    make_sops_service,
    no_plaintext_in,
    sha256,
    sops_env,
)

pytestmark = [pytest.mark.helm]


@pytest.fixture
def svc(tmp_path: Path, key: AgeKey, monkeypatch: pytest.MonkeyPatch, private_tmp: Path) -> Service:
    sops_env(monkeypatch, key, tmp_path)
    return make_sops_service(tmp_path, str(tool("helm4")), tmp_path / "no-such-kubeconfig", key)


def render(
    svc: Service, env: str = "dev", *extra: str, lint: bool = False
) -> tuple[int, str, Path]:
    out = svc.out / f"render-{env}"
    result = invoke(
        "render",
        svc.props,
        "--app-version",
        "1.0.0",
        "--env",
        env,
        "-o",
        out,
        "--helm",
        svc.helm,
        *([] if lint else ["--no-lint"]),
        *extra,
    )
    return result.exit_code, result.output, out / env


def deployment(folder: Path) -> dict[str, Any]:
    from launchgen.diff.manifests import documents

    record = json.loads((folder / "render.json").read_text())
    for name in record["manifests"]:
        for doc in documents((folder / name).read_text(), name):
            if doc["kind"] == "Deployment":
                return doc
    raise AssertionError("no Deployment rendered")


# --- the file's checks, on real sops output ----------------------------------------------


def test_encrypted_file_is_read_without_a_key(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = encrypt(svc.props, "dev", PLAIN)
    monkeypatch.delenv("SOPS_AGE_KEY_FILE")
    found = sopssecrets.inspect(svc.props, "dev")
    assert found is not None
    assert found.keys == ("DB_PASSWORD", "API_TOKEN")
    assert found.digest == sha256(path)
    assert sopssecrets.inspect(svc.props, "test") is None


@pytest.mark.parametrize(
    ("plain", "sops_args", "message"),
    [
        ("PORT: 5432\n", (), "PORT is a int, not a string"),
        ("my-key: x\n", (), "not an environment variable name"),
        ("DB: {user: a, password: b}\n", (), "DB is not encrypted (or not a plain string)"),
        ("TOKEN_unencrypted: visible\n", (), "TOKEN_unencrypted is not encrypted"),
        ("A: x\nB: y\n", ("--encrypted-regex", "^A$"), "B is not encrypted"),
    ],
)
def test_malformed_files_are_refused(
    svc: Service, plain: str, sops_args: tuple[str, ...], message: str
) -> None:
    encrypt(svc.props, "dev", plain, extra_args=sops_args)
    with pytest.raises(LaunchgenError) as raised:
        sopssecrets.inspect(svc.props, "dev")
    assert message in str(raised.value)
    assert "envs/dev/secrets.yaml" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"A: x\nA: y\nsops: {mac: x}\n", "f:2: key A appears twice"),
        (b"? [a]\n: x\n", "keys must be environment variable names"),
        (b"a: [\n", "f:2: invalid YAML"),
        (b"- a\n", "must be a mapping"),
        (b"\xff", "not valid UTF-8"),
    ],
)
def test_unparsable_files_are_refused(text: bytes, message: str) -> None:
    with pytest.raises(LaunchgenError) as raised:
        sopssecrets.parse_encrypted(text, "f")
    assert message in str(raised.value)


def test_plaintext_file_is_refused(svc: Service) -> None:
    (svc.props / "envs" / "dev" / "secrets.yaml").write_text(PLAIN)
    with pytest.raises(LaunchgenError, match="is not sops-encrypted"):
        sopssecrets.inspect(svc.props, "dev")


def test_key_services_other_than_age_are_refused(svc: Service) -> None:
    path = encrypt(svc.props, "dev", PLAIN)
    text = path.read_text().replace(
        "sops:\n",
        "sops:\n    hc_vault:\n"
        "        - vault_address: https://attacker.example\n"
        "          engine_path: x\n          key_name: y\n          created_at: z\n"
        "          enc: w\n",
        1,
    )
    path.write_text(text)
    with pytest.raises(
        LaunchgenError,
        match="encrypted with hc_vault: launchgen decrypts only files encrypted to age",
    ):
        sopssecrets.inspect(svc.props, "dev")


def test_symlinks_and_huge_files_are_refused(svc: Service, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yaml"
    target.write_text("x: y\n")
    link = svc.props / "envs" / "dev" / "secrets.yaml"
    link.symlink_to(target)
    with pytest.raises(LaunchgenError, match="must be a regular file"):
        sopssecrets.inspect(svc.props, "dev")
    link.unlink()
    link.write_bytes(b"#" * (sopssecrets.MAX_FILE_BYTES + 1))
    with pytest.raises(LaunchgenError, match="at most 1048576"):
        sopssecrets.inspect(svc.props, "dev")
    link.unlink()
    (svc.props / "envs" / "dev" / "secrets.yml").write_text("x: y\n")
    with pytest.raises(LaunchgenError, match=r"rename secrets\.yml"):
        sopssecrets.inspect(svc.props, "dev")


# --- render ----------------------------------------------------------------------------


@pytest.mark.parametrize("helm_name", sorted(HELM_VERSIONS))
def test_render_binds_the_ciphertext_digest_and_reads_the_secret(
    svc: Service, helm_name: str
) -> None:
    svc.helm = str(tool(helm_name))
    path = encrypt(svc.props, "dev", PLAIN)
    code, output, folder = render(svc, "dev")
    assert code == 0, output
    pod = deployment(folder)["spec"]["template"]
    assert pod["metadata"]["annotations"][sopssecrets.ANNOTATION] == sha256(path)
    assert pod["spec"]["containers"][0]["envFrom"] == [
        {"secretRef": {"name": f"{svc.name}-secrets"}}
    ]
    # neither plaintext nor ciphertext is copied anywhere in the render
    ciphertext = re.findall(rb"data:([A-Za-z0-9+/=]{8,}),", path.read_bytes())
    for rendered in files_under(folder):
        assert not any(c in rendered.read_bytes() for c in ciphertext), rendered
    no_plaintext_in(folder)
    # an environment without a secrets file renders as before
    code, output, test_folder = render(svc, "test")
    assert code == 0, output
    pod = deployment(test_folder)["spec"]["template"]
    assert sopssecrets.ANNOTATION not in (pod["metadata"].get("annotations") or {})
    assert "envFrom" not in pod["spec"]["containers"][0]


def test_generated_repos_with_encrypted_secrets_pass_lint(svc: Service) -> None:
    """sops writes lines longer than the generated .yamllint allows: the secrets files are exempt."""
    path = encrypt(svc.props, "dev", PLAIN + f'LONG: "{"x" * 300}"\n')
    assert max(len(line) for line in path.read_text().splitlines()) > 160
    code, output, _ = render(svc, "dev", lint=True)
    assert code == 0, output


def test_render_keeps_user_env_from_and_pod_annotations(svc: Service) -> None:
    path = encrypt(svc.props, "dev", PLAIN)
    svc.set_values(
        "dev", "envFrom:\n  - configMapRef: {name: shared}\npodAnnotations:\n  team: a\n"
    )
    code, output, folder = render(svc)
    assert code == 0, output
    pod = deployment(folder)["spec"]["template"]
    assert pod["metadata"]["annotations"] == {"team": "a", sopssecrets.ANNOTATION: sha256(path)}
    assert pod["spec"]["containers"][0]["envFrom"] == [
        {"configMapRef": {"name": "shared"}},
        {"secretRef": {"name": f"{svc.name}-secrets"}},
    ]


def test_render_refuses_an_unencrypted_secrets_file(svc: Service) -> None:
    (svc.props / "envs" / "dev" / "secrets.yaml").write_text(PLAIN)
    code, output, folder = render(svc)
    assert code == 2, output
    assert "envs/dev/secrets.yaml: is not sops-encrypted" in output
    assert "Traceback" not in output and not folder.exists()
    for secret in PLAINTEXTS:
        assert secret.decode() not in output


def test_render_refuses_a_digest_set_by_hand(svc: Service) -> None:
    svc.set_values("dev", f"sopsSecrets:\n  digest: sha256:{'0' * 64}\n")
    code, output, folder = render(svc)
    assert code == 2, output
    assert "no envs/dev/secrets.yaml: sopsSecrets is set by launchgen render" in output
    assert not folder.exists()


def test_render_refuses_a_chart_that_would_drop_the_secrets(svc: Service) -> None:
    """An umbrella chart that ignores sopsSecrets (an older Launch chart, a hand-made one)."""
    encrypt(svc.props, "dev", PLAIN)
    for template in (svc.app / "templates").glob("*.yaml"):
        template.write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
        )
    code, output, folder = render(svc)
    assert code == 2, output
    assert "envs/dev/secrets.yaml: would not be delivered" in output
    assert "refusing to drop the secrets silently" in output
    assert not folder.exists()


# --- deploy: the plan, and every refusal before the cluster is touched ---------------------


def bundle_with_secrets(svc: Service) -> tuple[Path, Path]:
    path = encrypt(svc.props, "dev", PLAIN)
    return svc.bundle("1.0.0"), path


def refused(svc: Service, bundle: Path, message: str) -> None:
    result = svc.deploy(bundle)
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output and "kubectl" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    for secret in PLAINTEXTS:
        assert secret.decode() not in result.output
    assert not (svc.props / "deployments" / "dev.yaml").exists()  # nothing recorded


def test_dry_run_shows_the_keys_never_the_values(
    svc: Service, monkeypatch: pytest.MonkeyPatch, private_tmp: Path
) -> None:
    bundle, path = bundle_with_secrets(svc)
    monkeypatch.delenv("SOPS_AGE_KEY_FILE")  # a dry run does not decrypt
    result = svc.deploy(bundle, dry_run=True)
    assert result.exit_code == 0, result.output
    assert f"--values <Secret {svc.name}-secrets decrypted by sops from" in result.output
    assert "keys: DB_PASSWORD, API_TOKEN>" in result.output and sha256(path)[:19] in result.output
    for secret in PLAINTEXTS:
        assert secret.decode() not in result.output
    assert files_under(private_tmp) == []
    no_plaintext_in(svc.out)


def test_deploy_without_an_age_key_is_refused(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle, _ = bundle_with_secrets(svc)
    monkeypatch.delenv("SOPS_AGE_KEY_FILE")
    refused(svc, bundle, "envs/dev/secrets.yaml: no age key to decrypt it: set SOPS_AGE_KEY_FILE")


def test_deploy_with_the_wrong_age_key_is_refused(
    svc: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle, _ = bundle_with_secrets(svc)
    other = age_key(tmp_path)
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(other.identity))
    refused(
        svc, bundle, "envs/dev/secrets.yaml: sops could not decrypt it: Failed to get the data key"
    )


def test_deploy_without_sops_is_refused(
    svc: Service, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bundle, _ = bundle_with_secrets(svc)
    monkeypatch.setenv("LAUNCHGEN_SOPS", str(tmp_path / "no-such-sops"))
    refused(svc, bundle, "sops not found")


def test_tampered_ciphertext_is_refused(svc: Service) -> None:
    """Changed before render (so the digest matches): sops's authentication catches it."""
    path = encrypt(svc.props, "dev", PLAIN)
    text = path.read_text()
    data = re.search(r"DB_PASSWORD: ENC\[AES256_GCM,data:([A-Za-z0-9+/]{4})", text)
    assert data is not None
    flipped = data.group(1)[::-1] if data.group(1)[::-1] != data.group(1) else "AAAA"
    path.write_text(text.replace(data.group(0), data.group(0)[:-4] + flipped, 1))
    refused(svc, svc.bundle("1.0.0"), "envs/dev/secrets.yaml: sops could not decrypt it")


def test_secrets_changed_since_render_are_refused(svc: Service) -> None:
    bundle, path = bundle_with_secrets(svc)
    rendered = sha256(path)
    encrypt(svc.props, "dev", 'DB_PASSWORD: "rotated"\n')
    refused(svc, bundle, f"is not the revision the bundle was rendered with (bundle {rendered}")
    path.unlink()
    refused(
        svc,
        bundle,
        f"envs/dev/secrets.yaml: is missing: the bundle needs the secrets it was rendered with "
        f"({rendered})",
    )


def test_secrets_added_after_render_are_refused(svc: Service) -> None:
    bundle = svc.bundle("1.0.0")
    encrypt(svc.props, "dev", PLAIN)
    refused(svc, bundle, "envs/dev/secrets.yaml: exists, but the bundle was rendered without it")


def test_the_wrapper_values_reach_helm_through_a_pipe(tmp_path: Path) -> None:
    """attach() serves the values once through a FIFO; removing the folder ends the feeder."""
    import shutil
    import threading

    chart = tmp_path / "scratch" / "chart"
    (chart / "templates").mkdir(parents=True)
    encrypted = sopssecrets.Encrypted("envs/dev/secrets.yaml", b"x", "sha256:" + "a" * 64, ("A",))
    secrets = sopssecrets.DeploySecrets("svc-secrets", encrypted, {"A": "value-" * 30000})
    fed = sopssecrets.attach(secrets, chart, dry_run=False)
    assert fed is not None
    fifo = Path(fed)
    assert fifo.parent == chart.parent and fifo.is_fifo()
    assert (fifo.stat().st_mode & 0o777) == 0o600
    payload = json.loads(fifo.read_bytes())  # more than a pipe buffer: the feeder streams it
    assert payload[sopssecrets.WRAPPER_VALUE]["data"]["A"].startswith("dmFsdWUt")
    # a second feeder that nobody reads stops when the scratch folder goes
    sopssecrets.attach(secrets, chart, dry_run=False)
    shutil.rmtree(tmp_path / "scratch")
    deadline = __import__("time").monotonic() + 5
    while any(t.name == "launchgen-sops-values" for t in threading.enumerate()):
        assert __import__("time").monotonic() < deadline, "the feeder did not stop"
        __import__("time").sleep(0.05)


@pytest.mark.parametrize("helm_name", sorted(HELM_VERSIONS))
def test_real_helm_reads_the_secret_from_the_pipe(tmp_path: Path, helm_name: str) -> None:
    """The wrapper chart with the Secret template, its values fed through the FIFO, rendered by real helm."""
    import base64
    import subprocess

    from launchgen.deploy.source import DeploymentSource
    from launchgen.deploy.wrapper import write_chart
    from launchgen.diff.manifests import documents

    source = DeploymentSource(
        "svc",
        "dev",
        "1.0.0",
        "svc",
        "0.1.0",
        "svc",
        "svc-dev",
        {
            "manifests/01-configmap-svc.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: svc\n"
        },
        "sha256:" + "b" * 64,
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir(mode=0o700)
    chart = write_chart(source, scratch)
    encrypted = sopssecrets.Encrypted(
        "envs/dev/secrets.yaml", b"x", "sha256:" + "a" * 64, ("DB_PASSWORD", "EMPTY")
    )
    values = {"DB_PASSWORD": "p@ss: {{ .Release.Name }}\n'\"", "EMPTY": ""}
    fed = sopssecrets.attach(
        sopssecrets.DeploySecrets("svc-secrets", encrypted, values), chart, dry_run=False
    )
    assert fed is not None
    args = helmargv.template(
        helmargv.Release("svc", "svc-dev"), chart, values=[fed], kube_version="1.35.0"
    )
    out = subprocess.run(
        [str(tool(helm_name)), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    objects = {doc["kind"]: doc for doc in documents(out, "helm template")}
    secret = objects["Secret"]
    assert secret["metadata"]["name"] == "svc-secrets"
    assert secret["metadata"]["annotations"] == {sopssecrets.ANNOTATION: "sha256:" + "a" * 64}
    assert {
        k: base64.b64decode(v).decode() for k, v in secret["data"].items()
    } == values  # never templated
    assert objects["ConfigMap"]["metadata"]["name"] == "svc"
