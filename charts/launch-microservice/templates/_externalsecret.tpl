{{/*
External Secrets: each entry of externalSecrets becomes an ExternalSecret that the
External Secrets Operator fills from a key vault or secret manager; the secrets
themselves are originated by infrastructure-as-code, never by this chart. `shared`
marks a secret owned outside the service (platform-wide) versus one internal to it.
*/}}
{{- define "launch-microservice.externalSecretName" -}}
{{- printf "%s-%s" (include "launch-microservice.fullname" .ctx) .secret.name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "launch-microservice.externalsecrets" -}}
{{- $ctx := . -}}
{{- range $i, $s := .launch.externalSecrets }}
{{- if $i }}
---
{{- end }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ include "launch-microservice.externalSecretName" (dict "ctx" $ctx "secret" $s) }}
  labels:
    {{- include "launch-microservice.labels" $ctx | nindent 4 }}
    launchgen.dev/secret-scope: {{ ternary "shared" "internal" (default false $s.shared) }}
spec:
  refreshInterval: {{ default "1h" $s.refreshInterval }}
  secretStoreRef:
    name: {{ $s.store }}
    kind: {{ default "ClusterSecretStore" $s.storeKind }}
  target:
    name: {{ include "launch-microservice.externalSecretName" (dict "ctx" $ctx "secret" $s) }}
    creationPolicy: Owner
  data:
    {{- range $s.data }}
    - secretKey: {{ .envVar }}
      remoteRef:
        key: {{ .key }}
        {{- with .property }}
        property: {{ . }}
        {{- end }}
    {{- end }}
{{- end }}
{{- end }}

{{/* Container env entries reading every external secret's keys. */}}
{{- define "launch-microservice.secretEnv" -}}
{{- $ctx := . -}}
{{- range $s := .launch.externalSecrets }}
{{- range $s.data }}
- name: {{ .envVar }}
  valueFrom:
    secretKeyRef:
      name: {{ include "launch-microservice.externalSecretName" (dict "ctx" $ctx "secret" $s) }}
      key: {{ .envVar }}
{{- end }}
{{- end }}
{{- end }}
