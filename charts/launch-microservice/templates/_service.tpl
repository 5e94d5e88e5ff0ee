{{- define "launch-microservice.service" -}}
{{- include "launch-microservice.serviceNamed" (dict "ctx" . "suffix" "") }}
{{- end }}

{{/* Blue/green needs a second Service the preview ReplicaSet is reached through. */}}
{{- define "launch-microservice.previewService" -}}
{{- $r := .launch.rollout -}}
{{- if and $r.enabled (eq $r.strategy "blueGreen") -}}
{{- include "launch-microservice.serviceNamed" (dict "ctx" . "suffix" "-preview") }}
{{- end }}
{{- end }}

{{- define "launch-microservice.serviceNamed" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "launch-microservice.fullname" $ctx }}{{ .suffix }}
  labels:
    {{- include "launch-microservice.labels" $ctx | nindent 4 }}
spec:
  type: {{ $ctx.launch.service.type }}
  selector:
    {{- include "launch-microservice.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.launch.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
