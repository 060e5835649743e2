// Policy pack entry: `pulumi preview --policy-pack policy` (after `npm ci` at the repository root).
// Constructing the pack registers it with Pulumi's policy analyzer, so nothing else lives in this file.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("geo-kafka", { policies });
