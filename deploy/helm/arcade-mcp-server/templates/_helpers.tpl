{{/* Names, labels and derived values shared by the templates of arcade-mcp-server. */}}

{{- define "arcade-mcp-server.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: fullnameOverride, else <release>-<name> unless the release name holds it. */}}
{{- define "arcade-mcp-server.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "arcade-mcp-server.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "arcade-mcp-server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arcade-mcp-server.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "arcade-mcp-server.labels" -}}
helm.sh/chart: {{ include "arcade-mcp-server.chart" . }}
{{ include "arcade-mcp-server.selectorLabels" . }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | toString | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: arcade
{{- end -}}

{{- define "arcade-mcp-server.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding ARCADE_WORKER_SECRET, or "" when the worker routes are off. */}}
{{- define "arcade-mcp-server.workerSecretName" -}}
{{- if .Values.workerSecret.existingSecret -}}
{{- .Values.workerSecret.existingSecret -}}
{{- else if .Values.workerSecret.sealed.encryptedValue -}}
{{- printf "%s-worker-secret" (include "arcade-mcp-server.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding ARCADE_TASK_STORE, or "" for tasks in memory. */}}
{{- define "arcade-mcp-server.taskStoreSecretName" -}}
{{- if .Values.tasks.store.existingSecret -}}
{{- .Values.tasks.store.existingSecret -}}
{{- else if .Values.tasks.store.sealed.encryptedValue -}}
{{- printf "%s-task-store" (include "arcade-mcp-server.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* MCP_RESOURCE_SERVER_CANONICAL_URL: auth.canonicalUrl, else https://<ingress.host>/mcp. */}}
{{- define "arcade-mcp-server.canonicalUrl" -}}
{{- if .Values.auth.canonicalUrl -}}
{{- .Values.auth.canonicalUrl -}}
{{- else if .Values.ingress.host -}}
{{- printf "https://%s/mcp" .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* Annotations of a SealedSecret for a scope (strict needs none). */}}
{{- define "arcade-mcp-server.sealedScope" -}}
{{- if eq . "namespace-wide" }}
sealedsecrets.bitnami.com/namespace-wide: "true"
{{- else if eq . "cluster-wide" }}
sealedsecrets.bitnami.com/cluster-wide: "true"
{{- end }}
{{- end -}}

{{/* Where a private CA bundle is mounted (auth.caBundle). */}}
{{- define "arcade-mcp-server.caDir" -}}
/etc/arcade-mcp/ca
{{- end -}}
