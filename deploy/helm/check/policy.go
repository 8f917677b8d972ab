package main

import (
	"fmt"
	"regexp"
	"strings"

	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// workload is a controller of pods: its pod template and the selector it owns them by.
type workload struct {
	id       string
	selector *metav1.LabelSelector
	template corev1.PodTemplateSpec
	// claims: a StatefulSet's volumeClaimTemplates, volumes its pods may mount.
	claims []string
}

// index of the rendered objects by kind, for the checks that relate objects to each other.
type index struct {
	workloads       []workload
	pdbs            []*policyv1.PodDisruptionBudget
	services        []*corev1.Service
	configMaps      map[string]*corev1.ConfigMap
	secrets         map[string]*corev1.Secret
	deployments     map[string]*appsv1.Deployment
	externalSecrets map[string]bool
}

// checkPolicy: what every object of the chart must satisfy beyond decoding. externalSecrets are
// Secrets the release uses but does not create (existingSecret values).
func checkPolicy(objects []object, externalSecrets map[string]bool) []string {
	idx := buildIndex(objects, externalSecrets)
	var problems []string
	add := func(id, format string, args ...any) {
		problems = append(problems, id+": "+fmt.Sprintf(format, args...))
	}

	seen := map[string]bool{}
	for _, o := range objects {
		if seen[o.id] {
			add(o.id, "defined twice")
		}
		seen[o.id] = true
		checkMetadata(o, add)
	}
	for _, w := range idx.workloads {
		checkWorkload(w, idx, add)
	}
	for _, s := range idx.services {
		checkService(s, idx, add)
	}
	for _, o := range objects {
		switch typed := o.obj.(type) {
		case *autoscalingv2.HorizontalPodAutoscaler:
			checkScaleTarget(o.id, typed.Spec.ScaleTargetRef.APIVersion, typed.Spec.ScaleTargetRef.Kind, typed.Spec.ScaleTargetRef.Name, idx, add)
		case *kedav1alpha1.ScaledObject:
			checkScaledObject(o.id, typed, idx, add)
		case *policyv1.PodDisruptionBudget:
			if !selectsAny(typed.Spec.Selector, idx.workloads) {
				add(o.id, "selects no pods of any workload")
			}
		}
	}
	return problems
}

func buildIndex(objects []object, externalSecrets map[string]bool) *index {
	idx := &index{
		configMaps:      map[string]*corev1.ConfigMap{},
		secrets:         map[string]*corev1.Secret{},
		deployments:     map[string]*appsv1.Deployment{},
		externalSecrets: externalSecrets,
	}
	for _, o := range objects {
		switch typed := o.obj.(type) {
		case *appsv1.Deployment:
			idx.deployments[typed.Name] = typed
			idx.workloads = append(idx.workloads, workload{id: o.id, selector: typed.Spec.Selector, template: typed.Spec.Template})
		case *appsv1.StatefulSet:
			var claims []string
			for _, c := range typed.Spec.VolumeClaimTemplates {
				claims = append(claims, c.Name)
			}
			idx.workloads = append(idx.workloads, workload{id: o.id, selector: typed.Spec.Selector, template: typed.Spec.Template, claims: claims})
		case *appsv1.DaemonSet:
			idx.workloads = append(idx.workloads, workload{id: o.id, selector: typed.Spec.Selector, template: typed.Spec.Template})
		case *policyv1.PodDisruptionBudget:
			idx.pdbs = append(idx.pdbs, typed)
		case *corev1.Service:
			idx.services = append(idx.services, typed)
		case *corev1.ConfigMap:
			idx.configMaps[typed.Name] = typed
		case *corev1.Secret:
			idx.secrets[typed.Name] = typed
		}
	}
	return idx
}

type addFunc func(id, format string, args ...any)

func checkMetadata(o object, add addFunc) {
	meta, ok := o.obj.(metav1.Object)
	if !ok {
		return
	}
	for _, msg := range validation.IsDNS1123Subdomain(meta.GetName()) {
		add(o.id, "name: %s", msg)
	}
	if _, isService := o.obj.(*corev1.Service); isService {
		for _, msg := range validation.IsDNS1035Label(meta.GetName()) {
			add(o.id, "Service name: %s", msg)
		}
	}
	for key, value := range meta.GetLabels() {
		for _, msg := range validation.IsQualifiedName(key) {
			add(o.id, "label key %q: %s", key, msg)
		}
		for _, msg := range validation.IsValidLabelValue(value) {
			add(o.id, "label %s=%q: %s", key, value, msg)
		}
	}
}

func checkWorkload(w workload, idx *index, add addFunc) {
	selector, err := metav1.LabelSelectorAsSelector(w.selector)
	if err != nil || w.selector == nil || selector.Empty() {
		add(w.id, "needs a non-empty selector")
	} else if !selector.Matches(labels.Set(w.template.Labels)) {
		add(w.id, "selector %s does not match its pod template's labels", selector)
	}
	if !hasPDB(w, idx.pdbs) {
		add(w.id, "has no PodDisruptionBudget selecting its pods")
	}

	pod := w.template.Spec
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
		add(w.id, "pod securityContext.runAsNonRoot must be true")
	}
	volumes := map[string]corev1.Volume{}
	for _, claim := range w.claims {
		volumes[claim] = corev1.Volume{Name: claim}
	}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
		checkVolumeSource(w.id, v, idx, add)
	}
	for _, c := range pod.InitContainers {
		checkContainer(w.id, c, false, volumes, idx, add)
	}
	for _, c := range pod.Containers {
		checkContainer(w.id, c, true, volumes, idx, add)
	}
	checkPrometheusPort(w, add)
}

func hasPDB(w workload, pdbs []*policyv1.PodDisruptionBudget) bool {
	for _, pdb := range pdbs {
		if pdb.Namespace != "" && w.template.Namespace != "" && pdb.Namespace != w.template.Namespace {
			continue
		}
		selector, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err == nil && !selector.Empty() && selector.Matches(labels.Set(w.template.Labels)) {
			return true
		}
	}
	return false
}

func checkContainer(workloadID string, c corev1.Container, regular bool, volumes map[string]corev1.Volume, idx *index, add addFunc) {
	id := fmt.Sprintf("%s container %s", workloadID, c.Name)
	checkImage(id, c.Image, add)
	for _, resource := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[resource]; !ok {
			add(id, "no %s request", resource)
		}
		if _, ok := c.Resources.Limits[resource]; !ok {
			add(id, "no %s limit", resource)
		}
	}
	if regular {
		probes := map[string]*corev1.Probe{"startupProbe": c.StartupProbe, "livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe}
		for _, name := range []string{"startupProbe", "livenessProbe", "readinessProbe"} {
			if probes[name] == nil {
				add(id, "no %s", name)
				continue
			}
			checkProbePort(id, name, probes[name], c.Ports, add)
		}
	}
	checkContainerSecurity(id, c.SecurityContext, add)
	for _, m := range c.VolumeMounts {
		if _, ok := volumes[m.Name]; !ok {
			add(id, "mounts volume %q that the pod does not define", m.Name)
		}
	}
	checkEnv(id, c, idx, add)
}

func checkImage(id, image string, add addFunc) {
	if image == "" {
		add(id, "no image")
		return
	}
	ref, digest, _ := strings.Cut(image, "@")
	lastSegment := ref[strings.LastIndex(ref, "/")+1:]
	_, tag, hasTag := strings.Cut(lastSegment, ":")
	switch {
	case hasTag && tag == "latest":
		add(id, "image %q uses the tag latest", image)
	case hasTag && tag == "":
		add(id, "image %q has an empty tag", image)
	case !hasTag && digest == "":
		add(id, "image %q has no tag (that is latest)", image)
	}
}

func checkContainerSecurity(id string, sc *corev1.SecurityContext, add addFunc) {
	if sc == nil {
		add(id, "no securityContext")
		return
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		add(id, "securityContext.allowPrivilegeEscalation must be false")
	}
	if sc.Privileged != nil && *sc.Privileged {
		add(id, "must not be privileged")
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		add(id, "securityContext.readOnlyRootFilesystem must be true")
	}
	dropsAll := false
	if sc.Capabilities != nil {
		for _, c := range sc.Capabilities.Drop {
			dropsAll = dropsAll || c == "ALL"
		}
		if len(sc.Capabilities.Add) > 0 {
			add(id, "adds capabilities %v", sc.Capabilities.Add)
		}
	}
	if !dropsAll {
		add(id, "securityContext.capabilities.drop must include ALL")
	}
}

// checkProbePort: an HTTP, TCP or gRPC probe must target a port the container declares.
func checkProbePort(id, probeName string, p *corev1.Probe, ports []corev1.ContainerPort, add addFunc) {
	var port *intstr.IntOrString
	switch {
	case p.HTTPGet != nil:
		port = &p.HTTPGet.Port
	case p.TCPSocket != nil:
		port = &p.TCPSocket.Port
	case p.GRPC != nil:
		port = &intstr.IntOrString{Type: intstr.Int, IntVal: p.GRPC.Port}
	case p.Exec != nil:
		if len(p.Exec.Command) == 0 {
			add(id, "%s runs no command", probeName)
		}
		return
	default:
		add(id, "%s has no handler", probeName)
		return
	}
	if !declaresPort(ports, *port) {
		add(id, "%s targets port %s, which the container does not declare", probeName, port.String())
	}
}

func declaresPort(ports []corev1.ContainerPort, port intstr.IntOrString) bool {
	for _, p := range ports {
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
			return true
		}
	}
	return false
}

// variableReference is Kubernetes' $(NAME) expansion in env values and commands.
var variableReference = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

func checkEnv(id string, c corev1.Container, idx *index, add addFunc) {
	defined := map[string]bool{}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm := idx.requireConfigMap(id, from.ConfigMapRef.Name, "", add)
			if cm != nil {
				for key := range cm.Data {
					defined[from.Prefix+key] = true
				}
			}
		case from.SecretRef != nil:
			idx.requireSecret(id, from.SecretRef.Name, "", add)
		}
	}
	for _, e := range c.Env {
		for _, msg := range validation.IsEnvVarName(e.Name) {
			add(id, "env %q: %s", e.Name, msg)
		}
		for _, ref := range variableReference.FindAllStringSubmatch(e.Value, -1) {
			if !defined[ref[1]] {
				add(id, "env %s refers to $(%s), which is not defined before it", e.Name, ref[1])
			}
		}
		if e.ValueFrom != nil {
			if ref := e.ValueFrom.ConfigMapKeyRef; ref != nil {
				idx.requireConfigMap(id, ref.Name, ref.Key, add)
			}
			if ref := e.ValueFrom.SecretKeyRef; ref != nil {
				idx.requireSecret(id, ref.Name, ref.Key, add)
			}
		}
		defined[e.Name] = true
	}
}

func checkVolumeSource(id string, v corev1.Volume, idx *index, add addFunc) {
	if v.ConfigMap != nil {
		for _, item := range v.ConfigMap.Items {
			idx.requireConfigMap(id, v.ConfigMap.Name, item.Key, add)
		}
		idx.requireConfigMap(id, v.ConfigMap.Name, "", add)
	}
	if v.Secret != nil {
		for _, item := range v.Secret.Items {
			idx.requireSecret(id, v.Secret.SecretName, item.Key, add)
		}
		idx.requireSecret(id, v.Secret.SecretName, "", add)
	}
}

func (idx *index) requireConfigMap(id, name, key string, add addFunc) *corev1.ConfigMap {
	cm, ok := idx.configMaps[name]
	if !ok {
		add(id, "refers to ConfigMap %q, which is not rendered", name)
		return nil
	}
	if key != "" {
		if _, ok := cm.Data[key]; !ok {
			add(id, "refers to key %q of ConfigMap %q, which it does not have", key, name)
		}
	}
	return cm
}

func (idx *index) requireSecret(id, name, key string, add addFunc) {
	secret, ok := idx.secrets[name]
	if !ok {
		if !idx.externalSecrets[name] {
			add(id, "refers to Secret %q, which is neither rendered nor an existingSecret", name)
		}
		return
	}
	if key == "" {
		return
	}
	_, inData := secret.Data[key]
	_, inStringData := secret.StringData[key]
	if !inData && !inStringData {
		add(id, "refers to key %q of Secret %q, which it does not have", key, name)
	}
}

// checkPrometheusPort: the scrape annotation must name a port some container of the pod declares.
func checkPrometheusPort(w workload, add addFunc) {
	port, ok := w.template.Annotations["prometheus.io/port"]
	if !ok {
		return
	}
	target := intstr.Parse(port)
	for _, c := range w.template.Spec.Containers {
		if declaresPort(c.Ports, target) {
			return
		}
	}
	add(w.id, "prometheus.io/port %s is not a port of its containers", port)
}

func checkService(s *corev1.Service, idx *index, add addFunc) {
	id := "Service/" + s.Name
	if len(s.Spec.Selector) == 0 {
		add(id, "has no selector")
		return
	}
	selector := labels.SelectorFromSet(s.Spec.Selector)
	var matched []workload
	for _, w := range idx.workloads {
		if selector.Matches(labels.Set(w.template.Labels)) {
			matched = append(matched, w)
		}
	}
	if len(matched) == 0 {
		add(id, "selects no pods of any workload")
		return
	}
	for _, p := range s.Spec.Ports {
		target := p.TargetPort
		if target.Type == intstr.Int && target.IntVal == 0 {
			target = intstr.FromInt32(p.Port)
		}
		for _, w := range matched {
			found := false
			for _, c := range w.template.Spec.Containers {
				found = found || declaresPort(c.Ports, target)
			}
			if !found {
				add(id, "port %s targets %s, which %s does not declare", p.Name, target.String(), w.id)
			}
		}
	}
}

func selectsAny(ls *metav1.LabelSelector, workloads []workload) bool {
	selector, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil || selector.Empty() {
		return false
	}
	for _, w := range workloads {
		if selector.Matches(labels.Set(w.template.Labels)) {
			return true
		}
	}
	return false
}

// checkScaleTarget: an autoscaler must scale a rendered Deployment that leaves its replica count
// to the autoscaler (a fixed count would be reset by every `helm upgrade`).
func checkScaleTarget(id, apiVersion, kind, name string, idx *index, add addFunc) {
	if kind != "Deployment" || (apiVersion != "" && apiVersion != "apps/v1") {
		add(id, "scales %s %s/%s; this chart only autoscales apps/v1 Deployments", apiVersion, kind, name)
		return
	}
	d, ok := idx.deployments[name]
	if !ok {
		add(id, "scales Deployment %q, which is not rendered", name)
		return
	}
	if d.Spec.Replicas != nil {
		add(id, "scales Deployment %q, which also sets replicas", name)
	}
}

// checkScaledObject: KEDA's own validation of triggers and bounds, then the scale target.
func checkScaledObject(id string, so *kedav1alpha1.ScaledObject, idx *index, add addFunc) {
	if err := kedav1alpha1.ValidateTriggers(so.Spec.Triggers); err != nil {
		add(id, "triggers: %v", err)
	}
	if err := kedav1alpha1.CheckReplicaCountBoundsAreValid(so); err != nil {
		add(id, "replica counts: %v", err)
	}
	if err := kedav1alpha1.CheckFallbackValid(so); err != nil {
		add(id, "fallback: %v", err)
	}
	if so.Spec.ScaleTargetRef == nil {
		add(id, "no scaleTargetRef")
		return
	}
	kind := so.Spec.ScaleTargetRef.Kind
	if kind == "" {
		kind = "Deployment" // KEDA's default
	}
	checkScaleTarget(id, so.Spec.ScaleTargetRef.APIVersion, kind, so.Spec.ScaleTargetRef.Name, idx, add)
	for _, t := range so.Spec.Triggers {
		if t.Type != "nats-jetstream" {
			continue
		}
		for _, key := range []string{"natsServerMonitoringEndpoint", "stream", "consumer", "lagThreshold"} {
			if t.Metadata[key] == "" {
				add(id, "trigger %s: no %s", t.Name, key)
			}
		}
	}
}
