// One DefaultAzureCredential per process, created on first use (managed identity in Azure,
// the developer's az login elsewhere). AZURE_CLIENT_ID selects the user-assigned identity.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";

let credential: TokenCredential | undefined;

export function azureCredential(): TokenCredential {
  credential ??= new DefaultAzureCredential();
  return credential;
}
