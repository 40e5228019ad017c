// A commission member's side of the opening keys, in the browser: the same JSON messages
// as safkat/keyshare/messages.py. Nothing here sends anything: the page decides what
// to post (a clear share at the opening, sub-shares or a resealed share when a
// commission is replaced), and a private key never leaves this module as bytes.

import { commitmentPrefix, concat, fromBase64, shareLabel, subshareLabel, toBase64, toHex } from "./contexts.js";
import { KeyShareError, combineSubshares, fromBytes, reshare, toBytes } from "./field.js";
import { openSealed, seal } from "./seal.js";

export { generateMemberKey, readBackup } from "./backup.js";
export { KeyShareError } from "./field.js";

function ids(message) {
  const values = ["tender", "epoch", "member", "index"].map((name) => message && message[name]);
  if (!values.every((value) => Number.isInteger(value) && value >= 0)) { throw new KeyShareError("bad-message"); }
  return values;
}

function bytesOf(text) {
  try {
    return fromBase64(text);
  } catch (error) {
    throw new KeyShareError("bad-message");
  }
}

async function unsealShare(key, message) {
  const [tender, epoch, member, index] = ids(message);
  const plain = await openSealed(key.privateKey, key.publicKey, bytesOf(message.sealed), shareLabel(tender, epoch, member, index));
  return { index, value: fromBytes(plain) };
}

async function commitment(tender, epoch, member, share) {
  const data = concat(commitmentPrefix(shareLabel(tender, epoch, member, share.index)), toBytes(share.value));
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
}

// ``key`` is what generateMemberKey or readBackup returned.
export async function clearShare(key, request) {
  const [tender, epoch, member, index] = ids(request);
  const share = await unsealShare(key, request);
  return { tender, epoch, member, index, value: share.value.toString(16).padStart(64, "0") };
}

export async function reshareReply(key, request) {
  const share = await unsealShare(key, request);
  const { tender, new_epoch: newEpoch, senders, threshold, recipients } = request;
  if (!Number.isInteger(newEpoch) || !Array.isArray(senders) || !Array.isArray(recipients)
      || !senders.every(Number.isInteger) || !Number.isInteger(threshold)
      || !recipients.every((r) => r && Number.isInteger(r.member) && Number.isInteger(r.index))) {
    throw new KeyShareError("bad-message");
  }
  if (!senders.includes(share.index)) { throw new KeyShareError("not-a-sender"); }
  const values = reshare(share, threshold, recipients.map((r) => r.index));
  const subshares = {};
  for (const r of recipients) {
    const label = subshareLabel(tender, newEpoch, senders, share.index, r.member, r.index);
    subshares[String(r.member)] = toBase64(await seal(bytesOf(r.public_key), toBytes(values.get(r.index)), label));
  }
  return { tender, new_epoch: newEpoch, from: share.index, subshares };
}

export async function combineReply(key, request) {
  const [tender, epoch, member, index] = ids(request);
  const entries = Object.entries(request.subshares || {});
  if (!entries.length || !entries.every(([sender]) => /^[0-9]+$/.test(sender))) { throw new KeyShareError("bad-message"); }
  const senders = entries.map(([sender]) => Number(sender));
  const received = new Map();
  for (const [sender, sealed] of entries) {
    const label = subshareLabel(tender, epoch, senders, Number(sender), member, index);
    received.set(Number(sender), fromBytes(await openSealed(key.privateKey, key.publicKey, bytesOf(sealed), label)));
  }
  const share = combineSubshares(index, received);
  const sealed = await seal(key.publicKey, toBytes(share.value), shareLabel(tender, epoch, member, index));
  return {
    tender, epoch, member, index, sealed: toBase64(sealed), commitment: await commitment(tender, epoch, member, share),
  };
}

// The fingerprint the platform shows for a public key (safkat.bids.crypto.public_key_fingerprint):
// the first 128 bits of its SHA-256, in groups of four hex digits, for a member to compare.
export async function fingerprint(publicKey) {
  const hex = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", publicKey))).slice(0, 32);
  return hex.match(/.{4}/g).join(" ");
}
