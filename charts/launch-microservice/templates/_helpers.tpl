{{/*
Defaults for every value. Kept in a template, not values.yaml: a library chart's
values.yaml is not merged into the including chart's values.
*/}}
{{- define "launch-microservice.defaults" -}}
image:
  repository: ""
  pullPolicy: IfNotPresent
imagePullSecrets: []
replicaCount: 1
containerPort: 8080
command: []
args: []
env: []
envFrom: []
service:
  type: ClusterIP
  port: 80
serviceAccount:
  create: true
  annotations: {}
podAnnotations: {}
podLabels: {}
resources:
  requests:
    cpu: 100m
    memory: 128Mi
  limits:
    memory: 256Mi
probes:
  liveness:
    enabled: true
    path: /healthz
    initialDelaySeconds: 5
    periodSeconds: 10
  readiness:
    enabled: true
    path: /readyz
    initialDelaySeconds: 2
    periodSeconds: 5
autoscaling:
  enabled: false
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 75
podDisruptionBudget:
  enabled: true
  maxUnavailable: 1
ingress:
  enabled: false
  className: ""
  annotations: {}
  hosts: []
  tls: []
nodeSelector: {}
tolerations: []
affinity: {}
tests:
  enabled: true
  image: busybox:1.37.0
  annotations: {}
rollout:
  enabled: false
  strategy: canary
  canary:
    steps:
      - setWeight: 20
      - pause: {}
      - setWeight: 50
      - pause:
          duration: 5m
  blueGreen:
    autoPromotionEnabled: false
    scaleDownDelaySeconds: 30
externalSecrets: []
sopsSecrets:
  digest: ""
migration:
  enabled: false
  command: []
  args: []
  backoffLimit: 1
  activeDeadlineSeconds: 600
{{- end }}

{{/* The umbrella's values over the defaults: the one view every template reads. */}}
{{- define "launch-microservice.values" -}}
{{- $defaults := fromYaml (include "launch-microservice.defaults" .) -}}
{{- toYaml (mustMergeOverwrite $defaults (deepCopy .Values)) -}}
{{- end }}

{{- define "launch-microservice.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "launch-microservice.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "launch-microservice.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "launch-microservice.selectorLabels" . }}
app.kubernetes.io/version: {{ include "launch-microservice.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ .Chart.Name }}
{{- end }}

{{/*
The deployed version: the chart's appVersion (set at deploy time), unless image.tag is
set. Only an engine that renders the chart itself and cannot set appVersion (Argo CD
multi-source) sets image.tag; launchgen lint forbids it everywhere else. Reads .Values,
not .launch: every template's context has it.
*/}}
{{- define "launch-microservice.version" -}}
{{- $image := .Values.image -}}
{{- $tag := "" -}}
{{- if kindIs "map" $image -}}
{{- $tag = toString (get $image "tag" | default "") -}}
{{- end -}}
{{- if $tag -}}
{{- if not (regexMatch "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$" $tag) -}}
{{- fail (printf "launch-microservice: image.tag %q is not an image tag" $tag) -}}
{{- end -}}
{{- $tag -}}
{{- else -}}
{{- .Chart.AppVersion -}}
{{- end -}}
{{- end }}

{{/* The image reference: repository and the deployed version (above). */}}
{{- define "launch-microservice.image" -}}
{{- $v := .launch -}}
{{- if not $v.image.repository -}}
{{- fail "launch-microservice: image.repository must be set" -}}
{{- end -}}
{{- printf "%s:%s" $v.image.repository (include "launch-microservice.version" .) -}}
{{- end }}

{{- define "launch-microservice.serviceAccountName" -}}
{{- if .launch.serviceAccount.create -}}
{{- include "launch-microservice.fullname" . -}}
{{- else -}}
default
{{- end -}}
{{- end }}
