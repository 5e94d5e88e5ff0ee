"""GitOps engines (Flux, Argo CD) deploying what `launchgen publish` writes.

mode.py reads and checks the `gitops:` block of .launchgen.yaml (written by `new
--gitops`), objects.py builds each environment's engine objects, scaffold.py adds
them to a generated properties repo, enginestatus.py reads the engine's view of an
environment for `launchgen status`, day2.py is approve, reject, rollback and prune
when an engine deploys the environment (no helm: they act on what publish wrote).
"""
