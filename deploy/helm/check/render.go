package main

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
)

// The release every variant is rendered as; the namespace shows up in DNS names.
const (
	releaseName      = "ir"
	releaseNamespace = "index-registry"
)

// The oldest Kubernetes the chart supports (Chart.yaml kubeVersion): what the render assumes.
var kubeVersion = chartutil.KubeVersion{Version: "v1.27.0", Major: "1", Minor: "27"}

// renderVariant renders the chart as `helm install` would (values checked against the chart's
// values.schema.json), with the engine in strict mode, so a template that reads a value that does
// not exist fails; then as `helm upgrade` would over that install, which must keep every Secret.
// It also answers the Secrets the variant names as existing (any non-empty `existingSecret`).
func renderVariant(chartDir string, v variant) (string, map[string]bool, []string) {
	values, err := chartutil.ReadValuesFile(v.valuesFile)
	if err != nil {
		return "", nil, []string{fmt.Sprintf("values: %v", err)}
	}
	external := map[string]bool{}
	collectExistingSecrets(values, external)
	chrt, err := loader.Load(chartDir)
	if err != nil {
		return "", nil, []string{fmt.Sprintf("load: %v", err)}
	}

	install := chartutil.ReleaseOptions{Name: releaseName, Namespace: releaseNamespace, Revision: 1, IsInstall: true}
	manifest, err := render(chrt, values, install, nil)
	if err != nil {
		return "", nil, []string{err.Error()}
	}
	installed, err := newInstalledRelease(manifest)
	if err != nil {
		return "", nil, []string{fmt.Sprintf("install: %v", err)}
	}
	upgrade := chartutil.ReleaseOptions{Name: releaseName, Namespace: releaseNamespace, Revision: 2, IsUpgrade: true}
	upgraded, err := render(chrt, values, upgrade, installed)
	if err != nil {
		return "", nil, []string{fmt.Sprintf("upgrade: %v", err)}
	}
	return manifest, external, compareSecrets(installed, upgraded)
}

// render: one manifest of the rendered templates, with `lookup` answered by cluster (nil: no
// cluster, lookups find nothing, as in `helm template`). Helm offers strict mode only without a
// cluster; the install render, which every variant has, is the strict one.
func render(chrt *chart.Chart, values chartutil.Values, options chartutil.ReleaseOptions, cluster engine.ClientProvider) (string, error) {
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = kubeVersion
	top, err := chartutil.ToRenderValues(chrt, values, options, caps)
	if err != nil {
		return "", fmt.Errorf("values: %w", err)
	}
	var rendered map[string]string
	if cluster == nil {
		rendered, err = engine.Engine{Strict: true}.Render(chrt, top)
	} else {
		rendered, err = engine.RenderWithClientProvider(chrt, top, cluster)
	}
	if err != nil {
		return "", fmt.Errorf("render: %w", err)
	}
	return joinTemplates(rendered), nil
}

// collectExistingSecrets finds every `existingSecret: <name>` in the values, at any depth: the
// Helm convention for "this Secret is made outside the chart".
func collectExistingSecrets(values map[string]interface{}, into map[string]bool) {
	for key, value := range values {
		switch typed := value.(type) {
		case string:
			if key == "existingSecret" && typed != "" {
				into[typed] = true
			}
		case map[string]interface{}:
			collectExistingSecrets(typed, into)
		}
	}
}

// lintChart runs `helm lint` on the chart with its default values (once: its rules are about the
// chart and its templates; each variant's values are checked when it is rendered). Its warnings
// count as problems, its notes do not.
func lintChart(chartDir string) []string {
	linter := lint.AllWithKubeVersion(chartDir, nil, releaseNamespace, &kubeVersion)
	var problems []string
	for _, m := range linter.Messages {
		if m.Severity >= support.WarningSev {
			problems = append(problems, fmt.Sprintf("helm lint: %s", m.Error()))
		}
	}
	return problems
}

// joinTemplates puts the rendered templates into one manifest in file order, leaving out
// NOTES.txt and partials (what `helm template` prints).
func joinTemplates(rendered map[string]string) string {
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		if path.Ext(name) == ".yaml" && !strings.HasPrefix(path.Base(name), "_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		if strings.TrimSpace(rendered[name]) == "" {
			continue
		}
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(rendered[name]))
	}
	return b.String()
}
