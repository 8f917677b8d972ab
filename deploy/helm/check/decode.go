package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	sigsyaml "sigs.k8s.io/yaml"
)

type checker struct {
	decoder runtime.Decoder
}

// newChecker decodes YAML into the registered Go types of Kubernetes (client-go's scheme) and of
// KEDA, strictly: an unknown or misspelt field, a duplicate key or a value of the wrong type is an
// error, where kubectl would drop or coerce it and the API server might accept the object.
func newChecker() (*checker, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := kedav1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	serializer := json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme, scheme, json.SerializerOptions{Yaml: true, Strict: true})
	return &checker{decoder: serializer}, nil
}

// object is one decoded document: its typed value and "Kind/name" for messages.
type object struct {
	id  string
	obj runtime.Object
}

// checkManifest decodes every document of a multi-document manifest, then checks the policy
// over all of them together (a Deployment without a PodDisruptionBudget is only seen so).
func (c *checker) checkManifest(manifest string, externalSecrets map[string]bool) (int, []string) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	var objects []object
	var problems []string
	for index := 1; ; index++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return len(objects), append(problems, fmt.Sprintf("document %d: %v", index, err))
		}
		if isEmptyDocument(doc) {
			continue
		}
		o, err := c.decode(doc)
		if err != nil {
			problems = append(problems, fmt.Sprintf("document %d (%s): %v", index, describe(doc), err))
			continue
		}
		objects = append(objects, o)
	}
	return len(objects), append(problems, checkPolicy(objects, externalSecrets)...)
}

func (c *checker) decode(doc []byte) (object, error) {
	obj, gvk, err := c.decoder.Decode(doc, nil, nil)
	if err != nil {
		// Strict errors come with the decoded object; an object with unknown fields is still wrong.
		return object{}, err
	}
	name := ""
	if accessor, ok := obj.(interface{ GetName() string }); ok {
		name = accessor.GetName()
	}
	return object{id: gvk.Kind + "/" + name, obj: obj}, nil
}

// isEmptyDocument: only comments and blank lines, as Helm leaves for a template that renders nothing.
func isEmptyDocument(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) > 0 && trimmed[0] != '#' && !bytes.Equal(trimmed, []byte("---")) {
			return false
		}
	}
	return true
}

// describe names a document that failed to decode, from the little that plain YAML reveals.
func describe(doc []byte) string {
	var head struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := sigsyaml.Unmarshal(doc, &head); err != nil || head.Kind == "" {
		return "unknown object"
	}
	return head.Kind + "/" + head.Metadata.Name
}
