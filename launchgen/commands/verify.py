"""`launchgen verify`: a bundle's signature, digests and file set."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The signer's public key (PEM).",
)
def command(bundle: Path, key: Path) -> None:
    """Verify BUNDLE: signed by KEY, every digest matching, exactly the files signed.

    Exit codes: 0 verified, 1 the bundle does not verify (or exceeds a size limit),
    2 a file or key cannot be read.
    """
    from launchgen.bundle import verify
    from launchgen.display import printable

    done = verify(bundle, key)
    params = done.parameters
    facts = (
        f"{params['service']} {params['appVersion']} for {params['environment']} "
        f"(namespace {params['namespace']})"
    )
    click.echo(
        f"verified {printable(str(bundle))}: {len(done.files) - 1} files; {printable(facts)}; {done.digest}"
    )
