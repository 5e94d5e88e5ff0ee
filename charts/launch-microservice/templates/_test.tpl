{{/* A `helm test` smoke test: the Service answers on its readiness path. */}}
{{- define "launch-microservice.test" -}}
{{- $v := .launch -}}
{{- if $v.tests.enabled -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "launch-microservice.fullname" . }}-smoke-test
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
  annotations:
    {{- with $v.tests.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: smoke-test
      image: {{ $v.tests.image | quote }}
      command:
        - wget
        - -q
        - -O-
        - {{ printf "http://%s:%v%s" (include "launch-microservice.fullname" .) $v.service.port $v.probes.readiness.path | quote }}
      resources:
        requests:
          cpu: 10m
          memory: 16Mi
        limits:
          memory: 32Mi
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
{{- end }}
{{- end }}
