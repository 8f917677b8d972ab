package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// dashboard is the part of Grafana's dashboard JSON model that holds queries.
type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID      int      `json:"id"`
	Title   string   `json:"title"`
	Type    string   `json:"type"`
	Targets []target `json:"targets"`
	// A collapsed row keeps its panels inside it.
	Panels []panel `json:"panels"`
}

type target struct {
	Expr       string      `json:"expr"`
	RefID      string      `json:"refId"`
	Datasource *datasource `json:"datasource"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type variable struct {
	Name string `json:"name"`
	Type string `json:"type"`
	// A string, or {"query": "...", ...} in newer schema versions.
	Query json.RawMessage `json:"query"`
}

// Grafana's interval variables stand for a duration; any other variable for a label value.
var durationVariables = map[string]bool{"__rate_interval": true, "__interval": true, "__range": true}

var variableRef = regexp.MustCompile(`\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]`)

// Grafana's Prometheus variable queries that wrap PromQL (label_values(label) names no metric).
var (
	labelValuesQuery = regexp.MustCompile(`^\s*label_values\(\s*(.+)\s*,\s*\w+\s*\)\s*$`)
	queryResultQuery = regexp.MustCompile(`^\s*query_result\(\s*(.+)\s*\)\s*$`)
)

// checkDashboard parses every panel query and every variable query with the PromQL parser, after
// putting a value in place of each Grafana variable; variables must be declared, panel ids unique,
// and datasources given by variable (a fixed uid names one Grafana's datasource, not the reader's).
func checkDashboard(path string, out *report) error {
	file := filepath.Base(path)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var board dashboard
	if err := json.Unmarshal(data, &board); err != nil {
		out.problem("%s: not a dashboard: %v", file, err)
		return nil
	}
	if board.UID == "" || board.Title == "" {
		out.problem("%s: a dashboard needs a uid and a title", file)
	}
	declared := map[string]bool{}
	for _, v := range board.Templating.List {
		declared[v.Name] = true
	}
	for _, v := range board.Templating.List {
		checkVariable(v, file, declared, out)
	}
	ids := map[int]string{}
	var walk func(panels []panel)
	walk = func(panels []panel) {
		for _, p := range panels {
			where := fmt.Sprintf("%s panel %q", file, p.Title)
			if previous, taken := ids[p.ID]; taken {
				out.problem("%s: id %d is also %q's", where, p.ID, previous)
			}
			ids[p.ID] = p.Title
			if p.Type != "row" && p.Type != "text" && len(p.Targets) == 0 {
				out.problem("%s: no query", where)
			}
			for _, t := range p.Targets {
				checkQuery(t.Expr, fmt.Sprintf("%s query %s", where, t.RefID), declared, out)
				if t.Datasource != nil && !strings.HasPrefix(t.Datasource.UID, "$") {
					out.problem("%s query %s: datasource uid %q is fixed; use the dashboard's datasource variable", where, t.RefID, t.Datasource.UID)
				}
			}
			walk(p.Panels)
		}
	}
	walk(board.Panels)
	return nil
}

func checkVariable(v variable, file string, declared map[string]bool, out *report) {
	if v.Type != "query" {
		return
	}
	where := fmt.Sprintf("%s variable %s", file, v.Name)
	var query string
	if err := json.Unmarshal(v.Query, &query); err != nil {
		var object struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &object); err != nil {
			out.problem("%s: query is neither a string nor an object with one", where)
			return
		}
		query = object.Query
	}
	if m := labelValuesQuery.FindStringSubmatch(query); m != nil {
		checkQuery(m[1], where, declared, out)
	} else if m := queryResultQuery.FindStringSubmatch(query); m != nil {
		checkQuery(m[1], where, declared, out)
	} else if !strings.HasPrefix(strings.TrimSpace(query), "label_values(") {
		out.problem("%s: %q is not label_values(...) or query_result(...)", where, query)
	}
}

// checkQuery parses a query once its variables have values, and notes the metrics it names.
func checkQuery(expr, where string, declared map[string]bool, out *report) {
	if strings.TrimSpace(expr) == "" {
		out.problem("%s: empty", where)
		return
	}
	undeclared := ""
	substituted := variableRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := variableRef.FindStringSubmatch(ref)
		name := m[1] + m[2] + m[3]
		switch {
		case durationVariables[name]:
			return "5m"
		case declared[name]:
			return "value"
		default:
			undeclared = name
			return ref
		}
	})
	if undeclared != "" {
		out.problem("%s: variable $%s is not declared", where, undeclared)
		return
	}
	parsed, err := promql.ParseExpr(substituted)
	if err != nil {
		out.problem("%s: %v", where, err)
		return
	}
	for _, metric := range metricNames(parsed) {
		out.uses(metric, where)
	}
}
