// A member's private key under a passphrase: the format of safkat/keyshare/backup.py
// (PBKDF2-SHA256, at least 600,000 iterations, then AES-256-GCM; NFC passphrase).
// The private key is held as a non-extractable CryptoKey; its raw bytes exist only for
// the moment of making or reading a backup, and are then overwritten.

import { concat, fromBase64, toBase64 } from "./contexts.js";
import { KeyShareError } from "./field.js";

const subtle = globalThis.crypto.subtle;
const FORMAT = "safkat-member-key";
const VERSION = 1;
export const ITERATIONS = 600000;
const MAX_ITERATIONS = 10000000;
const MIN_PASSPHRASE = 12;
// PKCS #8 header of an X25519 private key (RFC 8410), followed by the 32 raw bytes.
const PKCS8_X25519 = Uint8Array.from([48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 110, 4, 34, 4, 32]);

async function passphraseKey(passphrase, salt, iterations, usage) {
  const secret = new TextEncoder().encode(passphrase.normalize("NFC"));
  const base = await subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 256);
  return subtle.importKey("raw", bits, "AES-GCM", false, [usage]);
}

function associatedData(publicKey, iterations) {
  return new TextEncoder().encode(`${FORMAT} v${VERSION}|${publicKey}|${iterations}`);
}

function fromBase64Url(text) {
  const plain = text.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(plain + "=".repeat((4 - (plain.length % 4)) % 4));
}

async function usableKey(raw) {
  const pkcs8 = concat(PKCS8_X25519, raw);
  try {
    return await subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
  } finally {
    pkcs8.fill(0);
  }
}

// A new key pair: { privateKey (non-extractable CryptoKey), publicKey (raw bytes), backup (text) }.
export async function generateMemberKey(passphrase, iterations = ITERATIONS) {
  checkPassphrase(passphrase);
  const pair = await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
  const jwk = await subtle.exportKey("jwk", pair.privateKey);
  const raw = fromBase64Url(jwk.d);
  const publicKey = fromBase64Url(jwk.x);
  try {
    return { privateKey: await usableKey(raw), publicKey, backup: await makeBackup(raw, publicKey, passphrase, iterations) };
  } finally {
    raw.fill(0);
    jwk.d = "";
  }
}

function checkPassphrase(passphrase) {
  if (typeof passphrase !== "string" || Array.from(passphrase).length < MIN_PASSPHRASE) {
    throw new KeyShareError("short-passphrase");
  }
}

async function makeBackup(raw, publicKey, passphrase, iterations) {
  if (iterations < ITERATIONS || iterations > MAX_ITERATIONS) { throw new KeyShareError("weak-backup"); }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const publicText = toBase64(publicKey);
  const key = await passphraseKey(passphrase, salt, iterations, "encrypt");
  const cipher = await subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: associatedData(publicText, iterations) }, key, raw,
  );
  const document = {
    format: FORMAT,
    version: VERSION,
    public_key: publicText,
    kdf: { name: "PBKDF2-SHA256", iterations, salt: toBase64(salt) },
    cipher: { name: "AES-256-GCM", nonce: toBase64(nonce) },
    ciphertext: toBase64(new Uint8Array(cipher)),
  };
  return JSON.stringify(document, null, 2) + "\n";
}

function fields(text) {
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new KeyShareError("not-a-backup");
  }
  if (!document || document.format !== FORMAT || document.version !== VERSION || !document.kdf || !document.cipher
      || document.kdf.name !== "PBKDF2-SHA256" || document.cipher.name !== "AES-256-GCM") {
    throw new KeyShareError("not-a-backup");
  }
  const iterations = document.kdf.iterations;
  if (!Number.isInteger(iterations) || iterations < ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new KeyShareError("weak-backup");
  }
  try {
    return {
      publicText: document.public_key,
      publicKey: fromBase64(document.public_key),
      iterations,
      salt: fromBase64(document.kdf.salt),
      nonce: fromBase64(document.cipher.nonce),
      cipher: fromBase64(document.ciphertext),
    };
  } catch (error) {
    throw new KeyShareError("not-a-backup");
  }
}

// The key of a backup: { privateKey (non-extractable CryptoKey), publicKey (raw bytes) }.
export async function readBackup(text, passphrase) {
  const f = fields(text);
  const key = await passphraseKey(passphrase, f.salt, f.iterations, "decrypt");
  let raw;
  try {
    raw = new Uint8Array(await subtle.decrypt(
      { name: "AES-GCM", iv: f.nonce, additionalData: associatedData(f.publicText, f.iterations) }, key, f.cipher,
    ));
  } catch (error) {
    throw new KeyShareError("wrong-passphrase");
  }
  try {
    if (raw.length !== 32 || toBase64(await publicKeyOf(raw)) !== f.publicText) {
      throw new KeyShareError("wrong-passphrase");
    }
    return { privateKey: await usableKey(raw), publicKey: f.publicKey };
  } finally {
    raw.fill(0);
  }
}

async function publicKeyOf(raw) {
  const pkcs8 = concat(PKCS8_X25519, raw);
  try {
    const extractable = await subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, true, ["deriveBits"]);
    const jwk = await subtle.exportKey("jwk", extractable);
    jwk.d = "";
    return fromBase64Url(jwk.x);
  } finally {
    pkcs8.fill(0);
  }
}
