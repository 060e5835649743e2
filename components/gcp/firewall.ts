// One region's VPC firewall: the rules planned in ./firewall-plan.ts, one gcp.compute.Firewall each.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RegionSpec } from "../../lib/config/spec";
import { Mesh } from "../../lib/types";
import { FirewallRulePlan, planRegionFirewall } from "../../lib/cloud/gke/firewall-plan";

export interface RegionalFirewallArgs {
  /** selfLink of the region's VPC. */
  network: pulumi.Input<string>;
  /** Every region of the stack, in configuration order: the other regions' ranges are the only remote sources. */
  regions: RegionSpec[];
  /** Position of this firewall's region in `regions`. */
  localIndex: number;
  /** Mesh whose ports cross regions (lib/ports.ts). */
  mesh: Mesh;
  /** GCP provider of this region; every rule uses it. */
  provider: gcp.Provider;
}

export class RegionalFirewall extends pulumi.ComponentResource {
  readonly plan: FirewallRulePlan[];
  readonly rules: gcp.compute.Firewall[];

  constructor(name: string, args: RegionalFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("geo-kafka:gcp:RegionalFirewall", name, {}, opts);
    this.plan = planRegionFirewall(args.regions, args.localIndex, args.mesh);
    this.rules = this.plan.map(
      (rule) =>
        new gcp.compute.Firewall(
          `${name}-${rule.suffix}`,
          {
            network: args.network,
            description: rule.description,
            direction: "INGRESS",
            priority: rule.priority,
            sourceRanges: rule.sourceRanges,
            ...(rule.targetTags ? { targetTags: rule.targetTags } : {}),
            ...(rule.action === "allow" ? { allows: rule.ports } : { denies: rule.ports }),
            ...(rule.log ? { logConfig: { metadata: "INCLUDE_ALL_METADATA" } } : {}),
          },
          { parent: this, provider: args.provider },
        ),
    );
    this.registerOutputs({ ruleCount: this.rules.length });
  }
}
