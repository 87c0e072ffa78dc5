{{/* Full name: the release name, unless it already contains the chart name. */}}
{{- define "openmldb-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "openmldb-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "openmldb-operator.labels" -}}
{{ include "openmldb-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "openmldb-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "openmldb-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "openmldb-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The operator's permissions on the resources it manages: the least it needs
(docs/installation.md explains each rule; InstallManifestsTest checks them against the code).
*/}}
{{- define "openmldb-operator.rules" -}}
# Watch the clusters (JOSDK informer); get on conflict retries.
- apiGroups: ["openmldb.ai"]
  resources: ["openmldbclusters"]
  verbs: ["get", "list", "watch"]
# Write status (conditions, observedGeneration, upgrade progress).
- apiGroups: ["openmldb.ai"]
  resources: ["openmldbclusters/status"]
  verbs: ["patch"]
# Owner references with blockOwnerDeletion on the objects it creates.
- apiGroups: ["openmldb.ai"]
  resources: ["openmldbclusters/finalizers"]
  verbs: ["update"]
# One StatefulSet per component (updateStrategy OnDelete: the operator restarts pods itself).
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update"]
# Headless Services (stable pod DNS names) and the components' flags ConfigMaps.
- apiGroups: [""]
  resources: ["services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "update"]
# Observe pod readiness and revisions; delete one pod at a time to restart it.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "delete"]
# Events for every disruptive action and every halt (a repeat updates the count).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "create", "update"]
{{- if .Values.zookeeperAuthSecrets }}
# ZooKeeper digest credentials named by spec.zookeeper.authSecretName.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end }}
{{- end -}}

{{/* config/operator.properties as rendered from the values (docs/configuration.md). */}}
{{- define "openmldb-operator.properties" -}}
# Rendered by the openmldb-operator Helm chart; keys: config/operator.properties.
watch-namespaces={{ join "," .Values.watchNamespaces }}
leader-election={{ .Values.leaderElection.enabled }}
lease-name={{ .Values.leaderElection.leaseName }}
lease-namespace={{ .Release.Namespace }}
http-port={{ .Values.metrics.port }}
{{- range $key, $value := .Values.config }}
{{ $key }}={{ $value }}
{{- end }}
{{- end -}}
