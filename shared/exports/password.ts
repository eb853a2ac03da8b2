// The export password rule, kept apart from xlsx.ts so callers can check it without loading
// exceljs. The password itself is never logged, stored or put in a message.

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export function isValidExportPassword(password: unknown): password is string {
  return (
    typeof password === "string" &&
    password.length >= MIN_PASSWORD_LENGTH &&
    password.length <= MAX_PASSWORD_LENGTH
  );
}

/** The HTTP layer validates too; this guard keeps a weak or missing password from ever shipping. */
export function assertExportPassword(password: unknown): asserts password is string {
  if (!isValidExportPassword(password)) {
    // The message never echoes the password.
    throw new Error(
      `An xlsx export needs a password of ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`,
    );
  }
}
