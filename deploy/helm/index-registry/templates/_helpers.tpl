{{/* Names are cut at 63 characters, the limit of a DNS label and of a label value. */}}
{{- define "ir.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>", for a dict with ctx and component. */}}
{{- define "ir.componentName" -}}
{{- printf "%s-%s" (include "ir.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ir.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ir.labels" -}}
{{ include "ir.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/*
What each service needs, by service name: the one table the templates read.
  port: the HTTP port of /health, /health/ready and /metrics (PORT for the gateway, HEALTH_PORT otherwise)
  mongo: its own MongoDB database (MONGODB_URI)
  targets: the key that seals target URIs (TARGET_ENCRYPTION_KEY)
  tokenKey: the RS256 signing key pair
  postgres: the entity caches' PostgreSQL (POSTGRES_URL, from the Secret)
  cacheVolume: a StatefulSet with a volume per replica at CACHE_DIR (the cache replicas), not a Deployment
  entityCaches: one of the entity caches' services, rendered only with entityCaches.enabled
*/}}
{{- define "ir.serviceTraits" -}}
gateway: { port: 8216, portVar: PORT, portName: http, mongo: false, targets: false, tokenKey: false, postgres: false, cacheVolume: false, entityCaches: false }
auth: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: true, targets: false, tokenKey: true, postgres: false, cacheVolume: false, entityCaches: false }
registry: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: true, targets: true, tokenKey: false, postgres: false, cacheVolume: false, entityCaches: false }
comparator: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: true, targets: true, tokenKey: false, postgres: false, cacheVolume: false, entityCaches: false }
sync-executor: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: true, targets: true, tokenKey: false, postgres: false, cacheVolume: false, entityCaches: false }
audit: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: true, targets: false, tokenKey: false, postgres: false, cacheVolume: false, entityCaches: false }
entity-oplog: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: false, targets: false, tokenKey: false, postgres: true, cacheVolume: false, entityCaches: true }
entity-capture: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: false, targets: true, tokenKey: false, postgres: false, cacheVolume: false, entityCaches: true }
cache-replicator: { port: 8080, portVar: HEALTH_PORT, portName: health, mongo: false, targets: false, tokenKey: false, postgres: false, cacheVolume: true, entityCaches: true }
{{- end -}}

{{/* "true" when the service is rendered: every service but the entity caches', which need entityCaches.enabled. */}}
{{- define "ir.serviceEnabled" -}}
{{- $traits := include "ir.traitsOf" . | fromYaml -}}
{{- if or (not $traits.entityCaches) .ctx.Values.entityCaches.enabled -}}true{{- end -}}
{{- end -}}

{{- define "ir.traitsOf" -}}
{{- $all := include "ir.serviceTraits" .ctx | fromYaml -}}
{{- if not (hasKey $all .name) -}}
{{- fail (printf "services.%s: not a service of Index Registry (expected one of %s)" .name (keys $all | sortAlpha | join ", ")) -}}
{{- end -}}
{{- index $all .name | toYaml -}}
{{- end -}}

{{- define "ir.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "ir.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "ir.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "ir.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "ir.fullname" .)) -}}
{{- end -}}

{{/* The NATS users' passwords: one key per user of files/nats-users.yaml (generated from libs/contracts). */}}
{{- define "ir.natsUsersSecretName" -}}
{{- .Values.nats.auth.existingSecret | default (printf "%s-nats-users" (include "ir.fullname" .)) -}}
{{- end -}}

{{/* The NATS users of the closed bus, as a list of {name, passwordVariable, service}. */}}
{{- define "ir.natsUsers" -}}
{{- (.Files.Get "files/nats-users.yaml" | fromYaml).users | toYaml -}}
{{- end -}}

{{/* tls.crt, tls.key and ca.crt of the NATS servers; the services read ca.crt. */}}
{{- define "ir.natsTlsSecretName" -}}
{{- .Values.nats.tls.existingSecret | default (printf "%s-nats-tls" (include "ir.fullname" .)) -}}
{{- end -}}

{{/* Whether the services verify NATS against a CA of a Secret: the chart's NATS with TLS, or an external one with nats.tls.existingSecret. */}}
{{- define "ir.natsCaMounted" -}}
{{- if or (and .Values.nats.enabled .Values.nats.tls.enabled) (and (not .Values.nats.enabled) .Values.nats.tls.existingSecret) -}}true{{- end -}}
{{- end -}}

{{- define "ir.mongodbSecretName" -}}
{{- .Values.mongodb.auth.existingSecret | default (printf "%s-mongodb" (include "ir.fullname" .)) -}}
{{- end -}}

{{/* Whether the chart runs the entity caches' PostgreSQL: the caches on, no URL of another given. */}}
{{- define "ir.postgresqlInChart" -}}
{{- if and .Values.entityCaches.enabled .Values.postgresql.enabled (not .Values.secrets.postgresUrl) }}true{{ end -}}
{{- end -}}

{{- define "ir.postgresqlSecretName" -}}
{{- .Values.postgresql.auth.existingSecret | default (printf "%s-postgresql" (include "ir.fullname" .)) -}}
{{- end -}}

{{- define "ir.natsHeadless" -}}
{{- printf "%s-headless" (include "ir.componentName" (dict "ctx" . "component" "nats")) -}}
{{- end -}}

{{- define "ir.mongodbHeadless" -}}
{{- printf "%s-headless" (include "ir.componentName" (dict "ctx" . "component" "mongodb")) -}}
{{- end -}}

{{/* "host:port" of every replica set member, in member order. */}}
{{- define "ir.mongodbHosts" -}}
{{- $name := include "ir.componentName" (dict "ctx" . "component" "mongodb") -}}
{{- $headless := include "ir.mongodbHeadless" . -}}
{{- $hosts := list -}}
{{- range $i := until (int .Values.mongodb.replicas) -}}
{{- $hosts = append $hosts (printf "%s-%d.%s.%s.svc.cluster.local:27017" $name $i $headless $.Release.Namespace) -}}
{{- end -}}
{{- join "," $hosts -}}
{{- end -}}

{{- define "ir.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "%s://%s:4222" (ternary "tls" "nats" .Values.nats.tls.enabled) (include "ir.componentName" (dict "ctx" . "component" "nats")) -}}
{{- else -}}
{{- required "nats.external.url is required when nats.enabled is false" .Values.nats.external.url -}}
{{- end -}}
{{- end -}}

{{- define "ir.natsMonitoringEndpoint" -}}
{{- if .Values.nats.enabled -}}
{{- printf "%s.%s.svc.cluster.local:8222" (include "ir.componentName" (dict "ctx" . "component" "nats")) .Release.Namespace -}}
{{- else -}}
{{- required "nats.external.monitoringEndpoint is required for KEDA's scaler when nats.enabled is false" .Values.nats.external.monitoringEndpoint -}}
{{- end -}}
{{- end -}}

{{- define "ir.streamReplicas" -}}
{{- if .Values.nats.enabled -}}
{{- if gt (int .Values.nats.streamReplicas) (int .Values.nats.replicas) -}}
{{- fail (printf "nats.streamReplicas (%d) cannot exceed nats.replicas (%d)" (int .Values.nats.streamReplicas) (int .Values.nats.replicas)) -}}
{{- end -}}
{{- .Values.nats.streamReplicas -}}
{{- else -}}
{{- .Values.nats.external.streamReplicas -}}
{{- end -}}
{{- end -}}

{{/*
The value of one key of a Secret this chart owns: the one given in values, else the one the
cluster already holds (so upgrades keep generated keys), else a new one from `generate`.
Takes a dict: ctx, secret (name), key, given, generate (a template name producing the new value).
Returns the base64 of the value, for a Secret's `data`.
*/}}
{{- define "ir.secretData" -}}
{{- if .given -}}
{{- .given | b64enc -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret -}}
{{- if and $existing (hasKey ($existing.data | default dict) .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- include .generate .ctx | b64enc -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ir.generate.encryptionKey" -}}{{ randBytes 32 }}{{- end -}}
{{- define "ir.generate.rsaKey" -}}{{ genPrivateKey "rsa" }}{{- end -}}
{{- define "ir.generate.password" -}}{{ randAlphaNum 32 }}{{- end -}}
{{/* nats-server reads a password from its environment as configuration: letters and digits, a letter first. */}}
{{- define "ir.generate.natsPassword" -}}{{ printf "ir%s" (randAlphaNum 40) }}{{- end -}}
{{- define "ir.generate.keyfile" -}}{{ randAlphaNum 756 }}{{- end -}}

{{- define "ir.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ir.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Spread over nodes (as `whenUnsatisfiable` says) and, preferably, zones. */}}
{{- define "ir.topologySpread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: {{ .whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "ir.selectorLabels" . | nindent 6 }}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "ir.selectorLabels" . | nindent 6 }}
{{- end -}}

{{- define "ir.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "ir.componentName" . }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "ir.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .ctx.Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "ir.selectorLabels" . | nindent 6 }}
{{- end -}}
