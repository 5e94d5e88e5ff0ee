{{- define "launch-microservice.pdb" -}}
{{- $p := .launch.podDisruptionBudget -}}
{{- if $p.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "launch-microservice.fullname" . }}
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
spec:
  {{- if hasKey $p "minAvailable" }}
  minAvailable: {{ $p.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $p.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "launch-microservice.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
