// ECMA-376 agile encryption (MS-OFFCRYPTO 2.3.4.10–2.3.4.15) of an Office package with
// node:crypto: the parameters Excel itself writes (AES-256-CBC, SHA-512, 100,000 spins), in the
// OLE compound file Office expects (written with `cfb`). officecrypto-tool, which this replaces
// for writing, derives the password key three times over in JavaScript (about 1.5 s of CPU per
// file); here the 100,000 rounds run once with the one-shot native hash, and the three keys
// differ only in their last round (about 0.1 s). Loaded only by xlsx.ts, in an export worker.
import { createCipheriv, createHmac, hash, randomBytes } from "node:crypto";
import CFB from "cfb";

const SPIN_COUNT = 100_000;
const KEY_BYTES = 32; // AES-256
const BLOCK_BYTES = 16; // AES block, and the salt size Excel uses
const SEGMENT_BYTES = 4096; // the package is encrypted in segments of this size, each its own IV

/** The fixed block keys of MS-OFFCRYPTO 2.3.4.11–2.3.4.14. */
const blockKeys = {
  verifierHashInput: Buffer.from("fea7d2763b4b9e79", "hex"),
  verifierHashValue: Buffer.from("d7aa0f6d3061344e", "hex"),
  encryptedKeyValue: Buffer.from("146e0be7abacd0d6", "hex"),
  hmacKey: Buffer.from("5fb2ad010cb9e1f6", "hex"),
  hmacValue: Buffer.from("a0677f02b22c8433", "hex"),
} as const;

/** Version 4.4 (agile) and the reserved flags 0x40 that precede the EncryptionInfo XML. */
const ENCRYPTION_INFO_HEADER = Buffer.from([0x04, 0x00, 0x04, 0x00, 0x40, 0x00, 0x00, 0x00]);

const sha512 = (...parts: Buffer[]): Buffer => hash("sha512", Buffer.concat(parts), "buffer");

const uint32le = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
};

/** A hash cut (or padded with 0x36, which never happens for SHA-512) to `length` bytes. */
function fit(bytes: Buffer, length: number): Buffer {
  return bytes.length >= length
    ? bytes.subarray(0, length)
    : Buffer.concat([bytes, Buffer.alloc(length - bytes.length, 0x36)]);
}

/** AES-256-CBC without padding: every input here is already a multiple of the block size. */
function aesCbc(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/**
 * The iterated hash of 2.3.4.11: H0 = SHA-512(salt + password as UTF-16LE), then
 * Hn = SHA-512(n - 1 as uint32le + Hn-1) for 100,000 rounds. One buffer is reused for every
 * round, so the loop allocates nothing but the digests.
 */
export function spunPasswordHash(password: string, salt: Buffer, spinCount = SPIN_COUNT): Buffer {
  let h = sha512(salt, Buffer.from(password, "utf16le"));
  const round = Buffer.alloc(4 + h.length);
  for (let i = 0; i < spinCount; i++) {
    round.writeUInt32LE(i, 0);
    h.copy(round, 4);
    h = hash("sha512", round, "buffer");
  }
  return h;
}

/** The key for one purpose: the final round with that purpose's block key. */
const keyFor = (spun: Buffer, blockKey: Buffer): Buffer => fit(sha512(spun, blockKey), KEY_BYTES);

/** The package, segment by segment (2.3.4.15), after its size as a uint64le. */
function encryptPackage(packageKey: Buffer, keyDataSalt: Buffer, plain: Buffer): Buffer {
  const size = Buffer.alloc(8);
  size.writeUInt32LE(plain.length, 0);
  const segments: Buffer[] = [size];
  for (let i = 0, offset = 0; offset < plain.length; i++, offset += SEGMENT_BYTES) {
    const segment = plain.subarray(offset, offset + SEGMENT_BYTES);
    const padded = Buffer.concat([
      segment,
      Buffer.alloc((BLOCK_BYTES - (segment.length % BLOCK_BYTES)) % BLOCK_BYTES),
    ]);
    const iv = fit(sha512(keyDataSalt, uint32le(i)), BLOCK_BYTES);
    segments.push(aesCbc(packageKey, iv, padded));
  }
  return Buffer.concat(segments);
}

function encryptionInfoXml(fields: {
  keyDataSalt: Buffer;
  encryptedHmacKey: Buffer;
  encryptedHmacValue: Buffer;
  passwordSalt: Buffer;
  encryptedVerifierHashInput: Buffer;
  encryptedVerifierHashValue: Buffer;
  encryptedKeyValue: Buffer;
}): string {
  const b64 = (b: Buffer) => b.toString("base64");
  const cipher = `blockSize="${BLOCK_BYTES}" keyBits="${KEY_BYTES * 8}" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
    '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" ' +
    'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password" ' +
    'xmlns:c="http://schemas.microsoft.com/office/2006/keyEncryptor/certificate">' +
    `<keyData saltSize="${BLOCK_BYTES}" ${cipher} saltValue="${b64(fields.keyDataSalt)}"/>` +
    `<dataIntegrity encryptedHmacKey="${b64(fields.encryptedHmacKey)}" encryptedHmacValue="${b64(fields.encryptedHmacValue)}"/>` +
    '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">' +
    `<p:encryptedKey spinCount="${SPIN_COUNT}" saltSize="${BLOCK_BYTES}" ${cipher} saltValue="${b64(fields.passwordSalt)}" ` +
    `encryptedVerifierHashInput="${b64(fields.encryptedVerifierHashInput)}" ` +
    `encryptedVerifierHashValue="${b64(fields.encryptedVerifierHashValue)}" ` +
    `encryptedKeyValue="${b64(fields.encryptedKeyValue)}"/>` +
    "</keyEncryptor></keyEncryptors></encryption>"
  );
}

/** The OLE compound file holding the two streams an agile-encrypted package consists of. */
function compoundFile(encryptionInfo: Buffer, encryptedPackage: Buffer): Uint8Array {
  const container = CFB.utils.cfb_new();
  CFB.utils.cfb_add(container, "EncryptionInfo", encryptionInfo);
  CFB.utils.cfb_add(container, "EncryptedPackage", encryptedPackage);
  // cfb_new() adds a placeholder stream of its own; Office files do not have it.
  CFB.utils.cfb_del(container, "\u0001Sh33tJ5");
  const written: unknown = CFB.write(container, { type: "buffer" });
  if (!(written instanceof Uint8Array)) throw new Error("cfb did not write a buffer");
  return new Uint8Array(written.buffer, written.byteOffset, written.byteLength);
}

/** `plain` (an OOXML zip) encrypted with `password` as Excel does; Office asks for it on opening. */
export function encryptAgile(plain: Uint8Array, password: string): Uint8Array {
  const packageKey = randomBytes(KEY_BYTES);
  const keyDataSalt = randomBytes(BLOCK_BYTES);
  const passwordSalt = randomBytes(BLOCK_BYTES);

  const encryptedPackage = encryptPackage(packageKey, keyDataSalt, Buffer.from(plain));

  // Data integrity (2.3.4.14): an HMAC of the whole EncryptedPackage stream under a random
  // key, both encrypted with the package key.
  const hmacKey = randomBytes(64);
  const hmacValue = createHmac("sha512", hmacKey).update(encryptedPackage).digest();
  const integrityIv = (blockKey: Buffer) => fit(sha512(keyDataSalt, blockKey), BLOCK_BYTES);

  // The password's keys (2.3.4.11–2.3.4.13): one spin, three final rounds.
  const spun = spunPasswordHash(password, passwordSalt);
  const verifierHashInput = randomBytes(BLOCK_BYTES);
  const xml = encryptionInfoXml({
    keyDataSalt,
    encryptedHmacKey: aesCbc(packageKey, integrityIv(blockKeys.hmacKey), hmacKey),
    encryptedHmacValue: aesCbc(packageKey, integrityIv(blockKeys.hmacValue), hmacValue),
    passwordSalt,
    encryptedVerifierHashInput: aesCbc(
      keyFor(spun, blockKeys.verifierHashInput),
      passwordSalt,
      verifierHashInput,
    ),
    encryptedVerifierHashValue: aesCbc(
      keyFor(spun, blockKeys.verifierHashValue),
      passwordSalt,
      sha512(verifierHashInput),
    ),
    encryptedKeyValue: aesCbc(keyFor(spun, blockKeys.encryptedKeyValue), passwordSalt, packageKey),
  });
  return compoundFile(
    Buffer.concat([ENCRYPTION_INFO_HEADER, Buffer.from(xml, "utf8")]),
    encryptedPackage,
  );
}
