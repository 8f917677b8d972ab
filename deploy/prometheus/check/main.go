// Command check validates the monitoring files without a Prometheus or a Grafana: it parses the
// alert rules with Prometheus's own rule loader (strict YAML, PromQL and templates) and every query
// of the Grafana dashboard with Prometheus's PromQL parser, checks a small policy on both, and lists
// the metrics that they name, so that a test can compare them with what the services export.
//
//	check -rules deploy/prometheus/alerts.yaml -dashboard deploy/grafana/index-registry.json
//
// It prints one JSON report on stdout, {"problems": [...], "metrics": {name: [where, ...]}}, and
// exits 1 if there is any problem, 2 if it could not run.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
)

// report is what the checker prints: the problems, one line each, and per metric name the rules and
// panels that query it.
type report struct {
	Problems []string            `json:"problems"`
	Metrics  map[string][]string `json:"metrics"`
}

func (r *report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *report) uses(metric, where string) {
	r.Metrics[metric] = append(r.Metrics[metric], where)
}

func main() {
	rulesFile := flag.String("rules", "", "a Prometheus rule file to check")
	dashboardFile := flag.String("dashboard", "", "a Grafana dashboard (JSON model) to check")
	flag.Parse()
	if *rulesFile == "" && *dashboardFile == "" {
		fmt.Fprintln(os.Stderr, "nothing to check: give -rules and/or -dashboard")
		os.Exit(2)
	}

	out := &report{Problems: []string{}, Metrics: map[string][]string{}}
	if *rulesFile != "" {
		if err := checkRules(*rulesFile, out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if *dashboardFile != "" {
		if err := checkDashboard(*dashboardFile, out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	for _, where := range out.Metrics {
		sort.Strings(where)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if len(out.Problems) > 0 {
		os.Exit(1)
	}
}
