// The agile encryption checked against MS-OFFCRYPTO from the outside: the container's streams,
// the parameters Excel writes, and the data-integrity HMAC that Excel verifies on opening (and
// officecrypto-tool, which xlsx.test.ts decrypts with, does not). Decryption with the right and
// a wrong password through officecrypto-tool is xlsx.test.ts's.
import { createDecipheriv, createHash, createHmac } from "node:crypto";
import CFB from "cfb";
import { describe, expect, it } from "vitest";
import { encryptAgile, spunPasswordHash } from "./agile-encryption.js";

const password = "corr3ct horse ☕ battery";
const plain = new TextEncoder().encode("PK stand-in for a workbook ".repeat(400)); // 3 segments

function stream(container: CFB.CFB$Container, name: string): Buffer {
  const entry = CFB.find(container, name);
  if (!entry) throw new Error(`no ${name} stream`);
  return Buffer.from(entry.content as Uint8Array);
}

function attribute(xml: string, element: string, name: string): string {
  const found = new RegExp(`<${element}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
  if (found === undefined) throw new Error(`no ${element}/@${name}`);
  return found;
}

const sha512 = (...parts: Buffer[]) => createHash("sha512").update(Buffer.concat(parts)).digest();

function aesDecrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const decipher = createDecipheriv("aes-256-cbc", key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

describe("encryptAgile", () => {
  const container = CFB.read(Buffer.from(encryptAgile(plain, password)), { type: "buffer" });
  const info = stream(container, "EncryptionInfo");
  const xml = info.subarray(8).toString("utf8");
  const encryptedPackage = stream(container, "EncryptedPackage");

  it("writes an EncryptionInfo 4.4 with Excel's parameters and the EncryptedPackage", () => {
    expect([...info.subarray(0, 8)]).toEqual([4, 0, 4, 0, 0x40, 0, 0, 0]);
    expect(attribute(xml, "p:encryptedKey", "spinCount")).toBe("100000");
    for (const element of ["keyData", "p:encryptedKey"]) {
      expect(attribute(xml, element, "cipherAlgorithm")).toBe("AES");
      expect(attribute(xml, element, "keyBits")).toBe("256");
      expect(attribute(xml, element, "hashAlgorithm")).toBe("SHA512");
      expect(attribute(xml, element, "cipherChaining")).toBe("ChainingModeCBC");
    }
    expect(encryptedPackage.readUInt32LE(0)).toBe(plain.length);
    expect(encryptedPackage.length).toBe(8 + Math.ceil(plain.length / 16) * 16);
  });

  it("carries a data-integrity HMAC that matches the encrypted package", () => {
    const b64 = (element: string, name: string) =>
      Buffer.from(attribute(xml, element, name), "base64");
    const passwordSalt = b64("p:encryptedKey", "saltValue");
    const keyDataSalt = b64("keyData", "saltValue");
    const spun = spunPasswordHash(password, passwordSalt);
    const keyKey = sha512(spun, Buffer.from("146e0be7abacd0d6", "hex")).subarray(0, 32);
    const packageKey = aesDecrypt(keyKey, passwordSalt, b64("p:encryptedKey", "encryptedKeyValue"));
    const iv = (blockKey: string) =>
      sha512(keyDataSalt, Buffer.from(blockKey, "hex")).subarray(0, 16);
    const hmacKey = aesDecrypt(
      packageKey,
      iv("5fb2ad010cb9e1f6"),
      b64("dataIntegrity", "encryptedHmacKey"),
    );
    const hmacValue = aesDecrypt(
      packageKey,
      iv("a0677f02b22c8433"),
      b64("dataIntegrity", "encryptedHmacValue"),
    );
    expect(createHmac("sha512", hmacKey).update(encryptedPackage).digest()).toEqual(hmacValue);
    // And the package key opens the first segment.
    const first = aesDecrypt(
      packageKey,
      sha512(keyDataSalt, Buffer.alloc(4)).subarray(0, 16),
      encryptedPackage.subarray(8, 8 + 4096),
    );
    expect(first).toEqual(Buffer.from(plain.subarray(0, 4096)));
  });

  it("spins the password hash as MS-OFFCRYPTO 2.3.4.11 says", () => {
    // Three spins written out by hand: H0 = H(salt + password), Hn = H(n - 1 + Hn-1).
    const salt = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    let h = sha512(salt, Buffer.from(password, "utf16le"));
    for (let i = 0; i < 3; i++) {
      const n = Buffer.alloc(4);
      n.writeUInt32LE(i, 0);
      h = sha512(n, h);
    }
    expect(spunPasswordHash(password, salt, 3)).toEqual(h);
  });
});
