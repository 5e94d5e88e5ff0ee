"""`launchgen keygen`: a signing key pair for deployment bundles."""

from __future__ import annotations

import os
from pathlib import Path

import click

from launchgen.errors import ConfigError


@click.command()
@click.option(
    "-o",
    "--output",
    "prefix",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("launchgen-signing"),
    show_default=True,
    help="Writes PREFIX.key (private, mode 0600) and PREFIX.pub.",
)
@click.option(
    "--type",
    "key_type",
    type=click.Choice(["ed25519", "ecdsa-p256"]),
    default="ed25519",
    show_default=True,
)
@click.option(
    "--passphrase-env", metavar="VAR", help="Encrypt the private key with the passphrase in $VAR."
)
@click.option(
    "--force", is_flag=True, help="Replace an existing key pair (the old private key is lost)."
)
def command(prefix: Path, key_type: str, passphrase_env: str | None, force: bool) -> None:
    """Create a key pair: sign bundles with the .key, verify them with the .pub.

    In CI, store the .key's content in a secret exposed as $LAUNCHGEN_SIGNING_KEY
    (and its passphrase as $LAUNCHGEN_SIGNING_KEY_PASSPHRASE): it is never written to disk.
    """
    from launchgen.bundle.keys import key_id, load_public_key, write_key_pair
    from launchgen.display import printable

    passphrase = None
    if passphrase_env:
        value = os.environ.get(passphrase_env)
        if not value:
            raise ConfigError(
                f"--passphrase-env {printable(passphrase_env)}: ${printable(passphrase_env)} is not set"
            )
        passphrase = value.encode()
    private, public = write_key_pair(prefix, key_type, passphrase, force)
    click.echo(
        f"wrote {printable(str(private))} (private, keep it secret) and {printable(str(public))}; "
        f"key id {key_id(load_public_key(public))}"
    )
