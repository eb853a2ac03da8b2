// Excel's rules for worksheet names: 1–31 characters, none of `[]:*?/\`, no leading or
// trailing apostrophe, unique ignoring case, and "History" is reserved.

export const MAX_SHEET_NAME = 31;
const reserved = ["history"];

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

function clean(name: string): string {
  const replaced = Array.from(name.replace(/[[\]:*?/\\]/g, "_"))
    // Control characters are not allowed either.
    .map((ch) => (isControl(ch) ? "_" : ch))
    .join("")
    // Spaces and apostrophes together: stripping one kind may uncover the other ("' '(").
    .replace(/^[\s']+|[\s']+$/g, "");
  return replaced.length > 0 ? replaced : "Form";
}

/** Cuts by code point so a surrogate pair is never split. */
function cut(name: string, max: number): string {
  const chars = Array.from(name);
  let out = "";
  for (const ch of chars) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.replace(/'+$/, "");
}

/** Names for one sheet per form, valid and unique next to the `taken` names (e.g. "Summary"). */
export function sheetNames(formNames: readonly string[], taken: readonly string[] = []): string[] {
  const used = new Set([...taken, ...reserved].map((n) => n.toLowerCase()));
  return formNames.map((raw) => {
    const base = clean(raw);
    let candidate = cut(base, MAX_SHEET_NAME);
    for (let n = 2; used.has(candidate.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      candidate = `${cut(base, MAX_SHEET_NAME - suffix.length)}${suffix}`;
    }
    used.add(candidate.toLowerCase());
    return candidate;
  });
}
