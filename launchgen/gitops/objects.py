"""Each environment's engine objects, consuming what `launchgen publish` writes.

- Flux, oci: an OCIRepository following tag `<env>` (its layer selected by media type,
  the artifact's cosign signature verified with the key in Secret `launchgen-cosign`),
  and a Kustomization applying it with `wait` and a health check.
- Flux, git: a GitRepository following branch `environments/<env>`, and a
  Kustomization applying folder `<service>/`.
- Argo CD, oci or git: an Application on the same artifact tag or branch and folder.
- Argo CD, multi-source: an Application rendering the chart from the app repo with
  `$values/envs/<env>/values.yaml` from the properties repo (a `ref: values` source).
"""

from __future__ import annotations

from typing import Any

from launchgen.gitops.mode import GitOps

FLUX_NAMESPACE = "flux-system"
ARGOCD_NAMESPACE = "argocd"
COSIGN_SECRET = "launchgen-cosign"  # holds the signing .pub as cosign.pub
FLUX_LAYER = "application/vnd.cncf.flux.content.v1.tar+gzip"
INTERVAL, TIMEOUT = "1m", "5m"
_LOOPBACK = ("oci://127.0.0.1", "oci://localhost", "oci://[::1]")


def _name(service: str, environment: str) -> str:
    return f"{service}-{environment}"


def _flux_source(mode: GitOps, service: str, environment: str) -> dict[str, Any]:
    meta = {"name": _name(service, environment), "namespace": FLUX_NAMESPACE}
    if mode.source == "git":
        spec: dict[str, Any] = {
            "interval": INTERVAL,
            "url": mode.url,
            "ref": {"branch": f"environments/{environment}"},
        }
        return {
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": meta,
            "spec": spec,
        }
    spec = {
        "interval": INTERVAL,
        "url": mode.url,
        "ref": {"tag": environment},
        "layerSelector": {"mediaType": FLUX_LAYER, "operation": "extract"},
        "verify": {"provider": "cosign", "secretRef": {"name": COSIGN_SECRET}},
    }
    if mode.url.startswith(_LOOPBACK):
        spec["insecure"] = True  # a local registry speaks plain HTTP
    return {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "OCIRepository",
        "metadata": meta,
        "spec": spec,
    }


def _flux_kustomization(mode: GitOps, service: str, environment: str, app: bool) -> dict[str, Any]:
    source = _flux_source(mode, service, environment)
    spec: dict[str, Any] = {
        "interval": "10m",
        "sourceRef": {"kind": source["kind"], "name": source["metadata"]["name"]},
        "path": f"./{service}" if mode.source == "git" else "./",
        "prune": True,
        # wait: every applied object must become ready (healthChecks is then the
        # list Flux uses when wait is turned off).
        "wait": True,
        "timeout": TIMEOUT,
    }
    if app:  # the Launch chart's Deployment is named after the release, the service
        deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "name": service}
        spec["healthChecks"] = [{**deployment, "namespace": f"{service}-{environment}"}]
    return {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": _name(service, environment), "namespace": FLUX_NAMESPACE},
        "spec": spec,
    }


def _argocd_application(mode: GitOps, service: str, environment: str) -> dict[str, Any]:
    namespace = f"{service}-{environment}"
    spec: dict[str, Any] = {"project": "default"}
    if mode.source == "multi-source":
        spec["sources"] = [
            {
                "repoURL": f"{mode.url}/{service}.git",
                "targetRevision": "main",
                "path": ".",
                "helm": {
                    "releaseName": service,
                    "valueFiles": [f"$values/envs/{environment}/values.yaml"],
                },
            },
            {
                "repoURL": f"{mode.url}/{service}-properties.git",
                "targetRevision": "main",
                "ref": "values",
            },
        ]
    elif mode.source == "git":
        spec["source"] = {
            "repoURL": mode.url,
            "targetRevision": f"environments/{environment}",
            "path": service,
        }
    else:
        spec["source"] = {"repoURL": mode.url, "targetRevision": environment, "path": "."}
    spec["destination"] = {"server": "https://kubernetes.default.svc", "namespace": namespace}
    spec["syncPolicy"] = {
        "automated": {"prune": True, "selfHeal": True},
        "syncOptions": ["CreateNamespace=true"],
    }
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": _name(service, environment), "namespace": ARGOCD_NAMESPACE},
        "spec": spec,
    }


def for_environment(
    mode: GitOps, service: str, environment: str, app: bool = True
) -> list[dict[str, Any]]:
    """The objects; `app` (a Launch chart service, not middleware) adds the Deployment health check."""
    if mode.engine == "flux":
        return [
            _flux_source(mode, service, environment),
            _flux_kustomization(mode, service, environment, app),
        ]
    return [_argocd_application(mode, service, environment)]


def engine_object(mode: GitOps, service: str, environment: str) -> tuple[str, str, str]:
    """(resource, namespace, name) of the object whose status is the engine's view."""
    if mode.engine == "flux":
        return (
            "kustomizations.kustomize.toolkit.fluxcd.io",
            FLUX_NAMESPACE,
            _name(service, environment),
        )
    return "applications.argoproj.io", ARGOCD_NAMESPACE, _name(service, environment)
