import type { Form } from "../../domain/model.js";
import type { FormStore, Page, PageRequest, Stored } from "../../ports.js";
import { formListIdentity } from "../continuation.js";
import { MemoryCollection } from "./collection.js";

export class InMemoryFormStore implements FormStore {
  private readonly forms = new MemoryCollection<Form>("forms");

  async get(tenantId: string, id: string): Promise<Stored<Form> | undefined> {
    return Promise.resolve(this.forms.get(tenantId, id));
  }

  async create(form: Form): Promise<Stored<Form>> {
    return Promise.resolve(this.forms.create(form));
  }

  async replace(form: Form, etag: string): Promise<Stored<Form>> {
    return Promise.resolve(this.forms.replace(form, etag));
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Form>> {
    return Promise.resolve(
      this.forms.page(
        formListIdentity(tenantId),
        () => true,
        [{ value: (f) => f.name }, { value: (f) => f.id }],
        page,
        (f) => f,
      ),
    );
  }
}
