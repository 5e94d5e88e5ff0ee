{{/*
A data migration Job run as a Helm hook before install and upgrade, so the schema is
migrated before the new version's pods start. Weight -5 runs it before other hooks;
before-hook-creation deletes the previous run's Job first, so a re-run never collides,
while a failed Job is kept for its logs. Use it from a separate data chart (the
default that `launchgen new --data` generates) or enable it in the app chart.
*/}}
{{- define "launch-microservice.migration" -}}
{{- $v := .launch -}}
{{- if $v.migration.enabled -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "launch-microservice.fullname" . }}-migrate
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: {{ $v.migration.backoffLimit }}
  activeDeadlineSeconds: {{ $v.migration.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "launch-microservice.selectorLabels" . | nindent 8 }}
        launchgen.dev/component: migration
    spec:
      restartPolicy: Never
      serviceAccountName: {{ include "launch-microservice.serviceAccountName" . }}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: migrate
          image: {{ include "launch-microservice.image" . | quote }}
          {{- with $v.migration.command }}
          command:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.migration.args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          env:
            - name: APP_VERSION
              value: {{ include "launch-microservice.version" . | quote }}
            {{- include "launch-microservice.secretEnv" . | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- include "launch-microservice.containerSecurityContext" . | nindent 12 }}
{{- end }}
{{- end }}

{{/* Entry point for a chart that only migrates data: {{ include "launch-microservice.data" . }} */}}
{{- define "launch-microservice.data" -}}
{{- $ctx := dict "Values" .Values "Chart" .Chart "Release" .Release "Capabilities" .Capabilities "Template" .Template -}}
{{- $_ := set $ctx "launch" (fromYaml (include "launch-microservice.values" .)) -}}
{{- $_ := set $ctx.launch.migration "enabled" true -}}
{{- include "launch-microservice.migration" $ctx }}
{{- end }}
