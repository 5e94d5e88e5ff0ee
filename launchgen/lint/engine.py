"""The lint run: repos and files in, problems out.

1. Resolve the paths to repos; start yamllint on the files named (lint/early.py),
   before even PyYAML is imported; read each `.launchgen.yaml` with the C parser and
   resolve its lint settings against the rule catalog.
2. Start yamllint, in separate processes, on the other files whose yamllint result is
   not cached: before jsonschema is imported, so yamllint's time overlaps everything
   else; drop early processes the repo's settings do not want.
3. Validate the config; look each file up in the content-hash cache; run launchgen's
   file rules on the rest, then the repo rules.
4. Collect yamllint, stamp configured severities, apply inline suppressions and flag
   the unused ones; with --fix, apply edits and lint again.

The late rules (yaml-lint, suppress-*) are computed in steps 2 and 4 with the functions
of their own modules.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import launchgen.lint.cache as cache_mod
import launchgen.lint.yamllint_proc as yamllint_proc
from launchgen.errors import ConfigError
from launchgen.lint.contract import Context, Edit, Hit, Rule, is_yaml_path
from launchgen.lint.early import Started
from launchgen.lint.repo import Repo
from launchgen.lint.rules import RULES, suppression, yamlfile
from launchgen.lint.source import SourceFile
from launchgen.lint.statcache import Digests
from launchgen.lint.targets import Target, resolve
from launchgen.lint.yamlfiles import MAX_DEPTH, depth_bound
from launchgen.problem import Problem, Severity

if TYPE_CHECKING:
    from launchgen.lint.yamllint_proc import Finding

YAMLLINT = yamlfile.yamllint.id
# Files the repo rules read besides YAML files.
REPO_INPUTS = ("Chart.lock",)

RawHit = tuple[str, Hit, "str | None"]  # rule id, hit, yamllint level


@dataclass(frozen=True)
class Options:
    fix: bool = False
    cache: bool = True
    cache_dir: Path | None = None
    yamllint: bool = True
    base: str | None = None  # with a base revision, the revision rules run too
    head: str = "HEAD"
    # "all"; or "repo": only what the per-file hook cannot see (cross-file and revision
    # rules, and the file rules on files its `types: [yaml]` filter never passes).
    scope: str = "all"


SCOPES = ("all", "repo")
# --fix applies edits and lints again until nothing changes (ruff's loop), at most this often.
MAX_FIX_PASSES = 10
# What pre-commit's `types: [yaml]` (the identify library) passes to the per-file hook.
_HOOK_YAML_SUFFIXES = (".yaml", ".yml", ".eyaml", ".yamlld")
_HOOK_YAML_NAMES = frozenset(
    {".yamllint", ".ansible-lint", ".clang-format", ".clang-tidy", ".salt-lint"}
)


def hook_covered(root: Path, relpath: str) -> bool:
    """Whether the per-file pre-commit hook is given this file (a regular YAML file)."""
    name = relpath.rsplit("/", 1)[-1]
    return (name.endswith(_HOOK_YAML_SUFFIXES) or name in _HOOK_YAML_NAMES) and not os.path.islink(
        root / relpath
    )


@dataclass
class RepoResult:
    root: Path
    problems: list[Problem]
    fixed: list[str] = field(default_factory=list)
    not_fixed: list[str] = field(default_factory=list)  # symlinks: --fix never writes through one


@dataclass
class _Work:
    """One repo's state during a run."""

    repo: Repo
    target: Target
    files: list[str]
    stored: dict[str, Any]
    digests: Digests  # content hashes, from stat() where that is safe (lint/statcache.py)
    context_key: str = ""
    hits: dict[str, list[RawHit]] = field(default_factory=dict)  # file -> hits of its file rules
    pending: list[str] = field(default_factory=list)  # files whose rules run (not cached)
    file_entries: dict[str, Any] = field(default_factory=dict)  # new cache entries
    lint_keys: dict[str, str] = field(default_factory=dict)  # file -> yamllint cache key
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # file -> yamllint findings
    yamllint_ran: set[str] = field(default_factory=set)  # files yamllint checked (now or cached)
    same_as: dict[str, str] = field(default_factory=dict)  # file -> identical file linted instead
    yamllint_failed: bool = False
    repo_hits: list[RawHit] = field(default_factory=list)
    repo_entry: Any = None
    settings_error: ConfigError | None = None  # raised where the settings are needed


def run(
    paths: Sequence[str | os.PathLike[str]],
    options: Options = Options(),
    started: Started | None = None,
) -> list[RepoResult]:
    """Lint; `started` is the early yamllint phase, when the caller ran it (not with fix)."""
    if options.scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    targets = started.targets if started is not None else resolve(paths)
    if options.fix:
        # Until a fixed point: one fix can enable another (a restored placeholder is then
        # quoted), and overlapping edits wait for the next pass. yamllint proposes no edit.
        fixed: dict[Path, list[str]] = {}
        refused: dict[Path, set[str]] = {}
        for _ in range(MAX_FIX_PASSES):
            changed = _apply_fixes(_run_targets(targets, replace(options, yamllint=False)), refused)
            for root, paths in changed.items():
                fixed.setdefault(root, []).extend(p for p in paths if p not in fixed[root])
            if not changed:
                break
        again = [r for r, _ in _run_targets(targets, replace(options, fix=False))]
        for result in again:
            result.fixed = sorted(fixed.get(result.root, []))
            result.not_fixed = sorted(refused.get(result.root, set()))
        return again
    return [r for r, _ in _run_targets(targets, options, started)]


def _run_targets(
    targets: list[Target], options: Options, started: Started | None = None
) -> list[tuple[RepoResult, list[tuple[Problem, Edit]]]]:
    store = cache_mod.Cache(options.cache_dir, options.cache and not options.fix)
    batch = started.batch if started is not None else yamllint_proc.Batch()
    try:
        works = [_read(t, store, started, options.scope) for t in targets]
        _start_yamllint(works, batch, options, started.files if started is not None else {})
        for work in works:
            if work.settings_error is not None:
                raise work.settings_error
            if work.stored.get("config") != _config_key(work.repo):
                work.repo.validate()  # jsonschema is slow to import: only for a config not seen valid
            _lookup(work)
            _check_files(work)
            if work.target.whole:
                _check_repo(work)
            if options.base:
                _check_revision(work, options.base, options.head)
        found = batch.results()
    finally:
        batch.close()
    _merge_yamllint(works, found, batch.failures)
    out = []
    for work in works:
        _save(work, store)
        out.append(_finish(work))
    return out


# -- 1: repos and files ------------------------------------------------------------------


def _read(
    target: Target, store: cache_mod.Cache, started: Started | None, scope: str = "all"
) -> _Work:
    repo = Repo.read(target.root)
    if target.whole:
        files = list(repo.files)
    else:
        given = {f for f in target.files if not repo.is_ignored(f)}
        below = (
            {f for f in repo.files if f.startswith(tuple(target.folders))}
            if target.folders
            else set()
        )
        files = sorted(given | below)
    if scope == "repo":
        files = [f for f in files if not hook_covered(repo.root, f)]
    stored = started.stored.get(target.root) if started is not None else None
    if stored is None:
        stored = store.load(target.root)
    error = None
    try:
        repo.resolve()  # before yamllint starts: it reads the settings
    except ConfigError as exc:
        error = exc
    digests = Digests(repo.root, stored.get("stat"), (repo.max_bytes, repo.max_lines))
    return _Work(repo, target, files, stored, digests, settings_error=error)


# -- 2: yamllint -----------------------------------------------------------------------------


def _start_yamllint(
    works: list[_Work], batch: yamllint_proc.Batch, options: Options, early: dict[Path, set[str]]
) -> None:
    groups: dict[tuple[str, Path | None, str], list[str]] = {}
    fingerprint = yamllint_proc.fingerprint()
    unwanted: set[str] = set()  # early-started files the repo's settings do not lint
    # yamllint's findings depend on a file's bytes and the config only, unless the config
    # has `ignore` patterns (they match paths): identical files are linted once.
    linted: dict[str, str] = {}  # lint key -> path of the file yamllint gets
    for work in works:
        running = early.get(work.repo.root, set())
        unwanted.update(str(work.repo.root / f) for f in running)
        if not options.yamllint or work.settings_error or not work.repo.wants_yamllint():
            continue
        config, _ = yamllint_proc.config_text(work.repo.root)
        cwd, what = yamllint_proc.group(config, work.repo.root)
        stored = work.stored.get("yamllint", {})
        for relpath in work.files:
            source = work.repo.source(relpath) if is_yaml_path(relpath) else None
            if source is None:
                continue
            key = cache_mod.key(fingerprint, config, work.digests.digest(source))
            cached = stored.get(relpath)
            if cached and cached[0] == key:
                # Stored only for bytes that decoded (yamllint gets text): no read.
                work.lint_keys[relpath] = key
                work.yamllint_ran.add(relpath)
                work.findings[relpath] = [yamllint_proc.Finding(*row) for row in cached[1]]
                continue
            text = source.text
            if text is None:
                continue
            work.lint_keys[relpath] = key
            work.yamllint_ran.add(relpath)
            if depth_bound(text) > MAX_DEPTH and source.parsed and source.parsed.error:
                work.yamllint_ran.discard(
                    relpath
                )  # yamllint's pure-Python parser would recurse too deep
                continue
            path = relpath if cwd else str(work.repo.root / relpath)
            if relpath in running:
                unwanted.discard(str(work.repo.root / relpath))  # already linted, same config
                if cwd is None:
                    linted.setdefault(key, path)
                continue
            if cwd is None:
                if key in linted:
                    work.same_as[relpath] = linted[key]
                    continue
                linted[key] = path
            groups.setdefault((config, cwd, what), []).append(path)
    batch.drop(unwanted)
    for (config, cwd, what), files in groups.items():
        batch.start(config, files, cwd or Path.cwd(), what=what)
    batch.launch()


def _merge_yamllint(
    works: list[_Work], found: dict[str, list[Finding]], failures: list[tuple[str, str]]
) -> None:
    for work in works:
        for relpath in sorted(work.yamllint_ran):
            if relpath not in work.findings:
                path = work.same_as.get(relpath) or str(work.repo.root / relpath)
                work.findings[relpath] = found.get(path, [])
            for hit, level in yamlfile.hits(work.findings[relpath]):
                work.hits.setdefault(relpath, []).append((YAMLLINT, hit, level))
        config, name = yamllint_proc.config_text(work.repo.root)
        _, ours = yamllint_proc.group(config, work.repo.root)
        for what, message in failures:
            if what == ours and work.yamllint_ran:
                hit = yamlfile.failed(message, name or sorted(work.yamllint_ran)[0])
                work.repo_hits.append((YAMLLINT, hit, None))
                work.yamllint_failed = True


# -- 3: launchgen's rules, with the cache --------------------------------------------------


def _context_key(work: _Work) -> str:
    repo = work.repo
    parts = [cache_mod.code_fingerprint(), repo.config_source.digest]
    for rule in RULES.values():
        if rule.inputs is not None and repo.settings.enabled(rule.id) and repo.kind in rule.kinds:
            for path in rule.inputs(repo):
                parts.append(work.digests.input_digest(path))
    return cache_mod.key(*parts)


def _config_key(repo: Repo) -> str:
    return cache_mod.key(cache_mod.code_fingerprint(), repo.config_source.digest)


def _lookup(work: _Work) -> None:
    work.context_key = _context_key(work)
    stored = work.stored.get("files", {})
    for relpath in work.files:
        if not _file_rules(work.repo, relpath):
            continue
        source = work.repo.source(relpath)
        if source is not None and is_yaml_path(relpath):
            key = cache_mod.key(work.context_key, relpath, work.digests.digest(source))
            cached = stored.get(relpath)
            if cached and cached[0] == key:
                work.hits.setdefault(relpath, []).extend(cache_mod.load_hits(cached[1]))
                work.file_entries[relpath] = cached
                continue
            work.file_entries[relpath] = [key, None]
        work.pending.append(relpath)


def _enabled(repo: Repo, rule: Rule) -> bool:
    return repo.settings.enabled(rule.id) and repo.kind in rule.kinds


def _file_rules(repo: Repo, relpath: str) -> list[Rule]:
    enabled = repo.memo.get("file-rules")
    if enabled is None:  # per repo, once: this runs for every file
        enabled = repo.memo["file-rules"] = [
            r for r in RULES.values() if r.scope == "file" and _enabled(repo, r)
        ]
    found = repo.memo.get(relpath)
    if found is None:
        found = repo.memo[relpath] = [r for r in enabled if r.applies_to(relpath)]
    return found


# -- 4: launchgen's rules ----------------------------------------------------------------


def _run_rule(rule: Rule, ctx: Context) -> Iterator[Hit]:
    try:
        yield from rule.check(ctx)
    except Exception as exc:
        where = ctx.file.relpath if ctx.file else None
        yield Hit(
            f"internal error in rule {rule.id}: {type(exc).__name__}: {exc}",
            "please report this as a launchgen bug",
            path=where,
        )


def _check_files(work: _Work) -> None:
    repo = work.repo
    for relpath in work.pending:
        source = repo.source(relpath)
        if source is None:
            continue
        found: list[RawHit] = []
        for rule in _file_rules(repo, relpath):
            if rule.late:
                continue
            ctx = Context(repo, repo.settings.rules[rule.id].options, file=source)
            found.extend((rule.id, hit, None) for hit in _run_rule(rule, ctx))
        work.hits.setdefault(relpath, []).extend(found)
        if relpath in work.file_entries:
            work.file_entries[relpath][1] = cache_mod.dump_hits(found)


def _repo_key(work: _Work) -> str:
    parts = [work.context_key, "\n".join(work.repo.files)]
    for relpath in work.repo.files:
        if is_yaml_path(relpath) or relpath in REPO_INPUTS:
            source = work.repo.source(relpath)
            parts.append(work.digests.digest(source) if source else "-")
    return cache_mod.key(*parts)


def _check_repo(work: _Work) -> None:
    repo = work.repo
    key = _repo_key(work)
    cached = work.stored.get("repo")
    if cached and cached[0] == key:
        work.repo_hits.extend(cache_mod.load_hits(cached[1]))
        work.repo_entry = cached
        return
    found: list[RawHit] = []
    for rule in RULES.values():
        if rule.scope != "repo" or not _enabled(repo, rule):
            continue
        ctx = Context(repo, repo.settings.rules[rule.id].options)
        found.extend((rule.id, hit, None) for hit in _run_rule(rule, ctx))
    work.repo_hits.extend(found)
    work.repo_entry = [key, cache_mod.dump_hits(found)]


def _check_revision(work: _Work, base: str, head: str) -> None:
    """The revision rules: head against base, read from git objects (never cached:
    they depend on history, not on the files' content)."""
    from launchgen.gate.revisions import RevisionPair

    repo = work.repo
    rules = [r for r in RULES.values() if r.scope == "revision" and _enabled(repo, r)]
    if not rules:
        return
    pair = RevisionPair(repo.root, base, head)
    try:
        for rule in rules:
            ctx = Context(repo, repo.settings.rules[rule.id].options, base=pair)
            work.repo_hits.extend((rule.id, hit, None) for hit in _run_rule(rule, ctx))
    finally:
        pair.close()


def _save(work: _Work, store: cache_mod.Cache) -> None:
    if not store.enabled:
        return

    def merged(name: str, new: dict[str, Any]) -> dict[str, Any]:
        # Keep entries of files not linted this time (the per-file hook lints a few at a time).
        previous = work.stored.get(name)
        return {**(previous if isinstance(previous, dict) else {}), **new}

    lint_entries: dict[str, Any] = {}
    if not work.yamllint_failed:
        for relpath, key in work.lint_keys.items():
            if relpath in work.yamllint_ran:
                lint_entries[relpath] = [key, [list(f) for f in work.findings.get(relpath, [])]]
    files = {k: v for k, v in work.file_entries.items() if v[1] is not None}
    data = {
        "yamllint": merged("yamllint", lint_entries),
        "files": merged("files", files),
        "repo": work.repo_entry if work.repo_entry is not None else work.stored.get("repo"),
        "config": _config_key(work.repo),
        "stat": work.digests.dump(work.target.whole),
    }
    store.save(work.repo.root, data)


# -- 5: severities, suppressions ---------------------------------------------------------------


def _severity(repo: Repo, rule_id: str, level: str | None) -> Severity:
    setting = repo.settings.rules[rule_id]
    if rule_id == YAMLLINT:
        return yamlfile.severity(level, setting.severity, setting.severity_set)
    return setting.severity


def _finish(work: _Work) -> tuple[RepoResult, list[tuple[Problem, Edit]]]:
    repo = work.repo
    by_file: dict[str, list[tuple[str, Hit, str | None]]] = {}
    for relpath, hits in work.hits.items():
        for rule_id, hit, level in hits:
            by_file.setdefault(hit.path or relpath, []).append((rule_id, hit, level))
    for rule_id, hit, level in work.repo_hits:
        by_file.setdefault(hit.path or repo.config_display, []).append((rule_id, hit, level))
    repo_rules = (
        {r.id for r in RULES.values() if r.scope == "repo" and _enabled(repo, r)}
        if work.target.whole
        else set()
    )
    problems: list[Problem] = []
    edits: list[tuple[Problem, Edit]] = []
    linted = set(work.files)  # files whose file rules ran (the others: repo rules' hits only)
    for relpath in sorted(set(by_file) | linted):
        source = repo.source(relpath)
        marks = (
            suppression.parse(source.text)
            if source is not None
            and is_yaml_path(relpath)
            and work.digests.has_marker(source)  # no read when stat() tells it has none
            and source.text
            else []
        )
        for rule_id, hit, level in by_file.get(relpath, []):
            covering = next((s for s in marks if s.covers(rule_id, hit.line)), None)
            if covering is not None:
                covering.used.add(rule_id)
                continue
            problem = Problem(
                relpath,
                hit.line,
                hit.column,
                rule_id,
                hit.message,
                _severity(repo, rule_id, level),
                hit.hint,
            )
            problems.append(problem)
            if hit.fix is not None:
                edits.append((problem, hit.fix))
        if marks:
            ran = (
                {r.id for r in _file_rules(repo, relpath)} if relpath in linted else set()
            ) | repo_rules
            if relpath not in work.yamllint_ran:
                ran.discard(YAMLLINT)
            for rule_id, hit in suppression.problems_of(marks, RULES, ran):
                if rule_id == suppression.invalid.id and relpath not in linted:
                    continue  # reported where the file's own rules run (the per-file hook)
                if repo.settings.enabled(rule_id):
                    problems.append(
                        Problem(
                            relpath,
                            hit.line,
                            hit.column,
                            rule_id,
                            hit.message,
                            _severity(repo, rule_id, None),
                            hit.hint,
                        )
                    )
    return RepoResult(repo.root, sorted(set(problems))), edits


def _apply_fixes(
    results: list[tuple[RepoResult, list[tuple[Problem, Edit]]]], refused: dict[Path, set[str]]
) -> dict[Path, list[str]]:
    from launchgen.lint.fix import apply

    fixed: dict[Path, list[str]] = {}
    for result, edits in results:
        by_path: dict[str, list[Edit]] = {}
        for problem, edit in edits:
            by_path.setdefault(problem.path, []).append(edit)
        for relpath, file_edits in sorted(by_path.items()):
            source = SourceFile(result.root, relpath)
            if os.path.islink(source.path):
                # Never written through: the file it points to is fixed as itself, when linted.
                refused.setdefault(result.root, set()).add(relpath)
                continue
            if apply(source, file_edits):
                fixed.setdefault(result.root, []).append(relpath)
    return fixed
