// A message sealed to an X25519 public key: the format of safkat/keyshare/sealing.py.
//   0x01 || ephemeral public key (32) || nonce (12) || AES-256-GCM(key, nonce, m, label)
//   key = HKDF-SHA256(X25519(ephemeral, recipient), salt = ephemeral || recipient, "safkat seal v1")

import { concat } from "./contexts.js";
import { KeyShareError } from "./field.js";

const subtle = globalThis.crypto.subtle;
const INFO = new TextEncoder().encode("safkat seal v1");

export async function importPublicKey(raw) {
  if (raw.length !== 32) { throw new KeyShareError("bad-public-key"); }
  return subtle.importKey("raw", raw, { name: "X25519" }, true, []);
}

async function aesKey(shared, ephemeralPublic, recipientPublic, usage) {
  const ikm = await subtle.importKey("raw", shared, "HKDF", false, ["deriveBits"]);
  const bits = await subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: concat(ephemeralPublic, recipientPublic), info: INFO }, ikm, 256,
  );
  return subtle.importKey("raw", bits, "AES-GCM", false, [usage]);
}

async function exchange(privateKey, publicKey) {
  try {
    return new Uint8Array(await subtle.deriveBits({ name: "X25519", public: publicKey }, privateKey, 256));
  } catch (error) {
    throw new KeyShareError("bad-public-key");  // a low-order point
  }
}

export async function seal(recipientPublic, message, label) {
  const recipient = await importPublicKey(recipientPublic);
  const ephemeral = await subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
  const ephemeralPublic = new Uint8Array(await subtle.exportKey("raw", ephemeral.publicKey));
  const key = await aesKey(await exchange(ephemeral.privateKey, recipient), ephemeralPublic, recipientPublic, "encrypt");
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: label }, key, message);
  return concat(new Uint8Array([1]), ephemeralPublic, nonce, new Uint8Array(cipher));
}

// ``privateKey`` is a CryptoKey (it may be non-extractable); ``ownPublic`` its raw public key.
export async function openSealed(privateKey, ownPublic, sealed, label) {
  if (sealed.length < 1 + 32 + 12 + 16 || sealed[0] !== 1) { throw new KeyShareError("bad-message"); }
  const ephemeralPublic = sealed.slice(1, 33);
  const shared = await exchange(privateKey, await importPublicKey(ephemeralPublic));
  const key = await aesKey(shared, ephemeralPublic, ownPublic, "decrypt");
  try {
    return new Uint8Array(await subtle.decrypt(
      { name: "AES-GCM", iv: sealed.slice(33, 45), additionalData: label }, key, sealed.slice(45),
    ));
  } catch (error) {
    throw new KeyShareError("share-does-not-open");
  }
}
