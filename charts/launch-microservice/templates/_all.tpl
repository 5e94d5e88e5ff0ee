{{/*
Everything the microservice pattern renders. Call it from the umbrella chart:
  {{- include "launch-microservice.all" . }}
Each part gets the root context plus `.launch`, the values merged over the defaults.
*/}}
{{- define "launch-microservice.all" -}}
{{- $ctx := dict "Values" .Values "Chart" .Chart "Release" .Release "Capabilities" .Capabilities "Template" .Template "Files" .Files -}}
{{- $_ := set $ctx "launch" (fromYaml (include "launch-microservice.values" .)) -}}
{{- range $part := list "serviceaccount" "externalsecrets" "service" "previewService" "deployment" "hpa" "pdb" "ingress" "migration" "test" }}
{{- $out := include (printf "launch-microservice.%s" $part) $ctx -}}
{{- if trim $out }}
---
{{ trim $out }}
{{- end }}
{{- end }}
{{- end }}
