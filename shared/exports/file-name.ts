// Export file names exactly as docs/api.md fixes them: `[uncompleted_]<name>_<sessionId>.<ext>`,
// or `<name>_<sessionId>_v<n>.<ext>` for an export of version n.

export const MAX_NAME_LENGTH = 100;

/** Every character outside `A–Z a–z 0–9 . _ -` becomes `_`; the result is cut to 100 characters. */
export function sanitizeName(sessionName: string): string {
  // Iterating by code point keeps an emoji or other astral character to one `_`, not two.
  return Array.from(sessionName, (ch) => (/^[A-Za-z0-9._-]$/.test(ch) ? ch : "_"))
    .join("")
    .slice(0, MAX_NAME_LENGTH);
}

export function exportFileName(
  sessionName: string,
  sessionId: string,
  completed: boolean,
  ext: string,
  version?: number,
): string {
  const suffix = version === undefined ? "" : `_v${version}`;
  const name = `${sanitizeName(sessionName)}_${sessionId}${suffix}.${ext}`;
  return completed ? name : `uncompleted_${name}`;
}
