package main

import (
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// promql parses as Prometheus does by default (no experimental functions).
var promql = parser.NewParser(parser.Options{})

// metricNames are the metric names that an expression selects, each once: the name of every vector
// selector, written plainly or as an equality on __name__.
func metricNames(expr parser.Expr) []string {
	seen := map[string]bool{}
	var names []string
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		selector, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := selector.Name
		for _, m := range selector.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		return nil
	})
	return names
}
