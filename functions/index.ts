// The function app's entry point: installs the Azure composition and loads every function.
// Each import registers its function with the Functions host (and the project's registry).
import "../shared/composition.js";
import "./health.js";
import "./me.js";
import "./openapi.js";
