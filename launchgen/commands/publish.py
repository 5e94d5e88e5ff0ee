"""`launchgen publish`: a verified bundle's manifests to a deploy repo branch or an OCI registry."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "public_key",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Public key the bundle must be signed with.",
)
@click.option("--env", "environment", help="Environment to publish for; must match the bundle's.")
@click.option(
    "--git",
    "git_remote",
    metavar="REMOTE",
    help="Deploy repo (URL or path): commit to branch environments/ENV, folder SERVICE/ "
    "[default: gitops.url in .launchgen.yaml, with source: git].",
)
@click.option(
    "--oci",
    "oci_repository",
    metavar="oci://HOST/PATH",
    help="OCI repository: push the artifact, tagged ENV-VERSION and ENV, with its attestation "
    "[default: gitops.url in .launchgen.yaml, with source: oci].",
)
@click.option(
    "--flavour",
    type=click.Choice(["flux", "argocd"]),
    help="OCI media types: Flux's (config + content layer) or a plain image layer (Argo CD) "
    "[default: gitops.engine in .launchgen.yaml, else flux].",
)
@click.option(
    "--plain-http", is_flag=True, help="Talk to the registry over HTTP (a local registry)."
)
@click.option(
    "--signing-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign the OCI artifact's digest as cosign does (sha256-<hex>.sig), for Flux's verify.",
)
@click.option("--sign", is_flag=True, help="Sign the OCI artifact with $LAUNCHGEN_SIGNING_KEY.")
@click.option(
    "--properties",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The properties repo whose deployments/ENV.yaml records the publish.",
)
@click.option("--no-record", is_flag=True, help="Do not record the publish in the properties repo.")
@click.option(
    "--by",
    help="Who is acting, for the record [default: $GITHUB_ACTOR, $GITLAB_USER_LOGIN or the user].",
)
def command(
    bundle: Path,
    public_key: Path,
    environment: str | None,
    git_remote: str | None,
    oci_repository: str | None,
    flavour: str | None,
    plain_http: bool,
    signing_key: Path | None,
    sign: bool,
    properties: Path,
    no_record: bool,
    by: str | None,
) -> None:
    """Verify BUNDLE, then publish its manifests and attestation for a GitOps engine.

    --git commits them to branch environments/ENV of a deploy repo, in folder SERVICE/
    (with kustomization.yaml and launchgen.json naming the version, the source commits
    and the bundle digest) and pushes it. --oci pushes them as an OCI artifact with
    the attestation attached as a referrer. Without either, the gitops block of the
    properties repo's .launchgen.yaml (launchgen new --gitops) names the target. Either
    way the publish is appended to deployments/ENV.yaml, pending approval.

    Exit codes: 0 published (or already published), 1 the bundle does not verify,
    2 a usage, configuration, git or registry error.
    """
    from launchgen.commands.clusteropts import properties_repo, who
    from launchgen.gitops.mode import configured_target
    from launchgen.publish.run import PublishRequest, run

    repo = None if no_record else properties_repo(properties)
    if repo is not None:  # where `new --gitops` said the engine pulls from
        git_remote, oci_repository, flavour = configured_target(
            properties, git_remote, oci_repository, flavour
        )
    outcome = run(
        PublishRequest(
            bundle=bundle,
            public_key=public_key,
            environment=environment,
            git_remote=git_remote,
            oci_repository=oci_repository,
            flavour=flavour or "flux",
            plain_http=plain_http,
            signing_key=signing_key,
            sign=sign,
            properties=None if repo is None else properties,
            by=who(by),
            service=repo.service if repo else None,
            environments=tuple(repo.environments) if repo else (),
        )
    )
    for line in outcome:
        click.echo(line)
