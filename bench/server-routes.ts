// What bench/server.ts shares with the load generators (bench/load.ts, bench/profile-save.ts):
// the routes only the server registers, and the session shapes it seeds. They must not import
// the server's module, which would register the whole app in their process.
export const noopRoute = "bench/noop";
export const saveShapedRoute = "bench/save-shaped";
export const cpuRoute = "bench/cpu";

/**
 * `typical`: one form, API.md's "Customer care" example (4 questions), the session the product's
 * own docs show. `large`: 5 forms × 40 questions, the size sessionDocBytes is specified for.
 */
export const sessionShapes = ["typical", "large"] as const;
export type SessionShape = (typeof sessionShapes)[number];
