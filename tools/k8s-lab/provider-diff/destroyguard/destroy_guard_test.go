// Package destroyguard runs a plan's resource graph through the real Pulumi engine (pkg/v3's deployment engine with
// its test plugin host): every resource of plan.json registered with its parent, dependencies and `protect`, created
// by a fake provider, then `pulumi destroy`. It reports which resources the provider was asked to delete.
//
//	go test ./destroyguard -run TestDestroyGuard -args -plan /path/to/plan.json [-expect none|all]
//
// It prints one line, `destroy-guard {"resources":N,"custom":N,"destroyError":"...","deleted":[...]}`, which the
// Kubernetes lab reads (lib/k8s-lab/destroy-guard.ts). -expect none: the stack's DataGuard must keep every resource
// (docs/durability.md); -expect all: the plan was made with protectData false and everything must go; without
// -expect, the line is the whole result.
package destroyguard

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/engine"
	lt "github.com/pulumi/pulumi/pkg/v3/engine/lifecycletest/framework"
	"github.com/pulumi/pulumi/pkg/v3/resource/deploy/deploytest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

var (
	planFile = flag.String("plan", "", "plan.json of npm run plan -- --json")
	expect   = flag.String("expect", "", "none: nothing may be deleted; all: everything must be deleted; empty: report only")
)

type planResource struct {
	Type      string   `json:"type"`
	Name      string   `json:"name"`
	Parent    *string  `json:"parent"`
	Provider  *string  `json:"provider"`
	DependsOn []string `json:"dependsOn"`
	Protect   bool     `json:"protect"`
}

// Custom resources are what a provider creates: an explicit provider, or a provider itself. They all become types of
// one fake package (customType), so that one fake provider serves them; components keep their own type tokens.
func custom(r planResource) bool {
	return r.Provider != nil || strings.HasPrefix(r.Type, "pulumi:providers:")
}

// key names a resource uniquely: plan names are unique per type (an EIP and a NAT gateway may share one).
func key(r planResource) string { return r.Type + "::" + r.Name }

// The plan's parents and dependencies are names: a name stands for every resource of that name but the one asking.
func byName(rs []planResource) map[string][]planResource {
	out := map[string][]planResource{}
	for _, r := range rs {
		out[r.Name] = append(out[r.Name], r)
	}
	return out
}

// registrationOrder puts every resource after its parent and after what it depends on.
func registrationOrder(t *testing.T, rs []planResource) []planResource {
	named := byName(rs)
	var out []planResource
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(r planResource)
	visit = func(r planResource) {
		k := key(r)
		if state[k] == 2 {
			return
		}
		if state[k] == 1 {
			t.Fatalf("dependency cycle through %s", k)
		}
		state[k] = 1
		var next []string
		if r.Parent != nil {
			next = append(next, *r.Parent)
		}
		next = append(next, r.DependsOn...)
		for _, n := range next {
			for _, d := range named[n] {
				if key(d) != k {
					visit(d)
				}
			}
		}
		state[k] = 2
		out = append(out, r)
	}
	sorted := append([]planResource(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return key(sorted[i]) < key(sorted[j]) })
	for _, r := range sorted {
		visit(r)
	}
	return out
}

// customType gives each original type its own token in the fake package, so that URNs stay unique.
func customType(original string) tokens.Type {
	var b strings.Builder
	for _, c := range original {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		} else {
			b.WriteRune('_')
		}
	}
	return tokens.Type("plan:index:R" + b.String())
}

func TestDestroyGuard(t *testing.T) {
	if *planFile == "" {
		t.Skip("no -plan given")
	}
	text, err := os.ReadFile(*planFile)
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Resources []planResource `json:"resources"`
	}
	if err := json.Unmarshal(text, &plan); err != nil {
		t.Fatal(err)
	}
	ordered := registrationOrder(t, plan.Resources)

	var mu sync.Mutex
	var deleted []string
	loaders := []*deploytest.ProviderLoader{
		deploytest.NewProviderLoader("plan", semver.MustParse("1.0.0"), func() (plugin.Provider, error) {
			return &deploytest.Provider{
				CreateF: func(_ context.Context, req plugin.CreateRequest) (plugin.CreateResponse, error) {
					return plugin.CreateResponse{ID: resource.ID("id-" + req.URN.Name()), Properties: req.Properties, Status: resource.StatusOK}, nil
				},
				DeleteF: func(_ context.Context, req plugin.DeleteRequest) (plugin.DeleteResponse, error) {
					mu.Lock()
					deleted = append(deleted, req.URN.Name())
					mu.Unlock()
					return plugin.DeleteResponse{}, nil
				},
			}, nil
		}),
	}
	program := deploytest.NewLanguageRuntimeF(func(_ plugin.RunInfo, monitor *deploytest.ResourceMonitor) error {
		if _, err := monitor.RegisterResource(resource.RootStackType, "stack", false); err != nil {
			return err
		}
		named := byName(ordered)
		urns := map[string]resource.URN{}
		for _, r := range ordered {
			typ := tokens.Type(r.Type)
			if custom(r) {
				typ = customType(r.Type)
			}
			opts := deploytest.ResourceOptions{}
			if r.Parent != nil {
				// A parent is a component; components' names are unique in the plan.
				for _, p := range named[*r.Parent] {
					opts.Parent = urns[key(p)]
				}
			}
			for _, d := range r.DependsOn {
				for _, dr := range named[d] {
					if u, ok := urns[key(dr)]; ok && key(dr) != key(r) {
						opts.Dependencies = append(opts.Dependencies, u)
					}
				}
			}
			if r.Protect {
				protect := true
				opts.Protect = &protect
			}
			res, err := monitor.RegisterResource(typ, r.Name, custom(r), opts)
			if err != nil {
				return err
			}
			urns[key(r)] = res.URN
		}
		return nil
	})
	host := deploytest.NewPluginHostF(nil, nil, program, loaders...)
	p := &lt.TestPlan{Options: lt.TestUpdateOptions{T: t, HostF: host, SkipDisplayTests: true}}
	snap, err := lt.TestOp(engine.Update).RunStep(p.GetProject(), p.GetTarget(t, nil), p.Options, false, p.BackendClient, nil, "up")
	if err != nil {
		t.Fatalf("pulumi up of the plan's graph: %v", err)
	}
	customs := 0
	for _, r := range plan.Resources {
		if custom(r) {
			customs++
		}
	}
	_, destroyErr := lt.TestOp(engine.Destroy).RunStep(p.GetProject(), p.GetTarget(t, snap), p.Options, false, p.BackendClient, nil, "destroy")
	sort.Strings(deleted)
	result := map[string]interface{}{"resources": len(plan.Resources), "custom": customs, "deleted": append([]string{}, deleted...)}
	if destroyErr != nil {
		result["destroyError"] = destroyErr.Error()
	}
	line, _ := json.Marshal(result)
	fmt.Printf("destroy-guard %s\n", line)
	switch *expect {
	case "":
	case "none":
		if destroyErr == nil || !strings.Contains(destroyErr.Error(), "protected") {
			t.Errorf("destroy did not refuse: %v", destroyErr)
		}
		if len(deleted) > 0 {
			t.Errorf("deleted despite the guard: %v", deleted)
		}
	case "all":
		if destroyErr != nil {
			t.Errorf("destroy failed: %v", destroyErr)
		}
		if len(deleted) != customs {
			t.Errorf("deleted %d of %d custom resources", len(deleted), customs)
		}
	default:
		t.Fatalf("-expect %q: none or all", *expect)
	}
}
