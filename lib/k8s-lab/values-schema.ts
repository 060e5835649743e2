// Release values against a chart's values.schema.json: the value paths the schema does not declare. Helm itself only
// refuses them where the schema says `additionalProperties: false`; elsewhere an unknown key is silently ignored,
// which is how a typo in a chart value goes unnoticed.

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Resolves a local `#/definitions/x` or `#/$defs/x` reference; anything else is left as it is. */
function resolve(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  if (!schema.$ref || depth > 20) return schema;
  const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(schema.$ref);
  const target = m ? (m[1] === "definitions" ? root.definitions : root.$defs)?.[m[2]] : undefined;
  return target ? resolve(target, root, depth + 1) : schema;
}

/** Every sub-schema a value must satisfy at once (allOf) or may satisfy (anyOf/oneOf): the union of what they declare. */
function variants(schema: JsonSchema, root: JsonSchema): JsonSchema[] {
  const s = resolve(schema, root);
  return [s, ...[...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])].flatMap((v) => variants(v, root))];
}

/**
 * Value paths (`a.b.c`) that the schema does not declare: a key of an object whose schema lists `properties`, matches
 * no `patternProperties` and allows no schema for additional properties. Objects the schema leaves open (no
 * properties, or `additionalProperties` given as a schema or true) are not looked into.
 */
export function undeclaredValuePaths(values: unknown, schema: JsonSchema, root: JsonSchema = schema, prefix = ""): string[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [];
  const all = variants(schema, root);
  const declared = new Map<string, JsonSchema[]>();
  let open = false;
  let sawProperties = false;
  const patterns: Array<[RegExp, JsonSchema]> = [];
  for (const v of all) {
    if (v.properties) {
      sawProperties = true;
      for (const [k, sub] of Object.entries(v.properties)) declared.set(k, [...(declared.get(k) ?? []), sub]);
    }
    for (const [p, sub] of Object.entries(v.patternProperties ?? {})) patterns.push([new RegExp(p), sub]);
    if (v.additionalProperties === true || (typeof v.additionalProperties === "object" && v.additionalProperties !== null)) open = true;
  }
  if (!sawProperties && patterns.length === 0) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const subs = [...(declared.get(key) ?? []), ...patterns.filter(([re]) => re.test(key)).map(([, s]) => s)];
    if (subs.length === 0) {
      if (!open) out.push(path);
      continue;
    }
    // A key declared by several variants is unknown below only if every one of them says so.
    const unknownBelow = subs.map((s) => new Set(undeclaredValuePaths(value, s, root, path)));
    const [first, ...rest] = unknownBelow;
    for (const p of first) if (rest.every((set) => set.has(p))) out.push(p);
  }
  return out.sort();
}
