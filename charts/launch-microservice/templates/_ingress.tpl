{{- define "launch-microservice.ingress" -}}
{{- $i := .launch.ingress -}}
{{- if $i.enabled -}}
{{- $fullname := include "launch-microservice.fullname" . -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
  {{- with $i.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $i.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $i.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range $i.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range (default (list "/") .paths) }}
          - path: {{ . }}
            pathType: Prefix
            backend:
              service:
                name: {{ $fullname }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}
{{- end }}
