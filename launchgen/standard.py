"""The platform standard's fixed points, in one place.

Every module that needs to know the placeholder, the Launch chart's name or the
naming limits reads them from here, so the generator, the linter and the renderer
cannot disagree.
"""

from __future__ import annotations

import re

# The magic appVersion in every app repo's Chart.yaml. It is a valid SemVer, a valid
# label value and a valid image tag, so helm, kubeconform and linters accept it, and
# it is unmistakable, so render refuses to let it reach a cluster.
APP_VERSION_PLACEHOLDER = "0.0.0-launch.placeholder"

# The org-managed library chart every app repo's umbrella chart depends on.
LAUNCH_CHART_NAME = "launch-microservice"
# Its repository when the org names none: a reserved .invalid host, because the chart
# is vendored into the repo and nothing is ever fetched from it.
BUILTIN_CHART_REPOSITORY = "https://charts.launchgen.invalid"
# Where a chart may come from: an https://, http:// or oci:// repository.
CHART_REPOSITORY = re.compile(r"^(https?|oci)://\S+\Z")

# Helm refuses release names longer than 53 characters; namespaces are DNS-1123
# labels of at most 63.
HELM_RELEASE_NAME_MAX = 53
NAMESPACE_MAX = 63

# Immutable deployments postfix the release name with "-" and an 8-character id
# derived from the deployment (see naming.immutable_postfix).
IMMUTABLE_POSTFIX_LENGTH = 9

DEFAULT_ENVIRONMENTS = ("dev", "test", "prod")

REPO_CONFIG_FILE = ".launchgen.yaml"
PROPERTIES_SUFFIX = "-properties"

# The Kubernetes version helm renders for unless told otherwise; validate checks
# against the schemas of its minor release (they are published per minor).
KUBE_VERSION = "1.35.0"
KUBE_MINOR_VERSION = KUBE_VERSION.rsplit(".", 1)[0]

# What `launchgen render` writes beside each environment's manifests: what was rendered
# from what. Validate, package and diff recognise a render output folder by it.
RENDER_RECORD = "render.json"
