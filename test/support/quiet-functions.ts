// Outside the Functions runtime @azure/functions warns once per registration that it is in
// test mode; the tests call the registered handlers themselves, so the warnings are noise.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].includes('"@azure/functions" package is in test mode'))
    return;
  warn(...args);
};
