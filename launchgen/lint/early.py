"""yamllint on the files named on the command line, started before anything else.

The per-file pre-commit hook's wall time is yamllint's process plus whatever launchgen
does before starting it, so this module starts it first: before `.launchgen.yaml` is
parsed (PyYAML), before the engine, the rule catalog or any schema library is imported.
It imports only light modules, and it is optimistic: it starts yamllint on every named
YAML file that yamllint would surely be given (readable, UTF-8, within the default size
limit, result not cached). Once the repo's config is read, the engine keeps what it
wants and drops the rest (an ignored file, yamllint disabled): a wasted process, never
a wrong result. Files it skips are started by the engine as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import launchgen.lint.cache as cache_mod
import launchgen.lint.yamllint_proc as yamllint_proc
from launchgen.lint.flags import FLAGS, NO_CACHE
from launchgen.lint.source import SourceFile
from launchgen.lint.targets import Target, resolve
from launchgen.lint.yamlfiles import MAX_DEPTH, depth_bound, is_yaml_path


class Started:
    """What the early phase did: the targets, the stored cache entries it read, and the
    files (repo root -> relative paths) whose yamllint already runs in `batch`."""

    def __init__(self, targets: list[Target], batch: yamllint_proc.Batch) -> None:
        self.targets = targets
        self.batch = batch
        self.stored: dict[Path, dict[str, Any]] = {}
        self.files: dict[Path, set[str]] = {}


# `launchgen lint`'s options the early scan goes ahead under; any other option (--fix,
# --no-yamllint, --help, a typo) leaves the work to the normal path.
_FLAGS = frozenset(s for f in FLAGS if f.early and not f.value for s in f.spellings)
_VALUED = frozenset(s for f in FLAGS if f.early and f.value for s in f.spellings)
_prestarted: tuple[tuple[tuple[str, ...], bool], Started] | None = None


def prestart(argv: Sequence[str]) -> None:
    """Start yamllint for a `launchgen lint` command line (the words after `lint`) before
    the CLI imports click; `lint_repos` takes it over when its request matches. Never
    raises: anything unexpected leaves the work to the normal path, which reports it."""
    global _prestarted
    paths: list[str] = []
    cache = True
    words = iter(argv)
    for word in words:
        if word == "--":
            paths.extend(words)
        elif word in _VALUED:
            next(words, None)
        elif word.startswith(tuple(f"{name}=" for name in _VALUED if name.startswith("--"))):
            continue
        elif word in _FLAGS:
            cache = cache and word not in NO_CACHE.spellings
        elif word.startswith("-"):
            return
        else:
            paths.append(word)
    if not paths:
        return  # the current folder: a whole repo, started by the engine
    try:
        started = start(paths, cache_mod.Cache(None, cache), yamllint=True)
    except Exception:
        return
    import atexit

    atexit.register(started.batch.close)  # a usage error may end the run before lint
    _prestarted = ((tuple(paths), cache), started)


def discard() -> None:
    """Stop a prestarted yamllint that no lint run took over (say, after a usage error)."""
    global _prestarted
    found, _prestarted = _prestarted, None
    if found is not None:
        found[1].batch.close()


def take(paths: Sequence[str], cache: bool) -> Started | None:
    """The prestarted phase for exactly this request, else None (and it is stopped)."""
    global _prestarted
    found, _prestarted = _prestarted, None
    if found is None:
        return None
    if found[0] == (tuple(paths), cache):
        return found[1]
    found[1].batch.close()
    return None


def start(paths: Sequence[str], store: cache_mod.Cache, yamllint: bool) -> Started:
    started = Started(resolve(paths), yamllint_proc.Batch())
    if not yamllint:
        return started
    fingerprint = yamllint_proc.fingerprint()
    try:
        for target in started.targets:
            if target.files:
                _start_target(started, target, store, fingerprint)
        started.batch.launch()
    except BaseException:
        started.batch.close()
        raise
    return started


def _start_target(
    started: Started, target: Target, store: cache_mod.Cache, fingerprint: str
) -> None:
    root = target.root
    stored = started.stored[root] = store.load(root)
    config, _ = yamllint_proc.config_text(root)
    cwd, what = yamllint_proc.group(config, root)  # as the engine groups them
    cached = stored.get("yamllint", {})
    files = []
    for relpath in sorted(target.files):
        if not is_yaml_path(relpath):
            continue
        source = SourceFile(root, relpath)
        if source.text is None or depth_bound(source.text) > MAX_DEPTH:
            continue  # the engine decides these with the repo's settings
        entry = cached.get(relpath) if isinstance(cached, dict) else None
        if entry and entry[0] == cache_mod.key(fingerprint, config, source.digest):
            continue
        files.append(relpath)
    if files:
        started.files[root] = set(files)
        paths = files if cwd else [str(root / f) for f in files]
        started.batch.start(config, paths, cwd or Path.cwd(), what=what)
