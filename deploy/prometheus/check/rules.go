package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
)

// severities an alert may carry: what the Alertmanager routes on.
var severities = map[string]bool{"critical": true, "warning": true, "info": true}

// checkRules loads the file as Prometheus loads rule files (unknown fields refused, every expression
// parsed, every template compiled), then asks of each alert a severity, a summary, a description and
// a `for` (an alert without one fires on a single evaluation's blip).
func checkRules(path string, out *report) error {
	file := filepath.Base(path)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	groups, errs := rulefmt.ParseFile(path, false, model.LegacyValidation, promql, logger)
	for _, err := range errs {
		out.problem("%v", err)
	}
	if groups == nil {
		return nil
	}
	if len(groups.Groups) == 0 {
		out.problem("%s: no rule groups", file)
	}
	for _, group := range groups.Groups {
		for _, rule := range group.Rules {
			name := rule.Alert
			kind := "alert"
			if rule.Record != "" {
				name, kind = rule.Record, "record"
			}
			where := fmt.Sprintf("%s %s %s", file, kind, name)
			if kind == "alert" {
				checkAlert(rule, where, out)
			}
			expr, err := promql.ParseExpr(rule.Expr)
			if err != nil {
				// Reported by ParseFile already, with its position.
				continue
			}
			for _, metric := range metricNames(expr) {
				out.uses(metric, where)
			}
		}
	}
	return nil
}

func checkAlert(rule rulefmt.Rule, where string, out *report) {
	if !severities[rule.Labels["severity"]] {
		out.problem("%s: label severity must be critical, warning or info, not %q", where, rule.Labels["severity"])
	}
	for _, annotation := range []string{"summary", "description"} {
		if rule.Annotations[annotation] == "" {
			out.problem("%s: annotation %s is missing", where, annotation)
		}
	}
	if rule.For == 0 {
		out.problem("%s: no `for`: one evaluation's blip would page", where)
	}
}
