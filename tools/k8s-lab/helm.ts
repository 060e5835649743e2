// A plan's Helm release rendered by the real `helm template`, from the chart sources lib/k8s-lab/sources.ts names,
// with the release's values and post-renderer, into the objects Helm would install.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { KubeObject, helmInstallOrder } from "../../lib/k8s-lab/objects";
import { CHART_SOURCES, ChartSource, LAB_KUBERNETES_VERSION } from "../../lib/k8s-lab/sources";
import { undeclaredValuePaths } from "../../lib/k8s-lab/values-schema";
import { binaries, ModuleResult } from "./build";

const REPO = path.resolve(__dirname, "..", "..");

export interface ReleaseInputs {
  name?: string;
  chart: string;
  version: string;
  namespace?: string;
  values?: Record<string, unknown>;
  /** Values files (Pulumi assets); Helm reads them before `values`, which win. */
  valueYamlFiles?: Array<{ text?: unknown; path?: unknown }>;
  postrender?: string;
}

export type Rendered =
  | { ok: true; objects: KubeObject[]; crds: KubeObject[]; renderedFrom: string; differsFromPinned: string; unknownValues?: string[] }
  | { ok: false; notChecked: string }
  | { ok: false; error: string; renderedFrom: string; differsFromPinned: string };

/** The first served candidate of a chart source. */
export function chartDir(
  source: ChartSource,
  modules: Record<string, ModuleResult>,
): { dir: string; from: string; differs: string } | undefined {
  for (const c of source.candidates) {
    const m = modules[`${c.module}@${c.version}`];
    if (m && "dir" in m)
      return { dir: path.join(m.dir, source.path ?? ""), from: `${c.module}@${c.version}`, differs: c.differsFromPinned };
  }
  return undefined;
}

export function renderRelease(
  release: ReleaseInputs,
  resourceName: string,
  modules: Record<string, ModuleResult>,
  workDir: string,
): Rendered {
  const source = CHART_SOURCES.find((s) => s.chart === release.chart);
  if (!source) return { ok: false, notChecked: `no offline source is known for chart ${release.chart}` };
  if (source.version !== release.version)
    return { ok: false, notChecked: `the lab knows ${release.chart} ${source.version}, the plan pins ${release.version}` };
  const found = chartDir(source, modules);
  if (!found) return { ok: false, notChecked: source.unavailable };

  // The module holds the chart's sources; Istio's release tooling stamps the release version into Chart.yaml when it
  // packages them, and so does the lab (a copy: the module cache is read-only).
  const dir = path.join(workDir, "charts", resourceName);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(found.dir, dir, { recursive: true });
  for (const f of walk(dir)) fs.chmodSync(f, 0o644);
  const chartYaml = path.join(dir, "Chart.yaml");
  fs.writeFileSync(
    chartYaml,
    fs
      .readFileSync(chartYaml, "utf8")
      .replace(/^version: .*$/m, `version: ${release.version}`)
      .replace(/^appVersion: .*$/m, `appVersion: ${release.version}`),
  );

  const valueFiles = (release.valueYamlFiles ?? []).map((asset, i) => {
    const file = path.join(workDir, `${resourceName}.values-${i}.yaml`);
    if (typeof asset.text === "string") fs.writeFileSync(file, asset.text);
    else if (typeof asset.path === "string") fs.copyFileSync(path.resolve(REPO, asset.path), file);
    else throw new Error(`${resourceName}: values file ${i} is neither text nor a path`);
    return file;
  });
  const valuesFile = path.join(workDir, `${resourceName}.values.json`);
  fs.writeFileSync(valuesFile, JSON.stringify(release.values ?? {}, null, 2));
  const schemaFile = path.join(dir, "values.schema.json");
  const unknownValues = fs.existsSync(schemaFile)
    ? undeclaredValuePaths(release.values ?? {}, JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Record<string, unknown>)
    : undefined;

  const args = [
    "template",
    release.name ?? resourceName,
    dir,
    "--namespace",
    release.namespace ?? "default",
    ...valueFiles.flatMap((f) => ["--values", f]),
    "--values",
    valuesFile,
    "--kube-version",
    LAB_KUBERNETES_VERSION,
    "--include-crds",
    "--skip-tests",
  ];
  // Helm runs a post-renderer as an executable with the rendered manifests on stdin (Pulumi passes `postrender` on).
  if (release.postrender) args.push("--post-renderer", path.resolve(REPO, release.postrender));
  const r = spawnSync(binaries().helm, args, {
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      HELM_CACHE_HOME: path.join(workDir, "helm-cache"),
      HELM_CONFIG_HOME: path.join(workDir, "helm-config"),
      HELM_DATA_HOME: path.join(workDir, "helm-data"),
    },
  });
  if (r.status !== 0)
    return {
      ok: false,
      error: `helm template: ${(r.stderr || String(r.error)).trim()}`,
      renderedFrom: found.from,
      differsFromPinned: found.differs,
    };
  fs.writeFileSync(path.join(workDir, `${resourceName}.rendered.yaml`), r.stdout);

  const docs = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === "object" && typeof o.kind === "string");
  for (const o of docs) {
    o.metadata ??= {};
    // Helm puts namespaced objects without a namespace into the release namespace.
    if (o.kind !== "CustomResourceDefinition") o.metadata.namespace ??= release.namespace ?? "default";
  }
  const crds = docs.filter((o) => o.kind === "CustomResourceDefinition");
  const objects = helmInstallOrder(docs.filter((o) => o.kind !== "CustomResourceDefinition"));
  return {
    ok: true,
    objects,
    crds,
    renderedFrom: found.from,
    differsFromPinned: found.differs,
    ...(unknownValues ? { unknownValues } : {}),
  };
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)].filter((x) => !fs.statSync(x).isDirectory()) : [p];
  });
}
