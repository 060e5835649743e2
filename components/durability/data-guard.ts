// The stack's destroy guard: one protected resource that waits for every other, so that `pulumi destroy` refuses
// before it deletes anything (lib/durability/protection.ts says why the data holders' own protection is not enough).
import * as pulumi from "@pulumi/pulumi";
import { DATA_GUARD_TYPE } from "../../lib/durability/protection";

export interface DataGuardArgs {
  /**
   * Whether the guard refuses deletion (config `protectData`). False for a deliberate tear-down: `pulumi up` with it,
   * then `pulumi destroy`. Required.
   */
  protectData: boolean;
  /**
   * Every other resource of the stack (components stand for all their children). The guard is deleted first only if
   * it waits for all of them. Required.
   */
  guards: pulumi.Resource[];
}

export class DataGuard extends pulumi.ComponentResource {
  constructor(name: string, args: DataGuardArgs, opts?: pulumi.ComponentResourceOptions) {
    super(DATA_GUARD_TYPE, name, {}, { ...opts, dependsOn: args.guards, protect: args.protectData });
    this.registerOutputs({ protectData: args.protectData });
  }
}
