// Command check validates the Helm chart without a cluster: it renders the chart with Helm's own
// engine for each values file of a variants directory, decodes every rendered object strictly into
// the Kubernetes API types (and KEDA's for the ScaledObject), and checks the chart's policy (probes,
// resources, security context, disruption budgets, references between objects).
//
//	check -chart deploy/helm/index-registry -variants deploy/helm/check/variants [-out DIR]
//	check -manifest broken.yaml
//
// It prints one line per problem and exits 1 if there is any, 2 if it could not run.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	chartDir := flag.String("chart", "", "chart directory to render")
	variantsDir := flag.String("variants", "", "directory of values files, one variant each (with -chart)")
	outDir := flag.String("out", "", "write each variant's rendered manifest to DIR/<variant>.yaml")
	var valuesFiles, manifests fileList
	flag.Var(&valuesFiles, "values", "a values file to render as one more variant (with -chart; repeatable)")
	flag.Var(&manifests, "manifest", "an already rendered manifest to check (repeatable)")
	flag.Parse()

	variants, err := collectVariants(*chartDir, *variantsDir, valuesFiles)
	if err != nil {
		fail(err)
	}
	if len(variants) == 0 && len(manifests) == 0 {
		fail(fmt.Errorf("nothing to check: give -chart with -variants or -values, or -manifest"))
	}
	checker, err := newChecker()
	if err != nil {
		fail(err)
	}

	// Every task renders or decodes on its own: they run at once (most of the time goes into
	// generating the chart's default RSA key, once per render) and report in a fixed order.
	var tasks []func() result
	if *chartDir != "" {
		tasks = append(tasks, func() result { return result{"helm lint", "no warnings", lintChart(*chartDir)} })
	}
	for _, v := range variants {
		tasks = append(tasks, func() result { return checkVariant(checker, *chartDir, v, *outDir) })
	}
	for _, path := range manifests {
		tasks = append(tasks, func() result { return checkManifestFile(checker, path) })
	}
	results := make([]result, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = task()
		}()
	}
	wg.Wait()

	problems := 0
	for _, r := range results {
		for _, p := range r.problems {
			// Every line carries the name, so a reader can filter one variant's problems by it.
			for _, line := range strings.Split(strings.TrimSpace(p), "\n") {
				if strings.TrimSpace(line) != "" {
					fmt.Printf("%s: %s\n", r.name, line)
				}
			}
		}
		if len(r.problems) == 0 {
			fmt.Printf("ok %s: %s\n", r.name, r.summary)
		}
		problems += len(r.problems)
	}
	if problems > 0 {
		fmt.Printf("%d problem(s)\n", problems)
		os.Exit(1)
	}
}

type result struct {
	name     string
	summary  string
	problems []string
}

func checkVariant(c *checker, chartDir string, v variant, outDir string) result {
	manifest, externalSecrets, problems := renderVariant(chartDir, v)
	if len(problems) > 0 {
		return result{name: v.name, problems: problems}
	}
	if outDir != "" {
		if err := writeManifest(outDir, v.name, manifest); err != nil {
			return result{name: v.name, problems: []string{err.Error()}}
		}
	}
	objects, problems := c.checkManifest(manifest, externalSecrets)
	return result{v.name, fmt.Sprintf("%d objects", objects), problems}
}

func checkManifestFile(c *checker, path string) result {
	name := filepath.Base(path)
	data, err := os.ReadFile(path)
	if err != nil {
		return result{name: name, problems: []string{err.Error()}}
	}
	objects, problems := c.checkManifest(string(data), nil)
	return result{name, fmt.Sprintf("%d objects", objects), problems}
}

type variant struct {
	name       string
	valuesFile string
}

func collectVariants(chartDir, variantsDir string, valuesFiles []string) ([]variant, error) {
	if chartDir == "" {
		if variantsDir != "" || len(valuesFiles) > 0 {
			return nil, fmt.Errorf("-variants and -values need -chart")
		}
		return nil, nil
	}
	files := append([]string(nil), valuesFiles...)
	if variantsDir != "" {
		found, err := filepath.Glob(filepath.Join(variantsDir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("no *.yaml values files in %s", variantsDir)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("-chart needs -variants or -values")
	}
	variants := make([]variant, 0, len(files))
	for _, f := range files {
		variants = append(variants, variant{name: strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), valuesFile: f})
	}
	return variants, nil
}

func writeManifest(dir, name, manifest string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(manifest), 0o644)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "check: %v\n", err)
	os.Exit(2)
}
