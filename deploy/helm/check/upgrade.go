package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	sigsyaml "sigs.k8s.io/yaml"
)

// installedRelease answers Helm's `lookup` with the objects of an earlier render, as the cluster
// holds them after `helm install`: rendering again against it is what `helm upgrade` does.
type installedRelease struct {
	objects []*unstructured.Unstructured
}

func newInstalledRelease(manifest string) (installedRelease, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(manifest)))
	var release installedRelease
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return release, nil
		}
		if err != nil {
			return release, err
		}
		if isEmptyDocument(doc) {
			continue
		}
		var content map[string]interface{}
		if err := sigsyaml.Unmarshal(doc, &content); err != nil {
			return release, err
		}
		release.objects = append(release.objects, &unstructured.Unstructured{Object: content})
	}
}

func (r installedRelease) GetClientFor(apiVersion, kind string) (dynamic.NamespaceableResourceInterface, bool, error) {
	return releaseObjects{release: r, apiVersion: apiVersion, kind: kind}, true, nil
}

// releaseObjects serves the two calls `lookup` makes: Get by name, and List when no name is given.
type releaseObjects struct {
	dynamic.NamespaceableResourceInterface // nil: nothing else is called
	release                                installedRelease
	apiVersion, kind, namespace            string
}

func (o releaseObjects) Namespace(namespace string) dynamic.ResourceInterface {
	o.namespace = namespace
	return o
}

func (o releaseObjects) matches(u *unstructured.Unstructured) bool {
	return u.GetAPIVersion() == o.apiVersion && u.GetKind() == o.kind && (o.namespace == "" || u.GetNamespace() == o.namespace)
}

func (o releaseObjects) Get(_ context.Context, name string, _ metav1.GetOptions, _ ...string) (*unstructured.Unstructured, error) {
	for _, u := range o.release.objects {
		if o.matches(u) && u.GetName() == name {
			return u.DeepCopy(), nil
		}
	}
	gv, _ := schema.ParseGroupVersion(o.apiVersion)
	return nil, apierrors.NewNotFound(gv.WithResource(strings.ToLower(o.kind)).GroupResource(), name)
}

func (o releaseObjects) List(_ context.Context, _ metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	list := &unstructured.UnstructuredList{Object: map[string]interface{}{"apiVersion": o.apiVersion, "kind": o.kind + "List"}}
	for _, u := range o.release.objects {
		if o.matches(u) {
			list.Items = append(list.Items, *u.DeepCopy())
		}
	}
	return list, nil
}

// compareSecrets: an upgrade must keep every key of every Secret the install made (a new
// TARGET_ENCRYPTION_KEY would make every stored target URI unreadable).
func compareSecrets(install installedRelease, upgradeManifest string) []string {
	upgrade, err := newInstalledRelease(upgradeManifest)
	if err != nil {
		return []string{fmt.Sprintf("upgrade: %v", err)}
	}
	secrets := func(r installedRelease) map[string]interface{} {
		found := map[string]interface{}{}
		for _, u := range r.objects {
			if u.GetKind() == "Secret" {
				found[u.GetName()] = u.Object["data"]
			}
		}
		return found
	}
	before, after := secrets(install), secrets(upgrade)
	var problems []string
	for name, data := range before {
		if !reflect.DeepEqual(data, after[name]) {
			problems = append(problems, fmt.Sprintf("Secret/%s: its data changes on helm upgrade", name))
		}
	}
	sort.Strings(problems)
	return problems
}
