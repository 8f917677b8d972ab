{{- define "ir.natsConf" -}}
{{- $name := include "ir.componentName" (dict "ctx" . "component" "nats") -}}
{{- $headless := include "ir.natsHeadless" . -}}
# $POD_NAME: each server's name is its pod's, which KEDA's scaler resolves to find a consumer's leader.
server_name: $POD_NAME
listen: 0.0.0.0:4222
http: 0.0.0.0:8222
max_payload: {{ .Values.nats.maxPayload }}
pid_file: /var/run/nats/nats.pid
lame_duck_duration: {{ .Values.nats.lameDuckDuration }}
lame_duck_grace_period: 10s
jetstream {
  store_dir: /data
  max_file_store: {{ .Values.nats.jetstream.maxFileStore }}
  max_memory_store: {{ .Values.nats.jetstream.maxMemoryStore }}
}
{{- if .Values.nats.tls.enabled }}
# Clients connect over TLS only (the cluster routes stay inside the cluster's network).
tls {
  cert_file: /etc/nats-tls/tls.crt
  key_file: /etc/nats-tls/tls.key
  timeout: 5
}
{{- end }}
{{ .Files.Get "files/nats-authorization.conf" }}
{{- if gt (int .Values.nats.replicas) 1 }}
cluster {
  name: {{ $name }}
  listen: 0.0.0.0:6222
  routes: [
    {{- range $i := until (int .Values.nats.replicas) }}
    nats://{{ $name }}-{{ $i }}.{{ $headless }}.{{ $.Release.Namespace }}.svc.cluster.local:6222
    {{- end }}
  ]
  connect_retries: 120
}
{{- end }}
{{- end -}}
