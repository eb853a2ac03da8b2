// @azure/functions ships one webpack bundle: Node's ESM loader cannot see its classes as named
// exports (vitest can, plain Node cannot), so the local host takes them from the default export.
import azureFunctions from "@azure/functions";

export const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;
