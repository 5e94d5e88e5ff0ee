"""`launchgen publish`: a verified bundle's manifests, for a GitOps engine to pull.

content.py decides what is published (the same files for every target), gitbranch.py
commits them to an environment branch of a deploy repo, oci.py pushes them as an OCI
artifact with the attestation attached, record.py appends the outcome to the
environment's deployment history. gitbranch.restore and oci.retag put an earlier
publish back (launchgen/gitops/day2.py: reject and rollback in engine mode).
"""
