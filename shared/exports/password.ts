// The guard the xlsx renderer runs on its password, so a weak or missing one never ships. The
// password itself is never logged, stored or put in a message.
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  isValidExportPassword,
} from "../domain/exports.js";

/** The HTTP layer validates too; this guard keeps a weak or missing password from ever shipping. */
export function assertExportPassword(password: unknown): asserts password is string {
  if (!isValidExportPassword(password)) {
    // The message never echoes the password.
    throw new Error(
      `An xlsx export needs a password of ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters`,
    );
  }
}
