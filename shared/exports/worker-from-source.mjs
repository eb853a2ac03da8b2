// The export worker's entry when the service runs from its TypeScript sources (vitest, tsx,
// `npm start`). Node 20 applies no `--import` loader to a worker thread, so the thread registers
// tsx itself before loading worker.ts. The built package loads dist/export-worker.js instead
// (pool.ts), and tsx is a development dependency only.
import { register } from "tsx/esm/api";

register();
const { default: renderInWorker } = await import("./worker.ts");
export default renderInWorker;
