// provider-diff asks the real pulumi-kubernetes provider (built from its Go module) whether a change of a Kubernetes
// provider's configuration replaces it, through the provider's own gRPC DiffConfig, as the Pulumi engine asks.
//
//	provider-diff CASES.json   prints one JSON line per case: {name, changes, diffs, replaces}
//	provider-diff serve        runs the provider (the first form starts this itself)
//
// CASES.json is a list of {name, olds, news}: the provider's old state and new inputs (kubeconfig, clusterIdentifier,
// ...), as the engine passes them. The Kubernetes lab builds the cases from the plan (tools/k8s-lab/provider-diff.ts).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

type diffCase struct {
	Name string                 `json:"name"`
	Olds map[string]interface{} `json:"olds"`
	News map[string]interface{} `json:"news"`
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "serve" {
		// The provider reads the engine's address from its arguments; DiffConfig needs no engine.
		os.Args = os.Args[:1]
		provider.Serve("kubernetes", "0.0.0-lab", []byte("{}"), []byte("{}"))
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: provider-diff CASES.json")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "provider-diff:", err)
		os.Exit(1)
	}
}

func run(casesFile string) error {
	text, err := os.ReadFile(casesFile)
	if err != nil {
		return err
	}
	var cases []diffCase
	if err := json.Unmarshal(text, &cases); err != nil {
		return fmt.Errorf("%s: %w", casesFile, err)
	}

	// The provider prints the port it listens on, as every Pulumi plugin does.
	server := exec.Command(os.Args[0], "serve")
	stdout, err := server.StdoutPipe()
	if err != nil {
		return err
	}
	server.Stderr = os.Stderr
	if err := server.Start(); err != nil {
		return err
	}
	defer func() { _ = server.Process.Kill(); _ = server.Wait() }()
	port, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("the provider printed no port: %w", err)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	client := pulumirpc.NewResourceProviderClient(conn)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range cases {
		olds, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(c.Olds), plugin.MarshalOptions{})
		if err != nil {
			return err
		}
		news, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(c.News), plugin.MarshalOptions{})
		if err != nil {
			return err
		}
		resp, err := client.DiffConfig(ctx, &pulumirpc.DiffRequest{
			Urn:       "urn:pulumi:lab::geo-kafka::pulumi:providers:kubernetes::" + c.Name,
			Olds:      olds,
			OldInputs: olds,
			News:      news,
		})
		line := map[string]interface{}{"name": c.Name}
		if err != nil {
			line["error"] = err.Error()
		} else {
			line["changes"] = resp.Changes.String()
			line["diffs"] = resp.Diffs
			line["replaces"] = resp.Replaces
		}
		out, _ := json.Marshal(line)
		fmt.Println(string(out))
	}
	return nil
}
