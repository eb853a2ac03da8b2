// Keeps the load generator's event loop turning, so its thread never sleeps between responses.
// A CPU left idle past the kernel's halt-polling window halts, and on a virtual machine waking it
// again costs whoever wakes it: here the benchmark server, whose response write wakes the
// sleeping generator. The generator idles longer the slower the server is, so that cost fell on
// the save and not on the no-op (bench/wake-up.ts measures it on this machine). Turning costs the
// server nothing once the generator has a CPU of its own (bench/cpus.ts), which is the only case
// where load.ts turns it on.
//
// A turning loop keeps its CPU busy, so the generator's CPU time no longer says how much work it
// did. Turns in which no response arrived are counted as waiting: `generatorWorkMicros` is the
// process's CPU time without them.

/** The loop's state while it turns; one generator per process. */
let loop: { waitingMicros: number; worked: boolean; last: bigint; stopped: boolean } | undefined;

const micros = (from: bigint, to: bigint): number => Number(to - from) / 1000;

/** Starts turning the event loop; returns the function that stops it. */
export function keepAwake(): () => void {
  if (loop && !loop.stopped) throw new Error("The event loop is already kept awake.");
  const state = { waitingMicros: 0, worked: false, last: process.hrtime.bigint(), stopped: false };
  loop = state;
  const turn = () => {
    if (state.stopped) return;
    const now = process.hrtime.bigint();
    if (!state.worked) state.waitingMicros += micros(state.last, now);
    state.worked = false;
    state.last = now;
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    state.stopped = true;
  };
}

/** Marks the current turn as one that did the generator's work (a response arrived). */
export function turnDidWork(): void {
  if (loop) loop.worked = true;
}

/** The process's CPU time so far, less the turns the kept-awake loop spent waiting (µs). */
export function generatorWorkMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system - (loop?.waitingMicros ?? 0);
}
