// Reads the few facts the drift tests need out of Bicep source text. There is no Bicep compiler
// here, so the templates keep these facts in a fixed shape (one `NAME: value` per line inside a
// `var x = { ... }` block, single-line string vars) and every deviation from it is an error,
// never a silent miss.

export class BicepShapeError extends Error {
  override name = "BicepShapeError";
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const entryLine = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S.*?)\s*$/;

/** The line without a trailing `//` comment; `//` inside a string literal (a URL) is kept. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString && c === "\\") i++;
    else if (c === "'") inString = !inString;
    else if (!inString && c === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

/** Whether `value` is one complete expression: quotes closed, brackets balanced, no top-level comma. */
function isSingleValue(value: string): boolean {
  let inString = false;
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) return false;
    if (depth < 0) return false;
  }
  return !inString && depth === 0;
}

/** The lines between `var <name> = <open>` and the closing bracket at column 0. */
function varBlock(text: string, name: string, open: "{" | "["): string[] {
  const lines = text.split(/\r?\n/);
  const header = new RegExp(`^var\\s+${name}\\s*=\\s*\\${open}\\s*$`);
  const start = lines.findIndex((line) => header.test(line));
  if (start === -1) throw new BicepShapeError(`no "var ${name} = ${open}" line`);
  const close = open === "{" ? "}" : "]";
  const end = lines.findIndex((line, i) => i > start && line.trimEnd() === close);
  if (end === -1) throw new BicepShapeError(`var ${name}: no closing "${close}" at column 0`);
  return lines.slice(start + 1, end);
}

/**
 * The entries of a flat object variable (`var appSettings = {` ... `}`), key → value source
 * text. Comment and blank lines are skipped; a nested object or array, a line that is not
 * `key: value`, or a repeated key throws.
 */
export function parseFlatObjectVar(text: string, name: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of varBlock(text, name, "{")) {
    const line = stripComment(raw).trim();
    if (line === "") continue;
    const match = entryLine.exec(line);
    if (!match) throw new BicepShapeError(`var ${name}: not a "key: value" line: ${raw.trim()}`);
    const [, key = "", value = ""] = match;
    if (/[[{]$/.test(value))
      throw new BicepShapeError(
        `var ${name}: ${key} opens a nested block; keep one value per line`,
      );
    if (!isSingleValue(value))
      throw new BicepShapeError(`var ${name}: ${key} is not one complete value: ${value}`);
    if (entries.has(key)) throw new BicepShapeError(`var ${name}: ${key} is set twice`);
    entries.set(key, value);
  }
  return entries;
}

/** A Bicep single-quoted string literal's value, or undefined when `source` is not one. */
export function stringLiteral(source: string): string | undefined {
  const match = /^'((?:[^'\\]|\\.)*)'$/.exec(source.trim());
  if (!match) return undefined;
  return (match[1] ?? "").replace(/\\(.)/g, (_, c: string) =>
    c === "n" ? "\n" : c === "t" ? "\t" : c,
  );
}

/** Every single-line `var name = '<literal>'` of the file. */
export function stringVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^var\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('.*')\s*$/.exec(stripComment(line));
    if (!match) continue;
    const value = stringLiteral(match[2] ?? "");
    if (value !== undefined) vars.set(match[1] ?? "", value);
  }
  return vars;
}

/** A value that is a string literal or the name of a string var of the same file. */
export function resolveString(source: string, vars: ReadonlyMap<string, string>): string {
  const literal = stringLiteral(source);
  if (literal !== undefined) return literal;
  const name = source.trim();
  const value = identifier.test(name) ? vars.get(name) : undefined;
  if (value === undefined)
    throw new BicepShapeError(`${source} is neither a string literal nor a string var`);
  return value;
}

/**
 * The objects of an array variable whose items are flat objects
 * (`var x = [` / `  {` / `    key: value` / `  }` / `]`), each as key → value source text.
 */
export function parseObjectArrayVar(text: string, name: string): Map<string, string>[] {
  const items: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  for (const raw of varBlock(text, name, "[")) {
    const line = stripComment(raw).trim();
    if (line === "") continue;
    if (line === "{") {
      if (current) throw new BicepShapeError(`var ${name}: nested object`);
      current = new Map();
      continue;
    }
    if (line === "}") {
      if (!current) throw new BicepShapeError(`var ${name}: "}" without "{"`);
      items.push(current);
      current = undefined;
      continue;
    }
    const match = entryLine.exec(line);
    if (!current || !match)
      throw new BicepShapeError(`var ${name}: unexpected line: ${raw.trim()}`);
    const [, key = "", value = ""] = match;
    if (/[[{]$/.test(value) || !isSingleValue(value))
      throw new BicepShapeError(`var ${name}: ${key} is not one complete value: ${value}`);
    if (current.has(key)) throw new BicepShapeError(`var ${name}: ${key} is set twice in one item`);
    current.set(key, value);
  }
  if (current) throw new BicepShapeError(`var ${name}: unclosed object`);
  return items;
}

/** The items of a single-line-per-item array variable of string literals. */
export function parseStringArrayVar(text: string, name: string): string[] {
  return varBlock(text, name, "[")
    .map((raw) => stripComment(raw).trim())
    .filter((line) => line !== "")
    .map((line) => {
      const value = stringLiteral(line);
      if (value === undefined) throw new BicepShapeError(`var ${name}: not a string: ${line}`);
      return value;
    });
}
