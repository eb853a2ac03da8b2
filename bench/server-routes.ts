// The routes only bench/server.ts registers, shared with the load generator (bench/load.ts),
// which must not import the server's module (it would register the whole app in its process).
export const noopRoute = "bench/noop";
export const saveShapedRoute = "bench/save-shaped";
export const cpuRoute = "bench/cpu";
