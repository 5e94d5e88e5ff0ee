{{- define "launch-microservice.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "launch-microservice.fullname" . }}
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
spec:
  type: {{ .launch.service.type }}
  selector:
    {{- include "launch-microservice.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .launch.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
