"""`launchgen update [REPO]`: bring a generated repo up to this launchgen's templates."""

from __future__ import annotations

from pathlib import Path

import click

from launchgen.errors import EXIT_OK, EXIT_PROBLEMS


@click.command()
@click.argument("repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--dry-run", is_flag=True, help="Show the diff and write nothing.")
def command(repo: Path, dry_run: bool) -> int:
    """Re-apply the current templates to REPO with a three-way merge, keeping local edits.

    Uses the template version and answers recorded in .launchgen.yaml. Conflicts are
    written with conflict markers and listed; exit 1 when there are any.
    """
    from launchgen.scaffold.update import apply_update, plan_update, unified_diff

    result = plan_update(repo)
    if dry_run:
        click.echo(unified_diff(result), nl=False)
    else:
        apply_update(repo, result)
    verb = "would update" if dry_run else "updated"
    for change in result.changed:
        click.echo(f"{change.action:9} {change.path}")
    for kept in (f for f in result.files if f.action == "kept-deleted"):
        click.echo(f"skipped   {kept.path} (deleted locally)")
    click.echo(
        f"{verb} {repo} from template {result.from_version} to {result.to_version}: "
        f"{len(result.changed)} file(s), {len(result.conflicts)} conflict(s)"
    )
    return EXIT_PROBLEMS if result.conflicts else EXIT_OK
