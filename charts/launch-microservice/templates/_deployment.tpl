{{/* The workload: a Deployment, or an Argo Rollouts Rollout when rollout.enabled. */}}
{{- define "launch-microservice.deployment" -}}
{{- $v := .launch -}}
{{- if $v.rollout.enabled -}}
apiVersion: argoproj.io/v1alpha1
kind: Rollout
{{- else -}}
apiVersion: apps/v1
kind: Deployment
{{- end }}
metadata:
  name: {{ include "launch-microservice.fullname" . }}
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
  {{- if hasKey $v "dataSchema" }}
  annotations:
    {{- /* The data schema this app version needs; deploy checks it against what is live. */}}
    launchgen.dev/data-schema: {{ $v.dataSchema | quote }}
  {{- end }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "launch-microservice.selectorLabels" . | nindent 6 }}
  strategy:
    {{- if $v.rollout.enabled }}
    {{- include "launch-microservice.rolloutStrategy" . | nindent 4 }}
    {{- else }}
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
    {{- end }}
  template:
    {{- include "launch-microservice.podTemplate" . | nindent 4 }}
{{- end }}

{{- define "launch-microservice.rolloutStrategy" -}}
{{- $r := .launch.rollout -}}
{{- $fullname := include "launch-microservice.fullname" . -}}
{{- if eq $r.strategy "blueGreen" -}}
blueGreen:
  activeService: {{ $fullname }}
  previewService: {{ $fullname }}-preview
  autoPromotionEnabled: {{ $r.blueGreen.autoPromotionEnabled }}
  scaleDownDelaySeconds: {{ $r.blueGreen.scaleDownDelaySeconds }}
{{- else if eq $r.strategy "canary" -}}
canary:
  steps:
    {{- toYaml $r.canary.steps | nindent 4 }}
{{- else -}}
{{- fail (printf "launch-microservice: rollout.strategy must be canary or blueGreen, got %q" $r.strategy) -}}
{{- end -}}
{{- end }}

{{- define "launch-microservice.podTemplate" -}}
{{- $v := .launch -}}
metadata:
  labels:
    {{- include "launch-microservice.labels" . | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- if or $v.podAnnotations $v.sopsSecrets.digest }}
  annotations:
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with $v.sopsSecrets.digest }}
    {{- /* Which envs/<env>/secrets.yaml revision (sha256 of its ciphertext) the pods read;
         set by launchgen render, so a new revision also restarts them. */}}
    launchgen.dev/sops-secrets: {{ . | quote }}
    {{- end }}
  {{- end }}
spec:
  serviceAccountName: {{ include "launch-microservice.serviceAccountName" . }}
  automountServiceAccountToken: false
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .Chart.Name }}
      image: {{ include "launch-microservice.image" . | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      {{- with $v.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ $v.containerPort }}
          protocol: TCP
      env:
        - name: APP_VERSION
          value: {{ include "launch-microservice.version" . | quote }}
        {{- include "launch-microservice.secretEnv" . | nindent 8 }}
        {{- with $v.env }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if or $v.envFrom $v.sopsSecrets.digest }}
      envFrom:
        {{- with $v.envFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- if $v.sopsSecrets.digest }}
        {{- /* Not optional: without the Secret launchgen deploy creates, the pods do not start. */}}
        - secretRef:
            name: {{ include "launch-microservice.fullname" . }}-secrets
        {{- end }}
      {{- end }}
      {{- with $v.probes.liveness }}
      {{- if .enabled }}
      livenessProbe:
        httpGet:
          path: {{ .path }}
          port: http
        initialDelaySeconds: {{ .initialDelaySeconds }}
        periodSeconds: {{ .periodSeconds }}
      {{- end }}
      {{- end }}
      {{- with $v.probes.readiness }}
      {{- if .enabled }}
      readinessProbe:
        httpGet:
          path: {{ .path }}
          port: http
        initialDelaySeconds: {{ .initialDelaySeconds }}
        periodSeconds: {{ .periodSeconds }}
      {{- end }}
      {{- end }}
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- include "launch-microservice.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir: {}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "launch-microservice.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end }}
