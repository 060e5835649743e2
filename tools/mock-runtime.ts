// Runs a Pulumi program under the SDK's mocks and records what it would register: the offline "preview".
// Shared by `npm run plan` and the tests, so both see exactly the same thing.
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockState } from "./mock-values";

/** The secret marker the SDK puts on secret values it serializes. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SECRET_PLACEHOLDER = "[secret]";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export interface RecordedResource {
  /** Pulumi type token, e.g. `gcp:compute/network:Network`. */
  type: string;
  name: string;
  /** Name of the parent resource; null for resources directly under the stack. */
  parent: string | null;
  /** Name of the explicit provider resource; null when the default provider would be used. */
  provider: string | null;
  /** Inputs as sent to the engine. Secrets keep the SDK's marker until rendered. */
  inputs: Record<string, unknown>;
  custom: boolean;
  /** Names of the resources this one waits for (explicit `dependsOn` and input dependencies), sorted. */
  dependsOn: string[];
  /** Resource options that decide how a change is carried out (`replaceOnChanges`, `deleteBeforeReplace`), when set. */
  replaceOnChanges?: string[];
  /** Input paths whose change Pulumi ignores (`ignoreChanges`), when set. */
  ignoreChanges?: string[];
  /** How long Pulumi waits for a create, update or delete (`customTimeouts`, Go duration syntax), when set. */
  customTimeouts?: CustomTimeouts;
  deleteBeforeReplace?: boolean;
  /** Resource options that decide whether a delete happens (`protect`, `retainOnDelete`), when set to true. */
  protect?: boolean;
  retainOnDelete?: boolean;
}

export interface CustomTimeouts {
  create?: string;
  update?: string;
  delete?: string;
}

export interface Diagnostic {
  severity: "info" | "warning" | "error";
  message: string;
}

export interface MockRunOptions {
  project: string;
  stack: string;
  /** Stack config, fully qualified keys (`geo-kafka:kafka`) to the string values Pulumi passes programs. */
  config: Record<string, string>;
  secretKeys?: string[];
  /** Run as `pulumi preview` (true) or as `pulumi up` (false). */
  preview: boolean;
  /** The program: returns its stack outputs, as index.ts does. */
  program: () => unknown;
}

export interface MockRun {
  resources: RecordedResource[];
  /** Serialized stack outputs (secrets keep their marker). */
  outputs: Record<string, unknown>;
  diagnostics: Diagnostic[];
  /** What the program threw, if it failed. */
  error?: unknown;
}

const LOG_PREFIXES: Array<[string, Diagnostic["severity"]]> = [
  ["info: [runtime] ", "info"],
  ["warning: [runtime] ", "warning"],
  ["error: [runtime] ", "error"],
];

function nameFromUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `urn:...::name::id` provider references to the provider's resource name. */
function providerName(reference: string | undefined): string | null {
  if (!reference) return null;
  const urn = reference.slice(0, reference.lastIndexOf("::"));
  return nameFromUrn(urn);
}

/**
 * Runs `program` inside a root stack resource, the way the Pulumi language host does, with every
 * registration answered by deterministic mocks. Never throws for program errors: they land in `error`.
 */
export async function runUnderMocks(options: MockRunOptions): Promise<MockRun> {
  const resources: RecordedResource[] = [];
  const parents = new Map<string, string>();
  const dependencies = new Map<string, string[]>();
  const replacement = new Map<string, { replaceOnChanges?: string[]; deleteBeforeReplace?: boolean; ignoreChanges?: string[] }>();
  const deletion = new Map<string, { protect?: boolean; retainOnDelete?: boolean }>();
  const timeouts = new Map<string, CustomTimeouts>();
  const diagnostics: Diagnostic[] = [];

  pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type !== ROOT_STACK_TYPE) {
          const parentUrn = parents.get(`${args.type}::${args.name}`);
          const parent = parentUrn && !parentUrn.includes(`::${ROOT_STACK_TYPE}::`) ? nameFromUrn(parentUrn) : null;
          resources.push({
            type: args.type,
            name: args.name,
            parent,
            provider: providerName(args.provider),
            inputs: args.inputs ?? {},
            custom: args.custom ?? false,
            dependsOn: dependencies.get(`${args.type}::${args.name}`) ?? [],
            ...replacement.get(`${args.type}::${args.name}`),
            ...deletion.get(`${args.type}::${args.name}`),
            ...(timeouts.has(`${args.type}::${args.name}`) ? { customTimeouts: timeouts.get(`${args.type}::${args.name}`) } : {}),
          });
        }
        return { id: args.custom ? `mock-id:${args.name}` : undefined, state: mockState(args.type, args.name, args.inputs ?? {}) };
      },
      call(args) {
        return mockCall(args.token, args.inputs ?? {});
      },
    },
    options.project,
    options.stack,
    options.preview,
  );

  // The mock monitor passes neither the parent nor the dependencies to newResource; capture them from the request.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    parents.set(`${req.getType()}::${req.getName()}`, req.getParent());
    const names = new Set(
      req
        .getDependenciesList()
        .filter((urn) => !urn.includes(`::${ROOT_STACK_TYPE}::`))
        .map(nameFromUrn),
    );
    dependencies.set(`${req.getType()}::${req.getName()}`, [...names].sort());
    const replaceOnChanges = req.getReplaceonchangesList();
    const deleteBeforeReplace = req.getDeletebeforereplace();
    const ignoreChanges = req.getIgnorechangesList();
    if (replaceOnChanges.length > 0 || deleteBeforeReplace || ignoreChanges.length > 0)
      replacement.set(`${req.getType()}::${req.getName()}`, {
        ...(replaceOnChanges.length > 0 ? { replaceOnChanges: [...replaceOnChanges] } : {}),
        ...(deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        ...(ignoreChanges.length > 0 ? { ignoreChanges: [...ignoreChanges] } : {}),
      });
    const requested = req.getCustomtimeouts();
    const custom: CustomTimeouts = {
      ...(requested?.getCreate() ? { create: requested.getCreate() } : {}),
      ...(requested?.getUpdate() ? { update: requested.getUpdate() } : {}),
      ...(requested?.getDelete() ? { delete: requested.getDelete() } : {}),
    };
    if (Object.keys(custom).length > 0) timeouts.set(`${req.getType()}::${req.getName()}`, custom);
    const protect = req.getProtect() === true;
    const retainOnDelete = req.getRetainondelete() === true;
    if (protect || retainOnDelete)
      deletion.set(`${req.getType()}::${req.getName()}`, {
        ...(protect ? { protect: true } : {}),
        ...(retainOnDelete ? { retainOnDelete: true } : {}),
      });
    return register(req, callback);
  };

  const restoreConsole = captureConsole(diagnostics);
  let outputs: Record<string, unknown> = {};
  let failure: unknown;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        const raw = await options.program();
        outputs = (await pulumi.runtime.serializeProperties("outputs", (raw ?? {}) as pulumi.Inputs)) as Record<string, unknown>;
        return raw as pulumi.Inputs;
      } catch (err) {
        failure = err;
        return undefined;
      }
    });
    await waitForRegistrations();
  } catch (err) {
    failure ??= err;
  } finally {
    restoreConsole();
  }
  return { resources, outputs, diagnostics, ...(failure !== undefined ? { error: failure } : {}) };
}

/** Lets every registration still in flight reach the mocks before the record is read. */
async function waitForRegistrations(): Promise<void> {
  const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (wait) await wait();
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/** Routes the SDK's log lines (printed to the console when no engine is attached) into diagnostics. */
function captureConsole(diagnostics: Diagnostic[]): () => void {
  const original = { log: console.log, warn: console.warn, error: console.error };
  const intercept =
    (fallback: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      const text = args.map(String).join(" ");
      for (const [prefix, severity] of LOG_PREFIXES) {
        if (text.startsWith(prefix)) {
          diagnostics.push({ severity, message: text.slice(prefix.length) });
          return;
        }
      }
      fallback(...args);
    };
  console.log = intercept(original.log);
  console.warn = intercept(original.warn);
  console.error = intercept(original.error);
  return () => Object.assign(console, original);
}

export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Replaces every secret with "[secret]" (or unwraps it when `showSecrets`), leaving plain JSON. */
export function renderSecrets(value: unknown, showSecrets: boolean): unknown {
  if (isSecretValue(value)) return showSecrets ? renderSecrets(value.value, true) : SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map((v) => renderSecrets(v, showSecrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = renderSecrets((value as Record<string, unknown>)[key], showSecrets);
    return out;
  }
  return value;
}

/** True when any part of the value is a secret. */
export function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}
