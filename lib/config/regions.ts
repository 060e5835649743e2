// The regions each cloud has, so a misspelt or invented region is refused by its config path before anything
// asks a price catalog or a provider about it. Each list names its source and the day it was read.

export interface RegionList {
  names: readonly string[];
  /** A name to quote in an error. */
  example: string;
  source: string;
  asOf: string;
}

export const KNOWN_REGIONS: Record<"gke" | "eks", RegionList> = {
  // Compute Engine regions (GKE runs in each): "Regions and zones", cross-checked with Cloud Build's regional list.
  gke: {
    source: "https://cloud.google.com/compute/docs/regions-zones",
    example: "us-central1",
    asOf: "2026-11-30",
    names: [
      "africa-south1",
      "asia-east1",
      "asia-east2",
      "asia-northeast1",
      "asia-northeast2",
      "asia-northeast3",
      "asia-south1",
      "asia-south2",
      "asia-southeast1",
      "asia-southeast2",
      "asia-southeast3",
      "australia-southeast1",
      "australia-southeast2",
      "europe-central2",
      "europe-north1",
      "europe-north2",
      "europe-southwest1",
      "europe-west1",
      "europe-west2",
      "europe-west3",
      "europe-west4",
      "europe-west6",
      "europe-west8",
      "europe-west9",
      "europe-west10",
      "europe-west12",
      "me-central1",
      "me-central2",
      "me-west1",
      "northamerica-northeast1",
      "northamerica-northeast2",
      "northamerica-south1",
      "southamerica-east1",
      "southamerica-west1",
      "us-central1",
      "us-east1",
      "us-east4",
      "us-east5",
      "us-south1",
      "us-west1",
      "us-west2",
      "us-west3",
      "us-west4",
    ],
  },
  // The AWS provider's own region enum (`aws.Region` of @pulumi/aws 7.48.0, generated from the provider schema), less
  // the isolated and sovereign partitions (iso*, eusc-*) whose endpoints and prices this project does not model;
  // test/config-validation.test.ts fails when a provider upgrade changes the enum.
  eks: {
    source: "@pulumi/aws 7.48.0 aws.Region",
    example: "us-east-1",
    asOf: "2026-11-30",
    names: [
      "af-south-1",
      "ap-east-1",
      "ap-east-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-south-1",
      "ap-south-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-southeast-3",
      "ap-southeast-4",
      "ap-southeast-5",
      "ap-southeast-6",
      "ap-southeast-7",
      "ca-central-1",
      "ca-west-1",
      "eu-central-1",
      "eu-central-2",
      "eu-north-1",
      "eu-south-1",
      "eu-south-2",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "il-central-1",
      "me-central-1",
      "me-south-1",
      "mx-central-1",
      "sa-east-1",
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
      "cn-north-1",
      "cn-northwest-1",
      "us-gov-east-1",
      "us-gov-west-1",
    ],
  },
};

/** Whether a region list (a target profile's `knownRegions`) has a name; without a list every name is known. */
export function isKnownRegion(known: RegionList | undefined, name: string): boolean {
  return known === undefined || known.names.includes(name);
}
