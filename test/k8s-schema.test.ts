// The schema helper itself: recorded Kubernetes objects validate, and broken ones are caught.
import * as k8s from "@pulumi/kubernetes";
import { describe, expect, it } from "vitest";
import { modelModule, schemaErrors } from "./helpers/k8s-schema";
import { runComponent } from "./helpers/harness";

describe("kubernetes schema validation of recorded objects", () => {
  it("maps type tokens to model modules", () => {
    expect(modelModule("kubernetes:core/v1:Service")).toBe("kubernetes-models/v1/Service");
    expect(modelModule("kubernetes:apps/v1:StatefulSet")).toBe("kubernetes-models/apps/v1/StatefulSet");
    expect(modelModule("kubernetes:security.istio.io/v1:PeerAuthentication")).toBe(
      "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication",
    );
  });

  it("accepts a well-formed object and reports a wrong type", async () => {
    const { recorded } = await runComponent(() => {
      const provider = new k8s.Provider("k", { kubeconfig: "mock" });
      new k8s.storage.v1.StorageClass(
        "good",
        { metadata: { name: "good" }, provisioner: "pd.csi.storage.gke.io", reclaimPolicy: "Retain" },
        { provider },
      );
      new k8s.apiextensions.CustomResource(
        "bad",
        { apiVersion: "security.istio.io/v1beta1", kind: "PeerAuthentication", metadata: { name: "bad" }, spec: { mtls: { mode: 42 } } },
        { provider },
      );
    });
    expect(schemaErrors(recorded.one("kubernetes:storage.k8s.io/v1:StorageClass", "good"))).toEqual([]);
    const bad = recorded.one("kubernetes:security.istio.io/v1beta1:PeerAuthentication", "bad");
    expect(schemaErrors(bad).join("\n")).toMatch(/mtls\/mode/);
  });
});
