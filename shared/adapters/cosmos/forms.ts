import type { Container } from "@azure/cosmos";
import { isValidId } from "../../domain/ids.js";
import { formSchema, type Form } from "../../domain/model.js";
import type { FormStore, Page, PageRequest, Stored } from "../../ports.js";
import { formListIdentity } from "../continuation.js";
import { containerNames } from "./containers.js";
import { CosmosContainer, toStored, type CosmosStoreOptions } from "./requests.js";

export class CosmosFormStore implements FormStore {
  private readonly forms: CosmosContainer;

  constructor(container: Container, options: CosmosStoreOptions = {}) {
    this.forms = new CosmosContainer(container, containerNames.forms, options);
  }

  async get(tenantId: string, id: string): Promise<Stored<Form> | undefined> {
    if (!isValidId(id)) return undefined;
    const resource = await this.forms.read(tenantId, id);
    return resource === undefined ? undefined : toStored(formSchema, resource);
  }

  async create(form: Form): Promise<Stored<Form>> {
    return toStored(formSchema, await this.forms.create(form));
  }

  async replace(form: Form, etag: string): Promise<Stored<Form>> {
    return toStored(formSchema, await this.forms.replace(form, etag));
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Form>> {
    const result = await this.forms.queryPage(
      {
        query: "SELECT * FROM c WHERE c.tenantId = @tenantId ORDER BY c.tenantId, c.name, c.id",
        parameters: [{ name: "@tenantId", value: tenantId }],
      },
      formListIdentity(tenantId),
      page,
    );
    return {
      items: result.resources.map((r) => formSchema.parse(r)),
      continuationToken: result.continuationToken,
    };
  }
}
