// An in-memory BlobStore for unit tests: keeps what was uploaded and hands out fake links.
import type { BlobLink, BlobStore, Clock } from "../../ports.js";

export class InMemoryBlobStore implements BlobStore {
  readonly exports = new Map<
    string,
    { bytes: Uint8Array; contentType: string; fileName: string }
  >();
  readonly media = new Map<string, string>();
  private counter = 0;

  constructor(private readonly clock: Clock) {}

  private link(path: string): BlobLink {
    const expiresAt = new Date(this.clock.now().getTime() + 10 * 60_000).toISOString();
    return { url: `memory://blobs/${path}?sig=test`, expiresAt };
  }

  /** Counts as the upload itself; like the create-only SAS, it never replaces stored media. */
  mediaUploadUrl(tenantId: string, interactionId: string, contentType: string): Promise<BlobLink> {
    const key = `${tenantId}/${interactionId}`;
    if (!this.media.has(key)) this.media.set(key, contentType);
    return Promise.resolve(this.link(`media/${key}`));
  }

  mediaReadUrl(
    tenantId: string,
    interactionId: string,
    contentType: string,
  ): Promise<(BlobLink & { contentType: string }) | undefined> {
    const key = `${tenantId}/${interactionId}`;
    if (!this.media.has(key)) return Promise.resolve(undefined);
    return Promise.resolve({ ...this.link(`media/${key}`), contentType });
  }

  putExport(
    tenantId: string,
    sessionId: string,
    fileName: string,
    bytes: Uint8Array,
    contentType: string,
  ): Promise<BlobLink & { sizeBytes: number }> {
    const path = `exports/${tenantId}/${sessionId}/${++this.counter}/${fileName}`;
    this.exports.set(path, { bytes, contentType, fileName });
    return Promise.resolve({ ...this.link(path), sizeBytes: bytes.byteLength });
  }
}
