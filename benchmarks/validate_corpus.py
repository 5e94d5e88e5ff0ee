"""A corpus of realistic rendered manifests for the validation benchmarks.

The Launch chart's own output (rendered by helm through `launchgen render` when helm
is there) plus the other kinds charts commonly render, repeated with distinct names
into multi-document files of ten resources each, as `helm template` writes them.
"""

from __future__ import annotations

from pathlib import Path

EXTRA = [
    """apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{i}
  labels: {{app.kubernetes.io/name: checkout, app.kubernetes.io/instance: checkout}}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
""",
    """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout-{i}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: checkout-{i}}}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 80}}}}
""",
    """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: checkout-{i}
  annotations: {{nginx.ingress.kubernetes.io/proxy-body-size: 8m}}
spec:
  ingressClassName: nginx
  tls:
    - hosts: [checkout-{i}.example.com]
      secretName: checkout-{i}-tls
  rules:
    - host: checkout-{i}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: checkout-{i}, port: {{number: 80}}}}}}
""",
    """apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup-{i}
spec:
  schedule: "0 3 1 1 0"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: registry.example.com/cleanup:1.0.{i}
              args: [--older-than, 30d]
              resources: {{requests: {{cpu: 50m, memory: 64Mi}}, limits: {{memory: 128Mi}}}}
""",
    """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader-{i}
rules:
  - apiGroups: [""]
    resources: [configmaps, secrets]
    verbs: [get, list, watch]
""",
    """apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader-{i}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader-{i}}}
subjects:
  - kind: ServiceAccount
    name: checkout-{i}
""",
]


def launch_chart_manifests(work: Path) -> list[str]:
    """The five resources the Launch chart renders, through real helm when it is there."""
    try:
        from launchgen.render import RenderRequest, render
        from launchgen.scaffold import Answers, new
        from tests.helpers.tools import tool

        new(Answers(kind="app", name="checkout", environments=("dev",)), work / "repos")
        (done,) = render(
            RenderRequest(
                properties=str(work / "repos" / "checkout-properties"),
                app_version="1.0.0",
                output_dir=work / "rendered",
                helm=str(tool("helm4")),
                lint=False,
            )
        )
        return [(done.folder / "manifests" / name).read_text() for name in done.manifests]
    except Exception as exc:
        print(f"(no helm render: {exc}; using the extra kinds only)")
        return []


def templates(work: Path) -> list[str]:
    """Format strings of one resource each ({i} distinguishes the copies)."""
    return [
        t.replace("{", "{{").replace("}", "}}").replace("checkout", "checkout-{i}")
        for t in launch_chart_manifests(work)
    ] + EXTRA


def write_corpus(folder: Path, resources: int, kinds: list[str]) -> list[Path]:
    """`resources` manifests from `kinds` in files of ten documents under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    batch: list[str] = []
    for i in range(resources):
        batch.append(kinds[i % len(kinds)].format(i=i).strip("\n") + "\n")
        if len(batch) == 10 or i == resources - 1:
            path = folder / f"manifests-{len(files):05d}.yaml"
            path.write_text("---\n" + "---\n".join(batch))
            files.append(path)
            batch = []
    return files
