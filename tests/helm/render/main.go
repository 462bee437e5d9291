// render: a minimal `helm template` for tests/helm/, built from Debian's golang and sprig packages
// (Debian has no helm). It renders a chart the way Helm 3 does for `helm template`: Go's
// text/template with Sprig's functions plus Helm's own (include, tpl, required, toYaml, fromYaml,
// fromYamlArray, toJson, fromJson, lookup answering nothing, as off-cluster), the user's values
// coalesced over values.yaml (maps merge, null deletes), .Files from the chart directory, and one
// ".Values" shared by every template (Helm shares it too, so templates that `set` into it agree).
//
// Usage: render CHART_DIR [-f VALUES.yaml]... [--release NAME] [--namespace NS]
// Prints the rendered documents as `---\n# Source: <chart>/templates/<file>\n...`; exit 1 with
// the template's error (e.g. a `fail`) on stderr.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type files map[string][]byte

func (f files) Get(name string) string { return string(f[name]) }

func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

// normalize turns yaml.v3's decoded values into what Helm sees (JSON types: numbers are float64).
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case []interface{}:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	case int:
		return float64(t)
	default:
		return v
	}
}

func loadYAML(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if out == nil {
		out = map[string]interface{}{}
	}
	return normalize(out).(map[string]interface{}), nil
}

// coalesce merges user over defaults as Helm does: maps key by key, null deletes, else replace.
func coalesce(user, defaults map[string]interface{}) map[string]interface{} {
	for k, d := range defaults {
		u, present := user[k]
		if !present {
			user[k] = d
			continue
		}
		um, uok := u.(map[string]interface{})
		dm, dok := d.(map[string]interface{})
		if uok && dok {
			user[k] = coalesce(um, dm)
		}
	}
	for k, v := range user {
		if v == nil {
			delete(user, k)
		}
	}
	return user
}

func toYAML(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func fromYAML(s string) map[string]interface{} {
	out := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &out); err != nil {
		out["Error"] = err.Error()
	}
	if out == nil {
		return map[string]interface{}{}
	}
	return normalize(out).(map[string]interface{})
}

func fromYAMLArray(s string) []interface{} {
	var out []interface{}
	if err := yaml.Unmarshal([]byte(s), &out); err != nil {
		return []interface{}{err.Error()}
	}
	if out == nil {
		return []interface{}{}
	}
	return normalize(out).([]interface{})
}

func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = toYAML
	f["fromYaml"] = fromYAML
	f["fromYamlArray"] = fromYAMLArray
	f["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	f["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		if t, err = t.New("tpl").Parse(text); err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	return f
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: render CHART_DIR [-f VALUES.yaml]... [--release NAME] [--namespace NS]")
		os.Exit(2)
	}
	chartDir := os.Args[1]
	release, namespace := "connaisseur", "connaisseur"
	var valueFiles []string
	for i := 2; i+1 < len(os.Args); i += 2 {
		switch os.Args[i] {
		case "-f":
			valueFiles = append(valueFiles, os.Args[i+1])
		case "--release":
			release = os.Args[i+1]
		case "--namespace":
			namespace = os.Args[i+1]
		default:
			fmt.Fprintln(os.Stderr, "unknown option", os.Args[i])
			os.Exit(2)
		}
	}
	if err := run(chartDir, release, namespace, valueFiles); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(chartDir, release, namespace string, valueFiles []string) error {
	chart, err := loadYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := loadYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, vf := range valueFiles {
		user, err := loadYAML(vf)
		if err != nil {
			return err
		}
		values = coalesce(user, values)
	}
	name := fmt.Sprint(chart["name"])
	chartFiles := files{}
	var templates []string
	err = filepath.Walk(chartDir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			templates = append(templates, rel)
		} else {
			chartFiles[rel] = data
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(templates)
	root := template.New(name).Option("missingkey=zero")
	root.Funcs(funcMap(root))
	for _, rel := range templates {
		data, _ := os.ReadFile(filepath.Join(chartDir, rel))
		if _, err := root.New(path.Join(name, rel)).Parse(string(data)); err != nil {
			return err
		}
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart": map[string]interface{}{"Name": name, "Version": chart["version"],
			"AppVersion": chart["appVersion"]},
		"Files": chartFiles,
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30"}},
	}
	var out bytes.Buffer
	for _, rel := range templates {
		if strings.HasPrefix(path.Base(rel), "_") {
			continue
		}
		full := path.Join(name, rel)
		top["Template"] = map[string]interface{}{"Name": full, "BasePath": path.Join(name, "templates")}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, full, top); err != nil {
			return err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", full, strings.TrimLeft(text, "\n"))
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}
