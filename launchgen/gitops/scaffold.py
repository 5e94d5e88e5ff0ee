"""`launchgen new --gitops`: the engine objects added to a freshly generated properties repo.

Written after `new` made the repo: `gitops/<env>.yaml` per environment, the `gitops:`
block appended to .launchgen.yaml, and (when `new` made a git repository) one more
commit saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from launchgen.gitops.mode import GitOps
from launchgen.gitops.objects import COSIGN_SECRET, for_environment

FOLDER = "gitops"


def _dumper() -> type:
    import yaml

    class Indented(yaml.SafeDumper):
        """Sequences indented under their key, as yamllint's default config wants."""

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    return Indented


def render(mode: GitOps, service: str, environment: str, app: bool = True) -> str:
    import yaml

    docs = for_environment(mode, service, environment, app)
    origin = (
        "the app repo's chart and this repo's values"
        if mode.multi_source
        else "what `launchgen publish` writes"
    )
    header = (
        f"# {mode.engine} objects deploying {service} to {environment} from {origin}.\n"
        "# Apply them to the cluster the engine runs in; see docs/gitops.md.\n"
    )
    if mode.engine == "flux" and mode.source == "oci":
        header += (
            f"# verify needs Secret {COSIGN_SECRET} in flux-system holding the signing key's .pub as cosign.pub,\n"
            "# and publish --signing-key (or --sign) so each artifact is signed.\n"
        )
    if mode.multi_source:
        header += (
            f"# Multi-source: the chart's appVersion cannot be set here, so envs/{environment}/values.yaml\n"
            "# sets image.tag (Launch chart 1.1.0 or later; lint requires it there, and allows it\n"
            "# in this mode only).\n"
        )
    # One document per file (lint's rule for YAML files): several objects go in a List,
    # which `kubectl apply -f` applies item by item.
    doc = docs[0] if len(docs) == 1 else {"apiVersion": "v1", "kind": "List", "items": docs}
    return header + yaml.dump(doc, Dumper=_dumper(), sort_keys=False, default_flow_style=False)


def _multi_source_values(text: str, environment: str) -> str:
    """An environment's values, saying that the image tag Argo CD deploys is set here and
    how (lint's properties-image-tag-required reports it until it is)."""
    from launchgen.scaffold.repos import TAG_NOTE

    note = (
        f"# Argo CD multi-source mode (gitops/{environment}.yaml) cannot set the chart's appVersion:\n"
        f"# image.tag below is the version deployed to {environment}, and promoting is changing it.\n"
        "# Until it is set, lint reports properties-image-tag-required. For example:\n"
        "#   image:\n"
        "#     tag: 1.4.2\n"
    )
    return text.replace(TAG_NOTE, note) if TAG_NOTE in text else note + text


def check(choice: str, url: str | None, service: str, middleware: bool = False) -> None:
    """Refuse bad --gitops options before `new` writes anything."""
    from launchgen.gitops.mode import parse

    mode = parse(choice, url, service=service, registry="registry.example.com")
    if mode.multi_source and middleware:
        from launchgen.errors import ConfigError

        raise ConfigError(
            "--gitops argocd:multi-source renders an app repo's chart: not for --middleware"
        )


def after_new(
    output_dir: Path, service: str, choice: str, url: str | None, git: bool
) -> Iterator[str]:
    """Add the engine objects to the properties repo `new` just generated."""
    from launchgen import repoconfig
    from launchgen.gitops.mode import parse
    from launchgen.naming import properties_repo_name

    repo = output_dir / properties_repo_name(service)
    config = repoconfig.load(repo, kinds=("properties", "middleware"))
    answers = config.get("answers")
    if not isinstance(answers, dict):
        answers = {}
    mode = parse(
        choice,
        url,
        service=service,
        registry=str(answers.get("registry") or "registry.example.com"),
    )
    environments = [str(e) for e in config.get("environments") or []]
    yield from add(
        repo, mode, service, environments, commit=git, app=config.get("kind") == "properties"
    )


def add(
    repo: Path, mode: GitOps, service: str, environments: list[str], commit: bool, app: bool = True
) -> Iterator[str]:
    from launchgen.files import atomic_write
    from launchgen.standard import REPO_CONFIG_FILE

    for environment in environments:
        atomic_write(repo / FOLDER / f"{environment}.yaml", render(mode, service, environment, app))
        if mode.multi_source:
            values = repo / "envs" / environment / "values.yaml"
            atomic_write(
                values, _multi_source_values(values.read_text(encoding="utf-8"), environment)
            )
    config = repo / REPO_CONFIG_FILE
    text = config.read_text(encoding="utf-8")
    atomic_write(config, text + ("" if text.endswith("\n") else "\n") + mode.block())
    yield f"  added {FOLDER}/ ({mode.engine}, {mode.source}) for {', '.join(environments)}"
    if commit:
        yield f"  committed {_commit(repo, f'gitops: {mode.engine} objects for each environment ({mode.source})')[:12]}"


def _commit(repo: Path, message: str) -> str:
    import os

    import git

    from launchgen.standard import REPO_CONFIG_FILE

    with git.Repo(repo) as handle:
        with handle.config_reader() as config:
            name = config.get_value(
                "user", "name", default=os.environ.get("GIT_AUTHOR_NAME", "launchgen")
            )
            email = config.get_value(
                "user", "email", default=os.environ.get("GIT_AUTHOR_EMAIL", "launchgen@localhost")
            )
        actor = git.Actor(str(name), str(email))
        handle.git.add("--", FOLDER, REPO_CONFIG_FILE, "envs")
        return str(handle.index.commit(message, author=actor, committer=actor).hexsha)
