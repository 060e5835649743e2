// A small PromQL reader: the metric names an expression selects. Enough of the grammar to tell a metric name from a
// function, a keyword, a label name, a string, a duration or a number; it does not validate the expression.

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "atan2",
]);
/** Keywords followed by a parenthesised list of label names, not of expressions. */
const LABEL_LIST_KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
/** Aggregation operators: they may be followed by `by (...)` before their parenthesised argument. */
const AGGREGATIONS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "group",
  "stddev",
  "stdvar",
  "count",
  "count_values",
  "bottomk",
  "topk",
  "quantile",
  "limitk",
  "limit_ratio",
]);
/** Number literals PromQL spells as words. */
const WORD_NUMBERS = new Set(["inf", "nan"]);

const isIdentStart = (c: string) => /[A-Za-z_:]/.test(c);
const isIdent = (c: string) => /[A-Za-z0-9_:]/.test(c);

/** Index just past the string literal that starts at `start` (quote, double quote or backtick). */
function skipString(expr: string, start: number): number {
  const quote = expr[start];
  let i = start + 1;
  while (i < expr.length && expr[i] !== quote) i += expr[i] === "\\" && quote !== "`" ? 2 : 1;
  if (i >= expr.length) throw new Error(`unterminated string at ${start} in: ${expr}`);
  return i + 1;
}

/** Index just past the bracket that closes the one at `start`, skipping strings inside. */
function skipBalanced(expr: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let i = start; i < expr.length;) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(expr, i);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return i + 1;
    i++;
  }
  throw new Error(`unbalanced '${open}' at ${start} in: ${expr}`);
}

/** `__name__` matchers inside a `{...}` selector: `{__name__="x"}` selects metric x. */
function namesInMatchers(body: string): string[] {
  const out: string[] = [];
  const re = /__name__\s*=\s*(["'`])([^"'`]*)\1/g;
  for (let m = re.exec(body); m; m = re.exec(body)) out.push(m[2]);
  return out;
}

/** Metric names an expression selects, in order of first appearance, without duplicates. */
export function metricNames(expr: string): string[] {
  const names: string[] = [];
  const add = (n: string) => {
    if (!names.includes(n)) names.push(n);
  };
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === "`") {
      i = skipString(expr, i);
    } else if (c === "#") {
      const end = expr.indexOf("\n", i);
      i = end < 0 ? expr.length : end + 1;
    } else if (c === "{") {
      const end = skipBalanced(expr, i, "{", "}");
      namesInMatchers(expr.slice(i + 1, end - 1)).forEach(add);
      i = end;
    } else if (c === "[") {
      // Range or subquery durations.
      i = skipBalanced(expr, i, "[", "]");
    } else if (/[0-9.]/.test(c)) {
      // Numbers, durations (5m, 1h30m) and exponents (1e3, 0x1f).
      i++;
      while (i < expr.length && /[0-9A-Za-z_.]/.test(expr[i])) i++;
      if ((expr[i] === "+" || expr[i] === "-") && /[eE]$/.test(expr.slice(0, i))) {
        i++;
        while (i < expr.length && /[0-9]/.test(expr[i])) i++;
      }
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < expr.length && isIdent(expr[j])) j++;
      const word = expr.slice(i, j);
      let k = j;
      while (k < expr.length && /\s/.test(expr[k])) k++;
      const lower = word.toLowerCase();
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        i = expr[k] === "(" ? skipBalanced(expr, k, "(", ")") : k;
      } else if (KEYWORDS.has(lower) || WORD_NUMBERS.has(lower) || AGGREGATIONS.has(lower)) {
        i = j;
      } else if (expr[k] === "(") {
        // A function call (rate, sum, histogram_quantile, ...): its arguments are read on.
        i = j;
      } else {
        add(word);
        i = j;
      }
    } else {
      i++;
    }
  }
  return names;
}
