{{/* Chart name; every object is named after it (v3.10: <n>, <n>-svc, <n>-tls, ...). */}}
{{- define "connaisseur.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "connaisseur.serviceName" -}}
{{ include "connaisseur.name" . }}-svc
{{- end -}}

{{- define "connaisseur.webhookName" -}}
{{ include "connaisseur.serviceName" . }}.{{ .Release.Namespace }}.svc
{{- end -}}

{{- define "connaisseur.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "connaisseur.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.kubernetes.additionalLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "connaisseur.selectorLabels" -}}
app.kubernetes.io/name: {{ include "connaisseur.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "connaisseur.image" -}}
{{- $d := .Values.kubernetes.deployment -}}
{{- if kindIs "string" $d.image -}}
{{ $d.image }}
{{- else -}}
{{ $d.image.repository }}:{{ $d.image.tag | default (printf "v%s" .Chart.AppVersion) }}
{{- end -}}
{{- end -}}

{{/*
Validates application.features (helm/README.md); renders nothing, fails rendering on a bad value.
A feature is a bool or (where documented) a map; anything else is an error, never a silent default.
*/}}
{{- define "connaisseur.validateFeatures" -}}
{{- $f := .Values.application.features | default dict -}}
{{- range $k := list "detectionMode" "automaticChildApproval" "automaticUnchangedApproval" -}}
{{- if and (hasKey $f $k) (not (kindIs "bool" (get $f $k))) -}}
{{- fail (printf "application.features.%s must be true or false" $k) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $f "namespacedValidation" -}}
{{- $nv := $f.namespacedValidation -}}
{{- if kindIs "map" $nv -}}
{{- if not (hasKey $nv "mode") -}}
{{- fail "Helm defines a namespacedValidation, but no mode" -}}
{{- end -}}
{{- if not (has $nv.mode (list "ignore" "validate")) -}}
{{- fail (printf "application.features.namespacedValidation.mode must be ignore or validate, got %v" $nv.mode) -}}
{{- end -}}
{{- else if not (kindIs "bool" $nv) -}}
{{- fail "application.features.namespacedValidation must be false or {mode: ignore|validate}" -}}
{{- end -}}
{{- end -}}
{{- if hasKey $f "resourceValidationMode" -}}
{{- if not (has $f.resourceValidationMode (list "all" "podsOnly")) -}}
{{- fail (printf "application.features.resourceValidationMode must be all or podsOnly, got %v" $f.resourceValidationMode) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $f "cache" -}}
{{- if not (or (kindIs "map" $f.cache) (kindIs "bool" $f.cache)) -}}
{{- fail "application.features.cache must be a map or a bool" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Namespace selector mode: "" when namespaced validation is off, else "ignore" or "validate".
v3.10 default values carry {mode: ignore}; `true` means the default mode.
*/}}
{{- define "connaisseur.namespacedValidationMode" -}}
{{- $f := .Values.application.features | default dict -}}
{{- $nv := get $f "namespacedValidation" -}}
{{- if kindIs "map" $nv -}}{{ $nv.mode }}{{- else if and (kindIs "bool" $nv) $nv -}}ignore{{- end -}}
{{- end -}}

{{/* A validator needs a chart-made secret when its auth carries inline credentials (v3.10 rule). */}}
{{- define "connaisseur.hasInlineAuth" -}}
{{- $auth := .auth | default dict -}}
{{- if and (kindIs "map" $auth) (or (hasKey $auth "username") (hasKey $auth "password") (hasKey $auth "registry")) (not (hasKey $auth "secretName")) (not (hasKey $auth "secret_name")) -}}true{{- end -}}
{{- end -}}

{{/*
Validators as mounted: inline auth is replaced by auth.secretName: <validator>-auth, so no credential is
written into a ConfigMap; its registry scope (not a secret) stays, so the credentials keep going only there.
*/}}
{{- define "connaisseur.renderedValidators" -}}
{{- $out := list -}}
{{- range $v := .Values.application.validators -}}
{{- $c := deepCopy $v -}}
{{- if include "connaisseur.hasInlineAuth" $v -}}
{{- $auth := dict "secretName" (printf "%s-auth" $v.name) -}}
{{- with $v.auth.registry }}{{ $_ := set $auth "registry" . }}{{ end -}}
{{- $_ := set $c "auth" $auth -}}
{{- end -}}
{{- $out = append $out $c -}}
{{- end -}}
{{ toYaml $out }}
{{- end -}}

{{/* The file the binary reads (`connaisseur serve --config`): application + alerting, no kubernetes block. */}}
{{- define "connaisseur.appConfig" -}}
{{- if eq (.Values._layout | default "") "v2" -}}
{{- if include "connaisseur.redisEnabled" . -}}
{{- fail "kubernetes.redis.enabled needs the v3 layout (application.features.cache); the v2 layout has no cache settings" -}}
{{- end -}}
{{- $doc := omit .Values "kubernetes" "application" "deployment" "service" "nameOverride" "_layout" -}}
{{- $_ := set $doc "validators" (include "connaisseur.renderedValidators" . | fromYamlArray) -}}
{{- if not $doc.alerting }}{{ $doc = omit $doc "alerting" }}{{ end -}}
{{ toYaml $doc }}
{{- else -}}
{{- $app := omit .Values.application "validators" -}}
{{- $_ := set $app "validators" (include "connaisseur.renderedValidators" . | fromYamlArray) -}}
{{- if include "connaisseur.sharedCache" . -}}
{{- $features := deepCopy (.Values.application.features | default dict) -}}
{{- $cache := deepCopy (get $features "cache") -}}
{{- if include "connaisseur.redisEnabled" . -}}
{{- $cache = include "connaisseur.cacheWithRedis" . | fromYaml -}}
{{- end -}}
{{- if not (hasKey $cache.redis "entryKeyFile") -}}
{{- $_ := set $cache.redis "entryKeyFile" "/app/cache-entry-key/key" -}}
{{- end -}}
{{- $_ := set $features "cache" $cache -}}
{{- $_ := set $app "features" $features -}}
{{- end -}}
{{- $doc := dict "application" $app -}}
{{- with .Values.alerting }}{{ $_ := set $doc "alerting" . }}{{ end -}}
{{ toYaml $doc }}
{{- end -}}
{{- end -}}

{{/*
Serving certificate, resolved once per render and stored in .Values so the Secret and the webhook's caBundle
agree. Precedence (helm/README.md): values tls.{cert,key} -> existing <n>-tls secret -> new self-signed cert.
*/}}
{{- define "connaisseur.ensureTls" -}}
{{- $d := .Values.kubernetes.deployment -}}
{{- $tls := $d.tls | default dict -}}
{{- if and (hasKey $tls "key") (not (hasKey $tls "cert")) -}}
{{- fail "Helm configuration has a 'tls' section with a 'key' attribute, but is missing the 'cert' attribute." -}}
{{- end -}}
{{- if and (hasKey $tls "cert") (not (hasKey $tls "key")) -}}
{{- fail "Helm configuration has a 'tls' section with a 'cert' attribute, but is missing the 'key' attribute." -}}
{{- end -}}
{{- if not (hasKey $tls "cert") -}}
{{- $name := include "connaisseur.name" . -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (printf "%s-tls" $name) -}}
{{- if and $existing $existing.data (index $existing.data "tls.crt") -}}
{{- $tls = dict "cert" (index $existing.data "tls.crt" | b64dec) "key" (index $existing.data "tls.key" | b64dec) -}}
{{- else -}}
{{- $svc := include "connaisseur.serviceName" . -}}
{{- $ns := .Release.Namespace -}}
{{- $cn := printf "%s.%s.svc" $svc $ns -}}
{{- $sans := list $svc (printf "%s.%s" $svc $ns) $cn (printf "%s.cluster.local" $cn) -}}
{{- $gen := genSelfSignedCert $cn nil $sans 3650 -}}
{{- $tls = dict "cert" $gen.Cert "key" $gen.Key -}}
{{- end -}}
{{- $_ := set $d "tls" $tls -}}
{{- end -}}
{{- end -}}

{{/*
Older values files (docs/configuration.md "Layouts"): a v2/v3.3.4 file has top-level `validators`, `policy`, `deployment`,
`service`. Merged over this chart's defaults it would carry both layouts, which the binary rejects as
ambiguous, so the chart maps the kubernetes keys into `kubernetes.*` and the features into
`application.features` (for its own checks), and mounts the v2 document as written (the binary maps it).
Runs once per render; every template calls it first.
*/}}
{{- define "connaisseur.normalize" -}}
{{- if and (hasKey .Values "notary") (not (hasKey .Values "validators")) -}}
{{- fail "v1 values (top-level 'notary') are not mapped by this chart: convert them to v3 (application.validators and application.policy); `connaisseur lint` reads both" -}}
{{- end -}}
{{- if and (hasKey .Values "validators") (not (hasKey .Values "_layout")) -}}
{{- $_ := set .Values "_layout" "v2" -}}
{{- $f := dict -}}
{{- if hasKey .Values "detectionMode" }}{{ $_ := set $f "detectionMode" .Values.detectionMode }}{{ end -}}
{{- with .Values.namespacedValidation -}}
{{- if .enabled -}}
{{- if not .mode }}{{ fail "Helm defines a namespacedValidation, but no mode" }}{{ end -}}
{{- $_ := set $f "namespacedValidation" (dict "mode" .mode) -}}
{{- end -}}
{{- end -}}
{{- if hasKey .Values "automaticChildApproval" -}}
{{- $c := .Values.automaticChildApproval -}}
{{- if kindIs "map" $c }}{{ $_ := set $f "automaticChildApproval" ($c.enabled | default false) }}{{ else }}{{ $_ := set $f "automaticChildApproval" $c }}{{ end -}}
{{- end -}}
{{- if hasKey .Values "automaticUnchangedApproval" -}}
{{- $u := .Values.automaticUnchangedApproval -}}
{{- if kindIs "map" $u }}{{ $_ := set $f "automaticUnchangedApproval" ($u.enabled | default false) }}{{ else }}{{ $_ := set $f "automaticUnchangedApproval" $u }}{{ end -}}
{{- end -}}
{{- $_ := set .Values "application" (dict "validators" .Values.validators "policy" (.Values.policy | default list) "features" $f) -}}
{{- with .Values.deployment -}}
{{- $_ := mergeOverwrite $.Values.kubernetes.deployment (omit . "failurePolicy" "reinvocationPolicy") -}}
{{- if .failurePolicy }}{{ $_ := set $.Values.kubernetes.webhook "failurePolicy" .failurePolicy }}{{ end -}}
{{- if .reinvocationPolicy }}{{ $_ := set $.Values.kubernetes.webhook "reinvocationPolicy" .reinvocationPolicy }}{{ end -}}
{{- end -}}
{{- with .Values.service -}}
{{- $_ := mergeOverwrite $.Values.kubernetes.service . -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The auth secret a validator's pods mount (v2 spelling secret_name accepted), or "". */}}
{{- define "connaisseur.authSecretName" -}}
{{- if include "connaisseur.hasInlineAuth" . -}}
{{ printf "%s-auth" .name }}
{{- else if kindIs "map" .auth -}}
{{ .auth.secretName | default .auth.secret_name | default "" }}
{{- end -}}
{{- end -}}

{{/* "true" when the chart deploys Redis (kubernetes.redis.enabled), else "". */}}
{{- define "connaisseur.redisEnabled" -}}
{{- $r := .Values.kubernetes.redis | default dict -}}
{{- if and (kindIs "map" $r) (eq (toString (get $r "enabled")) "true") -}}true{{- end -}}
{{- end -}}

{{/*
"true" when the replicas share their cache through Redis: the chart's (kubernetes.redis.enabled) or
one the values name (application.features.cache.redis). The chart then mounts the Secret
<n>-cache-entry-key, with which the replicas seal what they share (Redis never sees it), and
sets cache.redis.entryKeyFile to it unless the values name a file of their own.
*/}}
{{- define "connaisseur.sharedCache" -}}
{{- $cache := dig "features" "cache" nil (.Values.application | default dict) -}}
{{- if or (include "connaisseur.redisEnabled" .) (and (kindIs "map" $cache) (kindIs "map" (get $cache "redis"))) -}}true{{- end -}}
{{- end -}}

{{- define "connaisseur.redisService" -}}
{{ include "connaisseur.name" . }}-redis-service
{{- end -}}

{{- define "connaisseur.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "connaisseur.name" . }}-redis
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
application.features.cache as mounted when the chart deploys Redis: its `redis` points at the chart's
Redis over TLS, trusting the certificate of <n>-redis-tls and sending the password of <n>-redis-secret
(both mounted by the Deployment). A `cache.redis` given in the values wins. Fails rendering when
the cache is off, since Redis only ever serves the cache.
*/}}
{{- define "connaisseur.cacheWithRedis" -}}
{{- $f := .Values.application.features | default dict -}}
{{- $cache := get $f "cache" -}}
{{- if kindIs "bool" $cache -}}
{{- if not $cache }}{{ fail "kubernetes.redis.enabled needs the cache: application.features.cache is false" }}{{ end -}}
{{- $cache = dict -}}
{{- else if not (kindIs "map" $cache) -}}
{{- $cache = dict -}}
{{- end -}}
{{- $cache = deepCopy $cache -}}
{{- if and (hasKey $cache "expirySeconds") (le (int $cache.expirySeconds) 0) -}}
{{- fail "kubernetes.redis.enabled needs the cache: application.features.cache.expirySeconds is not above 0" -}}
{{- end -}}
{{- if not (hasKey $cache "redis") -}}
{{- $_ := set $cache "redis" (dict "host" (include "connaisseur.redisService" .) "port" 6379 "tls" true "passwordFile" "/app/redis/password" "caFile" "/app/redis-certs/tls.crt") -}}
{{- end -}}
{{ toYaml $cache }}
{{- end -}}

{{/*
The PodDisruptionBudget's spec fields, or "" for none: the values' (v3.10 keeps it under
kubernetes.deployment, older charts under kubernetes), else `maxUnavailable: 1` when more than one
replica runs. `enabled: false` renders none.
*/}}
{{- define "connaisseur.pdbSpec" -}}
{{- $pdb := .Values.kubernetes.deployment.podDisruptionBudget | default .Values.kubernetes.podDisruptionBudget | default dict -}}
{{- if and (hasKey $pdb "enabled") (not $pdb.enabled) -}}
{{- else if omit $pdb "enabled" -}}
{{ toYaml (omit $pdb "enabled") }}
{{- else if gt (int .Values.kubernetes.deployment.replicasCount) 1 -}}
maxUnavailable: 1
{{- end -}}
{{- end -}}

{{/* The pods' affinity: the values' as written, else anti-affinity by node when replicas > 1. */}}
{{- define "connaisseur.affinity" -}}
{{- $d := .Values.kubernetes.deployment -}}
{{- if $d.affinity -}}
{{ toYaml $d.affinity }}
{{- else if gt (int $d.replicasCount) 1 -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "connaisseur.selectorLabels" . | nindent 12 }}
{{- end -}}
{{- end -}}
